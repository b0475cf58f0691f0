//! The pipeline behind every transport: validate once at the door, then
//! segment -> score -> summarize -> package, all pure and infallible.
//!
//! The gRPC server and the JSONL CLI both build a [`Request`] from their
//! input and call the same [`Engine`] methods, so their results are identical.

use serde::Serialize;

use crate::error::Error;
use crate::interrupt::Interrupt;
use crate::summarize::{self, Budget, Summary, Weights};
use crate::text::{self, SegmentOptions, Segmentation, language};
use crate::translate::engines::{CustomLimits, EngineProfile};
use crate::translate::package::{self, BatchLimits, Format, Package, PackageOptions, Scope};
use crate::translate::protect::{self, ContentType, GlossaryEntry, Protector};

/// Limits that protect the process; enforced for every transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// Largest accepted text, in UTF-8 bytes.
    pub max_text_bytes: usize,
    /// Largest number of sentences in one document.
    pub max_sentences: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            // 1 MiB: about a hundred times a long news article. Bigger texts
            // are refused before any work, which keeps the worst case (a
            // 1 MiB text without punctuation, or 100k sentences) bounded.
            max_text_bytes: 1024 * 1024,
            // 10k: far above any article (hundreds), and it bounds the
            // working set: Process holds about 9 KB per sentence (100k
            // sentences measured 870 MB RSS, 10k 95 MB).
            max_sentences: 10_000,
        }
    }
}

/// The four budget fields as they arrive (at most one may be set).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BudgetFields {
    pub max_sentences: Option<i64>,
    pub ratio: Option<f64>,
    pub max_words: Option<i64>,
    pub max_chars: Option<i64>,
}

impl BudgetFields {
    /// Validates the fields: at most one set, counts >= 1, ratio in (0, 1].
    pub fn parse(&self) -> Result<Budget, Error> {
        let set: Vec<&str> = [
            ("max_sentences", self.max_sentences.is_some()),
            ("ratio", self.ratio.is_some()),
            ("max_words", self.max_words.is_some()),
            ("max_chars", self.max_chars.is_some()),
        ]
        .iter()
        .filter(|(_, is_set)| *is_set)
        .map(|(name, _)| *name)
        .collect();
        if set.len() > 1 {
            return Err(Error::invalid(
                set[1],
                format!("set at most one budget; got {}", set.join(" and ")),
            ));
        }
        let count = |field: &str, value: i64| -> Result<usize, Error> {
            if value < 1 {
                Err(Error::invalid(
                    field,
                    format!("must be at least 1, got {value}"),
                ))
            } else {
                Ok(value as usize)
            }
        };
        if let Some(n) = self.max_sentences {
            return Ok(Budget::Sentences(count("max_sentences", n)?));
        }
        if let Some(ratio) = self.ratio {
            if !(ratio > 0.0 && ratio <= 1.0) {
                return Err(Error::invalid(
                    "ratio",
                    format!("must be in (0, 1], got {ratio}"),
                ));
            }
            return Ok(Budget::Ratio(ratio));
        }
        if let Some(n) = self.max_words {
            return Ok(Budget::Words(count("max_words", n)?));
        }
        if let Some(n) = self.max_chars {
            return Ok(Budget::Chars(count("max_chars", n)?));
        }
        Ok(Budget::default())
    }
}

/// Optional weight overrides as they arrive.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WeightFields {
    pub tfidf: Option<f64>,
    pub position: Option<f64>,
    pub title: Option<f64>,
    pub length: Option<f64>,
    pub redundancy: Option<f64>,
    pub centrality: Option<f64>,
}

