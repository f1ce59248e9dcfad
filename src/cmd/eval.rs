//! `detente eval`: reads a gold file and predictions (a CSV from `detente
//! annotate`, or made here by running the annotate pipeline over a corpus
//! or over the gold's own text), prints a summary table, and with
//! `--report DIR` writes metrics.json, report.md, report.html, errors.csv
//! (and predictions.csv when it annotated).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use detente::core::{Document, Origin};
use detente::error::Severity;
use detente::eval::{self, report, Gold, GoldFormat, Options, PredDoc, Predictions};
use detente::pipeline::{self, Slot};
use detente::read::{Corpus, Input, Item};
use detente::write::CsvWriter;

use super::annotate;
use super::EXIT_SKIPPED;

/// The gold did not align well enough with the predictions to be scored.
const EXIT_UNSCORED: u8 = 1;

/// Score predictions against gold annotations.
///
/// Gold formats: CoNLL (token per line, tag in the last column, IOB1 or
/// IOB2; the text is rebuilt with tokens joined by spaces and sentences by
/// blank lines, documents numbered 0, 1, ... as in
/// training/ner/eval_binary.py), a stance TSV/CSV (text, stance, optional
/// doc_id, entities, source, target), or JSONL with character spans ({"id",
/// "text", "entities": [{"start","end","label"}], "sentences":
/// [{"start","end","stance"}]}).
///
/// Predictions come from --pred (the CSV of `detente annotate`), or from
/// --input, which runs the annotate pipeline first: over CORPUS when given,
/// else over the gold's own text (the way to score the shipped model on
/// CoNLL).
///
/// Entity scores: strict (exact span and type, equal to seqeval's strict
/// IOB2 mode) and overlap (same type / any type), per type, micro, macro,
/// with a type confusion table. Stance: accuracy, per-class P/R/F1,
/// macro-F1, confusion, calibration (ECE, 15 bins). Headline numbers carry
/// 95% bootstrap intervals over documents.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  \
    detente eval --gold training/data/conll2003/dev.txt --input --report eval-dev\n  \
    detente eval --gold datasets/ner/recent_news.jsonl --pred spans.csv\n  \
    detente eval --gold stance.tsv --input corpus/ --report out")]
pub struct Args {
    /// Gold annotations (CoNLL, stance TSV/CSV, or JSONL).
    #[arg(long, value_name = "FILE")]
    pub gold: PathBuf,

    /// Read the gold as this format [default: by extension, then content].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub gold_format: Option<GoldFormatArg>,

    /// Predictions: the CSV written by `detente annotate`.
    #[arg(long, value_name = "FILE", conflicts_with = "input", required_unless_present = "input")]
    pub pred: Option<PathBuf>,

    /// Annotate first: the CORPUS files or folders (as for `annotate`), or,
    /// with no value, the gold's own text.
    #[arg(long, value_name = "CORPUS", num_args = 0..)]
    pub input: Option<Vec<String>>,

    /// Write metrics.json, report.md, report.html and errors.csv here.
    #[arg(long, value_name = "DIR")]
    pub report: Option<PathBuf>,

    /// Fail (exit 1) unless at least this share of the gold documents, and
    /// of the gold stance sentences, aligned with the predictions and was
    /// scored.
    #[arg(long, default_value_t = eval::DEFAULT_MIN_ALIGNED, value_name = "SHARE")]
    pub min_aligned: f64,

    /// Bootstrap resamples over documents (0: no intervals).
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub resamples: usize,

    /// Seed of the bootstrap.
    #[arg(long, default_value_t = Options::default().seed, value_name = "N")]
    pub seed: u64,

    /// At most this many rows of each task (stance, entities, roles) in
    /// errors.csv, most confident first.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub max_errors: usize,

    /// With --input: the model folder [default: the shipped models/detente].
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,

    /// With --input: the ONNX Runtime library.
    #[arg(long, value_name = "FILE")]
    pub ort_lib: Option<PathBuf>,

    /// With --input: split sentences only (no entities, no stance).
    #[arg(long)]
    pub no_model: bool,

    /// With --input: padded pieces per model pass (benchmarking only, as
    /// for annotate).
    #[arg(long, value_name = "N", hide = true)]
    pub pass_pieces: Option<usize>,

    /// With --input: worker threads [default: the number of cores].
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,

