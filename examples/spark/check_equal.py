#!/usr/bin/env python3
"""Check that a detente_spark.py output equals a single `detente annotate` run, cell for cell.

    check_equal.py --single single.csv --single-errors single_errors.csv --spark OUT [--format csv|parquet]

Span rows of both sides are sorted by (doc_id, sentence, sentence row first then
entities by start, end) and compared as lists of string tuples; error rows by
(doc_id, path, line, message, severity).  With --format csv every cell must be
the identical string.  With --format parquet (read back with Spark) the single
run's cells are converted the way detente_spark.py types them (long, double,
date, empty -> null) and compared as values.

It also reports whether the Spark part files, concatenated in name order,
give the single run's rows in the single run's order (they should: the
partitions are contiguous ranges of the corpus).  Exit status 0 when equal,
1 when not.
"""

import argparse
import csv
import datetime
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from detente_spark import ERROR_COLUMNS, SPAN_COLUMNS, SPAN_DOUBLE, SPAN_LONG  # noqa: E402


def read_csv_rows(path, header):
    with open(path, encoding="utf-8", newline="") as f:
        rows = [tuple(r) for r in csv.reader(f)]
    if rows and list(rows[0]) == header:
        rows = rows[1:]
    return rows


def read_spark_csv(folder, header):
    parts = sorted(glob.glob(os.path.join(folder, "part-*")))
    if not os.path.exists(os.path.join(folder, "_SUCCESS")):
        sys.exit("check_equal: %s has no _SUCCESS marker: the Spark job did not finish" % folder)
    rows = []
    for p in parts:
        rows.extend(read_csv_rows(p, header))
    return rows, len(parts)


def _int(cell):
    try:
        return (0, int(cell), "")
    except ValueError:
        return (1, 0, cell)


def span_key(row):
    return (row[0], _int(row[1]), 0 if row[2] == "sentence" else 1, _int(row[3]), _int(row[4]), row)


def error_key(row):
    return (row[1], row[2], _int(row[3]), row[4], row[0])


def typed_span(row):
    out = []
    for name, cell in zip(SPAN_COLUMNS, row):
        if name in SPAN_LONG:
            out.append(int(cell) if cell != "" else None)
        elif name in SPAN_DOUBLE:
            out.append(float(cell) if cell != "" else None)
        elif name == "date":
            out.append(datetime.date.fromisoformat(cell) if cell != "" else None)
        else:
            out.append(cell)
    return tuple(out)


def typed_error(row):
    return tuple(int(c) if (n == "line" and c != "") else (None if n == "line" else c)
                 for n, c in zip(ERROR_COLUMNS, row))


def read_spark_parquet(folder):
    from pyspark.sql import SparkSession
    spark = SparkSession.builder.master("local[2]").appName("check_equal") \
        .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    try:
        spans_df = spark.read.parquet(os.path.join(folder, "spans"))
        spans = [tuple(r) for r in spans_df.select(*SPAN_COLUMNS).collect()]
        errors = [tuple(r) for r in spark.read.parquet(os.path.join(folder, "errors")).select(*ERROR_COLUMNS).collect()]
        schema = spans_df.schema.simpleString()
    finally:
        spark.stop()
    return spans, errors, schema


def show_diff(name, a, b, limit=5):
    sa, sb = set(a), set(b)
    only_a = [r for r in a if r not in sb][:limit]
    only_b = [r for r in b if r not in sa][:limit]
    for r in only_a:
        print("  %s only in the single run:  %r" % (name, r))
    for r in only_b:
        print("  %s only in the Spark output: %r" % (name, r))
    if not only_a and not only_b:
        print("  %s: same rows, different multiplicities" % name)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--single", required=True, help="CSV of the single run (with or without header)")
    ap.add_argument("--single-errors", required=True, help="--errors CSV of the single run")
    ap.add_argument("--spark", required=True, help="output folder of detente_spark.py")
    ap.add_argument("--format", choices=("csv", "parquet"), default="csv")
    ap.add_argument("--label", default="spark", help="name for this comparison in the messages")
    args = ap.parse_args(argv)

    single = read_csv_rows(args.single, SPAN_COLUMNS)
    single_errors = read_csv_rows(args.single_errors, ERROR_COLUMNS)
    in_order = None
    if args.format == "csv":
        spark_spans, nparts = read_spark_csv(os.path.join(args.spark, "spans"), SPAN_COLUMNS)
        spark_errors, _ = read_spark_csv(os.path.join(args.spark, "errors"), ERROR_COLUMNS)
        in_order = spark_spans == single
        a_spans, b_spans = single, spark_spans
        a_err, b_err = single_errors, spark_errors
    else:
        b_spans, b_err, schema = read_spark_parquet(args.spark)
        print("%s: parquet schema %s" % (args.label, schema))
        a_spans = [typed_span(r) for r in single]
        a_err = [typed_error(r) for r in single_errors]
        nparts = len(glob.glob(os.path.join(args.spark, "spans", "part-*")))

    def skey(r):
        return (r[0], r[1] if r[1] is not None else -1, 0 if r[2] == "sentence" else 1, r[3], r[4], repr(r))

    if args.format == "csv":
        a_sorted, b_sorted = sorted(a_spans, key=span_key), sorted(b_spans, key=span_key)
        ea, eb = sorted(a_err, key=error_key), sorted(b_err, key=error_key)
    else:
        a_sorted, b_sorted = sorted(a_spans, key=skey), sorted(b_spans, key=skey)
        ek = lambda r: (r[1], r[2], r[3] if r[3] is not None else -1, r[4], r[0])  # noqa: E731
        ea, eb = sorted(a_err, key=ek), sorted(b_err, key=ek)

    spans_ok = a_sorted == b_sorted
    errors_ok = ea == eb
    docs = len({r[0] for r in a_spans})
    print("%s: spans  %s  single %d rows (%d documents), spark %d rows in %d part files%s"
          % (args.label, "EQUAL" if spans_ok else "DIFFERENT", len(a_spans), docs, len(b_spans), nparts,
             "" if in_order is None else ", part files in single-run order: %s" % ("yes" if in_order else "no")))
    if not spans_ok:
        show_diff("span", a_sorted, b_sorted)
    print("%s: errors %s  single %d rows, spark %d rows"
          % (args.label, "EQUAL" if errors_ok else "DIFFERENT", len(ea), len(eb)))
    if not errors_ok:
        show_diff("error", ea, eb)
    ok = spans_ok and errors_ok
    print("%s: %s" % (args.label, "PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
