//! Sentence boundaries at spaces, for scripts that write no sentence
//! punctuation (Thai, Lao).
//!
//! Thai and Lao put a space between sentences, but also between clauses,
//! before and after numbers and foreign words, and around quotes; splitting
//! at every space over-splits. Each space is scored by a linear model over
//! features of its neighbourhood:
//! * the words on either side, from ICU4X's dictionary word segmenter
//!   (the last word of the chunk before it, the first of the chunk after
//!   it): conjunctions and relative markers that
//!   continue a sentence ("และ", "ซึ่ง", "ว่า"), particles that end one
//!   ("ครับ", "แล้ว");
//! * the length of the sentence so far and of the chunk after the space;
//! * digits, Latin letters and quotes next to the space.
//!
//! The weights are language data (`[space_model]` in `data/lang/th.txt` and
//! `lo.txt`: `feature weight` per line), so a model trained elsewhere can
//! replace them without touching code. A space is a boundary when the sum of
//! its feature weights is positive.
//!
//! Cost: the words come from one dictionary pass over the whole text
//! (`text::words::words`), which scoring then reads too
//! (`Segmentation::words`), so each run of letters is segmented once and in
//! full, and a space costs two binary searches.

use rustc_hash::FxHashMap;

use crate::text::char_props;
use crate::text::language::{is_closing_punct, is_opening_punct};
use crate::text::words::Word;
use crate::text::{find_whitespace, rfind_whitespace};

/// Feature weights of the space model.
#[derive(Debug, Default, Clone)]
pub struct SpaceModel {
    weights: FxHashMap<String, f32>,
}

/// Lengths (in characters) used as bucket edges for the length features.
const BEFORE_BUCKETS: Buckets = Buckets {
    edges: &[10, 20, 40, 80, 160],
    names: &["<10", "<20", "<40", "<80", "<160", ">=160"],
};
const AFTER_BUCKETS: Buckets = Buckets {
    edges: &[5, 10, 20, 40],
    names: &["<5", "<10", "<20", "<40", ">=40"],
};

/// Bucket edges of a length feature and the buckets' names: `<edge` below
/// each edge, then `>=edge` from the last.
struct Buckets {
    edges: &'static [usize],
    names: &'static [&'static str],
}

impl Buckets {
    /// The last edge: counting past it changes no bucket.
    fn last_edge(&self) -> usize {
        self.edges[self.edges.len() - 1]
    }
}

impl SpaceModel {
    /// Adds one `feature weight` line; malformed lines are ignored.
    pub fn add_line(&mut self, line: &str) {
        let mut parts = line.rsplitn(2, char::is_whitespace);
        let (Some(weight), Some(feature)) = (parts.next(), parts.next()) else {
            return;
        };
        if let Ok(weight) = weight.parse::<f32>() {
            self.weights.insert(feature.trim().to_string(), weight);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    fn weight(&self, feature: &str) -> f32 {
        self.weights.get(feature).copied().unwrap_or(0.0)
    }

    /// The score of the space run `[space, after)` in `text`, where the
    /// current sentence started at `sentence_start`; `words` are the
    /// [`words`](crate::text::words::words) of `text`. Positive: a boundary.
    pub fn score(
        &self,
        text: &str,
        words: &[Word],
        sentence_start: usize,
        space: usize,
        after: usize,
    ) -> f32 {
        let before_chunk_start =
            rfind_whitespace(&text[sentence_start..space]).map_or(sentence_start, |i| {
                let i = sentence_start + i;
                i + text[i..].chars().next().map_or(1, char::len_utf8)
            });
        let before_chunk = &text[before_chunk_start..space];
        let rest = &text[after..];
        let after_chunk = &rest[..find_whitespace(rest).unwrap_or(rest.len())];

        // Feature names are built in one buffer (a formatted string per
        // feature was a tenth of the space model's cost).
        let mut key = String::with_capacity(64);
        let mut weight = |parts: &[&str]| {
            key.clear();
            parts.iter().for_each(|part| key.push_str(part));
            self.weight(&key)
        };
        let mut score = weight(&["bias"]);
        // Counting stops past the last bucket edge, so a long run of
        // non-boundary spaces costs no more than a short one.
        let sentence_chars =
            chars_up_to(&text[sentence_start..space], BEFORE_BUCKETS.last_edge() + 1);
        score += weight(&["before_len", bucket(sentence_chars, &BEFORE_BUCKETS)]);
        let after_chars = chars_up_to(after_chunk, AFTER_BUCKETS.last_edge() + 1);
        score += weight(&["after_len", bucket(after_chars, &AFTER_BUCKETS)]);
        if rest.len() == after_chunk.len() {
            score += weight(&["after_is_last"]);
        }

        if let Some(last) = before_chunk.chars().next_back() {
            score += weight(&["prev_class=", char_class(last)]);
        }
        if let Some(first) = after_chunk.chars().next() {
            score += weight(&["next_class=", char_class(first)]);
        }
        if let Some(word) = last_word(words, before_chunk_start, space) {
            score += weight(&["prev=", &text[word.start..word.end]]);
        }
        if let Some(word) = first_word(words, after, after + after_chunk.len()) {
            score += weight(&["next=", &text[word.start..word.end]]);
        }
        score
    }
}

/// The name of the bucket of `value`, after the feature's name.
/// The number of characters of `text`, or `cap` if it has more. A text of
/// at least `4 * cap` bytes has at least `cap` characters; a shorter one is
/// counted by std's count, which reads its bytes a word at a time (taking
/// `cap` characters one by one decoded up to 161 Thai characters at every
/// space).
fn chars_up_to(text: &str, cap: usize) -> usize {
    if text.len() >= 4 * cap {
        cap
    } else {
        text.chars().count().min(cap)
    }
}

fn bucket(value: usize, buckets: &Buckets) -> &'static str {
    let i = buckets.edges.iter().position(|&edge| value < edge);
    buckets.names[i.unwrap_or(buckets.edges.len())]
}

/// Coarse class of the character beside a space.
fn char_class(c: char) -> &'static str {
    if c.is_ascii_digit() {
        "digit"
    } else if c.is_ascii_alphabetic() {
        "latin"
    } else if is_closing_punct(c) {
        "close"
    } else if is_opening_punct(c) {
        "open"
    } else if c == '"' || c == '\'' {
        "quote"
    } else if char_props::is_alphabetic(c) || is_mark(c) {
        "letter"
    } else {
        "punct"
    }
}

