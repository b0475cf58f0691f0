//! Holds `text::word_walk` to ICU4X's word iterator on real text: every
//! text of the JSONL files given (a `text` field each), and slices of it cut
//! at every 7th character boundary, 20 lengths each (every 13th boundary).
//! Compares the words (offsets and kind) and the count; prints the number
//! of slices, how many the one walk segmented itself (the rest go to
//! ICU4X's iterator) and the mismatches, and exits non-zero on a mismatch.
//!
//! `cargo run --release --example word_walk_check -- ../shared/data/summarization/lcsts_dev.jsonl`

use std::io::BufRead;

use precis::text::{word_walk, words};

fn main() {
    let (mut slices, mut one_walk, mut mismatches) = (0usize, 0usize, 0usize);
    for path in std::env::args().skip(1) {
        let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        for line in std::io::BufReader::new(file).lines() {
            let line = line.expect("a line");
            let value: serde_json::Value = serde_json::from_str(&line).expect("a JSON line");
            let Some(text) = value["text"].as_str() else {
                continue;
            };
            let cuts: Vec<usize> = text
                .char_indices()
                .map(|(at, _)| at)
                .chain([text.len()])
                .collect();
            for (k, &start) in cuts.iter().enumerate().step_by(7) {
                for &end in cuts[k..].iter().step_by(13).take(20) {
                    let slice = &text[start..end];
                    slices += 1;
                    one_walk += usize::from(word_walk::one_walk(slice).is_some());
                    let icu = words::icu_words(slice);
                    if words::words(slice) != icu || words::count(slice) != icu.len() {
                        mismatches += 1;
                        eprintln!("mismatch: {slice:?}");
                    }
                }
            }
        }
    }
    println!("{{\"slices\": {slices}, \"one_walk\": {one_walk}, \"mismatches\": {mismatches}}}");
    if mismatches > 0 {
        std::process::exit(1);
    }
}
