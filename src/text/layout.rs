//! Article layout: paragraphs, the headline, metadata and heading lines.
//!
//! Scraped news carries a headline, date lines, "Category: ..." labels,
//! "Click here" links and bare domains around the body. They are classified
//! here so the summarizer never selects them and translators see them marked.

use std::sync::LazyLock;

use regex::Regex;

use crate::text::char_class::CharClass;
use crate::text::char_props;
use crate::text::segment::LineShape;
use crate::text::word_boundary::BoundaryRegex;
use crate::text::{self, Sentence, SentenceKind};

/// Paragraph index of every sentence. A blank line starts a new paragraph;
/// in texts without any blank line, a line break between two sentences does.
pub fn assign_paragraphs(text: &str, sentences: &mut [Sentence]) {
    // Each test needs a line break: most texts of the evaluation corpora
    // are one line, settled by one byte search instead of two substring
    // searches.
    let has_blank_lines = memchr::memchr(b'\n', text.as_bytes()).is_some()
        && (text.contains("\n\n") || text.contains("\n\r\n") || has_blank_line(text));
    let mut paragraph = 0usize;
    let mut previous_end = 0usize;
    for sentence in sentences.iter_mut() {
        let gap = &text[previous_end..sentence.start];
        let newlines = gap.matches('\n').count();
        if previous_end > 0 && (newlines >= 2 || (!has_blank_lines && newlines == 1)) {
            paragraph += 1;
        }
        sentence.paragraph = paragraph;
        previous_end = sentence.end;
    }
}

fn has_blank_line(text: &str) -> bool {
    text.lines().any(|line| line.trim().is_empty()) && text.trim().contains('\n')
}

/// Marks the headline, metadata and headings; returns the title (the given
/// one, or the detected headline, or empty).
pub fn classify(text: &str, title: Option<&str>, sentences: &mut [Sentence]) -> String {
    let given_title = title.map(str::trim).filter(|t| !t.is_empty());
    for sentence in sentences.iter_mut() {
        let slice = sentence.text(text);
        let standalone = is_standalone_line(text, sentence.start, sentence.end);
        sentence.kind = if is_metadata(slice, standalone) {
            SentenceKind::Metadata
        } else if standalone
            && !LineShape::has_final_punct(slice)
            && LineShape::of(slice).is_heading_like()
        {
            SentenceKind::Heading
        } else {
            SentenceKind::Body
        };
    }
    match given_title {
        Some(title) => {
            let wanted = fold(title);
            if let Some(first) = sentences
                .iter_mut()
                .take(3)
                .find(|s| fold(s.text(text)) == wanted)
            {
                first.kind = SentenceKind::Headline;
            }
            title.to_string()
        }
        None => {
            // The first heading before any body sentence is the headline.
            let candidate = sentences
                .iter_mut()
                .take_while(|s| s.kind != SentenceKind::Body)
                .find(|s| s.kind == SentenceKind::Heading);
            match candidate {
                Some(headline) => {
                    headline.kind = SentenceKind::Headline;
                    headline.text(text).to_string()
                }
                None => String::new(),
            }
        }
    }
}

