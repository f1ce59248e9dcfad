//! The output writers: they read annotated documents and write the spans,
//! as the review CSV ([`csv`]), as Parquet ([`parquet`]) with the same
//! columns in the same order, or as one JSON object per document
//! ([`jsonl`]) with the same fields. All three walk a document's rows with
//! [`for_each_row`]; [`SpanWriter`] lets `annotate` hold any of them.

pub mod csv;
pub mod jsonl;
pub mod parquet;

use std::io;

use crate::core::Annotated;

pub use self::csv::{CharCursor, CsvWriter, HEADER};
pub use self::jsonl::JsonlWriter;
pub use self::parquet::ParquetWriter;

/// Whether a row is a sentence or an entity in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    Sentence,
    Entity,
}

impl RowKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            RowKind::Sentence => "sentence",
            RowKind::Entity => "entity",
        }
    }
}

/// One row of the output contract, with character offsets; `None` is an
/// empty cell.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    pub sentence: usize,
    pub kind: RowKind,
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
    pub label: Option<&'static str>,
    pub confidence: Option<f32>,
    pub role: Option<&'static str>,
    pub probs: Option<[f32; 3]>,
    pub actor: Option<&'a str>,
}

/// Calls `f` on every row of a document in output order: each sentence,
/// then the entities in it. The document's id and date are the caller's.
pub fn for_each_row<'a>(a: &'a Annotated, mut f: impl FnMut(Row<'a>) -> io::Result<()>) -> io::Result<()> {
    let text = a.doc.text.as_str();
    let mut cursor = CharCursor::default();
    for (i, s) in a.sentences.iter().enumerate() {
        let start = cursor.at(text, s.span.start);
        // Entities lie inside the sentence and in order, so a copy of the
        // cursor walks them forward and ends at the sentence end.
        let mut inner = cursor;
        let mut entity_offsets = Vec::with_capacity(s.entities.len());
        for e in &s.entities {
            entity_offsets.push((inner.at(text, e.span.start), inner.at(text, e.span.end)));
        }
        let end = inner.at(text, s.span.end);
        cursor = inner;
        let best = s.stance.map(|p| p.best());
        f(Row {
            sentence: i,
            kind: RowKind::Sentence,
            start,
            end,
            text: &text[s.span],
            label: best.map(|(b, _)| b.as_str()),
            confidence: best.map(|(_, c)| c),
            role: None,
            probs: s.stance.map(|p| p.0),
            actor: None,
        })?;
        for (e, (es, ee)) in s.entities.iter().zip(entity_offsets) {
            f(Row {
                sentence: i,
                kind: RowKind::Entity,
                start: es,
                end: ee,
                text: &text[e.span],
                label: Some(e.kind.as_str()),
                confidence: Some(e.confidence),
                role: e.role.map(|r| r.as_str()),
                probs: e.stance.map(|p| p.0),
                actor: e.actor.as_ref().map(|c| c.as_str()),
            })?;
        }
    }
    Ok(())
}

/// What `annotate` needs of an output writer.
pub trait SpanWriter<W> {
    /// Writes every row of one document.
    fn write_doc(&mut self, a: &Annotated) -> io::Result<()>;
    /// Pushes what is buffered down to `W`, for a `--resume` checkpoint.
    fn flush(&mut self) -> io::Result<()>;
    /// Completes the output (a Parquet footer) and returns the writer.
    fn finish(self: Box<Self>) -> io::Result<W>;
}

impl<W: io::Write> SpanWriter<W> for CsvWriter<W> {
    fn write_doc(&mut self, a: &Annotated) -> io::Result<()> {
        CsvWriter::write_doc(self, a)
    }

    fn flush(&mut self) -> io::Result<()> {
        CsvWriter::flush(self)
    }

    fn finish(self: Box<Self>) -> io::Result<W> {
        self.into_inner()
    }
}
