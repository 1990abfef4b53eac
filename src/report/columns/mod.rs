//! The one dictionary of output columns: for every column of every output table, its SPEC name,
//! its kind (which fixes its type and its display), its Russian and English description, and how
//! its value is read from the result model.
//!
//! The CSV and XLSX writers (and any later format) render a [`Frame`], which this module builds
//! from the dictionary, so a column is defined in exactly one place: adding one is one entry in
//! a dictionary and its name in a table's list.

use crate::analysis::model::OutlookRow;
use crate::analysis::portfolio::Portfolio;
use crate::analysis::{Analysis, Need, Niche, ProgrammeEstimate};

mod doc;
mod import_content;
mod needs;
mod outlook;
mod portfolio;
mod support;

pub use doc::doc;
pub use import_content::IMPORT_CONTENT_COLUMNS;
pub use needs::NEED_COLUMNS;
pub use outlook::OUTLOOK_COLUMNS;
pub use portfolio::{REGISTRY_COLUMNS, SHARED_NICHE_COLUMNS, SUPPLY_MATCH_COLUMNS};
pub use support::SUPPORT_COLUMNS;

/// What a column holds; fixes its type in typed formats and how it is shown to people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Identifiers and names.
    Text,
    /// Short codes (`flags`, `investment_basis`).
    Code,
    /// Whole numbers: rank, stage, year.
    Int,
    /// Money totals, `# ##0`.
    Rub,
    /// Prices per unit: `# ##0`, or with kopecks when fractional.
    Price,
    /// Fractions shown as `0.0%`.
    Share,
    /// Signed fractions shown as `+0.0%;-0.0%`.
    Premium,
    /// Quantities in the product's unit, `# ##0.###`.
    Qty,
    /// Years, as a plain number.
    Years,
    Bool,
}

/// One value. Whole numbers are `Num` too: their column's kind says they are whole.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Num(f64),
    Bool(bool),
    Empty,
}

impl Cell {
    pub fn text(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }

    pub fn opt(x: Option<f64>) -> Cell {
        x.map(Cell::Num).unwrap_or(Cell::Empty)
    }

    /// Items joined with `|`, the SPEC's list form.
    pub fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> Cell {
        Cell::Text(items.into_iter().collect::<Vec<_>>().join("|"))
    }
}

/// A column's name and meaning.
#[derive(Debug)]
pub struct Meta {
    pub name: &'static str,
    pub kind: Kind,
    pub ru: &'static str,
    pub en: &'static str,
}

/// A column: its meaning and `get`, the function that reads its value from a row.
pub struct Column<G: 'static> {
    pub meta: Meta,
    pub get: G,
}

/// How a needs or niches column reads a row: the need, and its niche when it is one.
pub type NeedGetter = fn(&Need, Option<&Niche>) -> Cell;

/// How a support.csv column reads a row: the niche and one programme's estimate for it.
pub type SupportGetter = fn(&Niche, &ProgrammeEstimate) -> Cell;
/// How a `demand_outlook.csv` column reads a row: the product's need and one outlook row.
pub type OutlookGetter = fn(&Need, &OutlookRow) -> Cell;

/// How a column of a table with one model struct per row reads a row.
pub type RowGetter<R> = fn(&R) -> Cell;

/// A table ready to write: its columns' meanings and its rows of cells, in order.
pub struct Frame {
    pub columns: Vec<&'static Meta>,
    pub rows: Vec<Vec<Cell>>,
}

impl Frame {
    pub fn names(&self) -> Vec<&'static str> {
        self.columns.iter().map(|m| m.name).collect()
    }

    fn build<G, R>(
        dict: &'static [Column<G>],
        names: &[&str],
        rows: impl Iterator<Item = R>,
        read: impl Fn(&G, &R) -> Cell,
    ) -> Frame {
        let cols: Vec<&'static Column<G>> = names.iter().map(|n| column(dict, n)).collect();
        Frame {
            columns: cols.iter().map(|c| &c.meta).collect(),
            rows: rows
                .map(|r| cols.iter().map(|c| read(&c.get, &r)).collect())
                .collect(),
        }
    }
}

