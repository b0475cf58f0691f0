//! The number of ICU4X words of a Chinese or Japanese text
//! ([`words::words`]`(text).len()`), counted without ICU4X's word iterator
//! where that is certain to give the same number.
//!
//! ICU4X's dictionary word segmenter hands each run of two or more
//! characters of its "complex" word break class to a dictionary, and walks
//! the rest with the UAX#29 rules. Its iterator pays for generality at
//! every character: a rule table lookup, a second walk over the run to
//! find its end, the run's breaks collected into a vector and walked again,
//! and a grapheme cluster iterator beside the dictionary. For Chinese text
//! that was a third of a Process call's instructions, for the segments'
//! word counts alone.
//!
//! [`count`] reads the same data (the word break classes, and the Chinese
//! and Japanese dictionary) and does the same things in one walk:
//! - a run of Han or hiragana (two or more characters of the complex
//!   class, each its own grapheme cluster) is cut by the same greedy
//!   longest match over the same trie, and every piece is a word; the
//!   trie's cursor after each first character is kept per thread, since
//!   the first step searches the trie's widest node;
//! - a single character between two runs (or before the first) is one
//!   segment, a word when its class's rule status says so: ICU4X breaks
//!   before a run whatever comes before it, and takes the segment's kind
//!   from the character before the break;
//! - anything longer goes to ICU4X's iterator, from the last two
//!   characters of the run before it (ICU4X takes the kind of some
//!   segments from the segment before them, so the text after a run is
//!   not segmented alone) to the first character of the run after it
//!   (which its rules may look at). Where the rules do not then break
//!   before the run, or a run holds anything else (Thai, marks, some
//!   kana), the whole text goes to ICU4X's iterator instead.
//!
//! The tests hold the count to ICU4X's on news text, on every code point
//! of the Basic Multilingual Plane in the contexts that matter, and on
//! news with characters of every kind put in at random.

use std::cell::RefCell;
use std::sync::LazyLock;

use icu_collections::char16trie::{Char16Trie, Char16TrieCursor};
use icu_provider::prelude::*;
use icu_segmenter::provider::{
    Baked, DictionaryBreakData, RuleBreakData, SegmenterBreakWordV1, SegmenterDictionaryAutoV2,
};
use rustc_hash::FxHashMap;

use crate::text::words;

/// ICU4X's word break data and its Chinese and Japanese dictionary.
struct Data {
    rules: &'static RuleBreakData<'static>,
    dictionary: &'static Char16Trie<'static>,
}

/// `None` where the baked data is not what this module reads (a trie of
/// another kind): every count then goes to ICU4X's iterator.
static DATA: LazyLock<Option<Data>> = LazyLock::new(|| {
    let rules = DataProvider::<SegmenterBreakWordV1>::load(&Baked, DataRequest::default())
        .ok()?
        .payload
        .get_static()?;
    let request = DataRequest {
        id: DataIdentifierBorrowed::for_marker_attributes(DataMarkerAttributes::from_str_or_panic(
            "cjdict",
        )),
        metadata: {
            let mut metadata = DataRequestMetadata::default();
            metadata.silent = true;
            metadata.attributes_prefix_match = true;
            metadata
        },
    };
    let dictionary = DataProvider::<SegmenterDictionaryAutoV2>::load(&Baked, request)
        .ok()?
        .payload
        .get_static()?;
    match dictionary {
        DictionaryBreakData::Char16Trie(trie) => Some(Data {
            rules,
            dictionary: trie,
        }),
        _ => None,
    }
});

/// `words::words(text).len()`: the word-like segments of `text` in
/// ICU4X's dictionary word segmentation.
pub fn count(text: &str) -> usize {
    one_walk(text).unwrap_or_else(|| words::words(text).len())
}

/// The count where the one walk is certain of it; `None` where ICU4X's
/// iterator must count (see the module documentation).
pub fn one_walk(text: &str) -> Option<usize> {
    DATA.as_ref()?.count(text)
}

