//! XLIFF 2.1 export of a package and import of translated targets.
//!
//! Export: one `<file>` (`canResegment="no"`, `xml:space="preserve"`), one
//! `<unit>` per segment with unit-level `<notes>` (headline, neighbours,
//! summary rank), `<originalData>` for placeholders, the segment, and
//! `<ignorable>` for the whitespace after it (and before the first one), so
//! the concatenated sources of all units are the source document.
//!
//! Import: each unit's `<target>` back to the plain-token style that
//! [`crate::translate::assemble`] takes. The XSD cannot check references;
//! [`verify`] checks that every `dataRef` resolves and ids are unique.

use std::collections::HashSet;
use std::fmt::Write;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use rustc_hash::FxHashMap;

use crate::error::Error;
use crate::translate::package::{Package, TranslationSegment};
use crate::translate::render::{self, xml_escape};

/// The XLIFF 2 core namespace (XLIFF 2.1 keeps the 2.0 namespace).
pub const NAMESPACE: &str = "urn:oasis:names:tc:xliff:document:2.0";

/// Document-level facts the export needs besides the package.
#[derive(Debug, Clone, Copy)]
pub struct DocumentInfo<'a> {
    pub document_id: &'a str,
    pub source_lang: &'a str,
    pub title: &'a str,
}

fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    xml_escape(text, &mut out, false);
    out
}

fn attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    xml_escape(text, &mut out, true);
    out
}

/// The package as an XLIFF 2.1 document for `target` (no `trgLang` when
/// `None`).
pub fn export(package: &Package, info: &DocumentInfo<'_>, target: Option<&str>) -> String {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = write!(
        out,
        "<xliff xmlns=\"{NAMESPACE}\" version=\"2.1\" srcLang=\"{}\"",
        attr(info.source_lang)
    );
    if let Some(target) = target {
        let _ = write!(out, " trgLang=\"{}\"", attr(target));
    }
    out.push_str(">\n");
    let _ = writeln!(
        out,
        " <file id=\"f1\" original=\"{}\" canResegment=\"no\" xml:space=\"preserve\">",
        attr(info.document_id)
    );
    // Segments by id (the first of a repeated id), for the context notes:
    // a linear search per unit made a 1 MB document quadratic.
    let mut index: FxHashMap<&str, &TranslationSegment> = FxHashMap::default();
    for segment in &package.segments {
        index.entry(segment.id.as_str()).or_insert(segment);
    }
    let by_id = |id: &str| index.get(id).copied();
    // The given or detected title, else the headline segment.
    let headline = if info.title.is_empty() {
        package
            .segments
            .iter()
            .find(|s| s.kind == crate::text::SentenceKind::Headline)
            .map_or("", |s| s.text.as_str())
    } else {
        info.title
    };
    if package.segments.is_empty() {
        // Nothing to translate (e.g. markup only): one unit keeps the text.
        let _ = writeln!(
            out,
            "  <unit id=\"u0\"><ignorable id=\"lead\"><source>{}</source></ignorable></unit>",
            escaped(&package.leading)
        );
    }
    for (i, segment) in package.segments.iter().enumerate() {
        let context = UnitContext {
            headline,
            target,
            first: i == 0,
        };
        unit(&mut out, segment, &context, package, &by_id);
    }
    out.push_str(" </file>\n</xliff>\n");
    out
}

struct UnitContext<'a> {
    headline: &'a str,
    target: Option<&'a str>,
    first: bool,
}

fn unit<'p>(
    out: &mut String,
    segment: &TranslationSegment,
    context: &UnitContext<'_>,
    package: &'p Package,
    by_id: &dyn Fn(&str) -> Option<&'p TranslationSegment>,
) {
    let UnitContext {
        headline,
        target,
        first,
    } = *context;
    let _ = writeln!(
        out,
        "  <unit id=\"{}\" name=\"p{}.s{}\" canResegment=\"no\">",
        attr(&segment.id),
        segment.paragraph,
        segment.index
    );
    out.push_str("   <notes>");
    let mut note = |category: &str, text: &str| {
        let _ = write!(
            out,
            "<note category=\"{category}\">{}</note>",
            // Notes hold text only: characters XML cannot carry are dropped.
            attr(text)
        );
    };
    if !headline.is_empty() {
        note("headline", headline);
    }
    note("kind", segment.kind.as_str());
    if let Some(prev) = by_id(&segment.prev_id) {
        note("context-prev", &prev.text);
    }
    if let Some(next) = by_id(&segment.next_id) {
        note("context-next", &next.text);
    }
    note(
        "summary",
        &format!(
            "in_summary={} rank={} score={}",
            segment.in_summary, segment.rank, segment.score
        ),
    );
    if !segment.repetition_of.is_empty() {
        note("repetition-of", &segment.repetition_of);
    }
    if segment.resegmented {
        note(
            "resegmented",
            "piece of a longer sentence split at a clause boundary",
        );
    }
    out.push_str("</notes>\n");
    let data = render::original_data(&segment.placeholders);
    if !data.is_empty() {
        let _ = writeln!(out, "   {data}");
    }
    if first && !package.leading.is_empty() {
        let _ = writeln!(
            out,
            "   <ignorable id=\"lead\"><source>{}</source></ignorable>",
            escaped(&package.leading)
        );
    }
    let _ = writeln!(
        out,
        "   <segment id=\"s\" canResegment=\"no\" state=\"initial\"><source>{}</source></segment>",
        render::xliff_inline(&segment.text, &segment.placeholders, target)
    );
    if !segment.gap_after.is_empty() {
        let _ = writeln!(
            out,
            "   <ignorable id=\"gap\"><source>{}</source></ignorable>",
            escaped(&segment.gap_after)
        );
    }
    out.push_str("  </unit>\n");
}

