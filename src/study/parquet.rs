//! A study's flows as an Apache Parquet file, `flows.parquet`, read instead of flows.csv for
//! large data. It has the columns of flows.csv.
//!
//! Every value becomes the text the CSV loader would have read (a null is an empty cell, a
//! float its shortest round-trip text, an integer its digits, a decimal its exact digits), and
//! the rows become a `Table`, so every rule and message of flows.csv applies unchanged. A value
//! of the wrong type, such as the text "abc" in `quantity`, is reported per cell by that
//! validation.
//!
//! Problems name the file, the row and the column by its name. Row N is record N - 1 (1-based),
//! so row 2 is the first record, as line 2 is the first data row of a CSV file with its header
//! on line 1, and row 1 stands for the schema (the "header"). A file that cannot be read as
//! Parquet is one problem naming it.

use super::schema::Column;
use super::table::Table;
use crate::error::Problem;
use polars::prelude::{DataType, ParquetReader, SerReader, Series};
use std::fs::File;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

/// The row that stands for the schema's column names.
const HEADER_ROW: u64 = 1;

/// Reads the Parquet file at `path` (shown as `shown`) as a table with `columns`. Problems go
/// to `problems`; `None` when the file cannot be read or its columns are wrong.
pub(super) fn read(
    path: &Path,
    shown: &str,
    columns: &[Column],
    problems: &mut Vec<Problem>,
) -> Option<Table> {
    let (header, records, odd, _) = read_records(path, shown, problems)?;
    problems.extend(odd);
    Table::from_records(
        shown,
        HEADER_ROW,
        header.clone(),
        records,
        columns,
        problems,
        |i| header[i].clone(),
    )
}

/// Reads the files of a dataset, `(shown, path, year of its partition)` in order, as one table
/// whose rows name their own file and row. A partition's year becomes the `year` column of
/// its rows; a file with its own `year` column must agree with it. Every file must have the
/// columns of the first.
pub(super) fn read_parts(
    parts: &[(String, &Path, Option<i64>)],
    columns: &[Column],
    problems: &mut Vec<Problem>,
) -> Option<Table> {
    let mut header: Option<Vec<String>> = None;
    let mut all = Vec::new();
    let mut places = Vec::new();
    // Row numbers across the files: file k's header is global line `base`, its row r (2, 3,
    // …) is `base + r - 1`.
    let mut base = 1u64;
    let mut ok = true;
    for (shown, path, year) in parts {
        let Some((mut names, mut records, odd, height)) = read_records(path, shown, problems)
        else {
            ok = false;
            continue;
        };
        problems.extend(odd);
        if let Some(y) = year {
            match names.iter().position(|n| n == "year") {
                Some(at) => {
                    for (line, cells) in &records {
                        if cells[at].parse::<i64>().ok() != Some(*y) {
                            problems.push(
                                Problem::file(
                                    shown,
                                    format!(
                                        "the year differs from the folder's year={y}; expected {y}"
                                    ),
                                )
                                .at_line(*line)
                                .at_column("year", "year")
                                .with_value(&cells[at]),
                            );
                            ok = false;
                        }
                    }
                }
                None => {
                    names.push("year".to_string());
                    for (_, cells) in records.iter_mut() {
                        cells.push(y.to_string());
                    }
                }
            }
        }
        match &header {
            None => header = Some(names),
            Some(first) if *first != names => {
                problems.push(Problem::file(
                    shown,
                    format!(
                        "the file has the columns {}, the dataset's first file {}; expected the same columns in every file",
                        names.join(", "),
                        first.join(", ")
                    ),
                ));
                ok = false;
                continue;
            }
            Some(_) => {}
        }
        places.push((base, shown.clone()));
        for (line, cells) in records {
            all.push((base + line - 1, cells));
        }
        base += height + 1;
    }
    let header = header?;
    let first = places.first().map(|p| p.1.clone())?;
    let table = Table::from_records(
        &first,
        HEADER_ROW,
        header.clone(),
        all,
        columns,
        problems,
        |i| header[i].clone(),
    )?;
    ok.then(|| table.with_places(places))
}

