//! Criterion benchmarks, one group per stage, each with `Throughput::Bytes`
//! over the sample corpus: splitting into annotated documents, the three
//! steps of the model stage (tokenising and packing, encoder forward,
//! decoding), CSV writing, and the whole pipeline. Run: `cargo bench --bench stages`.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

use detente::core::{Annotated, Document, Origin};
use detente::label::{sentence_refs, LabelStage};
use detente::pipeline::{self, Component, Pipeline, RunSettings, SplitStage, Stage};
use detente::read::Item;
use detente::write::CsvWriter;

fn sample_docs() -> Vec<Document> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/sample");
    let mut paths: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    paths
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| {
            let id = p.file_name().unwrap().to_string_lossy().into_owned();
            Document::new(id, std::fs::read_to_string(&p).unwrap(), Origin { path: Some(p), line: None })
        })
        .collect()
}

fn model_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models/detente")
}

fn split_only(docs: &[Document]) -> Vec<Annotated> {
    let mut batch: Vec<Annotated> = docs.iter().cloned().map(Annotated::new).collect();
    SplitStage::default().run(&mut batch).unwrap();
    batch
}

fn benches(c: &mut Criterion) {
    let docs = sample_docs();
    let bytes: u64 = docs.iter().map(|d| d.text.len() as u64).sum();

    let mut g = c.benchmark_group("split_stage");
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("sample_corpus", |b| b.iter(|| black_box(split_only(&docs))));
    g.finish();

    // One session, one thread: the cost of each step of the model stage per
    // core. The sample corpus is under one slice, so one `prepare` covers it.
    let ner = LabelStage::load(&model_dir(), 1, 1, None).expect("model and ONNX Runtime");
    let split = split_only(&docs);
    let sentences = sentence_refs(&split);
    let mut g = c.benchmark_group("tokenise");
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("sample_corpus", |b| b.iter(|| black_box(ner.prepare(&split, &sentences).unwrap())));
    g.finish();

    let prepared = ner.prepare(&split, &sentences).unwrap();
    let mut g = c.benchmark_group("encoder_forward");
    g.throughput(Throughput::Bytes(bytes));
    g.sample_size(10);
    g.bench_function("sample_corpus_one_core", |b| {
        b.iter_batched(
            || prepared.clone(),
            |mut p| {
                ner.score(&mut p).unwrap();
                p
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();

    let mut scored = prepared.clone();
    ner.score(&mut scored).unwrap();
    let mut g = c.benchmark_group("decode");
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("viterbi_stance_roles", |b| b.iter(|| black_box(ner.decode(&scored))));
    g.finish();

    let mut annotated = split.clone();
    ner.set_annotations(&mut annotated, ner.decode(&scored));
    let mut g = c.benchmark_group("csv_write");
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("sample_corpus", |b| {
        b.iter(|| {
            let mut w = CsvWriter::new(Vec::with_capacity(1 << 20), true).unwrap();
            for a in &annotated {
                w.write_doc(a).unwrap();
            }
            black_box(w.into_inner().unwrap())
        })
    });
    g.finish();

    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let full = Pipeline::new(vec![
        Box::new(SplitStage::default()),
        Box::new(LabelStage::load(&model_dir(), threads, 1, None).unwrap()),
    ]);
    let settings = RunSettings { threads, ..RunSettings::default() };
    let mut g = c.benchmark_group("pipeline");
    g.throughput(Throughput::Bytes(bytes));
    g.sample_size(10);
    g.bench_function("split_ner_all_cores", |b| {
        b.iter(|| {
            let items = docs.iter().cloned().map(Item::Doc);
            let mut n = 0usize;
            pipeline::run(items, &full, &settings, |_| {
                n += 1;
                Ok::<_, ()>(())
            })
            .unwrap();
            black_box(n)
        })
    });
    g.finish();
}

criterion_group!(stages, benches);
criterion_main!(stages);
