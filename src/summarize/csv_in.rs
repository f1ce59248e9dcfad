//! Reads the review CSV of `detente annotate` (actor codes and dates
//! included) record by record, one reused record, and checks every cell
//! that the summary depends on, so that a wrong file fails at its first bad
//! line instead of producing plausible tables.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::period::Date;
use super::{RowProblem, SummarizeError};
pub use crate::core::Role;
use crate::core::{EntityKind, Stance};
use crate::eval::pred::unneutralise;
/// Whether a row is a sentence or an entity in it: the writer's [`RowKind`](crate::write::RowKind).
pub use crate::write::RowKind as Kind;

/// The header `detente annotate` writes, in order.
pub const COLUMNS: [&str; 14] = crate::write::HEADER;

/// The columns added with actor coding; a CSV without them is from an older detente.
const NEW_COLUMNS: [&str; 2] = ["actor", "date"];

/// One checked row, borrowing the reader's record.
#[derive(Debug, Clone, PartialEq)]
pub struct Row<'a> {
    /// The record's first line in its file.
    pub line: u64,
    /// Without the writer's spreadsheet-safety `'`.
    pub doc_id: &'a str,
    pub sentence: u64,
    pub kind: Kind,
    /// Without the writer's spreadsheet-safety `'`.
    pub text: &'a str,
    /// The sentence's stance; `None` on entity rows and on sentences
    /// annotated without the model.
    pub stance: Option<Stance>,
    /// As written (four decimals), so that events.csv repeats it exactly.
    pub confidence: &'a str,
    pub role: Option<Role>,
    /// A checked actor code, or empty.
    pub actor: &'a str,
    pub date: Option<Date>,
}

// Positions of the columns in COLUMNS that the summary reads.
const DOC_ID: usize = 0;
const SENTENCE: usize = 1;
const KIND: usize = 2;
const TEXT: usize = 5;
const LABEL: usize = 6;
const CONFIDENCE: usize = 7;
const ROLE: usize = 8;
const ACTOR: usize = 12;
const DATE: usize = 13;

/// A CSV file of spans, read one record at a time.
pub struct SpanReader<R> {
    path: PathBuf,
    rd: csv::Reader<R>,
    rec: csv::StringRecord,
    /// Where each of COLUMNS is in this file.
    at: [usize; COLUMNS.len()],
}

impl SpanReader<io::BufReader<File>> {
    pub fn open(path: &Path) -> Result<Self, SummarizeError> {
        let file = File::open(path).map_err(|source| SummarizeError::Io { path: path.to_path_buf(), source })?;
        SpanReader::new(path, io::BufReader::with_capacity(1 << 16, file))
    }
}

impl<R: Read> SpanReader<R> {
    /// Checks the header; `path` names the input in messages.
    pub fn new(path: &Path, r: R) -> Result<Self, SummarizeError> {
        // The writer quotes by RFC 4180; `flexible` lets a short record be
        // reported with its line instead of as a generic length mismatch.
        let mut rd = csv::ReaderBuilder::new().flexible(true).buffer_capacity(1 << 16).from_reader(r);
        let path = path.to_path_buf();
        let headers = rd.headers().map_err(|e| csv_error(&path, e))?.clone();
        let names: Vec<&str> = headers.iter().enumerate().map(|(i, h)| if i == 0 { h.trim_start_matches('\u{feff}') } else { h }).collect();
        if names.iter().all(|n| n.is_empty()) {
            return Err(SummarizeError::NotDetente { path, missing: COLUMNS.join(", "), found: "none: the file is empty".into() });
        }
        let mut at = [usize::MAX; COLUMNS.len()];
        for (i, name) in names.iter().enumerate() {
            match COLUMNS.iter().position(|c| c == name) {
                Some(c) if at[c] != usize::MAX => return Err(SummarizeError::DuplicateColumn { path, column: name.to_string() }),
                Some(c) => at[c] = i,
                None => {}
            }
        }
        let missing: Vec<&str> = COLUMNS.iter().zip(&at).filter(|(_, &i)| i == usize::MAX).map(|(c, _)| *c).collect();
        if !missing.is_empty() && missing.iter().all(|m| NEW_COLUMNS.contains(m)) {
            return Err(SummarizeError::OlderDetente { path, missing: missing.join(" and ") });
        }
        if !missing.is_empty() {
            return Err(SummarizeError::NotDetente {
                path,
                missing: missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", "),
                found: names.join(", "),
            });
        }
        // Checked after the missing columns: a file that is not a detente CSV
        // at all is better described by what it lacks.
        if let Some(extra) = names.iter().find(|n| !COLUMNS.contains(n)) {
            return Err(SummarizeError::UnknownColumn { path, column: extra.to_string() });
        }
        Ok(SpanReader { path, rd, rec: csv::StringRecord::new(), at })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The next row, checked; `None` at the end of the file.
    pub fn next_row(&mut self) -> Result<Option<Row<'_>>, SummarizeError> {
        if !self.rd.read_record(&mut self.rec).map_err(|e| csv_error(&self.path, e))? {
            return Ok(None);
        }
        let line = self.rec.position().map_or(0, |p| p.line());
        parse_row(&self.rec, &self.at, line).map(Some).map_err(|problem| SummarizeError::Row { path: self.path.clone(), line, problem })
    }
}

