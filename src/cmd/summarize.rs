//! `detente summarize`: reads review CSVs (with actor codes and dates) and
//! writes event, dyad, actor and time-series tables and an HTML report into
//! a folder, each file appearing only once it is complete.

use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context};

use detente::read::path_keys;
use detente::summarize::{self, report, By, Format, Level, Options};

use super::{Output, EXIT_SKIPPED};

/// Turn review CSVs into tables of who is conciliatory or threatening toward whom.
///
/// Reads the CSVs of `detente annotate` (with its `actor` and `date`
/// columns), in order, as one stream: shards of one corpus can be given
/// together. An event is a sentence with a source and a target entity that
/// have actor codes, one per distinct source → target pair; its stance is
/// the sentence's. Pairs within one actor (IRN and IRNGOV) are dropped and
/// counted.
///
/// Writes into DIR: events.csv (one row per event), dyads.csv (per source →
/// target pair), actors.csv (per actor, with its most frequent names),
/// series.csv (with --by; events of documents without a date are left out of
/// it and counted in the summary) and report.html (one self-contained page).
/// Net stance is (conciliatory − threatening) / events. With
/// `--output-format parquet` the four tables are .parquet files instead, with
/// typed columns.
///
/// Exit status: 0 when there are events, 1 when there are none (every file
/// is still written, and a warning says why), 2 on bad input or arguments
/// (the message names the file and line).
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  \
    detente summarize spans.csv --out summary/\n  \
    detente summarize part-*.csv --out summary/ --level country --by week")]
pub struct Args {
    /// CSV files written by `detente annotate`, read in order as one stream.
    #[arg(required = true, value_name = "SPANS.csv")]
    pub inputs: Vec<PathBuf>,

    /// The folder to write to (created if missing). Files already there with
    /// the same names are replaced when the run completes.
    #[arg(short, long, value_name = "DIR")]
    pub out: PathBuf,

    /// `code` counts actor codes as written (IRNGOV and IRNMIL apart);
    /// `country` collapses each code to its primary actor first: its first
    /// three letters (IRNGOV → IRN), or six for IGO, NGO, IMG and MNC codes,
    /// which name no country (IGONAT, NATO, stays IGONAT).
    #[arg(long, value_enum, default_value_t = LevelArg::Code, value_name = "LEVEL")]
    pub level: LevelArg,

    /// Also write series.csv, by period: `day` (2026-11-30), `week` (ISO
    /// weeks, named by their Monday: 2026-11-30 for 30 Nov to 6 Dec 2026) or
    /// `month` (2026-11).
    #[arg(long, value_enum, value_name = "PERIOD")]
    pub by: Option<ByArg>,

    /// Write the tables as `csv` or as `parquet` (typed columns: counts as
    /// integers, net as a float, dates as dates). report.html is unchanged.
    #[arg(long, value_enum, default_value_t = TableFormat::Csv, value_name = "FORMAT")]
    pub output_format: TableFormat,

