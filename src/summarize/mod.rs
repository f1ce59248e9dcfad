//! Summaries of the review CSV: reads the CSVs that `detente annotate`
//! writes (with `actor` codes and `date`s, see [`csv_in`]), one record at a
//! time, and turns who-said-what-toward-whom into tables:
//!
//! - `events.csv`, written as the rows stream: one row per sentence and
//!   source → target actor pair it attributes, with the sentence's stance;
//! - `dyads.csv`, `actors.csv` and, with a period, `series.csv`: counts by
//!   pair, by actor and by pair and period;
//! - `report.html` ([`report`]).
//!
//! The four tables are written as CSV or, with [`Format::Parquet`], as
//! Parquet files with typed columns ([`crate::write::parquet`]), from the
//! same rows.
//!
//! Memory grows with the number of distinct actors, pairs and periods, never
//! with the number of rows: a sentence's rows are grouped as they stream (a
//! sentence row, then its entity rows), and since a document's rows are
//! contiguous, "documents" counts only need the last document each pair or
//! actor was seen in.

pub mod csv_in;
pub mod period;
pub mod report;

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use arrow_schema::DataType;

pub use crate::core::primary_code as primary;
use crate::core::Stance;
use crate::write::csv::neutralise;
use crate::write::parquet::{TableWriter, Value};
pub use csv_in::{Kind, Role, Row, SpanReader};
pub use period::{By, Date, Period};

/// A problem with the input (named by file and line) or with writing events.
#[derive(Debug, thiserror::Error)]
pub enum SummarizeError {
    #[error("{}: cannot read: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(
        "{}:1: not a detente CSV: the header has no {missing} column (columns: {found}); expected the CSV of `detente annotate`",
        .path.display()
    )]
    NotDetente { path: PathBuf, missing: String, found: String },
    #[error(
        "{}:1: no {missing} column{}: written by an older detente; re-run `detente annotate` to add actor codes and dates",
        .path.display(),
        if .missing.contains(" and ") { "s" } else { "" }
    )]
    OlderDetente { path: PathBuf, missing: String },
    #[error("{}:1: unknown column `{column}`; the columns of `detente annotate` are {}", .path.display(), csv_in::COLUMNS.join(","))]
    UnknownColumn { path: PathBuf, column: String },
    #[error("{}:1: column `{column}` appears twice", .path.display())]
    DuplicateColumn { path: PathBuf, column: String },
    #[error("{}:{line}: {problem}", .path.display())]
    Row { path: PathBuf, line: u64, problem: RowProblem },
    #[error("cannot write events: {0}")]
    Write(#[source] io::Error),
}

/// What is wrong with one row.
#[derive(Debug, thiserror::Error)]
pub enum RowProblem {
    #[error("`{column}` is `{value}`, expected {expected}")]
    BadValue { column: &'static str, value: String, expected: &'static str },
    #[error("the record has {found} fields, the header {wanted}")]
    Short { found: usize, wanted: usize },
    #[error("malformed CSV: {0}")]
    Malformed(String),
    #[error("entity row before any sentence row of document `{doc_id}`")]
    EntityBeforeSentence { doc_id: String },
    #[error("entity row of sentence {entity} follows the row of sentence {sentence}")]
    SentenceMismatch { entity: u64, sentence: u64 },
    #[error("date `{found}` differs from `{doc_date}` on the document's first row (a document has one date)")]
    DateChanged { found: String, doc_date: String },
}

/// Which actor codes are counted as one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Level {
    /// Codes as written: IRN, IRNGOV and IRNMIL are three actors.
    #[default]
    Code,
    /// Codes collapsed to their primary actor (see [`primary`]).
    Country,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub level: Level,
    /// The periods of series.csv; none without `--by`.
    pub by: Option<By>,
    pub format: Format,
}

/// What the tables are written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Csv,
    Parquet,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Parquet => "parquet",
        }
    }
}

/// A table written as CSV or Parquet from the same typed rows. The CSV
/// renders them as it always has: text cells made spreadsheet-safe, `net`
/// with four decimals; Parquet keeps text exact and empty cells null.
enum TableOut<W: Write + Send> {
    Csv(csv::Writer<W>),
    Parquet(TableWriter<W>),
}

