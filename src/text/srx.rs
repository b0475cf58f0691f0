//! SRX 2.0 segmentation rules (the format of LanguageTool's and Okapi's rule
//! files), applied where sentences are split: on top of the built-in
//! splitter (SRX break rules add boundaries, no-break rules veto built-in
//! ones) or instead of it (only SRX breaks and line structure), chosen per
//! language.
//!
//! Rules may use look-around, so they run on `fancy-regex` with a
//! backtracking limit per match (a rule that hits it simply does not match
//! there) and after-break patterns are matched in a bounded window, so one
//! pathological rule costs at most a bounded amount per candidate position.

use std::collections::BTreeMap;

use fancy_regex::{Regex, RegexBuilder};
use quick_xml::Reader;
use quick_xml::events::Event;

use crate::text::segment::{BoundaryRule, Span};

/// Backtracking steps one match attempt may take.
const BACKTRACK_LIMIT: usize = 100_000;
/// Bytes after a candidate position an after-break pattern may look at.
const AFTER_WINDOW: usize = 512;

/// How SRX rules combine with the built-in splitter for a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SrxMode {
    /// SRX decisions first; built-in boundaries stand where SRX says nothing.
    #[default]
    OnTop,
    /// Only SRX breaks, plus the built-in line and paragraph boundaries
    /// (SRX rules apply within a paragraph, as in CAT tools).
    Instead,
}

/// One rule: break or not between `before` and `after`.
#[derive(Debug)]
pub struct Rule {
    pub is_break: bool,
    before: Option<Regex>,
    /// `\G(?:after)`: anchored at the candidate position.
    after: Option<Regex>,
}

/// Rules loaded from one SRX file.
#[derive(Debug, Default)]
pub struct SrxRules {
    cascade: bool,
    rules: BTreeMap<String, Vec<Rule>>,
    maps: Vec<(Regex, String)>,
    /// Per-language mode (primary subtags); others use `default_mode`.
    modes: BTreeMap<String, SrxMode>,
    pub default_mode: SrxMode,
    /// Rules that did not compile, as "rule set #n: error"; they are skipped.
    pub skipped: Vec<String>,
    /// xxh3 of the file, to record which rules produced a segmentation.
    pub rules_hash: String,
}

fn compile(pattern: &str) -> Result<Regex, String> {
    RegexBuilder::new(&java_quotes(pattern))
        .backtrack_limit(BACKTRACK_LIMIT)
        .build()
        .map_err(|e| e.to_string())
}

