//! The `precis.v1.Precis` service: admission control, then the engine
//! (inline for small texts, else on a blocking thread), then conversion to
//! protobuf.

use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;

use futures_util::{Stream, StreamExt};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tonic::{Request as GrpcRequest, Response, Status, Streaming};

use crate::api::{convert, pb};
use crate::engine::{Engine, Request};
use crate::error::Error;
use crate::interrupt::Interrupt;
use crate::server::metrics as m;
use crate::server::observe::CallInfo;
use crate::server::{ServerConfig, status};

/// A permit of `semaphore`, waiting at most until `deadline`.
async fn acquire_before(
    semaphore: &Arc<Semaphore>,
    deadline: Option<Instant>,
) -> Result<OwnedSemaphorePermit, Status> {
    let acquire = semaphore.clone().acquire_owned();
    let acquired = match deadline {
        Some(deadline) => tokio::time::timeout_at(deadline.into(), acquire)
            .await
            .map_err(|_| status::deadline_exceeded())?,
        None => acquire.await,
    };
    acquired.map_err(|_| status::shutting_down())
}

/// Shared state of the service.
#[derive(Clone)]
pub struct PrecisService {
    engine: Arc<Engine>,
    /// Admission: requests in flight (refused beyond, see [`Self::run`]).
    permits: Arc<Semaphore>,
    /// CPU workers: admitted requests whose work runs at once.
    workers: Arc<Semaphore>,
    config: Arc<ServerConfig>,
}

impl PrecisService {
    pub fn new(config: ServerConfig) -> PrecisService {
        PrecisService {
            engine: Arc::new(
                Engine::new(config.limits)
                    .with_srx(config.srx.clone())
                    .with_idf(config.idf.clone()),
            ),
            permits: Arc::new(Semaphore::new(config.max_concurrent_requests)),
            workers: Arc::new(Semaphore::new(config.workers.max(1))),
            config: Arc::new(config),
        }
    }

