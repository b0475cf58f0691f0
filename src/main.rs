//! The `precis` binary: parses flags, sets up tracing, and hands over to the
//! server or the CLI.

use std::fs;
use std::io::{self, IsTerminal, Read};
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use precis::cli::{self, Command};
use precis::engine::{Engine, Limits, Request};
use precis::server::{self, ServerConfig};
use precis::text::srx::{SrxMode, SrxRules};

/// mimalloc instead of the system allocator: the engine makes many small,
/// short-lived allocations (per sentence and per request), and glibc malloc
/// was ~10% of a CLI run. Built without transparent huge pages (`no_thp`):
/// with them a server's RSS at 64 concurrent requests was 94 MB instead of
/// 36 MB (docs/performance-history.md, "Memory").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Input and output buffers of `--jsonl` runs: requests and answers are
/// ~5-40 KB lines.
const JSONL_BUFFER: usize = 64 * 1024;

/// Where `--jsonl` answers go: standard output without the line buffer of
/// `io::Stdout`, which scans every write for its last newline (2% of a
/// summarize run); the answers are whole lines in a `BufWriter` already.
/// `Send`: with several jobs a thread of its own writes the answers.
fn jsonl_stdout() -> Box<dyn io::Write + Send> {
    match as_file(io::stdout()) {
        Some(file) => Box::new(file),
        None => Box::new(io::stdout()),
    }
}

/// Where `--jsonl` requests come from: standard input read straight into
/// the caller's `BufReader`, so that what it holds is all that has been read
/// (`cli::run_jsonl` flushes its answers when no whole line is buffered).
fn jsonl_stdin() -> Box<dyn io::Read> {
    match as_file(io::stdin()) {
        Some(file) => Box::new(file),
        None => Box::new(io::stdin().lock()),
    }
}

/// A standard stream's file descriptor, duplicated, as a plain `File`
/// (no buffer of the standard library's in between).
#[cfg(unix)]
fn as_file(stream: impl std::os::fd::AsFd) -> Option<fs::File> {
    stream.as_fd().try_clone_to_owned().ok().map(fs::File::from)
}

#[cfg(not(unix))]
fn as_file<T>(_stream: T) -> Option<fs::File> {
    None
}

/// Blocking threads beyond the engine workers, for anything else that
/// blocks (file reads of TLS certificates, say).
const BLOCKING_THREADS_SPARE: usize = 2;

#[derive(Parser)]
#[command(
    name = "precis",
    version,
    about = "Sentences, news summaries and translation packages, over gRPC and JSONL"
)]
struct Cli {
    #[command(subcommand)]
    command: Commands,
}

#[derive(Subcommand)]
enum Commands {
    /// Run the gRPC server.
    Serve(ServeArgs),
    /// Split into sentences with exact offsets.
    Segment(DocumentArgs),
    /// Score sentences and print an extractive summary.
    Summarize(DocumentArgs),
    /// Build translation segments and batches.
    Prepare(DocumentArgs),
    /// Segmentation, summary and translation package in one pass.
    Process(DocumentArgs),
    /// Rebuild translated documents from translated segments and their
    /// package (JSON Lines only: --jsonl).
    Assemble(DocumentArgs),
    /// Background IDF models for summaries.
    #[command(subcommand)]
    Idf(IdfCommand),
}

#[derive(Subcommand)]
enum IdfCommand {
    /// Count document frequencies over a corpus and write a model file
    /// (format: `precis::summarize::idf`).
    Build(cli::idf::BuildArgs),
}

#[derive(Args, Clone)]
struct LimitArgs {
    /// Largest accepted text in UTF-8 bytes; protects memory and latency.
    #[arg(long, env = "PRECIS_MAX_TEXT_BYTES", default_value_t = Limits::default().max_text_bytes)]
    max_text_bytes: usize,
    /// Largest number of sentences in one document.
    #[arg(long, env = "PRECIS_MAX_SENTENCES", default_value_t = Limits::default().max_sentences)]
    max_doc_sentences: usize,
}

/// SRX segmentation rules (shared by `serve` and the document commands).
#[derive(Args, Clone)]
struct SrxArgs {
    /// SRX 2.0 rule file (e.g. LanguageTool's or Okapi's segment.srx),
    /// loaded at start-up and applied where sentences are split, on top of
    /// the built-in rules.
    #[arg(long, env = "PRECIS_SRX")]
    srx: Option<PathBuf>,
    /// Languages (repeatable) for which the SRX rules replace the built-in
    /// ones instead of adding to them (line and paragraph breaks stay).
    #[arg(
        long = "srx-instead",
        env = "PRECIS_SRX_INSTEAD",
        value_delimiter = ','
    )]
    srx_instead: Vec<String>,
}

