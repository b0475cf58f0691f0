//! Regexes with a word boundary `\b` that stay on the regex crate's lazy
//! DFA for the text they usually see.
//!
//! A Unicode `\b` makes the lazy DFA give up at the first non-ASCII byte of
//! the haystack, and the regex then runs on a backtracker or the PikeVM,
//! ~10-50x slower: one en dash or curly quote in an English sentence with a
//! digit made the date pattern the largest single cost of packaging it.
//!
//! [`BoundaryRegex`] compiles each pattern twice: as written, and with every
//! `\b` made ASCII (`(?-u:\b)`), which the DFA runs on any text. The two mean
//! the same on every haystack whose non-ASCII characters are all non-word
//! characters (dashes, quotes, spaces, symbols): `\b` is decided by whether
//! the characters on each side are word characters, ASCII and Unicode agree
//! on that for ASCII characters and for non-word characters, and the rest of
//! the pattern is unchanged. Haystacks with a non-ASCII word character
//! (letters with diacritics, CJK, Thai, non-ASCII digits) get the pattern as
//! written.

use std::sync::OnceLock;

use regex::Regex;

use crate::text::{char_props, non_ascii_chars};

/// A pattern with `\b`, compiled on first use in the flavour a haystack needs.
pub struct BoundaryRegex {
    source: &'static str,
    unicode: OnceLock<Regex>,
    ascii_boundary: OnceLock<Regex>,
}

impl BoundaryRegex {
    /// `source` must not contain an escaped backslash (`\\`), so that every
    /// `\b` in it is a word boundary.
    pub const fn new(source: &'static str) -> BoundaryRegex {
        BoundaryRegex {
            source,
            unicode: OnceLock::new(),
            ascii_boundary: OnceLock::new(),
        }
    }

    /// The compiled regex that means the pattern as written on `haystack`,
    /// preferring the one the lazy DFA can run.
    pub fn for_haystack(&self, haystack: &str) -> &Regex {
        if has_non_ascii_word_character(haystack) {
            self.unicode.get_or_init(|| compile(self.source))
        } else {
            self.ascii_boundary.get_or_init(|| {
                assert!(!self.source.contains(r"\\"), "{}", self.source);
                compile(&self.source.replace(r"\b", r"(?-u:\b)"))
            })
        }
    }

    /// The pattern as written.
    pub fn source(&self) -> &'static str {
        self.source
    }

    pub fn is_match(&self, haystack: &str) -> bool {
        self.for_haystack(haystack).is_match(haystack)
    }

    pub fn find_iter<'r, 'h>(&'r self, haystack: &'h str) -> regex::Matches<'r, 'h> {
        self.for_haystack(haystack).find_iter(haystack)
    }

    /// The (start, end) of [`find_iter`](Self::find_iter)'s matches, for a
    /// pattern whose matches hold only characters for which `part` is true
    /// (digits and separators for dates).
    ///
    /// A haystack with a non-ASCII word character takes the pattern as
    /// written, which the lazy DFA cannot run: the regex crate runs its
    /// backtracker over the whole haystack (10% of a Vietnamese Process
    /// call, for dates). Here only the maximal runs of `part` characters
    /// are searched, each with the character on either side of it, which
    /// decides the run's word boundaries and can be in no match. Every
    /// match lies within one run, so the runs' matches in order are the
    /// haystack's (property-tested).
    pub fn find_in_runs(&self, haystack: &str, part: impl Fn(char) -> bool) -> Vec<(usize, usize)> {
        if !has_non_ascii_word_character(haystack) {
            let regex = self.for_haystack(haystack);
            return regex
                .find_iter(haystack)
                .map(|m| (m.start(), m.end()))
                .collect();
        }
        let mut found = Vec::new();
        for (before, after) in run_windows(haystack, part) {
            let window = &haystack[before..after];
            let regex = self.for_haystack(window);
            found.extend(
                regex
                    .find_iter(window)
                    .map(|m| (before + m.start(), before + m.end())),
            );
        }
        found
    }

    /// [`is_match`](Self::is_match), searching only the runs of `part`
    /// characters as [`find_in_runs`](Self::find_in_runs) does, for the
    /// same kind of pattern.
    pub fn is_match_in_runs(&self, haystack: &str, part: impl Fn(char) -> bool) -> bool {
        if !has_non_ascii_word_character(haystack) {
            return self.is_match(haystack);
        }
        run_windows(haystack, part).any(|(before, after)| self.is_match(&haystack[before..after]))
    }
}

