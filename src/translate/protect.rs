//! Protected spans: what a translation engine must copy (or replace with a
//! forced translation), not translate. Each becomes a numbered placeholder
//! token `{n}`, typed by kind: URLs, emails, numbers and amounts, numeric
//! dates and times, @handles, #hashtags, template variables, inline markup
//! (HTML tags, Markdown syntax) and glossary terms.
//!
//! Markup that opens and closes inside one segment is paired (`pair`), so
//! renditions can wrap the text between (XLIFF `pc`); unpaired markup is
//! standalone (XLIFF `ph`).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use crate::error::Error;
use crate::text::char_class::CharClass;
use crate::text::char_props;
use crate::text::word_boundary::BoundaryRegex;
use crate::text::{language, non_ascii_chars};

/// What a placeholder protects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceholderKind {
    Url,
    Email,
    /// Numbers and amounts (with currency signs and percent).
    Number,
    /// Numeric dates and times (2025-03-05, 5/3/2025, 10:30).
    Date,
    /// `@handle`.
    Handle,
    /// `#hashtag`.
    Hashtag,
    /// Inline markup: an HTML tag or Markdown syntax.
    Markup,
    /// A glossary term: kept, or replaced by a forced translation.
    Term,
    /// A template variable already in the source, e.g. `{name}` or `{1}`;
    /// protecting it keeps the plain-token style unambiguous.
    Variable,
}

impl PlaceholderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PlaceholderKind::Url => "url",
            PlaceholderKind::Email => "email",
            PlaceholderKind::Number => "number",
            PlaceholderKind::Date => "date",
            PlaceholderKind::Handle => "handle",
            PlaceholderKind::Hashtag => "hashtag",
            PlaceholderKind::Markup => "markup",
            PlaceholderKind::Term => "term",
            PlaceholderKind::Variable => "variable",
        }
    }

    pub fn parse(name: &str) -> Option<PlaceholderKind> {
        Some(match name {
            "url" => PlaceholderKind::Url,
            "email" => PlaceholderKind::Email,
            "number" => PlaceholderKind::Number,
            "date" => PlaceholderKind::Date,
            "handle" => PlaceholderKind::Handle,
            "hashtag" => PlaceholderKind::Hashtag,
            "markup" => PlaceholderKind::Markup,
            "term" => PlaceholderKind::Term,
            "variable" => PlaceholderKind::Variable,
            _ => return None,
        })
    }
}

/// The role of a markup placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MarkupRole {
    /// Not markup, or markup without a partner in the segment.
    #[default]
    Standalone,
    /// Opens a pair (`<b>`, `**`, `[`); `pair` is the closing placeholder.
    Open,
    /// Closes a pair; `pair` is the opening placeholder.
    Close,
}

impl MarkupRole {
    pub fn as_str(self) -> &'static str {
        match self {
            MarkupRole::Standalone => "standalone",
            MarkupRole::Open => "open",
            MarkupRole::Close => "close",
        }
    }

    pub fn parse(name: &str) -> MarkupRole {
        match name {
            "open" => MarkupRole::Open,
            "close" => MarkupRole::Close,
            _ => MarkupRole::Standalone,
        }
    }
}

/// A protected span of a segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Placeholder {
    /// 1-based number within the segment.
    pub id: usize,
    pub kind: PlaceholderKind,
    pub text: String,
    pub token: String,
    /// Byte offsets within the segment text.
    pub start: usize,
    pub end: usize,
    pub role: MarkupRole,
    /// The partner of a paired markup placeholder (0 = none).
    pub pair: usize,
    /// Forced translations of a glossary term, by target language.
    pub translations: BTreeMap<String, String>,
}

impl Placeholder {
    /// The text that replaces the token in a translation into `target`:
    /// the forced translation of a glossary term, else the original.
    pub fn restored(&self, target: &str) -> &str {
        if let Some(forced) = self.translations.get(target) {
            return forced;
        }
        if let Ok(primary) = language::normalize_tag(target)
            && let Some(forced) = self.translations.get(&primary)
        {
            return forced;
        }
        &self.text
    }
}

/// The markup language of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum ContentType {
    #[default]
    #[serde(rename = "text/plain")]
    Plain,
    #[serde(rename = "text/markdown")]
    Markdown,
    #[serde(rename = "text/html")]
    Html,
}

