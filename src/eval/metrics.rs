//! The arithmetic of evaluation, on aligned items only (no I/O): entity
//! matching (strict and overlap), P/R/F1 with seqeval's conventions, stance
//! classification scores, expected calibration error, and the document
//! bootstrap.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::core::Stance;

/// An entity mention, in character offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Mention<'a> {
    pub start: usize,
    pub end: usize,
    pub label: &'a str,
}

impl Mention<'_> {
    fn overlaps(&self, o: &Mention) -> bool {
        self.start < o.end && o.start < self.end
    }

    fn overlap(&self, o: &Mention) -> usize {
        self.end.min(o.end).saturating_sub(self.start.max(o.start))
    }
}

/// How the mentions of one document matched.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocMatch {
    pub gold_strict: Vec<bool>,
    pub pred_strict: Vec<bool>,
    pub gold_typed: Vec<bool>,
    pub pred_typed: Vec<bool>,
    pub gold_any: Vec<bool>,
    pub pred_any: Vec<bool>,
    /// For each gold mention, the prediction overlapping it most (the first
    /// on a tie): the cell of the type confusion table.
    pub gold_best: Vec<Option<usize>>,
}

/// Matches one document's mentions. Both lists must be free of duplicates.
/// Quadratic in the mentions of one document, which stay in the hundreds.
pub fn match_doc(gold: &[Mention], pred: &[Mention]) -> DocMatch {
    let mut m = DocMatch {
        gold_strict: vec![false; gold.len()],
        pred_strict: vec![false; pred.len()],
        gold_typed: vec![false; gold.len()],
        pred_typed: vec![false; pred.len()],
        gold_any: vec![false; gold.len()],
        pred_any: vec![false; pred.len()],
        gold_best: vec![None; gold.len()],
    };
    for (gi, g) in gold.iter().enumerate() {
        let mut best: Option<(usize, usize)> = None;
        for (pi, p) in pred.iter().enumerate() {
            if !g.overlaps(p) {
                continue;
            }
            m.gold_any[gi] = true;
            m.pred_any[pi] = true;
            if g.label == p.label {
                m.gold_typed[gi] = true;
                m.pred_typed[pi] = true;
                if g.start == p.start && g.end == p.end {
                    m.gold_strict[gi] = true;
                    m.pred_strict[pi] = true;
                }
            }
            let ov = g.overlap(p);
            if best.is_none_or(|(_, b)| ov > b) {
                best = Some((pi, ov));
            }
        }
        m.gold_best[gi] = best.map(|(pi, _)| pi);
    }
    m
}

/// Precision, recall and F1 of one type (or all types, micro).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Gold mentions.
    pub support: u64,
    /// Predicted mentions.
    pub predicted: u64,
    /// Gold mentions found (recall's numerator).
    pub found: u64,
    /// Predictions that are correct (precision's numerator).
    pub correct: u64,
}

impl Prf {
    /// seqeval's (and scikit-learn's) conventions: 0 when a denominator is 0,
    /// and F1 as 2PR/(P+R) computed from the rounded ratios.
    pub fn new(correct: u64, predicted: u64, found: u64, support: u64) -> Prf {
        let precision = ratio(correct, predicted);
        let recall = ratio(found, support);
        let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
        Prf { precision, recall, f1, support, predicted, found, correct }
    }
}

pub fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// An unweighted mean over types (seqeval's and scikit-learn's "macro avg").
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Avg {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// Scores of one matching mode.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ModeScores {
    pub per_type: BTreeMap<String, Prf>,
    pub micro: Prf,
    #[serde(rename = "macro")]
    pub macro_avg: Avg,
}

/// The three matching modes and the type confusion table.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NerScores {
    /// Exact span and type: seqeval's strict mode.
    pub strict: ModeScores,
    /// Overlapping span, same type.
    pub lenient_typed: ModeScores,
    /// Overlapping span, any type (per type: the gold type for recall, the
    /// predicted type for precision).
    pub lenient_untyped: ModeScores,
    pub confusion: Confusion,
}