fn fold(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Whether the span is alone on its line(s).
fn is_standalone_line(text: &str, start: usize, end: usize) -> bool {
    // Scan outwards only to the line break or the first non-whitespace
    // character: O(gap), not O(line). Searching for the whole line made a
    // one-line text of many short sentences quadratic (issue 6: 1 MiB of
    // "Hi. " took minutes).
    let blank_before = text[..start]
        .chars()
        .rev()
        .take_while(|&c| c != '\n')
        .all(char::is_whitespace);
    let blank_after = text[end..]
        .chars()
        .take_while(|&c| c != '\n')
        .all(char::is_whitespace);
    blank_before && blank_after
}

struct MetadataPatterns {
    label: LazyLock<Regex>,
    date: BoundaryRegex,
    boilerplate: LazyLock<Regex>,
    byline: LazyLock<Regex>,
}

/// Each pattern compiles on first use (most sentences need only `domain`).
static PATTERNS: MetadataPatterns = MetadataPatterns {
    // "Category: ...", "Document Date: ...", "Show on website : ..."
    label: LazyLock::new(|| {
        Regex::new(r"^\s*[\p{L}][\p{L}\p{M}'’-]*(?:\s+[\p{L}\p{M}'’-]+){0,3}\s*[:：]").unwrap()
    }),
    // Month names or numeric dates, years, clock times. Its matches hold
    // only `is_date_character`s.
    date: BoundaryRegex::new(
        r"(?i)\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|mon|tue|wed|thu|fri|sat|sun)\b|\b(?:19|20)\d\d\b|\b\d{1,2}[:/.-]\d{1,2}(?:[:/.-]\d{2,4})?\b|\d{4}年|\d{1,2}月\d{1,2}日",
    ),
    boilerplate: LazyLock::new(|| {
        Regex::new(
            r"(?i)click here|read more|share (?:this|on)|all rights reserved|copyright\s*(?:©|\(c\)|\d{4})|subscribe|advertisement|follow us|sign up|newsletter|getty images|photo(?:graph)?\s*(?:by|:|credit)|image(?:s)?\s*(?:by|:|credit)|^\s*credit\s*:|related (?:articles|stories|news)",
        )
        .unwrap()
    }),
    // "By Jane Doe", "Oleh Budi", "Por María".
    byline: LazyLock::new(|| Regex::new(r"^(?:By|BY|Por|Par|Oleh|Von|Bởi)\s+\p{Lu}").unwrap()),
};

/// Every character a match of the `date` pattern can hold, and more: the
/// pattern's letters are ASCII, or what `(?i)` folds to them (`ſ`, the
/// Kelvin sign), its digits are Unicode `\d`, and its separators and CJK
/// date characters are listed. A Chinese or Thai line is searched for dates
/// only in its runs of these (`BoundaryRegex::is_match_in_runs`), not on
/// the regex crate's backtracker over the whole line.
fn is_date_character(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || char_props::is_numeric(c)
        || matches!(
            c,
            ':' | '/' | '.' | '-' | '年' | '月' | '日' | 'ſ' | '\u{212a}'
        )
}

/// Whether `boilerplate` can match `sentence`: each of its phrases holds
/// ASCII letters other than `s` and `k`, which are all that `(?i)` lets a
/// non-ASCII character stand for (`ſ`, the Kelvin sign). A line without an
/// ASCII letter (most Chinese, Thai or Burmese lines) is not searched: the
/// regex crate's DFA would read every byte of it.
fn may_be_boilerplate(sentence: &str) -> bool {
    // A block at a time, each without an early exit (which vectorizes):
    // an English sentence stops in its first block, and a Chinese one is
    // not read a byte at a time.
    let has_letter = |block: &[u8]| {
        block
            .iter()
            .fold(false, |any, &b| any | b.is_ascii_alphabetic())
    };
    let mut blocks = sentence.as_bytes().chunks_exact(16);
    blocks.any(has_letter) || has_letter(blocks.remainder())
}

/// Whether `label` can match `sentence`: it ends in `:` or `：` (U+FF1A,
/// bytes EF BC 9A), so the text holds the byte `:` or `0x9A` (the
/// regex would otherwise read a line's whole first run of letters, which
/// in Chinese is most of the line).
fn may_be_label(sentence: &str) -> bool {
    memchr::memchr2(b':', 0x9A, sentence.as_bytes()).is_some()
}

fn patterns() -> &'static MetadataPatterns {
    &PATTERNS
}

/// A bare domain or URL on its own ("rki.news", "www.example.com/x"): what
/// `^(?:https?://)?(?:www\.)?[\p{L}\d-]+(?:\.[\p{L}\d-]+)+(?:/\S*)?$` matches,
/// without compiling it (the two `\p{L}` classes made it ~1 ms of every
/// process's start). An optional scheme, then a host of two or more
/// dot-separated labels of letters, digits and hyphens (`www.` is one of
/// them), then nothing, or `/` and no whitespace.
fn is_bare_domain(text: &str) -> bool {
    static LABEL: LazyLock<CharClass> = LazyLock::new(|| CharClass::new(r"[\p{L}\d-]"));
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
        .unwrap_or(text);
    let (host, path) = rest.split_at(memchr::memchr(b'/', rest.as_bytes()).unwrap_or(rest.len()));
    let well_formed = host
        .split('.')
        .all(|label| !label.is_empty() && label.chars().all(|c| LABEL.contains(c)));
    well_formed && host.contains('.') && !path.contains(char::is_whitespace)
}

