#!/usr/bin/env python3
"""Re-check a gold actor file (default datasets/actors/gold_wikinews.jsonl) and print counts.

  python3 datasets/actors/gold_wikinews_check.py [FILE]

Checks, for every document line:
  * the id is a GUM_news_ or GUM_interview_ document and `text` is identical to the text in
    datasets/stance/realnews/gum_docs.jsonl;
  * `date` is null or YYYY-MM-DD;
  * every mention has text[start:end] == mention["text"], a CoNLL kind
    (PER ORG LOC MISC), a code that is "" or upper-case three-letter groups,
    and mentions are in document order and do not overlap.
Then prints counts: documents, mentions, empty vs coded, per kind, per code
prefix (first three letters), per full code, per document.
Exit status 1 if any check fails.
"""
import json, re, sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLD = HERE / 'gold_wikinews.jsonl'
SRC = HERE.parent / 'stance' / 'realnews' / 'gum_docs.jsonl'
KINDS = {'PER', 'ORG', 'LOC', 'MISC'}
CODE = re.compile(r'^(?:[A-Z]{3})+$')
DATE = re.compile(r'^\d{4}-\d\d-\d\d$')

def main(path=GOLD):
    src = {}
    if SRC.exists():
        for line in SRC.open(encoding='utf-8'):
            d = json.loads(line)
            src[d['id']] = d['text']
    else:
        print(f'warning: {SRC} not found, source texts not compared')
    errors = []
    kinds, prefixes, codes, per_doc = Counter(), Counter(), Counter(), []
    n_empty = n_coded = 0
    ids = set()
    for ln, line in enumerate(Path(path).open(encoding='utf-8'), 1):
        d = json.loads(line)
        did, text = d['id'], d['text']
        if not did.startswith(('GUM_news_', 'GUM_interview_')): errors.append(f'line {ln}: id {did} not a GUM Wikinews document')
        if did in ids: errors.append(f'line {ln}: duplicate id {did}')
        ids.add(did)
        if src and src.get(did) != text: errors.append(f'{did}: text differs from gum_docs.jsonl')
        if d.get('date') is not None and not DATE.match(d['date']): errors.append(f'{did}: bad date {d["date"]!r}')
        prev_end = 0; dc = Counter()
        for i, m in enumerate(d['mentions']):
            s, e = m['start'], m['end']
            where = f'{did} mention {i} {m.get("text")!r}'
            if not (isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(text)):
                errors.append(f'{where}: bad offsets {s},{e}'); continue
            if text[s:e] != m['text']: errors.append(f'{where}: text[{s}:{e}] = {text[s:e]!r}')
            if s < prev_end: errors.append(f'{where}: overlaps or out of order (starts {s} < {prev_end})')
            prev_end = max(prev_end, e)
            if m.get('kind') not in KINDS: errors.append(f'{where}: bad kind {m.get("kind")!r}')
            code = m.get('code')
            if code is None or (code != '' and not CODE.match(code)): errors.append(f'{where}: bad code {code!r}')
            if 'note' not in m: errors.append(f'{where}: no note field')
            kinds[m.get('kind')] += 1
            if code:
                n_coded += 1; prefixes[code[:3]] += 1; codes[code] += 1; dc['coded'] += 1
            else:
                n_empty += 1; dc['empty'] += 1
        per_doc.append((did, d.get('date'), len(d['mentions']), dc['coded'], dc['empty']))
    total = n_empty + n_coded
    print(f'documents: {len(per_doc)}   mentions: {total}   coded: {n_coded}   empty: {n_empty}')
    print('per kind:   ' + '  '.join(f'{k}={v}' for k, v in sorted(kinds.items())))
    print('per code prefix (coded mentions only):')
    for p, v in prefixes.most_common(): print(f'  {p:4s} {v}')
    print('per full code:')
    for c, v in codes.most_common(): print(f'  {c:10s} {v}')
    print('per document (id, date, mentions, coded, empty):')
    for row in per_doc: print('  %-24s %-10s %4d %4d %4d' % (row[0], row[1], row[2], row[3], row[4]))
    if errors:
        print(f'\n{len(errors)} ERRORS:'); [print('  ' + x) for x in errors[:50]]
        return 1
    print('\nall checks passed')
    return 0

if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:]))