/// Rows: gold types, then `spurious` (predictions overlapping no gold).
/// Columns: predicted types, then `missed` (gold overlapping no prediction).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Confusion {
    pub rows: Vec<String>,
    pub columns: Vec<String>,
    pub counts: Vec<Vec<u64>>,
}

pub const SPURIOUS: &str = "spurious";
pub const MISSED: &str = "missed";

/// Per-type counts, summed over documents.
#[derive(Debug, Clone, Default)]
pub struct NerTally {
    /// label -> [gold, pred, strict tp, typed gold found, typed pred correct,
    /// any gold found, any pred correct]
    per_type: BTreeMap<String, [u64; 7]>,
    /// (gold label or spurious, pred label or missed) -> count
    confusion: BTreeMap<(String, String), u64>,
}

impl NerTally {
    pub fn add(&mut self, gold: &[Mention], pred: &[Mention], m: &DocMatch) {
        for (i, g) in gold.iter().enumerate() {
            let t = self.per_type.entry(g.label.to_string()).or_default();
            t[0] += 1;
            t[2] += m.gold_strict[i] as u64;
            t[3] += m.gold_typed[i] as u64;
            t[5] += m.gold_any[i] as u64;
            let col = m.gold_best[i].map_or(MISSED, |p| pred[p].label);
            *self.confusion.entry((g.label.to_string(), col.to_string())).or_default() += 1;
        }
        for (i, p) in pred.iter().enumerate() {
            let t = self.per_type.entry(p.label.to_string()).or_default();
            t[1] += 1;
            t[4] += m.pred_typed[i] as u64;
            t[6] += m.pred_any[i] as u64;
            if !m.pred_any[i] {
                *self.confusion.entry((SPURIOUS.to_string(), p.label.to_string())).or_default() += 1;
            }
        }
    }

    pub fn scores(&self) -> NerScores {
        let mode = |correct: usize, found: usize| -> ModeScores {
            let mut s = ModeScores::default();
            let mut tot = [0u64; 4];
            for (label, c) in &self.per_type {
                s.per_type.insert(label.clone(), Prf::new(c[correct], c[1], c[found], c[0]));
                tot[0] += c[correct];
                tot[1] += c[1];
                tot[2] += c[found];
                tot[3] += c[0];
            }
            s.micro = Prf::new(tot[0], tot[1], tot[2], tot[3]);
            let n = s.per_type.len();
            if n > 0 {
                let mean = |f: fn(&Prf) -> f64| s.per_type.values().map(f).sum::<f64>() / n as f64;
                s.macro_avg = Avg { precision: mean(|p| p.precision), recall: mean(|p| p.recall), f1: mean(|p| p.f1) };
            }
            s
        };
        let labels: BTreeSet<&String> = self.per_type.keys().collect();
        let mut rows: Vec<String> = labels.iter().map(|l| l.to_string()).collect();
        rows.push(SPURIOUS.into());
        let mut columns: Vec<String> = labels.iter().map(|l| l.to_string()).collect();
        columns.push(MISSED.into());
        let counts = rows
            .iter()
            .map(|r| columns.iter().map(|c| self.confusion.get(&(r.clone(), c.clone())).copied().unwrap_or(0)).collect())
            .collect();
        NerScores {
            strict: mode(2, 2),
            lenient_typed: mode(4, 3),
            lenient_untyped: mode(6, 5),
            confusion: Confusion { rows, columns, counts },
        }
    }
}

/// One aligned stance judgement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StanceItem {
    pub gold: Stance,
    pub pred: Stance,
    pub confidence: f64,
}

/// A bin of the reliability diagram.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Bin {
    pub lower: f64,
    pub upper: f64,
    pub count: u64,
    /// Mean confidence in the bin (0 when empty).
    pub confidence: f64,
    /// Fraction correct in the bin (0 when empty).
    pub accuracy: f64,
}

