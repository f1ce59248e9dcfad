//! `detente eval`: scores predictions against gold annotations.
//!
//! Reads a gold file ([`gold`]: CoNLL, sentence-level stance TSV/CSV, or
//! JSONL with character spans) and predictions ([`pred`]: the review CSV of
//! `detente annotate`, or documents straight from the pipeline), aligns them
//! by document id and character offsets (stance rows by sentence text), and
//! computes entity scores (strict = seqeval's strict IOB2 mode, and overlap),
//! stance scores with calibration, and document-bootstrap intervals
//! ([`metrics`]). [`report`] writes `metrics.json`, `report.md`,
//! `report.html` and `errors.csv`.

pub mod gold;
pub mod metrics;
pub mod pred;
pub mod report;

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::PathBuf;

use serde::Serialize;

pub use gold::{Gold, GoldFormat};
pub use pred::{PredDoc, Predictions};

use metrics::{Ci, DocMatch, Mention, NerScores, NerTally, StanceItem, StanceMatrix, StanceScores};

/// What can go wrong reading gold or predictions. Every variant names the
/// file, and the line when one is to blame.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("{}: cannot read: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{}:{line}: {message}", .path.display())]
    Parse { path: PathBuf, line: u64, message: String },
    #[error("{}: {message}", .path.display())]
    Format { path: PathBuf, message: String },
}

pub type Result<T, E = EvalError> = std::result::Result<T, E>;

/// Settings of one evaluation.
#[derive(Debug, Clone)]
pub struct Options {
    /// Bootstrap resamples over documents (0: no intervals).
    pub resamples: usize,
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options { resamples: 1000, seed: 20_250_101 }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct GoldSummary {
    pub path: String,
    pub format: GoldFormat,
    /// Whether the format was given (`--gold-format`) rather than detected.
    pub format_given: bool,
    /// Whether the gold annotates anything: entities (CoNLL always does),
    /// stance, or roles.
    pub annotated: bool,
    pub documents: u64,
    pub sentences: u64,
    pub entities: u64,
    pub stance_sentences: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PredSummary {
    pub documents: u64,
    pub sentences: u64,
    pub entities: u64,
    /// Sentence rows that carry a stance label.
    pub labelled_sentences: u64,
}

/// What could not be aligned, so that nothing is silently dropped.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Alignment {
    /// Gold documents whose id has no prediction rows; their entities
    /// count as missed.
    pub gold_documents_without_predictions: u64,
    pub gold_entities_in_those_documents: u64,
    /// The first few of those ids.
    pub unknown_doc_ids: Vec<String>,
    /// Predicted documents whose id the gold does not name (ignored).
    pub prediction_documents_without_gold: u64,
    /// The first few predicted ids, to put next to the unknown gold ids.
    pub predicted_doc_ids: Vec<String>,
    /// How the ids could be made to agree, when a simple change would do.
    pub id_hint: Option<String>,
    /// Gold sentences with a stance.
    pub stance_gold: u64,
    /// Aligned by identical text (after whitespace normalisation) or offsets.
    pub stance_aligned_exact: u64,
    /// Aligned by containment (text) or overlap (offsets).
    pub stance_aligned_approximate: u64,
    /// No predicted sentence found.
    pub stance_unaligned: u64,
    /// Aligned, but the predicted sentence has no stance label.
    pub stance_unlabelled: u64,
    pub roles_gold: u64,
    /// Gold roles whose entity has no matching predicted entity.
    pub roles_unaligned: u64,
}

/// `scored` of `total` gold items: how much of the gold a score rests on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Count {
    pub scored: u64,
    pub total: u64,
}

impl Count {
    /// The share scored; 1 when there is nothing to score.
    pub fn share(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            self.scored as f64 / self.total as f64
        }
    }
}

impl std::fmt::Display for Count {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} of {}", self.scored, self.total)
    }
}

/// How much of the gold each score covers, printed next to every score.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Coverage {
    /// Gold documents that have predictions (by id, or by an aligned
    /// sentence for stance rows without a document id).
    pub documents: Count,
    /// Gold sentences aligned with a predicted sentence.
    pub sentences: Count,
    /// Gold entities in documents that have predictions (the others count
    /// as missed).
    pub entities: Count,
    /// Gold stance sentences scored (aligned, and predicted with a label).
    pub stance: Count,
    /// Gold roles scored (their entity was found among the predictions).
    pub roles: Count,
}

/// Role accuracy over gold roles whose entity was aligned.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RoleScores {
    pub n: u64,
    pub correct: u64,
    pub accuracy: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct BootstrapSummary {
    pub resamples: usize,
    pub seed: u64,
    pub unit: &'static str,
    /// `None` ("n/a") where the bootstrap cannot vary: no resamples, or
    /// fewer than two documents with data for the metric.
    pub ner_strict_micro_f1: Option<Ci>,
    pub stance_macro_f1: Option<Ci>,
    pub stance_accuracy: Option<Ci>,
    pub role_accuracy: Option<Ci>,
}

