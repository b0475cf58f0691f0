//! UAX#29 words with an exact fast path for Latin text, and word bounds
//! with one for Chinese ideographs.
//!
//! `unicode_segmentation::UnicodeWords` looks up the word-break property of
//! every character in Unicode tables. English and most Western European news
//! is ASCII plus a few other characters: Latin-1 letters, curly quotes,
//! dashes, currency signs, the no-break space; Vietnamese adds the letters of
//! Latin Extended-A, -B and Additional. Their properties are a handful
//! of classes, so [`words`] walks such text directly and yields exactly the
//! same words (a property test compares the two on random text of those
//! characters). Text with any other character takes the table-driven path.

use unicode_segmentation::{UnicodeSegmentation, UnicodeWords};

use crate::text::{decode_at_lead_byte, next_non_ascii};

/// The UAX#29 words of `text` that contain a letter or digit: the same
/// sequence as `text.unicode_words()`.
pub fn words(text: &str) -> Words<'_> {
    if text.is_ascii() {
        Words::Ascii(AsciiWords { text, pos: 0 })
    } else if is_all_fast(text) {
        Words::Fast(FastWords { text, pos: 0 })
    } else {
        Words::Unicode(text.unicode_words())
    }
}

pub enum Words<'a> {
    Ascii(AsciiWords<'a>),
    Fast(FastWords<'a>),
    Unicode(UnicodeWords<'a>),
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        match self {
            Words::Ascii(words) => words.next(),
            Words::Fast(words) => words.next(),
            Words::Unicode(words) => words.next(),
        }
    }
}

/// Word-break properties of the characters the fast path takes (UAX#29
/// table 3).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// ALetter: A-Z, a-z, Latin-1 letters.
    Letter,
    /// Numeric: 0-9.
    Digit,
    /// ExtendNumLet: `_`.
    Underscore,
    /// MidLetter: `:`.
    MidLetter,
    /// MidNumLet `.`, `‘`, `’`, and Single_Quote `'` (which acts as MidNumLet
    /// outside Hebrew).
    MidNumLet,
    /// MidNum: `,` `;`.
    MidNum,
    /// Everything else taken here (spaces, newlines, other punctuation): a
    /// segment of its own, never part of a word.
    Other,
}

