//! ICU4X's dictionary word segmentation ([`words::icu_words`]) of Chinese,
//! Japanese, Thai, Lao, Khmer and Burmese text, in one walk that gives the
//! same words where that is certain, and hands the text to ICU4X's
//! iterator where it is not.
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
//! - a run of Han and hiragana, or of Thai, Lao, Khmer or Burmese, is cut
//!   by the same greedy longest match over the same trie, ending each
//!   match on a grapheme cluster boundary as ICU4X does (in a Han run
//!   every character is its own cluster; in Thai and Lao a cluster is a
//!   letter and the marks after it; in Khmer and Burmese runs consonants
//!   also join across a coeng or virama, [`clusters::boundaries`]), and
//!   every piece is a word;
//! - the text between runs is cut by ICU4X's rule table where each of its
//!   decisions there is a plain break or join: ICU4X breaks before a run
//!   whatever comes before it, and takes a segment's kind from its last
//!   character (a single character between two runs is one segment, a
//!   word when its class's rule status says so);
//! - where a decision needs the table's look-ahead states, the text goes
//!   to ICU4X's iterator, from the last two characters of the run before
//!   it (ICU4X then takes the kind of some segments from the segment
//!   before them, so the text after a run is not segmented alone) to the
//!   first character of the run after it (which its rules may look at).
//!   Where the rules do not then break before the run, or a run holds
//!   anything else (some kana, marks, a mix of scripts), the whole text
//!   goes to ICU4X's iterator.
//!
//! The tests hold the words to ICU4X's on news text, on every code point
//! of the Basic Multilingual Plane in the contexts that matter, on every
//! pair of Southeast Asian characters, and on news with characters of
//! every kind put in at random; `examples/word_walk_check.rs` does the
//! same on the evaluation data.

use std::cell::RefCell;
use std::sync::{LazyLock, OnceLock};

use icu_collections::char16trie::{Char16Trie, Char16TrieCursor};
use icu_collections::codepointinvlist::CodePointInversionList;
use icu_provider::prelude::*;
use icu_segmenter::provider::{
    Baked, BreakState, DictionaryBreakData, RuleBreakData, SegmenterBreakWordV1,
    SegmenterDictionaryAutoV2, SegmenterDictionaryExtendedV2,
};
use rustc_hash::FxHashMap;
use zerotrie::ZeroTrieSimpleAscii;

use crate::text::clusters::{self, is_lao_mark, is_thai_mark};
use crate::text::decode_at_lead_byte;
use crate::text::words::{self, Word};

/// `words::icu_words(text)`, in one walk where that is certain.
pub fn words(text: &str) -> Vec<Word> {
    let mut words = Vec::with_capacity(capacity(text));
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
    let mut words = Vec::with_capacity(capacity(text));
    DATA.as_ref()?.walk(text, &mut words)?;
    Some(words)
}

/// Room for the words of `text` at once: a word and what follows it take
/// three bytes or more but for one-letter ASCII words (a Thai word ~10, a
/// Chinese one 3-6). Growing the vector a word at a time copied it ~9
/// times in a Thai article.
fn capacity(text: &str) -> usize {
    text.len() / 3 + 1
}

/// ICU4X's word break data and the dictionaries the walk reads.
struct Data {
    rules: &'static RuleBreakData<'static>,
    chinese_japanese: &'static Char16Trie<'static>,
    /// Thai, Lao, Khmer and Burmese, in the order of [`Southeast`].
    southeast: [SoutheastDictionary; 4],
}

/// One of ICU4X's dictionaries of a Southeast Asian script: a trie over
/// the symbols of an alphabet of at most 128 characters.
struct SoutheastDictionary {
    /// The first character of the script's main block.
    block: u32,
    /// The trie's symbol of each character of that block (0xFF: none).
    symbols: Vec<u8>,
    /// The alphabet, for the script's characters outside the block.
    alphabet: &'static CodePointInversionList<'static>,
    /// ICU4X's trie, read once into `words` when the script is first met.
    trie: &'static ZeroTrieSimpleAscii<[u8]>,
    /// The same words, stepped through in a few instructions.
    words: OnceLock<Option<SymbolTrie>>,
    /// How the script's grapheme clusters are found.
    clusters: Clusters,
}

