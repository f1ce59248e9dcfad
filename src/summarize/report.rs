//! `report.html`: one self-contained page (inline CSS and hand-written SVG,
//! no scripts, nothing fetched; a Content-Security-Policy says so) with the
//! totals, the top dyads, a heat map of net stance between the top actors
//! and the weekly net stance of the top dyads. Every piece of text from the
//! CSV is HTML-escaped: it is untrusted input.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::{By, Date, DyadRow, Period, Summary, Tally};
use crate::core::Stance;
use crate::eval::report::esc;

/// Dyads in the table.
pub const TABLE_DYADS: usize = 20;
/// Actors in the heat map, most events first.
pub const MAP_ACTORS: usize = 12;
/// Actors in the heat map on a phone.
pub const PHONE_MAP_ACTORS: usize = 8;
/// Dyads in the weekly chart.
pub const CHART_DYADS: usize = 5;
/// Actors in the actor table.
pub const TABLE_ACTORS: usize = 15;

const RED: (f64, f64, f64) = (178.0, 34.0, 52.0);
const GREY: (f64, f64, f64) = (226.0, 228.0, 233.0);
const BLUE: (f64, f64, f64) = (33.0, 102.0, 172.0);
/// Okabe–Ito, distinguishable with the common colour-vision deficiencies.
const LINE_COLOURS: [&str; CHART_DYADS] = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00"];

/// Net stance as colour: threatening red, neutral grey, conciliatory blue.
pub fn diverging(net: f64) -> String {
    let t = net.clamp(-1.0, 1.0);
    let (end, t) = if t < 0.0 { (RED, -t) } else { (BLUE, t) };
    let lerp = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    format!("#{:02x}{:02x}{:02x}", lerp(GREY.0, end.0), lerp(GREY.1, end.1), lerp(GREY.2, end.2))
}

/// Text that stays readable on [`diverging`].
fn ink(net: f64) -> &'static str {
    if net.abs() > 0.55 {
        "#fff"
    } else {
        "#1f2430"
    }
}

/// `+0.50`, `−0.50` (a real minus), `0.00`.
pub fn signed(x: f64) -> String {
    let s = format!("{:.2}", x.abs());
    if s == "0.00" {
        s
    } else if x < 0.0 {
        format!("−{s}")
    } else {
        format!("+{s}")
    }
}

/// 1234567 → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