impl<W: Write + Send> TableOut<W> {
    fn new(w: W, format: Format, columns: &[(&str, DataType, bool)]) -> io::Result<Self> {
        Ok(match format {
            Format::Csv => {
                let mut w = csv::WriterBuilder::new().buffer_capacity(1 << 16).from_writer(w);
                w.write_record(columns.iter().map(|c| c.0))?;
                TableOut::Csv(w)
            }
            Format::Parquet => TableOut::Parquet(TableWriter::new(w, columns)?),
        })
    }

    fn push(&mut self, row: &[Value<'_>]) -> io::Result<()> {
        match self {
            TableOut::Parquet(t) => t.push(row),
            TableOut::Csv(w) => {
                let cells = row.iter().map(|v| match *v {
                    Value::Str(s) => neutralise(s.unwrap_or("")).into_owned(),
                    Value::U32(n) => n.to_string(),
                    Value::U64(n) => n.to_string(),
                    Value::F32(x) => x.map(|x| format!("{x:.4}")).unwrap_or_default(),
                    Value::F64(x) => format!("{x:.4}"),
                    Value::Date(d) => d.map(|d| Date::from_days(d).to_string()).unwrap_or_default(),
                });
                Ok(w.write_record(cells)?)
            }
        }
    }

    fn finish(self) -> io::Result<W> {
        match self {
            TableOut::Csv(w) => w.into_inner().map_err(|e| e.into_error()),
            TableOut::Parquet(t) => t.finish(),
        }
    }
}

/// Counts of events for a pair (or a pair in a period).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub events: u64,
    pub documents: u64,
    /// By [`Stance::index`].
    pub stances: [u64; 3],
    /// The document counted last, so that each is counted once.
    last_doc: u64,
}

impl Tally {
    fn add(&mut self, stance: Stance, doc: u64) {
        self.events += 1;
        self.stances[stance.index()] += 1;
        if self.last_doc != doc {
            self.last_doc = doc;
            self.documents += 1;
        }
    }

    pub fn conciliatory(&self) -> u64 {
        self.stances[Stance::Conciliatory.index()]
    }

    pub fn threatening(&self) -> u64 {
        self.stances[Stance::Threatening.index()]
    }

    pub fn neutral(&self) -> u64 {
        self.stances[Stance::Neutral.index()]
    }

    /// (conciliatory − threatening) / events: 1 all conciliatory, −1 all threatening.
    pub fn net(&self) -> f64 {
        if self.events == 0 {
            return 0.0;
        }
        (self.conciliatory() as f64 - self.threatening() as f64) / self.events as f64
    }
}

/// The most frequent names of an actor, by the Space-Saving algorithm: exact
/// while an actor has at most [`NAME_SLOTS`] distinct names, and after that
/// still right about every name more frequent than 1/NAME_SLOTS of its
/// mentions, so that one actor named in a million ways cannot grow memory.
#[derive(Debug, Clone, Default)]
struct Names(Vec<(Box<str>, u64)>);

const NAME_SLOTS: usize = 32;

impl Names {
    fn add(&mut self, name: &str) {
        if let Some(slot) = self.0.iter_mut().find(|(n, _)| &**n == name) {
            slot.1 += 1;
        } else if self.0.len() < NAME_SLOTS {
            self.0.push((name.into(), 1));
        } else {
            let slot = self.0.iter_mut().min_by_key(|(_, c)| *c).expect("full");
            *slot = (name.into(), slot.1 + 1);
        }
    }

    /// Most frequent first, ties by name.
    fn top(&self, n: usize) -> Vec<String> {
        let mut v: Vec<_> = self.0.iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v.into_iter().take(n).map(|(name, _)| name.to_string()).collect()
    }
}

#[derive(Debug, Clone, Default)]
struct ActorStats {
    mentions: u64,
    documents: u64,
    last_doc: u64,
    names: Names,
    as_source: [u64; 3],
    as_target: [u64; 3],
}

/// Totals of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub documents: u64,
    pub sentences: u64,
    /// Sentence rows without a stance label (annotated without the model).
    pub unlabelled_sentences: u64,
    pub entities: u64,
    /// Entity rows with an actor code.
    pub coded_entities: u64,
    /// Entity rows with an actor code and the role `source` or `target`.
    pub coded_roles: u64,
    pub events: u64,
    /// Distinct source → target pairs of a sentence within one primary actor.
    pub self_pairs: u64,
    /// Events of documents without a date (in every table but series.csv).
    pub undated_events: u64,
}

