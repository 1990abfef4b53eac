//! The generated flows, a chunk at a time, written as flows.csv, flows.parquet or a
//! hive-partitioned dataset `flows/year=<Y>/part-0.parquet`.

use super::YEAR;
use crate::error::{Error, Result};
use crate::study::schema::{self, header};
use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

/// Rows are generated and written this many at a time (one Parquet row group each).
pub(super) const CHUNK: usize = 1 << 20;

/// Generated flow rows, column by column, one chunk at a time.
pub(super) struct FlowColumns {
    pub(super) supplier: Vec<String>,
    pub(super) name: Vec<String>,
    pub(super) consumer: Vec<u32>,
    pub(super) product: Vec<u32>,
    pub(super) quantity: Vec<f64>,
    pub(super) value: Vec<f64>,
    pub(super) years: Vec<i64>,
    pub(super) width: usize,
    /// The year and the value scale of the rows pushed next.
    pub(super) year: i64,
    pub(super) scale: f64,
}

impl FlowColumns {
    pub(super) fn with_capacity(n: usize, width: usize) -> Self {
        FlowColumns {
            supplier: Vec::with_capacity(n),
            name: Vec::with_capacity(n),
            consumer: Vec::with_capacity(n),
            product: Vec::with_capacity(n),
            quantity: Vec::with_capacity(n),
            value: Vec::with_capacity(n),
            years: Vec::with_capacity(n),
            width,
            year: YEAR,
            scale: 1.0,
        }
    }

    pub(super) fn len(&self) -> usize {
        self.supplier.len()
    }

    pub(super) fn clear(&mut self) {
        self.supplier.clear();
        self.name.clear();
        self.consumer.clear();
        self.product.clear();
        self.quantity.clear();
        self.value.clear();
        self.years.clear();
    }

    pub(super) fn push(&mut self, s: &str, name: &str, c: usize, p: usize, q: f64, v: f64) {
        self.supplier.push(s.to_string());
        self.name.push(name.to_string());
        self.consumer.push(c as u32);
        self.product.push(p as u32);
        // Quantities to 1/1000 of a unit, values to the kopeck, within the input bounds.
        self.quantity
            .push(((q * 1000.0).round() / 1000.0).clamp(0.001, 1e12));
        self.value
            .push(((v * self.scale * 100.0).round() / 100.0).clamp(0.01, 1e14));
        self.years.push(self.year);
    }
}

pub(super) enum Sink {
    Csv(std::path::PathBuf, std::io::BufWriter<std::fs::File>),
    /// flows.parquet: one row group per chunk.
    Parquet(std::path::PathBuf, Box<Batched>),
    /// A hive-partitioned dataset, `flows/year=<Y>/part-0.parquet`, as Spark writes it: the
    /// year is in the path, not in the files.
    Dataset(
        std::path::PathBuf,
        std::collections::BTreeMap<i64, (std::path::PathBuf, Batched)>,
    ),
}

type Batched = polars::io::parquet::write::BatchedWriter<std::fs::File>;

fn polars_error(path: &Path) -> impl Fn(polars::error::PolarsError) -> Error + '_ {
    move |e| Error::Write {
        file: path.display().to_string(),
        reason: e.to_string(),
    }
}

/// A Parquet writer of flow rows, with or without the year column.
fn batched(path: &Path, with_year: bool) -> Result<Batched> {
    use polars::prelude::{DataType, ParquetCompression, ParquetWriter, Schema};
    let mut schema = Schema::default();
    for name in ["supplier", "supplier_name", "consumer", "product"] {
        schema.insert(name.into(), DataType::String);
    }
    for name in ["quantity", "value_rub"] {
        schema.insert(name.into(), DataType::Float64);
    }
    if with_year {
        schema.insert("year".into(), DataType::Int64);
    }
    let file = std::fs::File::create(path).map_err(|e| Error::io("cannot write", path, e))?;
    ParquetWriter::new(file)
        .with_compression(ParquetCompression::Snappy)
        .set_parallel(false)
        .batched(&schema)
        .map_err(polars_error(path))
}

impl Sink {
    pub(super) fn csv(path: &Path) -> Result<Sink> {
        let io = |e| Error::io("cannot write", path, e);
        let f = std::fs::File::create(path).map_err(io)?;
        let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
        w.write_all(format!("{}\n", header(&schema::FLOWS)).as_bytes())
            .map_err(io)?;
        Ok(Sink::Csv(path.to_path_buf(), w))
    }

