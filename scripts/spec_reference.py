#!/usr/bin/env python3
"""Independent reference implementation of needs.csv and niches.csv (SPEC.md v1), with the
v2 investment case (support.csv and the support columns of niches.csv) and the demand outlook
(SPEC.md v2 "Demand outlook": demand_outlook.csv and the outlook columns).

Usage: python3 scripts/spec_reference.py STUDY_DIR OUT_DIR

Reads a *valid* study folder and writes OUT_DIR/needs.csv, OUT_DIR/niches.csv and
OUT_DIR/support.csv and OUT_DIR/demand_outlook.csv with exactly the SPEC's columns. Written from /work/shared/SPEC.md alone, without
looking at the Rust sources, so that scripts/crosscheck.py can compare the two.
Only light validation is done: the input is assumed to pass `nichegraph check`.

Pure Python 3.11 standard library.
"""

from __future__ import annotations

import csv
import math
import os
import re
import sys
import tomllib
from decimal import Decimal

NEEDS_COLUMNS = [
    "product", "product_name", "stage", "unit", "demand_qty", "demand_rub",
    "import_rub", "cluster_rub", "domestic_rub", "import_share", "cluster_share",
    "domestic_share", "avg_price_rub", "benchmark_price_rub", "cost_premium",
    "spec_gap", "flags", "is_niche", "demand_growth",
]
NICHES_COLUMNS = [
    "rank", "product", "product_name", "stage", "unit", "flags", "demand_qty",
    "demand_rub", "import_share", "cost_premium", "spec_gap", "addressable_qty",
    "addressable_rub", "investment_rub", "investment_basis", "key_consumers",
    "regions", "downstream_final_rub", "demand_growth", "trend_rub", "plan_year",
    "plan_demand_rub",
]
OUTLOOK_COLUMNS = [
    "product", "product_name", "unit", "year", "kind", "demand_qty", "demand_rub",
    "import_rub", "low_rub", "high_rub",
]
# v2, the investment case: appended to niches.csv (the outlook columns come before these in the
# SPEC; they are compared by name, so this file lists only what it computes).
SUPPORT_NICHE_COLUMNS = [
    "support_programme", "support_rub", "payback_years", "payback_with_support_years",
]
SUPPORT_COLUMNS = [
    "rank", "product", "programme", "programme_name", "eligibility", "interest_rub",
    "equipment_rub", "amount_rub",
]
FINANCE_DEFAULTS = {
    "loan_share": 0.7, "loan_rate": 0.12, "loan_years": 5, "equipment_share": 0.6,
    "operating_margin": 0.15,
}
DEFAULT_PROGRAMMES = [
    {"id": "pp41", "name": "ПП РФ № 41 от 28.01.2016", "cap_rub": 500_000_000.0,
     "interest_coverage": 0.7, "equipment_coverage": 0.15, "requires_registry": True},
    {"id": "pp1119", "name": "ПП РФ № 1119 (новая редакция)", "cap_rub": 1_000_000_000.0,
     "interest_coverage": 1.0, "equipment_coverage": 0.0, "requires_registry": True},
]
# Registry thresholds (Decree 779) that a study may change in [compliance]; the share of
# participants allowed below the cooperation share stays 30 % here.
COUNT_DEFAULTS = {"industrial_count_min": 10, "final_producer_min": 1, "education_min": 1,
                  "infrastructure_objects_min": 2, "governance_share_min": 0.5,
                  "hp_jobs_share_min": 0.5, "supplier_share_min": 0.05,
                  "cooperation_share_min": 0.20}
BOOL_TRUE = {"true", "1", "yes", "да"}

CRITERIA_DEFAULTS = {
    "import_share_min": 0.70,
    "critical_import_share": 0.90,
    "cost_premium_min": 0.20,
    "min_demand_rub": 0.0,
}
INVESTMENT_DEFAULTS = {"capital_intensity": 1.0}


class StudyError(Exception):
    pass


# ---------------------------------------------------------------- formatting

