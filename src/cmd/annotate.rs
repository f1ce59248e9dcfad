//! `detente annotate`: reads a corpus (files, folders, or JSONL on stdin),
//! runs the pipeline, and writes the review CSV; problems go to stderr, to
//! `--errors`, and into the final summary.

use std::collections::HashSet;
use std::hash::BuildHasher;
use std::fs::File;
use std::io::{BufWriter, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use detente::actors::{ActorStage, Dictionary, EventRoleStage, MissedNameStage};
use detente::core::count_words;
use detente::error::{InputError, Problem, Severity};
use detente::label::LabelStage;
use detente::pipeline::{self, Component, Pipeline, RunSettings, Slot, SplitStage};
use detente::read::{self, Corpus, Format, Input, Item, Overlap, ReadSettings};
use detente::write::{CsvWriter, JsonlWriter, ParquetWriter, SpanWriter};

use super::{Output, OutputFormat, Shard, EXIT_SKIPPED};

/// Label the sentences and entities of a corpus and write them as CSV.
///
/// Each INPUT is a file, a folder (read recursively), or `-` for JSONL on
/// standard input. `.txt` files hold one document each, whose id is the path
/// relative to the folder given; `.jsonl` files hold one JSON object per
/// line; `.csv` files have a header row. Documents come out in input order.
///
/// The CSV has one row per sentence, then one per entity in it. Columns:
/// doc_id, sentence, kind, start, end, text, label, confidence, role,
/// p_conciliatory, p_threatening, p_neutral, actor, date. Offsets are in
/// Unicode characters (code points), end exclusive. `actor` is the CAMEO-style
/// code of the political actor an entity stands for (IRN, IRNGOV, IGONAT),
/// empty when it is none or unknown; `date` is the document's day.
///
/// Exit status: 0 when every document was processed, 1 when some were
/// skipped (the output is complete for the rest) or when no document was
/// read at all, 2 on a fatal error.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  \
    detente annotate datasets/sample -o spans.csv\n  \
    detente annotate news.jsonl --text-field body --errors problems.csv -o spans.csv\n  \
    zcat dump.jsonl.gz | detente annotate - > spans.csv")]
pub struct Args {
    /// Files or folders to read, or `-` for JSONL on standard input.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,

    /// Write the CSV to FILE instead of standard output (`-` is standard
    /// output). The file appears
    /// only when the run completes. FILE may not be an input, nor a file
    /// that an input folder would read; two runs may not share it.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Write the spans as `csv`, as `parquet` (typed columns; needs
    /// --output, and cannot --resume), or as `jsonl` (one JSON object per
    /// document with its sentences and their entities, the CSV's fields;
    /// cannot --resume) [default: by the --output extension (.parquet,
    /// .jsonl), else csv]. --errors is always CSV.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub output_format: Option<OutputFormat>,

    /// Leave out the CSV header row, so that the outputs of several runs
    /// (shards, Spark partitions) concatenate into one CSV.
    #[arg(long)]
    pub no_header: bool,

    /// Process only the documents whose id falls in shard I of N (I from 0
    /// to N-1): N runs with --shard 0/N ... N-1/N cover a corpus exactly
    /// once, wherever they run. The shard of an id is the 64-bit FNV-1a
    /// hash of its UTF-8 bytes modulo N; a problem with no document id
    /// (a malformed line) is reported by shard 0.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<Shard>,

    /// Also write every input problem (document, file, line, message) to
    /// FILE as CSV. FILE may not be an input or the --output.
    #[arg(long, value_name = "FILE")]
    pub errors: Option<PathBuf>,

    /// JSONL field or CSV column holding the document id.
    #[arg(long, default_value = "id", value_name = "NAME")]
    pub id_field: String,

    /// JSONL field or CSV column holding the document text.
    #[arg(long, default_value = "text", value_name = "NAME")]
    pub text_field: String,

    /// JSONL field or CSV column with the document's date (YYYY-MM-DD, or a
    /// timestamp that starts with one), written to the `date` column and used
    /// to code office holders as of that day [default: `date`, where present].
    #[arg(long, value_name = "NAME")]
    pub date_field: Option<String>,

    /// Add or override actor dictionary entries from FILE (TSV: name, code,
    /// kind, valid_from, valid_until, source; the format of the tables in
    /// datasets/actors/). May be given more than once; later files win.
    #[arg(long, value_name = "FILE")]
    pub actors: Vec<PathBuf>,

    /// Read files named on the command line as this format, whatever their
    /// extension (files found in folders still go by extension).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<FormatArg>,

    /// Worker threads [default: the number of cores].
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,

    /// Most documents per batch, the unit of parallel work (a batch also
    /// closes at 32 KiB of text).
    #[arg(long, default_value_t = detente::pipeline::DEFAULT_BATCH_DOCS, value_name = "N")]
    pub batch_size: usize,

    /// Skip (and report) documents larger than this many bytes.
    #[arg(long, default_value_t = 256 * 1024 * 1024, value_name = "BYTES")]
    pub max_doc_bytes: u64,

    /// Write cells exactly as in the text. By default a cell that starts
    /// with = + - @ tab or CR gets a leading ' so that spreadsheets do not run
    /// it as a formula.
    #[arg(long)]
    pub raw: bool,

    /// No progress bar, no summary, no per-problem messages on stderr.
    #[arg(short, long)]
    pub quiet: bool,

    /// Model folder (model.onnx, tokenizer.json, config.json, SHA256SUMS)
    /// [default: the models/detente folder shipped with detente].
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,

    /// ONNX Runtime library [default: $ORT_DYLIB_PATH, then next to the
    /// executable, then where the build put it].
    #[arg(long, value_name = "FILE")]
    pub ort_lib: Option<PathBuf>,

    /// Threads inside each model session. The default (1) with one session
    /// per worker measured fastest; `-j 1 --intra-threads 2` is the other layout.
    #[arg(long, default_value_t = 1, value_name = "N", hide = true)]
    pub intra_threads: usize,

    /// Padded pieces per model pass (benchmarking only: scores shift slightly
    /// with it, because int8 activations are scaled per pass).
    #[arg(long, default_value_t = detente::label::PASS_PIECES, value_name = "N", hide = true)]
    pub pass_pieces: usize,

    /// Split sentences only: no entities, no model loaded.
    #[arg(long)]
    pub no_model: bool,

    /// Continue a run that was killed, from its last checkpoint. Needs
    /// --output, and the same inputs, order and --batch-size; the result is
    /// the same file an uninterrupted run writes.
    #[arg(long)]
    pub resume: bool,

    /// Record progress for --resume at least every N input items (and
    /// every two seconds).
    #[arg(long, default_value_t = 1000, value_name = "N", hide = true)]
    pub checkpoint_every: u64,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum FormatArg {
    Txt,
    Jsonl,
    Csv,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Txt => Format::Txt,
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Csv => Format::Csv,
        }
    }
}

