//! Criterion benchmarks of summarization (score + select, and the whole
//! request) on a ~5 KB English news article and on a ~100 KB one.
//!
//! Run: `cargo bench --bench summarize`. The articles are written for Precis
//! (see `benches/data/README.md`); the 100 KB one joins numbered variants of
//! the 5 KB one's paragraphs, so every sentence is distinct and the
//! redundancy check does real work.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use precis::engine::{BudgetFields, Engine, Request};
use precis::summarize::{self, Budget, Weights};
use precis::text::{SegmentOptions, segment};

const ARTICLE: &str = include_str!("data/news_5kb_en.txt");

/// ~100 KB: the article's paragraphs, each repeated with a section number so
/// that no two sentences are identical.
fn large_article() -> String {
    let mut out = String::new();
    let mut section = 0;
    while out.len() < 100 * 1024 {
        section += 1;
        for paragraph in ARTICLE.split("\n\n").skip(1) {
            out.push_str(&format!("In section {section}, {paragraph}\n\n"));
        }
    }
    out
}

fn bench_summarize(c: &mut Criterion) {
    let large = large_article();
    let engine = Engine::default();
    let mut group = c.benchmark_group("summarize");
    for (name, text) in [("news_5kb", ARTICLE), ("news_100kb", large.as_str())] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        let segmentation = segment(text, None, Some("en"), &SegmentOptions::default());
        group.bench_function(format!("score_select/{name}"), |b| {
            b.iter(|| {
                summarize::summarize(
                    black_box(text),
                    &segmentation,
                    Budget::Sentences(3),
                    &Weights::default(),
                )
            })
        });
        let request = Request {
            text: text.to_string(),
            language: Some("en".into()),
            budget: BudgetFields {
                ratio: Some(0.2),
                ..BudgetFields::default()
            },
            ..Request::default()
        };
        group.bench_function(format!("request_ratio_0.2/{name}"), |b| {
            b.iter(|| {
                let validated = engine.validate(black_box(&request)).unwrap();
                engine.summarize(&validated).unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_summarize);
criterion_main!(benches);