impl WeightFields {
    /// Applies the overrides to the defaults: weights finite and >= 0,
    /// redundancy in (0, 1].
    pub fn parse(&self) -> Result<Weights, Error> {
        let mut weights = Weights::default();
        let fields = [
            ("weights.tfidf", self.tfidf, &mut weights.tfidf),
            ("weights.position", self.position, &mut weights.position),
            ("weights.title", self.title, &mut weights.title),
            ("weights.length", self.length, &mut weights.length),
            (
                "weights.centrality",
                self.centrality,
                &mut weights.centrality,
            ),
        ];
        for (field, value, slot) in fields {
            if let Some(value) = value {
                if !value.is_finite() || value < 0.0 {
                    return Err(Error::invalid(
                        field,
                        format!("must be a finite number >= 0, got {value}"),
                    ));
                }
                *slot = value;
            }
        }
        if let Some(value) = self.redundancy {
            if !(value > 0.0 && value <= 1.0) {
                return Err(Error::invalid(
                    "weights.redundancy",
                    format!("must be in (0, 1], got {value}"),
                ));
            }
            weights.redundancy = value;
        }
        Ok(weights)
    }
}

/// One article and everything asked of it, as any transport receives it.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub text: String,
    pub title: Option<String>,
    /// Raw BCP-47 hint; validated by [`Engine::validate`].
    pub language: Option<String>,
    pub segmentation: SegmentOptions,
    pub budget: BudgetFields,
    pub weights: WeightFields,
    pub document_id: String,
    pub target_langs: Vec<String>,
    pub limits: Option<BatchLimits>,
    pub scope: Scope,
    /// `text/plain` (default), `text/markdown` or `text/html`.
    pub content_type: Option<String>,
    /// Engine profile name: deepl, google-v3, azure, aws, custom.
    pub engine: Option<String>,
    /// Do-not-translate terms, with optional forced translations.
    pub glossary: Vec<GlossaryEntry>,
    /// Package renditions to return: "xliff-2.1", "jsonl".
    pub formats: Vec<String>,
    /// Split segments no engine request can carry at clause boundaries.
    pub allow_resegment: bool,
}

/// A request that passed validation.
#[derive(Debug, Clone)]
pub struct Validated<'r> {
    pub text: &'r str,
    pub title: Option<&'r str>,
    pub language: Option<String>,
    pub segmentation: &'r SegmentOptions,
    pub budget: Budget,
    pub weights: Weights,
    pub package: PackageOptions,
}

/// The translation options of a request, validated: engine, content type,
/// glossary and formats.
fn package_options(request: &Request, target_langs: Vec<String>) -> Result<PackageOptions, Error> {
    let limits = request.limits.unwrap_or_default();
    let engine_name = request.engine.as_deref().unwrap_or("").trim();
    let engine = if engine_name.is_empty() {
        EngineProfile::default()
    } else {
        EngineProfile::named(
            engine_name,
            CustomLimits {
                max_segments: limits.max_segments,
                max_code_points: limits.max_code_points,
                max_bytes: limits.max_bytes,
            },
        )?
    };
    let content_type = ContentType::parse(request.content_type.as_deref().unwrap_or(""))?;
    let glossary = protect::validate_glossary(&request.glossary)?;
    let formats = request
        .formats
        .iter()
        .enumerate()
        .map(|(i, name)| Format::parse(name, i))
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(PackageOptions {
        document_id: request.document_id.clone(),
        target_langs,
        limits,
        scope: request.scope,
        engine,
        protector: Protector {
            content_type,
            glossary,
        },
        allow_resegment: request.allow_resegment,
        formats,
    })
}

/// Segmentation, summary and package of one article.
#[derive(Debug, Clone, PartialEq)]
pub struct Processed {
    pub segmentation: Segmentation,
    pub summary: Summary,
    pub package: Package,
}

/// What [`Engine::warm_up`] did.
#[derive(Debug, Clone, Copy)]
pub struct WarmUp {
    /// Texts processed.
    pub processed: usize,
    /// Texts that the engine's limits refused.
    pub refused: usize,
    pub elapsed: std::time::Duration,
}

/// The English warm-up text: the seed article.
const WARM_UP_ARTICLE: &str = include_str!("../examples/seed_article.txt");
const WARM_UP_HTML: &str = "<h1>Rice exports rise</h1>\n<p>Exports rose <b>12%</b> in October, \
    the ministry said (<a href=\"https://example.org/rice\">report</a>).</p>";
