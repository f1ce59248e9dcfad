"""Train a cheap stance BRANCH on top of the frozen NER model (for merge_branches.py --shared-layers K).

  python training/stance/train_branch.py --init training/runs/e1_case_ctx --out training/runs/stance_branch \
      --shared-layers 4 --epochs 5

Start from the NER checkpoint; the embeddings, the casing embedding, encoder layers 0..K-1 and the NER head stay
FROZEN (bit-identical to the NER model, so the NER path of the merged graph is the NER model). Only a copy of
layers K..5 (initialised from the NER model's layers K..5) + new stance_head / role_head are trained, on the stance
data only (no NER batches: the NER path cannot change). The frozen trunk runs under torch.no_grad() in eval mode
(no dropout in the trunk); dropout stays on in the trained layers and before the heads.
Same packing (1-3 sentences of one topic per row), losses (stance CE per sentence with label smoothing + role CE per
token × role_weight), warm-up/linear decay and dev selection (single-sentence dev macro-F1) as train.py.

Output: <out>/model.pt = a full StanceJointModel state_dict (load_joint format): the shared tensors and ner_head are
the NER model's, layers K..5 are the trained branch copies; meta.json records shared_layers.
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
import importlib.util  # noqa: E402
_spec = importlib.util.spec_from_file_location("stance_train", os.path.join(os.path.dirname(os.path.abspath(__file__)), "train.py"))
_stance_train = importlib.util.module_from_spec(_spec)  # training/stance/train.py (training/ner/train.py shadows it)
_spec.loader.exec_module(_stance_train)
make_chunks, predict_stance = _stance_train.make_chunks, _stance_train.predict_stance

import numpy as np  # noqa: E402
import torch  # noqa: E402

from common import load_tokenizer, set_seed  # noqa: E402
from model import config_for  # noqa: E402  (training/ner/model.py)


class BranchModel(StanceJointModel):
    """StanceJointModel whose bottom `k` layers (+ embeddings) are a frozen, no-grad, eval-mode trunk."""

    def setup_branch(self, k):
        self.k = k
        self.trunk = [self.encoder.embeddings, self.case_emb] + list(self.encoder.encoder.layer[:k])
        for mod in self.trunk + [self.ner_head]:
            for p in mod.parameters():
                p.requires_grad_(False)
        return self

    def train(self, mode=True):
        super().train(mode)
        for mod in getattr(self, "trunk", []):
            mod.eval()
        return self

    def hidden(self, input_ids, attention_mask, case_ids):
        enc = self.encoder
        mask = enc.get_extended_attention_mask(attention_mask, input_ids.shape)
        with torch.no_grad():
            h = enc.embeddings(inputs_embeds=self.embed(input_ids, case_ids))
            for layer in enc.encoder.layer[:self.k]:
                h = layer(h, attention_mask=mask)[0]
        for layer in enc.encoder.layer[self.k:]:
            h = layer(h, attention_mask=mask)[0]
        return h


def shared_keys(sd, k):
    return [n for n in sd if n.startswith(("encoder.embeddings.", "case_emb.", "ner_head."))
            or any(n.startswith(f"encoder.encoder.layer.{i}.") for i in range(k))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--init", required=True, help="NER run dir with model.pt + meta.json")
    ap.add_argument("--data", default="training/runs/stance_data")
    ap.add_argument("--out", required=True)
    ap.add_argument("--shared-layers", type=int, default=4, help="K: layers 0..K-1 shared/frozen, K..L-1 trained copy (K = L: heads only)")
    ap.add_argument("--extra-layers", type=int, default=0,
                    help="stack N new layers (copies of the NER model's top layer) on top of the whole NER model; "
                         "with --shared-layers = the NER model's depth, the stance branch reads its final states")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--lr", type=float, default=1e-4, help="lr of the branch layer copies")
    ap.add_argument("--head-lr", type=float, default=1e-3, help="stance/role heads lr")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--p-multi", type=float, default=0.5)
    ap.add_argument("--role-weight", type=float, default=0.5)
    ap.add_argument("--smoothing", type=float, default=0.05)
    ap.add_argument("--warmup", type=float, default=0.1)
    ap.add_argument("--no-plover", action="store_true")
    ap.add_argument("--soft", action="append", default=[],
                    help="JSONL rows with `teacher` logits (training/stance/teacher.py label): distilled; rows with a "
                         "`stance` also keep their gold label")
    ap.add_argument("--kd-alpha", type=float, default=0.5, help="weight of the distillation loss on rows with gold")
    ap.add_argument("--kd-temp", type=float, default=2.0)
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
    cfg = config_for(meta)  # the NER model's depth and width (distilled / pruned)
    ner_layers = cfg.num_hidden_layers
    cfg.num_hidden_layers += args.extra_layers
    model = BranchModel(cfg, use_case=meta["use_case"])
    ner_sd = torch.load(os.path.join(args.init, "model.pt"), map_location="cpu", weights_only=True)
    init_sd = dict(ner_sd)
    top = f"encoder.encoder.layer.{ner_layers - 1}."
    for i in range(ner_layers, cfg.num_hidden_layers):  # new layers start as copies of the NER model's top layer
        init_sd.update({f"encoder.encoder.layer.{i}." + k[len(top):]: v.clone() for k, v in ner_sd.items() if k.startswith(top)})
    missing, unexpected = model.load_state_dict(init_sd, strict=False)
    assert not unexpected and all(k.startswith(("stance_head", "role_head")) for k in missing), (missing, unexpected)
    model.setup_branch(args.shared_layers).train()
    trainable = [n for n, p in model.named_parameters() if p.requires_grad]
    assert all(n.startswith(("stance_head", "role_head")) or
               any(n.startswith(f"encoder.encoder.layer.{i}.") for i in range(args.shared_layers, cfg.num_hidden_layers))
               for n in trainable), trainable

    meta_out = dict(meta, init=args.init, stance_labels=STANCES, role_labels=["other", "source", "target"],
                    shared_layers=args.shared_layers, num_layers=cfg.num_hidden_layers, ner_layers=ner_layers,
                    branch=f"layers {args.shared_layers}-{cfg.num_hidden_layers - 1} + stance/role heads trained; "
                           "the rest is the NER model (frozen)")
    with open(os.path.join(args.out, "meta.json"), "w") as f:
        json.dump(meta_out, f, indent=1)

    train = read_jsonl(os.path.join(args.data, "train.jsonl"))
    if args.no_plover:
        train = [r for r in train if r["origin"] != "plover"]
    teacher = {}
    for path in args.soft:
        for r in read_jsonl(path):
            teacher[r["text"]] = r["teacher"]
            if "stance" not in r:  # unlabelled text: distilled only
                train.append(dict(r, origin=r.get("origin", "unlabelled"), topic=r.get("topic", "unlabelled"),
                                  source=[], target=[], roles_annotated=False))
    dev = read_jsonl(os.path.join(args.data, "dev.jsonl"))
    rdev_path = os.path.join(args.data, "realnews_dev.jsonl")
    rdev = read_jsonl(rdev_path) if os.path.exists(rdev_path) else []
    y_rdev = np.array([S2I[r["stance"]] for r in rdev])
    pdev = read_jsonl(os.path.join(args.data, "plover_dev.jsonl"))
    y_dev = np.array([S2I[r["stance"]] for r in dev])
    y_pdev = np.array([S2I[r["stance"]] for r in pdev])
    print(f"init={args.init} K={args.shared_layers} train={len(train)} dev={len(dev)} plover_dev={len(pdev)} "
          f"trainable={sum(p.numel() for p in model.parameters() if p.requires_grad)}", flush=True)

    heads = list(model.stance_head.parameters()) + list(model.role_head.parameters())
    head_ids = {id(p) for p in heads}
    decay, no_decay = [], []
    for n, p in model.named_parameters():
        if id(p) in head_ids or not p.requires_grad:
            continue
        (no_decay if ("bias" in n or "LayerNorm" in n) else decay).append(p)
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
    best, step, t0 = -1.0, 0, time.time()
    for ep in range(args.epochs):
        chunks = make_chunks(train, rng, args.p_multi)
        encs = [encode_rows(tok, c) for c in chunks]
        order = list(range(len(encs)))
        rng.shuffle(order)
        bl = [order[i:i + args.batch] for i in range(0, len(order), args.batch)]
        agg = np.zeros(2)
        te = time.time()
        for bi, b in enumerate(bl):
            set_lr(step)
            eb = [encs[j] for j in b]
            ids, att, case, role, seg, n = collate_stance(eb)
            rows_b = [r for j in b for r in chunks[j][:encs[j]["n"]]]
            gold = torch.tensor([r.get("stance") is not None for r in rows_b])
            y = torch.tensor([S2I.get(r.get("stance"), 0) for r in rows_b])
            h = model.hidden(torch.from_numpy(ids), torch.from_numpy(att), torch.from_numpy(case))
            hd = model.dropout(h)
            st = model.stance_head(model.dropout(pool_segments(h, seg, n)))
            l_st = ce(st[gold], y[gold], label_smoothing=args.smoothing) if gold.any() else st.sum() * 0
            if teacher:
                soft = [teacher.get(r["text"]) for r in rows_b]
                has = torch.tensor([t is not None for t in soft])
                if has.any():
                    T = args.kd_temp
                    tl = torch.tensor([t for t in soft if t is not None]) / T
                    kl = torch.nn.functional.kl_div(torch.log_softmax(st[has] / T, -1), torch.softmax(tl, -1),
                                                    reduction="none").sum(-1) * T * T
                    # Rows with gold: (1 - alpha) CE + alpha KD; rows without: KD alone.
                    w = torch.where(gold[has], torch.tensor(args.kd_alpha), torch.tensor(1.0))
                    l_st = (1 - args.kd_alpha) * l_st + (kl * w).sum() / max(1, len(rows_b))
            rl = model.role_head(hd)
            rmask = torch.from_numpy(role).view(-1)
            l_ro = ce(rl.view(-1, 3), rmask, ignore_index=-100) if (rmask >= 0).any() else st.sum() * 0
            loss = l_st + args.role_weight * l_ro
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)
            opt.step()
            opt.zero_grad(set_to_none=True)
            step += 1
            agg += [l_st.item(), l_ro.item()]
            if bi % 20 == 0:
                a = agg / (bi + 1)
                print(f"ep {ep} step {bi}/{len(bl)} stance {a[0]:.4f} role {a[1]:.4f} {time.time() - te:.0f}s", flush=True)
            if args.max_steps and step >= args.max_steps:
                break
        rd = stance_report(predict_stance(model, tok, dev), y_dev)
        rp = stance_report(predict_stance(model, tok, pdev), y_pdev)
        rr = stance_report(predict_stance(model, tok, rdev), y_rdev) if rdev else None
        entry = dict(epoch=ep + 1, epoch_s=round(time.time() - te, 1), loss=(agg / max(1, len(bl))).round(4).tolist(),
                     dev_macro_f1=rd["macro_f1"], dev_acc=rd["accuracy"],
                     dev_f1=[rd["per_class"][s]["f1"] for s in STANCES], plover_dev_macro_f1=rp["macro_f1"],
                     realnews_dev_macro_f1=rr["macro_f1"] if rr else None)
        # Select on our held-out topics and on real news alike (never on a test set).
        select = (rd["macro_f1"] + rr["macro_f1"]) / 2 if rr else rd["macro_f1"]
        entry["select"] = select
        log["epochs"].append(entry)
        print(json.dumps(entry), flush=True)
        if select > best:
            best = select
            sd = copy.deepcopy(model.state_dict())
            for k in shared_keys(ner_sd, args.shared_layers):  # the frozen part must be the NER model, bit for bit
                assert torch.equal(sd[k], ner_sd[k]), k
            log["best_epoch"] = ep + 1
            torch.save(sd, os.path.join(args.out, "model.pt"))
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
    print("best selection score", best, "epoch", log.get("best_epoch"), "train_s", log["train_s"], flush=True)


if __name__ == "__main__":
    main()