/// The words of a dictionary over symbols below 128, as nodes numbered
/// so that each node's children are side by side, in the order of their
/// symbols: a step reads where the symbol's child is among them, or that
/// it has none, from the node's table of children.
///
/// ICU4X's `ZeroTrieSimpleAscii` is a byte string made to be small and
/// read in place: a step parses the node's header and searches its
/// branch, a fifth of `segment`'s instructions on Thai news. A node here
/// is 8 bytes, and a table is kept once however many nodes have it
/// (Thai's 26,383 words: 72,023 nodes, 4,090 tables; 1.1 MB). (A bitmap
/// of the symbols and a count of the bits below took 72 instructions a
/// step: the count is not one instruction on baseline x86-64.)
struct SymbolTrie {
    nodes: Vec<SymbolNode>,
    /// The tables of children: entry `s`, the child of symbol `s` as an
    /// offset from the node's first child, or [`SymbolTrie::NO_CHILD`].
    /// The first table has no child.
    tables: Vec<[u8; 128]>,
}

#[derive(Debug, Clone, Copy, Default)]
struct SymbolNode {
    /// The index of the child of the lowest symbol that goes on.
    first_child: u32,
    /// The index of the node's table of children.
    table: u16,
    /// Whether the symbols stepped to this node spell a word.
    is_word: bool,
}

// The size the documentation of `SymbolTrie` gives.
const _: () = assert!(size_of::<SymbolNode>() == 8);

impl SymbolTrie {
    /// Past the last node: where a step that no word takes leads.
    const NONE: u32 = u32::MAX;
    /// A table's entry for a symbol no word goes on with.
    const NO_CHILD: u8 = u8::MAX;

    /// The trie of `words`' keys; `None` where a key holds a symbol of 128
    /// or more, or there are too many nodes or tables to number.
    fn new(words: &ZeroTrieSimpleAscii<[u8]>) -> Option<SymbolTrie> {
        // Each edge of ICU4X's trie is one of its bytes at least, so this
        // is room enough for the nodes (pages not written are not paid).
        let mut nodes = Vec::with_capacity(words.as_bytes().len() + 1);
        nodes.push(SymbolNode::default());
        let mut tables = vec![[Self::NO_CHILD; 128]];
        // Tables by the bits of their symbols, cheaper to hash.
        let mut table_index = FxHashMap::from_iter([([0_u64; 2], 0)]);
        // Depth first: a node's children are numbered together when it is
        // read, so they are side by side whatever order the rest takes.
        let mut pending = vec![(words.cursor(), 0)];
        let mut children = Vec::new();
        while let Some((mut cursor, node)) = pending.pop() {
            let is_word = cursor.take_value().is_some();
            // ICU4X's cursor names a node's children one by one.
            let mut index = 0;
            loop {
                let mut child = cursor.clone();
                let Some(probe) = child.probe(index) else {
                    break;
                };
                children.push((probe.byte, child));
                index += 1;
                if index >= probe.total_siblings.into() {
                    break;
                }
            }
            children.sort_unstable_by_key(|&(symbol, _)| symbol);
            let mut symbols = [0_u64; 2];
            for &(symbol, _) in &children {
                *symbols.get_mut(usize::from(symbol / 64))? |= 1 << (symbol % 64);
            }
            // Every symbol is below 128 (checked above), so a node has at
            // most 128 children and an offset is below NO_CHILD.
            let table = *table_index.entry(symbols).or_insert_with(|| {
                let mut table = [Self::NO_CHILD; 128];
                for (offset, &(symbol, _)) in (0..).zip(&children) {
                    table[usize::from(symbol)] = offset;
                }
                tables.push(table);
                tables.len() - 1
            });
            let first_child = nodes.len();
            nodes[node] = SymbolNode {
                first_child: u32::try_from(first_child).ok()?,
                table: u16::try_from(table).ok()?,
                is_word,
            };
            for (child_node, (_, child)) in (first_child..).zip(children.drain(..)) {
                nodes.push(SymbolNode::default());
                pending.push((child, child_node));
            }
        }
        if nodes.len() >= Self::NONE as usize {
            return None;
        }
        Some(SymbolTrie { nodes, tables })
    }

