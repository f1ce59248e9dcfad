//! Predictions: reads the review CSV that `detente annotate` writes (the
//! contract in `src/write.rs`, character offsets) or takes annotated
//! documents straight from the pipeline, into [`PredDoc`]s.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use super::{EvalError, Result};
use crate::core::{Annotated, Stance};
use crate::write::{for_each_row, RowKind};

/// A predicted sentence row.
#[derive(Debug, Clone, PartialEq)]
pub struct PredSentence {
    /// The `sentence` column: the 0-based index in its document.
    pub index: usize,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub label: Option<Stance>,
    pub confidence: Option<f64>,
    /// conciliatory, threatening, neutral, where the CSV has them.
    pub probs: Option<[f64; 3]>,
}

/// A predicted entity row.
#[derive(Debug, Clone, PartialEq)]
pub struct PredEntity {
    /// The index of its sentence.
    pub sentence: usize,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub label: String,
    pub confidence: Option<f64>,
    pub role: Option<String>,
    pub actor: Option<String>,
}

/// Everything predicted for one document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PredDoc {
    pub id: String,
    pub sentences: Vec<PredSentence>,
    pub entities: Vec<PredEntity>,
}

impl PredDoc {
    /// The sentence row with this index, if any.
    pub fn sentence(&self, index: usize) -> Option<&PredSentence> {
        self.sentences.iter().find(|s| s.index == index)
    }

    /// The sentence whose span covers `start..end`.
    pub fn sentence_covering(&self, start: usize, end: usize) -> Option<&PredSentence> {
        self.sentences.iter().find(|s| s.start <= start && end <= s.end)
    }

    /// Converts one annotated document (byte offsets) as the CSV writer
    /// would, through the writers' own row walk, without going through text.
    pub fn from_annotated(a: &Annotated) -> PredDoc {
        let mut doc = PredDoc { id: a.doc.id.clone(), ..PredDoc::default() };
        for_each_row(a, |r| {
            let confidence = r.confidence.map(f64::from);
            match r.kind {
                RowKind::Sentence => {
                    let label = r.label.map(|l| Stance::parse(l).expect("the writer's stance labels parse"));
                    // Four decimals, as the CSV has them.
                    let probs = r.probs.map(|p| p.map(|x| crate::write::csv::prob(x).parse().expect("a formatted float parses")));
                    doc.sentences.push(PredSentence {
                        index: r.sentence,
                        start: r.start,
                        end: r.end,
                        text: r.text.to_string(),
                        label,
                        confidence,
                        probs,
                    });
                }
                RowKind::Entity => doc.entities.push(PredEntity {
                    sentence: r.sentence,
                    start: r.start,
                    end: r.end,
                    text: r.text.to_string(),
                    label: r.label.unwrap_or_default().to_string(),
                    confidence,
                    role: r.role.map(str::to_string),
                    actor: r.actor.map(str::to_string),
                }),
            }
            Ok(())
        })
        .expect("collecting rows cannot fail");
        doc
    }
}

/// All predictions, in file order, with an index by document id.
#[derive(Debug, Clone, Default)]
pub struct Predictions {
    pub docs: Vec<PredDoc>,
    index: HashMap<String, usize>,
}

impl Predictions {
    pub fn from_docs(docs: Vec<PredDoc>) -> Predictions {
        let mut p = Predictions::default();
        for d in docs {
            p.push(d);
        }
        p
    }

    /// Adds a document; a repeated id merges into the first (a corpus may
    /// name a document twice; offsets then refer to the same text).
    pub fn push(&mut self, d: PredDoc) {
        match self.index.get(&d.id) {
            Some(&i) => {
                let doc = &mut self.docs[i];
                doc.sentences.extend(d.sentences);
                doc.entities.extend(d.entities);
            }
            None => {
                self.index.insert(d.id.clone(), self.docs.len());
                self.docs.push(d);
            }
        }
    }

    /// The document with this id (ids are stored without the writer's
    /// spreadsheet-safety `'`, see [`unneutralise`]).
    pub fn get(&self, id: &str) -> Option<&PredDoc> {
        self.index.get(id).map(|&i| &self.docs[i])
    }