/// The column of that name; the table lists are checked against the dictionaries by a test, so
/// a missing name is a bug in this file, caught before release.
fn column<G>(dict: &'static [Column<G>], name: &str) -> &'static Column<G> {
    match dict.iter().find(|c| c.meta.name == name) {
        Some(c) => c,
        None => panic!("output column {name} is not in the column dictionary"),
    }
}

/// `needs.csv` / `needs.xlsx`, in SPEC order.
pub const NEEDS: [&str; 19] = [
    "product",
    "product_name",
    "stage",
    "unit",
    "demand_qty",
    "demand_rub",
    "import_rub",
    "cluster_rub",
    "domestic_rub",
    "import_share",
    "cluster_share",
    "domestic_share",
    "avg_price_rub",
    "benchmark_price_rub",
    "cost_premium",
    "spec_gap",
    "flags",
    "is_niche",
    "demand_growth",
];

/// `niches.csv` / `niches.xlsx`, in SPEC order.
pub const NICHES: [&str; 26] = [
    "rank",
    "product",
    "product_name",
    "stage",
    "unit",
    "flags",
    "demand_qty",
    "demand_rub",
    "import_share",
    "cost_premium",
    "spec_gap",
    "addressable_qty",
    "addressable_rub",
    "investment_rub",
    "investment_basis",
    "key_consumers",
    "regions",
    "downstream_final_rub",
    "demand_growth",
    "trend_rub",
    "plan_year",
    "plan_demand_rub",
    // v2, the investment case.
    "support_programme",
    "support_rub",
    "payback_years",
    "payback_with_support_years",
];

/// `support.csv`, in SPEC order: one row per niche and programme.
pub const SUPPORT: [&str; 8] = [
    "rank",
    "product",
    "programme",
    "programme_name",
    "eligibility",
    "interest_rub",
    "equipment_rub",
    "amount_rub",
];

/// `demand_outlook.csv`, in SPEC order.
pub const DEMAND_OUTLOOK: [&str; 10] = [
    "product",
    "product_name",
    "unit",
    "year",
    "kind",
    "demand_qty",
    "demand_rub",
    "import_rub",
    "low_rub",
    "high_rub",
];

/// `import_content.csv`, in SPEC order.
pub const IMPORT_CONTENT: [&str; 7] = [
    "participant",
    "name",
    "stage",
    "output_rub",
    "estimated_output",
    "direct_import_share",
    "total_import_share",
];

/// `portfolio/shared_niches.csv`, in SPEC order.
pub const SHARED_NICHES: [&str; 7] = [
    "key",
    "product_name",
    "studies",
    "units",
    "addressable_qty",
    "addressable_rub",
    "investment_rub",
];

/// `portfolio/supply_matches.csv`, in SPEC order.
pub const SUPPLY_MATCHES: [&str; 8] = [
    "study",
    "rank",
    "product",
    "key",
    "supplier_study",
    "supplier",
    "supplier_name",
    "supplied_rub",
];

/// `portfolio/registry.csv`: the study, then one status per compliance criterion in the order
/// of `analysis::compliance::CRITERIA` (a test keeps the two lists equal).
pub const REGISTRY: [&str; 11] = [
    "study",
    "name",
    "overall",
    "industrial_count",
    "final_producer",
    "education",
    "infrastructure_objects",
    "governance",
    "hp_jobs",
    "supplier_share_each",
    "cooperation",
];

pub fn shared_niches(p: &Portfolio) -> Frame {
    Frame::build(
        SHARED_NICHE_COLUMNS,
        &SHARED_NICHES,
        p.shared.iter(),
        |get, r| get(r),
    )
}

pub fn supply_matches(p: &Portfolio) -> Frame {
    Frame::build(
        SUPPLY_MATCH_COLUMNS,
        &SUPPLY_MATCHES,
        p.matches.iter(),
        |get, r| get(r),
    )
}

pub fn registry(p: &Portfolio) -> Frame {
    Frame::build(REGISTRY_COLUMNS, &REGISTRY, p.registry.iter(), |get, r| {
        get(r)
    })
}

pub fn needs(a: &Analysis) -> Frame {
    Frame::build(NEED_COLUMNS, &NEEDS, a.needs.iter(), |get, n| get(n, None))
}

pub fn niches(a: &Analysis) -> Frame {
    Frame::build(NEED_COLUMNS, &NICHES, a.niches.iter(), |get, n| {
        get(&n.need, Some(n))
    })
}

/// By rank, then programme in the order of study.toml (or of the default programmes).
pub fn support(a: &Analysis) -> Frame {
    let rows = a
        .niches
        .iter()
        .flat_map(|n| n.support.programmes.iter().map(move |s| (n, s)));
    Frame::build(SUPPORT_COLUMNS, &SUPPORT, rows, |get, (n, s)| get(n, s))
}

/// Per product with flows in the selected year, its history, trend and plan rows: by product,
/// then year, then kind.
pub fn demand_outlook(a: &Analysis) -> Frame {
    let rows = a
        .needs
        .iter()
        .flat_map(|n| n.outlook.rows().into_iter().map(move |r| (n, r)));
    Frame::build(OUTLOOK_COLUMNS, &DEMAND_OUTLOOK, rows, |get, (n, r)| {
        get(n, r)
    })
}

pub fn import_content(a: &Analysis) -> Frame {
    Frame::build(
        IMPORT_CONTENT_COLUMNS,
        &IMPORT_CONTENT,
        a.import_content.iter(),
        |get, r| get(r),
    )
}

const fn meta(name: &'static str, kind: Kind, ru: &'static str, en: &'static str) -> Meta {
    Meta { name, kind, ru, en }
}

#[cfg(test)]
mod tests;
