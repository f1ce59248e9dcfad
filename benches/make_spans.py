#!/usr/bin/env python3
"""Writes a synthetic review CSV (the 14 columns of `detente annotate`, with
actor codes and dates) for `detente summarize`: realistic actors and names,
dyads whose stance drifts over the weeks, entities without codes, undated
documents and pairs within one actor, so that the report has something to
show and the memory measurement sees many rows but few distinct actors.

    python3 benches/make_spans.py --rows 1000000 > big.csv
    /usr/bin/time -v target/release/detente summarize big.csv --out /tmp/x
"""

import argparse
import csv
import datetime as dt
import random
import sys

# code: names (most frequent first)
ACTORS = {
    "USA": ["United States", "Washington", "U.S."],
    "USAGOV": ["Donald Trump", "the White House", "Marco Rubio"],
    "USAMIL": ["the Pentagon", "U.S. Navy", "CENTCOM"],
    "IRN": ["Iran", "Tehran"],
    "IRNGOV": ["Abbas Araghchi", "Masoud Pezeshkian", "Ali Khamenei"],
    "IRNMIL": ["Revolutionary Guards", "IRGC"],
    "ISR": ["Israel"],
    "ISRGOV": ["Benjamin Netanyahu", "Israel Katz"],
    "TUR": ["Turkey", "Ankara"],
    "TURGOV": ["Tayyip Erdoğan", "Hakan Fidan"],
    "RUS": ["Russia", "Moscow"],
    "RUSGOV": ["Vladimir Putin", "Sergei Lavrov", "the Kremlin"],
    "UKR": ["Ukraine", "Kyiv"],
    "UKRGOV": ["Volodymyr Zelenskiy", "Andrii Sybiha"],
    "CHN": ["China", "Beijing"],
    "QAT": ["Qatar", "Doha"],
    "SAU": ["Saudi Arabia", "Riyadh"],
    "IGONAT": ["NATO", "Mark Rutte"],
    "IGOUNO": ["United Nations", "U.N.", "Antonio Guterres"],
    "YEMREB": ["Houthis", "Houthi rebels"],
}

# (source, target, share of events, conciliatory at the start and end, threatening at the start and end)
DYADS = [
    ("USA", "IRN", 10, (0.10, 0.45), (0.70, 0.30)),
    ("IRN", "USA", 9, (0.15, 0.40), (0.65, 0.35)),
    ("TUR", "IRN", 6, (0.80, 0.85), (0.05, 0.05)),
    ("RUS", "UKR", 7, (0.05, 0.10), (0.85, 0.80)),
    ("UKR", "RUS", 5, (0.20, 0.10), (0.55, 0.70)),
    ("ISR", "IRN", 6, (0.02, 0.02), (0.90, 0.85)),
    ("IRN", "ISR", 5, (0.05, 0.05), (0.80, 0.85)),
    ("QAT", "USA", 3, (0.75, 0.80), (0.02, 0.02)),
    ("QAT", "IRN", 3, (0.70, 0.75), (0.02, 0.02)),
    ("YEMREB", "USA", 4, (0.02, 0.02), (0.85, 0.95)),
    ("USA", "YEMREB", 3, (0.02, 0.02), (0.80, 0.70)),
    ("CHN", "USA", 3, (0.30, 0.20), (0.30, 0.50)),
    ("USA", "CHN", 3, (0.25, 0.15), (0.35, 0.55)),
    ("IGONAT", "RUS", 3, (0.10, 0.10), (0.60, 0.70)),
    ("RUS", "IGONAT", 2, (0.05, 0.05), (0.75, 0.80)),
    ("IGOUNO", "IRN", 2, (0.55, 0.60), (0.10, 0.10)),
    ("SAU", "IRN", 2, (0.45, 0.60), (0.15, 0.10)),
    ("TUR", "RUS", 2, (0.60, 0.55), (0.10, 0.10)),
    ("UKR", "IGONAT", 2, (0.65, 0.60), (0.05, 0.05)),
    ("CHN", "RUS", 1, (0.80, 0.80), (0.02, 0.02)),
]

OTHER = ["Reuters", "Gulf", "Strait of Hormuz", "Geneva", "Red Sea", "AP", "Oman"]
TEMPLATES = {
    "conciliatory": "{s} offered to resume talks with {t}, saying the door to diplomacy was open.",
    "threatening": "{s} warned {t} of a firm response to any attack, {o} reported.",
    "neutral": "{s} and {t} officials met in {o} on {d}, according to a statement.",
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000, help="about this many rows")
    ap.add_argument("--weeks", type=int, default=16)
    ap.add_argument("--start", default="2026-09-07")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    start = dt.date.fromisoformat(args.start)
    days = args.weeks * 7
    weights = [d[2] for d in DYADS]
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow("doc_id,sentence,kind,start,end,text,label,confidence,role,p_conciliatory,p_threatening,p_neutral,actor,date".split(","))
    rows = doc = 0
    while rows < args.rows:
        doc += 1
        day = rng.randrange(days)
        # One document in fifty has no date, as wire copy sometimes does.
        date = "" if rng.random() < 0.02 else (start + dt.timedelta(days=day)).isoformat()
        at = day / max(days - 1, 1)
        pos = 0
        for i in range(rng.randint(3, 12)):
            s, t, _, (c0, c1), (t0, t1) = rng.choices(DYADS, weights)[0]
            # A share of sentences have a government or military actor in
            # place of the country, and some a pair within one country.
            if rng.random() < 0.3 and s + "GOV" in ACTORS:
                s += "GOV"
            if rng.random() < 0.2 and t + "GOV" in ACTORS:
                t += "GOV"
            pc, pt = c0 + (c1 - c0) * at, t0 + (t1 - t0) * at
            r = rng.random()
            stance = "conciliatory" if r < pc else "threatening" if r < pc + pt else "neutral"
            sn, tn, other = rng.choice(ACTORS[s]), rng.choice(ACTORS[t]), rng.choice(OTHER)
            text = TEMPLATES[stance].format(s=sn, t=tn, o=other, d=date or "Monday")
            p = [rng.uniform(0.01, 0.2) for _ in range(3)]
            p[["conciliatory", "threatening", "neutral"].index(stance)] = rng.uniform(0.5, 0.99)
            total = sum(p)
            p = [x / total for x in p]
            conf = max(p)
            fmt = [f"{x:.4f}" for x in p]
            w.writerow([f"doc-{doc:07d}.txt", i, "sentence", pos, pos + len(text), text, stance, f"{conf:.4f}", "", *fmt, "", date])
            ents = [(sn, "source", s), (tn, "target", t), (other, "other", "")]
            if rng.random() < 0.05:
                own = s[:3] + "MIL" if s[:3] + "MIL" in ACTORS else s
                ents.append((rng.choice(ACTORS[own]), "target", own))
            for name, role, code in ents:
                k = max(text.find(name), 0)
                kind = "PER" if " " in name and name[0].isupper() and code.endswith("GOV") else "LOC" if code else "ORG"
                w.writerow([f"doc-{doc:07d}.txt", i, "entity", pos + k, pos + k + len(name), name, kind, f"{rng.uniform(0.6, 0.999):.4f}", role, *fmt, code, date])
            rows += 1 + len(ents)
            pos += len(text) + 1


if __name__ == "__main__":
    main()