/// The file's column names and rows as text, or `None` with one problem naming the file.
fn read_records(path: &Path, shown: &str, problems: &mut Vec<Problem>) -> Option<Records> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => {
            problems.push(Problem::file(shown, format!("cannot read the file: {e}")));
            return None;
        }
    };
    // The reader is meant to return errors on damaged files; a panic on data it did not
    // expect is reported the same way rather than ending the run.
    let read = catch_unwind(AssertUnwindSafe(|| records(file, shown)))
        .unwrap_or_else(|_| Err("the reader failed on damaged or unsupported data".to_string()));
    match read {
        Ok(r) => Some(r),
        Err(e) => {
            problems.push(Problem::file(
                shown,
                format!(
                    "cannot read the file as Parquet: {e}; expected an Apache Parquet file with the columns of flows.csv"
                ),
            ));
            None
        }
    }
}

/// The column names, the rows as text with their row numbers, problems, and the number of rows.
type Records = (Vec<String>, Vec<(u64, Vec<String>)>, Vec<Problem>, u64);

/// A cell's text, or the value as shown and why it has none.
type Text = Result<String, (String, String)>;

/// The column names, the rows as text, and a problem for each value that has no text (a date,
/// a nested value, bytes that are not UTF-8). A row with such a value is left out, so that the
/// value is reported once, by its own problem.
fn records(file: File, shown: &str) -> Result<Records, String> {
    let df = ParquetReader::new(file)
        .finish()
        .map_err(|e| e.to_string())?;
    let header: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|n| n.trim().to_string())
        .collect();
    let columns: Vec<Vec<Text>> = df
        .columns()
        .iter()
        .map(|c| texts(c.as_materialized_series()))
        .collect::<Result<_, _>>()?;
    let mut records = Vec::with_capacity(df.height());
    let mut odd = Vec::new();
    for i in 0..df.height() {
        let line = i as u64 + 2;
        let mut cells = Vec::with_capacity(columns.len());
        let mut whole = true;
        for (name, column) in header.iter().zip(&columns) {
            match &column[i] {
                Ok(t) => cells.push(t.clone()),
                Err((value, message)) => {
                    odd.push(
                        Problem::file(shown, message.as_str())
                            .at_line(line)
                            .at_column(name, name)
                            .with_value(value),
                    );
                    whole = false;
                }
            }
        }
        if whole {
            records.push((line, cells));
        }
    }
    Ok((header, records, odd, df.height() as u64))
}

