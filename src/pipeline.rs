//! The pipeline: reads [`Item`]s from the corpus, groups documents into
//! batches, runs every [`Stage`] over each batch in parallel, and hands the
//! annotated documents (and input problems) to one writer in input order.
//!
//! Parallelism is at one level only: rayon over batches of documents. A stage
//! must not start threads of its own. Memory is bounded by the number of
//! batches in flight, never by the corpus size.

use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread;

use rayon::prelude::*;

use crate::core::{Annotated, Document, Span};
use crate::error::{Problem, StageError};
use crate::read::Item;
use crate::split::SentenceSplitter;

/// One step of annotation, run over many documents at once so that model
/// stages can batch sentences across document boundaries.
///
/// Prediction is separate from annotation: `predict` reads the batch and
/// returns what it found; `set_annotations` writes it into the documents.
pub trait Stage: Send + Sync {
    type Output: Send;

    fn name(&self) -> &'static str;

    fn predict(&self, batch: &[Annotated]) -> Result<Self::Output, StageError>;

    fn set_annotations(&self, batch: &mut [Annotated], output: Self::Output);
}

/// The object-safe face of a [`Stage`], so a pipeline can hold several.
pub trait Component: Send + Sync {
    fn name(&self) -> &'static str;
    fn run(&self, batch: &mut [Annotated]) -> Result<(), StageError>;
}

impl<S: Stage> Component for S {
    fn name(&self) -> &'static str {
        Stage::name(self)
    }

    fn run(&self, batch: &mut [Annotated]) -> Result<(), StageError> {
        let out = self.predict(batch)?;
        self.set_annotations(batch, out);
        Ok(())
    }
}

/// Stage 1: sentence boundaries.
#[derive(Default)]
pub struct SplitStage {
    splitter: SentenceSplitter,
}

impl Stage for SplitStage {
    type Output = Vec<Vec<Span>>;

    fn name(&self) -> &'static str {
        "split"
    }

    fn predict(&self, batch: &[Annotated]) -> Result<Self::Output, StageError> {
        Ok(batch.iter().map(|a| self.splitter.split(&a.doc.text)).collect())
    }

    fn set_annotations(&self, batch: &mut [Annotated], output: Self::Output) {
        for (a, spans) in batch.iter_mut().zip(output) {
            a.sentences = spans.into_iter().map(crate::core::Sentence::new).collect();
        }
    }
}

/// What the writer receives, in input order.
#[derive(Debug)]
pub enum Slot {
    Doc(Annotated),
    Problem(Problem),
}

/// The ordered list of stages.
pub struct Pipeline {
    stages: Vec<Box<dyn Component>>,
}

impl Pipeline {
    pub fn new(stages: Vec<Box<dyn Component>>) -> Self {
        Pipeline { stages }
    }

    /// The pipeline with every stage available without a model.
    pub fn splitting_only() -> Self {
        Pipeline::new(vec![Box::new(SplitStage::default())])
    }

    pub fn stage_names(&self) -> Vec<&'static str> {
        self.stages.iter().map(|s| s.name()).collect()
    }

    fn run_stages(&self, docs: &mut [Annotated]) -> Result<(), StageError> {
        for stage in &self.stages {
            stage.run(docs)?;
        }
        Ok(())
    }

    /// Annotates a batch in place. When a stage fails on the batch, each
    /// document is retried alone, so one bad document costs only itself.
    pub fn process(&self, batch: Vec<Item>) -> Vec<Slot> {
        let mut slots: Vec<Option<Slot>> = Vec::with_capacity(batch.len());
        let mut docs: Vec<Annotated> = Vec::new();
        let mut doc_pos: Vec<usize> = Vec::new();
        for item in batch {
            match item {
                Item::Doc(d) => {
                    doc_pos.push(slots.len());
                    slots.push(None);
                    docs.push(Annotated::new(d));
                }
                Item::Problem(p) => slots.push(Some(Slot::Problem(p))),
            }
        }
        if self.run_stages(&mut docs).is_ok() {
            for (pos, a) in doc_pos.into_iter().zip(docs) {
                slots[pos] = Some(Slot::Doc(a));
            }
        } else {
            for (pos, a) in doc_pos.into_iter().zip(docs) {
                let mut one = [Annotated::new(a.doc)];
                slots[pos] = Some(match self.run_stages(&mut one) {
                    Ok(()) => {
                        let [a] = one;
                        Slot::Doc(a)
                    }
                    Err(e) => {
                        let [a] = one;
                        Slot::Problem(stage_problem(a.doc, e))
                    }
                });
            }
        }
        slots.into_iter().map(|s| s.expect("every slot filled")).collect()
    }
}

