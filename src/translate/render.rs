//! Renditions of one segment's protected text, in the styles engines need:
//! plain `{n}` tokens (LLMs), HTML with `translate="no"` (DeepL, Google,
//! Azure, AWS in HTML mode) and XLIFF 2 inline codes (`ph`, `pc`, `mrk`),
//! plus the way back from HTML to tokens.

use std::fmt::Write;

use crate::translate::protect::{MarkupRole, Placeholder, PlaceholderKind};

/// Escapes text for XML content or attribute values. Characters XML 1.0
/// cannot carry become `<cp hex="..."/>` in content (XLIFF 2's own escape);
/// in attributes they are dropped (attributes are informative only). A
/// carriage return is written `&#13;` so that parsers do not fold it.
pub fn xml_escape(text: &str, out: &mut String, attribute: bool) {
    escape_runs(text, out, may_need_xml_escape, |c, out| {
        xml_escape_char(c, out, attribute)
    });
}

fn xml_escape_char(c: char, out: &mut String, attribute: bool) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' if attribute => out.push_str("&quot;"),
        '\r' => out.push_str("&#13;"),
        '\n' | '\t' if attribute => {
            let _ = write!(out, "&#{};", c as u32);
        }
        c if !is_xml_char(c) => {
            if !attribute {
                let _ = write!(out, "<cp hex=\"{:04X}\"/>", c as u32);
            }
        }
        c => out.push(c),
    }
}

/// Whether the character starting with `byte` may be escaped by
/// [`xml_escape_char`]: ASCII controls, `&<>"`, and U+FFFE/U+FFFF (lead
/// byte 0xEF); every other character is pushed as it is.
fn may_need_xml_escape(byte: u8) -> bool {
    // Bitwise, not short-circuit: the chunk test in `escape_runs` vectorizes.
    (byte < 0x20) | may_need_html_escape(byte) | (byte == 0xEF)
}

/// XML 1.0 `Char` production, minus the discouraged U+FFFE/U+FFFF.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn html_escape(text: &str, out: &mut String) {
    escape_runs(text, out, may_need_html_escape, html_escape_char);
}

/// `&<>"`, the bytes [`html_escape_char`] escapes (bitwise, like
/// [`may_need_xml_escape`]).
fn may_need_html_escape(byte: u8) -> bool {
    (byte == b'&') | (byte == b'<') | (byte == b'>') | (byte == b'"')
}

fn html_escape_char(c: char, out: &mut String) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        c => out.push(c),
    }
}

/// Writes `text` to `out` with `escape` applied to every character, copying
/// the runs of characters whose first byte `may_escape` rules out whole:
/// `escape` must push such characters unchanged.
fn escape_runs(
    text: &str,
    out: &mut String,
    may_escape: impl Fn(u8) -> bool,
    escape: impl Fn(char, &mut String),
) {
    let mut run = 0;
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < bytes.len() {
        // Plain text is skipped 16 bytes at a time (the test vectorizes).
        if let Some(chunk) = bytes
            .get(i..i + 16)
            .and_then(|c| <&[u8; 16]>::try_from(c).ok())
            && !chunk.iter().fold(false, |any, &b| any | may_escape(b))
        {
            i += 16;
            continue;
        }
        // So is a plain tail shorter than a chunk.
        if i + 16 > bytes.len() && !bytes[i..].iter().any(|&b| may_escape(b)) {
            break;
        }
        if !may_escape(bytes[i]) {
            i += 1;
            continue;
        }
        // `i` is a character boundary: `may_escape` accepts only ASCII and
        // lead bytes, and runs end only where it does.
        out.push_str(&text[run..i]);
        let c = text[i..].chars().next().expect("a character at a boundary");
        escape(c, out);
        i += c.len_utf8();
        run = i;
    }
    out.push_str(&text[run..]);
}

/// The pieces of a segment: text between placeholders and placeholders.
fn pieces<'a>(
    text: &'a str,
    placeholders: &'a [Placeholder],
) -> impl Iterator<Item = (&'a str, Option<&'a Placeholder>)> {
    let mut cursor = 0usize;
    let mut index = 0usize;
    std::iter::from_fn(move || {
        if let Some(placeholder) = placeholders.get(index) {
            if cursor < placeholder.start {
                let piece = &text[cursor..placeholder.start];
                cursor = placeholder.start;
                return Some((piece, None));
            }
            index += 1;
            cursor = placeholder.end;
            return Some(("", Some(placeholder)));
        }
        if cursor < text.len() {
            let piece = &text[cursor..];
            cursor = text.len();
            return Some((piece, None));
        }
        None
    })
}

