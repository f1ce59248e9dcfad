//! Running past one process: streaming on a pipe, `--shard I/N`, `merge`,
//! `--no-header` parts and `--output-format jsonl`.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::{jsonl, run_in, run_with_stdin};

/// Documents whose ids are of every kind a corpus has: numbers, spaces,
/// non-Latin scripts, quotes and commas, a formula-like id, a long one, and
/// a JSON number rather than a string.
fn corpus() -> String {
    let ids = [
        "1",
        "2",
        "10",
        "doc 7",
        "Ankara/2025-01-01",
        "Тегеран",
        "德黑兰",
        "طهران",
        "\"quoted\", id",
        "=1+1",
        "-3",
        "x",
        "X",
        "a\tb",
        "ǅemal",
        "emoji 🕊",
        "0",
        "00",
    ];
    let texts = [
        "Turkey offered on Monday to host talks between Iran and the United States.",
        "Iran warned that it would strike back. Washington said it wanted calm.",
        "The ministers met in Geneva.",
    ];
    let mut s = String::new();
    for (i, id) in ids.iter().enumerate() {
        s.push_str(&(serde_json::json!({"id": id, "text": texts[i % texts.len()]}).to_string() + "\n"));
    }
    let long = "L".repeat(300);
    s.push_str(&(serde_json::json!({"id": long, "text": texts[0]}).to_string() + "\n"));
    s.push_str("{\"id\": 123456789, \"text\": \"A numeric id. It is read as text.\"}\n");
    s
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

fn doc_ids(csv_bytes: &[u8], header: bool) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    let reader = csv::ReaderBuilder::new().has_headers(header).from_reader(csv_bytes);
    for r in reader.into_records() {
        let r = r.unwrap();
        if &r[2] == "sentence" && &r[1] == "0" {
            ids.push(r[0].to_string());
        }
    }
    ids
}

#[test]
fn every_document_is_in_exactly_one_shard() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "c.jsonl", &corpus());
    let all = run_in(dir.path(), &["annotate", "-q", "--no-model", "c.jsonl"]);
    assert!(all.status.success(), "{}", String::from_utf8_lossy(&all.stderr));
    let mut want = doc_ids(&all.stdout, true);
    want.sort();
    assert_eq!(want.len(), 20);
    for n in 1..=7 {
        let mut got: Vec<String> = Vec::new();
        let mut empty_shards = 0;
        for i in 0..n {
            let shard = format!("{i}/{n}");
            let out = run_in(dir.path(), &["annotate", "-q", "--no-model", "--no-header", "--shard", &shard, "c.jsonl"]);
            let ids = doc_ids(&out.stdout, false);
            // An empty shard is said, and is not a success.
            match ids.is_empty() {
                true => {
                    empty_shards += 1;
                    assert_eq!(out.status.code(), Some(1), "shard {shard}");
                }
                false => assert!(out.status.success(), "shard {shard}: {}", String::from_utf8_lossy(&out.stderr)),
            }
            got.extend(ids);
        }
        got.sort();
        assert_eq!(got, want, "N = {n}");
        assert!(n > 1 || empty_shards == 0);
    }
}

#[test]
fn the_shard_of_an_id_is_fixed_and_documented() {
    // FNV-1a 64 of the UTF-8 bytes, modulo N: these are the published test
    // vectors' hashes ("a" = 0xaf63dc4c8601ec8c, "foobar" = 0x85944171f73967e8).
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "c.jsonl", &jsonl(&[("a", "One sentence."), ("foobar", "Another sentence.")]));
    for (id, hash) in [("a", 0xaf63dc4c8601ec8c_u64), ("foobar", 0x85944171f73967e8)] {
        for n in [2u64, 3, 5, 7, 1000] {
            let shard = format!("{}/{n}", hash % n);
            let out = run_in(dir.path(), &["annotate", "-q", "--no-model", "--no-header", "--shard", &shard, "c.jsonl"]);
            assert!(doc_ids(&out.stdout, false).contains(&id.to_string()), "{id} in shard {shard}");
        }
    }
    for bad in ["3/3", "1", "a/b", "0/0", "2/1", "1/-2"] {
        let out = run_in(dir.path(), &["annotate", "--no-model", "--shard", bad, "c.jsonl"]);
        assert_eq!(out.status.code(), Some(2), "--shard {bad}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("is not a shard"), "--shard {bad}");
    }
}