    pub fn position(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// Reads the predictions CSV.
    pub fn read_csv(path: &Path) -> Result<Predictions> {
        let file = std::fs::File::open(path).map_err(|source| EvalError::Io { path: path.to_path_buf(), source })?;
        Predictions::from_reader(path, file)
    }

    /// Reads the CSV contract from any reader; `path` names it in messages.
    /// Columns are found by name, so extra columns are fine.
    pub fn from_reader(path: &Path, r: impl Read) -> Result<Predictions> {
        let mut rd = csv::ReaderBuilder::new().flexible(true).from_reader(r);
        let perr = |line: u64, message: String| EvalError::Parse { path: path.to_path_buf(), line, message };
        let headers = rd.headers().map_err(|e| perr(1, e.to_string()))?.clone();
        let col = |name: &str| -> Result<usize> {
            headers.iter().position(|h| h.trim_start_matches('\u{feff}') == name).ok_or_else(|| EvalError::Format {
                path: path.to_path_buf(),
                message: format!(
                    "predictions have no `{name}` column (columns: {}); expected the CSV of `detente annotate`",
                    headers.iter().collect::<Vec<_>>().join(", ")
                ),
            })
        };
        let c_doc = col("doc_id")?;
        let c_sent = col("sentence")?;
        let c_kind = col("kind")?;
        let c_start = col("start")?;
        let c_end = col("end")?;
        let c_text = col("text")?;
        let c_label = col("label")?;
        let c_conf = col("confidence")?;
        let c_role = headers.iter().position(|h| h == "role");
        let c_actor = headers.iter().position(|h| h == "actor");
        let c_probs = ["p_conciliatory", "p_threatening", "p_neutral"].map(|n| headers.iter().position(|h| h == n));

        let mut preds = Predictions::default();
        let mut current: Option<PredDoc> = None;
        for rec in rd.records() {
            let rec = rec.map_err(|e| perr(e.position().map_or(0, |p| p.line()), e.to_string()))?;
            let line = rec.position().map_or(0, |p| p.line());
            let get = |c: usize, name: &str| -> Result<&str> {
                rec.get(c).ok_or_else(|| perr(line, format!("record has no `{name}` field ({} fields)", rec.len())))
            };
            let num = |c: usize, name: &str| -> Result<usize> {
                let v = get(c, name)?;
                v.trim().parse().map_err(|_| perr(line, format!("`{name}` is `{v}`, not a non-negative integer")))
            };
            let id = unneutralise(get(c_doc, "doc_id")?);
            let index = num(c_sent, "sentence")?;
            let start = num(c_start, "start")?;
            let end = num(c_end, "end")?;
            if start > end {
                return Err(perr(line, format!("start {start} is after end {end}")));
            }
            let text = unneutralise(get(c_text, "text")?).to_string();
            let label = get(c_label, "label")?.trim();
            let conf = get(c_conf, "confidence")?.trim();
            let confidence = if conf.is_empty() {
                None
            } else {
                let c: f64 = conf.parse().map_err(|_| perr(line, format!("`confidence` is `{conf}`, not a number")))?;
                if !(0.0..=1.0).contains(&c) {
                    return Err(perr(line, format!("`confidence` {c} is outside [0, 1]")));
                }
                Some(c)
            };
            if current.as_ref().is_some_and(|d| d.id != id) {
                preds.push(current.take().expect("checked"));
            }
            let doc = current.get_or_insert_with(|| PredDoc { id: id.to_string(), ..PredDoc::default() });
            match get(c_kind, "kind")? {
                "sentence" => {
                    let label = if label.is_empty() {
                        None
                    } else {
                        Some(Stance::parse(label).ok_or_else(|| perr(line, format!("unknown stance label `{label}`")))?)
                    };
                    // Probabilities are for display (review); a bad one is no prediction.
                    let p = c_probs.map(|c| c.and_then(|c| rec.get(c)).and_then(|v| v.trim().parse::<f64>().ok()));
                    let probs = match p {
                        [Some(a), Some(b), Some(c)] => Some([a, b, c]),
                        _ => None,
                    };
                    doc.sentences.push(PredSentence {
                        index,
                        start,
                        end,
                        text,
                        label,
                        confidence: confidence.filter(|_| label.is_some()),
                        probs,
                    });
                }
                "entity" => {
                    if label.is_empty() {
                        return Err(perr(line, "entity row without a label".into()));
                    }
                    let role = c_role.and_then(|c| rec.get(c)).map(str::trim).filter(|r| !r.is_empty()).map(str::to_string);
                    let actor = c_actor.and_then(|c| rec.get(c)).map(str::trim).filter(|a| !a.is_empty()).map(str::to_string);
                    doc.entities.push(PredEntity { sentence: index, start, end, text, label: label.to_string(), confidence, role, actor });
                }
                other => return Err(perr(line, format!("`kind` is `{other}`, expected sentence or entity"))),
            }
        }
        if let Some(d) = current {
            preds.push(d);
        }
        Ok(preds)
    }
}

/// Undoes the writer's spreadsheet safety prefix: `'` before a cell that
/// starts with = + - @ tab or CR (see `src/write/csv.rs`).
pub fn unneutralise(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if crate::write::csv::is_formula_start(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Document, Entity, EntityKind, Origin, Sentence, Span, StanceProbs};
    use crate::write::CsvWriter;

    #[test]
    fn unneutralise_strips_only_the_writer_prefix() {
        let cases = [("'=SUM(A1)", "=SUM(A1)"), ("'-2", "-2"), ("'quoted'", "'quoted'"), ("plain", "plain"), ("'", "'")];
        for (cell, expected) in cases {
            assert_eq!(unneutralise(cell), expected, "{cell}");
        }
    }

    /// The CSV the writer produces and the in-memory conversion agree.
    #[test]
    fn csv_and_annotated_agree() {
        let text = "-Erdoğan “met” Fidan. Then Iran spoke.";
        let mut a = Annotated::new(Document::new("=d", text, Origin { path: None, line: None }));
        let s2 = text.find("Then").unwrap();
        let iran = text.find("Iran").unwrap();
        let mut second = Sentence::new(Span::new(s2, text.len()));
        second.stance = Some(StanceProbs([0.2, 0.5, 0.3]));
        second.entities.push(Entity {
            span: Span::new(iran, iran + 4),
            kind: EntityKind::Loc,
            confidence: 0.875,
            role: None,
            stance: None,
            actor: None,
        });
        let mut first = Sentence::new(Span::new(0, s2 - 1));
        first.entities.push(Entity {
            span: Span::new(1, 1 + "Erdoğan".len()),
            kind: EntityKind::Per,
            confidence: 0.5,
            role: None,
            stance: None,
            actor: None,
        });
        a.sentences = vec![first, second];
        let mut w = CsvWriter::new(Vec::new(), true).unwrap();
        w.write_doc(&a).unwrap();
        let bytes = w.into_inner().unwrap();
        let from_csv = Predictions::from_reader(Path::new("p.csv"), bytes.as_slice()).unwrap();
        let direct = PredDoc::from_annotated(&a);
        assert_eq!(from_csv.docs, vec![direct.clone()]);
        assert_eq!(direct.entities[0].start, 1);
        assert_eq!(direct.entities[0].end, 8);
        assert_eq!(direct.entities[1].start, "-Erdoğan “met” Fidan. Then ".chars().count());
        assert_eq!(direct.sentences[1].label, Some(Stance::Threatening));
        assert!(from_csv.get("=d").is_some());
    }

    #[test]
    fn bad_rows_name_the_line() {
        let head = "doc_id,sentence,kind,start,end,text,label,confidence,role,p_conciliatory,p_threatening,p_neutral\n";
        let cases = [
            ("a,0,sentence,x,3,abc,,,,,,\n", "p.csv:2: `start` is `x`, not a non-negative integer"),
            ("a,0,entity,0,3,abc,,,,,,\n", "p.csv:2: entity row without a label"),
            ("a,0,sentence,0,3,abc,,,,,,\na,0,token,0,3,abc,,,,,,\n", "p.csv:3: `kind` is `token`, expected sentence or entity"),
            ("a,0,entity,0,3,abc,PER,1.5,,,,\n", "p.csv:2: `confidence` 1.5 is outside [0, 1]"),
        ];
        for (body, expected) in cases {
            let err = Predictions::from_reader(Path::new("p.csv"), format!("{head}{body}").as_bytes()).unwrap_err();
            assert_eq!(err.to_string(), expected);
        }
        let err = Predictions::from_reader(Path::new("p.csv"), "id,text\n".as_bytes()).unwrap_err();
        assert!(err.to_string().contains("no `doc_id` column"), "{err}");
    }
}
