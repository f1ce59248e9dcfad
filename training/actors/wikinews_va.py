"""A held-out actor gold set on Wikinews articles of 2019-2020 that GUM does
not have, kept out of git like the ConfliBERT sets.

  python3 training/actors/wikinews_va.py extract --repo GIT_DIR
  python3 training/actors/wikinews_va.py merge [--set 2]
  python3 training/actors/wikinews_va.py agree [--set 2]

The articles come from vanatteveldt/wikinews (data/wikinews_2019.csv and
data/wikinews_2020.csv: en.wikinews.org articles, CC BY 2.5), brought with
the search tool's `fetch`; GIT_DIR is the fetched repository's git
directory. Neither they nor the labels (which quote them) are committed:
everything is written under the git-ignored training/data/.

extract  picks two sets of 32 articles about politics, conflict and the
         state (fixed seeds; no GUM article; no "Wikinews interviews"; the
         second set none of the first), the headline as the first line, and
         writes training/data/wikinews_va/docs.jsonl and docs_2.jsonl, and
         the labellers' parts in training/data/actors_wn/ and actors_wn2/
         (part1-4, and second1-2: two articles of each part, for a blind
         second labelling).
merge    joins the labellers' files (labels_part1-4.jsonl) into
         training/data/actors_gold/gold_wikinews_va.jsonl (_2 for the second
         set), checking every text against the articles and every offset.
agree    the second labelling against the first on the articles both have:
         span F1 (exact start and end) and Cohen's kappa of the primary actor
         (the code's state or organisation, "" for none) on equal spans.
"""
import argparse
import csv
import hashlib
import io
import json
import os
import random
import re
import subprocess
import sys
from collections import Counter

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "stance"))

from realnews import kappa  # noqa: E402  (training/stance/realnews.py)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Per set: the articles, the labellers' folder and the gold.
SETS = {
    1: (os.path.join(ROOT, "training/data/wikinews_va/docs.jsonl"), os.path.join(ROOT, "training/data/actors_wn"),
        os.path.join(ROOT, "training/data/actors_gold/gold_wikinews_va.jsonl")),
    2: (os.path.join(ROOT, "training/data/wikinews_va/docs_2.jsonl"), os.path.join(ROOT, "training/data/actors_wn2"),
        os.path.join(ROOT, "training/data/actors_gold/gold_wikinews_va_2.jsonl")),
}
POLITICS = (r"\b(president|minister|government|military|army|troops|sanctions|parliament|election|police|protest\w*|talks|treaty|"
            r"embassy|foreign|rebels?|militants?|attack\w*|war|ceasefire|diplomat\w*|prime|senate|congress|party|court)\b")


