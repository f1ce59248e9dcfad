"""Unlabelled news text for distilling the stance teacher into the shipped branch.

    python3 training/stance/unlabelled.py --out training/runs/unlabelled.jsonl

- CoNLL-2003 train (Reuters, 1996; fetched, never committed, already the entity model's training text):
  sentences of 8-60 tokens, detokenised, every --conll-every-th one (default: 4,000 sentences or so).
- GUM's Wikinews interviews outside the real-news test set (datasets/stance/realnews/gum_docs.jsonl,
  split "train", ids GUM_interview_*), each document in order (`snippet` = its id) so that rows pack
  neighbouring sentences as the binary does.
Rows: {"id", "origin", "text"[, "snippet"]}; no stance (the teacher gives it).
"""
import argparse
import json
import re

PUNCT_BEFORE = re.compile(r" ([.,;:!?%)\]}]|'s|n't|'re|'ve|'ll|'d|'m)")
PUNCT_AFTER = re.compile(r"([(\[{$]) ")


def detok(tokens):
    """Tokens back to running text. The model's tokenizer splits punctuation off again, so only the
    spacing around it changes; quotes keep their spaces."""
    s = PUNCT_BEFORE.sub(r"\1", " ".join(tokens))
    return PUNCT_AFTER.sub(r"\1", s).strip()


def conll_sentences(path):
    sent = []
    for line in open(path, encoding="utf-8"):
        parts = line.split()
        if not parts or parts[0] == "-DOCSTART-":
            if sent:
                yield sent
            sent = []
        else:
            sent.append(parts[0])
    if sent:
        yield sent


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--conll", default="training/data/conll2003/train.txt")
    ap.add_argument("--conll-every", type=int, default=3)
    ap.add_argument("--gum", default="datasets/stance/realnews/gum_docs.jsonl")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    rows = []
    for i, toks in enumerate(s for s in conll_sentences(args.conll) if 8 <= len(s) <= 60):
        if i % args.conll_every == 0:
            rows.append(dict(id=f"conll-train-{i}", origin="conll", text=detok(toks)))
    n_conll = len(rows)
    for line in open(args.gum, encoding="utf-8"):
        d = json.loads(line)
        if d["split"] != "train" or not d["id"].startswith("GUM_interview_"):
            continue
        for k, s in enumerate(d["sentences"]):
            rows.append(dict(id=f"{d['id']}-{k + 1}", origin="gum-interview", text=d["text"][s["start"]:s["end"]], snippet=d["id"]))
    with open(args.out, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(rows)} rows: CoNLL {n_conll}, GUM interviews {len(rows) - n_conll}")


if __name__ == "__main__":
    main()
