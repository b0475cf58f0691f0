//! Invariants over arbitrary Unicode input.

use precis::engine::{Engine, Request};
use precis::text::{SegmentOptions, segment};
use proptest::prelude::*;

fn article_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Mr. ".to_string()),
        Just("U.S. ".to_string()),
        Just("3.5% ".to_string()),
        Just("... ".to_string()),
        Just("。".to_string()),
        Just("”".to_string()),
        Just("\n\n".to_string()),
        Just("\n".to_string()),
        Just(". ".to_string()),
        Just("? ".to_string()),
        Just("\"".to_string()),
        Just("(".to_string()),
        Just("ประเทศไทย ".to_string()),
        Just("https://x.org/a. ".to_string()),
        "[a-zA-Z]{1,8} ",
        "\\PC{0,6}",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|parts| parts.concat())
}

fn check_spans(text: &str, one_per_line: bool) {
    let options = SegmentOptions {
        one_sentence_per_line: one_per_line,
        ..SegmentOptions::default()
    };
    let segmentation = segment(text, None, None, &options);
    let mut cursor = 0usize;
    let mut rebuilt = String::new();
    for s in &segmentation.sentences {
        assert!(s.start >= cursor && s.end > s.start, "ordered, non-empty");
        assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        let gap = &text[cursor..s.start];
        assert!(gap.trim().is_empty(), "gaps are whitespace: {gap:?}");
        rebuilt.push_str(gap);
        rebuilt.push_str(s.text(text));
        assert_eq!(s.char_start, text[..s.start].chars().count());
        assert_eq!(s.utf16_end, text[..s.end].encode_utf16().count());
        cursor = s.end;
    }
    rebuilt.push_str(&text[cursor..]);
    assert!(text[cursor..].trim().is_empty());
    assert_eq!(rebuilt, text);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn sentences_and_gaps_rebuild_any_input(text in "\\PC{0,200}") {
        check_spans(&text, false);
        check_spans(&text, true);
    }

    #[test]
    fn sentences_and_gaps_rebuild_article_like_input(text in article_like()) {
        check_spans(&text, false);
    }

    #[test]
    fn summary_is_a_subset_in_order_within_budget(text in article_like(), n in 1i64..5) {
        prop_assume!(!text.trim().is_empty());
        let request = Request {
            text,
            budget: precis::engine::BudgetFields { max_sentences: Some(n), ..Default::default() },
            ..Request::default()
        };
        let engine = Engine::default();
        let validated = engine.validate(&request).unwrap();
        let processed = engine.process(&validated).unwrap();
        let selected = &processed.summary.selected;
        prop_assert!(selected.len() as i64 <= n);
        prop_assert!(selected.windows(2).all(|w| w[0] < w[1]));
        let package = &processed.package;
        let rebuilt: String = std::iter::once(package.leading.clone())
            .chain(package.segments.iter().map(|s| format!("{}{}", s.text, s.gap_after)))
            .collect();
        prop_assert_eq!(rebuilt, request.text.clone());
        let again = engine.process(&validated).unwrap();
        prop_assert_eq!(&again, &processed);
    }
}
