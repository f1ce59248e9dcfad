//! `detente merge`: reads the CSV outputs of several runs over parts of one
//! corpus (`annotate --shard I/N`, Spark partitions) and the corpus itself,
//! and writes one CSV with every document's rows in corpus order: the file a
//! single `annotate` run over the corpus writes, byte for byte.

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};

use detente::eval::pred::unneutralise;
use detente::read::{Corpus, Format, Input, Item, ReadSettings};
use detente::write::HEADER;

use super::{Output, EXIT_SKIPPED};

/// Put the outputs of sharded or partitioned runs back into corpus order.
///
/// Each PART is a CSV written by `detente annotate` (with or without its
/// header row) over some of the documents of the corpus that --corpus names,
/// in that corpus's order. The rows of every document come out in corpus
/// order, each document's rows as written. The corpus is read only for its
/// document ids (same --id-field and --format as the annotate runs).
///
/// Exit status: 0 when every corpus document had rows in exactly one part,
/// 1 when some had none (skipped for errors by annotate, empty, or a part is
/// missing; they are counted on stderr), 2 when a part is not a detente CSV,
/// holds a document the corpus does not have, or holds it out of order.
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  \
    for i in 0 1 2 3; do detente annotate corpus.jsonl --shard $i/4 -o part-$i.csv & done; wait\n  \
    detente merge part-*.csv --corpus corpus.jsonl -o spans.csv")]
pub struct Args {
    /// The CSV parts.
    #[arg(required = true, value_name = "PART")]
    pub parts: Vec<PathBuf>,

    /// The corpus the parts were annotated from: files, folders, or `-`.
    #[arg(long, required = true, num_args = 1.., value_name = "INPUT")]
    pub corpus: Vec<String>,

    /// JSONL field or CSV column holding the document id in the corpus.
    #[arg(long, default_value = "id", value_name = "NAME")]
    pub id_field: String,

    /// Read corpus files given by name as this format.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<super::annotate::FormatArg>,

    /// Write the merged CSV to FILE instead of standard output (it appears
    /// only when complete).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Leave out the header row.
    #[arg(long)]
    pub no_header: bool,

    /// No summary on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

/// One part: a CSV reader and the rows of its next document.
struct Part {
    path: PathBuf,
    rows: csv::StringRecordsIntoIter<BufReader<File>>,
    /// The next document's rows, and the line its first row starts on.
    next: Vec<csv::StringRecord>,
    next_line: u64,
    /// The row after `next`: the first of the document after it.
    peeked: Option<csv::StringRecord>,
}

impl Part {
    fn open(path: &PathBuf) -> anyhow::Result<Part> {
        let file = File::open(path).with_context(|| format!("cannot read the part {}", path.display()))?;
        let reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(BufReader::new(file));
        let mut part = Part { path: path.clone(), rows: reader.into_records(), next: Vec::new(), next_line: 0, peeked: None };
        part.peeked = part.read_row()?;
        if part.peeked.as_ref().is_some_and(|r| r.iter().eq(HEADER.iter().copied())) {
            part.peeked = part.read_row()?;
        }
        part.advance()?;
        Ok(part)
    }

    fn read_row(&mut self) -> anyhow::Result<Option<csv::StringRecord>> {
        let Some(row) = self.rows.next() else { return Ok(None) };
        let row = row.with_context(|| format!("{}: not a CSV", self.path.display()))?;
        let line = row.position().map_or(0, |p| p.line());
        if row.len() != HEADER.len() {
            bail!(
                "{}:{line}: {} columns where a detente CSV has {} ({}); is this a detente annotate output?",
                self.path.display(),
                row.len(),
                HEADER.len(),
                HEADER.join(",")
            );
        }
        Ok(Some(row))
    }

    /// Loads the next document's rows: they run until the id changes or a
    /// new first sentence starts (two documents with one id).
    fn advance(&mut self) -> anyhow::Result<()> {
        self.next.clear();
        let Some(first) = self.peeked.take() else { return Ok(()) };
        self.next_line = first.position().map_or(0, |p| p.line());
        self.next.push(first);
        while let Some(row) = self.read_row()? {
            let new_doc = row[0] != self.next[0][0] || (&row[2] == "sentence" && &row[1] == "0");
            if new_doc {
                self.peeked = Some(row);
                break;
            }
            self.next.push(row);
        }
        Ok(())
    }

    fn next_id(&self) -> Option<&str> {
        self.next.first().map(|r| &r[0])
    }
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    if args.id_field.is_empty() {
        bail!("--id-field must not be empty");
    }
    let inputs: Vec<Input> = args.corpus.iter().map(|s| Input::parse(s)).collect();
    let read = ReadSettings { id_field: args.id_field.clone(), format: args.format.map(Format::from), ..ReadSettings::default() };
    let mut parts = args.parts.iter().map(Part::open).collect::<anyhow::Result<Vec<_>>>()?;
    let (output, _) = Output::create(args.output.as_deref(), false)?;
    let name = output.describe();
    let mut out = csv::WriterBuilder::new().has_headers(false).from_writer(output);
    if !args.no_header {
        out.write_record(HEADER).with_context(|| format!("cannot write {name}"))?;
    }
    let (mut documents, mut rows, mut without_rows) = (0u64, 0u64, 0u64);
    for item in Corpus::open(&inputs, read) {
        // Documents annotate could not read have no rows anywhere; the
        // annotate runs reported them, but a corpus that cannot be read
        // here (a wrong path) must say so.
        let doc = match item {
            Item::Doc(doc) => doc,
            Item::Problem(p) => {
                eprintln!("detente: {}: {p}", p.severity.as_str());
                continue;
            }
        };
        // The id as annotate wrote it: exactly, or with its formula prefix.
        let Some(part) = parts.iter_mut().find(|p| p.next_id().is_some_and(|cell| cell == doc.id || unneutralise(cell) == doc.id)) else {
            without_rows += 1;
            continue;
        };
        for row in &part.next {
            out.write_record(row).with_context(|| format!("cannot write {name}"))?;
        }
        documents += 1;
        rows += part.next.len() as u64;
        part.advance()?;
    }
    for part in &parts {
        if let Some(id) = part.next_id() {
            bail!(
                "{}:{}: document `{id}` is not in the corpus, or not in corpus order (a part must be an annotate output over the same corpus, in its order)",
                part.path.display(),
                part.next_line
            );
        }
    }
    let output = out.into_inner().map_err(|e| anyhow::anyhow!("cannot write {name}: {}", e.error()))?;
    output.finish()?;
    if !args.quiet {
        eprintln!("detente: merged {documents} documents ({rows} rows) from {} parts", args.parts.len());
    }
    if without_rows > 0 {
        eprintln!(
            "detente: warning: {without_rows} corpus documents have no rows in any part (skipped for errors by annotate, empty, or a part is missing)"
        );
        return Ok(ExitCode::from(EXIT_SKIPPED));
    }
    if documents == 0 {
        eprintln!("detente: warning: no documents merged");
        return Ok(ExitCode::from(EXIT_SKIPPED));
    }
    Ok(ExitCode::SUCCESS)
}
