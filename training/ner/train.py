"""Fine-tune all-MiniLM-L6-v2 (+ casing embedding) for CoNLL-2003 NER on CPU.

Example:
  python training/ner/train.py --out training/runs/final --epochs 5 --lr 1e-4 --context 1
"""
import argparse
import json
import math
import os
import random
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np
import torch

from common import (LABELS, MAX_LEN, batches, collate, encode_chunk, find_base_model_dir, gold_sentences,
                    load_tokenizer, pack, predict_units, read_conll, seqeval_scores, set_seed, split_long)
from model import DetenteEncoderModel


@torch.no_grad()
def evaluate(model, tok, docs, units, context, batch_size=64):
    model.eval()
    chunks = pack(units, context=context)
    enc = [encode_chunk(tok, c) for c in chunks]
    logits = [None] * len(enc)
    for b in batches(enc, batch_size, shuffle=False):
        ids, att, case, _ = collate(enc, b)
        out = model(torch.from_numpy(ids), torch.from_numpy(att), torch.from_numpy(case)).float().numpy()
        for r, j in enumerate(b):
            logits[j] = out[r, :len(enc[j]["ids"])]
    gold = gold_sentences(docs)
    res = {}
    for vit in (False, True):
        pred = predict_units(chunks, enc, logits, len(gold), vit)
        f1, rep = seqeval_scores(gold, pred)
        res["viterbi" if vit else "argmax"] = dict(f1=f1, per_type={k: v["f1-score"] for k, v in rep.items()})
    model.train()
    return res