/// Stance classification scores.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StanceScores {
    pub n: u64,
    pub accuracy: f64,
    pub per_class: BTreeMap<String, Prf>,
    /// Mean F1 over the classes present in gold or predictions
    /// (scikit-learn's `f1_score(average="macro")`).
    pub macro_f1: f64,
    /// Rows gold, columns predicted, in `labels` order.
    pub labels: Vec<String>,
    pub confusion: Vec<Vec<u64>>,
    /// Expected calibration error over `bins`.
    pub ece: f64,
    pub bins: Vec<Bin>,
}

pub const ECE_BINS: usize = 15;

/// A 3×3 confusion matrix, rows gold, columns predicted, in [`Stance::ALL`] order.
pub type StanceMatrix = [[u64; 3]; 3];

pub fn stance_matrix(items: &[StanceItem]) -> StanceMatrix {
    let mut m = [[0u64; 3]; 3];
    for it in items {
        m[it.gold.index()][it.pred.index()] += 1;
    }
    m
}

/// Accuracy and macro-F1 of a confusion matrix (also used per resample).
pub fn accuracy_macro_f1(m: &StanceMatrix) -> (f64, f64) {
    let n: u64 = m.iter().flatten().sum();
    let correct: u64 = (0..3).map(|i| m[i][i]).sum();
    let mut f1s = Vec::new();
    for (c, row) in m.iter().enumerate() {
        let support: u64 = row.iter().sum();
        let predicted: u64 = m.iter().map(|r| r[c]).sum();
        if support + predicted > 0 {
            f1s.push(Prf::new(row[c], predicted, row[c], support).f1);
        }
    }
    let macro_f1 = if f1s.is_empty() { 0.0 } else { f1s.iter().sum::<f64>() / f1s.len() as f64 };
    (ratio(correct, n), macro_f1)
}

pub fn stance_scores(items: &[StanceItem]) -> StanceScores {
    let m = stance_matrix(items);
    let (accuracy, macro_f1) = accuracy_macro_f1(&m);
    let mut per_class = BTreeMap::new();
    for s in Stance::ALL {
        let c = s.index();
        let support: u64 = m[c].iter().sum();
        let predicted: u64 = (0..3).map(|r| m[r][c]).sum();
        per_class.insert(s.as_str().to_string(), Prf::new(m[c][c], predicted, m[c][c], support));
    }
    let (ece, bins) = calibration(items.iter().map(|i| (i.confidence, i.gold == i.pred)), ECE_BINS);
    StanceScores {
        n: items.len() as u64,
        accuracy,
        per_class,
        macro_f1,
        labels: Stance::ALL.iter().map(|s| s.as_str().to_string()).collect(),
        confusion: m.iter().map(|r| r.to_vec()).collect(),
        ece,
        bins,
    }
}

/// Expected calibration error over `n` equal-width bins of confidence:
/// bin k holds (k/n, (k+1)/n], with 0 in the first bin.
pub fn calibration(items: impl Iterator<Item = (f64, bool)>, n: usize) -> (f64, Vec<Bin>) {
    let mut sums = vec![(0u64, 0.0f64, 0u64); n];
    let mut total = 0u64;
    for (conf, correct) in items {
        let conf = conf.clamp(0.0, 1.0);
        let k = ((conf * n as f64).ceil() as usize).saturating_sub(1).min(n - 1);
        sums[k].0 += 1;
        sums[k].1 += conf;
        sums[k].2 += correct as u64;
        total += 1;
    }
    let mut ece = 0.0;
    let bins = sums
        .iter()
        .enumerate()
        .map(|(k, &(count, conf, correct))| {
            let b = Bin {
                lower: k as f64 / n as f64,
                upper: (k + 1) as f64 / n as f64,
                count,
                confidence: if count > 0 { conf / count as f64 } else { 0.0 },
                accuracy: ratio(correct, count),
            };
            if count > 0 {
                ece += count as f64 / total as f64 * (b.accuracy - b.confidence).abs();
            }
            b
        })
        .collect();
    (ece, bins)
}

