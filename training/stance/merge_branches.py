"""Merge the NER model and the joint stance model into ONE ONNX graph with a
shared trunk and two branches, so that one forward pass gives entities with
the NER-only model's accuracy and stance/roles with the stance model's.

Why: fine-tuning the shared encoder for stance cost ~0.9 NER F1 on CoNLL dev
(0.934 -> 0.925). The stance run froze the embeddings (word, position, casing)
and encoder layers 0-1, so those are bit-identical in both checkpoints
(checked below) and can be computed once; layers 2-5 differ and run twice:
once with the NER weights (-> `logits`), once with the stance weights
(-> `stance_token_logits`, `role_logits`). Cost: 2 + 4 + 4 = 10 layer passes
instead of 6 (1.67x one encoder), against 12 for two separate models.

  python training/stance/merge_branches.py --ner training/runs/e1_case_ctx \
      --stance training/runs/stance_final --out training/runs/branched
  # writes onnx/model.onnx (fp32) and onnx_int8/model.onnx (+ tokenizer.json, config.json)

  # K=4 (8 layer passes, 1.33x): stance branch from train_branch.py (layers 0-3 frozen = the NER model's)
  python training/stance/merge_branches.py --ner training/runs/e1_case_ctx --stance training/runs/stance_branch_lr3 \
      --shared-layers 4 --config training/runs/branched/onnx_int8/config.json --quant-ops MatMul \
      --int8-name merged_int8 --out training/runs/stance_branch
"""
import argparse
import json
import os
import shutil
import sys

import numpy as np
import torch
from torch import nn

# training/ first, so that training/ner and training/stance (inserted after it) come before it.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ner"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from model import config_for  # noqa: E402  (training/ner/model.py)
from reencode_u8 import reencode_file  # noqa: E402  (training/reencode_u8.py)
from stance_lib import StanceJointModel, load_joint  # noqa: E402

SHARED_LAYERS = 2
OUTPUTS = ["logits", "stance_token_logits", "role_logits"]


