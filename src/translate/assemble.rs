//! Assembly: translated segments (plain-token style, or the targets of an
//! XLIFF 2 file) back into one document, with the source's leading text,
//! the whitespace between segments and the protected spans restored.
//!
//! Every problem is reported per segment, never dropped: a missing,
//! duplicated or invented placeholder, a pair closed before it opens, a
//! segment without translation, a translation for an unknown segment, or
//! two translations for one segment.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

use crate::error::Error;
use crate::text::language;
use crate::translate::package::Package;
use crate::translate::protect::MarkupRole;
use crate::translate::{render, xliff};

/// The style a translation's placeholders are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TranslationStyle {
    /// `{n}` tokens, as in `protected_text`.
    #[default]
    Plain,
    /// The HTML rendition (`translate="no"` spans).
    Html,
}

/// One translated segment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Translation {
    pub id: String,
    pub text: String,
    pub style: TranslationStyle,
}

/// A problem with one segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SegmentError {
    pub segment_id: String,
    /// `missing_segment`, `unknown_segment`, `duplicate_segment`,
    /// `missing_placeholder`, `duplicate_placeholder`,
    /// `invented_placeholder`, `misordered_placeholder`.
    pub code: String,
    pub message: String,
}

fn segment_error(id: &str, code: &str, message: String) -> SegmentError {
    SegmentError {
        segment_id: id.to_string(),
        code: code.to_string(),
        message,
    }
}

/// Validates the target language (empty allowed: no forced translations).
pub fn target_language(tag: &str) -> Result<String, Error> {
    if tag.trim().is_empty() {
        return Ok(String::new());
    }
    language::normalize_tag(tag).map_err(|e| {
        Error::invalid(
            "target_lang",
            format!("{:?} is not a BCP-47 language tag", e.0),
        )
    })
}

/// The translations held by an XLIFF 2 document (targets of its units); a
/// unit without a target is simply absent, and reported as missing.
pub fn translations_from_xliff(xml: &str) -> Result<Vec<Translation>, Error> {
    Ok(xliff::import(xml)?
        .into_iter()
        .filter_map(|unit| {
            unit.target.map(|text| Translation {
                id: unit.id,
                text,
                style: TranslationStyle::Plain,
            })
        })
        .collect())
}

fn token_pattern() -> &'static Regex {
    static TOKEN: OnceLock<Regex> = OnceLock::new();
    TOKEN.get_or_init(|| Regex::new(r"\{(\d{1,9})\}").unwrap())
}

/// Rebuilds the translated document into `target` (a normalised language
/// code, or "" to restore every protected span as in the source).
pub fn assemble(
    package: &Package,
    translations: &[Translation],
    target: &str,
) -> Result<String, Vec<SegmentError>> {
    let mut errors: Vec<SegmentError> = Vec::new();
    let mut by_id: HashMap<&str, String> = HashMap::new();
    for translation in translations {
        if !package.segments.iter().any(|s| s.id == translation.id) {
            errors.push(segment_error(
                &translation.id,
                "unknown_segment",
                "no segment of the package has this id".to_string(),
            ));
            continue;
        }
        let text = match translation.style {
            TranslationStyle::Plain => translation.text.clone(),
            TranslationStyle::Html => render::html_to_tokens(&translation.text),
        };
        if by_id.insert(translation.id.as_str(), text).is_some() {
            errors.push(segment_error(
                &translation.id,
                "duplicate_segment",
                "the segment is translated more than once".to_string(),
            ));
        }
    }
    let mut out = String::with_capacity(package.leading.len() + package.segments.len() * 80);
    out.push_str(&package.leading);
    for segment in &package.segments {
        let Some(text) = by_id.get(segment.id.as_str()) else {
            errors.push(segment_error(
                &segment.id,
                "missing_segment",
                "no translation for this segment".to_string(),
            ));
            continue;
        };
        let mut seen: HashMap<usize, usize> = HashMap::new();
        let mut position: HashMap<usize, usize> = HashMap::new();
        let mut cursor = 0usize;
        for captures in token_pattern().captures_iter(text) {
            let whole = captures.get(0).expect("match");
            let number: usize = captures[1].parse().unwrap_or(0);
            out.push_str(&text[cursor..whole.start()]);
            cursor = whole.end();
            match segment.placeholders.iter().find(|p| p.id == number) {
                Some(placeholder) => {
                    out.push_str(placeholder.restored(target));
                    *seen.entry(number).or_insert(0) += 1;
                    position.entry(number).or_insert(whole.start());
                }
                None => errors.push(segment_error(
                    &segment.id,
                    "invented_placeholder",
                    format!("{} is not a placeholder of this segment", whole.as_str()),
                )),
            }
        }
        out.push_str(&text[cursor..]);
        out.push_str(&segment.gap_after);
        for placeholder in &segment.placeholders {
            match seen.get(&placeholder.id).copied().unwrap_or(0) {
                0 => errors.push(segment_error(
                    &segment.id,
                    "missing_placeholder",
                    format!(
                        "{} ({} {:?}) is missing",
                        placeholder.token,
                        placeholder.kind.as_str(),
                        placeholder.text
                    ),
                )),
                1 => {}
                n => errors.push(segment_error(
                    &segment.id,
                    "duplicate_placeholder",
                    format!("{} appears {n} times", placeholder.token),
                )),
            }
            if placeholder.role == MarkupRole::Open
                && let (Some(open), Some(close)) = (
                    position.get(&placeholder.id),
                    position.get(&placeholder.pair),
                )
                && close < open
            {
                errors.push(segment_error(
                    &segment.id,
                    "misordered_placeholder",
                    format!(
                        "{{{}}} closes before {} opens",
                        placeholder.pair, placeholder.token
                    ),
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// A whole Assemble request: validates the target language and the
/// package, adds the targets of `xliff` (when not blank) to
/// `translations`, and assembles. The outer `Err` is a bad request; the
/// inner one lists the per-segment problems.
pub fn assemble_request(
    package: &Package,
    mut translations: Vec<Translation>,
    xliff: &str,
    target_lang: &str,
) -> Result<Result<String, Vec<SegmentError>>, Error> {
    let target = target_language(target_lang)?;
    if !xliff.trim().is_empty() {
        translations.extend(translations_from_xliff(xliff)?);
    }
    Ok(assemble(package, &translations, &target))
}
