//! Criterion benchmarks of each core stage (segment, score, summarize,
//! prepare, XLIFF render) on articles of ~1 KB, ~5 KB, ~50 KB and 1 MB in English, Chinese
//! and Thai. Throughput is reported in bytes, so MB/s is comparable across
//! sizes: linear cost shows as flat MB/s.
//!
//! Run: `cargo bench --bench stages` (add a filter such as `segment/en`).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use precis::engine::{Engine, Limits, Request};
use precis::summarize::{self, Budget, Weights};
use precis::text::{SegmentOptions, segment};
use precis::translate::package::{self, PackageOptions};
use precis::translate::xliff;

const EN: &str = include_str!("../examples/seed_article.txt");
const ZH: &str = include_str!("data/zh_article.txt");
const TH: &str = include_str!("data/th_article.txt");

/// `base` repeated (paragraph-separated) to about `size` bytes, cut at a
/// char boundary.
fn sized(base: &str, size: usize) -> String {
    let mut text = String::with_capacity(size + base.len());
    while text.len() < size {
        text.push_str(base);
        text.push_str("\n\n");
    }
    let mut cut = size.min(text.len());
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text.truncate(cut);
    text
}

fn bench_stages(c: &mut Criterion) {
    let sizes = [
        ("1KB", 1_000),
        ("5KB", 5_000),
        ("50KB", 50_000),
        ("1MB", 1_000_000),
    ];
    let weights = Weights::default();
    for (lang, base) in [("en", EN), ("zh", ZH), ("th", TH)] {
        let mut group = c.benchmark_group(format!("stages/{lang}"));
        group.sample_size(10);
        for (label, size) in sizes {
            let text = sized(base, size);
            group.throughput(Throughput::Bytes(text.len() as u64));
            let options = SegmentOptions::default();
            group.bench_with_input(BenchmarkId::new("segment", label), &text, |b, text| {
                b.iter(|| segment(black_box(text), None, Some(lang), &options))
            });
            let segmentation = segment(&text, None, Some(lang), &options);
            group.bench_with_input(BenchmarkId::new("score", label), &text, |b, text| {
                b.iter(|| summarize::score::score(black_box(text), &segmentation, &weights, None))
            });
            group.bench_with_input(BenchmarkId::new("summarize", label), &text, |b, text| {
                b.iter(|| {
                    summarize::summarize(
                        black_box(text),
                        &segmentation,
                        Budget::Sentences(3),
                        &weights,
                    )
                })
            });
            let summary =
                summarize::summarize(&text, &segmentation, Budget::Sentences(3), &weights);
            let package_options = PackageOptions::default();
            group.bench_with_input(BenchmarkId::new("prepare", label), &text, |b, text| {
                b.iter(|| {
                    package::build(black_box(text), &segmentation, &summary, &package_options)
                })
            });
            let prepared = package::build(&text, &segmentation, &summary, &package_options);
            let info = xliff::DocumentInfo {
                document_id: "doc",
                source_lang: lang,
                title: &segmentation.title,
            };
            group.bench_with_input(
                BenchmarkId::new("xliff", label),
                &prepared,
                |b, prepared| b.iter(|| xliff::export(black_box(prepared), &info, Some("fr"))),
            );
            // The 1 MB Chinese text has more sentences than the default
            // limit (10,000): the bench measures cost, not admission.
            let engine = Engine::new(Limits {
                max_sentences: usize::MAX,
                ..Limits::default()
            });
            let request = Request {
                text: text.clone(),
                language: Some(lang.to_string()),
                ..Request::default()
            };
            group.bench_with_input(
                BenchmarkId::new("process", label),
                &request,
                |b, request| {
                    b.iter(|| {
                        let validated = engine.validate(black_box(request)).unwrap();
                        engine.process(&validated).unwrap()
                    })
                },
            );
        }
        group.finish();
    }
}

criterion_group!(benches, bench_stages);
criterion_main!(benches);
