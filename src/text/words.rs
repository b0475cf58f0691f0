//! Dictionary-based word boundaries for every script (ICU4X): UAX#29 for
//! spaced scripts, dictionaries for Chinese, Japanese, Thai, Lao, Khmer and
//! Burmese -- the same segmentation as ICU4C's break iterator, which CAT
//! tools count words with. (ICU4X's LSTM models for the Southeast Asian
//! scripts ran at ~0.2-0.4 MiB/s here, 30x slower than the dictionaries,
//! and made Thai summaries and packages 100x slower than English ones.)
//! Shared by tokenisation, word counts and the splitters that need words.

use std::sync::LazyLock;

use icu_segmenter::options::WordBreakInvariantOptions;
use icu_segmenter::{WordSegmenter, WordSegmenterBorrowed};
use unicode_segmentation::UnicodeSegmentation;

use crate::text::word_walk;

static SEGMENTER: LazyLock<WordSegmenterBorrowed<'static>> =
    LazyLock::new(|| WordSegmenter::new_dictionary(WordBreakInvariantOptions::default()));

/// A word-like segment (letters, ideographs or numbers): byte offsets into
/// the text it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    pub start: usize,
    pub end: usize,
    pub is_number: bool,
}

/// The word-like segments of `text`, in order (spaces and punctuation are
/// skipped): ICU4X's, in one walk over its data for Chinese, Japanese,
/// Thai, Lao, Khmer and Burmese (`text::word_walk`).
pub fn words(text: &str) -> Vec<Word> {
    word_walk::words(text)
}

/// `words(text).len()`, without the vector where the walk can.
pub fn count(text: &str) -> usize {
    word_walk::count(text)
}

/// [`words`] as ICU4X's word iterator gives them.
pub fn icu_words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut breaks = SEGMENTER.segment_str(text);
    let mut previous = 0usize;
    while let Some(boundary) = breaks.next() {
        if boundary > previous {
            let word_type = breaks.word_type();
            if word_type.is_word_like() {
                out.push(Word {
                    start: previous,
                    end: boundary,
                    is_number: word_type == icu_segmenter::options::WordType::Number,
                });
            }
        }
        previous = boundary;
    }
    out
}

/// The words of `all`, the [`words`] of the whole of `text`, that lie in
/// `text[start..end]`, where they are the words [`words`] gives for that
/// slice alone; `None` where that is not certain. Offsets stay those of
/// `text`. The slice must be cut as the splitter cuts a sentence: whitespace
/// (or an end of `text`) on either side of it and none at its own ends, so
/// no segment crosses an edge and no run of Thai, Lao, Khmer or Burmese
/// letters (which the dictionary segments as a whole) is cut. And it must
/// not begin or end with a character that UAX#29 attaches to the one
/// before it (a combining mark or a format character outside those runs:
/// `va\u{300}`, `a\u{ad}`): ICU4X calls such a word word-like at the end of
/// a text but not before a space, so the slice alone would count it and
/// the whole text would not.
///
/// So a Thai or Lao sentence gets its words from the words of its text,
/// and the text is segmented once.
pub fn within<'w>(all: &'w [Word], text: &str, start: usize, end: usize) -> Option<&'w [Word]> {
    let slice = &text[start..end];
    let (Some(first), Some(last)) = (slice.chars().next(), slice.chars().next_back()) else {
        return Some(&[]);
    };
    let opens = text[..start]
        .chars()
        .next_back()
        .is_none_or(char::is_whitespace);
    let closes = text[end..].chars().next().is_none_or(char::is_whitespace);
    let trimmed = !first.is_whitespace() && !last.is_whitespace();
    let attached = [first, last]
        .into_iter()
        .any(|c| !is_run(c) && attaches_to_previous(c));
    if !(opens && closes && trimmed) || attached {
        return None;
    }
    let first = all.partition_point(|w| w.end <= start);
    let last = all.partition_point(|w| w.start < end);
    Some(&all[first..last])
}

/// Whether `c` is of a script whose runs ICU4X hands to a dictionary
/// (Thai, Lao, Burmese, Khmer: their Unicode blocks, a superset of the
/// characters it hands over), which segments their marks itself.
fn is_run(c: char) -> bool {
    matches!(c as u32, 0x0E00..=0x0EFF | 0x1000..=0x109F | 0x1780..=0x17FF | 0x19E0..=0x19FF | 0xA9E0..=0xA9FF | 0xAA60..=0xAA7F)
}

