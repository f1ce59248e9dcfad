#!/usr/bin/env bash
# Throughput of the Spark recipe in local mode, against single detente processes,
# on the same corpus.  Prints documents, words, seconds and words/s for each.
#
#   examples/spark/bench.sh
#
# Environment: DETENTE (default target/release/detente), MODEL (default
# models/detente), DOCS (default 5000; the corpus is work/corpus.jsonl, made
# with make_corpus.py when missing or of another size).
# "job s" is the Spark job itself (read, annotate, write); "wall s" adds the
# start and stop of the JVM and of the Spark session (about 5-10 s).
set -uo pipefail

# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [ ! -s corpus.jsonl ] || [ "$(cat corpus.docs 2>/dev/null)" != "$DOCS" ]; then
    "$PY" "$HERE/make_corpus.py" --docs "$DOCS" -o corpus.jsonl 2>/dev/null || die "make_corpus failed"
    echo "$DOCS" >corpus.docs
fi
read -r NDOCS NWORDS NCHARS < <("$PY" - <<'EOF'
import json
docs = words = chars = 0
for line in open("corpus.jsonl", encoding="utf-8"):
    try:
        obj = json.loads(line)
    except ValueError:
        continue
    if isinstance(obj, dict) and obj.get("id", 0) is not None and isinstance(obj.get("text"), str) and obj["text"].strip():
        docs += 1; words += len(obj["text"].split()); chars += len(obj["text"])
print(docs, words, chars)
EOF
)
echo "corpus: $NDOCS documents, $NWORDS words, $NCHARS characters ($(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg))"

ROWS=()
row() {  # row NAME SECONDS [JOB_SECONDS]
    local wps
    wps=$(awk -v w="$NWORDS" -v s="${3:-$2}" 'BEGIN { printf "%.0f", w / s }')
    ROWS+=("$(printf '%-48s %6s %8s %8s %8s %9s' "$1" "$NDOCS" "$NWORDS" "$2" "${3:--}" "$wps")")
}

for j in 1 2; do
    echo "== single process, detente annotate -j $j"
    t=$(now)
    "$BIN" annotate corpus.jsonl -q -j "$j" --no-header --model "$MODEL" -o bench_single.csv --errors bench_single_errors.csv
    rc=$?
    [ $rc -le 1 ] || die "single run failed ($rc)"
    row "single process, -j $j" "$(since "$t")"
done

spark() {  # spark MASTER PARTITIONS
    echo "== spark $1, $2 partitions"
    local t s summary job
    t=$(now)
    summary=$(spark_job bench_spark.log --input corpus.jsonl --output bench_out --format csv --partitions "$2" --master "$1") \
        || { echo "$summary"; die "spark job failed"; }
    s=$(since "$t")
    job=$(echo "$summary" | sed 's/.*"seconds": \([0-9.]*\).*/\1/')
    row "spark $1, $2 partition(s), 1 detente each" "$s" "$job"
}
spark 'local[1]' 1
spark 'local[2]' 2
spark 'local[2]' 4

echo
printf '%-48s %6s %8s %8s %8s %9s\n' "run" "docs" "words" "wall s" "job s" "words/s"
printf '%s\n' "${ROWS[@]}"
echo "(words/s uses the job seconds for Spark runs, the wall seconds otherwise)"
