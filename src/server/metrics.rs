//! Prometheus metrics on their own HTTP port (`--metrics-listen`).
//!
//! Call sites use the `metrics` facade, which is a no-op until a recorder is
//! installed, so in-process servers (tests) cost nothing. The binary
//! installs the Prometheus recorder once per process and serves
//! `GET /metrics` from a small HTTP/1.1 responder here: Prometheus only needs
//! one GET, and this avoids a second HTTP server stack (and lets the port
//! be 0 and logged, which the tests use).
//!
//! | metric | type | labels |
//! |---|---|---|
//! | `precis_requests_total` | counter | `rpc` |
//! | `precis_responses_total` | counter | `rpc`, `code` (every status, OK included) |
//! | `precis_errors_total` | counter | `rpc`, `code` (non-OK only) |
//! | `precis_request_duration_seconds` | histogram | `rpc` |
//! | `precis_requests_in_flight` | gauge | `rpc` |
//! | `precis_text_bytes_total` | counter | `rpc` (UTF-8 bytes of text processed) |
//! | `precis_documents_total` | counter | `rpc`, `language` |
//! | `precis_workers_busy` | gauge | — (engine jobs running, inline or on blocking threads) |
//! | `precis_work_interrupted_total` | counter | `cause`, `stage` |
//! | `precis_overload_rejections_total` | counter | `rpc` |

use std::sync::OnceLock;
use std::time::Duration;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

pub const REQUESTS: &str = "precis_requests_total";
pub const RESPONSES: &str = "precis_responses_total";
pub const ERRORS: &str = "precis_errors_total";
pub const DURATION: &str = "precis_request_duration_seconds";
pub const IN_FLIGHT: &str = "precis_requests_in_flight";
pub const TEXT_BYTES: &str = "precis_text_bytes_total";
pub const DOCUMENTS: &str = "precis_documents_total";
pub const WORKERS_BUSY: &str = "precis_workers_busy";
pub const WORK_INTERRUPTED: &str = "precis_work_interrupted_total";
pub const OVERLOAD_REJECTIONS: &str = "precis_overload_rejections_total";

/// Explicit latency buckets (seconds), so histograms aggregate across pods
/// (without them the exporter would publish summaries). 1 ms to 30 s: a
/// short article takes about a millisecond, the request timeout is 30 s.
pub const DURATION_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process-wide Prometheus recorder (once) and returns its
/// handle; `None` when another recorder was installed first.
pub fn install() -> Option<PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(DURATION.to_string()), DURATION_BUCKETS)
                .expect("the bucket list is not empty");
            match builder.install_recorder() {
                Ok(handle) => {
                    describe();
                    Some(handle)
                }
                Err(error) => {
                    tracing::warn!(%error, "cannot install the Prometheus recorder");
                    None
                }
            }
        })
        .clone()
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(REQUESTS, "RPCs received");
    describe_counter!(RESPONSES, "RPCs finished, by gRPC status code");
    describe_counter!(ERRORS, "RPCs finished with a non-OK status, by code");
    describe_histogram!(DURATION, Unit::Seconds, "RPC latency, by RPC");
    describe_gauge!(IN_FLIGHT, "RPCs in progress");
    describe_counter!(TEXT_BYTES, Unit::Bytes, "UTF-8 bytes of text processed");
    describe_counter!(DOCUMENTS, "Documents processed, by language");
    describe_gauge!(WORKERS_BUSY, "Engine jobs running");
    describe_counter!(
        WORK_INTERRUPTED,
        "Engine jobs stopped early (deadline or cancellation), by the stage they skipped"
    );
    describe_counter!(
        OVERLOAD_REJECTIONS,
        "Requests refused with RESOURCE_EXHAUSTED at the concurrency limit"
    );
}

/// Serves `GET /metrics` (text exposition format) on `listener` until the
/// task is aborted. Also runs the recorder's periodic upkeep.
pub async fn serve(listener: TcpListener, handle: PrometheusHandle) {
    let upkeep = {
        let handle = handle.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(5));
            loop {
                tick.tick().await;
                handle.run_upkeep();
            }
        })
    };
    let _stop_upkeep = AbortOnDrop(upkeep);
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                // Out of file descriptors and the like: back off, keep serving.
                tracing::warn!(%error, "metrics listener accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let handle = handle.clone();
        tokio::spawn(async move {
            let _ = tokio::time::timeout(Duration::from_secs(10), respond(stream, handle)).await;
        });
    }
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn respond(
    mut stream: tokio::net::TcpStream,
    handle: PrometheusHandle,
) -> std::io::Result<()> {
    // Read the request head (bounded); only the request line matters.
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&chunk[..n]);
    }
    let request_line = head.split(|&b| b == b'\r').next().unwrap_or_default();
    let mut parts = request_line.split(|&b| b == b' ');
    let method = parts.next().unwrap_or_default();
    let path = parts.next().unwrap_or_default();
    let (status, content_type, body) = if method != b"GET" {
        (
            "405 Method Not Allowed",
            "text/plain",
            "GET only\n".to_string(),
        )
    } else if path == b"/metrics" || path.starts_with(b"/metrics?") {
        (
            "200 OK",
            "text/plain; version=0.0.4; charset=utf-8",
            handle.render(),
        )
    } else {
        ("404 Not Found", "text/plain", "see /metrics\n".to_string())
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}
