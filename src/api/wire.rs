//! Hand-written protobuf writers for the messages that make up most of a
//! Process or Prepare answer: segments and sentences, and the counts,
//! placeholders and score components inside them. They write the same bytes
//! as prost's generated `encode_raw` (tests below and in `codec` compare
//! them), with the one-byte varints that keys, small numbers and short
//! lengths are written inline: prost's `encode_varint` is a call and a
//! ten-step loop for each of the ~3,200 varints of a 5 KB article's answer
//! (docs/PERFORMANCE.md, sixteenth session).
//!
//! Each message is listed with its fields' tags and types, like its
//! definition in the proto, and the list names every field: a field added
//! to the proto does not compile until it is listed here.

use std::collections::BTreeMap;

use prost::Message;
use prost::bytes::BufMut;
use prost::encoding::{WireType, encode_varint, encoded_len_varint};

use crate::api::pb;

/// A message whose fields this module writes.
pub trait WriteRaw: Message {
    /// The bytes of `self.encode_raw(buf)`.
    fn write_raw(&self, buf: &mut impl BufMut);
}

/// A varint: one or two bytes inline (keys, flags, small numbers, offsets
/// and lengths below 16,384), longer ones by prost.
#[inline(always)]
fn varint(value: u64, buf: &mut impl BufMut) {
    if value < 0x80 {
        buf.put_u8(value as u8);
    } else if value < 0x4000 {
        buf.put_slice(&[(value as u8) | 0x80, (value >> 7) as u8]);
    } else {
        encode_varint(value, buf);
    }
}

/// The key of field `tag` (a constant wherever it is called, so the branch
/// in [`varint`] folds away).
#[inline(always)]
fn key(tag: u32, wire_type: WireType, buf: &mut impl BufMut) {
    varint(u64::from(tag << 3 | wire_type as u32), buf);
}

/// A proto3 `uint32` field: left out when zero.
#[inline(always)]
fn uint32(tag: u32, value: &u32, buf: &mut impl BufMut) {
    if *value != 0 {
        key(tag, WireType::Varint, buf);
        varint(u64::from(*value), buf);
    }
}

/// A proto3 enum field: left out when zero; negative values are written
/// as ten-byte varints, like `int32`.
#[inline(always)]
fn enumeration(tag: u32, value: &i32, buf: &mut impl BufMut) {
    if *value != 0 {
        key(tag, WireType::Varint, buf);
        varint(i64::from(*value) as u64, buf);
    }
}

#[inline(always)]
fn boolean(tag: u32, value: &bool, buf: &mut impl BufMut) {
    if *value {
        key(tag, WireType::Varint, buf);
        buf.put_u8(1);
    }
}

/// A proto3 `double` field: left out when it compares equal to zero (as
/// prost does: -0.0 is left out, NaN written).
#[inline(always)]
fn double(tag: u32, value: &f64, buf: &mut impl BufMut) {
    if *value != 0.0 {
        key(tag, WireType::SixtyFourBit, buf);
        buf.put_f64_le(*value);
    }
}

/// An `optional double` field: written when present, zero included.
#[inline(always)]
fn optional_double(tag: u32, value: &Option<f64>, buf: &mut impl BufMut) {
    if let Some(value) = value {
        key(tag, WireType::SixtyFourBit, buf);
        buf.put_f64_le(*value);
    }
}

/// Length-delimited bytes (a string, or a repeated string's element).
#[inline(always)]
fn delimited(tag: u32, bytes: &[u8], buf: &mut impl BufMut) {
    key(tag, WireType::LengthDelimited, buf);
    varint(bytes.len() as u64, buf);
    buf.put_slice(bytes);
}

/// A proto3 `string` field: left out when empty.
#[inline(always)]
fn string(tag: u32, value: &str, buf: &mut impl BufMut) {
    if !value.is_empty() {
        delimited(tag, value.as_bytes(), buf);
    }
}

/// A `repeated string` field: every element, empty ones included.
fn strings(tag: u32, values: &[String], buf: &mut impl BufMut) {
    for value in values {
        delimited(tag, value.as_bytes(), buf);
    }
}

/// A nested message, with its length.
#[inline(always)]
fn nested(tag: u32, value: &impl WriteRaw, buf: &mut impl BufMut) {
    nested_of_length(tag, value.encoded_len(), value, buf);
}