const CSS: &str = "\
:root{--ink:#1f2430;--muted:#5b6475;--line:#e3e6ec;--bg:#f6f7f9;--card:#fff;--red:#b22234;--blue:#2166ac;--grey:#c9cdd5}\
*{box-sizing:border-box}\
body{margin:0;background:var(--bg);color:var(--ink);\
font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}\
main{max-width:1120px;margin:0 auto;padding:24px 20px 48px}\
header h1{font-size:26px;margin:0 0 4px;letter-spacing:-.01em}\
header .sub{color:var(--muted);margin:0 0 18px;font-size:14px;overflow-wrap:anywhere}\
code,.code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em}\
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(128px,1fr));gap:10px;margin:0 0 10px}\
.kpi{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:10px 14px}\
.kpi b{display:block;font-size:24px;font-variant-numeric:tabular-nums;line-height:1.25}\
.kpi span{color:var(--muted);font-size:13px}\
.kpi.range{grid-column:span 2}.kpi.range b{font-size:18px;line-height:1.75}\
.note{color:var(--muted);font-size:13px;margin:6px 0 0}\
section{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:18px 20px;margin:18px 0}\
h2{font-size:18px;margin:0 0 4px}\
.lede{color:var(--muted);font-size:13.5px;margin:0 0 12px}\
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}\
table{border-collapse:collapse;width:100%;font-size:14px;font-variant-numeric:tabular-nums}\
th{text-align:left;font-weight:600;color:var(--muted);font-size:12.5px;text-transform:uppercase;letter-spacing:.03em;\
border-bottom:2px solid var(--line);padding:6px 10px;white-space:nowrap}\
td{border-bottom:1px solid var(--line);padding:7px 10px;vertical-align:middle}\
tr:last-child td{border-bottom:0}\
td.n,th.n{text-align:right;white-space:nowrap}\
td.rank{color:var(--muted);width:2.5em}\
.dyad{white-space:nowrap;font-weight:600}\
.dyad .arrow{color:var(--muted);font-weight:400;margin:0 .3em}\
.names{display:block;color:var(--muted);font-size:12.5px;font-weight:400;white-space:normal;max-width:26em}.actor .names{min-width:12em}\
.mix{display:flex;width:180px;height:12px;border-radius:6px;overflow:hidden;background:var(--line)}\
.mix i{display:block;height:100%}\
.mix .c{background:var(--blue)}.mix .t{background:var(--red)}.mix .u{background:var(--grey)}\
.chip{display:inline-block;min-width:4.2em;text-align:center;border-radius:999px;padding:1px 8px;font-weight:600;font-size:13px}\
.legend{display:flex;flex-wrap:wrap;gap:6px 16px;font-size:13px;color:var(--muted);margin:4px 0 10px;align-items:center}\
.legend i{display:inline-block;width:12px;height:12px;border-radius:3px;margin-right:6px;vertical-align:-1px}\
.legend .ramp{width:150px;height:12px;border-radius:3px;background:linear-gradient(90deg,#b22234,#e2e4e9,#2166ac)}\
.legend .none{background:repeating-linear-gradient(45deg,#fff 0 3px,#d5d9e0 3px 4px);border:1px solid #d5d9e0}\
.legend .line{width:18px;height:3px;border-radius:2px;vertical-align:4px}\
figure{margin:0}\
svg{display:block;width:100%;height:auto;max-width:100%}\
svg text{fill:var(--ink);font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif}\
svg .ax{fill:var(--muted)}\
svg .code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}\
.heat{max-width:680px;margin:0 auto}.narrow{display:none}\
.empty{color:var(--muted);font-style:italic}\
footer{color:var(--muted);font-size:13px;margin-top:24px}\
footer ul{padding-left:1.2em;margin:6px 0}\
@media (max-width:600px){main{padding:14px 12px 32px}header h1{font-size:22px}section{padding:14px 12px;border-radius:10px}\
.kpis{grid-template-columns:repeat(2,1fr);gap:8px}.kpi{padding:8px 12px}.kpi b{font-size:20px}.kpi.range{grid-column:auto}.kpi.range \
b{font-size:15px;line-height:1.35}\
th,td{padding:6px 6px}.rank{display:none}.mix{width:150px;margin-top:4px}.names{font-size:12px}\
.wide{display:none}.narrow{display:revert}}";

