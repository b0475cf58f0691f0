//! Rule-based sentence splitter.
//!
//! The splitter walks the text once (linear time) and decides at two kinds of
//! candidate positions:
//! * terminators (`.` `!` `?` `…`, CJK `。！？`, and the terminators of other
//!   scripts listed in [`crate::text::language`]), extended over closing quotes
//!   and brackets;
//! * line breaks, where the line structure decides: a blank line after a
//!   prose fragment that has no final punctuation continues the sentence
//!   (scraped news often breaks sentences with blank lines), while a short
//!   heading-like line ends one.
//!
//! Sentences are byte spans into the original text, trimmed of surrounding
//! whitespace; everything between two sentences is whitespace.

use serde::Serialize;

use crate::text::char_props;
use crate::text::find_whitespace;
use crate::text::language::{LanguageData, is_closing_punct, is_opening_punct};
use crate::text::space_breaks::SpaceScan;
use crate::text::words::{Word, words};

/// Per-request splitter options.
#[derive(Debug, Clone, Default)]
pub struct SegmentOptions {
    /// Extra abbreviations (without or with the final dot) that never end a sentence.
    pub extra_abbreviations: Vec<String>,
    /// Every line break ends a sentence.
    pub one_sentence_per_line: bool,
}

/// Which rule ended a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BoundaryRule {
    /// `.`, `!`, `?` followed by whitespace and a sentence start.
    Terminator,
    /// An ellipsis followed by a capitalised word.
    Ellipsis,
    /// A terminator of a script that writes no space after it (CJK, Khmer,
    /// Burmese, Amharic, Devanagari, ...).
    ScriptTerminator,
    /// A heading-like line (short, no final punctuation) followed by a line break.
    HeadingLine,
    /// A line ending with a colon.
    LineColon,
    /// A line break before a list item.
    ListItem,
    /// A paragraph (blank line) break after a non-prose fragment.
    Paragraph,
    /// A line break in one-sentence-per-line mode.
    LineBreak,
    /// A space the Thai/Lao space model scored as a sentence boundary.
    SpaceModel,
    /// The end of the text.
    EndOfText,
}

impl BoundaryRule {
    pub fn as_str(self) -> &'static str {
        match self {
            BoundaryRule::Terminator => "terminator",
            BoundaryRule::Ellipsis => "ellipsis",
            BoundaryRule::ScriptTerminator => "script_terminator",
            BoundaryRule::HeadingLine => "heading_line",
            BoundaryRule::LineColon => "line_colon",
            BoundaryRule::ListItem => "list_item",
            BoundaryRule::Paragraph => "paragraph",
            BoundaryRule::LineBreak => "line_break",
            BoundaryRule::SpaceModel => "space_model",
            BoundaryRule::EndOfText => "end_of_text",
        }
    }
}

/// A sentence span: `text[start..end]`, trimmed, never empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub rule: BoundaryRule,
}

/// Splits `text` into sentence spans.
pub fn split(text: &str, data: &LanguageData, options: &SegmentOptions) -> Vec<Span> {
    split_with_words(text, data, options, &space_model_words(text, data))
}

/// The words the space model of `data` reads: the dictionary [`words`] of
/// `text` for Thai and Lao, none for languages without a space model.
pub fn space_model_words(text: &str, data: &LanguageData) -> Vec<Word> {
    if data.space_model.is_empty() {
        Vec::new()
    } else {
        words(text)
    }
}

/// [`split`], given [`space_model_words`] of `text`.
pub fn split_with_words(
    text: &str,
    data: &LanguageData,
    options: &SegmentOptions,
    words: &[Word],
) -> Vec<Span> {
    let extra: Vec<String> = options
        .extra_abbreviations
        .iter()
        .map(|a| a.trim().trim_end_matches('.').to_lowercase())
        .filter(|a| !a.is_empty())
        .collect();
    let splitter = Splitter {
        text,
        bytes: text.as_bytes(),
        data,
        extra_abbreviations: &extra,
        one_sentence_per_line: options.one_sentence_per_line,
        words,
    };
    splitter.run()
}

struct Splitter<'a> {
    text: &'a str,
    bytes: &'a [u8],
    data: &'a LanguageData,
    extra_abbreviations: &'a [String],
    one_sentence_per_line: bool,
    /// [`space_model_words`] of `text`.
    words: &'a [Word],
}

