//! Background IDF: document frequencies of index terms counted over a corpus,
//! blended with the document's own sentence-level IDF when scoring.
//!
//! A document's own sentences are a tiny sample: a term that appears in every
//! sentence of one article ("said", a name) and a term common to all news
//! ("government") look alike. Corpus document frequencies tell them apart.
//!
//! # File format (`precis idf build` writes it, `--idf FILE` reads it)
//!
//! UTF-8 text, `\n` line ends. The first line is the magic `precis-idf 1`.
//! Lines starting with `#` are comments. Each language section starts with
//! `@lang <code> <documents>` (a normalised language code, the number of
//! corpus documents in that language), followed by one `<term>\t<df>` line
//! per term, sorted by term. Terms are the index terms of
//! [`crate::text::tokenize::Tokenizer`] for that language (stems, CJK
//! bigrams, Vietnamese syllables and syllable bigrams), so a model is tied to
//! the tokenizer version; `df` is the number of documents containing the
//! term. Terms seen in fewer than `min_df` documents are left out (they get
//! the largest IDF anyway), which keeps the file small. Terms never contain
//! a tab or a line break and never start with `@` or `#` (index terms are
//! made of word characters and, for Vietnamese bigrams, one space).
//!
//! ```text
//! precis-idf 1
//! @lang en 2
//! govern<TAB>2
//! minist<TAB>1
//! ```

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use crate::error::Error;
use crate::text::language;
use crate::text::tokenize::Tokenizer;

/// The first line of a model file.
pub const MAGIC: &str = "precis-idf 1";

/// Document frequencies of one language.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LanguageIdf {
    /// Corpus documents in this language.
    pub documents: u64,
    document_frequency: HashMap<String, u64>,
}

impl LanguageIdf {
    /// Smoothed IDF, `ln((1 + N) / (1 + df)) + 1` (the smoothed form of
    /// scikit-learn's `TfidfTransformer`); unseen terms get the largest value.
    pub fn idf(&self, term: &str) -> f64 {
        let df = self.document_frequency.get(term).copied().unwrap_or(0);
        ((1.0 + self.documents as f64) / (1.0 + df as f64)).ln() + 1.0
    }

    /// The IDF of a term seen in no document (the largest value).
    pub fn max_idf(&self) -> f64 {
        (1.0 + self.documents as f64).ln() + 1.0
    }

    /// Number of terms kept.
    pub fn len(&self) -> usize {
        self.document_frequency.len()
    }

    pub fn is_empty(&self) -> bool {
        self.document_frequency.is_empty()
    }
}

/// A background IDF model: one [`LanguageIdf`] per language.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IdfModel {
    languages: BTreeMap<String, LanguageIdf>,
}

impl IdfModel {
    /// The frequencies for `language`, when the corpus had documents in it.
    pub fn language(&self, language: &str) -> Option<&LanguageIdf> {
        self.languages.get(language).filter(|l| l.documents > 0)
    }

    /// Languages in the model, sorted.
    pub fn languages(&self) -> impl Iterator<Item = (&str, &LanguageIdf)> {
        self.languages.iter().map(|(code, l)| (code.as_str(), l))
    }

    /// Parses a model file (see the module documentation for the format).
    pub fn parse(text: &str) -> Result<IdfModel, Error> {
        let fail =
            |line: usize, reason: String| Error::invalid("idf", format!("line {line}: {reason}"));
        let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
        match lines.next() {
            Some((_, first)) if first.trim_end() == MAGIC => {}
            _ => return Err(fail(1, format!("expected {MAGIC:?}"))),
        }
        let mut model = IdfModel::default();
        let mut current: Option<String> = None;
        for (number, line) in lines {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(header) = line.strip_prefix("@lang ") {
                let mut fields = header.split(' ');
                let (Some(code), Some(documents), None) =
                    (fields.next(), fields.next(), fields.next())
                else {
                    return Err(fail(number, "expected `@lang <code> <documents>`".into()));
                };
                let documents = documents
                    .parse::<u64>()
                    .map_err(|e| fail(number, format!("document count: {e}")))?;
                let entry = model.languages.entry(code.to_string()).or_default();
                entry.documents += documents;
                current = Some(code.to_string());
                continue;
            }
            let Some(code) = &current else {
                return Err(fail(number, "term before the first `@lang` line".into()));
            };
            let Some((term, df)) = line.rsplit_once('\t') else {
                return Err(fail(number, "expected `<term>\\t<df>`".into()));
            };
            let df = df
                .parse::<u64>()
                .map_err(|e| fail(number, format!("document frequency: {e}")))?;
            let entry = model.languages.get_mut(code).expect("section exists");
            *entry
                .document_frequency
                .entry(term.to_string())
                .or_insert(0) += df;
        }
        Ok(model)
    }

