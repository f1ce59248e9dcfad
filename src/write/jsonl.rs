//! The JSONL writer: reads annotated documents and writes one JSON object
//! per document, for engines that want one record per input (Spark, BigQuery,
//! jq). Its fields are the CSV contract's: `doc_id` and `date` once, then
//! `sentences`, each with `sentence`, `start`, `end`, `text`, `label`,
//! `confidence`, `p_conciliatory`, `p_threatening`, `p_neutral` and
//! `entities`, each of those with `start`, `end`, `text`, `label`,
//! `confidence`, `role`, the three probabilities and `actor`. An empty CSV
//! cell is `null`; probabilities are rounded to four decimals as in the CSV.

use std::io::{self, Write};

use serde::Serialize;

use super::{for_each_row, RowKind};
use crate::core::Annotated;

pub struct JsonlWriter<W: Write> {
    out: W,
}

// Field order is the CSV's column order.
#[derive(Serialize)]
struct DocOut<'a> {
    doc_id: &'a str,
    date: Option<&'a str>,
    sentences: Vec<SentenceOut<'a>>,
}

#[derive(Serialize)]
struct SentenceOut<'a> {
    sentence: usize,
    start: usize,
    end: usize,
    text: &'a str,
    label: Option<&'static str>,
    confidence: Option<f64>,
    p_conciliatory: Option<f64>,
    p_threatening: Option<f64>,
    p_neutral: Option<f64>,
    entities: Vec<EntityOut<'a>>,
}

#[derive(Serialize)]
struct EntityOut<'a> {
    start: usize,
    end: usize,
    text: &'a str,
    label: Option<&'static str>,
    confidence: Option<f64>,
    role: Option<&'static str>,
    p_conciliatory: Option<f64>,
    p_threatening: Option<f64>,
    p_neutral: Option<f64>,
    actor: Option<&'a str>,
}

impl<W: Write> JsonlWriter<W> {
    pub fn new(out: W) -> Self {
        JsonlWriter { out }
    }

    pub fn write_doc(&mut self, a: &Annotated) -> io::Result<()> {
        let mut sentences: Vec<SentenceOut> = Vec::with_capacity(a.sentences.len());
        for_each_row(a, |r| {
            let p = r.probs.map(|p| p.map(round4));
            let [p_conciliatory, p_threatening, p_neutral] = p.map_or([None; 3], |p| p.map(Some));
            let confidence = r.confidence.map(round4);
            match r.kind {
                RowKind::Sentence => sentences.push(SentenceOut {
                    sentence: r.sentence,
                    start: r.start,
                    end: r.end,
                    text: r.text,
                    label: r.label,
                    confidence,
                    p_conciliatory,
                    p_threatening,
                    p_neutral,
                    entities: Vec::new(),
                }),
                RowKind::Entity => sentences.last_mut().expect("an entity row follows its sentence row").entities.push(EntityOut {
                    start: r.start,
                    end: r.end,
                    text: r.text,
                    label: r.label,
                    confidence,
                    role: r.role,
                    p_conciliatory,
                    p_threatening,
                    p_neutral,
                    actor: r.actor,
                }),
            }
            Ok(())
        })?;
        let doc = DocOut { doc_id: &a.doc.id, date: a.doc.date.as_deref(), sentences };
        serde_json::to_writer(&mut self.out, &doc).map_err(io::Error::from)?;
        self.out.write_all(b"\n")
    }
}

/// The CSV's four decimals, as a JSON number.
fn round4(p: f32) -> f64 {
    super::csv::prob(p).parse().expect("a formatted float parses")
}

impl<W: Write> super::SpanWriter<W> for JsonlWriter<W> {
    fn write_doc(&mut self, a: &Annotated) -> io::Result<()> {
        JsonlWriter::write_doc(self, a)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn finish(self: Box<Self>) -> io::Result<W> {
        let mut out = self.out;
        out.flush()?;
        Ok(out)
    }
}