impl SrxArgs {
    /// Loads the rules; an unreadable or malformed file stops start-up.
    fn load(&self) -> Result<Option<Arc<SrxRules>>, String> {
        let Some(path) = &self.srx else {
            return Ok(None);
        };
        let xml = fs::read_to_string(path)
            .map_err(|e| format!("cannot read --srx {}: {e}", path.display()))?;
        let mut rules =
            SrxRules::parse(&xml).map_err(|e| format!("--srx {}: {e}", path.display()))?;
        for lang in &self.srx_instead {
            let code = precis::text::language::normalize_tag(lang)
                .map_err(|e| format!("--srx-instead: {:?} is not a language tag", e.0))?;
            rules.set_mode(&code, SrxMode::Instead);
        }
        for skipped in &rules.skipped {
            eprintln!("precis: --srx: skipped rule {skipped}");
        }
        Ok(Some(Arc::new(rules)))
    }
}

impl LimitArgs {
    fn limits(&self) -> Limits {
        Limits {
            max_text_bytes: self.max_text_bytes,
            max_sentences: self.max_doc_sentences,
        }
    }
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on. The default is loopback only: a sidecar serves
    /// its own pod.
    #[arg(long, env = "PRECIS_LISTEN", default_value = "127.0.0.1:50051")]
    listen: String,
    /// Requests processed at once; more are refused with RESOURCE_EXHAUSTED
    /// instead of queueing without bound.
    #[arg(long, env = "PRECIS_MAX_CONCURRENT_REQUESTS", default_value_t = ServerConfig::default().max_concurrent_requests)]
    max_concurrent_requests: usize,
    /// Requests whose CPU work runs at once (default: the number of cores);
    /// admitted requests beyond it wait for a free worker.
    #[arg(long, env = "PRECIS_WORKERS", default_value_t = precis::server::default_workers())]
    workers: usize,
    /// Requests on a text of at most this many bytes run at once on the
    /// async thread that received them (under a millisecond for a news
    /// article); larger ones go to a blocking worker thread (0 = all do).
    #[arg(long, env = "PRECIS_INLINE_MAX_BYTES", default_value_t = ServerConfig::default().inline_max_bytes)]
    inline_max_bytes: usize,
    /// Largest number of items in one ProcessStream call.
    #[arg(long, env = "PRECIS_MAX_STREAM_ITEMS", default_value_t = ServerConfig::default().max_stream_items)]
    max_stream_items: usize,
    /// Deadline per request (per item of a stream) in milliseconds; a
    /// client's sooner grpc-timeout wins. Past it the call gets
    /// DEADLINE_EXCEEDED and the work stops (0 = none).
    #[arg(long, env = "PRECIS_REQUEST_TIMEOUT_MS", default_value_t = 30_000)]
    request_timeout_ms: u64,
    /// Largest gRPC request message in bytes; a larger one is refused with
    /// OUT_OF_RANGE before it is decoded (bounds memory per request).
    #[arg(long, env = "PRECIS_MAX_MESSAGE_BYTES", default_value_t = ServerConfig::default().max_message_bytes)]
    max_message_bytes: usize,
    /// Milliseconds between reporting NOT_SERVING and closing the listener
    /// on SIGTERM/Ctrl-C; in-flight requests then finish.
    #[arg(long, env = "PRECIS_DRAIN_GRACE_MS", default_value_t = 500)]
    drain_grace_ms: u64,
    /// Log as JSON lines instead of text.
    #[arg(long, env = "PRECIS_LOG_JSON")]
    log_json: bool,
    /// Background IDF model for summaries (from `precis idf build`).
    #[arg(long, env = "PRECIS_IDF")]
    idf: Option<PathBuf>,
    /// Listen at once, without first processing the built-in warm-up texts
    /// (tens of milliseconds); the first requests then wait while the
    /// engine builds its regexes and tables on first use.
    #[arg(long, env = "PRECIS_NO_WARM_UP")]
    no_warm_up: bool,
    #[command(flatten)]
    limits: LimitArgs,
    #[command(flatten)]
    srx: SrxArgs,
    #[command(flatten)]
    ops: OpsArgs,
}