def fmt_num(x: float) -> str:
    """Shortest round-trip decimal, never exponent, no trailing `.0` (Rust `{}` for f64)."""
    if isinstance(x, bool):
        raise TypeError("bool is not a number")
    if isinstance(x, int):
        return str(x)
    if math.isnan(x) or math.isinf(x):
        raise ValueError(f"non-finite number {x!r}")
    text = format(shortest_decimal(x), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def shortest_decimal(x: float) -> Decimal:
    """Shortest digits that read back to x. When two candidates of that length are exactly
    equally close to x, Python's repr picks the even last digit while Rust's formatter picks
    the one farther from zero (932735105085404.25 -> Rust `...404.3`, repr `...404.2`); both
    read back to x, so this only makes the texts byte-identical."""
    d = Decimal(repr(x))
    exact = Decimal(x)
    step = Decimal((0, (1,), d.as_tuple().exponent))
    if exact != d and abs(exact - d) * 2 == step:
        alt = d + step if exact > d else d - step
        if abs(alt) > abs(d) and float(alt) == x:
            return alt
    return d


def fmt_cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return fmt_num(v)
    return str(v)


# ---------------------------------------------------------------- parsing

def read_csv(path: str) -> tuple[list[dict[str, str | None]], list[str]]:
    """Header row, any column order, trimmed cells, blank lines skipped, empty -> None."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    # skip blank lines (a line with no cells or only whitespace cells)
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise StudyError(f"{path}: no header")
    header = [c.strip() for c in rows[0]]
    if len(set(header)) != len(header):
        raise StudyError(f"{path}: repeated header")
    out = []
    for r in rows[1:]:
        cells = [c.strip() for c in r]
        rec = {}
        for i, name in enumerate(header):
            c = cells[i] if i < len(cells) else ""
            rec[name] = c if c != "" else None
        out.append(rec)
    return out, header


def num(s: str | None) -> float | None:
    if s is None:
        return None
    v = float(s)
    if not math.isfinite(v):
        raise StudyError(f"non-finite number {s!r}")
    return v


def integer(s: str | None) -> int | None:
    if s is None:
        return None
    v = float(s)
    if not math.isfinite(v) or v != math.floor(v):
        raise StudyError(f"not an integer: {s!r}")
    return int(v)


# ---------------------------------------------------------------- model

def _iso_table():
    """ISO 3166 codes and names from the committed table src/study/iso3166.tsv (data, not code):
    the documented rule of issue 16 is that an origin naming an ISO country, in any case or by
    its English or Russian name, is that country's alpha-2 code."""
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "src", "study", "iso3166.tsv")
    codes, names = set(), {}

    def key(t):
        t = t.lower().replace("ё", "е")
        return " ".join(w for w in re.split(r"[^\w]|_", t) if w)

    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            f = line.rstrip("\n").split("\t")
            if len(f) != 6:
                continue
            a2, a3, en, other_en, ru, other_ru = f
            codes.add(a2)
            for n in [a3, en, ru, *other_en.split("|"), *other_ru.split("|")]:
                if n:
                    names.setdefault(key(n), a2)
    for a2, ru, en in [("US", "США", "USA"), ("GB", "Великобритания", "United Kingdom"),
                       ("AE", "ОАЭ", "UAE")]:
        names.setdefault(key(ru), a2)
        names.setdefault(key(en), a2)
    return codes, names, key


_ISO = None


def canonical_supplier(s: str) -> str:
    """`import:cn` and `import:China` are `import:CN`; anything else stays as written."""
    global _ISO
    if not s.startswith("import:"):
        return s
    if _ISO is None:
        _ISO = _iso_table()
    codes, names, key = _ISO
    o = s[len("import:"):]
    if len(o) == 2 and o.isascii() and o.upper() in codes:
        return "import:" + o.upper()
    return "import:" + names.get(key(o), o)


def supplier_key(s: str):
    """Participants (by id) first, then imports by origin, then domestic."""
    if s == "domestic":
        return (2, "")
    if s.startswith("import:"):
        return (1, s[len("import:"):])
    return (0, s)


