//! The gRPC transport: the only code that knows tonic. It validates nothing
//! itself; it maps protobuf to core requests, runs the engine under a
//! concurrency limit (small jobs inline, large ones off the async reactor),
//! and maps results back.

pub mod coalesce;
pub mod metrics;
pub mod observe;
pub mod service;
pub mod status;

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use futures_util::StreamExt;
use tokio::net::TcpListener;
use tonic::codec::CompressionEncoding;
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Certificate, Identity, Server, ServerTlsConfig};

use crate::api::pb;
use crate::engine::Limits;
use coalesce::Coalesced;

pub use service::PrecisService;

/// Server settings (the `serve` flags).
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub limits: Limits,
    pub max_concurrent_requests: usize,
    /// Requests whose CPU work runs at the same time;
    /// admitted requests beyond it wait for a worker. More workers than
    /// cores only add context switches and per-thread malloc arenas.
    pub workers: usize,
    /// Requests on a text of at most this many bytes run on the async
    /// worker that received them instead of a blocking thread (0: every
    /// request goes to a blocking thread).
    pub inline_max_bytes: usize,
    pub max_stream_items: usize,
    /// Deadline of each request (each item of a stream), measured from its
    /// arrival; a client's sooner `grpc-timeout` wins. Answered with
    /// DEADLINE_EXCEEDED, and the work is stopped.
    pub request_timeout: Option<Duration>,
    /// Largest request message (decoded size); larger ones are refused by
    /// the transport with OUT_OF_RANGE before they are decoded.
    pub max_message_bytes: usize,
    /// Time between NOT_SERVING and closing the listener on shutdown.
    pub drain_grace: Duration,
    /// After the grace, how long open connections may take to finish their
    /// requests before they are closed anyway (a Health Watch stream, for
    /// one, never ends by itself).
    pub drain_timeout: Duration,
    /// Where to serve Prometheus `/metrics` (none: no metrics endpoint).
    pub metrics_listen: Option<SocketAddr>,
    /// TLS, and mutual TLS when a client CA is given.
    pub tls: Option<TlsPem>,
    /// HTTP/2 PING interval on idle connections (none: no pings).
    pub http2_keepalive_interval: Option<Duration>,
    /// How long to wait for a PING answer before closing the connection.
    pub http2_keepalive_timeout: Option<Duration>,
    /// TCP keepalive probes on accepted sockets.
    pub tcp_keepalive: Option<Duration>,
    /// Close connections after this age (with a GOAWAY), so L4 load
    /// balancers rebalance long-lived clients.
    pub max_connection_age: Option<Duration>,
    /// SRX segmentation rules loaded at start-up (`--srx FILE`).
    pub srx: Option<std::sync::Arc<crate::text::srx::SrxRules>>,
    /// Background IDF model for summaries (`--idf FILE`).
    pub idf: Option<std::sync::Arc<crate::summarize::IdfModel>>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            limits: Limits::default(),
            max_concurrent_requests: 64,
            workers: default_workers(),
            inline_max_bytes: 16 * 1024,
            max_stream_items: 10_000,
            request_timeout: Some(Duration::from_secs(30)),
            max_message_bytes: 4 * 1024 * 1024,
            drain_grace: Duration::from_millis(500),
            drain_timeout: Duration::from_secs(10),
            metrics_listen: None,
            tls: None,
            http2_keepalive_interval: Some(Duration::from_secs(30)),
            http2_keepalive_timeout: Some(Duration::from_secs(10)),
            tcp_keepalive: Some(Duration::from_secs(60)),
            max_connection_age: None,
            srx: None,
            idf: None,
        }
    }
}

/// One worker per available core.
pub fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// PEM-encoded server identity, and the CA that client certificates must
/// chain to (mutual TLS) when present.
#[derive(Clone)]
pub struct TlsPem {
    pub cert: Vec<u8>,
    pub key: Vec<u8>,
    pub client_ca: Option<Vec<u8>>,
}

impl std::fmt::Debug for TlsPem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsPem")
            .field("cert", &format_args!("{} bytes", self.cert.len()))
            .field("key", &"<redacted>")
            .field("mutual", &self.client_ca.is_some())
            .finish()
    }
}

/// Where the server accepts connections: TCP, or a Unix domain socket (a
/// sidecar sharing an `emptyDir` with its app). Clients of a Unix socket
/// must send `:authority` `localhost` (grpcurl: `-authority localhost`).
#[derive(Debug)]
pub enum Listener {
    Tcp(TcpListener),
    #[cfg(unix)]
    Unix(tokio::net::UnixListener),
}

