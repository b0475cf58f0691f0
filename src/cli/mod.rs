//! The command-line transport: readable output for one plain-text file, or
//! JSON Lines in / JSON Lines out over the same engine and the same response
//! messages as the gRPC server.
//!
//! JSONL contract (public, keep stable): one output line per input line, in
//! order. Unknown input keys are ignored. The language key is `lang`
//! (`language` accepted). A bad line yields `{"id", "error": {"code",
//! "message", "field"}}` and processing continues.

pub mod idf;
mod jsonl;

pub use jsonl::run_jsonl;

use std::io::{self, Write};

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::api::{convert, pb};
use crate::engine::{BudgetFields, Engine, Request, WeightFields};
use crate::error::Error;
use crate::summarize::Summary;
use crate::text::{SegmentOptions, Segmentation, Sentence};
use std::collections::BTreeMap;

use crate::translate::{BatchLimits, GlossaryEntry, Scope, assemble};

/// What to run on each document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Segment,
    Summarize,
    Prepare,
    Process,
    /// Translated segments + their package -> the translated document.
    Assemble,
}

/// One JSONL input line. Every key but `text` is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct JsonRequest {
    pub id: Value,
    pub text: Option<String>,
    pub title: Option<String>,
    #[serde(alias = "language")]
    pub lang: Option<String>,
    pub max_sentences: Option<i64>,
    pub ratio: Option<f64>,
    pub max_words: Option<i64>,
    pub max_chars: Option<i64>,
    pub weights: Option<JsonWeights>,
    pub extra_abbreviations: Vec<String>,
    pub one_sentence_per_line: bool,
    pub document_id: Option<String>,
    pub target_langs: Vec<String>,
    pub limits: Option<JsonBatchLimits>,
    pub scope: Option<String>,
    pub content_type: Option<String>,
    pub engine: Option<String>,
    /// `{"term": null | {"lang": "forced"}}` or `[{"term", "translations"}]`.
    pub glossary: Option<Value>,
    pub formats: Vec<String>,
    pub allow_resegment: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JsonWeights {
    pub tfidf: Option<f64>,
    pub position: Option<f64>,
    pub title: Option<f64>,
    pub length: Option<f64>,
    pub redundancy: Option<f64>,
    pub centrality: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JsonBatchLimits {
    pub max_segments: usize,
    pub max_code_points: usize,
    pub max_bytes: usize,
}

impl JsonRequest {
    /// The core request; `document_id` defaults to the line's `id`.
    pub fn into_request(self) -> Result<Request, Error> {
        let scope = match self.scope.as_deref() {
            None | Some("all") | Some("SCOPE_ALL") => Scope::All,
            Some("summary") | Some("SCOPE_SUMMARY") => Scope::Summary,
            Some(other) => {
                return Err(Error::invalid(
                    "scope",
                    format!("{other:?} is not one of \"all\", \"summary\""),
                ));
            }
        };
        let document_id = self.document_id.unwrap_or_else(|| match &self.id {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        });
        let weights = self.weights.unwrap_or_default();
        let glossary = match &self.glossary {
            None | Some(Value::Null) => Vec::new(),
            Some(value) => parse_glossary(value)?,
        };
        Ok(Request {
            text: self.text.unwrap_or_default(),
            title: self.title,
            language: self.lang,
            segmentation: SegmentOptions {
                extra_abbreviations: self.extra_abbreviations,
                one_sentence_per_line: self.one_sentence_per_line,
            },
            budget: BudgetFields {
                max_sentences: self.max_sentences,
                ratio: self.ratio,
                max_words: self.max_words,
                max_chars: self.max_chars,
            },
            weights: WeightFields {
                tfidf: weights.tfidf,
                position: weights.position,
                title: weights.title,
                length: weights.length,
                redundancy: weights.redundancy,
                centrality: weights.centrality,
            },
            document_id,
            target_langs: self.target_langs,
            limits: self.limits.map(|l| BatchLimits {
                max_segments: l.max_segments,
                max_code_points: l.max_code_points,
                max_bytes: l.max_bytes,
            }),
            scope,
            content_type: self.content_type,
            engine: self.engine,
            glossary,
            formats: self.formats,
            allow_resegment: self.allow_resegment,
        })
    }
}

/// A JSON glossary: an object mapping each term to `null`/`{}` (keep) or
/// to `{"lang": "forced translation"}`, or an array of `{"term",
/// "translations"}` objects.
fn parse_glossary(value: &Value) -> Result<Vec<GlossaryEntry>, Error> {
    let bad = |reason: String| Error::invalid("glossary", reason);
    let translations =
        |term: &str, value: Option<&Value>| -> Result<BTreeMap<String, String>, Error> {
            match value {
                None | Some(Value::Null) => Ok(BTreeMap::new()),
                Some(Value::Object(map)) => map
                    .iter()
                    .map(|(lang, text)| match text {
                        Value::String(text) => Ok((lang.clone(), text.clone())),
                        _ => Err(bad(format!(
                            "translation of {term:?} into {lang:?} must be a string"
                        ))),
                    })
                    .collect(),
                Some(_) => Err(bad(format!("translations of {term:?} must be an object"))),
            }
        };
    match value {
        Value::Object(map) => map
            .iter()
            .map(|(term, value)| {
                Ok(GlossaryEntry {
                    term: term.clone(),
                    translations: translations(term, Some(value))?,
                })
            })
            .collect(),
        Value::Array(items) => items
            .iter()
            .map(|item| {
                let term = item
                    .get("term")
                    .and_then(Value::as_str)
                    .ok_or_else(|| bad("each entry needs a string \"term\"".to_string()))?;
                Ok(GlossaryEntry {
                    term: term.to_string(),
                    translations: translations(term, item.get("translations"))?,
                })
            })
            .collect(),
        _ => Err(bad("must be an object or an array".to_string())),
    }
}

/// One `precis assemble --jsonl` input line.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct JsonAssemble {
    pub id: Value,
    /// A `prepare` output object (or a `process` output: its `package`).
    pub package: Value,
    pub translations: Vec<JsonTranslation>,
    pub xliff: Option<String>,
    pub target_lang: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct JsonTranslation {
    pub id: String,
    pub text: String,
    pub style: String,
}

fn json_str(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

fn json_u32(value: &Value, key: &str) -> u32 {
    value.get(key).and_then(Value::as_u64).unwrap_or(0) as u32
}

/// The package segment fields assembly reads, from the JSON printed by
/// `prepare`/`process`.
fn segment_from_json(value: &Value) -> pb::TranslationSegment {
    let placeholders = value
        .get("placeholders")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .map(|p| pb::Placeholder {
                    id: json_u32(p, "id"),
                    kind: json_str(p, "kind"),
                    text: json_str(p, "text"),
                    token: json_str(p, "token"),
                    start: json_u32(p, "start"),
                    end: json_u32(p, "end"),
                    role: json_str(p, "role"),
                    pair: json_u32(p, "pair"),
                    translations: p
                        .get("translations")
                        .and_then(Value::as_object)
                        .map(|m| {
                            m.iter()
                                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                                .collect()
                        })
                        .unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default();
    pb::TranslationSegment {
        id: json_str(value, "id"),
        text: json_str(value, "text"),
        gap_after: json_str(value, "gap_after"),
        protected_text: json_str(value, "protected_text"),
        placeholders,
        ..pb::TranslationSegment::default()
    }
}

/// Assembles one JSONL line: `{"id", "text"}` or `{"id", "errors"}`.
fn assemble_line(parsed: JsonAssemble) -> Result<Value, Error> {
    let package = match parsed.package.get("package") {
        Some(inner @ Value::Object(_)) => inner,
        _ => &parsed.package,
    };
    let segments = package
        .get("segments")
        .and_then(Value::as_array)
        .ok_or_else(|| Error::invalid("package", "must be a prepare output with \"segments\""))?;
    let mut translations = Vec::with_capacity(parsed.translations.len());
    for t in &parsed.translations {
        translations.push(pb::Translation {
            id: t.id.clone(),
            text: t.text.clone(),
            style: t.style.clone(),
        });
    }
    // Only an explicit target language applies forced glossary
    // translations, so that identity translations reproduce the input.
    let target_lang = parsed.target_lang.clone().unwrap_or_default();
    let request = pb::AssembleRequest {
        leading: json_str(package, "leading"),
        segments: segments.iter().map(segment_from_json).collect(),
        translations,
        xliff: parsed.xliff.clone().unwrap_or_default(),
        target_lang: target_lang.clone(),
        document_id: String::new(),
    };
    let xliff = request.xliff.clone();
    let (package, translations) = convert::assemble_parts(request)?;
    let result = assemble::assemble_request(&package, translations, &xliff, &target_lang)?;
    let mut out = Map::new();
    out.insert("id".into(), parsed.id.clone());
    match result {
        Ok(text) => {
            out.insert("text".into(), Value::String(text));
        }
        Err(errors) => {
            out.insert(
                "errors".into(),
                serde_json::to_value(errors).expect("errors serialize"),
            );
        }
    }
    Ok(Value::Object(out))
}

/// The response message of one command.
#[derive(Debug, serde::Serialize)]
#[serde(untagged)]
pub enum Response {
    Segment(pb::SegmentResponse),
    Summarize(pb::SummarizeResponse),
    Prepare(pb::PrepareResponse),
    Process(pb::ProcessResponse),
}

/// Runs `command` on a request: the same message the gRPC server sends.
pub fn run_request(
    engine: &Engine,
    command: Command,
    request: &Request,
) -> Result<Response, Error> {
    let validated = engine.validate(request)?;
    let text = request.text.as_str();
    Ok(match command {
        Command::Segment => {
            let segmentation = engine.segment(&validated)?;
            Response::Segment(convert::segment_response(text, &segmentation))
        }
        Command::Summarize => {
            let (segmentation, summary) = engine.summarize(&validated)?;
            Response::Summarize(convert::summarize_response(text, &segmentation, &summary))
        }
        Command::Prepare => {
            let processed = engine.process(&validated)?;
            Response::Prepare(convert::prepare_response(
                processed,
                &validated.package.target_langs,
            ))
        }
        Command::Assemble => {
            return Err(Error::invalid(
                "command",
                "assemble reads JSON Lines only (--jsonl)",
            ));
        }
        Command::Process => {
            let processed = engine.process(&validated)?;
            Response::Process(convert::process_response(
                text,
                processed,
                &validated.package.target_langs,
            ))
        }
    })
}

/// One output line: `id` first, then the response message's fields
/// (serialized straight to the line, no intermediate JSON tree).
#[derive(serde::Serialize)]
struct Line<'a> {
    id: &'a Value,
    #[serde(flatten)]
    response: &'a Response,
}

fn error_line(id: Value, code: &str, message: &str, field: &str) -> Value {
    let mut error = Map::new();
    error.insert("code".into(), Value::String(code.into()));
    error.insert("message".into(), Value::String(message.into()));
    if !field.is_empty() {
        error.insert("field".into(), Value::String(field.into()));
    }
    let mut out = Map::new();
    if !id.is_null() {
        out.insert("id".into(), id);
    }
    out.insert("error".into(), Value::Object(error));
    Value::Object(out)
}

/// Answers one JSONL input line: appends the serialized output line to
/// `out`; `Err` carries the error line (and `out` is left as it was).
pub fn answer_line(
    engine: &Engine,
    command: Command,
    line: &str,
    out: &mut Vec<u8>,
) -> Result<(), Value> {
    if command == Command::Assemble {
        let value = answer_assemble_line(line)?;
        out.extend_from_slice(value.to_string().as_bytes());
        return Ok(());
    }
    // Valid lines parse straight into the request; the rest go through a
    // JSON tree, which gives the error line its id and message.
    let parsed: JsonRequest = match serde_json::from_str(line) {
        Ok(parsed) => parsed,
        Err(_) => {
            let value = parse_object(line)?;
            let id = value.get("id").cloned().unwrap_or(Value::Null);
            serde_json::from_value(value)
                .map_err(|e| error_line(id, "INVALID_ARGUMENT", &format!("bad field: {e}"), ""))?
        }
    };
    let id = parsed.id.clone();
    let fail = |e: Error| error_line(id.clone(), e.code_name(), &e.to_string(), e.field());
    let request = parsed.into_request().map_err(fail)?;
    if command == Command::Segment {
        let segmentation = engine
            .validate(&request)
            .and_then(|validated| engine.segment(&validated))
            .map_err(fail)?;
        write_segment_line(out, &id, &request.text, &segmentation);
        return Ok(());
    }
    if command == Command::Summarize {
        let (segmentation, summary) = engine
            .validate(&request)
            .and_then(|validated| engine.summarize(&validated))
            .map_err(fail)?;
        write_summarize_line(out, &id, &request.text, &segmentation, &summary);
        return Ok(());
    }
    let response = run_request(engine, command, &request).map_err(fail)?;
    let line = Line {
        id: &id,
        response: &response,
    };
    sonic_rs::to_writer(out, &line).expect("protobuf messages serialize to JSON");
    Ok(())
}

/// A `segment` output line, written field by field from the segmentation:
/// byte for byte what [`Line`]'s serde derive writes for the `Segment`
/// message made from it (a test compares the two), with the keys as
/// literals and the numbers by itoa, and no message between. Through serde,
/// each of a sentence's eleven fields was a serializer call with its key
/// written as a string, ~40% of the instructions of a `segment` line; the
/// message's two new strings a sentence were another ~4%.
fn write_segment_line(out: &mut Vec<u8>, id: &Value, text: &str, segmentation: &Segmentation) {
    write_line_head(out, id, segmentation);
    out.extend_from_slice(b",\"sentences\":[");
    for (i, sentence) in segmentation.sentences.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_sentence_fields(out, text, sentence);
        out.push(b'}');
    }
    write_warnings(out, segmentation.warnings.iter());
}

/// A `summarize` output line, as [`write_segment_line`] writes a `segment`
/// one: what serde writes for the `Summarize` message (a test compares the
/// two). The scores are written by sonic-rs, as serde writes them.
fn write_summarize_line(
    out: &mut Vec<u8>,
    id: &Value,
    text: &str,
    segmentation: &Segmentation,
    summary: &Summary,
) {
    write_line_head(out, id, segmentation);
    out.extend_from_slice(b",\"summary\":");
    write_json_string(out, &summary.text(text, segmentation));
    out.extend_from_slice(b",\"selected\":[");
    for (i, &selected) in summary.selected.iter().enumerate() {
        write_number(out, if i > 0 { b"," } else { b"" }, selected);
    }
    out.extend_from_slice(b"],\"sentences\":[");
    for (i, (sentence, score)) in segmentation
        .sentences
        .iter()
        .zip(&summary.scores)
        .enumerate()
    {
        if i > 0 {
            out.push(b',');
        }
        write_sentence_fields(out, text, sentence);
        let c = &score.components;
        write_float(out, b",\"score\":", score.score);
        write_float(out, b",\"components\":{\"tfidf\":", c.tfidf);
        write_float(out, b",\"position\":", c.position);
        write_float(out, b",\"title\":", c.title);
        write_float(out, b",\"length\":", c.length);
        write_float(out, b",\"boilerplate\":", c.boilerplate);
        write_float(out, b",\"centrality\":", c.centrality);
        out.extend_from_slice(if score.selected {
            b"},\"selected\":true"
        } else {
            b"},\"selected\":false"
        });
        write_number(out, b",\"rank\":", score.rank);
        out.push(b'}');
    }
    write_warnings(out, segmentation.warnings.iter().chain(&summary.warnings));
}

/// The fields every answer line starts with: the id, the language and the
/// title.
fn write_line_head(out: &mut Vec<u8>, id: &Value, segmentation: &Segmentation) {
    out.extend_from_slice(b"{\"id\":");
    sonic_rs::to_writer(&mut *out, id).expect("JSON values serialize");
    out.extend_from_slice(b",\"lang\":");
    write_json_string(out, &segmentation.language);
    out.extend_from_slice(if segmentation.language_detected {
        b",\"language_detected\":true,\"title\":"
    } else {
        b",\"language_detected\":false,\"title\":"
    });
    write_json_string(out, &segmentation.title);
}

/// A sentence's object up to its last common field (`boundary_rule`), the
/// fields of a `Sentence` message and the first of a `ScoredSentence`.
fn write_sentence_fields(out: &mut Vec<u8>, text: &str, sentence: &Sentence) {
    write_number(out, b"{\"index\":", sentence.index);
    out.extend_from_slice(b",\"text\":");
    write_json_string(out, sentence.text(text));
    write_number(out, b",\"start\":", sentence.start);
    write_number(out, b",\"end\":", sentence.end);
    write_number(out, b",\"char_start\":", sentence.char_start);
    write_number(out, b",\"char_end\":", sentence.char_end);
    write_number(out, b",\"utf16_start\":", sentence.utf16_start);
    write_number(out, b",\"utf16_end\":", sentence.utf16_end);
    write_number(out, b",\"paragraph\":", sentence.paragraph);
    // Both names are snake_case words: nothing to escape.
    out.extend_from_slice(b",\"kind\":\"");
    out.extend_from_slice(sentence.kind.as_str().as_bytes());
    out.extend_from_slice(b"\",\"boundary_rule\":\"");
    out.extend_from_slice(sentence.boundary_rule.as_str().as_bytes());
    out.push(b'"');
}

/// The closing `warnings` array and the end of the line.
fn write_warnings<'a>(out: &mut Vec<u8>, warnings: impl Iterator<Item = &'a String>) {
    out.extend_from_slice(b"],\"warnings\":[");
    for (i, warning) in warnings.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_json_string(out, warning);
    }
    out.extend_from_slice(b"]}");
}

