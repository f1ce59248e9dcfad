"""Shared code of the stance trainer/exporter/evaluator: joint model, encoding of packed sentences, metrics.

The joint model = the NER model (training/ner/model.py) + two per-token linear heads:
  stance_head: Linear(384 -> 3)  -> stance_token_logits [b, s, 3]  (sentence stance = mean over its pieces)
  role_head:   Linear(384 -> 3)  -> role_logits [b, s, 3]          (entity role = mean over its pieces)
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "ner"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np
import torch
from torch import nn

from common import MAX_LEN, case_ids_for, word_shape  # noqa: E402  (training/ner/common.py)
from model import DetenteEncoderModel, config_for  # noqa: E402

STANCES = ["conciliatory", "threatening", "neutral"]
S2I = {s: i for i, s in enumerate(STANCES)}
ROLES = ["other", "source", "target"]


class StanceJointModel(DetenteEncoderModel):
    def __init__(self, config, **kw):
        super().__init__(config, **kw)
        h = config.hidden_size
        self.stance_head = nn.Linear(h, len(STANCES))
        self.role_head = nn.Linear(h, len(ROLES))
        for m in (self.stance_head, self.role_head):
            nn.init.normal_(m.weight, std=0.02)
            nn.init.zeros_(m.bias)

    def hidden(self, input_ids, attention_mask, case_ids):
        return self.encoder(inputs_embeds=self.embed(input_ids, case_ids), attention_mask=attention_mask).last_hidden_state

    def forward(self, input_ids, attention_mask, case_ids):
        h = self.hidden(input_ids, attention_mask, case_ids)
        return self.ner_head(h), self.stance_head(h), self.role_head(h)


def load_joint(run_dir, base=None):
    meta = json.load(open(os.path.join(run_dir, "meta.json")))
    cfg = config_for(meta, base)
    m = StanceJointModel(cfg, use_case=meta["use_case"])
    m.load_state_dict(torch.load(os.path.join(run_dir, "model.pt"), map_location="cpu", weights_only=True))
    m.eval()
    return m, meta


def read_jsonl(p):
    with open(p, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def _occurrences(text, s):
    out, i = [], 0
    while s:
        j = text.find(s, i)
        if j < 0:
            return out
        out.append((j, j + len(s)))
        i = j + 1


def actor_spans(row):
    """[(start, end, role)] char spans in row['text'] of every occurrence of the listed actors (source wins)."""
    spans = []
    for role, key in ((1, "source"), (2, "target")):
        for a in row.get(key, []):
            for s, e in _occurrences(row["text"], a):
                if not any(s < e2 and s2 < e for s2, e2, _ in spans):
                    spans.append((s, e, role))
    return spans


def encode_rows(tok, rows, max_len=MAX_LEN):
    """Encode 1..n sentences packed into ONE input row exactly like Rust: texts joined with a single space,
    [CLS] text [SEP], no separators between sentences.
    Returns dict(ids, case, seg, role, n) : seg[i] = sentence index of piece i (-1 for specials), role[i] = role label
    or -100. Sentences that do not fit are dropped (n = number kept)."""
    while True:
        starts, parts, pos = [], [], 0
        for r in rows:
            if parts:
                parts.append(" ")
                pos += 1
            starts.append(pos)
            parts.append(r["text"])
            pos += len(r["text"])
        text = "".join(parts)
        enc = tok.encode(text)
        if len(enc.ids) <= max_len or len(rows) == 1:
            break
        rows = rows[:-1]
    ids, offsets, word_ids = list(enc.ids), list(enc.offsets), list(enc.word_ids)
    if len(ids) > max_len:  # a single over-long sentence: truncate, keep [SEP]
        ids = ids[:max_len - 1] + [ids[-1]]
        offsets = offsets[:max_len - 1] + [(0, 0)]
        word_ids = word_ids[:max_len - 1] + [None]
    case = case_ids_for(text, offsets, word_ids)
    ends = [s + len(r["text"]) for s, r in zip(starts, rows)]
    spans = []
    for k, r in enumerate(rows):
        for s, e, role in actor_spans(r):
            spans.append((starts[k] + s, starts[k] + e, role))
    # word char spans (for the capitalised-word "other" rule)
    wspan = {}
    for (s, e), w in zip(offsets, word_ids):
        if w is not None:
            wspan[w] = (min(wspan[w][0], s), max(wspan[w][1], e)) if w in wspan else (s, e)
    seg = [-1] * len(ids)
    role = [-100] * len(ids)
    for i, ((s, e), w) in enumerate(zip(offsets, word_ids)):
        if w is None:
            continue
        k = next((k for k in range(len(rows)) if starts[k] <= s < ends[k]), -1)
        seg[i] = k
        if k < 0 or not rows[k].get("roles_annotated"):
            continue
        hit = next((ro for s2, e2, ro in spans if s2 <= s < e2), None)
        if hit is not None:
            role[i] = hit
        else:
            ws, we = wspan[w]
            if word_shape(text[ws:we]) in (1, 2, 3):  # upper / title / mixed = capitalised word
                role[i] = 0
    return dict(ids=ids, case=case, seg=seg, role=role, n=len(rows), text=text, offsets=offsets, starts=starts,
                word_ids=word_ids)


def collate_stance(encs):
    L = max(len(e["ids"]) for e in encs)
    b = len(encs)
    ids = np.zeros((b, L), np.int64)
    att = np.zeros((b, L), np.int64)
    case = np.zeros((b, L), np.int64)
    role = np.full((b, L), -100, np.int64)
    seg = np.full((b, L), -1, np.int64)  # global sentence index within the batch
    off = 0
    for r, e in enumerate(encs):
        n = len(e["ids"])
        ids[r, :n] = e["ids"]
        att[r, :n] = 1
        case[r, :n] = e["case"]
        role[r, :n] = e["role"]
        sg = np.array(e["seg"])
        seg[r, :n] = np.where(sg >= 0, sg + off, -1)
        off += e["n"]
    return ids, att, case, role, seg, off


def pool_segments(x, seg, n):
    """x [b, s, d] tensor, seg [b, s] (-1 = ignore) -> mean over the pieces of each segment [n, d]."""
    d = x.shape[-1]
    flat = x.reshape(-1, d)
    idx = torch.as_tensor(seg).reshape(-1)
    keep = idx >= 0
    sums = torch.zeros(n, d, dtype=x.dtype).index_add_(0, idx[keep], flat[keep])
    cnt = torch.zeros(n, dtype=x.dtype).index_add_(0, idx[keep], torch.ones(int(keep.sum()), dtype=x.dtype))
    return sums / cnt.clamp(min=1).unsqueeze(-1)


# ---------------------------------------------------------------------------- metrics
def softmax(z):
    z = z - z.max(-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(-1, keepdims=True)


def ece(probs, y, bins=15):
    conf = probs.max(-1)
    pred = probs.argmax(-1)
    edges = np.linspace(0, 1, bins + 1)
    tot = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (conf > lo) & (conf <= hi)
        if m.any():
            tot += m.mean() * abs((pred[m] == y[m]).mean() - conf[m].mean())
    return float(tot)


def nll(logits, y, T=1.0):
    z = logits / T
    z = z - z.max(-1, keepdims=True)
    lp = z - np.log(np.exp(z).sum(-1, keepdims=True))
    return float(-lp[np.arange(len(y)), y].mean())


def fit_temperature(logits, y):
    grid = np.exp(np.linspace(np.log(0.25), np.log(8.0), 400))
    vals = [nll(logits, y, t) for t in grid]
    return float(grid[int(np.argmin(vals))])


def stance_report(logits, y, T=1.0):
    pred = logits.argmax(-1)
    k = len(STANCES)
    cm = np.zeros((k, k), np.int64)
    for a, b in zip(y, pred):
        cm[a, b] += 1
    per = {}
    for i, s in enumerate(STANCES):
        tp = cm[i, i]
        p = tp / max(1, cm[:, i].sum())
        r = tp / max(1, cm[i, :].sum())
        f = 2 * p * r / max(1e-12, p + r)
        per[s] = dict(precision=round(float(p), 4), recall=round(float(r), 4), f1=round(float(f), 4), support=int(cm[i].sum()))
    return dict(n=int(len(y)), accuracy=round(float((pred == y).mean()), 4),
                macro_f1=round(float(np.mean([per[s]["f1"] for s in STANCES])), 4), per_class=per,
                confusion=cm.tolist(), ece=round(ece(softmax(logits / T), y), 4), nll=round(nll(logits, y, T), 4))