/// Validated settings, built once from [`Args`].
#[derive(Debug)]
pub struct Settings {
    pub inputs: Vec<Input>,
    pub output: Option<PathBuf>,
    pub output_format: OutputFormat,
    /// Write the CSV header row.
    pub header: bool,
    pub shard: Option<Shard>,
    pub errors: Option<PathBuf>,
    pub read: ReadSettings,
    pub run: RunSettings,
    pub neutralise_formulas: bool,
    pub quiet: bool,
    /// The model folder, or `None` to split sentences only.
    pub model: Option<PathBuf>,
    pub ort_lib: Option<PathBuf>,
    pub resume: bool,
    pub checkpoint_every: u64,
    pub intra_threads: usize,
    pub pass_pieces: usize,
    /// Extra actor tables, in order.
    pub actors: Vec<PathBuf>,
}

impl Settings {
    pub fn from_args(args: &Args) -> anyhow::Result<Settings> {
        // `-o -` is standard output, as `-` is standard input.
        let output = args.output.clone().filter(|p| p.as_os_str() != "-");
        if args.resume && output.is_none() {
            bail!("--resume needs --output FILE");
        }
        let output_format = OutputFormat::resolve(args.output_format, output.as_deref());
        if output_format == OutputFormat::Parquet {
            if output.is_none() {
                bail!("--output-format parquet needs --output FILE: a Parquet file cannot be streamed to standard output");
            }
            if args.resume {
                bail!("--resume cannot continue a Parquet output (its footer is written only at the end); run again without --resume, or write CSV");
            }
        }
        if output_format == OutputFormat::Jsonl && args.resume {
            bail!("--resume continues CSV output only; run again without --resume, or write CSV");
        }
        if args.no_header && output_format != OutputFormat::Csv {
            bail!("--no-header applies to CSV output only");
        }
        if args.batch_size == 0 {
            bail!("--batch-size must be at least 1");
        }
        if args.threads == Some(0) {
            bail!("--threads must be at least 1");
        }
        if args.inputs.iter().filter(|i| *i == "-").count() > 1 {
            bail!("standard input (`-`) can be given only once");
        }
        if args.id_field.is_empty() || args.text_field.is_empty() || args.date_field.as_deref() == Some("") {
            bail!("--id-field, --text-field and --date-field must not be empty");
        }
        for f in &args.actors {
            if !f.is_file() {
                bail!("--actors {}: no such file", f.display());
            }
        }
        let mut run = RunSettings { batch_docs: args.batch_size, ..RunSettings::default() };
        if let Some(t) = args.threads {
            run.threads = t;
        }
        Ok(Settings {
            inputs: args.inputs.iter().map(|s| Input::parse(s)).collect(),
            output,
            output_format,
            header: !args.no_header,
            shard: args.shard,
            errors: args.errors.clone(),
            read: ReadSettings {
                id_field: args.id_field.clone(),
                text_field: args.text_field.clone(),
                date_field: args.date_field.clone().unwrap_or_else(|| "date".into()),
                date_field_required: args.date_field.is_some(),
                format: args.format.map(Format::from),
                max_doc_bytes: args.max_doc_bytes,
            },
            run,
            neutralise_formulas: !args.raw,
            quiet: args.quiet,
            model: if args.no_model { None } else { Some(model_dir(args.model.as_deref())?) },
            ort_lib: args.ort_lib.clone(),
            resume: args.resume,
            checkpoint_every: args.checkpoint_every.max(1),
            intra_threads: args.intra_threads.max(1),
            pass_pieces: args.pass_pieces.max(1),
            actors: args.actors.clone(),
        })
    }
}

