#!/usr/bin/env python3
"""Reference for `nichegraph ingest` in Python polars: the same mapping and aggregation of
transaction lines, as an analyst would write it with polars' streaming engine.

Reads transactions.csv (UTF-8, ',' separator, decimal point, as `nichegraph generate
--transactions` writes it) or Parquet, maps buyers and sellers by participants' `inn` and
lines by products' `code` (spaces removed), sums per (supplier, supplier_name, consumer,
product, year), and writes OUT/flows/year=<Y>/part-0.parquet and OUT/ingest.json. No
validation of the lines (a bad value becomes null) and no positions: it is the lower bound
for the same work, for scripts/scale to time nichegraph against (the issue's target: within
1.5x of this).

    python benches/reference_ingest.py LINES STUDY OUT
"""
import json
import os
import sys
import time

import polars as pl

SPACES = "[ \u00a0\u202f]"


def main(lines, study, out):
    start = time.perf_counter()
    parts = pl.read_csv(os.path.join(study, "participants.csv"), infer_schema_length=0)
    prods = pl.read_csv(os.path.join(study, "products.csv"), infer_schema_length=0)
    inn = parts.select(pl.col("inn").str.strip_chars().alias("key"), pl.col("id")).filter(
        pl.col("key").is_not_null() & (pl.col("key") != "")
    )
    code = prods.select(
        pl.col("code").str.replace_all(SPACES, "").alias("key"), pl.col("id")
    ).filter(pl.col("key").is_not_null() & (pl.col("key") != ""))

    if lines.endswith(".parquet") or os.path.isdir(lines):
        src = pl.scan_parquet(lines if not os.path.isdir(lines) else os.path.join(lines, "**", "*.parquet"))
    else:
        src = pl.scan_csv(lines, infer_schema_length=0)
    t = src.with_columns(
        pl.col("quantity").cast(pl.Float64),
        pl.col("value_rub").cast(pl.Float64),
        pl.col("product_code").str.replace_all(SPACES, "").alias("code"),
        pl.col("date").str.slice(0, 4).cast(pl.Int32).alias("year"),
    )
    t = (
        t.join(inn.lazy().rename({"key": "buyer_inn", "id": "consumer"}), on="buyer_inn", how="left")
        .join(inn.lazy().rename({"key": "seller_inn", "id": "seller"}), on="seller_inn", how="left")
        .join(code.lazy().rename({"key": "code", "id": "product"}), on="code", how="left")
    )
    has_origin = pl.col("origin").is_not_null() & (pl.col("origin") != "")
    category = (
        pl.when(pl.col("consumer").is_null())
        .then(pl.lit("unmatched_buyer"))
        .when(pl.col("product").is_null())
        .then(pl.lit("unmatched_product"))
        .when(~has_origin & (pl.col("seller") == pl.col("consumer")))
        .then(pl.lit("internal"))
        .otherwise(pl.lit("used"))
    )
    supplier = (
        pl.when(has_origin)
        .then(pl.lit("import:") + pl.col("origin"))
        .when(pl.col("seller").is_not_null())
        .then(pl.col("seller"))
        .otherwise(pl.lit("domestic"))
    )
    used = pl.col("category") == "used"
    agg = (
        t.with_columns(category.alias("category"))
        .select(
            "category",
            pl.when(used).then(supplier).alias("supplier"),
            pl.when(used).then(pl.col("seller_name")).alias("supplier_name"),
            pl.when(used).then(pl.col("consumer")).alias("consumer"),
            pl.when(used).then(pl.col("product")).alias("product"),
            pl.when(used).then(pl.col("year")).alias("year"),
            "quantity",
            "value_rub",
        )
        .group_by(["category", "supplier", "supplier_name", "consumer", "product", "year"])
        .agg(pl.len().alias("count"), pl.col("quantity").sum(), pl.col("value_rub").sum())
        .collect(engine="streaming")
    )
    flows = agg.filter(pl.col("category") == "used").sort(
        ["year", "supplier", "supplier_name", "consumer", "product"], nulls_last=False
    )
    for (year,), part in flows.group_by(["year"], maintain_order=True):
        d = os.path.join(out, "flows", f"year={year}")
        os.makedirs(d, exist_ok=True)
        part.select("supplier", "supplier_name", "consumer", "product", "quantity", "value_rub").write_parquet(
            os.path.join(d, "part-0.parquet")
        )
    cats = agg.group_by("category").agg(pl.col("count").sum(), pl.col("value_rub").sum())
    got = {r["category"]: r for r in cats.iter_rows(named=True)}
    report = {
        "read": {"count": int(cats["count"].sum()), "value_rub": float(cats["value_rub"].sum())}
    }
    for c in ["used", "unmatched_buyer", "unmatched_product", "internal"]:
        r = got.get(c, {"count": 0, "value_rub": 0.0})
        report[c] = {"count": int(r["count"]), "value_rub": float(r["value_rub"])}
    with open(os.path.join(out, "ingest.json"), "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    print(f"reference_ingest: {report['read']['count']} lines in {time.perf_counter() - start:.2f} s", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(*sys.argv[1:])
