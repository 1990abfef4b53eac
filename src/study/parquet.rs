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
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
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
    let (header, records, odd) = match read {
        Ok(r) => r,
        Err(e) => {
            let expected = if e.contains("Disabled feature at compile time") {
                "expected a file compressed with Snappy, Zstandard, gzip or LZ4, or uncompressed"
            } else {
                "expected an Apache Parquet file with the columns of flows.csv"
            };
            problems.push(Problem::file(
                shown,
                format!("cannot read the file as Parquet: {e}; {expected}"),
            ));
            return None;
        }
    };
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

type Records = (Vec<String>, Vec<(u64, Vec<String>)>, Vec<Problem>);

/// The column names, the rows as text, and a problem for each value that has no text (a date,
/// a nested value, bytes that are not UTF-8). A row with such a value is left out, so that the
/// value is reported once, by its own problem.
fn records(file: File, shown: &str) -> Result<Records, String> {
    let reader = SerializedFileReader::new(file).map_err(|e| e.to_string())?;
    let header: Vec<String> = reader
        .metadata()
        .file_metadata()
        .schema()
        .get_fields()
        .iter()
        .map(|f| f.name().trim().to_string())
        .collect();
    let mut records = Vec::new();
    let mut odd = Vec::new();
    let rows = reader.get_row_iter(None).map_err(|e| e.to_string())?;
    for (i, row) in rows.enumerate() {
        let row = row.map_err(|e| e.to_string())?;
        let line = i as u64 + 2;
        let fields = row.into_columns();
        if fields.len() != header.len() {
            return Err(format!(
                "record {} has {} value(s) for {} column(s)",
                i + 1,
                fields.len(),
                header.len()
            ));
        }
        let mut cells = Vec::with_capacity(fields.len());
        let mut whole = true;
        for (name, field) in &fields {
            match text(field) {
                Ok(t) => cells.push(t),
                Err((value, message)) => {
                    let name = name.trim();
                    odd.push(
                        Problem::file(shown, message)
                            .at_line(line)
                            .at_column(name, name)
                            .with_value(&value),
                    );
                    whole = false;
                }
            }
        }
        if whole {
            records.push((line, cells));
        }
    }
    Ok((header, records, odd))
}

/// The text the CSV loader would read for a value, or the value as shown and why it has none.
fn text(f: &Field) -> Result<String, (String, String)> {
    Ok(match f {
        Field::Null => String::new(),
        Field::Bool(b) => b.to_string(),
        Field::Byte(v) => v.to_string(),
        Field::Short(v) => v.to_string(),
        Field::Int(v) => v.to_string(),
        Field::Long(v) => v.to_string(),
        Field::UByte(v) => v.to_string(),
        Field::UShort(v) => v.to_string(),
        Field::UInt(v) => v.to_string(),
        Field::ULong(v) => v.to_string(),
        // Shortest round-trip text; never an exponent, and 2.0 prints as "2".
        Field::Float16(v) => format!("{}", f32::from(*v)),
        Field::Float(v) => format!("{v}"),
        Field::Double(v) => format!("{v}"),
        Field::Decimal(d) => decimal(d.data(), d.scale()).ok_or_else(|| {
            (
                format!("{:?}", d.data()),
                "the decimal has more than 38 digits; expected a decimal of at most 38 digits"
                    .to_string(),
            )
        })?,
        Field::Str(s) => s.trim().to_string(),
        Field::Bytes(b) => match std::str::from_utf8(b.data()) {
            Ok(s) => s.trim().to_string(),
            Err(_) => {
                return Err((
                    String::from_utf8_lossy(b.data()).into_owned(),
                    "the value is not UTF-8 text; expected text in UTF-8 or a number".into(),
                ))
            }
        },
        Field::Date(_)
        | Field::TimeMillis(_)
        | Field::TimeMicros(_)
        | Field::TimestampMillis(_)
        | Field::TimestampMicros(_) => {
            return Err((
                odd_value(f),
                "a date or time is not text or a number; expected text or a number (store the column as a string, an integer or a floating-point number)".into(),
            ))
        }
        Field::Group(_) | Field::ListInternal(_) | Field::MapInternal(_) => {
            return Err((
                odd_value(f),
                "a nested value (group, list or map) is not text or a number; expected a plain value".into(),
            ))
        }
    })
}