impl ContentType {
    /// Parses a media type; parameters (`; charset=utf-8`) are ignored.
    pub fn parse(value: &str) -> Result<ContentType, Error> {
        let media = value
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match media.as_str() {
            "" | "text/plain" => Ok(ContentType::Plain),
            "text/markdown" | "text/x-markdown" => Ok(ContentType::Markdown),
            "text/html" => Ok(ContentType::Html),
            _ => Err(Error::invalid(
                "content_type",
                format!("{value:?} is not one of text/plain, text/markdown, text/html"),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ContentType::Plain => "text/plain",
            ContentType::Markdown => "text/markdown",
            ContentType::Html => "text/html",
        }
    }
}

/// One glossary entry: a term kept as is, or with forced translations per
/// target language.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct GlossaryEntry {
    pub term: String,
    pub translations: BTreeMap<String, String>,
}

/// Validates a request glossary: terms non-empty, unique and without line
/// breaks; translation keys are language tags (normalised), values non-empty.
pub fn validate_glossary(entries: &[GlossaryEntry]) -> Result<Vec<GlossaryEntry>, Error> {
    let mut out: Vec<GlossaryEntry> = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let field = format!("glossary[{i}].term");
        if entry.term.trim().is_empty() {
            return Err(Error::invalid(field, "must not be empty"));
        }
        if entry.term != entry.term.trim() || entry.term.contains(['\n', '\r']) {
            return Err(Error::invalid(
                field,
                format!(
                    "{:?} must not start or end with whitespace or contain line breaks",
                    entry.term
                ),
            ));
        }
        if out.iter().any(|e| e.term == entry.term) {
            return Err(Error::invalid(
                field,
                format!("{:?} is given twice", entry.term),
            ));
        }
        let mut translations = BTreeMap::new();
        for (lang, translation) in &entry.translations {
            let code = language::normalize_tag(lang).map_err(|e| {
                Error::invalid(
                    format!("glossary[{i}].translations"),
                    format!("{:?} is not a BCP-47 language tag", e.0),
                )
            })?;
            if translation.trim().is_empty() {
                return Err(Error::invalid(
                    format!("glossary[{i}].translations.{lang}"),
                    "must not be empty",
                ));
            }
            translations.insert(code, translation.clone());
        }
        out.push(GlossaryEntry {
            term: entry.term.clone(),
            translations,
        });
    }
    // Longest terms first, so "Mekong River Commission" wins over "Mekong".
    out.sort_by(|a, b| b.term.len().cmp(&a.term.len()).then(a.term.cmp(&b.term)));
    Ok(out)
}

/// Finds protected spans for one content type and glossary.
#[derive(Debug, Clone, Default)]
pub struct Protector {
    pub content_type: ContentType,
    /// Validated entries, longest first (see [`validate_glossary`]).
    pub glossary: Vec<GlossaryEntry>,
}

struct Patterns {
    html_tag: LazyLock<Regex>,
    md_code: LazyLock<Regex>,
    md_image: LazyLock<Regex>,
    md_link: LazyLock<Regex>,
    md_strong: LazyLock<Regex>,
    md_emphasis: LazyLock<Regex>,
    md_line_marker: LazyLock<Regex>,
    variable: LazyLock<Regex>,
    url: BoundaryRegex,
    email: LazyLock<Regex>,
    date: BoundaryRegex,
    handle: BoundaryRegex,
    hashtag: LazyLock<Regex>,
}

/// Each pattern compiles on first use: plain text never needs the HTML and
/// Markdown ones, and most sentences skip the others by a character check
/// (see [`Protector::find`]), which keeps start-up short for the CLI.
static PATTERNS: Patterns = Patterns {
    html_tag: LazyLock::new(|| {
        Regex::new(r"<!--[\s\S]*?-->|</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>|&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});").unwrap()
    }),
    md_code: LazyLock::new(|| Regex::new(r"`[^`\n]+`").unwrap()),
    md_image: LazyLock::new(|| Regex::new(r"!\[[^\]\n]*\]\([^)\s]+\)").unwrap()),
    md_link: LazyLock::new(|| {
        Regex::new(r"(\[)[^\]\n]+(\]\([^)\s]+(?:\s+\x22[^\x22\n]*\x22)?\))").unwrap()
    }),
    md_strong: LazyLock::new(|| {
        Regex::new(r"(\*\*|__)[^\s*_](?:[^\n]*?[^\s*_])?(\*\*|__)").unwrap()
    }),
    md_emphasis: LazyLock::new(|| {
        Regex::new(r"(?:^|[^*\w])(\*)[^\s*](?:[^*\n]*?[^\s*])?(\*)").unwrap()
    }),
    md_line_marker: LazyLock::new(|| {
        Regex::new(r"(?m)^[ \t]{0,3}(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d{1,9}[.)][ \t]+)")
            .unwrap()
    }),
    variable: LazyLock::new(|| Regex::new(r"\{[^{}\s]{1,64}\}").unwrap()),
    url: BoundaryRegex::new(r"(?i)\b(?:https?://|ftp://|www\.)[^\s<>\x22'“”‘’（）「」]+"),
    email: LazyLock::new(|| {
        Regex::new(r"[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+").unwrap()
    }),
    // ISO dates, d/m/y and d.m.y dates, 24-hour times.
    date: BoundaryRegex::new(
        r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b|\b\d{1,2}:\d{2}(?::\d{2})?\b",
    ),
    handle: BoundaryRegex::new(r"@[A-Za-z0-9_]{1,30}\b"),
    hashtag: LazyLock::new(|| Regex::new(r"#[\p{L}\p{M}\p{N}_]*\p{L}[\p{L}\p{M}\p{N}_]*").unwrap()),
};

