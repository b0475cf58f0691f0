//! Text analysis: language, sentences with exact offsets, sentence kinds
//! (headline, metadata, heading, body), and word tokenisation.
//!
//! Pure and synchronous; knows nothing of gRPC or I/O.

pub mod char_class;
pub mod char_props;
pub mod clusters;
pub mod language;
pub mod layout;
pub mod segment;
pub mod space_breaks;
pub mod srx;
pub mod tokenize;
pub mod uax29;
pub mod word_boundary;
pub mod word_walk;
pub mod words;

use serde::Serialize;

pub use segment::{BoundaryRule, SegmentOptions};

/// What a sentence is, from its place and shape in the article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SentenceKind {
    Body,
    Headline,
    Metadata,
    Heading,
}

impl SentenceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SentenceKind::Body => "body",
            SentenceKind::Headline => "headline",
            SentenceKind::Metadata => "metadata",
            SentenceKind::Heading => "heading",
        }
    }
}

/// One sentence: a span of the original text with its offsets in three units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sentence {
    pub index: usize,
    /// UTF-8 byte offsets, half open.
    pub start: usize,
    pub end: usize,
    /// Unicode code point offsets.
    pub char_start: usize,
    pub char_end: usize,
    /// UTF-16 code unit offsets.
    pub utf16_start: usize,
    pub utf16_end: usize,
    pub paragraph: usize,
    pub kind: SentenceKind,
    pub boundary_rule: BoundaryRule,
}

impl Sentence {
    /// The sentence's exact slice of `text` (the text it was built from).
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }
}

/// A segmented document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Segmentation {
    pub language: String,
    pub language_detected: bool,
    pub title: String,
    pub sentences: Vec<Sentence>,
    pub warnings: Vec<String>,
    /// The dictionary words of the whole text (`words::words`) where the
    /// splitter needed them (Thai and Lao, for the space model); empty
    /// otherwise. Scoring takes each sentence's words from them
    /// ([`words::within`]) instead of segmenting the sentence again.
    #[serde(skip)]
    pub words: Vec<words::Word>,
}

/// Splits `text` into sentences, classifies them and finds the title.
///
/// `language` is a normalised code (see [`language::normalize_tag`]) or
/// `None` to detect it.
pub fn segment(
    text: &str,
    title: Option<&str>,
    language: Option<&str>,
    options: &SegmentOptions,
) -> Segmentation {
    segment_with(text, title, language, options, None, &[])
}

/// [`segment`] with SRX rules applied to the splitter's boundaries (see
/// [`srx::apply`]) and sentences always broken at `hard_breaks` (byte
/// offsets, e.g. where HTML block elements were).
pub fn segment_with(
    text: &str,
    title: Option<&str>,
    language: Option<&str>,
    options: &SegmentOptions,
    srx: Option<&srx::SrxRules>,
    hard_breaks: &[usize],
) -> Segmentation {
    let (language, language_detected) = match language {
        Some(code) => (code.to_string(), false),
        None => (language::detect(text), true),
    };
    let data = language::LanguageData::for_language(&language);
    let words = segment::space_model_words(text, data);
    let mut spans = segment::split_with_words(text, data, options, &words);
    if let Some(rules) = srx {
        spans = srx::apply(rules, text, &language, spans);
    }
    if !hard_breaks.is_empty() {
        spans = break_spans_at(text, spans, hard_breaks);
    }
    let mut sentences = with_offsets(text, &spans);
    layout::assign_paragraphs(text, &mut sentences);
    let title = layout::classify(text, title, &mut sentences);
    Segmentation {
        language,
        language_detected,
        title,
        sentences,
        warnings: warnings(text),
        words,
    }
}

/// Converts byte spans to sentences with code point and UTF-16 offsets in
/// one linear pass over the text.
fn with_offsets(text: &str, spans: &[segment::Span]) -> Vec<Sentence> {
    let mut sentences: Vec<Sentence> = spans
        .iter()
        .enumerate()
        .map(|(index, span)| Sentence {
            index,
            start: span.start,
            end: span.end,
            char_start: 0,
            char_end: 0,
            utf16_start: 0,
            utf16_end: 0,
            paragraph: 0,
            kind: SentenceKind::Body,
            boundary_rule: span.rule,
        })
        .collect();
    recount_offsets(text, &mut sentences);
    sentences
}

