//! The outputs of `ingest`, rendered to bytes (no I/O): the flows as a hive-partitioned Parquet
//! dataset (`flows/year=<Y>/part-0.parquet`, the year in the path as Spark's `partitionBy`
//! writes it) or as flows.csv, and ingest.json.

use super::lines::{Sums, Tally};
use super::total::Rows;
use crate::error::{Error, Result};
use polars::prelude::*;

/// Shortest text that reads back to the same f64; never `-0`.
fn num(x: f64) -> String {
    format!("{}", x + 0.0)
}

/// flows.csv: the SPEC's flows columns, year included; rows as `Total::rows` orders them.
pub fn flows_csv(rows: &Rows) -> Result<Vec<u8>> {
    let err = |e: csv::Error| Error::render("flows.csv", e);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(crate::study::schema::FLOWS.iter().map(|c| c.name))
        .map_err(err)?;
    for (k, s) in &rows.rows {
        w.write_record([
            rows.supplier(k),
            rows.supplier_name(k),
            rows.consumer(k),
            rows.product(k),
            &num(s.quantity),
            &num(s.value_rub),
            &k.year.to_string(),
        ])
        .map_err(err)?;
    }
    w.into_inner().map_err(|e| Error::render("flows.csv", e))
}

/// The dataset's files: (path under flows/, bytes), one file per year, years ascending.
pub fn flows_parquet(rows: &Rows) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    for year_rows in rows.rows.chunk_by(|a, b| a.0.year == b.0.year) {
        let year = year_rows[0].0.year;
        let keys = || year_rows.iter().map(|(k, _)| k);
        let text = |name: &str, values: &mut dyn Iterator<Item = &str>| {
            StringChunked::from_iter_values(name.into(), values).into_column()
        };
        let names: StringChunked = year_rows
            .iter()
            .map(|(k, _)| Some(rows.supplier_name(k)).filter(|n| !n.is_empty()))
            .collect();
        let amount = |name: &str, f: fn(&Sums) -> f64| {
            let values: Vec<f64> = year_rows.iter().map(|(_, s)| f(s) + 0.0).collect();
            Column::new(name.into(), values)
        };
        let columns = vec![
            text("supplier", &mut keys().map(|k| rows.supplier(k))),
            names.with_name("supplier_name".into()).into_column(),
            text("consumer", &mut keys().map(|k| rows.consumer(k))),
            text("product", &mut keys().map(|k| rows.product(k))),
            amount("quantity", |s| s.quantity),
            amount("value_rub", |s| s.value_rub),
        ];
        let err = |e: PolarsError| Error::render(&format!("the flows of {year}"), e);
        let mut df = DataFrame::new(year_rows.len(), columns).map_err(err)?;
        let mut bytes = Vec::new();
        ParquetWriter::new(&mut bytes)
            .finish(&mut df)
            .map_err(err)?;
        out.push((format!("year={year}/part-0.parquet"), bytes));
    }
    Ok(out)
}

#[derive(serde::Serialize)]
struct Category {
    count: u64,
    value_rub: f64,
}

impl From<&Sums> for Category {
    fn from(s: &Sums) -> Self {
        Category {
            count: s.count,
            value_rub: s.value_rub + 0.0,
        }
    }
}

#[derive(serde::Serialize)]
struct IngestJson {
    read: Category,
    used: Category,
    unmatched_buyer: Category,
    unmatched_product: Category,
    internal: Category,
}

/// ingest.json: each category's line count and summed value_rub.
pub fn ingest_json(t: &Tally) -> Result<Vec<u8>> {
    let j = IngestJson {
        read: (&t.read).into(),
        used: (&t.used).into(),
        unmatched_buyer: (&t.unmatched_buyer).into(),
        unmatched_product: (&t.unmatched_product).into(),
        internal: (&t.internal).into(),
    };
    let mut out = serde_json::to_vec_pretty(&j).map_err(|e| Error::render("ingest.json", e))?;
    out.push(b'\n');
    Ok(out)
}
