#!/usr/bin/env bash
# Side-by-side throughput and memory of `detente annotate` against spaCy
# en_core_web_sm (NER only and full pipeline, n_process 1 and 2) and the
# HuggingFace token-classification pipeline, on the same machine in the same
# run, over a generated corpus (benches/make_corpus.py, 2,000 articles,
# ~1M words per scale unit). Writes benches/RESULTS.md.
#
#   bash benches/compare.sh              # scales 1, 4 and 16 (~30 min on 2 cores)
#   SCALES=1 bash benches/compare.sh     # scale 1 only (~15 min); SCALES must start with 1
#   PEERS=0 bash benches/compare.sh     # detente only
set -euo pipefail
cd "$(dirname "$0")/.."
SCALES=${SCALES:-1 4 16}
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
# Sentence splitting, reading and CSV alone (no model), for where the time goes.
rows+=("$(measure "detente annotate --no-model (read, split, CSV only), 1x" "$bin" annotate -q --no-model "$work/corpus-1.jsonl" -o "$work/spans.csv")|$(grep -o '[0-9]* words' "$work/corpus-1.txt" | cut -d' ' -f1)")
# One 20 MB document, 100,000 tiny documents, and the 1x corpus cut into
# one-line documents (each paragraph line its own document) on stdin: the
# same words as the 1x row, so the words/s compare directly.
python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
text = open("datasets/sample/01-turkey-mediates-iran-us.txt", encoding="utf-8").read()
big = (text + "\n\n") * (20_000_000 // (len(text.encode()) + 2) + 1)
open(f"{w}/big.txt", "w", encoding="utf-8").write(big)
with open(f"{w}/tiny.jsonl", "w", encoding="utf-8") as f:
    for i in range(100_000):
        f.write(json.dumps({"id": str(i), "text": f"Talks on item {i} resumed in Geneva."}) + "\n")
n = words = 0
with open(f"{w}/corpus-1.jsonl", encoding="utf-8") as src, open(f"{w}/lines.jsonl", "w", encoding="utf-8") as f:
    for doc in map(json.loads, src):
        for j, line in enumerate(l for l in doc["text"].split("\n") if l.strip()):
            f.write(json.dumps({"id": f"{doc['id']}/{j}", "text": line}) + "\n")
            n += 1
            words += len(line.split())
open(f"{w}/lines.txt", "w").write(f"{n} {words}\n")
PY
rows+=("$(measure "detente, one 20 MB document" "$bin" annotate -q "$work/big.txt" -o "$work/spans.csv")|$(wc -w < "$work/big.txt")")
rows+=("$(measure "detente, 100,000 one-line documents (6 words each)" "$bin" annotate -q "$work/tiny.jsonl" -o "$work/spans.csv")|$(( 100000 * 6 ))")
read -r nlines lwords < "$work/lines.txt"
rows+=("$(measure "detente, the 1x corpus as $nlines one-line documents on stdin" bash -c "exec $bin annotate -q - -o $work/spans.csv < $work/lines.jsonl")|$lwords")

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
    if command -v perf > /dev/null; then
        # Where the time goes: the share of CPU samples inside ONNX Runtime
        # (the encoder) against everything else (reading, splitting,
        # tokenising, decoding, CSV), over the 1x corpus.
        perf record -q -F 499 -o "$work/perf.data" "$bin" annotate -q "$work/corpus-1.jsonl" -o "$work/spans.csv" 2> /dev/null
        echo
        echo "CPU samples by library, 1x corpus (\`perf record\`, \`perf report --sort dso\`):"
        echo
        perf report -i "$work/perf.data" --sort dso --stdio 2> /dev/null | grep -E '^ +[0-9.]+%' | head -5 | sed 's/^ */- /'
    fi
} > benches/RESULTS.md
cat benches/RESULTS.md