/// A nested message whose encoded length the caller knows.
#[inline(always)]
pub fn nested_of_length(tag: u32, length: usize, value: &impl WriteRaw, buf: &mut impl BufMut) {
    key(tag, WireType::LengthDelimited, buf);
    varint(length as u64, buf);
    value.write_raw(buf);
}

/// A message field: written when present.
fn message(tag: u32, value: &Option<impl WriteRaw>, buf: &mut impl BufMut) {
    if let Some(value) = value {
        nested(tag, value, buf);
    }
}

/// A `repeated` message field.
fn messages(tag: u32, values: &[impl WriteRaw], buf: &mut impl BufMut) {
    for value in values {
        nested(tag, value, buf);
    }
}

/// A `map<string, string>` field, entries as prost writes them: a key or
/// value equal to the default (empty) is left out of its entry.
fn string_map(tag: u32, values: &BTreeMap<String, String>, buf: &mut impl BufMut) {
    let field_len = |s: &String| {
        if s.is_empty() {
            0
        } else {
            1 + encoded_len_varint(s.len() as u64) + s.len()
        }
    };
    for (map_key, value) in values {
        key(tag, WireType::LengthDelimited, buf);
        varint((field_len(map_key) + field_len(value)) as u64, buf);
        string(1, map_key, buf);
        string(2, value, buf);
    }
}

/// Implements [`WriteRaw`] for a message from its fields, each with the
/// writer of its type and its tag, in tag order (the order prost writes).
/// The pattern names every field: one missing here does not compile.
macro_rules! write_raw {
    ($($message:ident)::+ { $($field:ident: $writer:ident($tag:literal)),+ $(,)? }) => {
        impl WriteRaw for $($message)::+ {
            fn write_raw(&self, buf: &mut impl BufMut) {
                let $($message)::+ { $($field),+ } = self;
                $($writer($tag, $field, buf);)+
            }
        }
    };
}

write_raw!(pb::TranslationSegment {
    id: string(1),
    index: uint32(2),
    text: string(3),
    start: uint32(4),
    end: uint32(5),
    char_start: uint32(6),
    char_end: uint32(7),
    utf16_start: uint32(8),
    utf16_end: uint32(9),
    paragraph: uint32(10),
    kind: enumeration(11),
    protected_text: string(12),
    placeholders: messages(13),
    counts: message(14),
    in_summary: boolean(15),
    prev_id: string(16),
    next_id: string(17),
    gap_after: string(18),
    batch: uint32(19),
    html: string(20),
    xliff: string(21),
    score: double(22),
    rank: uint32(23),
    exact_hash: string(24),
    normalized_hash: string(25),
    repetition_of: string(26),
    resegmented: boolean(27),
    flags: strings(28),
});

write_raw!(pb::Placeholder {
    id: uint32(1),
    kind: string(2),
    text: string(3),
    token: string(4),
    start: uint32(5),
    end: uint32(6),
    role: string(7),
    pair: uint32(8),
    translations: string_map(9),
});

write_raw!(pb::Counts {
    bytes: uint32(1),
    code_points: uint32(2),
    utf16_units: uint32(3),
    graphemes: uint32(4),
    words: uint32(5),
    gmx_words: optional_double(6),
    placeholders: uint32(7),
});

write_raw!(pb::ScoredSentence {
    index: uint32(1),
    text: string(2),
    start: uint32(3),
    end: uint32(4),
    char_start: uint32(5),
    char_end: uint32(6),
    utf16_start: uint32(7),
    utf16_end: uint32(8),
    paragraph: uint32(9),
    kind: enumeration(10),
    boundary_rule: string(11),
    score: double(12),
    components: message(13),
    selected: boolean(14),
    rank: uint32(15),
});

write_raw!(pb::ScoreComponents {
    tfidf: double(1),
    position: double(2),
    title: double(3),
    length: double(4),
    boilerplate: double(5),
    centrality: double(6),
});

#[cfg(test)]
mod tests {
    use proptest::collection::{btree_map, vec};
    use proptest::prelude::*;

    use super::WriteRaw;
    use crate::api::pb;