/// Splits every span that contains one of `breaks`; pieces are trimmed of
/// whitespace and the piece before a break ends with a paragraph rule.
fn break_spans_at(text: &str, spans: Vec<segment::Span>, breaks: &[usize]) -> Vec<segment::Span> {
    let mut out = Vec::with_capacity(spans.len());
    for span in spans {
        let mut start = span.start;
        let inner = breaks.iter().filter(|&&b| span.start < b && b < span.end);
        let ends = inner
            .map(|&b| (b, BoundaryRule::Paragraph))
            .chain(std::iter::once((span.end, span.rule)));
        for (end, rule) in ends {
            let piece = &text[start..end];
            let trimmed_start = start + (piece.len() - piece.trim_start().len());
            let trimmed_end = start + piece.trim_end().len();
            if trimmed_start < trimmed_end {
                out.push(segment::Span {
                    start: trimmed_start,
                    end: trimmed_end,
                    rule,
                });
            }
            start = end;
        }
    }
    out
}

/// Recomputes the code point and UTF-16 offsets of `sentences` (whose byte
/// offsets are valid for `text`) from `text`, e.g. after splitting a masked
/// copy of the same byte length.
pub fn recount_offsets(text: &str, sentences: &mut [Sentence]) {
    let (mut byte, mut chars, mut utf16) = (0usize, 0usize, 0usize);
    let mut advance = |to: usize| {
        // An ASCII piece (std's word-at-a-time check) counts its bytes.
        // Otherwise std's word-at-a-time code point count; a four-byte
        // sequence (lead byte >= 0xF0) is a UTF-16 surrogate pair, and is
        // rare enough to look for with a branch-free OR first.
        let piece = &text[byte..to];
        let bytes = piece.as_bytes();
        let (code_points, pairs) = if piece.is_ascii() {
            (bytes.len(), 0)
        } else if bytes.iter().fold(false, |any, &b| any | (b >= 0xF0)) {
            let pairs = bytes.iter().filter(|&&b| b >= 0xF0).count();
            (piece.chars().count(), pairs)
        } else {
            (piece.chars().count(), 0)
        };
        chars += code_points;
        utf16 += code_points + pairs;
        byte = to;
        (chars, utf16)
    };
    for sentence in sentences {
        (sentence.char_start, sentence.utf16_start) = advance(sentence.start);
        (sentence.char_end, sentence.utf16_end) = advance(sentence.end);
    }
}

/// The non-ASCII characters of `text`, in order, found by their lead bytes:
/// for checks that every ASCII character passes (or fails) alike, without
/// decoding the ASCII majority of Latin-script text.
pub fn non_ascii_chars(text: &str) -> impl Iterator<Item = char> + '_ {
    non_ascii_char_indices(text).map(|(_, c)| c)
}

/// [`non_ascii_chars`] with the byte offset of each.
pub fn non_ascii_char_indices(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let bytes = text.as_bytes();
    let mut pos = 0;
    std::iter::from_fn(move || {
        let at = next_non_ascii(bytes, pos)?;
        // A non-ASCII byte after ASCII or a whole character is a lead
        // byte: its character is decoded here, its length known from it.
        let (c, len) = decode_at_lead_byte(bytes, at);
        pos = at + len;
        Some((at, c))
    })
}

/// The first non-ASCII byte of `bytes` from `at` on. A non-ASCII byte at
/// `at` (most of Chinese, Thai and Vietnamese text, where the last
/// character ended) is taken at once; otherwise the next one is searched
/// sixteen bytes at a time, as two little-endian words: the lowest set
/// high bit of a word is its first non-ASCII byte. As cheap a few bytes
/// away (the spaces and digits of Chinese and Thai) as far (the rare one
/// in Latin-script text).
#[inline(always)]
pub(crate) fn next_non_ascii(bytes: &[u8], mut at: usize) -> Option<usize> {
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    if *bytes.get(at)? >= 0x80 {
        return Some(at);
    }
    loop {
        let Some(chunk) = bytes.get(at..at + 16) else {
            return Some(at + bytes[at..].iter().position(|&b| b >= 0x80)?);
        };
        let (low, high) = chunk.split_at(8);
        let low = u64::from_le_bytes(low.try_into().expect("eight bytes")) & HIGH_BITS;
        let high = u64::from_le_bytes(high.try_into().expect("eight bytes")) & HIGH_BITS;
        if low != 0 {
            return Some(at + (low.trailing_zeros() / 8) as usize);
        }
        if high != 0 {
            return Some(at + 8 + (high.trailing_zeros() / 8) as usize);
        }
        at += 16;
    }
}

