//! The gRPC codec of the generated services: `tonic_prost::ProstCodec`,
//! except that the encoder reserves a message's encoded length before it
//! writes the message, and computes the lengths of the segments and
//! sentences of the largest answers once.
//!
//! tonic encodes into a buffer that starts at 8 KiB. A Process answer for a
//! 5 KB article is ~36 KB, so prost's writes grew the buffer three times,
//! copying what was already written each time; encoding was 7% of the
//! server's CPU under load. prost computes the length before writing anyway,
//! so reserving it costs nothing more.
//!
//! prost writes a nested message as its length and then its fields, and
//! computes that length when it writes it: the length of a segment of a
//! Process answer was computed three times (for the buffer, for the
//! package, for the segment), and with it the lengths of the segment's
//! placeholders. [`encode`] writes the answers of Process and Prepare in the
//! same bytes with each segment's and sentence's length computed once
//! (-36,000 instructions of the 1.28 M of a call, docs/performance-history.md), and
//! the segments and sentences themselves written by [`crate::api::wire`]'s
//! hand-written writers (-30,000 more).

use std::any::Any;
use std::marker::PhantomData;

use prost::Message;
use prost::bytes::BufMut;
use prost::encoding::{WireType, encode_key, encode_varint, encoded_len_varint, key_len};
use tonic::Status;

use crate::api::pb;
use crate::api::wire::{self, WriteRaw};
use tonic::codec::{BufferSettings, Codec, EncodeBuf, Encoder};
use tonic_prost::{ProstCodec, ProstDecoder};

/// [`ProstCodec`] with a [`SizedEncoder`].
#[derive(Debug, Clone)]
pub struct SizedProstCodec<T, U> {
    _messages: PhantomData<(T, U)>,
}

impl<T, U> Default for SizedProstCodec<T, U> {
    fn default() -> Self {
        SizedProstCodec {
            _messages: PhantomData,
        }
    }
}

impl<T, U> Codec for SizedProstCodec<T, U>
where
    T: Message + Send + 'static,
    U: Message + Default + Send + 'static,
{
    type Encode = T;
    type Decode = U;
    type Encoder = SizedEncoder<T>;
    type Decoder = ProstDecoder<U>;

    fn encoder(&mut self) -> SizedEncoder<T> {
        SizedEncoder {
            _message: PhantomData,
        }
    }

    fn decoder(&mut self) -> ProstDecoder<U> {
        ProstCodec::<T, U>::raw_decoder(BufferSettings::default())
    }
}

/// Encodes a prost message with [`encode`].
#[derive(Debug, Clone)]
pub struct SizedEncoder<T> {
    _message: PhantomData<T>,
}

impl<T: Message + 'static> Encoder for SizedEncoder<T> {
    type Item = T;
    type Error = Status;

    fn encode(&mut self, item: T, buf: &mut EncodeBuf<'_>) -> Result<(), Status> {
        encode(item, buf);
        Ok(())
    }

    fn buffer_settings(&self) -> BufferSettings {
        BufferSettings::default()
    }
}

/// A buffer that can grow to a length before it is written.
pub trait Reserve: BufMut {
    fn reserve_bytes(&mut self, additional: usize);
}

impl Reserve for EncodeBuf<'_> {
    fn reserve_bytes(&mut self, additional: usize) {
        self.reserve(additional);
    }
}

impl Reserve for Vec<u8> {
    fn reserve_bytes(&mut self, additional: usize) {
        self.reserve(additional);
    }
}

/// Writes `message` to `buf` (grown once, to its length): the bytes of
/// `message.encode_raw`, with the segments and sentences of Process and
/// Prepare answers measured once each (see the module documentation).
pub fn encode<T: Message + 'static>(mut message: T, buf: &mut impl Reserve) {
    let any: &mut dyn Any = &mut message;
    if let Some(response) = any.downcast_mut::<pb::ProcessResponse>() {
        return ProcessParts::new(std::mem::take(response)).write(buf);
    }
    if let Some(response) = any.downcast_mut::<pb::PrepareResponse>() {
        return PrepareParts::new(std::mem::take(response)).write(buf);
    }
    buf.reserve_bytes(message.encoded_len());
    message.encode_raw(buf);
}

/// A repeated message field with the length of each element.
struct Repeated<M> {
    tag: u32,
    items: Vec<M>,
    lengths: Vec<usize>,
}

impl<M: WriteRaw> Repeated<M> {
    fn new(tag: u32, items: Vec<M>) -> Repeated<M> {
        let lengths = items.iter().map(Message::encoded_len).collect();
        Repeated {
            tag,
            items,
            lengths,
        }
    }

    fn encoded_len(&self) -> usize {
        self.lengths.iter().map(|&l| nested_len(self.tag, l)).sum()
    }

    fn write(&self, buf: &mut impl BufMut) {
        for (item, &length) in self.items.iter().zip(&self.lengths) {
            wire::nested_of_length(self.tag, length, item, buf);
        }
    }
}

/// The length of a nested message field written with its key and length.
fn nested_len(tag: u32, length: usize) -> usize {
    key_len(tag) + encoded_len_varint(length as u64) + length
}

/// A message split at one repeated message field: the fields before and
/// after it are written by prost, in field order.
struct Split<M, E> {
    before: M,
    items: Repeated<E>,
    after: M,
}

impl<M: Message, E: WriteRaw> Split<M, E> {
    fn encoded_len(&self) -> usize {
        self.before.encoded_len() + self.items.encoded_len() + self.after.encoded_len()
    }

    fn write(&self, buf: &mut impl BufMut) {
        self.before.encode_raw(buf);
        self.items.write(buf);
        self.after.encode_raw(buf);
    }
}