/// The tasks an error can belong to, in the order the report lists them.
pub const TASKS: [&str; 3] = ["stance", "entities", "roles"];

/// The position of `task` in [`TASKS`] (`TASKS.len()` for anything else).
pub fn task_rank(task: &str) -> usize {
    TASKS.iter().position(|t| *t == task).unwrap_or(TASKS.len())
}

/// One error for `errors.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorItem {
    /// One of [`TASKS`].
    pub task: &'static str,
    /// `stance`; `false_positive`, `false_negative` or `wrong_type` (strict
    /// entity scoring: a span found with the wrong type is one error, not a
    /// false positive plus a false negative); `role`.
    pub kind: &'static str,
    pub doc_id: String,
    pub sentence: Option<usize>,
    pub start: Option<usize>,
    pub end: Option<usize>,
    pub text: String,
    pub gold: String,
    pub predicted: String,
    /// The probability of the predicted label that was wrong; `None` where
    /// there is none (a missed entity; roles, which carry no probability).
    pub confidence: Option<f64>,
    pub sentence_text: String,
}

/// The whole result; serialises to `metrics.json` (errors go to their own file).
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    pub gold: GoldSummary,
    pub predictions: PredSummary,
    pub alignment: Alignment,
    pub coverage: Coverage,
    pub ner: Option<NerScores>,
    pub stance: Option<StanceScores>,
    pub roles: Option<RoleScores>,
    pub bootstrap: BootstrapSummary,
    /// Every error, by task ([`TASKS`]), then most confident first (errors
    /// without a confidence last, in document order).
    #[serde(skip)]
    pub errors: Vec<ErrorItem>,
}

/// The share of the gold that must align with the predictions for an
/// evaluation to count (`detente eval --min-aligned`).
pub const DEFAULT_MIN_ALIGNED: f64 = 0.9;

impl Evaluation {
    /// Why these scores must not be trusted, if they must not: nothing to
    /// score, or less than `min_share` of the gold documents or stance
    /// sentences aligned and scored. Each reason says what to do.
    pub fn failures(&self, min_share: f64) -> Vec<String> {
        let c = &self.coverage;
        let a = &self.alignment;
        let mut out = Vec::new();
        let pct = |x: f64| format!("{:.0}%", 100.0 * x);
        if c.documents.total == 0 {
            out.push(format!("the gold file has no documents to score ({} read as {})", self.gold.path, self.gold.format.describe()));
            return out;
        }
        if self.predictions.documents == 0 {
            out.push("the predictions have no documents".into());
            return out;
        }
        if c.documents.share() < min_share {
            let mut m = format!(
                "only {} gold documents have predictions ({}, below the {} required by --min-aligned); gold ids: {}; predicted ids: {}",
                c.documents,
                pct(c.documents.share()),
                pct(min_share),
                a.unknown_doc_ids.iter().take(5).map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", "),
                a.predicted_doc_ids.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", "),
            );
            if let Some(h) = &a.id_hint {
                m.push_str("; ");
                m.push_str(h);
            }
            out.push(m);
        }
        if c.stance.total > 0 && c.stance.share() < min_share {
            let mut m = format!(
                "only {} gold stance sentences were scored ({}, below the {} required by --min-aligned)",
                c.stance,
                pct(c.stance.share()),
                pct(min_share)
            );
            if a.stance_unlabelled > 0 {
                m.push_str(&format!(
                    "; {} aligned sentences have no predicted stance (predictions made with --no-model?)",
                    a.stance_unlabelled
                ));
            }
            if a.stance_unaligned > 0 {
                m.push_str(&format!(
                    "; {} gold sentences were not found in the predictions (a different corpus or ids?)",
                    a.stance_unaligned
                ));
            }
            out.push(m);
        }
        if self.gold.entities > 0 && c.entities.scored > 0 && self.predictions.entities == 0 {
            out.push("the gold has entities but the predictions have no entity rows at all (predictions made with --no-model?)".into());
        }
        if !self.gold.annotated {
            out.push(format!(
                "the gold has no entities, stance labels or roles to score ({} read as {}; --gold-format picks another reader)",
                self.gold.path,
                self.gold.format.describe()
            ));
        }
        out
    }
}

/// Per-document statistics, the unit of the bootstrap.
#[derive(Debug, Clone, Default)]
struct Unit {
    /// Strict: correct, predicted, gold.
    ner: [u64; 3],
    stance: StanceMatrix,
    /// Roles: correct, scored.
    roles: [u64; 2],
}

