"""Generate a benchmark corpus as JSONL from datasets/sample: N articles of
varied length, built by reshuffling the sample articles' paragraphs and
swapping actors, so that no two articles are identical (caches and dedup
cannot flatter anyone). Deterministic for a given --seed.

  python3 benches/make_corpus.py --articles 2000 --out /tmp/corpus.jsonl
"""
import argparse
import glob
import json
import os
import random

SWAPS = [("Iran", "Venezuela"), ("Turkey", "Qatar"), ("Erdoğan", "Sheikh Tamim"), ("Araghchi", "Gil"),
         ("Russia", "China"), ("Ukraine", "Taiwan"), ("Hegseth", "Rubio"), ("Ankara", "Doha"),
         ("Gulf", "Caribbean"), ("Tehran", "Caracas")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "datasets", "sample")
    articles = [open(p, encoding="utf-8").read() for p in sorted(glob.glob(os.path.join(root, "*.txt")))]
    paragraphs = [p.strip() for a in articles for p in a.split("\n\n")[1:] if p.strip()]
    headlines = [a.split("\n", 1)[0] for a in articles]
    words = 0
    with open(args.out, "w", encoding="utf-8") as f:
        for i in range(args.articles):
            n = rng.randint(8, 20)
            body = [rng.choice(paragraphs) for _ in range(n)]
            text = rng.choice(headlines) + "\n\n" + "\n\n".join(body)
            for a, b in SWAPS:
                if rng.random() < 0.3:
                    text = text.replace(a, b)
            words += len(text.split())
            f.write(json.dumps({"id": f"bench-{i}", "text": text}, ensure_ascii=False) + "\n")
    print(f"{args.out}: {args.articles} articles, {words} words")


if __name__ == "__main__":
    main()