fn csv_error(path: &Path, e: csv::Error) -> SummarizeError {
    let line = e.position().map_or(0, |p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Io(source) => SummarizeError::Io { path: path.to_path_buf(), source },
        csv::ErrorKind::Utf8 { pos, err } => SummarizeError::Row {
            path: path.to_path_buf(),
            line: pos.map_or(line, |p| p.line()),
            problem: RowProblem::Malformed(format!("invalid UTF-8 in field {}", err.field() + 1)),
        },
        other => SummarizeError::Row { path: path.to_path_buf(), line, problem: RowProblem::Malformed(format!("{other:?}")) },
    }
}

fn parse_row<'a>(rec: &'a csv::StringRecord, at: &[usize; COLUMNS.len()], line: u64) -> Result<Row<'a>, RowProblem> {
    let get = |c: usize| rec.get(at[c]).ok_or(RowProblem::Short { found: rec.len(), wanted: COLUMNS.len() });
    let bad =
        |c: usize, value: &str, expected: &'static str| RowProblem::BadValue { column: COLUMNS[c], value: value.to_string(), expected };
    let kind = match get(KIND)? {
        "sentence" => Kind::Sentence,
        "entity" => Kind::Entity,
        other => return Err(bad(KIND, other, "`sentence` or `entity`")),
    };
    let sentence = get(SENTENCE)?;
    let sentence = sentence.parse().map_err(|_| bad(SENTENCE, sentence, "a sentence index (0, 1, ...)"))?;
    let label = get(LABEL)?;
    let stance = match kind {
        Kind::Sentence if label.is_empty() => None,
        Kind::Sentence => {
            Some(Stance::parse(label).ok_or_else(|| bad(LABEL, label, "conciliatory, threatening or neutral on a sentence row"))?)
        }
        Kind::Entity => {
            EntityKind::parse(label).ok_or_else(|| bad(LABEL, label, "PER, ORG, LOC or MISC on an entity row"))?;
            None
        }
    };
    let confidence = get(CONFIDENCE)?;
    if !confidence.is_empty() && !confidence.parse::<f64>().is_ok_and(|c| (0.0..=1.0).contains(&c)) {
        return Err(bad(CONFIDENCE, confidence, "a probability between 0 and 1"));
    }
    let role = match (kind, get(ROLE)?) {
        (_, "") => None,
        (Kind::Entity, role) => Some(Role::parse(role).ok_or_else(|| bad(ROLE, role, "source, target, other or empty"))?),
        (Kind::Sentence, other) => return Err(bad(ROLE, other, "empty on a sentence row")),
    };
    let actor = get(ACTOR)?;
    if !actor.is_empty() && !is_actor_code(actor) {
        return Err(bad(ACTOR, actor, "a CAMEO-style actor code (3 to 15 capital letters or digits, like IRN or USAMIL) or empty"));
    }
    let date = match get(DATE)? {
        "" => None,
        d => Some(Date::parse(d).ok_or_else(|| bad(DATE, d, "a date as YYYY-MM-DD, or empty"))?),
    };
    Ok(Row {
        line,
        doc_id: unneutralise(get(DOC_ID)?),
        sentence,
        kind,
        text: unneutralise(get(TEXT)?),
        stance,
        confidence,
        role,
        actor,
        date,
    })
}

