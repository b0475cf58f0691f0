//! Translation packages end to end: prepare -> fake-translate -> assemble on
//! articles in six languages (plain text, HTML and Markdown), XLIFF 2.1
//! export/import, engine batch limits, resegmentation, and the gRPC and
//! JSONL surfaces of Assemble.
//!
//! Every XLIFF document produced here is checked with
//! `precis::translate::xliff::verify` (references and ids) and written under
//! `target/tmp/xliff/`, where `.ci/xliff-check` validates it against the
//! OASIS core schema in `tests/data/xliff/`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use precis::api::pb;
use precis::engine::{Engine, Request};
use precis::translate::engines::{CustomLimits, EngineProfile};
use precis::translate::{
    Counts, GlossaryEntry, Package, PlaceholderKind, Translation, TranslationStyle, assemble, xliff,
};
use proptest::prelude::*;
use regex::Regex;
use tonic::Code;
use tonic_types::StatusExt;

use crate::support::TestServer;

const EN_HTML: &str = include_str!("../data/translation/en.html");
const ZH: &str = include_str!("../data/translation/zh.txt");
const TH: &str = include_str!("../data/translation/th.txt");
const VI: &str = include_str!("../data/translation/vi.txt");
const ID_MD: &str = include_str!("../data/translation/id.md");
const KM: &str = include_str!("../data/translation/km.txt");

struct Article {
    name: &'static str,
    text: &'static str,
    lang: &'static str,
    content_type: &'static str,
    target: &'static str,
    glossary: Vec<GlossaryEntry>,
}

fn keep(term: &str) -> GlossaryEntry {
    GlossaryEntry {
        term: term.into(),
        translations: BTreeMap::new(),
    }
}

fn forced(term: &str, lang: &str, translation: &str) -> GlossaryEntry {
    GlossaryEntry {
        term: term.into(),
        translations: BTreeMap::from([(lang.to_string(), translation.to_string())]),
    }
}

fn articles() -> Vec<Article> {
    vec![
        Article {
            name: "en",
            text: EN_HTML,
            lang: "en",
            content_type: "text/html",
            target: "vi",
            glossary: vec![
                keep("Mekong River Commission"),
                forced("Mekong", "vi", "Mê Kông"),
            ],
        },
        Article {
            name: "zh",
            text: ZH,
            lang: "zh",
            content_type: "text/plain",
            target: "en",
            glossary: vec![forced("东盟", "en", "ASEAN")],
        },
        Article {
            name: "th",
            text: TH,
            lang: "th",
            content_type: "text/plain",
            target: "en",
            glossary: vec![forced(
                "กรุงเทพมหานคร",
                "en",
                "Bangkok Metropolitan Administration",
            )],
        },
        Article {
            name: "vi",
            text: VI,
            lang: "vi",
            content_type: "text/plain",
            target: "en",
            glossary: vec![keep("TP. HCM"), forced("Mê Kông", "en", "Mekong")],
        },
        Article {
            name: "id",
            text: ID_MD,
            lang: "id",
            content_type: "text/markdown",
            target: "en",
            glossary: vec![keep("DKI Jakarta")],
        },
        Article {
            name: "km",
            text: KM,
            lang: "km",
            content_type: "text/plain",
            target: "en",
            glossary: vec![forced("អាស៊ាន", "en", "ASEAN")],
        },
    ]
}

fn request(article: &Article, engine: &str, formats: &[&str]) -> Request {
    Request {
        text: article.text.to_string(),
        language: Some(article.lang.to_string()),
        document_id: article.name.to_string(),
        target_langs: vec![article.target.to_string()],
        content_type: Some(article.content_type.to_string()),
        engine: (!engine.is_empty()).then(|| engine.to_string()),
        glossary: article.glossary.clone(),
        formats: formats.iter().map(|f| f.to_string()).collect(),
        ..Request::default()
    }
}

fn package_of(request: &Request) -> Package {
    let engine = Engine::default();
    let validated = engine.validate(request).expect("valid request");
    engine.process(&validated).expect("processed").package
}

