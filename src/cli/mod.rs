//! The command-line transport: readable output for one plain-text file, or
//! JSON Lines in / JSON Lines out over the same engine and the same response
//! messages as the gRPC server.
//!
//! JSONL contract (public, keep stable): one output line per input line, in
//! order. Unknown input keys are ignored. The language key is `lang`
//! (`language` accepted). A bad line yields `{"id", "error": {"code",
//! "message", "field"}}` and processing continues.

pub mod idf;

use std::io::{self, BufRead, Write};

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::api::{convert, pb};
use crate::engine::{BudgetFields, Engine, Request, WeightFields};
use crate::error::Error;
use crate::text::SegmentOptions;
use crate::translate::{BatchLimits, Scope};

/// What to run on each document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Segment,
    Summarize,
    Prepare,
    Process,
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
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JsonWeights {
    pub tfidf: Option<f64>,
    pub position: Option<f64>,
    pub title: Option<f64>,
    pub length: Option<f64>,
    pub redundancy: Option<f64>,
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
            },
            document_id,
            target_langs: self.target_langs,
            limits: self.limits.map(|l| BatchLimits {
                max_segments: l.max_segments,
                max_code_points: l.max_code_points,
                max_bytes: l.max_bytes,
            }),
            scope,
        })
    }
}

/// Runs `command` on a request and returns the response as JSON (the proto
/// message's fields, `language` renamed `lang`).
pub fn run_request(engine: &Engine, command: Command, request: &Request) -> Result<Value, Error> {
    let validated = engine.validate(request)?;
    let text = request.text.as_str();
    let value = match command {
        Command::Segment => {
            let segmentation = engine.segment(&validated)?;
            serde_json::to_value(convert::segment_response(text, &segmentation))
        }
        Command::Summarize => {
            let (segmentation, summary) = engine.summarize(&validated)?;
            serde_json::to_value(convert::summarize_response(text, &segmentation, &summary))
        }
        Command::Prepare => {
            let processed = engine.process(&validated)?;
            serde_json::to_value(convert::prepare_response(
                &processed,
                &validated.package.target_langs,
            ))
        }
        Command::Process => {
            let processed = engine.process(&validated)?;
            serde_json::to_value(convert::process_response(
                text,
                &processed,
                &validated.package.target_langs,
            ))
        }
    };
    Ok(value.expect("protobuf messages serialize to JSON"))
}

/// Puts `id` first and renames `language` to `lang`.
fn with_id(id: Value, body: Value) -> Value {
    let mut out = Map::new();
    out.insert("id".to_string(), id);
    if let Value::Object(fields) = body {
        for (key, value) in fields {
            let key = if key == "language" {
                "lang".to_string()
            } else {
                key
            };
            out.insert(key, value);
        }
    }
    Value::Object(out)
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

/// Answers one JSONL input line; `Err` carries the error line.
pub fn answer_line(engine: &Engine, command: Command, line: &str) -> Result<Value, Value> {
    let parsed: JsonRequest = match serde_json::from_str::<Value>(line) {
        Ok(value @ Value::Object(_)) => {
            let id = value.get("id").cloned().unwrap_or(Value::Null);
            serde_json::from_value(value)
                .map_err(|e| error_line(id, "INVALID_ARGUMENT", &format!("bad field: {e}"), ""))?
        }
        Ok(_) => {
            return Err(error_line(
                Value::Null,
                "INVALID_ARGUMENT",
                "line is not a JSON object",
                "",
            ));
        }
        Err(e) => {
            return Err(error_line(
                Value::Null,
                "INVALID_ARGUMENT",
                &format!("malformed JSON: {e}"),
                "",
            ));
        }
    };
    let id = parsed.id.clone();
    let fail = |e: Error| error_line(id.clone(), e.code_name(), &e.to_string(), e.field());
    let request = parsed.into_request().map_err(fail)?;
    let body = run_request(engine, command, &request).map_err(fail)?;
    Ok(with_id(id.clone(), body))
}

/// Reads JSON Lines from `input` and writes one line per input line to
/// `output`. Returns the number of failed lines. Blank lines are skipped.
pub fn run_jsonl(
    engine: &Engine,
    command: Command,
    input: impl BufRead,
    mut output: impl Write,
) -> io::Result<usize> {
    let mut failed = 0usize;
    for line in input.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let value = answer_line(engine, command, &line).unwrap_or_else(|error| {
            failed += 1;
            error
        });
        serde_json::to_writer(&mut output, &value)?;
        output.write_all(b"\n")?;
    }
    output.flush()?;
    Ok(failed)
}

/// Human-readable output for one document.
pub fn run_readable(
    engine: &Engine,
    command: Command,
    request: &Request,
    mut out: impl Write,
) -> io::Result<Result<(), Error>> {
    let value = match run_request(engine, command, request) {
        Ok(value) => value,
        Err(error) => return Ok(Err(error)),
    };
    let response: Value = value;
    let get_str =
        |v: &Value, key: &str| v.get(key).and_then(Value::as_str).unwrap_or("").to_string();
    writeln!(out, "language: {}", get_str(&response, "language"))?;
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