def write_jsonl(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def candidates(rows, gum, exclude, threshold, shortest, longest, seed):
    """Articles about politics, conflict and the state, in a fixed random
    order: `threshold` political words per 1,000 characters at least."""
    picked = []
    for r in rows:
        body = re.sub(r"[ \t]+\n", "\n", r["text"]).strip()
        body = re.sub(r"\n{3,}", "\n\n", body)
        if body[:80] in gum or r["title"].startswith("Wikinews interviews") or r["url"] in exclude:
            continue
        score = len(re.findall(POLITICS, body, re.I)) / max(1, len(body) / 1000)
        if score >= threshold and shortest <= len(body) <= longest:
            picked.append(dict(title=r["title"], date=r["date"], url=r["url"], text=body))
    picked.sort(key=lambda d: d["url"])
    random.seed(seed)
    random.shuffle(picked)
    return picked


def write_set(picked, docs_path, parts_dir):
    docs = [dict(id="wnva-" + hashlib.sha1(d["url"].encode()).hexdigest()[:10], date=d["date"], url=d["url"],
                 text=d["title"].strip() + "\n\n" + d["text"]) for d in picked[:32]]
    write_jsonl(docs_path, docs)
    # Four parts of about equal length, each in the articles' order; the
    # first and last article of each part are labelled a second time.
    parts, size = [[] for _ in range(4)], [0] * 4
    for d in sorted(docs, key=lambda d: -len(d["text"])):
        i = size.index(min(size))
        parts[i].append(d)
        size[i] += len(d["text"])
    order = {d["id"]: k for k, d in enumerate(docs)}
    for p in parts:
        p.sort(key=lambda d: order[d["id"]])
    write_parts(parts_dir, parts, [d for p in parts for d in (p[0], p[-1])])
    print(f"{len(docs)} articles ({sum(len(d['text']) for d in docs)} characters) of {len(picked)} candidates -> {docs_path}")
    return docs


def write_parts(parts_dir, parts, second):
    """The labellers' inputs: part1-4.jsonl, and second1-2.jsonl, which
    share `second` out in turn for the blind second labelling."""
    def inputs(docs):
        return [dict(id=d["id"], date=d["date"], text=d["text"]) for d in docs]
    for i, p in enumerate(parts):
        write_jsonl(os.path.join(parts_dir, f"part{i + 1}.jsonl"), inputs(p))
    for j in range(2):
        write_jsonl(os.path.join(parts_dir, f"second{j + 1}.jsonl"), inputs(second[j::2]))


def extract(repo):
    rows = []
    for year in (2019, 2020):
        out = subprocess.run(["git", f"--git-dir={repo}", "show", f"HEAD:data/wikinews_{year}.csv"], capture_output=True, text=True, check=True)
        rows += list(csv.DictReader(io.StringIO(out.stdout)))
    gum = " ".join(d["text"] for d in read_jsonl(os.path.join(ROOT, "datasets/stance/realnews/gum_docs.jsonl")))
    first = write_set(candidates(rows, gum, set(), 5, 1000, 4500, 20261201), SETS[1][0], SETS[1][1])
    # The second set, labelled after the first was scored: the next
    # articles, with a lower bar because the first took most of the
    # political ones.
    write_set(candidates(rows, gum, {d["url"] for d in first}, 4, 800, 6000, 20261202), SETS[2][0], SETS[2][1])


def check(doc, text, where):
    last = 0
    for m in doc["mentions"]:
        if text[m["start"]:m["end"]] != m["text"]:
            sys.exit(f"{where}: {doc['id']}: mention {m['text']!r} is not at {m['start']}..{m['end']}")
        if m["start"] < last:
            sys.exit(f"{where}: {doc['id']}: mention {m['text']!r} at {m['start']} overlaps or is out of order")
        if m["kind"] not in ("PER", "ORG", "LOC", "MISC") or not re.fullmatch(r"([A-Z]{3})*", m["code"]):
            sys.exit(f"{where}: {doc['id']}: mention {m['text']!r}: bad kind or code {m['kind']!r} {m['code']!r}")
        last = m["end"]


def merge(docs_path, parts_dir, gold_path):
    texts = {d["id"]: d for d in read_jsonl(docs_path)}
    gold = []
    parts = sorted(f for f in os.listdir(parts_dir) if re.fullmatch(r"labels_part\d+\.jsonl", f))
    for name in parts:
        path = os.path.join(parts_dir, name)
        for d in read_jsonl(path):
            src = texts.pop(d["id"], None)
            if src is None or src["text"] != d["text"] or src["date"] != d["date"]:
                sys.exit(f"{path}: {d['id']}: not an article of {docs_path}, or its text or date differs")
            check(d, src["text"], path)
            gold.append(dict(id=d["id"], date=d["date"], text=d["text"], mentions=d["mentions"]))
    if texts:
        sys.exit(f"articles without labels: {sorted(texts)}")
    write_jsonl(gold_path, gold)
    ms = [m for d in gold for m in d["mentions"]]
    coded = Counter(m["code"][:3] for m in ms if m["code"])
    print(f"{len(gold)} articles, {len(ms)} mentions ({sum(1 for m in ms if m['code'])} coded) -> {gold_path}")
    print("kinds:", dict(Counter(m["kind"] for m in ms)), "prefixes:", coded.most_common(12))


def primary(code):
    return code[:6] if code[:3] in ("IGO", "NGO", "IMG", "MNC") else code[:3]


def agree(parts_dir, gold_path):
    first = {d["id"]: d for d in read_jsonl(gold_path)}
    tp = n1 = n2 = 0
    a, b = [], []
    docs = 0
    for j in (1, 2):
        for d in read_jsonl(os.path.join(parts_dir, f"labels_second{j}.jsonl")):
            f = first[d["id"]]
            check(d, f["text"], f"labels_second{j}.jsonl")
            docs += 1
            s1 = {(m["start"], m["end"]): m for m in f["mentions"]}
            s2 = {(m["start"], m["end"]): m for m in d["mentions"]}
            n1 += len(s1)
            n2 += len(s2)
            for span in s1.keys() & s2.keys():
                tp += 1
                a.append(primary(s1[span]["code"]))
                b.append(primary(s2[span]["code"]))
    p, r = tp / n2, tp / n1
    k, po = kappa(a, b)
    print(f"second labelling: {docs} articles, {n1} first / {n2} second mentions; span F1 {2 * p * r / (p + r):.3f}; "
          f"primary actor on {tp} equal spans: agreement {po:.3f}, Cohen's kappa {k:.3f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    ex = sub.add_parser("extract")
    ex.add_argument("--repo", required=True, help="git directory of the fetched vanatteveldt/wikinews")
    for name in ("merge", "agree"):
        sub.add_parser(name).add_argument("--set", type=int, choices=sorted(SETS), default=1)
    args = ap.parse_args()
    if args.cmd == "extract":
        extract(args.repo)
    elif args.cmd == "merge":
        merge(*SETS[args.set])
    else:
        agree(*SETS[args.set][1:])


if __name__ == "__main__":
    main()