/// HTML: text escaped; a protected span becomes
/// `<span translate="no" data-ph="n">original</span>`; a markup pair wraps
/// its text in `<span data-ph="n" data-ph-end="m">...</span>`.
pub fn html(text: &str, placeholders: &[Placeholder]) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for (piece, placeholder) in pieces(text, placeholders) {
        match placeholder {
            None => html_escape(piece, &mut out),
            Some(p) => match p.role {
                MarkupRole::Open => {
                    push!(
                        &mut out,
                        "<span data-ph=\"",
                        p.id,
                        "\" data-ph-end=\"",
                        p.pair,
                        "\">"
                    );
                }
                MarkupRole::Close => out.push_str("</span>"),
                MarkupRole::Standalone => {
                    push!(&mut out, "<span translate=\"no\" data-ph=\"", p.id, "\">");
                    html_escape(&p.text, &mut out);
                    out.push_str("</span>");
                }
            },
        }
    }
    out
}

/// XLIFF 2 inline content of `<source>`: `pc` for markup pairs, `mrk
/// translate="no"` for kept glossary terms, `mrk type="term"` with the
/// forced translation for `target` as `value`, `ph` for everything else.
/// Inline ids are placeholder numbers; `dataRef` ids are `d` + number (see
/// [`original_data`]).
pub fn xliff_inline(text: &str, placeholders: &[Placeholder], target: Option<&str>) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for (piece, placeholder) in pieces(text, placeholders) {
        let Some(p) = placeholder else {
            xml_escape(piece, &mut out, false);
            continue;
        };
        match (p.kind, p.role) {
            (_, MarkupRole::Open) => {
                push!(
                    &mut out,
                    "<pc id=\"",
                    p.id,
                    "\" dataRefStart=\"d",
                    p.id,
                    "\" dataRefEnd=\"d",
                    p.pair,
                    "\" type=\"fmt\" canOverlap=\"no\" dispStart=\"",
                );
                xml_escape(&p.text, &mut out, true);
                out.push_str("\">");
            }
            (_, MarkupRole::Close) => out.push_str("</pc>"),
            (PlaceholderKind::Term, _) => {
                let forced = target.map(|t| p.restored(t)).filter(|r| *r != p.text);
                match forced {
                    Some(value) => {
                        push!(&mut out, "<mrk id=\"", p.id, "\" type=\"term\" value=\"");
                        xml_escape(value, &mut out, true);
                        out.push_str("\">");
                    }
                    None => {
                        push!(&mut out, "<mrk id=\"", p.id, "\" translate=\"no\">");
                    }
                }
                xml_escape(&p.text, &mut out, false);
                out.push_str("</mrk>");
            }
            (kind, MarkupRole::Standalone) => {
                let kind_type = match kind {
                    PlaceholderKind::Markup => " type=\"fmt\"",
                    PlaceholderKind::Url => " type=\"link\"",
                    _ => "",
                };
                push!(
                    &mut out,
                    "<ph id=\"",
                    p.id,
                    "\" dataRef=\"d",
                    p.id,
                    "\"",
                    kind_type,
                    " canDelete=\"no\" disp=\"",
                );
                xml_escape(&p.text, &mut out, true);
                out.push_str("\"/>");
            }
        }
    }
    out
}

/// `<originalData>` of a unit: one `<data id="dn">` per placeholder that
/// an inline code refers to (every kind but glossary terms), or "" when none.
pub fn original_data(placeholders: &[Placeholder]) -> String {
    let mut out = String::new();
    for p in placeholders
        .iter()
        .filter(|p| p.kind != PlaceholderKind::Term)
    {
        push!(&mut out, "<data id=\"d", p.id, "\">");
        xml_escape(&p.text, &mut out, false);
        out.push_str("</data>");
    }
    if out.is_empty() {
        out
    } else {
        format!("<originalData>{out}</originalData>")
    }
}

