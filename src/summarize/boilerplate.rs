//! Boilerplate sentences: page furniture that scrapes leave in news text
//! (navigation, bylines, publication stamps, image credits, "read also"
//! links). Patterns and their score multipliers live in
//! `data/summarize/boilerplate.txt`, grouped by language, so adding a
//! publisher's furniture is a data change.
//!
//! News sentences match none of the patterns, so the work is proving that
//! cheaply. Every sentence is first matched by one non-Unicode automaton of
//! all patterns ([`ASCII_SET`]): ASCII sentences as they are, other
//! sentences through an ASCII stand-in that keeps what the patterns can see
//! of each character ([`stand_in`]). Only the patterns that automaton
//! reports, and those with non-ASCII literals, are then run as written, each
//! compiled on first use.

use std::sync::{LazyLock, OnceLock};

use regex::Regex;
use regex::bytes::{RegexSet, RegexSetBuilder};

use crate::text::char_props;

struct Pattern {
    factor: f64,
    /// The pattern as written, case-insensitive.
    source: String,
    /// Whether the pattern has a non-ASCII literal (`ảnh`, `点击`): the
    /// stand-in of a non-ASCII sentence cannot show it one.
    non_ascii: bool,
    /// The Unicode regex, compiled when a sentence first needs it.
    regex: OnceLock<Regex>,
}

impl Pattern {
    /// The pattern as the file writes it (without the `(?i)` prefix).
    fn written(&self) -> &str {
        &self.source["(?i)".len()..]
    }

    fn is_match(&self, sentence: &str) -> bool {
        self.regex
            .get_or_init(|| Regex::new(&self.source).expect("boilerplate.txt: regex"))
            .is_match(sentence)
    }
}

/// The patterns of `data/summarize/boilerplate.txt`, in file order.
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
                source: format!("(?i){pattern}"),
                non_ascii: !pattern.is_ascii(),
                regex: OnceLock::new(),
            }
        })
        .collect()
});

/// Every pattern in one set compiled without Unicode: a single lazy-DFA
/// pass settles the usual no-match case (~8x faster than the patterns one by
/// one, and a much smaller automaton than with Unicode). On ASCII text it
/// means exactly what the Unicode patterns mean: `\b`, `\w`, `\s`, `\d` and
/// `.` agree there, and the only non-ASCII case folds of ASCII letters (K as
/// the Kelvin sign, s as long s) cannot occur in it.
static ASCII_SET: LazyLock<RegexSet> = LazyLock::new(|| ascii_set(PATTERNS.iter()));

/// `patterns` as written (case-insensitive), in one set without Unicode.
fn ascii_set<'a>(patterns: impl Iterator<Item = &'a Pattern>) -> RegexSet {
    RegexSetBuilder::new(patterns.map(|p| &p.source))
        .unicode(false)
        .build()
        .expect("boilerplate.txt: regex")
}

/// [`ASCII_SET`]'s "is there a match" on ASCII haystacks, answered faster.
///
/// The set's lazy DFA walks every byte of a sentence, one dependent table
/// load per byte, only to find nothing in almost every news sentence. Here
/// the patterns anchored at the start (`^`) are one set whose search ends
/// within a few bytes, and the others are one regex run case-sensitively on
/// the sentence lowercased: its literal prefixes (`click here`, `(photo`,
/// `getty images`) are then exact, and the regex crate skips to them with a
/// vectorized literal search instead of walking the DFA. Lowercasing means
/// what `(?i)` means on ASCII text for a pattern whose letters are all
/// lowercase ([`lowercase_pattern`]); if one pattern were not, there is no
/// shortcut (`None`) and the set runs on every sentence.
struct Prefilter {
    anchored: RegexSet,
    unanchored: regex::bytes::Regex,
}

static PREFILTER: LazyLock<Option<Prefilter>> = LazyLock::new(|| {
    let (anchored, unanchored): (Vec<&Pattern>, Vec<&Pattern>) =
        PATTERNS.iter().partition(|p| p.written().starts_with('^'));
    if !unanchored.iter().all(|p| lowercase_pattern(p.written())) {
        return None;
    }
    let alternation: Vec<String> = unanchored
        .iter()
        .map(|p| format!("(?:{})", p.written()))
        .collect();
    Some(Prefilter {
        anchored: ascii_set(anchored.into_iter()),
        unanchored: regex::bytes::RegexBuilder::new(&alternation.join("|"))
            .unicode(false)
            .build()
            .expect("boilerplate.txt: regex"),
    })
});

