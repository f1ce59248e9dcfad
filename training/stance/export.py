"""Export the joint NER+stance+role model to ONNX (fp32), int8-quantize it, write tokenizer.json + config.json.

  python training/stance/export.py --run training/runs/stance_final \
      --ner-config training/runs/stance_nerbase/onnx/config.json --out training/runs/stance_final

Writes <out>/onnx/model.onnx (fp32) and <out>/onnx_int8/{model.onnx,tokenizer.json,config.json}.
Outputs: logits [b,s,9] (NER, unchanged), stance_token_logits [b,s,3], role_logits [b,s,3].
`stance_temperature` is added to config.json by evaluate.py --fit-temperature (1.0 until then).
"""
import argparse
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stance_lib import ROLES, STANCES, collate_stance, encode_rows, load_joint, pool_segments  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

from common import load_tokenizer  # noqa: E402

OUTPUTS = ["logits", "stance_token_logits", "role_logits"]


def stance_config(T=1.0):
    return {
        "stance_labels": STANCES,
        "role_labels": ROLES,
        "stance_temperature": T,
        "outputs": {
            "logits": "float32 [batch, seq, 9] NER scores (unchanged; see id2label / decoding)",
            "stance_token_logits": "float32 [batch, seq, 3] per-token stance scores, index order = stance_labels. "
                                   "Sentence stance logits = MEAN of stance_token_logits over the word-pieces of that "
                                   "sentence (pieces whose char offsets fall inside the sentence; never [CLS]/[SEP]/pad). "
                                   "probabilities = softmax(sentence_logits / stance_temperature)",
            "role_logits": "float32 [batch, seq, 3] per-token role scores, index order = role_labels. Entity role logits "
                           "= MEAN of role_logits over the word-pieces of the entity mention; argmax -> other/source/target",
        },
        "stance_input": "one input row = [CLS] s1 s2 ... [SEP]: the sentences of one article joined with a single space, "
                        "no separator tokens; trained with 1-3 sentences per row, at most max_length pieces. Each sentence "
                        "is pooled over its own pieces only.",
        "stance_training": "joint fine-tune of the NER model (training/stance/train.py): stance (our datasets/stance, "
                           "split by topic, + PLOVER GSR train part + CAMEO examples + PETRARCH validation), role, CoNLL NER",
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", required=True)
    ap.add_argument("--ner-config", required=True, help="config.json written by training/ner/export.py")
    ap.add_argument("--out", required=True)
    ap.add_argument("--opset", type=int, default=17)
    args = ap.parse_args()
    torch.manual_seed(0)
    model, meta = load_joint(args.run)
    tok = load_tokenizer(os.path.join(meta["base"], "tokenizer.json"))
    rows = [dict(text="Iran warned Washington against any strike on its nuclear sites."),
            dict(text="Oman offered to host talks."), dict(text="Oil prices rose 2%.")]
    e1 = encode_rows(tok, rows)
    e2 = encode_rows(tok, rows[1:2])
    ids, att, case, _, seg, n = collate_stance([e1, e2])
    ids_t, att_t, case_t = map(torch.from_numpy, (ids, att, case))
    fp_dir, q_dir = os.path.join(args.out, "onnx"), os.path.join(args.out, "onnx_int8")
    os.makedirs(fp_dir, exist_ok=True)
    os.makedirs(q_dir, exist_ok=True)
    fp = os.path.join(fp_dir, "model.onnx")
    dyn = {k: {0: "batch", 1: "seq"} for k in ["input_ids", "attention_mask", "case_ids"] + OUTPUTS}
    torch.onnx.export(model, (ids_t, att_t, case_t), fp, opset_version=args.opset,
                      input_names=["input_ids", "attention_mask", "case_ids"], output_names=OUTPUTS,
                      dynamic_axes=dyn, do_constant_folding=True)
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic
    q = os.path.join(q_dir, "model.onnx")
    quantize_dynamic(fp, q, per_channel=True, op_types_to_quantize=["MatMul"], weight_type=QuantType.QInt8)
    print(f"fp32 {os.path.getsize(fp) / 1e6:.1f} MB -> int8 {os.path.getsize(q) / 1e6:.1f} MB")
    with torch.no_grad():
        ref = [t.numpy() for t in model(ids_t, att_t, case_t)]
        h = model.hidden(ids_t, att_t, case_t)
        pooled_ref = model.stance_head(pool_segments(h, seg, n)).numpy()
    feeds = {"input_ids": ids, "attention_mask": att, "case_ids": case}
    for path in (fp, q):
        sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        got = sess.run(OUTPUTS, feeds)
        assert [o.name for o in sess.get_outputs()] == OUTPUTS
        diffs = [float(np.abs((g - r) * att[..., None]).max()) for g, r in zip(got, ref)]
        # Rust-side pooling: mean of stance_token_logits over each sentence's pieces
        st = got[1]
        pooled = np.stack([st[seg == k].mean(0) for k in range(n)])
        print(os.path.basename(os.path.dirname(path)), "max|onnx-torch| per output", [f"{d:.2e}" for d in diffs],
              "| mean-of-token-logits vs head(mean-hidden):", f"{float(np.abs(pooled - pooled_ref).max()):.2e}",
              "| sentence stances:", [STANCES[i] for i in pooled.argmax(-1)])
    shutil.copy(os.path.join(meta["base"], "tokenizer.json"), os.path.join(q_dir, "tokenizer.json"))
    shutil.copy(os.path.join(meta["base"], "tokenizer.json"), os.path.join(fp_dir, "tokenizer.json"))
    cfg = json.load(open(args.ner_config))
    cfg.pop("reserved_outputs", None)
    cfg["task"] = cfg["task"] + " + per-sentence stance (conciliatory/threatening/neutral) + actor role (other/source/target)"
    st_cfg = stance_config()
    cfg["outputs"] = st_cfg.pop("outputs")
    cfg.update(st_cfg)
    cfg["quantization"] = "onnxruntime quantize_dynamic, MatMul only, per-channel, QInt8 weights"
    for d in (fp_dir, q_dir):
        old = os.path.join(d, "config.json")
        if os.path.exists(old):  # keep a fitted temperature across re-exports
            cfg["stance_temperature"] = json.load(open(old)).get("stance_temperature", 1.0)
        with open(old, "w") as f:
            json.dump(cfg, f, indent=1, ensure_ascii=False)
    print("wrote", fp_dir, q_dir)


if __name__ == "__main__":
    main()
