//! Segment packages: one translation segment per sentence, stable ids, the
//! whitespace between segments, counts and hashes for CAT tools and
//! translation memories, renditions for engines, and batches sized for an
//! engine profile.

use std::borrow::Cow;
use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

use crate::error::Error;
use crate::summarize::Summary;
use crate::text::char_props;
use crate::text::clusters::{self, Conjunct};
use crate::text::language::is_unspaced;
use crate::text::tokenize;
use crate::text::{Segmentation, SentenceKind, non_ascii_char_indices, non_ascii_chars, words};
use crate::translate::engines::{CustomLimits, EngineProfile, EngineTarget, Style};
use crate::translate::protect::{Placeholder, PlaceholderKind, Protector, protected_text};
use crate::translate::{render, xliff};

/// Which sentences to package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    #[default]
    All,
    /// The headline and the summary sentences.
    Summary,
}

/// Limits of one batch when no engine is named (or engine `custom`); 0
/// means unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BatchLimits {
    pub max_segments: usize,
    pub max_code_points: usize,
    pub max_bytes: usize,
}

impl Default for BatchLimits {
    /// 50 segments, 5,000 code points, 128 KiB: within the request limits of
    /// DeepL (50 texts, 128 KiB) and Google v3's recommended 5,000 code points.
    fn default() -> Self {
        BatchLimits {
            max_segments: 50,
            max_code_points: 5000,
            max_bytes: 128 * 1024,
        }
    }
}

/// Renditions of the whole package a request can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Format {
    #[serde(rename = "xliff-2.1")]
    Xliff21,
    #[serde(rename = "jsonl")]
    Jsonl,
}

impl Format {
    pub fn parse(name: &str, index: usize) -> Result<Format, Error> {
        match name.trim().to_ascii_lowercase().as_str() {
            "xliff-2.1" | "xliff" | "xliff2" => Ok(Format::Xliff21),
            "jsonl" => Ok(Format::Jsonl),
            _ => Err(Error::invalid(
                format!("formats[{index}]"),
                format!("{name:?} is not one of \"xliff-2.1\", \"jsonl\""),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Xliff21 => "xliff-2.1",
            Format::Jsonl => "jsonl",
        }
    }
}

/// Packaging options (validated).
#[derive(Debug, Clone, Default, Serialize)]
pub struct PackageOptions {
    pub document_id: String,
    pub target_langs: Vec<String>,
    /// Used when `engine` is unnamed or `custom`.
    pub limits: BatchLimits,
    pub scope: Scope,
    /// The engine profile; an empty name means "default" (the limits).
    pub engine: EngineProfile,
    #[serde(skip)]
    pub protector: Protector,
    /// Split a segment that no request of the engine can carry at clause
    /// boundaries (the pieces are marked `resegmented`).
    pub allow_resegment: bool,
    pub formats: Vec<Format>,
}

impl PackageOptions {
    /// The profile batches are packed for.
    pub fn profile(&self) -> EngineProfile {
        if self.engine.name.is_empty() || self.engine.name == "custom" {
            let limits = CustomLimits {
                max_segments: self.limits.max_segments,
                max_code_points: self.limits.max_code_points,
                max_bytes: self.limits.max_bytes,
            };
            EngineProfile::named(&self.engine.name, limits).expect("custom profile")
        } else {
            self.engine.clone()
        }
    }
}

/// Size counts of a segment.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Counts {
    pub bytes: usize,
    pub code_points: usize,
    pub utf16_units: usize,
    pub graphemes: usize,
    /// Whitespace-delimited words for spaced scripts; dictionary words
    /// (ICU4X) for zh, ja, th, lo, km, my. Markup is not counted.
    pub words: usize,
    /// GMX-V word count: characters (no whitespace, no markup) divided by
    /// the standard's factor for zh (2.8), ja (3.0), ko (3.3) and th (6.0);
    /// the whitespace word count for other spaced scripts; `None` where
    /// GMX-V gives no factor (km, lo, my).
    pub gmx_words: Option<f64>,
    /// Protected spans (counted apart from words).
    pub placeholders: usize,
}

/// Whether `c` is a grapheme cluster of its own wherever it stands (UAX#29
/// Grapheme_Cluster_Break Other or Control, never joined to a neighbour):
/// ASCII but for CR LF, which [`Counts::of`] counts apart, Latin-1, and the
/// quotes, dashes, bullet, ellipsis and euro sign of Western news; the
/// precomposed letters of Latin Extended-A, -B and Additional (Vietnamese,
/// Central European), Han ideographs and the common CJK and fullwidth
/// punctuation (Chinese). Text of these alone needs no grapheme
/// segmentation (every one checked against unicode-segmentation, and
/// property-tested); Thai, Lao, Myanmar and Khmer are counted by their
/// marks ([`GraphemeShape`]); combining marks and the other scripts whose
/// characters join take the segmenter.
fn is_own_grapheme(c: char) -> bool {
    matches!(
        c,
        '\0'..='\u{24F}'
            | '\u{1E00}'..='\u{1EFF}'
            | '‘'
            | '’'
            | '“'
            | '”'
            | '–'
            | '—'
            | '•'
            | '…'
            | '€'
            | '\u{3000}'..='\u{3029}'
            | '\u{3400}'..='\u{4DBF}'
            | '\u{4E00}'..='\u{9FFF}'
            | '\u{FF01}'..='\u{FF5E}'
    )
}

/// How a text's grapheme clusters can be counted, from the characters it
/// holds (ordered: a text takes the last kind any of its characters needs).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum GraphemeShape {
    /// Every character is a cluster of its own ([`is_own_grapheme`]).
    Own,
    /// Those and Thai and Lao, whose marks join the character before them
    /// ([`marked_graphemes`]).
    Marked,
    /// Those and Myanmar and Khmer, whose marks join the character before
    /// them and whose consonants join one before them across a virama or
    /// coeng ([`conjunct_graphemes`]).
    Conjunct,
    /// Anything else: UAX#29 grapheme segmentation.
    Segment,
}

impl GraphemeShape {
    fn of(c: char) -> GraphemeShape {
        if is_own_grapheme(c) {
            GraphemeShape::Own
        } else if ('\u{E00}'..='\u{EFF}').contains(&c) {
            GraphemeShape::Marked
        } else if matches!(c, '\u{1000}'..='\u{109F}' | '\u{1780}'..='\u{17FF}') {
            GraphemeShape::Conjunct
        } else {
            GraphemeShape::Segment
        }
    }
}