fn stage_problem(doc: Document, e: StageError) -> Problem {
    Problem::error(doc.origin, Some(doc.id), e.into())
}

/// Default cap on documents per batch (see [`RunSettings::default`]).
pub const DEFAULT_BATCH_DOCS: usize = 512;

/// How a run is laid out; validated from the command line.
#[derive(Debug, Clone)]
pub struct RunSettings {
    /// Documents per batch, the unit of parallel work.
    pub batch_docs: usize,
    /// A batch also closes once its texts reach this many bytes.
    pub batch_bytes: usize,
    /// Worker threads.
    pub threads: usize,
}

impl Default for RunSettings {
    fn default() -> Self {
        RunSettings {
            // Bytes usually close a batch first; the document cap only
            // matters for very short documents, and 64 left their batches
            // too small to sort and pad well (the 1x bench corpus as 30k
            // one-line documents: 30.9 s with 64, 27.5 s with 512, the same
            // as the articles themselves).
            batch_docs: DEFAULT_BATCH_DOCS,
            // Small enough that a modest corpus still spreads over every
            // worker, large enough (~5k words) to sort and pad well.
            batch_bytes: 32 * 1024,
            threads: thread::available_parallelism().map_or(2, |n| n.get()),
        }
    }
}

/// Batches the item stream on a reader thread.
fn read_batches(items: impl Iterator<Item = Item>, settings: &RunSettings, tx: SyncSender<Vec<Item>>) {
    let mut batch = Vec::with_capacity(settings.batch_docs);
    let mut docs = 0;
    let mut bytes = 0;
    for item in items {
        if let Item::Doc(d) = &item {
            docs += 1;
            bytes += d.text.len();
        }
        batch.push(item);
        if docs >= settings.batch_docs || bytes >= settings.batch_bytes {
            if tx.send(std::mem::take(&mut batch)).is_err() {
                return;
            }
            docs = 0;
            bytes = 0;
        }
    }
    if !batch.is_empty() {
        let _ = tx.send(batch);
    }
}

/// Runs the pipeline over `items`, calling `emit` for every slot in input
/// order from a single writer thread. Stops early, and returns the error,
/// when `emit` fails (a closed pipe, a full disk).
pub fn run<I, E, Err>(items: I, pipeline: &Pipeline, settings: &RunSettings, mut emit: E) -> Result<(), Err>
where
    I: Iterator<Item = Item> + Send,
    E: FnMut(Slot) -> Result<(), Err> + Send,
    Err: Send,
{
    run_batched(items, pipeline, settings, |slot, _| emit(slot))
}

/// Like [`run`], and also tells `emit` which slot ends a batch. Batches are
/// formed from the input alone, so a run restarted at a batch boundary forms
/// the same batches as before; that matters because int8 activations are
/// quantized per batch, so a document's scores depend (slightly) on its
/// batch-mates. `--resume` checkpoints only at batch ends.
pub fn run_batched<I, E, Err>(items: I, pipeline: &Pipeline, settings: &RunSettings, emit: E) -> Result<(), Err>
where
    I: Iterator<Item = Item> + Send,
    E: FnMut(Slot, bool) -> Result<(), Err> + Send,
    Err: Send,
{
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.threads.max(1))
        .thread_name(|i| format!("detente-worker-{i}"))
        .build()
        .expect("thread pool");
    // Enough batches in flight to keep every worker busy while the next
    // window is read; few enough that memory stays bounded.
    let window = settings.threads.max(1) * 2;
    let (batch_tx, batch_rx) = sync_channel::<Vec<Item>>(window);
    let (out_tx, out_rx) = sync_channel::<Vec<Vec<Slot>>>(1);

    thread::scope(|scope| {
        scope.spawn(move || read_batches(items, settings, batch_tx));
        let writer = scope.spawn(move || write_all(out_rx, emit));
        compute(&batch_rx, pipeline, &pool, window, &out_tx);
        drop(out_tx);
        drop(batch_rx);
        writer.join().expect("writer thread panicked")
    })
}

