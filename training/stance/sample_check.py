"""The sample corpus as a regression check for stance, through the Rust binary (int8, as users run it).

    python3 training/stance/sample_check.py [--bin target/release/detente] [--model models/detente]

Prints (1) the sentences of datasets/sample that the stance issue quotes as misread, with label and
confidence, and (2) how many sample sentences change label when each is scored alone instead of in its
article (how much the model leans on context). Standard library only.
"""
import argparse
import csv
import io
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# (phrase, expected label by GUIDELINES.md)
CASES = [
    ('would "respond overwhelmingly" to any provocation', "threatening"),
    ("brink of war", "threatening"),
    ("never ruled out the use of force", "threatening"),
    ("a legitimate and necessary action", "threatening"),
]


def annotate(bin_, model, args_, stdin=None):
    cmd = [bin_, "annotate", "-q", "-j", "2"] + (["--model", model] if model else []) + args_
    out = subprocess.run(cmd, input=stdin, capture_output=True, check=True, cwd=ROOT)
    return [r for r in csv.DictReader(io.StringIO(out.stdout.decode("utf-8"))) if r["kind"] == "sentence"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/detente"))
    ap.add_argument("--model", default="")
    args = ap.parse_args()
    in_article = annotate(args.bin, args.model, ["datasets/sample"])
    print("misread sample sentences (issue: all came out conciliatory):")
    for phrase, expected in CASES:
        hits = [r for r in in_article if phrase in r["text"]]
        if not hits:
            sys.exit(f"no sample sentence contains {phrase!r}")
        for r in hits:
            mark = "ok " if r["label"] == expected else "BAD"
            print(f"  {mark} {r['label']:<12} {float(r['confidence']):.2f}  {r['text'][:100]}")
    alone_in = "".join(json.dumps({"id": f"s{i}", "text": r["text"]}) + "\n" for i, r in enumerate(in_article))
    alone = annotate(args.bin, args.model, ["-"], stdin=alone_in.encode("utf-8"))
    by_text = {}
    for r in alone:
        by_text.setdefault(r["doc_id"], []).append(r)
    changed = 0
    for i, r in enumerate(in_article):
        rows = by_text.get(f"s{i}", [])
        # The splitter may cut a sentence differently alone; take its longest piece.
        a = max(rows, key=lambda x: len(x["text"])) if rows else None
        changed += a is None or a["label"] != r["label"]
    print(f"scored alone instead of in its article: {changed} of {len(in_article)} sample sentences change label "
          f"({100 * changed / len(in_article):.0f}%)")


if __name__ == "__main__":
    main()
