"""Joint fine-tuning of the NER checkpoint: stance (per-sentence mean-pooled) + role (per token) + NER (CoNLL).

  python training/stance/train.py --init training/runs/e1_case_ctx --data training/runs/stance_data \
      --out training/runs/stance_final --epochs 5

Each step = one stance batch (rows of 1-3 packed sentences of the same topic, a stance loss per sentence on the
mean of its own pieces, role loss per token) + one CoNLL NER batch (training/ner/common.py packing); losses summed.
The epoch with the best dev macro-F1 (single-sentence inputs, dev topics of our data) is kept.
"""
import argparse
import copy
import json
import math
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stance_lib import (S2I, STANCES, StanceJointModel, collate_stance, encode_rows, pool_segments,  # noqa: E402
                        read_jsonl, stance_report)

import numpy as np  # noqa: E402
import torch  # noqa: E402
from transformers import BertConfig  # noqa: E402

from common import (LABELS, batches, collate, encode_chunk, load_tokenizer, pack, read_conll, set_seed,  # noqa: E402
                    split_long)


def make_chunks(rows, rng, p_multi):
    """Group rows into 1-3 sentence chunks: consecutive sentences of one article or snippet (`snippet`), else
    random sentences of the same (origin, topic) bucket, like neighbouring article sentences."""
    buckets = {}
    for r in rows:
        buckets.setdefault(r.get("snippet") or (r["origin"], r["topic"]), []).append(r)
    chunks = []
    for key, b in buckets.items():
        b = b[:]
        # Sentences of one article or snippet stay in order (neighbours, as
        # the binary packs them); others are grouped at random within a topic.
        if not isinstance(key, str):
            rng.shuffle(b)
        # A random first cut, so that an article's windows differ by epoch.
        i = rng.randrange(3) if isinstance(key, str) else 0
        if i:
            chunks.append(b[:i])
        while i < len(b):
            k = 1 if rng.random() >= p_multi else rng.choice([2, 2, 3])
            chunks.append(b[i:i + k])
            i += k
    rng.shuffle(chunks)
    return chunks