const WARM_UP_MARKDOWN: &str = "# Rice exports rise\n\nExports rose **12%** in October, \
    the ministry said ([report](https://example.org/rice)).";

/// (language, text) of `data/warm_up.txt`.
fn warm_up_texts() -> impl Iterator<Item = (&'static str, &'static str)> {
    include_str!("../data/warm_up.txt")
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            line.split_once('\t')
                .expect("data/warm_up.txt: <language> TAB <text>")
        })
}

/// What [`Engine::warm_up`] processes: the seed article without a language
/// hint and with both package renditions, the same as HTML and as Markdown,
/// and a short text in each other language of the product with its hint
/// (`data/warm_up.txt`).
pub fn warm_up_requests() -> Vec<Request> {
    let mut requests = vec![
        Request {
            text: WARM_UP_ARTICLE.to_string(),
            target_langs: vec!["vi".into(), "th".into()],
            formats: vec!["xliff-2.1".into(), "jsonl".into()],
            ..Request::default()
        },
        Request {
            text: WARM_UP_HTML.to_string(),
            content_type: Some("text/html".into()),
            ..Request::default()
        },
        Request {
            text: WARM_UP_MARKDOWN.to_string(),
            content_type: Some("text/markdown".into()),
            ..Request::default()
        },
    ];
    requests.extend(warm_up_texts().map(|(language, text)| Request {
        text: text.to_string(),
        language: Some(language.to_string()),
        ..Request::default()
    }));
    requests
}

/// The engine. Cheap to clone; holds only configuration.
#[derive(Debug, Clone, Default)]
pub struct Engine {
    pub limits: Limits,
    /// SRX segmentation rules loaded at start-up (`--srx FILE`).
    pub srx: Option<std::sync::Arc<text::srx::SrxRules>>,
    /// Background IDF for summaries (`--idf FILE`); none by default.
    pub idf: Option<std::sync::Arc<summarize::IdfModel>>,
}

impl Engine {
    pub fn new(limits: Limits) -> Engine {
        Engine {
            limits,
            srx: None,
            idf: None,
        }
    }

    /// The engine with SRX rules applied where sentences are split.
    pub fn with_srx(mut self, srx: Option<std::sync::Arc<text::srx::SrxRules>>) -> Engine {
        self.srx = srx;
        self
    }

    /// The engine with a background IDF model for summaries.
    pub fn with_idf(mut self, idf: Option<std::sync::Arc<summarize::IdfModel>>) -> Engine {
        self.idf = idf;
        self
    }