/// The grapheme clusters of text of [`GraphemeShape::Marked`] (CR LF
/// counted as two): a mark that UAX#29 joins to the character before it
/// ([`clusters::is_thai_or_lao_mark`]) starts no cluster, unless it
/// follows a control character or nothing (GB4); every other character
/// starts one. Every pair of the blocks' characters, and the counts on
/// mixed text, are checked against unicode-segmentation. A loop of its own
/// beside [`conjunct_graphemes`], which would give the same counts: Thai
/// text, the most common of the four, pays for Thai's ranges alone (the
/// conjunct state and the other blocks' ranges cost a Thai Process call
/// +0.3-0.7%).
fn marked_graphemes(text: &str) -> usize {
    let mut graphemes = 0;
    let mut after_control = true;
    for c in text.chars() {
        graphemes += usize::from(!clusters::is_thai_or_lao_mark(c) || after_control);
        after_control = is_control(c);
    }
    graphemes
}

/// The grapheme clusters of text of [`GraphemeShape::Conjunct`]: as
/// [`marked_graphemes`] with all four blocks' marks, and a Myanmar or Khmer
/// consonant after a consonant and a virama or coeng starts no cluster
/// (GB9c; [`Conjunct`]).
fn conjunct_graphemes(text: &str) -> usize {
    let mut graphemes = 0;
    let mut after_control = true;
    let mut conjunct = Conjunct::None;
    for c in text.chars() {
        let joins;
        (joins, conjunct) = conjunct.read(c);
        graphemes += usize::from(!joins || after_control);
        after_control = is_control(c);
    }
    graphemes
}

/// The characters of [`is_own_grapheme`] that are Control, CR or LF.
fn is_control(c: char) -> bool {
    matches!(c, '\0'..='\x1F' | '\x7F'..='\u{9F}' | '\u{AD}')
}

/// Code points and UTF-16 units of a text, and how its graphemes can be
/// counted.
#[derive(Clone, Copy)]
struct Units {
    code_points: usize,
    utf16_units: usize,
    graphemes: GraphemeShape,
}

impl Default for Units {
    fn default() -> Units {
        Units {
            code_points: 0,
            utf16_units: 0,
            graphemes: GraphemeShape::Own,
        }
    }
}

impl Units {
    fn add(self, c: char) -> Units {
        Units {
            code_points: self.code_points + 1,
            utf16_units: self.utf16_units + c.len_utf16(),
            graphemes: self.graphemes.max(GraphemeShape::of(c)),
        }
    }
}

/// What [`Counts::of`] asks of a character: `char::is_whitespace`,
/// `char::is_alphanumeric`, `char::is_ascii_punctuation`, as bit flags.
const WHITESPACE: u8 = 1;
const ALPHANUMERIC: u8 = 2;
const ASCII_PUNCTUATION: u8 = 4;

/// The flags of an ASCII character, computed (`char::is_whitespace` of
/// ASCII is `\t`..=`\r` and space; checked against the predicates in the
/// tests): a loop over bytes that calls it vectorizes.
const fn ascii_class(b: u8) -> u8 {
    let whitespace = (b == b' ') | (b.wrapping_sub(b'\t') < 5);
    let alphanumeric = (b.wrapping_sub(b'0') < 10) | ((b | 0x20).wrapping_sub(b'a') < 26);
    let graphic = b.wrapping_sub(b'!') < 94;
    (whitespace as u8 * WHITESPACE)
        | (alphanumeric as u8 * ALPHANUMERIC)
        | ((graphic & !alphanumeric) as u8 * ASCII_PUNCTUATION)
}

/// An ASCII stand-in of the same class ([`ascii_class`]) for each character
/// of `text`, for [`tally_ascii`]: ASCII as it is, and each other character
/// (never ASCII punctuation) as a space if it is whitespace, `a` if it is
/// alphanumeric and `\x01` (neither) otherwise; with the [`Units`] of
/// `text`. The ASCII between other characters is
/// copied a run at a time, so Latin text with a few dashes or curly quotes
/// is counted about as fast as ASCII (it was tallied a character at a
/// time: 26 instructions a byte against 9).
fn class_bytes(text: &str) -> (Vec<u8>, Units) {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut others = Units::default();
    let mut copied = 0;
    for (at, c) in non_ascii_char_indices(text) {
        out.extend_from_slice(&bytes[copied..at]);
        out.push(class_byte(c));
        others = others.add(c);
        copied = at + c.len_utf8();
    }
    out.extend_from_slice(&bytes[copied..]);
    // Every ASCII character is one code point, one UTF-16 unit and its own
    // grapheme (CR LF aside, which `Counts::of` counts apart).
    let ascii = out.len() - others.code_points;
    let units = Units {
        code_points: out.len(),
        utf16_units: others.utf16_units + ascii,
        graphemes: others.graphemes,
    };
    (out, units)
}

/// The stand-in of a character outside ASCII (see [`class_bytes`]).
fn class_byte(c: char) -> u8 {
    if c.is_whitespace() {
        b' '
    } else if char_props::is_alphanumeric(c) {
        b'a'
    } else {
        0x01
    }
}

/// (words, characters) of ASCII text: whitespace-delimited words with a
/// letter or digit, and characters other than whitespace and ASCII
/// punctuation, in loops that vectorize (a tally a byte at a time takes
/// a branch per byte, and its state chains one byte to the next).
///
/// Characters are counted byte by byte. A word is counted at its first
/// letter or digit: one whose previous byte is whitespace (or the start),
/// or that follows at most two other bytes (neither whitespace nor a
/// letter or digit) that follow whitespace, as in `"Hello` or `("A`. Any
/// word that starts with three or more such bytes (`"...and`) is counted
/// with `split` instead, for the whole text.
fn tally_ascii(bytes: &[u8]) -> (usize, usize) {
    const BLOCK: usize = 64;
    let whitespace = |f: u8| f & WHITESPACE != 0;
    let other = |f: u8| f & (WHITESPACE | ALPHANUMERIC) == 0;
    // The classes of the three bytes before a block (whitespace before
    // the text), then of the block's bytes.
    let mut classes = [WHITESPACE; BLOCK + 3];
    let (mut words, mut characters, mut long_prefix) = (0, 0, false);
    for block in bytes.chunks(BLOCK) {
        let n = block.len();
        for (class, &byte) in classes[3..3 + n].iter_mut().zip(block) {
            *class = ascii_class(byte);
        }
        // Counts of at most 64 fit in u8 lanes.
        let (mut block_words, mut block_characters, mut block_long) = (0u8, 0u8, false);
        for i in 0..n {
            let [a, b, c, d] = [classes[i], classes[i + 1], classes[i + 2], classes[i + 3]];
            let first_alphanumeric = (d & ALPHANUMERIC != 0)
                & (whitespace(c) | (other(c) & (whitespace(b) | (other(b) & whitespace(a)))));
            block_words += u8::from(first_alphanumeric);
            block_characters += u8::from(d & (WHITESPACE | ASCII_PUNCTUATION) == 0);
            block_long |= whitespace(a) & other(b) & other(c) & other(d);
        }
        words += usize::from(block_words);
        characters += usize::from(block_characters);
        long_prefix |= block_long;
        classes.copy_within(n..n + 3, 0);
    }
    if long_prefix {
        words = bytes
            .split(|&b| ascii_class(b) & WHITESPACE != 0)
            .filter(|word| word.iter().any(u8::is_ascii_alphanumeric))
            .count();
    }
    (words, characters)
}