@torch.no_grad()
def predict_stance(model, tok, rows, group=1, batch=32):
    """Sentence stance logits [n, 3] with `group` consecutive sentences packed per input row."""
    model.eval()
    encs = [encode_rows(tok, rows[i:i + group]) for i in range(0, len(rows), group)]
    assert sum(e["n"] for e in encs) == len(rows)
    out = []
    for i in range(0, len(encs), batch):
        eb = encs[i:i + batch]
        ids, att, case, _, seg, n = collate_stance(eb)
        h = model.hidden(torch.from_numpy(ids), torch.from_numpy(att), torch.from_numpy(case))
        out.append(model.stance_head(pool_segments(h, seg, n)).numpy())
    model.train()
    return np.concatenate(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--init", required=True, help="NER run dir with model.pt + meta.json")
    ap.add_argument("--data", default="training/runs/stance_data")
    ap.add_argument("--conll", default="training/data/conll2003")
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--lr", type=float, default=3e-5, help="encoder (+ case_emb, ner_head) lr")
    ap.add_argument("--head-lr", type=float, default=1e-3, help="stance/role heads lr")
    ap.add_argument("--batch", type=int, default=16, help="stance input rows per step")
    ap.add_argument("--ner-batch", type=int, default=16)
    ap.add_argument("--p-multi", type=float, default=0.5, help="prob. a stance input row packs 2-3 sentences")
    ap.add_argument("--role-weight", type=float, default=0.5)
    ap.add_argument("--ner-weight", type=float, default=1.0)
    ap.add_argument("--smoothing", type=float, default=0.05)
    ap.add_argument("--warmup", type=float, default=0.1)
    ap.add_argument("--no-plover", action="store_true", help="do not train on the PLOVER train part")
    ap.add_argument("--freeze-layers", type=int, default=0,
                    help="freeze word/case embeddings and the bottom N encoder layers (CPU budget)")
    ap.add_argument("--ner-p-break", type=float, default=0.3)
    ap.add_argument("--max-steps", type=int, default=0)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    set_seed(args.seed)
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    meta = json.load(open(os.path.join(args.init, "meta.json")))
    base = meta["base"]
    tok = load_tokenizer(os.path.join(base, "tokenizer.json"))
    cfg = BertConfig.from_pretrained(base)
    cfg._attn_implementation = "eager"
    model = StanceJointModel(cfg, use_case=meta["use_case"])
    missing, unexpected = model.load_state_dict(
        torch.load(os.path.join(args.init, "model.pt"), map_location="cpu", weights_only=True), strict=False)
    assert not unexpected and all(k.startswith(("stance_head", "role_head")) for k in missing), (missing, unexpected)
    model.train()
    if args.freeze_layers:
        frozen = [model.encoder.embeddings, model.case_emb] + list(model.encoder.encoder.layer[:args.freeze_layers])
        for mod in frozen:
            for p in mod.parameters():
                p.requires_grad_(False)

    meta_out = dict(meta, init=args.init, stance_labels=STANCES, role_labels=["other", "source", "target"])
    with open(os.path.join(args.out, "meta.json"), "w") as f:  # written first so a killed run is still usable
        json.dump(meta_out, f, indent=1)

    train = read_jsonl(os.path.join(args.data, "train.jsonl"))
    if args.no_plover:
        train = [r for r in train if r["origin"] != "plover"]
    dev = read_jsonl(os.path.join(args.data, "dev.jsonl"))
    pdev = read_jsonl(os.path.join(args.data, "plover_dev.jsonl"))
    y_dev = np.array([S2I[r["stance"]] for r in dev])
    y_pdev = np.array([S2I[r["stance"]] for r in pdev])
    print(f"init={args.init} train={len(train)} dev={len(dev)} plover_dev={len(pdev)}", flush=True)

    ner_units = split_long(tok, read_conll(os.path.join(args.conll, "train.txt")))

    def ner_stream():
        while True:
            chunks = pack(ner_units, context=True, p_break=args.ner_p_break, rng=rng)
            enc = [encode_chunk(tok, c) for c in chunks]
            for b in batches(enc, args.ner_batch, shuffle=True, rng=rng):
                yield collate(enc, b)
    ner_it = ner_stream()

    heads = list(model.stance_head.parameters()) + list(model.role_head.parameters())
    head_ids = {id(p) for p in heads}
    decay, no_decay = [], []
    for n, p in model.named_parameters():
        if id(p) in head_ids or not p.requires_grad:
            continue
        (no_decay if ("bias" in n or "LayerNorm" in n or "case_emb" in n) else decay).append(p)
    opt = torch.optim.AdamW([dict(params=decay, lr=args.lr, weight_decay=0.01),
                             dict(params=no_decay, lr=args.lr, weight_decay=0.0),
                             dict(params=heads, lr=args.head_lr, weight_decay=0.0)])
    steps_per_epoch = math.ceil(len(make_chunks(train, random.Random(0), args.p_multi)) / args.batch)
    total = steps_per_epoch * args.epochs
    warm = max(1, int(total * args.warmup))
    base_lrs = [g["lr"] for g in opt.param_groups]

    def set_lr(step):
        f = step / warm if step < warm else max(0.0, (total - step) / max(1, total - warm))
        for g, b in zip(opt.param_groups, base_lrs):
            g["lr"] = b * f

    ce = torch.nn.functional.cross_entropy
    log = dict(args=vars(args), epochs=[])
    best, best_state, step, t0 = -1.0, None, 0, time.time()
    for ep in range(args.epochs):
        chunks = make_chunks(train, rng, args.p_multi)
        encs = [encode_rows(tok, c) for c in chunks]
        # drop sentences that did not fit (rare): their labels are taken from the kept prefix only
        order = list(range(len(encs)))
        rng.shuffle(order)
        bl = [order[i:i + args.batch] for i in range(0, len(order), args.batch)]
        agg = np.zeros(3)
        te = time.time()
        for bi, b in enumerate(bl):
            set_lr(step)
            eb = [encs[j] for j in b]
            ids, att, case, role, seg, n = collate_stance(eb)
            y = torch.tensor([S2I[r["stance"]] for j in b for r in chunks[j][:encs[j]["n"]]])
            h = model.hidden(torch.from_numpy(ids), torch.from_numpy(att), torch.from_numpy(case))
            hd = model.dropout(h)
            st = model.stance_head(model.dropout(pool_segments(h, seg, n)))
            l_st = ce(st, y, label_smoothing=args.smoothing)
            rl = model.role_head(hd)
            rmask = torch.from_numpy(role).view(-1)
            l_ro = ce(rl.view(-1, 3), rmask, ignore_index=-100) if (rmask >= 0).any() else st.sum() * 0
            nids, natt, ncase, nlab = next(ner_it)
            nl = model.ner_head(model.dropout(model.hidden(torch.from_numpy(nids), torch.from_numpy(natt), torch.from_numpy(ncase))))
            l_ner = ce(nl.view(-1, len(LABELS)), torch.from_numpy(nlab).view(-1), ignore_index=-100)
            loss = l_st + args.role_weight * l_ro + args.ner_weight * l_ner
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)
            opt.step()
            opt.zero_grad(set_to_none=True)
            step += 1
            agg += [l_st.item(), l_ro.item(), l_ner.item()]
            if bi % 20 == 0:
                a = agg / (bi + 1)
                print(f"ep {ep} step {bi}/{len(bl)} stance {a[0]:.4f} role {a[1]:.4f} ner {a[2]:.4f} {time.time() - te:.0f}s", flush=True)
            if args.max_steps and step >= args.max_steps:
                break
        rd = stance_report(predict_stance(model, tok, dev), y_dev)
        rp = stance_report(predict_stance(model, tok, pdev), y_pdev)
        entry = dict(epoch=ep + 1, epoch_s=round(time.time() - te, 1), loss=(agg / max(1, len(bl))).round(4).tolist(),
                     dev_macro_f1=rd["macro_f1"], dev_acc=rd["accuracy"],
                     dev_f1=[rd["per_class"][s]["f1"] for s in STANCES], plover_dev_macro_f1=rp["macro_f1"])
        log["epochs"].append(entry)
        print(json.dumps(entry), flush=True)
        if rd["macro_f1"] > best:
            best, best_state = rd["macro_f1"], copy.deepcopy(model.state_dict())
            log["best_epoch"] = ep + 1
            torch.save(best_state, os.path.join(args.out, "model.pt"))
        with open(os.path.join(args.out, "log.json"), "w") as f:
            json.dump(log, f, indent=1)
        if args.max_steps and step >= args.max_steps:
            break
    log["train_s"] = round(time.time() - t0, 1)
    log["best_dev_macro_f1"] = best
    with open(os.path.join(args.out, "log.json"), "w") as f:
        json.dump(log, f, indent=1)
    meta_out["best_epoch"] = log.get("best_epoch")
    with open(os.path.join(args.out, "meta.json"), "w") as f:
        json.dump(meta_out, f, indent=1)
    print("best dev macro-F1", best, "epoch", log.get("best_epoch"), "train_s", log["train_s"], flush=True)


if __name__ == "__main__":
    main()