/// A sentence whose entity rows are still coming.
#[derive(Debug, Default)]
struct Group {
    index: u64,
    stance: Option<Stance>,
    confidence: String,
    text: String,
    /// (actor, mention text) in row order.
    sources: Vec<(u32, String)>,
    targets: Vec<(u32, String)>,
}

/// The streaming aggregator: give it one or more CSVs in order with
/// [`Aggregator::read`]; it writes events.csv to `W` as it goes, and
/// [`Aggregator::finish`] returns the tables.
pub struct Aggregator<W: Write + Send> {
    options: Options,
    /// Its CSV rows are written apart from [`TableOut::push`], to copy
    /// `confidence` as the input wrote it.
    events: TableOut<W>,
    counts: Counts,
    /// The current document: its sequence number (from 1), id and date.
    doc: u64,
    /// Whether the next row may continue the current document (not at the start of a file).
    doc_open: bool,
    doc_id: String,
    doc_date: Option<Date>,
    group: Option<Group>,
    codes: HashMap<Box<str>, u32>,
    actors: Vec<(Box<str>, ActorStats)>,
    dyads: HashMap<(u32, u32), Tally>,
    /// By `options.by`, except by week: then `weekly` is the series.
    series: HashMap<(Period, u32, u32), Tally>,
    /// Always kept, for the report's weekly chart.
    weekly: HashMap<(Period, u32, u32), Tally>,
    dates: Option<(Date, Date)>,
    /// Reused per sentence: distinct (actor, texts joined by `|`).
    scratch_sources: Vec<(u32, String)>,
    scratch_targets: Vec<(u32, String)>,
}

/// The header of events.csv.
pub const EVENT_COLUMNS: [&str; 10] =
    ["doc_id", "sentence", "date", "source", "target", "stance", "confidence", "source_text", "target_text", "text"];

/// The types of the events' Parquet columns, in [`EVENT_COLUMNS`] order.
fn event_columns() -> Vec<(&'static str, DataType, bool)> {
    use DataType::*;
    let types = [Utf8, UInt64, Date32, Utf8, Utf8, Utf8, Float32, Utf8, Utf8, Utf8];
    EVENT_COLUMNS.iter().zip(types).map(|(n, t)| (*n, t, matches!(n, &"date" | &"confidence"))).collect()
}

impl<W: Write + Send> Aggregator<W> {
    /// Writes the header of events.csv to `events` at once (Parquet writes
    /// its schema at the end).
    pub fn new(options: Options, events: W) -> Result<Self, SummarizeError> {
        let events = TableOut::new(events, options.format, &event_columns()).map_err(SummarizeError::Write)?;
        Ok(Aggregator {
            options,
            events,
            counts: Counts::default(),
            doc: 0,
            doc_open: false,
            doc_id: String::new(),
            doc_date: None,
            group: None,
            codes: HashMap::new(),
            actors: Vec::new(),
            dyads: HashMap::new(),
            series: HashMap::new(),
            weekly: HashMap::new(),
            dates: None,
            scratch_sources: Vec::new(),
            scratch_targets: Vec::new(),
        })
    }

    /// Reads a whole CSV into the aggregate. Files read one after the other
    /// count as if concatenated without their headers, except that the end
    /// of a file ends its last document: shards hold whole documents, and two
    /// runs over different corpora may well both name a document `a.txt`.
    pub fn read<R: io::Read>(&mut self, mut reader: SpanReader<R>) -> Result<(), SummarizeError> {
        let path = reader.path().to_path_buf();
        while let Some(row) = reader.next_row()? {
            let line = row.line;
            self.push(&row).map_err(|e| match e {
                Pushed::Row(problem) => SummarizeError::Row { path: path.clone(), line, problem },
                Pushed::Write(e) => SummarizeError::Write(e),
            })?;
        }
        self.end_file().map_err(SummarizeError::Write)
    }

