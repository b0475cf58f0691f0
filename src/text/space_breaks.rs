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
use crate::text::{find_far_whitespace, rfind_far_whitespace};

/// Feature weights of the space model. The features with a closed set of
/// values (the bias, the length buckets, the character classes) are slots
/// filled from the data file; the word features are maps from the word.
/// A space's score then adds six slots and looks up two words, where it
/// built and hashed eight feature names (a fifth of a Thai article's
/// segmentation).
#[derive(Debug, Default, Clone)]
pub struct SpaceModel {
    /// Whether any `feature weight` line was read.
    has_weights: bool,
    bias: f32,
    before_len: [f32; BEFORE_BUCKETS.names.len()],
    after_len: [f32; AFTER_BUCKETS.names.len()],
    after_is_last: f32,
    prev_class: [f32; Class::ALL.len()],
    next_class: [f32; Class::ALL.len()],
    prev_word: FxHashMap<String, f32>,
    next_word: FxHashMap<String, f32>,
}

/// Lengths (in characters) used as bucket edges for the length features.
const BEFORE_BUCKETS: Buckets<5, 6> = Buckets {
    edges: [10, 20, 40, 80, 160],
    names: ["<10", "<20", "<40", "<80", "<160", ">=160"],
};
const AFTER_BUCKETS: Buckets<4, 5> = Buckets {
    edges: [5, 10, 20, 40],
    names: ["<5", "<10", "<20", "<40", ">=40"],
};

/// Bucket edges of a length feature and the buckets' names: `<edge` below
/// each edge, then `>=edge` from the last.
struct Buckets<const EDGES: usize, const NAMES: usize> {
    edges: [usize; EDGES],
    names: [&'static str; NAMES],
}

impl<const EDGES: usize, const NAMES: usize> Buckets<EDGES, NAMES> {
    /// The last edge: counting past it changes no bucket.
    fn last_edge(&self) -> usize {
        self.edges[EDGES - 1]
    }

    /// The bucket of `value`.
    fn of(&self, value: usize) -> usize {
        self.edges
            .iter()
            .position(|&edge| value < edge)
            .unwrap_or(EDGES)
    }

    /// The bucket named `name`.
    fn named(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|&n| n == name)
    }
}

/// The class of the character beside a space ([`char_class`]), a slot of
/// the class features.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Digit,
    Latin,
    Close,
    Open,
    Quote,
    Letter,
    Punct,
}

impl Class {
    const ALL: [Class; 7] = [
        Class::Digit,
        Class::Latin,
        Class::Close,
        Class::Open,
        Class::Quote,
        Class::Letter,
        Class::Punct,
    ];

    /// The class's name in the feature names (`prev_class=digit`).
    fn name(self) -> &'static str {
        match self {
            Class::Digit => "digit",
            Class::Latin => "latin",
            Class::Close => "close",
            Class::Open => "open",
            Class::Quote => "quote",
            Class::Letter => "letter",
            Class::Punct => "punct",
        }
    }

    fn named(name: &str) -> Option<usize> {
        Class::ALL.iter().position(|class| class.name() == name)
    }
}

impl SpaceModel {
    /// Adds one `feature weight` line; malformed lines are ignored, and so
    /// are features the model does not have.
    pub fn add_line(&mut self, line: &str) {
        let mut parts = line.rsplitn(2, char::is_whitespace);
        let (Some(weight), Some(feature)) = (parts.next(), parts.next()) else {
            return;
        };
        if let Ok(weight) = weight.parse::<f32>() {
            self.has_weights = true;
            if let Some(slot) = self.slot(feature.trim()) {
                *slot = weight;
            }
        }
    }

