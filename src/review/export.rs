//! Export: reads the predictions, the stored decisions and the corpus's
//! text, and writes the documents a reviewer finished as gold JSONL that
//! `detente eval --gold` reads (`{"id", "text", "entities": [{"start",
//! "end", "label", "role"}], "sentences": [{"start", "end", "stance"}]}`,
//! character offsets in the document), and measures how far reviewers agree
//! where they labelled the same sentences (Cohen's kappa per label set).

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use super::state::{view, DocView};
use super::store::Decision;
use crate::eval::pred::PredDoc;

#[derive(Serialize)]
struct GoldEntity<'a> {
    start: usize,
    end: usize,
    label: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'a str>,
}

#[derive(Serialize)]
struct GoldSentence<'a> {
    start: usize,
    end: usize,
    stance: Option<&'a str>,
}

#[derive(Serialize)]
struct GoldDoc<'a> {
    id: &'a str,
    text: &'a str,
    entities: Vec<GoldEntity<'a>>,
    sentences: Vec<GoldSentence<'a>>,
}

/// What the export found.
#[derive(Debug, Default, PartialEq)]
pub struct ExportCounts {
    pub exported: usize,
    /// Documents the reviewer began but did not finish (not exported).
    pub unfinished: usize,
}

/// Whether every sentence of the document has a decision by the reviewer.
pub fn finished(v: &DocView) -> bool {
    !v.sentences.is_empty() && v.sentences.iter().all(|s| s.decision.is_some())
}

/// One gold JSONL line for a finished document; `text` is its text from the
/// corpus. Fails, naming the sentence, when the corpus text is not the text
/// the CSV was made from.
pub fn gold_line(doc: &PredDoc, v: &DocView, text: &str) -> Result<String, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut entities = Vec::new();
    let mut sentences = Vec::new();
    for (s, sv) in doc.sentences.iter().zip(&v.sentences) {
        let in_corpus: String = chars.get(s.start..s.end).map(|c| c.iter().collect()).unwrap_or_default();
        if in_corpus != s.text {
            return Err(format!(
                "document `{}` sentence {}: the corpus has {:?} at characters {}..{}, the CSV {:?}; is --corpus the input the CSV was annotated from?",
                doc.id, s.index, in_corpus, s.start, s.end, s.text
            ));
        }
        sentences.push(GoldSentence { start: s.start, end: s.end, stance: sv.current_label() });
        for e in sv.entities.iter().filter(|e| !e.removed) {
            entities.push(GoldEntity { start: s.start + e.start, end: s.start + e.end, label: &e.label, role: e.role.as_deref() });
        }
    }
    let line = GoldDoc { id: &doc.id, text, entities, sentences };
    Ok(serde_json::to_string(&line).expect("gold serialises"))
}

/// Agreement of two reviewers on one label set.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Agreement {
    pub reviewers: [String; 2],
    /// `stance` or `entities`.
    pub layer: &'static str,
    /// Sentences (stance) or entity spans (entities) both labelled.
    pub items: usize,
    pub observed: f64,
    pub kappa: f64,
}

/// Cohen's kappa of two label sequences of equal length.
pub fn cohen_kappa(a: &[String], b: &[String]) -> f64 {
    observed_and_kappa(a, b).1
}

/// The share of equal labels and Cohen's kappa.
fn observed_and_kappa(a: &[String], b: &[String]) -> (f64, f64) {
    let n = a.len() as f64;
    if a.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let observed = a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / n;
    let mut ca: HashMap<&str, f64> = HashMap::new();
    let mut cb: HashMap<&str, f64> = HashMap::new();
    for (x, y) in a.iter().zip(b) {
        *ca.entry(x).or_default() += 1.0;
        *cb.entry(y).or_default() += 1.0;
    }
    let expected: f64 = ca.iter().map(|(k, v)| v / n * cb.get(k).copied().unwrap_or(0.0) / n).sum();
    if (1.0 - expected).abs() < 1e-12 {
        return (observed, if observed == 1.0 { 1.0 } else { 0.0 });
    }
    (observed, (observed - expected) / (1.0 - expected))
}

/// Kappa for every pair of reviewers who labelled the same sentences: on
/// the stance, and on the entities (each span either reviewer kept, labelled
/// with its type or `none`).
pub fn agreement(docs: &[PredDoc], decisions: &HashMap<String, Vec<Decision>>, reviewers: &[String]) -> Vec<Agreement> {
    let mut out = Vec::new();
    for (i, ra) in reviewers.iter().enumerate() {
        for rb in &reviewers[i + 1..] {
            let (mut sa, mut sb, mut ea, mut eb) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for doc in docs {
                let Some(ds) = decisions.get(&doc.id) else { continue };
                let (va, vb) = (view(doc, ds, ra), view(doc, ds, rb));
                for (x, y) in va.sentences.iter().zip(&vb.sentences) {
                    if x.decision.is_none() || y.decision.is_none() {
                        continue;
                    }
                    sa.push(x.current_label().unwrap_or("none").to_string());
                    sb.push(y.current_label().unwrap_or("none").to_string());
                    let kept = |s: &super::state::SentenceView| -> HashMap<(usize, usize), String> {
                        s.entities.iter().filter(|e| !e.removed).map(|e| ((e.start, e.end), e.label.clone())).collect()
                    };
                    let (ka, kb) = (kept(x), kept(y));
                    let spans: BTreeSet<(usize, usize)> = ka.keys().chain(kb.keys()).copied().collect();
                    for span in spans {
                        ea.push(ka.get(&span).cloned().unwrap_or_else(|| "none".into()));
                        eb.push(kb.get(&span).cloned().unwrap_or_else(|| "none".into()));
                    }
                }
            }
            for (layer, a, b) in [("stance", &sa, &sb), ("entities", &ea, &eb)] {
                if a.is_empty() {
                    continue;
                }
                let (observed, kappa) = observed_and_kappa(a, b);
                out.push(Agreement { reviewers: [ra.clone(), rb.clone()], layer, items: a.len(), observed, kappa });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn kappa_matches_worked_examples() {
        // Perfect agreement; chance-level; and a textbook 2x2 case
        // (po = 0.7, pe = 0.5 -> 0.4).
        let cases = [("a b c a", "a b c a", 1.0), ("a a b b", "a b a b", 0.0), ("y y y y y n n n n n", "y y y y n n n n y y", 0.4)];
        for (a, b, want) in cases {
            assert!((cohen_kappa(&labels(a), &labels(b)) - want).abs() < 1e-9, "{a} / {b}");
        }
    }
}
