//! Splitter throughput: Precis's splitter (`text::segment::split`) against
//! unicode-segmentation's UAX#29 `split_sentence_bounds` and ICU4X's UAX#29
//! `SentenceSegmenter` (compiled data, invariant locale), on the same ~1 MB
//! English, Chinese and Thai texts, reported in bytes/s by criterion; plus
//! the linear-time inputs of issue 3: text without punctuation and text of
//! full stops, at 1 MB and 10 MB (linear time = the same MB/s at both sizes).
//!
//! Run: `cargo bench --bench segment` (a few minutes; `-- english` for one
//! group). The texts are built from short paragraphs written for this
//! benchmark (and the seed article), repeated to size.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use icu_segmenter::SentenceSegmenter;
use icu_segmenter::options::SentenceBreakInvariantOptions;
use precis::text::SegmentOptions;
use precis::text::language::LanguageData;
use precis::text::segment::split;
use unicode_segmentation::UnicodeSegmentation;

const SEED: &str = include_str!("../examples/seed_article.txt");

const CHINESE: &str = "东盟与中国的合作不断加深，双方在贸易、能源和数字经济领域签署了多项协议。\
分析人士认为，2026年的区域经济增长将达到4.5%左右。“我们会继续推动互联互通。”部长在记者会上说。\
他还表示，新的港口项目将于明年完工！这对当地居民意味着什么？更多的就业机会和更便宜的商品。\n\n";

const THAI: &str = "ประเทศไทยและอาเซียนร่วมมือกันพัฒนาเศรษฐกิจดิจิทัลอย่างต่อเนื่อง \
นายกรัฐมนตรีกล่าวว่ารัฐบาลจะลงทุนในโครงสร้างพื้นฐานเพิ่มขึ้นในปี 2026 \
นักวิเคราะห์คาดว่าการส่งออกจะเติบโตประมาณร้อยละ 4 และการท่องเที่ยวจะฟื้นตัว \
อย่างไรก็ตาม ผู้ประกอบการรายย่อยยังคงเผชิญกับต้นทุนที่สูงขึ้น\n\n";

const MB: usize = 1 << 20;

fn sized(piece: &str, bytes: usize) -> String {
    let mut text = String::with_capacity(bytes + piece.len());
    while text.len() < bytes {
        text.push_str(piece);
    }
    text
}

fn precis_split(text: &str, language: &str) -> usize {
    split(
        text,
        LanguageData::for_language(language),
        &SegmentOptions::default(),
    )
    .len()
}

fn bench_against_uax29(c: &mut Criterion) {
    for (name, language, piece) in [
        ("english", "en", SEED),
        ("chinese", "zh", CHINESE),
        ("thai", "th", THAI),
    ] {
        let text = sized(piece, MB);
        let mut group = c.benchmark_group(name);
        group.sample_size(10);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function("precis", |b| {
            b.iter(|| precis_split(black_box(&text), language))
        });
        group.bench_function("unicode_segmentation", |b| {
            b.iter(|| black_box(&text).split_sentence_bounds().count())
        });
        let icu4x = SentenceSegmenter::new(SentenceBreakInvariantOptions::default());
        group.bench_function("icu4x", |b| {
            b.iter(|| icu4x.segment_str(black_box(&text)).count())
        });
        group.finish();
    }
}

fn bench_linear_time(c: &mut Criterion) {
    let mut group = c.benchmark_group("linear");
    group.sample_size(10);
    for (name, piece) in [
        // Prose without any punctuation or line break: one 10 MB sentence.
        ("no_punctuation", "the talks went on and on without an end "),
        // A full stop every few bytes, none of them a boundary ("a. b. c.").
        ("full_stops", "a. "),
        // Lines without final punctuation: every line break is a decision.
        ("unpunctuated_lines", "the talks went on without an end\n"),
    ] {
        for (size_name, size) in [("1mb", MB), ("10mb", 10 * MB)] {
            let text = sized(piece, size);
            group.throughput(Throughput::Bytes(text.len() as u64));
            group.bench_function(format!("{name}/{size_name}"), |b| {
                b.iter(|| precis_split(black_box(&text), "en"))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_against_uax29, bench_linear_time);
criterion_main!(benches);