/// Operations flags of `serve`: drain bound, metrics, TLS, Unix socket,
/// keepalive. See docs/OPERATIONS.md.
#[derive(Args)]
struct OpsArgs {
    /// After the drain grace, milliseconds that open connections get to
    /// finish before they are closed anyway (a Health Watch stream never
    /// ends by itself). Keep grace + this under the pod's
    /// terminationGracePeriodSeconds.
    #[arg(long, env = "PRECIS_DRAIN_TIMEOUT_MS", default_value_t = 10_000)]
    drain_timeout_ms: u64,
    /// Serve Prometheus metrics at http://ADDRESS/metrics (e.g.
    /// 0.0.0.0:9464); off when empty.
    #[arg(long, env = "PRECIS_METRICS_LISTEN", default_value = "")]
    metrics_listen: String,
    /// Listen on this Unix domain socket instead of --listen (clients must
    /// send :authority localhost). A stale socket file is replaced.
    #[arg(long, env = "PRECIS_UDS")]
    uds: Option<PathBuf>,
    /// Server certificate chain (PEM); with --tls-key, serve TLS.
    #[arg(long, env = "PRECIS_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// Server private key (PEM).
    #[arg(long, env = "PRECIS_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// CA certificates (PEM) that client certificates must chain to:
    /// mutual TLS; clients without a valid certificate are refused.
    #[arg(long, env = "PRECIS_TLS_CLIENT_CA", requires = "tls_cert")]
    tls_client_ca: Option<PathBuf>,
    /// HTTP/2 PING interval in milliseconds on idle connections; finds dead
    /// peers behind NATs and proxies (0 = off).
    #[arg(
        long,
        env = "PRECIS_HTTP2_KEEPALIVE_INTERVAL_MS",
        default_value_t = 30_000
    )]
    http2_keepalive_interval_ms: u64,
    /// Milliseconds to wait for a PING answer before closing the connection.
    #[arg(
        long,
        env = "PRECIS_HTTP2_KEEPALIVE_TIMEOUT_MS",
        default_value_t = 10_000
    )]
    http2_keepalive_timeout_ms: u64,
    /// TCP keepalive idle time in milliseconds (0 = off).
    #[arg(long, env = "PRECIS_TCP_KEEPALIVE_MS", default_value_t = 60_000)]
    tcp_keepalive_ms: u64,
    /// Close each connection (gracefully, with GOAWAY) after this many
    /// milliseconds, so L4 load balancers rebalance clients (0 = never).
    #[arg(long, env = "PRECIS_MAX_CONNECTION_AGE_MS", default_value_t = 0)]
    max_connection_age_ms: u64,
}

/// `Some(ms)` unless `ms` is 0.
fn millis(ms: u64) -> Option<Duration> {
    (ms > 0).then(|| Duration::from_millis(ms))
}

impl OpsArgs {
    fn tls(&self) -> io::Result<Option<server::TlsPem>> {
        let (Some(cert), Some(key)) = (&self.tls_cert, &self.tls_key) else {
            return Ok(None);
        };
        let read = |path: &PathBuf| {
            fs::read(path).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))
        };
        Ok(Some(server::TlsPem {
            cert: read(cert)?,
            key: read(key)?,
            client_ca: self.tls_client_ca.as_ref().map(read).transpose()?,
        }))
    }
}

#[derive(Args)]
struct DocumentArgs {
    /// Plain-text article (stdin when absent). Ignored with --jsonl.
    file: Option<PathBuf>,
    /// Read JSON Lines on stdin and write one JSON line per input line.
    #[arg(long)]
    jsonl: bool,
    /// With --jsonl: lines answered at once, each job on a thread of its
    /// own; the answers stay in input order and are the same for any
    /// number of jobs. Default: the CPUs this process may run on.
    #[arg(long, env = "PRECIS_JOBS")]
    jobs: Option<NonZeroUsize>,
    /// Language hint (BCP-47); detected when absent.
    #[arg(long)]
    lang: Option<String>,
    /// Headline; detected when absent.
    #[arg(long)]
    title: Option<String>,
    /// Summary budget in sentences.
    #[arg(long)]
    max_sentences: Option<i64>,
    /// Summary budget as a fraction of the sentences, in (0, 1].
    #[arg(long)]
    ratio: Option<f64>,
    /// Summary budget in words.
    #[arg(long)]
    max_words: Option<i64>,
    /// Summary budget in code points.
    #[arg(long)]
    max_chars: Option<i64>,
    /// Target languages for packages (repeatable).
    #[arg(long = "target-lang")]
    target_langs: Vec<String>,
    /// Background IDF model for summaries (from `precis idf build`).
    #[arg(long, env = "PRECIS_IDF")]
    idf: Option<PathBuf>,
    #[command(flatten)]
    limits: LimitArgs,
    #[command(flatten)]
    srx: SrxArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Commands::Serve(args) => serve(args),
        Commands::Segment(args) => document(Command::Segment, args),
        Commands::Summarize(args) => document(Command::Summarize, args),
        Commands::Prepare(args) => document(Command::Prepare, args),
        Commands::Process(args) => document(Command::Process, args),
        Commands::Assemble(args) => document(Command::Assemble, args),
        Commands::Idf(IdfCommand::Build(args)) => match cli::idf::build(&args) {
            Ok(report) => {
                eprintln!("{report}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("precis: {error}");
                ExitCode::FAILURE
            }
        },
    }
}

