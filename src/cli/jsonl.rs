//! The JSON Lines loop: lines in, answers out in the same order, on one
//! thread or on several (`--jobs`).
//!
//! With several jobs the calling thread reads lines and hands them out in
//! chunks, `jobs` worker threads answer them, and a writer thread puts the
//! answers back in input order. Chunks (the lines a read of the input
//! brought, at most [`CHUNK_LINES`]) make the hand-offs between threads few:
//! handing out each line on its own took two context switches a line. At
//! most [`CHUNKS_IN_FLIGHT_PER_JOB`] chunks a job are read and not yet
//! written. Each line's answer is [`answer_line`]'s, whichever thread runs
//! it, so the output is byte for byte the output of one job.

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::num::NonZeroUsize;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender, TryRecvError};
use std::sync::{Mutex, PoisonError};
use std::thread;

use serde_json::Value;

use super::{Command, answer_line, error_line, parse_object};
use crate::engine::Engine;

/// Chunks of lines read and not yet written, per job: a job that finishes
/// a chunk finds the next one waiting, and one slow line (a 1 MB article)
/// holds back a bounded number of answers, not the rest of the input.
const CHUNKS_IN_FLIGHT_PER_JOB: usize = 2;

/// The most lines in a chunk: a bound on what one job takes at a time, for
/// input of many short lines.
const CHUNK_LINES: usize = 64;

/// The largest chunk buffer kept for reuse. A chunk of ~5 KB articles
/// fills ~1.5 MB; one with a very large answer (a 1 MB English article's
/// is ~7 MB of JSON) does not keep its buffer.
const SPARE_BUFFER_BYTES: usize = 8 * 1024 * 1024;

/// Reads JSON Lines from `input` and writes one line per input line to
/// `output`, in input order, answering up to `jobs` lines at once. Returns
/// the number of failed lines. Blank lines are skipped.
///
/// Answers are flushed whenever the next one is not ready to be written,
/// before waiting for it: a caller that writes one request and waits for
/// its answer (a co-process) gets it at once, and a bulk run still writes
/// in large blocks. With one job that is whenever `input` has no whole line
/// buffered.
///
/// A line whose processing panics gets an `INTERNAL` error line, as the
/// server answers such a call, and the run goes on.
pub fn run_jsonl<R: Read>(
    engine: &Engine,
    command: Command,
    input: &mut BufReader<R>,
    output: impl Write + Send,
    jobs: NonZeroUsize,
) -> io::Result<usize> {
    if jobs.get() == 1 {
        run_on_this_thread(engine, command, input, output)
    } else {
        run_on_threads(engine, command, input, output, jobs.get())
    }
}

fn run_on_this_thread<R: Read>(
    engine: &Engine,
    command: Command,
    input: &mut BufReader<R>,
    mut output: impl Write,
) -> io::Result<usize> {
    let mut failed = 0usize;
    // One input and one output buffer for all lines.
    let (mut line, mut answer) = (Vec::new(), Vec::new());
    loop {
        if !has_whole_line(input) {
            output.flush()?;
        }
        let Some(text) = read_line(input, &mut line)? else {
            break;
        };
        if text.trim().is_empty() {
            continue;
        }
        answer.clear();
        failed += usize::from(append_answer(engine, command, text, &mut answer));
        output.write_all(&answer)?;
    }
    output.flush()?;
    Ok(failed)
}