    /// The model in the file format, deterministic (languages and terms sorted).
    pub fn to_file_string(&self) -> String {
        let mut out = String::new();
        out.push_str(MAGIC);
        out.push('\n');
        out.push_str("# term<TAB>document frequency, per language; see precis::summarize::idf\n");
        for (code, language) in &self.languages {
            let _ = writeln!(out, "@lang {code} {}", language.documents);
            let mut terms: Vec<(&String, &u64)> = language.document_frequency.iter().collect();
            terms.sort_unstable();
            for (term, df) in terms {
                let _ = writeln!(out, "{term}\t{df}");
            }
        }
        out
    }
}

/// Counts document frequencies over a corpus, one document at a time.
#[derive(Default)]
pub struct IdfBuilder {
    counts: BTreeMap<String, (u64, HashMap<String, u64>)>,
    tokenizers: HashMap<String, Tokenizer>,
}

impl IdfBuilder {
    pub fn new() -> IdfBuilder {
        IdfBuilder::default()
    }

    /// Adds one document; `language` is a hint (normalised here), detected
    /// when absent or invalid. Returns the language used.
    pub fn add_document(&mut self, text: &str, language: Option<&str>) -> String {
        let code = language
            .and_then(|tag| language::normalize_tag(tag).ok())
            .unwrap_or_else(|| language::detect(text));
        let tokenizer = self
            .tokenizers
            .entry(code.clone())
            .or_insert_with(|| Tokenizer::new(&code));
        let mut terms = Vec::new();
        tokenizer.terms(text, &mut terms);
        let unique: HashSet<String> = terms
            .into_iter()
            .filter(|t| !t.contains(['\t', '\n', '\r']) && !t.starts_with(['@', '#']))
            .collect();
        let (documents, frequencies) = self.counts.entry(code.clone()).or_default();
        *documents += 1;
        for term in unique {
            *frequencies.entry(term).or_insert(0) += 1;
        }
        code
    }

    /// The model, keeping terms with `df >= min_df` and at most `max_terms`
    /// terms per language (the most frequent; ties by term).
    pub fn finish(self, min_df: u64, max_terms: usize) -> IdfModel {
        let languages = self
            .counts
            .into_iter()
            .map(|(code, (documents, frequencies))| {
                let mut kept: Vec<(String, u64)> = frequencies
                    .into_iter()
                    .filter(|&(_, df)| df >= min_df.max(1))
                    .collect();
                kept.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                kept.truncate(max_terms);
                let language = LanguageIdf {
                    documents,
                    document_frequency: kept.into_iter().collect(),
                };
                (code, language)
            })
            .collect();
        IdfModel { languages }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn english_model() -> IdfModel {
        let mut builder = IdfBuilder::new();
        builder.add_document(
            "The government announced a new budget on Monday.",
            Some("en"),
        );
        builder.add_document("The government said the talks would resume.", Some("en"));
        builder.add_document("Heavy rain flooded the valley overnight.", Some("en"));
        builder.add_document("雅虎发布财报。", Some("zh"));
        builder.finish(1, usize::MAX)
    }

    #[test]
    fn common_terms_get_lower_idf() {
        let model = english_model();
        let english = model.language("en").unwrap();
        assert_eq!(english.documents, 3);
        assert!(english.idf("govern") < english.idf("budget"));
        assert!(english.idf("budget") < english.idf("never-seen"));
        assert_eq!(english.idf("never-seen"), english.max_idf());
        assert!(model.language("fr").is_none());
    }

    #[test]
    fn file_round_trip() {
        let model = english_model();
        let file = model.to_file_string();
        assert!(file.starts_with("precis-idf 1\n"));
        assert!(file.contains("\n@lang zh 1\n"));
        assert_eq!(IdfModel::parse(&file).unwrap(), model);
    }

    #[test]
    fn vietnamese_bigram_lang_is_a_term_not_a_header() {
        let mut builder = IdfBuilder::new();
        builder.add_document("Anh ấy đi lang thang trên phố.", Some("vi"));
        let model = builder.finish(1, usize::MAX);
        let parsed = IdfModel::parse(&model.to_file_string()).unwrap();
        assert_eq!(parsed, model);
        assert!(
            parsed.language("vi").unwrap().idf("lang thang")
                < parsed.language("vi").unwrap().max_idf()
        );
    }

    #[test]
    fn min_df_and_max_terms_prune() {
        let mut builder = IdfBuilder::new();
        builder.add_document("budget talks", Some("en"));
        builder.add_document("budget vote", Some("en"));
        let model = builder.finish(2, 10);
        assert_eq!(model.language("en").unwrap().len(), 1);
    }

    #[test]
    fn malformed_files_are_refused_with_the_line() {
        assert!(IdfModel::parse("not a model").is_err());
        let error = IdfModel::parse("precis-idf 1\nterm\t3\n").unwrap_err();
        assert!(error.to_string().contains("line 2"), "{error}");
        let error = IdfModel::parse("precis-idf 1\n@lang en 2\nterm\tx\n").unwrap_err();
        assert!(error.to_string().contains("line 3"), "{error}");
    }
}