    /// No summary line on stderr (warnings are still printed).
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum LevelArg {
    Code,
    Country,
}

/// `--output-format` of summarize: its tables are CSV or Parquet (annotate's
/// JSONL is one object per document, which a table is not).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableFormat {
    Csv,
    Parquet,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum ByArg {
    Day,
    Week,
    Month,
}

/// Validated settings, built once from [`Args`].
#[derive(Debug)]
pub struct Settings {
    pub inputs: Vec<PathBuf>,
    pub out: PathBuf,
    pub options: Options,
    pub quiet: bool,
}

const REPORT: &str = "report.html";

/// The table files: events, dyads, actors and series, in `format`.
fn table_names(format: Format) -> [String; 4] {
    ["events", "dyads", "actors", "series"].map(|t| format!("{t}.{}", format.extension()))
}

impl Settings {
    pub fn from_args(args: &Args) -> anyhow::Result<Settings> {
        if args.out.exists() && !args.out.is_dir() {
            bail!("--out {} is a file; give a folder", args.out.display());
        }
        // A summary must not replace its own input (`--out .` over a file
        // named events.csv); only an existing folder can hold one.
        let format = match args.output_format {
            TableFormat::Csv => Format::Csv,
            TableFormat::Parquet => Format::Parquet,
        };
        if args.out.is_dir() {
            let [events, dyads, actors, series] = table_names(format);
            for name in [events.as_str(), &dyads, &actors, &series, REPORT] {
                // Only a file that exists can be an input (a dangling link
                // at the name is an input that cannot be read, and says so).
                let out = args.out.join(name);
                if !out.exists() {
                    continue;
                }
                let out = path_keys(&out);
                if let Some(input) = args.inputs.iter().find(|i| path_keys(i).iter().any(|k| out.contains(k))) {
                    bail!("the input {} is the output {} in --out {}; choose another folder", input.display(), name, args.out.display());
                }
            }
        }
        Ok(Settings {
            inputs: args.inputs.clone(),
            out: args.out.clone(),
            options: Options {
                level: match args.level {
                    LevelArg::Code => Level::Code,
                    LevelArg::Country => Level::Country,
                },
                by: args.by.map(|b| match b {
                    ByArg::Day => By::Day,
                    ByArg::Week => By::Week,
                    ByArg::Month => By::Month,
                }),
                format,
            },
            quiet: args.quiet,
        })
    }
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let settings = Settings::from_args(args)?;
    let start = Instant::now();
    let dir = &settings.out;
    fs::create_dir_all(dir).with_context(|| format!("cannot create the folder {}", dir.display()))?;
    // All opened (and locked) before reading, so that a second run into the
    // same folder is refused at once; none appears until everything is written.
    let [events_name, dyads_name, actors_name, series_name] = &table_names(settings.options.format);
    #[allow(non_snake_case)]
    let (EVENTS, DYADS, ACTORS, SERIES) = (events_name.as_str(), dyads_name.as_str(), actors_name.as_str(), series_name.as_str());
    let open = |name: &str| Output::create(Some(&dir.join(name)), false).map(|(o, _)| o);
    let events = open(EVENTS)?;
    let mut dyads = open(DYADS)?;
    let mut actors = open(ACTORS)?;
    let mut series = settings.options.by.map(|_| open(SERIES)).transpose()?;
    let mut page = open(REPORT)?;
    let written: Vec<&str> = [EVENTS, DYADS, ACTORS].into_iter().chain(series.as_ref().map(|_| SERIES)).chain([REPORT]).collect();

    let (summary, events) = summarize::summarize_files(&settings.inputs, settings.options, events)?;
    let cannot = |name: &str| format!("cannot write {}", dir.join(name).display());
    summary.write_dyads(&mut dyads).with_context(|| cannot(DYADS))?;
    summary.write_actors(&mut actors).with_context(|| cannot(ACTORS))?;
    if let Some(series) = &mut series {
        summary.write_series(series).with_context(|| cannot(SERIES))?;
    }
    let inputs: Vec<String> = settings.inputs.iter().map(|p| p.display().to_string()).collect();
    page.write_all(report::html(&summary, &inputs).as_bytes()).with_context(|| cannot(REPORT))?;
    for output in [Some(events), Some(dyads), Some(actors), series, Some(page)].into_iter().flatten() {
        output.finish()?;
    }

    let c = &summary.counts;
    if !settings.quiet {
        eprintln!(
            "detente: {} documents, {} sentences, {} events, {} dyads, {} actors, {} self pairs dropped; wrote {} in {:.2} s",
            c.documents,
            c.sentences,
            c.events,
            summary.dyads.len(),
            summary.actors.len(),
            c.self_pairs,
            format_args!("{} to {}", written.join(", "), dir.display()),
            start.elapsed().as_secs_f64()
        );
    }
    if c.undated_events > 0 && settings.options.by.is_some() {
        eprintln!(
            "detente: warning: {} events of documents without a date are not in {SERIES} (they are in the other tables)",
            c.undated_events
        );
    }
    if let Some(why) = summary.why_no_events() {
        eprintln!("detente: warning: {why}");
        return Ok(ExitCode::from(EXIT_SKIPPED));
    }
    Ok(ExitCode::SUCCESS)
}
