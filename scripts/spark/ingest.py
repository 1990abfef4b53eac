#!/usr/bin/env python3
"""Transaction lines to a study's flows on Apache Spark: the same job as `nichegraph ingest`.

SPEC "From transaction lines to flows" defines it. The lines (a CSV file, a Parquet file or a
folder of them) are mapped to the study's participants by `inn` and products by `code`, and
summed per (supplier, supplier_name, consumer, product, year). The result is the same
hive-partitioned dataset, OUT/flows/year=<Y>/*.parquet (one file per year), and the same
OUT/ingest.json counts.

    spark-submit scripts/spark/ingest.py --study STUDY LINES [--out OUT]
    python scripts/spark/ingest.py --master 'local[2]' --study STUDY LINES

OUT defaults to STUDY. The study's participants.csv and products.csv are read on the driver
(they are small); the lines are read by the executors, so LINES and OUT may be any path
Spark reads and writes (hdfs://, s3a://, ...). ingest.json is written by the driver, to a
local OUT, or beside the dataset through Hadoop's file system otherwise.

CSV lines are read as UTF-8 with '.' as the decimal mark (`--delimiter` sets the separator);
convert Windows-1251 or decimal-comma exports first, or let `nichegraph ingest` read them.
Bad lines stop the job before anything is written: exit code 65 with the first 100 problems.
"""

import argparse
import csv
import io
import json
import os
import re
import shutil
import sys
import uuid

COLUMNS = [
    "seller_inn",
    "seller_name",
    "origin",
    "buyer_inn",
    "product_code",
    "date",
    "quantity",
    "value_rub",
]
REQUIRED = {"buyer_inn", "product_code", "date", "quantity", "value_rub"}
CATEGORIES = ["read", "used", "unmatched_buyer", "unmatched_product", "internal"]
INN = r"^([0-9]{10}|[0-9]{12})$"
ORIGIN = r"^[A-Za-z0-9_-]+$"
DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# What Rust's f64 parser reads, less NaN and infinities (SPEC: those are errors).
NUMBER = r"^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$"
# The study loader's bounds on every number.
MAX_MAGNITUDE, MIN_MAGNITUDE = 1e15, 1e-9
SPACES = "[ \u00a0\u202f]"
MAX_PROBLEMS = 100


def fail(code, lines):
    for line in lines:
        print(f"error: {line}", file=sys.stderr)
    sys.exit(code)


def read_table(path, key, shown):
    """Rows of a study CSV file as dicts (header trimmed), with their line numbers."""
    try:
        text = open(path, encoding="utf-8-sig").read()
    except (OSError, UnicodeDecodeError) as e:
        fail(1, [f"{shown}: cannot read the file: {e}"])
    first = text.splitlines()[0] if text else ""
    delim = max([",", ";", "\t"], key=lambda d: first.count(d))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    header, rows = None, []
    line = 1
    for rec in reader:
        here = line
        line = reader.line_num + 1
        cells = [c.strip() for c in rec]
        if not any(cells):
            continue
        if header is None:
            header = cells
            continue
        rows.append((here, dict(zip(header, cells))))
    if header is None or "id" not in header:
        fail(65, [f"{shown}: expected a header row with the column id"])
    return header, rows


def members(study):
    """inn -> participant id and code -> product id; a repeated inn or code is an error."""
    problems = []
    maps = []
    for name, key, normalise in [
        ("participants.csv", "inn", lambda s: s),
        ("products.csv", "code", lambda s: re.sub(SPACES, "", s)),
    ]:
        shown = os.path.join(study, name)
        header, rows = read_table(shown, key, shown)
        col = header.index(key) + 1 if key in header else None
        m, first = {}, {}
        for line, row in rows:
            k = normalise(row.get(key, "") or "")
            if not k:
                continue
            if k in m:
                problems.append(
                    f"{shown}:{line}:{col}: {key} {k!r}: repeated; {m[k]} on line {first[k]} has it already"
                )
            else:
                m[k], first[k] = row["id"], line
        maps.append(m)
    if problems:
        fail(65, problems)
    return maps


def spark_session(master):
    from pyspark.sql import SparkSession

    b = SparkSession.builder.appName("nichegraph-ingest")
    if master:
        b = b.master(master)
    # Invalid dates and numbers become null (and are reported) instead of failing a task.
    b = b.config("spark.sql.ansi.enabled", "false").config("spark.sql.session.timeZone", "UTC")
    b = b.config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
    return b.getOrCreate()


def is_parquet(path):
    return path.endswith(".parquet") or os.path.isdir(path)


