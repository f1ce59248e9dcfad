#!/usr/bin/env bash
# Side-by-side throughput and memory of `detente annotate` against spaCy
# en_core_web_sm (NER only and full pipeline, n_process 1 and 2) and the
# HuggingFace token-classification pipeline, on the same machine in the same
# run, over a generated corpus (benches/make_corpus.py, 2,000 articles,
# ~1M words per scale unit). Writes benches/RESULTS.md.
#
#   bash benches/compare.sh              # scale 1 (~10 min on 2 cores)
#   SCALES="1 4 16" bash benches/compare.sh   # also the growth runs (long)
#   PEERS=0 bash benches/compare.sh     # detente only
set -euo pipefail
cd "$(dirname "$0")/.."
SCALES=${SCALES:-1}
PEERS=${PEERS:-1}
work=${WORK:-$(mktemp -d)}
cargo build --release --quiet
bin=target/release/detente
if [ "$PEERS" = 1 ] && [ ! -x benches/.venv/bin/python ]; then
    python3 -m venv benches/.venv
    benches/.venv/bin/pip install -q -r benches/requirements.txt
fi

measure() { # label command...; prints "label|seconds|rss_kb|words/s"
    local label=$1; shift
    local log=$work/time.log
    /usr/bin/time -f "%e %M" -o "$log" "$@" > "$work/out.txt" 2> "$work/err.txt" || { echo "$label failed:"; cat "$work/err.txt"; return 1; }
    read -r secs rss < "$log"
    echo "$label|$secs|$rss"
}

rows=()
for s in $SCALES; do
    corpus=$work/corpus-$s.jsonl
    python3 benches/make_corpus.py --articles $((2000 * s)) --out "$corpus" > "$work/corpus-$s.txt"
    words=$(grep -o '[0-9]* words' "$work/corpus-$s.txt" | cut -d' ' -f1)
    rows+=("$(measure "detente annotate (split+NER+stance), ${s}x" "$bin" annotate -q "$corpus" -o "$work/spans.csv")|$words")
    if [ "$PEERS" = 1 ] && [ "$s" = 1 ]; then
        for np in 1 2; do
            rows+=("$(measure "spaCy sm NER only, n_process $np" benches/.venv/bin/python benches/spacy_ner.py "$corpus" --n-process $np)|$words")
            rows+=("$(measure "spaCy sm full pipeline, n_process $np" benches/.venv/bin/python benches/spacy_ner.py "$corpus" --n-process $np --full)|$words")
        done
        if [ -x training/.venv/bin/python ]; then
            rows+=("$(measure "HF transformers pipeline (same encoder, 2 threads)" training/.venv/bin/python benches/hf_pipeline.py "$corpus")|$words")
        fi
    fi
done
# One 20 MB document and 100,000 tiny documents.
python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
text = open("datasets/sample/01-turkey-mediates-iran-us.txt", encoding="utf-8").read()
big = (text + "\n\n") * (20_000_000 // (len(text.encode()) + 2) + 1)
open(f"{w}/big.txt", "w", encoding="utf-8").write(big)
with open(f"{w}/tiny.jsonl", "w", encoding="utf-8") as f:
    for i in range(100_000):
        f.write(json.dumps({"id": str(i), "text": f"Talks on item {i} resumed in Geneva."}) + "\n")
PY
rows+=("$(measure "detente, one 20 MB document" "$bin" annotate -q "$work/big.txt" -o "$work/spans.csv")|$(wc -w < "$work/big.txt")")
rows+=("$(measure "detente, 100,000 one-line documents" "$bin" annotate -q "$work/tiny.jsonl" -o "$work/spans.csv")|$(( 100000 * 6 ))")

{
    echo "# Benchmark results"
    echo
    echo "Produced by \`bash benches/compare.sh\` (SCALES=\"$SCALES\") on $(date -u +%Y-%m-%d), $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB;"
    echo "each row one process, timed with \`/usr/bin/time\` (wall clock including start-up; peak RSS)."
    echo
    echo "| run | words | seconds | words/s | peak RSS (MB) | detente ÷ this |"
    echo "|---|---|---|---|---|---|"
    ref=""
    for r in "${rows[@]}"; do
        IFS='|' read -r label secs rss words <<< "$r"
        wps=$(python3 -c "print(round($words/$secs))")
        [ -z "$ref" ] && ref=$wps
        ratio=$(python3 -c "print(f'{$ref/$wps:.2f}')")
        echo "| $label | $words | $secs | $wps | $((rss / 1024)) | $ratio |"
    done
} > benches/RESULTS.md
cat benches/RESULTS.md
