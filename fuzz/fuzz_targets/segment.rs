//! Fuzz target: the splitter never panics, and its spans are exact slices
//! that, with the whitespace gaps between them, rebuild the input.
//!
//! Run (nightly and cargo-fuzz needed; CI does not run it):
//! `cargo +nightly fuzz run segment` from the repository root.
#![no_main]

use libfuzzer_sys::fuzz_target;
use precis::text::{SegmentOptions, segment};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The first byte picks the language and options, so one corpus covers
    // the Latin, CJK and Thai code paths.
    let languages = ["en", "de", "vi", "id", "zh", "ja", "th", "lo", "hy", "el"];
    let selector = data.first().copied().unwrap_or(0) as usize;
    let options = SegmentOptions {
        one_sentence_per_line: selector & 0x80 != 0,
        extra_abbreviations: if selector & 0x40 != 0 {
            vec!["Grp.".to_string()]
        } else {
            Vec::new()
        },
    };
    let language = languages[selector % languages.len()];
    let segmentation = segment(text, None, Some(language), &options);

    let mut previous_end = 0usize;
    let (mut chars, mut utf16) = (0usize, 0usize);
    for sentence in &segmentation.sentences {
        assert!(sentence.start >= previous_end, "spans overlap or go back");
        assert!(sentence.start < sentence.end, "empty span");
        assert!(text.is_char_boundary(sentence.start) && text.is_char_boundary(sentence.end));
        let gap = &text[previous_end..sentence.start];
        assert!(gap.chars().all(char::is_whitespace), "non-whitespace dropped: {gap:?}");
        let slice = sentence.text(text);
        assert_eq!(slice, slice.trim(), "span not trimmed");
        // Code point and UTF-16 offsets agree with the byte offsets.
        for c in gap.chars() {
            chars += 1;
            utf16 += c.len_utf16();
        }
        assert_eq!((sentence.char_start, sentence.utf16_start), (chars, utf16));
        for c in slice.chars() {
            chars += 1;
            utf16 += c.len_utf16();
        }
        assert_eq!((sentence.char_end, sentence.utf16_end), (chars, utf16));
        previous_end = sentence.end;
    }
    assert!(text[previous_end..].chars().all(char::is_whitespace), "tail dropped");
});
