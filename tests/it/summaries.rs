//! Summaries of small news articles in Chinese, Thai and Vietnamese, written
//! for these tests (no third-party text). Each article has a lead that states
//! the news, details, an off-topic aside and page furniture (a credit or
//! editor line) that must never be chosen.

use precis::engine::{BudgetFields, Engine, Request};
use precis::summarize::idf::IdfBuilder;

struct Outcome {
    language: String,
    selected: Vec<usize>,
    texts: Vec<String>,
    summary_words: usize,
}

fn summarize(text: &str, language: &str, budget: BudgetFields, engine: &Engine) -> Outcome {
    let mut request = Request {
        text: text.to_string(),
        language: Some(language.to_string()),
        budget,
        ..Request::default()
    };
    request.segmentation.one_sentence_per_line = language == "th";
    let validated = engine.validate(&request).unwrap();
    let (segmentation, summary) = engine.summarize(&validated).unwrap();
    let texts: Vec<String> = segmentation
        .sentences
        .iter()
        .map(|s| s.text(text).to_string())
        .collect();
    let summary_words = summary
        .selected
        .iter()
        .map(|&i| precis::text::tokenize::word_count(&texts[i], &segmentation.language))
        .sum();
    Outcome {
        language: segmentation.language,
        selected: summary.selected,
        texts,
        summary_words,
    }
}

fn sentences(n: i64) -> BudgetFields {
    BudgetFields {
        max_sentences: Some(n),
        ..BudgetFields::default()
    }
}

fn selected_texts(outcome: &Outcome) -> Vec<&str> {
    outcome
        .selected
        .iter()
        .map(|&i| outcome.texts[i].as_str())
        .collect()
}

const CHINESE: &str = "\
东盟与中国今天在雅加达签署新的数字经济合作协议，双方将共同建设跨境数据中心。\
根据协议，中国企业将在未来五年内投资两百亿美元，用于东盟国家的数据中心和光纤网络。\
东盟秘书长表示，这项合作协议将帮助中小企业进入区域市场。\
雅加达当天天气晴朗，会场外有不少市民拍照留念。\
分析人士认为，数字经济合作协议是东盟与中国关系的新里程碑。\
责任编辑：李明";

// Thai has no sentence punctuation: one sentence per line, segmented with
// `one_sentence_per_line`, so this test checks scoring, not the splitter.
const THAI: &str = "\
รัฐบาลไทยประกาศแผนลงทุนรถไฟความเร็วสูงสายใหม่เชื่อมกรุงเทพกับเชียงใหม่ในวันจันทร์
โครงการรถไฟความเร็วสูงนี้มีมูลค่าสี่แสนล้านบาทและจะเริ่มก่อสร้างในปีหน้า
กระทรวงคมนาคมระบุว่ารถไฟความเร็วสูงจะลดเวลาเดินทางจากกรุงเทพไปเชียงใหม่เหลือสามชั่วโมง
ในวันเดียวกันมีฝนตกหนักในหลายจังหวัดทางภาคใต้
ภาพ: กระทรวงคมนาคม";

const VIETNAMESE: &str = "\
Ảnh: Bộ Giao thông Vận tải. \
Chính phủ Việt Nam hôm nay phê duyệt dự án đường sắt tốc độ cao Bắc Nam với tổng vốn đầu tư hơn 67 tỷ USD. \
Theo kế hoạch, tuyến đường sắt tốc độ cao dài 1.541 km sẽ khởi công vào năm 2027 và hoàn thành năm 2035. \
Bộ Giao thông Vận tải cho biết tàu sẽ chạy với tốc độ tối đa 350 km/h, rút ngắn thời gian từ Hà Nội đến TP HCM còn khoảng năm giờ. \
Trong khi đó, giá vàng trong nước tăng nhẹ vào buổi sáng. \
Các chuyên gia cho rằng dự án đường sắt tốc độ cao sẽ thúc đẩy kinh tế các tỉnh miền Trung.";

#[test]
fn chinese_summary_keeps_the_lead_and_skips_the_editor_line() {
    let engine = Engine::default();
    let outcome = summarize(CHINESE, "zh", sentences(2), &engine);
    assert_eq!(outcome.language, "zh");
    assert_eq!(outcome.selected.len(), 2);
    let chosen = selected_texts(&outcome);
    assert!(
        chosen[0].starts_with("东盟与中国今天在雅加达签署"),
        "{chosen:?}"
    );
    assert!(chosen.iter().all(|t| !t.contains("天气晴朗")), "{chosen:?}");
    // Even a summary of every sentence leaves the editor line out.
    let all = summarize(CHINESE, "zh", sentences(10), &engine);
    assert!(selected_texts(&all).iter().all(|t| !t.contains("责任编辑")));
    assert!(
        all.selected.windows(2).all(|w| w[0] < w[1]),
        "document order"
    );
}

