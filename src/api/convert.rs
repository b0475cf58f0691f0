//! Protobuf messages <-> core types. No logic beyond field mapping.

use crate::api::pb;
use crate::engine::{BudgetFields, Processed, Request, WeightFields};
use crate::summarize::{SentenceScore, Summary};
use crate::text::{SegmentOptions, Segmentation, Sentence, SentenceKind};
use crate::translate::{
    Batch, BatchLimits, Counts, EngineTarget, GlossaryEntry, MarkupRole, Package, Placeholder,
    PlaceholderKind, Scope, Translation, TranslationSegment, TranslationStyle,
};

fn segment_options(options: Option<pb::SegmentOptions>) -> SegmentOptions {
    let options = options.unwrap_or_default();
    SegmentOptions {
        extra_abbreviations: options.extra_abbreviations,
        one_sentence_per_line: options.one_sentence_per_line,
    }
}

fn weights(weights: Option<pb::ScoringWeights>) -> WeightFields {
    let weights = weights.unwrap_or_default();
    WeightFields {
        tfidf: weights.tfidf,
        position: weights.position,
        title: weights.title,
        length: weights.length,
        redundancy: weights.redundancy,
        centrality: weights.centrality,
    }
}

fn budget(
    max_sentences: Option<i32>,
    ratio: Option<f64>,
    max_words: Option<i32>,
    max_chars: Option<i32>,
) -> BudgetFields {
    BudgetFields {
        max_sentences: max_sentences.map(i64::from),
        ratio,
        max_words: max_words.map(i64::from),
        max_chars: max_chars.map(i64::from),
    }
}

fn non_empty(s: String) -> Option<String> {
    if s.is_empty() { None } else { Some(s) }
}

fn batch_limits(limits: Option<pb::BatchLimits>) -> Option<BatchLimits> {
    limits.map(|l| BatchLimits {
        max_segments: l.max_segments as usize,
        max_code_points: l.max_code_points as usize,
        max_bytes: l.max_bytes as usize,
    })
}

fn scope(value: i32) -> Scope {
    if value == pb::Scope::Summary as i32 {
        Scope::Summary
    } else {
        Scope::All
    }
}

impl From<pb::SegmentRequest> for Request {
    fn from(r: pb::SegmentRequest) -> Request {
        Request {
            text: r.text,
            title: non_empty(r.title),
            language: non_empty(r.language),
            segmentation: segment_options(r.segmentation),
            ..Request::default()
        }
    }
}

impl From<pb::SummarizeRequest> for Request {
    fn from(r: pb::SummarizeRequest) -> Request {
        Request {
            text: r.text,
            title: non_empty(r.title),
            language: non_empty(r.language),
            segmentation: segment_options(r.segmentation),
            budget: budget(r.max_sentences, r.ratio, r.max_words, r.max_chars),
            weights: weights(r.weights),
            ..Request::default()
        }
    }
}

impl From<pb::PrepareRequest> for Request {
    fn from(r: pb::PrepareRequest) -> Request {
        Request {
            text: r.text,
            title: non_empty(r.title),
            language: non_empty(r.language),
            segmentation: segment_options(r.segmentation),
            budget: budget(r.max_sentences, r.ratio, r.max_words, r.max_chars),
            weights: weights(r.weights),
            document_id: r.document_id,
            target_langs: r.target_langs,
            limits: batch_limits(r.limits),
            scope: scope(r.scope),
            content_type: non_empty(r.content_type),
            engine: non_empty(r.engine),
            glossary: glossary(r.glossary),
            formats: r.formats,
            allow_resegment: r.allow_resegment,
        }
    }
}

impl From<pb::ProcessRequest> for Request {
    fn from(r: pb::ProcessRequest) -> Request {
        Request {
            text: r.text,
            title: non_empty(r.title),
            language: non_empty(r.language),
            segmentation: segment_options(r.segmentation),
            budget: budget(r.max_sentences, r.ratio, r.max_words, r.max_chars),
            weights: weights(r.weights),
            document_id: r.document_id,
            target_langs: r.target_langs,
            limits: batch_limits(r.limits),
            scope: scope(r.scope),
            content_type: non_empty(r.content_type),
            engine: non_empty(r.engine),
            glossary: glossary(r.glossary),
            formats: r.formats,
            allow_resegment: r.allow_resegment,
        }
    }
}