fn patterns() -> &'static Patterns {
    &PATTERNS
}

/// A candidate span before numbering: (start, end, kind, role, partner
/// candidate index, forced translations).
#[derive(Debug, Clone)]
struct Span {
    start: usize,
    end: usize,
    kind: PlaceholderKind,
    role: MarkupRole,
    partner: Option<usize>,
    translations: BTreeMap<String, String>,
}

const VOID_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

impl Protector {
    /// Finds the protected spans of `text`, non-overlapping and in order,
    /// numbered from 1.
    pub fn find(&self, text: &str) -> Vec<Placeholder> {
        let patterns = patterns();
        let mut spans: Vec<Span> = Vec::new();
        match self.content_type {
            ContentType::Plain => {}
            ContentType::Html => html_markup(text, &mut spans),
            ContentType::Markdown => markdown_markup(text, &mut spans),
        }
        let add = |spans: &mut Vec<Span>, start: usize, end: usize, kind: PlaceholderKind| {
            if start < end && !overlaps(spans, start, end) {
                spans.push(Span {
                    start,
                    end,
                    kind,
                    role: MarkupRole::Standalone,
                    partner: None,
                    translations: BTreeMap::new(),
                });
            }
        };
        // Character checks first: a pattern cannot match without its
        // character, and most sentences have no '{', '@', '#' or URL.
        let seen = Seen::of(text);
        // An ASCII digit settles it; otherwise only the non-ASCII characters
        // can be numeric.
        let has_digit = seen.ascii_digit || non_ascii_chars(text).any(char_props::is_numeric);
        for m in matches_in(seen.brace.then(|| &*patterns.variable), text) {
            add(&mut spans, m.start(), m.end(), PlaceholderKind::Variable);
        }
        for m in matches_in(
            seen.url_start.then(|| patterns.url.for_haystack(text)),
            text,
        ) {
            let trimmed = m
                .as_str()
                .trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '。', '，']);
            add(
                &mut spans,
                m.start(),
                m.start() + trimmed.len(),
                PlaceholderKind::Url,
            );
        }
        for m in matches_in(seen.at.then(|| &*patterns.email), text) {
            add(&mut spans, m.start(), m.end(), PlaceholderKind::Email);
        }
        for entry in &self.glossary {
            for (start, term) in text.match_indices(entry.term.as_str()) {
                let end = start + term.len();
                if on_word_edges(text, start, end) && !overlaps(&spans, start, end) {
                    spans.push(Span {
                        start,
                        end,
                        kind: PlaceholderKind::Term,
                        role: MarkupRole::Standalone,
                        partner: None,
                        translations: entry.translations.clone(),
                    });
                }
            }
        }
        for m in matches_in(seen.at.then(|| patterns.handle.for_haystack(text)), text) {
            if !after_word_char(text, m.start()) {
                add(&mut spans, m.start(), m.end(), PlaceholderKind::Handle);
            }
        }
        for m in matches_in(seen.hash.then(|| &*patterns.hashtag), text) {
            if !after_word_char(text, m.start()) {
                add(&mut spans, m.start(), m.end(), PlaceholderKind::Hashtag);
            }
        }
        // Most sentences with a digit have no date's shape. A date holds
        // digits (`\d`, which `is_numeric` includes) and separators only.
        if has_digit && date_shape(text) {
            let is_date_part =
                |c: char| char_props::is_numeric(c) || matches!(c, '-' | '/' | '.' | ':');
            for (start, end) in patterns.date.find_in_runs(text, is_date_part) {
                add(&mut spans, start, end, PlaceholderKind::Date);
            }
        }
        if has_digit {
            for (start, end) in numbers(text) {
                if !inside_word(text, start, end) {
                    add(&mut spans, start, end, PlaceholderKind::Number);
                }
            }
        }
        let mut placeholders = number(text, spans);
        unpair_crossing(&mut placeholders);
        placeholders
    }
}