/// Java's `\Q...\E` literal quoting (common in SRX files written for
/// Java engines), rewritten as escaped literals.
fn java_quotes(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(at) = rest.find("\\Q") {
        // An escaped backslash before "Q" is not a quote start.
        let backslashes = rest[..at].chars().rev().take_while(|&c| c == '\\').count();
        if backslashes % 2 == 1 {
            out.push_str(&rest[..at + 2]);
            rest = &rest[at + 2..];
            continue;
        }
        out.push_str(&rest[..at]);
        let quoted = &rest[at + 2..];
        let end = quoted.find("\\E").unwrap_or(quoted.len());
        out.push_str(&fancy_regex::escape(&quoted[..end]));
        rest = quoted.get(end + 2..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

impl SrxRules {
    /// Parses an SRX 2.0 document.
    pub fn parse(xml: &str) -> Result<SrxRules, String> {
        let mut srx = SrxRules {
            rules_hash: format!("{:016x}", xxhash_rust::xxh3::xxh3_64(xml.as_bytes())),
            ..SrxRules::default()
        };
        let mut reader = Reader::from_str(xml);
        let mut current_set: Option<String> = None;
        let mut is_break = true;
        let mut before: Option<String> = None;
        let mut after: Option<String> = None;
        let mut field: Option<&'static str> = None;
        let mut buffer = String::new();
        let mut saw_root = false;
        // Rules read in the current set, compiled or not (for messages).
        let mut rule_number = 0usize;
        loop {
            let event = reader
                .read_event()
                .map_err(|e| format!("not well-formed XML: {e}"))?;
            match event {
                Event::Start(e) | Event::Empty(e) => {
                    let attr = |name: &str| {
                        e.try_get_attribute(name)
                            .ok()
                            .flatten()
                            .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
                    };
                    match e.local_name().as_ref() {
                        b"srx" => saw_root = true,
                        b"header" => {
                            srx.cascade = attr("cascade").is_some_and(|v| v == "yes");
                        }
                        b"languagerule" => {
                            let name = attr("languagerulename").unwrap_or_default();
                            srx.rules.entry(name.clone()).or_default();
                            current_set = Some(name);
                            rule_number = 0;
                        }
                        b"rule" => {
                            is_break = attr("break").is_none_or(|v| v != "no");
                            before = None;
                            after = None;
                        }
                        b"beforebreak" => {
                            field = Some("before");
                            buffer.clear();
                        }
                        b"afterbreak" => {
                            field = Some("after");
                            buffer.clear();
                        }
                        b"languagemap" => {
                            let pattern = attr("languagepattern").unwrap_or_default();
                            let name = attr("languagerulename").unwrap_or_default();
                            match compile(&format!("(?i)^(?:{pattern})$")) {
                                Ok(regex) => srx.maps.push((regex, name)),
                                Err(error) => srx
                                    .skipped
                                    .push(format!("languagemap {pattern:?}: {error}")),
                            }
                        }
                        _ => {}
                    }
                }
                Event::Text(t) if field.is_some() => {
                    buffer.push_str(&t.xml10_content().map_err(|e| e.to_string())?);
                }
                Event::CData(t) if field.is_some() => {
                    buffer.push_str(&t.decode().map_err(|e| e.to_string())?);
                }
                Event::GeneralRef(r) if field.is_some() => {
                    let c = if r.is_char_ref() {
                        r.resolve_char_ref().map_err(|e| e.to_string())?
                    } else {
                        match r.decode().map_err(|e| e.to_string())?.as_ref() {
                            "amp" => Some('&'),
                            "lt" => Some('<'),
                            "gt" => Some('>'),
                            "quot" => Some('"'),
                            "apos" => Some('\''),
                            _ => None,
                        }
                    };
                    buffer.extend(c);
                }
                Event::End(e) => match e.local_name().as_ref() {
                    b"beforebreak" => {
                        before = Some(std::mem::take(&mut buffer));
                        field = None;
                    }
                    b"afterbreak" => {
                        after = Some(std::mem::take(&mut buffer));
                        field = None;
                    }
                    b"rule" => {
                        let Some(set) = current_set.clone() else {
                            continue;
                        };
                        let before_pattern = before.take().filter(|p| !p.is_empty());
                        let after_pattern = after.take().filter(|p| !p.is_empty());
                        let compiled = (|| -> Result<Rule, String> {
                            Ok(Rule {
                                is_break,
                                before: before_pattern.as_deref().map(compile).transpose()?,
                                after: after_pattern
                                    .as_deref()
                                    .map(|p| compile(&format!("\\G(?:{p})")))
                                    .transpose()?,
                            })
                        })();
                        rule_number += 1;
                        match compiled {
                            Ok(rule) => srx.rules.entry(set.clone()).or_default().push(rule),
                            Err(error) => srx
                                .skipped
                                .push(format!("{set} rule #{rule_number}: {error}")),
                        }
                    }
                    b"languagerule" => current_set = None,
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
        }
        if !saw_root {
            return Err("not an SRX document (no <srx> root)".to_string());
        }
        Ok(srx)
    }

    /// Sets how SRX combines with the built-in rules for `language`.
    pub fn set_mode(&mut self, language: &str, mode: SrxMode) {
        self.modes.insert(language.to_string(), mode);
    }

    pub fn mode(&self, language: &str) -> SrxMode {
        self.modes
            .get(language)
            .copied()
            .unwrap_or(self.default_mode)
    }

    /// The rules that apply to `language`, in order: those of the first
    /// matching language map, or of every matching map when the header
    /// says `cascade="yes"`.
    pub fn rules_for(&self, language: &str) -> Vec<&Rule> {
        let mut out = Vec::new();
        for (pattern, name) in &self.maps {
            if pattern.is_match(language).unwrap_or(false) {
                out.extend(self.rules.get(name).into_iter().flatten());
                if !self.cascade {
                    break;
                }
            }
        }
        out
    }

    /// Number of compiled rules.
    pub fn rule_count(&self) -> usize {
        self.rules.values().map(Vec::len).sum()
    }
}

fn floor_boundary(text: &str, mut index: usize) -> usize {
    index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// Break (true) or no-break (false) at each position some rule decides; the
/// first rule in order wins at a position.
fn decisions(text: &str, rules: &[&Rule]) -> BTreeMap<usize, bool> {
    let mut decided: BTreeMap<usize, bool> = BTreeMap::new();
    for rule in rules {
        let candidates: Vec<usize> = match (&rule.before, &rule.after) {
            (Some(before), _) => before
                .find_iter(text)
                .filter_map(Result::ok)
                .map(|m| m.end())
                .collect(),
            // No before-break pattern: wherever the after pattern starts.
            (None, Some(after)) => {
                let mut positions = Vec::new();
                let mut pos = 0;
                while pos <= text.len() {
                    if matches_at(after, text, pos) {
                        positions.push(pos);
                    }
                    match text[pos..].chars().next() {
                        Some(c) => pos += c.len_utf8(),
                        None => break,
                    }
                }
                positions
            }
            (None, None) => Vec::new(),
        };
        for pos in candidates {
            if pos == 0 || pos >= text.len() || decided.contains_key(&pos) {
                continue;
            }
            let after_ok = rule
                .after
                .as_ref()
                .is_none_or(|after| matches_at(after, text, pos));
            if after_ok {
                decided.insert(pos, rule.is_break);
            }
        }
    }
    decided
}

fn matches_at(after: &Regex, text: &str, pos: usize) -> bool {
    let window = &text[..floor_boundary(text, pos + AFTER_WINDOW)];
    if pos > window.len() {
        return false;
    }
    matches!(after.find_from_pos(window, pos), Ok(Some(m)) if m.start() == pos)
}

/// Applies the rules for `language` to the built-in spans of `text`.
pub fn apply(srx: &SrxRules, text: &str, language: &str, spans: Vec<Span>) -> Vec<Span> {
    let rules = srx.rules_for(language);
    if rules.is_empty() || spans.is_empty() {
        return spans;
    }
    let decided = decisions(text, &rules);
    let mode = srx.mode(language);
    // Cut positions with the rule that ends the sentence before them.
    let mut cuts: BTreeMap<usize, BoundaryRule> = BTreeMap::new();
    for pair in spans.windows(2) {
        let (gap_start, gap_end) = (pair[0].end, pair[1].start);
        let in_gap = decided.range(gap_start..=gap_end);
        let (mut srx_break, mut srx_no_break) = (false, false);
        for (_, &is_break) in in_gap {
            if is_break {
                srx_break = true;
            } else {
                srx_no_break = true;
            }
        }
        let line_structure = text[gap_start..gap_end].contains('\n');
        let keep = match mode {
            SrxMode::OnTop => srx_break || !srx_no_break,
            SrxMode::Instead => line_structure || srx_break,
        };
        if keep {
            cuts.insert(gap_start, pair[0].rule);
        }
    }
    for (&pos, &is_break) in &decided {
        let inside = spans.iter().any(|s| s.start < pos && pos < s.end);
        if is_break && inside {
            cuts.insert(pos, BoundaryRule::Terminator);
        }
    }
    let last_rule = spans.last().map_or(BoundaryRule::EndOfText, |s| s.rule);
    let mut out = Vec::new();
    let mut start = 0usize;
    let ends = cuts
        .iter()
        .map(|(&pos, &rule)| (pos, rule))
        .chain(std::iter::once((text.len(), last_rule)));
    for (end, rule) in ends {
        let piece = &text[start..end];
        let trimmed_start = start + (piece.len() - piece.trim_start().len());
        let trimmed_end = start + piece.trim_end().len();
        if trimmed_start < trimmed_end {
            out.push(Span {
                start: trimmed_start,
                end: trimmed_end,
                rule,
            });
        }
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{SegmentOptions, segment_with};

    const RULES: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<srx xmlns="http://www.lisa.org/srx20" version="2.0">
  <header segmentsubflows="yes" cascade="yes"/>
  <body>
    <languagerules>
      <languagerule languagerulename="English">
        <!-- "Jln." (Malay "Jalan", street) never ends a sentence (look-behind on the word). -->
        <rule break="no"><beforebreak>(?&lt;=\bJln)\.</beforebreak><afterbreak>\s</afterbreak></rule>
        <!-- A semicolon before a capital starts a new segment (look-ahead). -->
        <rule break="yes"><beforebreak>;</beforebreak><afterbreak>\s+(?=\p{Lu})</afterbreak></rule>
      </languagerule>
      <languagerule languagerulename="Default">
        <rule break="yes"><beforebreak>[.!?]</beforebreak><afterbreak>\s</afterbreak></rule>
      </languagerule>
    </languagerules>
    <maprules>
      <languagemap languagepattern="en.*" languagerulename="English"/>
      <languagemap languagepattern=".*" languagerulename="Default"/>
    </maprules>
  </body>
</srx>"#;

    fn sentences(text: &str, srx: Option<&SrxRules>) -> Vec<String> {
        let seg = segment_with(text, None, Some("en"), &SegmentOptions::default(), srx, &[]);
        seg.sentences
            .iter()
            .map(|s| s.text(text).to_string())
            .collect()
    }

    #[test]
    fn look_around_rules_on_top_of_built_in() {
        let srx = SrxRules::parse(RULES).unwrap();
        assert!(srx.skipped.is_empty(), "{:?}", srx.skipped);
        assert_eq!(
            srx.rules_for("en").len(),
            3,
            "cascade: English then Default"
        );
        let text = "It is on Jln. Ampang near KL; Prices vary. Done.";
        assert_eq!(
            sentences(text, None),
            vec!["It is on Jln.", "Ampang near KL; Prices vary.", "Done."]
        );
        assert_eq!(
            sentences(text, Some(&srx)),
            vec!["It is on Jln. Ampang near KL;", "Prices vary.", "Done."]
        );
    }

    #[test]
    fn instead_mode_uses_only_srx_and_lines() {
        let mut srx = SrxRules::parse(RULES).unwrap();
        srx.set_mode("en", SrxMode::Instead);
        let text = "Mr. Kao left! He said so.\nNew line here";
        assert_eq!(
            sentences(text, Some(&srx)),
            vec!["Mr.", "Kao left!", "He said so.", "New line here"]
        );
    }

    #[test]
    fn java_quotes_become_literals() {
        assert_eq!(java_quotes(r"\Qa.b\E\s"), r"a\.b\s");
        assert_eq!(java_quotes(r"x\\Qy"), r"x\\Qy");
        assert!(compile(r"\b\Qetc.\E").unwrap().is_match("etc.").unwrap());
    }

    #[test]
    fn bad_rules_are_skipped_and_reported() {
        let bad = RULES.replace(";</beforebreak>", "(;</beforebreak>");
        let srx = SrxRules::parse(&bad).unwrap();
        assert_eq!(srx.skipped.len(), 1);
        assert!(SrxRules::parse("<notsrx/>").is_err());
    }
}
