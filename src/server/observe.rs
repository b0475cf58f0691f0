//! The tower layer around every gRPC route: request ids, one `tracing` span
//! per RPC, the call's deadline, and request metrics.
//!
//! - **Request id**: the client's `x-request-id` (1–128 visible ASCII
//!   characters) or a generated one; it is a field of the RPC's span, so
//!   every log line of the request carries it, and it is echoed in the
//!   response headers.
//! - **Deadline**: from the client's `grpc-timeout` and the server's
//!   `--request-timeout-ms`, put in the request extensions as [`CallInfo`]
//!   for the handlers (see `service.rs` for how it is enforced).
//! - **Metrics**: requests, responses by code, latency, in flight. The
//!   status code is read from the response headers (a trailers-only error)
//!   or from the trailers at the end of the body; a call dropped before it
//!   finished (client cancelled, transport timeout) counts as CANCELLED.

use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::pin::Pin;
use std::sync::LazyLock;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use http_body::{Body, Frame, SizeHint};
use tonic::Code;
use tower::{Layer, Service};
use tracing::Instrument;

use crate::server::metrics as m;
use crate::server::service::code_name;

/// What the handlers need to know about the call, from its headers.
#[derive(Debug, Clone)]
pub struct CallInfo {
    pub request_id: String,
    /// When the call started (first byte seen by this layer).
    pub started: Instant,
    /// The client's deadline (`grpc-timeout`), answered a little early; see
    /// [`respond_by`].
    pub client_deadline: Option<Instant>,
    /// The server's per-request timeout (`--request-timeout-ms`).
    pub request_timeout: Option<Duration>,
}

impl CallInfo {
    /// The deadline of one unit of work that starts at `start`: the sooner
    /// of the client's deadline and `start + request_timeout`.
    pub fn deadline_from(&self, start: Instant) -> Option<Instant> {
        let server = self.request_timeout.map(|timeout| start + timeout);
        match (self.client_deadline, server) {
            (Some(client), Some(server)) => Some(client.min(server)),
            (client, server) => client.or(server),
        }
    }
}

/// When to answer a client whose `grpc-timeout` is `timeout`: a tenth of
/// the timeout early, at most 100 ms early. tonic's server timer fires at
/// the deadline itself and answers CANCELLED ("Timeout expired"), and
/// clients that enforce the deadline locally (tonic's does) report their own
/// CANCELLED if no answer has arrived; answering first, with time to reach
/// the client, lets it read DEADLINE_EXCEEDED.
pub fn respond_by(started: Instant, timeout: Duration) -> Instant {
    let margin = (timeout / 10).min(Duration::from_millis(100));
    started + timeout - margin
}

/// Parses a `grpc-timeout` header: at most 8 digits and a unit (H, M, S,
/// m, u, n), per the gRPC over HTTP/2 protocol spec.
pub fn parse_grpc_timeout(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get("grpc-timeout")?.to_str().ok()?;
    if value.len() < 2 || value.len() > 9 {
        return None;
    }
    let (digits, unit) = value.split_at(value.len() - 1);
    let amount: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(amount * 3600),
        "M" => Duration::from_secs(amount * 60),
        "S" => Duration::from_secs(amount),
        "m" => Duration::from_millis(amount),
        "u" => Duration::from_micros(amount),
        "n" => Duration::from_nanos(amount),
        _ => return None,
    })
}

/// A bounded label for the RPC of `path` (unknown paths share one label so
/// the metric's cardinality stays fixed).
pub fn rpc_label(path: &str) -> &'static str {
    const KNOWN: &[&str] = &[
        "precis.v1.Precis/Segment",
        "precis.v1.Precis/Summarize",
        "precis.v1.Precis/Prepare",
        "precis.v1.Precis/Process",
        "precis.v1.Precis/ProcessStream",
        "precis.v1.Precis/GetInfo",
        "grpc.health.v1.Health/Check",
        "grpc.health.v1.Health/Watch",
    ];
    let path = path.trim_start_matches('/');
    if let Some(known) = KNOWN.iter().find(|known| **known == path) {
        return known;
    }
    if path.starts_with("grpc.reflection.") {
        return "reflection";
    }
    "other"
}

fn valid_request_id(value: &HeaderValue) -> Option<String> {
    let bytes = value.as_bytes();
    let ok = !bytes.is_empty() && bytes.len() <= 128 && bytes.iter().all(u8::is_ascii_graphic);
    ok.then(|| String::from_utf8_lossy(bytes).into_owned())
}

