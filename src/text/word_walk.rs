//! ICU4X's dictionary word segmentation ([`words::icu_words`]) of Chinese,
//! Japanese and Thai text, in one walk that gives the same words where
//! that is certain, and hands the text to ICU4X's iterator where it is not.
//!
//! ICU4X's word segmenter hands each run of two or more characters of its
//! "complex" word break class to a dictionary, and walks the rest with the
//! UAX#29 rules. Its iterator pays for generality at every character: a
//! rule table lookup, a second walk over the run to find its end, the
//! run's breaks collected into a vector and walked again, and a grapheme
//! cluster iterator beside the dictionary. That was a third of the
//! instructions of a Chinese Process call (the segments' word counts) and
//! of a Thai one (the words of the text, read by the splitter, scoring and
//! the counts).
//!
//! [`Data::walk`] reads the same data (the word break classes and the
//! dictionaries) and does the same things in one walk:
//! - a run of Han and hiragana, or of Thai, is cut by the same greedy
//!   longest match over the same trie, ending each match on a grapheme
//!   cluster boundary as ICU4X does (in a Han run every character is its
//!   own cluster; in a Thai run a cluster is a letter and the marks after
//!   it), and every piece is a word;
//! - a single character between two runs (or before the first) is one
//!   segment, a word when its class's rule status says so: ICU4X breaks
//!   before a run whatever comes before it, and takes the segment's kind
//!   from the character before the break;
//! - anything longer goes to ICU4X's iterator, from the last two
//!   characters of the run before it (ICU4X takes the kind of some
//!   segments from the segment before them, so the text after a run is
//!   not segmented alone) to the first character of the run after it
//!   (which its rules may look at). Where the rules do not then break
//!   before the run, or a run holds anything else (Lao, Khmer, Burmese,
//!   some kana, a mix of scripts), the whole text goes to ICU4X's iterator.
//!
//! The tests hold the words to ICU4X's on news text, on every code point
//! of the Basic Multilingual Plane in the contexts that matter, on every
//! pair of Thai characters, and on news with characters of every kind put
//! in at random; `examples/word_walk_check.rs` does the same on the
//! evaluation data.

use std::cell::RefCell;
use std::sync::LazyLock;

use icu_collections::char16trie::{Char16Trie, Char16TrieCursor};
use icu_provider::prelude::*;
use icu_segmenter::provider::{
    Baked, DictionaryBreakData, RuleBreakData, SegmenterBreakWordV1, SegmenterDictionaryAutoV2,
    SegmenterDictionaryExtendedV2,
};
use rustc_hash::FxHashMap;
use zerotrie::cursor::ZeroTrieSimpleAsciiCursor;

use crate::text::words::{self, Word};

/// `words::icu_words(text)`, in one walk where that is certain.
pub fn words(text: &str) -> Vec<Word> {
    let mut words = Vec::new();
    match DATA.as_ref().and_then(|data| data.walk(text, &mut words)) {
        Some(()) => words,
        None => words::icu_words(text),
    }
}

/// `words::icu_words(text).len()`, in one walk where that is certain.
pub fn count(text: &str) -> usize {
    let mut count = Count(0);
    match DATA.as_ref().and_then(|data| data.walk(text, &mut count)) {
        Some(()) => count.0,
        None => words::icu_words(text).len(),
    }
}

/// The words where the one walk is certain of them; `None` where ICU4X's
/// iterator must segment the text.
pub fn one_walk(text: &str) -> Option<Vec<Word>> {
    let mut words = Vec::new();
    DATA.as_ref()?.walk(text, &mut words)?;
    Some(words)
}

/// ICU4X's word break data and the dictionaries the walk reads.
struct Data {
    rules: &'static RuleBreakData<'static>,
    chinese_japanese: &'static Char16Trie<'static>,
    /// The trie's symbol of each character of the Thai block (0xFF: none).
    thai_symbols: [u8; 128],
    /// The Thai trie's cursor after each character of the Thai block: the
    /// first step of each piece of a run, from the trie's widest node.
    thai_first_steps: Vec<ZeroTrieSimpleAsciiCursor<'static>>,
}