fn xliff_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("xliff");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Checks references and ids, and leaves the file for `.ci/xliff-check`.
fn check_xliff(name: &str, document: &str) {
    if let Err(problems) = xliff::verify(document) {
        panic!("{name}: {problems:?}\n{document}");
    }
    assert!(document.contains("xmlns=\"urn:oasis:names:tc:xliff:document:2.0\""));
    assert!(document.contains("version=\"2.1\""));
    std::fs::write(xliff_dir().join(format!("{name}.xlf")), document).unwrap();
}

/// Uppercases everything outside `{n}` tokens (tokens have no case).
fn fake_translate(protected: &str) -> String {
    format!("«{}»", protected.to_uppercase())
}

/// The expected document, computed from the source alone: each segment's
/// text uppercased outside its protected spans (kept, or replaced by the
/// glossary's forced translation), wrapped in « », with the source's
/// whitespace between segments.
fn expected_document(source: &str, package: &Package, target: &str) -> String {
    let mut out = String::from(&source[..package.segments[0].start]);
    for (i, segment) in package.segments.iter().enumerate() {
        let slice = &source[segment.start..segment.end];
        out.push('«');
        let mut cursor = 0;
        for p in &segment.placeholders {
            out.push_str(&slice[cursor..p.start].to_uppercase());
            out.push_str(p.translations.get(target).unwrap_or(&p.text));
            cursor = p.end;
        }
        out.push_str(&slice[cursor..].to_uppercase());
        out.push('»');
        let next = package
            .segments
            .get(i + 1)
            .map_or(source.len(), |s| s.start);
        out.push_str(&source[segment.end..next]);
    }
    out
}

#[test]
fn round_trip_in_six_languages_with_markup_and_glossary() {
    let url = Regex::new(r"https://[^\s<>)\x22]+[^\s<>)\x22.,。]").unwrap();
    for article in articles() {
        let package = package_of(&request(&article, "", &["xliff-2.1", "jsonl"]));
        assert!(
            package.segments.len() >= 3,
            "{}: too few segments",
            article.name
        );
        // Identity: every segment's own protected text reproduces the input.
        let identity: Vec<Translation> = package
            .segments
            .iter()
            .map(|s| Translation {
                id: s.id.clone(),
                text: s.protected_text.clone(),
                style: TranslationStyle::Plain,
            })
            .collect();
        assert_eq!(
            assemble(&package, &identity, "").unwrap(),
            article.text,
            "{}: identity round trip",
            article.name
        );
        // Fake translation sent in reverse segment order.
        let translated: Vec<Translation> = package
            .segments
            .iter()
            .rev()
            .map(|s| Translation {
                id: s.id.clone(),
                text: fake_translate(&s.protected_text),
                style: TranslationStyle::Plain,
            })
            .collect();
        let output = assemble(&package, &translated, article.target).unwrap();
        assert_eq!(
            output,
            expected_document(article.text, &package, article.target),
            "{}",
            article.name
        );
        // The same through the HTML rendition.
        let via_html: Vec<Translation> = package
            .segments
            .iter()
            .map(|s| Translation {
                id: s.id.clone(),
                text: s.html.clone(),
                style: TranslationStyle::Html,
            })
            .collect();
        assert_eq!(assemble(&package, &via_html, "").unwrap(), article.text);
        // Every kind the article holds is protected and survives verbatim.
        let kinds: Vec<PlaceholderKind> = package
            .segments
            .iter()
            .flat_map(|s| s.placeholders.iter().map(|p| p.kind))
            .collect();
        // (The HTML and Markdown articles' URLs are inside links: markup.)
        let url_kind = if article.content_type != "text/plain" {
            PlaceholderKind::Markup
        } else {
            PlaceholderKind::Url
        };
        for kind in [
            url_kind,
            PlaceholderKind::Email,
            PlaceholderKind::Number,
            PlaceholderKind::Term,
        ] {
            assert!(kinds.contains(&kind), "{}: no {kind:?}", article.name);
        }
        for found in url.find_iter(article.text) {
            assert!(
                output.contains(found.as_str()),
                "{}: {}",
                article.name,
                found.as_str()
            );
        }
        for entry in &article.glossary {
            if let Some(forced) = entry.translations.get(article.target) {
                assert!(
                    output.contains(forced.as_str()),
                    "{}: {forced}",
                    article.name
                );
            }
        }
        let document = &package.renditions["xliff-2.1"];
        check_xliff(&format!("round-trip-{}", article.name), document);
        assert_eq!(
            package.renditions["jsonl"].lines().count(),
            package.segments.len()
        );
    }
}

