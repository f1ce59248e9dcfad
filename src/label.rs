//! Stage 2, the model: reads the sentences of a batch of documents and
//! writes, in one forward pass of the shared encoder, the named entities
//! ([`Entity`]: PER, ORG, LOC, MISC, exact byte spans), each sentence's
//! stance (calibrated probabilities) and each entity's role (source, target,
//! other).
//!
//! Sentences are tokenised with the model's `tokenizer.json` (no padding, no
//! truncation). Consecutive sentences of a document are packed into rows of
//! up to `max_length` pieces, because the model was trained on packed
//! neighbouring sentences and document context helps it; a sentence longer
//! than a row is cut into overlapping windows, and each piece takes its
//! scores from the window where it sits furthest from an edge, so nothing is
//! truncated. Rows never hold two documents, and each row is a forward pass
//! of its own by default, so a document's labels depend on it alone.
//! Decoding is Viterbi over the first piece of each word, with only valid BIO
//! transitions; stance is the mean of the sentence's piece logits, a role
//! the mean over the entity's pieces.

use std::path::Path;
use std::sync::Arc;

use ndarray::Array2;
use rayon::prelude::*;
use tokenizers::Tokenizer;

use crate::core::{Annotated, Entity, EntityKind, Role, Span, Stance, StanceProbs};
use crate::engine::{Encoder, EncoderInput, ModelConfig, ModelError, ModelFiles};
use crate::error::StageError;
use crate::pipeline::Stage;

/// A BIO tag, mapped once from the model's `id2label`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    O,
    B(EntityKind),
    I(EntityKind),
}

impl Tag {
    pub fn parse(s: &str) -> Option<Tag> {
        if s == "O" {
            return Some(Tag::O);
        }
        let (prefix, kind) = s.split_once('-')?;
        let kind = EntityKind::parse(kind)?;
        match prefix {
            "B" => Some(Tag::B(kind)),
            "I" => Some(Tag::I(kind)),
            _ => None,
        }
    }

    /// Whether `self` may follow `prev` (`None` at the start of a sentence).
    fn may_follow(self, prev: Option<Tag>) -> bool {
        match self {
            Tag::I(k) => matches!(prev, Some(Tag::B(p)) | Some(Tag::I(p)) if p == k),
            _ => true,
        }
    }
}

/// Casing classes of a word, as in training (`training/ner/common.py`): the
/// encoder is uncased, so the casing of the original word is an input.
fn word_shape(word: &str) -> i64 {
    if word.bytes().any(|b| b.is_ascii_digit()) {
        return 4;
    }
    let (mut up, mut lo) = (0usize, 0usize);
    for c in word.chars() {
        if c.is_uppercase() {
            up += 1;
        } else if c.is_lowercase() {
            lo += 1;
        }
    }
    match (up, lo) {
        (0, 0) => 5,
        (0, _) => 0,
        (_, 0) => 1,
        (1, _) if word.chars().next().is_some_and(char::is_uppercase) => 2,
        _ => 3,
    }
}

/// One word-piece of a sentence.
#[derive(Debug, Clone, Copy)]
struct Piece {
    id: i64,
    case: i64,
}

/// A word (pre-token) of a sentence: its first piece and byte span.
#[derive(Debug, Clone, Copy)]
struct Word {
    first_piece: usize,
    span: Span,
}

/// A sentence being labelled.
#[derive(Clone)]
struct Unit {
    doc: usize,
    sent: usize,
    pieces: Vec<Piece>,
    words: Vec<Word>,
    /// `pieces.len() * labels` scores, filled from the rows.
    logits: Vec<f32>,
    /// Sum of the per-piece stance logits (model order) and how many pieces.
    stance_sum: [f32; 3],
    stance_pieces: usize,
    /// `pieces.len() * 3` role logits (model order), when the model has them.
    roles: Vec<f32>,
}

/// A stretch of one unit's pieces inside a row.
#[derive(Debug, Clone, Copy)]
struct Segment {
    unit: usize,
    /// Pieces `[start, end)` of the unit appear in the row, in order.
    start: usize,
    end: usize,
    /// Pieces whose scores this row provides.
    keep_start: usize,
    keep_end: usize,
}