/// `None` where the baked data is not what the walk reads (a trie of
/// another kind): every text then goes to ICU4X's iterator.
static DATA: LazyLock<Option<Data>> = LazyLock::new(|| {
    let rules = DataProvider::<SegmenterBreakWordV1>::load(&Baked, DataRequest::default())
        .ok()?
        .payload
        .get_static()?;
    let Some(DictionaryBreakData::Char16Trie(chinese_japanese)) =
        dictionary::<SegmenterDictionaryAutoV2>("cjdict")
    else {
        return None;
    };
    let Some(DictionaryBreakData::ZeroTrie { alphabet, trie }) =
        dictionary::<SegmenterDictionaryExtendedV2>("thaidict")
    else {
        return None;
    };
    let mut thai_symbols = [0xFF; 128];
    for (offset, symbol) in thai_symbols.iter_mut().enumerate() {
        if let Some(position) = alphabet.position32(0x0E00 + offset as u32) {
            *symbol = u8::try_from(position).ok()?;
        }
    }
    let thai_first_steps = thai_symbols
        .iter()
        .map(|&symbol| {
            let mut cursor = trie.cursor();
            cursor.step(symbol);
            cursor
        })
        .collect();
    Some(Data {
        rules,
        chinese_japanese,
        thai_symbols,
        thai_first_steps,
    })
});

/// A dictionary of ICU4X's baked data, as its word segmenter loads it.
fn dictionary<M>(name: &'static str) -> Option<&'static DictionaryBreakData<'static>>
where
    M: DataMarker<DataStruct = DictionaryBreakData<'static>>,
    Baked: DataProvider<M>,
{
    let request = DataRequest {
        id: DataIdentifierBorrowed::for_marker_attributes(DataMarkerAttributes::from_str_or_panic(
            name,
        )),
        metadata: {
            let mut metadata = DataRequestMetadata::default();
            metadata.silent = true;
            metadata.attributes_prefix_match = true;
            metadata
        },
    };
    Baked.load(request).ok()?.payload.get_static()
}

/// Where the walk puts the words it finds.
trait Sink {
    fn push(&mut self, word: Word);
}

impl Sink for Vec<Word> {
    fn push(&mut self, word: Word) {
        Vec::push(self, word);
    }
}

/// Counts the words instead.
struct Count(usize);

impl Sink for Count {
    fn push(&mut self, _: Word) {
        self.0 += 1;
    }
}

/// The dictionary a character of the complex class goes to, where the
/// walk segments it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    ChineseJapanese,
    Thai,
    /// Another script (Lao, Khmer, Burmese), or a character ICU4X would
    /// not give the dictionary alone (a mark): ICU4X's iterator decides.
    Other,
}

/// Whether ICU4X hands `c`, in a run of its complex class, to the Chinese
/// and Japanese dictionary, and `c` is its own grapheme cluster there:
/// Han, hiragana and the ideographic marks ICU4X gives that dictionary
/// (its script table), less the few that are marks.
fn is_chinese_japanese(c: char) -> bool {
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

/// The Thai letters and marks ICU4X hands to the Thai dictionary (its
/// script table).
fn is_thai(c: char) -> bool {
    matches!(c as u32, 0x0E01..=0x0E3A | 0x0E40..=0x0E4E)
}

/// The Thai characters that continue the grapheme cluster before them
/// (Grapheme_Cluster_Break Extend and SpacingMark): a dictionary match
/// cannot end before one. A test holds this to ICU4X's grapheme segmenter
/// on every pair of Thai characters.
fn is_thai_mark(c: char) -> bool {
    matches!(c as u32, 0x0E31 | 0x0E33..=0x0E3A | 0x0E47..=0x0E4E)
}

/// A trie cursor of one of the dictionaries, stepped a character at a
/// time as ICU4X's dictionary iterator steps it.
trait Cursor {
    fn step(&mut self, c: char);
    /// Whether the characters stepped so far are a word.
    fn matched(&mut self) -> bool;
    /// Whether no word goes on from here.
    fn is_empty(&self) -> bool;
}

impl Cursor for Char16TrieCursor<'_> {
    fn step(&mut self, c: char) {
        self.step32(c as u32);
    }

    fn matched(&mut self) -> bool {
        self.value().is_some()
    }

    fn is_empty(&self) -> bool {
        Char16TrieCursor::is_empty(self)
    }
}

