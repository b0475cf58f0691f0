//! The pipeline behind every transport: validate once at the door, then
//! segment -> score -> summarize -> package, all pure and infallible.
//!
//! The gRPC server and the JSONL CLI both build a [`Request`] from their
//! input and call the same [`Engine`] methods, so their results are identical.

use serde::Serialize;

use crate::error::Error;
use crate::summarize::{self, Budget, Summary, Weights};
use crate::text::{self, SegmentOptions, Segmentation, language};
use crate::translate::package::{self, BatchLimits, Package, PackageOptions, Scope};

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
            max_text_bytes: 4 * 1024 * 1024,
            max_sentences: 100_000,
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

/// Segmentation, summary and package of one article.
#[derive(Debug, Clone, PartialEq)]
pub struct Processed {
    pub segmentation: Segmentation,
    pub summary: Summary,
    pub package: Package,
}

/// The engine. Cheap to clone; holds only configuration.
#[derive(Debug, Clone, Default)]
pub struct Engine {
    pub limits: Limits,
    /// Background IDF for summaries (`--idf FILE`); none by default.
    pub idf: Option<std::sync::Arc<summarize::IdfModel>>,
}

impl Engine {
    pub fn new(limits: Limits) -> Engine {
        Engine { limits, idf: None }
    }

    /// The engine with a background IDF model for summaries.
    pub fn with_idf(mut self, idf: Option<std::sync::Arc<summarize::IdfModel>>) -> Engine {
        self.idf = idf;
        self
    }

    /// Checks every field once; later stages cannot fail.
    pub fn validate<'r>(&self, request: &'r Request) -> Result<Validated<'r>, Error> {
        if request.text.trim().is_empty() {
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
            package: PackageOptions {
                document_id: request.document_id.clone(),
                target_langs,
                limits: request.limits.unwrap_or_default(),
                scope: request.scope,
            },
        })
    }

    /// Sentences with offsets, kinds and the title.
    pub fn segment(&self, request: &Validated<'_>) -> Result<Segmentation, Error> {
        let segmentation = text::segment(
            request.text,
            request.title,
            request.language.as_deref(),
            request.segmentation,
        );
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
        let segmentation = self.segment(request)?;
        let summary = summarize::summarize_with_idf(
            request.text,
            &segmentation,
            request.budget,
            &request.weights,
            self.idf.as_deref(),
        );
        Ok((segmentation, summary))
    }

    /// Segmentation, summary and translation package from one segmentation pass.
    pub fn process(&self, request: &Validated<'_>) -> Result<Processed, Error> {
        let (segmentation, summary) = self.summarize(request)?;
        let package = package::build(request.text, &segmentation, &summary, &request.package);
        Ok(Processed {
            segmentation,
            summary,
            package,
        })
    }
}
