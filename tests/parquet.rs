//! Parquet output: reads the corpus fixture and the summarize fixtures,
//! writes them as CSV and as Parquet, and checks that the Parquet files read
//! back (with the parquet crate's Arrow reader) to the CSV's rows, typed.

mod common;

use std::fs::File;
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float32Type, Float64Type, UInt32Type, UInt64Type};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

fn read_parquet(path: &Path) -> RecordBatch {
    // One batch for the whole (small) file, so rows index directly.
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap()).unwrap();
    let schema = builder.schema().clone();
    let batches: Vec<RecordBatch> = builder.with_batch_size(1 << 20).build().unwrap().map(|b| b.unwrap()).collect();
    assert!(batches.len() <= 1);
    batches.into_iter().next().unwrap_or_else(|| RecordBatch::new_empty(schema))
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut rd = csv::Reader::from_path(path).unwrap();
    let header = rd.headers().unwrap().iter().map(String::from).collect();
    (header, rd.records().map(|r| r.unwrap()).collect())
}

/// Days since 1970-01-01 as YYYY-MM-DD.
fn day(days: i32) -> String {
    detente::summarize::Date::from_days(days).to_string()
}

/// The CSV cell that a Parquet cell should be; `None` for probabilities,
/// which are compared as numbers.
fn cell(batch: &RecordBatch, col: usize, row: usize) -> Cell {
    let a = batch.column(col);
    if a.is_null(row) {
        return Cell::Text(String::new());
    }
    match a.data_type() {
        DataType::Utf8 => Cell::Text(a.as_string::<i32>().value(row).to_string()),
        DataType::UInt32 => Cell::Text(a.as_primitive::<UInt32Type>().value(row).to_string()),
        DataType::UInt64 => Cell::Text(a.as_primitive::<UInt64Type>().value(row).to_string()),
        DataType::Date32 => Cell::Text(day(a.as_primitive::<Date32Type>().value(row))),
        DataType::Float32 => Cell::Num(f64::from(a.as_primitive::<Float32Type>().value(row))),
        DataType::Float64 => Cell::Num(a.as_primitive::<Float64Type>().value(row)),
        other => panic!("unexpected type {other}"),
    }
}

enum Cell {
    Text(String),
    Num(f64),
}

/// Every Parquet row equals its CSV row: same columns, texts, numbers within
/// the CSV's four decimals.
fn assert_same_rows(csv_path: &Path, parquet_path: &Path) {
    let (header, rows) = read_csv(csv_path);
    let batch = read_parquet(parquet_path);
    let names: Vec<String> = batch.schema().fields().iter().map(|f| f.name().clone()).collect();
    assert_eq!(names, header);
    assert_eq!(batch.num_rows(), rows.len(), "{}", parquet_path.display());
    for (r, row) in rows.iter().enumerate() {
        for (c, expected) in row.iter().enumerate() {
            match cell(&batch, c, r) {
                // The CSV prefixes a formula-like cell with `'`; Parquet keeps the text as it is.
                Cell::Text(t) => {
                    assert_eq!(t, detente::eval::pred::unneutralise(expected), "row {r} column {}", header[c]);
                }
                Cell::Num(x) => {
                    let want: f64 = expected.parse().unwrap_or_else(|_| panic!("row {r} column {}: `{expected}`", header[c]));
                    assert!((x - want).abs() <= 5e-5, "row {r} column {}: {x} vs {want}", header[c]);
                }
            }
        }
    }
}

fn dated_corpus(dir: &Path) -> std::path::PathBuf {
    let src = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/docs.jsonl")).unwrap();
    let mut out = String::new();
    for (i, line) in src.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
        // Every other document undated, so nulls are covered too.
        if i % 2 == 0 {
            v["date"] = serde_json::json!(format!("2026-11-{:02}", 20 + i));
        }
        out += &(v.to_string() + "\n");
    }
    // A formula-like text, exact in Parquet and neutralised in the CSV.
    out += &(serde_json::json!({"id": "f", "text": "=Iran warned Israel."}).to_string() + "\n");
    let path = dir.join("docs.jsonl");
    std::fs::write(&path, out).unwrap();
    path
}

