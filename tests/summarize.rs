//! `detente summarize` over hand-written CSVs in tests/fixtures/summarize:
//! every row of every table for a small corpus (by code and by country, by
//! week and by month), shards read as one file, a report that escapes what
//! the CSV says, bad input named by file and line, and a run without events.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/summarize").join(name)
}

fn summarize(inputs: &[&Path], out: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_detente")).arg("summarize").args(inputs).arg("--out").arg(out).args(extra).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn read(dir: &Path, name: &str) -> String {
    fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Compares line by line, so that a failure shows the first row that differs.
fn assert_rows(dir: &Path, name: &str, expected: &str) {
    let got = read(dir, name);
    for (i, (g, e)) in got.lines().zip(expected.lines()).enumerate() {
        assert_eq!(g, e, "{name}, line {}", i + 1);
    }
    assert_eq!(got.lines().count(), expected.lines().count(), "{name}: number of lines\n{got}");
    assert!(got.ends_with('\n'));
}

const EVENTS: &str = "\
doc_id,sentence,date,source,target,stance,confidence,source_text,target_text,text
01-turkey-mediates.txt,0,2026-11-27,TUR,IRN,conciliatory,0.9881,Turkey,Iran,Turkey Offers to Host Iran-US Talks as Tensions Rise
01-turkey-mediates.txt,1,2026-11-27,TUR,IRN,conciliatory,0.9811,Turkey,Iran,\"ANKARA, Nov 27 (Reuters) - Turkey offered on Thursday to \
host direct talks between Iran and the United States, saying it was ready to act as a mediator.\"
01-turkey-mediates.txt,1,2026-11-27,TUR,USA,conciliatory,0.9811,Turkey,United States,\"ANKARA, Nov 27 (Reuters) - Turkey offered on \
Thursday to host direct talks between Iran and the United States, saying it was ready to act as a mediator.\"
01-turkey-mediates.txt,2,2026-11-27,TUR,IRNGOV,conciliatory,0.9823,Turkish,Tehran,Turkish President Tayyip Erdoğan told reporters in \
Ankara that his government had passed messages between Tehran and Washington.
01-turkey-mediates.txt,2,2026-11-27,TUR,USAGOV,conciliatory,0.9823,Turkish,Washington,Turkish President Tayyip Erdoğan told reporters in \
Ankara that his government had passed messages between Tehran and Washington.
01-turkey-mediates.txt,2,2026-11-27,TURGOV,IRNGOV,conciliatory,0.9823,Tayyip Erdoğan,Tehran,Turkish President Tayyip Erdoğan told \
reporters in Ankara that his government had passed messages between Tehran and Washington.
01-turkey-mediates.txt,2,2026-11-27,TURGOV,USAGOV,conciliatory,0.9823,Tayyip Erdoğan,Washington,Turkish President Tayyip Erdoğan told \
reporters in Ankara that his government had passed messages between Tehran and Washington.
02-us-warns-iran.txt,0,2026-11-30,USA,IRN,threatening,0.9712,U.S.,Iran,\"U.S. warns Iran of \"\"consequences\"\" over drone strikes\"
02-us-warns-iran.txt,1,2026-11-30,IRN,USA,threatening,0.8804,Iranian,United States,Iranian Foreign Minister Abbas Araghchi said Tehran \
would respond to any attack by the United States.
02-us-warns-iran.txt,1,2026-11-30,IRNGOV,USA,threatening,0.8804,Abbas Araghchi|Tehran,United States,Iranian Foreign Minister Abbas \
Araghchi said Tehran would respond to any attack by the United States.
02-us-warns-iran.txt,3,2026-11-30,IRN,USA,neutral,0.6100,Iran,U.S.,\"'-Iran and the U.S. held talks in Oman, officials said.\"
03-nato-houthis.txt,0,2026-12-08,IGONAT,RUS,threatening,0.6123,NATO|Mark Rutte,Russia,NATO Secretary General Mark Rutte urged Russia to \
stop its attacks on Ukraine.
03-nato-houthis.txt,1,2026-12-08,YEMREB,USAMIL,threatening,0.9310,Houthi,US,Houthi rebels threatened to attack US warships in the Red Sea.
04-undated.txt,0,,TUR,IRN,conciliatory,0.9105,Turkey,Iran,Turkey and Iran agreed to expand trade.
";

const DYADS: &str = "\
source,target,events,documents,conciliatory,threatening,neutral,net
TUR,IRN,3,2,3,0,0,1.0000
IRN,USA,2,1,0,1,1,-0.5000
IGONAT,RUS,1,1,0,1,0,-1.0000
IRNGOV,USA,1,1,0,1,0,-1.0000
TUR,IRNGOV,1,1,1,0,0,1.0000
TUR,USA,1,1,1,0,0,1.0000
TUR,USAGOV,1,1,1,0,0,1.0000
TURGOV,IRNGOV,1,1,1,0,0,1.0000
TURGOV,USAGOV,1,1,1,0,0,1.0000
USA,IRN,1,1,0,1,0,-1.0000
YEMREB,USAMIL,1,1,0,1,0,-1.0000
";

const ACTORS: &str = "\
actor,names,mentions,documents,as_source_conciliatory,as_source_threatening,as_target_conciliatory,as_target_threatening
IRN,Iran|Iranian,7,3,0,1,3,1
TUR,Turkey|ANKARA|Ankara|Turkish,6,2,6,0,0,0
USA,U.S.|United States|US,5,2,0,1,1,2
IRNGOV,Tehran|Abbas Araghchi,3,2,0,1,2,0
IGONAT,Mark Rutte|NATO,2,1,0,1,0,0
IRNMIL,Revolutionary Guards,1,1,0,0,0,0
OMN,Oman,1,1,0,0,0,0
RUS,Russia,1,1,0,0,0,1
TURGOV,Tayyip Erdoğan,1,1,2,0,0,0
UKR,Ukraine,1,1,0,0,0,0
USAGOV,Washington,1,1,0,0,2,0
USAMIL,US,1,1,0,0,0,1
YEMREB,Houthi,1,1,0,1,0,0
";

#[test]
fn every_table_of_a_small_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("summary");
    let o = summarize(&[&fixture("small.csv")], &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_rows(&out, "events.csv", EVENTS);
    assert_rows(&out, "dyads.csv", DYADS);
    assert_rows(&out, "actors.csv", ACTORS);
    assert!(!out.join("series.csv").exists(), "series.csv only with --by");
    let err = stderr(&o);
    assert!(
        err.contains(
            "5 documents, 12 sentences, 14 events, 11 dyads, 13 actors, 1 self pairs dropped; wrote events.csv, dyads.csv, \
        actors.csv, report.html to "
        ),
        "{err}"
    );
    // Nothing else is left in the folder: no temporary files.
    let mut names: Vec<String> = fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["actors.csv", "dyads.csv", "events.csv", "report.html"]);

    let html = read(&out, "report.html");
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    assert!(html.contains("<svg"), "charts");
    assert!(html.contains("2026-11-27 – 2026-12-08"), "date range");
    // The top dyad leads the table.
    let first_row = html.split("<tbody>").nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(first_row.contains(">TUR<") && first_row.contains(">IRN<") && first_row.contains("+1.00"), "{first_row}");
    assert!(html.contains("<title>TUR → IRN: 3 events, net +1.00 (3 conciliatory, 0 threatening, 0 neutral)</title>"));
    assert!(html.contains("<title>IRN → TUR: no events</title>"), "empty heat-map cells are marked");
    assert!(html.contains("<polyline") || html.contains("<path d=\"M"), "weekly chart");
}