/// The character whose lead byte (non-ASCII) is `bytes[at]`, in valid
/// UTF-8, and its length in bytes.
#[inline(always)]
pub(crate) fn decode_at_lead_byte(bytes: &[u8], at: usize) -> (char, usize) {
    let lead = u32::from(bytes[at]);
    let continuation = |k: usize| u32::from(bytes[at + k] & 0x3F);
    let (code, len) = if lead < 0xE0 {
        ((lead & 0x1F) << 6 | continuation(1), 2)
    } else if lead < 0xF0 {
        (
            (lead & 0x0F) << 12 | continuation(1) << 6 | continuation(2),
            3,
        )
    } else {
        (
            (lead & 0x07) << 18 | continuation(1) << 12 | continuation(2) << 6 | continuation(3),
            4,
        )
    };
    (char::from_u32(code).expect("valid UTF-8"), len)
}

/// Whether a character starting with `byte` may be whitespace: the ASCII
/// whitespace bytes, and the lead bytes of U+0085, U+00A0 (0xC2), U+1680
/// (0xE1), U+2000-U+205F (0xE2) and U+3000 (0xE3). Arithmetic, so that it
/// vectorizes over a block ([`block_may_hold_whitespace`]); a byte at a
/// time, [`MAY_START_WHITESPACE`] holds the same answers.
const fn may_start_whitespace(byte: u8) -> bool {
    (byte == b' ') | (byte.wrapping_sub(0x09) < 5) | (byte == 0xC2) | (byte.wrapping_sub(0xE1) < 3)
}

/// [`may_start_whitespace`] of each byte.
static MAY_START_WHITESPACE: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = may_start_whitespace(i as u8);
        i += 1;
    }
    table
};

/// Whether a whitespace character starts at byte `at` of `text`: only a
/// character whose first byte may start one is decoded (such a byte is
/// never a continuation byte, so `at` may be any offset).
#[inline(always)]
fn whitespace_starts_at(text: &str, at: usize) -> bool {
    MAY_START_WHITESPACE[usize::from(text.as_bytes()[at])]
        && text[at..].chars().next().is_some_and(char::is_whitespace)
}

/// `text.find(char::is_whitespace)`, decoding only the characters whose
/// first byte may start whitespace: a Thai chunk between two spaces, or a
/// Chinese line, is not read a character at a time. The first
/// [`WHITESPACE_BLOCK`] bytes are read one by one, as most searches end
/// within a word; past them, as [`find_far_whitespace`].
pub(crate) fn find_whitespace(text: &str) -> Option<usize> {
    let near = text.len().min(WHITESPACE_BLOCK);
    (0..near)
        .find(|&i| whitespace_starts_at(text, i))
        .or_else(|| find_whitespace_from(text, near))
}

/// Bytes a block of [`find_far_whitespace`] checks at once.
const WHITESPACE_BLOCK: usize = 16;

/// Whether a block holds a byte that [`may_start_whitespace`].
fn block_may_hold_whitespace(block: &[u8]) -> bool {
    block
        .iter()
        .fold(false, |any, &byte| any | may_start_whitespace(byte))
}

/// `text.trim()`, settled for most texts by their first and last
/// characters: a text that neither starts nor ends with whitespace (a
/// sentence, a request's article) is whole. Each end is decoded only if
/// its lead byte may start whitespace ([`whitespace_starts_at`]; a Chinese
/// sentence's final `。` may, an English one's `.` may not).
pub(crate) fn trim(text: &str) -> &str {
    let last = text.as_bytes().iter().rposition(|&b| b & 0xC0 != 0x80);
    match last {
        Some(last) if !whitespace_starts_at(text, 0) && !whitespace_starts_at(text, last) => text,
        _ => text.trim(),
    }
}