fn is_actor_code(s: &str) -> bool {
    (3..=15).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "doc_id,sentence,kind,start,end,text,label,confidence,role,p_conciliatory,p_threatening,p_neutral,actor,date\n";

    fn first(csv: &str) -> Result<Option<Row<'static>>, String> {
        let mut r = SpanReader::new(Path::new("in.csv"), io::Cursor::new(csv.to_string())).map_err(|e| e.to_string())?;
        let row = r.next_row().map_err(|e| e.to_string())?;
        Ok(row.map(|r| Row {
            doc_id: r.doc_id.to_string().leak(),
            text: r.text.to_string().leak(),
            confidence: r.confidence.to_string().leak(),
            actor: r.actor.to_string().leak(),
            ..r
        }))
    }

    #[test]
    fn rows_are_checked() {
        let ok = |rows: &str| first(&format!("{HEADER}{rows}")).unwrap().unwrap();
        let row = ok("'=d,2,entity,5,9,'-Iran,LOC,0.9955,target,0.9,0.05,0.05,IRN,2026-11-27\n");
        assert_eq!((row.doc_id, row.text, row.role, row.actor), ("=d", "-Iran", Some(Role::Target), "IRN"));
        assert_eq!(row.date.map(|d| d.to_string()).as_deref(), Some("2026-11-27"));
        let row = ok("d,0,sentence,0,5,Hello,,,,,,,,\n");
        assert_eq!((row.stance, row.date), (None, None));

        let err = |rows: &str| first(&format!("{HEADER}{rows}")).unwrap_err();
        let cases = [
            ("d,0,sentnce,0,5,x,neutral,0.5,,0.2,0.3,0.5,,\n", "in.csv:2: `kind` is `sentnce`"),
            ("d,x,sentence,0,5,x,neutral,0.5,,0.2,0.3,0.5,,\n", "in.csv:2: `sentence` is `x`"),
            ("d,0,sentence,0,5,x,angry,0.5,,0.2,0.3,0.5,,\n", "in.csv:2: `label` is `angry`"),
            ("d,0,entity,0,5,x,GPE,0.5,source,0.2,0.3,0.5,,\n", "in.csv:2: `label` is `GPE`"),
            ("d,0,sentence,0,5,x,neutral,high,,0.2,0.3,0.5,,\n", "in.csv:2: `confidence` is `high`"),
            ("d,0,sentence,0,5,x,neutral,1.5,,0.2,0.3,0.5,,\n", "in.csv:2: `confidence` is `1.5`"),
            ("d,0,entity,0,5,x,LOC,0.5,speaker,0.2,0.3,0.5,,\n", "in.csv:2: `role` is `speaker`"),
            ("d,0,sentence,0,5,x,neutral,0.5,source,0.2,0.3,0.5,,\n", "in.csv:2: `role` is `source`"),
            ("d,0,entity,0,5,x,LOC,0.5,source,0.2,0.3,0.5,irn,\n", "in.csv:2: `actor` is `irn`"),
            ("d,0,entity,0,5,x,LOC,0.5,source,0.2,0.3,0.5,IRN,27/11/2026\n", "in.csv:2: `date` is `27/11/2026`"),
            ("d,0,entity,0,5,x,LOC,0.5,source,0.2,0.3,0.5,IRN,2026-02-30\n", "in.csv:2: `date` is `2026-02-30`"),
            ("d,0,entity\n", "in.csv:2: the record has 3 fields"),
        ];
        for (rows, expected) in cases {
            let e = err(rows);
            assert!(e.starts_with(expected), "{rows}: {e}");
        }
    }

    #[test]
    fn headers_are_checked() {
        let cases = [
            ("", "in.csv:1: not a detente CSV"),
            ("id,text\n", "in.csv:1: not a detente CSV: the header has no `doc_id`, `sentence`, `kind`"),
            (
                "doc_id,sentence,kind,start,end,text,label,confidence,role,p_conciliatory,p_threatening,p_neutral\n",
                "in.csv:1: no actor and date columns: written by an older detente; re-run `detente annotate`",
            ),
            (
                "doc_id,sentence,kind,start,end,text,label,confidence,role,p_conciliatory,p_threatening,p_neutral,actor,date,notes\n",
                "in.csv:1: unknown column `notes`",
            ),
            (
                "doc_id,sentence,kind,start,end,text,label,confidence,role,p_conciliatory,p_threatening,p_neutral,actor,date,actor\n",
                "in.csv:1: column `actor` appears twice",
            ),
        ];
        for (header, expected) in cases {
            let e = first(header).unwrap_err();
            assert!(e.starts_with(expected), "{header}: {e}");
        }
        // Columns are found by name; a BOM is tolerated.
        let reordered =
            "\u{feff}date,actor,doc_id,sentence,kind,start,end,text,label,confidence,role,p_conciliatory,p_threatening,p_neutral\n\
                         2026-11-27,,d,0,sentence,0,5,Hi,neutral,0.9,,0.05,0.05,0.9\n";
        let row = first(reordered).unwrap().unwrap();
        assert_eq!((row.doc_id, row.text, row.stance), ("d", "Hi", Some(Stance::Neutral)));
    }
}
