#!/usr/bin/env python3
"""Cross-check nichegraph's import content against pymrio (SPEC.md, "Import content").

Usage:
    python scripts/pymrio_crosscheck.py --bin target/debug/nichegraph --work target/pymrio \
        [--region reg1 [--region reg2 ...]] [--write-only]

For each region R of pymrio's bundled test MRIO (pymrio.load_test(); every region by
default, or the ones given with --region), the region is taken as the cluster:

* participants = the sectors of R (role `industrial`, stage index % 4 + 1, region R,
  output_rub = pymrio's x of that sector);
* products = one per sector s, `p-<s>`, with the stage of that sector (products are global,
  so an import of sector s from another region is product p-s as well);
* flows = Z[(R,i),(R,j)] for i != j as a cluster flow i -> j of product p-i, and
  Z[(S,s),(R,j)] for every other region S as a flow `import:<S>` -> j of product p-s;
  quantity = value. The self-use diagonal Z[(R,i),(R,i)] is dropped (a flow from a
  participant to itself is invalid input in nichegraph).

The study is written to <work>/<study id>/ and pymrio's own answer, computed with
pymrio.calc_A / pymrio.calc_L (the R x R block of A with its diagonal set to 0, on both
sides), to <work>/<study id>/expected.csv. Then `<bin> analyze <study> --out <work>/out -q`
runs and its <work>/out/<study id>/import_content.csv is compared participant by participant:
direct_import_share and total_import_share must agree within 1e-9 both absolutely and
relatively to pymrio's value, and output_rub must read back exactly as written (with
estimated_output false).

Exit status: 0 when every region agrees, 1 on any mismatch or when the binary fails.
Needs pymrio (tested with pymrio 0.7.0, numpy 2.4, pandas 3.1).
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pymrio

TOL = 1e-9
ID_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
ORIGIN_RE = re.compile(r"^[A-Za-z0-9_-]+$")
STUDY_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def slugify(name: str, allowed: str, maxlen: int) -> str:
    """Replace every run of characters outside `allowed` by '-', trim '-' at both ends."""
    slug = re.sub(f"[^{allowed}]+", "-", str(name)).strip("-")
    return (slug or "x")[:maxlen]


def unique_slugs(names, allowed: str, maxlen: int) -> dict:
    """Map each name to a slug, appending -2, -3, ... where two names collide."""
    out, used = {}, set()
    for name in names:
        base = slugify(name, allowed, maxlen - 4)
        slug, k = base, 1
        while slug in used:
            k += 1
            slug = f"{base}-{k}"
        used.add(slug)
        out[name] = slug
    return out


def toml_str(s: str) -> str:
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def num(v) -> str:
    """repr of a Python float: the shortest text that reads back to the same f64."""
    v = float(v)
    if not math.isfinite(v):
        raise ValueError(f"non-finite number {v!r}")
    return repr(v)


def write_csv(path: str, header: list, rows: list) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def build_region(io, region: str, work: str, region_slugs: dict, sector_slugs: dict):
    """Write the study for `region` and its expected.csv; return (study_dir, study_id, expected)
    or None when the region cannot be a study (some sector has x = 0)."""
    Z = io.Z
    x = io.x.iloc[:, 0]
    regions = list(io.get_regions())
    sectors = list(io.get_sectors())

    xs = {s: float(x.loc[(region, s)]) for s in sectors}
    zero = [s for s in sectors if not xs[s] > 0]
    if zero:
        print(f"pymrio cross-check: {region}: skipped, x = 0 for sector(s) {', '.join(zero)}")
        return None

    study_id = "pymrio-" + slugify(str(region).lower(), "a-z0-9", 55)
    assert STUDY_ID_RE.match(study_id), study_id
    pid = {s: sector_slugs[s] for s in sectors}
    stage = {s: k % 4 + 1 for k, s in enumerate(sectors)}
    for s in sectors:
        assert ID_RE.match(pid[s]) and ID_RE.match("p-" + pid[s]), pid[s]

    study = os.path.join(work, study_id)
    if os.path.exists(study):
        shutil.rmtree(study)
    os.makedirs(study)

    with open(os.path.join(study, "study.toml"), "w", encoding="utf-8") as f:
        f.write(f"id = {toml_str(study_id)}\n")
        f.write(f"name = {toml_str(f'pymrio test MRIO, region {region} as the cluster')}\n")
        f.write(f"regions = [{toml_str(region)}]\n")

    write_csv(
        os.path.join(study, "participants.csv"),
        ["id", "name", "region", "role", "stage", "output_rub"],
        [[pid[s], s, region, "industrial", stage[s], num(xs[s])] for s in sectors],
    )
    write_csv(
        os.path.join(study, "products.csv"),
        ["id", "name", "stage", "unit"],
        [["p-" + pid[s], f"output of sector {s}", stage[s], "руб"] for s in sectors],
    )

    flows = []
    for j in sectors:
        col = Z[(region, j)]
        for i in sectors:
            if i == j:
                continue  # self-use dropped
            v = float(col.loc[(region, i)])
            if v > 0:
                flows.append([pid[i], pid[j], "p-" + pid[i], num(v), num(v)])
        for other in regions:
            if other == region:
                continue
            origin = "import:" + region_slugs[other]
            for s in sectors:
                v = float(col.loc[(other, s)])
                if v > 0:
                    flows.append([origin, pid[j], "p-" + pid[s], num(v), num(v)])
    write_csv(
        os.path.join(study, "flows.csv"),
        ["supplier", "consumer", "product", "quantity", "value_rub"],
        flows,
    )

    # pymrio's answer, with pymrio's own functions.
    A = pymrio.calc_A(Z, io.x)
    cols = [(region, s) for s in sectors]
    A_rr = A.loc[cols, cols].to_numpy(dtype=float, copy=True)
    np.fill_diagonal(A_rr, 0.0)  # self-use dropped on this side too
    L = pymrio.calc_L(A_rr)
    other_rows = [r for r in A.index if r[0] != region]
    m = A.loc[other_rows, cols].to_numpy(dtype=float).sum(axis=0)
    total = m @ L
    expected = {pid[s]: (float(m[k]), float(total[k]), xs[s]) for k, s in enumerate(sectors)}
    write_csv(
        os.path.join(study, "expected.csv"),
        ["participant", "direct_import_share", "total_import_share"],
        [[p, num(d), num(t)] for p, (d, t, _) in expected.items()],
    )
    return study, study_id, expected


def compare(region, study_id, expected, out_dir) -> bool:
    path = os.path.join(out_dir, study_id, "import_content.csv")
    if not os.path.exists(path):
        print(f"pymrio cross-check: {region}: FAIL, {path} was not written")
        return False
    with open(path, encoding="utf-8", newline="") as f:
        got = {row["participant"]: row for row in csv.DictReader(f)}
    problems = []
    missing = sorted(set(expected) - set(got))
    extra = sorted(set(got) - set(expected))
    if missing:
        problems.append(f"  participants missing from import_content.csv: {', '.join(missing)}")
    if extra:
        problems.append(f"  unexpected participants in import_content.csv: {', '.join(extra)}")
    max_diff = max_rel = 0.0
    for p in sorted(set(expected) & set(got)):
        d_exp, t_exp, x = expected[p]
        row = got[p]
        try:
            d_got = float(row["direct_import_share"])
            t_got = float(row["total_import_share"])
            x_got = float(row["output_rub"])
        except (KeyError, ValueError) as e:
            problems.append(f"  {p}: unreadable row {row!r} ({e})")
            continue
        if x_got != x or row.get("estimated_output") != "false":
            problems.append(
                f"  {p}: output_rub {row.get('output_rub')} estimated_output "
                f"{row.get('estimated_output')}, expected {num(x)} false"
            )
        for col, e, g in (("direct_import_share", d_exp, d_got), ("total_import_share", t_exp, t_got)):
            diff = abs(g - e)
            rel = diff / abs(e) if e != 0 else (0.0 if diff == 0 else math.inf)
            max_diff, max_rel = max(max_diff, diff), max(max_rel, rel)
            # Both must hold: the shares here are small (1e-4 .. 0.2), so 1e-9 absolute alone
            # would allow a 1e-5 relative error.
            if not (diff <= TOL and (e == 0 or rel <= TOL)) or math.isnan(g):
                problems.append(
                    f"  {p}: {col} nichegraph {num(g) if math.isfinite(g) else g} pymrio {num(e)} "
                    f"|diff| {diff:.3e} rel {rel:.3e}"
                )
    print(f"pymrio cross-check: {region}: {len(expected)} participants, "
          f"max |diff| = {max_diff:.3e}, max rel diff = {max_rel:.3e}")
    for line in problems:
        print(line)
    return not problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default="target/debug/nichegraph", help="the nichegraph binary")
    ap.add_argument("--work", default="target/pymrio", help="folder for the studies and outputs")
    ap.add_argument("--region", action="append",
                    help="region of the test MRIO to take as the cluster (repeatable; default: all)")
    ap.add_argument("--write-only", action="store_true",
                    help="write the studies and expected.csv, do not run the binary")
    args = ap.parse_args()

    io = pymrio.load_test()
    if io.Z is None or io.x is None:
        io.calc_all()
    regions = list(io.get_regions())
    sectors = list(io.get_sectors())
    chosen = args.region or regions
    unknown = [r for r in chosen if r not in regions]
    if unknown:
        print(f"pymrio cross-check: unknown region(s) {unknown}; the test MRIO has {regions}")
        return 1

    region_slugs = unique_slugs(regions, "A-Za-z0-9_", 64)
    sector_slugs = unique_slugs(sectors, "A-Za-z0-9_.", 60)
    for r in regions:
        assert ORIGIN_RE.match(region_slugs[r]), region_slugs[r]

    os.makedirs(args.work, exist_ok=True)
    out_dir = os.path.join(args.work, "out")
    ok, checked, failed = True, 0, 0
    for region in chosen:
        built = build_region(io, region, args.work, region_slugs, sector_slugs)
        if built is None:
            continue
        study, study_id, expected = built
        checked += 1
        if args.write_only:
            print(f"pymrio cross-check: {region}: wrote {study}")
            continue
        old = os.path.join(out_dir, study_id)
        if os.path.exists(old):
            shutil.rmtree(old)
        proc = subprocess.run([args.bin, "analyze", study, "--out", out_dir, "-q"],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"pymrio cross-check: {region}: FAIL, `{args.bin} analyze {study}` "
                  f"exited {proc.returncode}")
            sys.stdout.write(proc.stdout)
            sys.stdout.write(proc.stderr)
            ok = False
            failed += 1
            continue
        same = compare(region, study_id, expected, out_dir)
        failed += 0 if same else 1
        ok = same and ok
    if checked == 0:
        print("pymrio cross-check: FAIL, no region could be checked")
        return 1
    if not args.write_only:
        print(f"pymrio: {checked - failed} passed, {failed} failed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