impl Splitter<'_> {
    fn run(&self) -> Vec<Span> {
        let mut cuts: Vec<(usize, BoundaryRule)> = Vec::new();
        // Start of the sentence being built (byte offset of the last cut).
        let mut sentence_start = 0usize;
        let mut pos = 0usize;
        let len = self.text.len();
        // Where the next sentence's first character is: a list marker there
        // ("1.", "2.)", "b)") is part of the sentence, not a boundary.
        let mut marker_check_at = self.whitespace_run_end(0);
        // The label the next list item would carry ("2" after "1."), which
        // starts a new sentence even inside a line: "1) One 2) Two".
        let mut next_list_label: Option<String> = None;
        // Start of an open CJK title bracket (《》〈〉): terminators inside a
        // title ("《摔跤吧！爸爸》") do not end the sentence.
        let mut title_open_at: Option<usize> = None;
        // What the space model's scores found at the spaces before.
        let mut space_scan = SpaceScan::default();
        while pos < len {
            // Fast path: skip ASCII bytes that no rule below looks at (most
            // of a Latin-script text), stopping where a list marker may start.
            let spaces_inert = next_list_label.is_none() && self.data.space_model.is_empty();
            let limit = if marker_check_at >= pos {
                marker_check_at
            } else {
                len
            };
            let inert = &INERT[usize::from(spaces_inert)];
            // Sixteen bytes at a time (table lookups without a branch per
            // byte), then bytewise.
            while pos + 16 <= limit
                && self.bytes[pos..pos + 16]
                    .iter()
                    .fold(true, |all, &b| all & inert[usize::from(b)])
            {
                pos += 16;
            }
            while pos < limit && inert[usize::from(self.bytes[pos])] {
                pos += 1;
            }
            // Then, from a non-ASCII character no rule below looks at (a
            // letter of any script), over those and inert ASCII alike: in
            // Vietnamese text the two alternate every few bytes. (Only once
            // one is found: one loop over both from the start cost English
            // +0.7%, and English +8.8% with the block check below.)
            if self.steps_over(pos, limit) {
                pos += utf8_len(self.bytes[pos]);
                // A block at a time where no character in it may be
                // reactive (`block_may_react`, vectorized), else a
                // character at a time without a branch on the kind of
                // byte, which alternates unpredictably: the step (`STEPS`),
                // unless a lead byte's character is reactive (`reacts_at`). The byte
                // before `limit` is left to the rules below, which step
                // over it as well.
                let steps = &STEPS[usize::from(spaces_inert)];
                'mixed: while pos + 1 < limit {
                    // Most of a Vietnamese sentence: the block is passed
                    // over to the end of the character it ends in (before
                    // `limit`, a character boundary).
                    if pos + SKIP_BLOCK < limit
                        && let Some(window) = self.bytes.get(pos..=pos + SKIP_BLOCK)
                        && !block_may_react(window, spaces_inert)
                    {
                        pos += SKIP_BLOCK;
                        while self.bytes.get(pos).is_some_and(|&b| b & 0xC0 == 0x80) {
                            pos += 1;
                        }
                        continue;
                    }
                    let block_end = (pos + SKIP_BLOCK).min(limit - 1);
                    while pos < block_end {
                        let byte = self.bytes[pos];
                        let step = if reacts_at(self.bytes, pos) {
                            0
                        } else {
                            steps[usize::from(byte)]
                        };
                        if step == 0 {
                            break 'mixed;
                        }
                        pos += usize::from(step);
                    }
                }
            }
            if pos >= len {
                break;
            }
            let ch = self.char_at(pos);
            let ch_len = ch.len_utf8();
            if pos == marker_check_at {
                match list_marker(&self.text[pos..]) {
                    Some((label, marker_len)) => {
                        next_list_label = successor_label(&label);
                        pos += marker_len;
                        continue;
                    }
                    None => next_list_label = None,
                }
            }
            if ch == '\n' || ch == '\r' {
                let run_end = self.whitespace_run_end(pos);
                title_open_at = None;
                if run_end < len
                    && let Some(rule) = self.line_break_decision(sentence_start, pos, run_end)
                {
                    cuts.push((pos, rule));
                    sentence_start = run_end;
                    marker_check_at = run_end;
                }
                pos = run_end;
                continue;
            }
            if is_horizontal_space(ch)
                && let Some(label) = &next_list_label
            {
                let run_end = self.horizontal_space_run_end(pos);
                if starts_list_item_labelled(&self.text[run_end..], label) {
                    cuts.push((pos, BoundaryRule::ListItem));
                    sentence_start = run_end;
                    marker_check_at = run_end;
                    pos = run_end;
                    continue;
                }
            }
            if matches!(ch, '《' | '〈') {
                title_open_at = Some(pos);
            } else if matches!(ch, '》' | '〉') {
                title_open_at = None;
            }
            if is_horizontal_space(ch) && !self.data.space_model.is_empty() {
                let run_end = self.horizontal_space_run_end(pos);
                if run_end < len
                    && !matches!(self.char_at(run_end), '\n' | '\r')
                    && !self.text[sentence_start..pos].trim_start().is_empty()
                    && self.data.space_model.score(
                        self.text,
                        self.words,
                        &mut space_scan,
                        sentence_start,
                        pos,
                        run_end,
                    ) > 0.0
                {
                    cuts.push((pos, BoundaryRule::SpaceModel));
                    sentence_start = run_end;
                    marker_check_at = run_end;
                }
                pos = run_end;
                continue;
            }
            if self.data.is_terminator(ch) || ch == '…' {
                if title_open_at.is_some_and(|open| pos - open <= MAX_TITLE_BYTES) {
                    pos += ch_len;
                    continue;
                }
                let (dots, after_dots) = if ch == '.' {
                    self.spaced_dots(pos)
                } else {
                    (1, pos + ch_len)
                };
                let end = self.extend_over_references(self.extend_over_closers(after_dots));
                // Where a boundary found here falls.
                let mut cut = end;
                let decision = match dots {
                    // ". . ." marks an omission inside a sentence.
                    3 => None,
                    // ". . . ." is an omission and a full stop. A full stop
                    // attached to its word ("compounds. . . . The") ends the
                    // sentence and the spaced ellipsis opens the next one
                    // (Chicago style); after a space ("ended . . . . The")
                    // the last dot is the full stop.
                    4.. => {
                        let decision = self.ellipsis_decision(end);
                        if decision.is_some()
                            && self.text[..pos]
                                .chars()
                                .next_back()
                                .is_some_and(|c| !c.is_whitespace())
                        {
                            cut = pos + 1;
                        }
                        decision
                    }
                    _ => self.terminator_decision(sentence_start, pos, ch, end),
                };
                if let Some(rule) = decision {
                    cuts.push((cut, rule));
                    sentence_start = cut;
                    marker_check_at = self.whitespace_run_end(cut);
                }
                pos = end;
                continue;
            }
            pos += ch_len;
        }
        self.spans_from_cuts(&cuts)
    }

    /// Whether the character at `pos`, before `limit`, is a non-ASCII
    /// character that [`run`](Self::run) only steps over ([`reacts_at`]; a
    /// lead byte of valid UTF-8 has its continuation bytes after it).
    #[inline(always)]
    fn steps_over(&self, pos: usize, limit: usize) -> bool {
        pos < limit && self.bytes[pos] >= 0xC0 && !reacts_at(self.bytes, pos)
    }

    fn char_at(&self, pos: usize) -> char {
        self.text[pos..].chars().next().unwrap_or('\0')
    }

    /// End of the whitespace run starting at `pos`.
    fn whitespace_run_end(&self, mut pos: usize) -> usize {
        while pos < self.text.len() {
            let ch = self.char_at(pos);
            if !ch.is_whitespace() {
                break;
            }
            pos += ch.len_utf8();
        }
        pos
    }

    /// Moves a sentence end over a following bracketed reference or
    /// omission, which belongs to the sentence before it: "in 1805. [19]",
    /// "for all! [...]", "Bell. […]".
    fn extend_over_references(&self, end: usize) -> usize {
        let next = self.horizontal_space_run_end(end);
        let rest = &self.text[next..];
        let Some(inner) = rest.strip_prefix('[') else {
            return end;
        };
        let Some(close) = inner.find(']') else {
            return end;
        };
        let reference = &inner[..close];
        let is_reference = close <= 24
            && !reference.is_empty()
            && reference
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, ',' | '-' | '–' | ' ' | '.' | '…'));
        let after = next + 1 + close + 1;
        if is_reference
            && self.text[after..]
                .chars()
                .next()
                .is_none_or(char::is_whitespace)
        {
            after
        } else {
            end
        }
    }

    /// Counts a spaced ellipsis ". . ." starting with the full stop at `pos`
    /// (single spaces between the dots; a space before the first dot is
    /// outside). Returns the number of dots and the end of the last one;
    /// `(1, pos + 1)` for a lone full stop or unspaced dots.
    fn spaced_dots(&self, pos: usize) -> (usize, usize) {
        let bytes = self.bytes;
        let mut dots = 1usize;
        let mut end = pos + 1;
        while end + 1 < bytes.len() && bytes[end] == b' ' && bytes[end + 1] == b'.' {
            dots += 1;
            end += 2;
        }
        // ". ..." is a full stop and a separate ellipsis, not a spaced one.
        if dots < 3 || bytes.get(end) == Some(&b'.') {
            (1, pos + 1)
        } else {
            (dots, end)
        }
    }

    /// A boundary after an ellipsis ending at `end` when a capitalised word
    /// or an opening bracket follows.
    fn ellipsis_decision(&self, end: usize) -> Option<BoundaryRule> {
        if end >= self.text.len() || !self.char_at(end).is_whitespace() {
            return None;
        }
        let next_start = self.whitespace_run_end(end);
        let next_first = self.text[next_start..].chars().next()?;
        let word_first = self.word_at(next_start).chars().next().unwrap_or(' ');
        (word_first.is_uppercase() || is_opening_punct(next_first))
            .then_some(BoundaryRule::Ellipsis)
    }

    /// End of the run of spaces and tabs starting at `pos`.
    fn horizontal_space_run_end(&self, mut pos: usize) -> usize {
        while pos < self.text.len() {
            let ch = self.char_at(pos);
            if !is_horizontal_space(ch) {
                break;
            }
            pos += ch.len_utf8();
        }
        pos
    }

    /// Consumes repeated terminators and closing quotes/brackets after a terminator.
    fn extend_over_closers(&self, mut pos: usize) -> usize {
        while pos < self.text.len() {
            let ch = self.char_at(pos);
            if self.data.is_terminator(ch) || ch == '…' || is_closing_punct(ch) || ch == '"' {
                pos += ch.len_utf8();
            } else if matches!(ch, '\'' | '“' | '‘' | '«' | '„') && self.quote_closes(pos) {
                // German and other styles close quotes with “ ‘ « after the
                // terminator: „Und auch keine Lust.“ Wir ...
                pos += ch.len_utf8();
            } else {
                break;
            }
        }
        pos
    }

    /// An apostrophe after a terminator closes a quote when whitespace or the
    /// end of text follows it.
    fn quote_closes(&self, pos: usize) -> bool {
        let after = pos + self.char_at(pos).len_utf8();
        self.text[after..]
            .chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || is_closing_punct(c))
    }

    fn terminator_decision(
        &self,
        sentence_start: usize,
        pos: usize,
        ch: char,
        end: usize,
    ) -> Option<BoundaryRule> {
        let rule = self.terminator_rule(sentence_start, pos, ch, end)?;
        // Languages whose convention keeps a quotation and its attribution
        // together look for the quotation's end only where a boundary would
        // otherwise fall, so other text pays nothing for it.
        if self.data.attributed_quotes
            && matches!(rule, BoundaryRule::Terminator | BoundaryRule::Ellipsis)
            && self.inside_attributed_quote(sentence_start, end)
        {
            return None;
        }
        Some(rule)
    }

    fn terminator_rule(
        &self,
        sentence_start: usize,
        pos: usize,
        ch: char,
        end: usize,
    ) -> Option<BoundaryRule> {
        if end >= self.text.len() {
            return None; // the final span is closed by EndOfText
        }
        if self.data.is_script_terminator(ch) {
            return Some(BoundaryRule::ScriptTerminator);
        }
        // Latin-style terminators need whitespace after them ("3.5", "e.g",
        // "rki.news", "U.S" are not boundaries) unless a script terminator
        // context (CJK text after an ASCII full stop) follows.
        let next_ch = self.char_at(end);
        if !next_ch.is_whitespace() {
            // "３．２９", "3.5": a full stop between digits is a decimal point.
            // "ロビー?2008年": an ASCII ? or ! inside CJK text needs no space.
            // "жағдайы.XVIII ғасырдың": in Cyrillic, Greek and Armenian text
            // (no URLs or code identifiers) a full stop between an ordinary
            // lowercase word and a capital ends a sentence, space or not.
            if ch == '.'
                && end == pos + 1
                && next_ch.is_uppercase()
                && self.is_plain_lowercase_word(self.word_before(sentence_start, pos))
                && self
                    .word_before(sentence_start, pos)
                    .chars()
                    .any(is_non_latin_cased)
            {
                return Some(BoundaryRule::Terminator);
            }
            let cjk_before = self.text[..pos].chars().next_back().is_some_and(is_cjk);
            let cjk_after = is_cjk(next_ch) || (cjk_before && next_ch.is_ascii_digit());
            return if cjk_after
                && ch != '.'
                && (!char_props::is_numeric(next_ch) || matches!(ch, '?' | '!'))
            {
                Some(BoundaryRule::Terminator)
            } else {
                None
            };
        }
        let next_start = self.whitespace_run_end(end);
        if next_start >= self.text.len() {
            return None;
        }
        if ch == '.' && self.data.starts_with_continuer(&self.text[next_start..]) {
            return None; // "2012 жыл. № 590"
        }
        let next_word = self.word_at(next_start);
        let next_first = next_word.chars().next().unwrap_or(' ');
        if next_first.is_lowercase() {
            // "Mr. smith", "etc. and", "'Why?' she asked" continue. A bare
            // "?" or "!" before a lowercase word ends a sentence in informal
            // text ("as i do ? i dont know"); so does a full stop after an
            // ordinary lowercase word ("maime animals. i am serious").
            let bare = self.text[pos..end]
                .chars()
                .all(|c| self.data.is_terminator(c));
            let ends = match ch {
                // "Yahoo! in the accounting department": a name, not an end.
                '?' | '!' => {
                    bare && !self
                        .word_before(sentence_start, pos)
                        .chars()
                        .next()
                        .is_some_and(char::is_uppercase)
                }
                '.' if self.data.lowercase_starts
                    && bare
                    && end == pos + 1
                    && !self.text[..pos].ends_with('.') =>
                {
                    let word = self.word_before(sentence_start, pos);
                    self.is_plain_lowercase_word(word)
                }
                _ => false,
            };
            return ends.then_some(BoundaryRule::Terminator);
        }
        // "raak. ...en toen": a sentence may open with an ellipsis.
        if self.text[next_start..].starts_with("...") || self.text[next_start..].starts_with('…')
        {
            return Some(BoundaryRule::Terminator);
        }
        if self.dash_then_lowercase(next_start) {
            return None; // "Why? — he asked." (dialogue attribution after a dash)
        }
        let is_ellipsis = ch == '…'
            || (ch == '.'
                && (self.text[..pos].ends_with("..") || self.text[pos..end].starts_with("...")));
        if is_ellipsis {
            // "[...]" and "(...)" mark an omission inside a quotation.
            let dots_start = if ch == '…' {
                pos
            } else {
                self.text[..pos].trim_end_matches('.').len()
            };
            if self.text[..dots_start].ends_with(['[', '(']) {
                return None;
            }
            return if next_first.is_uppercase() || is_opening_punct(next_first) {
                Some(BoundaryRule::Ellipsis)
            } else {
                None
            };
        }
        if ch != '.' && ch != '．' {
            return Some(BoundaryRule::Terminator);
        }
        let word = self.word_before(sentence_start, pos);
        if self.is_abbreviation_blocking(word, next_word, sentence_start, pos) {
            return None;
        }
        // Spaced abbreviations of single letters: "z. B.", "s. r. o.", "d. h.".
        if word.chars().count() == 1
            && word.chars().all(char_props::is_alphabetic)
            && next_word.chars().count() == 1
            && self.text[next_start..].starts_with(next_word)
            && self.text[next_start + next_word.len()..].starts_with('.')
        {
            return None;
        }
        Some(BoundaryRule::Terminator)
    }

    /// Whether `end` lies inside a quotation, opened in this sentence, that
    /// closes with a comma before its attribution: „Prieskumy beriem na
    /// ľahkú váhu. V podstate ma to nezaujíma,“ reagoval Matovič.
    fn inside_attributed_quote(&self, sentence_start: usize, end: usize) -> bool {
        let mut start = sentence_start.max(end.saturating_sub(QUOTE_WINDOW));
        while !self.text.is_char_boundary(start) {
            start += 1;
        }
        let mut closer: Option<char> = None;
        for c in self.text[start..end].chars() {
            closer = quote_transition(closer, c);
        }
        let Some(expected) = closer else {
            return false;
        };
        let rest = &self.text[end..];
        let limit = rest.len().min(QUOTE_WINDOW);
        let mut prev = ' ';
        for (i, c) in rest.char_indices() {
            if i >= limit || c == '\n' {
                return false;
            }
            if is_quote_mark(c) {
                if c != expected && !(expected == '“' && c == '”') {
                    return false;
                }
                let after = rest[i + c.len_utf8()..].chars().next();
                return prev == ',' || after == Some(',');
            }
            prev = c;
        }
        false
    }

    /// A lowercase word of four or more letters that is no abbreviation:
    /// a full stop after it is not part of an abbreviation.
    fn is_plain_lowercase_word(&self, word: &str) -> bool {
        word.chars().count() >= 4
            && word
                .chars()
                .all(|c| c.is_lowercase() || c == '\'' || c == '’')
            && !self.data.is_abbreviation(word)
            && !self.extra_abbreviations.iter().any(|a| a == word)
    }

    /// Whether the text at `pos` is a dash (also "--", the typed em dash),
    /// whitespace and a lowercase word.
    fn dash_then_lowercase(&self, pos: usize) -> bool {
        let rest = &self.text[pos..];
        let Some(after_dash) = rest
            .strip_prefix("--")
            .or_else(|| rest.strip_prefix(['—', '–', '-']))
        else {
            return false;
        };
        let word = after_dash.trim_start();
        word.len() < after_dash.len() && word.chars().next().is_some_and(char::is_lowercase)
    }

    /// Whether a full stop after `word` is part of an abbreviation, an initial,
    /// an ordinal or a list number rather than the end of a sentence.
    fn is_abbreviation_blocking(
        &self,
        word: &str,
        next_word: &str,
        sentence_start: usize,
        pos: usize,
    ) -> bool {
        if word.is_empty() {
            return false;
        }
        let word = without_elision(word);
        // Most words before a full stop are lowercase already: borrowed.
        let lower = char_props::to_lowercase(word);
        let lower = lower.as_ref();
        // Looked up only where a rule needs it: most words before a full
        // stop are no abbreviation, and reach none of those rules.
        let next_starts_sentence = || self.data.is_sentence_starter(next_word);
        let next_is_digit = next_word.chars().next().is_some_and(|c| c.is_ascii_digit());
        if self.data.is_title_abbreviation(lower)
            || self.extra_abbreviations.iter().any(|a| a == lower)
        {
            return true; // "Mr. Smith", "Dr. Lee": never sentence-final
        }
        if next_is_digit && self.data.is_number_abbreviation(lower) {
            return true; // "No. 5", "pp. 12", "Jan. 14"
        }
        if self.data.is_abbreviation(lower) {
            // "in the U.S. The ..." ends; "U.S. President ..." does not.
            return !(next_starts_sentence() || self.data.is_final_abbreviation(lower));
        }
        // Initials: "Jennifer M. Anderson", "J. R. R. Tolkien".
        let mut chars = word.chars();
        if let (Some(only), None) = (chars.next(), chars.next())
            && char_props::is_alphabetic(only)
            && only.is_uppercase()
        {
            return !next_starts_sentence();
        }
        // Dotted acronyms not in the list: "U.N.", "p.m.".
        if word.contains('.') && word.split('.').all(|part| part.chars().count() <= 2) {
            return !next_starts_sentence();
        }
        // Roman ordinals in languages that write ordinals with a dot: "XII. pluk".
        if self.data.ordinal_dot
            && word.len() <= 5
            && word
                .chars()
                .all(|c| matches!(c, 'I' | 'V' | 'X' | 'L' | 'C'))
            && !next_starts_sentence()
        {
            return true;
        }
        if word.chars().all(|c| c.is_ascii_digit()) {
            // A list number at the start of a line: "1. The first point".
            let word_start = pos - word.len();
            if word_start >= sentence_start
                && self.text[sentence_start..word_start]
                    .trim_start()
                    .is_empty()
                && self.at_line_start(word_start)
            {
                return true;
            }
            // Ordinals in languages that write them with a dot ("3. Oktober").
            // German nouns are capitalised, so "im 6. Stock", "aus dem 18.
            // Jahrhundert" read as ordinals unless a sentence starter follows.
            if self.data.ordinal_dot
                && word.len() <= 3
                && (self.data.is_month(next_word)
                    || (next_word.chars().next().is_some_and(char::is_uppercase)
                        && !next_starts_sentence()))
            {
                return true;
            }
        }
        false
    }

    /// Whether only spaces stand between the previous line break (or the
    /// start of the text) and `pos`. Scans back over whitespace only.
    fn at_line_start(&self, pos: usize) -> bool {
        self.text[..pos]
            .chars()
            .rev()
            .find(|c| !is_horizontal_space(*c))
            .is_none_or(|c| c == '\n' || c == '\r')
    }

    /// The word ending just before `pos` (after the last whitespace or
    /// opening punctuation), not crossing `floor`.
    fn word_before(&self, floor: usize, pos: usize) -> &str {
        let slice = &self.text[floor..pos];
        let start = slice
            .char_indices()
            .rev()
            .find(|&(_, c)| c.is_whitespace() || is_opening_punct(c) || c == '"')
            .map_or(0, |(i, c)| i + c.len_utf8());
        &slice[start..]
    }

    /// The word starting at `pos`, without leading opening punctuation or
    /// trailing punctuation.
    fn word_at(&self, pos: usize) -> &str {
        let slice = &self.text[pos..];
        let slice =
            slice.trim_start_matches(|c: char| is_opening_punct(c) || c == '"' || c == '\'');
        let end = slice
            .char_indices()
            .find(|&(_, c)| !(char_props::is_alphanumeric(c) || c == '\'' || c == '’' || c == '-'))
            .map_or(slice.len(), |(i, _)| i);
        &slice[..end]
    }

    /// Decides at a line-break run `[pos, run_end)` whether the sentence
    /// started at `sentence_start` ends before it.
    fn line_break_decision(
        &self,
        sentence_start: usize,
        pos: usize,
        run_end: usize,
    ) -> Option<BoundaryRule> {
        let fragment = self.fragment_window(sentence_start, pos).trim();
        if fragment.is_empty() {
            return None;
        }
        if self.one_sentence_per_line {
            return Some(BoundaryRule::LineBreak);
        }
        let run = &self.bytes[pos..run_end];
        let blank_line = run.iter().filter(|&&b| b == b'\n').count() >= 2
            || (run.iter().filter(|&&b| b == b'\r').count() >= 2);
        let last = fragment.chars().next_back().unwrap_or(' ');
        if last == ':' {
            return Some(BoundaryRule::LineColon);
        }
        let next_first = self.char_at(run_end);
        if starts_list_item(&self.text[run_end..]) {
            return Some(BoundaryRule::ListItem);
        }
        // A fragment ending in closing punctuation ("[Click Here](#)") or a
        // short line standing alone between blank lines ("rki.news") is
        // complete even when a lowercase word follows.
        if blank_line && (is_closing_punct(last) || self.is_lone_short_line(run_end)) {
            return Some(BoundaryRule::Paragraph);
        }
        // A line that ends with a terminator after an ordinary word ends its
        // sentence even when the next line starts in lowercase or with a URL.
        if matches!(last, '.' | '!' | '?') && !self.text[..pos].trim_end().ends_with("..") {
            let before = fragment[..fragment.len() - 1].trim_end_matches(['.', '!', '?']);
            let word = before
                .rsplit(|c: char| c.is_whitespace() || is_opening_punct(c) || c == '"')
                .next()
                .unwrap_or("");
            let lower = word.to_lowercase();
            let abbreviation = self.data.is_abbreviation(&lower)
                || self.extra_abbreviations.contains(&lower)
                || word.chars().count() == 1
                || word.contains('.');
            if !abbreviation {
                return Some(BoundaryRule::Paragraph);
            }
        }
        if next_first.is_lowercase() {
            return None; // the sentence continues on the next line
        }
        // A fragment that ends in a terminator which was not accepted as a
        // boundary (e.g. "Mr.") continues.
        if self.data.is_terminator(last) && last != '.' {
            return Some(BoundaryRule::Paragraph);
        }
        // A line broken off with a dash (interrupted speech, "was —") before
        // a line of running text; a dash before one or two words
        // ("Bangalore –\nIndia.") joins them.
        if matches!(last, '—' | '–') {
            let rest = &self.text[run_end..];
            let next_line = &rest[..rest.find('\n').unwrap_or(rest.len())];
            if next_line.split_whitespace().nth(2).is_some() {
                return Some(BoundaryRule::Paragraph);
            }
        }
        let shape = LineShape::of(fragment);
        if shape.is_heading_like() {
            return Some(BoundaryRule::HeadingLine);
        }
        if shape.is_prose() && !ends_sentence_punct(last) {
            // "...Comprehensive Strategic\n\nPartnership, supported by ...":
            // a prose fragment without final punctuation is a broken sentence.
            return None;
        }
        if blank_line || !shape.is_prose() {
            return Some(BoundaryRule::Paragraph);
        }
        if last == '.' {
            // A full stop the terminator rules rejected (an abbreviation at the
            // end of a line): keep going only inside hard-wrapped prose.
            return None;
        }
        Some(BoundaryRule::Paragraph)
    }

    /// The sentence so far, `text[sentence_start..pos]`, cut to its last
    /// [`FRAGMENT_WINDOW`] bytes: heading and prose decisions only need the
    /// shape of the recent text, and a bounded window keeps a long run of
    /// lines without a boundary linear.
    fn fragment_window(&self, sentence_start: usize, pos: usize) -> &str {
        let mut start = sentence_start.max(pos.saturating_sub(FRAGMENT_WINDOW));
        while !self.text.is_char_boundary(start) {
            start += 1;
        }
        &self.text[start..pos]
    }

    /// Whether the line starting at `start` has at most three words and is
    /// followed by a blank line or the end of the text.
    fn is_lone_short_line(&self, start: usize) -> bool {
        let rest = &self.text[start..];
        let line_end = memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len());
        // A paragraph is one line: stop at its fourth word.
        if rest[..line_end].split_whitespace().nth(3).is_some() {
            return false;
        }
        let after = &rest[line_end..];
        let next_content = after.len() - after.trim_start().len();
        after[..next_content].matches('\n').count() >= 2 || after.trim().is_empty()
    }

    fn spans_from_cuts(&self, cuts: &[(usize, BoundaryRule)]) -> Vec<Span> {
        let mut spans = Vec::with_capacity(cuts.len() + 1);
        let mut start = 0usize;
        let ends = cuts
            .iter()
            .copied()
            .chain(std::iter::once((self.text.len(), BoundaryRule::EndOfText)));
        for (end, rule) in ends {
            let piece = &self.text[start..end];
            let trimmed_start = start + (piece.len() - piece.trim_start().len());
            let trimmed_end = start + piece.trim_end().len();
            if trimmed_end > trimmed_start {
                spans.push(Span {
                    start: trimmed_start,
                    end: trimmed_end,
                    rule,
                });
            }
            start = end;
        }
        spans
    }
}

