//! The Parquet outputs for notebooks (`needs.parquet`, `niches.parquet`, …): a [`Frame`] of the
//! column dictionary with the columns of the CSV file of the same name and a type fixed by each
//! column's kind: text as UTF-8 strings, whole numbers as INT64, amounts, shares and quantities
//! as DOUBLE, booleans as BOOLEAN. Every column is optional; a cell the CSV leaves empty is null.
//!
//! Written by polars: one row group, Snappy pages, statistics, written on one thread, so the
//! bytes depend only on the frame (polars writes a fixed `created_by`, "Polars").

use crate::error::{Error, Result};
use crate::report::columns::{Cell, Frame, Kind, Meta};
use polars::prelude::{Column, DataFrame, ParquetCompression, ParquetWriter, StatisticsOptions};

fn err(e: impl std::fmt::Display) -> Error {
    Error::render("Parquet", e)
}

/// A cell that does not fit its column's kind is a bug in the dictionary; it is reported, not
/// written as null.
fn wrong(m: &Meta, c: &Cell) -> Error {
    err(format!("column {} holds {c:?}", m.name))
}

/// One column's values, `None` for a null, or the first cell that does not fit.
fn values<'a, T>(
    m: &Meta,
    cells: impl Iterator<Item = &'a Cell>,
    value: impl Fn(&'a Cell) -> Option<Option<T>>,
) -> Result<Vec<Option<T>>> {
    cells.map(|c| value(c).ok_or_else(|| wrong(m, c))).collect()
}

/// The polars column of a frame column: text as String, whole numbers as Int64, amounts,
/// shares and quantities as Float64, booleans as Boolean.
fn column<'a>(m: &Meta, cells: impl Iterator<Item = &'a Cell>) -> Result<Column> {
    let name = m.name.into();
    Ok(match m.kind {
        Kind::Text | Kind::Code => {
            let v = values(m, cells, |c| match c {
                Cell::Text(s) if s.is_empty() => Some(None),
                Cell::Text(s) => Some(Some(s.as_str())),
                Cell::Empty => Some(None),
                _ => None,
            })?;
            Column::new(name, v)
        }
        Kind::Int => {
            let v = values(m, cells, |c| match c {
                // Exactly whole and within i64: the cast below is then exact.
                Cell::Num(x) if x.fract() == 0.0 && x.abs() < 9.0e18 => Some(Some(*x as i64)),
                Cell::Empty => Some(None),
                _ => None,
            })?;
            Column::new(name, v)
        }
        Kind::Bool => {
            let v = values(m, cells, |c| match c {
                Cell::Bool(b) => Some(Some(*b)),
                Cell::Empty => Some(None),
                _ => None,
            })?;
            Column::new(name, v)
        }
        Kind::Rub | Kind::Price | Kind::Share | Kind::Premium | Kind::Qty | Kind::Years => {
            let v = values(m, cells, |c| match c {
                // As in the CSV, never -0.
                Cell::Num(x) => Some(Some(*x + 0.0)),
                Cell::Empty => Some(None),
                _ => None,
            })?;
            Column::new(name, v)
        }
    })
}

/// A frame as a Parquet file's bytes.
pub fn frame(f: &Frame) -> Result<Vec<u8>> {
    let columns = f
        .columns
        .iter()
        .enumerate()
        .map(|(i, m)| column(m, f.rows.iter().map(|r| &r[i])))
        .collect::<Result<Vec<_>>>()?;
    let mut df = DataFrame::new(f.rows.len(), columns).map_err(err)?;
    let mut buf = Vec::new();
    ParquetWriter::new(&mut buf)
        .with_compression(ParquetCompression::Snappy)
        .with_statistics(StatisticsOptions::default())
        .set_parallel(false)
        .finish(&mut df)
        .map_err(err)?;
    Ok(buf)
}

#[cfg(test)]
mod tests;