#[test]
fn thai_summary_keeps_the_lead_and_skips_the_photo_credit() {
    let engine = Engine::default();
    let outcome = summarize(THAI, "th", sentences(2), &engine);
    let chosen = selected_texts(&outcome);
    assert_eq!(outcome.texts.len(), 5, "{:?}", outcome.texts);
    assert_eq!(chosen.len(), 2, "{chosen:?}");
    assert!(chosen[0].starts_with("รัฐบาลไทยประกาศแผน"), "{chosen:?}");
    assert!(chosen.iter().all(|t| !t.contains("ฝนตกหนัก")), "{chosen:?}");
    let all = summarize(THAI, "th", sentences(10), &engine);
    assert!(selected_texts(&all).iter().all(|t| !t.starts_with("ภาพ:")));
}

#[test]
fn vietnamese_summary_skips_the_caption_and_the_aside() {
    let engine = Engine::default();
    let outcome = summarize(VIETNAMESE, "vi", sentences(2), &engine);
    let chosen = selected_texts(&outcome);
    assert_eq!(chosen.len(), 2, "{chosen:?}");
    assert!(
        chosen[0].starts_with("Chính phủ Việt Nam hôm nay phê duyệt"),
        "{chosen:?}"
    );
    assert!(chosen.iter().all(|t| !t.starts_with("Ảnh:")), "{chosen:?}");
    assert!(chosen.iter().all(|t| !t.contains("giá vàng")), "{chosen:?}");
}

#[test]
fn word_and_character_budgets_are_never_exceeded() {
    let engine = Engine::default();
    for (text, language) in [(CHINESE, "zh"), (THAI, "th"), (VIETNAMESE, "vi")] {
        for limit in [5, 20, 40, 80] {
            let words = summarize(
                text,
                language,
                BudgetFields {
                    max_words: Some(limit),
                    ..BudgetFields::default()
                },
                &engine,
            );
            assert!(words.summary_words <= limit as usize, "{language} {limit}");
            let chars = summarize(
                text,
                language,
                BudgetFields {
                    max_chars: Some(limit * 3),
                    ..BudgetFields::default()
                },
                &engine,
            );
            let used: usize = selected_texts(&chars)
                .iter()
                .map(|t| t.chars().count())
                .sum();
            assert!(used <= limit as usize * 3, "{language} {limit}");
        }
    }
}

#[test]
fn a_background_idf_model_changes_scores_but_not_the_lead() {
    // A corpus in which "high-speed railway" is everywhere: with the model
    // those terms count less, so the centroid similarity changes.
    let mut builder = IdfBuilder::new();
    for i in 0..20 {
        builder.add_document(
            &format!("Dự án đường sắt tốc độ cao số {i} được Bộ Giao thông Vận tải phê duyệt."),
            Some("vi"),
        );
    }
    let model = std::sync::Arc::new(builder.finish(1, usize::MAX));
    let plain = Engine::default();
    let with_idf = Engine::default().with_idf(Some(model));
    let request = Request {
        text: VIETNAMESE.to_string(),
        language: Some("vi".into()),
        ..Request::default()
    };
    let (_, a) = plain.summarize(&plain.validate(&request).unwrap()).unwrap();
    let (_, b) = with_idf
        .summarize(&with_idf.validate(&request).unwrap())
        .unwrap();
    let differs = a
        .scores
        .iter()
        .zip(&b.scores)
        .any(|(x, y)| (x.components.tfidf - y.components.tfidf).abs() > 1e-6);
    assert!(
        differs,
        "the background model must change the TF-IDF component"
    );
    assert!(b.selected.contains(&1), "{:?}", b.selected);
}

#[test]
fn idf_build_writes_a_model_that_summarize_loads() {
    use std::io::Write;
    use std::process::{Command, Stdio};

    let dir = std::env::temp_dir().join(format!("precis-idf-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let corpus = dir.join("corpus.jsonl");
    let lines: Vec<String> = [VIETNAMESE, CHINESE]
        .iter()
        .zip(["vi", "zh"])
        .map(|(text, lang)| serde_json::json!({"text": text, "lang": lang}).to_string())
        .collect();
    std::fs::write(&corpus, lines.join("\n") + "\n").unwrap();
    let model = dir.join("news.idf");
    let status = Command::new(env!("CARGO_BIN_EXE_precis"))
        .args(["idf", "build", "--min-df", "1", "-o"])
        .arg(&model)
        .arg(&corpus)
        .status()
        .unwrap();
    assert!(status.success());
    let written = std::fs::read_to_string(&model).unwrap();
    assert!(written.starts_with("precis-idf 1\n"));
    assert!(written.contains("\n@lang vi 1\n") && written.contains("\n@lang zh 1\n"));

    let mut child = Command::new(env!("CARGO_BIN_EXE_precis"))
        .args(["summarize", "--jsonl", "--idf"])
        .arg(&model)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let input =
        serde_json::json!({"id": "a", "text": VIETNAMESE, "lang": "vi", "max_sentences": 1});
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{input}\n").as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let line: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    // One sentence is chosen by centrality: one about the railway project,
    // never the photo caption or the gold-price aside.
    let selected = line["selected"].as_array().unwrap();
    assert_eq!(selected.len(), 1, "{line}");
    let index = selected[0].as_u64().unwrap() as usize;
    assert!([1, 2, 5].contains(&index), "{line}");

    // A file that is not a model is refused at start-up with its line.
    let bad = dir.join("bad.idf");
    std::fs::write(&bad, "not a model\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_precis"))
        .args(["summarize", "--idf"])
        .arg(&bad)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("line 1"));
    std::fs::remove_dir_all(&dir).ok();
}