    /// Ends the current document: the next row starts a new one, whatever its id.
    fn end_file(&mut self) -> io::Result<()> {
        self.doc_open = false;
        self.end_sentence()
    }

    /// Takes one row.
    fn push(&mut self, row: &Row<'_>) -> Result<(), Pushed> {
        if !self.doc_open || row.doc_id != self.doc_id {
            self.end_sentence().map_err(Pushed::Write)?;
            self.doc_open = true;
            self.doc += 1;
            self.counts.documents += 1;
            self.doc_id.clear();
            self.doc_id.push_str(row.doc_id);
            self.doc_date = row.date;
            if let Some(d) = row.date {
                self.dates = Some(self.dates.map_or((d, d), |(lo, hi)| (lo.min(d), hi.max(d))));
            }
        } else if row.date != self.doc_date {
            let show = |d: Option<Date>| d.map_or_else(|| "(empty)".to_string(), |d| d.to_string());
            return Err(Pushed::Row(RowProblem::DateChanged { found: show(row.date), doc_date: show(self.doc_date) }));
        }
        match row.kind {
            Kind::Sentence => {
                self.end_sentence().map_err(Pushed::Write)?;
                self.counts.sentences += 1;
                self.counts.unlabelled_sentences += u64::from(row.stance.is_none());
                let mut g = Group { index: row.sentence, stance: row.stance, ..Group::default() };
                g.confidence.push_str(row.confidence);
                g.text.push_str(row.text);
                self.group = Some(g);
            }
            Kind::Entity => {
                let Some(group) = &self.group else {
                    return Err(Pushed::Row(RowProblem::EntityBeforeSentence { doc_id: row.doc_id.to_string() }));
                };
                if group.index != row.sentence {
                    return Err(Pushed::Row(RowProblem::SentenceMismatch { entity: row.sentence, sentence: group.index }));
                }
                self.counts.entities += 1;
                if row.actor.is_empty() {
                    return Ok(());
                }
                self.counts.coded_entities += 1;
                let id = self.actor(row.actor);
                let doc = self.doc;
                let stats = &mut self.actors[id as usize].1;
                stats.mentions += 1;
                if stats.last_doc != doc {
                    stats.last_doc = doc;
                    stats.documents += 1;
                }
                stats.names.add(row.text);
                let group = self.group.as_mut().expect("checked above");
                match row.role {
                    Some(Role::Source) => group.sources.push((id, row.text.to_string())),
                    Some(Role::Target) => group.targets.push((id, row.text.to_string())),
                    Some(Role::Other) | None => return Ok(()),
                }
                self.counts.coded_roles += 1;
            }
        }
        Ok(())
    }

    /// The id of an actor code, at the level asked for.
    fn actor(&mut self, code: &str) -> u32 {
        let code = match self.options.level {
            Level::Code => code,
            Level::Country => primary(code),
        };
        if let Some(&id) = self.codes.get(code) {
            return id;
        }
        let id = self.actors.len() as u32;
        self.codes.insert(code.into(), id);
        self.actors.push((code.into(), ActorStats::default()));
        id
    }

