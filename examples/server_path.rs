//! The server's work for one Process call without the transport: decode
//! the gRPC request body, validate, process, convert and encode the
//! response, N times. Run it under callgrind to count the instructions of
//! a call (docs/PERFORMANCE.md); `--sizes` prints what the answer is made
//! of instead.
//!
//! ```sh
//! python3 scripts/grpc_body.py process ARTICLE.txt /tmp/process.bin
//! cargo build --release --example server_path
//! valgrind --tool=callgrind target/release/examples/server_path /tmp/process.bin 201
//! target/release/examples/server_path /tmp/process.bin --sizes
//! ```

use precis::api::{codec, convert, pb};
use precis::engine::{Engine, Request};
use prost::Message;

/// The allocator of the server binary (src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: server_path BODY [N | --sizes]");
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
