#!/usr/bin/env python3
"""Reference pipeline in pandas + networkx: the other tool set an analyst would reach for.

The same needs and niches as benches/reference_polars.py (SPEC definitions), computed with
pandas, plus `downstream_final_rub` with networkx: for each product, the final producers
reachable from its consumers along flows between participants (one search per product from a
virtual source joined to its consumers). Writes needs.csv and niches.csv to OUT.

    python benches/reference_pandas.py STUDY OUT
"""
import os
import sys
import tomllib

import networkx as nx
import pandas as pd


def main(study, out):
    with open(os.path.join(study, "study.toml"), "rb") as f:
        cfg = tomllib.load(f)
    crit = {"import_share_min": 0.7, "cost_premium_min": 0.2, "min_demand_rub": 0.0}
    crit.update(cfg.get("criteria", {}))
    intensity = cfg.get("investment", {}).get("capital_intensity", 1.0)

    parts = pd.read_csv(os.path.join(study, "participants.csv"), dtype={"id": str})
    products = pd.read_csv(os.path.join(study, "products.csv"), dtype={"id": str})
    pq = os.path.join(study, "flows.parquet")
    ds = os.path.join(study, "flows")
    if os.path.isdir(ds):
        pq = ds  # pyarrow reads a hive-partitioned dataset (year=<Y> folders) as one table
    flows = pd.read_parquet(pq) if os.path.exists(pq) else pd.read_csv(
        os.path.join(study, "flows.csv"), dtype={"supplier_name": str}
    )
    if "year" in flows.columns:
        # A hive partition column arrives as a categorical of the folder names' texts.
        flows["year"] = flows["year"].astype("int64")
        year = cfg.get("year", flows["year"].max())
        flows = flows[flows["year"] == year]

    flows["kind"] = "cluster"
    flows.loc[flows["supplier"].str.startswith("import:"), "kind"] = "import"
    flows.loc[flows["supplier"] == "domestic", "kind"] = "domestic"
    needs = flows.groupby("product").agg(demand_qty=("quantity", "sum"), demand_rub=("value_rub", "sum"))
    by_kind = flows.pivot_table(index="product", columns="kind", values="value_rub", aggfunc="sum", fill_value=0.0)
    for k in ["import", "cluster", "domestic"]:
        needs[f"{k}_rub"] = by_kind[k] if k in by_kind else 0.0
    d = needs["demand_rub"]
    for k in ["import", "cluster", "domestic"]:
        needs[f"{k}_share"] = (needs[f"{k}_rub"] / d).where(d > 0, 0.0)
    needs["avg_price_rub"] = (d / needs["demand_qty"]).where(needs["demand_qty"] != 0)
    needs = needs.join(products.set_index("id"))
    needs["cost_premium"] = needs["avg_price_rub"] / needs["benchmark_price_rub"] - 1

    specs_path = os.path.join(study, "specs.csv")
    needs["spec_gap"] = False
    if os.path.exists(specs_path):
        s = pd.read_csv(specs_path, dtype={"product": str})
        gap = s["available"].isna() | (s["available"] < s["required_min"]) | (s["available"] > s["required_max"])
        gapped = set(s.loc[gap, "product"])
        needs["spec_gap"] = needs.index.isin(gapped)

    f_import = needs["import_share"] > crit["import_share_min"]
    f_cost = (needs["cost_premium"] > crit["cost_premium_min"]).fillna(False)
    f_spec = needs["spec_gap"]
    needs["flags"] = [
        "|".join(n for n, on in zip(["import", "cost", "spec"], row) if on)
        for row in zip(f_import, f_cost, f_spec)
    ]
    needs["is_niche"] = (f_import | f_cost | f_spec) & (d >= crit["min_demand_rub"])
    needs["addressable_rub"] = d.where(f_cost | f_spec, needs["import_rub"])
    needs["addressable_qty"] = (needs["demand_qty"] * needs["addressable_rub"] / d).where(d != 0, 0.0)
    capacity = needs[["addressable_qty"]].join(needs["min_capacity"].fillna(0.0)).max(axis=1)
    needs["investment_rub"] = (needs["capex_rub_per_unit"] * capacity).where(
        needs["capex_rub_per_unit"].notna(), intensity * needs["addressable_rub"]
    )

    # Key consumers and regions.
    region = parts.set_index("id")["region"]
    bc = flows.groupby(["product", "consumer"], as_index=False)["value_rub"].sum()
    bc = bc.sort_values(["product", "value_rub", "consumer"], ascending=[True, False, True])
    keys, regions = {}, {}
    for p, g in bc.groupby("product", sort=False):
        total, run, chosen = g["value_rub"].sum(), 0.0, []
        for c, v in zip(g["consumer"], g["value_rub"]):
            if run >= 0.8 * total or len(chosen) == 5:
                break
            chosen.append(c)
            run += v
        keys[p] = "|".join(chosen)
        regions[p] = "|".join(dict.fromkeys(region[c] for c in chosen))
    needs["key_consumers"] = pd.Series(keys)
    needs["regions"] = pd.Series(regions)

    # Downstream final output, with networkx.
    ids = set(parts["id"])
    internal = flows[flows["supplier"].isin(ids)]
    g = nx.DiGraph()
    g.add_nodes_from(parts["id"])
    g.add_edges_from(zip(internal["supplier"], internal["consumer"]))
    purchases = flows.groupby("consumer")["value_rub"].sum()
    final = parts[parts["role"] == "final_producer"].set_index("id")
    weight = final["output_rub"].fillna(purchases.reindex(final.index).fillna(0.0))
    consumers = flows.groupby("product")["consumer"].unique()
    downstream = {}
    for p, cs in consumers.items():
        g.add_edges_from(("__source__", c) for c in cs)
        reach = nx.descendants(g, "__source__")
        g.remove_node("__source__")
        downstream[p] = sum(weight.get(n, 0.0) for n in reach)
    needs["downstream_final_rub"] = pd.Series(downstream)

    needs = needs.sort_index()
    needs.index.name = "product"
    niches = needs[needs["is_niche"]].reset_index().sort_values(["addressable_rub", "product"], ascending=[False, True])
    niches.insert(0, "rank", range(1, len(niches) + 1))
    cols = ["demand_qty", "demand_rub", "import_rub", "import_share", "cost_premium", "spec_gap", "flags",
            "is_niche", "addressable_rub", "investment_rub", "key_consumers", "regions", "downstream_final_rub"]
    os.makedirs(out, exist_ok=True)
    needs[cols].to_csv(os.path.join(out, "needs.csv"))
    niches[["rank", "product"] + cols].to_csv(os.path.join(out, "niches.csv"), index=False)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