/// How far (bytes) after an opening title bracket terminators are ignored.
const MAX_TITLE_BYTES: usize = 200;

/// A list marker at the start of `rest`: optional bullet, a label (1-3
/// digits or one lowercase ASCII letter) and `.`, `.)` or `)`, then
/// whitespace. Returns the label and the marker's length (through the
/// punctuation).
fn list_marker(rest: &str) -> Option<(String, usize)> {
    let body = rest.trim_start_matches(['•', '⁃', '▪', '●', '·', '*', '-', ' ']);
    let skipped = rest.len() - body.len();
    let digits = body.bytes().take_while(u8::is_ascii_digit).count();
    let label_len = match digits {
        1..=3 => digits,
        0 if body.as_bytes().first().is_some_and(u8::is_ascii_lowercase) => 1,
        _ => return None,
    };
    if skipped > 0 && label_len == 1 && digits == 0 {
        return None; // "- a. ..." is too ambiguous
    }
    let after = &body[label_len..];
    let punct = if after.starts_with(".)") {
        2
    } else if after.starts_with(['.', ')']) {
        1
    } else {
        return None;
    };
    if !after[punct..].starts_with(char::is_whitespace) {
        return None;
    }
    Some((body[..label_len].to_string(), skipped + label_len + punct))
}

