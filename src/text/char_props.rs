//! `char::is_alphabetic`, `is_numeric` and `is_alphanumeric` in a few
//! instructions for every character of the Basic Multilingual Plane.
//!
//! The standard library answers these for ASCII at once and for any other
//! character with a search of compressed tables whose cost depends on the
//! block: in Thai, whose letters, vowel signs and tone marks alternate
//! between alphabetic and not, one `is_alphanumeric` took ~2,800
//! instructions, and the checks were 49% of a Thai Process call. Here the
//! answers for a block of 256 code points are computed with the standard
//! library's own functions the first time a character of the block is
//! asked about, and looked up after that, so they are the same answers.
//!
//! The same pages answer [`is_nfc_starter`] from unicode-normalization's
//! tables, which searched per character cost Thai and Chinese packages
//! most of their normalization, and [`is_word_character`] (the regex
//! crate's Unicode `\w`), which a binary search of regex-syntax's table
//! answered for every non-ASCII character of a sentence in boilerplate
//! screening.

use std::borrow::Cow;
use std::sync::OnceLock;

const ALPHABETIC: u8 = 1;
const NUMERIC: u8 = 2;
const NFC_STARTER: u8 = 4;
const LOWERCASE_ITSELF: u8 = 8;
const WORD_CHARACTER: u8 = 16;

/// Page `n` holds the flags of U+nn00..=U+nnFF, made on first use.
static PAGES: [OnceLock<[u8; 256]>; 256] = [const { OnceLock::new() }; 256];

/// The flags of `c` as the standard library and unicode-normalization
/// compute them.
fn computed(c: char) -> u8 {
    let flag = |yes: bool, flag: u8| if yes { flag } else { 0 };
    flag(c.is_alphabetic(), ALPHABETIC)
        | flag(c.is_numeric(), NUMERIC)
        | flag(computed_nfc_starter(c), NFC_STARTER)
        | flag(computed_lowercase_itself(c), LOWERCASE_ITSELF)
        | flag(regex_syntax::is_word_character(c), WORD_CHARACTER)
}

fn computed_lowercase_itself(c: char) -> bool {
    c.to_lowercase().eq([c])
}

fn computed_nfc_starter(c: char) -> bool {
    use unicode_normalization::{IsNormalized, char::canonical_combining_class, is_nfc_quick};
    canonical_combining_class(c) == 0 && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes
}

#[inline]
fn flags(c: char) -> u8 {
    let code = c as u32;
    if code >= 0x1_0000 {
        return computed(c);
    }
    let page = (code >> 8) as usize;
    let flags = PAGES[page].get_or_init(|| {
        let mut flags = [0u8; 256];
        for (low, flag) in (0u32..).zip(flags.iter_mut()) {
            // Surrogates are not characters: their flags stay 0.
            if let Some(c) = char::from_u32((page as u32) << 8 | low) {
                *flag = computed(c);
            }
        }
        flags
    });
    flags[(code & 0xFF) as usize]
}

/// `c.is_alphabetic()`.
#[inline]
pub fn is_alphabetic(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    flags(c) & ALPHABETIC != 0
}

/// `c.is_numeric()`.
#[inline]
pub fn is_numeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    flags(c) & NUMERIC != 0
}

/// `c.is_alphanumeric()`.
#[inline]
pub fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    flags(c) & (ALPHABETIC | NUMERIC) != 0
}

/// Whether `c` has canonical combining class 0 and is NFC_Quick_Check=Yes:
/// it never changes under NFC, and neither does the order of the marks
/// around it, so a quick check may skip it (a skipped starter can only turn
/// a Yes into a Maybe or a No, which costs a composition, never the
/// reverse).
#[inline]
pub fn is_nfc_starter(c: char) -> bool {
    if c.is_ascii() {
        return true;
    }
    flags(c) & NFC_STARTER != 0
}

/// `regex_syntax::is_word_character(c)`: whether the regex crate's Unicode
/// `\w` matches `c`.
#[inline]
pub fn is_word_character(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    flags(c) & WORD_CHARACTER != 0
}

/// `text.to_lowercase()`, borrowed when no character changes: text of
/// scripts without case (Thai, Lao, Khmer, Burmese, Chinese) and words
/// already in lowercase. The standard library searches its case tables for
/// every non-ASCII character and allocates (4.9% of a Thai Process call,
/// for the dictionary words' terms). Exact: a character that lowercases to
/// itself alone does so in any context (the one context rule, final sigma,
/// is for `Σ`, which does not).
pub fn to_lowercase(text: &str) -> Cow<'_, str> {
    let unchanged = if text.is_ascii() {
        !text.bytes().any(|b| b.is_ascii_uppercase())
    } else {
        text.chars().all(|c| {
            if c.is_ascii() {
                !c.is_ascii_uppercase()
            } else {
                flags(c) & LOWERCASE_ITSELF != 0
            }
        })
    };
    if unchanged {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_character_has_the_standard_librarys_answers() {
        for c in (0..=0x10FFFF_u32).filter_map(char::from_u32) {
            assert_eq!(is_alphabetic(c), c.is_alphabetic(), "U+{:04X}", c as u32);
            assert_eq!(is_numeric(c), c.is_numeric(), "U+{:04X}", c as u32);
            assert_eq!(
                is_alphanumeric(c),
                c.is_alphanumeric(),
                "U+{:04X}",
                c as u32
            );
            assert_eq!(
                is_nfc_starter(c),
                computed_nfc_starter(c),
                "U+{:04X}",
                c as u32
            );
            assert_eq!(
                is_word_character(c),
                regex_syntax::is_word_character(c),
                "U+{:04X}",
                c as u32
            );
            let text = c.to_string();
            assert_eq!(
                to_lowercase(&text),
                text.to_lowercase(),
                "U+{:04X}",
                c as u32
            );
        }
    }

    proptest::proptest! {
        /// The same as `str::to_lowercase` on words mixing scripts with and
        /// without case, and final sigma.
        #[test]
        fn to_lowercase_is_the_standard_librarys(
            text in "([aZ ._]|[ไทย]|[中文]|[ÉéİıẞΣσςΑ]|[ǅǄ]|\\PC){0,12}"
        ) {
            proptest::prop_assert_eq!(to_lowercase(&text), text.to_lowercase());
        }
    }
}