/// `key`, then `value` as sonic-rs writes a `double` field.
fn write_float(out: &mut Vec<u8>, key: &[u8], value: f64) {
    out.extend_from_slice(key);
    sonic_rs::to_writer(&mut *out, &value).expect("numbers serialize");
}

/// `key` (the literal before a value), then `value` as the message's `u32`
/// (as `convert` makes it).
fn write_number(out: &mut Vec<u8>, key: &[u8], value: usize) {
    out.extend_from_slice(key);
    out.extend_from_slice(
        itoa::Buffer::new()
            .format(convert::u32_of(value))
            .as_bytes(),
    );
}

/// `text` as a JSON string, escaped as sonic-rs escapes every other string
/// of the output.
fn write_json_string(out: &mut Vec<u8>, text: &str) {
    sonic_rs::to_writer(&mut *out, text).expect("strings serialize");
}

/// One input line as a JSON object, or the error line for it.
fn parse_object(line: &str) -> Result<Value, Value> {
    let invalid = |message: &str| error_line(Value::Null, "INVALID_ARGUMENT", message, "");
    match serde_json::from_str::<Value>(line) {
        Ok(value @ Value::Object(_)) => Ok(value),
        Ok(_) => Err(invalid("line is not a JSON object")),
        Err(e) => Err(invalid(&format!("malformed JSON: {e}"))),
    }
}