impl Counts {
    /// Counts of `text` in `language`; `placeholders` are its protected spans.
    pub fn of(text: &str, language: &str, placeholders: &[Placeholder]) -> Counts {
        Counts::with_dictionary_words(text, language, placeholders, None)
    }

    /// [`Counts::of`], given `words::count(text)` when the caller has
    /// it: scoring segments each Thai, Lao, Khmer and Burmese sentence with
    /// the same dictionary segmenter, which is most of the cost of counting
    /// their words.
    fn with_dictionary_words(
        text: &str,
        language: &str,
        placeholders: &[Placeholder],
        dictionary_words: Option<usize>,
    ) -> Counts {
        // Markup is replaced by a space: tags are not words. (No copy when
        // there is no markup, the common case.)
        let has_markup = placeholders
            .iter()
            .any(|p| p.kind == PlaceholderKind::Markup);
        let prose: std::borrow::Cow<'_, str> = if has_markup {
            let mut prose = String::with_capacity(text.len());
            let mut cursor = 0;
            for p in placeholders
                .iter()
                .filter(|p| p.kind == PlaceholderKind::Markup)
            {
                prose.push_str(&text[cursor..p.start]);
                prose.push(' ');
                cursor = p.end;
            }
            prose.push_str(&text[cursor..]);
            prose.into()
        } else {
            text.into()
        };
        // Whitespace-delimited words that hold a letter or digit, and
        // characters other than whitespace and ASCII punctuation (GMX-V),
        // counted on ASCII: the prose itself, or a stand-in of the same
        // classes whose pass also counts the code points and UTF-16 units
        // (for the units below; without markup the prose is the text).
        let mut units = None;
        let (whitespace_words, characters) = if prose.is_ascii() {
            tally_ascii(prose.as_bytes())
        } else {
            let (stand_in, prose_units) = class_bytes(&prose);
            if !has_markup {
                units = Some(prose_units);
            }
            tally_ascii(&stand_in)
        };
        let words = if is_unspaced(language) {
            // Without markup the prose is the text the count was made of.
            match dictionary_words {
                Some(words) if !has_markup => words,
                _ => words::count(&prose),
            }
        } else {
            whitespace_words
        };
        let characters = characters as f64;
        let gmx_words = match language {
            "zh" => Some(characters / 2.8),
            "ja" => Some(characters / 3.0),
            "ko" => Some(characters / 3.3),
            "th" => Some(characters / 6.0),
            "km" | "lo" | "my" => None,
            _ => Some(whitespace_words as f64),
        }
        .map(|w| (w * 100.0).round() / 100.0);
        // Code points, UTF-16 units and graphemes: ASCII text is one of each
        // per byte (CR LF aside); so is text of characters that are their
        // own grapheme cluster, which one pass tells apart from text that
        // needs grapheme segmentation.
        let crlf = if text.contains('\r') {
            text.matches("\r\n").count()
        } else {
            0
        };
        let (code_points, utf16_units, graphemes) = if text.is_ascii() {
            (text.len(), text.len(), text.len() - crlf)
        } else {
            let units = units.unwrap_or_else(|| text.chars().fold(Units::default(), Units::add));
            let graphemes = match units.graphemes {
                GraphemeShape::Own => units.code_points - crlf,
                GraphemeShape::Marked => marked_graphemes(text) - crlf,
                GraphemeShape::Conjunct => conjunct_graphemes(text) - crlf,
                GraphemeShape::Segment => text.graphemes(true).count(),
            };
            (units.code_points, units.utf16_units, graphemes)
        };
        Counts {
            bytes: text.len(),
            code_points,
            utf16_units,
            graphemes,
            words,
            gmx_words,
            placeholders: placeholders.len(),
        }
    }
}

/// One translation unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TranslationSegment {
    pub id: String,
    pub index: usize,
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub char_start: usize,
    pub char_end: usize,
    pub utf16_start: usize,
    pub utf16_end: usize,
    pub paragraph: usize,
    pub kind: SentenceKind,
    /// Plain-token rendition: `text` with each protected span as `{n}`.
    pub protected_text: String,
    /// HTML rendition (`translate="no"` spans).
    pub html: String,
    /// XLIFF 2 inline rendition (the content of `<source>`).
    pub xliff: String,
    pub placeholders: Vec<Placeholder>,
    pub counts: Counts,
    pub in_summary: bool,
    /// Summary score and rank of the sentence (rank from 1).
    pub score: f64,
    pub rank: usize,
    pub prev_id: String,
    pub next_id: String,
    /// Source text between this segment and the next sentence (whitespace).
    pub gap_after: String,
    pub batch: usize,
    /// xxh3 of the exact text (in-context exact matches).
    pub exact_hash: String,
    /// xxh3 of the normalized text: NFC, whitespace folded, placeholders
    /// reduced to their kind (`{number}`); glossary terms kept.
    pub normalized_hash: String,
    /// Id of the first segment with the same normalized hash, when this one
    /// repeats it (empty for first occurrences).
    pub repetition_of: String,
    /// A piece of a sentence split at a clause boundary to fit the engine.
    pub resegmented: bool,
    /// Notes for the pipeline, e.g. "oversized:aws".
    pub flags: Vec<String>,
}

/// A batch of segment ids that fits the engine profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Batch {
    pub index: usize,
    pub segment_ids: Vec<String>,
    /// Code points of the texts sent (the engine's rendition).
    pub code_points: usize,
    /// UTF-8 bytes of the texts sent.
    pub bytes: usize,
    /// Estimated JSON request body: texts JSON-escaped, separators and the
    /// profile's envelope overhead.
    pub request_bytes: usize,
    /// Code points the engine counts against its request limit (Azure:
    /// times the number of target languages).
    pub billed_code_points: usize,
    pub oversized: bool,
}

/// The translation package of one document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Package {
    /// Source text before the first sentence.
    pub leading: String,
    pub segments: Vec<TranslationSegment>,
    pub batches: Vec<Batch>,
    /// Profile the batches were packed for.
    pub engine: String,
    pub engine_targets: Vec<EngineTarget>,
    /// Renditions of the whole package, by format (`xliff-2.1`, `jsonl`);
    /// with several targets, XLIFF is keyed `xliff-2.1:<lang>`.
    pub renditions: BTreeMap<String, String>,
    pub warnings: Vec<String>,
}

/// The size of what an engine receives for one segment.
#[derive(Debug, Clone, Copy, Default)]
struct Payload {
    code_points: usize,
    bytes: usize,
    json_bytes: usize,
}

impl Payload {
    fn of(segment: &TranslationSegment, style: Style) -> Payload {
        let sent = match style {
            Style::Plain => &segment.protected_text,
            Style::Html => &segment.html,
        };
        Payload::of_sent(sent)
    }

