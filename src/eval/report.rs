//! Writes an [`Evaluation`] out: `metrics.json`, `report.md`, a
//! self-contained `report.html` (inline CSS and hand-written SVG, no
//! scripts, nothing fetched, every piece of document text HTML-escaped),
//! `errors.csv` (most confident errors first), and the short table that
//! `detente eval` prints.

use std::fmt::Write as _;
use std::fs;
use std::io::{self, Write};
use std::path::Path;

use super::metrics::{Bin, Ci, ModeScores, Prf};
use super::{task_rank, Count, ErrorItem, Evaluation, TASKS};

/// Escapes text for HTML element content and attribute values alike.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Markdown table cells: no raw HTML, no column breaks, one line.
fn md(s: &str) -> String {
    esc(s).replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn f4(x: f64) -> String {
    format!("{x:.4}")
}

/// A value with its interval; "n/a" for the interval where the bootstrap
/// cannot vary (see `BootstrapSummary`).
fn ci_text(value: f64, c: Option<Ci>) -> String {
    match c {
        Some(c) => format!("{:.4} [{:.4}, {:.4}]", c.value, c.low, c.high),
        None => format!("{value:.4} [95% CI n/a]"),
    }
}

/// What each task's score rests on, in words.
fn coverage_lines(e: &Evaluation) -> Vec<(&'static str, String)> {
    let c = &e.coverage;
    let mut out = vec![
        ("documents", format!("{} gold documents have predictions", c.documents)),
        ("sentences", format!("{} gold sentences aligned with a predicted sentence", c.sentences)),
    ];
    if e.ner.is_some() {
        out.push(("entities", format!("{} gold entities are in documents with predictions (the rest count as missed)", c.entities)));
    }
    if c.stance.total > 0 {
        out.push(("stance", format!("{} gold stance sentences scored", c.stance)));
    }
    if c.roles.total > 0 {
        out.push(("roles", format!("{} gold roles scored (the others have no predicted entity with the same text)", c.roles)));
    }
    out
}

fn task_title(task: &str) -> &'static str {
    match task {
        "stance" => "Stance errors",
        "entities" => "Entity errors",
        _ => "Role errors",
    }
}

fn task_order_note(task: &str) -> &'static str {
    match task {
        "stance" => "most confident wrong label first",
        "entities" => "most confident wrong type first (wrong type and spurious entities), then missed entities in document order",
        _ => "in document order (the CSV carries no role probability to rank them by)",
    }
}

fn role_line(e: &Evaluation, r: &super::RoleScores) -> String {
    format!("Accuracy {} ({} correct) on {} gold roles.", ci_text(r.accuracy, e.bootstrap.role_accuracy), r.correct, e.coverage.roles)
}

/// The errors of each task that has any, in [`TASKS`] order.
fn errors_by_task(e: &Evaluation) -> impl Iterator<Item = (&'static str, Vec<&ErrorItem>)> {
    TASKS.into_iter().map(|t| (t, e.errors.iter().filter(|x| x.task == t).collect::<Vec<_>>())).filter(|(_, v)| !v.is_empty())
}

fn of(c: Count) -> String {
    format!("on {c}")
}

/// Writes all four files into `dir` (created if needed); returns the
/// number of errors written to `errors.csv`.
pub fn write_all(e: &Evaluation, dir: &Path, max_errors: usize) -> io::Result<usize> {
    fs::create_dir_all(dir)?;
    let json = serde_json::to_string_pretty(e).map_err(io::Error::other)?;
    fs::write(dir.join("metrics.json"), json + "\n")?;
    fs::write(dir.join("report.md"), markdown(e))?;
    fs::write(dir.join("report.html"), html(e))?;
    let f = io::BufWriter::new(fs::File::create(dir.join("errors.csv"))?);
    let n = write_errors(e, f, max_errors)?;
    Ok(n)
}