impl Prefilter {
    /// Whether a pattern of [`ASCII_SET`] matches the ASCII `bytes`: the
    /// anchored ones as they are, the others lowercased.
    fn is_match(&self, bytes: &[u8]) -> bool {
        if self.anchored.is_match(bytes) {
            return true;
        }
        let mut stack = [0u8; 512];
        let mut heap = Vec::new();
        let lower = if bytes.len() <= stack.len() {
            &mut stack[..bytes.len()]
        } else {
            heap.resize(bytes.len(), 0);
            &mut heap[..]
        };
        for (out, &b) in lower.iter_mut().zip(bytes) {
            *out = b.to_ascii_lowercase();
        }
        self.unanchored.is_match(lower)
    }
}

/// Whether a pattern has no uppercase ASCII letter outside its escapes
/// (`\S`, `\p{..}`) and turns no case-sensitivity back on, so that on ASCII
/// text it matches the text lowercased exactly when `(?i)` makes it match
/// the text: every literal, class and range then holds only lowercase
/// letters, and `\w`, `\s`, `\d`, `\b` and `.` do not depend on case.
fn lowercase_pattern(pattern: &str) -> bool {
    if pattern.contains("(?-") || pattern.contains("(?i") {
        return false;
    }
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                // `\pL` or `\p{Letter}`: a class name, not a literal.
                // (`\pL` needs nothing more: its name went with the guard.)
                Some('p' | 'P') if chars.next() == Some('{') => {
                    chars.find(|&c| c == '}');
                }
                // `\x41` is an uppercase letter written in hex.
                Some('x' | 'u' | 'U') => return false,
                _ => {}
            }
        } else if c.is_ascii_uppercase() {
            return false;
        }
    }
    true
}

/// The patterns with non-ASCII literals, which every non-ASCII sentence
/// must be matched by as written, run as two regexes instead of one each:
/// the anchored ones in one alternation, whose search ends within a few
/// characters, and the others in another, whose literal prefixes (`(ảnh:`,
/// `点击`) the regex crate searches for together. A sentence neither
/// matches is matched by none of them; one that either matches is then
/// matched by each.
struct NonAsciiScreen {
    anchored: Option<Regex>,
    unanchored: Option<Regex>,
}

static NON_ASCII_SCREEN: LazyLock<NonAsciiScreen> = LazyLock::new(|| {
    let (anchored, unanchored): (Vec<&Pattern>, Vec<&Pattern>) = PATTERNS
        .iter()
        .filter(|p| p.non_ascii)
        .partition(|p| p.written().starts_with('^'));
    let alternation = |patterns: Vec<&Pattern>| {
        let alternatives: Vec<String> = patterns
            .iter()
            .map(|p| format!("(?:{})", p.written()))
            .collect();
        (!alternatives.is_empty()).then(|| {
            Regex::new(&format!("(?i){}", alternatives.join("|"))).expect("boilerplate.txt: regex")
        })
    };
    NonAsciiScreen {
        anchored: alternation(anchored),
        unanchored: alternation(unanchored),
    }
});

impl NonAsciiScreen {
    /// Whether a pattern with non-ASCII literals may match `sentence`.
    fn may_match(&self, sentence: &str) -> bool {
        [&self.anchored, &self.unanchored]
            .into_iter()
            .flatten()
            .any(|regex| regex.is_match(sentence))
    }
}

/// Whether an ASCII haystack (a sentence or a stand-in) matches a pattern of
/// [`ASCII_SET`], and which.
fn ascii_matches(bytes: &[u8]) -> Option<regex::bytes::SetMatches> {
    let is_match = match &*PREFILTER {
        Some(prefilter) => prefilter.is_match(bytes),
        None => ASCII_SET.is_match(bytes),
    };
    is_match.then(|| ASCII_SET.matches(bytes))
}

/// Score multiplier for `sentence`: 1 for news text, lower (down to 0) for
/// boilerplate. The smallest factor of the matching patterns wins.
pub fn factor(sentence: &str) -> f64 {
    if sentence.is_ascii() {
        // Exact on ASCII text: the set's matches are the patterns' matches.
        let Some(matches) = ascii_matches(sentence.as_bytes()) else {
            return 1.0;
        };
        return smallest(matches.into_iter().map(|i| &PATTERNS[i]));
    }
    let Some(stand_in) = stand_in(sentence) else {
        return smallest(PATTERNS.iter().filter(|p| p.is_match(sentence)));
    };
    let candidates = ascii_matches(&stand_in);
    let non_ascii = NON_ASCII_SCREEN.may_match(sentence);
    let is_candidate = |i: usize, pattern: &Pattern| {
        (pattern.non_ascii && non_ascii) || candidates.as_ref().is_some_and(|set| set.matched(i))
    };
    smallest(
        PATTERNS
            .iter()
            .enumerate()
            .filter(|&(i, p)| is_candidate(i, p) && p.is_match(sentence))
            .map(|(_, p)| p),
    )
}