    /// The payload of a candidate piece of text (protection and rendition
    /// only; no counts).
    fn of_text(text: &str, protector: &Protector, style: Style) -> Payload {
        let placeholders = protector.find(text);
        match style {
            Style::Plain => Payload::of_sent(&protected_text(text, &placeholders)),
            Style::Html => Payload::of_sent(&render::html(text, &placeholders)),
        }
    }

    fn of_sent(sent: &str) -> Payload {
        Payload {
            code_points: sent.chars().count(),
            bytes: sent.len(),
            json_bytes: json_string_len(sent) + 1,
        }
    }
}

/// Length of `text` as a JSON string, quotes included, escaped as
/// serde_json escapes it: `"` and `\` and the five short control escapes
/// take 2 bytes, other control characters 6 (`\u00XX`), everything else
/// its UTF-8 bytes. Counted instead of serialized: this runs for every
/// segment and every batch candidate.
fn json_string_len(text: &str) -> usize {
    // Most text has nothing to escape: settle that with a branch-free OR
    // over the bytes (it vectorizes), then count only when needed.
    let bytes = text.as_bytes();
    if !bytes.iter().fold(false, |any, &b| {
        any | (b < 0x20) | (b == b'"') | (b == b'\\')
    }) {
        return text.len() + 2;
    }
    let escapes: usize = text
        .bytes()
        .map(|b| match b {
            b'"' | b'\\' | b'\x08' | b'\x0C' | b'\n' | b'\r' | b'\t' => 1,
            0..=0x1F => 5,
            _ => 0,
        })
        .sum();
    text.len() + escapes + 2
}

/// Builds the package of a segmented, summarized document.
pub fn build(
    text: &str,
    segmentation: &Segmentation,
    summary: &Summary,
    options: &PackageOptions,
) -> Package {
    let sentences = &segmentation.sentences;
    let language = segmentation.language.as_str();
    let document_id = if options.document_id.is_empty() {
        "doc"
    } else {
        options.document_id.as_str()
    };
    let profile = options.profile();
    let multiplier = if profile.per_target {
        options.target_langs.len().max(1)
    } else {
        1
    };
    let mut ids = IdMaker {
        document_id,
        occurrences: FxHashMap::with_capacity_and_hasher(sentences.len(), Default::default()),
        key: String::new(),
    };
    // Segments are large: growing the vector by doubling copied them all
    // five times for a 5 KB article.
    let mut segments: Vec<TranslationSegment> = Vec::with_capacity(sentences.len());
    for (i, sentence) in sentences.iter().enumerate() {
        let score = summary.scores.get(i);
        let in_summary = score.is_some_and(|s| s.selected);
        if options.scope == Scope::Summary && !in_summary && sentence.kind != SentenceKind::Headline
        {
            continue;
        }
        let slice = sentence.text(text);
        let gap_end = sentences.get(i + 1).map_or(text.len(), |next| next.start);
        // The sentence's dictionary words, counted when it was scored.
        let dictionary_words = score
            .filter(|_| tokenize::is_icu_word_language(language))
            .map(|s| s.words);
        let mut segment = new_segment(
            slice,
            sentence.paragraph,
            language,
            &options.protector,
            &mut ids,
            dictionary_words,
        );
        segment.index = i;
        segment.start = sentence.start;
        segment.end = sentence.end;
        segment.char_start = sentence.char_start;
        segment.char_end = sentence.char_end;
        segment.utf16_start = sentence.utf16_start;
        segment.utf16_end = sentence.utf16_end;
        segment.kind = sentence.kind;
        segment.in_summary = in_summary;
        segment.score = score.map_or(0.0, |s| (s.score * 1e6).round() / 1e6);
        segment.rank = score.map_or(0, |s| s.rank);
        segment.gap_after = text[sentence.end..gap_end].to_string();
        if options.allow_resegment && !fits_alone(&profile, multiplier, &segment) {
            segments.extend(resegment(
                segment, language, options, &profile, multiplier, &mut ids,
            ));
        } else {
            segments.push(segment);
        }
    }
    // Each segment whose normalized text an earlier one has, with that one.
    let repeats: Vec<(usize, usize)> = {
        let mut first_of: FxHashMap<&str, usize> =
            FxHashMap::with_capacity_and_hasher(segments.len(), Default::default());
        segments
            .iter()
            .enumerate()
            .filter_map(|(i, segment)| {
                let first = *first_of.entry(&segment.normalized_hash).or_insert(i);
                (first != i).then_some((i, first))
            })
            .collect()
    };
    for (i, first) in repeats {
        segments[i].repetition_of = segments[first].id.clone();
    }
    for i in 0..segments.len() {
        if i > 0 {
            segments[i].prev_id = segments[i - 1].id.clone();
        }
        if i + 1 < segments.len() {
            segments[i].next_id = segments[i + 1].id.clone();
        }
    }
    let batches = pack(&mut segments, &profile, multiplier);
    let engine_targets: Vec<EngineTarget> = options
        .target_langs
        .iter()
        .map(|lang| EngineTarget {
            lang: lang.clone(),
            engine_code: profile.code(lang),
            supported: profile.supports(lang),
        })
        .collect();
    let mut warnings: Vec<String> = engine_targets
        .iter()
        .filter(|t| !t.supported)
        .map(|t| {
            format!(
                "engine {} does not list target language {} ({})",
                profile.name, t.lang, t.engine_code
            )
        })
        .collect();
    let oversized = batches.iter().filter(|b| b.oversized).count();
    if oversized > 0 {
        warnings.push(format!(
            "{oversized} segment(s) exceed what one {} request can carry (flagged oversized)",
            profile.name
        ));
    }
    let mut package = Package {
        leading: text[..sentences.first().map_or(text.len(), |s| s.start)].to_string(),
        segments,
        batches,
        engine: profile.name.clone(),
        engine_targets,
        renditions: BTreeMap::new(),
        warnings,
    };
    for format in &options.formats {
        match format {
            Format::Jsonl => {
                package
                    .renditions
                    .insert(Format::Jsonl.as_str().to_string(), jsonl(&package.segments));
            }
            Format::Xliff21 => {
                let info = xliff::DocumentInfo {
                    document_id,
                    source_lang: language,
                    title: &segmentation.title,
                };
                if options.target_langs.len() <= 1 {
                    let target = options.target_langs.first().map(String::as_str);
                    package.renditions.insert(
                        Format::Xliff21.as_str().to_string(),
                        xliff::export(&package, &info, target),
                    );
                } else {
                    for target in &options.target_langs {
                        package.renditions.insert(
                            format!("{}:{target}", Format::Xliff21.as_str()),
                            xliff::export(&package, &info, Some(target)),
                        );
                    }
                }
            }
        }
    }
    package
}