#[test]
fn level_country_collapses_codes_before_counting() {
    let dir = tempfile::tempdir().unwrap();
    let o = summarize(&[&fixture("small.csv")], dir.path(), &["--level", "country"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let events = read(dir.path(), "events.csv");
    // Turkish and Erdoğan are one source now, and the sentence gives one pair per target.
    assert!(events.contains("01-turkey-mediates.txt,2,2026-11-27,TUR,IRN,conciliatory,0.9823,Turkish|Tayyip Erdoğan,Tehran,"), "{events}");
    assert!(events.contains("02-us-warns-iran.txt,1,2026-11-30,IRN,USA,threatening,0.8804,Iranian|Abbas Araghchi|Tehran,United States,"));
    assert_eq!(events.lines().count(), 1 + 11);
    assert_rows(
        dir.path(),
        "dyads.csv",
        "\
source,target,events,documents,conciliatory,threatening,neutral,net
TUR,IRN,4,2,4,0,0,1.0000
IRN,USA,2,1,0,1,1,-0.5000
TUR,USA,2,1,2,0,0,1.0000
IGONAT,RUS,1,1,0,1,0,-1.0000
USA,IRN,1,1,0,1,0,-1.0000
YEM,USA,1,1,0,1,0,-1.0000
",
    );
    assert_rows(
        dir.path(),
        "actors.csv",
        "\
actor,names,mentions,documents,as_source_conciliatory,as_source_threatening,as_target_conciliatory,as_target_threatening
IRN,Iran|Tehran|Abbas Araghchi|Iranian|Revolutionary Guards,11,3,0,1,4,1
TUR,Turkey|ANKARA|Ankara|Tayyip Erdoğan|Turkish,7,2,6,0,0,0
USA,U.S.|US|United States|Washington,7,3,0,1,2,2
IGONAT,Mark Rutte|NATO,2,1,0,1,0,0
OMN,Oman,1,1,0,0,0,0
RUS,Russia,1,1,0,0,0,1
UKR,Ukraine,1,1,0,0,0,0
YEM,Houthi,1,1,0,1,0,0
",
    );
    assert!(stderr(&o).contains("11 events, 6 dyads, 8 actors, 1 self pairs dropped"), "{}", stderr(&o));
}

#[test]
fn series_by_week() {
    let dir = tempfile::tempdir().unwrap();
    let o = summarize(&[&fixture("small.csv")], dir.path(), &["--by", "week"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // 2026-11-27 is a Friday: its week starts on Monday 2026-11-23. The
    // undated document's event is left out, and said so.
    assert_rows(
        dir.path(),
        "series.csv",
        "\
period,source,target,events,documents,conciliatory,threatening,neutral,net
2026-11-23,TUR,IRN,2,1,2,0,0,1.0000
2026-11-23,TUR,IRNGOV,1,1,1,0,0,1.0000
2026-11-23,TUR,USA,1,1,1,0,0,1.0000
2026-11-23,TUR,USAGOV,1,1,1,0,0,1.0000
2026-11-23,TURGOV,IRNGOV,1,1,1,0,0,1.0000
2026-11-23,TURGOV,USAGOV,1,1,1,0,0,1.0000
2026-11-30,IRN,USA,2,1,0,1,1,-0.5000
2026-11-30,IRNGOV,USA,1,1,0,1,0,-1.0000
2026-11-30,USA,IRN,1,1,0,1,0,-1.0000
2026-12-07,IGONAT,RUS,1,1,0,1,0,-1.0000
2026-12-07,YEMREB,USAMIL,1,1,0,1,0,-1.0000
",
    );
    assert!(stderr(&o).contains("warning: 1 events of documents without a date are not in series.csv"), "{}", stderr(&o));
    // The other tables do not depend on --by.
    assert_rows(dir.path(), "dyads.csv", DYADS);
}

#[test]
fn series_by_month_and_day() {
    let dir = tempfile::tempdir().unwrap();
    let o = summarize(&[&fixture("small.csv")], dir.path(), &["--by", "month", "--level", "country"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_rows(
        dir.path(),
        "series.csv",
        "\
period,source,target,events,documents,conciliatory,threatening,neutral,net
2026-11,TUR,IRN,3,1,3,0,0,1.0000
2026-11,IRN,USA,2,1,0,1,1,-0.5000
2026-11,TUR,USA,2,1,2,0,0,1.0000
2026-11,USA,IRN,1,1,0,1,0,-1.0000
2026-12,IGONAT,RUS,1,1,0,1,0,-1.0000
2026-12,YEM,USA,1,1,0,1,0,-1.0000
",
    );
    let o = summarize(&[&fixture("small.csv")], dir.path(), &["--by", "day", "--level", "country"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let series = read(dir.path(), "series.csv");
    let periods: Vec<&str> = series.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(periods, ["2026-11-27", "2026-11-27", "2026-11-30", "2026-11-30", "2026-12-08", "2026-12-08"]);
}

#[test]
fn shards_read_as_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let whole = fs::read_to_string(fixture("small.csv")).unwrap();
    let mut lines = whole.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    // Split where the third document starts, as shards are.
    let cut = rows.iter().position(|r| r.starts_with("03-")).unwrap();
    let (a, b) = (dir.path().join("part-1.csv"), dir.path().join("part-2.csv"));
    fs::write(&a, format!("{header}\n{}\n", rows[..cut].join("\n"))).unwrap();
    fs::write(&b, format!("{header}\n{}\n", rows[cut..].join("\n"))).unwrap();
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    for (inputs, out) in [(vec![fixture("small.csv")], &one), (vec![a.clone(), b.clone()], &two)] {
        let paths: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
        let o = summarize(&paths, out, &["--by", "week"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    for name in ["events.csv", "dyads.csv", "actors.csv", "series.csv"] {
        assert_eq!(read(&one, name), read(&two, name), "{name}");
    }
    let html = read(&two, "report.html");
    assert!(html.contains("part-1.csv") && html.contains("part-2.csv"), "the report names its inputs");
}

#[test]
fn report_escapes_what_the_csv_says() {
    let dir = tempfile::tempdir().unwrap();
    let o = summarize(&[&fixture("hostile.csv")], dir.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let html = read(dir.path(), "report.html");
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"), "the name shows, escaped");
    assert!(!html.contains("<script") && !html.contains("<b>doc"), "no markup from the CSV");
    // Nothing is fetched and nothing runs.
    for banned in ["src=", "href=", "@import", "url(http", "<link", "<img", "<iframe", "onerror", "onload"] {
        assert!(!html.contains(banned), "{banned}");
    }
    assert!(html.contains("Content-Security-Policy"));
    // The CSV keeps the text as it was.
    assert!(read(dir.path(), "events.csv").contains("<script>alert(\"\"x\"\")</script>"));
}

/// A CSV of the 14 columns, from rows of `doc,sentence,kind,text,label,confidence,role,actor,date`.
fn csv(rows: &[&str]) -> String {
    let mut s =
        String::from("doc_id,sentence,kind,start,end,text,label,confidence,role,p_conciliatory,p_threatening,p_neutral,actor,date\n");
    for r in rows {
        let f: Vec<&str> = r.split(',').collect();
        assert_eq!(f.len(), 9, "{r}");
        s.push_str(&format!("{},{},{},0,4,{},{},{},{},0.2,0.3,0.5,{},{}\n", f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8]));
    }
    s
}

const S: &str = "d,0,sentence,Iran warned,threatening,0.9,,,2026-11-30";

#[test]
fn bad_input_is_named_by_file_and_line() {
    let older = "doc_id,sentence,kind,start,end,text,label,confidence,role,p_conciliatory,p_threatening,p_neutral\n";
    let cases: Vec<(String, &str)> = vec![
        ("id,text\n1,hello\n".into(), "bad.csv:1: not a detente CSV: the header has no `doc_id`, `sentence`, `kind`"),
        (
            format!("{older}d,0,sentence,0,4,Iran,neutral,0.9,,0.2,0.3,0.5\n"),
            "bad.csv:1: no actor and date columns: written by an older detente; re-run `detente annotate`",
        ),
        (csv(&[S]).replacen(",date\n", ",date,notes\n", 1), "bad.csv:1: unknown column `notes`"),
        (csv(&[S, "d,0,entity,Iran,LOC,0.9,target,IRN,30/11/2026"]), "bad.csv:3: `date` is `30/11/2026`, expected a date as YYYY-MM-DD"),
        (csv(&[S, "d,0,entity,Iran,LOC,0.9,target,IRN,2026-11-31"]), "bad.csv:3: `date` is `2026-11-31`"),
        (csv(&[S, "d,0,entity,Iran,LOC,0.9,target,IRN,2026-12-01"]), "bad.csv:3: date `2026-12-01` differs from `2026-11-30`"),
        (csv(&[S, "d,0,token,Iran,LOC,0.9,target,IRN,2026-11-30"]), "bad.csv:3: `kind` is `token`, expected `sentence` or `entity`"),
        (csv(&[S, "d,0,entity,Iran,LOC,0.9,victim,IRN,2026-11-30"]), "bad.csv:3: `role` is `victim`"),
        (csv(&["d,0,sentence,Iran warned,hostile,0.9,,,2026-11-30"]), "bad.csv:2: `label` is `hostile`"),
        (csv(&[S, "d,0,entity,Iran,COUNTRY,0.9,target,IRN,2026-11-30"]), "bad.csv:3: `label` is `COUNTRY`"),
        (csv(&[S, "e,0,entity,Iran,LOC,0.9,target,IRN,2026-11-30"]), "bad.csv:3: entity row before any sentence row of document `e`"),
        (csv(&["d,0,entity,Iran,LOC,0.9,target,IRN,2026-11-30"]), "bad.csv:2: entity row before any sentence row"),
        (csv(&[S, "d,1,entity,Iran,LOC,0.9,target,IRN,2026-11-30"]), "bad.csv:3: entity row of sentence 1 follows the row of sentence 0"),
        (csv(&[S, "d,0,entity,Iran,LOC,high,target,IRN,2026-11-30"]), "bad.csv:3: `confidence` is `high`, expected a probability"),
        (csv(&["d,0,sentence,Iran warned,threatening,n/a,,,2026-11-30"]), "bad.csv:2: `confidence` is `n/a`"),
        (csv(&[S, "d,0,entity,Iran,LOC,0.9,target,Iran,2026-11-30"]), "bad.csv:3: `actor` is `Iran`"),
        (format!("{}d,0,sentence\n", csv(&[S])), "bad.csv:3: the record has 3 fields"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    for (content, expected) in cases {
        fs::write(&bad, &content).unwrap();
        let out = dir.path().join("out");
        let o = summarize(&[&bad], &out, &[]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{expected}: {err}");
        assert!(err.contains(&format!("{}/{expected}", dir.path().display())), "expected {expected:?} in\n{err}");
        // Nothing half-written is left behind.
        let left: Vec<_> = fs::read_dir(&out).map(|d| d.map(|e| e.unwrap().file_name()).collect()).unwrap_or_default();
        assert!(left.is_empty(), "{expected}: {left:?}");
    }
    // In the second of two inputs, the second is named.
    let good = dir.path().join("good.csv");
    fs::write(&good, csv(&[S])).unwrap();
    fs::write(&bad, csv(&[S, S, "d,0,entity,Iran,LOC,0.9,target,IRN,2026-13-01"])).unwrap();
    let o = summarize(&[&good, &bad], &dir.path().join("out"), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(&format!("{}:4: `date` is `2026-13-01`", bad.display())), "{}", stderr(&o));
    // A format summarize cannot write is refused before anything is read,
    // with the ones it can.
    let o = summarize(&[&good], &dir.path().join("jsonl"), &["--output-format", "jsonl"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("[possible values: csv, parquet]"), "{}", stderr(&o));
    assert!(!dir.path().join("jsonl").exists());
}

#[test]
fn no_events_still_writes_everything_and_exits_1() {
    let cases: &[(&[&str], &str)] = &[
        (&[S, "d,0,entity,Iran,LOC,0.9,target,,2026-11-30"], "0 events: none of the 1 entity rows has an actor code"),
        (
            &[S, "d,0,entity,Iran,LOC,0.9,other,IRN,2026-11-30"],
            "0 events: none of the 1 entities with an actor code has the role source or target",
        ),
        (
            &[S, "d,0,entity,Iran,LOC,0.9,source,IRN,2026-11-30", "d,0,entity,IRGC,ORG,0.9,target,IRNMIL,2026-11-30"],
            "0 events: no sentence has a source and a target of different actors (1 pairs within one actor were dropped)",
        ),
        (&[S, "d,0,entity,Iran,LOC,0.9,source,IRN,2026-11-30"], "0 events: no sentence has both a source and a target"),
        (&[], "0 events: the input has no rows"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("spans.csv");
    for (rows, warning) in cases {
        fs::write(&input, csv(rows)).unwrap();
        let out = dir.path().join("out");
        let o = summarize(&[&input], &out, &["--by", "week"]);
        assert_eq!(o.status.code(), Some(1), "{warning}: {}", stderr(&o));
        assert!(stderr(&o).contains(&format!("detente: warning: {warning}")), "{warning}: {}", stderr(&o));
        assert_eq!(read(&out, "events.csv"), "doc_id,sentence,date,source,target,stance,confidence,source_text,target_text,text\n");
        assert_eq!(read(&out, "dyads.csv"), "source,target,events,documents,conciliatory,threatening,neutral,net\n");
        assert_eq!(read(&out, "series.csv"), "period,source,target,events,documents,conciliatory,threatening,neutral,net\n");
        assert!(read(&out, "actors.csv").starts_with("actor,names,mentions,"));
        assert!(read(&out, "report.html").contains("<h2>No events</h2>"));
    }
}

#[test]
fn inputs_are_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("events.csv");
    fs::copy(fixture("small.csv"), &input).unwrap();
    let o = summarize(&[&input], dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is the output events.csv"), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(&input).unwrap(), fs::read_to_string(fixture("small.csv")).unwrap());
    // --out naming a file is refused too.
    let o = summarize(&[&fixture("small.csv")], &input, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is a file; give a folder"), "{}", stderr(&o));
}
