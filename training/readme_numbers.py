"""Checks (or rewrites) the score tables in README.md and models/README.md
against the reports that `bash training/evaluate_shipped.sh --test` writes.

    bash training/evaluate_shipped.sh --test        # reports/<set>/metrics.json
    python3 training/readme_numbers.py              # exit 1 and a diff if a table is stale
    python3 training/readme_numbers.py --write      # rewrite the tables from the reports

Each table sits between `<!-- scores:begin -->` and `<!-- scores:end -->`
and is rendered here from metrics.json alone, so a number in it can only
come from the command above. Standard library only. Sets whose report is
missing (CoNLL-2003 is not committed; PLOVER comes from ../shared/data)
make the check fail: run the evaluation where the data is.
"""
import argparse
import difflib
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BEGIN, END = "<!-- scores:begin -->", "<!-- scores:end -->"


def load(name):
    path = os.path.join(ROOT, "reports", name, "metrics.json")
    if not os.path.exists(path):
        sys.exit(f"readme_numbers: {path} is missing; run `bash training/evaluate_shipped.sh --test` first")
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def f3(x):
    return f"{x:.3f}"


def ci(c):
    return f"{c['low']:.3f}-{c['high']:.3f}" if c else "n/a"


def of(count):
    return f"{count['scored']} of {count['total']}"


def ner(m):
    return m["ner"]["strict"]["micro"]["f1"]


def stance(m, key):
    return m["stance"][key]


def per_class_f1(m, label):
    return m["stance"]["per_class"][label]["f1"]