    /// Where the weight of `feature` is kept.
    fn slot(&mut self, feature: &str) -> Option<&mut f32> {
        if feature == "bias" {
            Some(&mut self.bias)
        } else if feature == "after_is_last" {
            Some(&mut self.after_is_last)
        } else if let Some(name) = feature.strip_prefix("before_len") {
            BEFORE_BUCKETS.named(name).map(|i| &mut self.before_len[i])
        } else if let Some(name) = feature.strip_prefix("after_len") {
            AFTER_BUCKETS.named(name).map(|i| &mut self.after_len[i])
        } else if let Some(name) = feature.strip_prefix("prev_class=") {
            Class::named(name).map(|i| &mut self.prev_class[i])
        } else if let Some(name) = feature.strip_prefix("next_class=") {
            Class::named(name).map(|i| &mut self.next_class[i])
        } else if let Some(word) = feature.strip_prefix("prev=") {
            Some(self.prev_word.entry(word.to_string()).or_default())
        } else if let Some(word) = feature.strip_prefix("next=") {
            Some(self.next_word.entry(word.to_string()).or_default())
        } else {
            None
        }
    }

    pub fn is_empty(&self) -> bool {
        !self.has_weights
    }

    /// The score of the space run `[space, after)` in `text`, where the
    /// current sentence started at `sentence_start`; `words` are the
    /// [`words`](crate::text::words::words) of `text`, and `scan` what the
    /// scores of the spaces before in the same text found. Positive: a
    /// boundary.
    pub fn score(
        &self,
        text: &str,
        words: &[Word],
        scan: &mut SpaceScan,
        sentence_start: usize,
        space: usize,
        after: usize,
    ) -> f32 {
        // The chunk before this space is the one after the space before,
        // when nothing but it stands between them.
        let before_chunk_start = match scan.after_chunk {
            Some((start, end)) if end == space && start >= sentence_start => start,
            _ => rfind_far_whitespace(&text[sentence_start..space]).map_or(sentence_start, |i| {
                let i = sentence_start + i;
                i + text[i..].chars().next().map_or(1, char::len_utf8)
            }),
        };
        let before_chunk = &text[before_chunk_start..space];
        let rest = &text[after..];
        let after_chunk = &rest[..find_far_whitespace(rest).unwrap_or(rest.len())];
        let word_weight = |weights: &FxHashMap<String, f32>, word: &Word| {
            weights
                .get(&text[word.start..word.end])
                .copied()
                .unwrap_or(0.0)
        };

        // The weights are added in the order of the features' lines in the
        // module's documentation (an absent feature adds zero).
        let mut score = self.bias;
        // Counting stops past the last bucket edge, so a long run of
        // non-boundary spaces costs no more than a short one.
        let sentence_chars =
            scan.sentence_chars(text, sentence_start, space, BEFORE_BUCKETS.last_edge() + 1);
        score += self.before_len[BEFORE_BUCKETS.of(sentence_chars)];
        let after_chars = chars_up_to(after_chunk, AFTER_BUCKETS.last_edge() + 1);
        score += self.after_len[AFTER_BUCKETS.of(after_chars)];
        if rest.len() == after_chunk.len() {
            score += self.after_is_last;
        }

        if let Some(last) = before_chunk.chars().next_back() {
            score += self.prev_class[char_class(last) as usize];
        }
        if let Some(first) = after_chunk.chars().next() {
            score += self.next_class[char_class(first) as usize];
        }
        if let Some(word) = last_word(words, before_chunk_start, space) {
            score += word_weight(&self.prev_word, word);
        }
        if let Some(word) = first_word(words, after, after + after_chunk.len()) {
            score += word_weight(&self.next_word, word);
        }
        scan.after_chunk = Some((after, after + after_chunk.len()));
        score
    }
}

/// What [`SpaceModel::score`] found at the spaces of a text so far, so
/// that the next space's score need not read the sentence again: the
/// chunk before a space is the one after the space before (the search
/// backwards for it read each chunk a second time), and the sentence's
/// characters are counted on from the last space (counting from the
/// sentence's start at every space read a sentence of n spaces n times).
#[derive(Debug, Default)]
pub struct SpaceScan {
    /// The chunk after the last space scored: its start and end.
    after_chunk: Option<(usize, usize)>,
    /// The characters of the text between two offsets, up to a cap.
    counted: Option<(usize, usize, usize)>,
}

