"""Held-out actor gold sets on Wikipedia's Current events portal, kept out of
git like the other fetched sets.

  python3 training/actors/current_events.py extract --repo GIT_DIR
  python3 training/actors/current_events.py merge [--set ce2|...|ce7]
  python3 training/actors/current_events.py agree [--set ce2|...|ce7]

The items come from fordred/wikinews (the text is Wikipedia editors' news
summaries, CC BY-SA 4.0), brought with the search tool's `fetch`; GIT_DIR is
the fetched repository's git directory. Each leaf item of the portal is one
document, dated by its day, with the links' anchor text kept and the closing
source names ("(Al Jazeera)") dropped.

The first two sets are drawn from January and February 2025
(tests/golden_html_references/january_2025_reference.md and
february_2025_reference.md). Known artefacts, kept so that the labels stay
on the same text: where a link's target itself holds brackets, a stray `")`
follows the anchor text (59 of the first set's 330 items, e.g. 'the Iranian
Foreign Ministry") summoned'), and one item is the page's footer (no names).
The third and fourth are drawn from the daily pages of March 2025 to August
2026 (docs/_posts/), whose links are unwrapped whole.

extract  orders the items of the sections Armed conflicts and attacks,
         International relations, Politics and elections and Law and crime
         (at least 60 characters) by a fixed seed, and writes the first 330
         to training/data/current_events/docs.jsonl and the next 330 to
         docs_2.jsonl; then, from the later pages in another fixed order,
         docs_3.jsonl and docs_4.jsonl (330 items each) and docs_5.jsonl to
         docs_7.jsonl (660 each). The labellers' parts go to
         training/data/actors_ce/ ... actors_ce7/ (part1-4, or 1-6 for the
         larger sets, and second1-2 for a blind second labelling of 64
         items).
merge    joins the labellers' labels_part*.jsonl into
         training/data/actors_gold/gold_current_events.jsonl (_2 to _5 for
         the later sets); the sixth and seventh, the held-out sets, go to
         datasets/actors/gold_current_events_6.jsonl and _7.jsonl, which are
         committed.
agree    span F1 and primary-actor kappa of the second labelling.
"""
import argparse
import hashlib
import os
import random
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import wikinews_va  # noqa: E402  (the same checks, merge and agreement)

ROOT = wikinews_va.ROOT
# Per set (ce, ce2 ... ce7): the items, the labellers' folder and the gold.
# The held-out sets, the sixth and the seventh (which confirms the sixth's
# score with the same rules), are committed (Wikipedia's text is CC BY-SA
# 4.0; see datasets/actors/GOLD.md), so that a fresh clone scores them.
COMMITTED = (6, 7)


def _paths(n):
    tail = "" if n == 1 else f"_{n}"
    gold_dir = "datasets/actors" if n in COMMITTED else "training/data/actors_gold"
    return (os.path.join(ROOT, f"training/data/current_events/docs{tail}.jsonl"),
            os.path.join(ROOT, f"training/data/actors_ce{'' if n == 1 else n}"),
            os.path.join(ROOT, gold_dir, f"gold_current_events{tail}.jsonl"))


SETS = {("ce" if n == 1 else f"ce{n}"): _paths(n) for n in range(1, 8)}
# The daily pages after February 2025 (docs/_posts/), from which the third
# and later sets are drawn: March 2025 to the repository's last day.
POSTS = re.compile(r"^docs/_posts/(2025-(?:0[3-9]|1[0-2])|2026-\d\d)-\d\d-index\.md$")
FRONT_DATE = re.compile(r"^date:\s*(\d{4}-\d\d-\d\d)\s*$", re.M)
# A link whose target may hold one level of brackets and a quoted title, so
# that no stray `")` is left (the January-February pages keep theirs).
POST_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)")
SECTIONS = {"Armed conflicts and attacks", "International relations", "Politics and elections", "Law and crime"}
DAY = re.compile(r"^[A-Z][a-z]+\s\d{1,2},\s2025\s\((2025-\d\d-\d\d)\)")
BULLET = re.compile(r"^( *)[*+-] (.*)$")
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
SOURCES = re.compile(r"(\s*\([^()]*\))+\s*$")


def plain(markdown):
    text = LINK.sub(r"\1", IMAGE.sub("", markdown))
    text = text.replace("**", "").replace("\\", "")
    return SOURCES.sub("", text).strip()


def items(markdown):
    """(day, section, text) of each leaf bullet."""
    day = section = None
    lines = [line.rstrip("\r") for line in markdown.splitlines()]
    out = []
    for i, line in enumerate(lines):
        m = DAY.match(line)
        if m:
            day, section = m.group(1), None
            continue
        if line.startswith("**") and line.endswith("**"):
            section = line.strip("*")
            continue
        b = BULLET.match(line)
        if not (b and day and section):
            continue
        nxt = BULLET.match(lines[i + 1]) if i + 1 < len(lines) else None
        if nxt and len(nxt.group(1)) > len(b.group(1)):
            continue  # a topic heading, not an item
        text = plain(b.group(2)).replace("\xa0", " ")
        if text.startswith(("edit", "history", "watch")):
            continue
        out.append((day, section, text))
    return out


