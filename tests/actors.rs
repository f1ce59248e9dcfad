//! Actor codes and dates on the CSV, through the binary: codes from the
//! built-in tables, names learned within a document (and not across
//! documents), office holders as of the article's date, `--actors` files,
//! and `--date-field`.

use std::collections::HashMap;
use std::fs;

mod common;

/// (doc_id, entity text) → (actor, date) for every entity row.
type Codes = HashMap<(String, String), (String, String)>;

/// The entities' codes, the date of every document (from its sentence
/// rows), and stderr.
fn annotate(extra: &[&str], lines: &[serde_json::Value]) -> (Codes, HashMap<String, String>, String) {
    let input: String = lines.iter().map(|l| l.to_string() + "\n").collect();
    let mut args = vec!["annotate"];
    args.extend_from_slice(extra);
    args.push("-");
    let out = common::run_with_stdin(&args, input.as_bytes());
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    let mut rd = csv::Reader::from_reader(out.stdout.as_slice());
    let header: Vec<String> = rd.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(&header[12..], ["actor", "date"]);
    let (mut entities, mut dates) = (HashMap::new(), HashMap::new());
    for r in rd.records() {
        let r = r.unwrap();
        if &r[2] == "entity" {
            entities.insert((r[0].to_string(), r[5].to_string()), (r[12].to_string(), r[13].to_string()));
        } else {
            assert_eq!(&r[12], "", "sentence rows carry no actor");
            let d = dates.entry(r[0].to_string()).or_insert_with(|| r[13].to_string());
            assert_eq!(d, &r[13], "one date on every row of a document");
        }
    }
    (entities, dates, stderr)
}

fn code<'a>(m: &'a Codes, doc: &str, name: &str) -> &'a str {
    &m.get(&(doc.to_string(), name.to_string())).unwrap_or_else(|| panic!("no entity `{name}` in {doc}: {m:?}")).0
}

fn docs() -> Vec<serde_json::Value> {
    vec![
        serde_json::json!({"id": "a", "date": "2025-11-02T10:00:00Z",
            "text": "Araghchi warns Washington\n\nIranian Foreign Minister Abbas Araghchi met Hakan Fidan in Ankara on Sunday. Araghchi said Tehran was ready for talks, while the Pentagon sent more troops."}),
        // The same bare name, without the title: nothing learned carries over.
        serde_json::json!({"id": "b", "date": "20251103", "text": "Araghchi spoke to reporters in Geneva about NATO."}),
        serde_json::json!({"id": "c", "text": "Joe Biden met Recep Tayyip Erdoğan in Washington."}),
        serde_json::json!({"id": "d", "date": "2024-05-01", "text": "Joe Biden met Recep Tayyip Erdoğan in Washington."}),
    ]
}

#[test]
fn entities_carry_actor_codes_and_documents_their_date() {
    let (m, dates, _) = annotate(&[], &docs());
    assert_eq!(code(&m, "a", "Iranian"), "IRNGOV");
    assert_eq!(code(&m, "a", "Abbas Araghchi"), "IRNGOV");
    // Learned from the title, before and after it in the same document.
    assert_eq!(code(&m, "a", "Araghchi"), "IRNGOV");
    assert_eq!(code(&m, "a", "Hakan Fidan"), "TURGOV");
    assert_eq!(code(&m, "a", "Ankara"), "TURGOV");
    assert_eq!(code(&m, "a", "Tehran"), "IRNGOV");
    assert_eq!(code(&m, "a", "Pentagon"), "USAMIL");
    assert_eq!(code(&m, "b", "NATO"), "IGONAT");
    assert_eq!(code(&m, "b", "Geneva"), "CHE");
    // A surname in the office-holder table is coded; nothing else is learned
    // from document a.
    assert_eq!(code(&m, "b", "Araghchi"), "IRNGOV");
    // Undated: who holds office in the table's present; dated: as of that day.
    assert_eq!(code(&m, "c", "Joe Biden"), "");
    assert_eq!(code(&m, "d", "Joe Biden"), "USAGOV");
    assert_eq!(code(&m, "c", "Recep Tayyip Erdoğan"), "TURGOV");
    assert_eq!(dates["a"], "2025-11-02");
    assert_eq!(dates["b"], "2025-11-03");
    assert_eq!(dates["c"], "");
}

#[test]
fn group_names_the_model_misses_become_coded_entities() {
    let lines = [serde_json::json!({"id": "m", "date": "2025-02-01",
        "text": "M23 rebels take the airport in Goma, Democratic Republic of the Congo, as the Congolese military withdraws."})];
    let (m, _, _) = annotate(&[], &lines);
    assert_eq!(code(&m, "m", "M23"), "CODREB");
    // A demonym of two states takes the one the document names.
    assert_eq!(code(&m, "m", "Congolese"), "CODMIL");
}

#[test]
fn user_tables_add_and_override_names() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("mine.tsv");
    fs::write(&table, "name\tcode\tkind\tvalid_from\tvalid_until\tsource\n# ours\nAnkara\tTURMIL\tcapital\nGeneva\tIGOUNO\torg\n").unwrap();
    let (m, _, _) = annotate(&["--actors", table.to_str().unwrap()], &docs());
    assert_eq!(code(&m, "a", "Ankara"), "TURMIL");
    assert_eq!(code(&m, "b", "Geneva"), "IGOUNO");
    assert_eq!(code(&m, "a", "Tehran"), "IRNGOV", "other names are kept");
}

#[test]
fn a_bad_user_table_stops_the_run_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("bad.tsv");
    fs::write(&table, "name\tcode\n# fine\nAnkara\tturgov\n").unwrap();
    let out = common::run_with_stdin(&["annotate", "--actors", table.to_str().unwrap(), "-"], b"{\"text\": \"Iran.\"}\n");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.tsv:3: `turgov` is not an actor code"), "{err}");
    let out = common::run_with_stdin(&["annotate", "--actors", "no/such.tsv", "-"], b"{\"text\": \"Iran.\"}\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--actors no/such.tsv: no such file"));
}

#[test]
fn bad_or_missing_dates_are_reported_and_the_document_kept() {
    let dir = tempfile::tempdir().unwrap();
    let errors = dir.path().join("errors.csv");
    let lines = [
        serde_json::json!({"id": "x", "published": "30/11/2026", "text": "Iran warned Israel."}),
        serde_json::json!({"id": "y", "text": "Iran warned Israel."}),
        serde_json::json!({"id": "z", "published": "2026-11-30", "text": "Iran warned Israel."}),
    ];
    let (m, dates, stderr) = annotate(&["--date-field", "published", "--errors", errors.to_str().unwrap()], &lines);
    assert_eq!(dates["x"], "");
    assert_eq!(dates["y"], "");
    assert_eq!(dates["z"], "2026-11-30");
    assert_eq!(code(&m, "x", "Iran"), "IRN");
    let report = fs::read_to_string(&errors).unwrap();
    assert!(report.contains("field `published` is not a date (`30/11/2026`"), "{report}");
    assert!(report.contains("field `published` is missing"), "{report}");
    assert_eq!(report.lines().count(), 3, "two warnings and a header: {report}");
    assert!(stderr.contains("warning"), "{stderr}");
}