/// The label after `label`: "1" -> "2", "b" -> "c".
fn successor_label(label: &str) -> Option<String> {
    if let Ok(number) = label.parse::<u32>() {
        return Some((number + 1).to_string());
    }
    let letter = *label.as_bytes().first()?;
    (letter.is_ascii_lowercase() && letter < b'z').then(|| char::from(letter + 1).to_string())
}

/// Whether `rest` starts with the list marker carrying `label`.
fn starts_list_item_labelled(rest: &str, label: &str) -> bool {
    list_marker(rest).is_some_and(|(found, _)| found == label)
}

/// How much of the sentence so far a line-break decision looks at (bytes).
const FRAGMENT_WINDOW: usize = 1024;

/// ASCII whitespace as `char::is_whitespace` has it: space and tab to
/// carriage return (0x09-0x0D).
const fn is_ascii_space(byte: u8) -> bool {
    byte == b' ' || (byte >= b'\t' && byte <= b'\r')
}

/// [`LineShape::words_up_to`]'s byte classes.
const SPACE: u8 = 1;
const ALPHANUMERIC: u8 = 2;
const NON_ASCII: u8 = 4;
static BYTE_CLASS: [u8; 256] = {
    let mut classes = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        classes[b] = if !byte.is_ascii() {
            NON_ASCII
        } else if is_ascii_space(byte) {
            SPACE
        } else if byte.is_ascii_alphanumeric() {
            ALPHANUMERIC
        } else {
            0
        };
        b += 1;
    }
    classes
};

