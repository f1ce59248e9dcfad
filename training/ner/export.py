"""Export a trained run to ONNX (fp32) + tokenizer.json + config.json.

  python training/ner/export.py --run training/runs/final --out training/runs/final/onnx
"""
import argparse
import json
import os
import shutil
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np
import torch

from common import LABELS, MAX_LEN, NUM_CASE_IDS, SHAPES, encode_chunk, load_tokenizer, set_seed
from model import DetenteEncoderModel, config_for

CASING_SPEC = {
    "input": "case_ids",
    "num_classes": NUM_CASE_IDS,
    "summary": "case_id = 0 for [CLS]/[SEP]/[PAD]; otherwise (1 if the piece is the first word-piece of its word else 7) + shape(word)",
    "word": "the pre-token the word-piece belongs to (tokenizer.json pre-tokenizer = BertPreTokenizer: split on whitespace, "
            "every punctuation char is its own word) = Encoding word_ids; its text is the ORIGINAL (cased, un-normalised) "
            "input text from the min start offset to the max end offset of all tokens with that word id",
    "first_piece": "a token is the first piece of its word when the previous token has a different word id (or is special)",
    "shape_order": [
        "4 digit: the word contains an ASCII digit '0'..'9'",
        "5 other: else, the word has no char c with c.is_uppercase() and none with c.is_lowercase()",
        "0 lower: else, no uppercase char",
        "1 upper: else, no lowercase char",
        "2 title: else, the first char is uppercase and it is the only uppercase char",
        "3 mixed: otherwise",
    ],
    "shapes": {name: i for i, name in enumerate(SHAPES)},
    "table": {"0": "special/padding",
              **{str(1 + i): f"first piece, {n}" for i, n in enumerate(SHAPES)},
              **{str(7 + i): f"continuation piece, {n}" for i, n in enumerate(SHAPES)}},
    "examples": {"EU": [2], "German": [3], "rejects": [1], "McDonald": [4], "1996": [5], "-": [6],
                 "Hewlett": "he=3 ##wl=9 ##ett=9 (title)", "IBM": [2]},
    "char_classes": "uppercase/lowercase = Unicode Uppercase/Lowercase (Python str.isupper/islower on one char, Rust char::is_uppercase/is_lowercase)",
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--opset", type=int, default=17)
    args = ap.parse_args()
    set_seed(0)
    meta = json.load(open(os.path.join(args.run, "meta.json")))
    base = meta["base"]
    cfg = config_for(meta)
    model = DetenteEncoderModel(cfg, use_case=meta["use_case"])
    model.load_state_dict(torch.load(os.path.join(args.run, "model.pt"), map_location="cpu", weights_only=True))
    model.eval()
    os.makedirs(args.out, exist_ok=True)
    tok = load_tokenizer(os.path.join(base, "tokenizer.json"))
    e = encode_chunk(tok, [dict(words="EU rejects German call to boycott British lamb .".split(), tags=["O"] * 9, sid=0, n=0)])
    ids = torch.tensor([e["ids"], e["ids"]])
    case = torch.tensor([e["case"], e["case"]])
    att = torch.ones_like(ids)
    onnx_path = os.path.join(args.out, "model.onnx")
    torch.onnx.export(model, (ids, att, case), onnx_path, opset_version=args.opset,
                      input_names=["input_ids", "attention_mask", "case_ids"], output_names=["logits"],
                      dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                                    "case_ids": {0: "batch", 1: "seq"}, "logits": {0: "batch", 1: "seq"}},
                      do_constant_folding=True)
    import onnxruntime as ort
    sess = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    got = sess.run(["logits"], {"input_ids": ids.numpy(), "attention_mask": att.numpy(), "case_ids": case.numpy()})[0]
    with torch.no_grad():
        ref = model(ids, att, case).numpy()
    print("max |onnx - torch| =", float(np.abs(got - ref).max()))
    print("inputs:", [i.name for i in sess.get_inputs()], "outputs:", [o.name for o in sess.get_outputs()])
    shutil.copy(os.path.join(base, "tokenizer.json"), os.path.join(args.out, "tokenizer.json"))
    config = {
        "task": "token-classification (NER, CoNLL-2003 PER/ORG/LOC/MISC, IOB2)",
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (uncased BERT, 6 layers, hidden 384)",
        "id2label": {str(i): l for i, l in enumerate(LABELS)},
        "label2id": {l: i for i, l in enumerate(LABELS)},
        "max_length": MAX_LEN,
        "inputs": {
            "input_ids": "int64 [batch, seq] from tokenizer.json with [CLS] ... [SEP] (add_special_tokens), pad id 0",
            "attention_mask": "int64 [batch, seq], 1 for real tokens, 0 for padding",
            "case_ids": "int64 [batch, seq], see casing",
        },
        "outputs": {"logits": "float32 [batch, seq, num_labels] (unnormalised scores, index = label id)"},
        "reserved_outputs": {"stance_logits": "float32 [batch, 3] (future stance head on the same encoder; not in this model)"},
        "token_type_ids": "not an input (always 0 internally)",
        "tokenizer": "tokenizer.json is the unmodified base tokenizer (BERT uncased WordPiece; BertNormalizer lower-cases and "
                     "strips accents; BertPreTokenizer). As shipped it truncates to 128 and pads to a fixed 128 with [PAD]=0: "
                     "padded positions get attention_mask 0 and case_ids 0. Offsets refer to the original text.",
        "casing": CASING_SPEC,
        "word_alignment": "a word = a pre-token (word id). The model was trained with a label on the FIRST word-piece of every "
                          "pre-token; at inference take the logits of each pre-token's first piece, ignore the other pieces.",
        "decoding": "Viterbi over the word sequence of one input with hard IOB2 constraints (I-X only after B-X or I-X, not at "
                    "the start), scores = log_softmax(logits); argmax also works (slightly lower F1). Entity = B-X followed by "
                    "I-X words; its text = original text from the first word's start offset to the last word's end offset.",
        "input_windows": "trained on single sentences and on consecutive sentences of one document packed up to max_length "
                         "pieces (including [CLS]/[SEP]); feeding several sentences of the same article as one input helps.",
        "quantization": "onnxruntime quantize_dynamic, MatMul only, per-channel, QInt8 weights",
    }
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(config, f, indent=1)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
