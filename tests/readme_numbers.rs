//! The README's score table quotes `detente eval` exactly: re-runs the rows
//! whose data ship with the repository (stance test, recent news, the
//! Wikinews part of the real-news test) the way
//! `training/evaluate_shipped.sh` does and looks for the same text in the
//! README. (CoNLL-2003 and PLOVER are checked by
//! `training/readme_numbers.py`, which renders the whole table; so is the
//! whole real-news test set, whose ConfliBERT sentences are not committed.)
//!
//! The int8 model's scores depend on the CPU: without VNNI (AVX2-only x86),
//! ONNX Runtime's u8s8 kernels saturate (its documentation recommends 7-bit
//! weights there), so the same model scores differently. The README's
//! numbers were taken on a CPU with VNNI; on one without, this test checks
//! that every number is near the README's instead of equal to it.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn eval_metrics(gold: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO_BIN_EXE_detente"))
        .current_dir(root)
        .args(["eval", "--gold", gold, "--input", "-q", "-j", "2", "--report"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_str(&std::fs::read_to_string(dir.path().join("metrics.json")).unwrap()).unwrap()
}

fn f3(v: &Value) -> String {
    format!("{:.3}", v.as_f64().unwrap())
}

#[test]
fn readme_scores_are_what_eval_gives() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let st = eval_metrics("datasets/stance/test.tsv");
    let stance_row = format!(
        "| stance | held-out topics (test, {} sentences) | macro-F1 {}, accuracy {}, ECE {} | `stance-test` |",
        st["coverage"]["stance"]["total"],
        f3(&st["stance"]["macro_f1"]),
        f3(&st["stance"]["accuracy"]),
        f3(&st["stance"]["ece"])
    );
    let roles_row = format!(
        "| roles | held-out topics (test) | accuracy {} on {} of {} gold roles | `stance-test` |",
        f3(&st["roles"]["accuracy"]),
        st["coverage"]["roles"]["scored"],
        st["coverage"]["roles"]["total"]
    );
    let rn = eval_metrics("datasets/ner/recent_news.jsonl");
    let news_row = format!(
        "| entities | recent-news fixture (2025-26 names) | strict F1 {} | `recent-news` |",
        f3(&rn["ner"]["strict"]["micro"]["f1"])
    );
    let rg = eval_metrics("datasets/stance/realnews/gum_test.jsonl");
    let gum_row = format!(
        "| stance | its Wikinews part alone ({} sentences, 12 whole articles) | macro-F1 {}, accuracy {} | `realnews-gum` |",
        rg["coverage"]["stance"]["total"],
        f3(&rg["stance"]["macro_f1"]),
        f3(&rg["stance"]["accuracy"])
    );
    for row in [stance_row, roles_row, news_row, gum_row] {
        if int8_kernels_as_in_the_readme() {
            assert!(
                readme.contains(&row),
                "README.md should contain\n{row}\n(run training/evaluate_shipped.sh --test, then training/readme_numbers.py --write)"
            );
        } else {
            assert_near(&readme, &row);
        }
    }
}

/// Whether this CPU has the int8 dot product (VNNI) the README's numbers
/// were taken with.
fn int8_kernels_as_in_the_readme() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx512vnni") || std::arch::is_x86_feature_detected!("avxvnni")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// The README row with the same first two cells as `row` has the same
/// numbers within 0.03 (scores) or 3% (counts).
fn assert_near(readme: &str, row: &str) {
    let key: String = row.split('|').take(3).collect::<Vec<_>>().join("|");
    let numbers = |s: &str| -> Vec<String> {
        s.split(|c: char| !(c.is_ascii_digit() || c == '.')).filter(|t| t.chars().any(|c| c.is_ascii_digit())).map(str::to_string).collect()
    };
    let line = readme.lines().find(|l| l.starts_with(&key)).unwrap_or_else(|| panic!("README.md has no row starting {key}"));
    let (want, got) = (
        numbers(line.split('|').skip(3).collect::<Vec<_>>().join("|").as_str()),
        numbers(&row.split('|').skip(3).collect::<Vec<_>>().join("|")),
    );
    assert_eq!(want.len(), got.len(), "README row\n{line}\nagainst this CPU's\n{row}");
    for (w, g) in want.iter().zip(&got) {
        let (wf, gf): (f64, f64) = (w.parse().unwrap(), g.parse().unwrap());
        let close = if w.contains('.') { (wf - gf).abs() <= 0.03 } else { (wf - gf).abs() <= (0.03 * wf).max(1.0) };
        assert!(close, "README row\n{line}\nis far from this CPU's (no VNNI)\n{row}");
    }
    eprintln!("no VNNI: README row near this CPU's\n  {line}\n  {row}");
}
