//! The `precis` binary: parses flags, sets up tracing, and hands over to the
//! server or the CLI.

use std::fs;
use std::io::{self, Read};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use precis::cli::{self, Command};
use precis::engine::{Engine, Limits, Request};
use precis::server::{self, ServerConfig};

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
    /// Largest number of items in one ProcessStream call.
    #[arg(long, env = "PRECIS_MAX_STREAM_ITEMS", default_value_t = ServerConfig::default().max_stream_items)]
    max_stream_items: usize,
    /// Server-side timeout per request in milliseconds (0 = none).
    #[arg(long, env = "PRECIS_REQUEST_TIMEOUT_MS", default_value_t = 30_000)]
    request_timeout_ms: u64,
    /// Largest gRPC message accepted or sent, in bytes.
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
    #[command(flatten)]
    limits: LimitArgs,
}

#[derive(Args)]
struct DocumentArgs {
    /// Plain-text article (stdin when absent). Ignored with --jsonl.
    file: Option<PathBuf>,
    /// Read JSON Lines on stdin and write one JSON line per input line.
    #[arg(long)]
    jsonl: bool,
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Commands::Serve(args) => serve(args),
        Commands::Segment(args) => document(Command::Segment, args),
        Commands::Summarize(args) => document(Command::Summarize, args),
        Commands::Prepare(args) => document(Command::Prepare, args),
        Commands::Process(args) => document(Command::Process, args),
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

fn init_tracing(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn serve(args: ServeArgs) -> ExitCode {
    init_tracing(args.log_json);
    let idf = match cli::idf::load(args.idf.as_deref()) {
        Ok(idf) => idf,
        Err(error) => {
            eprintln!("precis: {error}");
            return ExitCode::FAILURE;
        }
    };
    let config = ServerConfig {
        limits: args.limits.limits(),
        max_concurrent_requests: args.max_concurrent_requests.max(1),
        max_stream_items: args.max_stream_items,
        request_timeout: (args.request_timeout_ms > 0)
            .then(|| Duration::from_millis(args.request_timeout_ms)),
        max_message_bytes: args.max_message_bytes,
        drain_grace: Duration::from_millis(args.drain_grace_ms),
        idf,
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("precis: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&args.listen).await?;
        server::run(listener, config, server::shutdown_signal()).await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "server failed");
            eprintln!("precis: {error}");
            ExitCode::FAILURE
        }
    }
}

fn document(command: Command, args: DocumentArgs) -> ExitCode {
    let idf = match cli::idf::load(args.idf.as_deref()) {
        Ok(idf) => idf,
        Err(error) => {
            eprintln!("precis: {error}");
            return ExitCode::FAILURE;
        }
    };
    let engine = Engine::new(args.limits.limits()).with_idf(idf);
    if args.jsonl {
        let stdin = io::stdin().lock();
        let stdout = io::BufWriter::new(io::stdout().lock());
        return match cli::run_jsonl(&engine, command, stdin, stdout) {
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