/// The page.
pub fn html(s: &Summary, inputs: &[String]) -> String {
    let c = &s.counts;
    let names: HashMap<&str, &[String]> = s.actors.iter().map(|a| (a.actor.as_str(), a.names.as_slice())).collect();
    let mut h = String::with_capacity(64 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
         <title>detente summary</title><style>{CSS}</style></head><body><main>"
    );

    // Header and totals.
    let level = match s.options.level {
        super::Level::Code => "actor codes as written",
        super::Level::Country => "actors collapsed to countries (--level country)",
    };
    let files = inputs.iter().map(|i| format!("<code>{}</code>", esc(i))).collect::<Vec<_>>().join(", ");
    let _ = write!(
        h,
        "<header><h1>Who is conciliatory or threatening toward whom</h1><p class=\"sub\">detente summary of {files} · {level}</p><div \
         class=\"kpis\">"
    );
    let dates = match s.dates {
        Some((lo, hi)) if lo == hi => lo.to_string(),
        Some((lo, hi)) => format!("{lo} – {hi}"),
        None => "no dates".into(),
    };
    for (value, label) in [
        (thousands(c.documents), "documents"),
        (thousands(c.sentences), "sentences"),
        (thousands(c.events), "events"),
        (thousands(s.dyads.len() as u64), "dyads"),
        (thousands(s.actors.len() as u64), "actors"),
    ] {
        let _ = write!(h, "<div class=\"kpi\"><b>{value}</b><span>{label}</span></div>");
    }
    let _ = write!(h, "<div class=\"kpi range\"><b>{dates}</b><span>date range</span></div></div>");
    let mut notes = vec![format!(
        "An event is a sentence with a source and a target actor; its stance is the sentence's. {} within one actor (like IRN and \
         IRNGOV) were dropped.",
        plural(c.self_pairs, "pair", "pairs")
    )];
    if c.undated_events > 0 {
        notes
            .push(format!("{} without a date are counted everywhere but in the time series.", plural(c.undated_events, "event", "events")));
    }
    let _ = write!(h, "<p class=\"note\">{}</p></header>", notes.join(" "));

    if let Some(why) = s.why_no_events() {
        let _ = write!(h, "<section><h2>No events</h2><p class=\"empty\">{}.</p></section>", esc(&why));
    } else {
        dyad_table(&mut h, s, &names);
        heat_map(&mut h, s);
        weekly_chart(&mut h, s);
        actor_table(&mut h, s);
    }

    let _ = writeln!(
        h,
        "<footer><p><b>Net stance</b> = (conciliatory − threatening) / events, from −1 (all threatening) to +1 (all conciliatory). \
         Stances are the model's, per sentence; review the sentences in <code>events.csv</code> before quoting a number.</p>\
         <p>Written with this page: <code>events.csv</code>, <code>dyads.csv</code>, <code>actors.csv</code>{}.</p>\
         <p>detente {}</p></footer></main></body></html>",
        if s.options.by.is_some() { ", <code>series.csv</code>" } else { "" },
        env!("CARGO_PKG_VERSION")
    );
    h
}

fn dyad_label(source: &str, target: &str) -> String {
    format!("<span class=\"code\">{}</span><span class=\"arrow\">→</span><span class=\"code\">{}</span>", esc(source), esc(target))
}

fn first_name<'a>(names: &HashMap<&str, &'a [String]>, code: &str) -> &'a str {
    names.get(code).and_then(|n| n.first()).map_or("", String::as_str)
}

fn mix_bar(t: &Tally) -> String {
    let share = |n: u64| 100.0 * n as f64 / t.events.max(1) as f64;
    format!(
        "<div class=\"mix\" title=\"{} conciliatory, {} threatening, {} neutral\"><i class=\"c\" style=\"width:{:.1}%\"></i><i \
         class=\"t\" style=\"width:{:.1}%\"></i><i class=\"u\" style=\"width:{:.1}%\"></i></div>",
        t.conciliatory(),
        t.threatening(),
        t.neutral(),
        share(t.conciliatory()),
        share(t.threatening()),
        share(t.neutral())
    )
}

fn chip(net: f64) -> String {
    format!("<span class=\"chip\" style=\"background:{};color:{}\">{}</span>", diverging(net), ink(net), signed(net))
}

fn dyad_table(h: &mut String, s: &Summary, names: &HashMap<&str, &[String]>) {
    let shown = s.dyads.len().min(TABLE_DYADS);
    let _ = write!(
        h,
        "<section><h2>Top dyads</h2><p class=\"lede\">The {} of {} by events. Bars: share of \
         <i style=\"color:var(--blue)\">■</i> conciliatory, <i style=\"color:var(--red)\">■</i> threatening and \
         <i style=\"color:var(--grey)\">■</i> neutral sentences.</p><div class=\"scroll\"><table><thead><tr>\
         <th class=\"rank\">#</th><th>Source → target</th><th class=\"n\">Events</th><th class=\"wide\">Stance mix</th><th \
         class=\"n\">Net</th><th class=\"n\">Docs</th>\
         </tr></thead><tbody>",
        plural(shown as u64, "dyad", "most active dyads"),
        plural(s.dyads.len() as u64, "dyad", "dyads")
    );
    for (i, d) in s.dyads.iter().take(TABLE_DYADS).enumerate() {
        let (sn, tn) = (first_name(names, &d.source), first_name(names, &d.target));
        let bar = mix_bar(&d.tally);
        let _ = write!(
            h,
            // On phones the bar moves under the names, so that net stays on screen.
            "<tr><td class=\"rank\">{}</td><td><span class=\"dyad\">{}</span><span class=\"names\">{} → {}</span><span \
             class=\"narrow\">{bar}</span></td>\
             <td class=\"n\">{}</td><td class=\"wide\">{bar}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            i + 1,
            dyad_label(&d.source, &d.target),
            esc(sn),
            esc(tn),
            thousands(d.tally.events),
            chip(d.tally.net()),
            thousands(d.tally.documents)
        );
    }
    h.push_str("</tbody></table></div></section>");
}