def supplier_kind(s: str) -> str:
    if s == "domestic":
        return "domestic"
    if s.startswith("import:"):
        return "import"
    return "cluster"


def fsum_seq(values) -> float:
    """Plain left-to-right float addition (deliberately not math.fsum)."""
    total = 0.0
    for v in values:
        total += v
    return total


def load_study(study_dir: str):
    with open(os.path.join(study_dir, "study.toml"), "rb") as fh:
        study = tomllib.load(fh)
    criteria = dict(CRITERIA_DEFAULTS)
    criteria.update({k: float(v) for k, v in study.get("criteria", {}).items()})
    investment = dict(INVESTMENT_DEFAULTS)
    investment.update({k: float(v) for k, v in study.get("investment", {}).items()})

    participants = {}
    prows, _ = read_csv(os.path.join(study_dir, "participants.csv"))
    has_governance = "in_governance" in _
    for r in prows:
        participants[r["id"]] = {
            "id": r["id"],
            "name": r["name"],
            "region": r["region"],
            "role": r["role"],
            "output_rub": num(r.get("output_rub")),
            "employees": integer(r.get("employees")),
            "hp_jobs": integer(r.get("hp_jobs")),
            "in_governance": (r.get("in_governance") or "").lower() in BOOL_TRUE,
        }

    products = {}
    rrows, _ = read_csv(os.path.join(study_dir, "products.csv"))
    for r in rrows:
        products[r["id"]] = {
            "id": r["id"],
            "name": r["name"],
            "stage": integer(r["stage"]),
            "unit": r["unit"],
            "benchmark": num(r.get("benchmark_price_rub")),
            "capex": num(r.get("capex_rub_per_unit")),
            "min_capacity": num(r.get("min_capacity")),
        }

    frows, fheader = read_csv(os.path.join(study_dir, "flows.csv"))
    flows = []
    for r in frows:
        if r["supplier"] == r["consumer"]:
            raise StudyError("flow supplier is its own consumer")
        flows.append({
            "supplier": canonical_supplier(r["supplier"]),
            "supplier_name": r.get("supplier_name"),
            "consumer": r["consumer"],
            "product": r["product"],
            "quantity": num(r["quantity"]),
            "value": num(r["value_rub"]),
            "year": integer(r["year"]) if "year" in fheader else None,
        })

    # year selection
    study_year = study.get("year")
    all_flows = list(flows)
    selected = study_year
    if "year" in fheader:
        years = sorted({f["year"] for f in flows})
        if study_year is not None:
            if study_year not in years:
                raise StudyError(f"study year {study_year} matches no row; present: {years}")
            selected = study_year
        else:
            selected = years[-1] if years else None
        flows = [f for f in flows if f["year"] == selected]

    specs = []
    spec_path = os.path.join(study_dir, "specs.csv")
    if os.path.exists(spec_path):
        srows, _ = read_csv(spec_path)
        for r in srows:
            specs.append({
                "consumer": r["consumer"],
                "product": r["product"],
                "parameter": r["parameter"],
                "min": num(r.get("required_min")),
                "max": num(r.get("required_max")),
                "available": num(r.get("available")),
            })

    plans = []
    plans_path = os.path.join(study_dir, "plans.csv")
    if os.path.exists(plans_path):
        prow, _ = read_csv(plans_path)
        for r in prow:
            plans.append({"participant": r["participant"], "year": integer(r["year"]),
                          "output_rub": num(r["output_rub"])})
    history = {"has_year": "year" in fheader, "selected": selected, "all_flows": all_flows,
               "plans": plans, "horizon": int(study.get("outlook", {}).get("horizon", 5))}
    finance = dict(FINANCE_DEFAULTS)
    finance.update(study.get("finance", {}))
    programmes = []
    for p in study.get("support", DEFAULT_PROGRAMMES):
        programmes.append({
            "id": p["id"], "name": p["name"].strip(), "cap_rub": float(p["cap_rub"]),
            "interest_coverage": float(p.get("interest_coverage", 0.0)),
            "equipment_coverage": float(p.get("equipment_coverage", 0.0)),
            "requires_registry": bool(p.get("requires_registry", True)),
        })
    counts = dict(COUNT_DEFAULTS)
    counts.update({k: v for k, v in study.get("compliance", {}).items() if k in COUNT_DEFAULTS})
    extra = {"finance": finance, "programmes": programmes, "counts": counts,
             "has_governance": has_governance}
    return study, criteria, investment, participants, products, flows, specs, extra, history