/// One input sequence (without [CLS]/[SEP]).
#[derive(Debug, Default, Clone)]
struct Row {
    segments: Vec<Segment>,
    len: usize,
}

/// Padded pieces per forward pass (rows x their longest row), at least one
/// row. The default, 1, gives every row (at most 128 pieces) a pass of its
/// own: no padding at all, activations that stay in the core's cache, and a
/// row's scores that depend on the row alone (dynamic int8 quantisation
/// scales each pass by its own range). On the 1x benchmark corpus, 2 cores:
/// 58-69 s against 68-79 s for passes of 512 padded pieces of one document
/// and 67-71 s for 512 across documents (the old default, whose scores
/// changed with the batch); CoNLL dev strict F1 0.9318 against 0.9295 and
/// 0.9319. Measure with `annotate --pass-pieces`.
pub const PASS_PIECES: usize = 1;

/// Cuts rows sorted by length into passes of at most `budget` padded pieces
/// (at least one row each).
fn passes<'r>(sorted: &'r [&'r Row], budget: usize) -> impl Iterator<Item = &'r [&'r Row]> + 'r {
    let mut rest = sorted;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        // Ascending lengths: the padded size of rows[..n] is n x (rows[n-1].len + 2).
        let n = (1..=rest.len()).take_while(|&n| n * (rest[n - 1].len + 2) <= budget).last().unwrap_or(1);
        let (pass, tail) = rest.split_at(n);
        rest = tail;
        Some(pass)
    })
}

/// The model: tokenizer, entity tag map, stance and role heads, encoder.
pub struct LabelModel {
    tokenizer: Tokenizer,
    encoder: Arc<Encoder>,
    tags: Vec<Tag>,
    /// Pieces per row, without the two special tokens.
    window: usize,
    /// Overlap between windows of one long sentence.
    overlap: usize,
    /// Padded pieces per forward pass.
    pass_pieces: usize,
    cls: i64,
    sep: i64,
    pad: i64,
    /// The stance head's outputs in model order, mapped once at load.
    stance: Option<StanceHead>,
}

/// How to read the stance and role outputs.
#[derive(Debug, Clone, Copy)]
struct StanceHead {
    /// `labels[i]` is the stance of output `i`.
    labels: [Stance; 3],
    roles: [Role; 3],
    temperature: f32,
}