/// The Thai trie's cursor, with the symbols of the Thai block.
struct ThaiCursor<'a> {
    cursor: ZeroTrieSimpleAsciiCursor<'a>,
    symbols: &'a [u8; 128],
}

impl Cursor for ThaiCursor<'_> {
    fn step(&mut self, c: char) {
        let symbol = (c as usize)
            .checked_sub(0x0E00)
            .and_then(|offset| self.symbols.get(offset))
            .copied()
            .unwrap_or(0xFF);
        self.cursor.step(symbol);
    }

    fn matched(&mut self) -> bool {
        self.cursor.take_value().is_some()
    }

    fn is_empty(&self) -> bool {
        self.cursor.is_empty()
    }
}

impl Data {
    /// The word break class of `c`.
    fn class(&self, c: char) -> u8 {
        self.rules.property_table.get32(c as u32)
    }

    /// Whether a segment that ends after a character of `class` is a word,
    /// and a number.
    fn word_kind(&self, class: u8) -> Option<bool> {
        let status = match class {
            0 => 0,
            _ => self
                .rules
                .rule_status_table
                .get(usize::from(class - 1))
                .unwrap_or_default(),
        };
        (status != 0).then_some(status == 1)
    }

    /// The dictionary `c` goes to when it is of the complex class; `None`
    /// when it is not. (The dictionaries' characters are all of that
    /// class, a test holds it, and the check spares a trie lookup.)
    fn script(&self, c: char) -> Option<Script> {
        if (c as u32) < 0x2E80 && is_thai(c) {
            Some(Script::Thai)
        } else if (c as u32) >= 0x2E80 && is_chinese_japanese(c) {
            Some(Script::ChineseJapanese)
        } else if c.is_ascii() || self.class(c) != self.rules.complex_property {
            None
        } else {
            Some(Script::Other)
        }
    }

    /// Puts ICU4X's words of `text` in `sink`, or returns `None` (and
    /// leaves `sink` part filled) where they are not certain to be its.
    fn walk(&self, text: &str, sink: &mut impl Sink) -> Option<()> {
        // Where the text not yet segmented starts (after the last run),
        // and where the last run's last two characters start.
        let mut piece = 0;
        let mut tail = None;
        let mut chars = text.char_indices().peekable();
        while let Some((start, c)) = chars.next() {
            let Some(script) = self.script(c) else {
                continue;
            };
            // A run of the complex class: ICU4X hands it to a dictionary
            // when it has two characters or more.
            let (mut last, mut second_last, mut one_script) = (start, start, true);
            while let Some(&(at, next)) = chars.peek() {
                let Some(next_script) = self.script(next) else {
                    break;
                };
                one_script &= next_script == script;
                (second_last, last) = (last, at);
                chars.next();
            }
            if last == start {
                continue;
            }
            if !one_script || script == Script::Other {
                return None;
            }
            let end = last + text[last..].chars().next().map_or(0, char::len_utf8);
            self.before_run(text, tail, piece, start, start + c.len_utf8(), sink)?;
            let mut push = |from: usize, to: usize| {
                sink.push(Word {
                    start: start + from,
                    end: start + to,
                    is_number: false,
                });
            };
            let run = &text[start..end];
            match script {
                Script::ChineseJapanese => self.chinese_japanese_words(run, &mut push),
                _ => longest_matches(run, |c| self.thai_first_step(c), is_thai_mark, &mut push),
            }
            piece = end;
            tail = Some(second_last);
        }
        let Some(tail) = tail else {
            // No run: all of it is ICU4X's rules.
            for word in words::icu_words(text) {
                sink.push(word);
            }
            return Some(());
        };
        if piece < text.len() {
            push_from(text, tail, piece, text.len(), sink);
        }
        Some(())
    }