    /// Checks every field once; later stages cannot fail.
    pub fn validate<'r>(&self, request: &'r Request) -> Result<Validated<'r>, Error> {
        if text::trim(&request.text).is_empty() {
            return Err(Error::invalid(
                "text",
                "must not be empty or whitespace only",
            ));
        }
        if request.text.len() > self.limits.max_text_bytes {
            return Err(Error::limit(
                "text",
                format!(
                    "is {} bytes; the limit is {} bytes",
                    request.text.len(),
                    self.limits.max_text_bytes
                ),
            ));
        }
        let language = match request.language.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(tag) => Some(language::normalize_tag(tag).map_err(|e| {
                Error::invalid(
                    "language",
                    format!("{:?} is not a BCP-47 language tag", e.0),
                )
            })?),
        };
        let mut target_langs = Vec::with_capacity(request.target_langs.len());
        for (i, tag) in request.target_langs.iter().enumerate() {
            let code = language::normalize_tag(tag).map_err(|e| {
                Error::invalid(
                    format!("target_langs[{i}]"),
                    format!("{:?} is not a BCP-47 language tag", e.0),
                )
            })?;
            target_langs.push(code);
        }
        for abbreviation in &request.segmentation.extra_abbreviations {
            if abbreviation.trim().is_empty() || abbreviation.chars().any(char::is_whitespace) {
                return Err(Error::invalid(
                    "segmentation.extra_abbreviations",
                    format!("{abbreviation:?} must be one non-empty word"),
                ));
            }
        }
        Ok(Validated {
            text: &request.text,
            title: request.title.as_deref().filter(|t| !t.trim().is_empty()),
            language,
            segmentation: &request.segmentation,
            budget: request.budget.parse()?,
            weights: request.weights.parse()?,
            package: package_options(request, target_langs)?,
        })
    }

    /// Sentences with offsets, kinds and the title.
    pub fn segment(&self, request: &Validated<'_>) -> Result<Segmentation, Error> {
        // HTML is split as the text between block-level tags (same byte
        // offsets; see `protect::mask_block_markup`).
        let masked = match request.package.protector.content_type {
            ContentType::Html => protect::mask_block_markup(request.text),
            _ => None,
        };
        // An HTML document's <h1> (or <title>) is its headline.
        let html_title = match (request.title, &masked) {
            (None, Some(_)) => protect::html_headline(request.text),
            _ => None,
        };
        let title = request.title.or(html_title.as_deref());
        let (split_text, hard_breaks) = match &masked {
            Some((masked_text, breaks)) => (masked_text.as_str(), breaks.as_slice()),
            None => (request.text, &[][..]),
        };
        let mut segmentation = text::segment_with(
            split_text,
            title,
            request.language.as_deref(),
            request.segmentation,
            self.srx.as_deref(),
            hard_breaks,
        );
        if masked.is_some() {
            text::recount_offsets(request.text, &mut segmentation.sentences);
            // The words are those of the masked text, not of the text the
            // later stages read.
            segmentation.words.clear();
        }
        if segmentation.sentences.len() > self.limits.max_sentences {
            return Err(Error::limit(
                "text",
                format!(
                    "has {} sentences; the limit is {}",
                    segmentation.sentences.len(),
                    self.limits.max_sentences
                ),
            ));
        }
        Ok(segmentation)
    }

    /// Segmentation and summary.
    pub fn summarize(&self, request: &Validated<'_>) -> Result<(Segmentation, Summary), Error> {
        self.summarize_until(request, &Interrupt::none())
    }

    /// Segmentation, summary and translation package from one segmentation pass.
    pub fn process(&self, request: &Validated<'_>) -> Result<Processed, Error> {
        self.process_until(request, &Interrupt::none())
    }

    /// Processes [`warm_up_requests`], so that the regexes, word lists,
    /// stemmers and dictionary segmenters that the engine builds on first
    /// use are built, and a server's first requests do not wait for them
    /// (docs/performance-history.md, "Tenth session: warm-up, and what did not
    /// pay"). The results are discarded: nothing built on first use changes
    /// a later result. A text that this engine's limits refuse is skipped.
    pub fn warm_up(&self) -> WarmUp {
        let started = std::time::Instant::now();
        let requests = warm_up_requests();
        let processed = requests
            .iter()
            .filter(|request| {
                self.validate(request)
                    .and_then(|validated| self.process(&validated))
                    .is_ok()
            })
            .count();
        WarmUp {
            processed,
            refused: requests.len() - processed,
            elapsed: started.elapsed(),
        }
    }

    /// [`Engine::segment`] that first checks `interrupt`.
    pub fn segment_until(
        &self,
        request: &Validated<'_>,
        interrupt: &Interrupt,
    ) -> Result<Segmentation, Error> {
        interrupt.check("segment")?;
        self.segment(request)
    }

    /// [`Engine::summarize`] that checks `interrupt` before each stage, so a
    /// caller that gave up stops the work at the next stage boundary.
    pub fn summarize_until(
        &self,
        request: &Validated<'_>,
        interrupt: &Interrupt,
    ) -> Result<(Segmentation, Summary), Error> {
        let segmentation = self.segment_until(request, interrupt)?;
        interrupt.check("summarize")?;
        let summary = summarize::summarize_with_idf(
            request.text,
            &segmentation,
            request.budget,
            &request.weights,
            self.idf.as_deref(),
        );
        Ok((segmentation, summary))
    }

    /// [`Engine::process`] that checks `interrupt` before each stage and
    /// once more before the result is handed back (packaging is the longest
    /// stage; work past its deadline is not worth converting).
    pub fn process_until(
        &self,
        request: &Validated<'_>,
        interrupt: &Interrupt,
    ) -> Result<Processed, Error> {
        let (segmentation, summary) = self.summarize_until(request, interrupt)?;
        interrupt.check("package")?;
        let package = package::build(request.text, &segmentation, &summary, &request.package);
        interrupt.check("respond")?;
        Ok(Processed {
            segmentation,
            summary,
            package,
        })
    }
}