fn run_on_threads<R: Read>(
    engine: &Engine,
    command: Command,
    input: &mut BufReader<R>,
    output: impl Write + Send,
    jobs: usize,
) -> io::Result<usize> {
    let in_flight = jobs * CHUNKS_IN_FLIGHT_PER_JOB;
    // A slot for each chunk read and not yet written: the reader takes one
    // before it hands a chunk out (waiting while all are taken), the writer
    // gives one back for each chunk it writes. The work queue holds at most
    // as many chunks as there are slots, so handing out never waits.
    let (slot_taken, slot_given_back) = mpsc::sync_channel::<()>(in_flight);
    let (work_tx, work_rx) = mpsc::sync_channel::<(usize, Vec<Vec<u8>>)>(in_flight);
    let work_rx = Mutex::new(work_rx);
    let (answer_tx, answer_rx) = mpsc::channel::<(usize, Answers)>();
    // Chunk buffers the writer has emptied, for the workers to fill again:
    // a buffer freed on another thread than the one that allocated it was
    // held by the allocator, and a run peaked at ~4x the RSS of one job.
    let (spare_tx, spare_rx) = mpsc::channel::<Vec<u8>>();
    let spare_rx = Mutex::new(spare_rx);
    thread::scope(|scope| {
        let writer =
            scope.spawn(move || write_in_order(answer_rx, slot_given_back, spare_tx, output));
        for _ in 0..jobs {
            let (work_rx, spare_rx, answer_tx) = (&work_rx, &spare_rx, answer_tx.clone());
            scope.spawn(move || {
                loop {
                    // The lock is held only to take a chunk; no panic can
                    // happen while it is held (the engine's are caught).
                    let next = work_rx
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .recv();
                    let Ok((index, lines)) = next else { break };
                    let spare = spare_rx
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .try_recv()
                        .unwrap_or_default();
                    let answers = answer_chunk(engine, command, &lines, spare);
                    if answer_tx.send((index, answers)).is_err() {
                        break; // The writer stopped on an output error.
                    }
                }
            });
        }
        drop(answer_tx);
        // Returns once the input ends or the writer stops, dropping the
        // work queue's sender: the workers stop once the queue is empty,
        // and the writer once every worker has stopped.
        let read = hand_out(input, slot_taken, work_tx);
        let written = writer
            .join()
            .unwrap_or_else(|panic| panic::resume_unwind(panic));
        // An output error is the one to report: it stopped the reading.
        let failed = written?;
        read?;
        Ok(failed)
    })
}

/// The answer lines of a chunk, each ending in a newline, and how many of
/// them are error lines.
struct Answers {
    lines: Vec<u8>,
    failed: usize,
}

/// Answers a chunk's lines into `buffer` (emptied, its capacity reused).
fn answer_chunk(
    engine: &Engine,
    command: Command,
    lines: &[Vec<u8>],
    mut buffer: Vec<u8>,
) -> Answers {
    buffer.clear();
    let failed = lines
        .iter()
        .filter(|line| append_answer(engine, command, text(line), &mut buffer))
        .count();
    Answers {
        lines: buffer,
        failed,
    }
}

/// Reads lines and hands them out in chunks, each with its index once it
/// has a slot. A chunk is handed out when the input has no further whole
/// line buffered (reading on might wait: a co-process's line goes out at
/// once, a file's lines go out a buffer at a time) or at [`CHUNK_LINES`]
/// lines. Stops at the end of the input, or when the writer has stopped.
fn hand_out<R: Read>(
    input: &mut BufReader<R>,
    slot_taken: SyncSender<()>,
    work: SyncSender<(usize, Vec<Vec<u8>>)>,
) -> io::Result<()> {
    let (mut line, mut chunk, mut index) = (Vec::new(), Vec::new(), 0);
    loop {
        // A read error ends the input: the lines before it are answered.
        // Ok(Some(whether the line has text)), or Ok(None) at the end.
        let read = read_line(input, &mut line).map(|text| text.map(|text| !text.trim().is_empty()));
        let more = matches!(read, Ok(Some(_)));
        if matches!(read, Ok(Some(true))) {
            chunk.push(std::mem::take(&mut line));
        }
        let hand = !more || chunk.len() == CHUNK_LINES || !has_whole_line(input);
        if hand && !chunk.is_empty() {
            // Either fails only once the writer has stopped.
            if slot_taken.send(()).is_err()
                || work.send((index, std::mem::take(&mut chunk))).is_err()
            {
                return Ok(());
            }
            index += 1;
        }
        if !more {
            return read.map(drop);
        }
    }
}

/// Writes chunks of answers in input order as they arrive, giving back a
/// slot and the buffer of each; flushes whenever the next chunk is not
/// there yet.
fn write_in_order(
    answers: Receiver<(usize, Answers)>,
    slots: Receiver<()>,
    spare: Sender<Vec<u8>>,
    mut output: impl Write,
) -> io::Result<usize> {
    let (mut waiting, mut next, mut failed) = (BTreeMap::new(), 0usize, 0usize);
    loop {
        let (index, chunk) = match answers.try_recv() {
            Ok(arrived) => arrived,
            Err(TryRecvError::Empty) => {
                output.flush()?;
                match answers.recv() {
                    Ok(arrived) => arrived,
                    Err(_) => break,
                }
            }
            Err(TryRecvError::Disconnected) => break,
        };
        waiting.insert(index, chunk);
        while let Some(chunk) = waiting.remove(&next) {
            output.write_all(&chunk.lines)?;
            failed += chunk.failed;
            if chunk.lines.capacity() <= SPARE_BUFFER_BYTES {
                let _ = spare.send(chunk.lines);
            }
            next += 1;
            // The slot this chunk took; there since it was handed out.
            let _ = slots.try_recv();
        }
    }
    output.flush()?;
    Ok(failed)
}

