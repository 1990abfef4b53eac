#!/usr/bin/env python3
"""Independent reference of the portfolio's shared_niches.csv and supply_matches.csv (SPEC v2,
"The association's portfolio").

Usage: python3 scripts/portfolio_reference.py OUT_DIR STUDY_DIR [STUDY_DIR ...]

Every STUDY_DIR must be a *valid* study (the batch's ok studies). The niches come from
scripts/spec_reference.py; the product keys and the suppliers per key are read here from the
study's own files. Written from the SPEC alone, without looking at the Rust sources, so that
scripts/crosscheck.py --portfolio can compare. registry.csv needs compliance, which the
reference does not compute: crosscheck checks its rows against the studies' compliance.json.

Pure Python 3.11 standard library.
"""

from __future__ import annotations

import os
import sys
import tomllib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spec_reference as ref  # noqa: E402

SHARED_COLUMNS = ["key", "product_name", "studies", "units", "addressable_qty",
                  "addressable_rub", "investment_rub"]
MATCH_COLUMNS = ["study", "rank", "product", "key", "supplier_study", "supplier",
                 "supplier_name", "supplied_rub"]


def product_keys(study_dir: str) -> dict[str, str]:
    """Product id -> key: the code with spaces removed, else `id:<id>`."""
    rows, header = ref.read_csv(os.path.join(study_dir, "products.csv"))
    keys = {}
    for r in rows:
        code = r.get("code") if "code" in header else None
        if code is not None:
            code = "".join(ch for ch in code if ch not in " \u00a0\u202f")
        keys[r["id"]] = code if code else "id:" + r["id"]
    return keys


def member(study_dir: str) -> dict:
    with open(os.path.join(study_dir, "study.toml"), "rb") as fh:
        toml = tomllib.load(fh)
    niches = ref.analyze(study_dir)[1]
    loaded = ref.load_study(study_dir)
    participants, flows = loaded[3], loaded[5]
    keys = product_keys(study_dir)
    # Suppliers per key: the flows of the selected year whose supplier is a participant.
    groups: dict[tuple[str, str, str], list[float]] = {}
    for f in flows:
        if f["supplier"] in participants:
            groups.setdefault((f["supplier"], f["consumer"], f["product"]), []).append(f["value"])
    supplies: dict[str, dict[str, float]] = {}
    for (s, c, p) in sorted(groups, key=lambda k: (k[2].encode(), k[1].encode(), k[0].encode())):
        value = ref.fsum_seq(sorted(groups[(s, c, p)]))
        by = supplies.setdefault(keys[p], {})
        by[s] = by.get(s, 0.0) + value
    return {
        "id": toml["id"],
        "niches": [dict(n, key=keys[n["product"]]) for n in niches],
        "participants": participants,
        "supplies": supplies,
    }


def portfolio(study_dirs: list[str]):
    members = sorted((member(d) for d in study_dirs), key=lambda m: m["id"].encode())
    if len(members) < 2:
        return [], []
    by_key: dict[str, list[tuple[dict, dict]]] = {}
    for m in members:
        for n in sorted(m["niches"], key=lambda n: n["rank"]):
            by_key.setdefault(n["key"], []).append((m, n))
    shared = []
    for key, lst in by_key.items():
        studies = sorted({m["id"] for m, _ in lst}, key=str.encode)
        if len(studies) < 2:
            continue
        units: list[str] = []
        for _, n in lst:
            if n["unit"] not in units:
                units.append(n["unit"])
        shared.append({
            "key": key,
            "product_name": lst[0][1]["product_name"],
            "studies": "|".join(studies),
            "units": "|".join(units),
            "addressable_qty": ref.fsum_seq(n["addressable_qty"] for _, n in lst)
            if len(units) == 1 else None,
            "addressable_rub": ref.fsum_seq(n["addressable_rub"] for _, n in lst),
            "investment_rub": ref.fsum_seq(n["investment_rub"] for _, n in lst),
        })
    shared.sort(key=lambda s: (-s["addressable_rub"], s["key"].encode()))
    matches = []
    for a in members:
        for n in sorted(a["niches"], key=lambda n: n["rank"]):
            for b in members:
                if b["id"] == a["id"]:
                    continue
                for sup in sorted(b["supplies"].get(n["key"], {}), key=str.encode):
                    matches.append({
                        "study": a["id"], "rank": n["rank"], "product": n["product"],
                        "key": n["key"], "supplier_study": b["id"], "supplier": sup,
                        "supplier_name": b["participants"][sup]["name"],
                        "supplied_rub": b["supplies"][n["key"]][sup],
                    })
    return shared, matches


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print("usage: portfolio_reference.py OUT_DIR STUDY_DIR...", file=sys.stderr)
        return 2
    out, dirs = argv[1], argv[2:]
    try:
        shared, matches = portfolio(dirs)
    except (ref.StudyError, KeyError, ValueError) as e:
        print(f"portfolio_reference: invalid study: {e!r}", file=sys.stderr)
        return 65
    os.makedirs(out, exist_ok=True)
    ref.write_csv(os.path.join(out, "shared_niches.csv"), SHARED_COLUMNS, shared)
    ref.write_csv(os.path.join(out, "supply_matches.csv"), MATCH_COLUMNS, matches)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
