//! Entity rows from the shipped model, through the binary: exact character
//! offsets on hard text, no truncation of long sentences, valid rows.

mod common;

fn annotate_jsonl(docs: &[(&str, &str)]) -> Vec<csv::StringRecord> {
    common::annotate_records(&["--raw"], docs)
}

fn char_slice(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

/// (text, label) of the entity rows of document `id`.
fn entities<'a>(rows: &'a [csv::StringRecord], id: &str) -> Vec<(&'a str, &'a str)> {
    rows.iter().filter(|r| &r[0] == id && &r[2] == "entity").map(|r| (&r[5], &r[6])).collect()
}

#[test]
fn entity_offsets_round_trip_on_hard_text() {
    let docs = [
        ("quotes", "Turkish President Tayyip Erdoğan said “Iran” and the “United States” must talk."),
        ("possessive", "Turkey's foreign minister Hakan Fidan met Iran’s Abbas Araghchi in Ankara."),
        ("hyphen", "The US-Iran talks in Muscat were mediated by Oman."),
        ("spaces", "Recep  Tayyip   Erdoğan\nspoke  in   Istanbul with\tVladimir Putin."),
        ("caps", "IRAN WARNS UNITED STATES OVER STRAIT OF HORMUZ"),
    ];
    let rows = annotate_jsonl(&docs);
    for r in &rows {
        let text = docs.iter().find(|(id, _)| *id == &r[0]).unwrap().1;
        let (start, end): (usize, usize) = (r[3].parse().unwrap(), r[4].parse().unwrap());
        assert_eq!(char_slice(text, start, end), &r[5], "offsets of {r:?}");
        if &r[2] == "entity" {
            let t = &r[5];
            assert_eq!(t.trim(), t, "no whitespace at the edges: {r:?}");
            for bad in ['“', '”', '"', '’', '\''] {
                assert!(!t.starts_with(bad) && !t.ends_with(bad), "quote inside entity span: {r:?}");
            }
            assert!(!t.ends_with("'s") && !t.ends_with("’s"), "possessive inside entity span: {r:?}");
            assert!(["PER", "ORG", "LOC", "MISC"].contains(&&r[6]), "{r:?}");
            let conf: f32 = r[7].parse().unwrap();
            assert!((0.0..=1.0).contains(&conf), "{r:?}");
        }
    }
    let quotes = entities(&rows, "quotes");
    assert!(quotes.contains(&("Tayyip Erdoğan", "PER")), "{quotes:?}");
    assert!(quotes.contains(&("Iran", "LOC")), "{quotes:?}");
    let poss = entities(&rows, "possessive");
    assert!(poss.contains(&("Turkey", "LOC")), "{poss:?}");
    assert!(poss.contains(&("Hakan Fidan", "PER")), "{poss:?}");
    assert!(poss.contains(&("Abbas Araghchi", "PER")), "{poss:?}");
    let hyphen = entities(&rows, "hyphen");
    // CoNLL tags a hyphenated compound as one token, so the model may keep
    // "US-Iran" whole; either way the span is exact (checked above).
    assert!(hyphen.iter().any(|(t, l)| *l == "LOC" && t.contains("Iran")), "{hyphen:?}");
    assert!(hyphen.contains(&("Oman", "LOC")), "{hyphen:?}");
    let spaces = entities(&rows, "spaces");
    assert!(spaces.contains(&("Vladimir Putin", "PER")), "{spaces:?}");
    assert!(spaces.iter().any(|(t, l)| *l == "PER" && t.contains("Erdoğan")), "{spaces:?}");
}

#[test]
fn long_sentences_are_windowed_not_truncated() {
    // One sentence of ~600 word-pieces: five times the model's window.
    let clause = "Erdoğan met Araghchi in Ankara while Putin spoke in Moscow, ";
    let mut text = clause.repeat(40);
    text.push_str("and Guterres stayed in Geneva.");
    let rows = annotate_jsonl(&[("long", &text)]);
    let sentences = rows.iter().filter(|r| &r[2] == "sentence").count();
    assert_eq!(sentences, 1, "the test needs one long sentence");
    let ents: Vec<(usize, usize, String)> =
        rows.iter().filter(|r| &r[2] == "entity").map(|r| (r[3].parse().unwrap(), r[4].parse().unwrap(), r[6].to_string())).collect();
    // Entities are in order and never overlap, even where windows overlap.
    for w in ents.windows(2) {
        assert!(w[0].1 <= w[1].0, "overlap: {w:?}");
    }
    let per = ents.iter().filter(|e| e.2 == "PER").count();
    let loc = ents.iter().filter(|e| e.2 == "LOC").count();
    assert!((110..=121).contains(&per), "three people per clause, 40 clauses, plus Guterres: {per}");
    assert!((75..=81).contains(&loc), "two places per clause plus Geneva: {loc}");
    // The end of the sentence is labelled: nothing was cut off.
    let n = text.chars().count();
    assert!(ents.iter().any(|e| e.1 + 20 > n), "entities near the end: {:?}", ents.last());
}

#[test]
fn many_short_documents_batch_across_boundaries() {
    let names = ["Araghchi", "Erdoğan", "Hegseth", "Rutte", "Zelenskiy", "Grossi"];
    let texts: Vec<(String, String)> =
        (0..300).map(|i| (format!("d{i}"), format!("{} spoke in Geneva on day {i}.", names[i % names.len()]))).collect();
    let docs: Vec<(&str, &str)> = texts.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    // 64 per batch: several batches, each packing many documents' rows.
    let rows = common::annotate_records(&["--raw", "--batch-size", "64"], &docs);
    let ids: Vec<&str> = rows.iter().filter(|r| &r[2] == "sentence").map(|r| &r[0]).collect();
    let expected: Vec<String> = (0..300).map(|i| format!("d{i}")).collect();
    assert_eq!(ids, expected);
    let geneva = rows.iter().filter(|r| &r[2] == "entity" && &r[5] == "Geneva").count();
    assert!(geneva >= 290, "Geneva found in {geneva}/300 documents");
}

#[test]
fn a_document_bigger_than_one_slice_is_scored_whole_and_in_order() {
    // The NER stage holds 1,024 sentences at a time; a bigger document is
    // scored slice by slice, on several workers at once.
    let names = ["Araghchi", "Erdoğan", "Hegseth", "Rutte", "Zelenskiy", "Grossi"];
    let sentences: Vec<String> =
        (0..2600).map(|i| format!("{} met officials in Geneva on day {i}.", names[i % names.len()])).collect();
    let text = sentences.join(" ");
    let rows = annotate_jsonl(&[("big", &text)]);
    let sentence_rows: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[2] == "sentence").collect();
    assert_eq!(sentence_rows.len(), sentences.len());
    for (i, (r, s)) in sentence_rows.iter().zip(&sentences).enumerate() {
        assert_eq!(&r[1], i.to_string(), "sentence numbers");
        assert_eq!(&r[5], s);
    }
    // Every slice got entities, attached to the right sentence.
    let mut per_sentence = vec![Vec::new(); sentences.len()];
    for r in rows.iter().filter(|r| &r[2] == "entity") {
        per_sentence[r[1].parse::<usize>().unwrap()].push((r[5].to_string(), r[6].to_string()));
    }
    let right = per_sentence
        .iter()
        .enumerate()
        .filter(|(i, e)| {
            e.contains(&(names[i % names.len()].to_string(), "PER".to_string()))
                && e.contains(&("Geneva".to_string(), "LOC".to_string()))
        })
        .count();
    assert!(right >= 2500, "{right}/2600 sentences have their person and Geneva");
}
