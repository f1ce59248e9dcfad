"""Deterministic split of the stance data (ours by TOPIC, shared data by rule).

  python training/stance/split.py --out training/runs/stance_data

Writes {train,dev,test,plover_dev}.jsonl (one unified record per sentence):
  {"id", "origin", "topic", "text", "stance", "source": [str], "target": [str], "roles_annotated": bool}
and SPLIT.md-style counts to stdout (+ counts.json).

Rules
- ours (datasets/stance/raw/part_*.jsonl): test topics TEST_TOPICS, dev topics DEV_TOPICS, all other topics train.
  Whole topics are held out so that paraphrases of the same event cannot leak.
- PLOVER GSR: plover_dev if int(sha1(id).hexdigest(), 16) % 100 < 30, else train. Actors from the markup:
  (SRC: x) -> source, (TAR: x) -> target, (SRC/TAR: x) -> source (joint act: every party is a source, guidelines §4);
  only mentions that occur verbatim in `text` are kept (the markup text sometimes differs from `text`).
- CAMEO codebook examples (column `example`, label class_strict, but 0256 -> conciliatory per GUIDELINES §3)
  and PETRARCH validation records (class_strict; rows with class 'none' dropped): train only, no role annotation.
"""
import argparse
import csv
import glob
import hashlib
import json
import os
from collections import Counter, defaultdict

TEST_TOPICS = {"sudan", "lebanon-hezbollah", "south-china-sea", "venezuela-guyana"}
DEV_TOPICS = {"sahel", "syria", "serbia-kosovo"}
STANCES = ["conciliatory", "threatening", "neutral"]
SHARED = "/work/shared/data"


def h100(s):
    return int(hashlib.sha1(s.encode("utf-8")).hexdigest(), 16) % 100


def markup_actors(markup):
    """[(tag, text)] for (TAG: text) spans; handles nested parentheses inside the span."""
    out, i = [], 0
    while True:
        j = markup.find("(", i)
        if j < 0:
            return out
        k = markup.find(": ", j)
        tag = markup[j + 1:k] if k > 0 else ""
        if k < 0 or not tag or not all(c.isupper() or c == "/" for c in tag):
            i = j + 1
            continue
        depth, p = 1, k + 2
        while p < len(markup) and depth:
            depth += {"(": 1, ")": -1}.get(markup[p], 0)
            p += 1
        out.append((tag, markup[k + 2:p - 1]))
        i = k + 2  # continue inside (spans do not nest in practice, but be safe)


