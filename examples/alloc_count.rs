//! Per-request heap allocations of the whole pipeline (validate + process,
//! as the server runs it), counted with dhat's global allocator; then of the
//! whole server call, with the answer's conversion to its messages and its
//! encoding (`"with_answer"`).
//!
//! ```sh
//! cargo run --release --example alloc_count [ARTICLE.txt] [REQUESTS]
//! ```

use precis::api::{codec, convert};
use precis::engine::{Engine, Request};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "examples/seed_article.txt".to_string());
    let requests: u64 = args.next().and_then(|n| n.parse().ok()).unwrap_or(200);
    let text = std::fs::read_to_string(&path).expect("readable article");
    let engine = Engine::default();
    let request = Request {
        text,
        ..Request::default()
    };
    // Warm up lazily built tables (language data, regexes, segmenters).
    let validated = engine.validate(&request).unwrap();
    engine.process(&validated).unwrap();

    let _profiler = dhat::Profiler::builder().testing().build();
    // Allocations and bytes per call of `requests` calls: the engine's
    // alone, or with the answer converted and encoded as the server does.
    let per_call = |with_answer: bool| {
        let before = dhat::HeapStats::get();
        for _ in 0..requests {
            let validated = engine.validate(&request).unwrap();
            let processed = engine.process(&validated).unwrap();
            if with_answer {
                let response = convert::process_response(
                    &request.text,
                    processed,
                    &validated.package.target_langs,
                );
                let mut buf = Vec::new();
                codec::encode(response, &mut buf);
                std::hint::black_box(buf);
            } else {
                std::hint::black_box(processed);
            }
        }
        let after = dhat::HeapStats::get();
        (
            (after.total_blocks - before.total_blocks) / requests,
            (after.total_bytes - before.total_bytes) / requests,
            after.max_bytes,
        )
    };
    let (blocks, bytes, peak) = per_call(false);
    let (answer_blocks, answer_bytes, _) = per_call(true);
    println!(
        "{{\"article\": {path:?}, \"article_bytes\": {}, \"requests\": {requests}, \"allocations_per_request\": {blocks}, \"bytes_allocated_per_request\": {bytes}, \"with_answer\": {{\"allocations_per_request\": {answer_blocks}, \"bytes_allocated_per_request\": {answer_bytes}}}, \"peak_heap_bytes\": {}}}",
        request.text.len(),
        peak
    );
}