/// Neutralises spreadsheet formulas as `detente annotate` does.
fn cell(s: &str) -> String {
    if matches!(s.as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// `errors.csv`: up to `max` errors of each task, most confident first
/// within each.
pub fn write_errors(e: &Evaluation, w: impl Write, max: usize) -> io::Result<usize> {
    let mut out = csv::Writer::from_writer(w);
    let into_io = |e: csv::Error| io::Error::other(e.to_string());
    out.write_record(["task", "kind", "doc_id", "sentence", "start", "end", "text", "gold", "predicted", "confidence", "sentence_text"])
        .map_err(into_io)?;
    let opt = |x: Option<usize>| x.map(|v| v.to_string()).unwrap_or_default();
    let mut n = 0;
    let mut per_task = [0usize; TASKS.len() + 1];
    for er in &e.errors {
        let t = task_rank(er.task);
        if per_task[t] >= max {
            continue;
        }
        per_task[t] += 1;
        out.write_record([
            er.task.to_string(),
            er.kind.to_string(),
            cell(&er.doc_id),
            opt(er.sentence),
            opt(er.start),
            opt(er.end),
            cell(&er.text),
            cell(&er.gold),
            cell(&er.predicted),
            er.confidence.map(|c| format!("{c:.4}")).unwrap_or_default(),
            cell(&er.sentence_text),
        ])
        .map_err(into_io)?;
        n += 1;
    }
    out.flush()?;
    Ok(n)
}

/// The table `detente eval` prints on stdout.
pub fn summary(e: &Evaluation) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "gold: {} ({}; {}), {} documents; predictions: {} documents",
        e.gold.path,
        e.gold.format.describe(),
        if e.gold.format_given { "as given" } else { "detected" },
        e.gold.documents,
        e.predictions.documents
    );
    for (name, line) in coverage_lines(e) {
        let _ = writeln!(s, "coverage, {name}: {line}");
    }
    if let Some(ner) = &e.ner {
        let _ = writeln!(s, "\n{:<10} {:>7} {:>7} {:>7} {:>8}   (entities, strict)", "type", "P", "R", "F1", "support");
        for (t, p) in &ner.strict.per_type {
            let _ = writeln!(s, "{:<10} {:>7.4} {:>7.4} {:>7.4} {:>8}", t, p.precision, p.recall, p.f1, p.support);
        }
        let m = &ner.strict.micro;
        let _ = writeln!(s, "{:<10} {:>7.4} {:>7.4} {:>7.4} {:>8}", "micro", m.precision, m.recall, m.f1, m.support);
        let a = &ner.strict.macro_avg;
        let _ = writeln!(s, "{:<10} {:>7.4} {:>7.4} {:>7.4}", "macro", a.precision, a.recall, a.f1);
        let _ =
            writeln!(s, "overlap micro F1: {:.4} (same type), {:.4} (any type)", ner.lenient_typed.micro.f1, ner.lenient_untyped.micro.f1);
        let _ = writeln!(
            s,
            "strict micro F1 {}, {} gold entities",
            ci_text(ner.strict.micro.f1, e.bootstrap.ner_strict_micro_f1),
            of(e.coverage.entities)
        );
    }
    if let Some(st) = &e.stance {
        let _ = writeln!(s, "\n{:<13} {:>7} {:>7} {:>7} {:>8}   (stance, {} sentences)", "class", "P", "R", "F1", "support", st.n);
        for (c, p) in st.labels.iter().filter_map(|c| st.per_class.get(c).map(|p| (c, p))) {
            let _ = writeln!(s, "{:<13} {:>7.4} {:>7.4} {:>7.4} {:>8}", c, p.precision, p.recall, p.f1, p.support);
        }
        let _ = writeln!(
            s,
            "accuracy {}; macro-F1 {}; ECE {:.4}; {} gold stance sentences",
            ci_text(st.accuracy, e.bootstrap.stance_accuracy),
            ci_text(st.macro_f1, e.bootstrap.stance_macro_f1),
            st.ece,
            of(e.coverage.stance)
        );
    } else if e.gold.stance_sentences > 0 {
        let _ = writeln!(s, "\nstance: no aligned sentence has a predicted stance label");
    }
    if let Some(r) = &e.roles {
        let _ = writeln!(
            s,
            "roles: accuracy {} ({} correct), {} gold roles",
            ci_text(r.accuracy, e.bootstrap.role_accuracy),
            r.correct,
            of(e.coverage.roles)
        );
    }
    for line in unaligned_lines(e) {
        let _ = writeln!(s, "note: {line}");
    }
    s
}