def read_lines(spark, path, delimiter):
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    if is_parquet(path):
        df = spark.read.option("recursiveFileLookup", "true").parquet(path)
    else:
        df = (
            spark.read.option("header", "true")
            .option("sep", delimiter)
            .option("encoding", "UTF-8")
            .option("inferSchema", "false")
            .option("mode", "PERMISSIVE")
            .csv(path)
        )
    names = [c.strip().lstrip("\ufeff") for c in df.columns]
    problems = []
    for n in names:
        if n not in COLUMNS:
            problems.append(f"{path}: column {n!r}: unknown column; expected one of {', '.join(COLUMNS)}")
    for n in sorted(REQUIRED - set(names)):
        problems.append(f"{path}: the required column {n!r} is missing")
    if problems:
        fail(65, problems)
    df = df.toDF(*names)
    numeric = {f.name for f in df.schema.fields if isinstance(f.dataType, T.NumericType)}
    cols = []
    for c in COLUMNS:
        if c not in names:
            cols.append(F.lit(None).cast("string").alias(c))
        elif c in ("quantity", "value_rub") and c in numeric:
            cols.append(F.col(c).cast("double").alias(c + "_num"))
            cols.append(F.col(c).cast("string").alias(c))
        else:
            t = F.trim(F.col(c).cast("string"))
            cols.append(F.when(t == "", None).otherwise(t).alias(c))
    return df.select(*cols), numeric


def mapped(df, numeric, participants, products, spark):
    """Each line with its problem (or null), its category and its output key."""
    from pyspark.sql import functions as F

    def number(c):
        if c in numeric:
            return F.col(c + "_num")
        return F.when(F.col(c).rlike(NUMBER), F.col(c).cast("double"))

    def number_problem(c):
        v = number(c)
        return (
            F.when(F.col(c).isNull(), F.lit(f"{c}: the value is missing"))
            .when(v.isNull() | F.isnan(v), F.concat(F.lit(f"{c} "), F.col(c), F.lit(": not a number")))
            .when(F.abs(v) > MAX_MAGNITUDE, F.concat(F.lit(f"{c} "), F.col(c), F.lit(": too large")))
            .when((v != 0) & (F.abs(v) < MIN_MAGNITUDE), F.concat(F.lit(f"{c} "), F.col(c), F.lit(": too small")))
            .when(v < 0, F.concat(F.lit(f"{c} "), F.col(c), F.lit(": negative; expected a number >= 0")))
        )

    day = F.to_date(F.col("date"), "yyyy-MM-dd")
    checks = [
        F.when(
            F.col("seller_inn").isNotNull() & ~F.col("seller_inn").rlike(INN),
            F.concat(F.lit("seller_inn "), F.col("seller_inn"), F.lit(": not an INN")),
        ),
        F.when(F.col("buyer_inn").isNull(), F.lit("buyer_inn: the value is missing")).when(
            ~F.col("buyer_inn").rlike(INN),
            F.concat(F.lit("buyer_inn "), F.col("buyer_inn"), F.lit(": not an INN")),
        ),
        F.when(
            F.col("origin").isNotNull() & ~F.col("origin").rlike(ORIGIN),
            F.concat(F.lit("origin "), F.col("origin"), F.lit(": not a country of origin")),
        ),
        F.when(
            F.col("origin").isNull() & F.col("seller_inn").isNull(),
            F.lit("seller_inn: missing on a line without an origin"),
        ),
        F.when(F.col("product_code").isNull(), F.lit("product_code: the value is missing")),
        F.when(F.col("date").isNull(), F.lit("date: the value is missing")).when(
            ~F.col("date").rlike(DATE)
            | day.isNull()
            | (F.date_format(day, "yyyy-MM-dd") != F.col("date"))
            | (F.year(day) < 1),
            F.concat(F.lit("date "), F.col("date"), F.lit(": not a date")),
        ),
        number_problem("quantity"),
        number_problem("value_rub"),
    ]
    problem = F.concat_ws("; ", *checks)
    p = spark.createDataFrame(list(participants.items()) or [("", "")], "inn string, id string")
    pr = spark.createDataFrame(list(products.items()) or [("", "")], "code string, id string")
    df = (
        df.withColumn("problem", F.when(problem != "", problem))
        .withColumn("code", F.regexp_replace(F.col("product_code"), SPACES, ""))
        .join(F.broadcast(p.toDF("buyer_inn", "consumer_id")), "buyer_inn", "left")
        .join(F.broadcast(p.toDF("seller_inn", "seller_id")), "seller_inn", "left")
        .join(F.broadcast(pr.toDF("code", "product_id")), "code", "left")
    )
    category = (
        F.when(F.col("problem").isNotNull(), F.lit("error"))
        .when(F.col("consumer_id").isNull(), F.lit("unmatched_buyer"))
        .when(F.col("product_id").isNull(), F.lit("unmatched_product"))
        .when(F.col("origin").isNull() & (F.col("seller_id") == F.col("consumer_id")), F.lit("internal"))
        .otherwise(F.lit("used"))
    )
    supplier = (
        F.when(F.col("origin").isNotNull(), F.concat(F.lit("import:"), F.col("origin")))
        .when(F.col("seller_id").isNotNull(), F.col("seller_id"))
        .otherwise(F.lit("domestic"))
    )
    used = F.col("category") == "used"
    return df.withColumn("category", category).select(
        "category",
        "problem",
        F.when(used, supplier).alias("supplier"),
        F.when(used, F.col("seller_name")).alias("supplier_name"),
        # For unmatched lines the INN or code itself, for the list of the largest.
        F.when(used, F.col("consumer_id"))
        .when(F.col("category") == "unmatched_buyer", F.col("buyer_inn"))
        .alias("consumer"),
        F.when(used, F.col("product_id"))
        .when(F.col("category") == "unmatched_product", F.col("code"))
        .alias("product"),
        F.when(used, F.year(day)).alias("year"),
        number("quantity").alias("quantity"),
        number("value_rub").alias("value_rub"),
    )