    /// Puts the words of `text[piece..run]` in `sink`: the text between
    /// the end of a run (whose last two characters start at `tail`) or the
    /// start of the text, and a run that starts at `run` with a character
    /// that ends at `first_end`; `None` where ICU4X does not break at `run`.
    fn before_run(
        &self,
        text: &str,
        tail: Option<usize>,
        piece: usize,
        run: usize,
        first_end: usize,
        sink: &mut impl Sink,
    ) -> Option<()> {
        let mut chars = text[piece..run].chars();
        match (chars.next(), chars.next()) {
            (None, _) => {}
            // One character: ICU4X breaks before a run whatever comes
            // before it, and takes the segment's kind from that character.
            (Some(c), None) => {
                if let Some(is_number) = self.word_kind(self.class(c)) {
                    sink.push(Word {
                        start: piece,
                        end: run,
                        is_number,
                    });
                }
            }
            // ICU4X's rules on the text, from the end of the run before it
            // (see `push_from`), to the run's first character, which must
            // then be a word of its own.
            _ => {
                let context = tail.unwrap_or(piece);
                let mut words = words::icu_words(&text[context..first_end]);
                let first = words.pop()?;
                if (first.start, first.end) != (run - context, first_end - context) {
                    return None;
                }
                push_after(words, context, piece, sink);
            }
        }
        Some(())
    }

    /// The Thai trie's cursor after `first`, a character of the Thai block.
    fn thai_first_step(&self, first: char) -> ThaiCursor<'_> {
        ThaiCursor {
            cursor: self.thai_first_steps[first as usize - 0x0E00].clone(),
            symbols: &self.thai_symbols,
        }
    }

    /// The pieces of a run of Han and hiragana, whose characters are each
    /// their own grapheme cluster. The cursor after each first character
    /// is kept per thread: the first step, from the root, searches the
    /// widest node of the trie, and every piece takes one (-6% of a
    /// Chinese Process call's instructions).
    fn chinese_japanese_words(&self, run: &str, push: &mut impl FnMut(usize, usize)) {
        FIRST_STEPS.with_borrow_mut(|first_steps| {
            if first_steps.len() >= MAX_FIRST_STEPS {
                first_steps.clear();
            }
            let first_step = |first: char| {
                first_steps
                    .entry(first)
                    .or_insert_with(|| {
                        let mut cursor = self.chinese_japanese.cursor();
                        cursor.step32(first as u32);
                        cursor
                    })
                    .clone()
            };
            longest_matches(run, first_step, |_| false, push);
        });
    }
}

/// At most this many first steps are kept per thread (~32 bytes each):
/// more than the characters of most Chinese news.
const MAX_FIRST_STEPS: usize = 8192;

thread_local! {
    /// The Chinese and Japanese dictionary's cursor after its first
    /// character, by character.
    static FIRST_STEPS: RefCell<FxHashMap<char, Char16TrieCursor<'static>>> =
        RefCell::default();
}

