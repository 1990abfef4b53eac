#!/usr/bin/env python3
"""Checks that two ingest outputs agree: the flows datasets (DIR/flows/year=*/*.parquet) row
for row after sorting, with quantity and value_rub equal to 1e-9 relative, and the counts of
ingest.json equal (its value_rub to 1e-9 relative).

    python scripts/spark/compare.py A B                  # A, B: study folders (or OUT folders)
    python scripts/spark/compare.py --to-csv A B/flows.csv  # A's dataset as flows.csv

--to-csv writes a dataset as flows.csv (year included), for a loader that reads flows.csv.
Exit 0 when equal, 1 with the differences listed otherwise.
"""

import json
import math
import os
import sys

import polars as pl

KEYS = ["year", "supplier", "supplier_name", "consumer", "product"]
REL = 1e-9


def dataset(folder):
    files = os.path.join(folder, "flows", "**", "*.parquet")
    df = pl.scan_parquet(files, hive_partitioning=True).collect()
    return df.with_columns(
        pl.col("year").cast(pl.Int64),
        # Absent names are null in both writers; an empty text would be the same thing.
        pl.col("supplier_name").fill_null(""),
        pl.col("quantity").cast(pl.Float64),
        pl.col("value_rub").cast(pl.Float64),
    ).sort(KEYS)


def close(a, b):
    return a == b or abs(a - b) <= REL * max(abs(a), abs(b))


def to_csv(folder, path):
    df = dataset(folder).select(
        "supplier", "supplier_name", "consumer", "product", "quantity", "value_rub", "year"
    )
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("supplier,supplier_name,consumer,product,quantity,value_rub,year\n")
        for r in df.iter_rows():
            cells = [str(c) if not isinstance(c, float) else repr(c) for c in r]
            f.write(",".join(cells) + "\n")
    print(f"compare: {df.height} flows -> {path}")


def main():
    args = sys.argv[1:]
    if args[:1] == ["--to-csv"] and len(args) == 3:
        to_csv(args[1], args[2])
        return 0
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    a_dir, b_dir = args
    a, b = dataset(a_dir), dataset(b_dir)
    problems = []
    if a.height != b.height:
        problems.append(f"{a.height} flows in {a_dir} but {b.height} in {b_dir}")
    worst = 0.0
    for i, (ra, rb) in enumerate(zip(a.iter_rows(named=True), b.iter_rows(named=True))):
        ka, kb = [ra[k] for k in KEYS], [rb[k] for k in KEYS]
        if ka != kb:
            problems.append(f"row {i + 1}: key {ka} in {a_dir} but {kb} in {b_dir}")
        for c in ["quantity", "value_rub"]:
            x, y = ra[c], rb[c]
            if not close(x, y):
                problems.append(f"row {i + 1} {ka}: {c} {x!r} in {a_dir} but {y!r} in {b_dir}")
            elif x != y:
                worst = max(worst, abs(x - y) / max(abs(x), abs(y)))
        if len(problems) > 20:
            break
    ja = json.load(open(os.path.join(a_dir, "ingest.json")))
    jb = json.load(open(os.path.join(b_dir, "ingest.json")))
    for cat in ["read", "used", "unmatched_buyer", "unmatched_product", "internal"]:
        ca, cb = ja.get(cat, {}), jb.get(cat, {})
        if ca.get("count") != cb.get("count"):
            problems.append(f"ingest.json {cat}: count {ca.get('count')} vs {cb.get('count')}")
        va, vb = ca.get("value_rub"), cb.get("value_rub")
        if va is None or vb is None or not close(float(va), float(vb)):
            problems.append(f"ingest.json {cat}: value_rub {va} vs {vb}")
    if set(ja) != set(jb):
        problems.append(f"ingest.json keys differ: {sorted(ja)} vs {sorted(jb)}")
    for p in problems:
        print(f"compare: {p}", file=sys.stderr)
    if problems:
        return 1
    counts = ", ".join(f"{k} {ja[k]['count']}" for k in ja)
    print(f"compare: {a.height} flows equal (largest relative difference {worst:.3g}); counts equal: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
