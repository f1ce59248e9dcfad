# Sourced by run_local.sh and bench.sh: paths, timing helpers, the PySpark
# virtual environment, and a snapshot of the binary (with the ONNX Runtime
# library it loads from its own folder) and of the model in work/, so that a
# rebuild or a new model during a run cannot mix versions. Leaves the shell in
# work/ with HERE, REPO, DOCS, PY, BIN and MODEL (the snapshot) set, and
# spark_job to run detente_spark.py with them.
# Environment: DETENTE (default target/release/detente), MODEL (default
# models/detente), DOCS (default 5000), PYTHON (to make the venv, default python3).

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
DETENTE=${DETENTE:-$REPO/target/release/detente}
MODEL=${MODEL:-$REPO/models/detente}
DOCS=${DOCS:-5000}
VENV=$HERE/.venv
WORK=$HERE/work

die() { echo "$(basename "$0" .sh): $*" >&2; exit 2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
spark_job() {  # spark_job LOG ARGS...: runs detente_spark.py, prints its summary line
    local log=$1; shift
    "$PY" "$HERE/detente_spark.py" --detente "$BIN" --model "$MODEL" "$@" >"$log" 2>&1
    local rc=$?
    grep -o 'detente_spark summary: .*' "$log"
    if [ $rc -ne 0 ]; then echo "detente_spark.py failed (exit $rc), last lines of $log:"; tail -30 "$log"; fi
    return $rc
}

[ -x "$DETENTE" ] || die "no detente binary at $DETENTE (cargo build --release, or set DETENTE)"
"$DETENTE" annotate --help | grep -q -- --no-header || die "$DETENTE has no --no-header: rebuild it"
[ -d "$MODEL" ] || die "no model folder at $MODEL (set MODEL)"

if ! "$VENV/bin/python" -c 'import pyspark' 2>/dev/null; then
    echo "== creating $VENV"
    "${PYTHON:-python3}" -m venv "$VENV" || die "cannot create the venv"
    "$VENV/bin/pip" install -q -r "$HERE/requirements.txt" || die "pip install failed"
fi
PY=$VENV/bin/python
export PYSPARK_PYTHON=$PY PYSPARK_DRIVER_PYTHON=$PY
command -v java >/dev/null || die "Spark needs Java 17 or 21 on PATH"

mkdir -p "$WORK"
cd "$WORK" || die "no $WORK"
rm -rf bin && mkdir bin
cp "$DETENTE" bin/detente || die "cannot copy $DETENTE"
cp "$(dirname "$DETENTE")"/libonnxruntime.so* bin/ 2>/dev/null || true
BIN=$WORK/bin/detente
rm -rf model && cp -r "$MODEL" model || die "cannot copy $MODEL"
echo "== detente: $("$BIN" --version 2>/dev/null || echo '?') from $DETENTE; model $MODEL ($(sha256sum model/model.onnx | cut -c1-12))"
MODEL=$WORK/model
