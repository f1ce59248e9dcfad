//! `detente eval` never reports a run that scored nothing, or mangled its
//! gold, as a success: the project's own stance JSONL is read, ids that do
//! not match fail with both sides shown, TSV quoting is undone, every score
//! carries its coverage, and a missing file is reported once. (The
//! `annotate` side is in tests/output_safety.rs.)

use std::path::Path;
use std::process::{Command, Output};

use detente::eval::{Gold, GoldFormat};
use serde_json::Value;

const HEADER: &str = "doc_id,sentence,kind,start,end,text,label,confidence,role,p_conciliatory,p_threatening,p_neutral\n";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn detente(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_detente")).current_dir(root()).args(args).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn metrics(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("metrics.json")).unwrap()).unwrap()
}

#[test]
fn the_projects_stance_jsonl_is_read_and_scored() {
    // Used to exit 0 with "0 stance sentences" and null metrics.
    let dir = tempfile::tempdir().unwrap();
    let (jsonl, tsv) = (dir.path().join("jsonl"), dir.path().join("tsv"));
    let out = detente(&["eval", "--gold", "datasets/stance/test.jsonl", "--input", "-j", "2", "--report", jsonl.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("(stance rows, JSONL, one sentence per line; detected)"), "{stdout}");
    assert!(stdout.contains("coverage, stance: 239 of 239 gold stance sentences scored"), "{stdout}");
    assert!(text(&out.stderr).contains("read as stance rows, JSONL"), "the detected format is said");
    let out = detente(&["eval", "--gold", "datasets/stance/test.tsv", "--input", "-j", "2", "-q", "--report", tsv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The same sentences, ids and roles in two formats: the same scores.
    let (a, b) = (metrics(&jsonl), metrics(&tsv));
    assert_eq!(a["stance"], b["stance"]);
    assert_eq!(a["roles"], b["roles"]);
    assert_eq!(a["coverage"], b["coverage"]);
}

#[test]
fn tsv_quoting_is_undone() {
    // 21 test sentences reached the model as `"Lula warned ... ""does not need a war"", ..."`.
    let tsv = Gold::read(&root().join("datasets/stance/test.tsv"), None).unwrap();
    let jsonl = Gold::read(&root().join("datasets/stance/test.jsonl"), None).unwrap();
    assert_eq!(jsonl.format, GoldFormat::StanceJsonl);
    let sentences = |g: &Gold| -> Vec<String> { g.docs.iter().flat_map(|d| &d.sentences).map(|s| s.text.clone().unwrap()).collect() };
    let (t, j) = (sentences(&tsv), sentences(&jsonl));
    assert_eq!(t.len(), 239);
    assert_eq!(t, j, "the TSV's sentences are the JSONL's, quotes and all");
    assert_eq!(t.iter().filter(|s| s.contains('"')).count(), 21);
    assert!(t.iter().all(|s| !s.starts_with('"') || !s.contains("\"\"")));

    // Through the binary: the predictions hold the unquoted sentence.
    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("g.tsv");
    std::fs::write(&gold, "doc_id\ttext\tstance\na\t\"Lula said South America \"\"does not need a war\"\".\"\tconciliatory\n").unwrap();
    let rep = dir.path().join("rep");
    let out = detente(&["eval", "--gold", gold.to_str().unwrap(), "--input", "--no-model", "-q", "--report", rep.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "no stance without a model");
    let mut rd = csv::Reader::from_path(rep.join("predictions.csv")).unwrap();
    let first = rd.records().next().unwrap().unwrap();
    assert_eq!(&first[5], "Lula said South America \"does not need a war\".");
}

#[test]
fn mismatched_ids_fail_and_show_both_sides() {
    // Used to score all zeros with exit 0 and list the gold ids only.
    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("g.jsonl");
    let lines: String = ["a-0001", "a-0002"]
        .iter()
        .map(|id| {
            serde_json::json!({"id": id, "text": "Oman met Iran.", "entities": [{"start": 0, "end": 4, "label": "LOC"}]}).to_string() + "\n"
        })
        .collect();
    std::fs::write(&gold, lines).unwrap();
    let pred = dir.path().join("p.csv");
    std::fs::write(
        &pred,
        format!("{HEADER}a-0001.txt,0,sentence,0,14,Oman met Iran.,,,,,,\na-0001.txt,0,entity,0,4,Oman,LOC,0.9,,,,\na-0002.txt,0,sentence,0,14,Oman met Iran.,,,,,,\n"),
    )
    .unwrap();
    let out = detente(&["eval", "--gold", gold.to_str().unwrap(), "--pred", pred.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    for needle in [
        "only 0 of 2 gold documents have predictions",
        "gold ids: `a-0001`, `a-0002`",
        "predicted ids: `a-0001.txt`, `a-0002.txt`",
        "Strip the `.txt`",
        "--id-field",
    ] {
        assert!(err.contains(needle), "{needle}\n{err}");
    }
    assert!(text(&out.stdout).contains("coverage, documents: 0 of 2 gold documents have predictions"));
    // Matching ids: the same predictions score, exit 0.
    std::fs::write(&pred, std::fs::read_to_string(&pred).unwrap().replace(".txt", "")).unwrap();
    let out = detente(&["eval", "--gold", gold.to_str().unwrap(), "--pred", pred.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn scores_carry_coverage_honest_intervals_and_errors_per_task() {
    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("g.tsv");
    std::fs::write(
        &gold,
        "doc_id\ttext\tstance\tsource\ttarget\n\
         a\tOman urged Iran.\tconciliatory\tOman\tIran;Kremlin\n",
    )
    .unwrap();
    let pred = dir.path().join("p.csv");
    std::fs::write(
        &pred,
        format!(
            "{HEADER}a,0,sentence,0,16,Oman urged Iran.,threatening,0.60,,0.3,0.6,0.1\n\
             a,0,entity,0,4,Oman,LOC,0.99,target,,,\n\
             a,0,entity,11,15,Iran,LOC,0.97,target,,,\n"
        ),
    )
    .unwrap();
    let rep = dir.path().join("rep");
    let out = detente(&["eval", "--gold", gold.to_str().unwrap(), "--pred", pred.to_str().unwrap(), "--report", rep.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("roles: accuracy 0.5000 [95% CI n/a] (1 correct), on 2 of 3 gold roles"), "{stdout}");
    assert!(stdout.contains("on 1 of 1 gold stance sentences"), "{stdout}");
    let m = metrics(&rep);
    assert_eq!(m["coverage"]["roles"], serde_json::json!({"scored": 2, "total": 3}));
    assert_eq!(m["bootstrap"]["role_accuracy"], Value::Null, "one document: no interval, not a zero-width one");
    let html = std::fs::read_to_string(rep.join("report.html")).unwrap();
    assert!(html.contains("95% CI n/a"), "the card says n/a");
    assert!(!html.contains("[0.5000, 0.5000]"), "no zero-width interval");
    assert!(html.contains("on 2 of 3 gold roles"));
    let (s, r) = (html.find("<h2>Stance errors</h2>").unwrap(), html.find("<h2>Role errors</h2>").unwrap());
    assert!(s < r, "stance errors come first, in their own section");
    // The role error does not borrow the entity's type confidence (0.99).
    let mut rd = csv::Reader::from_path(rep.join("errors.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
    let got: Vec<(&str, &str, &str)> = rows.iter().map(|r| (&r[0], &r[6], &r[9])).collect();
    assert_eq!(got, [("stance", "Oman urged Iran.", "0.6000"), ("roles", "Oman", "")]);
}

#[test]
fn a_missing_gold_file_is_reported_once() {
    let out = detente(&["eval", "--gold", "/nonexistent/gold.tsv", "--pred", "x.csv"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
    assert!(err.contains("/nonexistent/gold.tsv"), "{err}");
}

#[test]
fn an_unreadable_predictions_file_names_itself() {
    let gold = root().join("tests/fixtures/eval/gold.conll");
    let out = detente(&["eval", "--gold", gold.to_str().unwrap(), "--pred", "/nonexistent/p.csv"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("/nonexistent/p.csv: cannot read"), "{err}");
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
}