/// A metadata or boilerplate line: never summary material.
pub fn is_metadata(sentence: &str, standalone: bool) -> bool {
    let sentence = text::trim(sentence);
    let patterns = patterns();
    // A bare domain has no whitespace and a dot. Byte searches (memchr's,
    // a block at a time, where the slice's `contains` reads words) first: a
    // space (the first word of a sentence of a spaced script settles it),
    // then a dot (a line of Chinese has none). No whitespace check:
    // `is_bare_domain` holds only for a text without whitespace, and stops
    // at the host's first character that cannot be in a domain (a
    // sentence's first comma or closing punctuation, at the latest), where
    // the check would decode every character of a line without a space.
    let bytes = sentence.as_bytes();
    if memchr::memchr(b' ', bytes).is_none()
        && memchr::memchr(b'.', bytes).is_some()
        && is_bare_domain(sentence)
    {
        return true;
    }
    // Every rule below looks at lines of at most 12 words: count no further
    // (most sentences are longer, and this runs on every sentence). A
    // sentence neither alone on its line nor with an ASCII letter for the
    // boilerplate phrases (a Chinese or Thai sentence inside a paragraph)
    // is settled without counting.
    let boilerplate = may_be_boilerplate(sentence);
    if !standalone && !boilerplate {
        return false;
    }
    let words = LineShape::words_up_to(sentence, 13);
    if boilerplate && words <= 12 && patterns.boilerplate.is_match(sentence) {
        return true;
    }
    if !standalone || sentence.contains('\n') {
        return false;
    }
    let final_punct = LineShape::has_final_punct(sentence);
    if final_punct && words > 6 {
        return false;
    }
    if words <= 6 && !final_punct && patterns.byline.is_match(sentence) {
        return true;
    }
    if words <= 12 && may_be_label(sentence) && patterns.label.is_match(sentence) {
        return true;
    }
    // "Published on January 14, 2026", "Wed, Jan 14 2026 08:44 pm"
    words <= 8 && !final_punct && patterns.date.is_match_in_runs(sentence, is_date_character)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The pattern `is_bare_domain` stands for.
    static ORACLE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:https?://)?(?:www\.)?[\p{L}\d-]+(?:\.[\p{L}\d-]+)+(?:/\S*)?$").unwrap()
    });

    /// Every character that one of the date pattern's atoms matches (its
    /// letters under `(?i)`, `\d`, its separators and CJK characters) is an
    /// `is_date_character`, over all of Unicode.
    #[test]
    fn date_characters_cover_the_date_pattern() {
        let missed: Vec<char> = characters_matching(r"^(?i:[a-z]|\d|[:/.\-年月日])$", 0)
            .into_iter()
            .filter(|&c| !is_date_character(c))
            .collect();
        assert_eq!(missed, Vec::<char>::new());
    }

    /// Every character from code point `first` on that `pattern` matches.
    fn characters_matching(pattern: &str, first: u32) -> Vec<char> {
        let regex = Regex::new(pattern).unwrap();
        let mut buf = [0u8; 4];
        (first..=char::MAX as u32)
            .filter_map(char::from_u32)
            .filter(|c| regex.is_match(c.encode_utf8(&mut buf)))
            .collect()
    }

    /// `may_be_boilerplate` rests on two facts: the only non-ASCII
    /// characters that `(?i)` lets stand for an ASCII letter are `ſ` and
    /// the Kelvin sign (checked here over all of Unicode), and no line
    /// without an ASCII letter matches (the property test below).
    #[test]
    fn only_two_characters_fold_to_ascii_letters() {
        assert_eq!(
            characters_matching(r"^(?i:[a-z])$", 0x80),
            vec!['ſ', '\u{212a}']
        );
    }

    /// The date pattern on the whole line.
    static DATE: LazyLock<Regex> = LazyLock::new(|| Regex::new(PATTERNS.date.source()).unwrap());

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        /// A line without an ASCII letter, made of everything else the
        /// boilerplate pattern reads (the two folding letters, `©`, digits,
        /// brackets, colons, whitespace) and other scripts, never matches:
        /// `may_be_boilerplate` only skips lines the pattern would pass.
        #[test]
        fn boilerplate_needs_an_ascii_letter(
            pieces in proptest::collection::vec(prop::sample::select(vec![
                "ſ", "\u{212a}", "©", "(", ")", "2024", "7", " ", "\n", "\u{a0}", ":", "：",
                "新闻", "ข่าว", "ệ", "Ā", "ﬁ", "Ｓ", "ｃ", "ı", "İ",
            ]), 0..12)
        ) {
            let text: String = pieces.concat();
            prop_assert!(!may_be_boilerplate(&text));
            prop_assert!(!PATTERNS.boilerplate.is_match(&text), "{:?}", text);
        }

        /// Searching the runs of date characters answers as the date
        /// pattern on the whole line, for lines mixing month names, years,
        /// clock times and CJK dates with Han, Thai, Vietnamese and Latin
        /// letters, fullwidth digits and the letters `(?i)` folds.
        #[test]
        fn date_runs_answer_as_the_date_pattern(
            pieces in proptest::collection::vec(prop::sample::select(vec![
                "Jan", "march", "SEPT", "ſun", "wed", "2024", "1999", "12", "7", ":", "/", "-",
                ".", "年", "月", "日", "新闻", "于", "ข่าว", "Ngày", "ệ", "a", "x", " ", "_",
                "２０２４", "٣", "\u{212a}",
            ]), 0..10)
        ) {
            let text: String = pieces.concat();
            let unicode = Regex::new(PATTERNS.date.source()).unwrap();
            prop_assert_eq!(
                PATTERNS.date.is_match_in_runs(&text, is_date_character),
                unicode.is_match(&text),
                "{:?}", text
            );
        }

        /// Strings built from the pieces the pattern cares about (schemes,
        /// `www.`, dots, slashes, hyphens, Latin, Vietnamese, Thai and CJK
        /// letters, ASCII and Thai digits, marks, spaces, colons).
        #[test]
        fn is_bare_domain_is_the_domain_pattern(
            pieces in proptest::collection::vec(prop::sample::select(vec![
                "https://", "http://", "http:/", "www.", "www", ".", "..", "/", "-", "a", "rki",
                "news", "Bởi", "ข่าว", "新闻", "7", "๓", "\u{301}", " ", "\u{a0}", ":", "_", "?q=1",
                "%20", "é",
            ]), 0..8)
        ) {
            let text: String = pieces.concat();
            prop_assert_eq!(is_bare_domain(&text), ORACLE.is_match(&text), "{:?}", text);
        }
        /// `is_metadata` answers as its rules read without the cheap tests
        /// that settle most sentences first (no space, a dot, an ASCII
        /// letter, a colon byte, alone on its line), on lines mixing
        /// labels, bylines, dates, boilerplate, domains and sentences in
        /// Han, Thai, Vietnamese and Latin script.
        #[test]
        fn metadata_answers_as_its_rules_without_the_shortcuts(
            pieces in proptest::collection::vec(prop::sample::select(vec![
                "By ", "Oleh ", "Jane", "Source", ":", "：", "来源", "Photo by", "read more",
                "Copyright 2024", "rki.news", "www.", ".", "/", "2024", "Jan 14", "12/05",
                "2024年", "新闻", "雅虎股价上涨了大约7％，至51.45美元。", "。", "，",
                "ข่าวที่เกี่ยวข้อง", "Đăng ký", "he said", "a", " ", "\n", "\u{3000}", "\u{a0}",
            ]), 0..14),
            standalone in any::<bool>(),
        ) {
            let text: String = pieces.concat();
            let sentence = text.trim();
            let words = LineShape::words_up_to(sentence, 13);
            let final_punct = LineShape::has_final_punct(sentence);
            let by_the_rules = ORACLE.is_match(sentence)
                || (words <= 12 && PATTERNS.boilerplate.is_match(sentence))
                || (standalone
                    && !sentence.contains('\n')
                    && !(final_punct && words > 6)
                    && ((words <= 6 && !final_punct && PATTERNS.byline.is_match(sentence))
                        || (words <= 12 && PATTERNS.label.is_match(sentence))
                        || (words <= 8 && !final_punct && DATE.is_match(sentence))));
            prop_assert_eq!(is_metadata(&text, standalone), by_the_rules, "{:?}", text);
        }
    }

    #[test]
    fn bare_domains() {
        for text in [
            "rki.news",
            "www.example.com/x",
            "https://vnexpress.net/a-b?c",
            "新闻.中国",
        ] {
            assert!(is_bare_domain(text), "{text}");
        }
        for text in [
            "rki",
            "www.",
            ".news",
            "a..b",
            "a.b/c d",
            "ftp://a.b",
            "a_b.c",
            "a.b:80",
        ] {
            assert!(!is_bare_domain(text), "{text}");
        }
    }

    #[test]
    fn metadata_lines_are_recognised() {
        for line in [
            "Published on January 14, 2026",
            "Document Date: Wed, Jan 14 2026 08:44:22 pm",
            "Category: ,English,International - ,Snippets",
            "Show on website : [Click Here](#)",
            "rki.news",
            "By Jane Doe",
        ] {
            assert!(is_metadata(line, true), "{line}");
        }
        // Boilerplate in any case, and inside lines of other scripts.
        for line in [
            "SUBSCRIBE to our newsletter",
            "Đăng ký: Subscribe",
            "点击 READ MORE 查看",
            "ข่าวที่เกี่ยวข้อง Related stories",
        ] {
            assert!(is_metadata(line, false), "{line}");
        }
        for line in [
            "ASEAN and China have sustained strong cooperation momentum across sectors, he said.",
            "Energy cooperation has emerged as a top priority for ASEAN.",
        ] {
            assert!(!is_metadata(line, true), "{line}");
        }
    }
}