    /// Runs `work` under a concurrency permit and a CPU worker permit.
    /// Unary calls are refused at once when all permits are taken (`wait =
    /// false`); stream items wait for a permit.
    ///
    /// Work on a text of at most [`ServerConfig::inline_max_bytes`] bytes
    /// runs at once on the async worker that received the call: a 5 KB
    /// article takes well under a millisecond, and handing it to a blocking
    /// thread and back cost two thread wake-ups per call (Process on the
    /// load-test article: ~1.8x the requests/s inline, docs/performance-history.md).
    /// Larger work runs on a blocking thread, so it never holds the reactor.
    ///
    /// `deadline` bounds the work: the worker polls the same [`Interrupt`]
    /// between stages and stops at the next stage boundary once it passes.
    /// For work on a blocking thread the handler also answers
    /// DEADLINE_EXCEEDED as soon as it passes, and if this future is dropped
    /// (the client cancelled, or the transport gave up), the drop guard
    /// cancels the interrupt, so the worker stops too.
    async fn run<T, F>(
        &self,
        rpc: &'static str,
        text_bytes: usize,
        deadline: Option<Instant>,
        wait: bool,
        work: F,
    ) -> Result<T, Status>
    where
        T: Send + 'static,
        F: FnOnce(&Engine, &Interrupt) -> Result<T, Error> + Send + 'static,
    {
        if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
            return Err(status::deadline_exceeded());
        }
        let permit = if wait {
            acquire_before(&self.permits, deadline).await?
        } else {
            self.permits.clone().try_acquire_owned().map_err(|_| {
                metrics::counter!(m::OVERLOAD_REJECTIONS, "rpc" => rpc).increment(1);
                status::overloaded(self.config.max_concurrent_requests)
            })?
        };
        // Admitted work queues here for one of the CPU workers.
        let worker_permit = acquire_before(&self.workers, deadline).await?;
        let interrupt = Interrupt::with_deadline(deadline);
        if text_bytes <= self.config.inline_max_bytes {
            // A job whose permit was just released to it is woken into the
            // worker's LIFO slot, ahead of every other ready task: without
            // this yield, back-to-back jobs kept health checks and other
            // calls waiting behind them (GetInfo p50 ~12 ms under load).
            tokio::task::yield_now().await;
            let _permits = (permit, worker_permit);
            let ran = std::panic::catch_unwind(AssertUnwindSafe(|| {
                execute(work, &self.engine, &interrupt)
            }));
            return match ran {
                Ok(result) => result.map_err(|error| status::from_error(&error)),
                Err(panic) => Err(status::internal(&panic_message(panic.as_ref()))),
            };
        }
        let _cancel_on_drop = CancelOnDrop(interrupt.clone());
        let engine = self.engine.clone();
        let span = tracing::Span::current();
        let worker_interrupt = interrupt.clone();
        let worker = tokio::task::spawn_blocking(move || {
            let _permits = (permit, worker_permit);
            let _entered = span.enter();
            execute(work, &engine, &worker_interrupt)
        });
        let joined = match deadline {
            Some(deadline) => match tokio::time::timeout_at(deadline.into(), worker).await {
                Ok(joined) => joined,
                Err(_) => {
                    interrupt.cancel();
                    return Err(status::deadline_exceeded());
                }
            },
            None => worker.await,
        };
        match joined {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(status::from_error(&error)),
            Err(join_error) => Err(status::internal(&join_error.to_string())),
        }
    }

    fn info(&self) -> pb::GetInfoResponse {
        let config = &self.config;
        let weights = crate::summarize::Weights::default();
        let batch = crate::translate::BatchLimits::default();
        pb::GetInfoResponse {
            version: env!("CARGO_PKG_VERSION").to_string(),
            limits: Some(pb::Limits {
                max_text_bytes: config.limits.max_text_bytes as u64,
                max_sentences: config.limits.max_sentences as u32,
                max_stream_items: config.max_stream_items as u32,
                max_concurrent_requests: config.max_concurrent_requests as u32,
                request_timeout_ms: config.request_timeout.map_or(0, |t| t.as_millis() as u64),
                max_message_bytes: config.max_message_bytes as u64,
            }),
            languages: crate::text::language::SUPPORTED
                .iter()
                .map(|l| pb::LanguageInfo {
                    code: l.code.to_string(),
                    name: l.name.to_string(),
                    word_segmentation: l.word_segmentation.to_string(),
                    stemming: l.stemming,
                })
                .collect(),
            default_weights: Some(pb::ScoringWeights {
                tfidf: Some(weights.tfidf),
                position: Some(weights.position),
                title: Some(weights.title),
                length: Some(weights.length),
                redundancy: Some(weights.redundancy),
                centrality: Some(weights.centrality),
            }),
            default_batch_limits: Some(pb::BatchLimits {
                max_segments: batch.max_segments as u32,
                max_code_points: batch.max_code_points as u32,
                max_bytes: batch.max_bytes as u32,
            }),
        }
    }
}

/// Runs an engine job, counted in `precis_workers_busy`; an interrupted
/// job is counted and logged with its cause and stage.
fn execute<T>(
    work: impl FnOnce(&Engine, &Interrupt) -> Result<T, Error>,
    engine: &Engine,
    interrupt: &Interrupt,
) -> Result<T, Error> {
    let _busy = BusyWorker::start();
    let result = work(engine, interrupt);
    if let Err(Error::Interrupted { cause, stage }) = &result {
        metrics::counter!(m::WORK_INTERRUPTED, "cause" => cause.as_str(), "stage" => *stage)
            .increment(1);
        tracing::info!(cause = cause.as_str(), stage, "work stopped early");
    }
    result
}

/// The message of a caught panic, for the log.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    let message = panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    format!("engine panicked: {message}")
}

/// Counts a running engine job in `precis_workers_busy`, until dropped
/// (also when the job panics).
struct BusyWorker;

impl BusyWorker {
    fn start() -> BusyWorker {
        metrics::gauge!(m::WORKERS_BUSY).increment(1.0);
        BusyWorker
    }
}

impl Drop for BusyWorker {
    fn drop(&mut self) {
        metrics::gauge!(m::WORKERS_BUSY).decrement(1.0);
    }
}

/// Cancels the interrupt when the handler's future ends, however it ends.
struct CancelOnDrop(Interrupt);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// The call's deadline for work starting now (see `observe::CallInfo`).
fn deadline<T>(request: &GrpcRequest<T>) -> Option<Instant> {
    request
        .extensions()
        .get::<CallInfo>()
        .and_then(|info| info.deadline_from(info.started))
}