const fn ascii_class(byte: u8) -> Class {
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

/// [`ascii_class`] of every ASCII byte, looked up instead of matched: the
/// word iterator asks for the class of every byte of the text.
static ASCII_CLASSES: [Class; 128] = {
    let mut table = [Class::Other; 128];
    let mut byte = 0;
    while byte < 128 {
        table[byte] = ascii_class(byte as u8);
        byte += 1;
    }
    table
};

/// The class of `c`, or `None` for characters the fast path leaves to the
/// Unicode tables (other scripts, combining marks, format characters...).
fn fast_class(c: char) -> Option<Class> {
    Some(match c {
        // Every ASCII byte: controls and punctuation not named in
        // `ascii_class` are Other (WB3 keeps CR LF together, but both are
        // outside words either way).
        '\0'..='\x7F' => ASCII_CLASSES[c as usize],
        // Latin-1 letters, without × and ÷; Latin Extended-A and -B and
        // Latin Extended Additional, letters all (Vietnamese: ơ ư đ ạ ế ...;
        // Central European, Turkish, Pinyin tone marks).
        'ª' | 'µ' | 'º' | 'À'..='Ö' | 'Ø'..='ö' | 'ø'..='ÿ' => Class::Letter,
        '\u{100}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}' => Class::Letter,
        '‘' | '’' => Class::MidNumLet,
        '\u{A0}' | '¡' | '¢' | '£' | '¥' | '§' | '©' | '«' | '°' | '±' | '»' | '¿' | '–' | '—'
        | '“' | '”' | '•' | '…' | '€' => Class::Other,
        _ => return None,
    })
}

/// Whether every character of `text` has a [`fast_class`]. ASCII is
/// skipped as [`non_ascii_char_indices`](crate::text::non_ascii_char_indices)
/// skips it; from each non-ASCII byte, the sixteen bytes there are checked
/// at once where each byte shows it ([`plainly_fast`]), as most bytes of a
/// Vietnamese sentence do (decoding each of its characters to check it was
/// 5% of summarizing a Vietnamese article). Only the characters whose first
/// two bytes do not show it are decoded.
fn is_all_fast(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut at = 0;
    // From each non-ASCII byte, the block of sixteen bytes it starts.
    while let Some(next) = next_non_ascii(bytes, at) {
        let Some(window) = bytes.get(next..next + 17) else {
            // The last bytes in a block of their own, after them ASCII zeros.
            let mut window = [0u8; 17];
            window[..bytes.len() - next].copy_from_slice(&bytes[next..]);
            return is_block_fast(bytes, next, &window);
        };
        if !is_block_fast(bytes, next, window.try_into().expect("seventeen bytes")) {
            return false;
        }
        at = next + 16;
    }
    true
}

/// Whether each character that starts in the sixteen bytes of `bytes`
/// from `at` has a [`fast_class`]; `window` holds them and the byte after.
#[inline(always)]
fn is_block_fast(bytes: &[u8], at: usize, window: &[u8; 17]) -> bool {
    // Every pair tested, without stopping early: the loop vectorizes.
    let mut plain = true;
    for k in 0..16 {
        plain &= plainly_fast(window[k], window[k + 1]);
    }
    if plain {
        return true;
    }
    // A bit for each byte that does not show it (a lead byte), whose
    // character is decoded.
    let mut unplain = 0u32;
    for k in 0..16 {
        unplain |= u32::from(!plainly_fast(window[k], window[k + 1])) << k;
    }
    while unplain != 0 {
        let lead = at + unplain.trailing_zeros() as usize;
        if fast_class(decode_at_lead_byte(bytes, lead).0).is_none() {
            return false;
        }
        unplain &= unplain - 1;
    }
    true
}

/// Whether the byte `byte`, followed by `next`, shows that the character
/// it is part of has a [`fast_class`] without decoding it: ASCII, a
/// continuation byte (its character is judged by its lead byte), or the
/// lead byte of Latin-1 letters without × and ÷ (C3), Latin Extended-A
/// and most of -B (C4-C8), or Latin Extended Additional (E1 B8-BB).
#[inline(always)]
fn plainly_fast(byte: u8, next: u8) -> bool {
    (byte < 0xC0)
        | (0xC4..=0xC8).contains(&byte)
        | (byte == 0xC3) & (next != 0x97) & (next != 0xB7)
        | (byte == 0xE1) & (0xB8..=0xBB).contains(&next)
}

const fn is_word_class(class: Class) -> bool {
    matches!(class, Class::Letter | Class::Digit | Class::Underscore)
}

/// Whether a character joins the word before it with the word after it
/// (`previous` is the class of the last word character, `middle` the
/// character between, `next` the one after): WB6, WB7 ("can't", "e.g",
/// "a:b") and WB11, WB12 ("3.5", "1,000").
fn joins(previous: Class, middle: Class, next: Class) -> bool {
    match (previous, middle) {
        (Class::Letter, Class::MidLetter | Class::MidNumLet) => next == Class::Letter,
        (Class::Digit, Class::MidNum | Class::MidNumLet) => next == Class::Digit,
        _ => false,
    }
}

/// Whether a byte is an ASCII letter, digit or `_`, by byte value (the
/// word loops test every byte of the text).
static ASCII_WORD_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 128 {
        table[byte] = is_word_class(ascii_class(byte as u8));
        byte += 1;
    }
    table
};