#[test]
fn segment_counts_are_the_counts_of_their_text() {
    // Thai and Khmer segments take their word count from the scoring pass's
    // dictionary words; every count must be what counting the segment's own
    // text gives, in every script and with markup.
    for article in articles() {
        let package = package_of(&request(&article, "", &[]));
        assert!(package.segments.len() >= 2, "{}", article.name);
        for segment in &package.segments {
            assert_eq!(
                segment.counts,
                Counts::of(&segment.text, article.lang, &segment.placeholders),
                "{}: {:?}",
                article.name,
                segment.text
            );
        }
    }
}

#[test]
fn english_html_assembles_to_the_expected_text() {
    let article = &articles()[0];
    let package = package_of(&request(article, "", &[]));
    let translated: Vec<Translation> = package
        .segments
        .iter()
        .map(|s| Translation {
            id: s.id.clone(),
            text: s.protected_text.to_uppercase(),
            style: TranslationStyle::Plain,
        })
        .collect();
    let output = assemble(&package, &translated, "vi").unwrap();
    let first_paragraph = "<p>MINISTERS FROM THE <b>Mekong River Commission</b> MET IN VIENTIANE ON 2025-03-05 AND AGREED TO SHARE RIVER-LEVEL DATA EVERY 6 HOURS.";
    assert!(output.contains(first_paragraph), "{output}");
    assert!(output.starts_with("<h1>Mê Kông MINISTERS AGREE ON FLOOD DATA SHARING</h1>\n\n"));
    assert!(
        output.contains(
            "<a href=\"https://mrcmekong.org/news/flood-data\">THE COMMISSION'S SITE</a>"
        )
    );
    assert!(output.contains("press@mrcmekong.org BEFORE 17:00 ON FRIDAY."));
    assert!(output.contains("FOLLOW @MRCMekong AND #MekongFloods FOR UPDATES.</p>\n"));
}

/// Adds each segment's source as its target, as a CAT tool that copies
/// source to target would.
fn with_targets(document: &str) -> String {
    let source = Regex::new(r"(?s)<segment ([^>]*)><source>(.*?)</source></segment>").unwrap();
    source
        .replace_all(
            document,
            "<segment $1><source>$2</source><target>$2</target></segment>",
        )
        .into_owned()
}

#[test]
fn xliff_import_round_trips_every_article() {
    for article in articles() {
        let package = package_of(&request(&article, "", &["xliff-2.1"]));
        let translated = with_targets(&package.renditions["xliff-2.1"]);
        check_xliff(&format!("translated-{}", article.name), &translated);
        let translations = assemble::translations_from_xliff(&translated).unwrap();
        assert_eq!(translations.len(), package.segments.len());
        let restored = assemble(&package, &translations, "").unwrap();
        assert_eq!(restored, article.text, "{}", article.name);
    }
}