/// One JSON object per line: `{"id", "text"}` with the plain-token text, for
/// LLM and file-based pipelines.
fn jsonl(segments: &[TranslationSegment]) -> String {
    let mut out = String::new();
    for segment in segments {
        let line = serde_json::json!({"id": segment.id, "text": segment.protected_text});
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}

struct IdMaker<'a> {
    document_id: &'a str,
    /// Occurrences so far of each (paragraph, xxh3 of the normalized text).
    occurrences: FxHashMap<(usize, u64), usize>,
    /// The hashed key, rebuilt in place for each id.
    key: String,
}

impl IdMaker<'_> {
    /// A content-derived id: xxh3 of (document id, paragraph, normalized
    /// text, occurrence), 16 hex digits. `normalized_xxh3` is the xxh3 of
    /// `normalized`.
    fn next(&mut self, paragraph: usize, normalized: &str, normalized_xxh3: u64) -> String {
        let occurrence = self
            .occurrences
            .entry((paragraph, normalized_xxh3))
            .or_insert(0);
        self.key.clear();
        push!(
            &mut self.key,
            self.document_id,
            "\0",
            paragraph,
            "\0",
            normalized,
            "\0",
            *occurrence,
        );
        *occurrence += 1;
        hash(&self.key)
    }
}

fn hash(text: &str) -> String {
    hex16(xxhash_rust::xxh3::xxh3_64(text.as_bytes()))
}

/// `format!("{:016x}", value)` without the formatting machinery: each half
/// of `value` becomes eight hex digits at once (SWAR), instead of sixteen
/// table lookups.
fn hex16(value: u64) -> String {
    let mut hex = [0u8; 16];
    hex[..8].copy_from_slice(&hex8((value >> 32) as u32));
    hex[8..].copy_from_slice(&hex8(value as u32));
    // Bytes pushed one at a time as chars cost 4x this (a UTF-8 encode and
    // a capacity check each).
    std::str::from_utf8(&hex).expect("hex digits").to_string()
}

/// The eight lowercase hex digits of `value`, most significant first.
fn hex8(value: u32) -> [u8; 8] {
    // Spread the nibbles to one per byte, the lowest nibble in the lowest
    // byte.
    let mut x = u64::from(value);
    x = (x | (x << 16)) & 0x0000_FFFF_0000_FFFF;
    x = (x | (x << 8)) & 0x00FF_00FF_00FF_00FF;
    x = (x | (x << 4)) & 0x0F0F_0F0F_0F0F_0F0F;
    // Each byte 0-15 to '0'-'9' or 'a'-'f': a nibble above 9 carries into
    // bit 4 when 6 is added; those bytes get 'a' - '0' - 10 more.
    let letters = ((x + 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101;
    let ascii = x + 0x3030_3030_3030_3030 + letters * (b'a' - b'0' - 10) as u64;
    ascii.to_be_bytes()
}

/// A segment of `slice` with protection, renditions, counts and hashes;
/// position fields are left for the caller.
fn new_segment(
    slice: &str,
    paragraph: usize,
    language: &str,
    protector: &Protector,
    ids: &mut IdMaker<'_>,
    dictionary_words: Option<usize>,
) -> TranslationSegment {
    let placeholders = protector.find(slice);
    let protected = protected_text(slice, &placeholders);
    let normalized = normalize(slice);
    let normalized_xxh3 = xxhash_rust::xxh3::xxh3_64(normalized.as_bytes());
    // Glossary terms stay in the kind-reduced text: without other spans it
    // is the text itself.
    let normalized_hash = if placeholders.iter().all(|p| p.kind == PlaceholderKind::Term) {
        hex16(normalized_xxh3)
    } else {
        hash(&normalize(&kind_reduced(slice, &placeholders)))
    };
    TranslationSegment {
        id: ids.next(paragraph, &normalized, normalized_xxh3),
        index: 0,
        text: slice.to_string(),
        start: 0,
        end: 0,
        char_start: 0,
        char_end: 0,
        utf16_start: 0,
        utf16_end: 0,
        paragraph,
        kind: SentenceKind::Body,
        html: render::html(slice, &placeholders),
        xliff: render::xliff_inline(slice, &placeholders, None),
        counts: Counts::with_dictionary_words(slice, language, &placeholders, dictionary_words),
        exact_hash: hash(slice),
        normalized_hash,
        protected_text: protected,
        placeholders,
        in_summary: false,
        score: 0.0,
        rank: 0,
        prev_id: String::new(),
        next_id: String::new(),
        gap_after: String::new(),
        batch: 0,
        repetition_of: String::new(),
        resegmented: false,
        flags: Vec::new(),
    }
}

/// NFC, whitespace folded to single spaces.
fn normalize(text: &str) -> Cow<'_, str> {
    // Folding drops leading and trailing whitespace (a segment keeps the
    // line break after it). Most text then has single spaces between words
    // and is NFC (ASCII always is): already normal.
    let text = text.trim();
    let bytes_spaced = bytes_single_spaced(text.as_bytes());
    if text.is_ascii() {
        return if bytes_spaced {
            text.into()
        } else {
            fold_whitespace(text).into()
        };
    }
    // The quick check skips recomposition of text that is NFC already. It
    // looks up only the characters that are not NFC_QC=Yes with combining
    // class 0: the others (`is_nfc_starter`: all below U+0300, most letters
    // of Thai, all ideographs) go to it as `a`, which it answers as they
    // would be answered (yes, and a starter) without a table search. The
    // ASCII characters it is not given are dropped, which keeps each
    // character that is not NFC_QC=Yes and each pair of adjacent combining
    // marks, so a Yes for the rest is a Yes for the text (a Maybe only costs
    // the composition). The same walk notes whitespace outside ASCII, the
    // rest of single spacing (`bytes_single_spaced`): a Yes has seen every
    // character.
    let mut other_whitespace = false;
    let quick = unicode_normalization::is_nfc_quick(non_ascii_chars(text).map(|c| {
        other_whitespace |= c.is_whitespace();
        if char_props::is_nfc_starter(c) {
            'a'
        } else {
            c
        }
    }));
    match quick {
        unicode_normalization::IsNormalized::Yes if bytes_spaced && !other_whitespace => {
            text.into()
        }
        unicode_normalization::IsNormalized::Yes => fold_whitespace(text).into(),
        _ => fold_whitespace(&text.nfc().collect::<String>()).into(),
    }
}

/// `text.split_whitespace()` joined with single spaces, in one pass that
/// skips ASCII other than whitespace in a tight loop and copies the runs
/// between whitespace whole (the iterator decoded every character through
/// a predicate call, and the words went to a vector first).
fn fold_whitespace(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut push_word = |word: &str| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    };
    // The start of the run of other characters being read, if any.
    let mut word_start = None;
    let mut i = 0;
    while i < bytes.len() {
        // ASCII other than whitespace (`char::is_whitespace` of ASCII is
        // `\t`..=`\r` and space) is skipped in a tight loop.
        let skip = bytes[i..]
            .iter()
            .position(|&b| !b.is_ascii() | (b == b' ') | (b.wrapping_sub(b'\t') < 5))
            .unwrap_or(bytes.len() - i);
        if skip > 0 {
            word_start.get_or_insert(i);
            i += skip;
            continue;
        }
        let c = text[i..].chars().next().expect("a character at a boundary");
        if c.is_whitespace() {
            if let Some(start) = word_start.take() {
                push_word(&text[start..i]);
            }
        } else {
            word_start.get_or_insert(i);
        }
        i += c.len_utf8();
    }
    if let Some(start) = word_start {
        push_word(&text[start..]);
    }
    out
}

