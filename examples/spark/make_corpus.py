#!/usr/bin/env python3
"""Write a deterministic JSONL test corpus for the detente Spark recipe.

The documents are recombined from the repository's own text:

* the sentences of the stance data sets (datasets/stance/{train,dev,test}.jsonl,
  one labelled sentence or headline per line, field ``text``), and
* the sentences and headlines of the sample articles (datasets/sample/*.txt),
  plus a few of those articles verbatim (they hold bullets and crossheads).

Every choice comes from ``random.Random(seed)``, so the same arguments give
the same bytes on every machine (Python >= 3.2).  Ids are unique and of mixed
kinds: JSON numbers, strings with spaces, commas and quotes, non-ASCII strings,
and strings that start with a spreadsheet formula character (detente prefixes
those with ' in the CSV).  About a third of the documents carry a ``date``.

A handful of deliberately bad lines exercise the error path: a missing
``text``, malformed JSON, a ``text`` that is not a string, a null id, an empty
text, an invalid date, a document without an id (detente names it
PATH:LINE) and blank lines.  Their line numbers are printed to stderr.

Usage: make_corpus.py [--docs 5000] [--seed 7] [-o corpus.jsonl]
"""

import argparse
import glob
import json
import os
import random
import re
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

# Crude splitter for the sample articles; detente re-splits the documents
# anyway, this only has to give sentence-sized pieces.
_SPLIT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’]))\s+(?=[\"“‘]?[A-Z])")
_ABBREV = re.compile(r"\b(?:U\.S|U\.N|U\.K|Gen|Lt|Col|Sen|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec|No|Mr|Mrs|Dr|St|a\.m|p\.m|[A-Z])\.$")


def split_sentences(paragraph):
    out = []
    for piece in _SPLIT.split(paragraph):
        if out and _ABBREV.search(out[-1]):
            out[-1] += " " + piece
        else:
            out.append(piece)
    return [s.strip() for s in out if s.strip()]


def load_pool(repo):
    sentences, headlines, articles = [], [], []
    for name in ("train", "dev", "test"):
        path = os.path.join(repo, "datasets", "stance", name + ".jsonl")
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                obj = json.loads(line)
                text = obj.get("text")
                if not isinstance(text, str) or not text.strip():
                    continue
                if obj.get("style") == "headline":
                    headlines.append(text.strip())
                else:
                    sentences.append(text.strip())
    for path in sorted(glob.glob(os.path.join(repo, "datasets", "sample", "*.txt"))):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        articles.append(text)
        blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
        if blocks:
            headlines.append(blocks[0])
        for block in blocks[1:]:
            if block.startswith(("-", "*", "•")) or "\n" in block:
                continue  # lists: kept only in the verbatim articles
            sentences.extend(split_sentences(block))
    if not sentences or not headlines:
        sys.exit("make_corpus: no text found under %s/datasets" % repo)
    return sentences, headlines, articles


def hard_wrap(paragraph, width):
    """Break a paragraph into lines of at most ~width characters (newlines inside sentences)."""
    lines, cur = [], ""
    for word in paragraph.split(" "):
        if cur and len(cur) + 1 + len(word) > width:
            lines.append(cur)
            cur = word
        else:
            cur = word if not cur else cur + " " + word
    if cur:
        lines.append(cur)
    return "\n".join(lines)


# Sentences per document: 1..25, geometric-like (mean about 2.5) so that 5,000
# documents come to about 1.6 M characters; --min/--max-sentences change it.
def sentence_weights(lo, hi):
    return list(range(lo, hi + 1)), [0.6 ** (k - lo) for k in range(lo, hi + 1)]


UNICODE_STEMS = ["Erdoğan", "دبلوماسية", "外交", "Переговоры", "São Paulo", "Müller", "ελληνικά", "🕊"]


def make_id(i, rng):
    kind = i % 5
    if kind == 0:
        return 100000 + i  # a JSON number
    if kind == 1:
        return "doc %d of the corpus" % i
    if kind == 2:
        return "%s-%d" % (UNICODE_STEMS[i % len(UNICODE_STEMS)], i)
    if kind == 3:
        specials = ['-neg %d', '=sum(%d)', '+%d', '@user%d', 'a,b "%d"', "x'%d"]
        if rng.random() < 0.3:
            return specials[i % len(specials)] % i
        return "a-%06d" % i
    return "wire/%04d/%d" % (2020 + i % 6, i)


def make_date(i):
    r = i % 6
    day = "2025-%02d-%02d" % (1 + i % 12, 1 + (i * 7) % 28)
    if r in (0, 3):
        return day
    if r == 1:
        return day + "T%02d:%02d:00Z" % (i % 24, i % 60)
    return None


def make_doc(i, rng, pool, sizes):
    """sizes: sentence_weights(lo, hi), the sentence counts and their weights."""
    sentences, headlines, articles = pool
    if i % 250 == 17:  # now and then a whole sample article
        return articles[(i // 250) % len(articles)]
    counts, weights = sizes
    n = rng.choices(counts, weights)[0]
    picked = [rng.choice(sentences) for _ in range(n)]
    paragraphs, cur = [], []
    for s in picked:
        cur.append(s)
        if len(cur) >= 2 and rng.random() < 0.35:
            paragraphs.append(" ".join(cur))
            cur = []
    if cur:
        paragraphs.append(" ".join(cur))
    if rng.random() < 0.05:
        paragraphs = [hard_wrap(p, 60 + rng.randrange(20)) for p in paragraphs]
    if rng.random() < 0.3:
        paragraphs.insert(0, rng.choice(headlines))
    return "\n\n".join(paragraphs)


BAD_LINES = [
    ('{"id": "bad-missing-text", "date": "2025-02-01"}', "missing text"),
    ('{"id": "bad-json", "text": "unterminated', "malformed JSON"),
    ("{not json at all}", "malformed JSON"),
    ('{"id": "bad-text-type", "text": 42}', "text not a string"),
    ('{"id": null, "text": "A document whose id is null."}', "null id"),
    ('{"id": "bad-empty", "text": "   "}', "empty text (warning)"),
    ('{"id": "bad-date", "date": "last Tuesday", "text": "Talks resumed in Geneva on Monday."}', "bad date (warning, still annotated)"),
    ('{"text": "This document has no id, so detente names it after its file and line."}', "no id (named PATH:LINE)"),
    ("", "blank line"),
    ("[1, 2, 3]", "not an object"),
]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=5000, help="good documents to write (default 5000)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--min-sentences", type=int, default=1)
    ap.add_argument("--max-sentences", type=int, default=25)
    ap.add_argument("--no-bad", action="store_true", help="leave out the bad lines")
    ap.add_argument("-o", "--output", default="-", help="file to write (default: stdout)")
    args = ap.parse_args(argv)

    rng = random.Random(args.seed)
    pool = load_pool(REPO)
    sizes = sentence_weights(args.min_sentences, args.max_sentences)
    bad = [] if args.no_bad else BAD_LINES
    # Spread the bad lines evenly through the corpus, so they land in different partitions.
    bad_at = {}
    for k, item in enumerate(bad):
        bad_at[(k + 1) * args.docs // (len(bad) + 1)] = item

    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8", newline="\n")
    lines = chars = words = 0
    try:
        for i in range(args.docs):
            if i in bad_at:
                text, why = bad_at[i]
                out.write(text + "\n")
                lines += 1
                print("make_corpus: line %d: %s" % (lines, why), file=sys.stderr)
            doc = {"id": make_id(i, rng), "text": make_doc(i, rng, pool, sizes)}
            date = make_date(i)
            if date is not None:
                doc["date"] = date
            out.write(json.dumps(doc, ensure_ascii=(i % 2 == 0)) + "\n")
            lines += 1
            chars += len(doc["text"])
            words += len(doc["text"].split())
    finally:
        if out is not sys.stdout:
            out.close()
    print("make_corpus: %d documents, %d bad lines, %d lines, %d characters of text, %d words"
          % (args.docs, len(bad), lines, chars, words), file=sys.stderr)


if __name__ == "__main__":
    main()