/// A date, time or nested value as shown in a message: its raw number, or its kind.
fn odd_value(f: &Field) -> String {
    match f {
        Field::Date(v) => format!("{v} (days since 1970-01-01)"),
        Field::TimeMillis(v) => format!("{v} (ms since midnight)"),
        Field::TimeMicros(v) => format!("{v} (µs since midnight)"),
        Field::TimestampMillis(v) => format!("{v} (ms since 1970-01-01)"),
        Field::TimestampMicros(v) => format!("{v} (µs since 1970-01-01)"),
        Field::Group(_) => "group".into(),
        Field::ListInternal(_) => "list".into(),
        Field::MapInternal(_) => "map".into(),
        _ => String::new(),
    }
}

/// A decimal's exact text from its unscaled value (big-endian two's complement) and its scale:
/// `[0x30, 0x39]` with scale 2 is "123.45". `None` when it does not fit 128 bits.
fn decimal(bytes: &[u8], scale: i32) -> Option<String> {
    if bytes.len() > 16 {
        return None;
    }
    let negative = bytes.first().is_some_and(|b| b & 0x80 != 0);
    let mut buf = [if negative { 0xff } else { 0 }; 16];
    buf[16 - bytes.len()..].copy_from_slice(bytes);
    let unscaled = i128::from_be_bytes(buf);
    let mut digits = unscaled.unsigned_abs().to_string();
    let sign = if unscaled < 0 { "-" } else { "" };
    if scale <= 0 {
        if unscaled != 0 {
            digits.push_str(&"0".repeat(scale.unsigned_abs() as usize));
        }
        return Some(format!("{sign}{digits}"));
    }
    let scale = scale as usize;
    if digits.len() <= scale {
        digits = format!("{}{digits}", "0".repeat(scale + 1 - digits.len()));
    }
    let (int, frac) = digits.split_at(digits.len() - scale);
    Some(format!("{sign}{int}.{frac}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_keep_their_digits() {
        assert_eq!(decimal(&[0x30, 0x39], 2).as_deref(), Some("123.45"));
        assert_eq!(decimal(&[0x05], 3).as_deref(), Some("0.005"));
        assert_eq!(decimal(&[0xff, 0xfb], 1).as_deref(), Some("-0.5"));
        assert_eq!(decimal(&[0x00, 0x00, 0x00, 0x07], 0).as_deref(), Some("7"));
        assert_eq!(decimal(&[0x07], -2).as_deref(), Some("700"));
        assert_eq!(decimal(&[0x00], 2).as_deref(), Some("0.00"));
        assert_eq!(decimal(&[0x01; 17], 0), None);
    }

    #[test]
    fn values_read_as_the_csv_loader_reads_them() {
        let t = |f: Field| text(&f).ok();
        assert_eq!(t(Field::Double(2.0)).as_deref(), Some("2"));
        assert_eq!(t(Field::Double(0.7)).as_deref(), Some("0.7"));
        assert_eq!(t(Field::Double(960000000.0)).as_deref(), Some("960000000"));
        assert_eq!(t(Field::Float(0.1)).as_deref(), Some("0.1"));
        assert_eq!(t(Field::Long(-3)).as_deref(), Some("-3"));
        assert_eq!(t(Field::Int(2018)).as_deref(), Some("2018"));
        assert_eq!(t(Field::Null).as_deref(), Some(""));
        assert_eq!(t(Field::Str(" pan ".into())).as_deref(), Some("pan"));
        assert_eq!(t(Field::Double(f64::NAN)).as_deref(), Some("NaN"));
        assert!(t(Field::Date(17532)).is_none());
    }
}