/// Counts a processed document: its bytes and its language (a bounded
/// label: supported codes, else "other").
fn record_document(rpc: &'static str, text_bytes: usize, language: &str) {
    let language = crate::text::language::SUPPORTED
        .iter()
        .find(|supported| supported.code == language)
        .map_or("other", |supported| supported.code);
    metrics::counter!(m::TEXT_BYTES, "rpc" => rpc).increment(text_bytes as u64);
    metrics::counter!(m::DOCUMENTS, "rpc" => rpc, "language" => language).increment(1);
}

fn process(
    engine: &Engine,
    request: Request,
    interrupt: &Interrupt,
    rpc: &'static str,
) -> Result<pb::ProcessResponse, Error> {
    let validated = engine.validate(&request)?;
    let processed = engine.process_until(&validated, interrupt)?;
    record_document(rpc, request.text.len(), &processed.segmentation.language);
    Ok(convert::process_response(
        &request.text,
        processed,
        &validated.package.target_langs,
    ))
}

type ResponseStream = Pin<Box<dyn Stream<Item = Result<pb::ProcessStreamResponse, Status>> + Send>>;

#[tonic::async_trait]
impl pb::precis_server::Precis for PrecisService {
    async fn segment(
        &self,
        request: GrpcRequest<pb::SegmentRequest>,
    ) -> Result<Response<pb::SegmentResponse>, Status> {
        const RPC: &str = "precis.v1.Precis/Segment";
        let deadline = deadline(&request);
        let request = Request::from(request.into_inner());
        let size = request.text.len();
        self.run(RPC, size, deadline, false, move |engine, interrupt| {
            let validated = engine.validate(&request)?;
            let segmentation = engine.segment_until(&validated, interrupt)?;
            record_document(RPC, request.text.len(), &segmentation.language);
            Ok(convert::segment_response(&request.text, &segmentation))
        })
        .await
        .map(Response::new)
    }

    async fn summarize(
        &self,
        request: GrpcRequest<pb::SummarizeRequest>,
    ) -> Result<Response<pb::SummarizeResponse>, Status> {
        const RPC: &str = "precis.v1.Precis/Summarize";
        let deadline = deadline(&request);
        let request = Request::from(request.into_inner());
        let size = request.text.len();
        self.run(RPC, size, deadline, false, move |engine, interrupt| {
            let validated = engine.validate(&request)?;
            let (segmentation, summary) = engine.summarize_until(&validated, interrupt)?;
            record_document(RPC, request.text.len(), &segmentation.language);
            Ok(convert::summarize_response(
                &request.text,
                &segmentation,
                &summary,
            ))
        })
        .await
        .map(Response::new)
    }

    async fn prepare(
        &self,
        request: GrpcRequest<pb::PrepareRequest>,
    ) -> Result<Response<pb::PrepareResponse>, Status> {
        const RPC: &str = "precis.v1.Precis/Prepare";
        let deadline = deadline(&request);
        let request = Request::from(request.into_inner());
        let size = request.text.len();
        self.run(RPC, size, deadline, false, move |engine, interrupt| {
            let validated = engine.validate(&request)?;
            let processed = engine.process_until(&validated, interrupt)?;
            record_document(RPC, request.text.len(), &processed.segmentation.language);
            Ok(convert::prepare_response(
                processed,
                &validated.package.target_langs,
            ))
        })
        .await
        .map(Response::new)
    }

    async fn process(
        &self,
        request: GrpcRequest<pb::ProcessRequest>,
    ) -> Result<Response<pb::ProcessResponse>, Status> {
        const RPC: &str = "precis.v1.Precis/Process";
        let deadline = deadline(&request);
        let request = Request::from(request.into_inner());
        self.run(
            RPC,
            request.text.len(),
            deadline,
            false,
            move |engine, interrupt| process(engine, request, interrupt, RPC),
        )
        .await
        .map(Response::new)
    }

    async fn assemble(
        &self,
        request: GrpcRequest<pb::AssembleRequest>,
    ) -> Result<Response<pb::AssembleResponse>, Status> {
        const RPC: &str = "precis.v1.Precis/Assemble";
        let deadline = deadline(&request);
        let mut request = request.into_inner();
        let document_id = std::mem::take(&mut request.document_id);
        let xliff = std::mem::take(&mut request.xliff);
        let target_lang = std::mem::take(&mut request.target_lang);
        let size = xliff.len() + prost::Message::encoded_len(&request);
        self.run(RPC, size, deadline, false, move |_engine, _interrupt| {
            let (package, translations) = convert::assemble_parts(request)?;
            let result = crate::translate::assemble::assemble_request(
                &package,
                translations,
                &xliff,
                &target_lang,
            )?;
            Ok(convert::assemble_response(document_id, result))
        })
        .await
        .map(Response::new)
    }