fn compute(
    batch_rx: &Receiver<Vec<Item>>,
    pipeline: &Pipeline,
    pool: &rayon::ThreadPool,
    window: usize,
    out_tx: &SyncSender<Vec<Vec<Slot>>>,
) {
    loop {
        // Wait for one batch, then take what else is ready: a slow stream
        // (a pipe, a feed) gets each batch's output as soon as it is done,
        // rather than when a whole window has arrived.
        let Ok(first) = batch_rx.recv() else { return };
        let mut batches = Vec::with_capacity(window);
        batches.push(first);
        while batches.len() < window {
            match batch_rx.try_recv() {
                Ok(b) => batches.push(b),
                Err(_) => break,
            }
        }
        // `collect` on an indexed parallel iterator keeps the input order.
        let done: Vec<Vec<Slot>> = pool.install(|| batches.into_par_iter().map(|b| pipeline.process(b)).collect());
        if out_tx.send(done).is_err() {
            return; // The writer stopped on an error; it reports it.
        }
    }
}

fn write_all<E, Err>(rx: Receiver<Vec<Vec<Slot>>>, mut emit: E) -> Result<(), Err>
where
    E: FnMut(Slot, bool) -> Result<(), Err>,
{
    for window in rx {
        for batch in window {
            let n = batch.len();
            for (i, slot) in batch.into_iter().enumerate() {
                emit(slot, i + 1 == n)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Origin;

    fn doc(id: &str, text: &str) -> Item {
        Item::Doc(Document::new(id, text, Origin { path: None, line: None }))
    }

    /// A stage that fails on any batch containing a document whose text
    /// contains "POISON", to test the per-document retry.
    struct Fussy;

    impl Stage for Fussy {
        type Output = ();
        fn name(&self) -> &'static str {
            "fussy"
        }
        fn predict(&self, batch: &[Annotated]) -> Result<(), StageError> {
            if batch.iter().any(|a| a.doc.text.contains("POISON")) {
                return Err(StageError::Failed { stage: "fussy", message: "poisoned".into() });
            }
            Ok(())
        }
        fn set_annotations(&self, _: &mut [Annotated], _: ()) {}
    }

    #[test]
    fn output_keeps_input_order_across_many_batches() {
        let n = 1000;
        let items = (0..n).map(|i| doc(&format!("d{i}"), &format!("Doc {i} speaks. It ends.")));
        let settings = RunSettings { batch_docs: 7, batch_bytes: 1 << 20, threads: 3 };
        let mut seen = Vec::new();
        run(items, &Pipeline::splitting_only(), &settings, |slot| {
            match slot {
                Slot::Doc(a) => {
                    assert_eq!(a.sentences.len(), 2, "{}", a.doc.text);
                    seen.push(a.doc.id);
                }
                Slot::Problem(p) => panic!("unexpected problem {p}"),
            }
            Ok::<_, ()>(())
        })
        .unwrap();
        let expected: Vec<String> = (0..n).map(|i| format!("d{i}")).collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn a_failing_document_costs_only_itself() {
        let p = Pipeline::new(vec![Box::new(SplitStage::default()), Box::new(Fussy)]);
        let items = vec![doc("a", "Fine."), doc("b", "POISON here."), doc("c", "Also fine.")];
        let out = p.process(items);
        let kinds: Vec<String> = out
            .iter()
            .map(|s| match s {
                Slot::Doc(a) => format!("doc:{}", a.doc.id),
                Slot::Problem(p) => format!("problem:{}", p.doc_id.clone().unwrap_or_default()),
            })
            .collect();
        assert_eq!(kinds, ["doc:a", "problem:b", "doc:c"]);
        let Slot::Problem(prob) = &out[1] else { unreachable!() };
        assert!(prob.to_string().contains("poisoned"), "{prob}");
    }

    #[test]
    fn writer_error_stops_the_run() {
        let items = (0..500).map(|i| doc(&format!("d{i}"), "A sentence."));
        let settings = RunSettings { batch_docs: 4, batch_bytes: 1 << 20, threads: 2 };
        let mut count = 0;
        let r = run(items, &Pipeline::splitting_only(), &settings, |_| {
            count += 1;
            if count == 10 {
                Err("closed")
            } else {
                Ok(())
            }
        });
        assert_eq!(r, Err("closed"));
        assert_eq!(count, 10);
    }
}