fn tally_title(source: &str, target: &str, t: &Tally) -> String {
    format!(
        "{} → {}: {}, net {} ({} conciliatory, {} threatening, {} neutral)",
        esc(source),
        esc(target),
        plural(t.events, "event", "events"),
        signed(t.net()),
        t.conciliatory(),
        t.threatening(),
        t.neutral()
    )
}

/// Each chart comes in two drawings, one for wide screens and a smaller one
/// for phones, where a scaled-down wide drawing would have unreadable text;
/// CSS shows one of them, no script needed.
#[derive(Clone, Copy)]
enum Fit {
    Wide,
    Narrow,
}

impl Fit {
    fn class(self) -> &'static str {
        match self {
            Fit::Wide => "wide",
            Fit::Narrow => "narrow",
        }
    }
}

fn heat_map(h: &mut String, s: &Summary) {
    let mut ranked: Vec<&super::ActorRow> = s.actors.iter().filter(|a| a.events() > 0).collect();
    ranked.sort_by(|a, b| b.events().cmp(&a.events()).then_with(|| a.actor.cmp(&b.actor)));
    let (wide, narrow) = (ranked.len().min(MAP_ACTORS), ranked.len().min(PHONE_MAP_ACTORS));
    let count =
        if wide == narrow { wide.to_string() } else { format!("<span class=\"wide\">{wide}</span><span class=\"narrow\">{narrow}</span>") };
    let _ = write!(
        h,
        "<section><h2>Net stance between the top actors</h2><p class=\"lede\">The {count} actors in most events. \
         Row: source; column: target. Numbers are events; hover a cell for its counts.</p>\
         <div class=\"legend\"><span>threatening −1</span><i class=\"ramp\"></i><span>+1 conciliatory</span><span><i class=\"none\">\
         </i>no events</span></div>"
    );
    for (fit, n) in [(Fit::Wide, wide), (Fit::Narrow, narrow)] {
        let actors: Vec<&str> = ranked.iter().take(n).map(|a| a.actor.as_str()).collect();
        heat_svg(h, s, &actors, fit);
    }
    h.push_str("</section>");
}