fn answer_assemble_line(line: &str) -> Result<Value, Value> {
    let value = parse_object(line)?;
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    let parsed: JsonAssemble = serde_json::from_value(value).map_err(|e| {
        error_line(
            id.clone(),
            "INVALID_ARGUMENT",
            &format!("bad field: {e}"),
            "",
        )
    })?;
    let out = assemble_line(parsed)
        .map_err(|e| error_line(id.clone(), e.code_name(), &e.to_string(), e.field()))?;
    if out.get("errors").is_some() {
        Err(out)
    } else {
        Ok(out)
    }
}

/// Human-readable output for one document.
pub fn run_readable(
    engine: &Engine,
    command: Command,
    request: &Request,
    mut out: impl Write,
) -> io::Result<Result<(), Error>> {
    let response = match run_request(engine, command, request) {
        Ok(response) => {
            serde_json::to_value(response).expect("protobuf messages serialize to JSON")
        }
        Err(error) => return Ok(Err(error)),
    };
    let get_str =
        |v: &Value, key: &str| v.get(key).and_then(Value::as_str).unwrap_or("").to_string();
    writeln!(out, "language: {}", get_str(&response, "lang"))?;
    let title = get_str(&response, "title");
    if !title.is_empty() {
        writeln!(out, "title:    {title}")?;
    }
    if matches!(command, Command::Summarize | Command::Process) {
        writeln!(out, "\nsummary:\n{}\n", get_str(&response, "summary"))?;
    }
    if let Some(sentences) = response.get("sentences").and_then(Value::as_array) {
        writeln!(out, "sentences:")?;
        for s in sentences {
            let index = s.get("index").and_then(Value::as_u64).unwrap_or(0);
            let mut marker = String::new();
            if let Some(score) = s.get("score").and_then(Value::as_f64) {
                let selected = s.get("selected").and_then(Value::as_bool).unwrap_or(false);
                marker = format!("{} {score:.3} ", if selected { '*' } else { ' ' });
            }
            writeln!(
                out,
                "{marker}[{index:>3}] p{} {:<8} {}..{}  {}",
                s.get("paragraph").and_then(Value::as_u64).unwrap_or(0),
                get_str(s, "kind"),
                s.get("start").and_then(Value::as_u64).unwrap_or(0),
                s.get("end").and_then(Value::as_u64).unwrap_or(0),
                get_str(s, "text").replace('\n', "⏎")
            )?;
        }
    }
    let segments = response
        .get("segments")
        .or_else(|| response.get("package").and_then(|p| p.get("segments")))
        .and_then(Value::as_array);
    if let Some(segments) = segments {
        writeln!(out, "\nsegments:")?;
        for s in segments {
            writeln!(
                out,
                "{} b{} {}{}",
                get_str(s, "id"),
                s.get("batch").and_then(Value::as_u64).unwrap_or(0),
                if s.get("in_summary")
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
                {
                    "* "
                } else {
                    "  "
                },
                get_str(s, "protected_text").replace('\n', "⏎")
            )?;
        }
    }
    Ok(Ok(()))
}

