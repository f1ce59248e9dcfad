//! Command-line tests: run the `detente` binary over the fixture corpus in
//! `tests/fixtures/corpus` and check the CSV contract.

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;

const HEADER: &str = "doc_id,sentence,kind,start,end,text,label,confidence,role,p_conciliatory,p_threatening,p_neutral,actor,date";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus")
}

fn detente() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_detente"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn run(args: &[&str]) -> Output {
    detente().args(args).output().expect("run detente")
}

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    common::run_with_stdin(args, input)
}

#[derive(Debug, Clone, PartialEq)]
struct Row {
    doc_id: String,
    sentence: usize,
    kind: String,
    start: usize,
    end: usize,
    text: String,
    label: String,
}

fn parse(csv_text: &[u8]) -> Vec<Row> {
    let text = std::str::from_utf8(csv_text).expect("CSV is UTF-8");
    assert!(!text.starts_with('\u{feff}'), "no BOM");
    assert_eq!(text.lines().next(), Some(HEADER), "header");
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    rd.records()
        .map(|r| {
            let r = r.expect("valid CSV record");
            assert_eq!(r.len(), 14, "every row has 14 fields");
            Row {
                doc_id: r[0].to_string(),
                sentence: r[1].parse().unwrap(),
                kind: r[2].to_string(),
                start: r[3].parse().unwrap(),
                end: r[4].parse().unwrap(),
                text: r[5].to_string(),
                label: r[6].to_string(),
            }
        })
        .collect()
}

/// Python's `text[start:end]`: character (code point) offsets.
fn char_slice(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

fn fixture_texts() -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for (id, path) in [("a", "txt/a.txt"), ("b", "txt/b.txt"), ("c", "txt/c.txt"), ("d", "txt/d.txt"), ("e", "txt/sub/e.txt")] {
        m.insert(id.to_string(), fs::read_to_string(fixtures().join(path)).unwrap());
    }
    m
}

/// Checks offsets against the source texts and the order of rows.
fn check_rows(rows: &[Row], texts: &BTreeMap<String, String>, id_map: impl Fn(&str) -> String) {
    assert!(!rows.is_empty());
    let mut last: Option<(String, usize)> = None;
    for r in rows {
        let text = &texts[&id_map(&r.doc_id)];
        assert_eq!(char_slice(text, r.start, r.end), r.text, "offsets of {r:?}");
        assert_eq!(r.text.trim(), r.text, "no surrounding whitespace: {r:?}");
        assert!(r.start < r.end);
        if r.kind == "sentence" {
            // Sentences are numbered from 0, in order, and never overlap.
            match &last {
                Some((id, end)) if *id == r.doc_id => assert!(r.start >= *end, "overlap at {r:?}"),
                _ => assert_eq!(r.sentence, 0, "first sentence of {}", r.doc_id),
            }
            last = Some((r.doc_id.clone(), r.end));
            assert!(["conciliatory", "threatening", "neutral"].contains(&r.label.as_str()), "stance label: {r:?}");
        }
    }
}