fn glossary(entries: Vec<pb::GlossaryEntry>) -> Vec<GlossaryEntry> {
    entries
        .into_iter()
        .map(|e| GlossaryEntry {
            term: e.term,
            translations: e.translations.into_iter().collect(),
        })
        .collect()
}

fn kind(kind: SentenceKind) -> i32 {
    (match kind {
        SentenceKind::Body => pb::SentenceKind::Body,
        SentenceKind::Headline => pb::SentenceKind::Headline,
        SentenceKind::Metadata => pb::SentenceKind::Metadata,
        SentenceKind::Heading => pb::SentenceKind::Heading,
    }) as i32
}

/// A count or offset as the messages' `u32` (saturating: texts are far
/// below 4 GiB).
pub fn u32_of(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn sentence(text: &str, s: &Sentence) -> pb::Sentence {
    pb::Sentence {
        index: u32_of(s.index),
        text: s.text(text).to_string(),
        start: u32_of(s.start),
        end: u32_of(s.end),
        char_start: u32_of(s.char_start),
        char_end: u32_of(s.char_end),
        utf16_start: u32_of(s.utf16_start),
        utf16_end: u32_of(s.utf16_end),
        paragraph: u32_of(s.paragraph),
        kind: kind(s.kind),
        boundary_rule: s.boundary_rule.as_str().to_string(),
    }
}

fn scored_sentence(text: &str, s: &Sentence, score: &SentenceScore) -> pb::ScoredSentence {
    let c = &score.components;
    pb::ScoredSentence {
        index: u32_of(s.index),
        text: s.text(text).to_string(),
        start: u32_of(s.start),
        end: u32_of(s.end),
        char_start: u32_of(s.char_start),
        char_end: u32_of(s.char_end),
        utf16_start: u32_of(s.utf16_start),
        utf16_end: u32_of(s.utf16_end),
        paragraph: u32_of(s.paragraph),
        kind: kind(s.kind),
        boundary_rule: s.boundary_rule.as_str().to_string(),
        score: score.score,
        components: Some(pb::ScoreComponents {
            tfidf: c.tfidf,
            position: c.position,
            title: c.title,
            length: c.length,
            boilerplate: c.boilerplate,
            centrality: c.centrality,
        }),
        selected: score.selected,
        rank: u32_of(score.rank),
    }
}

fn scored_sentences(
    text: &str,
    segmentation: &Segmentation,
    summary: &Summary,
) -> Vec<pb::ScoredSentence> {
    segmentation
        .sentences
        .iter()
        .zip(&summary.scores)
        .map(|(s, score)| scored_sentence(text, s, score))
        .collect()
}

fn selected(summary: &Summary) -> Vec<u32> {
    summary.selected.iter().map(|&i| u32_of(i)).collect()
}

fn warnings(segmentation: &Segmentation, summary: Option<&Summary>) -> Vec<String> {
    let mut all = segmentation.warnings.clone();
    if let Some(summary) = summary {
        all.extend(summary.warnings.iter().cloned());
    }
    all
}

pub fn segment_response(text: &str, segmentation: &Segmentation) -> pb::SegmentResponse {
    pb::SegmentResponse {
        language: segmentation.language.clone(),
        language_detected: segmentation.language_detected,
        title: segmentation.title.clone(),
        sentences: segmentation
            .sentences
            .iter()
            .map(|s| sentence(text, s))
            .collect(),
        warnings: warnings(segmentation, None),
    }
}

pub fn summarize_response(
    text: &str,
    segmentation: &Segmentation,
    summary: &Summary,
) -> pb::SummarizeResponse {
    pb::SummarizeResponse {
        language: segmentation.language.clone(),
        language_detected: segmentation.language_detected,
        title: segmentation.title.clone(),
        summary: summary.text(text, segmentation),
        selected: selected(summary),
        sentences: scored_sentences(text, segmentation, summary),
        warnings: warnings(segmentation, Some(summary)),
    }
}

fn translation_segment(s: TranslationSegment) -> pb::TranslationSegment {
    pb::TranslationSegment {
        id: s.id,
        index: u32_of(s.index),
        text: s.text,
        start: u32_of(s.start),
        end: u32_of(s.end),
        char_start: u32_of(s.char_start),
        char_end: u32_of(s.char_end),
        utf16_start: u32_of(s.utf16_start),
        utf16_end: u32_of(s.utf16_end),
        paragraph: u32_of(s.paragraph),
        kind: kind(s.kind),
        protected_text: s.protected_text,
        placeholders: s
            .placeholders
            .into_iter()
            .map(|p| pb::Placeholder {
                id: u32_of(p.id),
                kind: p.kind.as_str().to_string(),
                text: p.text,
                token: p.token,
                start: u32_of(p.start),
                end: u32_of(p.end),
                role: p.role.as_str().to_string(),
                pair: u32_of(p.pair),
                translations: p.translations,
            })
            .collect(),
        counts: Some(pb::Counts {
            bytes: u32_of(s.counts.bytes),
            code_points: u32_of(s.counts.code_points),
            utf16_units: u32_of(s.counts.utf16_units),
            graphemes: u32_of(s.counts.graphemes),
            words: u32_of(s.counts.words),
            gmx_words: s.counts.gmx_words,
            placeholders: u32_of(s.counts.placeholders),
        }),
        in_summary: s.in_summary,
        prev_id: s.prev_id,
        next_id: s.next_id,
        gap_after: s.gap_after,
        batch: u32_of(s.batch),
        html: s.html,
        xliff: s.xliff,
        score: s.score,
        rank: u32_of(s.rank),
        exact_hash: s.exact_hash,
        normalized_hash: s.normalized_hash,
        repetition_of: s.repetition_of,
        resegmented: s.resegmented,
        flags: s.flags,
    }
}

fn batch(b: Batch) -> pb::Batch {
    pb::Batch {
        index: u32_of(b.index),
        segment_ids: b.segment_ids,
        code_points: u32_of(b.code_points),
        bytes: u32_of(b.bytes),
        oversized: b.oversized,
        request_bytes: u32_of(b.request_bytes),
        billed_code_points: u32_of(b.billed_code_points),
    }
}

fn engine_target(t: EngineTarget) -> pb::EngineTarget {
    pb::EngineTarget {
        lang: t.lang,
        engine_code: t.engine_code,
        supported: t.supported,
    }
}

fn package(p: Package) -> pb::Package {
    pb::Package {
        leading: p.leading,
        segments: p.segments.into_iter().map(translation_segment).collect(),
        batches: p.batches.into_iter().map(batch).collect(),
        engine: p.engine,
        engine_targets: p.engine_targets.into_iter().map(engine_target).collect(),
        renditions: p.renditions.into_iter().collect(),
    }
}

/// The Prepare response; consumes `processed` (its strings move into the
/// message instead of being copied).
pub fn prepare_response(processed: Processed, target_langs: &[String]) -> pb::PrepareResponse {
    let warnings = package_warnings(&processed);
    let Processed {
        segmentation,
        package: p,
        ..
    } = processed;
    pb::PrepareResponse {
        language: segmentation.language,
        language_detected: segmentation.language_detected,
        title: segmentation.title,
        target_langs: target_langs.to_vec(),
        leading: p.leading,
        segments: p.segments.into_iter().map(translation_segment).collect(),
        batches: p.batches.into_iter().map(batch).collect(),
        warnings,
        engine: p.engine,
        engine_targets: p.engine_targets.into_iter().map(engine_target).collect(),
        renditions: p.renditions.into_iter().collect(),
    }
}

fn package_warnings(processed: &Processed) -> Vec<String> {
    let mut all = warnings(&processed.segmentation, Some(&processed.summary));
    all.extend(processed.package.warnings.iter().cloned());
    all
}

/// The Process response; consumes `processed` like [`prepare_response`].
pub fn process_response(
    text: &str,
    processed: Processed,
    target_langs: &[String],
) -> pb::ProcessResponse {
    let warnings = package_warnings(&processed);
    let Processed {
        segmentation,
        summary,
        package: p,
    } = processed;
    pb::ProcessResponse {
        sentences: scored_sentences(text, &segmentation, &summary),
        summary: summary.text(text, &segmentation),
        selected: selected(&summary),
        language: segmentation.language,
        language_detected: segmentation.language_detected,
        title: segmentation.title,
        package: Some(package(p)),
        target_langs: target_langs.to_vec(),
        warnings,
    }
}

/// A package segment as sent back in an Assemble request (only what
/// assembly reads: id, text, gap and placeholders).
pub fn segment_from_pb(s: pb::TranslationSegment) -> TranslationSegment {
    let placeholders = s
        .placeholders
        .into_iter()
        .map(|p| Placeholder {
            id: p.id as usize,
            kind: PlaceholderKind::parse(&p.kind).unwrap_or(PlaceholderKind::Markup),
            text: p.text,
            token: p.token,
            start: p.start as usize,
            end: p.end as usize,
            role: MarkupRole::parse(&p.role),
            pair: p.pair as usize,
            translations: p.translations.into_iter().collect(),
        })
        .collect();
    TranslationSegment {
        id: s.id,
        index: s.index as usize,
        text: s.text,
        start: s.start as usize,
        end: s.end as usize,
        char_start: s.char_start as usize,
        char_end: s.char_end as usize,
        utf16_start: s.utf16_start as usize,
        utf16_end: s.utf16_end as usize,
        paragraph: s.paragraph as usize,
        kind: SentenceKind::Body,
        protected_text: s.protected_text,
        html: s.html,
        xliff: s.xliff,
        placeholders,
        counts: Counts::of("", "", &[]),
        in_summary: s.in_summary,
        score: s.score,
        rank: s.rank as usize,
        prev_id: s.prev_id,
        next_id: s.next_id,
        gap_after: s.gap_after,
        batch: s.batch as usize,
        exact_hash: s.exact_hash,
        normalized_hash: s.normalized_hash,
        repetition_of: s.repetition_of,
        resegmented: s.resegmented,
        flags: s.flags,
    }
}

/// The package and translations of an Assemble request. Validation of the
/// style names happens here (`translations[i].style`).
pub fn assemble_parts(
    r: pb::AssembleRequest,
) -> Result<(Package, Vec<Translation>), crate::error::Error> {
    let package = Package {
        leading: r.leading,
        segments: r.segments.into_iter().map(segment_from_pb).collect(),
        batches: Vec::new(),
        engine: String::new(),
        engine_targets: Vec::new(),
        renditions: Default::default(),
        warnings: Vec::new(),
    };
    let mut translations = Vec::with_capacity(r.translations.len());
    for (i, t) in r.translations.into_iter().enumerate() {
        translations.push(Translation {
            id: t.id,
            text: t.text,
            style: translation_style(&t.style, i)?,
        });
    }
    Ok((package, translations))
}

/// Parses a translation's placeholder style: "plain" (or empty) or "html".
pub fn translation_style(
    name: &str,
    index: usize,
) -> Result<TranslationStyle, crate::error::Error> {
    match name {
        "" | "plain" => Ok(TranslationStyle::Plain),
        "html" => Ok(TranslationStyle::Html),
        other => Err(crate::error::Error::invalid(
            format!("translations[{index}].style"),
            format!("{other:?} is not one of \"plain\", \"html\""),
        )),
    }
}

/// Serializes a `SentenceKind` field as its short name ("body", "headline",
/// "metadata", "heading") in the JSONL output.
pub fn serialize_kind<S: serde::Serializer>(kind: &i32, serializer: S) -> Result<S::Ok, S::Error> {
    let name = match pb::SentenceKind::try_from(*kind) {
        Ok(pb::SentenceKind::Headline) => SentenceKind::Headline.as_str(),
        Ok(pb::SentenceKind::Metadata) => SentenceKind::Metadata.as_str(),
        Ok(pb::SentenceKind::Heading) => SentenceKind::Heading.as_str(),
        _ => SentenceKind::Body.as_str(),
    };
    serializer.serialize_str(name)
}

/// The Assemble response for one result.
pub fn assemble_response(
    document_id: String,
    result: Result<String, Vec<crate::translate::SegmentError>>,
) -> pb::AssembleResponse {
    match result {
        Ok(text) => pb::AssembleResponse {
            document_id,
            text,
            errors: Vec::new(),
        },
        Err(errors) => pb::AssembleResponse {
            document_id,
            text: String::new(),
            errors: errors
                .into_iter()
                .map(|e| pb::SegmentError {
                    segment_id: e.segment_id,
                    code: e.code,
                    message: e.message,
                })
                .collect(),
        },
    }
}
