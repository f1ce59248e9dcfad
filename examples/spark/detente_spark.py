#!/usr/bin/env python3
"""Run `detente annotate` over a JSONL corpus with PySpark, one detente process per partition.

    detente_spark.py --input CORPUS.jsonl --output DIR [--format csv|parquet]
                     [--partitions N] [--detente PATH] [--model DIR] [--ort-lib FILE]
                     [--master local[2]]

The corpus is read as text lines, numbered, cut into N contiguous ranges of
lines, and each range (a Spark partition) is piped through ONE
`detente annotate - -q -j 1 --no-header --errors TMP` process, so the model is
loaded once per partition, not once per document.  A document's rows do not
depend on the other documents of a run, so the union of the partitions' rows
is the same as the rows of a single run over the whole corpus.

Output:

  DIR/spans   the span rows, columns as in detente's CSV (doc_id, sentence, kind,
              start, end, text, label, confidence, role, p_conciliatory,
              p_threatening, p_neutral, actor, date).  With --format csv every cell
              is the exact string detente wrote (all columns are strings), so the
              result compares cell for cell with a single run.  With --format
              parquet the columns are typed: sentence/start/end long,
              confidence/p_* double, date date (empty cells become null).
  DIR/errors  every input problem detente reported, columns severity, doc_id,
              path, line, message (line is a long in parquet).  `path` is the
              input as given to --input (or --source-name) and `line` the line
              number in the corpus, as a single `detente annotate CORPUS` would
              report them; a document without an id is named PATH:LINE, as in a
              single run.

Failures: detente exits 0 (all documents fine) or 1 (some documents skipped and
reported in --errors; the rows of the others are complete).  Any other exit
status (2 = fatal error, or death by a signal) raises in the task, so Spark
retries it (spark.task.maxFailures) and never keeps the partial rows of a
failed attempt.  A partition without any non-blank line does not start detente.

The module is importable: `annotate_lines` runs detente over an iterable of
(line_number, line) pairs without Spark, `annotate_rdd` builds the tagged RDD,
`run` does the whole job.
"""

import argparse
import array
import csv
import io
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

SPAN_COLUMNS = [
    "doc_id", "sentence", "kind", "start", "end", "text", "label", "confidence", "role",
    "p_conciliatory", "p_threatening", "p_neutral", "actor", "date",
]
ERROR_COLUMNS = ["severity", "doc_id", "path", "line", "message"]

SPAN_LONG = ("sentence", "start", "end")
SPAN_DOUBLE = ("confidence", "p_conciliatory", "p_threatening", "p_neutral")

# detente's name for documents read from standard input, and the warning it gives
# for a run that read no document (a partition holding only bad lines).
STDIN_NAME = "stdin"
NO_DOCUMENTS = "no documents were read from standard input"

KILL_ENV = "DETENTE_SPARK_KILL_ONCE"      # test hook, see _partition_function
KILL_MARKER_ENV = "DETENTE_SPARK_KILL_MARKER"


class DetenteFailed(RuntimeError):
    """detente died (exit status other than 0 or 1): the Spark task must fail and be retried."""


def _formula_escape(cell):
    # What detente does to every CSV cell unless --raw.
    if cell and cell[0] in "=+-@\t\r":
        return "'" + cell
    return cell


def _resolve(path, want_dir=False):
    """Find a file or folder given on the driver, on this executor.

    In local mode (or with the same path mounted everywhere) the path is used
    as is.  Otherwise it is looked up among the files shipped with
    spark-submit --files / --archives (SparkFiles root and the working folder).
    """
    if path is None:
        return None
    candidates = [path]
    if not os.path.isabs(path):
        candidates.append(os.path.join(os.getcwd(), path))
    try:
        from pyspark import SparkFiles
        root = SparkFiles.getRootDirectory()
        candidates.append(os.path.join(root, path))
        candidates.append(os.path.join(root, os.path.basename(path.rstrip("/"))))
    except Exception:  # not in a Spark task, or no SparkContext
        pass
    candidates.append(os.path.join(os.getcwd(), os.path.basename(path.rstrip("/"))))
    for c in candidates:
        if (os.path.isdir(c) if want_dir else os.path.isfile(c)):
            return os.path.abspath(c)  # detente runs in a scratch folder
    raise FileNotFoundError("%s not found on this executor (looked at %s); ship it with "
                            "spark-submit --files/--archives" % (path, ", ".join(candidates)))


def _executable(path, scratch):
    if os.access(path, os.X_OK):
        return path
    try:  # files fetched by SparkFiles may lose the executable bit
        os.chmod(path, os.stat(path).st_mode | 0o755)
        if os.access(path, os.X_OK):
            return path
    except OSError:
        pass
    copy = os.path.join(scratch, os.path.basename(path))
    shutil.copy2(path, copy)
    os.chmod(copy, 0o755)
    # libonnxruntime.so shipped next to the binary is found through --ort-lib or ORT_DYLIB_PATH
    return copy