def registry_overall(participants, agg, counts, has_governance) -> str:
    """Compliance `overall` (SPEC v1, Registry compliance), default shares and thresholds."""
    sales: dict[str, float] = {}
    purchases: dict[str, float] = {}
    cluster_purchases: dict[str, float] = {}
    for (s, c, _p), a in agg.items():
        purchases[c] = purchases.get(c, 0.0) + a["value"]
        if supplier_kind(s) == "cluster":
            sales[s] = sales.get(s, 0.0) + a["value"]
            cluster_purchases[c] = cluster_purchases.get(c, 0.0) + a["value"]
    ps = list(participants.values())
    roles = [p["role"] for p in ps]
    statuses = []

    def at_least(n, m):
        statuses.append("pass" if n >= m else "fail")

    at_least(sum(r in ("industrial", "final_producer") for r in roles), counts["industrial_count_min"])
    at_least(roles.count("final_producer"), counts["final_producer_min"])
    at_least(roles.count("education"), counts["education_min"])
    at_least(roles.count("infrastructure"), counts["infrastructure_objects_min"])
    # governance
    if not has_governance:
        statuses.append("unknown")
    else:
        others = [p for p in ps if p["role"] != "specialized_org"]
        share = sum(p["in_governance"] for p in others) / len(others) if others else 0.0
        statuses.append("pass" if share >= counts["governance_share_min"] else "fail")
    # hp_jobs
    both = [p for p in ps if p["employees"] is not None and p["hp_jobs"] is not None]
    if not both:
        statuses.append("unknown")
    else:
        emp = sum(p["employees"] for p in both)
        share = sum(p["hp_jobs"] for p in both) / emp if emp else 0.0
        statuses.append("pass" if share >= counts["hp_jobs_share_min"] else "fail")
    industrial = [p for p in ps if p["role"] == "industrial"]
    finals = [p for p in ps if p["role"] == "final_producer"]

    def own_share(num_, den):
        return num_ / den if den > 0 else 0.0

    # supplier_share_each
    if any(p["output_rub"] is None for p in industrial):
        statuses.append("unknown")
    else:
        below = sum(own_share(sales.get(p["id"], 0.0), p["output_rub"]) < counts["supplier_share_min"]
                    for p in industrial)
        statuses.append("pass" if below == 0 else "fail")
    # cooperation
    c = counts["cooperation_share_min"]
    a_known = all(p["output_rub"] is not None for p in industrial)
    a_pass = False
    if a_known and industrial:
        total = sum(p["output_rub"] for p in industrial)
        if total > 0:
            a = sum(sales.get(p["id"], 0.0) for p in industrial) / total
            below = sum(own_share(sales.get(p["id"], 0.0), p["output_rub"]) < c for p in industrial)
            a_pass = a >= c and below * 10 <= len(industrial) * 3
    b_pass = False
    if finals:
        total = sum(purchases.get(p["id"], 0.0) for p in finals)
        b = sum(cluster_purchases.get(p["id"], 0.0) for p in finals) / total if total > 0 else 0.0
        below = sum(own_share(cluster_purchases.get(p["id"], 0.0), purchases.get(p["id"], 0.0)) < c
                    for p in finals)
        b_pass = b >= c and below * 10 <= len(finals) * 3
    if a_pass or b_pass:
        statuses.append("pass")
    elif not a_known:
        statuses.append("unknown")
    else:
        statuses.append("fail")
    if "fail" in statuses:
        return "fail"
    if "unknown" in statuses:
        return "unknown"
    return "pass"