// A feature-style English article written for this test: the opening is an
// anecdote, not the lead; the news (a flood barrier) is spread over the
// middle; one aside and a photo credit.
const FEATURE: &str = "\
Maria Lopez was hanging laundry on her balcony when she noticed the water had turned brown. \
Her neighbours still remember the smell of mud from that autumn. \
The city council voted on Tuesday to build a flood barrier along the river, after three floods in five years damaged more than two thousand homes. \
The flood barrier will cost 40 million euros and will protect the old town and the river port from floods. \
Engineers said the barrier would be finished in 2028 and could be raised within an hour when the river floods. \
Council members who opposed the barrier said the cost of the flood defences would raise local taxes. \
The mayor said the barrier was the largest investment in flood protection in the history of the city. \
A local bakery is celebrating its fiftieth anniversary this week with free cakes for children. \
Residents of the old town, where most of the flood damage happened, welcomed the vote of the council on the barrier.
Photo: City Council press office";

#[test]
fn a_large_budget_chooses_what_the_article_is_about_not_its_opening() {
    let engine = Engine::default();
    // 60% of the article: the lead prior is faded out and centrality
    // chooses, so the anecdote and the bakery aside stay out.
    let half = summarize(
        FEATURE,
        "en",
        BudgetFields {
            ratio: Some(0.6),
            ..BudgetFields::default()
        },
        &engine,
    );
    assert_eq!(half.texts.len(), 10, "{:?}", half.texts);
    assert_eq!(half.selected.len(), 6, "{:?}", selected_texts(&half));
    for excluded in [0, 1, 7, 9] {
        assert!(
            !half.selected.contains(&excluded),
            "{excluded} in {:?}",
            selected_texts(&half)
        );
    }
    assert!(half.selected.contains(&2) && half.selected.contains(&3));
    // One sentence is the article's point, chosen by centrality without the
    // position prior: a sentence about the barrier, not the opening
    // anecdote, the aside or the credit.
    let one = summarize(FEATURE, "en", sentences(1), &engine);
    assert_eq!(one.selected.len(), 1);
    assert!(
        [2, 3, 4, 5, 6, 8].contains(&one.selected[0]),
        "{:?}",
        selected_texts(&one)
    );
    // Two sentences are "the lead plus a little" again: the position
    // prior decides with TF-IDF, as on an inverted-pyramid article.
    let two = summarize(FEATURE, "en", sentences(2), &engine);
    assert!(two.selected.contains(&0), "{:?}", selected_texts(&two));
}

#[test]
fn components_show_the_lead_prior_fading_into_centrality() {
    let engine = Engine::default();
    let components = |budget: BudgetFields| {
        let request = Request {
            text: FEATURE.to_string(),
            language: Some("en".into()),
            budget,
            ..Request::default()
        };
        let (_, summary) = engine
            .summarize(&engine.validate(&request).unwrap())
            .unwrap();
        summary
            .scores
            .iter()
            .map(|s| s.components)
            .collect::<Vec<_>>()
    };
    let small = components(sentences(2));
    assert_eq!(small[0].position, 1.0);
    assert!(small.iter().all(|c| c.centrality == 0.0));
    let large = components(BudgetFields {
        ratio: Some(0.7),
        ..BudgetFields::default()
    });
    assert!(large.iter().all(|c| c.position == 0.0));
    let most_central = large.iter().map(|c| c.centrality).fold(0.0, f64::max);
    assert_eq!(most_central, 1.0);
    assert_eq!(large[9].centrality, 0.0, "the photo credit is not ranked");
}

#[test]
fn position_only_weights_at_a_large_budget_still_fill_it_in_document_order() {
    // Every weight but position zeroed, and a budget large enough that the
    // position prior fades out: every score is 0, and the summary is the
    // first sentences that are not furniture (ties go to position), never
    // an empty summary.
    let engine = Engine::default();
    let request = Request {
        text: FEATURE.to_string(),
        language: Some("en".into()),
        budget: BudgetFields {
            ratio: Some(0.7),
            ..BudgetFields::default()
        },
        weights: precis::engine::WeightFields {
            tfidf: Some(0.0),
            title: Some(0.0),
            length: Some(0.0),
            centrality: Some(0.0),
            position: Some(1.0),
            redundancy: Some(1.0),
        },
        ..Request::default()
    };
    let (_, summary) = engine
        .summarize(&engine.validate(&request).unwrap())
        .unwrap();
    assert!(summary.scores.iter().all(|s| s.score == 0.0));
    // 70% of the 9 sentences that are not the photo credit.
    assert_eq!(summary.selected, vec![0, 1, 2, 3, 4, 5, 6]);
}
