//! A run killed with SIGKILL and continued with `--resume` writes the same
//! bytes as a run that was never interrupted.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn detente() -> Command {
    Command::new(env!("CARGO_BIN_EXE_detente"))
}

fn corpus(path: &Path, n: usize) {
    let mut s = String::new();
    for i in 0..n {
        let text = format!("Headline number {i}\n\nTalks on item {i} resumed in Geneva. Officials said progress was slow. “We remain ready,” one said.");
        s.push_str(&serde_json::json!({"id": format!("doc-{i}"), "text": text}).to_string());
        s.push('\n');
        if i % 997 == 0 {
            s.push_str("{not json\n");
        }
    }
    fs::write(path, s).unwrap();
}

#[test]
fn killed_run_resumes_to_identical_output() {
    kill_and_resume(60_000, &["--no-model", "--checkpoint-every", "200"], 1000);
}

/// With the model too: batches re-form identically after a resume, so even
/// the int8 scores (which depend on batch-mates) come out byte for byte.
#[test]
fn killed_model_run_resumes_to_identical_output() {
    kill_and_resume(400, &["--checkpoint-every", "16"], 48);
}

fn kill_and_resume(docs: usize, extra: &[&str], kill_after: u64) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("docs.jsonl");
    corpus(&input, docs);
    let full = dir.path().join("full.csv");
    let status = detente()
        .args(["annotate", "-q", "--batch-size", "16", input.to_str().unwrap(), "-o", full.to_str().unwrap()])
        .args(extra)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1), "the broken lines are skipped");

    let part = dir.path().join("part.csv");
    let checkpoint = dir.path().join(".part.csv.checkpoint");
    let mut args = vec!["annotate", "-q", "--batch-size", "16", "-j", "1"];
    args.extend_from_slice(extra);
    let mut child = detente()
        .args(&args)
        .args([input.to_str().unwrap(), "-o", part.to_str().unwrap()])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let items = fs::read_to_string(&checkpoint)
            .ok()
            .and_then(|t| t.lines().nth(1).and_then(|l| l.strip_prefix("items ")).and_then(|n| n.trim().parse::<u64>().ok()));
        if items.is_some_and(|n| n >= kill_after) {
            break;
        }
        assert!(Instant::now() < deadline, "no checkpoint appeared");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(!part.exists(), "the run finished before it was killed; the test needs a larger corpus");
    assert!(dir.path().join(".part.csv.partial").exists(), "the partial output stays for --resume");

    let status = detente()
        .args(args.iter().filter(|a| **a != "-q"))
        .args(["--resume", input.to_str().unwrap(), "-o", part.to_str().unwrap()])
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&status.stderr).contains("resuming after"));
    let (a, b) = (fs::read(&full).unwrap(), fs::read(&part).unwrap());
    assert!(a == b, "resumed output differs: {} vs {} bytes", a.len(), b.len());
    assert!(!checkpoint.exists() && !dir.path().join(".part.csv.partial").exists(), "clean after success");
}

#[test]
fn resume_without_a_checkpoint_starts_afresh() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("docs.jsonl");
    corpus(&input, 50);
    let out = dir.path().join("out.csv");
    let first = detente().args(["annotate", "--no-model", "-q", input.to_str().unwrap(), "-o", out.to_str().unwrap()]).status().unwrap();
    assert_eq!(first.code(), Some(1));
    let expected = fs::read(&out).unwrap();
    fs::remove_file(&out).unwrap();
    let again = detente()
        .args(["annotate", "--no-model", "-q", "--resume", input.to_str().unwrap(), "-o", out.to_str().unwrap()])
        .status()
        .unwrap();
    assert_eq!(again.code(), Some(1));
    assert_eq!(fs::read(&out).unwrap(), expected);
    let no_output = detente().args(["annotate", "--no-model", "--resume", input.to_str().unwrap()]).output().unwrap();
    assert_eq!(no_output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_output.stderr).contains("--resume needs --output"));
}