/// Every value of a column as the text the CSV loader would read: a null is an empty cell, a
/// float its shortest round-trip text (2.0 is "2", never an exponent), an integer its digits,
/// a decimal its exact digits, text trimmed.
fn texts(s: &Series) -> Result<Vec<Text>, String> {
    let e = |e: polars::error::PolarsError| e.to_string();
    let each = |f: &dyn Fn(usize) -> Text| (0..s.len()).map(f).collect::<Vec<_>>();
    Ok(match s.dtype() {
        DataType::Null => vec![Ok(String::new()); s.len()],
        DataType::String => s
            .str()
            .map_err(e)?
            .iter()
            .map(|v| Ok(v.map_or_else(String::new, |t| t.trim().to_string())))
            .collect(),
        DataType::Binary => s
            .binary()
            .map_err(e)?
            .iter()
            .map(|v| match v {
                None => Ok(String::new()),
                Some(b) => match std::str::from_utf8(b) {
                    Ok(t) => Ok(t.trim().to_string()),
                    Err(_) => Err((
                        String::from_utf8_lossy(b).into_owned(),
                        "the value is not UTF-8 text; expected text in UTF-8 or a number".into(),
                    )),
                },
            })
            .collect(),
        DataType::Boolean => s
            .bool()
            .map_err(e)?
            .iter()
            .map(|v| Ok(v.map_or_else(String::new, |b| b.to_string())))
            .collect(),
        DataType::Float32 => s
            .f32()
            .map_err(e)?
            .iter()
            .map(|v| Ok(v.map_or_else(String::new, |x| format!("{x}"))))
            .collect(),
        DataType::Float64 => s
            .f64()
            .map_err(e)?
            .iter()
            .map(|v| Ok(v.map_or_else(String::new, |x| format!("{x}"))))
            .collect(),
        DataType::UInt64 => s
            .u64()
            .map_err(e)?
            .iter()
            .map(|v| Ok(v.map_or_else(String::new, |x| x.to_string())))
            .collect(),
        d if d.is_integer() => s
            .cast(&DataType::Int64)
            .map_err(e)?
            .i64()
            .map_err(e)?
            .iter()
            .map(|v| Ok(v.map_or_else(String::new, |x| x.to_string())))
            .collect(),
        d if d.is_temporal() => {
            let unit = match d {
                DataType::Date => "days since 1970-01-01".to_string(),
                DataType::Time => "ns since midnight".to_string(),
                DataType::Datetime(u, _) => format!("{u} since 1970-01-01"),
                DataType::Duration(u) => u.to_string(),
                _ => String::new(),
            };
            let raw = s.to_physical_repr().cast(&DataType::Int64).map_err(e)?;
            let raw = raw.i64().map_err(e)?;
            raw.iter()
                .map(|v| match v {
                    None => Ok(String::new()),
                    Some(x) => Err((
                        format!("{x} ({unit})"),
                        "a date or time is not text or a number; expected text or a number (store the column as a string, an integer or a floating-point number)".into(),
                    )),
                })
                .collect()
        }
        d if d.is_nested() => {
            let kind = if matches!(d, DataType::List(_)) {
                "list"
            } else {
                "group"
            };
            each(&|i| {
                match s.get(i) {
                Ok(polars::prelude::AnyValue::Null) => Ok(String::new()),
                _ => Err((
                    kind.to_string(),
                    "a nested value (group, list or map) is not text or a number; expected a plain value".into(),
                )),
            }
            })
        }
        // Anything else that has a text form (a decimal, a category) reads as that text.
        _ => s
            .cast(&DataType::String)
            .map_err(e)?
            .str()
            .map_err(e)?
            .iter()
            .map(|v| Ok(v.map_or_else(String::new, |t| t.trim().to_string())))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::{NamedFrom, TimeUnit};

    fn one(s: Series) -> Vec<Option<String>> {
        texts(&s).unwrap().into_iter().map(|t| t.ok()).collect()
    }

    #[test]
    fn values_read_as_the_csv_loader_reads_them() {
        let some = |v: &[&str]| v.iter().map(|t| Some(t.to_string())).collect::<Vec<_>>();
        assert_eq!(
            one(Series::new("x".into(), [2.0, 0.7, 960000000.0, f64::NAN])),
            some(&["2", "0.7", "960000000", "NaN"])
        );
        assert_eq!(one(Series::new("x".into(), [0.1f32])), some(&["0.1"]));
        assert_eq!(one(Series::new("x".into(), [-3i64])), some(&["-3"]));
        assert_eq!(one(Series::new("x".into(), [2018i32])), some(&["2018"]));
        assert_eq!(
            one(Series::new("x".into(), [Some(" pan "), None])),
            some(&["pan", ""])
        );
        let dates = Series::new("x".into(), [17532i32])
            .cast(&DataType::Date)
            .unwrap();
        let t = texts(&dates).unwrap();
        assert_eq!(
            t[0].as_ref().unwrap_err().0,
            "17532 (days since 1970-01-01)"
        );
        let stamps = Series::new("x".into(), [5i64])
            .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
            .unwrap();
        assert!(texts(&stamps).unwrap()[0].is_err());
    }
}
