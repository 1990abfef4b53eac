#!/usr/bin/env python3
"""Reference pipeline in Python polars: what an analyst would write to get needs and niches.

Computes the SPEC's needs (demand, sources and shares, average price, cost premium, spec gaps,
flags, niche, addressable demand, investment, key consumers and regions) and ranks the niches,
from the same study folder nichegraph reads (flows.csv, flows.parquet or a flows/ dataset, UTF-8, ',' separator,
decimal point, as `nichegraph generate` writes). No graph reach, import content, compliance or
reports. Writes needs.csv and niches.csv to OUT. Used by scripts/scale to time nichegraph side
by side and to check that both give the same figures.

    python benches/reference_polars.py STUDY OUT
"""
import os
import sys
import tomllib

import polars as pl


def main(study, out):
    with open(os.path.join(study, "study.toml"), "rb") as f:
        cfg = tomllib.load(f)
    crit = {"import_share_min": 0.7, "cost_premium_min": 0.2, "min_demand_rub": 0.0}
    crit.update(cfg.get("criteria", {}))
    intensity = cfg.get("investment", {}).get("capital_intensity", 1.0)

    parts = pl.scan_csv(os.path.join(study, "participants.csv"), schema_overrides={"id": pl.Utf8})
    products = pl.read_csv(
        os.path.join(study, "products.csv"),
        schema_overrides={"id": pl.Utf8, "benchmark_price_rub": pl.Float64, "capex_rub_per_unit": pl.Float64, "min_capacity": pl.Float64},
    )
    pq = os.path.join(study, "flows.parquet")
    ds = os.path.join(study, "flows")
    if os.path.isdir(ds):
        # A hive-partitioned dataset, flows/year=<Y>/*.parquet.
        flows = pl.scan_parquet(os.path.join(ds, "**", "*.parquet"), hive_partitioning=True)
    elif os.path.exists(pq):
        flows = pl.scan_parquet(pq)
    else:
        flows = pl.scan_csv(os.path.join(study, "flows.csv"), schema_overrides={"supplier_name": pl.Utf8})
    if "year" in flows.collect_schema().names():
        year = cfg.get("year")
        if year is None:
            year = flows.select(pl.col("year").max()).collect().item()
        flows = flows.filter(pl.col("year") == year)

    kind = (
        pl.when(pl.col("supplier").str.starts_with("import:")).then(pl.lit("import"))
        .when(pl.col("supplier") == "domestic").then(pl.lit("domestic"))
        .otherwise(pl.lit("cluster"))
    )
    flows = flows.with_columns(kind.alias("kind"))
    needs = flows.group_by("product").agg(
        pl.col("quantity").sum().alias("demand_qty"),
        pl.col("value_rub").sum().alias("demand_rub"),
        pl.col("value_rub").filter(pl.col("kind") == "import").sum().alias("import_rub"),
        pl.col("value_rub").filter(pl.col("kind") == "cluster").sum().alias("cluster_rub"),
        pl.col("value_rub").filter(pl.col("kind") == "domestic").sum().alias("domestic_rub"),
    )
    by_consumer = flows.group_by(["product", "consumer"]).agg(pl.col("value_rub").sum().alias("v"))
    demand = by_consumer.group_by("product").agg(pl.col("v").sum().alias("d"))
    key = (
        by_consumer.join(demand, on="product")
        .sort(["product", "v", "consumer"], descending=[False, True, False])
        .with_columns(
            (pl.col("v").cum_sum().over("product") - pl.col("v")).alias("before"),
            pl.int_range(pl.len()).over("product").alias("k"),
        )
        .filter((pl.col("before") < 0.8 * pl.col("d")) & (pl.col("k") < 5))
        .join(parts.select(pl.col("id").alias("consumer"), "region"), on="consumer")
        .sort(["product", "k"])
        .group_by("product", maintain_order=True)
        .agg(pl.col("consumer").alias("key_consumers"), pl.col("region").unique(maintain_order=True).alias("regions"))
    )

    specs_path = os.path.join(study, "specs.csv")
    if os.path.exists(specs_path):
        specs = pl.scan_csv(
            specs_path,
            schema_overrides={"product": pl.Utf8, "required_min": pl.Float64, "required_max": pl.Float64, "available": pl.Float64},
        )
        gap = (
            pl.col("available").is_null()
            | (pl.col("required_min").is_not_null() & (pl.col("available") < pl.col("required_min")))
            | (pl.col("required_max").is_not_null() & (pl.col("available") > pl.col("required_max")))
        )
        gaps = specs.group_by("product").agg(gap.any().alias("spec_gap"))
    else:
        gaps = pl.LazyFrame({"product": [], "spec_gap": []}, schema={"product": pl.Utf8, "spec_gap": pl.Boolean})

    d = pl.col("demand_rub")
    share = lambda c: pl.when(d > 0).then(pl.col(c) / d).otherwise(0.0)
    needs = (
        needs.join(products.lazy().rename({"id": "product"}), on="product")
        .join(gaps, on="product", how="left")
        .join(key, on="product", how="left")
        .with_columns(
            share("import_rub").alias("import_share"),
            share("cluster_rub").alias("cluster_share"),
            share("domestic_rub").alias("domestic_share"),
            pl.when(pl.col("demand_qty") != 0).then(d / pl.col("demand_qty")).alias("avg_price_rub"),
            pl.col("spec_gap").fill_null(False),
        )
        .with_columns((pl.col("avg_price_rub") / pl.col("benchmark_price_rub") - 1).alias("cost_premium"))
        .with_columns(
            (pl.col("import_share") > crit["import_share_min"]).alias("f_import"),
            (pl.col("cost_premium") > crit["cost_premium_min"]).fill_null(False).alias("f_cost"),
            pl.col("spec_gap").alias("f_spec"),
        )
        .with_columns(
            pl.concat_str(
                [
                    pl.when(pl.col("f_import")).then(pl.lit("import")),
                    pl.when(pl.col("f_cost")).then(pl.lit("cost")),
                    pl.when(pl.col("f_spec")).then(pl.lit("spec")),
                ],
                separator="|",
                ignore_nulls=True,
            ).alias("flags"),
            ((pl.col("f_import") | pl.col("f_cost") | pl.col("f_spec")) & (d >= crit["min_demand_rub"])).alias("is_niche"),
            pl.when(pl.col("f_cost") | pl.col("f_spec")).then(d).otherwise(pl.col("import_rub")).alias("addressable_rub"),
        )
        .with_columns(
            pl.when(d == 0).then(0.0).otherwise(pl.col("demand_qty") * pl.col("addressable_rub") / d).alias("addressable_qty")
        )
        .with_columns(
            pl.when(pl.col("capex_rub_per_unit").is_not_null())
            .then(pl.col("capex_rub_per_unit") * pl.max_horizontal(pl.col("addressable_qty"), pl.col("min_capacity").fill_null(0.0)))
            .otherwise(intensity * pl.col("addressable_rub"))
            .alias("investment_rub")
        )
        .sort("product")
        .collect()
    )
    niches = (
        needs.filter(pl.col("is_niche"))
        .sort(["addressable_rub", "product"], descending=[True, False])
        .with_row_index("rank", offset=1)
    )
    os.makedirs(out, exist_ok=True)
    cols = ["product", "demand_qty", "demand_rub", "import_rub", "import_share", "cost_premium",
            "spec_gap", "flags", "is_niche", "addressable_rub", "investment_rub"]
    lists = lambda df: df.with_columns(
        pl.col("key_consumers").list.join("|"), pl.col("regions").list.join("|")
    )
    lists(needs.select(cols + ["key_consumers", "regions"])).write_csv(os.path.join(out, "needs.csv"))
    lists(niches.select(["rank"] + cols + ["key_consumers", "regions"])).write_csv(os.path.join(out, "niches.csv"))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