    pub(super) fn parquet(path: &Path) -> Result<Sink> {
        Ok(Sink::Parquet(
            path.to_path_buf(),
            Box::new(batched(path, true)?),
        ))
    }

    pub(super) fn dataset(dir: &Path) -> Result<Sink> {
        std::fs::create_dir(dir).map_err(|e| Error::io("cannot create", dir, e))?;
        Ok(Sink::Dataset(dir.to_path_buf(), Default::default()))
    }

    /// Rows `pick` of `rows` as a polars frame (with the year column when `with_year`).
    fn frame(
        rows: &FlowColumns,
        product_ids: &[String],
        pick: &[usize],
        with_year: bool,
    ) -> Result<polars::prelude::DataFrame> {
        use polars::prelude::{Column, DataFrame};
        let width = rows.width;
        let text = |name: &str, f: &dyn Fn(usize) -> Option<String>| {
            Column::new(name.into(), pick.iter().map(|&i| f(i)).collect::<Vec<_>>())
        };
        let mut columns = vec![
            text("supplier", &|i| Some(rows.supplier[i].clone())),
            text("supplier_name", &|i| {
                Some(rows.name[i].clone()).filter(|n| !n.is_empty())
            }),
            text("consumer", &|i| {
                Some(format!("f{:0width$}", rows.consumer[i]))
            }),
            text("product", &|i| {
                Some(product_ids[rows.product[i] as usize].clone())
            }),
            Column::new(
                "quantity".into(),
                pick.iter().map(|&i| rows.quantity[i]).collect::<Vec<_>>(),
            ),
            Column::new(
                "value_rub".into(),
                pick.iter().map(|&i| rows.value[i]).collect::<Vec<_>>(),
            ),
        ];
        if with_year {
            columns.push(Column::new(
                "year".into(),
                pick.iter().map(|&i| rows.years[i]).collect::<Vec<_>>(),
            ));
        }
        DataFrame::new(pick.len(), columns)
            .map_err(|e| Error::Internal(format!("cannot build the generated flow rows: {e}")))
    }

    pub(super) fn write(&mut self, rows: &FlowColumns, product_ids: &[String]) -> Result<()> {
        let width = rows.width;
        match self {
            Sink::Csv(path, w) => {
                let mut line = String::with_capacity(128);
                for i in 0..rows.len() {
                    line.clear();
                    let _ = writeln!(
                        line,
                        "{},{},f{:0width$},{},{},{},{}",
                        rows.supplier[i],
                        rows.name[i],
                        rows.consumer[i],
                        product_ids[rows.product[i] as usize],
                        rows.quantity[i],
                        rows.value[i],
                        rows.years[i],
                    );
                    w.write_all(line.as_bytes())
                        .map_err(|e| Error::io("cannot write", path, e))?;
                }
                Ok(())
            }
            Sink::Parquet(path, writer) => {
                let all: Vec<usize> = (0..rows.len()).collect();
                let df = Self::frame(rows, product_ids, &all, true)?;
                writer.write_batch(&df).map_err(polars_error(path))
            }
            Sink::Dataset(dir, writers) => {
                let mut by_year: std::collections::BTreeMap<i64, Vec<usize>> = Default::default();
                for (i, y) in rows.years.iter().enumerate() {
                    by_year.entry(*y).or_default().push(i);
                }
                for (year, pick) in by_year {
                    let (path, w) = match writers.entry(year) {
                        std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                        std::collections::btree_map::Entry::Vacant(e) => {
                            let part = dir.join(format!("year={year}"));
                            std::fs::create_dir(&part)
                                .map_err(|e| Error::io("cannot create", &part, e))?;
                            let path = part.join("part-0.parquet");
                            let w = batched(&path, false)?;
                            e.insert((path, w))
                        }
                    };
                    let df = Self::frame(rows, product_ids, &pick, false)?;
                    w.write_batch(&df).map_err(polars_error(path))?;
                }
                Ok(())
            }
        }
    }

    pub(super) fn finish(self) -> Result<()> {
        match self {
            Sink::Csv(path, mut w) => w.flush().map_err(|e| Error::io("cannot write", &path, e)),
            Sink::Parquet(path, w) => w.finish().map(|_| ()).map_err(polars_error(&path)),
            Sink::Dataset(_, writers) => {
                for (_, (path, w)) in writers {
                    w.finish().map_err(polars_error(&path))?;
                }
                Ok(())
            }
        }
    }
}
