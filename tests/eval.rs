//! `detente eval`: entity scores equal seqeval's (strict IOB2) on the
//! hand-made fixture in tests/fixtures/eval, edge cases (empty gold, no
//! predictions, entities at a sentence end, adjacent same-type entities,
//! Unicode offsets), stance alignment, and a report that escapes document
//! text.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use detente::eval::{evaluate, Gold, GoldFormat, Options, Predictions};
use serde_json::Value;

const HEADER: &str = "doc_id,sentence,kind,start,end,text,label,confidence,role,p_conciliatory,p_threatening,p_neutral\n";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/eval").join(name)
}

fn detente(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_detente")).args(args).output().unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9
}

fn conll(src: &str) -> Gold {
    Gold::parse(Path::new("gold.conll"), GoldFormat::Conll, src).unwrap()
}

fn preds(rows: &str) -> Predictions {
    Predictions::from_reader(Path::new("pred.csv"), format!("{HEADER}{rows}").as_bytes()).unwrap()
}

fn opts() -> Options {
    Options { resamples: 50, seed: 1 }
}

/// Compares strict scores (from metrics.json or the library, as JSON)
/// with seqeval's numbers in expected.json.
fn assert_matches_seqeval(strict: &Value) {
    let expected: Value = serde_json::from_str(&std::fs::read_to_string(fixture("expected.json")).unwrap()).unwrap();
    let per_type = expected["per_type"].as_object().unwrap();
    assert_eq!(
        strict["per_type"].as_object().unwrap().keys().collect::<Vec<_>>(),
        per_type.keys().collect::<Vec<_>>(),
        "same entity types"
    );
    for (t, e) in per_type {
        for k in ["precision", "recall", "f1"] {
            let got = strict["per_type"][t][k].as_f64().unwrap();
            assert!(close(got, e[k].as_f64().unwrap()), "{t} {k}: {got} vs seqeval {}", e[k]);
        }
        assert_eq!(strict["per_type"][t]["support"], e["support"], "{t} support");
    }
    for avg in ["micro", "macro"] {
        for k in ["precision", "recall", "f1"] {
            let got = strict[avg][k].as_f64().unwrap();
            assert!(close(got, expected[avg][k].as_f64().unwrap()), "{avg} {k}: {got} vs seqeval {}", expected[avg][k]);
        }
    }
}

#[test]
fn fixture_scores_equal_seqeval_strict_iob2() {
    let gold = Gold::read(&fixture("gold.conll"), None).unwrap();
    assert_eq!(gold.format, GoldFormat::Conll);
    let p = Predictions::read_csv(&fixture("predictions.csv")).unwrap();
    let e = evaluate(&gold, &p, &opts());
    let ner = e.ner.as_ref().unwrap();
    assert_matches_seqeval(&serde_json::to_value(&ner.strict).unwrap());
    assert_eq!(e.alignment.gold_documents_without_predictions, 0);
    assert_eq!(e.gold.entities, 30);
}