    /// Turns the finished sentence into events.
    fn end_sentence(&mut self) -> io::Result<()> {
        let Some(g) = self.group.take() else { return Ok(()) };
        let Some(stance) = g.stance else { return Ok(()) };
        if g.sources.is_empty() || g.targets.is_empty() {
            return Ok(());
        }
        distinct(&g.sources, &mut self.scratch_sources);
        distinct(&g.targets, &mut self.scratch_targets);
        let date = self.doc_date.map(|d| d.to_string()).unwrap_or_default();
        let index = g.index.to_string();
        for (s, s_text) in &self.scratch_sources {
            for (t, t_text) in &self.scratch_targets {
                let (s_code, t_code) = (&self.actors[*s as usize].0, &self.actors[*t as usize].0);
                if primary(s_code) == primary(t_code) {
                    self.counts.self_pairs += 1;
                    continue;
                }
                match &mut self.events {
                    TableOut::Csv(w) => w.write_record([
                        &*neutralise(&self.doc_id),
                        &index,
                        &date,
                        s_code,
                        t_code,
                        stance.as_str(),
                        &g.confidence,
                        &neutralise(s_text),
                        &neutralise(t_text),
                        &neutralise(&g.text),
                    ])?,
                    TableOut::Parquet(t) => t.push(&[
                        Value::Str(Some(&self.doc_id)),
                        Value::U64(g.index),
                        Value::Date(self.doc_date.map(Date::days)),
                        Value::Str(Some(s_code)),
                        Value::Str(Some(t_code)),
                        Value::Str(Some(stance.as_str())),
                        Value::F32(g.confidence.parse().ok()),
                        Value::Str(Some(s_text)),
                        Value::Str(Some(t_text)),
                        Value::Str(Some(&g.text)),
                    ])?,
                }
                self.counts.events += 1;
                let doc = self.doc;
                self.dyads.entry((*s, *t)).or_default().add(stance, doc);
                self.actors[*s as usize].1.as_source[stance.index()] += 1;
                self.actors[*t as usize].1.as_target[stance.index()] += 1;
                match self.doc_date {
                    Some(d) => {
                        self.weekly.entry((By::Week.period(d), *s, *t)).or_default().add(stance, doc);
                        if let Some(by) = self.options.by.filter(|&by| by != By::Week) {
                            self.series.entry((by.period(d), *s, *t)).or_default().add(stance, doc);
                        }
                    }
                    None => self.counts.undated_events += 1,
                }
            }
        }
        Ok(())
    }

    /// Ends the last sentence and returns the tables, and the events writer
    /// (flushed) so that the caller can complete its file.
    pub fn finish(mut self) -> Result<(Summary, W), SummarizeError> {
        self.end_sentence().map_err(SummarizeError::Write)?;
        let events = self.events.finish().map_err(SummarizeError::Write)?;
        let name = |id: u32| &*self.actors[id as usize].0;
        let code = |id: u32| name(id).to_string();
        let mut dyads: Vec<DyadRow> =
            self.dyads.iter().map(|(&(s, t), &tally)| DyadRow { period: None, source: code(s), target: code(t), tally }).collect();
        dyads.sort_by(DyadRow::order);
        let top: Vec<(&str, &str)> = dyads.iter().take(report::CHART_DYADS).map(|d| (d.source.as_str(), d.target.as_str())).collect();
        let series_rows = |map: &HashMap<(Period, u32, u32), Tally>, top_only: bool| {
            let mut rows: Vec<DyadRow> = map
                .iter()
                .filter(|(&(_, s, t), _)| !top_only || top.contains(&(name(s), name(t))))
                .map(|(&(p, s, t), &tally)| DyadRow { period: Some(p), source: code(s), target: code(t), tally })
                .collect();
            rows.sort_by(DyadRow::order);
            rows
        };
        let series = series_rows(if self.options.by == Some(By::Week) { &self.weekly } else { &self.series }, false);
        let weekly = series_rows(&self.weekly, true);
        let mut actors: Vec<ActorRow> = self
            .actors
            .iter()
            .map(|(code, a)| ActorRow {
                actor: code.to_string(),
                names: a.names.top(5),
                mentions: a.mentions,
                documents: a.documents,
                as_source: a.as_source,
                as_target: a.as_target,
            })
            .collect();
        actors.sort_by(|a, b| b.mentions.cmp(&a.mentions).then_with(|| a.actor.cmp(&b.actor)));
        let summary = Summary { options: self.options, counts: self.counts, dates: self.dates, dyads, actors, series, weekly };
        Ok((summary, events))
    }
}

/// What [`Aggregator::push`] can fail with; the caller knows the file and line.
#[derive(Debug)]
enum Pushed {
    Row(RowProblem),
    Write(io::Error),
}

/// One entry per actor, in order of first mention, with its distinct
/// mention texts joined by `|` in the same order.
fn distinct(mentions: &[(u32, String)], out: &mut Vec<(u32, String)>) {
    out.clear();
    for (id, text) in mentions {
        match out.iter_mut().find(|(a, _)| a == id) {
            Some((_, texts)) => {
                if !texts.split('|').any(|t| t == text) {
                    texts.push('|');
                    texts.push_str(text);
                }
            }
            None => out.push((*id, text.clone())),
        }
    }
}

/// A row of dyads.csv, series.csv (with a period) or of the weekly chart.
#[derive(Debug, Clone, PartialEq)]
pub struct DyadRow {
    pub period: Option<Period>,
    pub source: String,
    pub target: String,
    pub tally: Tally,
}