def load_ours(root):
    rows = []
    for p in sorted(glob.glob(os.path.join(root, "datasets/stance/raw/part_*.jsonl"))):
        with open(p, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                try:
                    r = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a row being written concurrently
                if r.get("stance") not in STANCES or not r.get("text"):
                    continue
                rows.append(dict(id=r["id"], origin="ours", topic=r["topic"], text=r["text"], stance=r["stance"],
                                 source=[s for s in r.get("source", []) if s and s in r["text"]],
                                 target=[s for s in r.get("target", []) if s and s in r["text"]],
                                 roles_annotated=True, hard_case=r.get("hard_case", ""), style=r.get("style", "")))
                if r.get("snippet"):
                    rows[-1]["snippet"] = r["snippet"]
    return rows


def load_realnews(path):
    """Real-news training rows (training/stance/realnews.py build): GUM articles in order, keyed by their
    document so that training rows pack neighbouring sentences; ConfliBERT sentences alone. A fifth of
    the ConfliBERT ones (by id) is `realnews_dev`, real news to select on (the real-news TEST set is
    never read here)."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            rows.append(dict(id=r["id"], origin=r["origin"], topic=r["doc"], text=r["text"], stance=r["stance"],
                             source=[], target=[], roles_annotated=False,
                             **({"snippet": r["doc"]} if r["origin"] == "gum" else {})))
    return rows


def load_plover():
    rows = []
    with open(os.path.join(SHARED, "plover_gsr/plover_gsr.tsv"), encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            if r["class_strict"] not in STANCES:
                continue
            src, tar = [], []
            for tag, a in markup_actors(r["markup"]):
                if not a or a not in r["text"]:
                    continue
                parts = tag.split("/")
                if "SRC" in parts:
                    src.append(a)
                elif "TAR" in parts:
                    tar.append(a)
            rows.append(dict(id=r["id"], origin="plover", topic="plover-" + r["event"].lower(), text=r["text"],
                             stance=r["class_strict"], source=list(dict.fromkeys(src)),
                             target=list(dict.fromkeys(t for t in tar if t not in src)), roles_annotated=True))
    return rows


def load_cameo():
    rows = []
    with open(os.path.join(SHARED, "cameo_codebook/cameo_codes_stance.tsv"), encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            ex = (r.get("example") or "").strip()
            if not ex:
                continue
            cls = "conciliatory" if r["code"] == "0256" else r["class_strict"]
            if cls not in STANCES:
                continue
            rows.append(dict(id="cameo-" + r["code"], origin="cameo", topic="cameo", text=ex, stance=cls,
                             source=[], target=[], roles_annotated=False))
    return rows


def load_petrarch():
    rows = []
    with open(os.path.join(SHARED, "petrarch_validate/PETR_Validate_records_2_02.tsv"), encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            if r["class_strict"] not in STANCES or not r["text"].strip():
                continue
            rows.append(dict(id="petr-" + r["id"], origin="petrarch", topic="petrarch", text=r["text"].strip(),
                             stance=r["class_strict"], source=[], target=[], roles_annotated=False))
    return rows


def make_split(root, realnews=None):
    ours = load_ours(root)
    topics = Counter(r["topic"] for r in ours)
    missing = (TEST_TOPICS | DEV_TOPICS) - set(topics)
    if missing:
        raise SystemExit(f"topics missing from the data: {sorted(missing)} -- pick replacements and document them")
    split = defaultdict(list)
    for r in ours:
        split["test" if r["topic"] in TEST_TOPICS else "dev" if r["topic"] in DEV_TOPICS else "train"].append(r)
    for r in load_plover():
        split["plover_dev" if h100(r["id"]) < 30 else "train"].append(r)
    split["train"] += load_cameo() + load_petrarch()
    if realnews:
        for r in load_realnews(realnews):
            split["realnews_dev" if r["origin"] == "conflibert" and h100(r["id"]) < 20 else "train"].append(r)
    return split


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=".")
    ap.add_argument("--out", default="training/runs/stance_data")
    ap.add_argument("--realnews", default="", help="training/data/realnews/train.jsonl: add real-news training rows "
                    "(and write realnews_dev.jsonl)")
    args = ap.parse_args()
    split = make_split(args.root, args.realnews)
    os.makedirs(args.out, exist_ok=True)
    counts = {}
    for name in ("train", "dev", "test", "plover_dev") + (("realnews_dev",) if args.realnews else ()):
        with open(os.path.join(args.out, name + ".jsonl"), "w", encoding="utf-8") as f:
            for r in split[name]:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        c = defaultdict(Counter)
        for r in split[name]:
            c[r["origin"]][r["stance"]] += 1
        counts[name] = {o: dict(v) for o, v in c.items()}
    with open(os.path.join(args.out, "counts.json"), "w") as f:
        json.dump(counts, f, indent=1)
    print("| split | origin | conciliatory | threatening | neutral | total |")
    print("|---|---|---|---|---|---|")
    for name, c in counts.items():
        for o, v in c.items():
            print(f"| {name} | {o} | " + " | ".join(str(v.get(s, 0)) for s in STANCES) + f" | {sum(v.values())} |")
    topics = defaultdict(Counter)
    for name in ("train", "dev", "test"):
        for r in split[name]:
            if r["origin"] == "ours":
                topics[name][r["topic"]] += 1
    for name, t in topics.items():
        print(f"{name} topics: " + ", ".join(f"{k} ({v})" for k, v in sorted(t.items())))


if __name__ == "__main__":
    main()