    /// The node after stepping `symbol` from `node`, or [`Self::NONE`].
    #[inline]
    fn step(&self, node: u32, symbol: u8) -> u32 {
        let Some(from) = self.nodes.get(node as usize) else {
            return Self::NONE;
        };
        match self.tables[usize::from(from.table)].get(usize::from(symbol)) {
            Some(&offset) if offset != Self::NO_CHILD => from.first_child + u32::from(offset),
            _ => Self::NONE,
        }
    }

    fn is_word(&self, node: u32) -> bool {
        self.nodes
            .get(node as usize)
            .is_some_and(|node| node.is_word)
    }

    /// Whether no word goes on from `node`.
    fn is_empty(&self, node: u32) -> bool {
        self.nodes
            .get(node as usize)
            .is_none_or(|node| node.table == 0)
    }
}

/// Where a script's grapheme clusters end.
#[derive(Debug, Clone, Copy)]
enum Clusters {
    /// Before any character that is not a Thai mark ([`is_thai_mark`]):
    /// in Thai a cluster is a letter and the marks after it (a test holds
    /// this to ICU4X's grapheme segmenter on every pair of characters).
    BeforeThaiLetters,
    /// The same in Lao ([`is_lao_mark`]).
    BeforeLaoLetters,
    /// Where ICU4X's grapheme segmenter says, as [`clusters::boundaries`]
    /// has it (its tests hold it to ICU4X's): Khmer and Burmese join
    /// consonants across a coeng or virama.
    Conjuncts,
}

/// The Southeast Asian scripts whose runs ICU4X hands to a dictionary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Southeast {
    Thai,
    Lao,
    Khmer,
    Burmese,
}

impl Southeast {
    /// Whether ICU4X hands the character with code point `code` to this
    /// script's dictionary ([`dictionary_script`]). Inlined, so that the
    /// loop that reads a run's extent takes the match on the script out of
    /// its steps (-2.9% of Thai `segment`).
    #[inline(always)]
    fn holds(self, code: u32) -> bool {
        match self {
            Southeast::Thai => matches!(code, 0x0E01..=0x0E3A | 0x0E40..=0x0E4E),
            Southeast::Lao => matches!(code,
                0x0E81 | 0x0E82 | 0x0E84 | 0x0E86..=0x0E8A | 0x0E8C..=0x0EA2 | 0x0EA5
                | 0x0EA7..=0x0EBD | 0x0EC0..=0x0EC4 | 0x0EC6 | 0x0EC8..=0x0ECE | 0x0EDC..=0x0EDF
            ),
            Southeast::Burmese => matches!(code,
                0x1000..=0x103F | 0x1050..=0x108F | 0x109A..=0x109F | 0xA9E0..=0xA9EF
                | 0xA9FA..=0xA9FE | 0xAA60..=0xAA7F
            ),
            Southeast::Khmer => matches!(code, 0x1780..=0x17D3 | 0x17D7 | 0x17DC | 0x17DD),
        }
    }
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
    let southeast = [
        ("thaidict", 0x0E00, 0x80, Clusters::BeforeThaiLetters),
        ("laodict", 0x0E80, 0x80, Clusters::BeforeLaoLetters),
        ("khmerdict", 0x1780, 0x80, Clusters::Conjuncts),
        ("burmesedict", 0x1000, 0xA0, Clusters::Conjuncts),
    ]
    .map(|(name, block, length, clusters)| {
        SoutheastDictionary::load(name, block, length, clusters)
    });
    let [Some(thai), Some(lao), Some(khmer), Some(burmese)] = southeast else {
        return None;
    };
    Some(Data {
        rules,
        chinese_japanese,
        southeast: [thai, lao, khmer, burmese],
    })
});

impl SoutheastDictionary {
    fn load(name: &'static str, block: u32, length: u32, clusters: Clusters) -> Option<Self> {
        let Some(DictionaryBreakData::ZeroTrie { alphabet, trie }) =
            dictionary::<SegmenterDictionaryExtendedV2>(name)
        else {
            return None;
        };
        let symbol = |c: u32| {
            alphabet
                .position32(c)
                .map_or(Some(0xFF), |position| u8::try_from(position).ok())
        };
        let symbols = (block..block + length).map(symbol).collect::<Option<_>>()?;
        Some(SoutheastDictionary {
            block,
            symbols,
            alphabet,
            trie: trie.as_borrowed(),
            words: OnceLock::new(),
            clusters,
        })
    }

