//! What the command-line tests share: running the binary with input on stdin.

use std::io::Write;
use std::process::{Command, Output, Stdio};

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