/// UAX#29 words of ASCII text: runs of letters, digits and `_`, joined
/// across one `:`, `.` or `'` between letters and one `,`, `;`, `.` or `'`
/// between digits. The same words as [`FastWords`], a byte at a time
/// without decoding characters.
pub struct AsciiWords<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for AsciiWords<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        let len = bytes.len();
        let class = |i: usize| ASCII_CLASSES[usize::from(bytes[i] & 0x7F)];
        let is_word = |i: usize| is_ascii_word_byte(bytes[i]);
        loop {
            while self.pos < len && !is_word(self.pos) {
                self.pos += 1;
            }
            if self.pos == len {
                return None;
            }
            let start = self.pos;
            let mut end = start;
            loop {
                while end < len && is_word(end) {
                    end += 1;
                }
                if end + 1 >= len {
                    break;
                }
                if !joins(class(end - 1), class(end), class(end + 1)) {
                    break;
                }
                end += 2;
            }
            self.pos = end;
            let word = &self.text[start..end];
            // Like `unicode_words`, keep only segments with a letter or
            // digit; only a word that starts with `_` can lack one.
            if bytes[start] != b'_' || word.bytes().any(|b| b.is_ascii_alphanumeric()) {
                return Some(word);
            }
        }
    }
}

/// UAX#29 words of text whose every character has a [`fast_class`] (see
/// [`words`]).
pub struct FastWords<'a> {
    text: &'a str,
    pos: usize,
}

impl FastWords<'_> {
    /// The class and byte length of the character at byte `pos`.
    #[inline]
    fn class_at(&self, pos: usize) -> (Class, usize) {
        let byte = self.text.as_bytes()[pos];
        if byte.is_ascii() {
            return (ASCII_CLASSES[usize::from(byte)], 1);
        }
        let c = self.text[pos..]
            .chars()
            .next()
            .expect("pos is a char boundary");
        (fast_class(c).unwrap_or(Class::Other), c.len_utf8())
    }
}

/// Whether `byte` is an ASCII letter, digit or `_`.
fn is_ascii_word_byte(byte: u8) -> bool {
    ASCII_WORD_BYTES[usize::from(byte)]
}

impl<'a> Iterator for FastWords<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        let len = bytes.len();
        while self.pos < len {
            // Spaces and punctuation between words, a byte at a time.
            if bytes[self.pos].is_ascii() && !is_ascii_word_byte(bytes[self.pos]) {
                self.pos += 1;
                continue;
            }
            let start = self.pos;
            let (first, first_len) = self.class_at(start);
            if !is_word_class(first) {
                self.pos += first_len;
                continue;
            }
            let (mut previous, mut end) = (first, start + first_len);
            while end < len {
                // The run of ASCII letters, digits and `_` that makes up
                // most of a word.
                if is_ascii_word_byte(bytes[end]) {
                    while end < len && is_ascii_word_byte(bytes[end]) {
                        end += 1;
                    }
                    previous = ASCII_CLASSES[usize::from(bytes[end - 1])];
                    continue;
                }
                let (current, current_len) = self.class_at(end);
                if is_word_class(current) {
                    // WB5, WB8, WB9, WB10, WB13a, WB13b: letters, digits and
                    // `_` join in any order.
                    previous = current;
                    end += current_len;
                    continue;
                }
                let after = end + current_len;
                let (next, next_len) = if after < len {
                    self.class_at(after)
                } else {
                    (Class::Other, 0)
                };
                if !joins(previous, current, next) {
                    break;
                }
                previous = next;
                end = after + next_len;
            }
            self.pos = end;
            let word = &self.text[start..end];
            // Like `unicode_words`, keep only segments with a letter or digit
            // (a non-ASCII character in a word is a letter or sits between
            // letters). Only a word that starts with `_` can lack one.
            if first != Class::Underscore
                || word
                    .bytes()
                    .any(|b| b.is_ascii_alphanumeric() || !b.is_ascii())
            {
                return Some(word);
            }
        }
        None
    }
}

/// The UAX#29 word-bound segments of `text`, every character in one: the
/// same sequence as `text.split_word_bounds()`, with Chinese ideographs
/// taken without the tables.
///
/// A Han ideograph has Word_Break=Other: UAX#29 breaks before it (no rule
/// joins anything to an Other on its right, WB999) and after it unless an
/// Extend, Format or ZWJ character follows (WB4), and no rule decides a
/// break elsewhere by looking at it, except to see that it is not a
/// letter, digit, Katakana or regional indicator. So an ideograph followed
/// by ASCII, another ideograph or the end of the text is a segment of its
/// own, and the text between such ideographs segments on its own as it
/// does in place. Chinese news is mostly ideographs, whose word categories
/// the table-driven iterator looked up one by one (8% of a Chinese Process
/// call).
pub fn word_bounds(text: &str) -> WordBounds<'_> {
    WordBounds {
        text,
        pos: 0,
        between: None,
    }
}