def investment_case(niche, finance, programmes, overall):
    """support.csv rows and the niche's support columns (SPEC v2, the investment case)."""
    i = niche["investment_rub"]
    interest_total = (finance["loan_share"] * i * finance["loan_rate"]
                      * (finance["loan_years"] + 1) / 2)
    rows = []
    for p in programmes:
        interest = p["interest_coverage"] * interest_total
        equipment = p["equipment_coverage"] * finance["equipment_share"] * i
        if not p["requires_registry"] or overall == "pass":
            elig = "eligible"
        elif overall == "unknown":
            elig = "unconfirmed"
        else:
            elig = "not_eligible"
        rows.append({"rank": niche["rank"], "product": niche["product"], "programme": p["id"],
                     "programme_name": p["name"], "eligibility": elig, "interest_rub": interest,
                     "equipment_rub": equipment, "amount_rub": min(p["cap_rub"], interest + equipment)})
    chosen = None
    for elig in ("eligible", "unconfirmed"):
        cands = [r for r in rows if r["eligibility"] == elig and r["amount_rub"] > 0]
        if cands:
            chosen = sorted(cands, key=lambda r: (-r["amount_rub"], r["programme"].encode()))[0]
            break
    support = chosen["amount_rub"] if chosen else 0.0
    profit = niche["addressable_rub"] * finance["operating_margin"]
    niche["support_programme"] = chosen["programme"] if chosen else ""
    niche["support_rub"] = support
    niche["payback_years"] = None if profit == 0 else i / profit
    niche["payback_with_support_years"] = None if profit == 0 else max(0.0, i - support) / profit
    return rows


def aggregate(flows):
    """(supplier, consumer, product) -> summed qty and value, values sorted ascending first."""
    groups: dict[tuple[str, str, str], list] = {}
    for f in flows:
        groups.setdefault((f["supplier"], f["consumer"], f["product"]), []).append(f)
    return {key: {"qty": fsum_seq(sorted(f["quantity"] for f in fs)),
                  "value": fsum_seq(sorted(f["value"] for f in fs))}
            for key, fs in groups.items()}


def solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting on a copy of a (n x n) and b."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for k in range(n):
        p = max(range(k, n), key=lambda r: abs(m[r][k]))
        if abs(m[p][k]) < 1e-12:
            raise StudyError("singular Leontief system")
        m[k], m[p] = m[p], m[k]
        for r in range(k + 1, n):
            f = m[r][k] / m[k][k]
            if f:
                for c in range(k, n + 1):
                    m[r][c] -= f * m[k][c]
    x = [0.0] * n
    for k in reversed(range(n)):
        x[k] = (m[k][n] - sum(m[k][c] * x[c] for c in range(k + 1, n))) / m[k][k]
    return x


