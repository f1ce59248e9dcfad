#!/usr/bin/env bash
# Regenerates the evaluation of the shipped models through the Rust binary
# (the int8 model, exactly as users run it). Reports go to reports/<set>/
# (metrics.json, report.md, report.html, errors.csv); the model card quotes
# their numbers.
#
#   bash training/evaluate_shipped.sh          # dev sets only
#   bash training/evaluate_shipped.sh --test   # also the test sets (report them once)
#
# CoNLL-2003 is scored only when it has been fetched to training/data/conll2003/
# (it is Reuters text and never committed; see training/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/detente
out=reports
mkdir -p "$out"
run() { # name gold
    echo "== $1"
    "$bin" eval --gold "$2" --input --report "$out/$1" -q | sed -n '1,40p'
}
if [ -f training/data/conll2003/dev.txt ]; then run conll-dev training/data/conll2003/dev.txt; fi
run recent-news datasets/ner/recent_news.jsonl
run stance-dev datasets/stance/dev.tsv
if [ "${1:-}" = "--test" ]; then
    if [ -f training/data/conll2003/test.txt ]; then run conll-test training/data/conll2003/test.txt; fi
    run stance-test datasets/stance/test.tsv
fi