/// Whether the only ASCII whitespace in `bytes` is single spaces between
/// other characters (no space at either end or after another, no other
/// ASCII whitespace); with no whitespace outside ASCII (which `normalize`
/// checks on its walk over those characters), `text.split_whitespace()`
/// joined with single spaces is the text.
fn bytes_single_spaced(bytes: &[u8]) -> bool {
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    // One branch-free pass over byte pairs (it vectorizes): two spaces in a
    // row, or ASCII whitespace other than a space.
    let control = |b: u8| b.wrapping_sub(b'\t') < 5;
    let last = bytes.last().is_some_and(|&b| control(b));
    let next = bytes.get(1..).unwrap_or_default();
    !bytes.iter().zip(next).fold(last, |bad, (&a, &b)| {
        bad | ((a == b' ') & (b == b' ')) | control(a)
    })
}

/// `text` with each placeholder but glossary terms replaced by `{kind}`.
fn kind_reduced(text: &str, placeholders: &[Placeholder]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut cursor = 0;
    for p in placeholders
        .iter()
        .filter(|p| p.kind != PlaceholderKind::Term)
    {
        out.push_str(&text[cursor..p.start]);
        out.push('{');
        out.push_str(p.kind.as_str());
        out.push('}');
        cursor = p.end;
    }
    out.push_str(&text[cursor..]);
    out
}

/// Whether one request of the profile can carry the segment alone.
fn fits_alone(profile: &EngineProfile, multiplier: usize, segment: &TranslationSegment) -> bool {
    payload_fits(profile, multiplier, Payload::of(segment, profile.style))
}

fn payload_fits(profile: &EngineProfile, multiplier: usize, payload: Payload) -> bool {
    let within = |limit: usize, value: usize| limit == 0 || value <= limit;
    within(profile.max_item_bytes, payload.bytes)
        && within(profile.max_item_code_points, payload.code_points)
        && within(
            profile.max_request_bytes,
            profile.request_overhead_bytes + payload.json_bytes,
        )
        && within(profile.max_request_text_bytes, payload.bytes)
        && within(
            profile.max_request_code_points,
            payload.code_points * multiplier,
        )
}

/// Clause boundaries: after these marks (and the whitespace that follows).
fn is_clause_mark(c: char) -> bool {
    matches!(
        c,
        ',' | ';' | ':' | '，' | '；' | '：' | '、' | '،' | '–' | '—' | '၊' | '៖'
    )
}

/// Splits an oversized segment at clause boundaries (clause marks; spaces
/// in Thai, Lao, Khmer and Burmese, which separate clauses there) into the
/// fewest pieces that fit, never inside a protected span. A piece that
/// still cannot fit keeps the `oversized` flag through packing.
fn resegment(
    segment: TranslationSegment,
    language: &str,
    options: &PackageOptions,
    profile: &EngineProfile,
    multiplier: usize,
    ids: &mut IdMaker<'_>,
) -> Vec<TranslationSegment> {
    let text = segment.text.as_str();
    let spaces_split = matches!(language, "th" | "lo" | "km" | "my");
    let protected = |pos: usize| {
        segment
            .placeholders
            .iter()
            .any(|p| p.start < pos && pos < p.end)
    };
    // Candidate cuts: (end of the piece before, start of the next piece).
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    for (pos, c) in text.char_indices() {
        let after = pos + c.len_utf8();
        let boundary = if is_clause_mark(c) {
            Some(after)
        } else if spaces_split && c == ' ' {
            Some(pos)
        } else {
            None
        };
        let Some(end) = boundary else { continue };
        let next = end + text[end..].len() - text[end..].trim_start().len();
        if next < text.len() && end > 0 && !protected(end) && !protected(next) {
            cuts.push((end, next));
        }
    }
    let piece_at = |start: usize, end: usize, ids: &mut IdMaker<'_>| {
        let mut piece = new_segment(
            &text[start..end],
            segment.paragraph,
            language,
            &options.protector,
            ids,
            None,
        );
        piece.index = segment.index;
        piece.kind = segment.kind;
        piece.in_summary = segment.in_summary;
        piece.score = segment.score;
        piece.rank = segment.rank;
        piece.resegmented = true;
        piece
    };
    let mut pieces: Vec<TranslationSegment> = Vec::new();
    let mut start = 0usize;
    let mut cut_index = 0usize;
    while start < text.len() {
        while cut_index < cuts.len() && cuts[cut_index].0 <= start {
            cut_index += 1;
        }
        // The furthest cut that keeps the piece within the profile.
        let fits = |end: usize| {
            let payload = Payload::of_text(&text[start..end], &options.protector, profile.style);
            payload_fits(profile, multiplier, payload)
        };
        let mut chosen: Option<usize> = None;
        for (k, &(end, _)) in cuts.iter().enumerate().skip(cut_index) {
            if fits(end) {
                chosen = Some(k);
            } else {
                break;
            }
        }
        let whole_rest_fits = fits(text.len());
        let (end, next) = if whole_rest_fits || cut_index >= cuts.len() {
            (text.len(), text.len())
        } else {
            cuts[chosen.unwrap_or(cut_index)]
        };
        let mut piece = piece_at(start, end, ids);
        piece.gap_after = text[end..next].to_string();
        pieces.push(piece);
        start = next;
    }
    // Offsets of each piece in the document, from the segment's.
    let (mut byte, mut chars, mut utf16) = (segment.start, segment.char_start, segment.utf16_start);
    for piece in &mut pieces {
        piece.start = byte;
        piece.char_start = chars;
        piece.utf16_start = utf16;
        byte += piece.text.len();
        chars += piece.counts.code_points;
        utf16 += piece.counts.utf16_units;
        piece.end = byte;
        piece.char_end = chars;
        piece.utf16_end = utf16;
        byte += piece.gap_after.len();
        chars += piece.gap_after.chars().count();
        utf16 += piece.gap_after.encode_utf16().count();
    }
    if let Some(last) = pieces.last_mut() {
        last.gap_after = segment.gap_after.clone();
    }
    pieces
}