/// Whether ICU4X hands `c`, in a run of its complex class, to the Chinese
/// and Japanese dictionary, and `c` is its own grapheme cluster there:
/// Han, hiragana and the ideographic marks ICU4X gives that dictionary
/// (its script table), less the few that are marks.
fn is_dictionary_character(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2E99
        | 0x2E9B..=0x2EF3
        | 0x2F00..=0x2FD5
        | 0x3005
        | 0x3007
        | 0x3021..=0x3029
        | 0x3038..=0x303B
        | 0x3041..=0x3096
        | 0x309D..=0x309F
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFA6D
        | 0xFA70..=0xFAD9
        | 0x1B001..=0x1B11F
        | 0x20000..=0x2A6DF
        | 0x2A700..=0x2B81D
        | 0x2B820..=0x2CEAD
        | 0x2CEB0..=0x2EBE0
        | 0x2EBF0..=0x2EE5D
        | 0x2F800..=0x2FA1D
        | 0x30000..=0x3134A
        | 0x31350..=0x33479)
}

impl Data {
    /// The word break class of `c`.
    fn class(&self, c: char) -> u8 {
        self.rules.property_table.get32(c as u32)
    }

    /// Whether `c` is of the complex class, and then whether it is an
    /// [`is_dictionary_character`] (all of which are of that class; a
    /// test holds it, and the check spares a trie lookup for each).
    fn in_run(&self, c: char) -> Option<bool> {
        if is_dictionary_character(c) {
            Some(true)
        } else if c.is_ascii() || self.class(c) != self.rules.complex_property {
            None
        } else {
            Some(false)
        }
    }

    /// Whether a segment that ends after a character of `class` is a word.
    fn is_word_class(&self, class: u8) -> bool {
        class != 0
            && self
                .rules
                .rule_status_table
                .get(usize::from(class - 1))
                .unwrap_or_default()
                != 0
    }

    /// The count, or `None` where it is not certain to be ICU4X's.
    fn count(&self, text: &str) -> Option<usize> {
        let mut total = 0;
        // Where the text not yet counted starts (after the last run), and
        // where the last run's last two characters start.
        let mut piece = 0;
        let mut tail = None;
        let mut chars = text.char_indices().peekable();
        while let Some((start, c)) = chars.next() {
            let Some(mut all_dictionary) = self.in_run(c) else {
                continue;
            };
            // A run of the complex class: ICU4X hands it to the dictionary
            // when it has two characters or more.
            let (mut last, mut second_last) = (start, start);
            while let Some(&(at, next)) = chars.peek() {
                let Some(dictionary) = self.in_run(next) else {
                    break;
                };
                all_dictionary &= dictionary;
                (second_last, last) = (last, at);
                chars.next();
            }
            if last == start {
                continue;
            }
            if !all_dictionary {
                return None;
            }
            let end = last + text[last..].chars().next().map_or(0, char::len_utf8);
            total += self.before_run(text, tail, piece, start, start + c.len_utf8())?;
            total += self.dictionary_words(&text[start..end]);
            piece = end;
            tail = Some(second_last);
        }
        let Some(tail) = tail else {
            // No run: all of it is ICU4X's rules.
            return Some(words::words(text).len());
        };
        if piece < text.len() {
            total += words_from(&text[tail..], piece - tail).len();
        }
        Some(total)
    }

    /// The words of `text[piece..run]`, between the end of a run (whose
    /// last two characters start at `tail`) or the start of the text, and
    /// a run that starts at `run` with a character that ends at
    /// `first_end`; `None` where ICU4X does not break at `run`.
    fn before_run(
        &self,
        text: &str,
        tail: Option<usize>,
        piece: usize,
        run: usize,
        first_end: usize,
    ) -> Option<usize> {
        let between = &text[piece..run];
        let mut chars = between.chars();
        match (chars.next(), chars.next()) {
            (None, _) => Some(0),
            // One character: ICU4X breaks before a run whatever comes
            // before it, and takes the segment's kind from that character.
            (Some(c), None) => Some(usize::from(self.is_word_class(self.class(c)))),
            _ => {
                // ICU4X's rules on the text, from the end of the run
                // before it (see `words_from`), to the run's first
                // character, which must then be a word of its own.
                let context = tail.unwrap_or(piece);
                let words = words_from(&text[context..first_end], piece - context);
                let (first, before) = words.split_last()?;
                (first.start == run - context && first.end == first_end - context)
                    .then_some(before.len())
            }
        }
    }