/// Cuts `run` as ICU4X's dictionary iterator does, calling `push` with
/// each piece's offsets: from each position, the longest dictionary word
/// that ends on a grapheme cluster boundary (before a character that is
/// not a `continues_cluster`); where there is none, the characters read
/// until the trie had no way on, to the end of their cluster, or all the
/// rest where it never ran out. `first_step` gives the cursor after a
/// piece's first character.
fn longest_matches<C: Cursor>(
    run: &str,
    mut first_step: impl FnMut(char) -> C,
    continues_cluster: impl Fn(char) -> bool,
    push: &mut impl FnMut(usize, usize),
) {
    let mut start = 0;
    while let Some(first) = run[start..].chars().next() {
        let mut cursor = first_step(first);
        let mut read = run[start..]
            .char_indices()
            .map(|(at, c)| (start + at, c))
            .skip(1)
            .peekable();
        let mut end = start + first.len_utf8();
        let mut longest = None;
        let mut unmatched = false;
        let piece_end = loop {
            let at_boundary = read.peek().is_none_or(|&(_, c)| !continues_cluster(c));
            let matched = cursor.matched();
            let empty = cursor.is_empty();
            match (matched && at_boundary, empty) {
                (true, true) => break end,
                (true, false) => longest = Some(end),
                (false, false) => unmatched = true,
                (false, true) => {
                    break longest.unwrap_or_else(|| {
                        // To the end of the cluster.
                        while let Some(&(at, c)) = read.peek() {
                            if !continues_cluster(c) {
                                return at;
                            }
                            read.next();
                        }
                        run.len()
                    });
                }
            }
            let Some((at, c)) = read.next() else {
                break match longest {
                    Some(longest) => longest,
                    None => {
                        debug_assert!(unmatched);
                        run.len()
                    }
                };
            };
            cursor.step(c);
            end = at + c.len_utf8();
        };
        push(start, piece_end);
        start = piece_end;
    }
}

/// Puts in `sink` the [`words::icu_words`] of `text[context..end]` that
/// start at `from` or after, with offsets into `text`. A text that starts
/// with the last two characters of a run (a run of its own) leaves ICU4X's
/// iterator at `from` as the whole run did: ICU4X takes the kind of a
/// segment that ends before a run from the segment before it when its
/// rules look ahead (`a\u{ad}` after a run is a word, at the start of a
/// text it is not), so the text after a run is not segmented alone.
fn push_from(text: &str, context: usize, from: usize, end: usize, sink: &mut impl Sink) {
    push_after(words::icu_words(&text[context..end]), context, from, sink);
}

