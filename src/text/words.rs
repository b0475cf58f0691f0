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
/// skipped).
pub fn words(text: &str) -> Vec<Word> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
