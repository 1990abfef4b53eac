//! The outputs of `ingest`, rendered to bytes (no I/O): the flows as a hive-partitioned Parquet
//! dataset (`flows/year=<Y>/part-0.parquet`, the year in the path as Spark's `partitionBy`
//! writes it) or as flows.csv, and ingest.json.

use super::lines::{Sums, Tally};
use super::total::FlowRow;
use crate::error::{Error, Result};
use polars::prelude::*;

/// Shortest text that reads back to the same f64; never `-0`.
fn num(x: f64) -> String {
    format!("{}", x + 0.0)
}

/// flows.csv: the SPEC's flows columns, year included; rows as `Total::rows` orders them.
pub fn flows_csv(rows: &[FlowRow]) -> Result<Vec<u8>> {
    let err = |e: csv::Error| Error::render("flows.csv", e);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(crate::study::schema::FLOWS.iter().map(|c| c.name))
        .map_err(err)?;
    for r in rows {
        w.write_record([
            r.supplier.as_str(),
            &r.supplier_name,
            &r.consumer,
            &r.product,
            &num(r.quantity),
            &num(r.value_rub),
            &r.year.to_string(),
        ])
        .map_err(err)?;
    }
    w.into_inner().map_err(|e| Error::render("flows.csv", e))
}

/// The dataset's files: (path under flows/, bytes), one file per year, years ascending.
pub fn flows_parquet(rows: &[FlowRow]) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    for year_rows in rows.chunk_by(|a, b| a.year == b.year) {
        let year = year_rows[0].year;
        let text = |f: fn(&FlowRow) -> &str| -> Vec<&str> { year_rows.iter().map(f).collect() };
        let names: Vec<Option<&str>> = year_rows
            .iter()
            .map(|r| (!r.supplier_name.is_empty()).then_some(r.supplier_name.as_str()))
            .collect();
        let columns = vec![
            Column::new("supplier".into(), text(|r| r.supplier.as_str())),
            Column::new("supplier_name".into(), names),
            Column::new("consumer".into(), text(|r| r.consumer.as_str())),
            Column::new("product".into(), text(|r| r.product.as_str())),
            Column::new(
                "quantity".into(),
                year_rows
                    .iter()
                    .map(|r| r.quantity + 0.0)
                    .collect::<Vec<f64>>(),
            ),
            Column::new(
                "value_rub".into(),
                year_rows
                    .iter()
                    .map(|r| r.value_rub + 0.0)
                    .collect::<Vec<f64>>(),
            ),
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
