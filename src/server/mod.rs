//! The gRPC transport: the only code that knows tonic. It validates nothing
//! itself; it maps protobuf to core requests, runs the engine off the async
//! reactor under a concurrency limit, and maps results back.

pub mod service;
pub mod status;

use std::future::Future;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::codec::CompressionEncoding;
use tonic::transport::Server;

use crate::api::pb;
use crate::engine::Limits;

pub use service::PrecisService;

/// Server settings (the `serve` flags).
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub limits: Limits,
    pub max_concurrent_requests: usize,
    pub max_stream_items: usize,
    pub request_timeout: Option<Duration>,
    pub max_message_bytes: usize,
    /// Time between NOT_SERVING and closing the listener on shutdown.
    pub drain_grace: Duration,
    /// Background IDF model for summaries (`--idf FILE`).
    pub idf: Option<std::sync::Arc<crate::summarize::IdfModel>>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            limits: Limits::default(),
            max_concurrent_requests: 64,
            max_stream_items: 10_000,
            request_timeout: Some(Duration::from_secs(30)),
            max_message_bytes: 16 * 1024 * 1024,
            drain_grace: Duration::from_millis(500),
            idf: None,
        }
    }
}

/// Serves `precis.v1.Precis`, health and reflection on `listener` until
/// `shutdown` resolves; then reports NOT_SERVING, waits the drain grace,
/// stops accepting, and lets in-flight requests finish.
pub async fn run(
    listener: TcpListener,
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let (health, health_service) = tonic_health::server::health_reporter();
    health
        .set_serving::<pb::precis_server::PrecisServer<PrecisService>>()
        .await;
    health
        .set_service_status("", tonic_health::ServingStatus::Serving)
        .await;

    let reflection_v1 = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(pb::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_types::pb::FILE_DESCRIPTOR_SET)
        .build_v1()?;
    let reflection_v1alpha = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(pb::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_types::pb::FILE_DESCRIPTOR_SET)
        .build_v1alpha()?;

    let precis = pb::precis_server::PrecisServer::new(PrecisService::new(config.clone()))
        .max_decoding_message_size(config.max_message_bytes)
        .max_encoding_message_size(config.max_message_bytes)
        .accept_compressed(CompressionEncoding::Gzip)
        .accept_compressed(CompressionEncoding::Zstd)
        .send_compressed(CompressionEncoding::Gzip)
        .send_compressed(CompressionEncoding::Zstd);

    let drain_grace = config.drain_grace;
    let drain = async move {
        shutdown.await;
        tracing::info!("shutdown requested: reporting NOT_SERVING and draining");
        health
            .set_not_serving::<pb::precis_server::PrecisServer<PrecisService>>()
            .await;
        health
            .set_service_status("", tonic_health::ServingStatus::NotServing)
            .await;
        tokio::time::sleep(drain_grace).await;
    };

    let mut builder = Server::builder();
    if let Some(timeout) = config.request_timeout {
        builder = builder.timeout(timeout);
    }
    tracing::info!(address = %listener.local_addr()?, "precis listening");
    builder
        .add_service(health_service)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .add_service(precis)
        .serve_with_incoming_shutdown(TcpListenerStream::new(listener), drain)
        .await?;
    tracing::info!("drained; exiting");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
