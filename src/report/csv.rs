//! `needs.csv` and `niches.csv`, with the SPEC's column names and order.

use crate::analysis::{Analysis, Need};
use crate::error::{Error, Result};

/// Shortest text that reads back to the same f64; never `-0`.
pub fn num(x: f64) -> String {
    format!("{}", x + 0.0)
}

fn opt(x: Option<f64>) -> String {
    x.map(num).unwrap_or_default()
}

fn flags(n: &Need) -> String {
    n.flags
        .iter()
        .map(|f| f.as_str())
        .collect::<Vec<_>>()
        .join("|")
}

fn finish(w: csv::Writer<Vec<u8>>) -> Result<Vec<u8>> {
    w.into_inner()
        .map_err(|e| Error::Other(format!("cannot render CSV: {e}")))
}

fn write_row<I, S>(w: &mut csv::Writer<Vec<u8>>, row: I) -> Result<()>
where
    I: IntoIterator<Item = S>,
    S: AsRef<[u8]>,
{
    w.write_record(row)
        .map_err(|e| Error::Other(format!("cannot render CSV: {e}")))
}

pub const NEEDS_COLUMNS: [&str; 18] = [
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
];

pub fn needs(a: &Analysis) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    write_row(&mut w, NEEDS_COLUMNS)?;
    for n in &a.needs {
        write_row(
            &mut w,
            [
                n.product.clone(),
                n.product_name.clone(),
                n.stage.to_string(),
                n.unit.clone(),
                num(n.demand_qty),
                num(n.demand_rub),
                num(n.import_rub),
                num(n.cluster_rub),
                num(n.domestic_rub),
                num(n.import_share),
                num(n.cluster_share),
                num(n.domestic_share),
                opt(n.avg_price_rub),
                opt(n.benchmark_price_rub),
                opt(n.cost_premium),
                n.spec_gap.to_string(),
                flags(n),
                n.is_niche.to_string(),
            ],
        )?;
    }
    finish(w)
}

pub const NICHES_COLUMNS: [&str; 18] = [
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
];

pub fn niches(a: &Analysis) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    write_row(&mut w, NICHES_COLUMNS)?;
    for niche in &a.niches {
        let n = &niche.need;
        let keys: Vec<&str> = n.key_consumers.iter().map(|k| k.id.as_str()).collect();
        write_row(
            &mut w,
            [
                niche.rank.to_string(),
                n.product.clone(),
                n.product_name.clone(),
                n.stage.to_string(),
                n.unit.clone(),
                flags(n),
                num(n.demand_qty),
                num(n.demand_rub),
                num(n.import_share),
                opt(n.cost_premium),
                n.spec_gap.to_string(),
                num(n.addressable_qty),
                num(n.addressable_rub),
                num(n.investment_rub),
                n.investment_basis.as_str().to_string(),
                keys.join("|"),
                n.regions.join("|"),
                num(n.downstream_final_rub),
            ],
        )?;
    }
    finish(w)
}

pub const IMPORT_CONTENT_COLUMNS: [&str; 7] = [
    "participant",
    "name",
    "stage",
    "output_rub",
    "estimated_output",
    "direct_import_share",
    "total_import_share",
];

pub fn import_content(a: &Analysis) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    write_row(&mut w, IMPORT_CONTENT_COLUMNS)?;
    for r in &a.import_content {
        write_row(
            &mut w,
            [
                r.participant.clone(),
                r.name.clone(),
                r.stage.map(|s| s.to_string()).unwrap_or_default(),
                num(r.output_rub),
                r.estimated_output.to_string(),
                num(r.direct_import_share),
                num(r.total_import_share),
            ],
        )?;
    }
    finish(w)
}
