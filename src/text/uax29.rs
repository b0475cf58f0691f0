//! UAX#29 words with an exact fast path for ASCII text.
//!
//! `unicode_segmentation::UnicodeWords` looks up the word-break property of
//! every character in Unicode tables; on ASCII text (most English news) the
//! properties are a handful of byte classes, so [`words`] walks the bytes
//! directly and yields exactly the same words (a property test compares the
//! two on random ASCII text). Any non-ASCII text takes the table-driven path.

use unicode_segmentation::{UnicodeSegmentation, UnicodeWords};

/// The UAX#29 words of `text` that contain a letter or digit: the same
/// sequence as `text.unicode_words()`.
pub fn words(text: &str) -> Words<'_> {
    if text.is_ascii() {
        Words::Ascii(AsciiWords { text, pos: 0 })
    } else {
        Words::Unicode(text.unicode_words())
    }
}

pub enum Words<'a> {
    Ascii(AsciiWords<'a>),
    Unicode(UnicodeWords<'a>),
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        match self {
            Words::Ascii(words) => words.next(),
            Words::Unicode(words) => words.next(),
        }
    }
}

/// Word-break properties of ASCII bytes (UAX#29 table 3).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// ALetter: A-Z, a-z.
    Letter,
    /// Numeric: 0-9.
    Digit,
    /// ExtendNumLet: `_`.
    Underscore,
    /// MidLetter: `:`.
    MidLetter,
    /// MidNumLet `.` and Single_Quote `'` (which acts as MidNumLet outside
    /// Hebrew).
    MidNumLet,
    /// MidNum: `,` `;`.
    MidNum,
    /// Everything else (spaces, newlines, other punctuation): a segment of
    /// its own, never part of a word.
    Other,
}

fn class(byte: u8) -> Class {
    match byte {
        b'A'..=b'Z' | b'a'..=b'z' => Class::Letter,
        b'0'..=b'9' => Class::Digit,
        b'_' => Class::Underscore,
        b':' => Class::MidLetter,
        b'.' | b'\'' => Class::MidNumLet,
        b',' | b';' => Class::MidNum,
        _ => Class::Other,
    }
}

fn is_word_class(class: Class) -> bool {
    matches!(class, Class::Letter | Class::Digit | Class::Underscore)
}

/// UAX#29 words of ASCII text (see [`words`]).
pub struct AsciiWords<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for AsciiWords<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        while self.pos < bytes.len() {
            let start = self.pos;
            if !is_word_class(class(bytes[start])) {
                self.pos += 1;
                continue;
            }
            let mut end = start + 1;
            while end < bytes.len() {
                let previous = class(bytes[end - 1]);
                let current = class(bytes[end]);
                if is_word_class(current) {
                    // WB5, WB8, WB9, WB10, WB13a, WB13b: letters, digits and
                    // `_` join in any order.
                    end += 1;
                    continue;
                }
                let after = bytes.get(end + 1).map(|&b| class(b));
                let joins = match (previous, current) {
                    // WB6, WB7: "can't", "e.g", "a:b".
                    (Class::Letter, Class::MidLetter | Class::MidNumLet) => {
                        after == Some(Class::Letter)
                    }
                    // WB11, WB12: "3.5", "1,000".
                    (Class::Digit, Class::MidNum | Class::MidNumLet) => after == Some(Class::Digit),
                    _ => false,
                };
                if !joins {
                    break;
                }
                end += 2;
            }
            self.pos = end;
            let word = &self.text[start..end];
            // Like `unicode_words`, keep only segments with a letter or digit.
            if word.bytes().any(|b| b.is_ascii_alphanumeric()) {
                return Some(word);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use unicode_segmentation::UnicodeSegmentation;

    use super::words;

    #[test]
    fn english_words() {
        let text = "U.S. officials said on Tue. that 3,000.50 can't be e.g. a_b: x:y, ok?";
        assert_eq!(
            words(text).collect::<Vec<_>>(),
            text.unicode_words().collect::<Vec<_>>()
        );
        assert_eq!(
            words(text).collect::<Vec<_>>(),
            [
                "U.S",
                "officials",
                "said",
                "on",
                "Tue",
                "that",
                "3,000.50",
                "can't",
                "be",
                "e.g",
                "a_b",
                "x:y",
                "ok"
            ]
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The fast path returns exactly what the Unicode tables return.
        #[test]
        fn ascii_fast_path_matches_unicode_words(text in "[a-cA-C0-2_:.',; \n\r\t!?\"()-]{0,40}") {
            let fast: Vec<&str> = words(&text).collect();
            let reference: Vec<&str> = text.unicode_words().collect();
            prop_assert_eq!(fast, reference);
        }
    }
}
