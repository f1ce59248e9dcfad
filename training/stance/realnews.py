"""Real news for the stance model: the items to label, and the gold built from the labels.

    python3 training/stance/realnews.py extract    # items to label (see below)
    python3 training/stance/realnews.py build      # gold files for `detente eval`, from the labels

Sources (see datasets/stance/realnews/README.md):
- GUM (amir-zeldes/gum, fetched to /work/.mirror or --gum DIR): Wikinews news articles and interviews,
  CC BY 2.5. Sentence boundaries, paragraphs and headlines come from GUM's own conllu (`# text`,
  `# newpar`). TEST_DOCS are the test articles (every sentence labelled); the other news and interview
  documents are training text.
- ConfliBERT (eventdata/ConfliBERT, `data/cameo_class/train.tsv` only; fetched, never committed): 1,349
  sentences of 2017-18 news. A sentence is in the real-news TEST set when
  int(sha1(text), 16) % 100 < CB_TEST_PERCENT, else it is training text. Its text never enters git: items
  and gold built from it go to training/data/realnews/ (git-ignored); the committed labels name it by id
  (`cb-` + the first 12 hex digits of sha1(text)).

extract writes
  datasets/stance/realnews/gum_docs.jsonl           GUM documents: id, title, split, text, sentences [{start, end}]
  datasets/stance/realnews/items_gum_test.tsv        one GUM test sentence per line: id, doc, text
  datasets/stance/realnews/items_gum_train.tsv       the same for GUM training documents
  training/data/realnews/items_cb_test.tsv           ConfliBERT test sentences: id, text (never committed)
  training/data/realnews/items_cb_train.tsv          ConfliBERT training sentences
  datasets/stance/realnews/second_ids.txt            the ids labelled a second time, blind (agreement)
build reads the labels (labels_*.tsv: id, stance, note) and writes
  datasets/stance/realnews/gum_test.jsonl            gold documents with character spans (committed)
  training/data/realnews/cb_test.jsonl               gold sentence rows (text: not committed)
  training/data/realnews/realnews_test.jsonl         both, as one gold file of documents: THE real-news test set
  training/data/realnews/train.jsonl                 training rows (GUM train + ConfliBERT train)
and prints Cohen's kappa of the second labelling against the first.
"""
import argparse
import csv
import hashlib
import json
import os
import subprocess
import sys
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "datasets/stance/realnews")
PRIVATE = os.path.join(ROOT, "training/data/realnews")
GUM = "/work/.mirror/amir-zeldes+gum/repo"
CB = "/work/.mirror/eventdata+ConfliBERT/repo"

# Wikinews articles and interviews on international politics, government and conflict: the test
# articles. Chosen by title before any labelling; every sentence of each is labelled.
TEST_DOCS = [
    "GUM_news_afghan", "GUM_news_asylum", "GUM_news_election", "GUM_news_korea", "GUM_news_questionnaire",
    "GUM_news_sensitive", "GUM_news_stampede", "GUM_news_crane", "GUM_news_flag", "GUM_news_taxes",
    "GUM_interview_peres", "GUM_interview_chomsky",
]
CB_TEST_PERCENT = 20
STANCES = ("conciliatory", "threatening", "neutral")


def git_show(repo, path):
    return subprocess.run(["git", "--git-dir", repo, "show", f"HEAD:{path}"], check=True, capture_output=True, text=True).stdout


def git_ls(repo, prefix):
    out = subprocess.run(["git", "--git-dir", repo, "ls-tree", "-r", "--name-only", "HEAD", prefix], check=True, capture_output=True, text=True).stdout
    return out.split()