impl SpaceScan {
    /// `chars_up_to(&text[start..end], cap)`, counted on from the last
    /// count when it started at `start` too.
    fn sentence_chars(&mut self, text: &str, start: usize, end: usize, cap: usize) -> usize {
        let chars = match self.counted {
            Some((from, to, chars)) if from == start && to <= end => {
                if chars >= cap {
                    cap
                } else {
                    (chars + chars_up_to(&text[to..end], cap)).min(cap)
                }
            }
            _ => chars_up_to(&text[start..end], cap),
        };
        self.counted = Some((start, end, chars));
        chars
    }
}

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

/// Coarse class of the character beside a space.
fn char_class(c: char) -> Class {
    if c.is_ascii_digit() {
        Class::Digit
    } else if c.is_ascii_alphabetic() {
        Class::Latin
    } else if is_closing_punct(c) {
        Class::Close
    } else if is_opening_punct(c) {
        Class::Open
    } else if c == '"' || c == '\'' {
        Class::Quote
    } else if char_props::is_alphabetic(c) || is_mark(c) {
        Class::Letter
    } else {
        Class::Punct
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
        fn check<const E: usize, const N: usize>(buckets: &Buckets<E, N>) {
            let mut names: Vec<String> = buckets.edges.iter().map(|e| format!("<{e}")).collect();
            names.push(format!(">={}", buckets.last_edge()));
            assert_eq!(buckets.names.to_vec(), names);
            for (i, name) in names.iter().enumerate() {
                assert_eq!(buckets.named(name), Some(i));
            }
        }
        check(&BEFORE_BUCKETS);
        check(&AFTER_BUCKETS);
        assert_eq!(AFTER_BUCKETS.names[AFTER_BUCKETS.of(3)], "<5");
        assert_eq!(AFTER_BUCKETS.names[AFTER_BUCKETS.of(5)], "<10");
        assert_eq!(AFTER_BUCKETS.names[AFTER_BUCKETS.of(40)], ">=40");
    }

    /// A feature line the model does not know would be read and ignored:
    /// every line of the shipped models names a slot.
    #[test]
    fn every_feature_of_the_language_data_has_a_slot() {
        for file in [
            include_str!("../../data/lang/th.txt"),
            include_str!("../../data/lang/lo.txt"),
        ] {
            let mut model = SpaceModel::default();
            let mut section = "";
            let mut features = 0;
            for line in file.lines().map(str::trim) {
                if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                    section = name;
                } else if section == "space_model" && !line.is_empty() && !line.starts_with('#') {
                    let (feature, weight) = line.rsplit_once(char::is_whitespace).unwrap();
                    assert!(weight.parse::<f32>().is_ok(), "{line}");
                    assert!(model.slot(feature.trim()).is_some(), "{line}");
                    features += 1;
                }
            }
            assert!(features > 40, "{features}");
        }
    }

    #[test]
    fn class_names_are_distinct_and_found() {
        for (i, class) in Class::ALL.iter().enumerate() {
            assert_eq!(*class as usize, i);
            assert_eq!(Class::named(class.name()), Some(i));
        }
    }

    #[test]
    fn score_sums_the_weights_of_the_features_present() {
        let mut model = SpaceModel::default();
        for line in [
            "bias 1.0",
            "next=และ -3.0",
            "prev=แล้ว 2.5",
            "before_len<10 -0.5",
            // The features of this space, and others of the same kinds.
            "before_len<20 8.0",
            "after_len<20 0.0625",
            "after_len<10 -16.0",
            "after_is_last 0.03125",
            "prev_class=letter 0.25",
            "prev_class=digit 32.0",
            "next_class=letter 0.125",
            "next_class=latin 64.0",
            "prev=และ 128.0",
            "next=แล้ว 256.0",
        ] {
            model.add_line(line);
        }
        let text = "ฉันกินข้าวแล้ว และไปโรงเรียน";
        let space = text.find(' ').unwrap();
        let words = crate::text::words::words(text);
        let score = model.score(text, &words, &mut SpaceScan::default(), 0, space, space + 1);
        // bias + prev=แล้ว + next=และ + before_len<20 (14 characters so
        // far) + after_len<20 (13 after) + after_is_last + the two letters.
        let expected = 1.0 + 2.5 - 3.0 + 8.0 + 0.0625 + 0.03125 + 0.25 + 0.125;
        assert_eq!(score, expected);
        // Before the last chunk, with a digit after the space.
        let text = "ฉันกินข้าวแล้ว 5 คน";
        let space = text.find(' ').unwrap();
        let words = crate::text::words::words(text);
        let score = model.score(text, &words, &mut SpaceScan::default(), 0, space, space + 1);
        // bias + prev=แล้ว + before_len<20 + after_len<5 (none) + the letter
        // before (the digit after has no weight).
        assert_eq!(score, 1.0 + 2.5 + 8.0 + 0.25);
    }

    /// A scan carried from space to space scores each as a fresh one
    /// does, whatever the sentence starts: every space of Thai and Lao
    /// news, with runs of spaces, a newline and ASCII between, and the
    /// sentence restarted after every space, every third or never, or
    /// inside the chunk after a space (as after a terminator with no space
    /// after it).
    #[test]
    fn a_carried_scan_scores_as_a_fresh_one() {
        let thai = include_str!("../../tests/data/translation/th.txt");
        let lao = "ລັດຖະບານລາວປະກາດແຜນໃໝ່ ເພື່ອພັດທະນາເສດຖະກິດ 3.5% ໃນປີ 2025  ແລະ\nປະຊາຊົນ ຍິນດີ";
        for (code, text) in [("th", thai), ("lo", lao)] {
            let mut model = crate::text::language::LanguageData::for_language(code)
                .space_model
                .clone();
            assert!(!model.is_empty(), "{code}");
            let text = format!("{text} the Bank of Thailand  said {text}");
            let words = crate::text::words::words(&text);
            // A weight for every word, so that each word a chunk holds or
            // not changes the score.
            for word in &words {
                let word = &text[word.start..word.end];
                model.add_line(&format!("prev={word} 1.5"));
                model.add_line(&format!("next={word} 0.75"));
            }
            let spaces: Vec<(usize, usize)> = text
                .match_indices(' ')
                .map(|(space, _)| {
                    let after =
                        space + text[space..].len() - text[space..].trim_start_matches(' ').len();
                    (space, after)
                })
                .filter(|&(space, _)| space == 0 || text.as_bytes()[space - 1] != b' ')
                .collect();
            assert!(spaces.len() > 10, "{code}: {}", spaces.len());
            for (restart, inside) in [(1, false), (3, false), (usize::MAX, false), (2, true)] {
                let (mut scan, mut sentence_start) = (SpaceScan::default(), 0);
                for (i, &(space, after)) in spaces.iter().enumerate() {
                    let carried =
                        model.score(&text, &words, &mut scan, sentence_start, space, after);
                    let fresh = model.score(
                        &text,
                        &words,
                        &mut SpaceScan::default(),
                        sentence_start,
                        space,
                        after,
                    );
                    assert_eq!(carried, fresh, "{code}: space {space}, restart {restart}");
                    if i % restart == 0 {
                        // The second character of the chunk, if it has one.
                        let second = text[after..]
                            .char_indices()
                            .nth(1)
                            .map(|(at, _)| after + at);
                        sentence_start = match second {
                            Some(second) if inside && !text[after..second].contains(' ') => second,
                            _ => after,
                        };
                    }
                }
            }
        }
    }
}