/// [`find_whitespace`] for text whose whitespace is far apart (the chunk
/// after a space of Thai, where a space ends a phrase): blocks of 16 bytes
/// without a byte that may start whitespace are skipped in one check each.
/// (On the short words most searches cover, the block costs more than it
/// saves, so [`find_whitespace`] reads its first 16 bytes one at a time.)
/// Those bytes are never continuation bytes, so the byte search can start
/// after any block.
pub(crate) fn find_far_whitespace(text: &str) -> Option<usize> {
    find_whitespace_from(text, 0)
}

/// [`find_far_whitespace`] from byte `at` (the bytes before it checked).
fn find_whitespace_from(text: &str, mut at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    while let Some(block) = bytes.get(at..at + WHITESPACE_BLOCK)
        && !block_may_hold_whitespace(block)
    {
        at += WHITESPACE_BLOCK;
    }
    (at..text.len()).find(|&i| whitespace_starts_at(text, i))
}

/// `text.rfind(char::is_whitespace)` for text whose whitespace is far
/// apart, as [`find_far_whitespace`], from the end.
pub(crate) fn rfind_far_whitespace(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut end = text.len();
    while let Some(block) = end
        .checked_sub(WHITESPACE_BLOCK)
        .map(|start| &bytes[start..end])
        && !block_may_hold_whitespace(block)
    {
        end -= WHITESPACE_BLOCK;
    }
    (0..end).rev().find(|&i| whitespace_starts_at(text, i))
}