    type ProcessStreamStream = ResponseStream;

    async fn process_stream(
        &self,
        request: GrpcRequest<Streaming<pb::ProcessRequest>>,
    ) -> Result<Response<Self::ProcessStreamStream>, Status> {
        const RPC: &str = "precis.v1.Precis/ProcessStream";
        let service = self.clone();
        let call = request.extensions().get::<CallInfo>().cloned();
        let max_items = self.config.max_stream_items;
        let parallel = self.config.max_concurrent_requests.clamp(1, 8);
        let inbound = request.into_inner();
        // Items are processed up to `parallel` at a time; `buffered` yields
        // results in request order.
        let outbound = inbound
            .enumerate()
            .map(move |(sequence, item)| {
                let service = service.clone();
                let call = call.clone();
                async move {
                    let item = item?;
                    // The client's deadline covers the whole stream and ends
                    // it; the server's request timeout applies to each item.
                    let now = Instant::now();
                    if call
                        .as_ref()
                        .and_then(|c| c.client_deadline)
                        .is_some_and(|deadline| now >= deadline)
                    {
                        return Err(status::deadline_exceeded());
                    }
                    let deadline = call.as_ref().and_then(|c| c.deadline_from(now));
                    if sequence >= max_items {
                        return Err(Status::resource_exhausted(format!(
                            "stream has more than {max_items} items (max_stream_items)"
                        )));
                    }
                    let document_id = item.document_id.clone();
                    let request = Request::from(item);
                    let size = request.text.len();
                    let result = service
                        .run(RPC, size, deadline, true, move |engine, interrupt| {
                            process(engine, request, interrupt, RPC)
                        })
                        .await;
                    let result = match result {
                        Ok(response) => pb::process_stream_response::Result::Response(response),
                        Err(status) => {
                            pb::process_stream_response::Result::Error(item_error(&status))
                        }
                    };
                    Ok(pb::ProcessStreamResponse {
                        sequence: sequence as u32,
                        document_id,
                        result: Some(result),
                    })
                }
            })
            .buffered(parallel)
            .scan(false, |failed, item| {
                // End the stream after the first stream-level error.
                if *failed {
                    return std::future::ready(None);
                }
                *failed = item.is_err();
                std::future::ready(Some(item))
            });
        Ok(Response::new(Box::pin(outbound)))
    }

    async fn get_info(
        &self,
        _request: GrpcRequest<pb::GetInfoRequest>,
    ) -> Result<Response<pb::GetInfoResponse>, Status> {
        Ok(Response::new(self.info()))
    }
}

fn item_error(status: &Status) -> pb::ItemError {
    use tonic_types::StatusExt;
    let field = status
        .get_details_bad_request()
        .and_then(|b| b.field_violations.first().map(|v| v.field.clone()))
        .unwrap_or_default();
    pb::ItemError {
        code: code_name(status.code()).to_string(),
        message: status.message().to_string(),
        field,
    }
}

/// The canonical upper-snake name of a gRPC code.
pub fn code_name(code: tonic::Code) -> &'static str {
    use tonic::Code::*;
    match code {
        Ok => "OK",
        Cancelled => "CANCELLED",
        Unknown => "UNKNOWN",
        InvalidArgument => "INVALID_ARGUMENT",
        DeadlineExceeded => "DEADLINE_EXCEEDED",
        NotFound => "NOT_FOUND",
        AlreadyExists => "ALREADY_EXISTS",
        PermissionDenied => "PERMISSION_DENIED",
        ResourceExhausted => "RESOURCE_EXHAUSTED",
        FailedPrecondition => "FAILED_PRECONDITION",
        Aborted => "ABORTED",
        OutOfRange => "OUT_OF_RANGE",
        Unimplemented => "UNIMPLEMENTED",
        Internal => "INTERNAL",
        Unavailable => "UNAVAILABLE",
        DataLoss => "DATA_LOSS",
        Unauthenticated => "UNAUTHENTICATED",
    }
}
