//! What a reviewer sees: reads a document's predictions (the annotate CSV)
//! and the decisions stored on it, and gives the labels as that reviewer
//! left them: the stance of each sentence, the entities with their types and
//! roles corrected, added or removed. Offsets here are code points within
//! the sentence's text, as the page selects them.

use std::collections::HashMap;

use serde::Serialize;

use super::store::{Action, Decision};
use crate::eval::char_slice;
use crate::eval::pred::PredDoc;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EntityView {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub label: String,
    pub confidence: Option<f64>,
    pub role: Option<String>,
    pub actor: Option<String>,
    /// `model` or `added`.
    pub origin: &'static str,
    pub removed: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DecisionView {
    /// The stance the reviewer set, if any.
    pub stance: Option<String>,
    pub accepted: bool,
    pub reviewer: String,
    pub at: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SentenceView {
    pub sentence: usize,
    pub text: String,
    /// The model's stance.
    pub label: Option<&'static str>,
    pub confidence: Option<f64>,
    pub p: Option<[f64; 3]>,
    pub decision: Option<DecisionView>,
    pub entities: Vec<EntityView>,
}

impl SentenceView {
    /// The stance as the reviewer left it: theirs, else the model's.
    pub fn current_label(&self) -> Option<&str> {
        self.decision.as_ref().and_then(|d| d.stance.as_deref()).or(self.label)
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DocView {
    pub doc_id: String,
    pub sentences: Vec<SentenceView>,
}

/// The document as `reviewer` left it (the model's labels where they made
/// no decision). `decisions` are the document's, oldest first.
pub fn view(doc: &PredDoc, decisions: &[Decision], reviewer: &str) -> DocView {
    let mut sentences: Vec<SentenceView> = doc
        .sentences
        .iter()
        .map(|s| {
            let entities = doc
                .entities
                .iter()
                .filter(|e| e.sentence == s.index)
                .map(|e| EntityView {
                    start: e.start.saturating_sub(s.start),
                    end: e.end.saturating_sub(s.start),
                    text: e.text.clone(),
                    label: e.label.clone(),
                    confidence: e.confidence,
                    role: e.role.clone(),
                    actor: e.actor.clone(),
                    origin: "model",
                    removed: false,
                })
                .collect();
            SentenceView {
                sentence: s.index,
                text: s.text.clone(),
                label: s.label.map(|l| l.as_str()),
                confidence: s.confidence,
                p: s.probs,
                decision: None,
                entities,
            }
        })
        .collect();
    for d in decisions.iter().filter(|d| d.reviewer == reviewer) {
        let Some(s) = sentences.iter_mut().find(|s| s.sentence == d.sentence) else { continue };
        let decision = s.decision.get_or_insert_with(|| DecisionView {
            stance: None,
            accepted: false,
            reviewer: d.reviewer.clone(),
            at: d.at.clone(),
        });
        decision.at = d.at.clone();
        let value = d.value.clone().unwrap_or_default();
        match d.action {
            Action::Accept => decision.accepted = true,
            Action::Stance => decision.stance = Some(value),
            Action::AddEntity | Action::RemoveEntity | Action::EntityType | Action::Role => {
                let Some((start, end)) = d.span else { continue };
                let found = s.entities.iter().position(|e| (e.start, e.end) == (start, end));
                match (d.action, found) {
                    (Action::AddEntity, Some(i)) => {
                        s.entities[i].label = value;
                        s.entities[i].removed = false;
                    }
                    (Action::AddEntity, None) => {
                        s.entities.push(EntityView {
                            start,
                            end,
                            text: char_slice(&s.text, start, end),
                            label: value,
                            confidence: None,
                            role: None,
                            actor: None,
                            origin: "added",
                            removed: false,
                        });
                        s.entities.sort_by_key(|e| (e.start, e.end));
                    }
                    (Action::RemoveEntity, Some(i)) => s.entities[i].removed = true,
                    (Action::EntityType, Some(i)) => s.entities[i].label = value,
                    (Action::Role, Some(i)) => s.entities[i].role = Some(value),
                    _ => {}
                }
            }
        }
    }
    DocView { doc_id: doc.id.clone(), sentences }
}

/// Decisions grouped by document, each group in the order given.
pub fn by_doc(decisions: Vec<Decision>) -> HashMap<String, Vec<Decision>> {
    let mut out: HashMap<String, Vec<Decision>> = HashMap::new();
    for d in decisions {
        out.entry(d.doc_id.clone()).or_default().push(d);
    }
    out
}

/// Every reviewer who made a decision, in first-decision order.
pub fn reviewers(decisions: &[Decision]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for d in decisions {
        if !out.contains(&d.reviewer) {
            out.push(d.reviewer.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Stance;
    use crate::eval::pred::{PredEntity, PredSentence};

    fn doc() -> PredDoc {
        PredDoc {
            id: "d".into(),
            sentences: vec![
                PredSentence {
                    index: 0,
                    start: 0,
                    end: 21,
                    text: "Iran warned Turkey.".into(),
                    label: Some(Stance::Threatening),
                    confidence: Some(0.9),
                    probs: None,
                },
                PredSentence {
                    index: 1,
                    start: 22,
                    end: 40,
                    text: "Talks in Ankara.".into(),
                    label: Some(Stance::Neutral),
                    confidence: Some(0.6),
                    probs: None,
                },
            ],
            entities: vec![PredEntity {
                sentence: 1,
                start: 31,
                end: 37,
                text: "Ankara".into(),
                label: "LOC".into(),
                confidence: Some(0.99),
                role: Some("other".into()),
                actor: Some("TURGOV".into()),
            }],
        }
    }

    fn decision(id: i64, sentence: usize, action: Action, span: Option<(usize, usize)>, value: Option<&str>, reviewer: &str) -> Decision {
        Decision {
            id,
            doc_id: "d".into(),
            sentence,
            action,
            span,
            value: value.map(str::to_string),
            reviewer: reviewer.into(),
            at: "2026-11-30T12:00:00Z".into(),
        }
    }

    #[test]
    fn decisions_of_one_reviewer_correct_the_model() {
        let ds = [
            decision(1, 0, Action::Stance, None, Some("neutral"), "ana"),
            decision(2, 0, Action::AddEntity, Some((0, 4)), Some("LOC"), "ana"),
            decision(3, 1, Action::EntityType, Some((9, 15)), Some("ORG"), "ana"),
            decision(4, 1, Action::Role, Some((9, 15)), Some("target"), "ana"),
            decision(5, 1, Action::Stance, None, Some("threatening"), "ben"),
            decision(6, 1, Action::RemoveEntity, Some((9, 15)), None, "ben"),
        ];
        let ana = view(&doc(), &ds, "ana");
        assert_eq!(ana.sentences[0].current_label(), Some("neutral"));
        assert_eq!(ana.sentences[0].entities.len(), 1);
        assert_eq!((ana.sentences[0].entities[0].text.as_str(), ana.sentences[0].entities[0].origin), ("Iran", "added"));
        let ankara = &ana.sentences[1].entities[0];
        assert_eq!(
            (ankara.start, ankara.end, ankara.label.as_str(), ankara.role.as_deref(), ankara.removed),
            (9, 15, "ORG", Some("target"), false)
        );
        assert_eq!(ana.sentences[1].current_label(), Some("neutral"));
        let ben = view(&doc(), &ds, "ben");
        assert!(ben.sentences[0].decision.is_none());
        assert_eq!(ben.sentences[1].current_label(), Some("threatening"));
        assert!(ben.sentences[1].entities[0].removed);
        assert_eq!(reviewers(&ds), ["ana", "ben"]);
    }
}