fn add_unit(a: &mut Unit, b: &Unit) {
    a.roles[0] += b.roles[0];
    a.roles[1] += b.roles[1];
    for k in 0..3 {
        a.ner[k] += b.ner[k];
        for j in 0..3 {
            a.stance[k][j] += b.stance[k][j];
        }
    }
}

/// Whitespace-normalised text, the key of sentence alignment.
pub fn normalise(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Characters `start..end` of `text` (Python slicing on code points).
pub(crate) fn char_slice(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end.saturating_sub(start)).collect()
}

/// Where a predicted sentence lives: (document position, sentence position).
type SentRef = (usize, usize);

/// Finds predicted sentences for gold sentences given by text.
struct TextIndex<'p> {
    preds: &'p Predictions,
    /// Normalised text -> sentences, per document position; `usize::MAX`
    /// holds the index over every document (for gold without doc ids).
    by_doc: HashMap<usize, HashMap<String, Vec<SentRef>>>,
    used: HashSet<SentRef>,
}

impl<'p> TextIndex<'p> {
    fn new(preds: &'p Predictions) -> Self {
        TextIndex { preds, by_doc: HashMap::new(), used: HashSet::new() }
    }

    fn docs(&self, doc: Option<usize>) -> Vec<usize> {
        match doc {
            Some(d) => vec![d],
            None => (0..self.preds.docs.len()).collect(),
        }
    }

    /// Exact match first (the first unused one, so repeated sentences pair
    /// up in order), then a predicted sentence containing the gold one (the
    /// splitter merged), then the longest one inside it (the splitter split).
    fn find(&mut self, doc: Option<usize>, text: &str) -> Option<(SentRef, bool)> {
        let key = normalise(text);
        let slot = doc.unwrap_or(usize::MAX);
        if !self.by_doc.contains_key(&slot) {
            let mut idx: HashMap<String, Vec<SentRef>> = HashMap::new();
            for d in self.docs(doc) {
                for (si, s) in self.preds.docs[d].sentences.iter().enumerate() {
                    idx.entry(normalise(&s.text)).or_default().push((d, si));
                }
            }
            self.by_doc.insert(slot, idx);
        }
        if let Some(cands) = self.by_doc[&slot].get(&key) {
            let pick = cands.iter().find(|r| !self.used.contains(r)).unwrap_or(&cands[0]);
            self.used.insert(*pick);
            return Some((*pick, true));
        }
        if key.is_empty() {
            return None;
        }
        let mut inside: Option<(SentRef, usize)> = None;
        for d in self.docs(doc) {
            for (si, s) in self.preds.docs[d].sentences.iter().enumerate() {
                let t = normalise(&s.text);
                if t.contains(&key) {
                    return Some(((d, si), false));
                }
                if !t.is_empty() && key.contains(&t) && inside.is_none_or(|(_, len)| t.len() > len) {
                    inside = Some(((d, si), t.len()));
                }
            }
        }
        inside.map(|(r, _)| (r, false))
    }
}