fn smallest<'a>(matching: impl Iterator<Item = &'a Pattern>) -> f64 {
    matching.map(|p| p.factor).fold(1.0, f64::min)
}

/// An ASCII string with one byte per character of `sentence`, on which every
/// pattern without non-ASCII literals matches if it matches `sentence`
/// (it may match more often: the candidates are then checked as written).
/// ASCII stays as it is; every other character becomes `0` if it is a
/// Unicode digit-like word character, `x` if it is another word character,
/// a space if it is white space, `~` otherwise. So `\w`, `\s`, `\b`, `.` and
/// negated classes see what they saw, `\d` sees at least every digit, and
/// no ASCII literal can match where only a non-ASCII character stood
/// (`None` for the few characters that case-fold to ASCII letters).
/// The patterns must not name `x`, `0`, `~` or white space in a negated
/// class, nor use `\D` (a unit test checks the file).
fn stand_in(sentence: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(sentence.len());
    for c in sentence.chars() {
        out.push(if c.is_ascii() {
            c as u8
        } else if folds_to_ascii(c) {
            return None;
        } else if char_props::is_word_character(c) {
            if char_props::is_numeric(c) {
                b'0'
            } else {
                b'x'
            }
        } else if c.is_whitespace() {
            b' '
        } else {
            b'~'
        });
    }
    Some(out)
}