#[test]
fn xliff_structure_has_notes_data_and_ignorables() {
    let article = &articles()[0];
    let package = package_of(&request(article, "", &["xliff-2.1"]));
    // The <h1> is the headline; block tags stay out of the segments.
    assert_eq!(
        package.segments[0].kind,
        precis::text::SentenceKind::Headline
    );
    assert_eq!(
        package.segments[0].text,
        "Mekong ministers agree on flood data sharing"
    );
    assert_eq!(package.leading, "<h1>");
    assert_eq!(package.segments[0].gap_after, "</h1>\n\n<p>");
    let document = &package.renditions["xliff-2.1"];
    assert!(document.contains("srcLang=\"en\" trgLang=\"vi\""));
    assert!(document.contains("canResegment=\"no\""));
    assert!(document.contains(
        "<note category=\"headline\">Mekong ministers agree on flood data sharing</note>"
    ));
    assert!(document.contains("<note category=\"context-next\">"));
    // Block tags and line breaks between paragraphs sit in the gaps.
    assert!(
        document
            .contains("<ignorable id=\"gap\"><source>&lt;/p&gt;\n\n&lt;p&gt;</source></ignorable>")
    );
    assert!(
        document.contains("<mrk id=\"") && document.contains("type=\"term\" value=\"Mê Kông\"")
    );
    assert!(document.contains("<pc id="));
    assert_eq!(
        document.matches("<unit ").count(),
        package.segments.len(),
        "one unit per segment"
    );
    // A dangling reference is caught.
    let broken = document.replacen("dataRef=\"d", "dataRef=\"x", 1);
    assert!(xliff::verify(&broken).is_err());
}

#[test]
fn assemble_reports_every_problem_per_segment() {
    let article = &articles()[3];
    let package = package_of(&request(article, "", &[]));
    let with_placeholders = package
        .segments
        .iter()
        .skip(1)
        .find(|s| s.placeholders.len() >= 2)
        .expect("a segment with two placeholders");
    let mut translations: Vec<Translation> = package
        .segments
        .iter()
        .skip(1)
        .map(|s| Translation {
            id: s.id.clone(),
            text: s.protected_text.clone(),
            style: TranslationStyle::Plain,
        })
        .collect();
    for t in &mut translations {
        if t.id == with_placeholders.id {
            // Drop {1}, double {2}, invent {99}.
            t.text = t.text.replacen("{1}", "", 1).replacen("{2}", "{2} {2}", 1) + " {99}";
        }
    }
    translations.push(Translation {
        id: "no-such-segment".into(),
        text: "x".into(),
        style: TranslationStyle::Plain,
    });
    translations.push(translations[0].clone());
    let errors = assemble(&package, &translations, "en").unwrap_err();
    let codes: Vec<(&str, &str)> = errors
        .iter()
        .map(|e| (e.segment_id.as_str(), e.code.as_str()))
        .collect();
    let id = with_placeholders.id.as_str();
    for expected in [
        (package.segments[0].id.as_str(), "missing_segment"),
        ("no-such-segment", "unknown_segment"),
        (translations[0].id.as_str(), "duplicate_segment"),
        (id, "missing_placeholder"),
        (id, "duplicate_placeholder"),
        (id, "invented_placeholder"),
    ] {
        assert!(codes.contains(&expected), "{expected:?} not in {codes:?}");
    }
}

const NO_LIMITS: CustomLimits = CustomLimits {
    max_segments: 0,
    max_code_points: 0,
    max_bytes: 0,
};

/// A long article: every test article, numbered, many times over.
fn long_article() -> String {
    let mut out = String::new();
    for round in 0..40 {
        for article in articles().iter().filter(|a| a.content_type == "text/plain") {
            out.push_str(&format!("Part {round}.\n\n{}\n\n", article.text.trim()));
        }
    }
    out
}