def write_json(path, data):
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if "://" in path and not path.startswith("file://"):
        from pyspark import SparkContext

        sc = SparkContext.getOrCreate()
        jvm = sc._jvm
        p = jvm.org.apache.hadoop.fs.Path(path)
        fs = p.getFileSystem(sc._jsc.hadoopConfiguration())
        out = fs.create(p, True)
        out.write(bytearray(text.encode("utf-8")))
        out.close()
        return
    path = path.removeprefix("file://")
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("lines", help="transactions.csv, a .parquet file or a folder of Parquet files")
    ap.add_argument("--study", required=True, help="the study folder (participants.csv, products.csv)")
    ap.add_argument("--out", help="where flows/ and ingest.json go (default: the study folder)")
    ap.add_argument("--master", help="Spark master when not run by spark-submit, e.g. local[2]")
    ap.add_argument("--delimiter", default=",", help="CSV separator (default ',')")
    a = ap.parse_args()
    out = a.out or a.study
    participants, products = members(a.study)
    spark = spark_session(a.master)
    spark.sparkContext.setLogLevel("ERROR")
    from pyspark.sql import functions as F

    lines, numeric = read_lines(spark, a.lines, a.delimiter)
    m = mapped(lines, numeric, participants, products, spark)
    keys = ["category", "supplier", "supplier_name", "consumer", "product", "year"]
    agg = (
        m.groupBy(*keys)
        .agg(
            F.count(F.lit(1)).alias("count"),
            F.sum("quantity").alias("quantity"),
            F.sum("value_rub").alias("value_rub"),
        )
        .persist()
    )
    totals = {
        r["category"]: (r["count"], r["value_rub"] or 0.0)
        for r in agg.groupBy("category").agg(F.sum("count").alias("count"), F.sum("value_rub").alias("value_rub")).collect()
    }
    errors = totals.get("error", (0, 0))[0]
    if errors:
        shown = m.filter(F.col("category") == "error").select("problem").limit(MAX_PROBLEMS).collect()
        lines_out = [f"{a.lines}: {r['problem']}" for r in shown]
        if errors > len(shown):
            lines_out.append(f"and {errors - len(shown)} more line(s) with problems, not listed")
        lines_out.append(f"{errors} line(s) with problems; nothing was written")
        fail(65, lines_out)

    flows = agg.filter(F.col("category") == "used").select(
        "supplier", "supplier_name", "consumer", "product", "quantity", "value_rub", "year"
    )
    target = os.path.join(out, "flows")
    local = "://" not in out or out.startswith("file://")
    dest = f"{target}.tmp-{uuid.uuid4().hex}" if local else target
    (
        flows.repartition("year")
        .sortWithinPartitions("supplier", "supplier_name", "consumer", "product")
        .write.mode("overwrite")
        .partitionBy("year")
        .parquet(dest)
    )
    if local:
        # Replace an earlier dataset only once the new one is complete.
        old = f"{target}.old-{uuid.uuid4().hex}"
        if os.path.exists(target):
            os.rename(target, old)
        os.rename(dest, target)
        shutil.rmtree(old, ignore_errors=True)

    report = {}
    read_count = sum(v[0] for k, v in totals.items())
    read_value = sum(v[1] for k, v in totals.items())
    report["read"] = {"count": read_count, "value_rub": read_value}
    for c in CATEGORIES[1:]:
        n, v = totals.get(c, (0, 0.0))
        report[c] = {"count": n, "value_rub": v}
    write_json(os.path.join(out, "ingest.json"), report)

    print(f"read {read_count} lines; used {report['used']['count']}; -> {target}", file=sys.stderr)
    for c in CATEGORIES[2:]:
        print(f"  skipped as {c}: {report[c]['count']} lines, {report[c]['value_rub']:.2f} RUB", file=sys.stderr)
    for c, col, what in [("unmatched_buyer", "consumer", "buyer INNs"), ("unmatched_product", "product", "product codes")]:
        top = (
            agg.filter(F.col("category") == c)
            .orderBy(F.col("value_rub").desc(), F.col(col))
            .limit(10)
            .collect()
        )
        if top:
            print(f"  largest unmatched {what}:", file=sys.stderr)
            for r in top:
                print(f"    {r[col]}  {r['value_rub']:.2f} RUB ({r['count']} lines)", file=sys.stderr)
    spark.stop()


if __name__ == "__main__":
    main()
