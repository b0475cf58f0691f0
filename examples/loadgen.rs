//! A closed-loop gRPC load generator for Precis (the in-repo tonic client of
//! the load test). `concurrency` tasks each send one request at a time for
//! `duration`, spread over `connections` HTTP/2 connections; prints one JSON
//! line: requests/s, latency percentiles, and the count of every gRPC status.
//!
//! ```sh
//! cargo run --release --example loadgen -- --addr 127.0.0.1:50051 --rpc process \
//!     --text examples/seed_article.txt --concurrency 64 --seconds 10
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};
use precis::api::pb;
use precis::api::pb::precis_client::PrecisClient;
use tokio::sync::Mutex;
use tonic::transport::Channel;

#[derive(Clone, Copy, ValueEnum)]
enum Rpc {
    Process,
    GetInfo,
}

#[derive(Parser)]
struct Args {
    /// Server address (host:port).
    #[arg(long, default_value = "127.0.0.1:50051")]
    addr: String,
    #[arg(long, value_enum, default_value = "process")]
    rpc: Rpc,
    /// Article to send with Process.
    #[arg(long, default_value = "examples/seed_article.txt")]
    text: PathBuf,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// HTTP/2 connections to spread them over (default: min(concurrency, 4)).
    #[arg(long)]
    connections: Option<usize>,
    /// Measured duration in seconds (after a 1 s warm-up).
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let text = Arc::new(std::fs::read_to_string(&args.text)?);
    let connections = args.connections.unwrap_or(args.concurrency.min(4)).max(1);
    let mut channels = Vec::with_capacity(connections);
    for _ in 0..connections {
        channels.push(
            Channel::from_shared(format!("http://{}", args.addr))?
                .connect()
                .await?,
        );
    }
    let warmup_end = Instant::now() + Duration::from_secs(1);
    let end = warmup_end + Duration::from_secs_f64(args.seconds);
    let results = Arc::new(Mutex::new((
        Vec::<u64>::new(),
        BTreeMap::<String, u64>::new(),
    )));
    let mut tasks = Vec::new();
    for task in 0..args.concurrency {
        let mut client = PrecisClient::new(channels[task % connections].clone())
            .max_decoding_message_size(64 * 1024 * 1024);
        let text = text.clone();
        let results = results.clone();
        let rpc = args.rpc;
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut codes: BTreeMap<String, u64> = BTreeMap::new();
            loop {
                let started = Instant::now();
                if started >= end {
                    break;
                }
                let outcome = match rpc {
                    Rpc::Process => client
                        .process(pb::ProcessRequest {
                            text: text.to_string(),
                            ..Default::default()
                        })
                        .await
                        .map(|_| ()),
                    Rpc::GetInfo => client.get_info(pb::GetInfoRequest {}).await.map(|_| ()),
                };
                if started < warmup_end {
                    continue;
                }
                let code = match outcome {
                    Ok(()) => "OK".to_string(),
                    Err(status) => format!("{:?}", status.code()),
                };
                latencies.push(started.elapsed().as_micros() as u64);
                *codes.entry(code).or_insert(0) += 1;
            }
            let mut shared = results.lock().await;
            shared.0.extend(latencies);
            for (code, n) in codes {
                *shared.1.entry(code).or_insert(0) += n;
            }
        }));
    }
    for task in tasks {
        task.await?;
    }
    let (mut latencies, codes) = Arc::try_unwrap(results).expect("tasks done").into_inner();
    latencies.sort_unstable();
    let percentile = |p: f64| -> f64 {
        if latencies.is_empty() {
            return 0.0;
        }
        let index = ((p / 100.0) * (latencies.len() - 1) as f64).round() as usize;
        latencies[index] as f64 / 1000.0
    };
    let ok = codes.get("OK").copied().unwrap_or(0);
    let report = serde_json::json!({
        "rpc": match args.rpc { Rpc::Process => "Process", Rpc::GetInfo => "GetInfo" },
        "concurrency": args.concurrency,
        "connections": connections,
        "seconds": args.seconds,
        "requests": latencies.len(),
        "ok_per_second": ok as f64 / args.seconds,
        "p50_ms": percentile(50.0),
        "p99_ms": percentile(99.0),
        "max_ms": percentile(100.0),
        "codes": codes,
    });
    println!("{report}");
    Ok(())
}