/// A bootstrap confidence interval around a point estimate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Ci {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

/// SplitMix64: tiny, fixed, and the same on every platform, so a seed gives
/// the same intervals everywhere (no dependency needed for this).
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; the bias is below 2^-32
    /// for any corpus size).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }
}

/// The `q` quantile (0..=1) of sorted values, interpolating linearly
/// between order statistics (numpy's default).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// Percentile bootstrap over units (documents): each resample draws as many
/// units as there are, with replacement, sums their statistics with `add`,
/// and scores the sum with `metric`. Returns one interval per metric output.
pub fn bootstrap<S: Clone + Default>(
    units: &[S],
    resamples: usize,
    seed: u64,
    add: impl Fn(&mut S, &S),
    metric: impl Fn(&S) -> Vec<f64>,
) -> Option<Vec<Ci>> {
    if units.is_empty() || resamples == 0 {
        return None;
    }
    let mut total = S::default();
    for u in units {
        add(&mut total, u);
    }
    let point = metric(&total);
    let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(resamples); point.len()];
    let mut rng = SplitMix64::new(seed);
    for _ in 0..resamples {
        let mut acc = S::default();
        for _ in 0..units.len() {
            add(&mut acc, &units[rng.below(units.len())]);
        }
        for (k, v) in metric(&acc).into_iter().enumerate() {
            samples[k].push(v);
        }
    }
    Some(
        point
            .into_iter()
            .zip(samples)
            .map(|(value, mut s)| {
                s.sort_by(|a, b| a.total_cmp(b));
                Ci { value, low: quantile(&s, 0.025), high: quantile(&s, 0.975) }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(start: usize, end: usize, label: &str) -> Mention<'_> {
        Mention { start, end, label }
    }

    #[test]
    fn matching_modes() {
        // (gold, pred, expected (gold_strict, gold_typed, gold_any), (pred_strict, pred_typed, pred_any))
        type Case<'a> = (Vec<Mention<'a>>, Vec<Mention<'a>>, [bool; 3], [bool; 3]);
        let cases: Vec<Case> = vec![
            (vec![m(0, 5, "PER")], vec![m(0, 5, "PER")], [true, true, true], [true, true, true]),
            (vec![m(0, 5, "PER")], vec![m(0, 5, "ORG")], [false, false, true], [false, false, true]),
            (vec![m(0, 5, "PER")], vec![m(0, 3, "PER")], [false, true, true], [false, true, true]),
            (vec![m(0, 5, "PER")], vec![m(0, 3, "LOC")], [false, false, true], [false, false, true]),
            (vec![m(0, 5, "PER")], vec![m(5, 9, "PER")], [false, false, false], [false, false, false]),
        ];
        for (gold, pred, g, p) in cases {
            let r = match_doc(&gold, &pred);
            assert_eq!([r.gold_strict[0], r.gold_typed[0], r.gold_any[0]], g, "{gold:?} {pred:?}");
            assert_eq!([r.pred_strict[0], r.pred_typed[0], r.pred_any[0]], p, "{gold:?} {pred:?}");
        }
    }

    #[test]
    fn best_overlap_picks_the_largest() {
        let gold = [m(0, 10, "ORG")];
        let pred = [m(0, 2, "PER"), m(3, 10, "LOC")];
        assert_eq!(match_doc(&gold, &pred).gold_best, [Some(1)]);
    }

    #[test]
    fn prf_conventions() {
        let cases = [
            ((0, 0, 0, 0), (0.0, 0.0, 0.0)),
            ((0, 3, 0, 2), (0.0, 0.0, 0.0)),
            ((1, 2, 1, 4), (0.5, 0.25, 1.0 / 3.0)),
            ((2, 2, 2, 2), (1.0, 1.0, 1.0)),
        ];
        for ((c, p, f, s), (ep, er, ef)) in cases {
            let r = Prf::new(c, p, f, s);
            assert!((r.precision - ep).abs() < 1e-12 && (r.recall - er).abs() < 1e-12 && (r.f1 - ef).abs() < 1e-12, "{r:?}");
        }
    }

    #[test]
    fn tally_confusion_has_missed_and_spurious() {
        let gold = [m(0, 5, "PER"), m(10, 15, "LOC")];
        let pred = [m(0, 5, "ORG"), m(20, 25, "PER")];
        let mut t = NerTally::default();
        t.add(&gold, &pred, &match_doc(&gold, &pred));
        let s = t.scores();
        assert_eq!(s.confusion.rows, ["LOC", "ORG", "PER", SPURIOUS]);
        assert_eq!(s.confusion.columns, ["LOC", "ORG", "PER", MISSED]);
        assert_eq!(s.confusion.counts, vec![vec![0, 0, 0, 1], vec![0, 0, 0, 0], vec![0, 1, 0, 0], vec![0, 0, 1, 0]]);
        assert_eq!(s.strict.micro.f1, 0.0);
        assert_eq!(s.lenient_untyped.micro.precision, 0.5);
        assert_eq!(s.lenient_untyped.micro.recall, 0.5);
    }

    #[test]
    fn calibration_bins_are_right_closed() {
        let items = [(0.0, true), (0.05, false), (0.5, true), (1.0, true), (1.0, false)];
        let (ece, bins) = calibration(items.into_iter(), 15);
        assert_eq!(bins[0].count, 2, "0 and 0.05 share the first bin");
        assert_eq!(bins[7].count, 1);
        assert_eq!(bins[14].count, 2);
        let expected = 2.0 / 5.0 * (0.5f64 - 0.025).abs() + 1.0 / 5.0 * 0.5 + 2.0 / 5.0 * 0.5;
        assert!((ece - expected).abs() < 1e-12, "{ece} vs {expected}");
    }

    #[test]
    fn stance_scores_match_by_hand() {
        use Stance::*;
        let items: Vec<StanceItem> =
            [(Conciliatory, Conciliatory), (Threatening, Conciliatory), (Threatening, Threatening), (Neutral, Neutral)]
                .into_iter()
                .map(|(gold, pred)| StanceItem { gold, pred, confidence: 0.9 })
                .collect();
        let s = stance_scores(&items);
        assert_eq!(s.accuracy, 0.75);
        assert_eq!(s.confusion[1], [1, 1, 0]);
        let f_con = 2.0 * 0.5 * 1.0 / 1.5;
        let f_thr = 2.0 * 1.0 * 0.5 / 1.5;
        assert!((s.macro_f1 - (f_con + f_thr + 1.0) / 3.0).abs() < 1e-12);
        // A class absent from gold and predictions does not count in macro-F1.
        let only = [StanceItem { gold: Neutral, pred: Neutral, confidence: 1.0 }];
        assert_eq!(stance_scores(&only).macro_f1, 1.0);
    }

    #[test]
    fn bootstrap_is_deterministic_and_brackets_the_value() {
        let units: Vec<(u64, u64)> = (0..50).map(|i| (i % 3, 2)).collect();
        let add = |a: &mut (u64, u64), b: &(u64, u64)| {
            a.0 += b.0;
            a.1 += b.1;
        };
        let metric = |s: &(u64, u64)| vec![ratio(s.0, s.1)];
        let a = bootstrap(&units, 200, 7, add, metric).unwrap();
        let b = bootstrap(&units, 200, 7, add, metric).unwrap();
        assert_eq!(a, b);
        assert!(a[0].low <= a[0].value && a[0].value <= a[0].high, "{a:?}");
        assert!(a[0].low < a[0].high);
        assert_eq!(bootstrap(&Vec::<(u64, u64)>::new(), 10, 1, add, metric), None);
    }

    #[test]
    fn quantile_interpolates() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        let cases = [(0.0, 1.0), (0.5, 3.0), (1.0, 5.0), (0.1, 1.4)];
        for (q, e) in cases {
            assert!((quantile(&v, q) - e).abs() < 1e-12, "{q}");
        }
    }
}
