//! The CSV writer: reads annotated documents and writes the review CSV, one
//! row per sentence followed by one row per entity in it. Byte offsets become
//! character (code point) offsets here and in [`super::parquet`], both through
//! [`CharCursor`], so that `text[start:end]` in Python gives back the `text` column.

use std::borrow::Cow;
use std::io::{self, Write};

use crate::core::Annotated;

/// The CSV contract's columns, in order.
pub const HEADER: [&str; 14] = [
    "doc_id",
    "sentence",
    "kind",
    "start",
    "end",
    "text",
    "label",
    "confidence",
    "role",
    "p_conciliatory",
    "p_threatening",
    "p_neutral",
    "actor",
    "date",
];

/// Converts byte offsets to character offsets while walking forward through a
/// text, so a document costs one pass however many offsets it has.
#[derive(Debug, Default, Clone, Copy)]
pub struct CharCursor {
    byte: usize,
    chars: usize,
}

impl CharCursor {
    /// The character offset of `byte`, which must be a char boundary.
    /// Moving backwards restarts from the beginning, so any order is correct
    /// and forward order is fast.
    pub fn at(&mut self, text: &str, byte: usize) -> usize {
        if byte < self.byte {
            *self = CharCursor::default();
        }
        self.chars += count_chars(&text.as_bytes()[self.byte..byte]);
        self.byte = byte;
        self.chars
    }
}

/// Counts UTF-8 characters by counting the bytes that start one.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

/// Characters that make a spreadsheet treat a cell as a formula (OWASP's list).
pub(crate) fn is_formula_start(s: &str) -> bool {
    matches!(s.as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'))
}

/// Writes the review CSV.
pub struct CsvWriter<W: Write> {
    out: csv::Writer<W>,
    /// Prefix formula-like cells with `'` (on unless `--raw`).
    neutralise_formulas: bool,
}

impl<W: Write> CsvWriter<W> {
    /// Writes the header at once, so even an empty run gives a valid CSV.
    pub fn new(out: W, neutralise_formulas: bool) -> io::Result<Self> {
        let mut w = Self::continuing(out, neutralise_formulas);
        w.out.write_record(HEADER).map_err(into_io)?;
        Ok(w)
    }

    /// A writer that appends rows to a CSV whose header is already written
    /// (a resumed run).
    pub fn continuing(out: W, neutralise_formulas: bool) -> Self {
        let out = csv::WriterBuilder::new().has_headers(false).from_writer(out);
        CsvWriter { out, neutralise_formulas }
    }

    fn text_cell<'a>(&self, s: &'a str) -> Cow<'a, str> {
        text_cell(self.neutralise_formulas, s)
    }

    /// Writes every row of one document.
    pub fn write_doc(&mut self, a: &Annotated) -> io::Result<()> {
        let doc_id = self.text_cell(&a.doc.id);
        let date = a.doc.date.as_deref().unwrap_or("");
        let neutralise = self.neutralise_formulas;
        let out = &mut self.out;
        super::for_each_row(a, |r| {
            let p = r.probs.map_or_else(Default::default, |p| p.map(prob));
            let text = text_cell(neutralise, r.text);
            out.write_record([
                doc_id.as_ref(),
                &r.sentence.to_string(),
                r.kind.as_str(),
                &r.start.to_string(),
                &r.end.to_string(),
                text.as_ref(),
                r.label.unwrap_or(""),
                &r.confidence.map(prob).unwrap_or_default(),
                r.role.unwrap_or(""),
                &p[0],
                &p[1],
                &p[2],
                r.actor.unwrap_or(""),
                date,
            ])
            .map_err(into_io)
        })
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Flushes and returns the underlying writer.
    pub fn into_inner(self) -> io::Result<W> {
        self.out.into_inner().map_err(|e| io::Error::new(e.error().kind(), e.error().to_string()))
    }
}

/// A text cell; only a formula-like one is copied (to prefix it).
fn text_cell(neutralise_formulas: bool, s: &str) -> Cow<'_, str> {
    if neutralise_formulas && is_formula_start(s) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// The writer's spreadsheet safety for a cell that comes from text, for the
/// other CSVs detente writes: `'` before a formula-like cell.
pub(crate) fn neutralise(s: &str) -> Cow<'_, str> {
    text_cell(true, s)
}