def post_items(markdown):
    """(day, section, text) of each leaf bullet of one daily page."""
    m = FRONT_DATE.search(markdown)
    if not m:
        return []
    day, section, out = m.group(1), None, []
    lines = [line.rstrip("\r") for line in markdown.splitlines()]
    for i, line in enumerate(lines):
        if line.startswith("#### "):
            section = line[5:].strip()
            continue
        b = BULLET.match(line)
        if not (b and section):
            continue
        nxt = BULLET.match(lines[i + 1]) if i + 1 < len(lines) else None
        if nxt and len(nxt.group(1)) > len(b.group(1)):
            continue  # a topic heading, not an item
        text = POST_LINK.sub(r"\1", IMAGE.sub("", b.group(2))).replace("*", "").replace("\\", "")
        text = SOURCES.sub("", text).replace("\xa0", " ").strip()
        out.append((day, section, text))
    return out


def distinct_shuffled(found, taken, seed):
    """The items whose text is not in `taken` nor seen before, in a fixed
    random order, and every text seen."""
    seen, unique = set(taken), []
    for it in found:
        if it[2] not in seen:
            seen.add(it[2])
            unique.append(it)
    random.seed(seed)
    random.shuffle(unique)
    return unique, seen


def extract_posts(repo, taken):
    """The third and fourth sets: 330 items each of the daily pages from
    March 2025 on, in a fixed random order, none already in the first two
    sets."""
    names = subprocess.run(["git", f"--git-dir={repo}", "ls-tree", "-r", "--name-only", "HEAD", "docs/_posts/"],
                           capture_output=True, text=True, check=True).stdout.split()
    found = []
    for name in sorted(n for n in names if POSTS.match(n)):
        md = subprocess.run(["git", f"--git-dir={repo}", "show", f"HEAD:{name}"], capture_output=True, text=True, check=True).stdout
        found += [it for it in post_items(md) if it[1] in SECTIONS and len(it[2]) >= 60]
    unique, _ = distinct_shuffled(found, taken, 20261204)
    write_set("ce3", unique[:330], len(unique))
    # The fourth set, labelled after the third was scored: the next items
    # of the same order.
    write_set("ce4", unique[330:660], len(unique))
    # The fifth and sixth, each labelled after the one before was scored:
    # twice the size, for a narrower interval, in six parts.
    write_set("ce5", unique[660:1320], len(unique), parts=6)
    write_set("ce6", unique[1320:1980], len(unique), parts=6)
    # The seventh, labelled after the sixth was scored, to confirm its
    # score with the same frozen rules.
    write_set("ce7", unique[1980:2640], len(unique), parts=6)


def write_set(name, chosen, pool, parts=4):
    docs_path, parts_dir, _ = SETS[name]
    docs = [dict(id="wpce-" + hashlib.sha1(t.encode()).hexdigest()[:10], date=d, text=t) for d, _, t in chosen]
    docs.sort(key=lambda d: (d["date"], d["id"]))
    wikinews_va.write_jsonl(docs_path, docs)
    wikinews_va.write_parts(parts_dir, [docs[i::parts] for i in range(parts)], docs[::5][:64])
    print(f"{len(docs)} items of {pool} ({sum(len(d['text']) for d in docs)} characters) -> {docs_path}")


def extract(repo):
    found = []
    for month in ("january", "february"):
        md = subprocess.run(["git", f"--git-dir={repo}", "show", f"HEAD:tests/golden_html_references/{month}_2025_reference.md"],
                            capture_output=True, text=True, check=True).stdout
        found += [it for it in items(md) if it[1] in SECTIONS and len(it[2]) >= 60]
    unique, seen = distinct_shuffled(found, set(), 20261203)
    # The first set, then the next items of the same order (labelled after
    # the first was scored).
    for name, chosen in (("ce", unique[:330]), ("ce2", unique[330:660])):
        write_set(name, chosen, len(unique))
    extract_posts(repo, seen)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("extract").add_argument("--repo", required=True, help="git directory of the fetched fordred/wikinews")
    for name in ("merge", "agree"):
        sub.add_parser(name).add_argument("--set", choices=sorted(SETS), default="ce")
    args = ap.parse_args()
    if args.cmd == "extract":
        extract(args.repo)
    elif args.cmd == "merge":
        wikinews_va.merge(*SETS[args.set])
    else:
        wikinews_va.agree(*SETS[args.set][1:])


if __name__ == "__main__":
    main()