    /// No messages on stderr (the summary still goes to stdout).
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum GoldFormatArg {
    /// Token per line, tag in the last column.
    Conll,
    /// Sentence rows in TSV/CSV: text, stance, optional doc_id, source, target, entities.
    Stance,
    /// Sentence rows in JSONL (datasets/stance/*.jsonl): text, stance, id or doc_id, source, target.
    StanceJsonl,
    /// Documents in JSONL with character spans: id, text, entities, sentences.
    Jsonl,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let format = args.gold_format.map(|f| match f {
        GoldFormatArg::Conll => GoldFormat::Conll,
        GoldFormatArg::Stance => GoldFormat::Stance,
        GoldFormatArg::StanceJsonl => GoldFormat::StanceJsonl,
        GoldFormatArg::Jsonl => GoldFormat::Jsonl,
    });
    if !(0.0..=1.0).contains(&args.min_aligned) {
        anyhow::bail!("--min-aligned must be a share between 0 and 1, not {}", args.min_aligned);
    }
    let gold = Gold::read(&args.gold, format)?;
    if !args.quiet {
        eprintln!(
            "detente: gold {} read as {} ({}){}",
            args.gold.display(),
            gold.format.describe(),
            if format.is_some() { "--gold-format" } else { "detected; --gold-format overrides" },
            if gold.docs.is_empty() { ", and it is empty" } else { "" }
        );
    }
    let mut exit = ExitCode::SUCCESS;
    let preds = match (&args.pred, &args.input) {
        (Some(p), _) => Predictions::read_csv(p)?,
        (None, Some(inputs)) => {
            let (preds, skipped) = annotate_for_eval(args, &gold, inputs)?;
            if skipped > 0 {
                exit = ExitCode::from(EXIT_SKIPPED);
            }
            preds
        }
        (None, None) => anyhow::bail!("give --pred FILE or --input [CORPUS]"),
    };
    let evaluation = eval::evaluate(&gold, &preds, &Options { resamples: args.resamples, seed: args.seed });
    print!("{}", report::summary(&evaluation));
    if let Some(dir) = &args.report {
        let n = report::write_all(&evaluation, dir, args.max_errors)
            .with_context(|| format!("cannot write the report in {}", dir.display()))?;
        if !args.quiet {
            eprintln!("detente: report in {} ({} of {} errors in errors.csv)", dir.display(), n, evaluation.errors.len());
        }
    }
    // Printed even with --quiet: these scores are not to be used.
    let failures = evaluation.failures(args.min_aligned);
    for f in &failures {
        eprintln!("detente: error: {f}");
    }
    if !failures.is_empty() {
        eprintln!("detente: the scores above do not measure the model; fix the gold or the predictions (or lower --min-aligned)");
        return Ok(ExitCode::from(EXIT_UNSCORED));
    }
    Ok(exit)
}

/// Runs the annotate pipeline (built exactly as `detente annotate` builds
/// it) over the corpus, or over the gold's text; returns the predictions
/// and the number of skipped documents.
fn annotate_for_eval(args: &Args, gold: &Gold, inputs: &[String]) -> anyhow::Result<(Predictions, u64)> {
    // Through annotate's own argument parser, so that its defaults (and
    // options added later) apply unchanged.
    #[derive(clap::Parser)]
    struct Wrap {
        #[command(flatten)]
        args: annotate::Args,
    }
    let mut argv: Vec<std::ffi::OsString> = vec!["annotate".into()];
    if let Some(t) = args.threads {
        argv.extend(["--threads".into(), t.to_string().into()]);
    }
    if let Some(m) = &args.model {
        argv.extend(["--model".into(), m.clone().into_os_string()]);
    }
    if let Some(l) = &args.ort_lib {
        argv.extend(["--ort-lib".into(), l.clone().into_os_string()]);
    }
    if args.no_model {
        argv.push("--no-model".into());
    }
    if let Some(p) = args.pass_pieces {
        argv.extend(["--pass-pieces".into(), p.to_string().into()]);
    }
    if args.quiet {
        argv.push("--quiet".into());
    }
    argv.push("--".into());
    if inputs.is_empty() {
        // Not read (the gold's text is annotated), but annotate needs an input.
        argv.push(args.gold.clone().into_os_string());
    } else {
        argv.extend(inputs.iter().map(Into::into));
    }
    let annotate_args = <Wrap as clap::Parser>::try_parse_from(argv).context("annotate settings")?.args;
    let settings = annotate::Settings::from_args(&annotate_args)?;
    let pipeline = annotate::build_pipeline(&settings)?;
    let items: Box<dyn Iterator<Item = Item> + Send> = if inputs.is_empty() {
        let origin = Origin { path: Some(args.gold.clone()), line: None };
        let docs = gold.documents();
        Box::new(docs.into_iter().map(move |(id, text)| Item::Doc(Document::new(id, text, origin.clone()))))
    } else {
        Box::new(Corpus::open(&inputs.iter().map(|s| Input::parse(s)).collect::<Vec<_>>(), settings.read.clone()))
    };
    // Keep what was annotated next to the report, in the annotate contract.
    let mut csv = match &args.report {
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            let path = dir.join("predictions.csv");
            let f = std::fs::File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
            Some(CsvWriter::new(std::io::BufWriter::new(f), true)?)
        }
        None => None,
    };
    let mut preds = Predictions::default();
    let mut skipped = 0u64;
    let quiet = args.quiet;
    pipeline::run(items, &pipeline, &settings.run, |slot| -> anyhow::Result<()> {
        match slot {
            Slot::Doc(a) => {
                if let Some(w) = &mut csv {
                    w.write_doc(&a)?;
                }
                preds.push(PredDoc::from_annotated(&a));
            }
            Slot::Problem(p) => {
                if p.severity == Severity::Error {
                    skipped += 1;
                }
                if !quiet {
                    eprintln!("detente: {}: {p}", p.severity.as_str());
                }
            }
        }
        Ok(())
    })?;
    if let Some(w) = csv {
        w.into_inner()?;
    }
    Ok((preds, skipped))
}
