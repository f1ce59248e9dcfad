//! `detente annotate` never fails silently about what it reads and writes: a
//! run that reads no document says so and exits 1; messages about outputs
//! name the paths the user gave; an output that is, or would be read back
//! as, an input is refused before anything is written; and a second run on
//! the same output is refused while the first holds its lock.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;

use common::{run_in, run_with_stdin};

fn header() -> String {
    detente::write::HEADER.join(",") + "\n"
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

fn doc_ids(csv_text: &[u8]) -> Vec<String> {
    let mut ids: Vec<String> = csv::Reader::from_reader(csv_text).records().map(|r| r.unwrap()[0].to_string()).collect();
    ids.dedup();
    ids
}

const TWO_DOCS: &str = "{\"id\": \"d1\", \"text\": \"Talks resumed in Geneva.\"}\n{\"id\": \"d2\", \"text\": \"Officials met again.\"}\n";

#[test]
fn a_run_that_reads_no_document_warns_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir(d.join("empty")).unwrap();
    fs::create_dir(d.join("unsupported")).unwrap();
    fs::write(d.join("unsupported/report.pdf"), "%PDF-1.7").unwrap();
    fs::write(d.join("unsupported/notes.md"), "# Notes").unwrap();
    fs::write(d.join("unsupported/.hidden.txt"), "Hidden files are skipped by rule.").unwrap();
    fs::write(d.join("empty.jsonl"), "").unwrap();
    fs::write(d.join("blank.jsonl"), "\n  \n").unwrap();

    // (input as given, what the warning adds)
    let cases = [
        ("empty", "supported: .txt, .jsonl, .ndjson, .csv"),
        ("unsupported", "2 files in folders ignored for their extension"),
        ("empty.jsonl", "supported: .txt, .jsonl, .ndjson, .csv"),
        ("blank.jsonl", "supported: .txt, .jsonl, .ndjson, .csv"),
    ];
    for (input, note) in cases {
        let out = run_in(d, &["annotate", "--no-model", input]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{input}: {err}");
        assert!(err.contains(&format!("detente: warning: no documents were read from {input}; nothing to annotate")), "{input}: {err}");
        assert!(err.contains(note), "{input}: {err}");
        // The output is complete: a header and no rows.
        assert_eq!(String::from_utf8_lossy(&out.stdout), header(), "{input}");
    }

    let out = run_with_stdin(&["annotate", "--no-model", "-"], b"");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("no documents were read from standard input"), "{}", stderr(&out));

    // -q silences the warning but not the exit status; --errors records it,
    // and -o still gets its (header-only) file.
    let out = run_in(d, &["annotate", "--no-model", "-q", "empty", "-o", "spans.csv", "--errors", "problems.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "");
    assert_eq!(fs::read_to_string(d.join("spans.csv")).unwrap(), header());
    let problems: Vec<csv::StringRecord> = csv::Reader::from_path(d.join("problems.csv")).unwrap().records().map(Result::unwrap).collect();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(&problems[0][0], "warning");
    assert!(problems[0][4].starts_with("no documents were read from empty;"), "{problems:?}");

    // One document is enough, even next to files that are ignored.
    fs::write(d.join("unsupported/story.txt"), "Talks resumed.").unwrap();
    let out = run_in(d, &["annotate", "--no-model", "unsupported"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("no documents"), "{}", stderr(&out));
    assert!(stderr(&out).contains("1 documents") && stderr(&out).contains("2 files in folders ignored"), "{}", stderr(&out));
}

/// A resumed run whose documents were all written before the checkpoint
/// reads nothing new, and is still no empty run.
#[test]
fn a_resumed_run_with_nothing_left_to_read_is_not_empty() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("docs.jsonl"), TWO_DOCS).unwrap();
    let out = run_in(d, &["annotate", "--no-model", "docs.jsonl", "-o", "full.csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let full = fs::read(d.join("full.csv")).unwrap();

    let with_documents = format!("detente-checkpoint 1\nitems 2\nbytes {}\nskipped 0\ndocuments 2\n", full.len());
    // As written by detente before checkpoints counted documents.
    let without = format!("detente-checkpoint 1\nitems 2\nbytes {}\nskipped 0\n", full.len());
    for checkpoint in [with_documents, without] {
        fs::write(d.join(".part.csv.partial"), &full).unwrap();
        fs::write(d.join(".part.csv.checkpoint"), &checkpoint).unwrap();
        let out = run_in(d, &["annotate", "--no-model", "--resume", "docs.jsonl", "-o", "part.csv"]);
        assert_eq!(out.status.code(), Some(0), "{checkpoint}: {}", stderr(&out));
        assert!(stderr(&out).contains("resuming after 2 input items"), "{}", stderr(&out));
        assert!(!stderr(&out).contains("no documents"), "{}", stderr(&out));
        assert_eq!(fs::read(d.join("part.csv")).unwrap(), full);
    }
}

#[test]
fn messages_about_outputs_name_the_paths_given() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("docs.jsonl"), TWO_DOCS).unwrap();

    let out = run_in(d, &["annotate", "--no-model", "docs.jsonl", "-o", "/nonexistent-dir/spans.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot write the output /nonexistent-dir/spans.csv"), "{}", stderr(&out));

    let out = run_in(d, &["annotate", "--no-model", "docs.jsonl", "--errors", "/nonexistent-dir/problems.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot write the --errors file /nonexistent-dir/problems.csv"), "{}", stderr(&out));

    // A folder as the output is refused at start, not by the rename after a whole run.
    fs::create_dir(d.join("spans")).unwrap();
    let out = run_in(d, &["annotate", "--no-model", "docs.jsonl", "-o", "spans"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot write the output spans: it is a folder"), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert_eq!(names(d), ["docs.jsonl", "spans"], "nothing was written");

    // A write that fails during the run (here: the device is full) names the file too.
    if Path::new("/dev/full").exists() {
        let out = run_in(d, &["annotate", "--no-model", "docs.jsonl", "-o", "spans.csv", "--errors", "/dev/full"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains("cannot write the --errors file /dev/full"), "{}", stderr(&out));
        assert!(!d.join("spans.csv").exists(), "a run that failed leaves no output that looks finished");
    }
}

#[test]
fn a_failed_rename_at_the_end_names_the_path_given() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut child = Command::new(env!("CARGO_BIN_EXE_detente"))
        .current_dir(d)
        .args(["annotate", "--no-model", "-", "-o", "spans.csv"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(TWO_DOCS.as_bytes()).unwrap();
    // Once the temporary file exists the start-up checks are behind; a
    // folder then takes the output's name, and the final rename must fail.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !d.join(".spans.csv.partial").exists() {
        assert!(Instant::now() < deadline, "no temporary file appeared");
        std::thread::sleep(Duration::from_millis(5));
    }
    fs::create_dir(d.join("spans.csv")).unwrap();
    fs::write(d.join("spans.csv/keep.txt"), "kept").unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("cannot write the output spans.csv"), "{err}");
    assert!(err.contains("cannot rename its temporary file"), "{err}");
    assert_eq!(fs::read_to_string(d.join("spans.csv/keep.txt")).unwrap(), "kept");
    assert_eq!(names(d), ["spans.csv"], "the temporary files are removed");
}

#[test]
fn an_output_that_is_an_input_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let corpus = "id,text\nc1,\"Talks resumed in Geneva.\"\n";
    fs::write(d.join("data.csv"), corpus).unwrap();
    fs::write(d.join("docs.jsonl"), TWO_DOCS).unwrap();
    let abs = fs::canonicalize(d.join("data.csv")).unwrap();
    let abs = abs.to_str().unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(".", d.join("here")).unwrap();
        std::os::unix::fs::symlink("data.csv", d.join("alias.csv")).unwrap();
    }
    let before = names(d);

    // (inputs, the flag, its value)
    let mut cases: Vec<(Vec<&str>, &str, &str)> = vec![
        (vec!["data.csv"], "-o", "data.csv"),
        (vec!["data.csv"], "-o", "./data.csv"),
        (vec!["./data.csv"], "--output", "data.csv"),
        (vec![abs], "-o", "data.csv"),
        (vec!["data.csv"], "-o", abs),
        (vec!["docs.jsonl", "data.csv"], "-o", "data.csv"),
        (vec!["data.csv"], "--errors", "data.csv"),
        (vec!["docs.jsonl", "data.csv"], "--errors", "./data.csv"),
    ];
    if cfg!(unix) {
        cases.push((vec!["here/data.csv"], "-o", "data.csv"));
        cases.push((vec!["data.csv"], "-o", "here/data.csv"));
        cases.push((vec!["data.csv"], "--errors", "alias.csv"));
    }
    for (inputs, flag, path) in &cases {
        let mut args = vec!["annotate", "--no-model"];
        args.extend(inputs);
        args.extend([*flag, *path]);
        let out = run_in(d, &args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        let long = if *flag == "-o" { "--output" } else { flag };
        assert!(err.contains(&format!("{long} {path} is ")), "{args:?}: {err}");
        assert!(err.contains("writing it would replace the file being read"), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert_eq!(fs::read_to_string(d.join("data.csv")).unwrap(), corpus, "{args:?}: the input is untouched");
        assert_eq!(names(d), before, "{args:?}: nothing was written");
    }

    let out = run_in(d, &["annotate", "--no-model", "docs.jsonl", "-o", "spans.csv", "--errors", "./spans.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--output and --errors are the same file (./spans.csv)"), "{}", stderr(&out));
    assert_eq!(names(d), before);
}

#[test]
fn an_output_an_input_folder_would_read_back_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir_all(d.join("corpus/sub")).unwrap();
    fs::create_dir_all(d.join("corpus/.state")).unwrap();
    fs::write(d.join("corpus/a.txt"), "Talks resumed in Geneva. Officials met again.").unwrap();
    fs::write(d.join("corpus/sub/b.txt"), "A second story.").unwrap();

    let refused = [
        ("-o", "corpus/spans.csv"),
        ("-o", "corpus/sub/spans.TXT"),
        ("-o", "corpus/spans.jsonl"),
        ("-o", "./corpus/sub/../spans.ndjson"),
        ("--errors", "corpus/problems.csv"),
    ];
    for (flag, path) in refused {
        let out = run_in(d, &["annotate", "--no-model", "corpus", flag, path]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{path}: {err}");
        assert!(err.contains(&format!("{path} is inside the input folder corpus")), "{path}: {err}");
        assert!(!d.join(path).exists(), "{path}");
    }
    assert_eq!(names(&d.join("corpus")), [".state", "a.txt", "sub"]);
    assert_eq!(names(&d.join("corpus/sub")), ["b.txt"]);

    // Names the folder reader passes over are fine: a later run reads the
    // same documents as before.
    let first = run_in(d, &["annotate", "--no-model", "corpus"]);
    assert_eq!(first.status.code(), Some(0));
    assert_eq!(doc_ids(&first.stdout), ["a.txt", "sub/b.txt"]);
    for path in ["corpus/spans.tsv", "corpus/.spans.csv", "corpus/.state/spans.csv"] {
        let out = run_in(d, &["annotate", "--no-model", "corpus", "-o", path, "--errors", "corpus/problems.log"]);
        assert_eq!(out.status.code(), Some(0), "{path}: {}", stderr(&out));
        assert_eq!(fs::read(d.join(path)).unwrap(), first.stdout, "{path}");
        let again = run_in(d, &["annotate", "--no-model", "corpus"]);
        assert_eq!(again.stdout, first.stdout, "{path} is not read back");
    }
}

#[test]
fn a_second_run_on_the_same_output_is_refused_while_the_first_holds_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("docs.jsonl"), TWO_DOCS).unwrap();
    let first_rows = "doc_id,sentence,kind\nfirst-run,0,sentence\n";
    let first_checkpoint = "detente-checkpoint 1\nitems 1\nbytes 21\nskipped 0\ndocuments 1\n";
    fs::write(d.join(".spans.csv.partial"), first_rows).unwrap();
    fs::write(d.join(".spans.csv.checkpoint"), first_checkpoint).unwrap();
    fs::write(d.join("problems.csv"), "the first run's problems\n").unwrap();

    // This process plays the first run: it holds the lock on the partial file.
    let held = fs::OpenOptions::new().write(true).open(d.join(".spans.csv.partial")).unwrap();
    held.try_lock().expect("lock the partial file");
    for extra in [&[][..], &["--resume"][..]] {
        let mut args = vec!["annotate", "--no-model", "docs.jsonl", "-o", "spans.csv", "--errors", "problems.csv"];
        args.extend(extra);
        let out = run_in(d, &args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {err}");
        assert!(
            err.contains("another detente run is writing spans.csv (it holds the lock on .spans.csv.partial); wait for it to finish or choose another --output"),
            "{extra:?}: {err}"
        );
        assert_eq!(fs::read_to_string(d.join(".spans.csv.partial")).unwrap(), first_rows, "{extra:?}");
        assert_eq!(fs::read_to_string(d.join(".spans.csv.checkpoint")).unwrap(), first_checkpoint, "{extra:?}");
        assert_eq!(fs::read_to_string(d.join("problems.csv")).unwrap(), "the first run's problems\n", "{extra:?}");
        assert!(!d.join("spans.csv").exists(), "{extra:?}");
    }

    // Once the first run is gone, a fresh run starts over its leftovers.
    drop(held);
    let out = run_in(d, &["annotate", "--no-model", "docs.jsonl", "-o", "spans.csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(doc_ids(&fs::read(d.join("spans.csv")).unwrap()), ["d1", "d2"]);
    assert!(fs::read_to_string(d.join("spans.csv")).unwrap().starts_with(&header()));
    assert_eq!(names(d), ["docs.jsonl", "problems.csv", "spans.csv"], "no temporary file is left");
}

/// `--resume` takes the lock before it reads the checkpoint, creating the
/// partial file if need be; when that file was gone, it says so and leaves
/// nothing new behind.
#[test]
fn resuming_without_the_partial_file_is_refused_plainly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("docs.jsonl"), TWO_DOCS).unwrap();
    let checkpoint = "detente-checkpoint 1\nitems 1\nbytes 120\nskipped 0\ndocuments 1\n";
    fs::write(d.join(".spans.csv.checkpoint"), checkpoint).unwrap();
    let out = run_in(d, &["annotate", "--no-model", "--resume", "docs.jsonl", "-o", "spans.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot resume spans.csv: its temporary file .spans.csv.partial is gone"), "{}", stderr(&out));
    assert_eq!(names(d), [".spans.csv.checkpoint", "docs.jsonl"]);
    assert_eq!(fs::read_to_string(d.join(".spans.csv.checkpoint")).unwrap(), checkpoint);
}