/// Scores `preds` against `gold`.
pub fn evaluate(gold: &Gold, preds: &Predictions, opts: &Options) -> Evaluation {
    let mut align = Alignment::default();
    let mut units: Vec<Unit> = vec![Unit::default(); gold.docs.len()];
    let mut errors: Vec<ErrorItem> = Vec::new();
    let mut tally = NerTally::default();
    let mut stance_items: Vec<StanceItem> = Vec::new();
    let mut text_index = TextIndex::new(preds);

    let mut cov = Coverage::default();
    let gold_ids: HashSet<&str> = gold.docs.iter().filter_map(|d| d.id.as_deref()).collect();
    align.prediction_documents_without_gold =
        if gold_ids.is_empty() { 0 } else { preds.docs.iter().filter(|d| !gold_ids.contains(d.id.as_str())).count() as u64 };
    align.predicted_doc_ids = preds.docs.iter().take(5).map(|d| d.id.clone()).collect();

    for (ui, gd) in gold.docs.iter().enumerate() {
        let doc_pos = gd.id.as_deref().and_then(|id| preds.position(id));
        let pdoc = doc_pos.map(|p| &preds.docs[p]);
        let doc_id = gd.id.clone().unwrap_or_default();
        cov.documents.total += 1;
        cov.entities.total += gd.entities.len() as u64;
        if pdoc.is_some() {
            cov.documents.scored += 1;
            cov.entities.scored += gd.entities.len() as u64;
        }
        let mut doc_aligned = false;
        if gd.id.is_some() && pdoc.is_none() {
            align.gold_documents_without_predictions += 1;
            align.gold_entities_in_those_documents += gd.entities.len() as u64;
            if align.unknown_doc_ids.len() < 10 {
                align.unknown_doc_ids.push(doc_id.clone());
            }
        }
        let sentence_text = |start: usize, end: usize| -> (Option<usize>, String) {
            if let Some(s) = pdoc.and_then(|p| p.sentence_covering(start, end)) {
                return (Some(s.index), s.text.clone());
            }
            for (i, s) in gd.sentences.iter().enumerate() {
                if let (Some((ss, se)), Some(t)) = (s.span, &gd.text) {
                    if ss <= start && end <= se {
                        return (Some(i), char_slice(t, ss, se));
                    }
                }
            }
            (None, String::new())
        };

        // Entities.
        if gold.has_entities {
            let mut g: Vec<Mention> = gd.entities.iter().map(|e| Mention { start: e.start, end: e.end, label: &e.label }).collect();
            g.sort();
            g.dedup();
            let mut p: Vec<(Mention, usize)> = pdoc
                .map(|d| d.entities.iter().enumerate().map(|(i, e)| (Mention { start: e.start, end: e.end, label: &e.label }, i)).collect())
                .unwrap_or_default();
            p.sort();
            p.dedup_by(|a, b| a.0 == b.0);
            let pm: Vec<Mention> = p.iter().map(|x| x.0).collect();
            let m: DocMatch = metrics::match_doc(&g, &pm);
            tally.add(&g, &pm, &m);
            let correct = m.pred_strict.iter().filter(|&&x| x).count() as u64;
            units[ui].ner = [correct, pm.len() as u64, g.len() as u64];
            let pent = |i: usize| &pdoc.expect("predictions exist when there are predicted mentions").entities[p[i].1];
            // Gold entities reported as `wrong_type`, so not again as missed.
            let mut typed = vec![false; g.len()];
            for (pi, pmn) in pm.iter().enumerate() {
                if m.pred_strict[pi] {
                    continue;
                }
                let e = pent(pi);
                let same_span =
                    g.iter().enumerate().find(|(gi, x)| !m.gold_strict[*gi] && !typed[*gi] && x.start == pmn.start && x.end == pmn.end);
                if let Some((gi, x)) = same_span {
                    typed[gi] = true;
                    errors.push(ErrorItem {
                        task: "entities",
                        kind: "wrong_type",
                        doc_id: doc_id.clone(),
                        sentence: Some(e.sentence),
                        start: Some(e.start),
                        end: Some(e.end),
                        text: e.text.clone(),
                        gold: x.label.to_string(),
                        predicted: e.label.clone(),
                        confidence: e.confidence,
                        sentence_text: pdoc.and_then(|d| d.sentence(e.sentence)).map_or(String::new(), |s| s.text.clone()),
                    });
                    continue;
                }
                let gold_label = g
                    .iter()
                    .filter(|x| x.start < pmn.end && pmn.start < x.end)
                    .max_by_key(|x| x.end.min(pmn.end) - x.start.max(pmn.start))
                    .map_or(String::new(), |x| x.label.to_string());
                errors.push(ErrorItem {
                    task: "entities",
                    kind: "false_positive",
                    doc_id: doc_id.clone(),
                    sentence: Some(e.sentence),
                    start: Some(e.start),
                    end: Some(e.end),
                    text: e.text.clone(),
                    gold: gold_label,
                    predicted: e.label.clone(),
                    confidence: e.confidence,
                    sentence_text: pdoc.and_then(|d| d.sentence(e.sentence)).map_or(String::new(), |s| s.text.clone()),
                });
            }
            for (gi, gm) in g.iter().enumerate() {
                if m.gold_strict[gi] || typed[gi] {
                    continue;
                }
                let best = m.gold_best[gi].map(pent);
                let (sentence, stext) = sentence_text(gm.start, gm.end);
                errors.push(ErrorItem {
                    task: "entities",
                    kind: "false_negative",
                    doc_id: doc_id.clone(),
                    sentence,
                    start: Some(gm.start),
                    end: Some(gm.end),
                    text: gd.text.as_deref().map_or(String::new(), |t| char_slice(t, gm.start, gm.end)),
                    gold: gm.label.to_string(),
                    // What overlaps it, if anything; the missed span itself
                    // has no predicted label, so no confidence.
                    predicted: best.map_or(String::new(), |e| format!("{} ({})", e.label, e.text)),
                    confidence: None,
                    sentence_text: stext,
                });
            }
            // Roles annotated on entities (JSONL): by exact span.
            for e in gd.entities.iter().filter(|e| e.role.is_some()) {
                align.roles_gold += 1;
                let pe = pdoc.and_then(|d| d.entities.iter().find(|p| p.start == e.start && p.end == e.end));
                let gold_role = e.role.clone().unwrap_or_default();
                match pe {
                    None => align.roles_unaligned += 1,
                    Some(pe) => {
                        let predicted = pe.role.clone().unwrap_or_else(|| "none".into());
                        score_role(&mut units[ui], &mut errors, &doc_id, pe, &gold_role, &predicted, pdoc);
                    }
                }
            }
        }

        // Sentences: stance and actor roles.
        for gs in &gd.sentences {
            cov.sentences.total += 1;
            if gs.stance.is_none() && gs.actors.is_empty() {
                // Only entities to score here: aligned when its document is.
                if pdoc.is_some() && gs.span.is_some() {
                    cov.sentences.scored += 1;
                }
                continue;
            }
            if gs.stance.is_some() {
                align.stance_gold += 1;
            }
            // Unknown doc id: nothing to align with.
            let found: Option<(SentRef, bool)> = if gd.id.is_some() && doc_pos.is_none() {
                None
            } else if let Some(text) = &gs.text {
                text_index.find(doc_pos, text)
            } else if let (Some((start, end)), Some(d)) = (gs.span, doc_pos) {
                let sents = &preds.docs[d].sentences;
                match sents.iter().position(|s| s.start == start && s.end == end) {
                    Some(si) => Some(((d, si), true)),
                    None => sents
                        .iter()
                        .enumerate()
                        .map(|(si, s)| (si, s.end.min(end).saturating_sub(s.start.max(start))))
                        .filter(|&(_, ov)| ov > 0)
                        .max_by_key(|&(si, ov)| (ov, std::cmp::Reverse(si)))
                        .map(|(si, _)| ((d, si), false)),
                }
            } else {
                None
            };
            let Some(((d, si), exact)) = found else {
                if gs.stance.is_some() {
                    align.stance_unaligned += 1;
                }
                align.roles_gold += gs.actors.len() as u64;
                align.roles_unaligned += gs.actors.len() as u64;
                continue;
            };
            cov.sentences.scored += 1;
            doc_aligned = true;
            let pd = &preds.docs[d];
            let ps = &pd.sentences[si];
            if let Some(gold_stance) = gs.stance {
                if exact {
                    align.stance_aligned_exact += 1;
                } else {
                    align.stance_aligned_approximate += 1;
                }
                match (ps.label, ps.confidence) {
                    (Some(pred), conf) => {
                        let confidence = conf.unwrap_or(0.0);
                        stance_items.push(StanceItem { gold: gold_stance, pred, confidence });
                        units[ui].stance[gold_stance.index()][pred.index()] += 1;
                        if pred != gold_stance {
                            errors.push(ErrorItem {
                                task: "stance",
                                kind: "stance",
                                doc_id: pd.id.clone(),
                                sentence: Some(ps.index),
                                start: Some(ps.start),
                                end: Some(ps.end),
                                text: gs.text.clone().unwrap_or_else(|| ps.text.clone()),
                                gold: gold_stance.as_str().into(),
                                predicted: pred.as_str().into(),
                                confidence: conf,
                                sentence_text: ps.text.clone(),
                            });
                        }
                    }
                    (None, _) => align.stance_unlabelled += 1,
                }
            }
            // Actors named by text: the first unused predicted entity of
            // that sentence with the same (normalised) text.
            let mut used = HashSet::new();
            for a in &gs.actors {
                align.roles_gold += 1;
                let key = normalise(&a.text);
                let pe =
                    pd.entities.iter().enumerate().find(|(i, e)| e.sentence == ps.index && !used.contains(i) && normalise(&e.text) == key);
                match pe {
                    None => align.roles_unaligned += 1,
                    Some((i, pe)) => {
                        used.insert(i);
                        let predicted = pe.role.clone().unwrap_or_else(|| "none".into());
                        score_role(&mut units[ui], &mut errors, &pd.id, pe, &a.role, &predicted, Some(pd));
                    }
                }
            }
        }
        if gd.id.is_none() && doc_aligned {
            cov.documents.scored += 1;
        }
    }

    // Role totals are the sum of the per-document counts the bootstrap uses.
    let (correct, n) = units.iter().fold((0, 0), |(c, n), u| (c + u.roles[0], n + u.roles[1]));
    let roles = RoleScores { n, correct, accuracy: metrics::ratio(correct, n) };
    cov.stance = Count { scored: stance_items.len() as u64, total: align.stance_gold };
    cov.roles = Count { scored: roles.n, total: align.roles_gold };
    if align.gold_documents_without_predictions > 0 && !preds.docs.is_empty() {
        align.id_hint = id_hint(gold, preds);
    }
    let ner = gold.has_entities.then(|| tally.scores());
    let stance = (gold.has_stance && !stance_items.is_empty()).then(|| metrics::stance_scores(&stance_items));
    let cis = metrics::bootstrap(&units, opts.resamples, opts.seed, add_unit, |u: &Unit| {
        let (acc, mf1) = metrics::accuracy_macro_f1(&u.stance);
        vec![metrics::Prf::new(u.ner[0], u.ner[1], u.ner[0], u.ner[2]).f1, mf1, acc, metrics::ratio(u.roles[0], u.roles[1])]
    });
    // A resample of fewer than two documents with data is always the same
    // sample: its interval would have zero width and mean nothing.
    let varies = |has: &dyn Fn(&Unit) -> bool| units.iter().filter(|u| has(u)).count() >= 2;
    let ci = |k: usize, shown: bool, has: &dyn Fn(&Unit) -> bool| {
        if shown && varies(has) {
            cis.as_ref().map(|c| c[k])
        } else {
            None
        }
    };
    let stance_data = |u: &Unit| u.stance.iter().flatten().any(|&n| n > 0);
    let bootstrap = BootstrapSummary {
        resamples: opts.resamples,
        seed: opts.seed,
        unit: "document",
        ner_strict_micro_f1: ci(0, ner.is_some(), &|u: &Unit| u.ner[1] + u.ner[2] > 0),
        stance_macro_f1: ci(1, stance.is_some(), &stance_data),
        stance_accuracy: ci(2, stance.is_some(), &stance_data),
        role_accuracy: ci(3, gold.has_roles && roles.n > 0, &|u: &Unit| u.roles[1] > 0),
    };

    // By task, then most confident first; ties (and errors without a
    // confidence, last) keep document order.
    errors.sort_by(|a, b| {
        task_rank(a.task).cmp(&task_rank(b.task)).then_with(|| match (a.confidence, b.confidence) {
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        })
    });

    let sentences: u64 = gold.docs.iter().map(|d| d.sentences.len() as u64).sum();
    Evaluation {
        gold: GoldSummary {
            path: gold.path.display().to_string(),
            format: gold.format,
            format_given: gold.format_given,
            annotated: gold.has_entities || gold.has_stance || gold.has_roles,
            documents: gold.docs.len() as u64,
            sentences,
            entities: gold.docs.iter().map(|d| d.entities.len() as u64).sum(),
            stance_sentences: align.stance_gold,
        },
        predictions: PredSummary {
            documents: preds.docs.len() as u64,
            sentences: preds.docs.iter().map(|d| d.sentences.len() as u64).sum(),
            entities: preds.docs.iter().map(|d| d.entities.len() as u64).sum(),
            labelled_sentences: preds.docs.iter().flat_map(|d| &d.sentences).filter(|s| s.label.is_some()).count() as u64,
        },
        alignment: align,
        coverage: cov,
        ner,
        stance,
        roles: gold.has_roles.then_some(roles),
        bootstrap,
        errors,
    }
}

