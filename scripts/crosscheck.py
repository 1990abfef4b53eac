#!/usr/bin/env python3
"""Randomized cross-check of `nichegraph analyze` against scripts/spec_reference.py.

Generates random *valid* study folders with adversarial features (exact thresholds, ties,
zero flows, several years, cycles, duplicate rows, byte-order vs case-insensitive ids, ...),
runs the Rust binary and the Python reference on each, and compares needs.csv, niches.csv and
support.csv row by row (niches.csv by the reference's column names, in their order, so that
columns the reference does not compute may sit between them). Numeric cells are compared with a relative tolerance of 1e-12 (absolute 1e-9);
all other cells as strings.

    python3 scripts/crosscheck.py [--n 200] [--seed 1] [--bin target/debug/nichegraph]
    python3 scripts/crosscheck.py --only 1234     # rerun one study seed
    python3 scripts/crosscheck.py --n 0 --portfolio 20   # 20 random multi-study batches

With --portfolio N it also runs N batches of 2 to 5 random studies whose products get random
`code`s from a small pool (shared codes, codes with spaces, no code: keys by id) and compares
the batch's portfolio/shared_niches.csv and supply_matches.csv with
scripts/portfolio_reference.py, and registry.csv's rows with the studies' compliance.json.

Exit 0 when everything agrees, 1 on any mismatch. A failing study is copied to
/tmp/crosscheck-fail-<seed>/ and both outputs to /tmp/crosscheck-fail-<seed>-out/{rust,ref}/.

Pure Python 3.11 standard library.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "spec_reference.py")
PORTFOLIO_REFERENCE = os.path.join(HERE, "portfolio_reference.py")

NUMERIC_COLUMNS = {
    "needs.csv": {
        "stage", "demand_qty", "demand_rub", "import_rub", "cluster_rub", "domestic_rub",
        "import_share", "cluster_share", "domestic_share", "avg_price_rub",
        "benchmark_price_rub", "cost_premium",
    },
    "niches.csv": {
        "rank", "stage", "demand_qty", "demand_rub", "import_share", "cost_premium",
        "addressable_qty", "addressable_rub", "investment_rub", "downstream_final_rub",
        "demand_growth", "trend_rub", "plan_year", "plan_demand_rub",
        "support_rub", "payback_years", "payback_with_support_years",
    },
    "demand_outlook.csv": {
        "year", "demand_qty", "demand_rub", "import_rub", "low_rub", "high_rub",
    },
    "shared_niches.csv": {"addressable_qty", "addressable_rub", "investment_rub"},
    "supply_matches.csv": {"rank", "supplied_rub"},
    "support.csv": {"rank", "interest_rub", "equipment_rub", "amount_rub"},
}
NUMERIC_COLUMNS["needs.csv"].add("demand_growth")
# Figures from a regression, powers or a linear solve: summation order and pivoting differ.
LOOSE_COLUMNS = {"demand_growth", "trend_rub", "plan_demand_rub", "demand_qty", "demand_rub",
                 "import_rub", "low_rub", "high_rub"}
LOOSE_FILES = {"demand_outlook.csv"}
# Product codes for portfolio batches: "20 16 40" and "20.16.40" are different keys (only spaces
# are removed), "2841 61 000 0" and "2841610000" the same.
CODES = ["20.16.40", "20 16 40", "23.14.11", "2841 61 000 0", "2841610000", "1", "1."]

# Ids chosen so that byte order and case-insensitive order disagree ("B" < "a" < "b").
PARTICIPANT_IDS = ["B", "a", "A", "b", "Z9", "_u", "x.y", "c-1", "0k", "M_m", "aa", "AB",
                   "Ab", "zeta", "Q", "b.2", "B-2"]
PRODUCT_IDS = ["P", "p", "B", "a", "_x", "z.1", "Z-2", "0", "carbon-fiber", "Glass", "glass",
               "m1", "M1", "a.b", "A_b"]
ORIGINS = ["FR", "US", "NO", "de", "CN", "cn", "_1", "A-b"]
REGIONS = ["Республика Татарстан", "Московская область", "Саратовская область",
           "Region, with comma", 'Region "quoted"', "region b", "Region B"]
UNITS = ["т", "шт", "м²", "kg", "unit, odd"]
SUPPLIER_NAMES = ["Hexagon Composites", "Porcher Industries", "ООО «Стеклопластик»",
                  "Name, with comma", ""]
BOOL_TEXTS = ["true", "false", "1", "0", "yes", "no", "да", "нет", "TRUE", "Да", "No", ""]
THRESHOLD_FRACTIONS = {0.7: [(7, 10)], 0.5: [(1, 2), (5, 10)], 0.9: [(9, 10)],
                       0.0: [(0, 3)], 1.0: [(4, 4)], 0.25: [(1, 4)]}


# ---------------------------------------------------------------- number texts

def fmt_num(x: float) -> str:
    if isinstance(x, int):
        return str(x)
    text = format(Decimal(repr(x)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def num_text(rng: random.Random, x: float, fancy: bool) -> str:
    """A text that parses back to exactly x, in one of several notations."""
    # nichegraph rejects numbers above 1e15 in magnitude (docs/DECISIONS.md, "Hardening").
    x = math.copysign(min(abs(x), 1e15), x)
    if not fancy:
        return fmt_num(x)
    r = rng.random()
    if r < 0.6:
        return fmt_num(x)
    if r < 0.75 and x == math.floor(x) and abs(x) < 1e15:
        return f"{int(x)}.0"
    if r < 0.9:
        return repr(x)  # may contain e+16 / e-07
    d = Decimal(repr(x))
    t = format(d, "e" if rng.random() < 0.5 else "E")
    return t


def int_text(rng: random.Random, i: int, fancy: bool) -> str:
    if fancy and rng.random() < 0.2:
        return f"{i}.0"
    return str(i)


# ---------------------------------------------------------------- generator

class Gen:
    def __init__(self, seed: int):
        self.seed = seed
        self.rng = random.Random(seed)
        r = self.rng
        self.fancy = r.random() < 0.5          # notation variety in numbers
        self.value_style = r.choice(["tie", "dec", "big", "mixed", "tiny"])
        self.features: list[str] = []

    # values -------------------------------------------------------------
    def value(self) -> float:
        r = self.rng
        style = self.value_style
        if style == "mixed":
            style = r.choice(["tie", "dec", "big", "tiny"])
        if r.random() < 0.08:
            return 0.0
        if style == "tie":
            return float(r.choice([1, 5, 10, 100, 1000, 2500]))
        if style == "dec":
            return round(r.uniform(0, 1e6), r.choice([0, 1, 2, 3]))
        if style == "big":
            # nichegraph bounds every input number to 1e15 (docs/DECISIONS.md, "Hardening").
            return float(r.randint(1, 10**12)) * r.choice([1.0, 1e3, 0.01])
        return r.uniform(0, 1e-3)

    def qty(self) -> float:
        r = self.rng
        if r.random() < 0.1:
            return 0.0
        return r.choice([float(r.randint(1, 50)), round(r.uniform(0.001, 1e4), 3),
                         float(r.choice([1, 2, 4, 10]))])

    # study --------------------------------------------------------------
    def build(self) -> dict[str, str]:
        r = self.rng
        self.study_id = f"s{self.seed}-x"

        # criteria
        self.criteria = {
            "import_share_min": r.choice([0.7, 0.7, 0.5, 0.9, 0.0, 1.0, 0.25]),
            "critical_import_share": r.choice([0.9, 0.95, 0.0, 1.0]),
            "cost_premium_min": r.choice([0.2, 0.25, 0.5, 0.0, 1.0]),
            "min_demand_rub": r.choice([0.0, 0.0, 100.0, 1000.0, 1e6, 5000.5]),
        }
        self.capital_intensity = r.choice([1.0, 0.5, 2.5, 0.0, 1.0])
        self.investment_case()

        # participants
        n_part = r.randint(2, 8)
        ids = r.sample(PARTICIPANT_IDS, n_part)
        self.participants = []
        for pid in ids:
            role = r.choices(["industrial", "final_producer", "education", "infrastructure",
                              "specialized_org"], weights=[45, 30, 8, 8, 9])[0]
            if role == "industrial":
                stage = str(r.randint(1, 4))
            elif role == "final_producer":
                stage = r.choice(["", "4"])
            else:
                stage = ""
            out = r.random()
            output = None if out < 0.3 else (0.0 if out < 0.4 else min(self.value() + r.randint(0, 10**9), 1e15))
            emp = r.choice([None, r.randint(0, 1000)])
            hp = None if emp is None or r.random() < 0.3 else r.randint(0, emp)
            self.participants.append({
                "id": pid, "name": f"Org {pid}" if r.random() < 0.7 else f"ООО «{pid}», ltd",
                "region": r.choice(REGIONS), "role": role, "stage": stage,
                "employees": emp, "hp_jobs": hp, "in_governance": r.choice(BOOL_TEXTS),
                "output_rub": output, "inn": r.choice(["", "7701234567", "0012"]),
            })
        self.pids = [p["id"] for p in self.participants]
        self.pmap = {p["id"]: p for p in self.participants}

        # products
        n_prod = r.randint(1, 7)
        self.products = []
        for pid in r.sample(PRODUCT_IDS, n_prod):
            bench = None if r.random() < 0.3 else r.choice(
                [100.0, 80.0, 1000.0, 3.0, round(r.uniform(0.01, 1e6), 2)])
            capex = None if r.random() < 0.5 else r.choice([52000.0, 1.5, round(r.uniform(1, 1e7), 1)])
            mc = r.random()
            min_cap = None if mc < 0.5 else (0.0 if mc < 0.6 else r.choice([20000.0, 5.0, 1e6, 150.0]))
            self.products.append({
                "id": pid, "name": f"Product {pid}" if r.random() < 0.7 else f"Изделие «{pid}», 3,5 ГПа",
                "stage": r.randint(1, 4), "unit": r.choice(UNITS),
                "benchmark_price_rub": bench, "capex_rub_per_unit": capex, "min_capacity": min_cap,
            })

        # years
        ymode = r.choice(["none", "none_with_study_year", "single", "multi_study", "multi_latest"])
        self.year_column = ymode in ("single", "multi_study", "multi_latest")
        self.study_year = None
        years = []
        if ymode == "none_with_study_year":
            self.study_year = r.choice([2018, 2020])
        elif ymode == "single":
            years = [2018]
            self.study_year = r.choice([None, 2018])
        elif ymode != "none":
            years = sorted(r.sample([2015, 2016, 2017, 2018, 2019], r.randint(2, 5)))
            if ymode == "multi_study":
                self.study_year = r.choice(years)
        self.years = years
        self.selected = self.study_year if ymode in ("single", "multi_study") and self.study_year \
            else (years[-1] if years else None)
        self.features.append(f"years:{ymode}")

        # flows of the selected year
        self.flows = []  # dicts: supplier, supplier_name, consumer, product, quantity, value_rub, year
        for prod in self.products:
            scenario = r.choices(
                ["random", "dups", "import_exact", "cost_exact", "zero_value", "zero_qty",
                 "ties", "key80", "cycle"],
                weights=[30, 10, 12, 10, 6, 5, 10, 10, 7])[0]
            self.features.append(f"{prod['id']}:{scenario}")
            getattr(self, "flows_" + scenario)(prod)
        # clones: same flows under another product -> ties in addressable_rub / ranks
        if len(self.products) >= 2 and r.random() < 0.3:
            src, dst = r.sample(self.products, 2)
            self.flows = [f for f in self.flows if f["product"] != dst["id"]]
            for f in [f for f in self.flows if f["product"] == src["id"]]:
                self.flows.append(dict(f, product=dst["id"]))
            for key in ("benchmark_price_rub", "capex_rub_per_unit", "min_capacity"):
                dst[key] = src[key]
            self.features.append(f"clone:{src['id']}->{dst['id']}")

        self.make_leontief_safe()


        # rows of other years (must still be valid, and must be ignored)
        if self.year_column:
            other = [y for y in self.years if y != self.selected]
            for f in self.flows:
                f["year"] = self.selected
            for _ in range(r.randint(0, 6) if other else 0):
                f = self.random_flow(r.choice(self.products)["id"])
                if f:
                    f["year"] = r.choice(other)
                    self.flows.append(f)
            if other and r.random() < 0.5:
                # a product with flows only in another year: no needs row expected
                extra = {"id": "only-other-year", "name": "Other year only", "stage": 2,
                         "unit": "т", "benchmark_price_rub": 1.0, "capex_rub_per_unit": None,
                         "min_capacity": None}
                self.products.append(extra)
                for _ in range(2):
                    f = self.random_flow(extra["id"], supplier="import:FR")
                    if f:
                        f["year"] = r.choice(other)
                        self.flows.append(f)
        # A history: the selected year's flows again in the other years, scaled, so that
        # products have trends (some years left out per product: gaps and missing base years).
        if self.year_column and r.random() < 0.6:
            base = [f for f in self.flows if f["year"] == self.selected]
            for yr in self.years:
                if yr == self.selected:
                    continue
                growth = r.uniform(0.5, 1.5)
                for f in base:
                    if r.random() < 0.15:
                        continue
                    k = growth * r.uniform(0.9, 1.1)
                    v = f["value_rub"] * k
                    if 0 < v < 1e-6:
                        v = f["value_rub"]
                    q = f["quantity"] * k
                    if 0 < q < 1e-6:
                        q = f["quantity"]
                    self.flows.append(dict(f, value_rub=v, quantity=q, year=yr))
            self.features.append("history")
        r.shuffle(self.flows)

        # plans (they need a selected year)
        self.plans = []
        if self.selected is not None and r.random() < 0.6:
            used = set()
            for _ in range(r.randint(1, 5)):
                pid = r.choice(self.pids)
                yr = self.selected + r.randint(1, 3)
                if (pid, yr) in used:
                    continue
                used.add((pid, yr))
                out = self.pmap[pid]["output_rub"]
                choice = r.random()
                if choice < 0.15:
                    plan = 0.0
                elif choice < 0.6 and out:
                    plan = float(math.ceil(out * r.uniform(0.5, 2.5)))
                else:
                    plan = float(r.randint(0, 10**9))
                self.plans.append({"participant": pid, "year": yr, "output_rub": plan,
                                   "note": r.choice([None, "новая линия", "note, with comma"])})
            self.features.append(f"plans:{len(self.plans)}")
        self.horizon = r.randint(1, 10) if r.random() < 0.3 else None

        # specs
        self.specs = []
        if r.random() < 0.7:
            used = set()
            for prod in self.products:
                for _ in range(r.choice([0, 0, 1, 2, 3])):
                    cons = r.choice(self.pids)
                    param = r.choice(["tensile_gpa", "shear_mpa", "density"])
                    if (cons, prod["id"], param) in used:
                        continue
                    used.add((cons, prod["id"], param))
                    self.specs.append(self.spec_row(cons, prod["id"], param))
        return self.render()

    def investment_case(self):
        """[finance], [[support]] and lowered registry counts (so that eligibility varies)."""
        r = self.rng
        self.finance = {}
        if r.random() < 0.6:
            for key, choices in [("loan_share", [0.0, 0.5, 0.7, 1.0]),
                                 ("loan_rate", [0.0, 0.12, 0.085, 1.0]),
                                 ("loan_years", [1, 5, 7, 30]),
                                 ("equipment_share", [0.0, 0.6, 0.33, 1.0]),
                                 ("operating_margin", [0.0, 0.15, 0.07, 1.0])]:
                if r.random() < 0.6:
                    self.finance[key] = r.choice(choices)
        self.support = None  # the default programmes
        mode = r.choice(["default", "default", "none", "custom"])
        if mode == "none":
            self.support = []
        elif mode == "custom":
            # Ids where byte order and case-insensitive order disagree; equal amounts tie.
            self.support = []
            for pid in r.sample(["b", "B", "a", "A_1", "pp41"], r.randint(1, 4)):
                prog = {"id": pid, "name": f"Программа «{pid}», ред. 2",
                        "cap_rub": r.choice([1.0, 1e6, 5e8, 1e9, 1e15])}
                if r.random() < 0.8:
                    prog["interest_coverage"] = r.choice([0.0, 0.7, 1.0, 0.5])
                if r.random() < 0.8:
                    prog["equipment_coverage"] = r.choice([0.0, 0.15, 1.0])
                if r.random() < 0.6:
                    prog["requires_registry"] = r.choice([True, False])
                self.support.append(prog)
        # Lenient registry thresholds, so that compliance passes or is unknown in some studies.
        self.compliance_counts = {}
        if r.random() < 0.6:
            for key in ("industrial_count_min", "final_producer_min", "education_min",
                        "infrastructure_objects_min"):
                self.compliance_counts[key] = r.choice([0, 0, 1])
            for key in ("governance_share_min", "hp_jobs_share_min", "supplier_share_min",
                        "cooperation_share_min"):
                if r.random() < 0.8:
                    self.compliance_counts[key] = r.choice([0.0, 0.0, 0.1])
        self.features.append(f"support:{mode}")

    def investment_lines(self) -> list[str]:
        lines = []
        if self.support == []:
            lines.append("support = []")
        if self.finance:
            lines += ["", "[finance]"]
            for k, v in self.finance.items():
                lines.append(f"{k} = {v}" if isinstance(v, int) else f"{k} = {repr(float(v))}")
        if self.compliance_counts:
            lines += ["", "[compliance]"]
            lines += [f"{k} = {v!r}" for k, v in self.compliance_counts.items()]
        for prog in self.support or []:
            lines += ["", "[[support]]", f'id = "{prog["id"]}"', f'name = "{prog["name"]}"',
                      f"cap_rub = {repr(float(prog['cap_rub']))}"]
            for k in ("interest_coverage", "equipment_coverage"):
                if k in prog:
                    lines.append(f"{k} = {repr(float(prog[k]))}")
            if "requires_registry" in prog:
                lines.append(f"requires_registry = {str(prog['requires_registry']).lower()}")
        return lines

    # supplier helpers ----------------------------------------------------
    def random_supplier(self, consumer: str, kinds=("cluster", "import", "domestic")) -> str | None:
        r = self.rng
        kind = r.choice(kinds)
        if kind == "cluster":
            choices = [p for p in self.pids if p != consumer]
            if not choices:
                kind = "domestic"
            else:
                return r.choice(choices)
        if kind == "import":
            return "import:" + r.choice(ORIGINS)
        return "domestic"

    def supplier_name(self, supplier: str) -> str:
        if supplier in self.pmap:
            return ""
        return self.rng.choice(SUPPLIER_NAMES)

    def add(self, supplier, consumer, product, qty, value):
        assert supplier != consumer
        self.flows.append({"supplier": supplier, "supplier_name": self.supplier_name(supplier),
                           "consumer": consumer, "product": product,
                           "quantity": qty, "value_rub": value, "year": None})

    def random_flow(self, product, supplier=None):
        consumer = self.rng.choice(self.pids)
        supplier = supplier or self.random_supplier(consumer)
        return {"supplier": supplier, "supplier_name": self.supplier_name(supplier),
                "consumer": consumer, "product": product, "quantity": self.qty(),
                "value_rub": self.value(), "year": None}

    # flow scenarios ------------------------------------------------------
    def flows_random(self, prod):
        for _ in range(self.rng.randint(1, 8)):
            f = self.random_flow(prod["id"])
            self.flows.append(f)

    def flows_dups(self, prod):
        r = self.rng
        for _ in range(r.randint(1, 3)):
            consumer = r.choice(self.pids)
            supplier = self.random_supplier(consumer)
            for _ in range(r.randint(2, 4)):
                self.add(supplier, consumer, prod["id"], self.qty(), self.value())

    def flows_import_exact(self, prod):
        r = self.rng
        t = self.criteria["import_share_min"]
        a, b = r.choice(THRESHOLD_FRACTIONS[t])
        v = r.choice([100.0, 0.1, 3.3, 1.0, 7.0])
        for i in range(b):
            consumer = r.choice(self.pids)
            kinds = ("import",) if i < a else ("cluster", "domestic")
            self.add(self.random_supplier(consumer, kinds), consumer, prod["id"],
                     r.choice([1.0, 2.0, 0.0]), v)

    def flows_cost_exact(self, prod):
        r = self.rng
        c = self.criteria["cost_premium_min"]
        bench = r.choice([100.0, 80.0, 1000.0, 3.0, 4.0])
        prod["benchmark_price_rub"] = bench
        price = bench * (1.0 + c)
        parts = r.choice([[1.0], [2.0, 2.0], [1.0, 3.0], [4.0, 4.0, 2.0]])
        for q in parts:
            consumer = r.choice(self.pids)
            self.add(self.random_supplier(consumer), consumer, prod["id"], q, price * q)

    def flows_zero_value(self, prod):
        for _ in range(self.rng.randint(1, 4)):
            f = self.random_flow(prod["id"])
            f["value_rub"] = 0.0
            self.flows.append(f)

    def flows_zero_qty(self, prod):
        for _ in range(self.rng.randint(1, 4)):
            f = self.random_flow(prod["id"])
            f["quantity"] = 0.0
            self.flows.append(f)

    def flows_ties(self, prod):
        r = self.rng
        v = r.choice([10.0, 0.1, 1000.0, 0.0])
        consumers = r.sample(self.pids, r.randint(1, len(self.pids)))
        for c in consumers:
            self.add(self.random_supplier(c), c, prod["id"], self.qty(), v)

    def flows_key80(self, prod):
        r = self.rng
        pattern = r.choice([[80, 20], [40, 40, 20], [50, 30, 20], [10] * 10, [79, 1, 20],
                            [0.8, 0.2], [0.3, 0.3, 0.2, 0.2], [1] * 7, [60, 20, 10, 10]])
        consumers = r.sample(self.pids, min(len(pattern), len(self.pids)))
        for c, v in zip(consumers, pattern):
            self.add(self.random_supplier(c), c, prod["id"], self.qty(), float(v))

    def flows_cycle(self, prod):
        r = self.rng
        if len(self.pids) < 2:
            return self.flows_random(prod)
        ring = r.sample(self.pids, r.randint(2, min(4, len(self.pids))))
        for i, s in enumerate(ring):
            c = ring[(i + 1) % len(ring)]
            self.add(s, c, prod["id"], self.qty(), self.value())
        if r.random() < 0.5:
            c = r.choice(ring)
            self.add("import:" + r.choice(ORIGINS), c, prod["id"], self.qty(), self.value())

    # keep I - A comfortably invertible (column sums of A <= 1/2) ---------
    def make_leontief_safe(self):
        r = self.rng
        cluster_in = {p: 0.0 for p in self.pids}
        total_in = {p: 0.0 for p in self.pids}
        for f in self.flows:
            total_in[f["consumer"]] += f["value_rub"]
            if f["supplier"] in self.pmap:
                cluster_in[f["consumer"]] += f["value_rub"]
        filler = None
        for p in self.participants:
            cp = cluster_in[p["id"]]
            if cp == 0:
                continue
            out = p["output_rub"]
            if out is not None:
                if out > 0 and cp > 0.5 * out:
                    p["output_rub"] = float(math.ceil(cp * r.uniform(2.0, 5.0)))
            elif total_in[p["id"]] - cp < cp:
                if filler is None:
                    filler = {"id": "filler", "name": "Filler", "stage": 1, "unit": "т",
                              "benchmark_price_rub": None, "capex_rub_per_unit": None,
                              "min_capacity": None}
                    self.products.append(filler)
                    self.features.append("filler")
                self.add("domestic", p["id"], "filler", 1.0, float(math.ceil(2 * cp + 1)))

    def spec_row(self, consumer, product, param):
        r = self.rng
        lo = r.choice([None, 4.9, 100.0, 0.0])
        hi = r.choice([None, 5.5, 200.0]) if lo is not None else r.choice([5.5, 200.0])
        if lo is not None and hi is not None and lo > hi:
            lo, hi = hi, lo
        mode = r.choice(["none", "eq_min", "eq_max", "below", "above", "inside"])
        if mode == "none":
            avail = None
        elif mode == "eq_min":
            avail = lo if lo is not None else hi
        elif mode == "eq_max":
            avail = hi if hi is not None else lo
        elif mode == "below":
            avail = (lo if lo is not None else hi) - 0.1
        elif mode == "above":
            avail = (hi if hi is not None else lo) + 0.1
        else:
            base = lo if lo is not None else hi
            avail = base if hi is None or lo is None else (lo + hi) / 2
        return {"consumer": consumer, "product": product, "parameter": param,
                "required_min": lo, "required_max": hi, "available": avail}

    # rendering -----------------------------------------------------------
    def cell(self, v, integer=False) -> str:
        r = self.rng
        if v is None:
            return " " if self.fancy and r.random() < 0.1 else ""
        if isinstance(v, float):
            t = num_text(r, v, self.fancy)
        elif isinstance(v, int) and integer:
            t = int_text(r, v, self.fancy)
        else:
            t = str(v)
        if self.fancy and t and r.random() < 0.1:
            t = " " + t + "  "
        return t

    def csv_text(self, columns, rows, integer_cols=()) -> str:
        r = self.rng
        cols = list(columns)
        r.shuffle(cols)
        eol = "\r\n" if self.fancy and r.random() < 0.5 else "\n"
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator=eol)
        w.writerow(cols)
        for row in rows:
            w.writerow([self.cell(row.get(c), c in integer_cols) for c in cols])
            if self.fancy and r.random() < 0.05:
                buf.write(eol)  # blank line
        text = buf.getvalue()
        if self.fancy and r.random() < 0.3:
            text = "\ufeff" + text
        return text

    def render(self) -> dict[str, str]:
        r = self.rng
        files = {}
        lines = [f'id = "{self.study_id}"', 'name = "Кластер «Тест», seed"',
                 "regions = [" + ", ".join(f'"{x}"' for x in r.sample(REGIONS[:3], r.randint(1, 3))) + "]"]
        if self.study_year is not None:
            lines.append(f"year = {self.study_year}")
        crit = {k: v for k, v in self.criteria.items()
                if not (v == {"import_share_min": 0.7, "critical_import_share": 0.9,
                              "cost_premium_min": 0.2, "min_demand_rub": 0.0}[k] and r.random() < 0.5)}
        if crit:
            lines.append("")
            lines.append("[criteria]")
            for k, v in crit.items():
                lines.append(f"{k} = {repr(float(v))}")
        if self.capital_intensity != 1.0 or r.random() < 0.5:
            lines += ["", "[investment]", f"capital_intensity = {repr(self.capital_intensity)}"]
        # `support = []` is a top-level key: it must come before any table.
        extra = self.investment_lines()
        top = [x for x in extra if x == "support = []"]
        lines = lines[:3] + top + lines[3:] + [x for x in extra if x != "support = []"]
        if self.horizon is not None:
            lines += ["", "[outlook]", f"horizon = {self.horizon}"]
        files["study.toml"] = "\n".join(lines) + "\n"

        pcols = ["id", "name", "region", "role", "stage"]
        for opt in ["employees", "hp_jobs", "in_governance", "output_rub", "inn"]:
            has_value = any(p[opt] not in (None, "") for p in self.participants)
            if has_value or r.random() < 0.5:
                pcols.append(opt)
        if "hp_jobs" in pcols and "employees" not in pcols:
            pcols.append("employees")
        prows = []
        for p in self.participants:
            row = dict(p)
            row["stage"] = int(p["stage"]) if p["stage"] else None
            row["in_governance"] = p["in_governance"] or None
            row["inn"] = p["inn"] or None
            prows.append(row)
        files["participants.csv"] = self.csv_text(pcols, prows, {"stage", "employees", "hp_jobs"})

        rcols = ["id", "name", "stage", "unit"]
        for opt in ["benchmark_price_rub", "capex_rub_per_unit", "min_capacity"]:
            if any(p[opt] is not None for p in self.products) or r.random() < 0.5:
                rcols.append(opt)
        files["products.csv"] = self.csv_text(rcols, self.products, {"stage"})

        fcols = ["supplier", "consumer", "product", "quantity", "value_rub"]
        if any(f["supplier_name"] for f in self.flows) or r.random() < 0.3:
            fcols.append("supplier_name")
        if self.year_column:
            fcols.append("year")
        frows = [dict(f, supplier_name=f["supplier_name"] or None) for f in self.flows]
        files["flows.csv"] = self.csv_text(fcols, frows, {"year"})

        if self.specs or (r.random() < 0.2):
            scols = ["consumer", "product", "parameter", "required_min", "required_max"]
            if any(s["available"] is not None for s in self.specs) or r.random() < 0.5:
                scols.append("available")
            files["specs.csv"] = self.csv_text(scols, self.specs)
        if self.plans:
            pcols = ["participant", "year", "output_rub"]
            if any(p["note"] for p in self.plans) or r.random() < 0.5:
                pcols.append("note")
            files["plans.csv"] = self.csv_text(pcols, self.plans, {"year"})
        return files


# ---------------------------------------------------------------- comparison

def read_rows(path: str) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        return [], []
    return rows[0], rows[1:]


def close(a: float, b: float) -> bool:
    if a == b:
        return True
    return abs(a - b) <= max(1e-9, 1e-12 * max(abs(a), abs(b)))


def close_loose(a: float, b: float) -> bool:
    if a == b:
        return True
    return abs(a - b) <= max(1e-9, 1e-9 * max(abs(a), abs(b)))


def compare(seed: int, fname: str, rust_path: str, ref_path: str, stats: dict) -> list[str]:
    problems = []
    if not os.path.exists(rust_path):
        return [f"seed {seed}: {fname}: missing in Rust output"]
    rh, rrows = read_rows(rust_path)
    ph, prows = read_rows(ref_path)
    if fname == "niches.csv":
        # Compare the reference's columns by name; in the same order in both files.
        where = [rh.index(c) if c in rh else -1 for c in ph]
        if -1 in where or where != sorted(where):
            return [f"seed {seed}: {fname}: header differs: rust={rh} ref={ph}"]
        rrows = [[row[i] if i < len(row) else "" for i in where] for row in rrows]
        rh = ph
    if rh != ph:
        return [f"seed {seed}: {fname}: header differs: rust={rh} ref={ph}"]
    if len(rrows) != len(prows):
        problems.append(f"seed {seed}: {fname}: row count rust={len(rrows)} ref={len(prows)}")
    numeric = NUMERIC_COLUMNS[fname]
    for i, (ra, pa) in enumerate(zip(rrows, prows), start=1):
        if len(ra) != len(rh) or len(pa) != len(ph):
            problems.append(f"seed {seed}: {fname}: row {i}: cell count rust={len(ra)} ref={len(pa)}")
            continue
        for col, a, b in zip(rh, ra, pa):
            ok = True
            if col in numeric and a != "" and b != "":
                loose = fname in LOOSE_FILES or col in LOOSE_COLUMNS and fname != "needs.csv" \
                    or col == "demand_growth"
                try:
                    ok = close_loose(float(a), float(b)) if loose else close(float(a), float(b))
                except ValueError:
                    ok = False
                if ok and a != b:
                    stats["numeric_text_diffs"] += 1
                    if stats.get("show_text_diffs"):
                        print(f"seed {seed}: {fname}: row {i}: column {col}: within tolerance: "
                              f"rust={a!r} ref={b!r}")
            else:
                ok = a == b
            if not ok:
                key = prows[i - 1][1] if col != "product" else ""
                problems.append(f"seed {seed}: {fname}: row {i}{' (' + key + ')' if key else ''}: "
                                f"column {col}: rust={a!r} ref={b!r}")
    return problems


def run_one(seed: int, binary: str, stats: dict, verbose: bool) -> list[str]:
    gen = Gen(seed)
    files = gen.build()
    with tempfile.TemporaryDirectory(prefix=f"crosscheck-{seed}-") as tmp:
        study = os.path.join(tmp, "study")
        os.makedirs(study)
        for name, text in files.items():
            with open(os.path.join(study, name), "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        rust_out = os.path.join(tmp, "rust")
        ref_out = os.path.join(tmp, "ref")
        problems = []
        rp = subprocess.run([binary, "analyze", study, "--out", rust_out, "-q"],
                            capture_output=True, text=True)
        pp = subprocess.run([sys.executable, REFERENCE, study, ref_out],
                            capture_output=True, text=True)
        if pp.returncode != 0:
            problems.append(f"seed {seed}: reference failed (exit {pp.returncode}): {pp.stderr.strip()}")
        if rp.returncode != 0:
            problems.append(f"seed {seed}: nichegraph failed (exit {rp.returncode}): "
                            f"{(rp.stderr or rp.stdout).strip()[:2000]}")
        if not problems:
            for fname in ("needs.csv", "niches.csv", "support.csv", "demand_outlook.csv"):
                problems += compare(seed, fname, os.path.join(rust_out, gen.study_id, fname),
                                    os.path.join(ref_out, fname), stats)
        if problems:
            keep = f"/tmp/crosscheck-fail-{seed}"
            shutil.rmtree(keep, ignore_errors=True)
            shutil.copytree(study, keep)
            keep_out = keep + "-out"
            shutil.rmtree(keep_out, ignore_errors=True)
            os.makedirs(keep_out)
            if os.path.isdir(os.path.join(rust_out, gen.study_id)):
                shutil.copytree(os.path.join(rust_out, gen.study_id), os.path.join(keep_out, "rust"))
            if os.path.isdir(ref_out):
                shutil.copytree(ref_out, os.path.join(keep_out, "ref"))
            problems.append(f"seed {seed}: study kept in {keep}/ (features: {', '.join(gen.features)})")
        elif verbose:
            print(f"seed {seed}: ok ({', '.join(gen.features)})")
    return problems


def with_codes(rng: random.Random, products_csv: str) -> str:
    """products.csv with a `code` column: a random pool code or empty on each row."""
    text = products_csv.lstrip("\ufeff")
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(rows[0] + ["code"])
    for r in rows[1:]:
        w.writerow(r + ["" if rng.random() < 0.35 else rng.choice(CODES)])
    return buf.getvalue()


def run_portfolio(seed: int, binary: str, stats: dict, verbose: bool) -> list[str]:
    rng = random.Random(10**6 + seed)
    k = rng.randint(2, 5)
    with tempfile.TemporaryDirectory(prefix=f"crosscheck-portfolio-{seed}-") as tmp:
        src = os.path.join(tmp, "studies")
        dirs = []
        for j in range(k):
            gen = Gen(seed * 10 + j + 10**6)
            files = gen.build()
            files["products.csv"] = with_codes(rng, files["products.csv"])
            d = os.path.join(src, f"study{j}")
            os.makedirs(d)
            for name, text in files.items():
                with open(os.path.join(d, name), "w", encoding="utf-8", newline="") as fh:
                    fh.write(text)
            dirs.append((d, gen.study_id))
        rust_out, ref_out = os.path.join(tmp, "rust"), os.path.join(tmp, "ref")
        rp = subprocess.run([binary, "batch", src, "--out", rust_out, "-q"],
                            capture_output=True, text=True)
        pp = subprocess.run([sys.executable, PORTFOLIO_REFERENCE, ref_out] + [d for d, _ in dirs],
                            capture_output=True, text=True)
        problems = []
        if pp.returncode != 0:
            problems.append(f"portfolio {seed}: reference failed: {pp.stderr.strip()}")
        if rp.returncode != 0:
            problems.append(f"portfolio {seed}: nichegraph failed (exit {rp.returncode}): "
                            f"{(rp.stderr or rp.stdout).strip()[:2000]}")
        if not problems:
            for fname in ("shared_niches.csv", "supply_matches.csv"):
                _, got = read_rows(os.path.join(rust_out, "portfolio", fname))
                stats[fname] = stats.get(fname, 0) + len(got)
                problems += compare(seed, fname, os.path.join(rust_out, "portfolio", fname),
                                    os.path.join(ref_out, fname), stats)
            header, rows = read_rows(os.path.join(rust_out, "portfolio", "registry.csv"))
            ids = sorted((i for _, i in dirs), key=str.encode)
            if [r[0] for r in rows] != ids:
                problems.append(f"portfolio {seed}: registry.csv rows {[r[0] for r in rows]}, "
                                f"expected {ids}")
            for r in rows:
                with open(os.path.join(rust_out, r[0], "compliance.json"), encoding="utf-8") as fh:
                    c = json.load(fh)
                want = [c["overall"]] + [x["status"] for x in c["criteria"]]
                ids_want = ["study", "name", "overall"] + [x["id"] for x in c["criteria"]]
                if header != ids_want or r[2:] != want:
                    problems.append(f"portfolio {seed}: registry.csv row {r[0]}: {r} vs {want}")
        if problems:
            keep = f"/tmp/crosscheck-portfolio-fail-{seed}"
            shutil.rmtree(keep, ignore_errors=True)
            shutil.copytree(tmp, keep)
            problems.append(f"portfolio {seed}: batch kept in {keep}/")
        elif verbose:
            print(f"portfolio {seed}: ok ({k} studies)")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200, help="number of studies (default 200)")
    ap.add_argument("--seed", type=int, default=1, help="first study seed (default 1)")
    ap.add_argument("--only", type=int, help="run just this study seed")
    ap.add_argument("--bin", default="/work/main/target/debug/nichegraph",
                    help="nichegraph binary (default /work/main/target/debug/nichegraph)")
    ap.add_argument("--portfolio", type=int, default=0,
                    help="also run this many random multi-study batches (default 0)")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--show-text-diffs", action="store_true",
                    help="also list numeric cells that agree only within tolerance")
    args = ap.parse_args()
    if not os.path.exists(args.bin):
        print(f"crosscheck: binary not found: {args.bin} (run `cargo build`)", file=sys.stderr)
        return 2
    seeds = [args.only] if args.only is not None else range(args.seed, args.seed + args.n)
    stats = {"numeric_text_diffs": 0, "show_text_diffs": args.show_text_diffs}
    mismatches = 0
    failing = 0
    for seed in seeds:
        problems = run_one(seed, args.bin, stats, args.verbose)
        if problems:
            failing += 1
            mismatches += len(problems) - 1
            for p in problems:
                print(p)
    portfolio_seeds = range(args.seed, args.seed + args.portfolio)
    for seed in portfolio_seeds:
        problems = run_portfolio(seed, args.bin, stats, args.verbose)
        if problems:
            failing += 1
            mismatches += len(problems) - 1
            for p in problems:
                print(p)
    if args.portfolio:
        print(f"crosscheck: {args.portfolio} portfolio batches run "
              f"({stats.get('shared_niches.csv', 0)} shared niches, "
              f"{stats.get('supply_matches.csv', 0)} supply matches compared)")
    if stats["numeric_text_diffs"]:
        print(f"crosscheck: note: {stats['numeric_text_diffs']} numeric cells equal within "
              f"tolerance but not byte-identical")
    if mismatches:
        print(f"crosscheck: {len(seeds)} studies, {mismatches} mismatches in {failing} studies")
        print(f"crosscheck: {len(seeds) - failing} passed, {failing} failed")
        return 1
    print(f"crosscheck: {len(seeds)} studies, 0 mismatches")
    print(f"crosscheck: {len(seeds)} passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
