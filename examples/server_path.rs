//! The server's work for one Process call without the transport: decode
//! the gRPC request body, validate, process, convert and encode the
//! response, N times. Run it under callgrind to count the instructions of
//! a call (docs/PERFORMANCE.md); `--sizes` prints what the answer is made
//! of instead.
//!
//! `--time N [FLUSH_KB]` times N calls stage by stage. With FLUSH_KB, each
//! call is preceded by writing FLUSH_KB of other memory (not timed), as a
//! loaded server's transport, client and kernel do between two calls on a
//! core: the stages then run with their code and data out of the caches.
//! Inside the loaded server a call costs what it costs here with the core's
//! L2 (2 MB on the development machine) flushed (docs/PERFORMANCE.md,
//! "Nineteenth session").
//!
//! ```sh
//! python3 scripts/grpc_body.py process ARTICLE.txt /tmp/process.bin
//! cargo build --release --example server_path
//! valgrind --tool=callgrind target/release/examples/server_path /tmp/process.bin 201
//! target/release/examples/server_path /tmp/process.bin --sizes
//! taskset -c 0 target/release/examples/server_path /tmp/process.bin --time 10000 4096
//! ```

use std::time::{Duration, Instant};

use precis::api::{codec, convert, pb};
use precis::engine::{Engine, Processed, Request};
use precis::summarize::summarize_with_idf;
use precis::translate::package;
use prost::Message;

/// The allocator of the server binary (src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: server_path BODY [N | --sizes | --time N [FLUSH_KB]]");
    let body = std::fs::read(&path).expect("readable request body");
    // A gRPC message: 1 byte compression flag, 4 bytes length, the message.
    let message = &body[5..];
    let engine = Engine::default();
    let call = || {
        let request = Request::from(pb::ProcessRequest::decode(message).expect("a ProcessRequest"));
        let validated = engine.validate(&request).expect("a valid request");
        let processed = engine.process(&validated).expect("processed");
        convert::process_response(&request.text, processed, &validated.package.target_langs)
    };
    match args.next().as_deref() {
        Some("--sizes") => print_sizes(&call()),
        Some("--time") => {
            let count = args
                .next()
                .map_or(1000, |n| n.parse().expect("a number of calls"));
            let flush_kb = args
                .next()
                .map_or(0, |n| n.parse().expect("kilobytes to flush"));
            time_stages(&engine, message, count, flush_kb);
        }
        count => {
            let count: usize = count.map_or(1, |n| n.parse().expect("a number of calls"));
            let bytes: usize = (0..count)
                .map(|_| {
                    // As the server's codec writes it.
                    let mut buf = Vec::new();
                    codec::encode(call(), &mut buf);
                    buf.len()
                })
                .sum();
            println!("{count} calls, {bytes} response bytes");
        }
    }
}

/// The stages of a call, in the order the server runs them.
const STAGES: [&str; 6] = [
    "decode_validate",
    "segment",
    "summarize",
    "package",
    "convert",
    "encode",
];

/// Times `count` calls stage by stage (the stages of
/// `Engine::process_until`, run one by one) and prints one JSON line with
/// the mean microseconds of each stage and of the whole call. With
/// `flush_kb`, each call is preceded by writing one byte of every cache
/// line of a `flush_kb` KB buffer, which is not timed.
fn time_stages(engine: &Engine, message: &[u8], count: usize, flush_kb: usize) {
    let mut other_memory = vec![0u8; flush_kb * 1024];
    let mut spent = [Duration::ZERO; STAGES.len()];
    let mut response_bytes = 0;
    for call in 0..count {
        write_every_line(&mut other_memory, call as u8);
        let mut clock = Instant::now();
        let mut lap = |stage: usize| {
            let now = Instant::now();
            spent[stage] += now - clock;
            clock = now;
        };
        let request = Request::from(pb::ProcessRequest::decode(message).expect("a ProcessRequest"));
        let validated = engine.validate(&request).expect("a valid request");
        lap(0);
        let segmentation = engine.segment(&validated).expect("segmented");
        lap(1);
        let summary = summarize_with_idf(
            validated.text,
            &segmentation,
            validated.budget,
            &validated.weights,
            engine.idf.as_deref(),
        );
        lap(2);
        let package = package::build(validated.text, &segmentation, &summary, &validated.package);
        lap(3);
        let processed = Processed {
            segmentation,
            summary,
            package,
        };
        if call == 0 {
            let whole = engine.process(&validated).expect("processed");
            assert!(
                whole == processed,
                "the stages one by one differ from Engine::process"
            );
        }
        let response =
            convert::process_response(&request.text, processed, &validated.package.target_langs);
        lap(4);
        let mut buf = Vec::new();
        codec::encode(response, &mut buf);
        lap(5);
        response_bytes = std::hint::black_box(buf).len();
    }
    std::hint::black_box(&other_memory);
    let micros = |d: Duration| d.as_secs_f64() * 1e6 / count as f64;
    let stages: Vec<String> = STAGES
        .iter()
        .zip(spent)
        .map(|(name, d)| format!("\"{name}\": {:.1}", micros(d)))
        .collect();
    println!(
        "{{\"calls\": {count}, \"flush_kb\": {flush_kb}, \"response_bytes\": {response_bytes}, \"total_us\": {:.1}, \"stages_us\": {{{}}}}}",
        micros(spent.iter().sum()),
        stages.join(", ")
    );
}

/// Writes one byte of every 64-byte cache line of `memory`. Not inlined, so
/// that under cachegrind its misses are its own and not the stages'.
#[inline(never)]
fn write_every_line(memory: &mut [u8], value: u8) {
    for line in memory.iter_mut().step_by(64) {
        *line = line.wrapping_add(value);
    }
}

/// Encoded bytes of the response's parts, and text bytes of the segments'
/// renditions.
fn print_sizes(response: &pb::ProcessResponse) {
    let package = response.package.clone().unwrap_or_default();
    let segments = &package.segments;
    let sum =
        |field: fn(&pb::TranslationSegment) -> usize| -> usize { segments.iter().map(field).sum() };
    println!("response: {} bytes", response.encoded_len());
    println!(
        "  sentences: {} (their text {})",
        response
            .sentences
            .iter()
            .map(Message::encoded_len)
            .sum::<usize>(),
        response
            .sentences
            .iter()
            .map(|s| s.text.len())
            .sum::<usize>()
    );
    println!("  summary: {}", response.summary.len());
    println!("  package: {}", package.encoded_len());
    println!(
        "    segments: {} ({} of them)",
        segments.iter().map(Message::encoded_len).sum::<usize>(),
        segments.len()
    );
    for (name, bytes) in [
        ("text", sum(|s| s.text.len())),
        ("protected_text", sum(|s| s.protected_text.len())),
        ("html", sum(|s| s.html.len())),
        ("xliff", sum(|s| s.xliff.len())),
        (
            "ids",
            sum(|s| s.id.len() + s.prev_id.len() + s.next_id.len()),
        ),
        (
            "hashes",
            sum(|s| s.exact_hash.len() + s.normalized_hash.len()),
        ),
    ] {
        println!("      {name}: {bytes}");
    }
    println!(
        "    batches: {}",
        package
            .batches
            .iter()
            .map(Message::encoded_len)
            .sum::<usize>()
    );
}