/// Rows are sources, columns targets.
fn heat_svg(h: &mut String, s: &Summary, actors: &[&str], fit: Fit) {
    let cells: HashMap<(&str, &str), &Tally> = s
        .dyads
        .iter()
        .filter(|d| actors.contains(&d.source.as_str()) && actors.contains(&d.target.as_str()))
        .map(|d| ((d.source.as_str(), d.target.as_str()), &d.tally))
        .collect();
    let n = actors.len() as f64;
    let longest = actors.iter().map(|a| a.chars().count()).max().unwrap_or(3) as f64;
    let (cell, left, top) = (46.0, 22.0 + 9.0 * longest, 30.0 + 7.0 * longest);
    let (w, hgt) = (left + cell * n + 8.0, top + cell * n + 8.0);
    let (class, pattern) = (fit.class(), format!("none-{}", fit.class()));
    let _ = write!(
        h,
        "<figure class=\"heat {class}\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {hgt}\" role=\"img\" \
         aria-label=\"Heat map of net stance from source (rows) to target (columns)\">\
         <defs><pattern id=\"{pattern}\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">\
         <rect width=\"6\" height=\"6\" fill=\"#fff\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#dde1e7\" stroke-width=\"2\"/>\
         </pattern></defs>"
    );
    let _ = write!(h, "<text x=\"{left}\" y=\"14\" class=\"ax\" font-size=\"13\">target →</text>");
    let _ = write!(h, "<text x=\"4\" y=\"{}\" class=\"ax\" font-size=\"13\">source ↓</text>", top - 6.0);
    for (j, a) in actors.iter().enumerate() {
        let x = left + cell * (j as f64 + 0.5) + 4.0;
        let y = top - 8.0;
        let _ = write!(h, "<text x=\"{x}\" y=\"{y}\" class=\"code\" font-size=\"14\" transform=\"rotate(-50 {x} {y})\">{}</text>", esc(a));
    }
    for (i, src) in actors.iter().enumerate() {
        let y = top + cell * i as f64;
        let _ = write!(
            h,
            "<text x=\"{}\" y=\"{}\" class=\"code\" font-size=\"14\" text-anchor=\"end\">{}</text>",
            left - 8.0,
            y + cell / 2.0 + 5.0,
            esc(src)
        );
        for (j, tgt) in actors.iter().enumerate() {
            let x = left + cell * j as f64;
            match cells.get(&(*src, *tgt)) {
                Some(t) => {
                    let net = t.net();
                    let _ = write!(
                        h,
                        "<g><title>{}</title><rect x=\"{x}\" y=\"{y}\" width=\"{cell}\" height=\"{cell}\" fill=\"{}\" stroke=\"#fff\" \
                         stroke-width=\"2\"/>\
                         <text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"middle\" style=\"fill:{}\">{}</text></g>",
                        tally_title(src, tgt, t),
                        diverging(net),
                        x + cell / 2.0,
                        y + cell / 2.0 + 5.0,
                        if t.events >= 10_000 { 11 } else { 14 },
                        ink(net),
                        compact(t.events)
                    );
                }
                None => {
                    let _ = write!(
                        h,
                        "<rect x=\"{x}\" y=\"{y}\" width=\"{cell}\" height=\"{cell}\" fill=\"url(#{pattern})\" stroke=\"#fff\" \
                         stroke-width=\"2\"><title>{} → {}: no events</title></rect>",
                        esc(src),
                        esc(tgt)
                    );
                }
            }
        }
    }
    h.push_str("</svg></figure>");
}

/// Fits a count in a heat-map cell: 999, 12k, 1.2M.
fn compact(n: u64) -> String {
    match n {
        0..=9_999 => n.to_string(),
        10_000..=999_999 => format!("{}k", n / 1000),
        _ => format!("{:.1}M", n as f64 / 1e6),
    }
}

/// Weekly net stance of the top dyads; weeks without events break the line.
fn weekly_chart(h: &mut String, s: &Summary) {
    if s.weekly.is_empty() {
        let why = if s.dates.is_none() { "The documents have no dates." } else { "The top dyads have no dated events." };
        let _ = write!(h, "<section><h2>Net stance by week</h2><p class=\"empty\">{why}</p></section>");
        return;
    }
    let top: Vec<&DyadRow> = s.dyads.iter().take(CHART_DYADS).collect();
    let _ = write!(
        h,
        "<section><h2>Net stance by week</h2><p class=\"lede\">The {} dyads with most events; one point per ISO week (named by its Monday) \
         with events. Weeks without events leave a gap. Hover a point for its counts.</p><div class=\"legend\">",
        top.len()
    );
    for (d, colour) in top.iter().zip(LINE_COLOURS) {
        let _ = write!(h, "<span><i class=\"line\" style=\"background:{colour}\"></i>{}</span>", dyad_label(&d.source, &d.target));
    }
    h.push_str("</div>");
    line_svg(h, s, &top, Fit::Wide);
    line_svg(h, s, &top, Fit::Narrow);
    h.push_str("</section>");
}

