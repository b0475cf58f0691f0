//! The `precis.v1.Precis` service: admission control, then the engine on a
//! blocking thread, then conversion to protobuf.

use std::pin::Pin;
use std::sync::Arc;

use futures_util::{Stream, StreamExt};
use tokio::sync::Semaphore;
use tonic::{Request as GrpcRequest, Response, Status, Streaming};

use crate::api::{convert, pb};
use crate::engine::{Engine, Request};
use crate::error::Error;
use crate::server::{ServerConfig, status};

/// Shared state of the service.
#[derive(Clone)]
pub struct PrecisService {
    engine: Arc<Engine>,
    permits: Arc<Semaphore>,
    config: Arc<ServerConfig>,
}

impl PrecisService {
    pub fn new(config: ServerConfig) -> PrecisService {
        PrecisService {
            engine: Arc::new(Engine::new(config.limits).with_idf(config.idf.clone())),
            permits: Arc::new(Semaphore::new(config.max_concurrent_requests)),
            config: Arc::new(config),
        }
    }

    /// Runs `work` on a blocking thread under a concurrency permit. Unary
    /// calls are refused at once when all permits are taken (`wait =
    /// false`); stream items wait for a permit.
    async fn run<T, F>(&self, wait: bool, work: F) -> Result<T, Status>
    where
        T: Send + 'static,
        F: FnOnce(&Engine) -> Result<T, Error> + Send + 'static,
    {
        let permit = if wait {
            self.permits
                .clone()
                .acquire_owned()
                .await
                .map_err(|_| Status::unavailable("server is shutting down"))?
        } else {
            self.permits
                .clone()
                .try_acquire_owned()
                .map_err(|_| status::overloaded(self.config.max_concurrent_requests))?
        };
        let engine = self.engine.clone();
        let joined = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work(&engine)
        })
        .await;
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
            }),
            default_batch_limits: Some(pb::BatchLimits {
                max_segments: batch.max_segments as u32,
                max_code_points: batch.max_code_points as u32,
                max_bytes: batch.max_bytes as u32,
            }),
        }
    }
}

fn process(engine: &Engine, request: Request) -> Result<pb::ProcessResponse, Error> {
    let validated = engine.validate(&request)?;
    let processed = engine.process(&validated)?;
    Ok(convert::process_response(
        &request.text,
        &processed,
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
        let request = Request::from(request.into_inner());
        self.run(false, move |engine| {
            let validated = engine.validate(&request)?;
            let segmentation = engine.segment(&validated)?;
            Ok(convert::segment_response(&request.text, &segmentation))
        })
        .await
        .map(Response::new)
    }

    async fn summarize(
        &self,
        request: GrpcRequest<pb::SummarizeRequest>,
    ) -> Result<Response<pb::SummarizeResponse>, Status> {
        let request = Request::from(request.into_inner());
        self.run(false, move |engine| {
            let validated = engine.validate(&request)?;
            let (segmentation, summary) = engine.summarize(&validated)?;
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
        let request = Request::from(request.into_inner());
        self.run(false, move |engine| {
            let validated = engine.validate(&request)?;
            let processed = engine.process(&validated)?;
            Ok(convert::prepare_response(
                &processed,
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
        let request = Request::from(request.into_inner());
        self.run(false, move |engine| process(engine, request))
            .await
            .map(Response::new)
    }

    type ProcessStreamStream = ResponseStream;

    async fn process_stream(
        &self,
        request: GrpcRequest<Streaming<pb::ProcessRequest>>,
    ) -> Result<Response<Self::ProcessStreamStream>, Status> {
        let service = self.clone();
        let max_items = self.config.max_stream_items;
        let parallel = self.config.max_concurrent_requests.clamp(1, 8);
        let inbound = request.into_inner();
        // Items are processed up to `parallel` at a time; `buffered` yields
        // results in request order.
        let outbound = inbound
            .enumerate()
            .map(move |(sequence, item)| {
                let service = service.clone();
                async move {
                    let item = item?;
                    if sequence >= max_items {
                        return Err(Status::resource_exhausted(format!(
                            "stream has more than {max_items} items (max_stream_items)"
                        )));
                    }
                    let document_id = item.document_id.clone();
                    let request = Request::from(item);
                    let result = service
                        .run(true, move |engine| process(engine, request))
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