/// What one pass over a text's bytes shows of the characters the patterns
/// need (all ASCII, so no multi-byte character can fake one).
struct Seen {
    brace: bool,
    at: bool,
    hash: bool,
    ascii_digit: bool,
    /// "://" or "www." (any case).
    url_start: bool,
}

const BRACE: u8 = 1;
const AT: u8 = 2;
const HASH: u8 = 4;
const DIGIT: u8 = 8;
const COLON: u8 = 16;
const W: u8 = 32;

/// The [`Seen`] flag of each byte (0 for most).
static BYTE_FLAGS: [u8; 256] = {
    let mut flags = [0u8; 256];
    flags[b'{' as usize] = BRACE;
    flags[b'@' as usize] = AT;
    flags[b'#' as usize] = HASH;
    let mut digit = b'0';
    while digit <= b'9' {
        flags[digit as usize] = DIGIT;
        digit += 1;
    }
    flags[b':' as usize] = COLON;
    flags[b'w' as usize] = W;
    flags[b'W' as usize] = W;
    flags
};

impl Seen {
    fn of(text: &str) -> Seen {
        let bytes = text.as_bytes();
        // Branch-free: one table lookup and an OR per byte.
        let flags = bytes
            .iter()
            .fold(0u8, |flags, &b| flags | BYTE_FLAGS[b as usize]);
        let url_start = (flags & COLON != 0 && text.contains("://"))
            || (flags & W != 0
                && memchr::memchr_iter(b'.', bytes)
                    .any(|dot| dot >= 3 && bytes[dot - 3..dot].eq_ignore_ascii_case(b"www")));
        Seen {
            brace: flags & BRACE != 0,
            at: flags & AT != 0,
            hash: flags & HASH != 0,
            ascii_digit: flags & DIGIT != 0,
            url_start,
        }
    }
}

/// The matches of `regex` in `text`; none when there is no regex (a
/// character check showed that it cannot match).
fn matches_in<'r, 'h>(
    regex: Option<&'r Regex>,
    text: &'h str,
) -> impl Iterator<Item = regex::Match<'h>> + use<'r, 'h> {
    // Not `Option::into_iter().flatten()`: its state machine cost more
    // than the searches on sentences without a match (most of them).
    let mut matches = regex.map(|regex| regex.find_iter(text));
    std::iter::from_fn(move || matches.as_mut()?.next())
}

/// Amounts and numbers: an optional currency sign, digits with group and
/// decimal separators, an optional percent sign. The matches, in order, of
/// `[$€£¥₫฿₱₹៛₭]?\d+(?:[.,\x{202F}\x{00A0}]\d+)*%?` (a property test
/// holds them to that regex), found without it: the regex's lazy DFA walked
/// every byte of each sentence with a digit, one dependent table load per
/// byte, where this loop skips to the next digit or currency sign.
fn numbers(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    // Where the next match may start: an ASCII digit, `$`, or a non-ASCII
    // character (the other currency signs and digits). Always a character
    // boundary: it moves by whole characters and matches.
    let mut cursor = 0;
    std::iter::from_fn(move || {
        while let Some(offset) = bytes[cursor..]
            .iter()
            .position(|&b| b.is_ascii_digit() || b == b'$' || b >= 0x80)
        {
            let start = cursor + offset;
            let c = text[start..]
                .chars()
                .next()
                .expect("a character starts here");
            cursor = start + c.len_utf8();
            let first_digit = if is_digit(c) {
                start
            } else if is_currency(c) && text[cursor..].chars().next().is_some_and(is_digit) {
                cursor
            } else {
                continue;
            };
            let mut end = digits_end(text, first_digit);
            loop {
                let mut rest = text[end..].chars();
                match (rest.next(), rest.next()) {
                    (Some(sep), Some(digit))
                        if matches!(sep, '.' | ',' | '\u{202F}' | '\u{A0}') && is_digit(digit) =>
                    {
                        end = digits_end(text, end + sep.len_utf8());
                    }
                    _ => break,
                }
            }
            if bytes.get(end) == Some(&b'%') {
                end += 1;
            }
            cursor = end;
            return Some((start, end));
        }
        cursor = bytes.len();
        None
    })
}

fn is_currency(c: char) -> bool {
    matches!(c, '$' | '€' | '£' | '¥' | '₫' | '฿' | '₱' | '₹' | '៛' | '₭')
}

/// Unicode `\d` (general category Nd), as the regex crate means it.
fn is_digit(c: char) -> bool {
    static NON_ASCII: LazyLock<CharClass> = LazyLock::new(|| CharClass::new(r"\d"));
    match c {
        '0'..='9' => true,
        // No Nd digit below U+0660 (Arabic-Indic) or among the General
        // Punctuation (dashes, quotes) that news text is full of.
        '\0'..'\u{660}' | '\u{2000}'..='\u{206F}' => false,
        _ => NON_ASCII.contains(c),
    }
}