impl From<TcpListener> for Listener {
    fn from(listener: TcpListener) -> Listener {
        Listener::Tcp(listener)
    }
}

#[cfg(unix)]
impl From<tokio::net::UnixListener> for Listener {
    fn from(listener: tokio::net::UnixListener) -> Listener {
        Listener::Unix(listener)
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Serves `precis.v1.Precis`, health and reflection on `listener` until
/// `shutdown` resolves; then reports NOT_SERVING, waits the drain grace,
/// stops accepting, and lets in-flight requests finish, for at most
/// `drain_timeout` more.
pub async fn run(
    listener: impl Into<Listener>,
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), BoxError> {
    let listener = listener.into();
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
        // Requests only: a response's size follows from the text and
        // sentence limits, and refusing a finished answer helps no one.
        .max_decoding_message_size(config.max_message_bytes)
        .accept_compressed(CompressionEncoding::Gzip)
        .accept_compressed(CompressionEncoding::Zstd)
        .send_compressed(CompressionEncoding::Gzip)
        .send_compressed(CompressionEncoding::Zstd);

    let _metrics_server = match config.metrics_listen {
        Some(address) => {
            let metrics_listener = TcpListener::bind(address).await?;
            tracing::info!(address = %metrics_listener.local_addr()?, "metrics listening");
            metrics::install()
                .map(|handle| AbortOnDrop(tokio::spawn(metrics::serve(metrics_listener, handle))))
        }
        None => None,
    };

    let (draining_tx, draining_rx) = tokio::sync::oneshot::channel::<()>();
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
        tracing::info!("closing the listener; waiting for in-flight requests");
        let _ = draining_tx.send(());
    };

    // No `Server::timeout`: its expiry answers CANCELLED; deadlines are
    // enforced by the service instead (DEADLINE_EXCEEDED, work stopped).
    let mut builder = Server::builder()
        .http2_keepalive_interval(config.http2_keepalive_interval)
        .http2_keepalive_timeout(config.http2_keepalive_timeout)
        .tcp_keepalive(config.tcp_keepalive)
        .tcp_nodelay(true);
    if let Some(age) = config.max_connection_age {
        builder = builder.max_connection_age(age);
    }
    if let Some(tls) = &config.tls {
        let mut tls_config =
            ServerTlsConfig::new().identity(Identity::from_pem(&tls.cert, &tls.key));
        if let Some(client_ca) = &tls.client_ca {
            tls_config = tls_config.client_ca_root(Certificate::from_pem(client_ca));
        }
        builder = builder.tls_config(tls_config)?;
    }
    let router = builder
        .layer(observe::ObserveLayer::new(config.request_timeout))
        .add_service(health_service)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .add_service(precis);
    let serve: std::pin::Pin<Box<dyn Future<Output = Result<(), tonic::transport::Error>> + Send>> =
        match listener {
            Listener::Tcp(listener) => {
                tracing::info!(address = %listener.local_addr()?, tls = config.tls.is_some(), "precis listening");
                Box::pin(
                    router.serve_with_incoming_shutdown(
                        // `Server::tcp_nodelay` only applies to tonic's own
                        // listener; without it Nagle + delayed ACK add ~40 ms
                        // to small responses.
                        TcpIncoming::from(listener)
                            .with_nodelay(Some(true))
                            .with_keepalive(config.tcp_keepalive)
                            .map(|accepted| accepted.map(Coalesced::new)),
                        drain,
                    ),
                )
            }
            #[cfg(unix)]
            Listener::Unix(listener) => {
                let address = listener.local_addr()?;
                tracing::info!(address = ?address.as_pathname(), tls = config.tls.is_some(), "precis listening");
                Box::pin(
                    router.serve_with_incoming_shutdown(
                        tokio_stream::wrappers::UnixListenerStream::new(listener)
                            .map(|accepted| accepted.map(Coalesced::new)),
                        drain,
                    ),
                )
            }
        };
    let drain_timeout = config.drain_timeout;
    let hard_deadline = async move {
        if draining_rx.await.is_ok() {
            tokio::time::sleep(drain_timeout).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        served = serve => {
            served?;
            tracing::info!("drained; exiting");
        }
        () = hard_deadline => {
            tracing::warn!(
                drain_timeout_ms = drain_timeout.as_millis() as u64,
                "drain timeout passed; closing the remaining connections"
            );
        }
    }
    Ok(())
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
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
