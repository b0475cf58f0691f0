//! Every RPC over a real socket with the generated client.

use precis::api::pb;
use tokio_stream::StreamExt;
use tonic::Code;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_types::StatusExt;

use crate::support::{SEED_ARTICLE, TestServer};

#[tokio::test]
async fn segment_returns_exact_slices_and_offsets() {
    let server = TestServer::start().await;
    let mut client = server.client().await;
    let response = client
        .segment(pb::SegmentRequest {
            text: SEED_ARTICLE.to_string(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.language, "en");
    assert!(response.language_detected);
    assert!(
        response
            .title
            .starts_with("ASEAN–China Partnership Deepens")
    );
    for s in &response.sentences {
        assert_eq!(s.text, SEED_ARTICLE[s.start as usize..s.end as usize]);
        assert_eq!(
            s.char_start as usize,
            SEED_ARTICLE[..s.start as usize].chars().count()
        );
        assert_eq!(
            s.utf16_end as usize,
            SEED_ARTICLE[..s.end as usize].encode_utf16().count()
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn summarize_respects_budget_and_explains_scores() {
    let server = TestServer::start().await;
    let mut client = server.client().await;
    let response = client
        .summarize(pb::SummarizeRequest {
            text: SEED_ARTICLE.to_string(),
            max_sentences: Some(2),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.selected.len(), 2);
    assert!(
        response.selected.windows(2).all(|w| w[0] < w[1]),
        "document order"
    );
    let scored = &response.sentences;
    for &i in &response.selected {
        let s = &scored[i as usize];
        assert!(s.selected);
        assert_eq!(s.kind, pb::SentenceKind::Body as i32);
        assert!(s.components.is_some());
    }
    assert!(
        response
            .summary
            .starts_with("ASEAN and China have sustained")
    );
    server.stop().await;
}

#[tokio::test]
async fn prepare_batches_respect_limits() {
    let server = TestServer::start().await;
    let mut client = server.client().await;
    let response = client
        .prepare(pb::PrepareRequest {
            text: SEED_ARTICLE.to_string(),
            document_id: "seed".into(),
            target_langs: vec!["vi".into(), "th".into()],
            limits: Some(pb::BatchLimits {
                max_segments: 3,
                max_code_points: 600,
                max_bytes: 0,
            }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.target_langs, vec!["vi", "th"]);
    let segments = &response.segments;
    assert!(!segments.is_empty());
    for batch in &response.batches {
        assert!(batch.segment_ids.len() <= 3);
        assert!(batch.code_points <= 600 || batch.oversized);
    }
    let total: usize = response.batches.iter().map(|b| b.segment_ids.len()).sum();
    assert_eq!(total, segments.len(), "every segment in exactly one batch");
    // The text is rebuilt from leading + segments + gaps.
    let rebuilt: String = std::iter::once(response.leading.clone())
        .chain(
            segments
                .iter()
                .map(|s| format!("{}{}", s.text, s.gap_after)),
        )
        .collect();
    assert_eq!(rebuilt, SEED_ARTICLE);
    let with_number = segments
        .iter()
        .find(|s| s.text.contains("2026–2030"))
        .unwrap();
    assert!(with_number.placeholders.iter().any(|p| p.text == "2026"));
    server.stop().await;
}

#[tokio::test]
async fn process_gives_segmentation_summary_and_package() {
    let server = TestServer::start().await;
    let mut client = server.client().await;
    let response = client
        .process(pb::ProcessRequest {
            text: SEED_ARTICLE.to_string(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let package = response.package.unwrap();
    assert_eq!(package.segments.len(), response.sentences.len());
    for &i in &response.selected {
        assert!(package.segments[i as usize].in_summary);
    }
    server.stop().await;
}

#[tokio::test]
async fn process_stream_answers_in_order_and_survives_bad_items() {
    let server = TestServer::start().await;
    let mut client = server.client().await;
    let requests = vec![
        pb::ProcessRequest {
            document_id: "a".into(),
            text: SEED_ARTICLE.to_string(),
            ..Default::default()
        },
        pb::ProcessRequest {
            document_id: "bad".into(),
            text: "   ".into(),
            ..Default::default()
        },
        pb::ProcessRequest {
            document_id: "c".into(),
            text: "Short one. Another one here.".into(),
            max_sentences: Some(1),
            ..Default::default()
        },
    ];
    let mut stream = client
        .process_stream(tokio_stream::iter(requests))
        .await
        .unwrap()
        .into_inner();
    let mut answers = Vec::new();
    while let Some(item) = stream.next().await {
        answers.push(item.unwrap());
    }
    let ids: Vec<_> = answers.iter().map(|a| a.document_id.as_str()).collect();
    assert_eq!(ids, vec!["a", "bad", "c"]);
    assert_eq!(
        answers.iter().map(|a| a.sequence).collect::<Vec<_>>(),
        vec![0, 1, 2]
    );
    match &answers[1].result {
        Some(pb::process_stream_response::Result::Error(error)) => {
            assert_eq!(error.code, "INVALID_ARGUMENT");
            assert_eq!(error.field, "text");
        }
        other => panic!("expected an error item, got {other:?}"),
    }
    match &answers[2].result {
        Some(pb::process_stream_response::Result::Response(r)) => assert_eq!(r.selected.len(), 1),
        other => panic!("expected a response, got {other:?}"),
    }
    server.stop().await;
}

#[tokio::test]
async fn get_info_reports_limits_and_languages() {
    let server = TestServer::start().await;
    let mut client = server.client().await;
    let info = client
        .get_info(pb::GetInfoRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(info.version, env!("CARGO_PKG_VERSION"));
    let limits = info.limits.unwrap();
    assert!(limits.max_text_bytes > 0 && limits.max_concurrent_requests > 0);
    let codes: Vec<_> = info.languages.iter().map(|l| l.code.as_str()).collect();
    for code in ["en", "zh", "vi", "th", "id", "ms", "fil", "km", "lo", "my"] {
        assert!(codes.contains(&code), "{code}");
    }
    server.stop().await;
}

#[tokio::test]
async fn invalid_input_names_the_field() {
    let server = TestServer::start().await;
    let mut client = server.client().await;
    let cases: Vec<(pb::SummarizeRequest, &str)> = vec![
        (
            pb::SummarizeRequest {
                text: String::new(),
                ..Default::default()
            },
            "text",
        ),
        (
            pb::SummarizeRequest {
                text: " \n\t ".into(),
                ..Default::default()
            },
            "text",
        ),
        (
            pb::SummarizeRequest {
                text: "Hi.".into(),
                ratio: Some(1.5),
                ..Default::default()
            },
            "ratio",
        ),
        (
            pb::SummarizeRequest {
                text: "Hi.".into(),
                ratio: Some(0.0),
                ..Default::default()
            },
            "ratio",
        ),
        (
            pb::SummarizeRequest {
                text: "Hi.".into(),
                max_words: Some(-3),
                ..Default::default()
            },
            "max_words",
        ),
        (
            pb::SummarizeRequest {
                text: "Hi.".into(),
                max_sentences: Some(2),
                max_chars: Some(10),
                ..Default::default()
            },
            "max_chars",
        ),
        (
            pb::SummarizeRequest {
                text: "Hi.".into(),
                language: "not a tag".into(),
                ..Default::default()
            },
            "language",
        ),
    ];
    for (request, field) in cases {
        let status = client.summarize(request).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{field}: {status:?}");
        let violations = status
            .get_details_bad_request()
            .expect("BadRequest details")
            .field_violations;
        assert_eq!(violations[0].field, field);
    }
    // The server keeps serving after errors.
    let ok = client
        .summarize(pb::SummarizeRequest {
            text: "Still here. Yes.".into(),
            ..Default::default()
        })
        .await;
    assert!(ok.is_ok());
    server.stop().await;
}

#[tokio::test]
async fn health_is_serving_then_not_serving_while_draining() {
    let config = precis::server::ServerConfig {
        drain_grace: std::time::Duration::from_millis(300),
        ..Default::default()
    };
    let server = TestServer::start_with(config).await;
    let mut health = HealthClient::new(server.channel().await);
    for service in ["", "precis.v1.Precis"] {
        let status = health
            .check(tonic_health::pb::HealthCheckRequest {
                service: service.into(),
            })
            .await
            .unwrap()
            .into_inner()
            .status;
        assert_eq!(status, ServingStatus::Serving as i32, "{service:?}");
    }
    let mut watch = health
        .watch(tonic_health::pb::HealthCheckRequest {
            service: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        watch.next().await.unwrap().unwrap().status,
        ServingStatus::Serving as i32
    );
    let stopping = tokio::spawn(server.stop());
    let next = tokio::time::timeout(std::time::Duration::from_secs(5), watch.next())
        .await
        .expect("health changes during drain")
        .unwrap()
        .unwrap();
    assert_eq!(next.status, ServingStatus::NotServing as i32);
    // An open Watch stream is an in-flight RPC; close it so the drain ends.
    drop(watch);
    drop(health);
    stopping.await.unwrap();
}

/// Small requests run on the async worker that received them, larger ones
/// on a blocking thread (`inline_max_bytes`): both paths give the same
/// answers and the same errors.
#[tokio::test]
async fn inline_and_blocking_thread_work_answer_the_same() {
    let start = |inline_max_bytes: usize| {
        TestServer::start_with(precis::server::ServerConfig {
            inline_max_bytes,
            drain_grace: std::time::Duration::from_millis(10),
            ..Default::default()
        })
    };
    let (inline, blocking) = (start(usize::MAX).await, start(0).await);
    let request = || pb::ProcessRequest {
        text: SEED_ARTICLE.to_string(),
        target_langs: vec!["vi".into()],
        max_sentences: Some(2),
        formats: vec!["xliff-2.1".into()],
        ..Default::default()
    };
    let mut answers = Vec::new();
    for server in [&inline, &blocking] {
        let mut client = server.client().await;
        let response = client.process(request()).await.unwrap().into_inner();
        assert_eq!(response.selected.len(), 2);
        let refused = client
            .process(pb::ProcessRequest {
                text: " \n ".into(),
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert_eq!(refused.code(), Code::InvalidArgument, "{refused:?}");
        let field = refused
            .get_error_details()
            .bad_request()
            .unwrap()
            .field_violations[0]
            .field
            .clone();
        answers.push((response, field));
    }
    assert_eq!(answers[0], answers[1]);
    inline.stop().await;
    blocking.stop().await;
}