class Branched(nn.Module):
    def __init__(self, ner, stance, shared_layers=SHARED_LAYERS):
        super().__init__()
        self.k = shared_layers
        self.ner = ner
        self.stance = stance

    def forward(self, input_ids, attention_mask, case_ids):
        enc = self.ner.encoder
        h = enc.embeddings(inputs_embeds=self.ner.embed(input_ids, case_ids))
        mask = enc.get_extended_attention_mask(attention_mask, input_ids.shape)
        for layer in enc.encoder.layer[:self.k]:
            h = layer(h, attention_mask=mask)[0]
        hn, hs = h, h
        for layer in enc.encoder.layer[self.k:]:
            hn = layer(hn, attention_mask=mask)[0]
        for layer in self.stance.encoder.encoder.layer[self.k:]:
            hs = layer(hs, attention_mask=mask)[0]
        return self.ner.ner_head(hn), self.stance.stance_head(hs), self.stance.role_head(hs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ner", required=True, help="NER run folder (model.pt, meta.json)")
    ap.add_argument("--stance", required=True, help="joint stance run folder (model.pt, meta.json, onnx_int8/config.json)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--shared-layers", type=int, default=SHARED_LAYERS,
                    help="K: embeddings + layers 0..K-1 shared (must be identical in both checkpoints)")
    ap.add_argument("--config", default="", help="config.json to copy (default: <stance>/onnx_int8/config.json)")
    ap.add_argument("--tokenizer", default="", help="tokenizer.json to copy (default: next to --config)")
    ap.add_argument("--quant-ops", default="MatMul,Gather", help="quantize_dynamic op types (comma-separated)")
    ap.add_argument("--int8-name", default="onnx_int8", help="name of the int8 output folder under --out")
    args = ap.parse_args()
    K = args.shared_layers
    torch.manual_seed(0)

    stance, meta = load_joint(args.stance)
    cfg = config_for(json.load(open(os.path.join(args.ner, "meta.json"))), base=meta["base"])
    ner = StanceJointModel(cfg, use_case=True)  # same class; its stance/role heads stay unused
    ner_sd = torch.load(os.path.join(args.ner, "model.pt"), map_location="cpu", weights_only=True)
    missing, unexpected = ner.load_state_dict(ner_sd, strict=False)
    assert not unexpected and all(k.startswith(("stance_head", "role_head")) for k in missing), (missing, unexpected)
    ner.eval()
    st_sd = stance.state_dict()
    shared = [k for k in ner_sd if k.startswith("encoder.embeddings.") or k.startswith("case_emb.")
              or any(k.startswith(f"encoder.encoder.layer.{i}.") for i in range(K))]
    for k in shared:
        if not torch.equal(ner_sd[k], st_sd[k]):
            sys.exit(f"{k} differs between the checkpoints: the trunk cannot be shared")
    print(f"{len(shared)} shared tensors are identical in both checkpoints")
    model = Branched(ner, stance, K).eval()

    # A packed input of realistic shape, for export and for the equivalence check.
    rng = np.random.default_rng(0)
    ids = rng.integers(1000, 20000, size=(3, 40)).astype(np.int64)
    ids[:, 0], ids[:, -1] = 101, 102
    att = np.ones_like(ids)
    att[2, 30:] = 0
    case = rng.integers(1, 13, size=ids.shape).astype(np.int64)
    t = [torch.from_numpy(x) for x in (ids, att, case)]
    with torch.no_grad():
        got = model(*t)
        want_ner = ner(*t)[0]
        want_st = stance(*t)
    for name, a, b in [("logits", got[0], want_ner), ("stance_token_logits", got[1], want_st[1]), ("role_logits", got[2], want_st[2])]:
        d = (a - b)[torch.from_numpy(att).bool()].abs().max().item()
        print(f"max |branched - original| {name}: {d:.2e}")
        assert d < 1e-4, name

    fp_dir, q_dir = os.path.join(args.out, "onnx"), os.path.join(args.out, args.int8_name)
    os.makedirs(fp_dir, exist_ok=True)
    os.makedirs(q_dir, exist_ok=True)
    fp = os.path.join(fp_dir, "model.onnx")
    dyn = {k: {0: "batch", 1: "seq"} for k in ["input_ids", "attention_mask", "case_ids"] + OUTPUTS}
    torch.onnx.export(model, tuple(t), fp, opset_version=17, input_names=["input_ids", "attention_mask", "case_ids"],
                      output_names=OUTPUTS, dynamic_axes=dyn, do_constant_folding=True)
    from onnxruntime.quantization import QuantType, quantize_dynamic
    q = os.path.join(q_dir, "model.onnx")
    # Default: Gather too (the 47 MB word-embedding table becomes int8; the NER card measured -0.0003 F1 for it).
    # --quant-ops MatMul: MatMul only (measured better on stance dev).
    ops = [o for o in args.quant_ops.split(",") if o]
    quantize_dynamic(fp, q, per_channel=True, op_types_to_quantize=ops, weight_type=QuantType.QInt8)
    # The same weights as uint8, so that CPUs without VNNI compute exact sums (training/reencode_u8.py).
    print(f"{reencode_file(q)} int8 tensors re-encoded as uint8")
    print(f"fp32 {os.path.getsize(fp) / 1e6:.1f} MB -> int8 ({'+'.join(ops)}) {os.path.getsize(q) / 1e6:.1f} MB")

    cfg_src = args.config or os.path.join(args.stance, "onnx_int8", "config.json")
    tok_src = args.tokenizer or os.path.join(os.path.dirname(cfg_src), "tokenizer.json")
    cfg = json.load(open(cfg_src))
    n_ner, n_st = len(ner.encoder.encoder.layer), len(stance.encoder.encoder.layer)
    ner_part = f"the NER model's layers {K}-{n_ner - 1}" if K < n_ner else "the NER head"
    cfg["architecture"] = (f"shared trunk (embeddings + casing embedding + encoder layers 0-{K - 1}) feeding "
                           f"{ner_part} (-> logits) and {n_st - K} stance layer(s) "
                           f"(-> stance_token_logits, role_logits); {n_ner + n_st - K} layer passes; "
                           "training/stance/merge_branches.py")
    cfg["encoder"] = dict(shared_layers=K, ner_layers=n_ner, stance_layers=n_st - K, layer_passes=n_ner + n_st - K,
                          intermediate_size=ner.encoder.config.intermediate_size,
                          ner_run=os.path.basename(os.path.normpath(args.ner)),
                          stance_run=os.path.basename(os.path.normpath(args.stance)))
    for d in (fp_dir, q_dir):
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump(cfg, f, indent=1, ensure_ascii=False)
        shutil.copy(tok_src, os.path.join(d, "tokenizer.json"))
    print(f"wrote {fp_dir} and {q_dir}")


if __name__ == "__main__":
    main()