/// Reads the next line into `line` without its line ending (`\n` or
/// `\r\n`) and returns its text; `None` at the end of the input. A line
/// that is not UTF-8 is an `InvalidData` error, as from
/// `BufRead::read_line`. The check is simdutf8's: std's was 12% of the
/// instructions of a Vietnamese `segment` run, whose text is mostly
/// multi-byte. The line end is found by the memchr crate's SIMD search, as
/// `BufRead::read_until` would find it with core's.
fn read_line<'a, R: Read>(
    input: &mut BufReader<R>,
    line: &'a mut Vec<u8>,
) -> io::Result<Option<&'a str>> {
    line.clear();
    loop {
        let buffered = match input.fill_buf() {
            Ok(buffered) => buffered,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let (taken, complete) = match memchr::memchr(b'\n', buffered) {
            Some(end) => (end + 1, true),
            None => (buffered.len(), buffered.is_empty()),
        };
        line.extend_from_slice(&buffered[..taken]);
        input.consume(taken);
        if complete {
            break;
        }
    }
    if line.is_empty() {
        return Ok(None);
    }
    if line.ends_with(b"\n") {
        line.pop();
    }
    if line.ends_with(b"\r") {
        line.pop();
    }
    simdutf8::basic::from_utf8(line).map(Some).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

/// Whether a whole line is buffered: reading it will not wait on the
/// input (a co-process's next line may not be written yet).
fn has_whole_line<R: Read>(input: &BufReader<R>) -> bool {
    memchr::memchr(b'\n', input.buffer()).is_some()
}

/// The text of a line that [`read_line`] read, and so checked (a worker's
/// second look: bytes become text again only through a check, as the
/// crate has no `unsafe`).
fn text(line: &[u8]) -> &str {
    simdutf8::basic::from_utf8(line).expect("read_line checks that lines are UTF-8")
}

/// Appends the answer to `line` to `out`, newline included: the output
/// line, or its error line (then true). A panic gives an `INTERNAL` error
/// line with the server's message for a call that panicked; the panic hook
/// has printed the detail on stderr, as the server logs it.
fn append_answer(engine: &Engine, command: Command, line: &str, out: &mut Vec<u8>) -> bool {
    let start = out.len();
    let answered =
        panic::catch_unwind(AssertUnwindSafe(|| answer_line(engine, command, line, out)));
    let error = match answered {
        Ok(Ok(())) => None,
        Ok(Err(error)) => Some(error),
        Err(_) => {
            let id = parse_object(line)
                .ok()
                .and_then(|request| request.get("id").cloned())
                .unwrap_or(Value::Null);
            Some(error_line(
                id,
                "INTERNAL",
                "internal error while processing the request",
                "",
            ))
        }
    };
    if let Some(error) = &error {
        out.truncate(start);
        serde_json::to_writer(&mut *out, error).expect("JSON values serialize");
    }
    out.push(b'\n');
    error.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Limits;

    /// Request lines in several scripts and sizes, with the lines a run
    /// must answer with an error or skip: malformed JSON, an empty text,
    /// a blank line, a CRLF ending.
    fn input() -> String {
        let articles = [
            ("en", include_str!("../../examples/seed_article.txt")),
            ("zh", include_str!("../../tests/data/translation/zh.txt")),
            ("th", include_str!("../../tests/data/translation/th.txt")),
            ("vi", include_str!("../../tests/data/translation/vi.txt")),
            ("km", include_str!("../../tests/data/translation/km.txt")),
        ];
        let mut lines = Vec::new();
        for round in 0..6 {
            for (lang, text) in articles {
                // Whole articles, and their first paragraphs alone.
                let text = if round % 2 == 0 {
                    text
                } else {
                    text.split("\n\n").next().unwrap()
                };
                let request = serde_json::json!({
                    "id": format!("{lang}-{round}"), "text": text, "target_langs": ["en"],
                });
                lines.push(request.to_string());
            }
        }
        lines.insert(3, "{not json".into());
        lines.insert(7, r#"{"id": "empty", "text": "  "}"#.into());
        lines.insert(9, "   ".into());
        lines.insert(
            12,
            format!("{}\r", r#"{"id": "crlf", "text": "One. Two."}"#),
        );
        lines.join("\n") + "\n"
    }

    /// `run_jsonl` on `input` read `buffer` bytes at a time: the output and
    /// the number of failed lines.
    fn run(command: Command, input: &str, buffer: usize, jobs: usize) -> (String, usize) {
        let engine = Engine::new(Limits::default());
        let mut reader = BufReader::with_capacity(buffer, input.as_bytes());
        let mut output = Vec::new();
        let jobs = NonZeroUsize::new(jobs).unwrap();
        let failed = run_jsonl(&engine, command, &mut reader, &mut output, jobs).unwrap();
        (String::from_utf8(output).unwrap(), failed)
    }

    #[test]
    fn several_jobs_write_what_one_job_writes() {
        let input = input();
        for command in [Command::Segment, Command::Process] {
            let (one, failed) = run(command, &input, 64 * 1024, 1);
            assert_eq!(failed, 2, "the malformed line and the empty text");
            let answers: Vec<Value> = one
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            // One answer per line that is not blank, in input order.
            assert_eq!(
                answers.len(),
                input.lines().filter(|l| !l.trim().is_empty()).count()
            );
            assert_eq!(answers[0]["id"], "en-0");
            assert_eq!(answers[3]["error"]["code"], "INVALID_ARGUMENT");
            assert_eq!(answers[7]["id"], "empty");
            assert_eq!(answers[11]["id"], "crlf");
            assert_eq!(answers.last().unwrap()["id"], "km-5");
            // Chunks of one line (a buffer smaller than every line) and of
            // many, on more jobs than this machine has cores.
            for (buffer, jobs) in [(64 * 1024, 2), (256, 3), (16 * 1024, 7)] {
                assert_eq!(
                    run(command, &input, buffer, jobs),
                    (one.clone(), failed),
                    "{command:?}, {jobs} jobs, {buffer} bytes buffered"
                );
            }
        }
    }

    proptest::proptest! {
        /// `read_line` reads the lines that `BufRead::read_until` reads,
        /// with their `\n` or `\r\n` endings removed, whatever the buffer
        /// size: lines longer than the buffer, blank lines, a last line
        /// without an ending, multi-byte characters across buffer ends.
        #[test]
        fn read_line_reads_the_lines_of_read_until(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "a", "line", "\n", "\r\n", "\r", " ", "é", "ข่าว", "{\"id\": 1}",
            ]), 0..40),
            capacity in 1usize..24,
        ) {
            let input = pieces.concat();
            let mut expected = Vec::new();
            let mut reader = BufReader::with_capacity(capacity, input.as_bytes());
            loop {
                let mut line = Vec::new();
                if reader.read_until(b'\n', &mut line).unwrap() == 0 {
                    break;
                }
                let line = String::from_utf8(line).unwrap();
                let line = line.strip_suffix('\n').unwrap_or(&line);
                expected.push(line.strip_suffix('\r').unwrap_or(line).to_string());
            }
            let mut read = Vec::new();
            let mut reader = BufReader::with_capacity(capacity, input.as_bytes());
            let mut line = Vec::new();
            while let Some(text) = read_line(&mut reader, &mut line).unwrap() {
                read.push(text.to_string());
            }
            proptest::prop_assert_eq!(read, expected);
        }
    }

    /// Fails every write after the first `budget` bytes, as a closed pipe.
    struct FailingWriter {
        budget: usize,
    }

    impl Write for FailingWriter {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            if bytes.len() > self.budget {
                return Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"));
            }
            self.budget -= bytes.len();
            Ok(bytes.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn an_output_error_stops_the_run_and_is_returned() {
        let engine = Engine::new(Limits::default());
        // Far more lines than the chunks in flight: the reader must stop
        // instead of waiting for slots the writer will never give back.
        let input = input().repeat(20);
        for jobs in [1, 2, 3] {
            let mut reader = BufReader::with_capacity(1024, input.as_bytes());
            let jobs = NonZeroUsize::new(jobs).unwrap();
            let output = FailingWriter { budget: 10_000 };
            let error =
                run_jsonl(&engine, Command::Segment, &mut reader, output, jobs).unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::BrokenPipe);
        }
    }

    #[test]
    fn an_input_error_is_returned_after_the_lines_before_it() {
        let engine = Engine::new(Limits::default());
        let mut input = br#"{"id": 1, "text": "One. Two."}"#.to_vec();
        input.extend_from_slice(b"\n{\"id\": 2, \"text\": \"\xff\"}\n");
        for jobs in [1, 2] {
            let mut reader = BufReader::new(&input[..]);
            let mut output = Vec::new();
            let jobs = NonZeroUsize::new(jobs).unwrap();
            let error =
                run_jsonl(&engine, Command::Segment, &mut reader, &mut output, jobs).unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::InvalidData);
            let output = String::from_utf8(output).unwrap();
            assert_eq!(output.lines().count(), 1, "{output}");
            assert!(output.starts_with(r#"{"id":1,"#), "{output}");
        }
    }
}
