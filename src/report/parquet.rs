//! The Parquet outputs for notebooks (`needs.parquet`, `niches.parquet`, …): a [`Frame`] of the
//! column dictionary with the columns of the CSV file of the same name and a type fixed by each
//! column's kind: text as UTF-8 strings, whole numbers as INT64, amounts, shares and quantities
//! as DOUBLE, booleans as BOOLEAN. Every column is optional; a cell the CSV leaves empty is null.
//!
//! Written with the `parquet` crate's low-level writer (no Arrow): one row group, Snappy pages,
//! and a fixed `created_by`, so the bytes depend only on the frame.

use crate::error::{Error, Result};
use crate::report::columns::{Cell, Frame, Kind, Meta};
use parquet::basic::{Compression, LogicalType, Repetition, Type as Physical};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;
use std::sync::Arc;

/// Not the crate's default, which names its version: a dependency update alone does not
/// change the files.
const CREATED_BY: &str = "nichegraph";

fn err(e: impl std::fmt::Display) -> Error {
    Error::render("Parquet", e)
}

/// The physical type and, for text, the String logical type of a column of this kind.
pub fn physical(kind: Kind) -> (Physical, Option<LogicalType>) {
    match kind {
        Kind::Text | Kind::Code => (Physical::BYTE_ARRAY, Some(LogicalType::String)),
        Kind::Int => (Physical::INT64, None),
        Kind::Bool => (Physical::BOOLEAN, None),
        Kind::Rub | Kind::Price | Kind::Share | Kind::Premium | Kind::Qty | Kind::Years => {
            (Physical::DOUBLE, None)
        }
    }
}

fn field(m: &Meta) -> Result<Arc<Type>> {
    let (t, logical) = physical(m.kind);
    let f = Type::primitive_type_builder(m.name, t)
        .with_repetition(Repetition::OPTIONAL)
        .with_logical_type(logical)
        .build()
        .map_err(err)?;
    Ok(Arc::new(f))
}

/// A cell that does not fit its column's kind is a bug in the dictionary; it is reported, not
/// written as null.
fn wrong(m: &Meta, c: &Cell) -> Error {
    err(format!("column {} holds {c:?}", m.name))
}

/// The values of the present cells and the definition levels (1 present, 0 null) of a column.
fn split<'a, T>(
    m: &Meta,
    cells: impl Iterator<Item = &'a Cell>,
    value: impl Fn(&'a Cell) -> Option<Option<T>>,
) -> Result<(Vec<T>, Vec<i16>)> {
    let (mut values, mut levels) = (Vec::new(), Vec::new());
    for c in cells {
        match value(c) {
            Some(Some(v)) => {
                values.push(v);
                levels.push(1);
            }
            Some(None) => levels.push(0),
            None => return Err(wrong(m, c)),
        }
    }
    Ok((values, levels))
}

/// A frame as a Parquet file's bytes.
pub fn frame(f: &Frame) -> Result<Vec<u8>> {
    let fields = f.columns.iter().map(|m| field(m)).collect::<Result<_>>()?;
    let schema = Type::group_type_builder("schema")
        .with_fields(fields)
        .build()
        .map_err(err)?;
    let props = WriterProperties::builder()
        .set_created_by(CREATED_BY.to_string())
        .set_compression(Compression::SNAPPY)
        .build();
    let mut buf = Vec::new();
    let mut w =
        SerializedFileWriter::new(&mut buf, Arc::new(schema), Arc::new(props)).map_err(err)?;
    if !f.rows.is_empty() {
        let mut group = w.next_row_group().map_err(err)?;
        let mut i = 0;
        while let Some(mut col) = group.next_column().map_err(err)? {
            let m = f.columns[i];
            let cells = f.rows.iter().map(|r| &r[i]);
            match m.kind {
                Kind::Text | Kind::Code => {
                    let (v, d) = split(m, cells, |c| match c {
                        Cell::Text(s) if s.is_empty() => Some(None),
                        Cell::Text(s) => Some(Some(ByteArray::from(s.as_str()))),
                        Cell::Empty => Some(None),
                        _ => None,
                    })?;
                    col.typed::<ByteArrayType>().write_batch(&v, Some(&d), None)
                }
                Kind::Int => {
                    let (v, d) = split(m, cells, |c| match c {
                        // Exactly whole and within i64: the cast below is then exact.
                        Cell::Num(x) if x.fract() == 0.0 && x.abs() < 9.0e18 => {
                            Some(Some(*x as i64))
                        }
                        Cell::Empty => Some(None),
                        _ => None,
                    })?;
                    col.typed::<Int64Type>().write_batch(&v, Some(&d), None)
                }
                Kind::Bool => {
                    let (v, d) = split(m, cells, |c| match c {
                        Cell::Bool(b) => Some(Some(*b)),
                        Cell::Empty => Some(None),
                        _ => None,
                    })?;
                    col.typed::<BoolType>().write_batch(&v, Some(&d), None)
                }
                Kind::Rub | Kind::Price | Kind::Share | Kind::Premium | Kind::Qty | Kind::Years => {
                    let (v, d) = split(m, cells, |c| match c {
                        // As in the CSV, never -0.
                        Cell::Num(x) => Some(Some(*x + 0.0)),
                        Cell::Empty => Some(None),
                        _ => None,
                    })?;
                    col.typed::<DoubleType>().write_batch(&v, Some(&d), None)
                }
            }
            .map_err(err)?;
            col.close().map_err(err)?;
            i += 1;
        }
        group.close().map_err(err)?;
    }
    w.close().map_err(err)?;
    Ok(buf)
}

#[cfg(test)]
mod tests;