def outlook(needs, participants, agg, total_purchases, history):
    """demand_outlook.csv rows and, per product, (demand_growth, trend_rub, plan_year,
    plan_demand_rub), from SPEC v2 "Demand outlook"."""
    y = history["selected"]
    horizon = history["horizon"]
    # History sums of the years before Y (and only those: Y's are the needs' figures).
    earlier: dict[tuple[str, int], tuple[float, float, float]] = {}
    if history["has_year"] and y is not None:
        by_year: dict[int, list] = {}
        for f in history["all_flows"]:
            if f["year"] < y:
                by_year.setdefault(f["year"], []).append(f)
        for yr, fl in by_year.items():
            per: dict[str, list] = {}
            for (s, c, p), a in aggregate(fl).items():
                per.setdefault(p, []).append((c, s, a))
            for p, rows in per.items():
                rows.sort(key=lambda t: (t[0].encode(), supplier_key(t[1])[0],
                                         supplier_key(t[1])[1].encode()))
                earlier[(p, yr)] = (
                    fsum_seq(a["qty"] for _, _, a in rows),
                    fsum_seq(a["value"] for _, _, a in rows),
                    fsum_seq(a["value"] for _, s, a in rows if supplier_kind(s) == "import"),
                )

    # Plans through the Leontief quantity model.
    ids = sorted(participants, key=lambda x: x.encode())
    index = {pid: i for i, pid in enumerate(ids)}
    n = len(ids)
    x = [participants[pid]["output_rub"] if participants[pid]["output_rub"] is not None
         else total_purchases.get(pid, 0.0) for pid in ids]
    A = [[0.0] * n for _ in range(n)]
    for (s, c, p), a in agg.items():
        if supplier_kind(s) == "cluster" and x[index[c]] > 0 and a["value"] > 0:
            A[index[s]][index[c]] += a["value"]
    for i in range(n):
        for j in range(n):
            if x[j] > 0:
                A[i][j] /= x[j]
    ia = [[(1.0 if i == j else 0.0) - A[i][j] for j in range(n)] for i in range(n)]
    plan_years = sorted({pl["year"] for pl in history["plans"]})
    scales = {}
    for py in plan_years:
        df = [0.0] * n
        for pl in history["plans"]:
            if pl["year"] == py:
                j = index[pl["participant"]]
                df[j] = pl["output_rub"] - x[j]
        dx = solve(ia, df)
        scales[py] = {pid: (max(0.0, (x[i] + dx[i]) / x[i]) if x[i] > 0 else 1.0)
                      for i, pid in enumerate(ids)}
    planned = {}
    for py, sc in scales.items():
        for (s, c, p), a in agg.items():
            e = planned.setdefault((p, py), [0.0, 0.0, 0.0])
            e[0] += a["qty"] * sc[c]
            e[1] += a["value"] * sc[c]
            if supplier_kind(s) == "import":
                e[2] += a["value"] * sc[c]

    rows_out = []
    figures = {}
    for need in needs:
        p = need["product"]
        hist = [(yr, *v) for (pp, yr), v in earlier.items() if pp == p]
        hist.append((y, need["demand_qty"], need["demand_rub"], need["import_rub"]))
        hist.sort(key=lambda t: (t[0] is not None, t[0] if t[0] is not None else 0))
        rows = [{"year": yr, "kind": "history", "demand_qty": q, "demand_rub": v,
                 "import_rub": i, "low_rub": None, "high_rub": None} for yr, q, v, i in hist]
        growth = None
        trend_rub = None
        pts = [(yr, v) for yr, _, v, _ in hist if yr is not None and v > 0]
        if y is not None and len(pts) >= 3 and any(yr == y for yr, _ in pts):
            ts = [yr - y for yr, _ in pts]
            ls = [math.log(v) for _, v in pts]
            k = len(pts)
            mt = sum(ts) / k
            ml = sum(ls) / k
            stt = sum((t - mt) ** 2 for t in ts)
            b = sum((t - mt) * (l - ml) for t, l in zip(ts, ls)) / stt
            a0 = ml - b * mt
            ssr = sum((l - a0 - b * t) ** 2 for t, l in zip(ts, ls))
            se = math.sqrt((ssr / (k - 2)) / stt)
            growth = math.exp(b) - 1
            low, high = math.exp(b - se) - 1, math.exp(b + se) - 1
            for h in range(1, horizon + 1):
                g = (1 + growth) ** h
                rows.append({"year": y + h, "kind": "trend", "demand_qty": need["demand_qty"] * g,
                             "demand_rub": need["demand_rub"] * g,
                             "import_rub": need["import_rub"] * g,
                             "low_rub": need["demand_rub"] * (1 + low) ** h,
                             "high_rub": need["demand_rub"] * (1 + high) ** h})
            trend_rub = rows[-1]["demand_rub"]
        plan_year = plan_rub = None
        for py in plan_years:
            q, v, i = planned.get((p, py), (0.0, 0.0, 0.0))
            rows.append({"year": py, "kind": "plan", "demand_qty": q, "demand_rub": v,
                         "import_rub": i, "low_rub": None, "high_rub": None})
            plan_year, plan_rub = py, v
        order = {"history": 0, "trend": 1, "plan": 2}
        rows.sort(key=lambda r: (r["year"] is not None, r["year"] or 0, order[r["kind"]]))
        for r in rows:
            rows_out.append(dict(r, product=p, product_name=need["product_name"],
                                 unit=need["unit"]))
        figures[p] = {"demand_growth": growth, "trend_rub": trend_rub, "plan_year": plan_year,
                      "plan_demand_rub": plan_rub}
    return rows_out, figures