impl DyadRow {
    /// Period, then most events first, then source and target.
    fn order(a: &DyadRow, b: &DyadRow) -> std::cmp::Ordering {
        a.period
            .cmp(&b.period)
            .then_with(|| b.tally.events.cmp(&a.tally.events))
            .then_with(|| a.source.cmp(&b.source))
            .then_with(|| a.target.cmp(&b.target))
    }
}

/// A row of actors.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct ActorRow {
    pub actor: String,
    /// Most frequent first, at most five.
    pub names: Vec<String>,
    pub mentions: u64,
    pub documents: u64,
    /// Events by stance where the actor is the source.
    pub as_source: [u64; 3],
    pub as_target: [u64; 3],
}

impl ActorRow {
    /// Events it takes part in, either side.
    pub fn events(&self) -> u64 {
        self.as_source.iter().chain(&self.as_target).sum()
    }
}

/// Everything the tables and the report show.
#[derive(Debug, Clone)]
pub struct Summary {
    pub options: Options,
    pub counts: Counts,
    /// The first and last document dates, when any document has one.
    pub dates: Option<(Date, Date)>,
    /// Most events first.
    pub dyads: Vec<DyadRow>,
    /// Most mentions first.
    pub actors: Vec<ActorRow>,
    /// By `options.by` (empty without it); dated events only.
    pub series: Vec<DyadRow>,
    /// By week, for the report's chart: the top [`report::CHART_DYADS`] dyads only.
    pub weekly: Vec<DyadRow>,
}

impl Summary {
    /// Why there are no events, when there are none: the first thing
    /// missing, from rows to actor codes to roles to distinct actors.
    pub fn why_no_events(&self) -> Option<String> {
        let c = &self.counts;
        if c.events > 0 {
            return None;
        }
        Some(if c.sentences == 0 {
            "0 events: the input has no rows".to_string()
        } else if c.sentences == c.unlabelled_sentences {
            "0 events: no sentence has a stance label (was it annotated with --no-model?)".to_string()
        } else if c.coded_entities == 0 {
            format!("0 events: none of the {} entity rows has an actor code", c.entities)
        } else if c.coded_roles == 0 {
            format!("0 events: none of the {} entities with an actor code has the role source or target", c.coded_entities)
        } else if c.self_pairs > 0 {
            format!(
                "0 events: no sentence has a source and a target of different actors ({} pairs within one actor were dropped)",
                c.self_pairs
            )
        } else {
            "0 events: no sentence has both a source and a target with an actor code".to_string()
        })
    }

    pub fn write_dyads(&self, w: impl Write + Send) -> io::Result<()> {
        write_dyad_rows(w, self.options.format, &self.dyads, None)
    }

    /// series.csv; writes nothing without a period.
    pub fn write_series(&self, w: impl Write + Send) -> io::Result<()> {
        let Some(by) = self.options.by else { return Ok(()) };
        write_dyad_rows(w, self.options.format, &self.series, Some(by))
    }

    pub fn write_actors(&self, w: impl Write + Send) -> io::Result<()> {
        use DataType::{UInt64, Utf8};
        let columns = [
            ("actor", Utf8, false),
            ("names", Utf8, false),
            ("mentions", UInt64, false),
            ("documents", UInt64, false),
            ("as_source_conciliatory", UInt64, false),
            ("as_source_threatening", UInt64, false),
            ("as_target_conciliatory", UInt64, false),
            ("as_target_threatening", UInt64, false),
        ];
        let mut w = TableOut::new(w, self.options.format, &columns)?;
        let (c, t) = (Stance::Conciliatory.index(), Stance::Threatening.index());
        for a in &self.actors {
            let names = a.names.join("|");
            let nums = [a.mentions, a.documents, a.as_source[c], a.as_source[t], a.as_target[c], a.as_target[t]].map(Value::U64);
            let mut row = vec![Value::Str(Some(&a.actor)), Value::Str(Some(&names))];
            row.extend(nums);
            w.push(&row)?;
        }
        w.finish()?.flush()
    }
}

