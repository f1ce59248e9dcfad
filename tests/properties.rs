//! Property tests over arbitrary Unicode: the splitter's spans, the
//! byte-to-character conversion and the CSV writer hold their contracts for
//! any input, not just the examples we thought of.

use detente::core::{Annotated, Document, Entity, EntityKind, Origin, Role, Sentence, Span, StanceProbs};
use detente::split::SentenceSplitter;
use detente::write::CsvWriter;
use proptest::prelude::*;

/// Text that mixes arbitrary characters with the ones the splitter cares about.
fn newsy_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        any::<char>().prop_map(|c| c.to_string()),
        Just(". ".to_string()),
        Just("U.S. ".to_string()),
        Just("\n\n".to_string()),
        Just("\r\n".to_string()),
        Just("...".to_string()),
        Just("“Yes.” ".to_string()),
        Just("Erdoğan ".to_string()),
        Just("? ".to_string()),
        Just("1.5 ".to_string()),
        "[A-Za-z]{1,8} ",
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn sentences_are_ordered_trimmed_slices(text in newsy_text()) {
        let spans = SentenceSplitter::new().split(&text);
        let mut last_end = 0;
        for s in &spans {
            prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            prop_assert!(s.start >= last_end, "in order, no overlap");
            prop_assert!(s.start < s.end, "non-empty");
            let t = &text[*s];
            prop_assert_eq!(t.trim(), t, "no surrounding whitespace");
            last_end = s.end;
        }
        // Nothing but whitespace is left out.
        let mut covered = vec![false; text.len()];
        for s in &spans {
            for c in &mut covered[s.range()] {
                *c = true;
            }
        }
        for (i, ch) in text.char_indices() {
            prop_assert!(covered[i] || ch.is_whitespace(), "dropped {:?} at {}", ch, i);
        }
    }

    #[test]
    fn csv_round_trips_with_character_offsets(text in newsy_text(), id in "\\PC{0,12}", raw in any::<bool>()) {
        let spans = SentenceSplitter::new().split(&text);
        let mut a = Annotated::new(Document::new(id.clone(), text.clone(), Origin { path: None, line: None }));
        a.sentences = spans.iter().map(|&s| {
            let mut sent = Sentence::new(s);
            // An entity on the sentence's first character, to exercise entity rows too.
            let first = text[s].chars().next().unwrap();
            let e = Span::new(s.start, s.start + first.len_utf8());
            sent.entities.push(Entity { span: e, kind: EntityKind::Misc, confidence: 0.5, role: Some(Role::Other), stance: Some(StanceProbs([0.2, 0.3, 0.5])), actor: None });
            sent.stance = Some(StanceProbs([0.2, 0.3, 0.5]));
            sent
        }).collect();
        let mut w = CsvWriter::new(Vec::new(), !raw).unwrap();
        w.write_doc(&a).unwrap();
        let bytes = w.into_inner().unwrap();
        let mut rd = csv::Reader::from_reader(bytes.as_slice());
        let chars: Vec<char> = text.chars().collect();
        let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
        prop_assert_eq!(rows.len(), spans.len() * 2);
        for r in rows {
            let (start, end): (usize, usize) = (r[3].parse().unwrap(), r[4].parse().unwrap());
            let expected: String = chars[start..end].iter().collect();
            let mut cell = r[5].to_string();
            let mut doc_id = r[0].to_string();
            if !raw {
                // The writer's formula guard adds one quote; strip it to compare.
                if expected.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                    cell = cell.strip_prefix('\'').unwrap().to_string();
                }
                if id.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                    doc_id = doc_id.strip_prefix('\'').unwrap().to_string();
                }
            }
            prop_assert_eq!(cell, expected);
            prop_assert_eq!(&doc_id, &id);
        }
    }
}
