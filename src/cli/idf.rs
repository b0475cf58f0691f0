//! `precis idf build` and `--idf FILE`: the file side of background IDF
//! models (the model itself is `summarize::idf`, pure).
//!
//! Input: plain-text files (each file one document) and JSON Lines files
//! (names ending in `.jsonl`; each line `{"text", "lang"?}`, other keys
//! ignored, so data set lines can be used as they are).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::summarize::idf::{IdfBuilder, IdfModel};

/// Flags of `precis idf build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Corpus files: plain text (one document each) or `.jsonl`.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Where to write the model.
    #[arg(long, short)]
    pub output: PathBuf,
    /// Language of documents without a `lang` (detected when absent).
    #[arg(long)]
    pub lang: Option<String>,
    /// Leave out terms found in fewer documents (they get the largest IDF).
    #[arg(long, default_value_t = 2)]
    pub min_df: u64,
    /// Keep at most this many terms per language (the most frequent).
    #[arg(long, default_value_t = 200_000)]
    pub max_terms: usize,
}

#[derive(Deserialize)]
struct Line {
    text: Option<String>,
    #[serde(alias = "language")]
    lang: Option<String>,
}

/// Builds and writes a model; returns a one-line report.
pub fn build(args: &BuildArgs) -> Result<String, String> {
    let mut builder = IdfBuilder::new();
    let mut documents = 0usize;
    for path in &args.inputs {
        let content =
            fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if path.extension().is_some_and(|ext| ext == "jsonl") {
            for (number, line) in content.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let line: Line = serde_json::from_str(line)
                    .map_err(|e| format!("{}:{}: {e}", path.display(), number + 1))?;
                if let Some(text) = line.text.filter(|t| !t.trim().is_empty()) {
                    builder.add_document(&text, line.lang.as_deref().or(args.lang.as_deref()));
                    documents += 1;
                }
            }
        } else if !content.trim().is_empty() {
            builder.add_document(&content, args.lang.as_deref());
            documents += 1;
        }
    }
    let model = builder.finish(args.min_df, args.max_terms);
    fs::write(&args.output, model.to_file_string())
        .map_err(|e| format!("cannot write {}: {e}", args.output.display()))?;
    let languages: Vec<String> = model
        .languages()
        .map(|(code, l)| format!("{code}: {} documents, {} terms", l.documents, l.len()))
        .collect();
    Ok(format!(
        "precis: wrote {} from {documents} documents ({})",
        args.output.display(),
        languages.join("; ")
    ))
}

/// Loads the model named by `--idf`, if any.
pub fn load(path: Option<&Path>) -> Result<Option<Arc<IdfModel>>, String> {
    let Some(path) = path else {
        return Ok(None);
    };
    let text =
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    IdfModel::parse(&text)
        .map(|model| Some(Arc::new(model)))
        .map_err(|e| format!("{}: {e}", path.display()))
}
