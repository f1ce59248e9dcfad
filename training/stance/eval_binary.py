"""Score the shipped stance model THROUGH THE RUST BINARY on a labelled split.

Each gold sentence becomes one document; `detente annotate` labels it. When
the splitter cuts a gold sentence in two (a quote closing after a full stop),
the parts' probabilities are averaged, weighted by length. Prints accuracy,
per-class P/R/F1, macro-F1, the confusion matrix and the expected calibration
error (15 equal-width bins on the confidence of the predicted class), and the
role accuracy over gold source/target actors that the model found as entities.

Standard library only:

  cargo build --release
  python3 training/stance/eval_binary.py datasets/stance/test.jsonl
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time

CLASSES = ["conciliatory", "threatening", "neutral"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold", help="JSONL with text, stance (and optional source/target lists)")
    ap.add_argument("--binary", default="target/release/detente")
    ap.add_argument("--model", default=None)
    ap.add_argument("--json", default=None, help="also write the scores here")
    args = ap.parse_args()

    gold = [json.loads(l) for l in open(args.gold, encoding="utf-8") if l.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        inp = os.path.join(tmp, "docs.jsonl")
        with open(inp, "w", encoding="utf-8") as f:
            for i, g in enumerate(gold):
                f.write(json.dumps({"id": str(i), "text": g["text"]}, ensure_ascii=False) + "\n")
        out = os.path.join(tmp, "spans.csv")
        cmd = [args.binary, "annotate", inp, "-o", out, "--raw", "-q"]
        if args.model:
            cmd += ["--model", args.model]
        t0 = time.time()
        subprocess.run(cmd, check=True)
        secs = time.time() - t0
        probs = [[0.0, 0.0, 0.0] for _ in gold]
        weight = [0 for _ in gold]
        roles = [dict() for _ in gold]
        with open(out, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                d = int(row["doc_id"])
                if row["kind"] == "sentence":
                    n = int(row["end"]) - int(row["start"])
                    for k, c in enumerate(CLASSES):
                        probs[d][k] += n * float(row["p_" + c])
                    weight[d] += n
                else:
                    roles[d][row["text"]] = row["role"]

    conf = [[0] * 3 for _ in range(3)]
    bins = [[0, 0.0, 0] for _ in range(15)]  # count, sum conf, correct
    role_ok = role_n = 0
    for g, p, w, r in zip(gold, probs, weight, roles):
        p = [x / w for x in p] if w else [0, 0, 1]
        pred = max(range(3), key=lambda k: p[k])
        t = CLASSES.index(g["stance"])
        conf[t][pred] += 1
        b = min(int(p[pred] * 15), 14)
        bins[b][0] += 1
        bins[b][1] += p[pred]
        bins[b][2] += int(pred == t)
        for role in ("source", "target"):
            for actor in g.get(role, []):
                if actor in r:
                    role_n += 1
                    role_ok += int(r[actor] == role)
    n = len(gold)
    acc = sum(conf[k][k] for k in range(3)) / n
    f1s = {}
    print(f"{args.gold}: {n} sentences, {secs:.1f} s")
    print(f"{'class':13} {'P':>6} {'R':>6} {'F1':>6} {'support':>8}")
    for k, c in enumerate(CLASSES):
        tp = conf[k][k]
        fp = sum(conf[j][k] for j in range(3)) - tp
        fn = sum(conf[k]) - tp
        pr = tp / (tp + fp) if tp + fp else 0.0
        rc = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * pr * rc / (pr + rc) if pr + rc else 0.0
        f1s[c] = {"precision": round(pr, 4), "recall": round(rc, 4), "f1": round(f1, 4), "support": sum(conf[k])}
        print(f"{c:13} {pr:6.4f} {rc:6.4f} {f1:6.4f} {sum(conf[k]):8d}")
    macro = sum(v["f1"] for v in f1s.values()) / 3
    ece = sum(abs(b[2] - b[1]) for b in bins if b[0]) / n
    print(f"accuracy {acc:.4f}  macro-F1 {macro:.4f}  ECE {ece:.4f}")
    print("confusion (rows gold, columns predicted; order " + ", ".join(CLASSES) + "):")
    for k, c in enumerate(CLASSES):
        print(f"  {c:13} " + " ".join(f"{x:5d}" for x in conf[k]))
    if role_n:
        print(f"role accuracy {role_ok / role_n:.4f} over {role_n} gold actors found as entities")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"gold": args.gold, "n": n, "accuracy": round(acc, 4), "macro_f1": round(macro, 4), "ece": round(ece, 4),
                       "per_class": f1s, "confusion": conf, "role_accuracy": round(role_ok / role_n, 4) if role_n else None,
                       "role_n": role_n}, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
