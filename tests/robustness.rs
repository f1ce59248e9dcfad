//! Broken and extreme input: each case gets its documented behaviour, and
//! the run goes on.

use std::fs;
use std::process::Output;

mod common;

fn detente(args: &[&str], stdin: Option<&[u8]>) -> Output {
    common::run_with_stdin(args, stdin.unwrap_or_default())
}

fn rows(out: &Output) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(out.stdout.as_slice()).records().map(|r| r.unwrap()).collect()
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("a");
    fs::create_dir(&sub).unwrap();
    fs::write(sub.join("doc.txt"), "One sentence here.").unwrap();
    std::os::unix::fs::symlink(dir.path(), sub.join("loop")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("missing.txt"), sub.join("dangling.txt")).unwrap();
    let out = detente(&["annotate", "--no-model", dir.path().to_str().unwrap()], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("directory loop"), "{stderr}");
    assert!(stderr.contains("dangling.txt: cannot read"), "{stderr}");
    let r = rows(&out);
    assert_eq!(r.len(), 1, "the document is read once: {r:?}");
    assert_eq!(&r[0][0], "a/doc.txt");
    assert_eq!(out.status.code(), Some(1), "the dangling link is an error");
}

#[test]
fn control_characters_and_lone_carriage_returns() {
    let input = concat!(
        "{\"id\": \"nul\", \"text\": \"Talks\\u0000 resumed. Both sides\\u0007 agreed.\"}\n",
        "{\"id\": \"cr\", \"text\": \"Headline\\r\\rFirst sentence.\\rSecond sentence.\"}\n",
        "{\"id\": \"ws\", \"text\": \" \\t\\n \"}\n",
        "{\"id\": \"empty\", \"text\": \"\"}\n",
    );
    let out = detente(&["annotate", "--no-model", "-"], Some(input.as_bytes()));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r = rows(&out);
    let nul: Vec<&str> = r.iter().filter(|r| &r[0] == "nul").map(|r| &r[5]).collect();
    assert_eq!(nul, ["Talks\u{0} resumed.", "Both sides\u{7} agreed."]);
    let cr: Vec<&str> = r.iter().filter(|r| &r[0] == "cr").map(|r| &r[5]).collect();
    assert_eq!(cr, ["Headline", "First sentence.", "Second sentence."]);
    assert!(!r.iter().any(|r| &r[0] == "ws" || &r[0] == "empty"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("(document `ws`): document is empty or only whitespace"), "{stderr}");
    assert!(stderr.contains("(document `empty`): document is empty or only whitespace"), "{stderr}");
}

#[test]
fn a_fifty_megabyte_document_is_processed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.txt");
    let sentence = "The ministers met in Geneva on Tuesday and agreed to meet again. ";
    let n = 50 * 1024 * 1024 / sentence.len() + 1;
    fs::write(&path, sentence.repeat(n)).unwrap();
    let out_csv = dir.path().join("out.csv");
    let out = detente(&["annotate", "--no-model", path.to_str().unwrap(), "-o", out_csv.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("1 documents, {n} sentences")), "{stderr}");

    // Over --max-doc-bytes it is skipped with a clear error instead.
    let out = detente(&["annotate", "--no-model", "--max-doc-bytes", "1000000", path.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("over the --max-doc-bytes limit of 1000000"));
}

#[test]
fn a_twenty_thousand_character_sentence_keeps_every_entity() {
    // No punctuation at all: one sentence, ~40 model windows.
    let unit = "Erdoğan and Araghchi spoke in Ankara while ";
    let text = unit.repeat(20_000 / unit.len() + 1);
    let doc = serde_json::json!({"id": "long", "text": text}).to_string() + "\n";
    let out = detente(&["annotate", "-"], Some(doc.as_bytes()));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r = rows(&out);
    assert_eq!(r.iter().filter(|r| &r[2] == "sentence").count(), 1);
    let ankara = r.iter().filter(|r| &r[2] == "entity" && &r[5] == "Ankara").count();
    let reps = 20_000 / unit.len() + 1;
    assert!(ankara * 10 >= reps * 9, "Ankara found {ankara} of {reps} times");
}

#[test]
fn csv_with_bad_quoting_and_missing_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("docs.csv");
    fs::write(&path, "id,text\nok,\"Fine.\"\nshort\nq,\"Unclosed quote runs to the end\nnext,line\n").unwrap();
    let out = detente(&["annotate", "--no-model", path.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    let r = rows(&out);
    assert_eq!(&r[0][0], "ok");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("docs.csv:3 (document `short`)"), "{stderr}");
    // An unclosed quote swallows the rest of the file into one field: the
    // document is kept, with its text as the csv crate reads it.
    assert!(r.iter().any(|r| &r[0] == "q"), "{r:?}");
}

#[cfg(target_os = "linux")]
#[test]
fn an_unreadable_file_is_reported_and_skipped() {
    // Root can read any file with permission bits, so use one whose read
    // fails: /proc/self/mem at offset 0 (unmapped) gives EIO.
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), "Readable text.").unwrap();
    std::os::unix::fs::symlink("/proc/self/mem", dir.path().join("b.txt")).unwrap();
    fs::write(dir.path().join("c.txt"), "More readable text.").unwrap();
    let out = detente(&["annotate", "--no-model", dir.path().to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("b.txt (document `b.txt`): cannot read"), "{stderr}");
    let ids: Vec<String> = rows(&out).iter().map(|r| r[0].to_string()).collect();
    assert_eq!(ids, ["a.txt", "c.txt"]);
}

#[test]
fn a_damaged_model_fails_at_start_up() {
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/detente");
    let dir = tempfile::tempdir().unwrap();
    for f in ["tokenizer.json", "config.json", "SHA256SUMS"] {
        fs::copy(shipped.join(f), dir.path().join(f)).unwrap();
    }
    // Truncated, as by an interrupted download.
    let model = fs::read(shipped.join("model.onnx")).unwrap();
    fs::write(dir.path().join("model.onnx"), &model[..model.len() / 2]).unwrap();
    let input = b"{\"id\": \"x\", \"text\": \"Iran spoke.\"}\n";
    let out = detente(&["annotate", "--model", dir.path().to_str().unwrap(), "-"], Some(input));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("model.onnx: checksum mismatch"), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing is written before the model loads");

    // Missing.
    fs::remove_file(dir.path().join("model.onnx")).unwrap();
    let out = detente(&["annotate", "--model", dir.path().to_str().unwrap(), "-"], Some(input));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("model.onnx"), "{}", String::from_utf8_lossy(&out.stderr));
}