/// Whether UAX#29 attaches `c` to the character before it (Extend, Format
/// and ZWJ, rule WB4): after a space, it stays in the space's segment.
fn attaches_to_previous(c: char) -> bool {
    if c.is_whitespace() || c.is_ascii() {
        return false;
    }
    let mut buffer = [b' '; 5];
    let len = 1 + c.encode_utf8(&mut buffer[1..]).len();
    let pair = std::str::from_utf8(&buffer[..len]).expect("a space and a char");
    pair.split_word_bounds().nth(1).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Thai news with numbers, a URL, an email address and a Latin word
    /// (written for the test suite), and a Lao, a Khmer and an English
    /// sentence.
    const NEWS: &str = concat!(
        include_str!("../../tests/data/translation/th.txt"),
        " ລັດຖະບານລາວປະກາດແຜນໃໝ່ ເພື່ອພັດທະນາເສດຖະກິດ 3.5% ",
        "រាជធានីភ្នំពេញមានភ្លៀងធ្លាក់ខ្លាំង។ Trade grew 3.5% in 2025."
    );

    /// Decomposed Vietnamese, a soft hyphen, a variation selector, a keycap,
    /// a ZWJ, marks after one and two spaces, after digits and after Thai
    /// letters.
    const ATTACHED: &str = " Ba\u{301}o chi\u{301} đưa tin va\u{300} ca\u{301}c 12\u{301} \
        a\u{ad} b a\u{fe0f} 1\u{20e3} x\u{200d} y ab \u{301}c e  \u{301}f ไทย\u{301} d.";

    /// `words` of a slice, with the offsets of the text it was cut from.
    fn words_of_slice(text: &str, start: usize, end: usize) -> Vec<Word> {
        words(&text[start..end])
            .into_iter()
            .map(|w| Word {
                start: w.start + start,
                end: w.end + start,
                ..w
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Wherever `within` answers, it answers what segmenting the slice
        /// alone gives: scoring's words are the splitter's. Half the edges
        /// are spaces (where a sentence ends), half any character boundary.
        #[test]
        fn within_is_the_words_of_the_slice_alone(a in 0..4000usize, b in 0..4000usize) {
            let text = [NEWS, ATTACHED].concat();
            let spaces: Vec<usize> = text.match_indices(' ').map(|(i, _)| i).collect();
            let floor = |i: usize| {
                if i.is_multiple_of(2) {
                    return spaces[i / 2 % spaces.len()];
                }
                let i = i / 2 % (text.len() + 1);
                (0..=i).rev().find(|&i| text.is_char_boundary(i)).unwrap()
            };
            let (start, end) = (floor(a).min(floor(b)), floor(a).max(floor(b)));
            let all = words(&text);
            if let Some(inside) = within(&all, &text, start, end) {
                prop_assert_eq!(inside, &words_of_slice(&text, start, end)[..]);
            }
        }
    }

    /// The sentences of two Thai articles, the benchmark's cut by the space
    /// model, all answer, with the words of the sentence alone.
    #[test]
    fn within_answers_for_every_sentence_of_thai_news() {
        let article = include_str!("../../benches/data/th_article.txt");
        for text in [NEWS, article] {
            let segmentation = crate::text::segment(text, None, Some("th"), &Default::default());
            assert_eq!(segmentation.words, words(text));
            for sentence in &segmentation.sentences {
                let (start, end) = (sentence.start, sentence.end);
                let inside = within(&segmentation.words, text, start, end);
                assert_eq!(
                    inside.unwrap_or_else(|| panic!("{}", sentence.text(text))),
                    &words_of_slice(text, start, end)[..]
                );
            }
        }
        let by_space_model = crate::text::segment(article, None, Some("th"), &Default::default())
            .sentences
            .iter()
            .filter(|s| s.boundary_rule == crate::text::BoundaryRule::SpaceModel)
            .count();
        assert!(by_space_model >= 5, "{by_space_model}");
    }

    #[test]
    fn within_refuses_cuts_inside_words_and_runs() {
        let text = "ประเทศไทยมีประชากรมาก 3.5";
        let all = words(text);
        // Inside the dictionary run: the run would be segmented otherwise.
        let inside_run = text.find("มี").unwrap();
        assert_eq!(within(&all, text, 0, inside_run), None);
        assert_eq!(within(&all, text, inside_run, text.len()), None);
        // Inside the number "3.5".
        let dot = text.find('.').unwrap();
        assert_eq!(within(&all, text, 0, dot), None);
        // At the space: the run's words, then the number.
        let space = text.find(' ').unwrap();
        assert_eq!(within(&all, text, 0, space).unwrap(), &all[..all.len() - 1]);
        assert_eq!(
            within(&all, text, space + 1, text.len()).unwrap(),
            &all[all.len() - 1..]
        );
        assert_eq!(within(&all, text, space, space).unwrap(), &[] as &[Word]);
        // Not trimmed: the space is the splitter's, not the sentence's.
        assert_eq!(within(&all, text, space, text.len()), None);
        // Beside a mark that ICU4X's word types see differently before a
        // space and at the end of a text.
        let text = "tin va\u{300} x";
        let all = words(text);
        let space = text.rfind(' ').unwrap();
        assert_eq!(within(&all, text, 0, space), None);
        assert_eq!(within(&all, text, 0, text.len()).unwrap(), &all[..]);
    }

    fn texts(text: &str) -> Vec<&str> {
        words(text).iter().map(|w| &text[w.start..w.end]).collect()
    }

    #[test]
    fn segments_unspaced_scripts_into_words() {
        assert_eq!(
            texts("自然语言处理服务"),
            vec!["自然", "语言", "处理", "服务"]
        );
        assert!(texts("ประเทศไทยมีประชากรมาก").len() >= 3);
        assert_eq!(
            texts("Trade grew 3.5% in 2025."),
            vec!["Trade", "grew", "3.5", "in", "2025"]
        );
    }
}