fn line_svg(h: &mut String, s: &Summary, top: &[&DyadRow], fit: Fit) {
    let weeks: Vec<Period> = s.weekly.iter().filter_map(|r| r.period).collect();
    let (first, last) = (By::Week.start(*weeks.iter().min().expect("non-empty")), By::Week.start(*weeks.iter().max().expect("non-empty")));
    let span_weeks = ((last.days() - first.days()) / 7) as f64;
    let (w, hgt, max_ticks) = match fit {
        Fit::Wide => (900.0, 380.0, 7.0),
        Fit::Narrow => (400.0, 320.0, 3.0),
    };
    let (left, right, top_m, bottom) = (50.0, 14.0, 30.0, 58.0);
    let plot_w = w - left - right;
    let plot_h = hgt - top_m - bottom;
    let x_of =
        |d: Date| if span_weeks == 0.0 { left + plot_w / 2.0 } else { left + plot_w * ((d.days() - first.days()) / 7) as f64 / span_weeks };
    let y_of = |net: f64| top_m + plot_h * (1.0 - net) / 2.0;
    let _ = write!(
        h,
        "<figure class=\"{}\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {hgt}\" role=\"img\" aria-label=\"Weekly net \
         stance of the top dyads\">",
        fit.class()
    );
    // Tinted halves say which way is which without a legend.
    let _ = write!(
        h,
        "<rect x=\"{left}\" y=\"{top_m}\" width=\"{plot_w}\" height=\"{}\" fill=\"#2166ac\" fill-opacity=\".05\"/>\
         <rect x=\"{left}\" y=\"{}\" width=\"{plot_w}\" height=\"{}\" fill=\"#b22234\" fill-opacity=\".05\"/>",
        plot_h / 2.0,
        top_m + plot_h / 2.0,
        plot_h / 2.0
    );
    for (v, label) in [(1.0, "+1"), (0.5, "+0.5"), (0.0, "0"), (-0.5, "−0.5"), (-1.0, "−1")] {
        let y = y_of(v);
        let stroke = if v == 0.0 { "stroke=\"#9aa2b1\"" } else { "stroke=\"#e3e6ec\" stroke-dasharray=\"3 4\"" };
        let _ = write!(h, "<line x1=\"{left}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\" {stroke}/>", left + plot_w);
        let _ = write!(h, "<text x=\"{}\" y=\"{}\" class=\"ax\" font-size=\"14\" text-anchor=\"end\">{label}</text>", left - 8.0, y + 5.0);
    }
    let _ = write!(
        h,
        "<text x=\"{left}\" y=\"{}\" class=\"ax\" font-size=\"13\">↑ conciliatory</text><text x=\"{left}\" y=\"{}\" class=\"ax\" \
         font-size=\"13\">↓ threatening</text>",
        top_m - 12.0,
        hgt - 8.0
    );
    // A few date labels, on whole weeks; the last one is kept inside the drawing.
    let step = ((span_weeks / (max_ticks - 1.0)).ceil() as i32).max(1);
    let mut k = 0;
    while k as f64 <= span_weeks {
        let day = Date::from_days(first.days() + 7 * k);
        let x = x_of(day);
        let (anchor, tx) = if x + 42.0 > w { ("end", w - 2.0) } else { ("middle", x) };
        let _ = write!(h, "<line x1=\"{x}\" x2=\"{x}\" y1=\"{}\" y2=\"{}\" stroke=\"#9aa2b1\"/>", top_m + plot_h, top_m + plot_h + 5.0);
        let _ = write!(
            h,
            "<text x=\"{tx}\" y=\"{}\" class=\"ax\" font-size=\"14\" text-anchor=\"{anchor}\">{day}</text>",
            top_m + plot_h + 22.0
        );
        k += step;
    }
    for (d, colour) in top.iter().zip(LINE_COLOURS) {
        let mut points: Vec<(Date, &Tally)> = s
            .weekly
            .iter()
            .filter(|r| r.source == d.source && r.target == d.target)
            .filter_map(|r| r.period.map(|p| (By::Week.start(p), &r.tally)))
            .collect();
        points.sort_by_key(|(day, _)| *day);
        let mut path = String::new();
        let mut prev: Option<Date> = None;
        for (day, t) in &points {
            let cmd = if prev.is_some_and(|p| day.days() - p.days() == 7) { 'L' } else { 'M' };
            let _ = write!(path, "{cmd}{:.1} {:.1} ", x_of(*day), y_of(t.net()));
            prev = Some(*day);
        }
        let _ = write!(
            h,
            "<path d=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\" stroke-linejoin=\"round\" stroke-linecap=\"round\"/>",
            path.trim_end()
        );
        let r = match fit {
            Fit::Wide => 4.5,
            Fit::Narrow => 3.5,
        };
        for (day, t) in &points {
            let _ = write!(
                h,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{r}\" fill=\"{colour}\" stroke=\"#fff\" stroke-width=\"1.5\">\
                 <title>week of {day}: {}</title></circle>",
                x_of(*day),
                y_of(t.net()),
                tally_title(&d.source, &d.target, t)
            );
        }
    }
    h.push_str("</svg></figure>");
}

