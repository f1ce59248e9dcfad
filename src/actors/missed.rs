//! Names the entity model missed: reads each sentence's text and the
//! entities the model found, and writes an ORG entity wherever the actor
//! tables spell an armed group's or IGO's name with a digit or in capitals
//! ("M23", "ELN") and no entity covers it. The model learned its names from
//! CoNLL news of 1996, where such names are rare, and leaves "M23 rebels"
//! without an entity; the actor stage then codes the new entity like any
//! other. An entity found here has confidence 1 (it is a dictionary match,
//! not a model score) and no role of its own.

use aho_corasick::{AhoCorasick, MatchKind};

use crate::core::{Annotated, Entity, EntityKind, Span};
use crate::error::StageError;
use crate::pipeline::Stage;

use super::Dictionary;

/// Per document, per sentence: the spans of the names to add.
pub type MissedNames = Vec<Vec<Vec<Span>>>;

/// The stage that adds the entities the model missed; it runs after the
/// model stage and before the actor stage.
pub struct MissedNameStage {
    names: Option<AhoCorasick>,
}

impl MissedNameStage {
    pub fn new(dict: &Dictionary) -> Self {
        let names: Vec<&str> = dict.code_like_names().collect();
        // Leftmost-longest: "M23 Movement" before "M23".
        let names = (!names.is_empty())
            .then(|| AhoCorasick::builder().match_kind(MatchKind::LeftmostLongest).build(names).expect("the names make an automaton"));
        MissedNameStage { names }
    }

    fn find(&self, a: &Annotated) -> Vec<Vec<Span>> {
        let text = a.doc.text.as_str();
        a.sentences
            .iter()
            .map(|s| {
                let Some(names) = &self.names else { return Vec::new() };
                let sentence = &text[s.span.start..s.span.end];
                let found: Vec<Span> = names
                    .find_iter(sentence)
                    .map(|m| Span::new(m.start(), m.end()).offset_by(s.span.start))
                    .filter(|span| {
                        whole_word(text, *span) && !s.entities.iter().any(|e| e.span.start < span.end && span.start < e.span.end)
                    })
                    .collect();
                // A headline in capitals is all acronyms to the automaton;
                // most sentences match nothing and need no such look.
                if found.is_empty() || sentence.chars().any(char::is_lowercase) {
                    found
                } else {
                    Vec::new()
                }
            })
            .collect()
    }
}

/// Whether no letter or digit touches the span on either side.
fn whole_word(text: &str, span: Span) -> bool {
    let before = text[..span.start].chars().next_back();
    let after = text[span.end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

impl Stage for MissedNameStage {
    type Output = MissedNames;

    fn name(&self) -> &'static str {
        "missed names"
    }

    fn predict(&self, batch: &[Annotated]) -> Result<MissedNames, StageError> {
        Ok(batch.iter().map(|a| self.find(a)).collect())
    }

    fn set_annotations(&self, batch: &mut [Annotated], output: MissedNames) {
        for (a, spans) in batch.iter_mut().zip(output) {
            for (s, spans) in a.sentences.iter_mut().zip(spans) {
                if spans.is_empty() {
                    continue;
                }
                s.entities.extend(spans.into_iter().map(|span| Entity {
                    span,
                    kind: EntityKind::Org,
                    confidence: 1.0,
                    role: None,
                    stance: None,
                    actor: None,
                }));
                s.entities.sort_by_key(|e| e.span.start);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Document, Origin, Sentence};
    use std::path::Path;

    fn annotated(text: &str, entities: &[(usize, usize)]) -> Annotated {
        let mut s = Sentence::new(Span::new(0, text.len()));
        s.entities = entities
            .iter()
            .map(|&(a, b)| Entity { span: Span::new(a, b), kind: EntityKind::Loc, confidence: 0.9, role: None, stance: None, actor: None })
            .collect();
        Annotated { doc: Document::new("d", text.to_string(), Origin { path: None, line: None }), sentences: vec![s] }
    }

    #[test]
    fn code_like_group_names_the_model_missed_become_entities() {
        let mut dict = Dictionary::default();
        dict.add_tsv(Path::new("t.tsv"), "M23\tCODREB\tgroup\nELN\tCOLREB\tgroup\nHamas\tPSEREB\tgroup\nAMISOM\tIGOAFU\tigo\n").unwrap();
        let stage = MissedNameStage::new(&dict);
        // (text, the model's entities, the entities afterwards)
        type Case<'a> = (&'a str, &'a [(usize, usize)], &'a [&'a str]);
        let cases: &[Case] = &[
            // Found, in text order, next to the model's entities.
            ("M23 rebels took Goma from the ELN.", &[(16, 20)], &["M23", "Goma", "ELN"]),
            // Not inside a word or a found entity; names without a digit or
            // capitals are the model's to find.
            ("XM23 and M234 and Hamas.", &[], &[]),
            ("The M23 Movement spoke.", &[(4, 16)], &["M23 Movement"]),
            // A headline in capitals is not read.
            ("ELN AND M23 CLASH", &[], &[]),
            ("AMISOM troops left.", &[], &["AMISOM"]),
        ];
        for (text, found, want) in cases {
            let mut batch = vec![annotated(text, found)];
            let out = stage.predict(&batch).unwrap();
            stage.set_annotations(&mut batch, out);
            let got: Vec<&str> = batch[0].sentences[0].entities.iter().map(|e| &text[e.span.start..e.span.end]).collect();
            assert_eq!(got, *want, "{text}");
        }
    }
}