/// The end of the run of digits that starts at `start`, which is a digit.
fn digits_end(text: &str, start: usize) -> usize {
    text[start..]
        .char_indices()
        .find(|&(_, c)| !is_digit(c))
        .map_or(text.len(), |(i, _)| start + i)
}

/// Whether `text` has the shape every date pattern needs: a digit, `-` or
/// `:`, a digit; or a digit, `/` or `.`, digits, `/` or `.`, a digit (any
/// numeric character counts as a digit here). "3.5%" and "2,000" do not.
fn date_shape(text: &str) -> bool {
    let digit_like = char_props::is_numeric;
    text.bytes().enumerate().any(|(i, b)| {
        if !matches!(b, b'-' | b':' | b'/' | b'.')
            || !text[..i].chars().next_back().is_some_and(digit_like)
        {
            return false;
        }
        let after = &text[i + 1..];
        if !after.chars().next().is_some_and(digit_like) {
            return false;
        }
        // `/` and `.` need a second separator after the digits.
        let mut rest = after.chars().skip_while(|&c| digit_like(c));
        matches!(b, b'-' | b':')
            || (matches!(rest.next(), Some('/' | '.')) && rest.next().is_some_and(digit_like))
    })
}

/// Pairs must nest (`<b><i></i></b>`); a pair that crosses another
/// (`**a [b** c](u)`) becomes two standalone placeholders, so every
/// rendition can wrap paired text.
fn unpair_crossing(placeholders: &mut [Placeholder]) {
    let mut stack: Vec<usize> = Vec::new();
    let mut broken: Vec<usize> = Vec::new();
    for placeholder in placeholders.iter() {
        match placeholder.role {
            MarkupRole::Open => stack.push(placeholder.id),
            MarkupRole::Close => {
                if stack.last() == Some(&placeholder.pair) {
                    stack.pop();
                } else {
                    stack.retain(|&id| id != placeholder.pair);
                    broken.extend([placeholder.id, placeholder.pair]);
                }
            }
            MarkupRole::Standalone => {}
        }
    }
    broken.extend(stack);
    for placeholder in placeholders.iter_mut() {
        if broken.contains(&placeholder.id) || broken.contains(&placeholder.pair) {
            placeholder.role = MarkupRole::Standalone;
            placeholder.pair = 0;
        }
    }
}

/// Sorts candidate spans and numbers them; partners become placeholder ids.
fn number(text: &str, spans: Vec<Span>) -> Vec<Placeholder> {
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_unstable_by_key(|&i| spans[i].start);
    let mut id_of = vec![0usize; spans.len()];
    for (position, &i) in order.iter().enumerate() {
        id_of[i] = position + 1;
    }
    order
        .iter()
        .map(|&i| {
            let span = &spans[i];
            Placeholder {
                id: id_of[i],
                kind: span.kind,
                text: text[span.start..span.end].to_string(),
                token: token(id_of[i]),
                start: span.start,
                end: span.end,
                role: span.role,
                pair: span.partner.map_or(0, |p| id_of[p]),
                translations: span.translations.clone(),
            }
        })
        .collect()
}

/// HTML tags, comments and character references. Tags pair by name with a
/// stack (well-nested only); void elements, comments and references are
/// standalone.
fn html_markup(text: &str, spans: &mut Vec<Span>) {
    let mut open: Vec<(usize, String)> = Vec::new();
    for m in patterns().html_tag.find_iter(text) {
        let tag = m.as_str();
        let index = spans.len();
        spans.push(Span {
            start: m.start(),
            end: m.end(),
            kind: PlaceholderKind::Markup,
            role: MarkupRole::Standalone,
            partner: None,
            translations: BTreeMap::new(),
        });
        if !tag.starts_with('<') || tag.starts_with("<!--") || tag.ends_with("/>") {
            continue;
        }
        let closing = tag.starts_with("</");
        let name: String = tag[if closing { 2 } else { 1 }..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == ':' || *c == '-')
            .collect::<String>()
            .to_ascii_lowercase();
        if VOID_ELEMENTS.contains(&name.as_str()) {
            continue;
        }
        if !closing {
            open.push((index, name));
        } else if let Some(position) = open.iter().rposition(|(_, n)| *n == name) {
            // Elements left open inside this one stay standalone.
            let (opener, _) = open[position];
            open.truncate(position);
            spans[opener].role = MarkupRole::Open;
            spans[opener].partner = Some(index);
            spans[index].role = MarkupRole::Close;
            spans[index].partner = Some(opener);
        }
    }
}