/// Whether `bytes` has at least `cap` words by a lower bound: the ASCII
/// alphanumerics that open the text or follow ASCII whitespace. Each starts
/// a different whitespace-separated word that has an alphanumeric, in any
/// script. Counted 32 bytes at a time (vectorized), stopping at `cap`.
fn has_ascii_word_starts(bytes: &[u8], cap: usize) -> bool {
    const BLOCK: usize = 32;
    let starts = |before: &[u8], at: &[u8]| {
        before
            .iter()
            .zip(at)
            .map(|(&before, &b)| u8::from(is_ascii_space(before) & b.is_ascii_alphanumeric()))
            .sum::<u8>()
    };
    let mut count = usize::from(bytes.first().is_some_and(u8::is_ascii_alphanumeric));
    let mut at = 1;
    while count < cap && at < bytes.len() {
        let end = (at + BLOCK).min(bytes.len());
        count += usize::from(starts(&bytes[at - 1..end - 1], &bytes[at..end]));
        at = end;
    }
    count >= cap
}

/// [`is_inert_ascii`] as tables: `INERT[spaces_inert][byte]`.
static INERT: [[bool; 256]; 2] = {
    let mut tables = [[false; 256]; 2];
    let mut b = 0;
    while b < 256 {
        tables[0][b] = is_inert_ascii(b as u8, false);
        tables[1][b] = is_inert_ascii(b as u8, true);
        b += 1;
    }
    tables
};

/// How far [`Splitter::run`]'s mixed loop steps from a byte:
/// `STEPS[spaces_inert][byte]` is 1 for an inert ASCII byte, the length of
/// the character for a lead byte (which [`reacts_at`] checks first), 0
/// otherwise.
static STEPS: [[u8; 256]; 2] = {
    let mut tables = [[0u8; 256]; 2];
    let mut b = 0;
    while b < 256 {
        let lead = if b >= 0xC0 {
            utf8_len(b as u8) as u8
        } else {
            0
        };
        tables[0][b] = if INERT[0][b] { 1 } else { lead };
        tables[1][b] = if INERT[1][b] { 1 } else { lead };
        b += 1;
    }
    tables
};

/// An ASCII byte that [`Splitter::run`] only steps over: not a line break,
/// not a possible terminator, and not a space when spaces matter (a list
/// label is pending or the language has a space model). Non-ASCII
/// characters are stepped over where [`reacts_at`] says they do not
/// matter.
const fn is_inert_ascii(b: u8, spaces_inert: bool) -> bool {
    b < 0x80
        && !matches!(b, b'\n' | b'\r' | b'.' | b'!' | b'?' | b';' | b':')
        && (spaces_inert || !matches!(b, b' ' | b'\t'))
}

/// Every non-ASCII character [`Splitter::run`] reacts to: whitespace (the
/// first 19), [`LanguageData::is_terminator`]'s terminators, the ellipsis
/// and the CJK title brackets. (A test holds this list to those predicates
/// on every code point.)
const REACTIVE_CHARS: [char; 45] = [
    '\u{85}', '\u{A0}', '\u{1680}', '\u{2000}', '\u{2001}', '\u{2002}', '\u{2003}', '\u{2004}',
    '\u{2005}', '\u{2006}', '\u{2007}', '\u{2008}', '\u{2009}', '\u{200A}', '\u{2028}', '\u{2029}',
    '\u{202F}', '\u{205F}', '\u{3000}', '‼', '⁇', '⁈', '⁉', '．', '！', '？', '。', '｡', '។', '៕',
    '။', '؟', '۔', '।', '॥', '։', '።', '፧', '፨', '\u{037E}', '…', '《', '〈', '》', '〉',
];

/// [`REACTIVE_CHARS`] by the first two bytes of their UTF-8 encoding:
/// bit `second & 0x3F` of `REACTIVE_ROWS[lead]`, and no bit in the row of
/// any other byte. The pair names a two-byte character, or the 64
/// characters of a three- or four-byte one's block, so a character whose
/// pair is clear is none of them.
static REACTIVE_ROWS: [u64; 256] = {
    let mut rows = [0u64; 256];
    let mut i = 0;
    while i < REACTIVE_CHARS.len() {
        let mut utf8 = [0u8; 4];
        let encoded = REACTIVE_CHARS[i].encode_utf8(&mut utf8).as_bytes();
        rows[encoded[0] as usize] |= 1 << (encoded[1] & 0x3F);
        i += 1;
    }
    rows
};

/// Whether the character whose UTF-8 encoding starts with `lead` and
/// `second` may be one of [`REACTIVE_CHARS`] (never for an ASCII `lead`);
/// exact for a two-byte character, and the first check of [`reacts_at`]
/// for a longer one.
fn is_reactive(lead: u8, second: u8) -> bool {
    (REACTIVE_ROWS[usize::from(lead)] >> (second & 0x3F)) & 1 != 0
}

/// [`REACTIVE_CHARS`] of three bytes by all three: bit `third & 0x3F` of
/// `REACTIVE_THIRDS[lead - 0xE0][second & 0x3F]`.
static REACTIVE_THIRDS: [[u64; 64]; 16] = {
    let mut rows = [[0u64; 64]; 16];
    let mut i = 0;
    while i < REACTIVE_CHARS.len() {
        let mut utf8 = [0u8; 4];
        let encoded = REACTIVE_CHARS[i].encode_utf8(&mut utf8).as_bytes();
        if encoded.len() == 3 {
            rows[(encoded[0] - 0xE0) as usize][(encoded[1] & 0x3F) as usize] |=
                1 << (encoded[2] & 0x3F);
        }
        i += 1;
    }
    rows
};

/// Whether the character that starts at `bytes[pos]` (a byte of valid
/// UTF-8 before the text's last) is one of [`REACTIVE_CHARS`]: the pair
/// first, then, for a three-byte character whose pair is reactive, its
/// third byte. A Chinese comma or enumeration comma (EF BC 8C, E3 80 81)
/// shares its pair with a terminator, but is stepped over.
#[inline(always)]
fn reacts_at(bytes: &[u8], pos: usize) -> bool {
    let (lead, second) = (bytes[pos], bytes[pos + 1]);
    is_reactive(lead, second)
        && (!(0xE0..0xF0).contains(&lead)
            || (REACTIVE_THIRDS[usize::from(lead - 0xE0)][usize::from(second & 0x3F)]
                >> (bytes[pos + 2] & 0x3F))
                & 1
                != 0)
}

/// Bytes per block that [`Splitter::run`]'s mixed loop passes over whole
/// where [`block_may_react`] says no character in it may be reactive.
const SKIP_BLOCK: usize = 16;

/// Whether a character that starts with `byte`, followed by `next`, may
/// be one that [`Splitter::run`]'s mixed loop stops at: an ASCII byte that
/// is not inert ([`is_inert_ascii`]), or a lead byte of [`REACTIVE_CHARS`].
/// A superset of the loop's stops (a test holds it to that), as
/// comparisons, so that a check over a block vectorizes. Of the lead bytes
/// 0xE0 and 0xE1, shared with letters, only the pairs of the reactive
/// characters' blocks are taken: Devanagari's danda (E0 A5), not Thai or
/// Lao (E0 B8-BB); below E1 A0 (Myanmar, Ethiopic, Ogham, Khmer), not
/// Vietnamese's Latin letters (E1 B8-BB).
#[inline(always)]
fn may_react(byte: u8, next: u8, spaces_inert: bool) -> bool {
    let ascii = (byte < 0x80) & !is_inert_ascii(byte, spaces_inert);
    let lead = (byte == 0xC2)
        | (byte == 0xCD)
        | (byte == 0xD6)
        | (byte == 0xD8)
        | (byte == 0xDB)
        | ((byte == 0xE0) & (next == 0xA5))
        | ((byte == 0xE1) & (next < 0xA0))
        | (byte == 0xE2)
        | (byte == 0xE3)
        | (byte == 0xEF);
    ascii | lead
}

