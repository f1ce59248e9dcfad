"""Evaluate the exported ONNX model exactly as Rust will use it (mean of per-token logits over a sentence's pieces).

  # fit the temperature on dev, evaluate dev + plover-dev (+ NER dev F1 vs the NER-only model):
  python training/stance/evaluate.py --model training/runs/stance_final/onnx_int8 --fit-temperature \
      --ner-baseline training/runs/stance_nerbase/onnx_int8
  # once, at the end: add --test

Stance: accuracy, per-class P/R/F1, macro-F1, confusion matrix (rows = gold, cols = predicted, order
conciliatory/threatening/neutral), ECE (15 bins) before/after temperature; both with one sentence per input row
("single") and with 3 consecutive sentences of the same topic packed in one row ("packed3").
Role: accuracy over gold mentions (contiguous pieces labelled source / target / other as in training, where
"other" = capitalised words outside actor spans, excluding the sentence-initial word).
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stance_lib import (ROLES, S2I, STANCES, encode_rows, fit_temperature, read_jsonl, softmax,  # noqa: E402
                        stance_report, ece)

import numpy as np  # noqa: E402
import onnxruntime as ort  # noqa: E402

from common import (encode_chunk, gold_sentences, load_tokenizer, pack, predict_units, read_conll,  # noqa: E402
                    seqeval_scores, split_long)


def session(d):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 2
    return ort.InferenceSession(os.path.join(d, "model.onnx"), so, providers=["CPUExecutionProvider"])


def run_rows(sess, encs, names, batch=32):
    """Run padded batches; returns per-encoding list of dicts name -> [len, k] arrays."""
    out = [None] * len(encs)
    order = sorted(range(len(encs)), key=lambda j: len(encs[j]["ids"]))
    for i in range(0, len(order), batch):
        b = order[i:i + batch]
        L = max(len(encs[j]["ids"]) for j in b)
        ids = np.zeros((len(b), L), np.int64)
        att = np.zeros((len(b), L), np.int64)
        case = np.zeros((len(b), L), np.int64)
        for r, j in enumerate(b):
            n = len(encs[j]["ids"])
            ids[r, :n], att[r, :n], case[r, :n] = encs[j]["ids"], 1, encs[j].get("case")
        res = sess.run(names, {"input_ids": ids, "attention_mask": att, "case_ids": case})
        for r, j in enumerate(b):
            n = len(encs[j]["ids"])
            out[j] = {nm: x[r, :n] for nm, x in zip(names, res)}
    return out


def stance_eval(sess, tok, rows, group):
    # pack consecutive sentences of the same topic (file order) like article neighbours
    chunks, cur = [], []
    for r in rows:
        if cur and (len(cur) == group or cur[-1]["topic"] != r["topic"]):
            chunks.append(cur)
            cur = []
        cur.append(r)
    if cur:
        chunks.append(cur)
    encs = [encode_rows(tok, c) for c in chunks]
    assert sum(e["n"] for e in encs) == len(rows), "a packed row overflowed max_length"
    outs = run_rows(sess, encs, ["stance_token_logits", "role_logits"])
    logits, role_gold, role_pred, role_kind = [], [], [], []
    for e, o in zip(encs, outs):
        seg = np.array(e["seg"])
        for k in range(e["n"]):
            logits.append(o["stance_token_logits"][seg == k].mean(0))  # what Rust does
        # role mentions = maximal runs of identical role labels inside one sentence
        i, lab = 0, e["role"]
        while i < len(lab):
            if lab[i] < 0:
                i += 1
                continue
            j = i
            while j + 1 < len(lab) and lab[j + 1] == lab[i] and seg[j + 1] == seg[i]:
                j += 1
            first_of_sentence = i == 0 or seg[i - 1] != seg[i]
            if not (lab[i] == 0 and first_of_sentence):
                role_gold.append(lab[i])
                role_pred.append(int(o["role_logits"][i:j + 1].mean(0).argmax()))
            i = j + 1
    y = np.array([S2I[r["stance"]] for r in rows])
    rg, rp = np.array(role_gold), np.array(role_pred)
    role = dict(n=int(len(rg)), accuracy=round(float((rg == rp).mean()), 4) if len(rg) else None,
                per_role={ROLES[c]: dict(n=int((rg == c).sum()), recall=round(float((rp[rg == c] == c).mean()), 4))
                          for c in range(3) if (rg == c).any()})
    return np.stack(logits), y, role


def ner_f1(sess, tok, path):
    docs = read_conll(path)
    units = split_long(tok, docs)
    chunks = pack(units, context=True)
    enc = [encode_chunk(tok, c) for c in chunks]
    outs = run_rows(sess, enc, ["logits"], batch=64)
    gold = gold_sentences(docs)
    pred = predict_units(chunks, enc, [o["logits"] for o in outs], len(gold), True)
    return round(float(seqeval_scores(gold, pred)[0]), 4)


def md_report(name, rep):
    lines = [f"**{name}** (n={rep['n']}): accuracy {rep['accuracy']}, macro-F1 {rep['macro_f1']}, "
             f"ECE {rep['ece']} (T=1) -> {rep['ece_T']} (T fitted), NLL {rep['nll']} -> {rep['nll_T']}", "",
             "| class | P | R | F1 | support |", "|---|---|---|---|---|"]
    for s in STANCES:
        p = rep["per_class"][s]
        lines.append(f"| {s} | {p['precision']} | {p['recall']} | {p['f1']} | {p['support']} |")
    lines += ["", "confusion (rows gold, cols predicted): | | " + " | ".join(STANCES) + " |", "|---|---|---|---|"]
    for s, row in zip(STANCES, rep["confusion"]):
        lines.append(f"| {s} | " + " | ".join(str(v) for v in row) + " |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True, help="dir with model.onnx, tokenizer.json, config.json")
    ap.add_argument("--data", default="training/runs/stance_data")
    ap.add_argument("--fit-temperature", action="store_true", help="fit T on dev and write it into config.json")
    ap.add_argument("--test", action="store_true", help="also evaluate the held-out test topics (do this once)")
    ap.add_argument("--conll-dev", default="training/data/conll2003/dev.txt")
    ap.add_argument("--ner-baseline", default="", help="NER-only ONNX dir to compare NER dev F1 against")
    ap.add_argument("--no-ner", action="store_true")
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    tok = load_tokenizer(os.path.join(args.model, "tokenizer.json"))
    sess = session(args.model)
    cfg_path = os.path.join(args.model, "config.json")
    cfg = json.load(open(cfg_path))
    assert [o.name for o in sess.get_outputs()] == ["logits", "stance_token_logits", "role_logits"]
    splits = ["dev", "plover_dev"] + (["test"] if args.test else [])
    res = {}
    raw = {}
    for sp in splits:
        rows = read_jsonl(os.path.join(args.data, sp + ".jsonl"))
        for group in (1, 3):
            lg, y, role = stance_eval(sess, tok, rows, group)
            raw[(sp, group)] = (lg, y)
            res[f"{sp}/{'single' if group == 1 else 'packed3'}"] = dict(stance=stance_report(lg, y), role=role)
    T = cfg.get("stance_temperature", 1.0)
    if args.fit_temperature:
        T = fit_temperature(*raw[("dev", 1)])
        for d in {args.model, os.path.join(os.path.dirname(args.model.rstrip("/")), "onnx")}:
            p = os.path.join(d, "config.json")
            if os.path.exists(p):
                c = json.load(open(p))
                c["stance_temperature"] = round(T, 4)
                with open(p, "w") as f:
                    json.dump(c, f, indent=1, ensure_ascii=False)
    for (sp, group), (lg, y) in raw.items():
        r = res[f"{sp}/{'single' if group == 1 else 'packed3'}"]["stance"]
        r["ece_T"] = round(ece(softmax(lg / T), y), 4)
        from stance_lib import nll
        r["nll_T"] = round(nll(lg, y, T), 4)
    out = dict(model=args.model, temperature=round(T, 4), results=res)
    if not args.no_ner:
        out["ner_dev_f1_joint"] = ner_f1(sess, tok, args.conll_dev)
        if args.ner_baseline:
            out["ner_dev_f1_ner_only"] = ner_f1(session(args.ner_baseline), tok, args.conll_dev)
    for k, v in res.items():
        print(md_report(k, v["stance"]))
        print(f"role: {json.dumps(v['role'])}\n")
    print(json.dumps({k: v for k, v in out.items() if k != "results"}))
    path = args.out or os.path.join(os.path.dirname(args.model.rstrip("/")),
                                    "eval_" + ("test" if args.test else "dev") + ".json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
    print("wrote", path)


if __name__ == "__main__":
    main()