/// Plain sentences about everything that could not be aligned.
fn unaligned_lines(e: &Evaluation) -> Vec<String> {
    let a = &e.alignment;
    let mut out = Vec::new();
    if a.gold_documents_without_predictions > 0 {
        out.push(format!(
            "{} gold documents have no predictions ({} gold entities in them count as missed), e.g. {}",
            a.gold_documents_without_predictions,
            a.gold_entities_in_those_documents,
            a.unknown_doc_ids.join(", ")
        ));
    }
    if a.prediction_documents_without_gold > 0 {
        out.push(format!("{} predicted documents are not in the gold (ignored)", a.prediction_documents_without_gold));
    }
    if a.stance_unaligned > 0 {
        out.push(format!("{} of {} gold stance sentences could not be aligned (not scored)", a.stance_unaligned, a.stance_gold));
    }
    if a.stance_aligned_approximate > 0 {
        out.push(format!("{} gold stance sentences aligned only by containment or overlap", a.stance_aligned_approximate));
    }
    if a.stance_unlabelled > 0 {
        out.push(format!("{} aligned sentences have no predicted stance (not scored)", a.stance_unlabelled));
    }
    if a.roles_unaligned > 0 {
        out.push(format!("{} of {} gold roles have no matching predicted entity (not scored)", a.roles_unaligned, a.roles_gold));
    }
    out
}

fn md_mode(s: &mut String, title: &str, m: &ModeScores) {
    let _ = writeln!(s, "\n### {title}\n\n| type | P | R | F1 | support | predicted |\n|---|---:|---:|---:|---:|---:|");
    let row = |s: &mut String, name: &str, p: &Prf| {
        let _ = writeln!(s, "| {} | {} | {} | {} | {} | {} |", md(name), f4(p.precision), f4(p.recall), f4(p.f1), p.support, p.predicted);
    };
    for (t, p) in &m.per_type {
        row(s, t, p);
    }
    row(s, "**micro**", &m.micro);
    let _ = writeln!(s, "| **macro** | {} | {} | {} | | |", f4(m.macro_avg.precision), f4(m.macro_avg.recall), f4(m.macro_avg.f1));
}

fn md_matrix(s: &mut String, corner: &str, rows: &[String], cols: &[String], counts: &[Vec<u64>]) {
    let _ = write!(s, "\n| {} |", md(corner));
    for c in cols {
        let _ = write!(s, " {} |", md(c));
    }
    let _ = write!(s, "\n|---|");
    for _ in cols {
        let _ = write!(s, "---:|");
    }
    s.push('\n');
    for (r, row) in rows.iter().zip(counts) {
        let _ = write!(s, "| {} |", md(r));
        for v in row {
            let _ = write!(s, " {v} |");
        }
        s.push('\n');
    }
}