/// Probability formatting: four decimals is finer than any calibration.
pub(crate) fn prob(p: f32) -> String {
    format!("{p:.4}")
}

/// Keeps the I/O error kind (a closed pipe must stay recognisable).
fn into_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{ActorCode, Document, Entity, EntityKind, Origin, Role, Sentence, Span, StanceProbs};

    fn annotated(text: &str) -> Annotated {
        Annotated::new(Document::new("d1", text, Origin { path: None, line: None }))
    }

    fn write(a: &Annotated, neutralise: bool) -> String {
        let mut w = CsvWriter::new(Vec::new(), neutralise).unwrap();
        w.write_doc(a).unwrap();
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    }

    #[test]
    fn char_cursor_matches_char_indices() {
        let text = "Erdoğan “met” 習近平 🙂 in Ankara.";
        let mut c = CharCursor::default();
        for (ci, (bi, _)) in text.char_indices().enumerate() {
            assert_eq!(c.at(text, bi), ci);
        }
        // Backwards still works.
        assert_eq!(c.at(text, 0), 0);
        assert_eq!(c.at(text, text.len()), text.chars().count());
    }

    #[test]
    fn rows_follow_the_contract() {
        let text = "Erdoğan spoke. “Iran” replied.";
        let mut a = annotated(text);
        a.doc.date = Some("2026-11-30".into());
        let s1 = Span::new(0, text.find(" “").unwrap());
        let s2_start = text.find('“').unwrap();
        let s2 = Span::new(s2_start, text.len());
        let iran = Span::new(s2_start + '“'.len_utf8(), s2_start + '“'.len_utf8() + 4);
        assert_eq!(&text[iran], "Iran");
        let mut sent2 = Sentence::new(s2);
        sent2.stance = Some(StanceProbs([0.1, 0.7, 0.2]));
        sent2.entities.push(Entity {
            span: iran,
            kind: EntityKind::Loc,
            confidence: 0.98766,
            role: Some(Role::Source),
            stance: Some(StanceProbs([0.1, 0.7, 0.2])),
            actor: ActorCode::parse("IRN"),
        });
        a.sentences = vec![Sentence::new(s1), sent2];
        let csv = write(&a, true);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], HEADER.join(","));
        assert_eq!(lines[1], "d1,0,sentence,0,14,Erdoğan spoke.,,,,,,,,2026-11-30");
        assert_eq!(lines[2], "d1,1,sentence,15,30,“Iran” replied.,threatening,0.7000,,0.1000,0.7000,0.2000,,2026-11-30");
        assert_eq!(lines[3], "d1,1,entity,16,20,Iran,LOC,0.9877,source,0.1000,0.7000,0.2000,IRN,2026-11-30");
        assert_eq!(lines.len(), 4);
        // Character offsets slice the text as Python would.
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(chars[16..20].iter().collect::<String>(), "Iran");
        assert_eq!(chars[15..30].iter().collect::<String>(), "“Iran” replied.");
    }

    #[test]
    fn formula_cells_are_neutralised_unless_raw() {
        let cases = [("=SUM(A1)", "'=SUM(A1)"), ("+1 call", "'+1 call"), ("-2", "'-2"), ("@x", "'@x"), ("ok", "ok")];
        for (input, expected) in cases {
            let mut a = annotated(input);
            a.sentences = vec![Sentence::new(Span::new(0, input.len()))];
            let safe = write(&a, true);
            let mut rd = csv::Reader::from_reader(safe.as_bytes());
            let row = rd.records().next().unwrap().unwrap();
            assert_eq!(&row[5], expected, "{input}");
            assert_eq!(&row[3], "0");
            let raw = write(&a, false);
            let mut rd = csv::Reader::from_reader(raw.as_bytes());
            let row = rd.records().next().unwrap().unwrap();
            assert_eq!(&row[5], input);
        }
    }

    #[test]
    fn quoting_is_rfc4180() {
        let text = "He said \"no\", twice.\nThen left.";
        let mut a = annotated(text);
        a.sentences = vec![Sentence::new(Span::new(0, text.len()))];
        let out = write(&a, true);
        assert!(out.contains("\"He said \"\"no\"\", twice.\nThen left.\""), "{out}");
        let mut rd = csv::Reader::from_reader(out.as_bytes());
        let row = rd.records().next().unwrap().unwrap();
        assert_eq!(&row[5], text);
    }
}