def detente_command(cfg, binary, errors_path):
    threads = str(int(cfg.get("threads") or 1))
    cmd = [binary, "annotate", "-", "-q", "-j", threads, "--no-header", "--errors", errors_path]
    if cfg.get("model"):
        cmd += ["--model", _resolve(cfg["model"], want_dir=True)]
    if cfg.get("ort_lib"):
        cmd += ["--ort-lib", _resolve(cfg["ort_lib"])]
    if cfg.get("id_field"):
        cmd += ["--id-field", cfg["id_field"]]
    if cfg.get("raw"):
        cmd += ["--raw"]
    cmd += list(cfg.get("extra_args") or [])
    return cmd


def annotate_lines(items, cfg, kill_when=None, stats=None):
    """Pipe (line_number, line) pairs through one detente process.

    Yields ("span", 14 strings) for every CSV row detente writes, in its order,
    then ("error", 5 strings) for every problem it reported.  `cfg` is a dict:
    detente (binary), model, ort_lib, id_field, raw, extra_args, source_name.
    `kill_when(lines_fed, rows_read)` is a test hook: when it returns true the
    detente process is killed (SIGKILL), which must make this function raise.
    """
    it = iter(items)
    head = []
    for item in it:  # an empty or blank-only partition does not start detente
        head.append(item)
        if item[1].strip():
            break
    else:
        return
    source = cfg.get("source_name") or "-"
    id_field = cfg.get("id_field") or "id"
    raw = bool(cfg.get("raw"))

    scratch = tempfile.mkdtemp(prefix="detente-spark-")
    proc = None
    feeder = None
    try:
        binary = _executable(_resolve(cfg["detente"]), scratch)
        errors_path = os.path.join(scratch, "errors.csv")
        stderr_path = os.path.join(scratch, "stderr.txt")
        with open(stderr_path, "wb") as stderr_file:
            proc = subprocess.Popen(detente_command(cfg, binary, errors_path), stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=stderr_file, cwd=scratch)
        if stats is not None:
            stats["processes"] = stats.get("processes", 0) + 1

        line_numbers = array.array("q")  # stdin line k (1-based) -> corpus line number
        no_id = set()                    # stdin lines whose object has no id field
        feed_error = []

        def feed():
            out = proc.stdin
            try:
                for number, line in itertools.chain(head, it):
                    # Recorded before the write: detente can only name line k once it has it.
                    line_numbers.append(number)
                    if _lacks_id(line, id_field):
                        no_id.add(len(line_numbers))
                    out.write(line.encode("utf-8", "surrogatepass") + b"\n")
            except (BrokenPipeError, ConnectionResetError):
                pass  # detente stopped reading: its exit status tells why
            except BaseException as e:  # noqa: BLE001 - reported by the reading thread
                feed_error.append(e)
            finally:
                try:
                    out.close()
                except OSError:
                    pass

        feeder = threading.Thread(target=feed, name="detente-feeder", daemon=True)
        feeder.start()

        def rename(doc_id, escape):
            # A document without an id is called stdin:K by detente reading stdin; a
            # single run over the corpus file calls it PATH:LINE.
            if doc_id.startswith(STDIN_NAME + ":"):
                k = doc_id[len(STDIN_NAME) + 1:]
                if k.isdigit() and int(k) in no_id and int(k) <= len(line_numbers):
                    new = "%s:%d" % (source, line_numbers[int(k) - 1])
                    return _formula_escape(new) if escape else new
            return doc_id

        rows = 0
        reader = csv.reader(io.TextIOWrapper(proc.stdout, encoding="utf-8", newline=""))
        for row in reader:
            if len(row) != len(SPAN_COLUMNS):
                proc.kill()
                raise DetenteFailed("detente wrote a row with %d cells, expected %d: %r"
                                    % (len(row), len(SPAN_COLUMNS), row[:3]))
            row[0] = rename(row[0], not raw)
            yield ("span", tuple(row))
            rows += 1
            if kill_when is not None and kill_when(len(line_numbers), rows):
                kill_when = None
                proc.kill()
        feeder.join()
        status = proc.wait()
        if feed_error:
            raise DetenteFailed("feeding detente failed: %r" % (feed_error[0],))
        if status not in (0, 1):
            with open(stderr_path, "rb") as f:
                tail = f.read()[-4000:].decode("utf-8", "replace")
            how = "was killed by signal %d" % -status if status < 0 else "exited with status %d" % status
            raise DetenteFailed("detente %s after %d rows (%d lines fed); stderr: %s"
                                % (how, rows, len(line_numbers), tail.strip() or "(empty)"))

        problems = 0
        with open(errors_path, encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header != ERROR_COLUMNS:
                raise DetenteFailed("unexpected --errors header %r" % (header,))
            for row in reader:
                problems += 1
                severity, doc_id, path, line, message = row
                if path == "" and message.startswith(NO_DOCUMENTS):
                    continue  # this partition held no document; the whole corpus may have
                if path == "-":
                    path = source
                    if line.isdigit() and 0 < int(line) <= len(line_numbers):
                        line = str(line_numbers[int(line) - 1])
                yield ("error", (severity, rename(doc_id, False), path, line, message))
        if status == 1 and problems == 0:
            raise DetenteFailed("detente exited with status 1 but reported no problem")
        if stats is not None:
            stats["lines"] = stats.get("lines", 0) + len(line_numbers)
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        if feeder is not None:
            feeder.join(timeout=10)
        shutil.rmtree(scratch, ignore_errors=True)


def _lacks_id(line, id_field):
    """True when the line is a JSON object without the id field (detente then names it by its line)."""
    if not line.strip():
        return False
    if '"%s"' % id_field not in line and "\\u" not in line:
        return line.lstrip().startswith("{")  # cheap: the key cannot be there
    try:
        obj = json.loads(line)
    except ValueError:
        return False
    return isinstance(obj, dict) and id_field not in obj


def _partition_function(cfg, partition_sizes, accumulators):
    kill_once = bool(cfg.get("kill_once"))
    kill_marker = cfg.get("kill_marker")

    def run_partition(pairs):
        from pyspark import TaskContext
        ctx = TaskContext.get()
        kill_when = None
        if kill_once and ctx is not None and ctx.partitionId() == 1 and ctx.attemptNumber() == 0:
            half = max(1, partition_sizes[1] // 2)

            def kill_when(lines_fed, rows_read):
                if lines_fed >= half and rows_read > 0:
                    if kill_marker:
                        with open(kill_marker, "a") as f:
                            f.write("killed detente in partition 1, attempt 0, after %d lines fed "
                                    "and %d rows read\n" % (lines_fed, rows_read))
                    return True
                return False

        stats = {}
        start = time.time()
        items = ((index + 1, line) for index, line in pairs)
        for tagged in annotate_lines(items, cfg, kill_when=kill_when, stats=stats):
            yield tagged
        if accumulators is not None:
            accumulators["processes"].add(stats.get("processes", 0))
            accumulators["lines"].add(stats.get("lines", 0))
            accumulators["seconds"].add(time.time() - start)

    return run_partition


def annotate_rdd(sc, input_path, cfg, partitions, accumulators=None):
    """The tagged RDD of ("span", row) and ("error", row) for a JSONL file, in `partitions` contiguous ranges."""
    lines = sc.textFile(input_path)
    numbered = lines.zipWithIndex().map(lambda p: (p[1], p[0])).cache()
    total = numbered.count()
    n = max(1, partitions)

    def part(index):  # contiguous ranges of lines of (almost) equal size
        return index * n // total if total else 0

    sizes = [0] * n
    for i in range(n):  # sizes of the ranges, without touching the data
        lo = (i * total + n - 1) // n
        hi = ((i + 1) * total + n - 1) // n
        sizes[i] = hi - lo
    ranged = numbered.repartitionAndSortWithinPartitions(n, part)
    tagged = ranged.mapPartitions(_partition_function(cfg, sizes, accumulators), preservesPartitioning=False)
    return tagged, total, numbered


def _typed_spans(df):
    from pyspark.sql import functions as F

    def nonempty(c, cast):
        return F.when(F.col(c) == "", F.lit(None)).otherwise(cast(F.col(c)))

    cols = []
    for c in SPAN_COLUMNS:
        if c in SPAN_LONG:
            cols.append(nonempty(c, lambda x: x.cast("long")).alias(c))
        elif c in SPAN_DOUBLE:
            cols.append(nonempty(c, lambda x: x.cast("double")).alias(c))
        elif c == "date":
            cols.append(nonempty(c, lambda x: F.to_date(x, "yyyy-MM-dd")).alias(c))
        else:
            cols.append(F.col(c))
    return df.select(*cols)


def _typed_errors(df):
    from pyspark.sql import functions as F
    return df.withColumn("line", F.when(F.col("line") == "", F.lit(None)).otherwise(F.col("line").cast("long")))


CSV_OPTIONS = {
    # Exact strings out: RFC 4180 quoting ("" inside quotes), no trimming, empty cells empty.
    "header": "true", "quote": '"', "escape": '"', "ignoreLeadingWhiteSpace": "false",
    "ignoreTrailingWhiteSpace": "false", "emptyValue": "", "nullValue": "", "lineSep": "\n",
    "encoding": "UTF-8",
}


def run(spark, input_path, output, fmt="csv", partitions=2, cfg=None):
    """Annotate input_path into output/spans and output/errors; return a summary dict."""
    from pyspark import StorageLevel
    from pyspark.sql.types import StringType, StructField, StructType

    if fmt not in ("csv", "parquet"):
        raise ValueError("format must be csv or parquet")
    cfg = dict(cfg or {})
    cfg["source_name"] = cfg.get("source_name") or input_path  # --source-name's default: the input as given
    sc = spark.sparkContext
    acc = {"processes": sc.accumulator(0), "lines": sc.accumulator(0), "seconds": sc.accumulator(0.0)}
    started = time.time()
    tagged, total, numbered = annotate_rdd(sc, input_path, cfg, partitions, acc)
    tagged = tagged.persist(StorageLevel.MEMORY_AND_DISK)

    span_schema = StructType([StructField(c, StringType(), False) for c in SPAN_COLUMNS])
    error_schema = StructType([StructField(c, StringType(), False) for c in ERROR_COLUMNS])
    spans = spark.createDataFrame(tagged.filter(lambda t: t[0] == "span").map(lambda t: t[1]),
                                  span_schema, verifySchema=False)
    errors = spark.createDataFrame(tagged.filter(lambda t: t[0] == "error").map(lambda t: t[1]),
                                   error_schema, verifySchema=False)
    if fmt == "parquet":
        spans, errors = _typed_spans(spans), _typed_errors(errors)
        spans.write.mode("overwrite").parquet(os.path.join(output, "spans"))
        errors.coalesce(1).write.mode("overwrite").parquet(os.path.join(output, "errors"))
    else:
        spans.write.mode("overwrite").options(**CSV_OPTIONS).csv(os.path.join(output, "spans"))
        errors.coalesce(1).write.mode("overwrite").options(**CSV_OPTIONS).csv(os.path.join(output, "errors"))
    counts = dict(tagged.map(lambda t: (t[0], 1)).countByKey())
    tagged.unpersist()
    numbered.unpersist()
    return {
        "input": input_path, "output": output, "format": fmt, "partitions": partitions,
        "lines": total, "span_rows": counts.get("span", 0), "error_rows": counts.get("error", 0),
        "detente_processes": acc["processes"].value, "lines_fed": acc["lines"].value,
        "task_seconds": round(acc["seconds"].value, 2), "seconds": round(time.time() - started, 2),
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", required=True, help="JSONL corpus (fields id, text, optional date), any Hadoop path")
    ap.add_argument("--output", required=True, help="output folder: OUTPUT/spans and OUTPUT/errors are replaced")
    ap.add_argument("--format", choices=("csv", "parquet"), default="csv")
    ap.add_argument("--partitions", type=int, default=2, help="Spark partitions = detente processes (default 2)")
    ap.add_argument("--detente", default="detente",
                    help="the detente binary: a path on every executor, or the name of a file shipped with --files")
    ap.add_argument("--model", help="model folder (a path, or an --archives alias); default: the binary's own")
    ap.add_argument("--ort-lib", help="libonnxruntime.so (a path, or a file shipped with --files)")
    ap.add_argument("--threads", type=int, default=1,
                    help="detente -j per task (default 1; match it with --conf spark.task.cpus)")
    ap.add_argument("--id-field", help="JSONL field holding the document id (default id)")
    ap.add_argument("--raw", action="store_true", help="pass --raw to detente (no formula escaping)")
    ap.add_argument("--source-name", help="name of the input in errors and PATH:LINE ids (default: --input as given)")
    ap.add_argument("--master", help="Spark master, e.g. local[2] (default: as spark-submit sets it)")
    ap.add_argument("--detente-arg", action="append", default=[], metavar="ARG",
                    help="extra argument for detente annotate (repeatable), e.g. --detente-arg=--batch-size=64")
    args = ap.parse_args(argv)

    from pyspark.sql import SparkSession
    builder = SparkSession.builder.appName("detente-annotate").config("spark.ui.showConsoleProgress", "false")
    if args.master:
        builder = builder.master(args.master).config("spark.ui.enabled", "false")
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    cfg = {
        "detente": args.detente, "model": args.model, "ort_lib": args.ort_lib, "id_field": args.id_field,
        "raw": args.raw, "threads": args.threads, "extra_args": args.detente_arg, "source_name": args.source_name,
        "kill_once": os.environ.get(KILL_ENV) == "1", "kill_marker": os.environ.get(KILL_MARKER_ENV),
    }
    try:
        summary = run(spark, args.input, args.output, args.format, args.partitions, cfg)
    finally:
        spark.stop()
    print("detente_spark summary: " + json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
