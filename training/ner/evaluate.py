"""Evaluate an ONNX NER model with seqeval (strict, IOB2) on CoNLL dev/test.

  python training/ner/evaluate.py --model models/detente/model.onnx --split dev
Tokenization and case_ids are computed from raw text exactly as the Rust side does.
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np
import onnxruntime as ort

from common import (batches, collate, encode_chunk, gold_sentences, load_tokenizer, pack, predict_units, read_conll,
                    seqeval_scores, split_long)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--tokenizer", default=None, help="default: tokenizer.json next to the model")
    ap.add_argument("--data", default="training/data/conll2003")
    ap.add_argument("--split", default="dev", choices=["dev", "test"])
    ap.add_argument("--json", default=None, help="write results here")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    tokp = args.tokenizer or os.path.join(os.path.dirname(args.model), "tokenizer.json")
    tok = load_tokenizer(tokp)
    so = ort.SessionOptions()
    so.intra_op_num_threads = args.threads
    sess = ort.InferenceSession(args.model, so, providers=["CPUExecutionProvider"])
    docs = read_conll(os.path.join(args.data, f"{args.split}.txt"))
    units = split_long(tok, docs)
    gold = gold_sentences(docs)
    results = dict(model=args.model, split=args.split, size_mb=round(os.path.getsize(args.model) / 1e6, 2))
    for ctx in (False, True):
        chunks = pack(units, context=ctx)
        enc = [encode_chunk(tok, c) for c in chunks]
        logits = [None] * len(enc)
        t0 = time.time()
        for b in batches(enc, 32, shuffle=False):
            ids, att, case, _ = collate(enc, b)
            out = sess.run(["logits"], {"input_ids": ids, "attention_mask": att, "case_ids": case})[0]
            for r, j in enumerate(b):
                logits[j] = out[r, :len(enc[j]["ids"])]
        dt = time.time() - t0
        mode = "doc_context" if ctx else "sentence"
        results[mode] = dict(seconds=round(dt, 1))
        for vit in (False, True):
            pred = predict_units(chunks, enc, logits, len(gold), vit)
            f1, rep = seqeval_scores(gold, pred)
            results[mode]["viterbi" if vit else "argmax"] = dict(
                f1=round(f1, 4), per_type={k: round(v["f1-score"], 4) for k, v in rep.items() if k in ("PER", "ORG", "LOC", "MISC")})
        print(mode, json.dumps(results[mode]), flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