/// Puts in `sink` the `words` of a slice that starts at `context` that
/// start at `from` or after, with offsets into the whole text.
fn push_after(words: Vec<Word>, context: usize, from: usize, sink: &mut impl Sink) {
    for word in words {
        if context + word.start >= from {
            sink.push(Word {
                start: context + word.start,
                end: context + word.end,
                ..word
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn data() -> &'static Data {
        DATA.as_ref()
            .expect("ICU4X's baked dictionaries are the tries the walk reads")
    }

    /// The walk's words of `text`, where it gives them.
    fn walked(text: &str) -> Option<Vec<Word>> {
        let mut words = Vec::new();
        data().walk(text, &mut words).map(|()| words)
    }

    const CHINESE: &str = include_str!("../../tests/data/translation/zh.txt");
    const THAI: &str = include_str!("../../tests/data/translation/th.txt");

    #[test]
    fn news_is_segmented_as_icu4x_does_in_one_walk() {
        for text in [CHINESE, THAI] {
            assert_eq!(walked(text), Some(words::icu_words(text)));
            for line in text.lines() {
                assert_eq!(walked(line), Some(words::icu_words(line)), "{line}");
                assert_eq!(count(line), words::icu_words(line).len());
            }
        }
    }

    /// Every code point of the Basic Multilingual Plane, and supplementary
    /// kana, Han and regional indicators, alone and doubled, beside Han and
    /// Thai runs, single characters, letters and digits: the walk's words
    /// are ICU4X's wherever it gives them. The punctuation of Chinese and
    /// Thai news never sends a text to ICU4X's iterator.
    #[test]
    fn every_character_in_context_is_segmented_as_icu4x_does() {
        let contexts: [(&str, &str); 12] = [
            ("中文", "新闻"),
            ("中", "文"),
            ("", "新闻"),
            ("新闻", ""),
            ("ab", "新闻"),
            ("3", "5万"),
            ("新闻a", "新闻"),
            ("新闻3", "新闻"),
            ("中文 ", " 中文"),
            ("ภาษา", "ไทย"),
            ("ข่าว", ""),
            ("ไทย 3", "ข่าว"),
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
                for text in [
                    format!("{before}{c}{after}"),
                    format!("{before}{c}{c}{after}"),
                ] {
                    if walked(&text).is_some_and(|words| words != words::icu_words(&text)) {
                        failures.push(text);
                    }
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} failures: {:?}",
            failures.len(),
            &failures[..failures.len().min(20)]
        );
        for punctuation in "，。、；：？！“”‘’（）《》「」『』【】…—·．％～ .,:;!?\"'()-".chars()
        {
            for (before, after) in contexts {
                let text = format!("{before}{punctuation}{after}");
                assert!(walked(&text).is_some(), "{text}");
            }
        }
    }

    /// Every pair of characters of the Thai block, between Thai words: the
    /// longest matches end on ICU4X's grapheme cluster boundaries.
    #[test]
    fn every_pair_of_thai_characters_is_segmented_as_icu4x_does() {
        let thai: Vec<char> = (0x0E00..=0x0E7F_u32).filter_map(char::from_u32).collect();
        for &a in &thai {
            for &b in &thai {
                for text in [
                    format!("ภาษา{a}{b}ไทย"),
                    format!("{a}{b}ข่าว"),
                    format!("ไทย{a}{b}"),
                ] {
                    if let Some(words) = walked(&text) {
                        assert_eq!(words, words::icu_words(&text), "{text}");
                    }
                }
            }
        }
    }

    #[test]
    fn thai_marks_are_icu4x_grapheme_extensions() {
        let graphemes = icu_segmenter::GraphemeClusterSegmenter::new();
        for a in (0x0E01..=0x0E7F_u32)
            .filter_map(char::from_u32)
            .filter(|&c| is_thai(c))
        {
            for b in (0x0E01..=0x0E7F_u32)
                .filter_map(char::from_u32)
                .filter(|&c| is_thai(c))
            {
                let pair = format!("{a}{b}");
                let boundaries: Vec<usize> = graphemes.segment_str(&pair).collect();
                assert_eq!(
                    boundaries.contains(&a.len_utf8()),
                    !is_thai_mark(b),
                    "{a:?} {b:?}"
                );
            }
        }
    }

    #[test]
    fn dictionary_characters_are_of_the_complex_class_and_ascii_is_not() {
        let data = data();
        for c in (0..=0x10FFFF_u32).filter_map(char::from_u32) {
            if is_chinese_japanese(c) || is_thai(c) {
                assert_eq!(data.class(c), data.rules.complex_property, "{c:?}");
            }
            if c.is_ascii() {
                assert_ne!(data.class(c), data.rules.complex_property, "{c:?}");
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// Chinese and Thai news with characters of every kind put in at
        /// random places.
        #[test]
        fn mixed_text_is_segmented_as_icu4x_does(
            thai in any::<bool>(),
            cuts in proptest::collection::vec((0..2000usize, 0..27usize), 0..12),
            start in 0..3000usize,
            length in 0..300usize,
        ) {
            const PIECES: [&str; 27] = [
                "a", "3", ".", ",", "'", "3.5", "Covid-19", " ", "\u{301}", "\u{FE0F}",
                "\u{200D}", "ー", "カタカナ", "ﾃﾞ", "한국", "ไทย", "🇨🇳", "😀", "\u{AD}", "々",
                "〇", "𠀀", "\u{3099}", "ゝ", "ເລື່ອງ", "ำ", "\u{E48}",
            ];
            let news: Vec<char> = if thai { THAI } else { CHINESE }.chars().collect();
            let start = start % news.len();
            let end = (start + length).min(news.len());
            let mut text: Vec<String> = news[start..end].iter().map(char::to_string).collect();
            for (at, piece) in cuts {
                text.insert(at % (text.len() + 1), PIECES[piece].to_string());
            }
            let text = text.concat();
            prop_assert_eq!(words::words(&text), words::icu_words(&text), "{}", &text);
            prop_assert_eq!(count(&text), words::icu_words(&text).len());
        }
    }
}