/// One unit of an imported XLIFF document: its id and the plain-token text
/// of its targets (`None` when no segment has a target).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedUnit {
    pub id: String,
    pub target: Option<String>,
}

fn xml_error(error: impl std::fmt::Display) -> Error {
    Error::invalid("xliff", format!("not well-formed XML: {error}"))
}

fn attribute(element: &BytesStart<'_>, name: &str) -> Option<String> {
    element
        .try_get_attribute(name)
        .ok()
        .flatten()
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

/// The placeholder number of an inline code: from its data reference
/// (`d7` -> 7), else its id.
fn token_of(reference: Option<String>, id: Option<String>) -> Option<String> {
    let number = reference
        .as_deref()
        .and_then(|r| r.strip_prefix('d'))
        .map(str::to_string)
        .or(id)?;
    number
        .chars()
        .all(|c| c.is_ascii_digit())
        .then(|| format!("{{{number}}}"))
}

enum Frame {
    /// A `pc`: the token to write at its end.
    Pair(Option<String>),
    /// Any other element inside a target.
    Other,
}

/// Reads the targets of every unit of an XLIFF 2 document. Inline codes
/// become tokens: `ph` -> `{n}`, `pc` -> `{n}`...`{m}`, `mrk` with a
/// numeric id (a protected term) -> `{n}` (its content is restored from
/// the package), `cp` -> the character.
pub fn import(xml: &str) -> Result<Vec<ImportedUnit>, Error> {
    let mut reader = Reader::from_str(xml);
    let mut units: Vec<ImportedUnit> = Vec::new();
    let mut unit_id: Option<String> = None;
    let mut target: Option<String> = None;
    let mut in_segment = false;
    let mut in_target = false;
    let mut frames: Vec<Frame> = Vec::new();
    let mut skip_depth = 0usize;
    loop {
        let event = reader.read_event().map_err(xml_error)?;
        match event {
            Event::Start(e) => {
                let name = e.local_name();
                let name = name.as_ref();
                if skip_depth > 0 {
                    skip_depth += 1;
                    continue;
                }
                if in_target {
                    let buffer = target.get_or_insert_with(String::new);
                    match name {
                        b"pc" => {
                            if let Some(token) =
                                token_of(attribute(&e, "dataRefStart"), attribute(&e, "id"))
                            {
                                buffer.push_str(&token);
                            }
                            frames.push(Frame::Pair(token_of(attribute(&e, "dataRefEnd"), None)));
                        }
                        b"mrk" | b"sm" => match token_of(None, attribute(&e, "id")) {
                            Some(token) => {
                                buffer.push_str(&token);
                                skip_depth = 1;
                            }
                            None => frames.push(Frame::Other),
                        },
                        _ => frames.push(Frame::Other),
                    }
                    continue;
                }
                match name {
                    b"unit" => {
                        unit_id = attribute(&e, "id");
                        target = None;
                    }
                    b"segment" => in_segment = true,
                    b"target" if in_segment => {
                        in_target = true;
                        target.get_or_insert_with(String::new);
                    }
                    _ => {}
                }
            }
            Event::Empty(e) => {
                if skip_depth > 0 || !in_target {
                    if e.local_name().as_ref() == b"target" && in_segment {
                        target.get_or_insert_with(String::new);
                    }
                    continue;
                }
                let buffer = target.get_or_insert_with(String::new);
                match e.local_name().as_ref() {
                    b"ph" | b"sc" | b"ec" => {
                        if let Some(token) = token_of(attribute(&e, "dataRef"), attribute(&e, "id"))
                        {
                            buffer.push_str(&token);
                        }
                    }
                    b"cp" => {
                        if let Some(c) = attribute(&e, "hex")
                            .and_then(|h| u32::from_str_radix(&h, 16).ok())
                            .and_then(char::from_u32)
                        {
                            buffer.push(c);
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_target && skip_depth == 0 => {
                let text = t.xml10_content().map_err(xml_error)?;
                target.get_or_insert_with(String::new).push_str(&text);
            }
            Event::CData(t) if in_target && skip_depth == 0 => {
                let text = t.decode().map_err(xml_error)?;
                target.get_or_insert_with(String::new).push_str(&text);
            }
            Event::GeneralRef(r) if in_target && skip_depth == 0 => {
                let c = if r.is_char_ref() {
                    r.resolve_char_ref().map_err(xml_error)?
                } else {
                    match r.decode().map_err(xml_error)?.as_ref() {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        other => return Err(xml_error(format!("unknown entity &{other};"))),
                    }
                };
                if let Some(c) = c {
                    target.get_or_insert_with(String::new).push(c);
                }
            }
            Event::End(e) => {
                if skip_depth > 0 {
                    skip_depth -= 1;
                    continue;
                }
                let name = e.local_name();
                if in_target && name.as_ref() != b"target" {
                    if let Some(Frame::Pair(Some(token))) = frames.pop() {
                        target.get_or_insert_with(String::new).push_str(&token);
                    }
                    continue;
                }
                match name.as_ref() {
                    b"target" => in_target = false,
                    b"segment" => in_segment = false,
                    b"unit" => units.push(ImportedUnit {
                        id: unit_id.take().unwrap_or_default(),
                        target: target.take(),
                    }),
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if units.is_empty() {
        return Err(Error::invalid("xliff", "has no <unit>"));
    }
    Ok(units)
}

/// Checks what the XLIFF 2 schema cannot: file and unit ids unique, ids of
/// segments, ignorables and inline codes unique within their unit, `data`
/// ids unique, and every `dataRef`/`dataRefStart`/`dataRefEnd` resolving to
/// a `data` of the same unit. Returns every problem found.
pub fn verify(xml: &str) -> Result<(), Vec<String>> {
    let mut problems: Vec<String> = Vec::new();
    let mut reader = Reader::from_str(xml);
    let mut file_ids: HashSet<String> = HashSet::new();
    let mut unit_ids: HashSet<String> = HashSet::new();
    let mut unit = String::new();
    // Segment and ignorable ids are unique in the unit; inline ids within
    // each source and each target (a target repeats its source's ids).
    let mut unit_level_ids: HashSet<String> = HashSet::new();
    let mut inline_ids: HashSet<String> = HashSet::new();
    let mut data_ids: HashSet<String> = HashSet::new();
    let mut references: Vec<String> = Vec::new();
    let mut in_original_data = false;
    loop {
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(error) => {
                problems.push(format!("not well-formed: {error}"));
                break;
            }
        };
        let element = match &event {
            Event::Start(e) | Event::Empty(e) => e.clone(),
            Event::End(e) => {
                match e.local_name().as_ref() {
                    b"unit" => {
                        for reference in references.drain(..) {
                            if !data_ids.contains(&reference) {
                                problems.push(format!(
                                    "unit {unit}: dataRef {reference:?} has no <data>"
                                ));
                            }
                        }
                    }
                    b"originalData" => in_original_data = false,
                    _ => {}
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = element.local_name();
        let id = attribute(&element, "id");
        match name.as_ref() {
            b"file" => {
                if let Some(id) = id
                    && !file_ids.insert(id.clone())
                {
                    problems.push(format!("file id {id:?} is not unique"));
                }
            }
            b"unit" => {
                unit = id.clone().unwrap_or_default();
                if !unit_ids.insert(unit.clone()) {
                    problems.push(format!("unit id {unit:?} is not unique"));
                }
                unit_level_ids.clear();
                inline_ids.clear();
                data_ids.clear();
                references.clear();
            }
            b"originalData" => in_original_data = true,
            b"source" | b"target" => inline_ids.clear(),
            b"data" if in_original_data => {
                if let Some(id) = id
                    && !data_ids.insert(id.clone())
                {
                    problems.push(format!("unit {unit}: data id {id:?} is not unique"));
                }
            }
            b"segment" | b"ignorable" => {
                if let Some(id) = id
                    && !unit_level_ids.insert(id.clone())
                {
                    problems.push(format!("unit {unit}: id {id:?} is not unique"));
                }
            }
            b"ph" | b"pc" | b"sc" | b"ec" | b"mrk" | b"sm" => {
                if let Some(id) = id
                    && (unit_level_ids.contains(&id) || !inline_ids.insert(id.clone()))
                {
                    problems.push(format!("unit {unit}: id {id:?} is not unique"));
                }
                for key in ["dataRef", "dataRefStart", "dataRefEnd"] {
                    if let Some(reference) = attribute(&element, key) {
                        references.push(reference);
                    }
                }
            }
            _ => {}
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}