    /// Strings of every length class: empty, short, and past the one- and
    /// two-byte varint lengths (127, 16,383 bytes), with non-ASCII text.
    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            "[a-z é中{}<>&]{1,12}",
            (1usize..3).prop_map(|n| "ab".repeat(64 * n)),
            Just("x".repeat(16_384)),
        ]
    }

    /// Numbers around the one-, two- and three-byte varint edges.
    fn number() -> impl Strategy<Value = u32> {
        prop_oneof![
            Just(0u32),
            Just(127),
            Just(128),
            Just(16_383),
            Just(16_384),
            Just(u32::MAX),
            any::<u32>(),
        ]
    }

    /// Doubles prost treats specially: zero and negative zero (left out),
    /// NaN and infinities (written).
    fn double() -> impl Strategy<Value = f64> {
        prop_oneof![
            Just(0.0),
            Just(-0.0),
            Just(f64::NAN),
            Just(f64::INFINITY),
            any::<f64>(),
        ]
    }

    fn placeholder() -> impl Strategy<Value = pb::Placeholder> {
        (
            (number(), text(), text(), text()),
            (number(), number(), text(), number()),
            btree_map(text(), text(), 0..3),
        )
            .prop_map(
                |((id, kind, text, token), (start, end, role, pair), translations)| {
                    pb::Placeholder {
                        id,
                        kind,
                        text,
                        token,
                        start,
                        end,
                        role,
                        pair,
                        translations,
                    }
                },
            )
    }

    fn counts() -> impl Strategy<Value = pb::Counts> {
        (
            (number(), number(), number(), number()),
            (number(), proptest::option::of(double()), number()),
        )
            .prop_map(
                |(
                    (bytes, code_points, utf16_units, graphemes),
                    (words, gmx_words, placeholders),
                )| {
                    pb::Counts {
                        bytes,
                        code_points,
                        utf16_units,
                        graphemes,
                        words,
                        gmx_words,
                        placeholders,
                    }
                },
            )
    }

    fn segment() -> impl Strategy<Value = pb::TranslationSegment> {
        (
            (text(), number(), text(), number(), number(), number()),
            (number(), number(), number(), number(), any::<i32>(), text()),
            (
                vec(placeholder(), 0..3),
                proptest::option::of(counts()),
                any::<bool>(),
            ),
            (text(), text(), text(), number(), text(), text()),
            (double(), number(), text(), text(), text(), any::<bool>()),
            vec(text(), 0..3),
        )
            .prop_map(|(a, b, c, d, e, flags)| pb::TranslationSegment {
                id: a.0,
                index: a.1,
                text: a.2,
                start: a.3,
                end: a.4,
                char_start: a.5,
                char_end: b.0,
                utf16_start: b.1,
                utf16_end: b.2,
                paragraph: b.3,
                kind: b.4,
                protected_text: b.5,
                placeholders: c.0,
                counts: c.1,
                in_summary: c.2,
                prev_id: d.0,
                next_id: d.1,
                gap_after: d.2,
                batch: d.3,
                html: d.4,
                xliff: d.5,
                score: e.0,
                rank: e.1,
                exact_hash: e.2,
                normalized_hash: e.3,
                repetition_of: e.4,
                resegmented: e.5,
                flags,
            })
    }

    fn sentence() -> impl Strategy<Value = pb::ScoredSentence> {
        let components = (double(), double(), double(), double(), double(), double()).prop_map(
            |(tfidf, position, title, length, boilerplate, centrality)| pb::ScoreComponents {
                tfidf,
                position,
                title,
                length,
                boilerplate,
                centrality,
            },
        );
        (
            (number(), text(), number(), number(), number(), number()),
            (number(), number(), number(), any::<i32>(), text(), double()),
            (proptest::option::of(components), any::<bool>(), number()),
        )
            .prop_map(|(a, b, c)| pb::ScoredSentence {
                index: a.0,
                text: a.1,
                start: a.2,
                end: a.3,
                char_start: a.4,
                char_end: a.5,
                utf16_start: b.0,
                utf16_end: b.1,
                paragraph: b.2,
                kind: b.3,
                boundary_rule: b.4,
                score: b.5,
                components: c.0,
                selected: c.1,
                rank: c.2,
            })
    }

    fn written(message: &impl WriteRaw) -> Vec<u8> {
        let mut buf = Vec::new();
        message.write_raw(&mut buf);
        buf
    }

    fn prosts(message: &impl prost::Message) -> Vec<u8> {
        let mut buf = Vec::new();
        message.encode_raw(&mut buf);
        buf
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn segments_are_prosts_bytes(segment in segment()) {
            prop_assert_eq!(written(&segment), prosts(&segment));
        }

        #[test]
        fn sentences_are_prosts_bytes(sentence in sentence()) {
            prop_assert_eq!(written(&sentence), prosts(&sentence));
        }
    }
}