#[test]
fn batches_hold_every_profile_on_a_long_article() {
    let text = long_article();
    assert!(text.len() > 60_000);
    for engine in ["deepl", "google-v3", "azure", "aws", "custom"] {
        let request = Request {
            text: text.clone(),
            language: Some("en".into()),
            document_id: "long".into(),
            target_langs: vec!["vi".into(), "th".into(), "id".into()],
            engine: Some(engine.into()),
            limits: Some(precis::translate::BatchLimits {
                max_segments: 7,
                max_code_points: 900,
                max_bytes: 2_000,
            }),
            ..Request::default()
        };
        let package = package_of(&request);
        let profile = EngineProfile::named(engine, NO_LIMITS).unwrap();
        let mut seen = 0usize;
        for batch in &package.batches {
            assert!(!batch.oversized, "{engine}: no sentence here is oversized");
            let members: Vec<_> = batch
                .segment_ids
                .iter()
                .map(|id| package.segments.iter().find(|s| &s.id == id).unwrap())
                .collect();
            seen += members.len();
            // Measured here from the texts the engine receives.
            let sent: Vec<&str> = members
                .iter()
                .map(|s| {
                    if engine == "custom" {
                        s.protected_text.as_str()
                    } else {
                        s.html.as_str()
                    }
                })
                .collect();
            let code_points: usize = sent.iter().map(|t| t.chars().count()).sum();
            let bytes: usize = sent.iter().map(|t| t.len()).sum();
            let json_body =
                serde_json::json!({"text": sent, "target_lang": "VI", "tag_handling": "html"})
                    .to_string()
                    .len();
            match engine {
                "deepl" => {
                    assert!(members.len() <= 50);
                    assert!(json_body <= 128 * 1024, "{json_body}");
                }
                "google-v3" => {
                    assert!(members.len() <= 1024);
                    assert!(code_points <= 5_000 || members.len() == 1);
                    assert!(code_points <= 30_000);
                }
                "azure" => {
                    assert!(members.len() <= 1000);
                    assert!(code_points * 3 <= 50_000, "Azure counts every target");
                }
                "aws" => {
                    assert_eq!(members.len(), 1);
                    assert!(bytes <= 10_000);
                }
                _ => {
                    assert!(members.len() <= 7);
                    assert!(code_points <= 900);
                    assert!(bytes <= 2_000);
                }
            }
            assert_eq!(batch.code_points, code_points);
            assert_eq!(batch.bytes, bytes);
        }
        assert_eq!(seen, package.segments.len(), "{engine}: each segment once");
        if engine != "custom" {
            assert_eq!(package.engine, profile.name);
        }
        assert!(package.batches.len() > 1);
    }
}

#[test]
fn engine_codes_and_unsupported_targets() {
    let request = Request {
        text: EN_HTML.to_string(),
        language: Some("en".into()),
        target_langs: vec![
            "fil".into(),
            "km".into(),
            "lo".into(),
            "my".into(),
            "vi".into(),
        ],
        engine: Some("aws".into()),
        ..Request::default()
    };
    let package = package_of(&request);
    let targets: Vec<(&str, &str, bool)> = package
        .engine_targets
        .iter()
        .map(|t| (t.lang.as_str(), t.engine_code.as_str(), t.supported))
        .collect();
    assert_eq!(
        targets,
        vec![
            ("fil", "tl", true),
            ("km", "km", false),
            ("lo", "lo", false),
            ("my", "my", false),
            ("vi", "vi", true),
        ]
    );
    assert_eq!(
        package
            .warnings
            .iter()
            .filter(|w| w.contains("does not list"))
            .count(),
        3
    );
}

#[test]
fn oversized_sentence_is_flagged_or_resegmented_at_clauses() {
    // One Khmer "sentence" of about 24 KB: clauses separated by spaces, no
    // sentence punctuation (។); AWS takes 10,000 bytes per text. (Thai would
    // not do: its splitter already ends sentences at sentence-like spaces.)
    let clause = "រដ្ឋាភិបាលប្រកាសវិធានការជួយកសិករដែលរងផលប៉ះពាល់ពីទឹកជំនន់";
    let text = format!("{}\n", vec![clause; 140].join(" "));
    let base = Request {
        text: text.clone(),
        language: Some("km".into()),
        engine: Some("aws".into()),
        segmentation: precis::text::SegmentOptions {
            one_sentence_per_line: true,
            ..Default::default()
        },
        ..Request::default()
    };
    let flagged = package_of(&base);
    assert_eq!(flagged.segments.len(), 1);
    assert!(flagged.batches[0].oversized);
    assert_eq!(flagged.segments[0].flags, vec!["oversized:aws"]);

    let split = package_of(&Request {
        allow_resegment: true,
        ..base
    });
    assert!(split.segments.len() >= 3, "{}", split.segments.len());
    for segment in &split.segments {
        assert!(segment.resegmented);
        assert!(segment.html.len() <= 10_000);
        assert_eq!(&text[segment.start..segment.end], segment.text);
    }
    assert!(split.batches.iter().all(|b| !b.oversized));
    let identity: Vec<Translation> = split
        .segments
        .iter()
        .map(|s| Translation {
            id: s.id.clone(),
            text: s.protected_text.clone(),
            style: TranslationStyle::Plain,
        })
        .collect();
    assert_eq!(assemble(&split, &identity, "").unwrap(), text);
}

