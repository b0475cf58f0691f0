//! Translation engine profiles: request limits in each engine's own unit,
//! the protected-text style the engine receives, and its language codes.
//!
//! The built-in profiles (`deepl`, `google-v3`, `azure`, `aws`) are data in
//! `data/engines.json`; `custom` takes the request's limits.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Which rendition of a segment an engine receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Style {
    /// Plain text with `{n}` tokens (LLMs, custom pipelines).
    #[default]
    Plain,
    /// HTML with `translate="no"` spans (DeepL, Google, Azure and AWS all
    /// honour it in their HTML modes).
    Html,
}

/// One engine's limits and language codes. Zero means "no limit".
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct EngineProfile {
    pub name: String,
    pub style: Style,
    /// Texts per request.
    pub max_items: usize,
    /// Estimated JSON request body per request (DeepL: 128 KiB): each text
    /// JSON-escaped plus a comma, plus `request_overhead_bytes`.
    pub max_request_bytes: usize,
    pub request_overhead_bytes: usize,
    /// Summed UTF-8 bytes of the texts of one request (custom limits).
    pub max_request_text_bytes: usize,
    /// Code points per request (multiplied by the number of targets when
    /// `per_target`, as Azure counts).
    pub max_request_code_points: usize,
    /// Preferred request size in code points (Google recommends 5,000):
    /// batches are packed to it, but a segment above it alone is legal.
    pub target_request_code_points: usize,
    /// UTF-8 bytes of one text (AWS: 10,000).
    pub max_item_bytes: usize,
    /// Code points of one text (Azure: 50,000).
    pub max_item_code_points: usize,
    pub per_target: bool,
    /// Precis language code -> engine code, where they differ.
    pub codes: BTreeMap<String, String>,
    /// Engine codes are upper case (DeepL).
    pub uppercase: bool,
    /// Documented target languages (engine codes); empty = not checked.
    pub targets: Vec<String>,
}

#[derive(Deserialize)]
struct EngineFile {
    profiles: Vec<EngineProfile>,
}

/// The built-in profiles.
pub fn builtin() -> &'static [EngineProfile] {
    static PROFILES: OnceLock<Vec<EngineProfile>> = OnceLock::new();
    PROFILES.get_or_init(|| {
        serde_json::from_str::<EngineFile>(include_str!("../../data/engines.json"))
            .expect("data/engines.json is valid")
            .profiles
    })
}

/// Names accepted in the `engine` request field.
pub const ENGINE_NAMES: &[&str] = &["deepl", "google-v3", "azure", "aws", "custom"];

/// A request's custom limits (the `limits` field), used by `custom` and
/// when no engine is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CustomLimits {
    pub max_segments: usize,
    pub max_code_points: usize,
    pub max_bytes: usize,
}

impl EngineProfile {
    /// The profile for `name`; `custom` (and no name) take `limits`.
    pub fn named(name: &str, limits: CustomLimits) -> Result<EngineProfile, Error> {
        let name = name.trim();
        if name.is_empty() || name == "custom" {
            return Ok(EngineProfile {
                name: if name.is_empty() { "default" } else { "custom" }.to_string(),
                style: Style::Plain,
                max_items: limits.max_segments,
                max_request_code_points: limits.max_code_points,
                max_request_text_bytes: limits.max_bytes,
                ..EngineProfile::default()
            });
        }
        builtin()
            .iter()
            .find(|p| p.name == name)
            .cloned()
            .ok_or_else(|| {
                Error::invalid(
                    "engine",
                    format!("{name:?} is not one of {}", ENGINE_NAMES.join(", ")),
                )
            })
    }

    /// The engine's code for a Precis language code.
    pub fn code(&self, lang: &str) -> String {
        let code = self
            .codes
            .get(lang)
            .cloned()
            .unwrap_or_else(|| lang.to_string());
        if self.uppercase {
            code.to_ascii_uppercase()
        } else {
            code
        }
    }

    /// Whether the engine lists `lang` as a target.
    pub fn supports(&self, lang: &str) -> bool {
        self.targets.is_empty() || self.targets.contains(&self.code(lang))
    }
}

/// A target language as an engine sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EngineTarget {
    pub lang: String,
    pub engine_code: String,
    pub supported: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: CustomLimits = CustomLimits {
        max_segments: 0,
        max_code_points: 0,
        max_bytes: 0,
    };

    #[test]
    fn builtin_profiles_carry_the_documented_limits() {
        let deepl = EngineProfile::named("deepl", NONE).unwrap();
        assert_eq!((deepl.max_items, deepl.max_request_bytes), (50, 128 * 1024));
        let google = EngineProfile::named("google-v3", NONE).unwrap();
        assert_eq!(
            (
                google.max_items,
                google.max_request_code_points,
                google.target_request_code_points
            ),
            (1024, 30_000, 5_000)
        );
        let azure = EngineProfile::named("azure", NONE).unwrap();
        assert!(azure.per_target);
        assert_eq!(
            (azure.max_items, azure.max_request_code_points),
            (1000, 50_000)
        );
        let aws = EngineProfile::named("aws", NONE).unwrap();
        assert_eq!((aws.max_items, aws.max_item_bytes), (1, 10_000));
    }

    #[test]
    fn language_codes_and_support() {
        let aws = EngineProfile::named("aws", NONE).unwrap();
        assert_eq!(aws.code("fil"), "tl");
        assert!(aws.supports("fil") && aws.supports("vi") && aws.supports("th"));
        for lang in ["km", "lo", "my"] {
            assert!(!aws.supports(lang), "AWS does not list {lang}");
        }
        let deepl = EngineProfile::named("deepl", NONE).unwrap();
        assert_eq!(deepl.code("en"), "EN-US");
        assert_eq!(deepl.code("id"), "ID");
        let azure = EngineProfile::named("azure", NONE).unwrap();
        assert_eq!(azure.code("zh"), "zh-Hans");
        assert!(azure.supports("km") && azure.supports("my") && azure.supports("lo"));
    }

    #[test]
    fn unknown_engine_is_invalid_engine() {
        assert_eq!(
            EngineProfile::named("babelfish", NONE).unwrap_err().field(),
            "engine"
        );
    }
}