/// The maximal runs of `part` characters in `haystack`, each widened by
/// the character on either side of it (where there is one): (start, end).
fn run_windows<'h>(
    haystack: &'h str,
    part: impl Fn(char) -> bool + 'h,
) -> impl Iterator<Item = (usize, usize)> + 'h {
    let mut chars = haystack.char_indices().peekable();
    // The byte where the character before the current run starts.
    let mut before = 0;
    std::iter::from_fn(move || {
        while let Some((start, c)) = chars.next() {
            if !part(c) {
                before = start;
                continue;
            }
            let mut end = start + c.len_utf8();
            while let Some(&(at, next)) = chars.peek() {
                if !part(next) {
                    break;
                }
                end = at + next.len_utf8();
                chars.next();
            }
            let after = haystack[end..]
                .chars()
                .next()
                .map_or(end, |c| end + c.len_utf8());
            let window = (before, after);
            before = end;
            return Some(window);
        }
        None
    })
}

fn compile(source: &str) -> Regex {
    Regex::new(source).unwrap_or_else(|error| panic!("{source}: {error}"))
}

/// Whether `text` has a non-ASCII character that Unicode `\w` matches.
fn has_non_ascii_word_character(text: &str) -> bool {
    !text.is_ascii() && non_ascii_chars(text).any(char_props::is_word_character)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PATTERN: &str = r"\b\d{1,2}:\d{2}\b|(?i)\bwww\.\w+|@[a-z_]+\b";

    fn find_all<'h>(regex: &Regex, text: &'h str) -> Vec<(usize, &'h str)> {
        regex
            .find_iter(text)
            .map(|m| (m.start(), m.as_str()))
            .collect()
    }

    #[test]
    fn non_word_non_ascii_text_takes_the_ascii_boundary_twin() {
        let regex = BoundaryRegex::new(PATTERN);
        let text = "At 10:30 – “www.x.org” – @ab_c…";
        assert!(std::ptr::eq(
            regex.for_haystack(text),
            regex.ascii_boundary.get().unwrap()
        ));
        assert_eq!(
            find_all(regex.for_haystack(text), text),
            [(3, "10:30"), (16, "www.x"), (33, "@ab_c")]
        );
        // A letter with a diacritic decides a boundary: the pattern as written.
        let text = "10:30é at 10:30";
        assert!(std::ptr::eq(
            regex.for_haystack(text),
            regex.unicode.get().unwrap()
        ));
        assert_eq!(find_all(regex.for_haystack(text), text), [(11, "10:30")]);
    }

    /// A date-like pattern: its matches hold only digits and separators.
    const DATES: &str =
        r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b|\b\d{1,2}:\d{2}\b";

    /// The (start, end) of the date pattern's matches on the whole text.
    fn date_spans(text: &str) -> Vec<(usize, usize)> {
        find_all(&compile(DATES), text)
            .iter()
            .map(|&(start, m)| (start, start + m.len()))
            .collect()
    }

    fn is_date_part(c: char) -> bool {
        c.is_numeric() || matches!(c, '-' | '/' | '.' | ':')
    }

    #[test]
    fn runs_find_the_dates_of_vietnamese_and_chinese_text() {
        let regex = BoundaryRegex::new(DATES);
        let text = "Ngày 12/3/2024, lúc 10:30 (2024-03-12) và 1.2.2025; 于2024年10:30举行 ２０２４-０３-１２";
        let expected = date_spans(text);
        assert_eq!(expected.len(), 5, "{expected:?}");
        assert_eq!(regex.find_in_runs(text, is_date_part), expected);
    }

    proptest! {
        /// Searching the runs of date characters finds what searching the
        /// whole haystack finds.
        #[test]
        fn runs_find_what_the_whole_haystack_finds(
            text in proptest::collection::vec(
                prop_oneof![
                    Just("1"), Just("12"), Just("2024"), Just("-"), Just("/"), Just("."),
                    Just(":"), Just(" "), Just("a"), Just("é"), Just("年"), Just("ไ"),
                    Just("٣"), Just("２"), Just("½"), Just("_"), Just("–"),
                ],
                0..30,
            ).prop_map(|parts| parts.concat())
        ) {
            let regex = BoundaryRegex::new(DATES);
            let expected = date_spans(&text);
            prop_assert_eq!(regex.find_in_runs(&text, is_date_part), expected);
        }

        /// Same matches as the pattern as written, on text mixing ASCII,
        /// non-word non-ASCII characters and non-ASCII word characters.
        #[test]
        fn matches_the_unicode_pattern(
            text in proptest::collection::vec(
                prop_oneof![
                    Just("1"), Just("12"), Just(":"), Just("30"), Just(" "), Just("a"),
                    Just("www."), Just("@"), Just("_"), Just("–"), Just("“"), Just("\u{a0}"),
                    Just("é"), Just("٣"), Just("年"), Just("K"), Just("\u{212a}"),
                ],
                0..24,
            ).prop_map(|parts| parts.concat())
        ) {
            let regex = BoundaryRegex::new(PATTERN);
            let unicode = compile(PATTERN);
            prop_assert_eq!(
                find_all(regex.for_haystack(&text), &text),
                find_all(&unicode, &text)
            );
            prop_assert_eq!(regex.is_match(&text), unicode.is_match(&text));
        }
    }
}
