//! Throughput of the sentence splitter on realistic news copy and on
//! pathological runs of digits and dots (which must stay linear).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use detente::split::SentenceSplitter;

/// Varied paragraphs: datelines, titles, initials, abbreviations, decimals,
/// quotations, curly quotes, a headline and a list, so that every rule of the
/// splitter is exercised in proportion to how often news copy needs it.
const PARAGRAPHS: &[&str] = &[
    "Turkey, Iran agree to expand trade despite sanctions\n\nANKARA, Nov 27 (Reuters) - Turkey and Iran agreed on Thursday to raise bilateral trade to $30 billion, President Tayyip Erdoğan said after talks with his Iranian counterpart in Ankara. “We will not let sanctions stand in the way of our neighbourly relations,” Erdoğan told a joint news conference. The lira firmed 0.4 percent against the dollar.",
    "Iranian Foreign Minister Abbas Araghchi said Tehran was ready to resume talks with the U.S. if Washington lifted its \"maximum pressure\" campaign. He said: \"We are ready.\" Then he left for Doha, where he met Qatar's emir at 10.30 a.m. on Friday. The U.N. Security Council is due to discuss the issue on Dec. 3.",
    "WASHINGTON (AP) — The U.S. Navy has sent a second aircraft carrier to the Gulf, officials said. Lt. Col. John Smith, a spokesman for the U.S. Central Command, said the deployment was \"defensive in nature.\" Sen. Lindsey Graham and Rep. Adam Smith welcomed the move; Gov. Ron DeSantis did not comment. Analysts, e.g. those at the Washington Institute, were divided.",
    "Oil prices rose 3.5 percent to $82.40 a barrel. Brent crude, the global benchmark, has gained about 12 percent since Sept. 1, according to data from Refinitiv Inc. Traders said the market was watching the Strait of Hormuz, through which about a fifth of the world's oil passes... Some expect further gains.",
    "The European Union's foreign policy chief said the E.U. would keep channels open. ‘Diplomacy is the only way,’ she said. Dr. Ali Vaez of the International Crisis Group, a former adviser to George W. Bush's administration, disagreed. Key demands:\n1. Restore inspections\n2. Release detainees\n3. Halt enrichment above 3.67 percent",
    "Saudi Arabia, the United Arab Emirates and other Gulf states have sought to ease tensions with Tehran since a China-brokered deal in March 2023. Mr. Erdoğan, who has positioned Turkey as a mediator, spoke by phone with Crown Prince Mohammed bin Salman on Wednesday. Was the call a breakthrough? Diplomats were sceptical!",
];

/// About 200 KB of news text.
fn news_text() -> String {
    let mut text = String::with_capacity(210_000);
    let mut k = 0;
    while text.len() < 200_000 {
        text.push_str(PARAGRAPHS[k % PARAGRAPHS.len()]);
        text.push_str("\n\n");
        k += 1;
    }
    text
}

/// About 200 KB of runs that a backtracking splitter would choke on.
fn pathological_text() -> String {
    let mut text = "1.".repeat(50_000);
    text.push(' ');
    text.push_str(&".".repeat(50_000));
    text.push(' ');
    text.push_str(&"9".repeat(50_000));
    text.push_str(". ");
    text.push_str(&". ".repeat(25_000));
    text
}

fn bench_split(c: &mut Criterion) {
    let splitter = SentenceSplitter::new();
    let mut group = c.benchmark_group("split");
    for (name, text) in [("news", news_text()), ("pathological", pathological_text())] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| b.iter(|| splitter.split(black_box(&text))));
    }
    group.finish();
}

criterion_group!(benches, bench_split);
criterion_main!(benches);