#[test]
fn binary_writes_the_report_with_seqeval_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let gold = fixture("gold.conll");
    let pred = fixture("predictions.csv");
    let out =
        detente(&["eval", "--gold", gold.to_str().unwrap(), "--pred", pred.to_str().unwrap(), "--report", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("micro       0.7241  0.7000  0.7119       30"), "{stdout}");
    let metrics: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("metrics.json")).unwrap()).unwrap();
    assert_matches_seqeval(&metrics["ner"]["strict"]);
    let ci = &metrics["bootstrap"]["ner_strict_micro_f1"];
    assert!(ci["low"].as_f64().unwrap() <= ci["value"].as_f64().unwrap() && ci["value"].as_f64().unwrap() <= ci["high"].as_f64().unwrap());
    assert_eq!(metrics["bootstrap"]["resamples"], 1000);
    // Overlap scores and confusion, counted by hand from the fixture README.
    let lenient = &metrics["ner"]["lenient_typed"]["micro"];
    assert_eq!((lenient["found"].as_u64(), lenient["correct"].as_u64()), (Some(25), Some(24)));
    let conf = &metrics["ner"]["confusion"];
    let cell = |r: &str, c: &str| {
        let ri = conf["rows"].as_array().unwrap().iter().position(|x| x == r).unwrap();
        let ci = conf["columns"].as_array().unwrap().iter().position(|x| x == c).unwrap();
        conf["counts"][ri][ci].as_u64().unwrap()
    };
    assert_eq!(cell("LOC", "ORG"), 1, "Washington");
    assert_eq!(cell("MISC", "ORG"), 1, "Münchner Sicherheitskonferenz");
    assert_eq!(cell("ORG", "PER"), 1, "Reuters");
    assert_eq!(cell("LOC", "missed"), 1, "Muscat");
    assert_eq!(cell("PER", "missed"), 1, "Putin");
    assert_eq!(cell("spurious", "MISC"), 2, "Tuesday, No");

    // errors.csv: most confident first, with the sentence text. The three
    // entities found with the wrong type are one error each (17 rows when
    // they were listed as a false positive and a false negative).
    let mut rd = csv::Reader::from_path(dir.path().join("errors.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 14);
    assert!(rows.iter().all(|r| &r[0] == "entities"));
    let confs: Vec<f64> = rows.iter().filter(|r| !r[9].is_empty()).map(|r| r[9].parse().unwrap()).collect();
    assert!(confs.windows(2).all(|w| w[0] >= w[1]), "{confs:?}");
    let muscat = rows.iter().find(|r| &r[6] == "Muscat").unwrap();
    assert_eq!((&muscat[1], &muscat[7], &muscat[9], &muscat[10]), ("false_negative", "LOC", "", "Talks resumed in Muscat"));
    let washington: Vec<_> = rows.iter().filter(|r| &r[6] == "Washington").collect();
    assert_eq!(washington.len(), 1, "a wrong type is listed once");
    assert_eq!((&washington[0][1], &washington[0][7], &washington[0][8]), ("wrong_type", "LOC", "ORG"));
    for f in ["report.md", "report.html"] {
        assert!(dir.path().join(f).is_file(), "{f}");
    }
}

#[test]
fn empty_gold_scores_zero_and_fails() {
    let p = preds("0,0,sentence,0,4,Oman,,,,,,\n0,0,entity,0,4,Oman,LOC,0.9,,,,\n");
    let e = evaluate(&conll(""), &p, &opts());
    let ner = e.ner.unwrap();
    assert_eq!(ner.strict.micro.f1, 0.0);
    assert_eq!(ner.strict.micro.support, 0);
    assert_eq!(e.bootstrap.ner_strict_micro_f1, None, "no documents to resample");
    assert!(e.errors.is_empty(), "a prediction for a document the gold does not have is ignored");
    assert_eq!(e.alignment.prediction_documents_without_gold, 0);

    // Through the binary, with a report.
    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("empty.conll");
    std::fs::write(&gold, "").unwrap();
    let pred = dir.path().join("p.csv");
    std::fs::write(&pred, HEADER).unwrap();
    let rep = dir.path().join("rep");
    let out = detente(&["eval", "--gold", gold.to_str().unwrap(), "--pred", pred.to_str().unwrap(), "--report", rep.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "nothing was scored: {}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the gold file has no documents to score"));
    assert!(rep.join("report.html").is_file(), "the report is still written");
}

#[test]
fn no_predictions_count_every_gold_entity_as_missed() {
    let gold = Gold::read(&fixture("gold.conll"), None).unwrap();
    let e = evaluate(&gold, &preds(""), &opts());
    let ner = e.ner.unwrap();
    assert_eq!((ner.strict.micro.precision, ner.strict.micro.recall, ner.strict.micro.f1), (0.0, 0.0, 0.0));
    assert_eq!(ner.strict.micro.support, 30);
    assert_eq!(e.alignment.gold_documents_without_predictions, 3);
    assert_eq!(e.alignment.gold_entities_in_those_documents, 30);
    assert_eq!(e.alignment.unknown_doc_ids, ["0", "1", "2"]);
    assert_eq!(e.errors.len(), 30);
    assert!(e.errors.iter().all(|x| x.kind == "false_negative" && x.confidence.is_none()));
    // The sentence text still comes from the gold.
    assert_eq!(e.errors[0].sentence_text, "Oman offered to host talks between Tehran and Washington .");
}

#[test]
fn entity_at_the_end_of_a_sentence() {
    let gold = conll("Talks O\nresumed O\nin O\nMuscat B-LOC\n\nThey O\nmet O\nin O\nDoha B-LOC\n");
    // "Talks resumed in Muscat\n\nThey met in Doha"
    let cases = [
        ("0,0,entity,17,23,Muscat,LOC,0.9,,,,\n0,1,entity,37,41,Doha,LOC,0.9,,,,\n", 1.0),
        ("0,1,entity,37,41,Doha,LOC,0.9,,,,\n", 2.0 / 3.0),
        ("0,0,entity,17,22,Musca,LOC,0.9,,,,\n0,1,entity,37,41,Doha,LOC,0.9,,,,\n", 0.5),
    ];
    for (rows, f1) in cases {
        let e = evaluate(&gold, &preds(rows), &opts());
        let got = e.ner.unwrap().strict.micro.f1;
        assert!(close(got, f1), "{rows}: {got} vs {f1}");
    }
}

#[test]
fn adjacent_same_type_entities() {
    // IOB2 B-LOC B-LOC: two entities; IOB1 I-LOC B-LOC: the same two.
    for src in ["Qatar B-LOC\nEgypt B-LOC\nmet O\n", "Qatar I-LOC\nEgypt B-LOC\nmet O\n"] {
        let gold = conll(src);
        assert_eq!(gold.docs[0].entities.len(), 2, "{src}");
        let split = evaluate(&gold, &preds("0,0,entity,0,5,Qatar,LOC,0.9,,,,\n0,0,entity,6,11,Egypt,LOC,0.9,,,,\n"), &opts());
        assert_eq!(split.ner.unwrap().strict.micro.f1, 1.0);
        let merged = evaluate(&gold, &preds("0,0,entity,0,11,Qatar Egypt,LOC,0.9,,,,\n"), &opts());
        let ner = merged.ner.unwrap();
        assert_eq!((ner.strict.micro.correct, ner.strict.micro.predicted, ner.strict.micro.support), (0, 1, 2));
        assert_eq!(ner.lenient_typed.micro.recall, 1.0, "both overlap the merged span");
        assert_eq!(ner.lenient_typed.micro.precision, 1.0);
    }
}

#[test]
fn unicode_offsets_are_characters() {
    let gold = conll("習近平 B-PER\nmet O\nErdoğan B-PER\nin O\nZürich B-LOC\n");
    // Text: "習近平 met Erdoğan in Zürich" in code points.
    let rows = "0,0,sentence,0,25,習近平 met Erdoğan in Zürich,,,,,,\n\
                0,0,entity,0,3,習近平,PER,0.9,,,,\n\
                0,0,entity,8,15,Erdoğan,PER,0.9,,,,\n\
                0,0,entity,19,25,Zürich,ORG,0.8,,,,\n";
    let e = evaluate(&gold, &preds(rows), &opts());
    let ner = e.ner.unwrap();
    assert_eq!(ner.strict.per_type["PER"].f1, 1.0);
    assert_eq!(ner.strict.per_type["LOC"].recall, 0.0);
    assert_eq!(e.errors.len(), 1, "a wrong type is one error: {:?}", e.errors);
    let fnz = &e.errors[0];
    assert_eq!((fnz.kind, fnz.text.as_str(), fnz.gold.as_str(), fnz.predicted.as_str()), ("wrong_type", "Zürich", "LOC", "ORG"));
    assert_eq!(fnz.confidence, Some(0.8));
    assert_eq!(fnz.sentence_text, "習近平 met Erdoğan in Zürich");
}

#[test]
fn stance_file_aligns_by_text_and_reports_calibration() {
    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("gold.tsv");
    std::fs::write(
        &gold,
        "doc_id\ttext\tstance\tsource\n\
         a\tOman offered to host talks.\tconciliatory\tOman\n\
         a\tIran   warned of a response.\tthreatening\t\n\
         a\tOil prices rose.\tneutral\t\n\
         b\tMissing document.\tneutral\t\n",
    )
    .unwrap();
    let pred = dir.path().join("p.csv");
    std::fs::write(
        &pred,
        format!(
            "{HEADER}a,0,sentence,0,27,Oman offered to host talks.,conciliatory,0.9000,,0.9,0.05,0.05\n\
             a,0,entity,0,4,Oman,LOC,0.99,source,0.9,0.05,0.05\n\
             a,1,sentence,28,54,Iran warned of a response.,neutral,0.6000,,0.1,0.3,0.6\n\
             a,2,sentence,55,71,Oil prices rose.,neutral,0.8000,,0.1,0.1,0.8\n"
        ),
    )
    .unwrap();
    let rep = dir.path().join("rep");
    let (g, p, r) = (gold.to_str().unwrap(), pred.to_str().unwrap(), rep.to_str().unwrap());
    // Document b has no predictions: 3 of 4 sentences, below the default share.
    let out = detente(&["eval", "--gold", g, "--pred", p]);
    assert_eq!(out.status.code(), Some(1));
    let out = detente(&["eval", "--gold", g, "--pred", p, "--report", r, "--min-aligned", "0.5"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("1 of 4 gold stance sentences could not be aligned"), "{stdout}");
    assert!(stdout.contains("coverage, stance: 3 of 4 gold stance sentences scored"), "{stdout}");
    let m: Value = serde_json::from_str(&std::fs::read_to_string(rep.join("metrics.json")).unwrap()).unwrap();
    assert_eq!(m["ner"], Value::Null);
    let st = &m["stance"];
    assert_eq!(st["n"], 3);
    assert!(close(st["accuracy"].as_f64().unwrap(), 2.0 / 3.0));
    assert_eq!(st["confusion"][1], serde_json::json!([0, 0, 1]));
    // Bins: 0.6 (wrong), 0.8 (right), 0.9 (right): |0-0.6| + |1-0.8| + |1-0.9|, each weighted 1/3.
    assert!(close(st["ece"].as_f64().unwrap(), (0.6 + 0.2 + 0.1) / 3.0), "{}", st["ece"]);
    assert_eq!(st["bins"].as_array().unwrap().len(), 15);
    assert_eq!(m["roles"]["accuracy"], 1.0);
    assert_eq!(m["alignment"]["unknown_doc_ids"], serde_json::json!(["b"]));
}

#[test]
fn html_report_escapes_document_text() {
    let dir = tempfile::tempdir().unwrap();
    let text = "<script>alert('x')</script> Oman & <b>Iran</b> met.";
    let oman = text.find("Oman").unwrap();
    let gold = dir.path().join("gold.jsonl");
    let line = serde_json::json!({
        "id": "<img src=x onerror=alert(1)>",
        "text": text,
        "entities": [{"start": oman, "end": oman + 4, "label": "LOC"}],
        "sentences": [{"start": 0, "end": text.chars().count(), "stance": "neutral"}],
    });
    std::fs::write(&gold, format!("{line}\n")).unwrap();
    let pred = dir.path().join("p.csv");
    let mut w = csv::Writer::from_path(&pred).unwrap();
    w.write_record(HEADER.trim().split(',')).unwrap();
    let n = text.chars().count().to_string();
    let id = "<img src=x onerror=alert(1)>";
    w.write_record([id, "0", "sentence", "0", &n, text, "threatening", "0.7", "", "0.1", "0.7", "0.2"]).unwrap();
    w.write_record([id, "0", "entity", "0", "8", "<script>", "<script>", "0.9", "", "", "", ""]).unwrap();
    w.flush().unwrap();
    drop(w);
    let rep = dir.path().join("rep");
    let out = detente(&["eval", "--gold", gold.to_str().unwrap(), "--pred", pred.to_str().unwrap(), "--report", rep.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let html = std::fs::read_to_string(rep.join("report.html")).unwrap();
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"), "a <script> tag reached the report");
    assert!(!lower.contains("<img"), "an <img> tag reached the report");
    assert!(!lower.contains("<b>"), "markup from a document reached the report");
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Oman &amp; &lt;b&gt;Iran&lt;/b&gt; met."),
        "the sentence is shown, escaped"
    );
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    // Self-contained: nothing is fetched.
    for bad in ["http://", "https://", "src=\"", "@import"] {
        assert!(!html.replace("http://www.w3.org/2000/svg", "").contains(bad), "{bad}");
    }
    let md = std::fs::read_to_string(rep.join("report.md")).unwrap();
    assert!(!md.contains("<script"), "{md}");
}

#[test]
fn input_annotates_the_gold_text_itself() {
    let dir = tempfile::tempdir().unwrap();
    let gold = fixture("gold.conll");
    let out = detente(&["eval", "--gold", gold.to_str().unwrap(), "--input", "--no-model", "--report", dir.path().to_str().unwrap(), "-q"]);
    // Without a model there are no entities to score: that is a failure, said even with -q.
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no entity rows at all (predictions made with --no-model?)"));
    // The splitter keeps the CoNLL sentences apart (they are separated by
    // blank lines), and the offsets are the ones the gold was built with.
    let mut rd = csv::Reader::from_path(dir.path().join("predictions.csv")).unwrap();
    let sentences: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).filter(|r| &r[2] == "sentence").collect();
    assert_eq!(sentences.len(), 15);
    assert_eq!((&sentences[3][0], &sentences[3][3], &sentences[3][5]), ("0", "203", "Talks resumed in Muscat"));
    let m: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("metrics.json")).unwrap()).unwrap();
    assert_eq!(m["ner"]["strict"]["micro"]["support"], 30);
    assert_eq!(m["alignment"]["gold_documents_without_predictions"], 0);
}

