//! The seed article (scraped news) end to end through the library.

use precis::engine::{Engine, Request};
use precis::text::SentenceKind;

use crate::support::SEED_ARTICLE;

fn process(text: &str) -> (Request, precis::engine::Processed) {
    let request = Request {
        text: text.to_string(),
        ..Request::default()
    };
    let engine = Engine::default();
    let processed = {
        let validated = engine.validate(&request).unwrap();
        engine.process(&validated).unwrap()
    };
    (request, processed)
}

#[test]
fn seed_broken_sentences_come_out_whole() {
    let (request, processed) = process(SEED_ARTICLE);
    let texts: Vec<&str> = processed
        .segmentation
        .sentences
        .iter()
        .map(|s| s.text(&request.text))
        .collect();
    let strategic = texts
        .iter()
        .find(|t| t.starts_with("Kao said cooperation continues"))
        .expect("sentence present");
    assert!(strategic.contains("Strategic\n\nPartnership, supported by"));
    assert!(strategic.ends_with("in the coming years."));
    let consistent = texts
        .iter()
        .find(|t| t.starts_with("On political and security issues"))
        .expect("sentence present");
    assert!(consistent.contains("consistent\n\napproach toward China"));
    assert!(consistent.ends_with("regional stability."));
    assert!(
        !texts
            .iter()
            .any(|t| t.starts_with("Partnership, supported"))
    );
    assert!(!texts.iter().any(|t| t.starts_with("approach toward China")));
}

#[test]
fn seed_headline_is_title_and_metadata_is_never_summarized() {
    let (request, processed) = process(SEED_ARTICLE);
    let segmentation = &processed.segmentation;
    assert_eq!(
        segmentation.title,
        "ASEAN–China Partnership Deepens Cooperation Across Trade, Energy, Technology"
    );
    assert_eq!(segmentation.sentences[0].kind, SentenceKind::Headline);
    let metadata: Vec<&str> = segmentation
        .sentences
        .iter()
        .filter(|s| s.kind == SentenceKind::Metadata)
        .map(|s| s.text(&request.text))
        .collect();
    assert_eq!(
        metadata,
        vec![
            "Published on January 14, 2026",
            "Document Date: Wed, Jan 14 2026 08:44:22 pm",
            "Category: ,English,International - ,Snippets",
            "Show on website : [Click Here](#)",
            "rki.news",
        ]
    );
    // Whatever the budget, metadata and the headline are never selected.
    let engine = Engine::default();
    for ratio in [0.2, 0.5, 1.0] {
        let mut request = request.clone();
        request.budget.ratio = Some(ratio);
        let validated = engine.validate(&request).unwrap();
        let (segmentation, summary) = engine.summarize(&validated).unwrap();
        for &i in &summary.selected {
            assert_eq!(
                segmentation.sentences[i].kind,
                SentenceKind::Body,
                "ratio {ratio}"
            );
        }
    }
}

#[test]
fn output_is_deterministic() {
    let (_, first) = process(SEED_ARTICLE);
    let (_, second) = process(SEED_ARTICLE);
    assert_eq!(first, second);
}

#[test]
fn segment_ids_survive_edits_elsewhere() {
    let (_, original) = process(SEED_ARTICLE);
    let edited_text = SEED_ARTICLE.replace(
        "Energy cooperation has emerged as a top priority for ASEAN",
        "Energy cooperation has become the top priority for ASEAN",
    );
    let (_, edited) = process(&edited_text);
    let ids = |p: &precis::engine::Processed| -> Vec<String> {
        p.package.segments.iter().map(|s| s.id.clone()).collect()
    };
    let (before, after) = (ids(&original), ids(&edited));
    assert_eq!(before.len(), after.len());
    let changed = before.iter().zip(&after).filter(|(a, b)| a != b).count();
    assert_eq!(changed, 1, "only the edited sentence gets a new id");
}

#[test]
fn word_and_char_budgets_are_never_exceeded() {
    let (request, _) = process(SEED_ARTICLE);
    let engine = Engine::default();
    for budget in [30i64, 60, 100] {
        let mut words = request.clone();
        words.budget.max_words = Some(budget);
        let validated = engine.validate(&words).unwrap();
        let (segmentation, summary) = engine.summarize(&validated).unwrap();
        let used: usize = summary
            .selected
            .iter()
            .map(|&i| {
                precis::text::tokenize::word_count(
                    segmentation.sentences[i].text(&words.text),
                    "en",
                )
            })
            .sum();
        assert!(used as i64 <= budget, "{used} > {budget}");
        assert!(
            !summary.selected.is_empty(),
            "something fits in {budget} words"
        );

        let mut chars = request.clone();
        chars.budget.max_chars = Some(budget * 6);
        let validated = engine.validate(&chars).unwrap();
        let (segmentation, summary) = engine.summarize(&validated).unwrap();
        let used: usize = summary
            .selected
            .iter()
            .map(|&i| segmentation.sentences[i].text(&chars.text).chars().count())
            .sum();
        assert!(used as i64 <= budget * 6);
    }
}

#[test]
fn chinese_thai_vietnamese_articles_are_summarized() {
    let articles = [
        (
            "zh",
            "东盟与中国的合作不断深化。双方签署了自由贸易区升级议定书。数字经济成为新的合作重点。能源合作也在快速发展。专家认为，东盟与中国的合作前景广阔。",
        ),
        (
            "vi",
            "ASEAN và Trung Quốc tiếp tục tăng cường hợp tác. Hai bên đã ký nghị định thư nâng cấp khu vực thương mại tự do. Kinh tế số trở thành trọng tâm hợp tác mới. Hợp tác năng lượng cũng phát triển nhanh chóng.",
        ),
    ];
    let engine = Engine::default();
    for (lang, text) in articles {
        let request = Request {
            text: text.to_string(),
            budget: precis::engine::BudgetFields {
                max_sentences: Some(2),
                ..Default::default()
            },
            ..Request::default()
        };
        let validated = engine.validate(&request).unwrap();
        let (segmentation, summary) = engine.summarize(&validated).unwrap();
        assert_eq!(segmentation.language, lang);
        assert!(segmentation.sentences.len() >= 4, "{lang}");
        assert_eq!(summary.selected.len(), 2, "{lang}");
        assert!(summary.scores.iter().all(|s| s.score.is_finite()));
    }
}