/// Whether any of the first [`SKIP_BLOCK`] bytes of `window` (one byte
/// longer, for the byte after the last) [`may_react`], checked without an
/// early exit.
#[inline(always)]
fn block_may_react(window: &[u8], spaces_inert: bool) -> bool {
    let bytes: &[u8; SKIP_BLOCK] = window[..SKIP_BLOCK].try_into().expect("a whole block");
    let nexts: &[u8; SKIP_BLOCK] = window[1..].try_into().expect("a whole block");
    bytes.iter().zip(nexts).fold(false, |any, (&byte, &next)| {
        any | may_react(byte, next, spaces_inert)
    })
}

/// The length of the UTF-8 sequence that `lead` starts.
const fn utf8_len(lead: u8) -> usize {
    match lead {
        0x00..=0x7F => 1,
        0x80..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xFF => 4,
    }
}

/// Whitespace inside a line.
fn is_horizontal_space(c: char) -> bool {
    c.is_whitespace()
        && !matches!(
            c,
            '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
        )
}

fn ends_sentence_punct(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '。' | '！' | '？' | '…') || is_closing_punct(c) || c == '"'
}

/// "- item", "* item", "• item", "1. item", "2) item", "a) item".
fn starts_list_item(rest: &str) -> bool {
    let mut chars = rest.chars();
    match chars.next() {
        Some('-' | '*' | '•' | '–' | '·' | '▪' | '●') => {
            chars.next().is_some_and(char::is_whitespace)
        }
        Some(c) if c.is_ascii_digit() => {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            let after = &rest[digits..];
            (after.starts_with(". ") || after.starts_with(") ")) && digits <= 3
        }
        _ => false,
    }
}

/// `word` without an elided article or preposition before an apostrophe
/// ("l'Avv" -> "Avv", "dell'Ing" -> "Ing", "d'env" -> "env"): the
/// abbreviation is the part after it.
fn without_elision(word: &str) -> &str {
    match word.char_indices().find(|&(_, c)| c == '\'' || c == '’') {
        Some((i, apostrophe))
            if (1..=5).contains(&word[..i].chars().count())
                && word[..i].chars().all(char_props::is_alphabetic)
                && i + apostrophe.len_utf8() < word.len() =>
        {
            &word[i + apostrophe.len_utf8()..]
        }
        _ => word,
    }
}

/// How far (bytes) the quotation checks look back and ahead.
const QUOTE_WINDOW: usize = 600;

/// Double quotation marks the quotation tracking knows.
fn is_quote_mark(c: char) -> bool {
    matches!(c, '"' | '„' | '“' | '”' | '«' | '»')
}

/// The closing mark expected after `c`, given the one expected before
/// (`None`: no quotation open). One level; „…“ „…” “…” «…» »…« "…".
fn quote_transition(open: Option<char>, c: char) -> Option<char> {
    match (open, c) {
        (None, '„') => Some('“'),
        (None, '“') => Some('”'),
        (None, '«') => Some('»'),
        (None, '»') => Some('«'),
        (None, '"') => Some('"'),
        (Some('“'), '“' | '”') => None,
        (Some(expected), c) if c == expected => None,
        (open, _) => open,
    }
}

/// A letter of a cased script other than Latin (Greek, Cyrillic, Armenian).
fn is_non_latin_cased(c: char) -> bool {
    matches!(c as u32, 0x0370..=0x03FF | 0x1F00..=0x1FFF | 0x0400..=0x052F | 0x0531..=0x058F)
}

/// Whether a character belongs to a script written without spaces between
/// sentences (Han, Kana, Hangul punctuation contexts).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x2FA1F)
}

/// Word statistics of one line or fragment, for heading/prose decisions.
#[derive(Debug, Clone, Copy, Default)]
pub struct LineShape {
    pub words: usize,
    pub capitalized: usize,
    pub lowercase: usize,
    pub chars: usize,
    pub cased: bool,
    pub final_punct: bool,
}

impl LineShape {
    pub fn of(fragment: &str) -> LineShape {
        let mut shape = LineShape {
            chars: fragment.chars().count(),
            ..LineShape::default()
        };
        for word in fragment.split_whitespace() {
            let Some(first) = word.chars().find(|&c| char_props::is_alphanumeric(c)) else {
                continue;
            };
            shape.words += 1;
            if first.is_uppercase() || first.is_ascii_digit() {
                shape.capitalized += 1;
                shape.cased = true;
            } else if first.is_lowercase() {
                shape.lowercase += 1;
                shape.cased = true;
            }
        }
        shape.final_punct = LineShape::has_final_punct(fragment);
        shape
    }

    /// [`LineShape::words`] of `fragment`, counting no further than `cap`.
    /// Always inlined into `layout::is_metadata`, which counts the words
    /// of most sentences of Latin-script text: out of line, Filipino and
    /// English `segment` cost 1% more.
    #[inline(always)]
    pub fn words_up_to(fragment: &str, cap: usize) -> usize {
        // Most sentences reach `cap` within their first bytes: settle those
        // with a count that vectorizes (no early exit, no table lookups).
        if has_ascii_word_starts(fragment.as_bytes(), cap) {
            return cap;
        }
        // Branch-free byte loop while the text is ASCII (ASCII whitespace is
        // what `char::is_whitespace` accepts below 0x80); it usually reaches
        // `cap` long before the end. Non-ASCII text takes the char path.
        let (mut count, mut in_word, mut alphanumeric) = (0usize, false, false);
        for &b in fragment.as_bytes() {
            let class = BYTE_CLASS[usize::from(b)];
            if class & NON_ASCII != 0 {
                return LineShape::words_up_to_unicode(fragment, cap);
            }
            let space = class & SPACE != 0;
            count += usize::from(in_word & alphanumeric & space);
            if count >= cap {
                return cap;
            }
            in_word = !space;
            alphanumeric = (alphanumeric & !space) | (class & ALPHANUMERIC != 0);
        }
        (count + usize::from(in_word & alphanumeric)).min(cap)
    }

    /// `split_whitespace` words holding a letter or digit, up to `cap`:
    /// each word's end found by [`find_whitespace`], which decodes only
    /// the characters that may be whitespace (a Chinese line has no space,
    /// and a Thai one few), and its letter usually by its first character.
    fn words_up_to_unicode(fragment: &str, cap: usize) -> usize {
        let mut count = 0;
        let mut rest = fragment.trim_start();
        while count < cap && !rest.is_empty() {
            let end = find_whitespace(rest).unwrap_or(rest.len());
            count += usize::from(rest[..end].chars().any(char_props::is_alphanumeric));
            rest = rest[end..].trim_start();
        }
        count
    }

    /// [`LineShape::final_punct`] of `fragment`.
    pub fn has_final_punct(fragment: &str) -> bool {
        fragment
            .chars()
            .next_back()
            .is_some_and(ends_sentence_punct)
    }

    /// Short, mostly capitalised, without final punctuation: a headline, a
    /// heading or a metadata line.
    pub fn is_heading_like(&self) -> bool {
        if self.final_punct {
            return false;
        }
        if !self.cased {
            // Scripts without case: a short line without punctuation.
            return self.chars <= 60;
        }
        self.words <= 4 || (self.words <= 16 && self.capitalized * 10 >= self.words * 6)
    }

