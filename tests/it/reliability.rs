//! Reliability over real sockets (loopback only), each test bounded in time:
//! the bad-input matrix, limits at and just over, every invalid option,
//! overload, deadlines and cancellation (the worker stops), SIGTERM drain of
//! the real binary under load, metrics, request ids in JSON logs, TLS and
//! mutual TLS, Unix domain sockets, compression.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use precis::api::pb;
use precis::api::pb::precis_client::PrecisClient;
use precis::engine::Limits;
use precis::server::ServerConfig;
use prost::Message;
use tokio_stream::StreamExt;
use tonic::Code;
use tonic::transport::Channel;
use tonic_types::StatusExt;

use crate::support::{SEED_ARTICLE, TestServer};

/// Every bounded wait in this file.
const BOUND: Duration = Duration::from_secs(120);

fn process_request(text: impl Into<String>) -> pb::ProcessRequest {
    pb::ProcessRequest {
        text: text.into(),
        ..Default::default()
    }
}

async fn call_process(
    client: &mut PrecisClient<Channel>,
    request: pb::ProcessRequest,
) -> Result<pb::ProcessResponse, tonic::Status> {
    tokio::time::timeout(BOUND, client.process(request))
        .await
        .expect("the call returns within the bound")
        .map(tonic::Response::into_inner)
}

fn bad_request_field(status: &tonic::Status) -> Option<String> {
    status
        .get_details_bad_request()
        .and_then(|details| details.field_violations.first().map(|v| v.field.clone()))
}

/// The invariants every successful answer keeps, whatever the input: exact
/// slices, whitespace between sentences, the package rebuilds the text.
fn assert_exact(text: &str, response: &pb::ProcessResponse) {
    let mut previous_end = 0usize;
    for sentence in &response.sentences {
        let (start, end) = (sentence.start as usize, sentence.end as usize);
        assert_eq!(sentence.text, text[start..end], "exact slice");
        assert!(start >= previous_end, "ordered, non-overlapping");
        assert!(
            text[previous_end..start].trim().is_empty(),
            "only whitespace between sentences"
        );
        previous_end = end;
    }
    let package = response.package.as_ref().expect("package");
    let rebuilt: String = std::iter::once(package.leading.clone())
        .chain(
            package
                .segments
                .iter()
                .map(|s| format!("{}{}", s.text, s.gap_after)),
        )
        .collect();
    assert_eq!(rebuilt, text, "package rebuilds the input");
}

async fn assert_still_serving(client: &mut PrecisClient<Channel>) {
    let response = call_process(client, process_request(SEED_ARTICLE))
        .await
        .expect("the server keeps serving");
    assert!(!response.summary.is_empty());
}

fn repeat_to(unit: &str, bytes: usize) -> String {
    let mut text = unit.repeat(bytes / unit.len() + 1);
    text.truncate(bytes);
    text
}

enum Expect {
    Ok,
    /// A status code, with the BadRequest field when there is one.
    Status(Code, Option<&'static str>),
}

#[tokio::test]
async fn bad_input_matrix_gets_documented_statuses_and_the_server_keeps_serving() {
    let server = TestServer::start().await;
    let mut client = server.client().await;
    let limits = Limits::default();
    let cases: Vec<(&str, String, Expect)> = vec![
        (
            "empty",
            String::new(),
            Expect::Status(Code::InvalidArgument, Some("text")),
        ),
        (
            "whitespace only",
            " \n\t \u{3000} \r\n".into(),
            Expect::Status(Code::InvalidArgument, Some("text")),
        ),
        ("one byte", "a".into(), Expect::Ok),
        // Over --max-message-bytes (4 MiB): refused by the transport before
        // decoding, so it costs nothing.
        (
            "10 MB text",
            "a".repeat(10_000_000),
            Expect::Status(Code::OutOfRange, None),
        ),
        // Under the message limit, over --max-text-bytes (1 MiB): refused
        // before any work.
        (
            "one 2 MB sentence without punctuation",
            repeat_to("word ", 2_000_000),
            Expect::Status(Code::ResourceExhausted, Some("text")),
        ),
        (
            "a million short sentences",
            "Hi. ".repeat(1_000_000),
            Expect::Status(Code::ResourceExhausted, Some("text")),
        ),
        (
            "just over max_text_bytes",
            repeat_to("word ", limits.max_text_bytes + 1),
            Expect::Status(Code::ResourceExhausted, Some("text")),
        ),
        (
            "NUL and control characters",
            "Hello\0 world.\u{7} The bell rang.\u{1b}[0m Done.\u{8}".into(),
            Expect::Ok,
        ),
        (
            "lone combining marks",
            "\u{301}\u{301} starts oddly. a\u{300}\u{300}\u{300} and \u{20dd} alone.".into(),
            Expect::Ok,
        ),
        (
            "RTL text",
            "مرحبا بالعالم. هذه جملة ثانية؟ שלום עולם. זה משפט.".into(),
            Expect::Ok,
        ),
        (
            "emoji ZWJ sequences",
            "The family 👨‍👩‍👧‍👦 arrived. Then 🏳️‍🌈 flags flew! 👩🏽‍💻 typed.".into(),
            Expect::Ok,
        ),
        (
            "mixed scripts",
            "ASEAN ministers met. 中国代表团抵达。ประเทศไทยเป็นเจ้าภาพ Việt Nam ký kết. ខ្មែរ។".into(),
            Expect::Ok,
        ),
        (
            "lone surrogate-free replacement chars and BOM",
            "\u{feff}Title\n\nBody text \u{fffd}\u{fffd} here. End.".into(),
            Expect::Ok,
        ),
    ];
    for (name, text, expect) in cases {
        let started = Instant::now();
        let result = call_process(&mut client, process_request(text.clone())).await;
        let elapsed = started.elapsed();
        match (expect, result) {
            (Expect::Ok, Ok(response)) => {
                assert!(!response.sentences.is_empty(), "{name}: sentences");
                assert_exact(&text, &response);
            }
            (Expect::Status(code, field), Err(status)) => {
                assert_eq!(status.code(), code, "{name}: {status:?}");
                assert_eq!(bad_request_field(&status).as_deref(), field, "{name}");
                // Refusals do no work: fast even in a debug build.
                assert!(
                    elapsed < Duration::from_secs(10),
                    "{name}: refused in {elapsed:?}"
                );
            }
            (_, Ok(_)) => panic!("{name}: expected an error"),
            (_, Err(status)) => panic!("{name}: unexpected {status:?}"),
        }
        // The server keeps serving after each case.
        let info = tokio::time::timeout(BOUND, client.get_info(pb::GetInfoRequest {}))
            .await
            .unwrap();
        assert!(info.is_ok(), "{name}: server still answers");
    }
    assert_still_serving(&mut client).await;
    server.stop().await;
}

fn small_limits() -> ServerConfig {
    ServerConfig {
        limits: Limits {
            max_text_bytes: 2000,
            max_sentences: 10,
        },
        max_stream_items: 3,
        max_message_bytes: 4096,
        drain_grace: Duration::from_millis(10),
        ..ServerConfig::default()
    }
}

#[tokio::test]
async fn every_limit_at_and_just_over() {
    let config = small_limits();
    let server = TestServer::start_with(config.clone()).await;
    let mut client = server.client().await;

    // max_text_bytes: exactly at is processed, one byte over is refused.
    // (One long sentence, so the sentence limit is not what is tested.)
    let at_limit = format!("{}.", repeat_to("word ", config.limits.max_text_bytes - 1));
    assert_eq!(at_limit.len(), config.limits.max_text_bytes);
    let response = call_process(&mut client, process_request(at_limit.clone()))
        .await
        .expect("exactly max_text_bytes is accepted");
    assert_exact(&at_limit, &response);
    let status = call_process(&mut client, process_request(format!("{at_limit}y")))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::ResourceExhausted);
    assert_eq!(bad_request_field(&status).as_deref(), Some("text"));

