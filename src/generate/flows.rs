//! The generated flows, a chunk at a time, written as flows.csv or flows.parquet.

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
    Parquet(
        std::path::PathBuf,
        parquet::file::writer::SerializedFileWriter<std::fs::File>,
    ),
}

pub(super) fn parquet_error(path: &Path) -> impl Fn(parquet::errors::ParquetError) -> Error + '_ {
    move |e| Error::Write {
        file: path.display().to_string(),
        reason: e.to_string(),
    }
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
        use parquet::basic::Compression;
        use parquet::file::properties::WriterProperties;
        use parquet::file::writer::SerializedFileWriter;
        use parquet::schema::parser::parse_message_type;
        use std::sync::Arc;

        let fail = parquet_error(path);
        let schema = Arc::new(
            parse_message_type(
                "message flows {
                    required binary supplier (UTF8);
                    optional binary supplier_name (UTF8);
                    required binary consumer (UTF8);
                    required binary product (UTF8);
                    required double quantity;
                    required double value_rub;
                    required int64 year;
                }",
            )
            .map_err(&fail)?,
        );
        let props = Arc::new(
            WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                .set_created_by("nichegraph generate".into())
                .build(),
        );
        let file = std::fs::File::create(path).map_err(|e| Error::io("cannot write", path, e))?;
        let writer = SerializedFileWriter::new(file, schema, props).map_err(&fail)?;
        Ok(Sink::Parquet(path.to_path_buf(), writer))
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
                use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
                let fail = parquet_error(path);
                let bytes = |v: &mut dyn Iterator<Item = String>| {
                    v.map(|s| ByteArray::from(s.into_bytes()))
                        .collect::<Vec<_>>()
                };
                let supplier = bytes(&mut rows.supplier.iter().cloned());
                let names = bytes(&mut rows.name.iter().filter(|s| !s.is_empty()).cloned());
                let name_levels: Vec<i16> =
                    rows.name.iter().map(|s| i16::from(!s.is_empty())).collect();
                let consumer = bytes(&mut rows.consumer.iter().map(|c| format!("f{c:0width$}")));
                let product = bytes(
                    &mut rows
                        .product
                        .iter()
                        .map(|p| product_ids[*p as usize].clone()),
                );
                let years = rows.years.clone();
                let mut group = writer.next_row_group().map_err(&fail)?;
                let mut k = 0;
                while let Some(mut col) = group.next_column().map_err(&fail)? {
                    match k {
                        0 | 2 | 3 => {
                            let data = [&supplier, &supplier, &consumer, &product][k];
                            col.typed::<ByteArrayType>()
                                .write_batch(data, None, None)
                                .map_err(&fail)?;
                        }
                        1 => {
                            col.typed::<ByteArrayType>()
                                .write_batch(&names, Some(&name_levels), None)
                                .map_err(&fail)?;
                        }
                        4 | 5 => {
                            let data = if k == 4 { &rows.quantity } else { &rows.value };
                            col.typed::<DoubleType>()
                                .write_batch(data, None, None)
                                .map_err(&fail)?;
                        }
                        _ => {
                            col.typed::<Int64Type>()
                                .write_batch(&years, None, None)
                                .map_err(&fail)?;
                        }
                    }
                    col.close().map_err(&fail)?;
                    k += 1;
                }
                group.close().map_err(&fail)?;
                Ok(())
            }
        }
    }

    pub(super) fn finish(self) -> Result<()> {
        match self {
            Sink::Csv(path, mut w) => w.flush().map_err(|e| Error::io("cannot write", &path, e)),
            Sink::Parquet(path, w) => w.close().map(|_| ()).map_err(parquet_error(&path)),
        }
    }
}