/// Non-ASCII characters that a case-insensitive ASCII literal matches: the
/// Kelvin sign (k) and the long s (s); and, to be safe, the dotted and
/// dotless i of Turkish.
fn folds_to_ascii(c: char) -> bool {
    matches!(c, '\u{212A}' | '\u{017F}' | '\u{0130}' | '\u{0131}')
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use regex::Regex;

    use super::{
        ASCII_SET, PATTERNS, PREFILTER, factor, folds_to_ascii, lowercase_pattern, stand_in,
    };

    /// The factor as the patterns define it, each run as written.
    fn exact(sentence: &str) -> f64 {
        PATTERNS
            .iter()
            .filter(|p| p.is_match(sentence))
            .map(|p| p.factor)
            .fold(1.0, f64::min)
    }

    /// On ASCII text the non-Unicode set matches exactly the patterns that
    /// match as written.
    #[test]
    fn ascii_set_agrees_with_the_patterns() {
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
            let set: Vec<usize> = ASCII_SET.matches(sentence.as_bytes()).into_iter().collect();
            let each: Vec<usize> = (0..PATTERNS.len())
                .filter(|&i| PATTERNS[i].is_match(sentence))
                .collect();
            assert_eq!(set, each, "{sentence}");
            matched += usize::from(!each.is_empty());
        }
        assert!(matched >= 7, "the list has furniture to match: {matched}");
    }

    /// The stand-in keeps every character's `\w`, `\s` and `\d` as the
    /// Unicode patterns see them, for every character there is.
    #[test]
    fn stand_in_keeps_the_classes_of_every_character() {
        let all: String = (0x80..=0x10FFFF_u32)
            .filter_map(char::from_u32)
            .filter(|&c| !folds_to_ascii(c))
            .collect();
        let stand = stand_in(&all).expect("no ASCII case folds left");
        let chars: Vec<char> = all.chars().collect();
        assert_eq!(stand.len(), chars.len());
        for (class, ascii) in [(r"\w", "[0-9A-Za-z_]"), (r"\s", r"[ \t\n\x0B\x0C\r]")] {
            let unicode = Regex::new(class).unwrap();
            let ascii = regex::bytes::Regex::new(&format!("(?-u){ascii}")).unwrap();
            let mut buf = [0; 4];
            for (c, &b) in chars.iter().zip(&stand) {
                assert_eq!(
                    unicode.is_match(c.encode_utf8(&mut buf)),
                    ascii.is_match(&[b]),
                    "{class} of U+{:04X}",
                    *c as u32
                );
            }
        }
        let digit = Regex::new(r"\d").unwrap();
        let mut buf = [0; 4];
        for (c, &b) in chars.iter().zip(&stand) {
            if digit.is_match(c.encode_utf8(&mut buf)) {
                assert_eq!(b, b'0', "U+{:04X}", *c as u32);
            }
        }
    }

    /// Only the characters `stand_in` refuses match an ASCII letter, digit
    /// or `_` case-insensitively.
    #[test]
    fn only_the_refused_characters_fold_to_ascii() {
        let ascii_word = Regex::new(r"(?i)^[a-z0-9_]$").unwrap();
        for c in (0x80..=0x10FFFF_u32).filter_map(char::from_u32) {
            if ascii_word.is_match(c.encode_utf8(&mut [0; 4])) {
                assert!(folds_to_ascii(c), "U+{:04X}", c as u32);
            }
        }
    }

    /// What the stand-in relies on in the patterns file.
    #[test]
    fn no_negated_class_names_a_stand_in_byte() {
        for pattern in PATTERNS.iter() {
            // `\D` would take a digit-like letter's `0` for a digit.
            assert!(!pattern.source.contains(r"\D"), "{}", pattern.source);
            let mut rest = pattern.source.as_str();
            while let Some(start) = rest.find("[^") {
                let class = &rest[start + 2..];
                let end = class.find(']').expect("closed class");
                let class = &class[..end];
                for stand in ["x", "X", "0", "~", " ", r"\w", r"\s", r"\d"] {
                    assert!(!class.contains(stand), "{}: [^{class}]", pattern.source);
                }
                rest = &rest[start + 2 + end..];
            }
        }
    }

    #[test]
    fn furniture_is_down_weighted() {
        for sentence in [
            "Click here to read the full report.",
            "By . Daily Mail Reporter .",
            "By Jane Smith and Tom Brown",
            "By José García",
            "PUBLISHED: . 10:47 EST, 3 April 2015 .",
            "Scroll down for video.",
            "Photo: Reuters",
            "(Photo: Rémy Gabalda/AFP)",
            "Click here for the café’s menu",
            "Baca juga: Harga cabai naik lagi",
            "Ảnh: Reuters",
            "Xem thêm: giá vàng hôm nay",
            "责任编辑：王明",
        ] {
            assert!(factor(sentence) < 0.2, "{sentence}");
            assert_eq!(factor(sentence), exact(sentence), "{sentence}");
        }
    }

    #[test]
    fn news_sentences_are_kept() {
        for sentence in [
            "The minister said the bill would be passed by next week.",
            "By then, the river had risen two metres above its banks.",
            "Click, the photo-sharing start-up, raised $20m on Monday.",
            "The café’s owner said the menu was “a click away” ²",
            "Pemerintah terus meningkatkan ekspor daging ayam olahan.",
            "雅虎发布2014年第四季度财报。",
        ] {
            assert_eq!(factor(sentence), 1.0, "{sentence}");
        }
        assert_eq!(factor("The Kelvin sign: \u{212A}"), 1.0);
    }

    #[test]
    fn the_shipped_patterns_get_the_prefilter() {
        assert!(PREFILTER.is_some());
    }

    #[test]
    fn lowercase_patterns_are_told_apart() {
        assert!(lowercase_pattern(r"\b(click|tap) here\b"));
        assert!(lowercase_pattern(r"^\S+\s\p{Lu}\pL [a-z]"));
        assert!(lowercase_pattern("(点击|ảnh)"));
        for cased in [r"\bBy\b", "[A-Z]", r"(?-i:a)", r"\x41", r"\u{41}", "(?i)a"] {
            assert!(!lowercase_pattern(cased), "{cased}");
        }
    }

    /// Sentences made of the patterns' own words in any case.
    fn furniture_words() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            (
                "(click|tap|here|scroll|down|for|the|video|follow|like|us|on|sign up|subscribe|to|newsletter|updates|share|this|article|story|twitter|by|photo|pictures|image|credit|source|getty images|afp/getty|ap photo|reuters/|pa wire|shutterstock|baca|lihat|juga|_|published|updated|read more|\\(|\\)|:|\\.| |\n|[a-z0-9]{1,3})",
                any::<bool>(),
            )
                .prop_map(|(word, upper)| if upper { word.to_ascii_uppercase() } else { word }),
            0..12,
        )
        .prop_map(|words| words.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// The prefilter answers what the set answers.
        #[test]
        fn prefilter_is_the_set(sentence in furniture_words()) {
            let prefilter = PREFILTER.as_ref().unwrap();
            prop_assert_eq!(
                prefilter.is_match(sentence.as_bytes()),
                ASCII_SET.is_match(sentence.as_bytes()),
                "{:?}", sentence
            );
        }

        #[test]
        fn factor_is_exact_on_furniture(sentence in furniture_words()) {
            prop_assert_eq!(factor(&sentence), exact(&sentence), "{:?}", sentence);
        }

        /// The shortcut gives the factor of the patterns run as written, on
        /// sentences built from the patterns' own words and characters the
        /// stand-in replaces.
        #[test]
        fn factor_is_exact(
            parts in proptest::collection::vec(
                "(click|here|by|photo|image|scroll down|video|published|baca juga|ảnh|xem thêm|编辑：|ภาพ|Getty Images|\\(|\\)|:|\\.| |\u{A0}|é|José|’|“|—|²|٣|\u{301}|\u{212A}|K|s|\u{17F}|[A-Za-z0-9]{1,3})",
                0..12,
            )
        ) {
            let sentence = parts.concat();
            prop_assert_eq!(factor(&sentence), exact(&sentence), "{:?}", sentence);
        }
    }
}