def readme_table(r):
    st, rn, rg = r["stance-test"], r["realnews-test"], r["realnews-gum"]
    pl, aw, ai = r["actors-plover"], r["actors-wikinews"], r["actors-interviews"]
    c1, c2, c3, c4 = r["actors-conflibert"], r["actors-conflibert-2"], r["actors-conflibert-3"], r["actors-conflibert-4"]
    w1, w2, h = r["actors-wikinews-2019"], r["actors-wikinews-2019-2"], r["actors-held-out"]
    h6, h7 = r["actors-current-events-6"], r["actors-current-events-7"]
    g = [r["actors-current-events"]] + [r[f"actors-current-events-{i}"] for i in range(2, 6)]
    return "\n".join([
        "| task | set | score | report |",
        "|---|---|---|---|",
        f"| stance | **real-news test** ({rn['coverage']['stance']['total']} sentences of published news: Wikinews and ConfliBERT) | "
        f"**macro-F1 {f3(stance(rn, 'macro_f1'))}**, neutral F1 {f3(per_class_f1(rn, 'neutral'))}, accuracy {f3(stance(rn, 'accuracy'))}, "
        f"ECE {f3(stance(rn, 'ece'))} | `realnews-test` |",
        f"| stance | its Wikinews part alone ({rg['coverage']['stance']['total']} sentences, 12 whole articles) | "
        f"macro-F1 {f3(stance(rg, 'macro_f1'))}, accuracy {f3(stance(rg, 'accuracy'))} | `realnews-gum` |",
        f"| entities | CoNLL-2003 dev / test | strict F1 {f3(ner(r['conll-dev']))} / {f3(ner(r['conll-test']))} | `conll-dev`, `conll-test` |",
        f"| entities | recent-news fixture (2025-26 names) | strict F1 {f3(ner(r['recent-news']))} | `recent-news` |",
        f"| stance | held-out topics (test, {st['coverage']['stance']['total']} sentences) | macro-F1 {f3(stance(st, 'macro_f1'))}, "
        f"accuracy {f3(stance(st, 'accuracy'))}, ECE {f3(stance(st, 'ece'))} | `stance-test` |",
        f"| stance | held-out PLOVER news sentences ({r['plover-heldout']['coverage']['stance']['total']}) | "
        f"macro-F1 {f3(stance(r['plover-heldout'], 'macro_f1'))} | `plover-heldout` |",
        f"| roles | held-out topics (test) | accuracy {f3(st['roles']['accuracy'])} on {of(st['coverage']['roles'])} gold roles | `stance-test` |",
        f"| roles | PLOVER records, all / held out of training | accuracy {f3(pl['all.role_accuracy'])} / {f3(pl['heldout.role_accuracy'])} "
        f"on {pl['all.role_mentions']} / {pl['heldout.role_mentions']} marked actors found | `actors-plover` |",
        f"| dyads | PLOVER records, country level, all / held out | recall {f3(pl['all.dyad_recall'])} / {f3(pl['heldout.dyad_recall'])} "
        f"(precision {f3(pl['all.dyad_precision'])} / {f3(pl['heldout.dyad_precision'])}); dictionary-only baseline "
        f"{f3(pl['all.baseline_dyad_recall'])} / {f3(pl['heldout.baseline_dyad_recall'])} "
        f"({f3(pl['all.baseline_dyad_precision'])} / {f3(pl['heldout.baseline_dyad_precision'])}) | `actors-plover` |",
        f"| actors | **Wikipedia current events 2025-26, sixth and seventh sets, held out** ({h['mentions']} mentions, "
        f"`datasets/actors/gold_current_events_6.jsonl`, `_7.jsonl`) | "
        f"**accuracy {f3(h['actor_accuracy'])}** (95% CI {f3(h['actor_accuracy_ci95'][0])}-{f3(h['actor_accuracy_ci95'][1])}) "
        f"on the {h['mentions_found']} the entity model finds (with role codes {f3(h['actor_accuracy_with_roles'])}); "
        f"sixth set alone {f3(h6['actor_accuracy'])}, seventh {f3(h7['actor_accuracy'])} "
        f"| `actors-held-out`, `actors-current-events-6`, `-7` |",
        f"| actors | Wikipedia current events, sets 1-5, development ({' / '.join(str(x['mentions']) for x in g)} mentions, "
        f"`training/data/actors_gold/gold_current_events*.jsonl`) | "
        f"accuracy {' / '.join(f3(x['actor_accuracy']) for x in g)} | `actors-current-events`, `-2` ... `-5` |",
        f"| actors | Wikinews articles 2019-2020, first / second set, development ({w1['mentions']} / {w2['mentions']} mentions, "
        f"`training/data/actors_gold/gold_wikinews_va*.jsonl`) | "
        f"accuracy {f3(w1['actor_accuracy'])} / {f3(w2['actor_accuracy'])} (with role codes "
        f"{f3(w1['actor_accuracy_with_roles'])} / {f3(w2['actor_accuracy_with_roles'])}) | `actors-wikinews-2019`, `actors-wikinews-2019-2` |",
        f"| actors | ConfliBERT news sentences, four sets, development ({c1['mentions']} / {c2['mentions']} / {c3['mentions']} / {c4['mentions']} "
        f"mentions, `training/data/actors_gold/gold_conflibert*.jsonl`) | accuracy {f3(c1['actor_accuracy'])} / {f3(c2['actor_accuracy'])} / "
        f"{f3(c3['actor_accuracy'])} / {f3(c4['actor_accuracy'])} | `actors-conflibert`, `-2`, `-3`, `-4` |",
        f"| actors | GUM Wikinews interviews, development ({ai['mentions']} mentions, `datasets/actors/gold_wikinews_interviews.jsonl`) | "
        f"accuracy {f3(ai['actor_accuracy'])} on the {ai['mentions_found']} the entity model finds (with role codes {f3(ai['actor_accuracy_with_roles'])}) "
        f"| `actors-interviews` |",
        f"| actors | GUM Wikinews news, development ({aw['mentions']} mentions, `datasets/actors/gold_wikinews.jsonl`) | "
        f"accuracy {f3(aw['actor_accuracy'])} on the {aw['mentions_found']} the entity model finds (with role codes {f3(aw['actor_accuracy_with_roles'])}) "
        f"| `actors-wikinews` |",
        f"| actors | PLOVER marked actors, country level | accuracy {f3(pl['all.actor_accuracy'])} on {f3(pl['all.mention_coverage'])} "
        f"of {pl['all.mentions']} that get a code | `actors-plover` |",
    ])