/// Starts the log on stderr; it is written until the returned guard is
/// dropped, which writes what is still queued.
///
/// A line is formatted on the thread that logs it and written by a thread
/// of its own (tracing-appender), which writes the lines queued meanwhile
/// together and flushes whenever the queue is empty: a line is out as soon
/// as that thread runs, and a loaded server makes one `write` for many
/// lines. Each RPC logs a line, and writing it to stderr on the worker that
/// served the call was 9.5% of the server's perf samples under GetInfo
/// (docs/PERFORMANCE.md, "Twenty-first session"). Not lossy: when
/// [`LOG_QUEUE_LINES`] lines are queued, logging waits, as a blocked stderr
/// made it wait before.
fn init_tracing(json: bool) -> tracing_appender::non_blocking::WorkerGuard {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .buffered_lines_limit(LOG_QUEUE_LINES)
        .thread_name("precis-log")
        .finish(io::BufWriter::with_capacity(LOG_BUFFER_BYTES, io::stderr()));
    // Colours only for a person at a terminal: a sidecar's stderr goes to
    // a log collector, where escape codes are noise in every line.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(io::stderr().is_terminal())
        .with_writer(writer);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
    guard
}

/// The log thread's buffer: the most bytes of lines written in one `write`.
const LOG_BUFFER_BYTES: usize = 64 * 1024;

/// The most lines queued for the log thread: ~0.2 s of a loaded server's
/// RPC lines. The queue's slots are allocated up front (tracing-appender's
/// default of 128,000 lines added 4 MB to the server's RSS).
const LOG_QUEUE_LINES: usize = 8 * 1024;

/// Builds what the engine builds on first use (regexes, word lists,
/// segmenters; [`Engine::warm_up`]) before the server listens, so that no
/// request waits for it.
fn warm_up(config: &ServerConfig) {
    let engine = Engine::new(config.limits)
        .with_srx(config.srx.clone())
        .with_idf(config.idf.clone());
    let done = engine.warm_up();
    tracing::info!(
        texts = done.processed,
        refused_by_limits = done.refused,
        ms = done.elapsed.as_secs_f64() * 1e3,
        "warmed up"
    );
}