/// Converts a translation in the HTML style back to plain tokens: our spans
/// become `{n}` (a `translate="no"` span's content is dropped: the original
/// is restored on assembly), other tags are kept, entities are decoded.
pub fn html_to_tokens(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    // Open spans: the end token to write at `</span>`, if ours.
    let mut stack: Vec<Option<String>> = Vec::new();
    // Depth inside a translate="no" span whose content is skipped.
    let mut skipping = 0usize;
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("</span>") {
            if skipping > 0 {
                skipping -= 1;
            } else if let Some(Some(end)) = stack.pop() {
                out.push_str(&end);
            }
            rest = after;
            continue;
        }
        if rest.starts_with("<span")
            && let Some(close) = rest.find('>')
        {
            let tag = &rest[..=close];
            rest = &rest[close + 1..];
            if skipping > 0 {
                skipping += 1;
                continue;
            }
            let ph = attribute(tag, "data-ph");
            if let Some(id) = ph.as_deref().filter(|_| tag.contains("translate=\"no\"")) {
                let _ = write!(out, "{{{id}}}");
                skipping = 1;
            } else if let Some(id) = ph {
                let _ = write!(out, "{{{id}}}");
                stack.push(attribute(tag, "data-ph-end").map(|end| format!("{{{end}}}")));
            } else {
                out.push_str(tag);
                stack.push(None);
            }
            continue;
        }
        let c = rest.chars().next().expect("non-empty");
        if c == '&'
            && let Some(end) = rest.find(';').filter(|&e| e <= 10)
            && let Some(decoded) = decode_entity(&rest[1..end])
        {
            if skipping == 0 {
                out.push(decoded);
            }
            rest = &rest[end + 1..];
            continue;
        }
        if skipping == 0 {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')? + start;
    Some(tag[start..end].to_string())
}

fn decode_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" | "#39" => '\'',
        "nbsp" => '\u{A0}',
        _ => {
            let number = name.strip_prefix('#')?;
            let value = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(value)?
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::protect::{ContentType, Protector, protected_text};
    use proptest::prelude::*;

    proptest! {
        /// The run-copying escapes write what escaping every character
        /// does, on text with every character class they treat apart.
        #[test]
        fn escapes_match_escaping_each_character(
            text in proptest::collection::vec(
                prop_oneof![
                    Just('a'), Just(' '), Just('&'), Just('<'), Just('>'), Just('"'),
                    Just('\n'), Just('\r'), Just('\t'), Just('\u{1}'), Just('\u{7f}'),
                    Just('é'), Just('–'), Just('\u{fffe}'), Just('\u{ffff}'),
                    Just('\u{fffd}'), Just('\u{f000}'), Just('😀'), any::<char>(),
                ],
                0..40,
            ).prop_map(|chars| chars.into_iter().collect::<String>())
        ) {
            for attribute in [false, true] {
                let mut expected = String::new();
                text.chars().for_each(|c| xml_escape_char(c, &mut expected, attribute));
                let mut escaped = String::new();
                xml_escape(&text, &mut escaped, attribute);
                prop_assert_eq!(escaped, expected);
            }
            let mut expected = String::new();
            text.chars().for_each(|c| html_escape_char(c, &mut expected));
            let mut escaped = String::new();
            html_escape(&text, &mut escaped);
            prop_assert_eq!(escaped, expected);
        }
    }

    fn html_protector() -> Protector {
        Protector {
            content_type: ContentType::Html,
            ..Protector::default()
        }
    }

    #[test]
    fn html_rendition_round_trips_to_tokens() {
        let text = "Prices <b>rose 5%</b> & fell at https://x.org/a?b=1&c=2 <br>";
        let placeholders = html_protector().find(text);
        let rendered = html(text, &placeholders);
        assert_eq!(
            rendered,
            "Prices <span data-ph=\"1\" data-ph-end=\"3\">rose <span translate=\"no\" data-ph=\"2\">5%</span></span> &amp; fell at <span translate=\"no\" data-ph=\"4\">https://x.org/a?b=1&amp;c=2</span> <span translate=\"no\" data-ph=\"5\">&lt;br&gt;</span>"
        );
        assert_eq!(
            html_to_tokens(&rendered),
            protected_text(text, &placeholders)
        );
    }

    #[test]
    fn xliff_inline_codes() {
        let text = "A <i>b</i> 3 <br/>\u{1}";
        let placeholders = html_protector().find(text);
        assert_eq!(
            xliff_inline(text, &placeholders, None),
            "A <pc id=\"1\" dataRefStart=\"d1\" dataRefEnd=\"d2\" type=\"fmt\" canOverlap=\"no\" dispStart=\"&lt;i&gt;\">b</pc> <ph id=\"3\" dataRef=\"d3\" canDelete=\"no\" disp=\"3\"/> <ph id=\"4\" dataRef=\"d4\" type=\"fmt\" canDelete=\"no\" disp=\"&lt;br/&gt;\"/><cp hex=\"0001\"/>"
        );
        assert!(
            original_data(&placeholders)
                .starts_with("<originalData><data id=\"d1\">&lt;i&gt;</data>")
        );
    }
}