/// The `x-request-id` header of the request and its answer, marked
/// sensitive: HPACK then writes it as a literal never indexed. An id is
/// new with every call, so adding it to the connection's header table only
/// evicted the entries that repeat (content type, grpc-status, date) and
/// made both ends hash and insert it (GetInfo: ~1 of ~17 µs of the server's
/// user CPU per call, docs/PERFORMANCE.md).
fn request_id_header(request_id: &str) -> Option<HeaderValue> {
    let mut value = HeaderValue::from_str(request_id).ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// 128 random bits as 32 hex digits. `RandomState` is seeded randomly per
/// thread and varies per instance: unique enough for correlating logs, and
/// no extra dependency. (The process id is read once: `getpid` is a system
/// call on every request otherwise.)
fn generate_request_id() -> String {
    static PROCESS_ID: LazyLock<u32> = LazyLock::new(std::process::id);
    let high = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        Instant::now()
            .elapsed()
            .as_nanos()
            .wrapping_add(*PROCESS_ID as u128),
    );
    format!("{high:016x}{:016x}", hasher.finish())
}

/// Wraps every route in [`Observe`].
#[derive(Debug, Clone)]
pub struct ObserveLayer {
    request_timeout: Option<Duration>,
}

impl ObserveLayer {
    pub fn new(request_timeout: Option<Duration>) -> ObserveLayer {
        ObserveLayer { request_timeout }
    }
}

impl<S> Layer<S> for ObserveLayer {
    type Service = Observe<S>;