fn warnings(text: &str) -> Vec<String> {
    // Control characters (Cc) other than \n, \r, \t, counted on bytes:
    // C0 and DEL are single bytes, C1 (U+0080..U+009F) is 0xC2 0x80..0x9F.
    // Texts rarely have any: one branch-free OR over the pairs of bytes
    // (vectorized) decides that before anything is counted.
    let bytes = text.as_bytes();
    let next_bytes = bytes.get(1..).unwrap_or_default();
    let c0 = |b: u8| ((b < 0x20) & (b != b'\n') & (b != b'\r') & (b != b'\t')) | (b == 0x7F);
    let c1 = |lead: u8, next: u8| (lead == 0xC2) & (next & 0xE0 == 0x80);
    let pairs = || bytes.iter().zip(next_bytes);
    let any = pairs().fold(false, |any, (&lead, &next)| any | c0(lead) | c1(lead, next))
        || bytes.last().is_some_and(|&b| c0(b));
    let controls = if any {
        bytes.iter().filter(|&&b| c0(b)).count()
            + pairs().filter(|&(&lead, &next)| c1(lead, next)).count()
    } else {
        0
    };
    if controls == 0 {
        Vec::new()
    } else {
        vec![format!(
            "text contains {controls} control character(s); kept as is"
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On every code point, alone and between other characters.
    #[test]
    fn whitespace_searches_are_std_searches() {
        for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
            for text in [c.to_string(), format!("ก{c}ข{c}"), format!("a{c}")] {
                assert_eq!(
                    find_whitespace(&text),
                    text.find(char::is_whitespace),
                    "U+{:04X}",
                    u32::from(c)
                );
                assert_eq!(
                    rfind_far_whitespace(&text),
                    text.rfind(char::is_whitespace),
                    "U+{:04X}",
                    u32::from(c)
                );
            }
            // Past and before whole blocks.
            let far = format!("{}{c}{}", "ก".repeat(11), "ข".repeat(11));
            assert_eq!(find_far_whitespace(&far), far.find(char::is_whitespace));
            assert_eq!(rfind_far_whitespace(&far), far.rfind(char::is_whitespace));
        }
    }

    /// The bytes that may start whitespace are exactly the first bytes of
    /// the whitespace characters, and the table holds them.
    #[test]
    fn the_bytes_that_may_start_whitespace_are_those_of_whitespace() {
        let mut first_bytes = [false; 256];
        for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
            if c.is_whitespace() {
                first_bytes[usize::from(c.to_string().as_bytes()[0])] = true;
            }
        }
        for byte in 0..=u8::MAX {
            assert_eq!(
                may_start_whitespace(byte),
                first_bytes[usize::from(byte)],
                "{byte:#04X}"
            );
            assert_eq!(
                may_start_whitespace(byte),
                MAY_START_WHITESPACE[usize::from(byte)],
                "{byte:#04X}"
            );
        }
    }

    proptest::proptest! {
        /// The searches are std's searches wherever the whitespace is,
        /// before, inside and after whole blocks of Thai and ASCII.
        #[test]
        fn whitespace_searches_across_blocks_are_std_searches(
            text in "([ก-ฮ]{0,24}|[a-z]{0,40}|[ \t\n\u{A0}\u{3000}\u{2009}\u{85}]|[\u{E00}-\u{E7F}\u{1680}-\u{16FF}\u{2000}-\u{206F}\u{3000}-\u{30FF}]){0,8}"
        ) {
            proptest::prop_assert_eq!(find_whitespace(&text), text.find(char::is_whitespace));
            proptest::prop_assert_eq!(find_far_whitespace(&text), text.find(char::is_whitespace));
            proptest::prop_assert_eq!(rfind_far_whitespace(&text), text.rfind(char::is_whitespace));
        }

        /// The warning counts the control characters other than `\n`,
        /// `\r` and `\t` (`char::is_control`: C0, DEL and C1), wherever
        /// they are: first, last, next to each other, after 0xC2 leads of
        /// other characters (NBSP, `£`), among Thai and Chinese.
        #[test]
        fn warnings_count_the_control_characters(
            text in "([a-z ]{0,20}|[\u{0}-\u{1F}\u{7F}-\u{A3}]|[ก-ฮ新闻。]{0,4}){0,10}"
        ) {
            let controls = text
                .chars()
                .filter(|&c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
                .count();
            let expected: Vec<String> = if controls == 0 {
                Vec::new()
            } else {
                vec![format!("text contains {controls} control character(s); kept as is")]
            };
            proptest::prop_assert_eq!(warnings(&text), expected);
        }

        /// `trim` is std's, with whitespace of every width at either end,
        /// next to characters of one to four bytes.
        #[test]
        fn trim_is_std_trim(
            text in "([ \t\n\u{A0}\u{85}\u{2009}\u{3000}]{0,2}|[a.中。𠀋ก]{0,3}|\u{2028}){0,6}"
        ) {
            proptest::prop_assert_eq!(trim(&text), text.trim());
        }

        /// The lead-byte walk finds the non-ASCII characters and their
        /// offsets in order: next to each other, and after runs of ASCII
        /// shorter and longer than the chunks it skips.
        #[test]
        fn non_ascii_chars_are_the_chars_outside_ascii(text in "([a-c .]{0,40}|[é–“€]|\\PC){0,12}") {
            let expected: Vec<(usize, char)> =
                text.char_indices().filter(|(_, c)| !c.is_ascii()).collect();
            proptest::prop_assert_eq!(non_ascii_char_indices(&text).collect::<Vec<_>>(), expected.clone());
            let chars: Vec<char> = expected.into_iter().map(|(_, c)| c).collect();
            proptest::prop_assert_eq!(non_ascii_chars(&text).collect::<Vec<_>>(), chars);
        }
    }

    /// Every code point outside ASCII is decoded, after ASCII and after
    /// itself.
    #[test]
    fn the_walk_decodes_every_character() {
        for c in (0x80..=0x10FFFF_u32).filter_map(char::from_u32) {
            let text = format!("a{c}{c}");
            let expected = [(1, c), (1 + c.len_utf8(), c)];
            assert!(
                non_ascii_char_indices(&text).eq(expected),
                "U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn offsets_in_three_units() {
        let text = "Héllo wörld. 😀 Next one.";
        let seg = segment(text, None, Some("en"), &SegmentOptions::default());
        assert_eq!(seg.sentences.len(), 2);
        let second = &seg.sentences[1];
        assert_eq!(second.text(text), "😀 Next one.");
        let prefix = &text[..second.start];
        assert_eq!(second.char_start, prefix.chars().count());
        assert_eq!(second.utf16_start, prefix.encode_utf16().count());
        assert_eq!(
            second.utf16_end - second.utf16_start,
            "😀 Next one.".encode_utf16().count()
        );
    }
}