def gum_doc(repo, name):
    """(title, text, [(start, end)]): paragraphs joined by a blank line, sentences in a paragraph by a space."""
    conllu = git_show(repo, f"dep/{name}.conllu")
    paras, title = [], ""
    for line in conllu.splitlines():
        if line.startswith("# meta::title = "):
            title = line.split(" = ", 1)[1]
        elif line.startswith("# newpar") and not line.startswith("# newpar_block"):
            paras.append([])
        elif line.startswith("# text = "):
            if not paras:
                paras.append([])
            paras[-1].append(line.split(" = ", 1)[1].strip())
    text, spans = "", []
    for p in (p for p in paras if p):
        if text:
            text += "\n\n"
        for i, s in enumerate(p):
            if i:
                text += " "
            spans.append((len(text), len(text) + len(s)))
            text += s
    return title, text, spans


def cb_id(text):
    return "cb-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def h100(text):
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16) % 100


def write_tsv(path, header, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(header)
        w.writerows(rows)


def extract(args):
    names = sorted(os.path.basename(p)[:-7] for p in git_ls(args.gum, "dep/") if os.path.basename(p).startswith(("GUM_news_", "GUM_interview_")))
    missing = [d for d in TEST_DOCS if d not in names]
    if missing:
        sys.exit(f"not in GUM: {missing}")
    docs, items = [], {"test": [], "train": []}
    for name in names:
        title, text, spans = gum_doc(args.gum, name)
        split = "test" if name in TEST_DOCS else "train"
        docs.append({"id": name, "title": title, "split": split, "text": text, "sentences": [{"start": s, "end": e} for s, e in spans]})
        for i, (s, e) in enumerate(spans):
            items[split].append((f"{name}-{i + 1}", name, text[s:e]))
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "gum_docs.jsonl"), "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    for split in ("test", "train"):
        write_tsv(os.path.join(OUT, f"items_gum_{split}.tsv"), ["id", "doc", "text"], items[split])

    cb = {"test": [], "train": []}
    seen = set()
    for line in git_show(args.cb, "data/cameo_class/train.tsv").splitlines():
        text = line.rsplit("\t", 1)[0].strip()
        if not text or text in seen:
            continue
        seen.add(text)
        cb["test" if h100(text) < CB_TEST_PERCENT else "train"].append((cb_id(text), text))
    for split in ("test", "train"):
        write_tsv(os.path.join(PRIVATE, f"items_cb_{split}.tsv"), ["id", "text"], cb[split])

    # Second, blind labelling: every third GUM test sentence and every other ConfliBERT test sentence.
    second = [i for k, (i, _, _) in enumerate(items["test"]) if k % 3 == 0] + [i for k, (i, _) in enumerate(cb["test"]) if k % 2 == 0]
    with open(os.path.join(OUT, "second_ids.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(second) + "\n")
    print(f"GUM test: {len(items['test'])} sentences in {len(TEST_DOCS)} documents; GUM train: {len(items['train'])}")
    print(f"ConfliBERT test: {len(cb['test'])}; train: {len(cb['train'])}; second labelling: {len(second)}")


def read_labels(paths):
    labels = {}
    for path in paths:
        with open(path, encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f, delimiter="\t"):
                stance = r["stance"].strip().lower()
                if stance not in STANCES:
                    sys.exit(f"{path}: {r['id']}: unknown stance {stance!r}")
                if r["id"] in labels:
                    sys.exit(f"{path}: {r['id']} labelled twice")
                labels[r["id"]] = stance
    return labels


def kappa(a, b):
    """Cohen's kappa of two labellings of the same items, and their raw
    agreement (training/actors/wikinews_va.py uses it too)."""
    n = len(a)
    po = sum(x == y for x, y in zip(a, b)) / n
    ca, cb_ = Counter(a), Counter(b)
    pe = sum(ca[k] * cb_[k] for k in ca) / (n * n)
    return (po - pe) / (1 - pe) if pe < 1 else 1.0, po


def build(args):
    first = read_labels([os.path.join(OUT, f) for f in ("labels_gum_test.tsv", "labels_cb_test.tsv")])
    second = read_labels([os.path.join(OUT, "labels_second.tsv")])
    ids = [i for i in second if i in first]
    k, po = kappa([first[i] for i in ids], [second[i] for i in ids])
    print(f"second labelling: {len(ids)} sentences, agreement {po:.3f}, Cohen's kappa {k:.3f}")
    for part, pre in (("GUM", "GUM_"), ("ConfliBERT", "cb-")):
        sub = [i for i in ids if i.startswith(pre)]
        if sub:
            kk, pp = kappa([first[i] for i in sub], [second[i] for i in sub])
            print(f"  {part}: {len(sub)} sentences, agreement {pp:.3f}, kappa {kk:.3f}")

    docs = [json.loads(l) for l in open(os.path.join(OUT, "gum_docs.jsonl"), encoding="utf-8")]
    n = Counter()
    with open(os.path.join(OUT, "gum_test.jsonl"), "w", encoding="utf-8") as f:
        for d in (d for d in docs if d["split"] == "test"):
            sents = []
            for i, s in enumerate(d["sentences"]):
                sid = f"{d['id']}-{i + 1}"
                if sid not in first:
                    sys.exit(f"{sid} has no label")
                sents.append({"start": s["start"], "end": s["end"], "stance": first[sid]})
                n["gum", first[sid]] += 1
            f.write(json.dumps({"id": d["id"], "text": d["text"], "sentences": sents}, ensure_ascii=False) + "\n")
    os.makedirs(PRIVATE, exist_ok=True)
    with open(os.path.join(PRIVATE, "items_cb_test.tsv"), encoding="utf-8", newline="") as f:
        cb_test = list(csv.DictReader(f, delimiter="\t"))
    with open(os.path.join(PRIVATE, "cb_test.jsonl"), "w", encoding="utf-8") as f:
        for r in cb_test:
            if r["id"] not in first:
                sys.exit(f"{r['id']} has no label")
            f.write(json.dumps({"id": r["id"], "text": r["text"], "stance": first[r["id"]]}, ensure_ascii=False) + "\n")
            n["cb", first[r["id"]]] += 1
    print("test labels:", dict(sorted(n.items())))
    # The whole real-news test set as one gold file of documents: the GUM
    # articles, and each ConfliBERT sentence as a document of its own.
    with open(os.path.join(PRIVATE, "realnews_test.jsonl"), "w", encoding="utf-8") as f:
        for line in open(os.path.join(OUT, "gum_test.jsonl"), encoding="utf-8"):
            f.write(line)
        for r in cb_test:
            f.write(json.dumps({"id": r["id"], "text": r["text"], "sentences": [{"start": 0, "end": len(r["text"]), "stance": first[r["id"]]}]}, ensure_ascii=False) + "\n")

    train_labels = read_labels([os.path.join(OUT, f) for f in ("labels_gum_train.tsv", "labels_cb_train_1.tsv", "labels_cb_train_2.tsv")])
    rows = []
    with open(os.path.join(OUT, "items_gum_train.tsv"), encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            if r["id"] in train_labels:
                rows.append({"id": r["id"], "origin": "gum", "doc": r["doc"], "text": r["text"], "stance": train_labels[r["id"]]})
    with open(os.path.join(PRIVATE, "items_cb_train.tsv"), encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            if r["id"] in train_labels:
                rows.append({"id": r["id"], "origin": "conflibert", "doc": r["id"], "text": r["text"], "stance": train_labels[r["id"]]})
    with open(os.path.join(PRIVATE, "train.jsonl"), "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"training rows: {len(rows)}", dict(Counter((r['origin'], r['stance']) for r in rows)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["extract", "build"])
    ap.add_argument("--gum", default=GUM, help="git dir of amir-zeldes/gum")
    ap.add_argument("--cb", default=CB, help="git dir of eventdata/ConfliBERT")
    args = ap.parse_args()
    {"extract": extract, "build": build}[args.command](args)


if __name__ == "__main__":
    main()
