//! The CSV outputs (`needs.csv`, `niches.csv`, `support.csv`, `import_content.csv`,
//! `demand_outlook.csv`): a [`Frame`] of the column
//! dictionary written with the SPEC's number, boolean and list forms.

use crate::analysis::Analysis;
use crate::error::{Error, Result};
use crate::report::columns::{self, Cell, Frame};

/// Shortest text that reads back to the same f64; never `-0`.
pub fn num(x: f64) -> String {
    format!("{}", x + 0.0)
}

fn cell(c: &Cell) -> String {
    match c {
        Cell::Text(s) => s.clone(),
        Cell::Num(x) => num(*x),
        Cell::Bool(b) => b.to_string(),
        Cell::Empty => String::new(),
    }
}

fn err(e: impl std::fmt::Display) -> Error {
    Error::render("CSV", e)
}

/// A frame as CSV: a header row of the SPEC names, then one record per row.
pub fn frame(f: &Frame) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(f.names()).map_err(err)?;
    for row in &f.rows {
        w.write_record(row.iter().map(cell)).map_err(err)?;
    }
    w.into_inner().map_err(err)
}

pub fn needs(a: &Analysis) -> Result<Vec<u8>> {
    frame(&columns::needs(a))
}

pub fn niches(a: &Analysis) -> Result<Vec<u8>> {
    frame(&columns::niches(a))
}

pub fn support(a: &Analysis) -> Result<Vec<u8>> {
    frame(&columns::support(a))
}

pub fn import_content(a: &Analysis) -> Result<Vec<u8>> {
    frame(&columns::import_content(a))
}

pub fn demand_outlook(a: &Analysis) -> Result<Vec<u8>> {
    frame(&columns::demand_outlook(a))
}
