//! Stance and roles from the shipped model, through the binary: every
//! sentence row has a label with calibrated probabilities, every entity row a
//! role, and clear cases come out right.

mod common;

fn annotate(docs: &[(&str, &str)]) -> Vec<csv::StringRecord> {
    common::annotate_records(&[], docs)
}

fn probs(r: &csv::StringRecord) -> [f32; 3] {
    [r[9].parse().unwrap(), r[10].parse().unwrap(), r[11].parse().unwrap()]
}

#[test]
fn every_row_carries_a_valid_stance() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/sample/01-turkey-mediates-iran-us.txt")).unwrap();
    let rows = annotate(&[("d", &text)]);
    let labels = ["conciliatory", "threatening", "neutral"];
    let mut sentence_probs = [0.0f32; 3];
    for r in &rows {
        let p = probs(r);
        let sum: f32 = p.iter().sum();
        assert!((sum - 1.0).abs() < 2e-3, "probabilities sum to 1: {r:?}");
        match &r[2] {
            "sentence" => {
                let best = (0..3).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap();
                assert_eq!(&r[6], labels[best], "label is the most probable stance: {r:?}");
                let conf: f32 = r[7].parse().unwrap();
                assert!((conf - p[best]).abs() < 1e-4, "confidence is that label's probability: {r:?}");
                assert_eq!(&r[8], "", "sentences have no role");
                sentence_probs = p;
            }
            "entity" => {
                assert!(["source", "target", "other"].contains(&&r[8]), "{r:?}");
                assert_eq!(p, sentence_probs, "an entity carries its sentence's stance: {r:?}");
                assert!(["PER", "ORG", "LOC", "MISC"].contains(&&r[6]));
            }
            k => panic!("unknown kind {k}"),
        }
    }
}

#[test]
fn clear_cases_come_out_right() {
    let cases = [
        ("c1", "Turkey offered on Thursday to host direct talks between Iran and the United States.", "conciliatory"),
        ("c2", "The two sides agreed to a ceasefire and to release all prisoners by Friday.", "conciliatory"),
        ("t1", "Iran warned that it would strike American bases in the region if it were attacked.", "threatening"),
        ("t2", "North Korea fired two ballistic missiles into the sea, the South Korean military said.", "threatening"),
        ("n1", "Oil prices rose 2 percent on Tuesday as traders awaited inventory data.", "neutral"),
        ("n2", "The summit is scheduled to take place in Geneva next month.", "neutral"),
    ];
    let docs: Vec<(&str, &str)> = cases.iter().map(|(id, t, _)| (*id, *t)).collect();
    let rows = annotate(&docs);
    let mut wrong = Vec::new();
    for (id, text, want) in cases {
        let r = rows.iter().find(|r| &r[0] == id && &r[2] == "sentence").unwrap();
        if &r[6] != want {
            wrong.push(format!("{text} -> {} (want {want})", &r[6]));
        }
    }
    assert!(wrong.len() <= 1, "clear cases misread: {wrong:#?}");
    // The actor who makes the offer is its source.
    let turkey = rows.iter().find(|r| &r[0] == "c1" && &r[2] == "entity" && &r[5] == "Turkey").expect("Turkey found");
    assert_eq!(&turkey[8], "source", "{turkey:?}");
}