def spec_is_gap(s) -> bool:
    a = s["available"]
    if a is None:
        return True
    if s["min"] is not None and a < s["min"]:
        return True
    if s["max"] is not None and a > s["max"]:
        return True
    return False


# ---------------------------------------------------------------- analysis

def analyze(study_dir: str):
    study, criteria, investment, participants, products, flows, specs, extra, history = \
        load_study(study_dir)

    # Aggregate duplicate (supplier, consumer, product): values sorted ascending, then summed.
    agg = aggregate(flows)

    # Per product: aggregated flows ordered by consumer id, then supplier key.
    by_product: dict[str, list] = {}
    for (s, c, p), a in agg.items():
        by_product.setdefault(p, []).append((c, s, a))
    for p in by_product:
        by_product[p].sort(key=lambda t: (t[0].encode(), supplier_key(t[1])[0],
                                          supplier_key(t[1])[1].encode()))

    # Reachability graph over participant-to-participant flows of the selected year.
    succ: dict[str, set] = {}
    purchases_parts: dict[str, list] = {}
    for (s, c, p), a in sorted(agg.items(), key=lambda kv: (kv[0][1].encode(), supplier_key(kv[0][0])[0],
                                                              supplier_key(kv[0][0])[1].encode(),
                                                              kv[0][2].encode())):
        purchases_parts.setdefault(c, []).append(a["value"])
        if supplier_kind(s) == "cluster":
            succ.setdefault(s, set()).add(c)
    total_purchases = {pid: fsum_seq(v) for pid, v in purchases_parts.items()}

    def final_value(pid: str) -> float:
        part = participants[pid]
        if part["output_rub"] is not None:
            return part["output_rub"]
        return total_purchases.get(pid, 0.0)

    spec_gap_products = {s["product"] for s in specs if spec_is_gap(s)}

    needs = []
    niches = []
    for pid in sorted(by_product, key=lambda x: x.encode()):
        prod = products[pid]
        rows = by_product[pid]
        demand_qty = fsum_seq(a["qty"] for _, _, a in rows)
        demand_rub = fsum_seq(a["value"] for _, _, a in rows)
        sums = {}
        for kind in ("import", "cluster", "domestic"):
            sums[kind] = fsum_seq(a["value"] for _, s, a in rows if supplier_kind(s) == kind)
        if demand_rub == 0:
            shares = {k: 0.0 for k in sums}
        else:
            shares = {k: sums[k] / demand_rub for k in sums}
        avg_price = None if demand_qty == 0 else demand_rub / demand_qty
        bench = prod["benchmark"]
        cost_premium = None
        if bench is not None and avg_price is not None:
            cost_premium = avg_price / bench - 1.0
        spec_gap = pid in spec_gap_products
        flags = []
        if shares["import"] > criteria["import_share_min"]:
            flags.append("import")
        if cost_premium is not None and cost_premium > criteria["cost_premium_min"]:
            flags.append("cost")
        if spec_gap:
            flags.append("spec")
        is_niche = bool(flags) and demand_rub >= criteria["min_demand_rub"]

        needs.append({
            "product": pid,
            "product_name": prod["name"],
            "stage": prod["stage"],
            "unit": prod["unit"],
            "demand_qty": demand_qty,
            "demand_rub": demand_rub,
            "import_rub": sums["import"],
            "cluster_rub": sums["cluster"],
            "domestic_rub": sums["domestic"],
            "import_share": shares["import"],
            "cluster_share": shares["cluster"],
            "domestic_share": shares["domestic"],
            "avg_price_rub": avg_price,
            "benchmark_price_rub": bench,
            "cost_premium": cost_premium,
            "spec_gap": spec_gap,
            "flags": "|".join(flags),
            "is_niche": is_niche,
        })
        if not is_niche:
            continue

        if "cost" in flags or "spec" in flags:
            addressable_rub = demand_rub
        else:
            addressable_rub = sums["import"]
        addressable_qty = 0.0 if demand_rub == 0 else demand_qty * addressable_rub / demand_rub

        if prod["capex"] is not None:
            cap = prod["min_capacity"] if prod["min_capacity"] is not None else 0.0
            investment_rub = prod["capex"] * max(addressable_qty, cap)
            basis = "capex"
        else:
            investment_rub = investment["capital_intensity"] * addressable_rub
            basis = "intensity"

        # key consumers
        consumer_values: dict[str, list] = {}
        for c, s, a in rows:  # already in consumer, supplier order
            consumer_values.setdefault(c, []).append(a["value"])
        cons = [(c, fsum_seq(v)) for c, v in consumer_values.items()]
        cons.sort(key=lambda t: (-t[1], t[0].encode()))
        threshold = 0.8 * demand_rub
        key = []
        running = 0.0
        for c, v in cons:
            key.append(c)
            running += v
            if running >= threshold or len(key) == 5:
                break
        regions = []
        for c in key:
            r = participants[c]["region"]
            if r not in regions:
                regions.append(r)

        # downstream final producers
        seen = set()
        stack = list(consumer_values)
        while stack:
            n = stack.pop()
            if n in seen:
                continue
            seen.add(n)
            stack.extend(succ.get(n, ()))
        finals = sorted((n for n in seen if participants[n]["role"] == "final_producer"),
                        key=lambda x: x.encode())
        downstream = fsum_seq(final_value(n) for n in finals)

        niches.append({
            "product": pid,
            "product_name": prod["name"],
            "stage": prod["stage"],
            "unit": prod["unit"],
            "flags": "|".join(flags),
            "demand_qty": demand_qty,
            "demand_rub": demand_rub,
            "import_share": shares["import"],
            "cost_premium": cost_premium,
            "spec_gap": spec_gap,
            "addressable_qty": addressable_qty,
            "addressable_rub": addressable_rub,
            "investment_rub": investment_rub,
            "investment_basis": basis,
            "key_consumers": "|".join(key),
            "regions": "|".join(regions),
            "downstream_final_rub": downstream,
        })

    niches.sort(key=lambda n: (-n["addressable_rub"], n["product"].encode()))
    for i, n in enumerate(niches, start=1):
        n["rank"] = i
    rows, figures = outlook(needs, participants, agg, total_purchases, history)
    for need in needs:
        need["demand_growth"] = figures[need["product"]]["demand_growth"]
    for n in niches:
        n.update(figures[n["product"]])
    overall = registry_overall(participants, agg, extra["counts"], extra["has_governance"])
    support = []
    for n in niches:
        support += investment_case(n, extra["finance"], extra["programmes"], overall)
    return needs, niches, support, rows


def write_csv(path: str, columns: list[str], rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow([fmt_cell(r[c]) for c in columns])


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: spec_reference.py STUDY_DIR OUT_DIR", file=sys.stderr)
        return 2
    study_dir, out_dir = argv[1], argv[2]
    try:
        needs, niches, support, outlook_rows = analyze(study_dir)
    except (StudyError, KeyError, ValueError) as e:
        print(f"spec_reference: invalid study: {e!r}", file=sys.stderr)
        return 65
    os.makedirs(out_dir, exist_ok=True)
    write_csv(os.path.join(out_dir, "needs.csv"), NEEDS_COLUMNS, needs)
    write_csv(os.path.join(out_dir, "niches.csv"), NICHES_COLUMNS + SUPPORT_NICHE_COLUMNS, niches)
    write_csv(os.path.join(out_dir, "support.csv"), SUPPORT_COLUMNS, support)
    write_csv(os.path.join(out_dir, "demand_outlook.csv"), OUTLOOK_COLUMNS, outlook_rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
