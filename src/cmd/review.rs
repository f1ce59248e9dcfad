//! `detente review`: reads the annotate CSV and the corpus it was made
//! from, serves the review page on this machine (or exports the reviewed
//! documents as gold JSONL), and keeps every decision in a SQLite file.

use std::collections::HashMap;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context};

use detente::eval::pred::Predictions;
use detente::read::{Corpus, Format, Input, Item, ReadSettings};
use detente::review::export::{agreement, finished, gold_line, ExportCounts};
use detente::review::server::{serve, App};
use detente::review::state::{by_doc, reviewers, view};
use detente::review::store::Store;

use super::annotate::FormatArg;
use super::{Output, EXIT_SKIPPED};

/// Review the labels of an annotate CSV in the browser, and export the
/// corrections as gold.
///
/// Serves a page on 127.0.0.1 that shows one article at a time: sentences
/// coloured by stance, entities by type, roles and actor codes; documents
/// where the model is least sure first. Keys: j/k move, a accept, 1/2/3
/// conciliatory/threatening/neutral, n/p next/previous document; select text
/// to add an entity, click one to change or remove it. Every decision is
/// stored at once in --db, with the reviewer's name and the time.
///
/// With --export FILE, writes instead the documents whose every sentence
/// the reviewer decided as gold JSONL for `detente eval --gold`, and prints
/// Cohen's kappa for reviewers who labelled the same sentences.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  \
    detente annotate corpus.jsonl -o spans.csv\n  \
    detente review spans.csv --corpus corpus.jsonl --reviewer ana\n  \
    detente review spans.csv --corpus corpus.jsonl --export gold.jsonl --reviewer ana\n  \
    detente eval --gold gold.jsonl --pred spans.csv")]
pub struct Args {
    /// The CSV written by `detente annotate`.
    #[arg(value_name = "SPANS.csv")]
    pub spans: PathBuf,

    /// The corpus the CSV was annotated from (its text goes into the export).
    #[arg(long, required = true, num_args = 1.., value_name = "INPUT")]
    pub corpus: Vec<String>,

    /// JSONL field or CSV column holding the document id in the corpus.
    #[arg(long, default_value = "id", value_name = "NAME")]
    pub id_field: String,

    /// JSONL field or CSV column holding the document text in the corpus.
    #[arg(long, default_value = "text", value_name = "NAME")]
    pub text_field: String,

    /// Read corpus files given by name as this format.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<FormatArg>,

    /// The decisions database (created if missing).
    #[arg(long, default_value = "review.sqlite", value_name = "FILE")]
    pub db: PathBuf,

    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 8000)]
    pub port: u16,

    /// Address to listen on. Anything but a loopback address lets other
    /// machines reach the page and its decisions; it must be asked for.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub host: IpAddr,

    /// The reviewer's name (the page asks when it is not given); with
    /// --export, whose decisions to export.
    #[arg(long, value_name = "NAME")]
    pub reviewer: Option<String>,

    /// Write the finished documents as gold JSONL to FILE instead of serving.
    #[arg(long, value_name = "FILE")]
    pub export: Option<PathBuf>,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let preds = Predictions::read_csv(&args.spans).with_context(|| format!("cannot read {}", args.spans.display()))?;
    if preds.docs.is_empty() {
        bail!("{} holds no documents to review", args.spans.display());
    }
    let store = Store::open(&args.db)?;
    match &args.export {
        Some(out) => export(args, preds, &store, out),
        None => {
            let reviewer = args.reviewer.clone().unwrap_or_default();
            let token = session_token();
            let app = Arc::new(App::new(preds, store, token, reviewer));
            let addr = SocketAddr::new(args.host, args.port);
            if !addr.ip().is_loopback() {
                eprintln!(
                    "detente: warning: listening on {addr}: anyone who can reach this machine can read these documents and, with the page's token, change the labels"
                );
            }
            let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
                let local = listener.local_addr()?;
                println!("detente review: http://{local}/ ({} documents; decisions in {})", app.preds.docs.len(), args.db.display());
                std::io::stdout().flush()?;
                serve(app, listener).await.context("the review server stopped")
            })?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn export(args: &Args, preds: Predictions, store: &Store, out: &std::path::Path) -> anyhow::Result<ExitCode> {
    let all = store.decisions(None)?;
    let names = reviewers(&all);
    let reviewer = match (&args.reviewer, names.as_slice()) {
        (Some(r), _) => r.clone(),
        (None, [only]) => only.clone(),
        (None, []) => bail!("{} holds no decisions yet; nothing to export", args.db.display()),
        (None, many) => bail!("{} holds decisions by {}; choose one with --reviewer", args.db.display(), many.join(", ")),
    };
    let by_doc = by_doc(all);
    // The text of the documents to export, from the corpus.
    let read = ReadSettings {
        id_field: args.id_field.clone(),
        text_field: args.text_field.clone(),
        format: args.format.map(Format::from),
        ..ReadSettings::default()
    };
    let inputs: Vec<Input> = args.corpus.iter().map(|s| Input::parse(s)).collect();
    let mut texts: HashMap<String, String> = HashMap::new();
    for item in Corpus::open(&inputs, read) {
        match item {
            Item::Doc(d) if preds.get(&d.id).is_some() => {
                texts.insert(d.id.clone(), d.text);
            }
            Item::Doc(_) => {}
            Item::Problem(p) => eprintln!("detente: {}: {p}", p.severity.as_str()),
        }
    }
    let (mut output, _) = Output::create(Some(out), false)?;
    let mut counts = ExportCounts::default();
    let empty = Vec::new();
    for doc in &preds.docs {
        let ds = by_doc.get(&doc.id).unwrap_or(&empty);
        let v = view(doc, ds, &reviewer);
        if !finished(&v) {
            counts.unfinished += usize::from(v.sentences.iter().any(|s| s.decision.is_some()));
            continue;
        }
        let text = texts.get(&doc.id).with_context(|| format!("document `{}` is reviewed but not in the --corpus", doc.id))?;
        let line = gold_line(doc, &v, text).map_err(anyhow::Error::msg)?;
        writeln!(output, "{line}").with_context(|| format!("cannot write {}", out.display()))?;
        counts.exported += 1;
    }
    output.finish()?;
    eprintln!(
        "detente: exported {} documents reviewed by {reviewer} to {} ({} begun and not finished, left out)",
        counts.exported,
        out.display(),
        counts.unfinished
    );
    for a in agreement(&preds.docs, &by_doc, &names) {
        eprintln!(
            "detente: agreement {} / {} on {}: {} items, {:.3} observed, Cohen's kappa {:.3}",
            a.reviewers[0], a.reviewers[1], a.layer, a.items, a.observed, a.kappa
        );
    }
    if counts.exported == 0 {
        eprintln!("detente: warning: no document has a decision on every sentence by {reviewer}; the export is empty");
        return Ok(ExitCode::from(EXIT_SKIPPED));
    }
    Ok(ExitCode::SUCCESS)
}

/// 128 random bits as hex, from the operating system.
fn session_token() -> String {
    let mut bytes = [0u8; 16];
    if let Ok(mut f) = std::fs::File::open("/dev/urandom") {
        let _ = std::io::Read::read_exact(&mut f, &mut bytes);
    }
    if bytes == [0u8; 16] {
        // No /dev/urandom: the standard library's randomly seeded hasher.
        use std::hash::{BuildHasher, Hasher};
        for chunk in bytes.chunks_mut(8) {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
            chunk.copy_from_slice(&h.finish().to_le_bytes());
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
