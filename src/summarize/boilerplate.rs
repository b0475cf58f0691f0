//! Boilerplate sentences: page furniture that scrapes leave in news text
//! (navigation, bylines, publication stamps, image credits, "read also"
//! links). Patterns and their score multipliers live in
//! `data/summarize/boilerplate.txt`, grouped by language, so adding a
//! publisher's furniture is a data change.

use std::sync::LazyLock;

use regex::Regex;

struct Pattern {
    factor: f64,
    regex: Regex,
}

static PATTERNS: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    include_str!("../../data/summarize/boilerplate.txt")
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (factor, pattern) = line
                .split_once('\t')
                .expect("boilerplate.txt: <factor> TAB <regex>");
            Pattern {
                factor: factor.trim().parse().expect("boilerplate.txt: factor"),
                regex: Regex::new(&format!("(?i){pattern}")).expect("boilerplate.txt: regex"),
            }
        })
        .collect()
});

/// Score multiplier for `sentence`: 1 for news text, lower (down to 0) for
/// boilerplate. The smallest factor of the matching patterns wins.
pub fn factor(sentence: &str) -> f64 {
    PATTERNS
        .iter()
        .filter(|pattern| pattern.regex.is_match(sentence))
        .map(|pattern| pattern.factor)
        .fold(1.0, f64::min)
}

#[cfg(test)]
mod tests {
    use super::factor;

    #[test]
    fn furniture_is_down_weighted() {
        for sentence in [
            "Click here to read the full report.",
            "By . Daily Mail Reporter .",
            "By Jane Smith and Tom Brown",
            "PUBLISHED: . 10:47 EST, 3 April 2015 .",
            "Scroll down for video.",
            "Photo: Reuters",
            "Baca juga: Harga cabai naik lagi",
            "Ảnh: Reuters",
            "责任编辑：王明",
        ] {
            assert!(factor(sentence) < 0.2, "{sentence}");
        }
    }

    #[test]
    fn news_sentences_are_kept() {
        for sentence in [
            "The minister said the bill would be passed by next week.",
            "By then, the river had risen two metres above its banks.",
            "Click, the photo-sharing start-up, raised $20m on Monday.",
            "Pemerintah terus meningkatkan ekspor daging ayam olahan.",
            "雅虎发布2014年第四季度财报。",
        ] {
            assert_eq!(factor(sentence), 1.0, "{sentence}");
        }
    }
}