/// The proto messages used here, re-exported for tests.
pub use pb::{ProcessResponse, SegmentResponse};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Limits;

    /// `write_segment_line` and `write_summarize_line` write, from the
    /// segmentation and summary, what serde writes for the line of the
    /// `Segment` and `Summarize` messages made from them: articles in five
    /// scripts, text with quotes, backslashes, control characters (a
    /// warning) and an emoji, headings and paragraphs, a given title, and
    /// ids of every JSON kind.
    #[test]
    fn segment_and_summarize_lines_are_the_serde_lines() {
        let engine = Engine::new(Limits::default());
        let texts = [
            include_str!("../../examples/seed_article.txt"),
            include_str!("../../tests/data/translation/zh.txt"),
            include_str!("../../tests/data/translation/th.txt"),
            include_str!("../../tests/data/translation/vi.txt"),
            include_str!("../../tests/data/translation/km.txt"),
            "He said \"Stop.\" A back\\slash\tand\u{1}a control. 😀 Done?\n\nNEW HEADING\nLast line",
        ];
        let ids = [
            serde_json::json!(7),
            serde_json::json!("doc-\"1\""),
            Value::Null,
            serde_json::json!({"batch": [1, 2.5, true]}),
        ];
        for (command, text) in [Command::Segment, Command::Summarize]
            .into_iter()
            .flat_map(|command| texts.map(|text| (command, text)))
        {
            for id in &ids {
                for title in [None, Some("A \"title\"")] {
                    let mut request = serde_json::json!({ "text": text, "id": id });
                    if let Some(title) = title {
                        request["title"] = title.into();
                    }
                    let line = request.to_string();
                    let mut written = Vec::new();
                    answer_line(&engine, command, &line, &mut written).unwrap();
                    let parsed: JsonRequest = serde_json::from_str(&line).unwrap();
                    let id = parsed.id.clone();
                    let request = parsed.into_request().unwrap();
                    let response = run_request(&engine, command, &request).unwrap();
                    let line = Line {
                        id: &id,
                        response: &response,
                    };
                    let serde = sonic_rs::to_string(&line).unwrap();
                    assert_eq!(String::from_utf8(written).unwrap(), serde);
                }
            }
        }
    }
}
