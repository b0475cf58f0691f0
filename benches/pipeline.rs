//! Criterion benchmarks of the core stages on the seed article and on a
//! ~50 KB article made of repeated paragraphs.
//!
//! Run: `cargo bench --bench pipeline`

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use precis::engine::{Engine, Request};
use precis::text::{SegmentOptions, segment};

const SEED: &str = include_str!("../examples/seed_article.txt");

fn bench_pipeline(c: &mut Criterion) {
    let large: String = SEED.repeat(20);
    let engine = Engine::default();
    let mut group = c.benchmark_group("pipeline");
    for (name, text) in [("seed_2kb", SEED), ("seed_x20_47kb", large.as_str())] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(format!("segment/{name}"), |b| {
            b.iter(|| {
                segment(
                    black_box(text),
                    None,
                    Some("en"),
                    &SegmentOptions::default(),
                )
            })
        });
        let request = Request {
            text: text.to_string(),
            language: Some("en".into()),
            ..Request::default()
        };
        group.bench_function(format!("process/{name}"), |b| {
            b.iter(|| {
                let validated = engine.validate(black_box(&request)).unwrap();
                engine.process(&validated).unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_pipeline);
criterion_main!(benches);