#[test]
fn repetitions_point_to_the_first_occurrence() {
    let text = "Prices rose 5% in March.\n\nExports fell.\n\nPrices rose 7% in March.";
    let package = package_of(&Request {
        text: text.into(),
        language: Some("en".into()),
        ..Request::default()
    });
    let [first, second, third] = &package.segments[..] else {
        panic!("three segments expected");
    };
    assert_ne!(first.exact_hash, third.exact_hash);
    assert_eq!(first.normalized_hash, third.normalized_hash);
    assert_eq!(third.repetition_of, first.id);
    assert!(first.repetition_of.is_empty() && second.repetition_of.is_empty());
    assert!(package.segments.iter().any(|s| s.rank == 1));
}

#[test]
fn bad_options_name_their_field() {
    let article = &articles()[1];
    let engine = Engine::default();
    let cases: Vec<(Request, &str)> = vec![
        (
            Request {
                engine: Some("babelfish".into()),
                ..request(article, "", &[])
            },
            "engine",
        ),
        (
            Request {
                content_type: Some("application/pdf".into()),
                ..request(article, "", &[])
            },
            "content_type",
        ),
        (
            Request {
                glossary: vec![keep(" ")],
                ..request(article, "", &[])
            },
            "glossary[0].term",
        ),
        (request(article, "", &["docx"]), "formats[0]"),
    ];
    for (request, field) in cases {
        assert_eq!(engine.validate(&request).unwrap_err().field(), field);
    }
}

