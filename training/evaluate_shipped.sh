#!/usr/bin/env bash
# Regenerates the evaluation of the shipped models through the Rust binary
# (the int8 model, exactly as users run it). Reports go to reports/<set>/
# (metrics.json, report.md, report.html, errors.csv); the README's table and
# the model card quote their numbers, and training/readme_numbers.py checks
# that the README quotes them exactly.
#
#   bash training/evaluate_shipped.sh          # dev sets only
#   bash training/evaluate_shipped.sh --test   # also the test sets (report them once)
#
# CoNLL-2003 is scored only when it has been fetched to training/data/conll2003/
# (it is Reuters text and never committed; see training/README.md). The
# PLOVER held-out sentences are cut from ../shared/data by
# training/stance/split.py (standard library only) when that folder exists.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/detente
out=reports
mkdir -p "$out"
plover=false
if [ -d ../shared/data/plover_gsr ] || [ -d /work/shared/data/plover_gsr ]; then plover=true; fi
run() { # name gold
    echo "== $1"
    # -j 2: the thread count the README's numbers were taken with.
    "$bin" eval --gold "$2" --input --report "$out/$1" -q -j 2 | sed -n '1,40p'
}
if [ -f training/data/conll2003/dev.txt ]; then run conll-dev training/data/conll2003/dev.txt; fi
run recent-news datasets/ner/recent_news.jsonl
run stance-dev datasets/stance/dev.tsv
if $plover; then
    if [ -f training/data/realnews/train.jsonl ]; then
        python3 training/stance/split.py --out training/runs/stance_data --realnews training/data/realnews/train.jsonl > /dev/null
    else
        python3 training/stance/split.py --out training/runs/stance_data > /dev/null
    fi
    run plover-heldout training/runs/stance_data/plover_dev.jsonl
fi
if [ -f training/runs/stance_data/realnews_dev.jsonl ]; then run realnews-dev training/runs/stance_data/realnews_dev.jsonl; fi
if [ "${1:-}" = "--test" ]; then
    if [ -f training/data/conll2003/test.txt ]; then run conll-test training/data/conll2003/test.txt; fi
    run stance-test datasets/stance/test.tsv
    # The real-news test set: its GUM part is committed; the whole set (with the ConfliBERT sentences,
    # never committed) exists once `training/stance/realnews.py build` has run (datasets/stance/realnews/).
    run realnews-gum datasets/stance/realnews/gum_test.jsonl
    if [ -f training/data/realnews/realnews_test.jsonl ]; then run realnews-test training/data/realnews/realnews_test.jsonl; fi
fi
# Actor codes, event roles and dyads (the held-out Current events sets, GUM Wikinews and ConfliBERT
# mentions; the PLOVER records). The ConfliBERT sentences (training/stance/realnews.py extract), the
# 2019-2020 Wikinews articles (training/actors/wikinews_va.py extract), the first five Current events
# sets (training/actors/current_events.py extract) and their gold (training/data/actors_gold/) are kept
# out of git; the held-out sets, datasets/actors/gold_current_events_6.jsonl and _7.jsonl, are committed.
if $plover; then
    private=""
    if [ ! -f training/data/realnews/items_cb_train.tsv ] || [ ! -f training/data/wikinews_va/docs_2.jsonl ] \
        || [ ! -f training/data/current_events/docs_5.jsonl ] || [ ! -f training/data/actors_gold/gold_current_events_5.jsonl ]; then
        private="--no-private"
    fi
    python3 training/actors/eval_actors.py --binary "$bin" --out "$out" $private
fi