#[test]
fn output_dash_is_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c.jsonl");
    fs::write(&corpus, "{\"id\": \"a\", \"text\": \"Iran warned Turkey.\"}\n").unwrap();
    let out = common::run_in(dir.path(), &["annotate", "--no-model", "-o", "-", "c.jsonl"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows = parse(&out.stdout);
    assert_eq!(rows.iter().map(|r| r.text.as_str()).collect::<Vec<_>>(), ["Iran warned Turkey."]);
    assert!(!dir.path().join("-").exists(), "no file named `-`");
}

#[test]
fn txt_folder_gives_contract_rows() {
    let out = run(&["annotate", "tests/fixtures/corpus/txt"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows = parse(&out.stdout);
    let ids: Vec<&str> = rows.iter().filter(|r| r.kind == "sentence" && r.sentence == 0).map(|r| r.doc_id.as_str()).collect();
    // Ids are paths relative to the folder, in sorted order, recursing.
    assert_eq!(ids, ["a.txt", "b.txt", "c.txt", "d.txt", "sub/e.txt"]);
    let texts = fixture_texts();
    check_rows(&rows, &texts, |id| id.trim_start_matches("sub/").trim_end_matches(".txt").to_string());
    // Headlines are sentences of their own.
    let first = rows.iter().find(|r| r.doc_id == "a.txt").unwrap();
    assert_eq!(first.text, texts["a"].lines().next().unwrap());
}

#[test]
fn all_three_formats_agree() {
    let txt = parse(&run(&["annotate", "tests/fixtures/corpus/txt"]).stdout);
    let jsonl = parse(&run(&["annotate", "tests/fixtures/corpus/docs.jsonl"]).stdout);
    let csv = parse(&run(&["annotate", "tests/fixtures/corpus/docs.csv"]).stdout);
    let strip = |rows: &[Row]| -> Vec<(usize, String, usize, usize, String)> {
        rows.iter().map(|r| (r.sentence, r.kind.clone(), r.start, r.end, r.text.clone())).collect()
    };
    assert_eq!(strip(&txt), strip(&jsonl));
    assert_eq!(strip(&txt), strip(&csv));
    let ids: Vec<&str> = jsonl.iter().filter(|r| r.kind == "sentence" && r.sentence == 0).map(|r| r.doc_id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    check_rows(&csv, &fixture_texts(), |id| id.to_string());
}

#[test]
fn stdin_and_renamed_fields() {
    let input = fs::read(fixtures().join("docs.jsonl")).unwrap();
    let out = run_stdin(&["annotate", "-"], &input);
    assert!(out.status.success());
    let from_stdin = parse(&out.stdout);
    let from_file = parse(&run(&["annotate", "tests/fixtures/corpus/docs.jsonl"]).stdout);
    assert_eq!(from_stdin, from_file);

    let renamed = run(&["annotate", "--id-field", "doc", "--text-field", "body", "tests/fixtures/corpus/renamed.jsonl"]);
    assert!(renamed.status.success(), "{}", String::from_utf8_lossy(&renamed.stderr));
    assert_eq!(parse(&renamed.stdout), from_file);
}

#[test]
fn more_documents_than_a_batch_stay_in_order() {
    let mut input = String::new();
    let n = 537;
    for i in 0..n {
        let body = "Talks resumed in Doha. ".repeat(i % 5 + 1);
        input.push_str(&serde_json::json!({"id": format!("doc-{i}"), "text": format!("Headline {i}\n\n{body}")}).to_string());
        input.push('\n');
    }
    let out = run_stdin(&["annotate", "--batch-size", "8", "--threads", "2", "-"], input.as_bytes());
    assert!(out.status.success());
    let rows = parse(&out.stdout);
    let ids: Vec<String> = rows.iter().filter(|r| r.kind == "sentence" && r.sentence == 0).map(|r| r.doc_id.clone()).collect();
    let expected: Vec<String> = (0..n).map(|i| format!("doc-{i}")).collect();
    assert_eq!(ids, expected);
    for i in 0..n {
        let count = rows.iter().filter(|r| r.kind == "sentence" && r.doc_id == format!("doc-{i}")).count();
        assert_eq!(count, 1 + i % 5 + 1, "headline plus sentences of doc-{i}");
    }
    let summary = String::from_utf8_lossy(&out.stderr);
    assert!(summary.contains(&format!("{n} documents")), "{summary}");
}

#[test]
fn bad_lines_are_reported_and_the_run_goes_on() {
    let input = concat!(
        "{\"id\": \"ok1\", \"text\": \"Fine text.\"}\n",
        "{broken json\n",
        "{\"id\": \"notext\"}\n",
        "{\"id\": \"num\", \"text\": 42}\n",
        "{\"id\": [1], \"text\": \"Bad id.\"}\n",
        "\n",
        "{\"id\": 7, \"text\": \"Numeric ids are fine.\"}\n",
        "[1, 2]\n",
        "{\"id\": \"ok2\", \"text\": \"Also fine.\"}\n",
    );
    let dir = tempfile::tempdir().unwrap();
    let errors = dir.path().join("errors.csv");
    let out = run_stdin(&["annotate", "--errors", errors.to_str().unwrap(), "-"], input.as_bytes());
    assert_eq!(out.status.code(), Some(1), "some documents were skipped");
    let rows = parse(&out.stdout);
    let ids: Vec<&str> = rows.iter().map(|r| r.doc_id.as_str()).collect();
    assert_eq!(ids, ["ok1", "7", "ok2"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("<stdin>:2: malformed JSON"), "{stderr}");
    assert!(stderr.contains("<stdin>:3 (document `notext`): field `text` is missing"), "{stderr}");
    assert!(stderr.contains("<stdin>:4 (document `num`): field `text` must be a string"), "{stderr}");
    assert!(stderr.contains("<stdin>:5: field `id` must be a string or a number"), "{stderr}");
    assert!(stderr.contains("<stdin>:8: line is not a JSON object"), "{stderr}");
    assert!(stderr.contains("3 documents") && stderr.contains("5 errors"), "{stderr}");

    let mut rd = csv::Reader::from_path(&errors).unwrap();
    let lines: Vec<(String, String, String)> = rd
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[1].to_string(), r[3].to_string())
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("error".into(), "".into(), "2".into()),
            ("error".into(), "notext".into(), "3".into()),
            ("error".into(), "num".into(), "4".into()),
            ("error".into(), "".into(), "5".into()),
            ("error".into(), "".into(), "8".into()),
        ]
    );
}

#[test]
fn csv_problems_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("docs.csv");
    fs::write(&path, "id,text\nx1,\"First doc.\"\nx2\nx3,\"Third, with \"\"quotes\"\".\"\n").unwrap();
    let out = run(&["annotate", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let rows = parse(&out.stdout);
    let ids: Vec<&str> = rows.iter().map(|r| r.doc_id.as_str()).collect();
    assert_eq!(ids, ["x1", "x3"]);
    assert_eq!(rows[1].text, "Third, with \"quotes\".");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("docs.csv:3 (document `x2`): CSV record has 1 fields"), "{stderr}");

    fs::write(&path, "name,body\na,b\n").unwrap();
    let out = run(&["annotate", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no `text` column"));
}

#[test]
fn output_file_appears_complete_and_alone() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("spans.csv");
    let out = run(&["annotate", "tests/fixtures/corpus/txt", "-o", dest.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty(), "with -o nothing goes to stdout");
    let written = fs::read(&dest).unwrap();
    assert_eq!(written, run(&["annotate", "tests/fixtures/corpus/txt"]).stdout);
    let names: Vec<String> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["spans.csv"], "no temporary file is left behind");
}

#[test]
fn txt_edge_cases_warn_or_skip() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::write(p.join("1-bom.txt"), b"\xEF\xBB\xBFIran spoke.").unwrap();
    fs::write(p.join("2-latin1.txt"), b"Erdo\xF0an spoke. Then left.").unwrap();
    fs::write(p.join("3-empty.txt"), b"  \n ").unwrap();
    fs::write(p.join("4-binary.txt"), b"\x00\x01\x02PK").unwrap();
    fs::write(p.join("5-crlf.txt"), b"Headline\r\n\r\nFirst one.\r\nSecond one.\r\n").unwrap();
    fs::write(p.join("ignored.md"), b"Not read.").unwrap();
    let out = run(&["annotate", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "the binary file is skipped");
    let rows = parse(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // BOM dropped: offsets count from the first real character.
    assert_eq!((rows[0].doc_id.as_str(), rows[0].start, rows[0].text.as_str()), ("1-bom.txt", 0, "Iran spoke."));
    assert!(stderr.contains("2-latin1.txt (document `2-latin1.txt`): invalid UTF-8 at byte 4"), "{stderr}");
    assert!(rows.iter().any(|r| r.text == "Erdo\u{FFFD}an spoke."));
    assert!(stderr.contains("3-empty.txt (document `3-empty.txt`): document is empty"), "{stderr}");
    assert!(stderr.contains("4-binary.txt (document `4-binary.txt`): file looks binary"), "{stderr}");
    let crlf: Vec<&str> = rows.iter().filter(|r| r.doc_id == "5-crlf.txt").map(|r| r.text.as_str()).collect();
    assert_eq!(crlf, ["Headline", "First one.", "Second one."]);
    assert!(!rows.iter().any(|r| r.doc_id.contains("ignored")));
    assert!(stderr.contains("4 documents, ") && stderr.contains("1 errors") && stderr.contains("2 warnings"), "{stderr}");
}

#[test]
fn missing_input_is_reported() {
    let out = run(&["annotate", "no/such/dir", "tests/fixtures/corpus/txt/a.txt"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/dir: cannot read"));
    assert_eq!(parse(&out.stdout)[0].doc_id, "tests/fixtures/corpus/txt/a.txt");
}

#[test]
fn bad_arguments_are_fatal() {
    let out = run(&["annotate", "--batch-size", "0", "tests/fixtures/corpus/txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--batch-size must be at least 1"));
    let out = run(&["annotate"]);
    assert_eq!(out.status.code(), Some(2), "clap usage errors exit 2");
    let out = run(&["annotate", "-o", "/no/such/dir/out.csv", "tests/fixtures/corpus/txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot create"));
}

#[test]
fn formulas_are_neutralised_unless_raw() {
    let input = "{\"id\": \"=cmd\", \"text\": \"=HYPERLINK(\\\"x\\\") said -2 things.\"}\n";
    let safe = parse(&run_stdin(&["annotate", "-"], input.as_bytes()).stdout);
    assert_eq!(safe[0].doc_id, "'=cmd");
    assert_eq!(safe[0].text, "'=HYPERLINK(\"x\") said -2 things.");
    assert_eq!((safe[0].start, safe[0].end), (0, 31), "offsets are unaffected");
    let raw = parse(&run_stdin(&["annotate", "--raw", "-"], input.as_bytes()).stdout);
    assert_eq!(raw[0].text, "=HYPERLINK(\"x\") said -2 things.");
}

#[test]
fn closed_pipe_is_not_an_error() {
    let mut input = String::new();
    for i in 0..20000 {
        input.push_str(&format!("{{\"id\": \"{i}\", \"text\": \"One sentence here. Another one there.\"}}\n"));
    }
    let mut child = detente()
        .args(["annotate", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let mut stdout = child.stdout.take().unwrap();
    let mut buf = [0u8; 512];
    stdout.read_exact(&mut buf).unwrap();
    drop(stdout);
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    let status = child.wait().unwrap();
    feeder.join().unwrap();
    assert!(status.success(), "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
}

#[test]
fn help_reads_like_a_unix_tool() {
    let out = run(&["--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("Usage: detente <COMMAND>") && help.contains("annotate"));
    let out = run(&["annotate", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in ["--output", "--errors", "--id-field", "--text-field", "--threads", "--raw", "Exit status"] {
        assert!(help.contains(flag), "annotate --help mentions {flag}");
    }
}

#[test]
fn duplicate_ids_are_kept_with_a_warning() {
    let input = "{\"id\": \"x\", \"text\": \"First.\"}\n{\"id\": \"y\", \"text\": \"Second.\"}\n{\"id\": \"x\", \"text\": \"Third.\"}\n";
    let out = run_stdin(&["annotate", "--no-model", "-"], input.as_bytes());
    assert!(out.status.success(), "a duplicate is a warning, not a skip");
    let rows = parse(&out.stdout);
    let texts: Vec<&str> = rows.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(texts, ["First.", "Second.", "Third."]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("<stdin>:3 (document `x`): duplicate document id"), "{stderr}");
    assert!(stderr.contains("1 warnings"), "{stderr}");
}