pub fn markdown(e: &Evaluation) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# detente eval\n");
    let _ = writeln!(
        s,
        "Gold: `{}` ({}), {} documents, {} sentences, {} entities. Predictions: {} documents, {} sentences, {} entities.\n",
        md(&e.gold.path),
        e.gold.format.as_str(),
        e.gold.documents,
        e.gold.sentences,
        e.gold.entities,
        e.predictions.documents,
        e.predictions.sentences,
        e.predictions.entities
    );
    let _ = writeln!(s, "## Headline (95% bootstrap CI, {} resamples over documents, seed {})\n", e.bootstrap.resamples, e.bootstrap.seed);
    let _ = writeln!(s, "| metric | value [95% CI] | scored |\n|---|---|---|");
    if let Some(ner) = &e.ner {
        let _ = writeln!(
            s,
            "| NER strict micro F1 | {} | {} gold entities |",
            ci_text(ner.strict.micro.f1, e.bootstrap.ner_strict_micro_f1),
            e.coverage.entities
        );
    }
    if let Some(st) = &e.stance {
        let _ = writeln!(
            s,
            "| stance macro-F1 | {} | {} gold sentences |",
            ci_text(st.macro_f1, e.bootstrap.stance_macro_f1),
            e.coverage.stance
        );
        let _ = writeln!(
            s,
            "| stance accuracy | {} | {} gold sentences |",
            ci_text(st.accuracy, e.bootstrap.stance_accuracy),
            e.coverage.stance
        );
    }
    if let Some(r) = &e.roles {
        let _ = writeln!(s, "| role accuracy | {} | {} gold roles |", ci_text(r.accuracy, e.bootstrap.role_accuracy), e.coverage.roles);
    }
    let _ = writeln!(s, "\n## Coverage\n");
    for (_, line) in coverage_lines(e) {
        let _ = writeln!(s, "- {}", md(&line));
    }
    let notes = unaligned_lines(e);
    if !notes.is_empty() {
        let _ = writeln!(s, "\n## Alignment\n");
        for n in notes {
            let _ = writeln!(s, "- {}", md(&n));
        }
    }
    if let Some(ner) = &e.ner {
        let _ = writeln!(s, "\n## Entities");
        md_mode(&mut s, "Strict (exact span and type; seqeval strict IOB2)", &ner.strict);
        md_mode(&mut s, "Overlap, same type", &ner.lenient_typed);
        md_mode(&mut s, "Overlap, any type", &ner.lenient_untyped);
        let _ = writeln!(s, "\n### Type confusion (overlapping pairs; rows gold, columns predicted)");
        md_matrix(&mut s, "gold \\ predicted", &ner.confusion.rows, &ner.confusion.columns, &ner.confusion.counts);
    }
    if let Some(st) = &e.stance {
        let _ = writeln!(s, "\n## Stance ({} sentences)\n", st.n);
        let _ = writeln!(s, "Accuracy {}, macro-F1 {}, ECE ({} bins) {}.\n", f4(st.accuracy), f4(st.macro_f1), st.bins.len(), f4(st.ece));
        let _ = writeln!(s, "| class | P | R | F1 | support |\n|---|---:|---:|---:|---:|");
        for (c, p) in st.labels.iter().filter_map(|c| st.per_class.get(c).map(|p| (c, p))) {
            let _ = writeln!(s, "| {} | {} | {} | {} | {} |", md(c), f4(p.precision), f4(p.recall), f4(p.f1), p.support);
        }
        let _ = writeln!(s, "\n### Confusion (rows gold, columns predicted)");
        md_matrix(&mut s, "gold \\ predicted", &st.labels, &st.labels, &st.confusion);
    }
    if let Some(r) = &e.roles {
        let _ = writeln!(s, "\n## Roles\n\n{}", md(&role_line(e, r)));
    }
    for (task, errs) in errors_by_task(e) {
        let _ = writeln!(s, "\n## {}\n", task_title(task));
        let _ = writeln!(s, "{} errors, {}; all of them are in `errors.csv`.\n", errs.len(), task_order_note(task));
        let _ = writeln!(s, "| kind | doc | text | gold | predicted | confidence |\n|---|---|---|---|---|---:|");
        for er in errs.iter().take(20) {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} |",
                er.kind,
                md(&er.doc_id),
                md(&er.text),
                md(&er.gold),
                md(&er.predicted),
                er.confidence.map(f4).unwrap_or_default()
            );
        }
    }
    s
}

// ---------------------------------------------------------------- SVG ----

/// A white-to-blue ramp; `t` in 0..=1.
fn blue(t: f64) -> String {
    let t = t.clamp(0.0, 1.0);
    let lerp = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    format!("rgb({},{},{})", lerp(247.0, 33.0), lerp(251.0, 102.0), lerp(255.0, 172.0))
}