/// Markdown inline syntax: code spans and images (whole, standalone), links
/// (`[` ... `](url)` paired), strong and emphasis delimiters (paired), and
/// line markers (headings, quotes, list items; standalone).
fn markdown_markup(text: &str, spans: &mut Vec<Span>) {
    let patterns = patterns();
    let standalone = |spans: &mut Vec<Span>, start: usize, end: usize| {
        if !overlaps(spans, start, end) {
            spans.push(Span {
                start,
                end,
                kind: PlaceholderKind::Markup,
                role: MarkupRole::Standalone,
                partner: None,
                translations: BTreeMap::new(),
            });
        }
    };
    for m in patterns.md_code.find_iter(text) {
        standalone(spans, m.start(), m.end());
    }
    for m in patterns.md_image.find_iter(text) {
        standalone(spans, m.start(), m.end());
    }
    for m in patterns.md_line_marker.find_iter(text) {
        standalone(spans, m.start(), m.end());
    }
    for regex in [
        &patterns.md_link,
        &patterns.md_strong,
        &patterns.md_emphasis,
    ] {
        for captures in regex.captures_iter(text) {
            let (Some(open), Some(close)) = (captures.get(1), captures.get(2)) else {
                continue;
            };
            if overlaps(spans, open.start(), open.end())
                || overlaps(spans, close.start(), close.end())
            {
                continue;
            }
            let opener = spans.len();
            for (range, role, partner) in [
                (open.range(), MarkupRole::Open, opener + 1),
                (close.range(), MarkupRole::Close, opener),
            ] {
                spans.push(Span {
                    start: range.start,
                    end: range.end,
                    kind: PlaceholderKind::Markup,
                    role,
                    partner: Some(partner),
                    translations: BTreeMap::new(),
                });
            }
        }
    }
}

fn overlaps(spans: &[Span], start: usize, end: usize) -> bool {
    spans.iter().any(|s| start < s.end && s.start < end)
}

/// Letters and digits of scripts written with spaces between words; a
/// glossary term must not continue into one of them.
fn is_spaced_word_char(c: char) -> bool {
    char_props::is_alphanumeric(c) && !is_unspaced_script(c)
}

fn is_unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF // Thai, Lao
        | 0x1000..=0x109F // Myanmar
        | 0x1780..=0x17FF // Khmer
        | 0x3040..=0x30FF // Hiragana, Katakana
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF // Han
    )
}

/// A term match must start and end on word edges in spaced scripts ("Mekong"
/// not inside "Mekongs"); in unspaced scripts any position is an edge.
fn on_word_edges(text: &str, start: usize, end: usize) -> bool {
    let first = text[start..end].chars().next();
    let last = text[start..end].chars().next_back();
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let joined = |edge: Option<char>, neighbour: Option<char>| {
        edge.is_some_and(is_spaced_word_char) && neighbour.is_some_and(is_spaced_word_char)
    };
    !joined(first, before) && !joined(last, after)
}

fn after_word_char(text: &str, start: usize) -> bool {
    text[..start]
        .chars()
        .next_back()
        .is_some_and(|c| char_props::is_alphanumeric(c) || c == '_')
}

/// Digits glued to Latin letters ("COVID19", "G20", "3.0a") stay text.
fn inside_word(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    before.is_some_and(|c| c.is_ascii_alphabetic())
        || after.is_some_and(|c| c.is_ascii_alphabetic())
}

const BLOCK_ELEMENTS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "td",
    "th",
    "tr",
    "ul",
];

/// HTML as the sentence splitter should see it: every block-level tag
/// (`<p>`, `</h1>`, `<br/>`, `<li>`...) becomes a line break padded with
/// spaces to the same byte length, so blocks end sentences and offsets
/// into the original stay valid. Block tags then fall between segments
/// (kept in the whitespace gaps, restored on assembly), as a CAT filter
/// puts them in the skeleton. Returns the masked text and where each block
/// tag starts (sentences always break there); `None` when nothing changes.
pub fn mask_block_markup(text: &str) -> Option<(String, Vec<usize>)> {
    let mut masked: Option<(String, Vec<usize>)> = None;
    for m in patterns().html_tag.find_iter(text) {
        let tag = m.as_str();
        let name: String = tag
            .trim_start_matches('<')
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if !tag.starts_with('<') || !BLOCK_ELEMENTS.contains(&name.as_str()) {
            continue;
        }
        let (out, breaks) = masked.get_or_insert_with(|| (text.to_string(), Vec::new()));
        breaks.push(m.start());
        let mut replacement = String::with_capacity(tag.len());
        replacement.push('\n');
        replacement.extend(std::iter::repeat_n(' ', tag.len() - 1));
        out.replace_range(m.range(), &replacement);
    }
    masked
}

