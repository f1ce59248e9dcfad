#!/usr/bin/env bash
# End-to-end test of the Spark recipe in local mode: the Spark output must equal
# a single `detente annotate` run cell for cell, also when a task is killed and
# retried.  Prints PASS/FAIL with row counts and timings; exits 1 on failure.
#
#   examples/spark/run_local.sh            # 5,000 documents
#   DOCS=20000 examples/spark/run_local.sh
#
# Environment: DETENTE (binary, default target/release/detente), MODEL (default
# models/detente), DOCS (default 5000), PARTITIONS (default 4), PYTHON (to make
# the venv, default python3).  Work files go to examples/spark/work/.
set -uo pipefail

PARTITIONS=${PARTITIONS:-4}
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
echo "== pyspark $("$PY" -c 'import pyspark; print(pyspark.__version__)'), $(java -version 2>&1 | head -1)"

declare -a SUMMARY
FAILED=0
record() { SUMMARY+=("$1"); }
check() {  # check LABEL SINGLE SINGLE_ERRORS SPARK_OUT FORMAT
    local out
    out=$("$PY" "$HERE/check_equal.py" --label "$1" --single "$2" --single-errors "$3" --spark "$4" --format "$5" 2>&1)
    local rc=$?
    echo "$out" | grep -v -e '^WARNING' -e log4j -e 'WARN ' -e 'setLogLevel' -e '^Setting default'
    local line
    line=$(echo "$out" | grep -F -m1 "$1: spans")
    line=${line#"$1: spans"}
    if [ $rc -eq 0 ]; then record "PASS  $1: spans${line}; $(echo "$out" | grep -F -m1 "$1: errors" | sed 's/.*errors */errors /')"
    else record "FAIL  $1 (see above)"; FAILED=1; fi
}
spark_checked() {  # spark_checked FORMAT PARTITIONS: corpus.jsonl in local[2] to out_FORMAT, checked against the single run
    local fmt=$1 parts=$2 t rc secs
    echo "== spark local[2], $parts partitions, $fmt"
    t=$(now)
    spark_job "spark_$fmt.log" --input corpus.jsonl --output "out_$fmt" --format "$fmt" --partitions "$parts" --master 'local[2]'
    rc=$?
    secs=$(since "$t")
    if [ $rc -eq 0 ]; then check "local[2] $fmt" single.csv single_errors.csv "out_$fmt" "$fmt"
    else record "FAIL  local[2] $fmt: the job failed"; FAILED=1; fi
    record "time  spark local[2], $parts partitions, $fmt: ${secs}s"
}

# 2. The corpus.
echo "== corpus: $DOCS documents"
"$PY" "$HERE/make_corpus.py" --docs "$DOCS" -o corpus.jsonl 2>corpus.log || die "make_corpus failed"
tail -1 corpus.log
BAD_LINES=$(grep -c '^make_corpus: line' corpus.log)

# 3. The single run (the reference).
echo "== single run: detente annotate corpus.jsonl -q -j 1 --no-header"
t=$(now)
"$BIN" annotate corpus.jsonl -q -j 1 --no-header --model "$MODEL" -o single.csv --errors single_errors.csv
rc=$?
T_SINGLE=$(since "$t")
[ $rc -eq 0 ] || [ $rc -eq 1 ] || die "single run failed with exit status $rc"
[ $rc -eq 1 ] || { [ "$BAD_LINES" -eq 0 ] || die "single run exited 0, but the corpus has bad lines"; }
echo "single run: exit $rc in ${T_SINGLE}s, $(($(wc -l <single_errors.csv) - 1)) problems reported"
record "time  single run (1 process, -j 1): ${T_SINGLE}s"

# 4. Spark, local[2], CSV.
spark_checked csv "$PARTITIONS"

# 5. A killed task: partition 1's first attempt kills its detente midway and fails;
#    local[2,4] allows 4 attempts per task, so Spark retries it.
echo "== spark local[2,4], 3 partitions, csv, partition 1 killed once"
rm -f kill_marker.txt
t=$(now)
DETENTE_SPARK_KILL_ONCE=1 DETENTE_SPARK_KILL_MARKER=$WORK/kill_marker.txt \
    spark_job spark_kill.log --input corpus.jsonl --output out_kill --format csv --partitions 3 --master 'local[2,4]'
rc=$?
T_KILL=$(since "$t")
if [ $rc -ne 0 ]; then record "FAIL  killed task: the job failed"; FAILED=1
elif [ ! -s kill_marker.txt ]; then record "FAIL  killed task: the kill hook never fired"; FAILED=1
else
    cat kill_marker.txt
    grep -m1 'Lost task 1.0' spark_kill.log | cut -c1-220
    grep -m1 'DetenteFailed:' spark_kill.log | cut -c1-220
    check "killed+retried csv" single.csv single_errors.csv out_kill csv
fi
record "time  spark local[2,4], 3 partitions, one task killed and retried: ${T_KILL}s"

# 6. Parquet: typed columns, compared as values.
spark_checked parquet 2

# 7. Edge cases: more partitions than lines, so that some partitions are empty and
#    others hold only a blank or a bad line.  Empty and blank-only partitions must
#    not start detente; the others start exactly one process each.
echo "== edge cases: tiny corpus, one line per partition, empty partitions"
"$PY" "$HERE/make_corpus.py" --docs 11 -o tiny.jsonl 2>/dev/null
TINY_LINES=$(wc -l <tiny.jsonl)
TINY_NONBLANK=$(grep -c '[^[:space:]]' tiny.jsonl)
"$BIN" annotate tiny.jsonl -q -j 1 --no-header --model "$MODEL" -o tiny_single.csv --errors tiny_errors.csv
summary=$(spark_job spark_tiny.log --input tiny.jsonl --output out_tiny --format csv --partitions $((TINY_LINES + 3)) --master 'local[2]')
rc=$?
echo "$summary"
procs=$(echo "$summary" | sed -n 's/.*"detente_processes": \([0-9]*\).*/\1/p')
if [ $rc -ne 0 ]; then record "FAIL  edge cases: the job failed"; FAILED=1
elif [ "$procs" != "$TINY_NONBLANK" ]; then
    record "FAIL  edge cases: $procs detente processes for $TINY_NONBLANK non-blank lines"; FAILED=1
else
    record "PASS  edge cases: $((TINY_LINES + 3)) partitions for $TINY_LINES lines, $procs detente processes (one per non-blank line, none for empty/blank partitions)"
    check "edge cases csv" tiny_single.csv tiny_errors.csv out_tiny csv
fi

echo
echo "================ run_local summary ================"
printf '%s\n' "${SUMMARY[@]}"
if [ $FAILED -eq 0 ]; then echo "RESULT: PASS"; else echo "RESULT: FAIL"; fi
exit $FAILED