/// Greedy packing in document order; a segment is never split across
/// batches. A segment that exceeds the profile's preferred size alone gets
/// a batch of its own; one that no request can carry is flagged oversized.
fn pack(
    segments: &mut [TranslationSegment],
    profile: &EngineProfile,
    multiplier: usize,
) -> Vec<Batch> {
    let within = |limit: usize, value: usize| limit == 0 || value <= limit;
    let mut batches: Vec<Batch> = Vec::new();
    let mut current: Option<Batch> = None;
    for segment in segments.iter_mut() {
        let payload = Payload::of(segment, profile.style);
        let alone_fits = payload_fits(profile, multiplier, payload);
        if !alone_fits {
            segment.flags.push(format!("oversized:{}", profile.name));
        }
        if let Some(batch) = current.as_mut() {
            let code_points = (batch.code_points + payload.code_points) * multiplier;
            let fits = alone_fits
                && !batch.oversized
                && within(profile.max_items, batch.segment_ids.len() + 1)
                && within(profile.max_request_code_points, code_points)
                && within(profile.target_request_code_points, code_points)
                && within(profile.max_request_text_bytes, batch.bytes + payload.bytes)
                && within(
                    profile.max_request_bytes,
                    batch.request_bytes + payload.json_bytes,
                );
            if fits {
                batch.segment_ids.push(segment.id.clone());
                batch.code_points += payload.code_points;
                batch.billed_code_points = batch.code_points * multiplier;
                batch.bytes += payload.bytes;
                batch.request_bytes += payload.json_bytes;
                segment.batch = batch.index;
                continue;
            }
            batches.push(current.take().expect("current batch"));
        }
        let index = batches.len();
        segment.batch = index;
        current = Some(Batch {
            index,
            segment_ids: vec![segment.id.clone()],
            code_points: payload.code_points,
            bytes: payload.bytes,
            request_bytes: profile.request_overhead_bytes + payload.json_bytes,
            billed_code_points: payload.code_points * multiplier,
            oversized: !alone_fits,
        });
    }
    batches.extend(current);
    batches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_script() {
        let en = Counts::of("Rice prices rose <b>5%</b> in Hanoi.", "en", &[]);
        assert_eq!((en.words, en.gmx_words), (6, Some(6.0)));
        let zh = Counts::of("自然语言处理服务", "zh", &[]);
        assert_eq!(zh.words, 4);
        assert_eq!(zh.gmx_words, Some(2.86));
        let km = Counts::of("ព័ត៌មាន", "km", &[]);
        assert_eq!(km.gmx_words, None);
        assert!(km.graphemes < km.code_points);
    }

    /// The counted JSON length is the length serde_json writes, and the
    /// character classes are the char predicates.
    mod properties {
        use proptest::prelude::*;

        use super::super::{
            ALPHANUMERIC, ASCII_PUNCTUATION, WHITESPACE, ascii_class, class_bytes, json_string_len,
        };

        /// The flags of a character, from the char predicates they stand for.
        fn char_class_computed(c: char) -> u8 {
            let flag = |set: bool, flag: u8| if set { flag } else { 0 };
            flag(c.is_whitespace(), WHITESPACE)
                | flag(c.is_alphanumeric(), ALPHANUMERIC)
                | flag(c.is_ascii_punctuation(), ASCII_PUNCTUATION)
        }

        /// Whitespace-delimited words with a letter or digit, and characters
        /// other than whitespace and ASCII punctuation, as defined.
        fn definitions(text: &str) -> (usize, usize) {
            let words = text
                .split_whitespace()
                .filter(|w| w.chars().any(char::is_alphanumeric))
                .count();
            let characters = text
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_ascii_punctuation())
                .count();
            (words, characters)
        }

        /// Every character taken as its own grapheme stays one beside
        /// itself and the others (a character of any class that joins, an
        /// Extend, SpacingMark, Prepend, ZWJ, Hangul jamo or regional
        /// indicator, joins `a` or itself).
        #[test]
        fn own_graphemes_are_graphemes_of_their_own() {
            use unicode_segmentation::UnicodeSegmentation;
            let others = ['a', 'é', 'ơ', 'ế', '中', '、', '！', '€', '\0', '\u{AD}'];
            for c in (0..=0xFFFF_u32).filter_map(char::from_u32) {
                if !super::super::is_own_grapheme(c) || c == '\r' || c == '\n' {
                    continue;
                }
                for other in others.into_iter().chain([c]) {
                    for text in [format!("{c}{other}"), format!("{other}{c}")] {
                        assert_eq!(text.graphemes(true).count(), 2, "{text:?}");
                    }
                }
            }
        }

        /// Every code point of the Thai, Lao, Myanmar and Khmer blocks
        /// joins the character before it exactly when `marked_graphemes`
        /// says so, and never the one after it; so does every pair of
        /// characters of each block.
        #[test]
        fn marks_join_as_counted() {
            use unicode_segmentation::UnicodeSegmentation;
            let blocks = [
                '\u{E00}'..='\u{E7F}',
                '\u{E80}'..='\u{EFF}',
                '\u{1000}'..='\u{109F}',
                '\u{1780}'..='\u{17FF}',
            ];
            // Marked counting is held to every text of Thai, Lao and the
            // characters of their own; conjunct counting to all.
            let counted = |text: &str| {
                let crlf = text.matches("\r\n").count();
                let conjunct = super::super::conjunct_graphemes(text) - crlf;
                let shape = text.chars().map(super::super::GraphemeShape::of).max();
                if shape <= Some(super::super::GraphemeShape::Marked) {
                    assert_eq!(
                        super::super::marked_graphemes(text) - crlf,
                        conjunct,
                        "{text:?}"
                    );
                }
                conjunct
            };
            let mut marks = 0;
            for c in blocks
                .iter()
                .cloned()
                .flatten()
                .chain(['a', '\n', '\u{AD}', 'é'])
            {
                marks += usize::from(crate::text::clusters::is_joining_mark(c));
                for before in [
                    "a", "ก", "ກ", "က", "ក", "\n", "\r", "\t", "\u{AD}", "é", "ะ", "\u{E49}",
                    "\u{EC8}", "\u{1039}", "\u{17D2}", "\u{17B6}",
                ] {
                    for after in ["a", "ก", "เ", "ກ", "က", "ក", "\n"] {
                        let text = format!("{before}{c}{after}");
                        assert_eq!(counted(&text), text.graphemes(true).count(), "{text:?}");
                    }
                }
            }
            assert_eq!(marks, 17 + 18 + 34 + 33);
            for block in blocks {
                for a in block.clone() {
                    for b in block.clone() {
                        let text = format!("{a}{b}");
                        assert_eq!(counted(&text), text.graphemes(true).count(), "{text:?}");
                    }
                }
            }
        }

        /// The grapheme count of `text` on the counted path, then of
        /// `text`, `other`, `text`, where `other` is a character that joins
        /// its neighbours (combining accent, ZWJ, regional indicator,
        /// Hangul) and sends the text to the segmenter: both as
        /// unicode-segmentation counts them.
        fn graphemes_as_segmented(
            text: &str,
            other: &str,
            language: &str,
        ) -> Result<(), TestCaseError> {
            use unicode_segmentation::UnicodeSegmentation;
            for text in [text.to_string(), format!("{text}{other}{text}")] {
                let counts = super::super::Counts::of(&text, language, &[]);
                prop_assert_eq!(counts.graphemes, text.graphemes(true).count());
            }
            Ok(())
        }

        proptest! {
            /// Counts of Thai text, with the control characters, CR LF and
            /// other characters it meets, on the counted path and with a
            /// character that sends it to the segmenter.
            #[test]
            fn graphemes_of_thai_text_without_segmentation(
                text in "([กขเแโใไะาำิีึืุูั่้๊๋็์ํ๎ฯๆ๐-๙a-c1 .\r\n\t\u{AD}]|[éơ中“])*",
                other in "(\u{301}|\u{200D}|\u{1100})?",
            ) {
                graphemes_as_segmented(&text, &other, "th")?;
            }

            /// The same for Lao, Burmese and Khmer: consonants, vowel
            /// signs, tone marks, Burmese medials, virama and asat, Khmer
            /// coeng and signs.
            #[test]
            fn graphemes_of_lao_burmese_and_khmer_text_without_segmentation(
                text in "([ກຂເແໂ]|[ະາຳິີັ່້໊໋ໆ໐-໙]|[ကခဂငစတပမယရလသအ]|္|်|[ာါိီုူေဲံ့းျြွှ၀-၉၊။]|[កខគងចតបមយរលសអ]|្|[ាិីឹឺុូួើឿៀេែៃោៅំះៈ៉៊់៌៍៎៏័៑៓។៕០-៩]|[a-c1 .\r\n\t\u{AD}]|[é中“])*",
                other in "(\u{301}|\u{200D}|\u{1100})?",
            ) {
                graphemes_as_segmented(&text, &other, "km")?;
            }

            #[test]
            fn graphemes_of_latin_text_without_segmentation(
                text in "([a-z \r\n\t\x00-\x1F]|[\u{80}-\u{FF}]|[‘’“”–—•…€]|[ơưđạếộǅȳ中文、。（）！，])*",
                other in "(\u{301}|\u{200D}|\u{1F1E6}|\u{1100}|\u{AC00})?",
            ) {
                graphemes_as_segmented(&text, &other, "en")?;
            }

            /// Words and GMX-V characters, on both the byte and the
            /// character path: what the definitions say.
            #[test]
            fn word_and_character_counts_are_the_definitions(
                text in "([a-z0-9 \t\n.,\"()$%-]|[\u{A0}\u{3000}\u{2028}é’“”–€٣中\u{301}])*",
            ) {
                let counts = super::super::Counts::of(&text, "en", &[]);
                let (words, characters) = definitions(&text);
                prop_assert_eq!(counts.words, words);
                prop_assert_eq!(counts.gmx_words, Some(words as f64));
                prop_assert_eq!(super::super::Counts::of(&text, "zh", &[]).gmx_words,
                    Some((characters as f64 / 2.8 * 100.0).round() / 100.0));
            }

            /// The vectorized ASCII tally against the definitions, on text
            /// of every ASCII byte, with words behind up to four bytes of
            /// punctuation and blocks of several chunks.
            #[test]
            fn ascii_word_tally_is_the_definitions(
                text in "([\x00-\x7F]|[a-z]{1,6}|[ \t\n]{1,3}|[\"(.-]{1,4}[a-z0-9]){0,80}",
            ) {
                let (words, characters) = definitions(&text);
                prop_assert_eq!(super::super::tally_ascii(text.as_bytes()), (words, characters));
            }

            #[test]
            fn hex16_is_fixed_width_lowercase_hex(value in any::<u64>()) {
                prop_assert_eq!(super::super::hex16(value), format!("{value:016x}"));
            }

            /// The fast paths return what NFC and folding whitespace do.
            #[test]
            fn normalize_is_nfc_with_whitespace_folded(
                text in "([a-z ]|[\t\n\r\x0B\x0C]|[\u{A0}\u{2009}\u{3000}\u{85}]|[é–“]|e\u{301}|\u{212B}|[กนุ่]|\u{e38}\u{e48}|\u{e48}\u{e38}|\u{1100}\u{1161}|[中文]|\u{301}\u{323})*",
            ) {
                use unicode_normalization::UnicodeNormalization;
                let nfc: String = text.nfc().collect();
                let expected = nfc.split_whitespace().collect::<Vec<_>>().join(" ");
                prop_assert_eq!(super::super::normalize(&text), expected);
            }

            #[test]
            fn fold_whitespace_is_split_whitespace_joined(
                text in "([a-zé]{0,3}|[ \t\n\r\x0B\x0C]{1,3}|[\u{A0}\u{2009}\u{3000}\u{85}\u{1680}]|“)*",
            ) {
                let expected = text.split_whitespace().collect::<Vec<_>>().join(" ");
                prop_assert_eq!(super::super::fold_whitespace(&text), expected);
            }

            #[test]
            fn json_string_len_is_serde_jsons(text in "(\\PC|[\\x00-\\x1F\"\\\\\u{7F}\u{2028}])*") {
                prop_assert_eq!(json_string_len(&text), serde_json::to_string(&text).unwrap().len());
            }
        }

        /// Every character between two letters: whitespace (ASCII or not)
        /// is folded, and every other character kept as NFC has it.
        #[test]
        fn normalize_folds_every_whitespace_character() {
            use unicode_normalization::UnicodeNormalization;
            for c in (0..=0x10FFFF_u32).filter_map(char::from_u32) {
                let text = format!("a{c}b");
                let nfc: String = text.nfc().collect();
                let folded = nfc.split_whitespace().collect::<Vec<_>>().join(" ");
                assert_eq!(super::super::normalize(&text), folded, "U+{:04X}", c as u32);
            }
        }

        /// Each character's stand-in has its class, and the units are the
        /// text's.
        #[test]
        fn class_bytes_have_the_char_predicates() {
            let text: String = (0..=0x2FFF_u32).filter_map(char::from_u32).collect();
            let (stand_in, units) = class_bytes(&text);
            let classes: Vec<(char, u8)> = text
                .chars()
                .zip(&stand_in)
                .map(|(c, &byte)| (c, ascii_class(byte)))
                .collect();
            let computed: Vec<(char, u8)> =
                text.chars().map(|c| (c, char_class_computed(c))).collect();
            assert_eq!(classes, computed);
            assert_eq!(stand_in.len(), text.chars().count());
            assert_eq!(units.code_points, text.chars().count());
            assert_eq!(units.utf16_units, text.encode_utf16().count());
            assert!(units.graphemes == super::super::GraphemeShape::Segment);
        }
    }
}
