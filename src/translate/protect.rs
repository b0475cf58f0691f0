//! Protected spans: URLs, emails and numbers that a translation engine must
//! copy, not translate. Each becomes a numbered placeholder token `{n}`.

use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

/// What a placeholder protects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceholderKind {
    Url,
    Email,
    Number,
}

impl PlaceholderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PlaceholderKind::Url => "url",
            PlaceholderKind::Email => "email",
            PlaceholderKind::Number => "number",
        }
    }
}

/// A protected span of a segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Placeholder {
    /// 1-based number within the segment.
    pub id: usize,
    pub kind: PlaceholderKind,
    pub text: String,
    pub token: String,
    /// Byte offsets within the segment text.
    pub start: usize,
    pub end: usize,
}

struct Patterns {
    url: Regex,
    email: Regex,
    number: Regex,
}

fn patterns() -> &'static Patterns {
    static PATTERNS: OnceLock<Patterns> = OnceLock::new();
    PATTERNS.get_or_init(|| Patterns {
        url: Regex::new(r"(?i)\b(?:https?://|ftp://|www\.)[^\s<>\x22'“”‘’（）「」]+").unwrap(),
        email: Regex::new(r"[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+").unwrap(),
        // Amounts and numbers: optional currency, digits with group and
        // decimal separators, optional percent.
        number: Regex::new(r"[$€£¥₫฿₱₹]?\d+(?:[.,\x{202F}\x{00A0}]\d+)*%?").unwrap(),
    })
}

/// Finds the protected spans of `text`, non-overlapping and in order. URLs
/// and emails win over the numbers inside them.
pub fn find(text: &str) -> Vec<Placeholder> {
    let patterns = patterns();
    let mut spans: Vec<(usize, usize, PlaceholderKind)> = Vec::new();
    for m in patterns.url.find_iter(text) {
        let trimmed = m
            .as_str()
            .trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '。', '，']);
        spans.push((m.start(), m.start() + trimmed.len(), PlaceholderKind::Url));
    }
    for m in patterns.email.find_iter(text) {
        if !overlaps(&spans, m.start(), m.end()) {
            spans.push((m.start(), m.end(), PlaceholderKind::Email));
        }
    }
    for m in patterns.number.find_iter(text) {
        if !overlaps(&spans, m.start(), m.end()) && !inside_word(text, m.start(), m.end()) {
            spans.push((m.start(), m.end(), PlaceholderKind::Number));
        }
    }
    spans.sort_unstable_by_key(|&(start, _, _)| start);
    spans
        .into_iter()
        .enumerate()
        .map(|(i, (start, end, kind))| Placeholder {
            id: i + 1,
            kind,
            text: text[start..end].to_string(),
            token: format!("{{{}}}", i + 1),
            start,
            end,
        })
        .collect()
}

fn overlaps(spans: &[(usize, usize, PlaceholderKind)], start: usize, end: usize) -> bool {
    spans.iter().any(|&(s, e, _)| start < e && s < end)
}

/// Digits glued to Latin letters ("COVID19", "G20", "3.0a") stay text.
fn inside_word(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    before.is_some_and(|c| c.is_ascii_alphabetic())
        || after.is_some_and(|c| c.is_ascii_alphabetic())
}

/// `text` with every placeholder span replaced by its token.
pub fn protected_text(text: &str, placeholders: &[Placeholder]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut cursor = 0;
    for placeholder in placeholders {
        out.push_str(&text[cursor..placeholder.start]);
        out.push_str(&placeholder.token);
        cursor = placeholder.end;
    }
    out.push_str(&text[cursor..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_emails_numbers() {
        let text =
            "Visit https://asean.org/news. Mail info@asean.org about 3.5% of $1,000.50 in G20.";
        let found = find(text);
        let kinds: Vec<_> = found.iter().map(|p| (p.kind, p.text.as_str())).collect();
        assert_eq!(
            kinds,
            vec![
                (PlaceholderKind::Url, "https://asean.org/news"),
                (PlaceholderKind::Email, "info@asean.org"),
                (PlaceholderKind::Number, "3.5%"),
                (PlaceholderKind::Number, "$1,000.50"),
            ]
        );
        assert_eq!(
            protected_text(text, &found),
            "Visit {1}. Mail {2} about {3} of {4} in G20."
        );
    }
}