    /// The number of pieces ICU4X's dictionary iterator cuts `run` into: at
    /// each position, the longest dictionary word that starts there, or
    /// where none does, the characters read until the trie had no way on
    /// (one where the first is not in it). Every character of `run` is its
    /// own grapheme cluster, so every match ends on a cluster boundary.
    fn dictionary_words(&self, run: &str) -> usize {
        FIRST_STEPS.with_borrow_mut(|first_steps| {
            if first_steps.len() >= MAX_FIRST_STEPS {
                first_steps.clear();
            }
            let mut pieces = 0;
            let mut rest = run;
            while let Some(first) = rest.chars().next() {
                let mut cursor = first_steps
                    .entry(first)
                    .or_insert_with(|| {
                        let mut cursor = self.dictionary.cursor();
                        cursor.step32(first as u32);
                        cursor
                    })
                    .clone();
                let mut longest = None;
                let mut end = first.len_utf8();
                let mut read = rest.char_indices().map(|(at, c)| (at + c.len_utf8(), c));
                read.next();
                loop {
                    let matched = cursor.value().is_some();
                    if cursor.is_empty() {
                        if !matched {
                            end = longest.unwrap_or(end);
                        }
                        break;
                    }
                    if matched {
                        longest = Some(end);
                    }
                    let Some((after, c)) = read.next() else {
                        end = longest.unwrap_or(rest.len());
                        break;
                    };
                    cursor.step32(c as u32);
                    end = after;
                }
                pieces += 1;
                rest = &rest[end..];
            }
            pieces
        })
    }
}

/// At most this many first steps are kept per thread (~32 bytes each):
/// more than the characters of most Chinese news.
const MAX_FIRST_STEPS: usize = 8192;

thread_local! {
    /// The dictionary's cursor after its first character, by character:
    /// the first step, from the root, searches the widest node of the
    /// trie, and every piece of a run takes one (-6% of a Chinese Process
    /// call's instructions).
    static FIRST_STEPS: RefCell<FxHashMap<char, Char16TrieCursor<'static>>> =
        RefCell::default();
}

