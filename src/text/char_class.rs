//! A character class with the regex crate's exact meaning, without
//! compiling a regex.
//!
//! Compiling a pattern with a large Unicode class (`\p{L}` has ~650 ranges)
//! costs the regex crate milliseconds: the class becomes a UTF-8 automaton,
//! forwards and backwards. Where a hand-written matcher replaces such a
//! pattern, [`CharClass`] gives it the class itself: regex-syntax parses the
//! class (microseconds) and the ranges are searched directly.

use regex_syntax::hir::{Class, HirKind};

/// The characters a one-character regex class matches (Unicode mode).
pub struct CharClass {
    ascii: u128,
    ranges: Vec<(char, char)>,
}

impl CharClass {
    /// `pattern` must be a single class, such as `[\p{L}\d-]` or `\s`.
    pub fn new(pattern: &str) -> CharClass {
        let hir = regex_syntax::parse(pattern).unwrap_or_else(|error| panic!("{pattern}: {error}"));
        let HirKind::Class(Class::Unicode(class)) = hir.kind() else {
            panic!("{pattern}: not a Unicode character class");
        };
        let ranges: Vec<(char, char)> = class.iter().map(|r| (r.start(), r.end())).collect();
        let ascii = (0..128u8)
            .filter(|&b| contains_in(&ranges, char::from(b)))
            .fold(0u128, |bits, b| bits | 1 << b);
        CharClass { ascii, ranges }
    }

    pub fn contains(&self, c: char) -> bool {
        if c.is_ascii() {
            self.ascii >> (c as u32) & 1 == 1
        } else {
            contains_in(&self.ranges, c)
        }
    }
}

/// `ranges` sorted and disjoint, as regex-syntax gives them.
fn contains_in(ranges: &[(char, char)], c: char) -> bool {
    let first_not_below = ranges.partition_point(|&(_, end)| end < c);
    ranges
        .get(first_not_below)
        .is_some_and(|&(start, _)| start <= c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    #[test]
    fn classes_match_what_the_regex_crate_matches_on_every_code_point() {
        for pattern in [r"[\p{L}\d-]", r"\s", r"[\p{L}\p{M}'’-]"] {
            let class = CharClass::new(pattern);
            let regex = Regex::new(&format!(r"\A{pattern}\z")).unwrap();
            for c in (0..=0x10FFFF_u32).filter_map(char::from_u32) {
                assert_eq!(
                    class.contains(c),
                    regex.is_match(c.encode_utf8(&mut [0; 4])),
                    "{pattern} U+{:04X}",
                    c as u32
                );
            }
        }
    }

    #[test]
    fn regex_whitespace_is_char_is_whitespace() {
        let space = CharClass::new(r"\s");
        for c in (0..=0x10FFFF_u32).filter_map(char::from_u32) {
            assert_eq!(space.contains(c), c.is_whitespace(), "U+{:04X}", c as u32);
        }
    }

    #[test]
    #[should_panic(expected = "not a Unicode character class")]
    fn a_pattern_that_is_not_a_class_is_refused() {
        CharClass::new("ab");
    }
}