#[tokio::test]
async fn grpc_prepare_then_assemble() {
    let server = TestServer::start().await;
    let mut client = server.client().await;
    let prepared = client
        .prepare(pb::PrepareRequest {
            text: VI.to_string(),
            language: "vi".into(),
            document_id: "vi-1".into(),
            target_langs: vec!["en".into()],
            engine: "aws".into(),
            glossary: vec![pb::GlossaryEntry {
                term: "Mê Kông".into(),
                translations: [("en".to_string(), "Mekong".to_string())].into(),
            }],
            formats: vec!["xliff-2.1".into()],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(prepared.engine, "aws");
    check_xliff("grpc-vi", &prepared.renditions["xliff-2.1"]);
    let translations: Vec<pb::Translation> = prepared
        .segments
        .iter()
        .map(|s| pb::Translation {
            id: s.id.clone(),
            text: s.protected_text.clone(),
            style: String::new(),
        })
        .collect();
    let assembled = client
        .assemble(pb::AssembleRequest {
            leading: prepared.leading.clone(),
            segments: prepared.segments.clone(),
            translations: translations.clone(),
            target_lang: "en".into(),
            document_id: "vi-1".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(assembled.errors.is_empty(), "{:?}", assembled.errors);
    assert_eq!(assembled.text, VI.replace("Mê Kông", "Mekong"));
    // From the XLIFF with targets instead.
    let from_xliff = client
        .assemble(pb::AssembleRequest {
            leading: prepared.leading.clone(),
            segments: prepared.segments.clone(),
            xliff: with_targets(&prepared.renditions["xliff-2.1"]),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(from_xliff.text, VI);
    // A missing segment is a per-segment error, not a failed call.
    let partial = client
        .assemble(pb::AssembleRequest {
            leading: prepared.leading.clone(),
            segments: prepared.segments.clone(),
            translations: translations[1..].to_vec(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(partial.errors.len(), 1);
    assert_eq!(partial.errors[0].code, "missing_segment");
    assert_eq!(partial.errors[0].segment_id, prepared.segments[0].id);
    // Bad requests are INVALID_ARGUMENT naming the field.
    for (request, field) in [
        (
            pb::PrepareRequest {
                text: VI.into(),
                engine: "babelfish".into(),
                ..Default::default()
            },
            "engine",
        ),
        (
            pb::PrepareRequest {
                text: VI.into(),
                content_type: "text/rtf".into(),
                ..Default::default()
            },
            "content_type",
        ),
    ] {
        let status = client.prepare(request).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument);
        let violations = status.get_details_bad_request().unwrap().field_violations;
        assert_eq!(violations[0].field, field);
    }
    let status = client
        .assemble(pb::AssembleRequest {
            leading: prepared.leading.clone(),
            segments: prepared.segments.clone(),
            xliff: "<xliff><unit".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Identity assembly reproduces any input byte for byte, through plain
    /// tokens, the HTML rendition and XLIFF; every XLIFF verifies.
    #[test]
    fn identity_round_trip_is_lossless(
        pieces in proptest::collection::vec(prop_oneof![
            Just("Rice rose 5%. "), Just("https://x.org/a?b=1&c=2 "), Just("a@b.co "),
            Just("<b>bold</b> "), Just("<i>open "), Just("</p>\n\n"), Just("**strong** "),
            Just("[link](https://x.org) "), Just("{name} {1} "), Just("东盟贸易增长。"),
            Just("ประเทศไทย "), Just("ព័ត៌មាន។ "), Just("\r\n"), Just("\u{1}"), Just("  \t"),
            Just("& < > \" ' "), Just("Mekong "), Just("#tag @user 10:30 2025-01-02 "),
        ], 1..24),
        content_type in prop_oneof![Just("text/plain"), Just("text/html"), Just("text/markdown")],
    ) {
        let text: String = pieces.concat();
        prop_assume!(!text.trim().is_empty());
        let package = package_of(&Request {
            text: text.clone(),
            content_type: Some(content_type.into()),
            glossary: vec![forced("Mekong", "vi", "Mê Kông")],
            target_langs: vec!["vi".into()],
            formats: vec!["xliff-2.1".into()],
            ..Request::default()
        });
        let plain: Vec<Translation> = package.segments.iter().map(|s| Translation {
            id: s.id.clone(), text: s.protected_text.clone(), style: TranslationStyle::Plain,
        }).collect();
        prop_assert_eq!(&assemble(&package, &plain, "").unwrap(), &text);
        let html: Vec<Translation> = package.segments.iter().map(|s| Translation {
            id: s.id.clone(), text: s.html.clone(), style: TranslationStyle::Html,
        }).collect();
        prop_assert_eq!(&assemble(&package, &html, "").unwrap(), &text);
        let document = with_targets(&package.renditions["xliff-2.1"]);
        prop_assert!(xliff::verify(&document).is_ok());
        // Left for .ci/xliff-check, named by content.
        let name = {
            use std::hash::{DefaultHasher, Hash, Hasher};
            let mut hasher = DefaultHasher::new();
            document.hash(&mut hasher);
            format!("prop-{:016x}", hasher.finish())
        };
        std::fs::write(xliff_dir().join(format!("{name}.xlf")), &document).unwrap();
        let from_xliff = assemble::translations_from_xliff(&document).unwrap();
        prop_assert_eq!(&assemble(&package, &from_xliff, "").unwrap(), &text);
        // Placeholders lie inside their segment and do not overlap.
        for segment in &package.segments {
            let mut end = 0;
            for p in &segment.placeholders {
                prop_assert!(p.start >= end && p.end <= segment.text.len());
                prop_assert_eq!(&segment.text[p.start..p.end], p.text.as_str());
                end = p.end;
            }
        }
    }
}

#[test]
fn jsonl_prepare_then_assemble_through_the_binary() {
    use serde_json::{Value, json};
    let line = json!({
        "id": "th-1", "text": TH, "lang": "th", "target_langs": ["en"],
        "glossary": {"กรุงเทพมหานคร": {"en": "Bangkok Metropolitan Administration"}},
        "formats": ["xliff-2.1"],
    });
    let (prepared, ok) = crate::support::run_binary(&["prepare", "--jsonl"], &format!("{line}\n"));
    assert!(ok);
    let package = &prepared[0];
    assert_eq!(package["lang"], "th");
    let segments = package["segments"].as_array().unwrap();
    let segment_keys = [
        "id",
        "text",
        "protected_text",
        "placeholders",
        "start",
        "end",
    ];
    for key in segment_keys {
        assert!(segments[0].get(key).is_some(), "segment key {key}");
    }
    let xliff_document = package["renditions"]["xliff-2.1"].as_str().unwrap();
    check_xliff("jsonl-th", xliff_document);
    let identity: Vec<Value> = segments
        .iter()
        .map(|s| json!({"id": s["id"], "text": s["protected_text"]}))
        .collect();
    let mut missing_placeholder = identity.clone();
    let with_token = missing_placeholder
        .iter_mut()
        .find(|t| t["text"].as_str().unwrap().contains("{1}"))
        .unwrap();
    with_token["text"] = Value::String(with_token["text"].as_str().unwrap().replace("{1}", ""));
    let bad_id = with_token["id"].clone();
    let input = [
        json!({"id": "identity", "package": package, "translations": identity}),
        json!({"id": "forced", "package": package, "translations": identity, "target_lang": "en"}),
        json!({"id": "xliff", "package": package, "xliff": with_targets(xliff_document)}),
        json!({"id": "broken", "package": package, "translations": missing_placeholder}),
    ]
    .iter()
    .map(|l| format!("{l}\n"))
    .collect::<String>();
    let (answers, ok) = crate::support::run_binary(&["assemble", "--jsonl"], &input);
    assert!(!ok, "a line with errors fails the run");
    assert_eq!(answers[0], json!({"id": "identity", "text": TH}));
    assert_eq!(
        answers[1]["text"],
        TH.replace("กรุงเทพมหานคร", "Bangkok Metropolitan Administration")
    );
    assert_eq!(answers[2], json!({"id": "xliff", "text": TH}));
    let errors = answers[3]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["segment_id"], bad_id);
    assert_eq!(errors[0]["code"], "missing_placeholder");
}

#[test]
fn srx_file_changes_the_split_through_the_binary() {
    let srx = r#"<?xml version="1.0" encoding="UTF-8"?>
<srx xmlns="http://www.lisa.org/srx20" version="2.0">
  <header segmentsubflows="yes" cascade="no"/>
  <body>
    <languagerules>
      <languagerule languagerulename="Indonesian">
        <rule break="yes"><beforebreak>(?&lt;=\p{L});</beforebreak><afterbreak>\s+(?=\p{Lu})</afterbreak></rule>
      </languagerule>
    </languagerules>
    <maprules><languagemap languagepattern="id.*" languagerulename="Indonesian"/></maprules>
  </body>
</srx>"#;
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("indonesian.srx");
    std::fs::write(&path, srx).unwrap();
    let text = "Rapat dimulai di Jakarta; Menteri hadir. Harga naik 5%; warga protes.";
    let line = format!(
        "{}\n",
        serde_json::json!({"id": 1, "text": text, "lang": "id"})
    );
    let sentences = |args: &[&str]| -> Vec<String> {
        let (out, ok) = crate::support::run_binary(args, &line);
        assert!(ok);
        out[0]["sentences"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["text"].as_str().unwrap().to_string())
            .collect()
    };
    let built_in = sentences(&["segment", "--jsonl"]);
    let with_srx = sentences(&["segment", "--jsonl", "--srx", path.to_str().unwrap()]);
    assert_eq!(
        with_srx,
        vec![
            "Rapat dimulai di Jakarta;",
            "Menteri hadir.",
            "Harga naik 5%; warga protes."
        ]
    );
    assert_ne!(built_in, with_srx, "the rule is not built in: {built_in:?}");
    let (_, ok) =
        crate::support::run_binary(&["segment", "--jsonl", "--srx", "/no/such/file.srx"], &line);
    assert!(!ok);
}