#[cfg(test)]
mod interrupt_tests {
    use super::*;

    #[test]
    fn until_variants_match_the_plain_stages_and_stop_when_interrupted() {
        let engine = Engine::default();
        let request = Request {
            text: "Trade grew 5% in 2025. Energy deals followed. Mr. Kao was pleased.".into(),
            language: Some("en".into()),
            ..Request::default()
        };
        let validated = engine.validate(&request).unwrap();
        let never = Interrupt::none();
        assert_eq!(
            engine.process_until(&validated, &never).unwrap(),
            engine.process(&validated).unwrap()
        );
        // The server's (interruptible) path uses the background IDF too.
        let mut builder = crate::summarize::idf::IdfBuilder::new();
        for document in [
            "Trade grew in 2025.",
            "Energy deals followed.",
            "Trade talks.",
        ] {
            builder.add_document(document, Some("en"));
        }
        let with_idf =
            Engine::default().with_idf(Some(std::sync::Arc::new(builder.finish(1, 100))));
        let scores = |engine: &Engine| {
            let (_, summary) = engine.summarize_until(&validated, &never).unwrap();
            summary
                .scores
                .iter()
                .map(|s| s.components.tfidf)
                .collect::<Vec<_>>()
        };
        assert_ne!(scores(&with_idf), scores(&engine));
        assert_eq!(
            with_idf.summarize_until(&validated, &never).unwrap(),
            with_idf.summarize(&validated).unwrap()
        );
        let cancelled = Interrupt::with_deadline(None);
        cancelled.cancel();
        let error = engine.process_until(&validated, &cancelled).unwrap_err();
        assert_eq!(error.code_name(), "CANCELLED");
        assert!(error.to_string().contains("segment"), "{error}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each language of the product has a warm-up text that is what it
    /// says (detection agrees) and that splits into its sentences, and the
    /// warm-up processes them all.
    #[test]
    fn warm_up_covers_every_language_of_the_product() {
        let engine = Engine::default();
        let mut languages = Vec::new();
        for (language, text) in warm_up_texts() {
            let request = Request {
                text: text.to_string(),
                ..Request::default()
            };
            let processed = engine.process(&engine.validate(&request).unwrap()).unwrap();
            let segmentation = &processed.segmentation;
            // The detector has no Malay: Malay text without a hint is taken
            // for Indonesian (the warm-up gives the hint).
            let detected = if language == "ms" { "id" } else { language };
            assert_eq!(segmentation.language, detected, "{text}");
            assert!(
                segmentation.sentences.len() >= 2,
                "{language}: {segmentation:?}"
            );
            languages.push(language);
        }
        assert_eq!(
            languages,
            ["zh", "vi", "th", "id", "ms", "fil", "km", "lo", "my"]
        );
        let warm_up = engine.warm_up();
        assert_eq!(
            (warm_up.processed, warm_up.refused),
            (3 + languages.len(), 0)
        );
        // Limits that refuse the article skip it, and only it.
        let small = Engine::new(Limits {
            max_text_bytes: 1_000,
            ..Limits::default()
        });
        let warm_up = small.warm_up();
        assert_eq!(
            (warm_up.processed, warm_up.refused),
            (2 + languages.len(), 1)
        );
    }
}