/// Running totals for the progress bar and the summary.
#[derive(Default)]
struct Tally {
    documents: u64,
    sentences: u64,
    entities: u64,
    words: u64,
    skipped: u64,
    warnings: u64,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let settings = Settings::from_args(args)?;
    // Resolving the inputs reads no document, and what it finds is what the
    // output paths are checked against, before the model loads.
    let corpus = Corpus::open(&settings.inputs, settings.read.clone());
    check_output_paths(&settings, &corpus)?;
    let pipeline = build_pipeline(&settings)?;
    annotate(&settings, corpus, &pipeline)
}

/// Refuses outputs that would destroy an input (`annotate data.csv -o
/// data.csv`), or that a later run over the same inputs would read back as
/// documents; and an --errors file that is the output.
fn check_output_paths(settings: &Settings, corpus: &Corpus) -> anyhow::Result<()> {
    for (flag, path) in [("--output", &settings.output), ("--errors", &settings.errors)] {
        let Some(path) = path else { continue };
        match corpus.overlap(path) {
            Some(Overlap::Input(input)) if input == path => bail!(
                "{flag} {} is also an input: writing it would replace the file being read; choose another {flag}",
                path.display()
            ),
            Some(Overlap::Input(input)) => bail!(
                "{flag} {} is the same file as the input {}: writing it would replace the file being read; choose another {flag}",
                path.display(),
                input.display()
            ),
            Some(Overlap::InFolder(dir)) => bail!(
                "{flag} {} is inside the input folder {}, so the next run over it would read the file as documents; choose another {flag} outside the folder, or one whose name starts with `.` or does not end in .txt, .jsonl, .ndjson or .csv",
                path.display(),
                dir.display()
            ),
            None => {}
        }
    }
    if let (Some(output), Some(errors)) = (&settings.output, &settings.errors) {
        let keys = read::path_keys(output);
        if output == errors || read::path_keys(errors).iter().any(|k| keys.contains(k)) {
            bail!("--output and --errors are the same file ({}); give two different files", errors.display());
        }
    }
    Ok(())
}