fn actor_table(h: &mut String, s: &Summary) {
    let (c, t) = (Stance::Conciliatory.index(), Stance::Threatening.index());
    let _ = write!(
        h,
        "<section><h2>Actors</h2><p class=\"lede\">The {} most mentioned, with their most frequent names. \
         Source and target columns count conciliatory / threatening events.</p><div class=\"scroll\"><table><thead><tr>\
         <th>Actor</th><th class=\"n\">Mentions</th><th class=\"n\">Docs</th><th class=\"n\">As source</th><th class=\"n\">As target</th>\
         </tr></thead><tbody>",
        s.actors.len().min(TABLE_ACTORS)
    );
    for a in s.actors.iter().take(TABLE_ACTORS) {
        let names = a.names.iter().map(|n| esc(n)).collect::<Vec<_>>().join(", ");
        let _ = write!(
            h,
            "<tr><td class=\"actor\"><span class=\"dyad code\">{}</span><span class=\"names\">{names}</span></td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td>\
             <td class=\"n\">{} / {}</td><td class=\"n\">{} / {}</td></tr>",
            esc(&a.actor),
            thousands(a.mentions),
            thousands(a.documents),
            a.as_source[c],
            a.as_source[t],
            a.as_target[c],
            a.as_target[t]
        );
    }
    h.push_str("</tbody></table></div></section>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_for_people() {
        let cases = [(0, "0"), (999, "999"), (1000, "1,000"), (1_234_567, "1,234,567")];
        for (n, expected) in cases {
            assert_eq!(thousands(n), expected);
        }
        let cases = [(0.5, "+0.50"), (-0.5, "−0.50"), (0.0, "0.00"), (-0.001, "0.00"), (1.0, "+1.00")];
        for (x, expected) in cases {
            assert_eq!(signed(x), expected, "{x}");
        }
    }

    #[test]
    fn colours_diverge_from_grey() {
        let cases = [(-1.0, "#b22234"), (0.0, "#e2e4e9"), (1.0, "#2166ac"), (-7.0, "#b22234")];
        for (net, expected) in cases {
            assert_eq!(diverging(net), expected, "{net}");
        }
    }

    #[test]
    fn text_from_the_csv_is_escaped() {
        let cases = [
            ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
            ("\"><img src=x onerror=alert(1)>", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"),
            ("Tom & Jerry's", "Tom &amp; Jerry&#39;s"),
        ];
        for (text, expected) in cases {
            assert_eq!(esc(text), expected);
            assert!(dyad_label(text, "USA").contains(expected));
            assert!(tally_title(text, "USA", &Tally::default()).contains(expected));
        }
    }
}