/// A confusion matrix as a heatmap. Shading is by share of the row, so a
/// rare class reads as clearly as a common one; cells show the counts.
pub fn heatmap_svg(title: &str, rows: &[String], cols: &[String], counts: &[Vec<u64>]) -> String {
    let cell = 58.0;
    let left = 110.0;
    let top = 92.0;
    let w = left + cell * cols.len() as f64 + 20.0;
    let h = top + cell * rows.len() as f64 + 20.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{}">"#,
        esc(title)
    );
    let _ = write!(s, r#"<text x="{left}" y="16" class="t">{}</text>"#, esc(title));
    let _ = write!(s, r#"<text x="{left}" y="34" class="ax">predicted →</text>"#);
    let _ = write!(s, r#"<text x="8" y="{}" class="ax">gold ↓</text>"#, top - 8.0);
    for (j, c) in cols.iter().enumerate() {
        let x = left + cell * (j as f64 + 0.5);
        let _ = write!(s, r#"<text x="{x}" y="{}" class="lab" transform="rotate(-35 {x} {})">{}</text>"#, top - 8.0, top - 8.0, esc(c));
    }
    for (i, (r, row)) in rows.iter().zip(counts).enumerate() {
        let y = top + cell * i as f64;
        let _ = write!(s, r#"<text x="{}" y="{}" class="lab" text-anchor="end">{}</text>"#, left - 8.0, y + cell / 2.0 + 4.0, esc(r));
        let total: u64 = row.iter().sum();
        for (j, &v) in row.iter().enumerate() {
            let x = left + cell * j as f64;
            let t = if total > 0 { v as f64 / total as f64 } else { 0.0 };
            let fg = if t > 0.55 { "#fff" } else { "#1a202c" };
            let _ = write!(
                s,
                r##"<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="{}" stroke="#cbd5e0"><title>{} → {}: {v}</title></rect><text x="{}" y="{}" class="num" fill="{fg}">{v}</text>"##,
                blue(t),
                esc(r),
                esc(&cols[j]),
                x + cell / 2.0,
                y + cell / 2.0 + 5.0
            );
        }
    }
    s.push_str("</svg>");
    s
}

const SERIES_COLOURS: [&str; 3] = ["#2b6cb0", "#68d391", "#f6ad55"];

/// Grouped vertical bars on a 0–1 scale: one group per label, one bar per series.
pub fn bars_svg(title: &str, series: &[&str], groups: &[(String, Vec<f64>)]) -> String {
    let (left, top, plot_h) = (44.0, 40.0, 220.0);
    let bar = 18.0;
    let group_w = bar * series.len() as f64 + 22.0;
    // Wide enough for the bars and for the legend on one line.
    let legend_w: f64 = series.iter().map(|n| 14.0 + 7.0 * n.chars().count() as f64 + 16.0).sum();
    let w = (left + group_w * groups.len().max(1) as f64 + 20.0).max(left + legend_w + 10.0);
    let h = top + plot_h + 50.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{}">"#,
        esc(title)
    );
    let _ = write!(s, r#"<text x="{left}" y="16" class="t">{}</text>"#, esc(title));
    let mut lx = left;
    for (k, name) in series.iter().enumerate() {
        let _ = write!(
            s,
            r#"<rect x="{lx}" y="24" width="10" height="10" fill="{}"/><text x="{}" y="33" class="ax">{}</text>"#,
            SERIES_COLOURS[k % 3],
            lx + 14.0,
            esc(name)
        );
        lx += 14.0 + 7.0 * name.chars().count() as f64 + 16.0;
    }
    for k in 0..=5 {
        let v = k as f64 / 5.0;
        let y = top + plot_h * (1.0 - v);
        let _ = write!(
            s,
            r##"<line x1="{left}" x2="{}" y1="{y}" y2="{y}" stroke="#e2e8f0"/><text x="{}" y="{}" class="ax" text-anchor="end">{v:.1}</text>"##,
            w - 10.0,
            left - 6.0,
            y + 4.0
        );
    }
    for (g, (label, values)) in groups.iter().enumerate() {
        let gx = left + group_w * g as f64 + 11.0;
        for (k, &v) in values.iter().enumerate() {
            let v = v.clamp(0.0, 1.0);
            let bh = plot_h * v;
            let _ = write!(
                s,
                r#"<rect x="{}" y="{}" width="{}" height="{bh}" fill="{}"><title>{} {}: {v:.4}</title></rect>"#,
                gx + bar * k as f64,
                top + plot_h - bh,
                bar - 2.0,
                SERIES_COLOURS[k % 3],
                esc(label),
                esc(series.get(k).copied().unwrap_or(""))
            );
        }
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" class="lab" text-anchor="middle">{}</text>"#,
            gx + bar * values.len() as f64 / 2.0,
            top + plot_h + 18.0,
            esc(label)
        );
    }
    let _ = write!(s, r##"<line x1="{left}" x2="{}" y1="{}" y2="{}" stroke="#4a5568"/>"##, w - 10.0, top + plot_h, top + plot_h);
    s.push_str("</svg>");
    s
}

/// Reliability diagram: accuracy per confidence bin against the diagonal
/// of perfect calibration; bar opacity grows with the bin's share of items.
pub fn reliability_svg(bins: &[Bin], ece: f64) -> String {
    let (left, top, size) = (50.0, 30.0, 320.0);
    let w = left + size + 30.0;
    let h = top + size + 50.0;
    let total: u64 = bins.iter().map(|b| b.count).sum();
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="reliability diagram">"#
    );
    let _ = write!(s, r#"<text x="{left}" y="16" class="t">Reliability (ECE {ece:.4})</text>"#);
    for k in 0..=5 {
        let v = k as f64 / 5.0;
        let y = top + size * (1.0 - v);
        let x = left + size * v;
        let _ = write!(
            s,
            r##"<line x1="{left}" x2="{}" y1="{y}" y2="{y}" stroke="#e2e8f0"/><text x="{}" y="{}" class="ax" text-anchor="end">{v:.1}</text>"##,
            left + size,
            left - 6.0,
            y + 4.0
        );
        let _ = write!(s, r#"<text x="{x}" y="{}" class="ax" text-anchor="middle">{v:.1}</text>"#, top + size + 16.0);
    }
    for b in bins.iter().filter(|b| b.count > 0) {
        let x = left + size * b.lower;
        let bw = size * (b.upper - b.lower);
        let bh = size * b.accuracy;
        let share = b.count as f64 / total.max(1) as f64;
        let _ = write!(
            s,
            r##"<rect x="{x}" y="{}" width="{}" height="{bh}" fill="#2b6cb0" fill-opacity="{:.2}" stroke="#2b6cb0"><title>{:.2}–{:.2}: {} items, accuracy {:.3}, mean confidence {:.3}</title></rect>"##,
            top + size - bh,
            bw - 1.0,
            0.35 + 0.65 * share.sqrt(),
            b.lower,
            b.upper,
            b.count,
            b.accuracy,
            b.confidence
        );
        let _ =
            write!(s, r##"<circle cx="{}" cy="{}" r="3" fill="#e53e3e"/>"##, left + size * b.confidence, top + size * (1.0 - b.accuracy));
    }
    let _ =
        write!(s, r##"<line x1="{left}" y1="{}" x2="{}" y2="{top}" stroke="#718096" stroke-dasharray="4 3"/>"##, top + size, left + size);
    let _ = write!(s, r##"<rect x="{left}" y="{top}" width="{size}" height="{size}" fill="none" stroke="#4a5568"/>"##);
    let _ = write!(s, r#"<text x="{}" y="{}" class="ax" text-anchor="middle">confidence</text>"#, left + size / 2.0, top + size + 36.0);
    let _ = write!(
        s,
        r#"<text x="14" y="{}" class="ax" transform="rotate(-90 14 {})" text-anchor="middle">accuracy</text>"#,
        top + size / 2.0,
        top + size / 2.0
    );
    s.push_str("</svg>");
    s
}

fn html_mode_table(s: &mut String, title: &str, m: &ModeScores) {
    let _ =
        write!(s, "<h3>{}</h3><table><tr><th>type</th><th>P</th><th>R</th><th>F1</th><th>support</th><th>predicted</th></tr>", esc(title));
    let row = |s: &mut String, name: &str, p: &Prf, cls: &str| {
        let _ = write!(
            s,
            "<tr class=\"{cls}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(name),
            f4(p.precision),
            f4(p.recall),
            f4(p.f1),
            p.support,
            p.predicted
        );
    };
    for (t, p) in &m.per_type {
        row(s, t, p, "");
    }
    row(s, "micro", &m.micro, "sum");
    let _ = write!(
        s,
        "<tr class=\"sum\"><td>macro</td><td>{}</td><td>{}</td><td>{}</td><td></td><td></td></tr></table>",
        f4(m.macro_avg.precision),
        f4(m.macro_avg.recall),
        f4(m.macro_avg.f1)
    );
}

const CSS: &str = "body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1a202c;max-width:1100px;margin:24px auto;padding:0 16px}\
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;border-bottom:1px solid #e2e8f0;padding-bottom:4px;margin-top:32px}h3{font-size:15px;margin:18px 0 6px}\
.meta{color:#4a5568}.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}\
.card{border:1px solid #e2e8f0;border-radius:8px;padding:10px 14px;min-width:200px}.card .v{font-size:24px;font-weight:600}.card .c{color:#4a5568;font-size:12px}\
table{border-collapse:collapse;margin:6px 0 12px}td,th{border-bottom:1px solid #edf2f7;padding:3px 10px;text-align:right;vertical-align:top}\
td:first-child,th:first-child{text-align:left}tr.sum td{font-weight:600}\
table.err td,table.err th{text-align:left;max-width:420px}.row p{max-width:380px}table.err td.n{text-align:right}.k{font-family:ui-monospace,monospace;font-size:12px}\
.row{display:flex;gap:28px;flex-wrap:wrap;align-items:flex-start}ul.notes li{color:#975a16}\
svg .t{font-weight:600;font-size:13px}svg .ax{font-size:11px;fill:#4a5568}svg .lab{font-size:12px}svg .num{font-size:13px;text-anchor:middle}";

/// The HTML report. Everything that comes from documents or files is
/// passed through [`esc`]; the page has no script and loads nothing.
pub fn html(e: &Evaluation) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"><title>detente eval</title><style>{CSS}</style></head><body>"
    );
    let _ = write!(
        s,
        "<h1>detente eval</h1><p class=\"meta\">Gold <span class=\"k\">{}</span> ({}): {} documents, {} sentences, {} entities, {} stance sentences. Predictions: {} documents, {} sentences, {} entities.</p>",
        esc(&e.gold.path),
        e.gold.format.as_str(),
        e.gold.documents,
        e.gold.sentences,
        e.gold.entities,
        e.gold.stance_sentences,
        e.predictions.documents,
        e.predictions.sentences,
        e.predictions.entities
    );
    s.push_str("<div class=\"cards\">");
    let card = |s: &mut String, name: &str, value: f64, c: Option<Ci>, scored: String| {
        let range = match c {
            Some(c) => format!("95% CI [{:.4}, {:.4}]", c.low, c.high),
            None => "95% CI n/a (fewer than two documents with data, or no resamples)".into(),
        };
        let _ = write!(
            s,
            "<div class=\"card\"><div>{name}</div><div class=\"v\">{}</div><div class=\"c\">{range}</div><div class=\"c\">{}</div></div>",
            f4(value),
            esc(&scored)
        );
    };
    if let Some(ner) = &e.ner {
        card(
            &mut s,
            "Entities: strict micro F1",
            ner.strict.micro.f1,
            e.bootstrap.ner_strict_micro_f1,
            format!("{} gold entities", of(e.coverage.entities)),
        );
    }
    if let Some(st) = &e.stance {
        let on = format!("{} gold stance sentences", of(e.coverage.stance));
        card(&mut s, "Stance: macro-F1", st.macro_f1, e.bootstrap.stance_macro_f1, on.clone());
        card(&mut s, "Stance: accuracy", st.accuracy, e.bootstrap.stance_accuracy, on);
    }
    if let Some(r) = &e.roles {
        card(&mut s, "Roles: accuracy", r.accuracy, e.bootstrap.role_accuracy, format!("{} gold roles", of(e.coverage.roles)));
    }
    let _ = write!(
        s,
        "</div><p class=\"meta\">Intervals: percentile bootstrap, {} resamples over documents, seed {}.</p>",
        e.bootstrap.resamples, e.bootstrap.seed
    );
    s.push_str("<h2>Coverage</h2><ul>");
    for (_, line) in coverage_lines(e) {
        let _ = write!(s, "<li>{}</li>", esc(&line));
    }
    s.push_str("</ul>");
    let notes = unaligned_lines(e);
    if !notes.is_empty() {
        s.push_str("<h3>Not aligned</h3><ul class=\"notes\">");
        for n in notes {
            let _ = write!(s, "<li>{}</li>", esc(&n));
        }
        s.push_str("</ul>");
    }
    if let Some(ner) = &e.ner {
        s.push_str("<h2>Entities</h2><div class=\"row\"><div>");
        html_mode_table(&mut s, "Strict: exact span and type (seqeval strict, IOB2)", &ner.strict);
        s.push_str("</div><div>");
        let mut groups: Vec<(String, Vec<f64>)> = ner
            .strict
            .per_type
            .keys()
            .map(|t| {
                let f = |m: &ModeScores| m.per_type.get(t).map_or(0.0, |p| p.f1);
                (t.clone(), vec![f(&ner.strict), f(&ner.lenient_typed), f(&ner.lenient_untyped)])
            })
            .collect();
        groups.push(("micro".into(), vec![ner.strict.micro.f1, ner.lenient_typed.micro.f1, ner.lenient_untyped.micro.f1]));
        s.push_str(&bars_svg("F1 per type", &["strict", "overlap, same type", "overlap, any type"], &groups));
        s.push_str("</div></div><div class=\"row\"><div>");
        html_mode_table(&mut s, "Overlap, same type", &ner.lenient_typed);
        s.push_str("</div><div>");
        html_mode_table(&mut s, "Overlap, any type", &ner.lenient_untyped);
        s.push_str("</div></div><h3>Type confusion</h3><p class=\"meta\">Each gold entity against the prediction that overlaps it most; “missed”: no overlapping prediction; “spurious”: a prediction overlapping no gold entity. Shading is the share of the row.</p>");
        s.push_str(&heatmap_svg("Entity types (gold × predicted)", &ner.confusion.rows, &ner.confusion.columns, &ner.confusion.counts));
    }
    if let Some(st) = &e.stance {
        let _ = write!(
            s,
            "<h2>Stance</h2><p>{} aligned sentences: accuracy {}, macro-F1 {}, expected calibration error {} ({} equal-width bins).</p><div class=\"row\"><div>",
            st.n,
            f4(st.accuracy),
            f4(st.macro_f1),
            f4(st.ece),
            st.bins.len()
        );
        s.push_str("<table><tr><th>class</th><th>P</th><th>R</th><th>F1</th><th>support</th></tr>");
        for (c, p) in st.labels.iter().filter_map(|c| st.per_class.get(c).map(|p| (c, p))) {
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(c),
                f4(p.precision),
                f4(p.recall),
                f4(p.f1),
                p.support
            );
        }
        let _ = write!(s, "<tr class=\"sum\"><td>macro</td><td></td><td></td><td>{}</td><td>{}</td></tr></table>", f4(st.macro_f1), st.n);
        s.push_str(&heatmap_svg("Stance (gold × predicted)", &st.labels, &st.labels, &st.confusion));
        s.push_str("</div><div>");
        s.push_str(&reliability_svg(&st.bins, st.ece));
        s.push_str("<p class=\"meta\">Bars: accuracy per confidence bin (darker: more sentences); dots: mean confidence in the bin; dashed: perfect calibration.</p>");
        s.push_str("</div></div>");
    } else if e.gold.stance_sentences > 0 {
        s.push_str("<h2>Stance</h2><p>No aligned sentence has a predicted stance label, so stance is not scored.</p>");
    }
    if let Some(r) = &e.roles {
        let _ = write!(s, "<h2>Roles</h2><p>{}</p>", esc(&role_line(e, r)));
    }
    for (task, errs) in errors_by_task(e) {
        let shown = errs.len().min(50);
        let _ = write!(
            s,
            "<h2>{}</h2><p class=\"meta\">{shown} of {} errors, {}; all of them are in <span class=\"k\">errors.csv</span>.</p>",
            task_title(task),
            errs.len(),
            task_order_note(task)
        );
        s.push_str("<table class=\"err\"><tr><th>kind</th><th>doc</th><th>text</th><th>gold</th><th>predicted</th><th>conf.</th><th>sentence</th></tr>");
        for er in &errs[..shown] {
            s.push_str(&error_row(er));
        }
        s.push_str("</table>");
    }
    s.push_str("</body></html>\n");
    s
}

fn error_row(er: &ErrorItem) -> String {
    format!(
        "<tr><td class=\"k\">{}</td><td class=\"k\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
        esc(er.kind),
        esc(&er.doc_id),
        esc(&er.text),
        esc(&er.gold),
        esc(&er.predicted),
        er.confidence.map(f4).unwrap_or_default(),
        // A stance error's text is its sentence: not shown twice.
        if er.sentence_text == er.text { String::new() } else { esc(&er.sentence_text) }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        let cases = [
            ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
            ("a & b", "a &amp; b"),
            ("\"x\" 'y'", "&quot;x&quot; &#39;y&#39;"),
            ("Erdoğan", "Erdoğan"),
        ];
        for (input, expected) in cases {
            assert_eq!(esc(input), expected);
        }
        assert_eq!(md("a|b\n<c>"), "a\\|b &lt;c&gt;");
    }

    #[test]
    fn svg_labels_are_escaped() {
        let rows = vec!["<b>".to_string()];
        let svg = heatmap_svg("t<", &rows, &rows, &[vec![3]]);
        assert!(!svg.contains("<b>") && svg.contains("&lt;b&gt;"), "{svg}");
        let svg = bars_svg("x", &["s"], &[("<i>".into(), vec![0.5])]);
        assert!(!svg.contains("<i>"), "{svg}");
    }
}
