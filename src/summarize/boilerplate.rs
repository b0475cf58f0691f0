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

/// (factor, pattern) per line of `data/summarize/boilerplate.txt`.
fn lines() -> impl Iterator<Item = (f64, String)> {
    include_str!("../../data/summarize/boilerplate.txt")
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (factor, pattern) = line
                .split_once('\t')
                .expect("boilerplate.txt: <factor> TAB <regex>");
            let factor = factor.trim().parse().expect("boilerplate.txt: factor");
            (factor, format!("(?i){pattern}"))
        })
}

/// Every pattern in one alternation, for ASCII sentences: news sentences
/// match none of them, and one `is_match` of the alternation (a single
/// lazy-DFA pass, ~8x faster than the patterns one by one) settles that.
/// Compiled without Unicode, which makes a much smaller automaton and means
/// the same on ASCII text: `\b`, `\w`, `\s` and `.` agree there, and the
/// only non-ASCII case folds of ASCII letters (K as the Kelvin sign, s as
/// long s) cannot occur in it.
static ANY_ASCII: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
    let alternation: Vec<String> = lines().map(|(_, p)| format!("(?:{p})")).collect();
    regex::bytes::RegexBuilder::new(&alternation.join("|"))
        .unicode(false)
        .build()
        .expect("boilerplate.txt: regex")
});

/// The patterns one by one, for non-ASCII sentences and the rare ASCII
/// sentence that matches [`ANY_ASCII`].
static EACH: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    lines()
        .map(|(factor, pattern)| Pattern {
            factor,
            regex: Regex::new(&pattern).expect("boilerplate.txt: regex"),
        })
        .collect()
});

/// Score multiplier for `sentence`: 1 for news text, lower (down to 0) for
/// boilerplate. The smallest factor of the matching patterns wins.
pub fn factor(sentence: &str) -> f64 {
    // The shortcut only for ASCII: on other text a Unicode alternation's
    // lazy DFA gives up at the first non-ASCII byte (Unicode `\b`), and the
    // fallback engine is slower on it than the small patterns one by one.
    if sentence.is_ascii() && !ANY_ASCII.is_match(sentence.as_bytes()) {
        return 1.0;
    }
    EACH.iter()
        .filter(|pattern| pattern.regex.is_match(sentence))
        .map(|pattern| pattern.factor)
        .fold(1.0, f64::min)
}

#[cfg(test)]
mod tests {
    use super::{ANY_ASCII, EACH, factor};

    /// On ASCII text the non-Unicode alternation matches exactly when one of
    /// the Unicode patterns does.
    #[test]
    fn ascii_alternation_agrees_with_the_patterns() {
        let article = include_str!("../../examples/seed_article.txt");
        let sentences = article.lines().chain([
            "Click here to read the full report.",
            "Scroll down for video",
            "video: the flood in pictures",
            "By . Daily Mail Reporter .",
            "By Jane Smith and Tom Brown",
            "PUBLISHED: . 10:47 EST, 3 April 2015 .",
            "(Photo: Reuters)",
            "Follow us on Twitter for updates.",
            "The minister said the bill would be passed by next week.",
            "Clicking here and there, the tapestry grew.",
            "by the river, a bystander said",
        ]);
        let mut matched = 0;
        for sentence in sentences.filter(|s| s.is_ascii()) {
            let each = EACH.iter().any(|p| p.regex.is_match(sentence));
            assert_eq!(ANY_ASCII.is_match(sentence.as_bytes()), each, "{sentence}");
            matched += usize::from(each);
        }
        assert!(matched >= 7, "the list has furniture to match: {matched}");
    }

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
