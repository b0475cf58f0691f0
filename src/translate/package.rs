//! Segment packages: one translation segment per sentence, stable ids, the
//! whitespace between segments, and batches sized for translation engines.

use std::collections::HashMap;

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

use crate::summarize::Summary;
use crate::text::tokenize::word_count;
use crate::text::{Segmentation, SentenceKind};
use crate::translate::protect::{self, Placeholder};

/// Which sentences to package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    #[default]
    All,
    /// The headline and the summary sentences.
    Summary,
}

/// Limits of one batch; 0 means unlimited.
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

/// Packaging options.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PackageOptions {
    pub document_id: String,
    pub target_langs: Vec<String>,
    pub limits: BatchLimits,
    pub scope: Scope,
}

/// Size counts of a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub bytes: usize,
    pub code_points: usize,
    pub utf16_units: usize,
    pub graphemes: usize,
    pub words: usize,
}

impl Counts {
    pub fn of(text: &str, language: &str) -> Counts {
        Counts {
            bytes: text.len(),
            code_points: text.chars().count(),
            utf16_units: text.encode_utf16().count(),
            graphemes: text.graphemes(true).count(),
            words: word_count(text, language),
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
    pub protected_text: String,
    pub placeholders: Vec<Placeholder>,
    pub counts: Counts,
    pub in_summary: bool,
    pub prev_id: String,
    pub next_id: String,
    /// Source text between this segment and the next sentence (whitespace).
    pub gap_after: String,
    pub batch: usize,
}

/// A batch of segment ids that fits the limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Batch {
    pub index: usize,
    pub segment_ids: Vec<String>,
    pub code_points: usize,
    pub bytes: usize,
    pub oversized: bool,
}

/// The translation package of one document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Package {
    /// Source text before the first sentence.
    pub leading: String,
    pub segments: Vec<TranslationSegment>,
    pub batches: Vec<Batch>,
}

/// Builds the package of a segmented, summarized document.
pub fn build(
    text: &str,
    segmentation: &Segmentation,
    summary: &Summary,
    options: &PackageOptions,
) -> Package {
    let sentences = &segmentation.sentences;
    let document_id = if options.document_id.is_empty() {
        "doc"
    } else {
        options.document_id.as_str()
    };
    let mut occurrences: HashMap<(usize, String), usize> = HashMap::new();
    let mut segments: Vec<TranslationSegment> = Vec::new();
    for (i, sentence) in sentences.iter().enumerate() {
        let in_summary = summary.scores.get(i).is_some_and(|s| s.selected);
        if options.scope == Scope::Summary && !in_summary && sentence.kind != SentenceKind::Headline
        {
            continue;
        }
        let slice = sentence.text(text);
        let normalized = normalize(slice);
        let occurrence = occurrences
            .entry((sentence.paragraph, normalized.clone()))
            .or_insert(0);
        let id = stable_id(document_id, sentence.paragraph, &normalized, *occurrence);
        *occurrence += 1;
        let gap_end = sentences.get(i + 1).map_or(text.len(), |next| next.start);
        let placeholders = protect::find(slice);
        segments.push(TranslationSegment {
            id,
            index: i,
            text: slice.to_string(),
            start: sentence.start,
            end: sentence.end,
            char_start: sentence.char_start,
            char_end: sentence.char_end,
            utf16_start: sentence.utf16_start,
            utf16_end: sentence.utf16_end,
            paragraph: sentence.paragraph,
            kind: sentence.kind,
            protected_text: protect::protected_text(slice, &placeholders),
            placeholders,
            counts: Counts::of(slice, &segmentation.language),
            in_summary,
            prev_id: String::new(),
            next_id: String::new(),
            gap_after: text[sentence.end..gap_end].to_string(),
            batch: 0,
        });
    }
    for i in 0..segments.len() {
        if i > 0 {
            segments[i].prev_id = segments[i - 1].id.clone();
        }
        if i + 1 < segments.len() {
            segments[i].next_id = segments[i + 1].id.clone();
        }
    }
    let batches = pack(&mut segments, &options.limits);
    Package {
        leading: text[..sentences.first().map_or(text.len(), |s| s.start)].to_string(),
        segments,
        batches,
    }
}

/// NFC, whitespace folded to single spaces.
fn normalize(text: &str) -> String {
    let nfc: String = text.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A content-derived id: xxh3 of (document id, paragraph, normalized text,
/// occurrence), 16 hex digits.
fn stable_id(document_id: &str, paragraph: usize, normalized: &str, occurrence: usize) -> String {
    let key = format!("{document_id}\u{0}{paragraph}\u{0}{normalized}\u{0}{occurrence}");
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(key.as_bytes()))
}

/// Greedy packing in document order; a segment is never split, and one that
/// exceeds a limit alone gets a batch of its own, flagged `oversized`.
fn pack(segments: &mut [TranslationSegment], limits: &BatchLimits) -> Vec<Batch> {
    let within = |limit: usize, value: usize| limit == 0 || value <= limit;
    let mut batches: Vec<Batch> = Vec::new();
    let mut current: Option<Batch> = None;
    for segment in segments.iter_mut() {
        let (chars, bytes) = (segment.counts.code_points, segment.counts.bytes);
        let alone_fits = within(limits.max_code_points, chars) && within(limits.max_bytes, bytes);
        if let Some(batch) = current.as_mut() {
            let fits = alone_fits
                && !batch.oversized
                && within(limits.max_segments, batch.segment_ids.len() + 1)
                && within(limits.max_code_points, batch.code_points + chars)
                && within(limits.max_bytes, batch.bytes + bytes);
            if fits {
                batch.segment_ids.push(segment.id.clone());
                batch.code_points += chars;
                batch.bytes += bytes;
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
            code_points: chars,
            bytes,
            oversized: !alone_fits,
        });
    }
    batches.extend(current);
    batches
}