    // max_sentences: 10 accepted, 11 refused.
    let sentences = |n: usize| {
        (0..n)
            .map(|i| format!("Sentence number {i} is here."))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let response = call_process(&mut client, process_request(sentences(10)))
        .await
        .expect("exactly max_sentences is accepted");
    assert_eq!(response.sentences.len(), 10);
    let status = call_process(&mut client, process_request(sentences(11)))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::ResourceExhausted);
    assert_eq!(bad_request_field(&status).as_deref(), Some("text"));
    assert!(
        status.message().contains("sentences"),
        "{}",
        status.message()
    );

    // max_message_bytes: a request of exactly the limit is decoded (and its
    // text then refused by max_text_bytes); one byte more is OUT_OF_RANGE.
    let with_text_len = |n: usize| process_request("a".repeat(n));
    let mut n = config.max_message_bytes - 3;
    while with_text_len(n).encoded_len() > config.max_message_bytes {
        n -= 1;
    }
    assert_eq!(with_text_len(n).encoded_len(), config.max_message_bytes);
    let status = call_process(&mut client, with_text_len(n))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    let status = call_process(&mut client, with_text_len(n + 1))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::OutOfRange, "{status:?}");

    // max_stream_items: 3 answered; the 4th ends the stream.
    for (items, expect_error) in [(3usize, false), (4, true)] {
        let requests: Vec<_> = (0..items)
            .map(|i| pb::ProcessRequest {
                document_id: format!("d{i}"),
                ..process_request("One sentence. Two sentences.")
            })
            .collect();
        let mut stream = client
            .process_stream(tokio_stream::iter(requests))
            .await
            .unwrap()
            .into_inner();
        let mut answered = 0;
        let mut error = None;
        while let Some(item) = tokio::time::timeout(BOUND, stream.next()).await.unwrap() {
            match item {
                Ok(_) => answered += 1,
                Err(status) => error = Some(status),
            }
        }
        assert_eq!(answered, 3, "{items} items");
        assert_eq!(
            error.map(|s| s.code()),
            expect_error.then_some(Code::ResourceExhausted),
            "{items} items"
        );
    }

    // GetInfo reports the limits in force.
    let info = client
        .get_info(pb::GetInfoRequest {})
        .await
        .unwrap()
        .into_inner();
    let limits = info.limits.unwrap();
    assert_eq!(limits.max_text_bytes, 2000);
    assert_eq!(limits.max_sentences, 10);
    assert_eq!(limits.max_stream_items, 3);
    assert_eq!(limits.max_message_bytes, 4096);
    server.stop().await;
}