/// The shipped model: next to the source tree the binary was built from
/// (`target/<profile>/detente` → `models/detente`), else the build's source tree.
fn model_dir(explicit: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(p) = explicit {
        if !p.is_dir() {
            bail!("model folder {} does not exist", p.display());
        }
        return Ok(p.to_path_buf());
    }
    let mut candidates = Vec::new();
    if let Ok(exe) = std::env::current_exe() {
        if let Some(root) = exe.ancestors().nth(3) {
            candidates.push(root.join("models/detente"));
        }
    }
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("models/detente"));
    candidates
        .iter()
        .find(|p| p.join("model.onnx").is_file())
        .cloned()
        .with_context(|| format!("no model found (looked in {}); pass --model DIR, or --no-model to split sentences only", candidates.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")))
}

/// The pipeline `annotate` runs; `eval --input` runs the same one.
pub fn build_pipeline(settings: &Settings) -> anyhow::Result<Pipeline> {
    let mut stages: Vec<Box<dyn Component>> = vec![Box::new(SplitStage::default())];
    if let Some(dir) = &settings.model {
        let ner = LabelStage::load(dir, settings.run.threads, settings.intra_threads, settings.ort_lib.as_deref())
            .with_context(|| format!("cannot load the model in {}", dir.display()))?
            .with_pass_pieces(settings.pass_pieces);
        stages.push(Box::new(ner));
        let mut dict = Dictionary::built_in();
        for f in &settings.actors {
            dict.add_file(f)?;
        }
        stages.push(Box::new(MissedNameStage::new(&dict)));
        stages.push(Box::new(ActorStage::new(dict)));
        stages.push(Box::new(EventRoleStage));
    }
    Ok(Pipeline::new(stages))
}

fn annotate(settings: &Settings, corpus: Corpus, pipeline: &Pipeline) -> anyhow::Result<ExitCode> {
    let start = Instant::now();
    let bytes_read = corpus.bytes_read();
    let ignored_files = corpus.ignored_files();
    let progress = progress_bar(settings, corpus.total_bytes());

    // The output first: it refuses to start while another run writes it,
    // and then this run must not have truncated that run's --errors file.
    let (output, resume_at) = Output::create(settings.output.as_deref(), settings.resume)?;
    let output_name = output.describe();
    let mut errors_csv = match &settings.errors {
        // A resumed run adds to the problems it already reported.
        Some(p) => Some(ErrorsCsv::create(p, resume_at.items > 0 && p.exists())?),
        None => None,
    };
    // A Parquet file is only readable once its footer is written, so no
    // checkpoint could make a killed run resumable.
    let checkpointer = match settings.output_format {
        OutputFormat::Csv => output.checkpointer().with_context(|| format!("cannot write {output_name}"))?,
        OutputFormat::Parquet | OutputFormat::Jsonl => None,
    };
    if resume_at.items > 0 && !settings.quiet {
        eprintln!("detente: resuming after {} input items", resume_at.items);
    }
    // --resume is CSV only (from_args refuses it for the others), and a
    // resumed CSV already has its header.
    let mut writer: Box<dyn SpanWriter<Output> + Send> = match settings.output_format {
        OutputFormat::Csv if settings.header && resume_at.items == 0 => Box::new(CsvWriter::new(output, settings.neutralise_formulas)?),
        OutputFormat::Csv => Box::new(CsvWriter::continuing(output, settings.neutralise_formulas)),
        OutputFormat::Parquet => Box::new(ParquetWriter::new(output).with_context(|| format!("cannot write {output_name}"))?),
        OutputFormat::Jsonl => Box::new(JsonlWriter::new(output)),
    };
    let mut tally = Tally { skipped: resume_at.skipped, ..Tally::default() };
    let mut items_done = resume_at.items;
    let mut last_checkpoint = (items_done, Instant::now());
    // Ids are remembered as 64-bit hashes: 16 bytes a document, so a
    // million-document run stays small.
    let mut seen_ids: HashSet<u64> = HashSet::new();
    let hasher = std::hash::RandomState::new();

    // Documents of other shards are passed over before anything counts
    // them, so a resumed shard run skips the same items it wrote.
    let other_shards = AtomicU64::new(0);
    let passed_over = &other_shards;
    let shard = settings.shard;
    let items = corpus
        .filter(move |item| {
            let Some(shard) = shard else { return true };
            let mine = match item {
                Item::Doc(d) => shard.holds(&d.id),
                Item::Problem(p) => p.doc_id.as_deref().map_or(shard.index == 0, |id| shard.holds(id)),
            };
            if !mine && matches!(item, Item::Doc(_)) {
                passed_over.fetch_add(1, Ordering::Relaxed);
            }
            mine
        })
        .skip(resume_at.items as usize);
    let result = pipeline::run_batched(items, pipeline, &settings.run, |slot, batch_end| -> anyhow::Result<()> {
        items_done += 1;
        match slot {
            Slot::Doc(a) => {
                if !seen_ids.insert(hasher.hash_one(&a.doc.id)) {
                    let p = Problem::warning(
                        a.doc.origin.clone(),
                        Some(a.doc.id.clone()),
                        InputError::DuplicateId,
                    );
                    tally.warnings += 1;
                    report_problem(&p, settings.quiet, &progress);
                    if let Some(w) = &mut errors_csv {
                        w.write(&p)?;
                    }
                }
                writer.write_doc(&a).with_context(|| format!("cannot write {output_name}"))?;
                tally.documents += 1;
                tally.sentences += a.sentences.len() as u64;
                tally.entities += a.sentences.iter().map(|s| s.entities.len() as u64).sum::<u64>();
                tally.words += count_words(&a.doc.text) as u64;
            }
            Slot::Problem(p) => {
                match p.severity {
                    Severity::Error => tally.skipped += 1,
                    Severity::Warning => tally.warnings += 1,
                }
                report_problem(&p, settings.quiet, &progress);
                if let Some(w) = &mut errors_csv {
                    w.write(&p)?;
                }
            }
        }
        // On a pipe, each batch goes out as soon as it is written.
        if batch_end && settings.output.is_none() {
            writer.flush().with_context(|| format!("cannot write {output_name}"))?;
        }
        if let (Some(cp), true) = (&checkpointer, batch_end) {
            if items_done - last_checkpoint.0 >= settings.checkpoint_every || last_checkpoint.1.elapsed() >= Duration::from_secs(2) {
                writer.flush().with_context(|| format!("cannot write {output_name}"))?;
                if let Some(w) = &mut errors_csv {
                    w.flush()?;
                }
                cp.save(items_done, tally.skipped, resume_at.documents + tally.documents)
                    .with_context(|| format!("cannot save the --resume checkpoint of {output_name}"))?;
                last_checkpoint = (items_done, Instant::now());
            }
        }
        if let Some(pb) = &progress {
            pb.set_position(bytes_read.load(Ordering::Relaxed));
            let secs = start.elapsed().as_secs_f64().max(1e-9);
            pb.set_message(format!(
                "{} docs, {:.0} docs/s, {:.0} words/s",
                tally.documents,
                tally.documents as f64 / secs,
                tally.words as f64 / secs
            ));
        }
        Ok(())
    });

    if let Some(pb) = &progress {
        pb.finish_and_clear();
    }
    // On error the output is dropped here, which removes its temporary file:
    // nothing half-written is left under the final name.
    let output = result.and_then(|()| writer.finish().with_context(|| format!("cannot write {output_name}")))?;
    // A run that read nothing usually means a wrong path or extension; its
    // header-only CSV must not pass for a result.
    let nothing_read = (resume_at.documents + tally.documents == 0).then(|| match settings.shard {
        Some(shard) if other_shards.load(Ordering::Relaxed) > 0 => format!(
            "shard {}/{} holds none of the {} documents read; nothing to annotate",
            shard.index,
            shard.count,
            other_shards.load(Ordering::Relaxed)
        ),
        _ => no_documents_message(&settings.inputs, tally.skipped, ignored_files),
    });
    if let (Some(message), Some(w)) = (&nothing_read, &mut errors_csv) {
        w.write_record(["warning", "", "", "", message])?;
    }
    tally.warnings += u64::from(nothing_read.is_some());
    // The --errors file is complete before the output appears: a run that
    // fails on it leaves no output that looks finished.
    if let Some(mut w) = errors_csv {
        w.flush()?;
    }
    output.finish()?;
    if !settings.quiet {
        eprintln!("{}", summary(&tally, ignored_files, start.elapsed()));
        if let Some(message) = &nothing_read {
            eprintln!("detente: warning: {message}");
        }
    }
    Ok(if tally.skipped > 0 || nothing_read.is_some() { ExitCode::from(EXIT_SKIPPED) } else { ExitCode::SUCCESS })
}

/// The warning for a run that read no document, naming the inputs as given
/// (the first few) and what was passed over.
fn no_documents_message(inputs: &[Input], skipped: u64, ignored_files: u64) -> String {
    const SHOWN: usize = 3;
    let mut names: Vec<String> = inputs
        .iter()
        .take(SHOWN)
        .map(|i| match i {
            Input::Stdin => "standard input".to_string(),
            Input::Path(p) => p.display().to_string(),
        })
        .collect();
    if inputs.len() > SHOWN {
        names.push(format!("{} more", inputs.len() - SHOWN));
    }
    let mut notes = Vec::new();
    if skipped > 0 {
        notes.push(format!("{skipped} skipped for errors"));
    }
    if ignored_files > 0 {
        notes.push(ignored_phrase(ignored_files));
    }
    notes.push("supported: .txt, .jsonl, .ndjson, .csv in folders; --format to force one on files given by name".to_string());
    format!("no documents were read from {}; nothing to annotate ({})", names.join(", "), notes.join("; "))
}

/// "N files in folders ignored for their extension", as the summary and the
/// no-documents warning both say it.
fn ignored_phrase(n: u64) -> String {
    if n == 1 {
        "1 file in folders ignored for its extension".to_string()
    } else {
        format!("{n} files in folders ignored for their extension")
    }
}

/// The --errors file: every message about it names it.
struct ErrorsCsv {
    csv: csv::Writer<BufWriter<File>>,
    path: PathBuf,
}

impl ErrorsCsv {
    fn create(path: &Path, append: bool) -> anyhow::Result<ErrorsCsv> {
        let f = std::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .append(append)
            .truncate(!append)
            .open(path)
            .with_context(|| Self::cannot(path))?;
        let mut w = ErrorsCsv { csv: csv::Writer::from_writer(BufWriter::new(f)), path: path.to_path_buf() };
        if !append {
            w.write_record(["severity", "doc_id", "path", "line", "message"])?;
        }
        Ok(w)
    }

    fn write(&mut self, p: &Problem) -> anyhow::Result<()> {
        let path = p.origin.path.as_ref().map_or_else(|| "-".to_string(), |p| p.display().to_string());
        let line = p.origin.line.map(|l| l.to_string()).unwrap_or_default();
        self.write_record([p.severity.as_str(), p.doc_id.as_deref().unwrap_or(""), &path, &line, &p.error.to_string()])
    }

    fn write_record(&mut self, record: [&str; 5]) -> anyhow::Result<()> {
        self.csv.write_record(record).with_context(|| Self::cannot(&self.path))
    }

    fn flush(&mut self) -> anyhow::Result<()> {
        self.csv.flush().with_context(|| Self::cannot(&self.path))
    }

    fn cannot(path: &Path) -> String {
        format!("cannot write the --errors file {}", path.display())
    }
}

fn progress_bar(settings: &Settings, total: Option<u64>) -> Option<ProgressBar> {
    if settings.quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = match total {
        Some(t) => {
            let pb = ProgressBar::with_draw_target(Some(t), ProgressDrawTarget::stderr());
            pb.set_style(
                ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {bytes}/{total_bytes} {msg} ETA {eta}")
                    .expect("valid template")
                    .progress_chars("=> "),
            );
            pb
        }
        None => {
            let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            pb.set_style(ProgressStyle::with_template("{spinner} {elapsed_precise} {bytes} {msg}").expect("valid template"));
            pb
        }
    };
    pb.enable_steady_tick(Duration::from_millis(200));
    Some(pb)
}

fn report_problem(p: &Problem, quiet: bool, progress: &Option<ProgressBar>) {
    if quiet {
        return;
    }
    let line = format!("detente: {}: {p}", p.severity.as_str());
    match progress {
        Some(pb) => pb.println(line),
        None => eprintln!("{line}"),
    }
}

fn summary(t: &Tally, ignored_files: u64, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    // Files passed over for their extension are no problem of any document,
    // but a corpus of .htm files next to .txt ones should not lose them unseen.
    let ignored = match ignored_files {
        0 => String::new(),
        n => format!(", {}", ignored_phrase(n)),
    };
    format!(
        "detente: {} documents, {} sentences, {} entities, {} errors (skipped), {} warnings{ignored}; {} words in {:.2} s ({:.0} words/s)",
        t.documents,
        t.sentences,
        t.entities,
        t.skipped,
        t.warnings,
        t.words,
        secs,
        t.words as f64 / secs.max(1e-9)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_documents_message_names_the_inputs_and_what_was_passed_over() {
        let inputs = |names: &[&str]| names.iter().map(|n| Input::parse(n)).collect::<Vec<_>>();
        let hint = "supported: .txt, .jsonl, .ndjson, .csv in folders; --format to force one on files given by name";
        let cases: &[(&[&str], u64, u64, String)] = &[
            (&["corpus/"], 0, 0, format!("no documents were read from corpus/; nothing to annotate ({hint})")),
            (&["-"], 0, 0, format!("no documents were read from standard input; nothing to annotate ({hint})")),
            (&["a", "b"], 2, 1, format!("no documents were read from a, b; nothing to annotate (2 skipped for errors; 1 file in folders ignored for its extension; {hint})")),
            (&["a", "b", "c", "d", "e"], 0, 3, format!("no documents were read from a, b, c, 2 more; nothing to annotate (3 files in folders ignored for their extension; {hint})")),
        ];
        for (names, skipped, ignored, expected) in cases {
            assert_eq!(&no_documents_message(&inputs(names), *skipped, *ignored), expected);
        }
    }
}