    /// The dictionary's words as a [`SymbolTrie`], read on first use:
    /// `None` where ICU4X's trie has a symbol the bitmaps cannot hold.
    fn words(&self) -> Option<&SymbolTrie> {
        self.words
            .get_or_init(|| SymbolTrie::new(self.trie))
            .as_ref()
    }

    /// The trie's symbol of `c`.
    fn symbol(&self, c: char) -> u8 {
        match (c as u32).checked_sub(self.block) {
            Some(offset) if (offset as usize) < self.symbols.len() => self.symbols[offset as usize],
            _ => self
                .alphabet
                .position32(c as u32)
                .and_then(|position| u8::try_from(position).ok())
                .unwrap_or(0xFF),
        }
    }

    /// The pieces of a run of the script; `None` where the dictionary
    /// cannot be read into a [`SymbolTrie`].
    fn pieces(&self, run: &str, push: &mut impl FnMut(usize, usize)) -> Option<()> {
        let words = self.words()?;
        let first_step = |first| {
            let mut cursor = SoutheastCursor {
                words,
                node: 0,
                dictionary: self,
            };
            cursor.step(first);
            cursor
        };
        // Every character of the scripts' runs is three bytes long (they
        // are all above U+0800 in the Basic Multilingual Plane).
        let read = |at: usize| three_byte_char(run.as_bytes(), at).map(|c| (c, 3));
        // In Thai and Lao a character starts a cluster unless it is a mark,
        // and the first boundary at or after an offset is past the marks
        // there.
        let before_letters = |is_mark: fn(char) -> bool, push: &mut _| {
            let starts_cluster = |_, c| !is_mark(c);
            let past_marks = |mut at: usize| {
                while let Some((_, len)) = read(at).filter(|&(c, _)| is_mark(c)) {
                    at += len;
                }
                at
            };
            longest_matches(
                run.len(),
                read,
                first_step,
                starts_cluster,
                past_marks,
                push,
            );
        };
        match self.clusters {
            Clusters::BeforeThaiLetters => before_letters(is_thai_mark, push),
            Clusters::BeforeLaoLetters => before_letters(is_lao_mark, push),
            Clusters::Conjuncts => {
                let boundaries = clusters::boundaries(run);
                let next_boundary =
                    |at: usize| boundaries[boundaries.partition_point(|&boundary| boundary < at)];
                let starts_cluster = |at, _| next_boundary(at) == at;
                longest_matches(
                    run.len(),
                    read,
                    first_step,
                    starts_cluster,
                    next_boundary,
                    push,
                );
            }
        }
        Some(())
    }
}

/// The character whose three-byte UTF-8 encoding starts at `at`, or
/// `None` at the end of `bytes`.
fn three_byte_char(bytes: &[u8], at: usize) -> Option<char> {
    let &[lead, second, third] = bytes.get(at..at + 3)? else {
        return None;
    };
    debug_assert_eq!(lead & 0xF0, 0xE0, "not a three-byte character");
    char::from_u32(three_byte_code(lead, second, third))
}

/// The code point of a character's three-byte UTF-8 encoding.
fn three_byte_code(lead: u8, second: u8, third: u8) -> u32 {
    (u32::from(lead & 0x0F) << 12) | (u32::from(second & 0x3F) << 6) | u32::from(third & 0x3F)
}

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
    /// How many words it holds.
    fn len(&self) -> usize;
    /// Takes back the words pushed after the first `len`.
    fn truncate(&mut self, len: usize);
}

impl Sink for Vec<Word> {
    fn push(&mut self, word: Word) {
        Vec::push(self, word);
    }

    fn len(&self) -> usize {
        Vec::len(self)
    }

    fn truncate(&mut self, len: usize) {
        Vec::truncate(self, len);
    }
}

/// Counts the words instead.
struct Count(usize);

impl Sink for Count {
    fn push(&mut self, _: Word) {
        self.0 += 1;
    }

    fn len(&self) -> usize {
        self.0
    }

    fn truncate(&mut self, len: usize) {
        self.0 = self.0.min(len);
    }
}