#[tokio::test]
async fn every_invalid_option_names_its_field() {
    let server = TestServer::start().await;
    let mut client = server.client().await;
    let base = || process_request("Trade grew in 2025. Energy deals followed. Talks went on.");
    let weights = |w: pb::ScoringWeights| pb::ProcessRequest {
        weights: Some(w),
        ..base()
    };
    let cases: Vec<(&str, pb::ProcessRequest)> = vec![
        (
            "ratio",
            pb::ProcessRequest {
                ratio: Some(0.0),
                ..base()
            },
        ),
        (
            "ratio",
            pb::ProcessRequest {
                ratio: Some(-0.5),
                ..base()
            },
        ),
        (
            "ratio",
            pb::ProcessRequest {
                ratio: Some(1.01),
                ..base()
            },
        ),
        (
            "ratio",
            pb::ProcessRequest {
                ratio: Some(f64::NAN),
                ..base()
            },
        ),
        (
            "max_sentences",
            pb::ProcessRequest {
                max_sentences: Some(0),
                ..base()
            },
        ),
        (
            "max_sentences",
            pb::ProcessRequest {
                max_sentences: Some(-3),
                ..base()
            },
        ),
        (
            "max_words",
            pb::ProcessRequest {
                max_words: Some(-1),
                ..base()
            },
        ),
        (
            "max_chars",
            pb::ProcessRequest {
                max_chars: Some(0),
                ..base()
            },
        ),
        // Conflicting budgets: the second one set is named.
        (
            "ratio",
            pb::ProcessRequest {
                max_sentences: Some(2),
                ratio: Some(0.5),
                ..base()
            },
        ),
        (
            "max_chars",
            pb::ProcessRequest {
                max_words: Some(20),
                max_chars: Some(100),
                ..base()
            },
        ),
        (
            "language",
            pb::ProcessRequest {
                language: "!!".into(),
                ..base()
            },
        ),
        (
            "language",
            pb::ProcessRequest {
                language: "e".into(),
                ..base()
            },
        ),
        (
            "target_langs[1]",
            pb::ProcessRequest {
                target_langs: vec!["vi".into(), "not a tag".into()],
                ..base()
            },
        ),
        (
            "weights.tfidf",
            weights(pb::ScoringWeights {
                tfidf: Some(-1.0),
                ..Default::default()
            }),
        ),
        (
            "weights.position",
            weights(pb::ScoringWeights {
                position: Some(f64::INFINITY),
                ..Default::default()
            }),
        ),
        (
            "weights.title",
            weights(pb::ScoringWeights {
                title: Some(f64::NAN),
                ..Default::default()
            }),
        ),
        (
            "weights.length",
            weights(pb::ScoringWeights {
                length: Some(-0.1),
                ..Default::default()
            }),
        ),
        (
            "weights.redundancy",
            weights(pb::ScoringWeights {
                redundancy: Some(0.0),
                ..Default::default()
            }),
        ),
        (
            "weights.redundancy",
            weights(pb::ScoringWeights {
                redundancy: Some(1.5),
                ..Default::default()
            }),
        ),
        (
            "segmentation.extra_abbreviations",
            pb::ProcessRequest {
                segmentation: Some(pb::SegmentOptions {
                    extra_abbreviations: vec!["two words".into()],
                    one_sentence_per_line: false,
                }),
                ..base()
            },
        ),
    ];
    for (field, request) in cases {
        let described = format!("{request:?}");
        let status = call_process(&mut client, request).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{described}");
        assert_eq!(
            bad_request_field(&status).as_deref(),
            Some(field),
            "{described}"
        );
    }
    // The Summarize entry point validates the same way.
    let status = client
        .summarize(pb::SummarizeRequest {
            text: "One. Two.".into(),
            ratio: Some(2.0),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(bad_request_field(&status).as_deref(), Some("ratio"));
    assert_still_serving(&mut client).await;
    server.stop().await;
}

/// A job for the deadline and cancellation tests, sized to this build: a
/// release build does the engine's work ~10x faster than a debug one, so
/// fixed sizes made either slow debug tests or release jobs that finished
/// inside their deadline.
struct LongJob {
    /// Copies of the seed article that take about a second of engine work
    /// here, at most 3,400 (8 MB, within [`long_job_limits`]).
    copies: usize,
    /// A deadline well inside that work: a quarter of it, between 150 ms
    /// and the `cap` the test asks for. (The server answers a tenth of the
    /// deadline early; a client-side timer starts before the client has
    /// encoded and sent megabytes, and that margin has to cover it.) In a
    /// release build on the development machine: 3,400 copies, ~0.37 s of
    /// work, 150 ms.
    deadline: Duration,
}

impl LongJob {
    fn new(cap: Duration) -> LongJob {
        let engine = precis::engine::Engine::default();
        let run = |text: String| {
            let request = precis::engine::Request {
                text,
                ..precis::engine::Request::default()
            };
            let validated = engine.validate(&request).unwrap();
            engine.process(&validated).unwrap();
        };
        run(SEED_ARTICLE.to_string()); // lazily built tables
        let started = Instant::now();
        run(large_article(40));
        let per_copy = started.elapsed() / 40;
        let copies = (Duration::from_secs(1).as_nanos() / per_copy.as_nanos().max(1)) as usize;
        let copies = copies.clamp(40, 3_400);
        let deadline = (per_copy * copies as u32 / 4).clamp(Duration::from_millis(150), cap);
        LongJob { copies, deadline }
    }

    fn text(&self) -> String {
        large_article(self.copies)
    }
}

/// Server limits that take a [`LongJob`]'s text.
fn long_job_limits() -> (Limits, usize) {
    let limits = Limits {
        max_text_bytes: 8 * 1024 * 1024,
        max_sentences: 100_000,
    };
    (limits, 16 * 1024 * 1024)
}

/// [`long_job_limits`] as `precis serve` flags.
const LONG_JOB_FLAGS: [&str; 6] = [
    "--max-text-bytes",
    "8388608",
    "--max-message-bytes",
    "16777216",
    "--max-doc-sentences",
    "100000",
];

/// `copies` of the seed article (2.35 KB each), separated by blank lines.
fn large_article(copies: usize) -> String {
    let mut text = String::new();
    for _ in 0..copies {
        text.push_str(SEED_ARTICLE);
        text.push_str("\n\n");
    }
    text
}

#[tokio::test]
async fn overload_refuses_the_excess_at_once_and_completes_the_rest() {
    let server = TestServer::start_with(ServerConfig {
        max_concurrent_requests: 2,
        drain_grace: Duration::from_millis(10),
        ..ServerConfig::default()
    })
    .await;
    let client = server.client().await;
    let text = large_article(40);
    let mut calls = Vec::new();
    for _ in 0..12 {
        let mut client = client.clone();
        let text = text.clone();
        calls.push(tokio::spawn(async move {
            let started = Instant::now();
            let result = call_process(&mut client, process_request(text)).await;
            (result, started.elapsed())
        }));
    }
    let mut accepted = Vec::new();
    let mut refused = Vec::new();
    for call in calls {
        let (result, elapsed) = call.await.unwrap();
        match result {
            Ok(response) => {
                assert!(!response.summary.is_empty());
                accepted.push(elapsed);
            }
            Err(status) => {
                assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
                assert!(
                    status.message().contains("concurrent"),
                    "{}",
                    status.message()
                );
                refused.push(elapsed);
            }
        }
    }
    assert!(
        accepted.len() >= 2,
        "the limit's worth of requests complete"
    );
    assert!(refused.len() >= 6, "the excess is refused: {refused:?}");
    let slowest_refusal = refused.iter().max().unwrap();
    let fastest_success = accepted.iter().min().unwrap();
    assert!(
        slowest_refusal < fastest_success,
        "refusals ({slowest_refusal:?}) come before any accepted request finishes ({fastest_success:?})"
    );
    assert_still_serving(&mut client.clone()).await;
    server.stop().await;
}

#[tokio::test]
async fn server_request_timeout_answers_deadline_exceeded() {
    let job = LongJob::new(Duration::from_millis(150));
    let (limits, max_message_bytes) = long_job_limits();
    let server = TestServer::start_with(ServerConfig {
        limits,
        max_message_bytes,
        request_timeout: Some(job.deadline),
        drain_grace: Duration::from_millis(10),
        ..ServerConfig::default()
    })
    .await;
    let mut client = server.client().await;
    let started = Instant::now();
    let status = call_process(&mut client, process_request(job.text()))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    server.stop().await;
}

#[tokio::test]
async fn client_deadline_answers_deadline_exceeded_promptly() {
    let job = LongJob::new(Duration::from_millis(200));
    let (limits, max_message_bytes) = long_job_limits();
    let server = TestServer::start_with(ServerConfig {
        limits,
        max_message_bytes,
        ..ServerConfig::default()
    })
    .await;
    let mut client = server.client().await;
    let mut request = tonic::Request::new(process_request(job.text()));
    // The grpc-timeout header alone, as any client sends it: tonic's own
    // `set_timeout` also arms a client-side timer that races the server's
    // answer and reports CANCELLED, which is not what is under test here.
    request.metadata_mut().insert(
        "grpc-timeout",
        format!("{}m", job.deadline.as_millis()).parse().unwrap(),
    );
    let started = Instant::now();
    let status = tokio::time::timeout(BOUND, client.process(request))
        .await
        .unwrap()
        .unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
    assert!(elapsed < Duration::from_secs(3), "answered in {elapsed:?}");

    assert_still_serving(&mut client).await;
    server.stop().await;
}

// ---- the real binary -------------------------------------------------------

/// `precis serve` as a child process, JSON logs captured.
struct Binary {
    child: Child,
    address: String,
    metrics_address: Option<String>,
    logs: Arc<Mutex<Vec<String>>>,
}

impl Binary {
    fn start(extra: &[&str]) -> Binary {
        let mut child = Command::new(env!("CARGO_BIN_EXE_precis"))
            .args(["serve", "--listen", "127.0.0.1:0", "--log-json"])
            .args(extra)
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn precis serve");
        let stderr = child.stderr.take().unwrap();
        let logs = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel::<(String, String)>();
        {
            let logs = logs.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines() {
                    let Ok(line) = line else { break };
                    if let Ok(json) = serde_json::from_str::<serde_json::Value>(&line) {
                        let fields = &json["fields"];
                        if let (Some(message), Some(address)) =
                            (fields["message"].as_str(), fields["address"].as_str())
                        {
                            let _ = tx.send((message.to_string(), address.to_string()));
                        }
                    }
                    logs.lock().unwrap().push(line);
                }
            });
        }
        let wants_metrics = extra.contains(&"--metrics-listen");
        let (mut address, mut metrics_address) = (None, None);
        let deadline = Instant::now() + Duration::from_secs(60);
        while address.is_none() || (wants_metrics && metrics_address.is_none()) {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok((message, value)) if message == "precis listening" => address = Some(value),
                Ok((message, value)) if message == "metrics listening" => {
                    metrics_address = Some(value)
                }
                Ok(_) => {}
                Err(_) => panic!("precis serve did not start: {:?}", logs.lock().unwrap()),
            }
        }
        Binary {
            child,
            address: address.unwrap(),
            metrics_address,
            logs,
        }
    }

    async fn client(&self) -> PrecisClient<Channel> {
        PrecisClient::new(self.channel().await)
    }

    async fn channel(&self) -> Channel {
        Channel::from_shared(format!("http://{}", self.address))
            .unwrap()
            .connect()
            .await
            .expect("connect to the binary")
    }

    fn sigterm(&self) {
        // The shell's builtin `kill`: no procps needed.
        let status = Command::new("sh")
            .args(["-c", &format!("kill -TERM {}", self.child.id())])
            .status()
            .expect("kill");
        assert!(status.success());
    }

    fn wait_exit(&mut self, bound: Duration) -> ExitStatus {
        let deadline = Instant::now() + bound;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "precis did not exit within {bound:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn scrape(&self) -> String {
        let address = self.metrics_address.as_ref().expect("metrics enabled");
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream
            .write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
        response
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The value of the sample `name{labels...}` that has all of `labels`.
fn metric(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter(|line| line.starts_with(name) && line[name.len()..].starts_with(['{', ' ']))
        .find(|line| {
            labels
                .iter()
                .all(|(key, value)| line.contains(&format!("{key}=\"{value}\"")))
        })
        .and_then(|line| line.rsplit(' ').next()?.parse().ok())
}

/// Scrapes until `done` holds (bounded).
fn wait_for_metrics(binary: &Binary, what: &str, done: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + BOUND;
    loop {
        let text = binary.scrape();
        if done(&text) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "metrics never showed {what}:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deadlines_and_cancellation_stop_the_worker_and_metrics_show_it() {
    // A job of about a second, so that its deadline and a cancellation
    // always land before its last stage boundary.
    let job = LongJob::new(Duration::from_millis(250));
    let mut flags = vec!["--metrics-listen", "127.0.0.1:0"];
    flags.extend(LONG_JOB_FLAGS);
    let binary = Binary::start(&flags);
    let mut client = binary.client().await;

    // A normal call feeds the request metrics.
    call_process(&mut client, process_request(SEED_ARTICLE))
        .await
        .unwrap();
    let text = binary.scrape();
    let process = [("rpc", "precis.v1.Precis/Process")];
    assert_eq!(metric(&text, "precis_requests_total", &process), Some(1.0));
    assert_eq!(
        metric(
            &text,
            "precis_responses_total",
            &[process[0], ("code", "OK")]
        ),
        Some(1.0)
    );
    assert_eq!(
        metric(
            &text,
            "precis_documents_total",
            &[process[0], ("language", "en")]
        ),
        Some(1.0)
    );
    assert_eq!(
        metric(&text, "precis_text_bytes_total", &process),
        Some(SEED_ARTICLE.len() as f64)
    );
    assert_eq!(
        metric(
            &text,
            "precis_request_duration_seconds_bucket",
            &[process[0], ("le", "+Inf")]
        ),
        Some(1.0),
        "a histogram with explicit buckets:\n{text}"
    );
    assert!(text.contains(
        "precis_request_duration_seconds_bucket{rpc=\"precis.v1.Precis/Process\",le=\"0.005\"}"
    ));

    // A short client deadline on a large document: DEADLINE_EXCEEDED
    // promptly, and the worker stops at its next stage boundary.
    let mut request = tonic::Request::new(process_request(job.text()));
    request.set_timeout(job.deadline);
    let started = Instant::now();
    let status = client.process(request).await.unwrap_err();
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let text = wait_for_metrics(&binary, "the worker stopping on the deadline", |text| {
        metric(
            text,
            "precis_work_interrupted_total",
            &[("cause", "deadline exceeded")],
        )
        .is_some_and(|n| n >= 1.0)
            && metric(text, "precis_workers_busy", &[]) == Some(0.0)
    });
    assert_eq!(
        metric(
            &text,
            "precis_errors_total",
            &[process[0], ("code", "DEADLINE_EXCEEDED")]
        ),
        Some(1.0)
    );
    // It stopped early: it did not run to the end, so no document was
    // counted for it (documents are counted when the work completes).
    assert_eq!(
        metric(
            &text,
            "precis_documents_total",
            &[process[0], ("language", "en")]
        ),
        Some(1.0)
    );

    // A cancelled call (the client drops it): the worker stops too.
    let call = {
        let mut client = client.clone();
        let text = job.text();
        tokio::spawn(async move { client.process(process_request(text)).await })
    };
    wait_for_metrics(&binary, "the cancelled job running", |text| {
        metric(text, "precis_workers_busy", &[]) == Some(1.0)
    });
    call.abort();
    let text = wait_for_metrics(&binary, "the worker stopping on cancellation", |text| {
        metric(
            text,
            "precis_work_interrupted_total",
            &[("cause", "cancelled")],
        )
        .is_some_and(|n| n >= 1.0)
            && metric(text, "precis_workers_busy", &[]) == Some(0.0)
    });
    assert_eq!(
        metric(
            &text,
            "precis_errors_total",
            &[process[0], ("code", "CANCELLED")]
        ),
        Some(1.0)
    );
    assert_still_serving(&mut client).await;
}

/// How a request that the draining server did not take is reported. All of
/// these are safe to retry:
/// - UNAVAILABLE: the connection was refused, or a stream was refused after
///   GOAWAY.
/// - tonic's client-side CANCELLED "operation was canceled: connection
///   closed": the request was still queued in the client as its connection
///   closed. It is a transport error with no response from the server; a
///   status the server sends is never this CANCELLED.
/// - A client-side h2 error `GoAway(_, NO_ERROR, Remote)`, which tonic
///   reports as INTERNAL. h2 (0.4, `Streams::recv_go_away` and
///   `send_request`) gives it only in two cases, and the server processed
///   neither (RFC 9113 §6.8):
///   - streams above the last stream id of the server's graceful GOAWAY;
///   - requests started on the connection after the GOAWAY arrived.
///
///   A stream cut off at the connection's end gets "broken pipe" instead.
fn refused_before_processing(status: &tonic::Status) -> bool {
    let transport_error = |needle: &[&str]| {
        std::error::Error::source(status).is_some_and(|source| {
            let debug = format!("{source:?}");
            source.downcast_ref::<tonic::transport::Error>().is_some()
                && needle.iter().all(|part| debug.contains(part))
        })
    };
    let client_side_close =
        status.code() == Code::Cancelled && transport_error(&["connection closed"]);
    let after_goaway = transport_error(&["GoAway(", "NO_ERROR", "Remote"]);
    status.code() == Code::Unavailable || client_side_close || after_goaway
}

/// The message of a JSON log line.
fn log_message(line: &str) -> Option<String> {
    let json: serde_json::Value = serde_json::from_str(line).ok()?;
    json["fields"]["message"].as_str().map(str::to_string)
}

/// `precis serve` processes every built-in warm-up text before it listens
/// (lines are kept in order, and `start` returns at the listening line),
/// and `--no-warm-up` skips it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_warms_up_before_it_listens() {
    let binary = Binary::start(&[]);
    let warmed_up = binary
        .logs
        .lock()
        .unwrap()
        .iter()
        .find(|line| log_message(line).as_deref() == Some("warmed up"))
        .cloned()
        .expect("a warm-up line before the listening line");
    let fields = &serde_json::from_str::<serde_json::Value>(&warmed_up).unwrap()["fields"];
    let expected = precis::engine::warm_up_requests().len();
    assert_eq!(fields["texts"], expected, "{warmed_up}");
    assert_eq!(fields["refused_by_limits"], 0, "{warmed_up}");
    let mut client = binary.client().await;
    call_process(&mut client, process_request(SEED_ARTICLE))
        .await
        .unwrap();

    let cold = Binary::start(&["--no-warm-up"]);
    let mut client = cold.client().await;
    call_process(&mut client, process_request(SEED_ARTICLE))
        .await
        .unwrap();
    let logs = cold.logs.lock().unwrap();
    assert!(
        !logs
            .iter()
            .any(|line| log_message(line).as_deref() == Some("warmed up")),
        "{logs:?}"
    );
}

/// Text logs to a pipe (a sidecar's stderr, read by a log collector) are
/// plain text: colours are for a terminal.
#[test]
fn text_logs_to_a_pipe_have_no_escape_codes() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_precis"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn precis serve");
    let mut lines = Vec::new();
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        let line = line.unwrap();
        let listening = line.contains("precis listening");
        lines.push(line);
        if listening {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        lines.iter().any(|line| line.contains("warmed up")),
        "{lines:?}"
    );
    assert!(
        lines.iter().all(|line| !line.contains('\u{1b}')),
        "{lines:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_load_drains_and_exits_zero() {
    let mut binary = Binary::start(&["--drain-grace-ms", "300", "--drain-timeout-ms", "3000"]);

    // A Health Watch stream never ends by itself: the drain timeout bounds it.
    let mut health = tonic_health::pb::health_client::HealthClient::new(binary.channel().await);
    let mut watch = health
        .watch(tonic_health::pb::HealthCheckRequest {
            service: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    let first = watch.next().await.unwrap().unwrap();
    assert_eq!(first.status, 1, "SERVING");

    // One request with a known id, for the log check below.
    let mut client = binary.client().await;
    let mut request = tonic::Request::new(process_request(SEED_ARTICLE));
    request
        .metadata_mut()
        .insert("x-request-id", "drain-test-1".parse().unwrap());
    let response = client.process(request).await.unwrap();
    assert_eq!(
        response.metadata().get("x-request-id").unwrap(),
        "drain-test-1",
        "the request id is echoed"
    );

    // Load: 6 clients, each on its own connection, until they are refused.
    let mut workers = Vec::new();
    for _ in 0..6 {
        let mut client = binary.client().await;
        workers.push(tokio::spawn(async move {
            let (mut completed, mut refused) = (0usize, Vec::new());
            for _ in 0..10_000 {
                let call = client.process(process_request(SEED_ARTICLE));
                match tokio::time::timeout(Duration::from_secs(30), call).await {
                    Err(_) => panic!("a request hung during the drain"),
                    Ok(Ok(response)) => {
                        // Never cut off mid-response: the whole message.
                        let response = response.into_inner();
                        assert_exact(SEED_ARTICLE, &response);
                        completed += 1;
                    }
                    Ok(Err(status)) => {
                        refused.push(status);
                        if refused.len() >= 3 {
                            break;
                        }
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
            }
            (completed, refused)
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let signalled = Instant::now();
    binary.sigterm();

    // The watcher sees NOT_SERVING during the grace.
    let next = tokio::time::timeout(Duration::from_secs(10), watch.next())
        .await
        .expect("a health update during the drain")
        .unwrap()
        .unwrap();
    assert_eq!(next.status, 2, "NOT_SERVING");

    let mut completed = 0;
    for worker in workers {
        let (done, refused) = tokio::time::timeout(BOUND, worker)
            .await
            .expect("clients finish")
            .unwrap();
        completed += done;
        for status in refused {
            assert!(
                refused_before_processing(&status),
                "refused, not failed: {status:?}"
            );
        }
    }
    assert!(
        completed > 0,
        "requests completed before and during the drain"
    );
    let status = tokio::task::spawn_blocking(move || {
        let status = binary.wait_exit(Duration::from_secs(30));
        (status, binary)
    })
    .await
    .unwrap();
    let (exit, binary) = status;
    assert_eq!(exit.code(), Some(0), "exit code");
    // Grace (0.3 s) + drain timeout (3 s) bound the shutdown, Watch stream
    // or not.
    assert!(
        signalled.elapsed() < Duration::from_secs(15),
        "shut down in {:?}",
        signalled.elapsed()
    );
    drop(watch);

    let logs = binary.logs.lock().unwrap().clone();
    // The open Watch stream kept a connection; the drain timeout closed it.
    assert!(
        logs.iter().any(|l| l.contains("drain timeout passed")),
        "{logs:?}"
    );
    // Every log line of the identified request carries its id.
    let ours: Vec<&String> = logs.iter().filter(|l| l.contains("drain-test-1")).collect();
    assert!(
        ours.iter().any(|l| l.contains("rpc finished")),
        "the request's lines: {ours:?}"
    );
    for line in &logs {
        let json: serde_json::Value = serde_json::from_str(line).expect("JSON log lines");
        if json["span"]["name"] == "rpc" {
            assert!(
                json["span"]["request_id"].is_string(),
                "a line inside an RPC without a request id: {line}"
            );
        }
    }
}

// ---- transports: TLS, mutual TLS, Unix socket, compression ------------------

struct TestPki {
    ca: String,
    server_cert: String,
    server_key: String,
    client_cert: String,
    client_key: String,
}

/// A throwaway CA, a server certificate for `localhost` and a client
/// certificate, generated at test time (nothing downloaded or checked in).
fn test_pki() -> TestPki {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let server_key = KeyPair::generate().unwrap();
    let server_cert = CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&server_key, &issuer)
        .unwrap();
    let client_key = KeyPair::generate().unwrap();
    let client_cert = CertificateParams::new(vec!["precis-client".to_string()])
        .unwrap()
        .signed_by(&client_key, &issuer)
        .unwrap();
    TestPki {
        ca: ca_cert.pem(),
        server_cert: server_cert.pem(),
        server_key: server_key.serialize_pem(),
        client_cert: client_cert.pem(),
        client_key: client_key.serialize_pem(),
    }
}

async fn tls_channel(
    addr: std::net::SocketAddr,
    pki: &TestPki,
    with_client_cert: bool,
) -> Result<Channel, tonic::transport::Error> {
    use tonic::transport::{Certificate, ClientTlsConfig, Identity};
    let mut tls = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(&pki.ca))
        .domain_name("localhost");
    if with_client_cert {
        tls = tls.identity(Identity::from_pem(&pki.client_cert, &pki.client_key));
    }
    Channel::from_shared(format!("https://{addr}"))
        .unwrap()
        .tls_config(tls)?
        .connect()
        .await
}

#[tokio::test]
async fn tls_and_mutual_tls() {
    let pki = test_pki();
    let tls = |client_ca: Option<&str>| ServerConfig {
        tls: Some(precis::server::TlsPem {
            cert: pki.server_cert.clone().into_bytes(),
            key: pki.server_key.clone().into_bytes(),
            client_ca: client_ca.map(|ca| ca.as_bytes().to_vec()),
        }),
        drain_grace: Duration::from_millis(10),
        ..ServerConfig::default()
    };

    // Server TLS: a client that trusts the CA gets answers.
    let server = TestServer::start_with(tls(None)).await;
    let channel = tls_channel(server.addr, &pki, false).await.unwrap();
    let mut client = PrecisClient::new(channel);
    assert_still_serving(&mut client).await;
    // A plaintext client gets no answer from a TLS server.
    let plaintext = async {
        let channel = Channel::from_shared(format!("http://{}", server.addr))
            .unwrap()
            .connect()
            .await?;
        PrecisClient::new(channel)
            .get_info(pb::GetInfoRequest {})
            .await
            .map_err(|status| status.into())
            .map(|_| ())
    };
    let result: Result<(), Box<dyn std::error::Error>> =
        tokio::time::timeout(BOUND, plaintext).await.unwrap();
    assert!(result.is_err(), "plaintext against TLS must fail");
    server.stop().await;

    // Mutual TLS: a client certificate from the CA is required.
    let server = TestServer::start_with(tls(Some(&pki.ca))).await;
    let channel = tls_channel(server.addr, &pki, true).await.unwrap();
    assert_still_serving(&mut PrecisClient::new(channel)).await;
    let anonymous = async {
        let channel = tls_channel(server.addr, &pki, false).await?;
        PrecisClient::new(channel)
            .get_info(pb::GetInfoRequest {})
            .await
            .map_err(|status| status.into())
            .map(|_| ())
    };
    let result: Result<(), Box<dyn std::error::Error>> =
        tokio::time::timeout(BOUND, anonymous).await.unwrap();
    assert!(result.is_err(), "a client without a certificate is refused");
    server.stop().await;
}

#[cfg(unix)]
#[tokio::test]
async fn unix_domain_socket_listener() {
    use hyper_util::rt::TokioIo;
    let dir = std::env::temp_dir().join(format!("precis-uds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("precis.sock");
    let _ = std::fs::remove_file(&path);
    let listener = tokio::net::UnixListener::bind(&path).unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(precis::server::run(
        listener,
        ServerConfig {
            drain_grace: Duration::from_millis(10),
            ..ServerConfig::default()
        },
        async {
            let _ = stopped.await;
        },
    ));
    // The :authority is "localhost" (from the URI), as h2 requires; the
    // connector ignores the URI and dials the socket.
    let socket = path.clone();
    let channel = tonic::transport::Endpoint::from_static("http://localhost")
        .connect_with_connector(tower::service_fn(move |_: http::Uri| {
            let socket = socket.clone();
            async move {
                Ok::<_, std::io::Error>(TokioIo::new(
                    tokio::net::UnixStream::connect(socket).await?,
                ))
            }
        }))
        .await
        .unwrap();
    let mut client = PrecisClient::new(channel);
    assert_still_serving(&mut client).await;
    let _ = stop.send(());
    tokio::time::timeout(BOUND, server)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn gzip_and_zstd_both_ways() {
    use tonic::codec::CompressionEncoding::{Gzip, Zstd};
    let server = TestServer::start().await;
    for (send, accept) in [(Gzip, Zstd), (Zstd, Gzip)] {
        let mut client = server
            .client()
            .await
            .send_compressed(send)
            .accept_compressed(accept);
        let response = tokio::time::timeout(BOUND, client.process(process_request(SEED_ARTICLE)))
            .await
            .unwrap()
            .unwrap();
        let encoding = response
            .metadata()
            .get("grpc-encoding")
            .map(|v| v.to_str().unwrap().to_string());
        let expected = match accept {
            Gzip => "gzip",
            _ => "zstd",
        };
        assert_eq!(encoding.as_deref(), Some(expected));
        assert_exact(SEED_ARTICLE, &response.into_inner());
    }
    server.stop().await;
}

// ---- soak (not in CI: scripts/soak.sh) -------------------------------------

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.split_whitespace().next()?.parse().ok())
        .expect("VmRSS")
}

/// One round of the soak mix; returns the number of calls and the
/// unexpected outcomes.
const SOAK_ZH: &str = include_str!("../data/translation/zh.txt");
const SOAK_TH: &str = include_str!("../data/translation/th.txt");

async fn soak_round(client: &mut PrecisClient<Channel>, round: usize) -> (usize, Vec<String>) {
    let mut unexpected = Vec::new();
    let mut note = |what: &str, result: Result<(), tonic::Status>| {
        if let Err(status) = result {
            unexpected.push(format!("{what}: {status:?}"));
        }
    };
    let response = call_process(client, process_request(SEED_ARTICLE)).await;
    note("Process", response.map(|r| assert_exact(SEED_ARTICLE, &r)));
    // Chinese and Thai articles: their words go through the word walk's
    // per-thread and static tables (text::word_walk).
    for article in [SOAK_ZH, SOAK_TH] {
        let response = call_process(client, process_request(article)).await;
        note("Process zh/th", response.map(|r| assert_exact(article, &r)));
    }
    let zh = "东盟与中国的贸易继续增长。双方签署了新的能源协议！会谈将于明年继续。";
    let segment = client
        .segment(pb::SegmentRequest {
            text: zh.into(),
            ..Default::default()
        })
        .await;
    note(
        "Segment",
        segment.map(|r| assert_eq!(r.into_inner().sentences.len(), 3)),
    );
    let summarize = client
        .summarize(pb::SummarizeRequest {
            text: SEED_ARTICLE.into(),
            max_sentences: Some(2),
            ..Default::default()
        })
        .await;
    note(
        "Summarize",
        summarize.map(|r| assert_eq!(r.into_inner().selected.len(), 2)),
    );
    let items: Vec<_> = (0..3)
        .map(|i| pb::ProcessRequest {
            document_id: format!("soak-{round}-{i}"),
            ..process_request(SEED_ARTICLE)
        })
        .collect();
    let stream = async {
        let mut stream = client
            .process_stream(tokio_stream::iter(items))
            .await?
            .into_inner();
        let mut n = 0;
        while let Some(item) = stream.next().await {
            item?;
            n += 1;
        }
        assert_eq!(n, 3);
        Ok(())
    };
    note("ProcessStream", stream.await);
    // An expected refusal is a success.
    let invalid = call_process(client, process_request("  ")).await;
    note(
        "invalid",
        match invalid {
            Err(status) if status.code() == Code::InvalidArgument => Ok(()),
            Err(status) => Err(status),
            Ok(_) => Err(tonic::Status::unknown("empty text was accepted")),
        },
    );
    (7, unexpected)
}

/// Minutes of steady load on the real binary: zero unexpected errors, and
/// RSS after the run close to RSS after warm-up. `SOAK_SECS` (default 120)
/// and `SOAK_CONCURRENCY` (default 8) size it; scripts/soak.sh runs it on
/// an optimized build.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "soak test: minutes long; run scripts/soak.sh"]
async fn soak() {
    let env = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let secs = env("SOAK_SECS", 120);
    let concurrency = env("SOAK_CONCURRENCY", 8) as usize;
    let binary = Binary::start(&["--metrics-listen", "127.0.0.1:0"]);
    let pid = binary.child.id();
    let run_for = |duration: Duration| {
        let mut workers = Vec::new();
        for worker in 0..concurrency {
            let address = binary.address.clone();
            workers.push(tokio::spawn(async move {
                let channel = Channel::from_shared(format!("http://{address}"))
                    .unwrap()
                    .connect()
                    .await
                    .unwrap();
                let mut client = PrecisClient::new(channel);
                let until = Instant::now() + duration;
                let (mut calls, mut unexpected) = (0, Vec::new());
                let mut round = worker * 1_000_000;
                while Instant::now() < until {
                    let (n, errors) = soak_round(&mut client, round).await;
                    calls += n;
                    unexpected.extend(errors);
                    round += 1;
                }
                (calls, unexpected)
            }));
        }
        workers
    };
    let warm_up = Duration::from_secs((secs / 10).clamp(5, 30));
    for worker in run_for(warm_up) {
        worker.await.unwrap();
    }
    let rss_start = rss_kib(pid);
    let started = Instant::now();
    // RSS every tenth of the run, to tell a trend from allocator noise.
    let sampler = tokio::spawn(async move {
        let mut samples = Vec::new();
        for _ in 0..10 {
            tokio::time::sleep(Duration::from_secs(secs) / 10).await;
            samples.push(rss_kib(pid));
        }
        samples
    });
    let (mut calls, mut unexpected) = (0, Vec::new());
    for worker in run_for(Duration::from_secs(secs)) {
        let (n, errors) = worker.await.unwrap();
        calls += n;
        unexpected.extend(errors);
    }
    let elapsed = started.elapsed();
    let rss_end = rss_kib(pid);
    let samples = sampler.await.unwrap();
    println!(
        "soak: RSS samples (KiB, every {} s): {samples:?}",
        secs / 10
    );
    let metrics = binary.scrape();
    let errors_total: f64 = metrics
        .lines()
        .filter(|l| l.starts_with("precis_errors_total{") && !l.contains("INVALID_ARGUMENT"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum();
    println!(
        "soak: {calls} calls in {:.1} s ({:.0}/s) with {concurrency} clients; \
         unexpected errors: {}; server errors other than INVALID_ARGUMENT: {}; \
         RSS after warm-up {rss_start} KiB, at end {rss_end} KiB ({:+.1}%)",
        elapsed.as_secs_f64(),
        calls as f64 / elapsed.as_secs_f64(),
        unexpected.len(),
        errors_total as u64,
        (rss_end as f64 / rss_start as f64 - 1.0) * 100.0
    );
    assert!(
        unexpected.is_empty(),
        "unexpected: {:?}",
        &unexpected[..unexpected.len().min(5)]
    );
    assert_eq!(errors_total, 0.0);
    // Flat memory: allow allocator noise, not growth with the request count.
    assert!(
        rss_end <= rss_start + rss_start / 5 + 8 * 1024,
        "RSS grew from {rss_start} KiB to {rss_end} KiB"
    );
}

#[tokio::test]
async fn request_ids_are_echoed_or_generated() {
    let server = TestServer::start().await;
    let mut client = server.client().await;
    let mut request = tonic::Request::new(pb::GetInfoRequest {});
    request
        .metadata_mut()
        .insert("x-request-id", "client-id-42".parse().unwrap());
    let response = client.get_info(request).await.unwrap();
    assert_eq!(
        response.metadata().get("x-request-id").unwrap(),
        "client-id-42"
    );
    // Absent (or unusable) ids are replaced by a generated one, also on errors.
    let mut ids = Vec::new();
    for _ in 0..2 {
        let status = client.process(process_request("")).await.unwrap_err();
        let id = status
            .metadata()
            .get("x-request-id")
            .unwrap()
            .to_str()
            .unwrap();
        assert_eq!(id.len(), 32);
        assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
        ids.push(id.to_string());
    }
    assert_ne!(ids[0], ids[1], "each call gets its own id");
    server.stop().await;
}