def read_text_docs(paths):
    """Unlabelled documents as CoNLL-like (words, tags) sentences: lines, cut after . ! ? before a capital, and
    words split off punctuation the way CoNLL tokenises."""
    import re
    texts = []
    for p in paths:
        if p.endswith(".jsonl"):
            with open(p, encoding="utf-8") as f:
                texts += [json.loads(l)["text"] for l in f if l.strip()]
        else:
            with open(p, encoding="utf-8") as f:
                texts.append(f.read())
    word = re.compile(r"\w+(?:[-'’.]\w+)*\.?|[^\w\s]")
    docs = []
    for t in texts:
        doc = []
        for line in t.splitlines():
            for sent in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", line.strip()):
                words = []
                for w in word.findall(sent):  # "U.S." and "Gen." keep their stop, "Gulf." does not
                    if w.endswith(".") and "." not in w[:-1] and (len(w) > 4 or len(w) > 2 and not w[0].isupper()):
                        words += [w[:-1], "."]
                    else:
                        words.append(w)
                if words:
                    doc.append((words, ["O"] * len(words)))
        if doc:
            docs.append(doc)
    return docs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="training/data/conll2003")
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--head-lr", type=float, default=5e-4, help="lr of the new parameters (case_emb, ner_head)")
    ap.add_argument("--warmup", type=float, default=0.1, help="fraction of steps for linear warm-up")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--no-case", action="store_true", help="ablation: no casing embedding")
    ap.add_argument("--context", type=int, default=1, help="1: pack neighbouring sentences of the document")
    ap.add_argument("--p-break", type=float, default=0.3, help="prob. of starting a new chunk at a sentence (context=1)")
    ap.add_argument("--train-on-dev", action="store_true", help="final retrain on train+dev")
    ap.add_argument("--max-steps", type=int, default=0, help="debug: stop after N steps")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--layers", type=int, default=0,
                    help="keep only the bottom N encoder layers (0: all); fewer layers = fewer passes at inference")
    ap.add_argument("--ffn", type=int, default=0, help="prune each feed-forward block to N units (needs --init)")
    ap.add_argument("--init", default="", help="NER run dir (model.pt) to start from instead of the base encoder")
    ap.add_argument("--teacher", default="", help="NER run dir whose token logits are distilled into this model")
    ap.add_argument("--kd-alpha", type=float, default=0.5, help="weight of the distillation loss (1-alpha: gold CE)")
    ap.add_argument("--kd-temp", type=float, default=2.0)
    ap.add_argument("--kd-text", action="append", default=[],
                    help="unlabelled in-domain text (.txt file or .jsonl with `text`), learnt from the teacher only; "
                         "repeatable")
    ap.add_argument("--kd-text-repeat", type=int, default=2, help="times the --kd-text sentences appear per epoch")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    set_seed(args.seed)
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    base = find_base_model_dir()
    tok = load_tokenizer(os.path.join(base, "tokenizer.json"))
    train_docs = read_conll(os.path.join(args.data, "train.txt"))
    dev_docs = read_conll(os.path.join(args.data, "dev.txt"))
    if args.train_on_dev:
        train_docs = train_docs + dev_docs
    if args.kd_text and not args.teacher:
        sys.exit("--kd-text needs --teacher")
    kd_docs = read_text_docs(args.kd_text)
    train_units = split_long(tok, train_docs)
    kd_units = split_long(tok, kd_docs)
    for d in kd_units:
        for u in d:
            u["unlabelled"] = True
    dev_units = split_long(tok, dev_docs)
    print(f"base={base} train docs={len(train_docs)} sents={sum(len(d) for d in train_docs)}", flush=True)

    model = DetenteEncoderModel.from_base(base, use_case=not args.no_case, layers=args.layers,
                                          init=os.path.join(args.init, "model.pt") if args.init else None, ffn=args.ffn)
    model.train()
    teacher = None
    if args.teacher:
        tmeta = json.load(open(os.path.join(args.teacher, "meta.json")))
        teacher = DetenteEncoderModel.from_base(base, use_case=tmeta["use_case"], layers=tmeta.get("num_layers", 0),
                                                ffn=tmeta.get("intermediate_size", 0),
                                                init=os.path.join(args.teacher, "model.pt"))
        teacher.eval()
        for p in teacher.parameters():
            p.requires_grad_(False)
    new_params = list(model.case_emb.parameters()) + list(model.ner_head.parameters())
    new_ids = {id(p) for p in new_params}
    decay, no_decay = [], []
    for n, p in model.encoder.named_parameters():
        (no_decay if ("bias" in n or "LayerNorm" in n) else decay).append(p)
    opt = torch.optim.AdamW([
        dict(params=decay, lr=args.lr, weight_decay=args.weight_decay),
        dict(params=no_decay, lr=args.lr, weight_decay=0.0),
        dict(params=new_params, lr=args.head_lr, weight_decay=0.0),
    ])
    assert all(id(p) not in new_ids for p in decay + no_decay)

    # estimate steps (packing is random per epoch; recompute per epoch, schedule on estimate)
    est_chunks = len(pack(train_units + kd_units * args.kd_text_repeat, context=bool(args.context), p_break=args.p_break,
                          rng=random.Random(0)))
    steps_per_epoch = math.ceil(est_chunks / args.batch)
    total = steps_per_epoch * args.epochs
    warm = int(total * args.warmup)
    base_lrs = [g["lr"] for g in opt.param_groups]

    def set_lr(step):
        f = step / max(1, warm) if step < warm else max(0.0, (total - step) / max(1, total - warm))
        for g, b in zip(opt.param_groups, base_lrs):
            g["lr"] = b * f

    log = dict(args=vars(args), epochs=[])
    step = 0
    t0 = time.time()
    for ep in range(args.epochs):
        chunks = pack(train_units + kd_units * args.kd_text_repeat, context=bool(args.context), p_break=args.p_break,
                      rng=rng)
        enc = [encode_chunk(tok, c) for c in chunks]
        for c, e in zip(chunks, enc):
            if c[0].get("unlabelled"):  # -1: a first piece with no gold tag (distilled only)
                e["labels"] = [-100 if l == -100 else -1 for l in e["labels"]]
        bl = batches(enc, args.batch, shuffle=True, rng=rng)
        tl, te = 0.0, time.time()
        for bi, b in enumerate(bl):
            ids, att, case, lab = collate(enc, b)
            set_lr(step)
            logits = model(torch.from_numpy(ids), torch.from_numpy(att), torch.from_numpy(case))
            labt = torch.from_numpy(lab).view(-1)
            gold = labt.masked_fill(labt == -1, -100)
            loss = (torch.nn.functional.cross_entropy(logits.view(-1, len(LABELS)), gold, ignore_index=-100)
                    if (gold != -100).any() else logits.sum() * 0)
            if teacher is not None:
                # Distil on the labelled (first) pieces only: those are the ones decoded at inference.
                with torch.no_grad():
                    tl_ = teacher(torch.from_numpy(ids), torch.from_numpy(att), torch.from_numpy(case))
                keep = labt != -100
                T = args.kd_temp
                s_log = torch.log_softmax(logits.view(-1, len(LABELS))[keep] / T, -1)
                t_prob = torch.softmax(tl_.view(-1, len(LABELS))[keep] / T, -1)
                kd = torch.nn.functional.kl_div(s_log, t_prob, reduction="batchmean") * T * T
                loss = (1 - args.kd_alpha) * loss + args.kd_alpha * kd
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            opt.zero_grad(set_to_none=True)
            step += 1
            tl += loss.item()
            if bi % 100 == 0:
                print(f"ep {ep} batch {bi}/{len(bl)} loss {tl / (bi + 1):.4f} {time.time() - te:.0f}s", flush=True)
            if args.max_steps and step >= args.max_steps:
                break
        ep_time = time.time() - te
        res = evaluate(model, tok, dev_docs, dev_units, context=bool(args.context))
        entry = dict(epoch=ep + 1, train_loss=tl / max(1, len(bl)), epoch_s=round(ep_time, 1),
                     dev_argmax=res["argmax"]["f1"], dev_viterbi=res["viterbi"]["f1"])
        log["epochs"].append(entry)
        print(json.dumps(entry), flush=True)
        if args.max_steps and step >= args.max_steps:
            break
    log["train_s"] = round(time.time() - t0, 1)
    # final: dev in both input modes
    final = {}
    for ctx in (0, 1):
        final["doc_context" if ctx else "sentence"] = evaluate(model, tok, dev_docs, dev_units, context=bool(ctx))
    log["final_dev"] = final
    print(json.dumps({k: {m: round(v[m]["f1"], 4) for m in v} for k, v in final.items()}), flush=True)
    torch.save(model.state_dict(), os.path.join(args.out, "model.pt"))
    with open(os.path.join(args.out, "log.json"), "w") as f:
        json.dump(log, f, indent=1)
    meta = dict(base=base, use_case=not args.no_case, labels=LABELS, max_length=MAX_LEN,
                num_layers=model.encoder.config.num_hidden_layers,
                intermediate_size=model.encoder.config.intermediate_size)
    with open(os.path.join(args.out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)


if __name__ == "__main__":
    main()
