//! What the command-line tests share: running the binary with input on stdin.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

/// Runs `detente ARGS` from the crate root, feeding `input` on stdin from a
/// separate thread (so a large input cannot deadlock against the output).
pub fn run_with_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_detente"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run detente");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("wait for detente");
    feeder.join().expect("feeder thread");
    out
}

/// JSONL lines `{"id", "text"}` for the given documents.
#[allow(dead_code)]
pub fn jsonl(docs: &[(&str, &str)]) -> String {
    docs.iter().map(|(id, text)| serde_json::json!({"id": id, "text": text}).to_string() + "\n").collect()
}

/// `detente annotate EXTRA -` over the documents; panics unless it succeeds.
#[allow(dead_code)]
pub fn annotate_records(extra: &[&str], docs: &[(&str, &str)]) -> Vec<csv::StringRecord> {
    let mut args = vec!["annotate"];
    args.extend_from_slice(extra);
    args.push("-");
    let out = run_with_stdin(&args, jsonl(docs).as_bytes());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    csv::Reader::from_reader(out.stdout.as_slice()).records().map(|r| r.expect("CSV record")).collect()
}

/// Runs `detente ARGS` in `dir` (so that relative paths are relative to
/// it), with nothing on stdin.
#[allow(dead_code)]
pub fn run_in(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_detente")).current_dir(dir).args(args).stdin(Stdio::null()).output().expect("run detente")
}

/// A running `detente review spans.csv --corpus corpus.jsonl --db
/// review.sqlite` in `dir`, on a free port; killed when dropped.
#[allow(dead_code)]
pub struct ReviewServer {
    child: Child,
    /// `127.0.0.1:PORT`, from the line the server prints.
    pub addr: String,
}

#[allow(dead_code)]
impl ReviewServer {
    pub fn start(dir: &Path, reviewer: &str) -> ReviewServer {
        let mut child = Command::new(env!("CARGO_BIN_EXE_detente"))
            .current_dir(dir)
            .args(["review", "spans.csv", "--corpus", "corpus.jsonl", "--db", "review.sqlite", "--port", "0", "--reviewer", reviewer])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("run detente review");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("the server's first line");
        let addr =
            line.split("http://").nth(1).and_then(|r| r.split('/').next()).unwrap_or_else(|| panic!("no URL in {line:?}")).to_string();
        ReviewServer { child, addr }
    }

    /// Kills the server (as a crash would) and waits for it.
    pub fn kill(mut self) {
        self.child.kill().expect("kill the server");
        self.child.wait().expect("wait for the server");
    }
}

impl Drop for ReviewServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