impl LabelModel {
    pub fn load(files: &ModelFiles, encoder: Arc<Encoder>) -> Result<LabelModel, ModelError> {
        let config_path = files.dir.join("config.json");
        let labels = ModelConfig::labels(&files.config.id2label, &config_path)?;
        let tags = labels
            .iter()
            .map(|l| {
                Tag::parse(l).ok_or_else(|| ModelError::Config {
                    path: config_path.clone(),
                    message: format!("unknown NER label `{l}` (expected O or B-/I- with PER, ORG, LOC, MISC)"),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut tokenizer = Tokenizer::from_file(&files.tokenizer)
            .map_err(|e| ModelError::File { path: files.tokenizer.clone(), message: e.to_string() })?;
        // The shipped tokenizer pads to 128; we pad each batch ourselves.
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(None)
            .map_err(|e| ModelError::File { path: files.tokenizer.clone(), message: e.to_string() })?;
        let special = |t: &str| {
            tokenizer.token_to_id(t).map(i64::from).ok_or_else(|| ModelError::Config {
                path: files.tokenizer.clone(),
                message: format!("tokenizer has no {t} token"),
            })
        };
        let (cls, sep, pad) = (special("[CLS]")?, special("[SEP]")?, special("[PAD]")?);
        let max_len = files.config.max_length.max(16);
        let stance = if encoder.has_stance() { Some(stance_head(&files.config, &config_path)?) } else { None };
        Ok(LabelModel {
            tokenizer,
            encoder,
            tags,
            window: max_len - 2,
            overlap: (max_len - 2) / 4,
            pass_pieces: PASS_PIECES,
            cls,
            sep,
            pad,
            stance,
        })
    }

    pub fn has_stance(&self) -> bool {
        self.stance.is_some()
    }

    /// Overrides the row length (for tests of the windowing).
    pub fn with_window(mut self, window: usize, overlap: usize) -> Self {
        assert!(window > 2 * overlap, "windows must advance");
        self.window = window;
        self.overlap = overlap;
        self
    }

    fn tokenize(&self, doc: usize, sent: usize, text: &str) -> Result<Unit, StageError> {
        let enc = self
            .tokenizer
            .encode(text, false)
            .map_err(|e| StageError::Failed { stage: "label", message: format!("tokenizer: {e}") })?;
        let ids = enc.get_ids();
        let offsets = enc.get_offsets();
        let word_ids = enc.get_word_ids();
        let mut words: Vec<Word> = Vec::new();
        let mut word_of_piece = Vec::with_capacity(ids.len());
        let mut prev: Option<u32> = None;
        for (i, (&(s, e), w)) in offsets.iter().zip(word_ids).enumerate() {
            if w.is_none() || *w != prev {
                words.push(Word { first_piece: i, span: Span::new(s, e) });
            } else if let Some(last) = words.last_mut() {
                last.span.end = last.span.end.max(e);
            }
            prev = *w;
            word_of_piece.push(words.len() - 1);
        }
        let pieces = ids
            .iter()
            .enumerate()
            .map(|(i, &id)| {
                let w = words[word_of_piece[i]];
                let shape = word_shape(&text[w.span]);
                let case = if w.first_piece == i { 1 + shape } else { 7 + shape };
                Piece { id: i64::from(id), case }
            })
            .collect::<Vec<_>>();
        let logits = vec![0.0; pieces.len() * self.tags.len()];
        let roles = if self.stance.is_some() { vec![0.0; pieces.len() * 3] } else { Vec::new() };
        Ok(Unit { doc, sent, pieces, words, logits, stance_sum: [0.0; 3], stance_pieces: 0, roles })
    }

    /// Packs the units (in document order) into rows.
    fn pack(&self, units: &[Unit]) -> Vec<Row> {
        let mut rows = Vec::new();
        let mut cur = Row::default();
        let mut cur_doc = usize::MAX;
        for (ui, u) in units.iter().enumerate() {
            let n = u.pieces.len();
            if n == 0 {
                continue;
            }
            if n > self.window {
                if cur.len > 0 {
                    rows.push(std::mem::take(&mut cur));
                }
                rows.extend(windows(self.window, self.overlap, ui, n));
                continue;
            }
            if cur.len > 0 && (cur.len + n > self.window || u.doc != cur_doc) {
                rows.push(std::mem::take(&mut cur));
            }
            cur_doc = u.doc;
            cur.segments.push(Segment { unit: ui, start: 0, end: n, keep_start: 0, keep_end: n });
            cur.len += n;
        }
        if cur.len > 0 {
            rows.push(cur);
        }
        rows
    }

    fn run_rows(&self, units: &mut [Unit], rows: &[&Row]) -> Result<(), StageError> {
        let width = rows.iter().map(|r| r.len).max().unwrap_or(0) + 2;
        let b = rows.len();
        let mut ids = Array2::<i64>::from_elem((b, width), self.pad);
        let mut mask = Array2::<i64>::zeros((b, width));
        let mut case = Array2::<i64>::zeros((b, width));
        for (r, row) in rows.iter().enumerate() {
            ids[[r, 0]] = self.cls;
            mask[[r, 0]] = 1;
            let mut col = 1;
            for seg in &row.segments {
                for p in &units[seg.unit].pieces[seg.start..seg.end] {
                    ids[[r, col]] = p.id;
                    case[[r, col]] = p.case;
                    mask[[r, col]] = 1;
                    col += 1;
                }
            }
            ids[[r, col]] = self.sep;
            mask[[r, col]] = 1;
        }
        let out = self
            .encoder
            .forward(&EncoderInput { input_ids: ids, attention_mask: mask, case_ids: case })
            .map_err(|e| StageError::Failed { stage: "label", message: e.to_string() })?;
        let logits = out.ner_logits;
        let nl = self.tags.len();
        if logits.shape()[2] != nl {
            return Err(StageError::Failed {
                stage: "label",
                message: format!("model gives {} labels per token, config has {nl}", logits.shape()[2]),
            });
        }
        let extra = match (&out.stance_token_logits, &out.role_logits) {
            (Some(s), Some(r)) if self.stance.is_some() => Some((s, r)),
            _ => None,
        };
        for (r, row) in rows.iter().enumerate() {
            let mut col = 1;
            for seg in &row.segments {
                let unit = &mut units[seg.unit];
                for p in seg.start..seg.end {
                    if p >= seg.keep_start && p < seg.keep_end {
                        for l in 0..nl {
                            unit.logits[p * nl + l] = logits[[r, col, l]];
                        }
                        if let Some((stance, roles)) = extra {
                            for k in 0..3 {
                                unit.stance_sum[k] += stance[[r, col, k]];
                                unit.roles[p * 3 + k] = roles[[r, col, k]];
                            }
                            unit.stance_pieces += 1;
                        }
                    }
                    col += 1;
                }
            }
        }
        Ok(())
    }

}

fn stance_head(config: &ModelConfig, path: &Path) -> Result<StanceHead, ModelError> {
    let bad = |m: String| ModelError::Config { path: path.to_path_buf(), message: m };
    let stance = config.stance_labels.as_ref().ok_or_else(|| bad("model has a stance head but no `stance_labels`".into()))?;
    let roles = config.role_labels.as_ref().ok_or_else(|| bad("model has a role head but no `role_labels`".into()))?;
    if stance.len() != 3 || roles.len() != 3 {
        return Err(bad("`stance_labels` and `role_labels` must have three entries each".into()));
    }
    let mut labels = [Stance::Neutral; 3];
    for (i, l) in stance.iter().enumerate() {
        labels[i] = Stance::parse(l).ok_or_else(|| bad(format!("unknown stance label `{l}`")))?;
    }
    let mut role_map = [Role::Other; 3];
    for (i, l) in roles.iter().enumerate() {
        role_map[i] = Role::parse(l).ok_or_else(|| bad(format!("unknown role label `{l}`")))?;
    }
    let distinct = |a: &[Stance; 3]| a[0] != a[1] && a[1] != a[2] && a[0] != a[2];
    if !distinct(&labels) {
        return Err(bad("`stance_labels` repeats a label".into()));
    }
    let temperature = config.stance_temperature.unwrap_or(1.0);
    if !(temperature.is_finite() && temperature > 0.0) {
        return Err(bad(format!("stance_temperature {temperature} must be positive")));
    }
    Ok(StanceHead { labels, roles: role_map, temperature })
}

fn softmax3(x: [f32; 3]) -> [f32; 3] {
    let m = x[0].max(x[1]).max(x[2]);
    let e = [(x[0] - m).exp(), (x[1] - m).exp(), (x[2] - m).exp()];
    let s = e[0] + e[1] + e[2];
    [e[0] / s, e[1] / s, e[2] / s]
}

/// The sentence's calibrated stance, in [`Stance::ALL`] order.
fn sentence_stance(head: &StanceHead, unit: &Unit) -> Option<StanceProbs> {
    if unit.stance_pieces == 0 {
        return None;
    }
    let n = unit.stance_pieces as f32 * head.temperature;
    let p = softmax3([unit.stance_sum[0] / n, unit.stance_sum[1] / n, unit.stance_sum[2] / n]);
    let mut out = [0.0; 3];
    for (i, s) in head.labels.iter().enumerate() {
        out[s.index()] = p[i];
    }
    Some(StanceProbs(out))
}

/// An entity's role: the mean role logits over its pieces.
fn entity_role(head: &StanceHead, unit: &Unit, pieces: std::ops::Range<usize>) -> Role {
    let mut sum = [0.0f32; 3];
    for p in pieces {
        for (acc, x) in sum.iter_mut().zip(&unit.roles[p * 3..p * 3 + 3]) {
            *acc += x;
        }
    }
    let best = (0..3).max_by(|&a, &b| sum[a].total_cmp(&sum[b])).unwrap_or(0);
    head.roles[best]
}

/// Overlapping windows over one long sentence. Each piece is kept from
/// the window where it is furthest from an edge: the boundary between
/// two windows falls in the middle of their overlap.
fn windows(window: usize, overlap: usize, unit: usize, n: usize) -> Vec<Row> {
    let stride = window - overlap;
    let mut starts = vec![0];
    while starts.last().unwrap() + window < n {
        starts.push(starts.last().unwrap() + stride);
    }
    starts
        .iter()
        .enumerate()
        .map(|(k, &s)| {
            let end = (s + window).min(n);
            let keep_start = if k == 0 { 0 } else { s + overlap / 2 };
            let keep_end = if k + 1 == starts.len() { n } else { starts[k + 1] + overlap / 2 };
            Row { segments: vec![Segment { unit, start: s, end, keep_start, keep_end }], len: end - s }
        })
        .collect()
}

/// Viterbi over words with valid BIO transitions; returns entities with
/// sentence-relative spans.
fn decode(tags: &[Tag], unit: &Unit) -> Vec<(Span, EntityKind, f32, std::ops::Range<usize>)> {
    let nl = tags.len();
    let nw = unit.words.len();
    if nw == 0 {
        return Vec::new();
    }
    // Per-word probabilities from the first piece of each word.
    let mut probs = vec![0f32; nw * nl];
    for (w, word) in unit.words.iter().enumerate() {
        let row = &unit.logits[word.first_piece * nl..(word.first_piece + 1) * nl];
        let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let sum: f32 = row.iter().map(|x| (x - max).exp()).sum();
        for l in 0..nl {
            probs[w * nl + l] = (row[l] - max).exp() / sum;
        }
    }
    let mut score = vec![f32::NEG_INFINITY; nw * nl];
    let mut back = vec![0usize; nw * nl];
    for l in 0..nl {
        if tags[l].may_follow(None) {
            score[l] = probs[l].max(1e-12).ln();
        }
    }
    for w in 1..nw {
        for l in 0..nl {
            let emit = probs[w * nl + l].max(1e-12).ln();
            let mut best = (f32::NEG_INFINITY, 0);
            for p in 0..nl {
                let s = score[(w - 1) * nl + p];
                if s > best.0 && tags[l].may_follow(Some(tags[p])) {
                    best = (s, p);
                }
            }
            score[w * nl + l] = best.0 + emit;
            back[w * nl + l] = best.1;
        }
    }
    let mut path = vec![0usize; nw];
    let last = &score[(nw - 1) * nl..];
    path[nw - 1] = (0..nl).max_by(|&a, &b| last[a].total_cmp(&last[b])).unwrap_or(0);
    for w in (1..nw).rev() {
        path[w - 1] = back[w * nl + path[w]];
    }
    let mut out = Vec::new();
    let mut w = 0;
    while w < nw {
        let Tag::B(kind) = tags[path[w]] else {
            w += 1;
            continue;
        };
        let start = w;
        let mut conf = probs[w * nl + path[w]];
        w += 1;
        while w < nw && tags[path[w]] == Tag::I(kind) {
            conf += probs[w * nl + path[w]];
            w += 1;
        }
        let span = Span::new(unit.words[start].span.start, unit.words[w - 1].span.end);
        let pieces_end = if w < nw { unit.words[w].first_piece } else { unit.pieces.len() };
        out.push((span, kind, conf / (w - start) as f32, unit.words[start].first_piece..pieces_end));
    }
    out
}

/// What the model found in one sentence.
pub struct SentenceLabels {
    pub doc: usize,
    pub sent: usize,
    /// Sentence-relative spans.
    pub entities: Vec<(Span, EntityKind, f32, Option<Role>)>,
    pub stance: Option<StanceProbs>,
}

/// Predictions for every sentence of a batch.
pub type Labels = Vec<SentenceLabels>;

/// Sentences of one document tokenised and scored at once: ordinary news
/// fits in one slice; a huge document is cut into slices of this many
/// sentences, counted from its own first sentence.
const MAX_SENTENCES_IN_FLIGHT: usize = 1024;

/// A sentence of a batch: document index, sentence index, byte span.
pub type SentenceRef = (usize, usize, Span);

/// Every sentence of a batch, in order.
pub fn sentence_refs(batch: &[Annotated]) -> Vec<SentenceRef> {
    batch
        .iter()
        .enumerate()
        .flat_map(|(d, a)| a.sentences.iter().enumerate().map(move |(s, sent)| (d, s, sent.span)))
        .collect()
}

/// Tokenised sentences packed into rows, and their scores once
/// [`LabelStage::score`] has run.
#[derive(Clone)]
pub struct Prepared {
    units: Vec<Unit>,
    rows: Vec<Row>,
}

/// The stage that labels entities, stance and roles.
pub struct LabelStage {
    model: LabelModel,
}

impl LabelStage {
    pub fn new(model: LabelModel) -> Self {
        LabelStage { model }
    }

    /// Loads the model folder with one encoder session per worker.
    pub fn load(dir: &Path, workers: usize, intra_threads: usize, ort_lib: Option<&Path>) -> Result<LabelStage, ModelError> {
        let files = ModelFiles::open(dir)?;
        let env = crate::engine::runtime(ort_lib)?;
        let encoder = Arc::new(Encoder::load(&files, workers, intra_threads, env)?);
        Ok(LabelStage { model: LabelModel::load(&files, encoder)? })
    }

    /// Step 1 of [`Stage::predict`]: tokenises the given sentences of `batch`
    /// and packs them into rows.
    pub fn prepare(&self, batch: &[Annotated], sentences: &[SentenceRef]) -> Result<Prepared, StageError> {
        let m = &self.model;
        let mut units = Vec::with_capacity(sentences.len());
        for &(d, s, span) in sentences {
            units.push(m.tokenize(d, s, &batch[d].doc.text[span])?);
        }
        let rows = m.pack(&units);
        Ok(Prepared { units, rows })
    }

    /// Step 2: runs the encoder over the rows, one document at a time,
    /// shortest rows first, in passes of at most `pass_pieces` padded pieces
    /// (sorting keeps padding small).
    ///
    /// A pass never holds two documents' rows: dynamic int8 quantisation
    /// scales a pass by its largest activation, and padding widens a pass to
    /// its longest row, so a document's scores would otherwise depend on the
    /// documents it happened to be batched with.
    pub fn score(&self, prepared: &mut Prepared) -> Result<(), StageError> {
        let m = &self.model;
        let doc_of = |r: &Row| r.segments.first().map_or(usize::MAX, |s| prepared.units[s.unit].doc);
        let mut order: Vec<&Row> = prepared.rows.iter().collect();
        // Stable: rows of equal length keep document order.
        order.sort_by_key(|r| (doc_of(r), r.len));
        let per_doc: Vec<&[&Row]> = order.chunk_by(|a, b| doc_of(a) == doc_of(b)).collect();
        for rows in per_doc {
            for pass in passes(rows, m.pass_pieces) {
                m.run_rows(&mut prepared.units, pass)?;
            }
        }
        Ok(())
    }

    /// Step 3: Viterbi entities, sentence stance and entity roles from the scores.
    pub fn decode(&self, prepared: &Prepared) -> Labels {
        let m = &self.model;
        prepared
            .units
            .iter()
            .map(|u| {
                let entities = decode(&m.tags, u)
                    .into_iter()
                    .map(|(span, kind, conf, pieces)| (span, kind, conf, m.stance.as_ref().map(|h| entity_role(h, u, pieces))))
                    .collect();
                let stance = m.stance.as_ref().and_then(|h| sentence_stance(h, u));
                SentenceLabels { doc: u.doc, sent: u.sent, entities, stance }
            })
            .collect()
    }

    /// Padded pieces per forward pass (default [`PASS_PIECES`]). Dynamic int8
    /// quantization scales activations per pass, so scores depend slightly on
    /// this number; runs with the same value are reproducible.
    pub fn with_pass_pieces(mut self, pieces: usize) -> Self {
        self.model.pass_pieces = pieces.max(1);
        self
    }
}

impl Stage for LabelStage {
    type Output = Labels;

    fn name(&self) -> &'static str {
        "label"
    }

    fn predict(&self, batch: &[Annotated]) -> Result<Labels, StageError> {
        let sentences = sentence_refs(batch);
        let slice_predictions = |slice: &[SentenceRef]| -> Result<Labels, StageError> {
            let mut prepared = self.prepare(batch, slice)?;
            self.score(&mut prepared)?;
            Ok(self.decode(&prepared))
        };
        if sentences.len() <= MAX_SENTENCES_IN_FLIGHT {
            // Ordinary batches: one call, whose passes are per document anyway.
            return if sentences.is_empty() { Ok(Vec::new()) } else { slice_predictions(&sentences) };
        }
        // Slices are cut from each document alone (its own first sentence,
        // every MAX_SENTENCES_IN_FLIGHT sentences), so that neither rows nor
        // passes depend on the batch; scores for one slice are held at once,
        // which bounds memory for a huge document.
        let slices: Vec<&[SentenceRef]> =
            sentences.chunk_by(|a, b| a.0 == b.0).flat_map(|doc| doc.chunks(MAX_SENTENCES_IN_FLIGHT)).collect();
        // A huge document is a batch of its own, so the other workers would
        // idle: its slices go to the same rayon pool (each worker uses its
        // own session, single-threaded, so nothing is oversubscribed). The
        // scores do not depend on which worker ran them.
        let per_slice = slices.par_iter().map(|s| slice_predictions(s)).collect::<Result<Vec<_>, _>>()?;
        Ok(per_slice.into_iter().flatten().collect())
    }

    fn set_annotations(&self, batch: &mut [Annotated], output: Labels) {
        for p in output {
            let sentence = &mut batch[p.doc].sentences[p.sent];
            let base = sentence.span.start;
            sentence.stance = p.stance;
            sentence.entities = p
                .entities
                .into_iter()
                .map(|(span, kind, confidence, role)| Entity {
                    span: span.offset_by(base),
                    kind,
                    confidence,
                    role,
                    // An entity carries the stance of the statement it takes part in.
                    stance: role.and(p.stance),
                    actor: None,
                })
                .collect();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_match_training() {
        let cases = [
            ("iran", 0),
            ("IAEA", 1),
            ("A", 1),
            ("Erdoğan", 2),
            ("McDonald", 3),
            ("iPhone", 3),
            ("1996-08-22", 4),
            ("F-16", 4),
            (",", 5),
            ("習近平", 5),
            ("ÖZGÜR", 1),
        ];
        for (w, shape) in cases {
            assert_eq!(word_shape(w), shape, "{w}");
        }
    }

    #[test]
    fn passes_fill_a_piece_budget() {
        let row = |len| Row { segments: Vec::new(), len };
        let cases: [(&[usize], usize, &[usize]); 6] = [
            (&[126, 126, 126, 126, 126], 512, &[4, 1]),
            (&[8; 100], 512, &[51, 49]),
            (&[8, 8, 8, 60, 126, 126], 512, &[4, 2]),
            (&[8, 8, 8, 60, 126, 126, 126], 512, &[4, 3]),
            (&[600], 512, &[1]),
            (&[], 512, &[]),
        ];
        for (lens, budget, want) in cases {
            let rows: Vec<Row> = lens.iter().map(|&l| row(l)).collect();
            let sorted: Vec<&Row> = rows.iter().collect();
            let got: Vec<usize> = passes(&sorted, budget).map(|p| p.len()).collect();
            assert_eq!(got, want, "{lens:?}");
            for p in passes(&sorted, budget).filter(|p| p.len() > 1) {
                assert!(p.len() * (p[p.len() - 1].len + 2) <= budget);
            }
        }
    }

    #[test]
    fn tags_parse_and_transitions_are_valid() {
        assert_eq!(Tag::parse("B-PER"), Some(Tag::B(EntityKind::Per)));
        assert_eq!(Tag::parse("I-MISC"), Some(Tag::I(EntityKind::Misc)));
        assert_eq!(Tag::parse("O"), Some(Tag::O));
        assert_eq!(Tag::parse("B-GPE"), None);
        assert_eq!(Tag::parse("E-PER"), None);
        let (b, i) = (Tag::B(EntityKind::Org), Tag::I(EntityKind::Org));
        assert!(i.may_follow(Some(b)));
        assert!(i.may_follow(Some(i)));
        assert!(!i.may_follow(Some(Tag::O)));
        assert!(!i.may_follow(None));
        assert!(!i.may_follow(Some(Tag::B(EntityKind::Per))));
        assert!(b.may_follow(Some(Tag::O)) && Tag::O.may_follow(Some(i)));
    }

    #[test]
    fn windows_cover_every_piece_exactly_once() {
        for (window, overlap, n) in [(10, 4, 11), (10, 4, 37), (126, 31, 127), (126, 31, 1000), (8, 2, 9)] {
            let rows = windows(window, overlap, 0, n);
            let mut kept = vec![0; n];
            for r in &rows {
                let seg = r.segments[0];
                assert!(seg.end - seg.start <= window);
                assert_eq!(r.len, seg.end - seg.start);
                assert!(seg.start <= seg.keep_start && seg.keep_end <= seg.end, "{seg:?}");
                for k in &mut kept[seg.keep_start..seg.keep_end] {
                    *k += 1;
                }
            }
            assert!(kept.iter().all(|&k| k == 1), "window {window} overlap {overlap} n {n}: {kept:?}");
            // Every kept piece has context on both sides unless at a sentence edge.
            for r in &rows {
                let seg = r.segments[0];
                if seg.keep_start > 0 {
                    assert!(seg.keep_start - seg.start >= overlap / 2);
                }
            }
        }
    }

    fn unit_with(words: usize, word_logits: &[[f32; 9]]) -> Unit {
        let words_v = (0..words).map(|i| Word { first_piece: i, span: Span::new(i * 5, i * 5 + 4) }).collect();
        Unit {
            doc: 0,
            sent: 0,
            pieces: vec![Piece { id: 0, case: 0 }; words],
            words: words_v,
            logits: word_logits.iter().flatten().copied().collect(),
            stance_sum: [0.0; 3],
            stance_pieces: 0,
            roles: Vec::new(),
        }
    }

    const TAGS: [&str; 9] = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"];

    fn one_hot(l: usize, strength: f32) -> [f32; 9] {
        let mut v = [0.0; 9];
        v[l] = strength;
        v
    }

    #[test]
    fn viterbi_never_starts_an_entity_with_i() {
        let tags: Vec<Tag> = TAGS.iter().map(|t| Tag::parse(t).unwrap()).collect();
        // Argmax would say O I-PER I-PER O: invalid. Viterbi must not emit an
        // I- after O; here it prefers B-PER I-PER (B-PER is close behind).
        let mut w1 = one_hot(2, 5.0);
        w1[1] = 4.5;
        let unit = unit_with(4, &[one_hot(0, 5.0), w1, one_hot(2, 5.0), one_hot(0, 5.0)]);
        let ents = decode(&tags, &unit);
        assert_eq!(ents.len(), 1);
        assert_eq!(ents[0].0, Span::new(5, 14));
        assert_eq!(ents[0].1, EntityKind::Per);
        assert!(ents[0].2 > 0.3 && ents[0].2 <= 1.0);
    }

    #[test]
    fn adjacent_entities_of_the_same_type_stay_apart() {
        let tags: Vec<Tag> = TAGS.iter().map(|t| Tag::parse(t).unwrap()).collect();
        let unit = unit_with(3, &[one_hot(5, 6.0), one_hot(5, 6.0), one_hot(6, 6.0)]);
        let ents: Vec<(Span, EntityKind)> = decode(&tags, &unit).into_iter().map(|(s, k, _, _)| (s, k)).collect();
        assert_eq!(ents, [(Span::new(0, 4), EntityKind::Loc), (Span::new(5, 14), EntityKind::Loc)]);
        // An I- of another type after B-LOC cannot continue it.
        let unit = unit_with(2, &[one_hot(5, 6.0), one_hot(4, 6.0)]);
        let ents = decode(&tags, &unit);
        assert!(ents.iter().all(|(s, k, _, _)| !(*k == EntityKind::Loc && s.end == 9)), "{ents:?}");
    }

    #[test]
    fn empty_sentence_has_no_entities() {
        let tags: Vec<Tag> = TAGS.iter().map(|t| Tag::parse(t).unwrap()).collect();
        assert!(decode(&tags, &unit_with(0, &[])).is_empty());
    }
}