#[test]
fn merged_shards_are_the_single_run_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "c.jsonl", &corpus());
    // More documents than a batch, so shards cross batch boundaries.
    let single = run_in(dir.path(), &["annotate", "-q", "--batch-size", "3", "c.jsonl", "-o", "single.csv"]);
    assert!(single.status.success(), "{}", String::from_utf8_lossy(&single.stderr));
    let mut parts = Vec::new();
    for i in 0..3 {
        let part = format!("part-{i}.csv");
        // Header or not, merge takes both.
        let mut args = vec!["annotate", "-q", "--batch-size", "2", "c.jsonl", "-o", &part];
        let shard = format!("{i}/3");
        args.extend(["--shard", &shard]);
        if i == 1 {
            args.push("--no-header");
        }
        let out = run_in(dir.path(), &args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        parts.push(part);
    }
    let mut args = vec!["merge"];
    args.extend(parts.iter().rev().map(String::as_str));
    args.extend(["--corpus", "c.jsonl", "-o", "merged.csv"]);
    let out = run_in(dir.path(), &args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let single = std::fs::read(dir.path().join("single.csv")).unwrap();
    assert!(single.len() > 2000);
    assert!(std::fs::read(dir.path().join("merged.csv")).unwrap() == single, "merge differs from the single run");

    // A missing part is counted, and the run is not a success.
    let out = run_in(dir.path(), &["merge", "part-0.csv", "part-2.csv", "--corpus", "c.jsonl", "-o", "short.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("have no rows in any part"), "{}", String::from_utf8_lossy(&out.stderr));

    // A part from another corpus, and a file that is no detente CSV.
    write(dir.path(), "other.jsonl", &jsonl(&[("1", "Iran spoke.")]));
    let out = run_in(dir.path(), &["merge", "part-0.csv", "--corpus", "other.jsonl"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("part-0.csv:"), "{}", String::from_utf8_lossy(&out.stderr));
    write(dir.path(), "bad.csv", "id,text\n1,hello\n");
    let out = run_in(dir.path(), &["merge", "bad.csv", "--corpus", "c.jsonl"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.csv:1: 2 columns where a detente CSV has 14"), "{err}");
}

#[test]
fn rows_appear_on_a_pipe_before_its_input_ends() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_detente"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["annotate", "-q", "--batch-size", "2", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let docs: Vec<(String, String)> =
        (0..4).map(|i| (format!("d{i}"), "Iran warned the United States on Monday. Turkey offered to mediate.".to_string())).collect();
    let refs: Vec<(&str, &str)> = docs.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    stdin.write_all(jsonl(&refs).as_bytes()).unwrap();
    stdin.flush().unwrap();
    // stdin stays open: the two full batches must still come out.
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    while !seen.iter().any(|l: &String| l.starts_with("d3,1,sentence")) {
        match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(line) => seen.push(line),
            Err(e) => panic!("no output while stdin is open ({e:?}); got {seen:?}"),
        }
    }
    assert_eq!(seen[0], "doc_id,sentence,kind,start,end,text,label,confidence,role,p_conciliatory,p_threatening,p_neutral,actor,date");
    drop(stdin);
    let status = child.wait().unwrap();
    reader.join().unwrap();
    assert!(status.success());
}

#[test]
fn jsonl_output_holds_the_csv_fields_per_document() {
    let input = corpus();
    let csv_out = run_with_stdin(&["annotate", "-q", "-"], input.as_bytes());
    let json_out = run_with_stdin(&["annotate", "-q", "--output-format", "jsonl", "-"], input.as_bytes());
    assert!(csv_out.status.success() && json_out.status.success());
    // The CSV rows, rebuilt from the JSON objects, cell for cell.
    let mut from_json: Vec<Vec<String>> = Vec::new();
    let cell = |v: &serde_json::Value| match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => match n.as_f64() {
            Some(f) if !n.is_u64() => format!("{f:.4}"),
            _ => n.to_string(),
        },
        other => panic!("unexpected {other}"),
    };
    let lines: Vec<&str> = std::str::from_utf8(&json_out.stdout).unwrap().lines().collect();
    assert_eq!(lines.len(), 20, "one object per document");
    for line in lines {
        let doc: BTreeMap<String, serde_json::Value> = serde_json::from_str(line).unwrap();
        let id = doc["doc_id"].as_str().unwrap();
        // The CSV neutralises formula-like cells; JSON keeps them as they are.
        let id = if id.starts_with(['=', '-']) { format!("'{id}") } else { id.to_string() };
        for s in doc["sentences"].as_array().unwrap() {
            let f = |k: &str| cell(&s[k]);
            from_json.push(vec![
                id.clone(),
                f("sentence"),
                "sentence".into(),
                f("start"),
                f("end"),
                f("text"),
                f("label"),
                f("confidence"),
                String::new(),
                f("p_conciliatory"),
                f("p_threatening"),
                f("p_neutral"),
                String::new(),
                cell(&doc["date"]),
            ]);
            for e in s["entities"].as_array().unwrap() {
                let g = |k: &str| cell(&e[k]);
                from_json.push(vec![
                    id.clone(),
                    f("sentence"),
                    "entity".into(),
                    g("start"),
                    g("end"),
                    g("text"),
                    g("label"),
                    g("confidence"),
                    g("role"),
                    g("p_conciliatory"),
                    g("p_threatening"),
                    g("p_neutral"),
                    g("actor"),
                    cell(&doc["date"]),
                ]);
            }
        }
    }
    let from_csv: Vec<Vec<String>> =
        csv::Reader::from_reader(csv_out.stdout.as_slice()).records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
    assert!(from_csv.len() > 60);
    assert_eq!(from_json, from_csv);
}