    /// Running text: enough words, many of them lowercase.
    pub fn is_prose(&self) -> bool {
        if !self.cased {
            return self.chars > 60;
        }
        self.words >= 6 && self.lowercase * 10 >= self.words * 4
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::language::LanguageData;

    fn sentences(text: &str, lang: &str) -> Vec<String> {
        let data = LanguageData::for_language(lang);
        split(text, data, &SegmentOptions::default())
            .iter()
            .map(|s| text[s.start..s.end].to_string())
            .collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// The fast paths of `words_up_to` (the vectorized lower bound, the
        /// ASCII byte loop, the walk by whitespace) agree with the plain
        /// whitespace-word count.
        #[test]
        fn words_up_to_counts_whitespace_words(
            text in "([a-z0-9]{1,3}|[ \t\n\x0B.,'—-]|\u{a0}|\u{3000}|\u{2028}|\u{85}|é|中|ภาษา|\u{e48}|๓){0,60}",
            cap in 1usize..20,
        ) {
            let plain = text
                .split_whitespace()
                .filter(|word| word.chars().any(char_props::is_alphanumeric))
                .take(cap)
                .count();
            proptest::prop_assert_eq!(LineShape::words_up_to(&text, cap), plain);
            proptest::prop_assert_eq!(LineShape::words_up_to_unicode(&text, cap), plain);
        }
    }

    /// The fast path steps over no character that the splitter's loop
    /// reacts to, on every code point, and does step over letters.
    #[test]
    fn the_fast_path_steps_over_no_character_the_splitter_reacts_to() {
        let languages = [
            "en", "el", "zh", "ja", "th", "km", "my", "hi", "ar", "am", "hy",
        ]
        .map(LanguageData::for_language);
        let mut stepped_over = 0;
        for c in (0x80..=0x10FFFF).filter_map(char::from_u32) {
            let reacts = c.is_whitespace()
                || matches!(c, '…' | '《' | '〈' | '》' | '〉')
                || languages.iter().any(|data| data.is_terminator(c));
            let mut utf8 = [0; 4];
            let bytes = c.encode_utf8(&mut utf8).as_bytes();
            let steps = !reacts_at(bytes, 0);
            assert!(!(reacts && steps), "{c:?} (U+{:04X})", u32::from(c));
            // Exact below four bytes: only the listed characters stop.
            if bytes.len() < 4 {
                assert_eq!(steps, !REACTIVE_CHARS.contains(&c), "{c:?}");
            }
            assert_eq!(utf8_len(bytes[0]), bytes.len());
            // The mixed loop's step is the character's length.
            for table in &STEPS {
                assert_eq!(usize::from(table[usize::from(bytes[0])]), bytes.len());
            }
            stepped_over += usize::from(steps);
        }
        for letter in ['é', 'ệ', 'ư', '中', 'ก', 'ក', 'က', 'ñ', 'я', '𠀋'] {
            let mut utf8 = [0; 4];
            let bytes = letter.encode_utf8(&mut utf8).as_bytes();
            assert!(!is_reactive(bytes[0], bytes[1]), "{letter}");
        }
        // Punctuation that shares its pair with a terminator or a space.
        for mark in ['，', '、', '“', '”', '’', '—', '（', '）', '：'] {
            let mut utf8 = [0; 4];
            assert!(
                !reacts_at(mark.encode_utf8(&mut utf8).as_bytes(), 0),
                "{mark}"
            );
        }
        // All but the blocks of the reactive characters.
        assert!(stepped_over > 1_000_000, "{stepped_over}");
        // ASCII: a step of one where inert, and never a reactive pair.
        for b in 0..0x80u8 {
            assert_eq!(REACTIVE_ROWS[usize::from(b)], 0);
            for (table, inert) in STEPS.iter().zip(&INERT) {
                assert_eq!(table[usize::from(b)], u8::from(inert[usize::from(b)]));
            }
        }
    }

    /// The block check flags every place the mixed loop may stop: an ASCII
    /// byte that is not inert (whatever byte follows), or a lead byte whose
    /// pair with a continuation byte is reactive. And it passes over the
    /// letters of the scripts that alternate with ASCII (Vietnamese, Thai,
    /// Lao, Chinese).
    #[test]
    fn the_block_check_flags_every_stop_of_the_mixed_loop() {
        for spaces_inert in [false, true] {
            let steps = &STEPS[usize::from(spaces_inert)];
            for byte in (0..=255u8).filter(|b| !(0x80..0xC0).contains(b)) {
                let nexts = if byte < 0x80 { 0..=255u8 } else { 0x80..=0xBF };
                for next in nexts {
                    let stops = steps[usize::from(byte)] == 0 || is_reactive(byte, next);
                    assert!(
                        !stops || may_react(byte, next, spaces_inert),
                        "{byte:#04X} {next:#04X}, spaces inert: {spaces_inert}"
                    );
                }
            }
        }
        let letters = "ệươạđáỳ中文ภาษาລາວ";
        let mut window = letters.as_bytes().to_vec();
        window.push(b'a');
        for start in 0..window.len() - SKIP_BLOCK {
            assert!(!block_may_react(&window[start..=start + SKIP_BLOCK], true));
        }
    }

    /// A stop at every offset from the start of a long run of letters, so
    /// at every place in a block, and after a character that crosses a
    /// block's end: Vietnamese, then Chinese.
    #[test]
    fn every_offset_of_a_terminator_in_a_run_of_letters_is_seen() {
        for k in 0..40 {
            let run = "ệ".repeat(k);
            let text = format!("Ông {run}x. Bà ơi… Đi! Vì sao? Sao\nkhông.");
            assert_eq!(
                sentences(&text, "vi"),
                [
                    format!("Ông {run}x."),
                    "Bà ơi…".to_string(),
                    "Đi!".to_string(),
                    "Vì sao?".to_string(),
                    "Sao\nkhông.".to_string()
                ],
                "{k}"
            );
            let text = format!("{run}中文。好！");
            assert_eq!(
                sentences(&text, "zh"),
                [format!("{run}中文。"), "好！".to_string()],
                "{k}"
            );
        }
    }

    #[test]
    fn abbreviations_and_decimals_do_not_split() {
        let text = "Mr. Smith paid $1,000.50 on Jan. 14 in the U.S. capital. Growth was 3.5% this year. It rose.";
        assert_eq!(
            sentences(text, "en"),
            vec![
                "Mr. Smith paid $1,000.50 on Jan. 14 in the U.S. capital.",
                "Growth was 3.5% this year.",
                "It rose."
            ]
        );
    }

    #[test]
    fn abbreviation_before_sentence_starter_splits() {
        let text = "He moved to the U.S. He later returned.";
        assert_eq!(
            sentences(text, "en"),
            vec!["He moved to the U.S.", "He later returned."]
        );
    }

    #[test]
    fn quotes_and_brackets_close_sentences() {
        let text = "He said \"Stop.\" Then he left. (It was late.) Nobody knew.";
        assert_eq!(
            sentences(text, "en"),
            vec![
                "He said \"Stop.\"",
                "Then he left.",
                "(It was late.)",
                "Nobody knew."
            ]
        );
    }

    #[test]
    fn ellipsis_splits_only_before_capital() {
        let text = "Wait... what happened? I don't know… Nobody does.";
        assert_eq!(
            sentences(text, "en"),
            vec!["Wait... what happened?", "I don't know…", "Nobody does."]
        );
    }

    #[test]
    fn cjk_terminators_with_closing_quotes() {
        let text = "他说：“我们走吧。”然后离开了。2007年，他回来了！真的吗？";
        assert_eq!(
            sentences(text, "zh"),
            vec![
                "他说：“我们走吧。”",
                "然后离开了。",
                "2007年，他回来了！",
                "真的吗？"
            ]
        );
    }

    #[test]
    fn khmer_and_burmese_terminators() {
        assert_eq!(
            sentences("ខ្ញុំទៅផ្សារ។ គាត់នៅផ្ទះ។", "km"),
            vec!["ខ្ញុំទៅផ្សារ។", "គាត់នៅផ្ទះ។"]
        );
        assert_eq!(
            sentences("ကျွန်တော်သွားမယ်။ သူနေမယ်။", "my"),
            vec!["ကျွန်တော်သွားမယ်။", "သူနေမယ်။"]
        );
    }

    #[test]
    fn blank_line_inside_prose_sentence_is_not_a_boundary() {
        let text = "Kao said cooperation continues to advance under the ASEAN–China Comprehensive Strategic\n\nPartnership, supported by the new plan. It works.";
        let got = sentences(text, "en");
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].ends_with("the new plan."));
    }

    #[test]
    fn heading_line_is_a_boundary() {
        let text = "ASEAN–China Partnership Deepens Cooperation\n\nASEAN and China have sustained cooperation.";
        assert_eq!(
            sentences(text, "en"),
            vec![
                "ASEAN–China Partnership Deepens Cooperation",
                "ASEAN and China have sustained cooperation."
            ]
        );
    }

    #[test]
    fn list_items_split() {
        let text = "Key points:\n1. Trade grew\n2. Energy deals were signed\n- EVs are next";
        assert_eq!(
            sentences(text, "en"),
            vec![
                "Key points:",
                "1. Trade grew",
                "2. Energy deals were signed",
                "- EVs are next"
            ]
        );
    }

    #[test]
    fn one_sentence_per_line_mode() {
        let data = LanguageData::for_language("en");
        let options = SegmentOptions {
            one_sentence_per_line: true,
            ..SegmentOptions::default()
        };
        let text = "first line without stop\nsecond line";
        assert_eq!(split(text, data, &options).len(), 2);
    }

    #[test]
    fn extra_abbreviation_blocks_split() {
        let data = LanguageData::for_language("en");
        let text = "Sales of the Grp. Division were high.";
        assert_eq!(split(text, data, &SegmentOptions::default()).len(), 2);
        let options = SegmentOptions {
            extra_abbreviations: vec!["Grp.".into()],
            ..SegmentOptions::default()
        };
        assert_eq!(split(text, data, &options).len(), 1);
    }

    #[test]
    fn inline_and_bulleted_list_items_split_before_the_next_label() {
        assert_eq!(
            sentences("1) Buy rice 2) Cook it 3) Eat", "en"),
            vec!["1) Buy rice", "2) Cook it", "3) Eat"]
        );
        assert_eq!(
            sentences("• 4. Trade grew • 5. Energy deals followed", "en"),
            vec!["• 4. Trade grew", "• 5. Energy deals followed"]
        );
        assert_eq!(
            sentences("a. Rice b. Beans", "en"),
            vec!["a. Rice", "b. Beans"]
        );
    }

    #[test]
    fn spaced_ellipses_and_bracketed_omissions() {
        // Three spaced dots: an omission inside the sentence.
        assert_eq!(sentences("He paused . . . Then he left.", "en").len(), 1);
        // Four: an omission and a full stop.
        assert_eq!(
            sentences("The talks ended . . . . Nobody spoke.", "en"),
            vec!["The talks ended . . . .", "Nobody spoke."]
        );
        assert_eq!(
            sentences("\"Trade [...] grew [...]\" (Lee 12).", "en").len(),
            1
        );
    }

    #[test]
    fn german_closing_quote_and_spaced_abbreviation() {
        assert_eq!(
            sentences(
                "Er sagte: „Wir kommen.“ Dann ging er. Es gibt z. B. Brot.",
                "de"
            ),
            vec![
                "Er sagte: „Wir kommen.“",
                "Dann ging er.",
                "Es gibt z. B. Brot."
            ]
        );
    }

    #[test]
    fn fullwidth_decimals_and_title_brackets_do_not_split() {
        assert_eq!(
            sentences("税率は３．５％です。来年も続く。", "ja"),
            vec!["税率は３．５％です。", "来年も続く。"]
        );
        assert_eq!(
            sentences("我看了《你好！李焕英》这部电影。很好看。", "zh"),
            vec!["我看了《你好！李焕英》这部电影。", "很好看。"]
        );
    }

    #[test]
    fn informal_text_splits_at_bare_question_marks_and_line_ends() {
        assert_eq!(
            sentences("is it open ? i need bread", "en"),
            vec!["is it open ?", "i need bread"]
        );
        assert_eq!(
            sentences("See the pictures.\nwww.example.org", "en"),
            vec!["See the pictures.", "www.example.org"]
        );
        // A capitalised name before "!" is not an end: "Yahoo! in".
        assert_eq!(sentences("She works at Yahoo! in sales.", "en").len(), 1);
    }

    #[test]
    fn four_dot_ellipsis_attached_to_a_word_opens_the_next_sentence() {
        assert_eq!(
            sentences("The plan failed. . . . Nobody knew why.", "en"),
            vec!["The plan failed.", ". . . Nobody knew why."]
        );
        assert_eq!(
            sentences("The plan failed. . . . and nobody knew why.", "en").len(),
            1
        );
    }

    #[test]
    fn greek_full_stop_after_a_word_ends_before_lowercase_and_semicolon_asks() {
        assert_eq!(
            sentences(
                "Ήρθε νωρίς το πρωί. μετά έφυγε. Τι ώρα είναι; Δεν ξέρω.",
                "el"
            ),
            vec![
                "Ήρθε νωρίς το πρωί.",
                "μετά έφυγε.",
                "Τι ώρα είναι;",
                "Δεν ξέρω."
            ]
        );
        // Abbreviations still hold: "π.χ." (for example), "κ." (Mr).
        assert_eq!(
            sentences(
                "Πολλές χώρες, π.χ. η Ελλάδα, συμφώνησαν. Ο κ. Παπαδόπουλος μίλησε.",
                "el"
            )
            .len(),
            2
        );
    }

    #[test]
    fn cyrillic_full_stop_without_space_before_a_capital_ends() {
        assert_eq!(
            sentences("Заседание закончилось поздно.Следующее будет завтра.", "ru"),
            vec!["Заседание закончилось поздно.", "Следующее будет завтра."]
        );
        // Short abbreviations written without a space stay: "г.Москва".
        assert_eq!(sentences("Он живёт в г.Москва уже давно.", "ru").len(), 1);
        // Latin text keeps "word.Word" together (file names, code, domains).
        assert_eq!(
            sentences("Open the file report.Final today.", "en").len(),
            1
        );
    }

    #[test]
    fn numero_sign_continues_after_a_full_stop() {
        // "жыл" (year) is an ordinary word, not an abbreviation: only the
        // numero sign keeps the citation together.
        assert_eq!(
            sentences("(«Айқын», 12 мамыр 2015 жыл. № 88). Келесі сөйлем.", "kk"),
            vec!["(«Айқын», 12 мамыр 2015 жыл. № 88).", "Келесі сөйлем."]
        );
        assert_eq!(
            sentences("Бұл 2015 жыл. Келесі жыл жақсы болды.", "kk").len(),
            2
        );
    }

    #[test]
    fn slovak_quotation_with_attribution_is_one_sentence() {
        assert_eq!(
            sentences(
                "„Vláda to schválila. Zajtra to podpíšem,“ povedal prezident. Potom odišiel.",
                "sk"
            ),
            vec![
                "„Vláda to schválila. Zajtra to podpíšem,“ povedal prezident.",
                "Potom odišiel."
            ]
        );
        // A quotation closed by a full stop splits as usual.
        assert_eq!(
            sentences(
                "„Vláda to schválila. Zajtra to podpíšem.“ Potom odišiel.",
                "sk"
            )
            .len(),
            3
        );
        // English (UD convention) splits multi-sentence quotations.
        assert_eq!(
            sentences(
                "\"The vote passed. We sign tomorrow,\" the president said.",
                "en"
            )
            .len(),
            2
        );
    }

    #[test]
    fn language_data_titles_months_and_elided_articles() {
        // Italian titles behind an elided article.
        assert_eq!(
            sentences("Ho parlato con l'Avv. Rossi ieri. Poi è partito.", "it"),
            vec!["Ho parlato con l'Avv. Rossi ieri.", "Poi è partito."]
        );
        // Spanish and Italian month abbreviations before a day or year.
        assert_eq!(
            sentences("La reunión es el Mar. 23 de mayo en Lima.", "es").len(),
            1
        );
        assert_eq!(
            sentences("Ci vediamo il 15 ott. 2027 a Roma.", "it").len(),
            1
        );
        // Russian "г.": city before a name, year before a new sentence.
        assert_eq!(
            sentences(
                "Он посетил г. Казань в 1998 г. В 2001 г. он вернулся.",
                "ru"
            ),
            vec!["Он посетил г. Казань в 1998 г.", "В 2001 г. он вернулся."]
        );
        // English rupees before an amount.
        assert_eq!(
            sentences("He was paid Rs. 3520 for the work.", "en").len(),
            1
        );
    }

    #[test]
    fn double_hyphen_dash_before_lowercase_continues() {
        assert_eq!(
            sentences(
                "Mix it, bake it and -- voila! -- dinner is ready. Enjoy.",
                "en"
            ),
            vec![
                "Mix it, bake it and -- voila! -- dinner is ready.",
                "Enjoy."
            ]
        );
    }

    #[test]
    fn thai_spaces_split_only_where_the_model_scores_a_boundary() {
        let text = "รัฐบาลประกาศแผนพัฒนาเศรษฐกิจดิจิทัลฉบับใหม่เมื่อวานนี้ที่กรุงเทพมหานคร และจะเริ่มดำเนินการในปีหน้า นักวิเคราะห์หลายคนเห็นว่าแผนนี้จะช่วยผู้ประกอบการรายย่อยได้มาก ส่วนภาคเอกชนก็พร้อมให้ความร่วมมือกับรัฐบาลอย่างเต็มที่";
        let got = sentences(text, "th");
        // The space before "และ" ("and") continues the sentence; the one
        // after a long clause, before a new subject, ends it.
        assert!(got.len() >= 2, "{got:?}");
        assert!(got[0].ends_with("ในปีหน้า"), "{got:?}");
        assert!(got.iter().all(|s| !s.starts_with("และ")), "{got:?}");
        let data = LanguageData::for_language("th");
        let spans = split(text, data, &SegmentOptions::default());
        assert_eq!(spans[0].rule, BoundaryRule::SpaceModel);
    }
}