/// The dictionary a character of the complex class goes to, where the
/// walk segments it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    ChineseJapanese,
    Southeast(Southeast),
    /// A character ICU4X would not give the dictionary alone (a mark), or
    /// of another script: ICU4X's iterator decides.
    Other,
}

/// The dictionary ICU4X hands `c` to in a run of its complex class (its
/// script table), where the walk segments it: less the few Han and kana
/// characters that are marks.
fn dictionary_script(c: char) -> Option<Script> {
    // Most of Chinese, Japanese and Thai text, at two comparisons each;
    // the full table below is a chain of them.
    if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        return Some(Script::ChineseJapanese);
    }
    let code = c as u32;
    if Southeast::Thai.holds(code) {
        return Some(Script::Southeast(Southeast::Thai));
    } else if code <= 0x0E00 {
        return None;
    }
    for script in [Southeast::Lao, Southeast::Burmese, Southeast::Khmer] {
        if script.holds(code) {
            return Some(Script::Southeast(script));
        }
    }
    let han_or_kana = matches!(code,
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
        | 0x31350..=0x33479
    );
    han_or_kana.then_some(Script::ChineseJapanese)
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

/// A Southeast Asian dictionary's cursor: a node of its [`SymbolTrie`].
struct SoutheastCursor<'a> {
    words: &'a SymbolTrie,
    node: u32,
    dictionary: &'a SoutheastDictionary,
}

