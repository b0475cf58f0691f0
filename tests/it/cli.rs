//! The JSONL contract, through the real binary.

use serde_json::Value;

use crate::support::SEED_ARTICLE;

fn run(subcommand: &str, input: &str) -> (Vec<Value>, bool) {
    crate::support::run_binary(&[subcommand, "--jsonl"], input)
}

#[test]
fn segment_jsonl_offsets_slice_the_input() {
    let line = serde_json::json!({"id": "seed", "text": SEED_ARTICLE, "unknown_key": [1, 2]});
    let (out, ok) = run("segment", &format!("{line}\n"));
    assert!(ok);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0]["id"], "seed");
    assert_eq!(out[0]["lang"], "en");
    for s in out[0]["sentences"].as_array().unwrap() {
        let (start, end) = (
            s["start"].as_u64().unwrap() as usize,
            s["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(s["text"].as_str().unwrap(), &SEED_ARTICLE[start..end]);
    }
}

#[test]
fn summarize_jsonl_bad_lines_do_not_stop_processing() {
    let input = [
        serde_json::json!({"id": 1, "text": "First sentence here. Second one follows. Third one too.", "language": "en", "max_sentences": 1}).to_string(),
        "{not json".to_string(),
        serde_json::json!({"id": 3, "text": "  "}).to_string(),
        serde_json::json!({"id": 4, "text": "Budget clash. Yes.", "max_sentences": 1, "ratio": 0.5}).to_string(),
        serde_json::json!({"id": 5, "text": "Still fine. Really."}).to_string(),
    ]
    .join("\n");
    let (out, ok) = run("summarize", &input);
    assert!(!ok, "exit status reports failed lines");
    assert_eq!(out.len(), 5, "one line out per line in");
    assert_eq!(out[0]["selected"].as_array().unwrap().len(), 1);
    assert!(out[0]["sentences"][0]["score"].is_number());
    assert_eq!(out[1]["error"]["code"], "INVALID_ARGUMENT");
    assert_eq!(out[2]["id"], 3);
    assert_eq!(out[2]["error"]["field"], "text");
    assert_eq!(out[3]["error"]["field"], "ratio");
    assert_eq!(out[4]["id"], 5);
    assert!(out[4]["summary"].is_string());
}

#[test]
fn process_jsonl_matches_grpc_message_shape() {
    let line = serde_json::json!({"id": "x", "text": SEED_ARTICLE, "target_langs": ["vi"]});
    let (out, ok) = run("process", &format!("{line}\n"));
    assert!(ok);
    let package = &out[0]["package"];
    assert!(package["segments"].as_array().unwrap().len() > 5);
    assert_eq!(out[0]["target_langs"], serde_json::json!(["vi"]));
    assert_eq!(package["segments"][0]["kind"], "headline");
}

/// A caller that writes one request and waits for its answer before
/// writing the next (a co-process) gets each answer while its input is
/// still open, on one job or several.
#[test]
fn jsonl_answers_each_line_while_input_stays_open() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    use std::sync::mpsc;
    use std::time::Duration;

    for jobs in ["1", "2"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_precis"))
            .args(["segment", "--jsonl", "--jobs", jobs])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let _ = tx.send(line.unwrap());
            }
        });
        for id in ["first", "second", "third"] {
            let line = serde_json::json!({"id": id, "text": "One sentence. And another."});
            writeln!(stdin, "{line}").unwrap();
            stdin.flush().unwrap();
            let answer = rx
                .recv_timeout(Duration::from_secs(30))
                .unwrap_or_else(|_| panic!("{jobs} job(s): an answer before the input is closed"));
            let answer: Value = serde_json::from_str(&answer).unwrap();
            assert_eq!(answer["id"], id);
            assert_eq!(answer["sentences"].as_array().unwrap().len(), 2);
        }
        drop(stdin);
        assert!(child.wait().unwrap().success());
    }
}

/// `--jobs` (and `PRECIS_JOBS`) change how many lines are answered at once,
/// not the answers: the same lines in the same order, the same exit status.
#[test]
fn jsonl_jobs_give_the_same_output_in_input_order() {
    let mut lines: Vec<String> = (0..40)
        .map(|i| {
            // Articles of different lengths, so that later lines finish first.
            let paragraphs = SEED_ARTICLE
                .split("\n\n")
                .take(1 + i % 5)
                .collect::<Vec<_>>();
            serde_json::json!({"id": i, "text": paragraphs.join("\n\n")}).to_string()
        })
        .collect();
    lines.insert(5, "{not json".to_string());
    let input = lines.join("\n") + "\n";
    let run = |jobs: &[&str], env_jobs: Option<&str>| {
        let args = [&["process", "--jsonl"], jobs].concat();
        let output = crate::support::binary_output(&args, &[("PRECIS_JOBS", env_jobs)], &input);
        (output.stdout, output.status.code())
    };
    let one = run(&["--jobs", "1"], None);
    assert_eq!(one.1, Some(1), "the malformed line fails the run");
    let ids: Vec<Value> = String::from_utf8(one.0.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["id"].clone())
        .collect();
    let mut expected: Vec<Value> = (0..40).map(Value::from).collect();
    expected.insert(5, Value::Null);
    assert_eq!(ids, expected);
    assert!(one == run(&["--jobs", "3"], None), "--jobs 3");
    assert!(one == run(&[], Some("2")), "PRECIS_JOBS=2");
    assert!(one == run(&[], None), "the default");
}