pub struct WordBounds<'a> {
    text: &'a str,
    /// Where the text not yet segmented starts.
    pos: usize,
    /// The segments of the text before the next lone ideograph.
    between: Option<unicode_segmentation::UWordBounds<'a>>,
}

impl<'a> Iterator for WordBounds<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if let Some(segment) = self.between.as_mut().and_then(Iterator::next) {
            return Some(segment);
        }
        self.between = None;
        let rest = &self.text[self.pos..];
        if rest.is_empty() {
            return None;
        }
        if let Some(len) = lone_ideograph(rest) {
            self.pos += len;
            return Some(&rest[..len]);
        }
        // The text up to the next lone ideograph, segmented by the tables.
        let end = rest
            .char_indices()
            .skip(1)
            .find(|&(i, _)| lone_ideograph(&rest[i..]).is_some())
            .map_or(rest.len(), |(i, _)| i);
        self.pos += end;
        let mut between = rest[..end].split_word_bounds();
        let first = between.next();
        self.between = Some(between);
        first
    }
}

/// The length in bytes of the Han ideograph that starts `text`, when it is
/// followed by ASCII, another ideograph or nothing: then it is a segment of
/// its own.
fn lone_ideograph(text: &str) -> Option<usize> {
    let mut chars = text.chars();
    let first = chars.next().filter(|&c| is_han(c))?;
    match chars.next() {
        None => Some(first.len_utf8()),
        Some(next) if next.is_ascii() || is_han(next) => Some(first.len_utf8()),
        Some(_) => None,
    }
}