/// When gold ids are missing from the predictions, whether a simple change
/// would make them agree: predicted ids that are file paths (`dir/a-1.txt`
/// from a folder of `.txt` files) against bare gold ids (`a-1`), or the
/// other way round.
fn id_hint(gold: &Gold, preds: &Predictions) -> Option<String> {
    fn stem(id: &str) -> &str {
        let base = id.rsplit(['/', '\\']).next().unwrap_or(id);
        base.rsplit_once('.').map_or(base, |(s, _)| s)
    }
    let gold_ids: Vec<&str> = gold.docs.iter().filter_map(|d| d.id.as_deref()).collect();
    let pred_stems: HashSet<&str> = preds.docs.iter().map(|d| stem(&d.id)).collect();
    let missing: Vec<&str> = gold_ids.iter().copied().filter(|id| preds.position(id).is_none()).collect();
    let fixable = missing.iter().filter(|id| pred_stems.contains(stem(id))).count();
    if fixable == 0 {
        return Some(
            "no gold id appears among the predicted ids: check that both come from the same corpus; for a JSONL or CSV corpus, \
             --id-field names the field that holds the id"
                .into(),
        );
    }
    let example = preds.docs.iter().find(|d| missing.iter().any(|g| stem(g) == stem(&d.id))).map(|d| d.id.as_str()).unwrap_or("");
    Some(format!(
        "{fixable} of the {} missing gold ids match a predicted id once the folder and extension are dropped (e.g. `{example}`): \
         documents read from a folder of .txt files take their path as id. Strip the `.txt` (and folder) from the predicted ids, \
         or annotate a JSONL corpus whose `id` field holds the gold ids (--id-field names another field)",
        missing.len()
    ))
}

