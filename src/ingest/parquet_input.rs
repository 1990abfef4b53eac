//! Transaction lines in Parquet: one `.parquet` file, or a folder of them (read in path order,
//! `_` and `.` files such as Spark's `_SUCCESS` left out), read with polars a fixed number of
//! rows at a time.
//!
//! Each value becomes the text the CSV reader would see (a null is an empty cell, a float its
//! shortest round-trip text, an integer its digits), so every rule and message of the CSV input
//! applies. Problems name the file, the row and the column by its name; as for flows.parquet,
//! row N is record N - 1 (row 2 is the first record) and row 1 stands for the schema.

use super::lines::{Chunk, Layout, COLUMNS};
use crate::error::{Error, Problem, Result};
use crate::study::table::Table;
use polars::prelude::*;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The Parquet files of `path`: itself, or every `.parquet` file under it in path order.
pub fn files(path: &Path) -> Result<Vec<PathBuf>> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| Error::io("cannot read", &d, e))?;
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if name.starts_with(['_', '.']) {
                continue;
            }
            let Ok(kind) = e.file_type() else { continue };
            if kind.is_dir() {
                stack.push(e.path());
            } else if name.ends_with(".parquet") {
                out.push(e.path());
            }
        }
    }
    out.sort();
    if out.is_empty() {
        return Err(Error::Data(vec![Problem::file(
            &path.display().to_string(),
            "the folder has no .parquet file; expected transaction lines as Parquet files, or a transactions.csv file",
        )]));
    }
    Ok(out)
}

fn unreadable(shown: &str, e: impl std::fmt::Display) -> Error {
    Error::Data(vec![Problem::file(
        shown,
        format!("cannot read the file as Parquet: {e}; expected an Apache Parquet file of transaction lines"),
    )])
}

/// A column of one slice, as the reader turns its values into text.
enum Values {
    Text(StringChunked),
    Float(Float64Chunked),
    Int(Int64Chunked),
    Absent,
}

fn values(df: &DataFrame, name: &str, shown: &str) -> Result<Values> {
    let Ok(c) = df.column(name) else {
        return Ok(Values::Absent);
    };
    let s = c.as_materialized_series().rechunk();
    let dtype = s.dtype().clone();
    let cast = |to: &DataType| s.cast(to).map_err(|e| unreadable(shown, e));
    Ok(if dtype.is_float() {
        Values::Float(
            cast(&DataType::Float64)?
                .f64()
                .map_err(|e| unreadable(shown, e))?
                .clone(),
        )
    } else if dtype.is_integer() {
        Values::Int(
            cast(&DataType::Int64)?
                .i64()
                .map_err(|e| unreadable(shown, e))?
                .clone(),
        )
    } else {
        // Text, dates (as YYYY-MM-DD), anything else polars can write as text.
        match s.cast(&DataType::String) {
            Ok(t) => Values::Text(t.str().map_err(|e| unreadable(shown, e))?.clone()),
            Err(_) => {
                return Err(Error::Data(vec![Problem::file(
                    shown,
                    format!("the column has values of type {dtype}; expected text or numbers"),
                )
                .at_line(1)
                .with_field(name)]))
            }
        }
    })
}

/// Reads every file and hands its rows to `sink`, `chunk_lines` at a time.
pub fn read(
    paths: &[PathBuf],
    chunk_lines: usize,
    mut sink: impl FnMut(Chunk) -> Result<()>,
) -> Result<()> {
    for path in paths {
        let shown = path.display().to_string();
        let open = || std::fs::File::open(path).map_err(|e| Error::io("cannot read", path, e));
        let mut reader = ParquetReader::new(open()?);
        let schema = reader.schema().map_err(|e| unreadable(&shown, e))?;
        let metadata = reader
            .get_metadata()
            .map_err(|e| unreadable(&shown, e))?
            .clone();
        let rows = metadata.num_rows;
        let names: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
        let mut problems = Vec::new();
        let _ = Table::from_records(
            &shown,
            1,
            names.clone(),
            Vec::new(),
            &COLUMNS,
            &mut problems,
            |i| names[i].clone(),
        );
        if !problems.is_empty() {
            return Err(Error::Data(problems));
        }
        let present: Vec<&str> = COLUMNS
            .iter()
            .map(|c| c.name)
            .filter(|n| names.iter().any(|m| m == n))
            .collect();
        let mut positions = [None; 8];
        for (k, c) in COLUMNS.iter().enumerate() {
            positions[k] = present.iter().position(|n| *n == c.name);
        }
        let layout = Arc::new(Layout {
            file: shown.clone(),
            positions,
            labels: present.iter().map(|n| n.to_string()).collect(),
            decimal_comma: false,
            comma_groups: false,
        });
        let mut offset = 0;
        while offset < rows {
            let len = chunk_lines.min(rows - offset);
            let mut r = ParquetReader::new(open()?)
                .with_slice(Some((offset, len)))
                .with_columns(Some(present.iter().map(|n| n.to_string()).collect()));
            r.set_metadata(metadata.clone());
            let df = r.finish().map_err(|e| unreadable(&shown, e))?;
            let cols = present
                .iter()
                .map(|n| values(&df, n, &shown))
                .collect::<Result<Vec<_>>>()?;
            let mut chunk = Chunk {
                layout: layout.clone(),
                places: Vec::with_capacity(df.height()),
                records: Vec::with_capacity(df.height()),
                problems: Vec::new(),
            };
            let mut text = String::new();
            for i in 0..df.height() {
                let mut record = csv::ByteRecord::new();
                for c in &cols {
                    text.clear();
                    match c {
                        Values::Text(ca) => text.push_str(ca.get(i).unwrap_or("")),
                        Values::Float(ca) => {
                            if let Some(v) = ca.get(i) {
                                let _ = write!(text, "{v}");
                            }
                        }
                        Values::Int(ca) => {
                            if let Some(v) = ca.get(i) {
                                let _ = write!(text, "{v}");
                            }
                        }
                        Values::Absent => {}
                    }
                    record.push_field(text.as_bytes());
                }
                // Row 2 is the first record (row 1 is the schema), as in flows.parquet.
                chunk.places.push((offset + i) as u64 + 2);
                chunk.records.push(record);
            }
            sink(chunk)?;
            offset += len;
        }
    }
    Ok(())
}
