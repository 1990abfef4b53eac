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
    Error::Other(format!("cannot render Parquet: {e}"))
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
mod tests {
    use super::*;
    use crate::analysis::Analysis;
    use parquet::basic::{ConvertedType, LogicalType, Repetition, Type as Physical};
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;
    use std::io::Write;

    /// The physical type and, for text, the String logical type of a column of this kind.
    fn physical(kind: Kind) -> (Physical, Option<LogicalType>) {
        match kind {
            Kind::Text | Kind::Code => (Physical::BYTE_ARRAY, Some(LogicalType::String)),
            Kind::Int => (Physical::INT64, None),
            Kind::Bool => (Physical::BOOLEAN, None),
            Kind::Rub | Kind::Price | Kind::Share | Kind::Premium | Kind::Qty | Kind::Years => {
                (Physical::DOUBLE, None)
            }
        }
    }

    fn sample() -> Analysis {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data/composites-without-borders");
        let study = crate::study::load(&dir).expect("sample study loads");
        crate::analysis::analyze(&study, &crate::graph::SupplyGraph::build(&study))
            .expect("sample study analyses")
    }

    fn reader(bytes: &[u8]) -> SerializedFileReader<std::fs::File> {
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(bytes).unwrap();
        SerializedFileReader::new(file).expect("the written file reads back as Parquet")
    }

    /// What the file should hold for a cell of a column of this kind.
    fn expected(kind: Kind, c: &Cell) -> Field {
        match (kind, c) {
            (_, Cell::Empty) => Field::Null,
            (Kind::Text | Kind::Code, Cell::Text(s)) if s.is_empty() => Field::Null,
            (Kind::Text | Kind::Code, Cell::Text(s)) => Field::Str(s.clone()),
            (Kind::Int, Cell::Num(x)) => Field::Long(*x as i64),
            (Kind::Bool, Cell::Bool(b)) => Field::Bool(*b),
            // The CSV prints -0 as 0; so does the file hold it.
            (_, Cell::Num(x)) => Field::Double(*x + 0.0),
            (k, c) => panic!("{c:?} in a {k:?} column"),
        }
    }

    /// Reads `bytes` back and compares the schema and every value with the frame; returns how
    /// many nulls it saw, per kind of column.
    fn check(f: &Frame, bytes: &[u8]) -> Vec<(Kind, usize)> {
        let r = reader(bytes);
        let meta = r.metadata().file_metadata();
        assert_eq!(meta.created_by(), Some("Polars"));
        assert_eq!(meta.num_rows(), f.rows.len() as i64);
        let schema = meta.schema_descr();
        assert_eq!(schema.num_columns(), f.columns.len());
        for (i, m) in f.columns.iter().enumerate() {
            let c = schema.column(i);
            assert_eq!(c.name(), m.name);
            assert_eq!(
                c.self_type().get_basic_info().repetition(),
                Repetition::OPTIONAL
            );
            let (t, logical) = physical(m.kind);
            assert_eq!(c.physical_type(), t, "{}", m.name);
            assert_eq!(c.logical_type_ref(), logical.as_ref(), "{}", m.name);
            if logical.is_some() {
                assert_eq!(c.converted_type(), ConvertedType::UTF8, "{}", m.name);
            }
        }
        let mut nulls = Vec::new();
        let mut n = 0;
        for (row, want) in r.get_row_iter(None).unwrap().zip(&f.rows) {
            let row = row.unwrap();
            let got: Vec<&Field> = row.get_column_iter().map(|(_, v)| v).collect();
            assert_eq!(got.len(), want.len());
            for ((m, g), w) in f.columns.iter().zip(got).zip(want) {
                let e = expected(m.kind, w);
                match (g, &e) {
                    // Bit-equal: the file holds the very f64 the CSV prints.
                    (Field::Double(a), Field::Double(b)) => {
                        assert_eq!(a.to_bits(), b.to_bits(), "{}: {a} vs {b}", m.name)
                    }
                    _ => assert_eq!(g, &e, "{}", m.name),
                }
                if e == Field::Null {
                    nulls.push((m.kind, 1));
                }
            }
            n += 1;
        }
        assert_eq!(n, f.rows.len(), "row count");
        nulls
    }

    #[test]
    fn each_table_reads_back_as_its_csv_frame() {
        let a = sample();
        let mut null_kinds = Vec::new();
        let stems: Vec<&str> = crate::report::TABLES.iter().map(|t| t.0).collect();
        assert_eq!(
            stems,
            [
                "needs",
                "niches",
                "support",
                "demand_outlook",
                "import_content"
            ]
        );
        for (stem, build) in crate::report::TABLES {
            let f = build(&a);
            assert!(!f.rows.is_empty(), "{stem}");
            let bytes = frame(&f).unwrap();
            null_kinds.extend(check(&f, &bytes).into_iter().map(|(k, _)| k));
            // Deterministic: a second render is the same bytes.
            assert_eq!(frame(&build(&a)).unwrap(), bytes, "{stem}");
        }
        // The sample leaves some texts empty (flags of an unflagged need): nulls are exercised
        // here; the frame below has them in every kind.
        assert!(null_kinds
            .iter()
            .any(|k| matches!(k, Kind::Text | Kind::Code)));
    }

    static METAS: [Meta; 4] = [
        Meta {
            name: "t",
            kind: Kind::Text,
            ru: "т",
            en: "t",
        },
        Meta {
            name: "i",
            kind: Kind::Int,
            ru: "ц",
            en: "i",
        },
        Meta {
            name: "x",
            kind: Kind::Premium,
            ru: "ч",
            en: "x",
        },
        Meta {
            name: "b",
            kind: Kind::Bool,
            ru: "л",
            en: "b",
        },
    ];

    #[test]
    fn empty_cells_and_empty_text_are_null_and_minus_zero_is_zero() {
        let f = Frame {
            columns: METAS.iter().collect(),
            rows: vec![
                vec![
                    Cell::text("Узел"),
                    Cell::Num(3.0),
                    Cell::Num(-0.0),
                    Cell::Bool(true),
                ],
                vec![Cell::text(""), Cell::Empty, Cell::Empty, Cell::Empty],
                vec![
                    Cell::Empty,
                    Cell::Num(-7.0),
                    Cell::Num(0.1 + 0.2),
                    Cell::Bool(false),
                ],
            ],
        };
        let bytes = frame(&f).unwrap();
        let nulls = check(&f, &bytes);
        assert_eq!(nulls.len(), 5);
        let r = reader(&bytes);
        let first = r.get_row_iter(None).unwrap().next().unwrap().unwrap();
        match first.get_column_iter().nth(2).unwrap().1 {
            Field::Double(x) => assert_eq!(x.to_bits(), 0.0f64.to_bits()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_empty_table_has_its_columns_and_no_rows() {
        let f = Frame {
            columns: METAS.iter().collect(),
            rows: Vec::new(),
        };
        let bytes = frame(&f).unwrap();
        check(&f, &bytes);
        assert_eq!(reader(&bytes).get_row_iter(None).unwrap().count(), 0);
    }

    #[test]
    fn a_cell_of_the_wrong_kind_is_an_error_not_a_null() {
        let f = Frame {
            columns: vec![&METAS[1]],
            rows: vec![vec![Cell::Num(1.5)]],
        };
        let e = frame(&f).unwrap_err().to_string();
        assert!(e.contains("column i"), "{e}");
    }
}