def card_table(r):
    # Each row: the value, its bootstrap interval (None: no interval column) and what it rests on.
    def entities(m):
        return ner(m), m["bootstrap"]["ner_strict_micro_f1"], of(m["coverage"]["entities"]) + " entities"

    def stance_row(key, ci_key=None):
        return lambda m: (stance(m, key), m["bootstrap"][ci_key] if ci_key else None, of(m["coverage"]["stance"]) + " sentences")

    def roles(m):
        return m["roles"]["accuracy"], m["bootstrap"]["role_accuracy"], of(m["coverage"]["roles"]) + " gold roles"

    def neutral(m):
        return per_class_f1(m, "neutral"), None, of(m["coverage"]["stance"]) + " sentences"

    macro = stance_row("macro_f1", "stance_macro_f1")
    rows = [
        ("entities, strict micro F1", "CoNLL-2003 dev (eng.testa)", "conll-dev", entities),
        ("entities, strict micro F1", "CoNLL-2003 test (eng.testb)", "conll-test", entities),
        ("entities, strict micro F1", "`datasets/ner/recent_news.jsonl` (2025-26 names)", "recent-news", entities),
        ("stance, macro-F1", "**real-news test** (`datasets/stance/realnews/`, Wikinews + ConfliBERT)", "realnews-test", macro),
        ("stance, neutral F1", "real-news test", "realnews-test", neutral),
        ("stance, macro-F1", "real-news test, Wikinews part (`gum_test.jsonl`, 12 articles)", "realnews-gum", macro),
        ("stance, macro-F1", "realnews_dev (a fifth of the ConfliBERT training sentences; selection)", "realnews-dev", macro),
        ("stance, macro-F1", "`datasets/stance/dev.tsv` (held-out topics: sahel, syria, serbia-kosovo)", "stance-dev", macro),
        ("stance, macro-F1", "PLOVER GSR held-out 30% (real news sentences; `training/stance/split.py`)", "plover-heldout", macro),
        ("stance, macro-F1", "`datasets/stance/test.tsv` (held-out topics: sudan, lebanon-hezbollah, south-china-sea, venezuela-guyana)", "stance-test", macro),
        ("stance, accuracy", "stance test", "stance-test", stance_row("accuracy", "stance_accuracy")),
        ("stance, ECE (15 bins)", "stance test", "stance-test", stance_row("ece")),
        ("roles, accuracy", "stance dev", "stance-dev", roles),
        ("roles, accuracy", "stance test", "stance-test", roles),
        ("roles, accuracy", "PLOVER held-out", "plover-heldout", roles),
    ]
    out = ["| task | set | score | 95% CI (bootstrap over documents) | scored on |", "|---|---|---|---|---|"]
    for task, name, report, get in rows:
        value, c, scored = get(r[report])
        # ECE and per-class F1 have no bootstrap column; a missing interval of a bootstrapped metric reads n/a.
        interval = "" if task.startswith(("stance, ECE", "stance, neutral")) else ci(c)
        out.append(f"| {task} | {name} | {value:.4f} | {interval} | {scored} |")
    return "\n".join(out)


def splice(text, table, path):
    if text.count(BEGIN) != 1 or text.count(END) != 1:
        sys.exit(f"readme_numbers: {path} needs exactly one {BEGIN} ... {END} block")
    head, rest = text.split(BEGIN)
    _, tail = rest.split(END)
    return f"{head}{BEGIN}\n{table}\n{END}{tail}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--write", action="store_true", help="rewrite the tables instead of checking them")
    args = ap.parse_args()
    names = ["conll-dev", "conll-test", "recent-news", "stance-dev", "stance-test", "plover-heldout", "realnews-dev", "actors-plover", "actors-wikinews", "actors-interviews",
             "actors-conflibert", "actors-conflibert-2", "actors-conflibert-3", "actors-conflibert-4", "actors-wikinews-2019",
             "actors-wikinews-2019-2", "actors-current-events", "actors-current-events-2", "actors-current-events-3", "actors-current-events-4",
             "actors-current-events-5", "actors-current-events-6", "actors-current-events-7", "actors-held-out", "realnews-gum",
             "realnews-test"]
    reports = {n: load(n) for n in names}
    stale = False
    for rel, render in [("README.md", readme_table), ("models/README.md", card_table)]:
        path = os.path.join(ROOT, rel)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        new = splice(text, render(reports), rel)
        if new == text:
            print(f"{rel}: scores match the reports")
            continue
        if args.write:
            with open(path, "w", encoding="utf-8") as f:
                f.write(new)
            print(f"{rel}: scores rewritten from the reports")
        else:
            stale = True
            sys.stdout.writelines(difflib.unified_diff(text.splitlines(True), new.splitlines(True), rel, rel + " (from reports)"))
    if stale:
        sys.exit("readme_numbers: the tables above do not match the reports; run with --write after checking why")


if __name__ == "__main__":
    main()