/// The [`words::words`] of `text` that start at `from` or after. A text
/// that starts with the last two characters of a run (a run of its own)
/// leaves ICU4X's iterator at `from` as the whole run did: ICU4X takes the
/// kind of a segment that ends before a run from the segment before it
/// when its rules look ahead (`a\u{ad}` after a run is a word, at the start
/// of a text it is not), so the text after a run is not segmented alone.
fn words_from(text: &str, from: usize) -> Vec<words::Word> {
    let mut all = words::words(text);
    let first = all.partition_point(|w| w.start < from);
    all.drain(..first);
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn icu(text: &str) -> usize {
        words::words(text).len()
    }

    fn data() -> &'static Data {
        DATA.as_ref().expect("ICU4X's baked data is a UTF-16 trie")
    }

    const NEWS: &str = include_str!("../../tests/data/translation/zh.txt");

    #[test]
    fn chinese_news_counts_as_icu4x_does_in_one_walk() {
        assert_eq!(data().count(NEWS), Some(icu(NEWS)));
        for line in NEWS.lines() {
            assert_eq!(data().count(line), Some(icu(line)), "{line}");
        }
    }

    /// Every code point of the Basic Multilingual Plane, and the
    /// supplementary ideographs and kana, beside runs, single Han
    /// characters, letters and digits: the count is ICU4X's wherever it is
    /// given. The punctuation of Chinese news never sends a text to ICU4X.
    #[test]
    fn every_character_in_context_counts_as_icu4x_does() {
        let contexts: [(&str, &str); 9] = [
            ("中文", "新闻"),
            ("中", "文"),
            ("", "新闻"),
            ("新闻", ""),
            ("ab", "新闻"),
            ("3", "5万"),
            ("新闻a", "新闻"),
            ("新闻3", "新闻"),
            ("中文 ", " 中文"),
        ];
        let supplementary = [
            0x1B001..=0x1B011,
            0x16FE0..=0x16FF6,
            0x20000..=0x20010,
            0x1F1E6..=0x1F1EA,
        ];
        let characters = (0..=0xFFFF_u32)
            .chain(supplementary.into_iter().flatten())
            .filter_map(char::from_u32);
        let mut failures = Vec::new();
        for c in characters {
            for (before, after) in contexts {
                let text = format!("{before}{c}{after}");
                if let Some(n) = data().count(&text)
                    && n != icu(&text)
                {
                    failures.push(text.clone());
                }
                let text = format!("{before}{c}{c}{after}");
                if let Some(n) = data().count(&text)
                    && n != icu(&text)
                {
                    failures.push(text);
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} failures: {:?}",
            failures.len(),
            &failures[..failures.len().min(20)]
        );
        for punctuation in "，。、；：？！“”‘’（）《》「」『』【】…—·．％～".chars()
        {
            for (before, after) in contexts {
                let text = format!("{before}{punctuation}{after}");
                assert!(data().count(&text).is_some(), "{text}");
            }
        }
    }

    #[test]
    fn dictionary_characters_are_of_the_complex_class_and_ascii_is_not() {
        let data = data();
        for c in (0..=0x10FFFF_u32).filter_map(char::from_u32) {
            if is_dictionary_character(c) {
                assert_eq!(data.class(c), data.rules.complex_property, "{c:?}");
            }
            if c.is_ascii() {
                assert_ne!(data.class(c), data.rules.complex_property, "{c:?}");
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// News with characters of every kind put in at random places.
        #[test]
        fn mixed_text_counts_as_icu4x_does(
            cuts in proptest::collection::vec((0..2000usize, 0..24usize), 0..12),
            start in 0..1200usize,
            length in 0..200usize,
        ) {
            const PIECES: [&str; 24] = [
                "a", "3", ".", ",", "'", "3.5", "Covid-19", " ", "\u{301}", "\u{FE0F}",
                "\u{200D}", "ー", "カタカナ", "ﾃﾞ", "한국", "ไทย", "🇨🇳", "😀", "\u{AD}", "々",
                "〇", "𠀀", "\u{3099}", "ゝ",
            ];
            let chars: Vec<char> = NEWS.chars().collect();
            let start = start % chars.len();
            let end = (start + length).min(chars.len());
            let mut text: Vec<String> = chars[start..end].iter().map(|c| c.to_string()).collect();
            for (at, piece) in cuts {
                text.insert(at % (text.len() + 1), PIECES[piece].to_string());
            }
            let text = text.concat();
            prop_assert_eq!(count(&text), icu(&text), "{}", text);
        }
    }
}
#[cfg(test)]
mod debug {
    #[test]
    fn show() {
        use icu_segmenter::options::WordBreakInvariantOptions;
        let seg =
            icu_segmenter::WordSegmenter::new_dictionary(WordBreakInvariantOptions::default());
        for t in [
            "中文\u{ad}\u{ad}新闻",
            "中文\u{ad}新闻",
            "新闻a\u{ad}新闻",
            "a\u{ad}新",
            "a\u{ad}",
            "\u{ad}\u{ad}新闻",
            "新闻3\u{300}新闻",
            "3\u{300}新",
        ] {
            let mut it = seg.segment_str(t);
            let mut prev = 0;
            let mut out = vec![];
            while let Some(b) = it.next() {
                if b > prev {
                    out.push(format!("[{:?} {:?}]", &t[prev..b], it.word_type()));
                }
                prev = b;
            }
            println!("{t:?}: {}", out.join(" "));
        }
    }
}