fn score_role(
    unit: &mut Unit,
    errors: &mut Vec<ErrorItem>,
    doc_id: &str,
    pe: &pred::PredEntity,
    gold_role: &str,
    predicted: &str,
    pdoc: Option<&PredDoc>,
) {
    unit.roles[1] += 1;
    if gold_role == predicted {
        unit.roles[0] += 1;
    } else {
        errors.push(ErrorItem {
            task: "roles",
            kind: "role",
            doc_id: doc_id.to_string(),
            sentence: Some(pe.sentence),
            start: Some(pe.start),
            end: Some(pe.end),
            text: pe.text.clone(),
            gold: gold_role.to_string(),
            predicted: predicted.to_string(),
            // The CSV has no role probability; the entity's type confidence
            // is another label's and would rank these wrongly.
            confidence: None,
            sentence_text: pdoc.and_then(|d| d.sentence(pe.sentence)).map_or(String::new(), |s| s.text.clone()),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Stance;
    use std::path::Path;

    fn preds(csv: &str) -> Predictions {
        let head = "doc_id,sentence,kind,start,end,text,label,confidence,role,p_conciliatory,p_threatening,p_neutral\n";
        Predictions::from_reader(Path::new("p.csv"), format!("{head}{csv}").as_bytes()).unwrap()
    }

    #[test]
    fn stance_rows_align_by_text_then_containment() {
        let gold = Gold::parse(
            Path::new("g.tsv"),
            GoldFormat::Stance,
            "doc_id\ttext\tstance\n\
             a\tOman  offered talks.\tconciliatory\n\
             a\tIran warned.\tthreatening\n\
             a\tNot there at all.\tneutral\n\
             zz\tUnknown doc.\tneutral\n\
             \tIran warned.\tneutral\n",
        )
        .unwrap();
        let p = preds(
            "a,0,sentence,0,19,Oman offered talks.,conciliatory,0.9,,,,\n\
             a,1,sentence,20,50,Iran warned. Then it waited.,neutral,0.6,,,,\n",
        );
        let e = evaluate(&gold, &p, &Options::default());
        let a = &e.alignment;
        assert_eq!((a.stance_gold, a.stance_aligned_exact, a.stance_aligned_approximate, a.stance_unaligned), (5, 1, 2, 2));
        assert_eq!(a.gold_documents_without_predictions, 1);
        assert_eq!(a.unknown_doc_ids, ["zz"]);
        let s = e.stance.unwrap();
        assert_eq!(s.n, 3);
        assert!((s.accuracy - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(e.errors.len(), 1);
        assert_eq!(e.errors[0].kind, "stance");
        assert_eq!(e.errors[0].gold, Stance::Threatening.as_str());
    }

    #[test]
    fn actor_roles_are_scored_in_their_sentence() {
        let gold = Gold::parse(
            Path::new("g.tsv"),
            GoldFormat::Stance,
            "doc_id\ttext\tstance\tsource\ttarget\na\tOman urged Iran.\tconciliatory\tOman\tIran;Qatar\n",
        )
        .unwrap();
        let p = preds(
            "a,0,sentence,0,16,Oman urged Iran.,conciliatory,0.8,,,,\n\
             a,0,entity,0,4,Oman,LOC,0.9,source,,,\n\
             a,0,entity,11,15,Iran,LOC,0.9,,,,\n",
        );
        let e = evaluate(&gold, &p, &Options::default());
        let r = e.roles.unwrap();
        assert_eq!((r.n, r.correct), (2, 1));
        assert_eq!((e.alignment.roles_gold, e.alignment.roles_unaligned), (3, 1));
        assert!(e.ner.is_none(), "a stance file has no entity gold");
    }

    #[test]
    fn errors_sort_by_confidence() {
        let gold = Gold::parse(Path::new("g.conll"), GoldFormat::Conll, "Oman B-LOC\nurged O\nIran B-LOC\n").unwrap();
        let p = preds(
            "0,0,sentence,0,15,Oman urged Iran,,,,,,\n\
             0,0,entity,0,4,Oman,PER,0.7,,,,\n\
             0,0,entity,5,10,urged,MISC,0.95,,,,\n",
        );
        let e = evaluate(&gold, &p, &Options::default());
        let kinds: Vec<(&str, Option<f64>)> = e.errors.iter().map(|x| (x.kind, x.confidence)).collect();
        // Oman found as PER is one error (its type), ranked by the wrong
        // type's confidence; a missed entity has no predicted label, so no
        // confidence, and comes last.
        assert_eq!(kinds, [("false_positive", Some(0.95)), ("wrong_type", Some(0.7)), ("false_negative", None)]);
        assert_eq!((e.errors[1].gold.as_str(), e.errors[1].predicted.as_str()), ("LOC", "PER"));
        assert_eq!(e.errors[2].text, "Iran");
        assert_eq!(e.errors[2].sentence_text, "Oman urged Iran");
    }

    #[test]
    fn errors_group_by_task_and_roles_carry_no_borrowed_confidence() {
        let gold = Gold::parse(
            Path::new("g.tsv"),
            GoldFormat::Stance,
            "doc_id\ttext\tstance\tsource\ttarget\n\
             a\tOman urged Iran.\tconciliatory\tOman\tIran\n\
             b\tIran warned.\tthreatening\tIran\t\n",
        )
        .unwrap();
        let p = preds(
            "a,0,sentence,0,16,Oman urged Iran.,threatening,0.55,,,,\n\
             a,0,entity,0,4,Oman,LOC,0.99,target,,,\n\
             a,0,entity,11,15,Iran,LOC,0.98,source,,,\n\
             b,0,sentence,0,12,Iran warned.,neutral,0.9,,,,\n",
        );
        let e = evaluate(&gold, &p, &Options::default());
        let got: Vec<(&str, &str, Option<f64>)> = e.errors.iter().map(|x| (x.task, x.text.as_str(), x.confidence)).collect();
        assert_eq!(
            got,
            [
                ("stance", "Iran warned.", Some(0.9)),
                ("stance", "Oman urged Iran.", Some(0.55)),
                ("roles", "Oman", None),
                ("roles", "Iran", None),
            ]
        );
        assert_eq!(e.coverage.roles, Count { scored: 2, total: 3 });
        assert_eq!(e.coverage.stance, Count { scored: 2, total: 2 });
        assert_eq!(e.coverage.documents, Count { scored: 2, total: 2 });
        assert!(e.failures(DEFAULT_MIN_ALIGNED).is_empty(), "{:?}", e.failures(DEFAULT_MIN_ALIGNED));
        // Only document a has scored roles (b's Iran has no entity row):
        // one document cannot vary under resampling.
        assert_eq!(e.bootstrap.role_accuracy, None);
        assert!(e.bootstrap.stance_accuracy.is_some(), "two documents with stance");
    }

    #[test]
    fn intervals_are_na_when_the_bootstrap_cannot_vary() {
        let gold =
            Gold::parse(Path::new("g.tsv"), GoldFormat::Stance, "doc_id\ttext\tstance\tsource\na\tOman urged Iran.\tconciliatory\tOman\n")
                .unwrap();
        let p = preds("a,0,sentence,0,16,Oman urged Iran.,conciliatory,0.8,,,,\na,0,entity,0,4,Oman,LOC,0.9,source,,,\n");
        let e = evaluate(&gold, &p, &Options::default());
        assert_eq!(e.roles.as_ref().map(|r| r.accuracy), Some(1.0));
        assert_eq!(e.bootstrap.role_accuracy, None, "one document: every resample is the same");
        assert_eq!(e.bootstrap.stance_macro_f1, None);
        let md = report::markdown(&e);
        assert!(md.contains("| role accuracy | 1.0000 [95% CI n/a] | 1 of 1 gold roles |"), "{md}");
    }

    #[test]
    fn failures_name_the_ids_on_both_sides_and_the_fix() {
        let gold = Gold::parse(
            Path::new("g.jsonl"),
            GoldFormat::Jsonl,
            "{\"id\": \"a-0001\", \"text\": \"Oman met Iran.\", \"entities\": [{\"start\": 0, \"end\": 4, \"label\": \"LOC\"}]}\n\
             {\"id\": \"a-0002\", \"text\": \"Iran left.\", \"entities\": []}\n",
        )
        .unwrap();
        let p = preds(
            "corpus/a-0001.txt,0,sentence,0,14,Oman met Iran.,,,,,,\n\
             corpus/a-0001.txt,0,entity,0,4,Oman,LOC,0.9,,,,\n\
             corpus/a-0002.txt,0,sentence,0,10,Iran left.,,,,,,\n",
        );
        let e = evaluate(&gold, &p, &Options::default());
        assert_eq!(e.coverage.documents, Count { scored: 0, total: 2 });
        let f = e.failures(DEFAULT_MIN_ALIGNED);
        assert_eq!(f.len(), 1, "{f:?}");
        for needle in
            ["only 0 of 2 gold documents", "`a-0001`", "`corpus/a-0001.txt`", "2 of the 2 missing gold ids match", "Strip the `.txt`"]
        {
            assert!(f[0].contains(needle), "{needle}: {}", f[0]);
        }
        // A half-matched run fails at the default share, passes when asked.
        let half = preds("a-0001,0,sentence,0,14,Oman met Iran.,,,,,,\na-0001,0,entity,0,4,Oman,LOC,0.9,,,,\n");
        let e = evaluate(&gold, &half, &Options::default());
        assert_eq!(e.failures(0.9).len(), 1);
        assert!(e.failures(0.5).is_empty());
    }
}
