//! Data-driven splitter tests: the Golden Rules cases (pySBD, MIT; see
//! `tests/data/README.md`) run through the library, scored the way
//! `seg_eval.py` scores them: a case passes when the predicted boundaries
//! (counted in non-whitespace characters) equal the gold ones.
//!
//! The asserted pass counts are floors at the level the splitter reaches:
//! a change that loses a case fails here. Raise them when the splitter
//! improves; never lower them to go green.

use std::collections::{BTreeMap, BTreeSet};

use precis::text::{SegmentOptions, segment};
use serde_json::Value;

const GOLDEN_RULES: &str = include_str!("../data/golden_rules.jsonl");

/// Boundaries of a list of sentences: non-whitespace characters before the
/// end of each sentence but the last.
fn boundaries<'a>(sentences: impl IntoIterator<Item = &'a str>) -> BTreeSet<usize> {
    let mut out = BTreeSet::new();
    let mut position = 0usize;
    for sentence in sentences {
        position += sentence.chars().filter(|c| !c.is_whitespace()).count();
        out.insert(position);
    }
    out.remove(&position);
    out.remove(&0);
    out
}

struct Case {
    id: String,
    lang: String,
    set: String,
    text: String,
    gold: Vec<String>,
}

fn cases() -> Vec<Case> {
    GOLDEN_RULES
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let record: Value = serde_json::from_str(line).expect("valid JSON line");
            let field = |name: &str| record[name].as_str().unwrap_or_default().to_string();
            Case {
                id: field("id"),
                lang: field("lang"),
                set: field("set"),
                text: field("text"),
                gold: record["sentences"]
                    .as_array()
                    .expect("sentences")
                    .iter()
                    .map(|s| s.as_str().unwrap_or_default().to_string())
                    .collect(),
            }
        })
        .collect()
}

fn passes(case: &Case) -> bool {
    let segmentation = segment(
        &case.text,
        None,
        Some(&case.lang),
        &SegmentOptions::default(),
    );
    let predicted = boundaries(segmentation.sentences.iter().map(|s| s.text(&case.text)));
    predicted == boundaries(case.gold.iter().map(String::as_str))
}

/// Pass counts per (set, language group), with the failing ids for the message.
fn tally() -> BTreeMap<&'static str, (usize, usize, Vec<String>)> {
    let mut out: BTreeMap<&'static str, (usize, usize, Vec<String>)> = BTreeMap::new();
    for case in cases() {
        let ok = passes(&case);
        let mut groups = vec!["all"];
        match case.set.as_str() {
            "golden" => {
                groups.push("golden");
                if case.lang == "en" {
                    groups.push("golden_en");
                }
            }
            "more" => groups.push("more"),
            "clean" => groups.push("clean"),
            "regression" => groups.push("regression"),
            _ => {}
        }
        for group in groups {
            let entry = out.entry(group).or_default();
            entry.1 += 1;
            if ok {
                entry.0 += 1;
            } else {
                entry.2.push(case.id.clone());
            }
        }
    }
    out
}

#[test]
fn golden_rules_pass_counts_do_not_regress() {
    // (group, cases, floor): the floor is the count reached when it was last raised.
    let floors = [
        ("golden_en", 48, FLOOR_GOLDEN_EN),
        ("golden", 164, FLOOR_GOLDEN),
        ("more", 130, FLOOR_MORE),
        ("clean", 149, FLOOR_CLEAN),
        ("regression", 13, FLOOR_REGRESSION),
    ];
    let tally = tally();
    let mut failures = Vec::new();
    for (group, cases, floor) in floors {
        let (passed, total, failed) = &tally[group];
        assert_eq!(*total, cases, "case count of {group}");
        if *passed < floor {
            failures.push(format!(
                "{group}: {passed}/{total} < floor {floor}; failing: {failed:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// Reached on 2026-11-28 (issue 3). pySBD, the best anchor: 47/48 and 162/164 golden.
const FLOOR_GOLDEN_EN: usize = 47;
const FLOOR_GOLDEN: usize = 162;
const FLOOR_MORE: usize = 122;
const FLOOR_CLEAN: usize = 114;
const FLOOR_REGRESSION: usize = 10;