/// The headline of an HTML document: the text of its first `<h1>` (else
/// `<title>`), tags removed and whitespace folded.
pub fn html_headline(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    for name in ["h1", "title"] {
        let Some(open) = lower.find(&format!("<{name}")) else {
            continue;
        };
        let Some(content_start) = lower[open..].find('>').map(|i| open + i + 1) else {
            continue;
        };
        let Some(close) = lower[content_start..]
            .find(&format!("</{name}"))
            .map(|i| content_start + i)
        else {
            continue;
        };
        let inner = patterns()
            .html_tag
            .replace_all(&text[content_start..close], " ");
        let folded = inner.split_whitespace().collect::<Vec<_>>().join(" ");
        if !folded.is_empty() {
            return Some(folded);
        }
    }
    None
}

/// URLs, emails, numbers and the other built-in kinds of plain text (no
/// glossary).
pub fn find(text: &str) -> Vec<Placeholder> {
    Protector::default().find(text)
}

/// The token of placeholder `id` in protected text: `{id}`.
fn token(id: usize) -> String {
    let mut token = String::with_capacity(8);
    push!(&mut token, "{", id, "}");
    token
}

/// `text` with every placeholder span replaced by its token.
pub fn protected_text(text: &str, placeholders: &[Placeholder]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut cursor = 0;
    for placeholder in placeholders {
        out.push_str(&text[cursor..placeholder.start]);
        out.push_str(&placeholder.token);
        cursor = placeholder.end;
    }
    out.push_str(&text[cursor..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The one-pass character checks say what the plain searches say.
        #[test]
        fn seen_is_the_plain_character_checks(
            text in "([a-zA-Z .:/{}@#0-9]|[Ww]{1,3}\\.|://|[é–“]|ｗ)*",
        ) {
            let seen = Seen::of(&text);
            prop_assert_eq!(seen.brace, text.contains('{'));
            prop_assert_eq!(seen.at, text.contains('@'));
            prop_assert_eq!(seen.hash, text.contains('#'));
            prop_assert_eq!(seen.ascii_digit, text.bytes().any(|b| b.is_ascii_digit()));
            let url = text.contains("://")
                || text.as_bytes().windows(4).any(|w| w.eq_ignore_ascii_case(b"www."));
            prop_assert_eq!(seen.url_start, url);
        }
    }

    /// Text made of the characters numbers and dates are made of.
    const NUMBERISH: &str = "([0-9]{1,5}|[-/.,:%$€₫¥ a_]|\u{202F}|\u{A0}|[٣२０-９]|[²½Ⅻ]|é|“)*";

    proptest! {
        /// The number scanner finds what the number regex finds.
        #[test]
        fn numbers_are_the_regex_matches(text in NUMBERISH) {
            let regex =
                Regex::new(r"[$€£¥₫฿₱₹៛₭]?\d+(?:[.,\x{202F}\x{00A0}]\d+)*%?").unwrap();
            let expected: Vec<(usize, usize)> =
                regex.find_iter(&text).map(|m| (m.start(), m.end())).collect();
            prop_assert_eq!(numbers(&text).collect::<Vec<_>>(), expected);
        }

        /// Text without the date shape has no date.
        #[test]
        fn the_date_shape_is_needed_for_a_date(text in NUMBERISH) {
            if !date_shape(&text) {
                let date = &patterns().date;
                prop_assert!(date.find_iter(&text).next().is_none(), "{:?}", text);
            }
        }
    }

    #[test]
    fn is_digit_is_unicode_nd() {
        let digit = Regex::new(r"\A\d\z").unwrap();
        for c in (0..=0x10FFFF_u32).filter_map(char::from_u32) {
            assert_eq!(
                is_digit(c),
                digit.is_match(c.encode_utf8(&mut [0; 4])),
                "U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn numbers_in_scripts_and_currencies() {
        let text = "Giá 25.000₫, ₫30 000, ๑๒๓ บาท, ２０２４年, 3,5% và $ 7.";
        let found: Vec<&str> = numbers(text).map(|(s, e)| &text[s..e]).collect();
        assert_eq!(
            found,
            ["25.000", "₫30", "000", "๑๒๓", "２０２４", "3,5%", "7"]
        );
        assert!(date_shape("on 12/03/2024"));
        assert!(date_shape("on 12.3.24"));
        assert!(date_shape("at ๑๐:๓๐"));
        assert!(date_shape("2024-05"));
        assert!(!date_shape("2,000 people in 2015. 3 - 4, 3.5% or 1.5 / 2"));
    }

    fn kinds(found: &[Placeholder]) -> Vec<(PlaceholderKind, &str)> {
        found.iter().map(|p| (p.kind, p.text.as_str())).collect()
    }

    #[test]
    fn urls_emails_numbers() {
        let text =
            "Visit https://asean.org/news. Mail info@asean.org about 3.5% of $1,000.50 in G20.";
        let found = find(text);
        assert_eq!(
            kinds(&found),
            vec![
                (PlaceholderKind::Url, "https://asean.org/news"),
                (PlaceholderKind::Email, "info@asean.org"),
                (PlaceholderKind::Number, "3.5%"),
                (PlaceholderKind::Number, "$1,000.50"),
            ]
        );
        assert_eq!(
            protected_text(text, &found),
            "Visit {1}. Mail {2} about {3} of {4} in G20."
        );
    }

    #[test]
    fn dates_handles_hashtags_variables() {
        let text = "On 2025-03-05 at 10:30 @asean_news posted #ASEAN2025 to {name}, not me@x.org.";
        assert_eq!(
            kinds(&find(text)),
            vec![
                (PlaceholderKind::Date, "2025-03-05"),
                (PlaceholderKind::Date, "10:30"),
                (PlaceholderKind::Handle, "@asean_news"),
                (PlaceholderKind::Hashtag, "#ASEAN2025"),
                (PlaceholderKind::Variable, "{name}"),
                (PlaceholderKind::Email, "me@x.org"),
            ]
        );
    }

    #[test]
    fn html_tags_pair_when_well_nested() {
        let protector = Protector {
            content_type: ContentType::Html,
            ..Protector::default()
        };
        let found = protector.find("<p>Rice <b>rose</b> 5%<br/> in <i>Hanoi.");
        let roles: Vec<_> = found
            .iter()
            .map(|p| (p.text.as_str(), p.role, p.pair))
            .collect();
        assert_eq!(
            roles,
            vec![
                ("<p>", MarkupRole::Standalone, 0),
                ("<b>", MarkupRole::Open, 3),
                ("</b>", MarkupRole::Close, 2),
                ("5%", MarkupRole::Standalone, 0),
                ("<br/>", MarkupRole::Standalone, 0),
                ("<i>", MarkupRole::Standalone, 0),
            ]
        );
    }

    #[test]
    fn markdown_links_and_emphasis_pair() {
        let protector = Protector {
            content_type: ContentType::Markdown,
            ..Protector::default()
        };
        let text = "## See **the [report](https://x.org/r)** and `code`";
        let found = protector.find(text);
        assert_eq!(
            protected_text(text, &found),
            "{1}See {2}the {3}report{4}{5} and {6}"
        );
        assert_eq!((found[1].role, found[1].pair), (MarkupRole::Open, 5));
        assert_eq!((found[2].role, found[2].pair), (MarkupRole::Open, 4));
    }

    #[test]
    fn glossary_terms_on_word_edges_longest_first() {
        let glossary = validate_glossary(&[
            GlossaryEntry {
                term: "Mekong".into(),
                translations: BTreeMap::from([("vi".into(), "Mê Kông".into())]),
            },
            GlossaryEntry {
                term: "Mekong River Commission".into(),
                translations: BTreeMap::new(),
            },
        ])
        .unwrap();
        let protector = Protector {
            glossary,
            ..Protector::default()
        };
        let found = protector.find("The Mekong River Commission met on the Mekong, not Mekongs.");
        assert_eq!(
            kinds(&found),
            vec![
                (PlaceholderKind::Term, "Mekong River Commission"),
                (PlaceholderKind::Term, "Mekong"),
            ]
        );
        assert_eq!(found[1].restored("vi"), "Mê Kông");
        assert_eq!(found[1].restored("th"), "Mekong");
        assert_eq!(found[0].restored("vi"), "Mekong River Commission");
    }

    #[test]
    fn bad_glossary_names_the_field() {
        let error = validate_glossary(&[
            GlossaryEntry {
                term: "ASEAN".into(),
                ..GlossaryEntry::default()
            },
            GlossaryEntry {
                term: "ASEAN".into(),
                ..GlossaryEntry::default()
            },
        ])
        .unwrap_err();
        assert_eq!(error.field(), "glossary[1].term");
        let error = validate_glossary(&[GlossaryEntry {
            term: "x".into(),
            translations: BTreeMap::from([("not a tag".into(), "y".into())]),
        }])
        .unwrap_err();
        assert_eq!(error.field(), "glossary[0].translations");
    }
}