fn is_mark(c: char) -> bool {
    // Thai and Lao vowel and tone marks are not alphabetic in Unicode.
    matches!(c as u32, 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E | 0x0EB1 | 0x0EB4..=0x0EBC | 0x0EC8..=0x0ECE)
}

/// The last of `words` inside the chunk `[start, end)`.
fn last_word(words: &[Word], start: usize, end: usize) -> Option<&Word> {
    let before_end = words.partition_point(|w| w.end <= end);
    before_end
        .checked_sub(1)
        .map(|i| &words[i])
        .filter(|w| w.start >= start)
}

/// The first of `words` inside the chunk `[start, end)`.
fn first_word(words: &[Word], start: usize, end: usize) -> Option<&Word> {
    let from_start = words.partition_point(|w| w.start < start);
    words.get(from_start).filter(|w| w.end <= end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chars_up_to_counts_to_the_cap() {
        // One to four bytes a character, around both edges of the bound.
        for unit in ["a", "é", "ภ", "𠀋", "ภาษาไทย ", "ab𠀋é"] {
            for repeat in 0..200 {
                let text = unit.repeat(repeat);
                for cap in [6, 11, 41, 161] {
                    assert_eq!(
                        chars_up_to(&text, cap),
                        text.chars().take(cap).count(),
                        "{unit:?} x {repeat}, cap {cap}"
                    );
                }
            }
        }
    }

    #[test]
    fn buckets_name_their_range() {
        for buckets in [&BEFORE_BUCKETS, &AFTER_BUCKETS] {
            let mut names: Vec<String> = buckets.edges.iter().map(|e| format!("<{e}")).collect();
            names.push(format!(">={}", buckets.last_edge()));
            assert_eq!(buckets.names, names);
        }
        assert_eq!(bucket(3, &AFTER_BUCKETS), "<5");
        assert_eq!(bucket(5, &AFTER_BUCKETS), "<10");
        assert_eq!(bucket(40, &AFTER_BUCKETS), ">=40");
    }

    #[test]
    fn score_sums_the_weights_of_the_features_present() {
        let mut model = SpaceModel::default();
        for line in [
            "bias 1.0",
            "next=และ -3.0",
            "prev=แล้ว 2.5",
            "before_len<10 -0.5",
        ] {
            model.add_line(line);
        }
        let text = "ฉันกินข้าวแล้ว และไปโรงเรียน";
        let space = text.find(' ').unwrap();
        let score = model.score(text, &crate::text::words::words(text), 0, space, space + 1);
        // bias + prev=แล้ว + next=และ (the sentence so far is 14 chars: no length weight)
        assert!((score - 0.5).abs() < 1e-6, "{score}");
    }
}