fn serve(args: ServeArgs) -> ExitCode {
    let _log = init_tracing(args.log_json);
    let ops = &args.ops;
    let metrics_listen = match ops.metrics_listen.trim() {
        "" => None,
        address => match address.parse() {
            Ok(address) => Some(address),
            Err(error) => {
                eprintln!("precis: --metrics-listen {address:?}: {error}");
                return ExitCode::FAILURE;
            }
        },
    };
    let tls = match ops.tls() {
        Ok(tls) => tls,
        Err(error) => {
            eprintln!("precis: cannot read TLS files: {error}");
            return ExitCode::FAILURE;
        }
    };
    let (srx, idf) = match load_models(&args.srx, args.idf.as_deref()) {
        Ok(models) => models,
        Err(error) => {
            eprintln!("precis: {error}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(rules) = &srx {
        tracing::info!(rules = rules.rule_count(), hash = %rules.rules_hash, "SRX rules loaded");
    }
    let config = ServerConfig {
        limits: args.limits.limits(),
        max_concurrent_requests: args.max_concurrent_requests.max(1),
        workers: args.workers.max(1),
        inline_max_bytes: args.inline_max_bytes,
        max_stream_items: args.max_stream_items,
        request_timeout: (args.request_timeout_ms > 0)
            .then(|| Duration::from_millis(args.request_timeout_ms)),
        max_message_bytes: args.max_message_bytes,
        drain_grace: Duration::from_millis(args.drain_grace_ms),
        drain_timeout: Duration::from_millis(ops.drain_timeout_ms),
        metrics_listen,
        tls,
        http2_keepalive_interval: millis(ops.http2_keepalive_interval_ms),
        http2_keepalive_timeout: millis(ops.http2_keepalive_timeout_ms),
        tcp_keepalive: millis(ops.tcp_keepalive_ms),
        max_connection_age: millis(ops.max_connection_age_ms),
        srx,
        idf,
    };
    if !args.no_warm_up {
        warm_up(&config);
    }
    // Engine jobs run on tokio's blocking threads, at most `workers` at a
    // time. A fixed set of threads that stay alive keeps their term caches
    // and allocator heaps warm: with tokio's defaults (512 threads, 10 s
    // keep-alive) a job often started a fresh thread while the previous one
    // was finishing, and RSS crept up over a soak as threads came and went.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(config.workers + BLOCKING_THREADS_SPARE)
        .thread_keep_alive(Duration::from_secs(3600))
        .build();
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("precis: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let uds = ops.uds.clone();
    let result = runtime.block_on(async move {
        let listener: server::Listener = match &uds {
            #[cfg(unix)]
            Some(path) => {
                // A socket file left by a previous run would make bind fail.
                if fs::symlink_metadata(path).is_ok() {
                    fs::remove_file(path)?;
                }
                tokio::net::UnixListener::bind(path)?.into()
            }
            #[cfg(not(unix))]
            Some(_) => return Err("--uds needs a Unix system".into()),
            None => tokio::net::TcpListener::bind(&args.listen).await?.into(),
        };
        let served = server::run(listener, config, server::shutdown_signal()).await;
        if let Some(path) = &uds {
            let _ = fs::remove_file(path);
        }
        served
    });
    // Engine jobs past the drain timeout are abandoned rather than waited for.
    runtime.shutdown_timeout(Duration::from_secs(1));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "server failed");
            eprintln!("precis: {error}");
            ExitCode::FAILURE
        }
    }
}

/// SRX rules and the background IDF model, loaded once at start-up.
type Models = (
    Option<std::sync::Arc<precis::text::srx::SrxRules>>,
    Option<std::sync::Arc<precis::summarize::IdfModel>>,
);

fn load_models(srx: &SrxArgs, idf: Option<&std::path::Path>) -> Result<Models, String> {
    Ok((srx.load()?, cli::idf::load(idf)?))
}

fn document(command: Command, args: DocumentArgs) -> ExitCode {
    let (srx, idf) = match load_models(&args.srx, args.idf.as_deref()) {
        Ok(models) => models,
        Err(error) => {
            eprintln!("precis: {error}");
            return ExitCode::FAILURE;
        }
    };
    let engine = Engine::new(args.limits.limits())
        .with_srx(srx)
        .with_idf(idf);
    if args.jsonl {
        let mut stdin = io::BufReader::with_capacity(JSONL_BUFFER, jsonl_stdin());
        let stdout = io::BufWriter::with_capacity(JSONL_BUFFER, jsonl_stdout());
        let jobs = args
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN));
        return match cli::run_jsonl(&engine, command, &mut stdin, stdout, jobs) {
            Ok(0) => ExitCode::SUCCESS,
            Ok(failed) => {
                eprintln!("precis: {failed} line(s) failed");
                ExitCode::FAILURE
            }
            Err(error) => {
                eprintln!("precis: {error}");
                ExitCode::FAILURE
            }
        };
    }
    let text = match &args.file {
        Some(path) => fs::read_to_string(path),
        None => {
            let mut text = String::new();
            io::stdin().read_to_string(&mut text).map(|_| text)
        }
    };
    let text = match text {
        Ok(text) => text,
        Err(error) => {
            eprintln!("precis: cannot read input: {error}");
            return ExitCode::FAILURE;
        }
    };
    let request = Request {
        text,
        title: args.title,
        language: args.lang,
        budget: precis::engine::BudgetFields {
            max_sentences: args.max_sentences,
            ratio: args.ratio,
            max_words: args.max_words,
            max_chars: args.max_chars,
        },
        target_langs: args.target_langs,
        ..Request::default()
    };
    match cli::run_readable(&engine, command, &request, io::stdout().lock()) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(error)) => {
            eprintln!("precis: {error}");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("precis: {error}");
            ExitCode::FAILURE
        }
    }
}