    fn layer(&self, inner: S) -> Observe<S> {
        Observe {
            inner,
            request_timeout: self.request_timeout,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Observe<S> {
    inner: S,
    request_timeout: Option<Duration>,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<S, ReqBody, ResBody> Service<http::Request<ReqBody>> for Observe<S>
where
    S: Service<http::Request<ReqBody>, Response = http::Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    ReqBody: Send + 'static,
    ResBody: Body<Data = Bytes> + Send + 'static,
{
    type Response = http::Response<ObservedBody<ResBody>>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<ReqBody>) -> Self::Future {
        let started = Instant::now();
        let rpc = rpc_label(request.uri().path());
        let request_id = request
            .headers()
            .get("x-request-id")
            .and_then(valid_request_id)
            .unwrap_or_else(generate_request_id);
        let request_id_header = request_id_header(&request_id);
        if let Some(value) = &request_id_header {
            request.headers_mut().insert("x-request-id", value.clone());
        }
        let client_deadline =
            parse_grpc_timeout(request.headers()).map(|timeout| respond_by(started, timeout));
        let call_info = CallInfo {
            request_id: request_id.clone(),
            started,
            client_deadline,
            request_timeout: self.request_timeout,
        };
        let deadline = call_info.deadline_from(started);
        request.extensions_mut().insert(call_info);

        let span = tracing::info_span!("rpc", rpc, request_id = %request_id);
        metrics::counter!(m::REQUESTS, "rpc" => rpc).increment(1);
        metrics::gauge!(m::IN_FLIGHT, "rpc" => rpc).increment(1.0);
        let finish = Finish {
            rpc,
            started,
            span: span.clone(),
            done: false,
        };

        // The clone that was made ready is the one to call (tower's rule).
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(
            async move {
                let mut finish = finish;
                // Until the response head, the deadline is also enforced
                // here: a handler still receiving or decoding a large
                // request cannot answer, and tonic's own timer would answer
                // CANCELLED. Dropping the handler cancels its engine job.
                let call = inner.call(request);
                let response = match deadline {
                    None => call.await?,
                    Some(deadline) => match tokio::time::timeout_at(deadline.into(), call).await {
                        Ok(response) => response?,
                        Err(_) => {
                            let mut response =
                                crate::server::status::deadline_exceeded().into_http::<()>();
                            if let Some(value) = request_id_header {
                                response.headers_mut().insert("x-request-id", value);
                            }
                            finish.finish(Code::DeadlineExceeded);
                            return Ok(response.map(|()| ObservedBody {
                                inner: None,
                                finish: None,
                            }));
                        }
                    },
                };
                let (mut parts, body) = response.into_parts();
                if let Some(value) = request_id_header {
                    parts.headers.insert("x-request-id", value);
                }
                // A trailers-only response (any error from a handler) has
                // grpc-status in its headers; otherwise it is in the trailers.
                let finish = match grpc_status(&parts.headers) {
                    Some(code) => {
                        finish.finish(code);
                        None
                    }
                    None => Some(finish),
                };
                Ok(http::Response::from_parts(
                    parts,
                    ObservedBody {
                        inner: Some(Box::pin(body)),
                        finish,
                    },
                ))
            }
            .instrument(span),
        )
    }
}

fn grpc_status(headers: &HeaderMap) -> Option<Code> {
    let value = headers.get("grpc-status")?.to_str().ok()?;
    Some(Code::from_i32(value.parse().ok()?))
}

/// Records the end of one RPC exactly once.
struct Finish {
    rpc: &'static str,
    started: Instant,
    span: tracing::Span,
    done: bool,
}

impl Finish {
    fn finish(&mut self, code: Code) {
        if self.done {
            return;
        }
        self.done = true;
        let elapsed = self.started.elapsed();
        let code = code_name(code);
        let rpc = self.rpc;
        metrics::gauge!(m::IN_FLIGHT, "rpc" => rpc).decrement(1.0);
        metrics::histogram!(m::DURATION, "rpc" => rpc).record(elapsed.as_secs_f64());
        metrics::counter!(m::RESPONSES, "rpc" => rpc, "code" => code).increment(1);
        if code != "OK" {
            metrics::counter!(m::ERRORS, "rpc" => rpc, "code" => code).increment(1);
        }
        let elapsed_ms = elapsed.as_secs_f64() * 1000.0;
        // Probes and reflection would flood the log at info level.
        if rpc.starts_with("grpc.health") || rpc == "reflection" {
            tracing::debug!(parent: &self.span, code, elapsed_ms, "rpc finished");
        } else {
            tracing::info!(parent: &self.span, code, elapsed_ms, "rpc finished");
        }
    }
}

impl Drop for Finish {
    fn drop(&mut self) {
        // Dropped unfinished: the client went away, or tonic's timer gave up.
        self.finish(Code::Cancelled);
    }
}

/// The response body, watched for the trailers that carry `grpc-status`
/// (no inner body: a trailers-only answer made by this layer).
pub struct ObservedBody<B> {
    inner: Option<Pin<Box<B>>>,
    finish: Option<Finish>,
}

impl<B> Body for ObservedBody<B>
where
    B: Body<Data = Bytes>,
{
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        let Some(inner) = this.inner.as_mut() else {
            return Poll::Ready(None);
        };
        let polled = inner.as_mut().poll_frame(cx);
        if let Some(finish) = this.finish.as_mut() {
            match &polled {
                Poll::Ready(Some(Ok(frame))) => {
                    if let Some(code) = frame.trailers_ref().and_then(grpc_status) {
                        finish.finish(code);
                    }
                }
                Poll::Ready(Some(Err(_))) => finish.finish(Code::Internal),
                Poll::Ready(None) => finish.finish(Code::Unknown),
                Poll::Pending => {}
            }
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner
            .as_ref()
            .is_none_or(|inner| inner.is_end_stream())
    }

    fn size_hint(&self) -> SizeHint {
        self.inner
            .as_ref()
            .map_or_else(|| SizeHint::with_exact(0), |inner| inner.size_hint())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_timeout_units() {
        let mut headers = HeaderMap::new();
        for (value, expected) in [
            ("100m", Some(Duration::from_millis(100))),
            ("2S", Some(Duration::from_secs(2))),
            ("1H", Some(Duration::from_secs(3600))),
            ("5u", Some(Duration::from_micros(5))),
            ("123456789m", None),
            ("10x", None),
            ("m", None),
        ] {
            headers.insert("grpc-timeout", HeaderValue::from_static(value));
            assert_eq!(parse_grpc_timeout(&headers), expected, "{value}");
        }
    }

    #[test]
    fn rpc_labels_are_bounded() {
        assert_eq!(
            rpc_label("/precis.v1.Precis/Process"),
            "precis.v1.Precis/Process"
        );
        assert_eq!(rpc_label("/precis.v1.Precis/Nope"), "other");
        assert_eq!(
            rpc_label("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"),
            "reflection"
        );
    }

    #[test]
    fn request_ids() {
        assert_eq!(
            valid_request_id(&HeaderValue::from_static("abc-123")),
            Some("abc-123".into())
        );
        assert_eq!(valid_request_id(&HeaderValue::from_static("a b")), None);
        let (a, b) = (generate_request_id(), generate_request_id());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
        let header = request_id_header(&a).unwrap();
        assert_eq!(header, a.as_str());
        assert!(header.is_sensitive(), "never indexed by HPACK");
        assert_eq!(request_id_header("a\nb"), None);
    }

    #[test]
    fn early_answer_margin() {
        let start = Instant::now();
        assert_eq!(
            respond_by(start, Duration::from_millis(100)),
            start + Duration::from_millis(90)
        );
        assert_eq!(
            respond_by(start, Duration::from_secs(10)),
            start + Duration::from_millis(9900)
        );
    }
}