/// CJK Unified Ideographs and Extension A (every code point in them has
/// Word_Break=Other, assigned or not).
fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}')
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use unicode_segmentation::UnicodeSegmentation;

    use super::{fast_class, is_all_fast, word_bounds, words};
    use crate::text::non_ascii_chars;

    #[test]
    fn chinese_word_bounds() {
        let text = "东盟峰会于2024年10月在万象举行，“会议”讨论了AI。\n中\u{301}文 ok:中";
        assert_eq!(
            word_bounds(text).collect::<Vec<_>>(),
            text.split_word_bounds().collect::<Vec<_>>()
        );
    }

    /// Every code point taken as an ideograph breaks as Word_Break=Other
    /// between neighbours of every class the rules look at.
    #[test]
    fn every_ideograph_is_a_segment_of_its_own() {
        let neighbours = [
            "a",
            "1",
            ":",
            ",",
            ".",
            "'",
            "\"",
            "_",
            " ",
            "\n",
            "カ",
            "א",
            "\u{1F1E6}",
            "☺",
            "\u{200D}",
            "中",
        ];
        for c in ('\u{3400}'..='\u{4DBF}').chain('\u{4E00}'..='\u{9FFF}') {
            let c = c.to_string();
            for before in neighbours {
                for after in ["a", "1", ".", "中"] {
                    let text = format!("{before}{c}{after}");
                    let segments: Vec<&str> = text.split_word_bounds().collect();
                    assert_eq!(segments, [before, c.as_str(), after], "{text:?}");
                }
            }
        }
    }

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

    /// A character the block check must decode is seen at every offset
    /// of a run of letters of one, two and three bytes.
    #[test]
    fn a_character_to_decode_is_seen_at_every_offset() {
        for letter in ["a", "é", "ạ", "ă a", "ế1 "] {
            for n in 0..40 {
                let (before, after) = (letter.repeat(n), letter.repeat(5));
                assert!(is_all_fast(&format!("{before}{after}")), "{before}{after}");
                for slow in ['×', '÷', 'ɐ', 'α', '\u{301}', '中'] {
                    let text = format!("{before}{slow}{after}");
                    assert!(!is_all_fast(&text), "{text:?}");
                }
            }
        }
    }

    fn same_words_as_unicode(text: &str) -> Result<(), TestCaseError> {
        let fast: Vec<&str> = words(text).collect();
        let reference: Vec<&str> = text.unicode_words().collect();
        prop_assert_eq!(fast, reference);
        Ok(())
    }

    /// Every character the fast path takes as a letter beyond Latin-1 is
    /// one: the same words as the tables beside letters, digits, the
    /// characters that join words and a combining mark.
    #[test]
    fn extended_latin_letters_are_letters() {
        for c in ('\u{100}'..='\u{24F}').chain('\u{1E00}'..='\u{1EFF}') {
            for text in [
                format!("a{c}b {c}"),
                format!("1{c}2"),
                format!("{c}.{c}:{c}'{c}"),
                format!("{c},1 {c}_"),
                format!("x{c}\u{301}y"),
            ] {
                same_words_as_unicode(&text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The same segments as `split_word_bounds` on text mixing
        /// ideographs with every class the rules treat apart from Other.
        #[test]
        fn word_bounds_are_the_tables_bounds(
            text in "(中|国|\u{3400}|\u{9FFF}|a|Z|1|:|,|\\.|'|\"|_| |\n|\r|カ|ー|ひ|א|\u{301}|\u{200D}|\u{AD}|\u{1F1E6}|☺|，|。|：|０|ｂ|é|ไ){0,40}"
        ) {
            let fast: Vec<&str> = word_bounds(&text).collect();
            let reference: Vec<&str> = text.split_word_bounds().collect();
            prop_assert_eq!(fast, reference);
        }

        /// The fast path returns exactly what the Unicode tables return.
        #[test]
        fn ascii_fast_path_matches_unicode_words(text in "[a-cA-C0-2_:.',; \n\r\t!?\"()-]{0,40}") {
            same_words_as_unicode(&text)?;
        }

        /// The same on text of Latin-1 letters and the other non-ASCII
        /// characters the fast path takes.
        #[test]
        fn latin_fast_path_matches_unicode_words(
            text in "([a-bA0-1_:.',; \n!\"-]|[ªµºÀÖØöøÿé×÷]|[ơưđĐạếộỹǅȳḀ]|[‘’\u{A0}¡¢£¥§©«°±»¿–—“”•…€]){0,40}"
        ) {
            same_words_as_unicode(&text)?;
        }

        /// Text of several sentences' length, whose words the fast path
        /// finds far from where it started.
        #[test]
        fn fast_path_matches_unicode_words_on_long_text(
            text in "([a-bA0-1_:.',; \n-]|[éÿ×]|[’‘“–]|aa’|1’2){60,300}"
        ) {
            same_words_as_unicode(&text)?;
        }

        /// The check sixteen bytes at a time answers what checking every
        /// character does, wherever in a block a character it must decode
        /// falls: Latin letters beside × and ÷ (C3 97, C3 B7), Latin
        /// Extended-B past C8 (C9), and the blocks around E1 B8-BB.
        #[test]
        fn the_block_check_is_the_check_of_every_character(
            text in "([a-z .,]{0,20}|[àé×÷ÿ]|[ăđơưǅȳ]|[ɀɏɐ]|[ạếộỹḀ]|[᷿ἀ]|[‘’–—“”…€]|\u{301}|α|中){0,40}"
        ) {
            prop_assert_eq!(
                is_all_fast(&text),
                non_ascii_chars(&text).all(|c| fast_class(c).is_some()),
                "{:?}", text
            );
        }

        /// Characters the fast path must leave to the tables: a combining
        /// accent, Greek, a soft hyphen, ZWJ, Hebrew, Katakana.
        #[test]
        fn other_characters_take_the_unicode_path(
            text in "([a-b0:.',; ’é-]|\u{301}|α|\u{AD}|\u{200D}|א|カ){0,30}"
        ) {
            same_words_as_unicode(&text)?;
        }
    }
}