impl Cursor for SoutheastCursor<'_> {
    fn step(&mut self, c: char) {
        self.node = self.words.step(self.node, self.dictionary.symbol(c));
    }

    fn matched(&mut self) -> bool {
        self.words.is_word(self.node)
    }

    fn is_empty(&self) -> bool {
        self.words.is_empty(self.node)
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
        if let Some(script) = dictionary_script(c) {
            Some(script)
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
        let bytes = text.as_bytes();
        // The character at `at` and its length.
        let read = |at: usize| match bytes[at] {
            byte @ ..0x80 => (char::from(byte), 1),
            _ => decode_at_lead_byte(bytes, at),
        };
        let mut at = 0;
        while at < text.len() {
            let start = at;
            let (c, len) = read(start);
            at += len;
            let Some(script) = self.script(c) else {
                continue;
            };
            // A run of the complex class: ICU4X hands it to a dictionary
            // when it has two characters or more.
            let (mut last, mut second_last, mut one_script) = (start, start, true);
            if let Script::Southeast(southeast) = script {
                // The script's characters are three bytes long: read as
                // code points, not decoded into characters.
                let from = at;
                while let Some(&[lead, second, third]) = bytes.get(at..at + 3)
                    && lead & 0xF0 == 0xE0
                    && southeast.holds(three_byte_code(lead, second, third))
                {
                    at += 3;
                }
                // The run's first character starts 3 bytes before `from`.
                if at > from {
                    (second_last, last) = (at - 6, at - 3);
                }
            }
            while at < text.len() {
                let (next, len) = read(at);
                let Some(next_script) = self.script(next) else {
                    break;
                };
                one_script &= next_script == script;
                (second_last, last) = (last, at);
                at += len;
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
                Script::Southeast(script) => {
                    self.southeast[script as usize].pieces(run, &mut push)?;
                }
                Script::Other => return None,
            }
            piece = end;
            tail = Some(second_last);
        }
        let rest = &text[piece..];
        if self.rule_words(rest, piece, sink).is_some() {
            return Some(());
        }
        if let Some(tail) = tail {
            push_from(text, tail, piece, text.len(), sink);
        } else {
            // No run: all of it is ICU4X's rules.
            words::icu_words(text)
                .into_iter()
                .for_each(|word| sink.push(word));
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
        if self.rule_words(&text[piece..run], piece, sink).is_some() {
            return Some(());
        }
        // ICU4X's rules on the text, from the end of the run before it
        // (see `push_from`), to the run's first character, which must then
        // be a word of its own.
        let context = tail.unwrap_or(piece);
        let mut words = words::icu_words(&text[context..first_end]);
        let first = words.pop()?;
        if (first.start, first.end) != (run - context, first_end - context) {
            return None;
        }
        push_after(words, context, piece, sink);
        Some(())
    }

    /// Puts in `sink` the words of `piece` (at `offset` in the text), which
    /// follows the end of a run or starts the text, and ends before a run
    /// or ends the text, by ICU4X's rule table where each of its decisions
    /// there is a plain break or join; `None` (and the sink as it was)
    /// where one needs the table's look-ahead states.
    /// ICU4X's iterator breaks before a character of the complex class
    /// whatever comes before it (so at the end of the piece, as at the end
    /// of the text), and takes a segment's kind from its last character
    /// wherever it breaks without looking ahead (a single character between
    /// two runs is one segment, a word when its class's rule status says
    /// so).
    fn rule_words(&self, piece: &str, offset: usize, sink: &mut impl Sink) -> Option<()> {
        let rules = self.rules;
        let complex = rules.complex_property;
        let before = sink.len();
        let mut start = 0;
        let mut chars = piece.char_indices().peekable();
        while let Some((_, c)) = chars.next() {
            let left = self.class(c);
            let (right, at) = match chars.peek() {
                Some(&(at, next)) => (Some(self.class(next)), at),
                None => (None, piece.len()),
            };
            let breaks = match right {
                None => true,
                Some(right) if right == complex && left != complex => true,
                Some(right) => {
                    let index =
                        usize::from(left) * usize::from(rules.property_count) + usize::from(right);
                    match rules
                        .break_state_table
                        .get(index)
                        .unwrap_or(BreakState::Keep)
                    {
                        BreakState::Keep => false,
                        BreakState::Break | BreakState::NoMatch => true,
                        BreakState::Index(_) | BreakState::Intermediate(_) => {
                            sink.truncate(before);
                            return None;
                        }
                    }
                }
            };
            if breaks {
                if let Some(is_number) = self.word_kind(left) {
                    sink.push(Word {
                        start: offset + start,
                        end: offset + at,
                        is_number,
                    });
                }
                start = at;
            }
        }
        Some(())
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
            let read = |at: usize| run[at..].chars().next().map(|c| (c, c.len_utf8()));
            longest_matches(run.len(), read, first_step, |_, _| true, |at| at, push);
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

/// Cuts a run of `len` bytes as ICU4X's dictionary iterator does, calling
/// `push` with each piece's offsets: from each position, the longest
/// dictionary word that ends on a grapheme cluster boundary; where there
/// is none, the characters read until the trie had no way on, to the end
/// of their cluster, or all the rest where it never ran out. `read` gives
/// the character at an offset and its length (`None` at the end),
/// `first_step` the cursor after a piece's first character,
/// `starts_cluster` whether the character at an offset starts a grapheme
/// cluster, and `next_boundary` the first cluster boundary at or after an
/// offset.
#[inline(always)]
fn longest_matches<C: Cursor>(
    len: usize,
    read: impl Fn(usize) -> Option<(char, usize)>,
    mut first_step: impl FnMut(char) -> C,
    starts_cluster: impl Fn(usize, char) -> bool,
    next_boundary: impl Fn(usize) -> usize,
    push: &mut impl FnMut(usize, usize),
) {
    let mut start = 0;
    while let Some((first, first_len)) = read(start) {
        let mut cursor = first_step(first);
        let mut end = start + first_len;
        let mut longest = None;
        let piece_end = loop {
            let (word, empty) = (cursor.matched(), cursor.is_empty());
            // The next character: where a word ends, whether it starts a
            // cluster (a word must end on a boundary); where the trie goes
            // on, the next step. Read once for both.
            let next = if word || !empty { read(end) } else { None };
            let matched = word && next.is_none_or(|(c, _)| starts_cluster(end, c));
            match (matched, empty) {
                (true, true) => break end,
                (true, false) => longest = Some(end),
                (false, false) => {}
                (false, true) => break longest.unwrap_or_else(|| next_boundary(end)),
            }
            // Out of text: the longest match, or all of it (the trie still
            // had a way on).
            let Some((c, c_len)) = next else {
                break longest.unwrap_or(len);
            };
            cursor.step(c);
            end += c_len;
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
    const KHMER: &str = include_str!("../../tests/data/translation/km.txt");
    /// Lao and Burmese news sentences (written for the test suite).
    const LAO_BURMESE: &str = "ລັດຖະບານລາວປະກາດແຜນໃໝ່ ເພື່ອພັດທະນາເສດຖະກິດ 3.5% ໃນປີ 2025.\n\
        မြန်မာနိုင်ငံ၏ စီးပွားရေးသည် ၂၀၂၅ ခုနှစ်တွင် ၃.၅ ရာခိုင်နှုန်း တိုးတက်ခဲ့သည်။\n";

    #[test]
    fn news_is_segmented_as_icu4x_does_in_one_walk() {
        for text in [CHINESE, THAI, KHMER, LAO_BURMESE] {
            assert_eq!(walked(text), Some(words::icu_words(text)));
            for line in text.lines() {
                assert_eq!(walked(line), Some(words::icu_words(line)), "{line}");
                assert_eq!(count(line), words::icu_words(line).len());
            }
        }
    }

    /// Far more words than a piece between two runs of news has: English
    /// news alone (one piece, no run), and between two Thai words.
    #[test]
    fn long_pieces_between_runs_are_segmented_as_icu4x_does() {
        let english = include_str!("../../examples/seed_article.txt");
        let long = english
            .split("\n\n")
            .filter(|paragraph| words::icu_words(paragraph).len() > 40)
            .collect::<Vec<_>>();
        assert!(long.len() >= 3, "{long:?}");
        for paragraph in long {
            for text in [paragraph.to_string(), format!("ไทย {paragraph} ไทย")] {
                assert_eq!(walked(&text), Some(words::icu_words(&text)), "{text}");
                assert_eq!(count(&text), words::icu_words(&text).len());
            }
        }
    }

    /// Every code point of the Basic Multilingual Plane, and supplementary
    /// kana, Han and regional indicators, alone and doubled, beside Han,
    /// Thai, Khmer runs, single characters, letters and digits: the walk's
    /// words are ICU4X's wherever it gives them. The punctuation of news
    /// never sends a text to ICU4X's iterator.
    #[test]
    fn every_character_in_context_is_segmented_as_icu4x_does() {
        let contexts: [(&str, &str); 13] = [
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
            ("ខ្មែរ", "ភាសា"),
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
        for punctuation in "，。、；：？！“”‘’（）《》「」『』【】…—·．％～ .,:;!?\"'()-។".chars()
        {
            for (before, after) in contexts {
                let text = format!("{before}{punctuation}{after}");
                assert!(walked(&text).is_some(), "{text}");
            }
        }
    }

    /// Every pair of characters of the Thai, Lao, Khmer and Myanmar blocks,
    /// between words of the script: the longest matches end on ICU4X's
    /// grapheme cluster boundaries.
    #[test]
    fn every_pair_of_southeast_asian_characters_is_segmented_as_icu4x_does() {
        let blocks = [
            (0x0E00..=0x0E7F_u32, "ภาษา", "ไทย"),
            (0x0E80..=0x0EFF, "ພາສາ", "ລາວ"),
            (0x1780..=0x17FF, "ភាសា", "ខ្មែរ"),
            (0x1000..=0x109F, "မြန်မာ", "စာ"),
        ];
        for (block, before, after) in blocks {
            let characters: Vec<char> = block.filter_map(char::from_u32).collect();
            for &a in &characters {
                for &b in &characters {
                    for text in [
                        format!("{before}{a}{b}{after}"),
                        format!("{a}{b}{after}"),
                        format!("{before}{a}{b}"),
                    ] {
                        if let Some(words) = walked(&text) {
                            assert_eq!(words, words::icu_words(&text), "{text}");
                        }
                    }
                }
            }
        }
    }

    /// Each Southeast Asian dictionary's [`SymbolTrie`] has ICU4X's words:
    /// after each symbol of each word, and of the word with its last
    /// symbol changed, a word ends where one ends in ICU4X's trie, and
    /// none goes on where none goes on there.
    #[test]
    fn symbol_tries_step_as_icu4x_tries() {
        for dictionary in &data().southeast {
            let words = dictionary
                .words()
                .expect("ICU4X's Southeast Asian tries have symbols below 128");
            let mut keys = 0;
            for (key, _) in dictionary.trie.iter() {
                keys += 1;
                let key = key.into_bytes();
                let mut changed = key.clone();
                *changed.last_mut().expect("no empty word") += 1;
                for symbols in [key, changed] {
                    let (mut cursor, mut node) = (dictionary.trie.cursor(), 0);
                    for &symbol in &symbols {
                        cursor.step(symbol);
                        node = words.step(node, symbol);
                        assert_eq!(
                            words.is_word(node),
                            cursor.take_value().is_some(),
                            "{symbols:?}"
                        );
                        assert_eq!(words.is_empty(node), cursor.is_empty(), "{symbols:?}");
                    }
                }
            }
            let ends = words.nodes.iter().filter(|node| node.is_word).count();
            assert_eq!(ends, keys);
            // Each table once, and the table of no child first.
            let tables: std::collections::HashSet<_> = words.tables.iter().collect();
            assert_eq!(tables.len(), words.tables.len());
            assert_eq!(words.tables[0], [SymbolTrie::NO_CHILD; 128]);
        }
    }

    #[test]
    fn thai_and_lao_marks_are_icu4x_grapheme_extensions() {
        let graphemes = icu_segmenter::GraphemeClusterSegmenter::new();
        for (script, is_mark) in [
            (Southeast::Thai, is_thai_mark as fn(char) -> bool),
            (Southeast::Lao, is_lao_mark),
        ] {
            let characters: Vec<char> = (0x0E00..=0x0EFF_u32)
                .filter_map(char::from_u32)
                .filter(|&c| dictionary_script(c) == Some(Script::Southeast(script)))
                .collect();
            for &a in &characters {
                for &b in &characters {
                    let pair = format!("{a}{b}");
                    let boundaries: Vec<usize> = graphemes.segment_str(&pair).collect();
                    assert_eq!(
                        boundaries.contains(&a.len_utf8()),
                        !is_mark(b),
                        "{a:?} {b:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn dictionary_characters_are_of_the_complex_class_and_ascii_is_not() {
        let data = data();
        for c in (0..=0x10FFFF_u32).filter_map(char::from_u32) {
            if dictionary_script(c).is_some() {
                assert_eq!(data.class(c), data.rules.complex_property, "{c:?}");
            }
            if c.is_ascii() {
                assert_ne!(data.class(c), data.rules.complex_property, "{c:?}");
            }
        }
    }

    /// The text after a run whose kind ICU4X's rules take from the end of
    /// the run (`a\u{ad}`: see `push_from`), after runs of one to four
    /// characters of each script.
    #[test]
    fn the_text_after_a_run_is_segmented_with_its_end() {
        for run in [
            "ไทย",
            "ภาษาไทย",
            "กข",
            "ก",
            "ເລື່ອງ",
            "ລາວ",
            "ខ្មែរ",
            "កខ",
            "မြန်မာ",
            "ကခ",
            "中文",
            "漢字",
        ] {
            for after in [
                "a\u{AD}", "a\u{AD}b", "3\u{AD}", "\u{AD}a", "a\u{AD} ", "a.\u{AD}",
            ] {
                for before in ["", "x ", "ไทย "] {
                    let text = format!("{before}{run}{after}");
                    assert_eq!(walked(&text), Some(words::icu_words(&text)), "{text:?}");
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// Chinese, Thai, Khmer, Lao and Burmese news with characters of
        /// every kind put in at random places.
        #[test]
        fn mixed_text_is_segmented_as_icu4x_does(
            news in 0..4usize,
            cuts in proptest::collection::vec((0..2000usize, 0..30usize), 0..12),
            start in 0..3000usize,
            length in 0..300usize,
        ) {
            const PIECES: [&str; 30] = [
                "a", "3", ".", ",", "'", "3.5", "Covid-19", " ", "\u{301}", "\u{FE0F}",
                "\u{200D}", "ー", "カタカナ", "ﾃﾞ", "한국", "ไทย", "🇨🇳", "😀", "\u{AD}", "々",
                "〇", "𠀀", "\u{3099}", "ゝ", "ເລື່ອງ", "ำ", "\u{E48}",
                "ខ្មែរ", "\u{17D2}", "မြန်မာ",
            ];
            let news: Vec<char> = [CHINESE, THAI, KHMER, LAO_BURMESE][news].chars().collect();
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