#[test]
fn input_with_the_shipped_model_scores_the_fixture() {
    let gold = fixture("gold.conll");
    let out = detente(&["eval", "--gold", gold.to_str().unwrap(), "--input", "-q", "--resamples", "100"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let micro = stdout.lines().find(|l| l.starts_with("micro")).unwrap();
    let f1: f64 = micro.split_whitespace().nth(3).unwrap().parse().unwrap();
    assert!(f1 > 0.7, "the shipped model should find most of these names: {stdout}");
}

#[test]
fn bad_arguments_and_inputs_are_fatal() {
    let gold = fixture("gold.conll");
    let g = gold.to_str().unwrap();
    let out = detente(&["eval", "--gold", g]);
    assert_eq!(out.status.code(), Some(2), "neither --pred nor --input");
    let out = detente(&["eval", "--gold", "/nonexistent/gold.conll", "--pred", "x.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/gold.conll: cannot read"));
    let dir = tempfile::tempdir().unwrap();
    let pred = dir.path().join("p.csv");
    std::fs::write(&pred, format!("{HEADER}0,0,entity,5,x,Oman,LOC,0.9,,,,\n")).unwrap();
    let out = detente(&["eval", "--gold", g, "--pred", pred.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("p.csv:2: `end` is `x`"), "{}", String::from_utf8_lossy(&out.stderr));
}
