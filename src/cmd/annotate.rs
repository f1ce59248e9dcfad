//! `detente annotate`: reads a corpus (files, folders, or JSONL on stdin),
//! runs the pipeline, and writes the review CSV; problems go to stderr, to
//! `--errors`, and into the final summary.

use std::collections::HashSet;
use std::hash::BuildHasher;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use detente::core::count_words;
use detente::error::{InputError, Problem, Severity};
use detente::ner::NerStage;
use detente::pipeline::{self, Component, Pipeline, RunSettings, Slot, SplitStage};
use detente::read::{Corpus, Format, Input, ReadSettings};
use detente::write::CsvWriter;

use super::{Output, EXIT_SKIPPED};

/// Label the sentences and entities of a corpus and write them as CSV.
///
/// Each INPUT is a file, a folder (read recursively), or `-` for JSONL on
/// standard input. `.txt` files hold one document each, whose id is the path
/// relative to the folder given; `.jsonl` files hold one JSON object per
/// line; `.csv` files have a header row. Documents come out in input order.
///
/// The CSV has one row per sentence, then one per entity in it. Columns:
/// doc_id, sentence, kind, start, end, text, label, confidence, role,
/// p_conciliatory, p_threatening, p_neutral. Offsets are in Unicode
/// characters (code points), end exclusive.
///
/// Exit status: 0 when every document was processed, 1 when some were
/// skipped (the output is complete for the rest), 2 on a fatal error.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  \
    detente annotate datasets/sample -o spans.csv\n  \
    detente annotate news.jsonl --text-field body --errors problems.csv -o spans.csv\n  \
    zcat dump.jsonl.gz | detente annotate - > spans.csv")]
pub struct Args {
    /// Files or folders to read, or `-` for JSONL on standard input.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,

    /// Write the CSV to FILE instead of standard output. The file appears
    /// only when the run completes.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Also write every input problem (document, file, line, message) to FILE as CSV.
    #[arg(long, value_name = "FILE")]
    pub errors: Option<PathBuf>,

    /// JSONL field or CSV column holding the document id.
    #[arg(long, default_value = "id", value_name = "NAME")]
    pub id_field: String,

    /// JSONL field or CSV column holding the document text.
    #[arg(long, default_value = "text", value_name = "NAME")]
    pub text_field: String,

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
    #[arg(long, default_value_t = detente::ner::PASS_PIECES, value_name = "N", hide = true)]
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

/// Validated settings, built once from [`Args`].
#[derive(Debug)]
pub struct Settings {
    pub inputs: Vec<Input>,
    pub output: Option<PathBuf>,
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
}

impl Settings {
    pub fn from_args(args: &Args) -> anyhow::Result<Settings> {
        if args.resume && args.output.is_none() {
            bail!("--resume needs --output FILE");
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
        if args.id_field.is_empty() || args.text_field.is_empty() {
            bail!("--id-field and --text-field must not be empty");
        }
        let mut run = RunSettings { batch_docs: args.batch_size, ..RunSettings::default() };
        if let Some(t) = args.threads {
            run.threads = t;
        }
        Ok(Settings {
            inputs: args.inputs.iter().map(|s| Input::parse(s)).collect(),
            output: args.output.clone(),
            errors: args.errors.clone(),
            read: ReadSettings {
                id_field: args.id_field.clone(),
                text_field: args.text_field.clone(),
                format: args.format.map(|f| match f {
                    FormatArg::Txt => Format::Txt,
                    FormatArg::Jsonl => Format::Jsonl,
                    FormatArg::Csv => Format::Csv,
                }),
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
    let pipeline = build_pipeline(&settings)?;
    annotate(&settings, &pipeline)
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
        let ner = NerStage::load(dir, settings.run.threads, settings.intra_threads, settings.ort_lib.as_deref())
            .with_context(|| format!("cannot load the model in {}", dir.display()))?
            .with_pass_pieces(settings.pass_pieces);
        stages.push(Box::new(ner));
    }
    Ok(Pipeline::new(stages))
}

fn annotate(settings: &Settings, pipeline: &Pipeline) -> anyhow::Result<ExitCode> {
    let start = Instant::now();
    let corpus = Corpus::open(&settings.inputs, settings.read.clone());
    let bytes_read = corpus.bytes_read();
    let progress = progress_bar(settings, corpus.total_bytes());

    let (output, resume_at) = Output::create(settings.output.as_deref(), settings.resume)?;
    let mut errors_csv = match &settings.errors {
        Some(p) => {
            // A resumed run adds to the problems it already reported.
            let append = resume_at.items > 0 && p.exists();
            let f = std::fs::OpenOptions::new()
                .create(true)
                .write(true)
                .append(append)
                .truncate(!append)
                .open(p)
                .with_context(|| format!("cannot create {}", p.display()))?;
            let mut w = csv::Writer::from_writer(BufWriter::new(f));
            if !append {
                w.write_record(["severity", "doc_id", "path", "line", "message"])?;
            }
            Some(w)
        }
        None => None,
    };
    let checkpointer = output.checkpointer()?;
    let mut writer = if resume_at.items > 0 {
        if !settings.quiet {
            eprintln!("detente: resuming after {} input items", resume_at.items);
        }
        CsvWriter::continuing(output, settings.neutralise_formulas)
    } else {
        CsvWriter::new(output, settings.neutralise_formulas)?
    };
    let mut tally = Tally { skipped: resume_at.skipped, ..Tally::default() };
    let mut items_done = resume_at.items;
    let mut last_checkpoint = (items_done, Instant::now());
    // Ids are remembered as 64-bit hashes: 16 bytes a document, so a
    // million-document run stays small.
    let mut seen_ids: HashSet<u64> = HashSet::new();
    let hasher = std::hash::RandomState::new();

    let items = corpus.skip(resume_at.items as usize);
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
                        write_problem(w, &p)?;
                    }
                }
                writer.write_doc(&a)?;
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
                    write_problem(w, &p)?;
                }
            }
        }
        if let (Some(cp), true) = (&checkpointer, batch_end) {
            if items_done - last_checkpoint.0 >= settings.checkpoint_every || last_checkpoint.1.elapsed() >= Duration::from_secs(2) {
                writer.flush()?;
                if let Some(w) = &mut errors_csv {
                    w.flush()?;
                }
                cp.save(items_done, tally.skipped)?;
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
    let output = result.and_then(|()| Ok(writer.into_inner()?))?;
    output.finish()?;
    if let Some(mut w) = errors_csv {
        w.flush()?;
    }
    if !settings.quiet {
        eprintln!("{}", summary(&tally, start.elapsed()));
    }
    Ok(if tally.skipped > 0 { ExitCode::from(EXIT_SKIPPED) } else { ExitCode::SUCCESS })
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

fn write_problem<W: Write>(w: &mut csv::Writer<W>, p: &Problem) -> anyhow::Result<()> {
    let path = p.origin.path.as_ref().map_or_else(|| "-".to_string(), |p| p.display().to_string());
    let line = p.origin.line.map(|l| l.to_string()).unwrap_or_default();
    w.write_record([p.severity.as_str(), p.doc_id.as_deref().unwrap_or(""), &path, &line, &p.error.to_string()])?;
    Ok(())
}

fn summary(t: &Tally, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    format!(
        "detente: {} documents, {} sentences, {} entities, {} errors (skipped), {} warnings; {} words in {:.2} s ({:.0} words/s)",
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