/// A [`pb::Package`] split at its segments (field 2), and its length.
struct PackageParts {
    split: Split<pb::Package, pb::TranslationSegment>,
    length: usize,
}

impl PackageParts {
    fn new(package: pb::Package) -> PackageParts {
        // Every field named: a field added to the message does not compile
        // until it is placed here.
        let pb::Package {
            leading,
            segments,
            batches,
            engine,
            engine_targets,
            renditions,
        } = package;
        let split = Split {
            before: pb::Package {
                leading,
                ..Default::default()
            },
            items: Repeated::new(2, segments),
            after: pb::Package {
                batches,
                engine,
                engine_targets,
                renditions,
                ..Default::default()
            },
        };
        let length = split.encoded_len();
        PackageParts { split, length }
    }
}

/// A [`pb::ProcessResponse`] split at its sentences (field 4) and its
/// package (field 7).
struct ProcessParts {
    before: pb::ProcessResponse,
    sentences: Repeated<pb::ScoredSentence>,
    between: pb::ProcessResponse,
    package: Option<PackageParts>,
    after: pb::ProcessResponse,
}

impl ProcessParts {
    fn new(response: pb::ProcessResponse) -> ProcessParts {
        let pb::ProcessResponse {
            language,
            language_detected,
            title,
            sentences,
            summary,
            selected,
            package,
            target_langs,
            warnings,
        } = response;
        ProcessParts {
            before: pb::ProcessResponse {
                language,
                language_detected,
                title,
                ..Default::default()
            },
            sentences: Repeated::new(4, sentences),
            between: pb::ProcessResponse {
                summary,
                selected,
                ..Default::default()
            },
            package: package.map(PackageParts::new),
            after: pb::ProcessResponse {
                target_langs,
                warnings,
                ..Default::default()
            },
        }
    }

    fn write(&self, buf: &mut impl Reserve) {
        let package_len = self.package.as_ref().map_or(0, |p| nested_len(7, p.length));
        buf.reserve_bytes(
            self.before.encoded_len()
                + self.sentences.encoded_len()
                + self.between.encoded_len()
                + package_len
                + self.after.encoded_len(),
        );
        self.before.encode_raw(buf);
        self.sentences.write(buf);
        self.between.encode_raw(buf);
        if let Some(package) = &self.package {
            encode_key(7, WireType::LengthDelimited, buf);
            encode_varint(package.length as u64, buf);
            package.split.write(buf);
        }
        self.after.encode_raw(buf);
    }
}

/// A [`pb::PrepareResponse`] split at its segments (field 6).
struct PrepareParts(Split<pb::PrepareResponse, pb::TranslationSegment>);

impl PrepareParts {
    fn new(response: pb::PrepareResponse) -> PrepareParts {
        let pb::PrepareResponse {
            language,
            language_detected,
            title,
            target_langs,
            leading,
            segments,
            batches,
            warnings,
            engine,
            engine_targets,
            renditions,
        } = response;
        PrepareParts(Split {
            before: pb::PrepareResponse {
                language,
                language_detected,
                title,
                target_langs,
                leading,
                ..Default::default()
            },
            items: Repeated::new(6, segments),
            after: pb::PrepareResponse {
                batches,
                warnings,
                engine,
                engine_targets,
                renditions,
                ..Default::default()
            },
        })
    }

    fn write(&self, buf: &mut impl Reserve) {
        buf.reserve_bytes(self.0.encoded_len());
        self.0.write(buf);
    }
}

#[cfg(test)]
mod tests {
    use prost::Message;

    use super::encode;
    use crate::api::{convert, pb};
    use crate::engine::{Engine, Request};

    /// A request that fills every field of the answers: two targets, both
    /// renditions, an engine, a title and an empty first line (`leading`).
    fn request() -> Request {
        Request {
            text: format!("\n{}", include_str!("../../examples/seed_article.txt")),
            title: Some("Floods close schools".to_string()),
            target_langs: vec!["vi".to_string(), "th".to_string()],
            engine: Some("deepl".to_string()),
            formats: vec!["xliff-2.1".to_string(), "jsonl".to_string()],
            ..Request::default()
        }
    }

    fn written<T: Message + Clone + 'static>(message: &T) -> Vec<u8> {
        let mut buf = Vec::new();
        encode(message.clone(), &mut buf);
        buf
    }

    #[test]
    fn process_answers_are_prosts_bytes() {
        let engine = Engine::default();
        let request = request();
        let validated = engine.validate(&request).unwrap();
        let processed = engine.process(&validated).unwrap();
        let response =
            convert::process_response(&request.text, processed, &validated.package.target_langs);
        let package = response.package.as_ref().unwrap();
        assert!(!response.sentences.is_empty() && !response.selected.is_empty());
        assert!(!package.leading.is_empty() && !package.batches.is_empty());
        assert!(package.renditions.len() >= 2 && !package.engine_targets.is_empty());
        assert_eq!(written(&response), response.encode_to_vec());
        // Without a package, the field is left out as prost leaves it out.
        let bare = pb::ProcessResponse {
            package: None,
            ..response
        };
        assert_eq!(written(&bare), bare.encode_to_vec());
    }

    #[test]
    fn prepare_answers_are_prosts_bytes() {
        let engine = Engine::default();
        let request = request();
        let validated = engine.validate(&request).unwrap();
        let processed = engine.process(&validated).unwrap();
        let response = convert::prepare_response(processed, &validated.package.target_langs);
        assert!(!response.segments.is_empty() && !response.renditions.is_empty());
        assert_eq!(written(&response), response.encode_to_vec());
    }

    #[test]
    fn other_messages_are_written_by_prost() {
        let request = pb::ProcessRequest {
            text: "One. Two.".to_string(),
            ..Default::default()
        };
        assert_eq!(written(&request), request.encode_to_vec());
    }
}