#[test]
fn annotate_parquet_equals_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let input = dated_corpus(dir.path());
    let pq_out = dir.path().join("out.parquet");
    let o = common::run_in(dir.path(), &["annotate", input.to_str().unwrap(), "-o", pq_out.to_str().unwrap(), "-q"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let batch = read_parquet(&pq_out);
    let types: Vec<DataType> = batch.schema().fields().iter().map(|f| f.data_type().clone()).collect();
    use DataType::*;
    assert_eq!(types, [Utf8, UInt32, Utf8, UInt64, UInt64, Utf8, Utf8, Float32, Utf8, Float32, Float32, Float32, Utf8, Date32]);
    // The formula-like text is exact in Parquet; compare the rest to the CSV.
    let texts = batch.column(5).as_string::<i32>();
    assert!((0..batch.num_rows()).any(|r| texts.value(r) == "=Iran warned Israel."));
    let raw_csv = dir.path().join("raw.csv");
    let o = common::run_in(dir.path(), &["annotate", input.to_str().unwrap(), "--raw", "-o", raw_csv.to_str().unwrap(), "-q"]);
    assert!(o.status.success());
    assert_same_rows(&raw_csv, &pq_out);
    assert!(batch.column(13).null_count() > 0 && batch.column(13).null_count() < batch.num_rows(), "dates and nulls");
    assert!(batch.column(12).null_count() < batch.num_rows(), "some actor codes");
    // --output-format overrides the extension.
    let named = dir.path().join("spans.bin");
    let o = common::run_in(
        dir.path(),
        &["annotate", input.to_str().unwrap(), "--output-format", "parquet", "-o", named.to_str().unwrap(), "-q"],
    );
    assert!(o.status.success());
    assert_eq!(read_parquet(&named).num_rows(), batch.num_rows());
}

#[test]
fn parquet_refuses_stdout_and_resume() {
    let dir = tempfile::tempdir().unwrap();
    let input = dated_corpus(dir.path());
    let input = input.to_str().unwrap();
    let o = common::run_in(dir.path(), &["annotate", input, "--no-model", "--output-format", "parquet"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("needs --output FILE"), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.stdout.is_empty());
    let o = common::run_in(dir.path(), &["annotate", input, "--no-model", "--resume", "-o", "out.parquet"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("--resume cannot continue a Parquet output"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!dir.path().join("out.parquet").exists());
}

#[test]
fn summarize_parquet_equals_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/summarize/small.csv");
    let (csv_dir, pq_dir) = (dir.path().join("csv"), dir.path().join("pq"));
    for (out, format) in [(&csv_dir, "csv"), (&pq_dir, "parquet")] {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_detente"))
            .args(["summarize", input.to_str().unwrap(), "--by", "week", "-q", "--output-format", format, "--out"])
            .arg(out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert!(pq_dir.join("report.html").exists() && !pq_dir.join("dyads.csv").exists());
    for table in ["events", "dyads", "actors", "series"] {
        assert_same_rows(&csv_dir.join(format!("{table}.csv")), &pq_dir.join(format!("{table}.parquet")));
    }
    let dyads = read_parquet(&pq_dir.join("dyads.parquet"));
    assert!(dyads.num_rows() > 0);
    assert_eq!(dyads.schema().field_with_name("events").unwrap().data_type(), &DataType::UInt64);
    assert_eq!(dyads.schema().field_with_name("net").unwrap().data_type(), &DataType::Float64);
    let events = read_parquet(&pq_dir.join("events.parquet"));
    assert_eq!(events.schema().field_with_name("date").unwrap().data_type(), &DataType::Date32);
    assert!(events.num_rows() > 10);
}
