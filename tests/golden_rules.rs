//! The 48 English "golden rules" of pragmatic_segmenter / pySBD, scored the
//! way pySBD scores them: a rule passes only when the list of sentences equals
//! the expected list exactly. pySBD itself passes 47 (it fails #18).

use detente::split::SentenceSplitter;
use serde::Deserialize;

#[derive(Deserialize)]
struct Rule {
    id: u32,
    rule: String,
    input: String,
    expected: Vec<String>,
}

#[test]
fn golden_rules() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/golden_rules/english_golden_rules.json"
    );
    let raw = std::fs::read_to_string(path).expect("read golden rules");
    let rules: Vec<Rule> = serde_json::from_str(&raw).expect("parse golden rules");
    assert_eq!(rules.len(), 48);

    let splitter = SentenceSplitter::new();
    let mut passed = 0;
    for r in &rules {
        let text = r.input.as_str();
        let spans = splitter.split(text);
        let mut got = Vec::with_capacity(spans.len());
        let mut prev_end = 0;
        for &span in &spans {
            // Spans are exact, trimmed, ordered slices of the input.
            assert!(
                span.start >= prev_end && span.start < span.end,
                "rule {}: bad span {span}",
                r.id
            );
            let sentence = text.get(span.range()).expect("span on char boundaries");
            assert_eq!(&text[span], sentence);
            assert_eq!(sentence.trim(), sentence, "rule {}: untrimmed span", r.id);
            got.push(sentence);
            prev_end = span.end;
        }
        let expected: Vec<&str> = r.expected.iter().map(|s| s.trim()).collect();
        if got == expected {
            passed += 1;
        } else {
            println!(
                "FAIL #{} {}\n  input:    {:?}\n  expected: {:?}\n  got:      {:?}",
                r.id, r.rule, r.input, expected, got
            );
        }
    }
    println!("golden rules: {passed}/{} passed", rules.len());
    assert!(passed >= 46, "golden rules: only {passed}/48 passed");
}
