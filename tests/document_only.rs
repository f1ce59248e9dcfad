//! A document's rows are a function of that document, the model and the
//! options alone: the same bytes whether it is annotated alone or inside a
//! corpus, in any order, with any number of threads or documents per batch
//! (rows and model passes never mix documents, so int8's per-pass scale and
//! the padding of a pass come from the document itself).

mod common;

use std::collections::BTreeMap;

use common::{jsonl, run_with_stdin};

/// The sample corpus as (id, text), plus a few short documents, so that a
/// run holds several batches.
fn corpus() -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs: Vec<(String, String)> = std::fs::read_dir(root.join("datasets/sample"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    docs.sort();
    docs.push(("short-1".into(), "Oman offered to host talks.".into()));
    docs.push(("short-2".into(), "IRAN WARNS U.S.\n\nTehran said it would respond to any attack.".into()));
    docs
}

/// Rows per document id, as CSV lines, from one run.
fn run(extra: &[&str], docs: &[(String, String)]) -> BTreeMap<String, Vec<String>> {
    let mut args = vec!["annotate", "-q"];
    args.extend_from_slice(extra);
    args.push("-");
    let pairs: Vec<(&str, &str)> = docs.iter().map(|(i, t)| (i.as_str(), t.as_str())).collect();
    let out = run_with_stdin(&args, jsonl(&pairs).as_bytes());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut rows: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut rd = csv::ReaderBuilder::new().from_reader(out.stdout.as_slice());
    for r in rd.records() {
        let r = r.unwrap();
        let line: Vec<&str> = r.iter().collect();
        rows.entry(r[0].to_string()).or_default().push(line.join("\u{1f}"));
    }
    rows
}

#[test]
fn rows_do_not_depend_on_the_other_documents_threads_or_batches() {
    let docs = corpus();
    // Each document alone.
    let mut alone: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in &docs {
        let rows = run(&["-j", "1"], std::slice::from_ref(d));
        assert_eq!(rows.len(), 1);
        alone.extend(rows);
    }
    assert_eq!(alone.len(), docs.len());
    assert!(alone.values().all(|r| r.iter().any(|l| l.contains("\u{1f}sentence\u{1f}"))));
    // The whole corpus in a fixed shuffle, with one and two threads, and
    // with batches of 3 and of the default size (more documents than a batch).
    let mut shuffled = docs.clone();
    let n = shuffled.len();
    for i in 0..n {
        shuffled.swap(i, (i * 7 + 3) % n);
    }
    for extra in [&["-j", "1"][..], &["-j", "2"], &["-j", "2", "--batch-size", "3"], &["-j", "1", "--batch-size", "1"]] {
        let together = run(extra, &shuffled);
        for (id, rows) in &alone {
            assert_eq!(together.get(id), Some(rows), "{id} differs with {extra:?}");
        }
    }
}
