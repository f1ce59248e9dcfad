//! Throughput of `detente summarize`'s aggregator over a generated CSV of
//! about a million rows (a sentence row and three entity rows per sentence,
//! 20 actors, 16 weeks), read from a file as the command reads it, with
//! events.csv written to a sink. `benches/make_spans.py` writes a similar
//! file for measuring the command's memory.

use std::fs::File;
use std::hint::black_box;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use detente::summarize::{summarize_files, By, Level, Options};

const ROWS: usize = 1_000_000;

const ACTORS: &[(&str, &str)] = &[
    ("USA", "United States"),
    ("USAGOV", "Donald Trump"),
    ("IRN", "Iran"),
    ("IRNGOV", "Abbas Araghchi"),
    ("IRNMIL", "Revolutionary Guards"),
    ("ISR", "Israel"),
    ("TUR", "Turkey"),
    ("TURGOV", "Tayyip Erdoğan"),
    ("RUS", "Russia"),
    ("RUSGOV", "Vladimir Putin"),
    ("UKR", "Ukraine"),
    ("CHN", "China"),
    ("QAT", "Qatar"),
    ("SAU", "Saudi Arabia"),
    ("IGONAT", "NATO"),
    ("IGOUNO", "United Nations"),
    ("YEMREB", "Houthis"),
    ("EGY", "Egypt"),
    ("OMN", "Oman"),
    ("FRA", "France"),
];
const STANCES: [&str; 3] = ["conciliatory", "threatening", "neutral"];

/// A small xorshift, so that the file is the same on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Writes about `rows` rows; returns the number of bytes.
fn write_spans(path: &Path, rows: usize) -> io::Result<u64> {
    let mut w = BufWriter::new(File::create(path)?);
    writeln!(w, "doc_id,sentence,kind,start,end,text,label,confidence,role,p_conciliatory,p_threatening,p_neutral,actor,date")?;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut n, mut doc) = (0, 0);
    while n < rows {
        doc += 1;
        let day = rng.below(112);
        let date = format!("2026-{:02}-{:02}", 9 + day / 28, 1 + day % 28);
        for s in 0..1 + rng.below(10) {
            let (src, tgt) = (ACTORS[rng.below(ACTORS.len())], ACTORS[rng.below(ACTORS.len())]);
            let stance = STANCES[rng.below(3)];
            let text = format!("{} warned {} on {date} that talks in Geneva could still fail, officials said.", src.1, tgt.1);
            let p = "0.3000,0.4000,0.3000";
            writeln!(w, "doc-{doc:07}.txt,{s},sentence,0,{},\"{text}\",{stance},0.8000,,{p},,{date}", text.len())?;
            writeln!(w, "doc-{doc:07}.txt,{s},entity,0,5,{},LOC,0.9900,source,{p},{},{date}", src.1, src.0)?;
            writeln!(w, "doc-{doc:07}.txt,{s},entity,10,15,{},LOC,0.9900,target,{p},{},{date}", tgt.1, tgt.0)?;
            writeln!(w, "doc-{doc:07}.txt,{s},entity,20,26,Geneva,LOC,0.9900,other,{p},,{date}")?;
            n += 4;
        }
    }
    w.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

fn bench_summarize(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("spans.csv");
    let bytes = write_spans(&path, ROWS).expect("write the CSV");
    let mut group = c.benchmark_group("summarize");
    group.sample_size(10);
    group.throughput(Throughput::Elements(ROWS as u64));
    for (name, options) in
        [("1M rows", Options::default()), ("1M rows, --level country --by week", Options { level: Level::Country, by: Some(By::Week), ..Options::default() })]
    {
        group.bench_function(name, |b| {
            b.iter(|| {
                let (summary, _) = summarize_files(&[&path], options, io::sink()).expect("summarize");
                black_box(summary.counts.events)
            })
        });
    }
    group.finish();
    eprintln!("summarize bench: {ROWS} rows, {:.1} MB of CSV", bytes as f64 / 1e6);
}

criterion_group!(benches, bench_summarize);
criterion_main!(benches);
