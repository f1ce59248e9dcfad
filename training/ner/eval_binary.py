"""Score the shipped NER model THROUGH THE RUST BINARY on CoNLL-2003 (dev or test).

Each CoNLL document becomes one article: its tokens joined by single spaces,
its sentences separated by blank lines (no sentence crosses a blank line, so
the splitter cannot merge CoNLL sentences). `detente annotate` labels it, and
the entity rows (character offsets) are compared with the gold spans:
strict = exact span and type, which is seqeval's strict entity-level score
when spans fall on token boundaries (they do: a word is never split).

Standard library only, so it runs without the training venv:

  cargo build --release
  python3 training/ner/eval_binary.py training/data/conll2003/dev.txt
  python3 training/ner/eval_binary.py datasets/ner/recent_news.jsonl   # gold JSONL fixture
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter

TYPES = ["PER", "ORG", "LOC", "MISC"]


def read_conll(path):
    """Documents as (text, gold spans {(start, end, type)}) built from the tokens."""
    docs = []
    sents, words, tags = [], [], []

    def flush_sent():
        nonlocal words, tags
        if words:
            sents.append((words, tags))
        words, tags = [], []

    def flush_doc():
        nonlocal sents
        flush_sent()
        if sents:
            docs.append(build(sents))
        sents = []

    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if not parts:
                flush_sent()
            elif parts[0] == "-DOCSTART-":
                flush_doc()
            else:
                words.append(parts[0])
                tags.append(parts[-1])
    flush_doc()
    return docs


def build(sents):
    text, gold, pos = [], set(), 0
    for si, (words, tags) in enumerate(sents):
        if si:
            text.append("\n\n")
            pos += 2
        cur = None  # (start, end, type)
        prev = "O"
        for wi, (w, t) in enumerate(zip(words, tags)):
            if wi:
                text.append(" ")
                pos += 1
            start, end = pos, pos + len(w)
            text.append(w)
            pos = end
            # IOB1 or IOB2: an entity starts at B-, or at I- after O or another type.
            if t == "O":
                if cur:
                    gold.add(cur)
                cur = None
            else:
                kind = t[2:]
                if t.startswith("B-") or prev == "O" or prev[2:] != kind:
                    if cur:
                        gold.add(cur)
                    cur = (start, end, kind)
                else:
                    cur = (cur[0], end, kind)
            prev = t
        if cur:
            gold.add(cur)
    return "".join(text), gold


def read_jsonl(path):
    docs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                docs.append((d["text"], {(e["start"], e["end"], e["label"]) for e in d["entities"]}))
    return docs


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold", help="CoNLL file (train/dev/test.txt) or gold JSONL with entities")
    ap.add_argument("--binary", default="target/release/detente")
    ap.add_argument("--model", default=None, help="model folder (default: the shipped one)")
    ap.add_argument("--json", default=None, help="also write the scores here")
    args = ap.parse_args()

    docs = read_jsonl(args.gold) if args.gold.endswith(".jsonl") else read_conll(args.gold)
    with tempfile.TemporaryDirectory() as tmp:
        inp = os.path.join(tmp, "docs.jsonl")
        with open(inp, "w", encoding="utf-8") as f:
            for i, (text, _) in enumerate(docs):
                f.write(json.dumps({"id": str(i), "text": text}, ensure_ascii=False) + "\n")
        out = os.path.join(tmp, "spans.csv")
        cmd = [args.binary, "annotate", inp, "-o", out, "--raw", "-q"]
        if args.model:
            cmd += ["--model", args.model]
        t0 = time.time()
        subprocess.run(cmd, check=True)
        secs = time.time() - t0
        pred = [set() for _ in docs]
        with open(out, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                if row["kind"] == "entity":
                    pred[int(row["doc_id"])].add((int(row["start"]), int(row["end"]), row["label"]))

    counts = {t: Counter() for t in TYPES + ["ALL"]}
    for (_, gold), p in zip(docs, pred):
        for s in p:
            k = "tp" if s in gold else "fp"
            counts[s[2]][k] += 1
            counts["ALL"][k] += 1
        for s in gold - p:
            counts[s[2]]["fn"] += 1
            counts["ALL"]["fn"] += 1
    words = sum(len(t.split()) for t, _ in docs)
    result = {"gold": args.gold, "documents": len(docs), "words": words, "seconds": round(secs, 2),
              "words_per_s": round(words / secs), "scores": {}}
    print(f"{args.gold}: {len(docs)} documents, {words} words, {secs:.1f} s ({words / secs:.0f} words/s incl. start-up)")
    print(f"{'type':6} {'P':>6} {'R':>6} {'F1':>6} {'support':>8}")
    for t in TYPES + ["ALL"]:
        c = counts[t]
        p, r, f = prf(c["tp"], c["fp"], c["fn"])
        result["scores"][t] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": c["tp"] + c["fn"]}
        print(f"{t:6} {p:6.4f} {r:6.4f} {f:6.4f} {c['tp'] + c['fn']:8d}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