fn write_dyad_rows(w: impl Write + Send, format: Format, rows: &[DyadRow], by: Option<By>) -> io::Result<()> {
    use DataType::{Float64, UInt64, Utf8};
    let mut columns = vec![("period", Utf8, false)];
    columns.truncate(usize::from(by.is_some()));
    columns.extend([
        ("source", Utf8, false),
        ("target", Utf8, false),
        ("events", UInt64, false),
        ("documents", UInt64, false),
        ("conciliatory", UInt64, false),
        ("threatening", UInt64, false),
        ("neutral", UInt64, false),
        ("net", Float64, false),
    ]);
    let mut w = TableOut::new(w, format, &columns)?;
    for r in rows {
        let t = &r.tally;
        let period = by.zip(r.period).map(|(by, p)| by.name(p));
        let mut row = Vec::with_capacity(columns.len());
        if by.is_some() {
            row.push(Value::Str(Some(period.as_deref().unwrap_or(""))));
        }
        row.extend([Value::Str(Some(&r.source)), Value::Str(Some(&r.target))]);
        row.extend([t.events, t.documents, t.conciliatory(), t.threatening(), t.neutral()].map(Value::U64));
        row.push(Value::F64(t.net()));
        w.push(&row)?;
    }
    w.finish()?.flush()
}

/// Reads the CSVs in order as one stream and returns the summary; events go to `events`.
pub fn summarize_files<W: Write + Send>(paths: &[impl AsRef<Path>], options: Options, events: W) -> Result<(Summary, W), SummarizeError> {
    let mut agg = Aggregator::new(options, events)?;
    for p in paths {
        agg.read(SpanReader::open(p.as_ref())?)?;
    }
    agg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_collapse_to_their_primary_actor() {
        let cases = [
            ("IRN", "IRN"),
            ("IRNGOV", "IRN"),
            ("USAMIL", "USA"),
            ("YEMREB", "YEM"),
            ("IGONAT", "IGONAT"),
            ("IGOUNO", "IGOUNO"),
            ("IGOUNOKID", "IGOUNO"),
            ("NGOAMN", "NGOAMN"),
            ("IMGHEZ", "IMGHEZ"),
            ("MNCBPX", "MNCBPX"),
            ("IGO", "IGO"),
            ("REB", "REB"),
        ];
        for (code, expected) in cases {
            assert_eq!(primary(code), expected, "{code}");
        }
    }

    #[test]
    fn net_stance() {
        let tally = |c, t, n| Tally { events: c + t + n, documents: 1, stances: [c, t, n], last_doc: 0 };
        let cases = [
            (tally(3, 1, 0), "0.5000"),
            (tally(0, 2, 0), "-1.0000"),
            (tally(1, 1, 1), "0.0000"),
            (tally(1, 2, 3), "-0.1667"),
            (tally(2, 0, 1), "0.6667"),
            (tally(0, 0, 0), "0.0000"),
        ];
        for (t, expected) in cases {
            assert_eq!(format!("{:.4}", t.net()), expected, "{t:?}");
        }
    }

    #[test]
    fn names_keep_the_most_frequent() {
        let mut names = Names::default();
        for n in ["Iran", "Tehran", "Iran", "Iranian", "Iran", "Tehran"] {
            names.add(n);
        }
        assert_eq!(names.top(2), ["Iran", "Tehran"]);
        // Past the slots, a frequent name still comes out first.
        for i in 0..1000 {
            names.add(&format!("noise {i}"));
            names.add("Islamic Republic");
        }
        assert_eq!(names.top(1), ["Islamic Republic"]);
        assert!(names.0.len() <= NAME_SLOTS);
    }

    #[test]
    fn mentions_are_distinct_per_actor() {
        let mut out = Vec::new();
        distinct(&[(1, "Iran".into()), (2, "US".into()), (1, "Tehran".into()), (1, "Iran".into())], &mut out);
        assert_eq!(out, [(1, "Iran|Tehran".to_string()), (2, "US".to_string())]);
    }

    #[test]
    fn spreadsheet_safety_on_output() {
        let cases = [("=1+1", "'=1+1"), ("-Iran", "'-Iran"), ("Iran", "Iran"), ("", "")];
        for (cell, expected) in cases {
            assert_eq!(neutralise(cell), expected, "{cell}");
        }
    }
}
