//! Reading one CSV table of a study into trimmed text cells with exact line numbers,
//! and turning cells into typed values while collecting every problem.
//!
//! The `csv` crate does the parsing: it reports the line each record starts on, keeps
//! blank lines out of the records while counting them, and lets us see ragged rows.

use super::dialect::{self, Detected, DialectOptions};
use super::schema::Column;
use crate::error::Problem;
use std::path::Path;

mod cells;

pub(super) use cells::parse_f64;
pub use cells::{is_identifier, Cells, MAX_MAGNITUDE, MIN_MAGNITUDE};

pub struct Row {
    pub line: u64,
    cells: Vec<String>,
}

/// A parsed table: where each known column sits, and the rows.
pub struct Table {
    pub file: String,
    /// For each accepted column (in the order given to `read`): its 0-based position, if present.
    positions: Vec<Option<usize>>,
    names: Vec<&'static str>,
    /// How a column is named in messages: its 1-based number in CSV, its letter in Excel.
    labels: Vec<String>,
    /// Numbers are written with a decimal comma (and spaces between thousands).
    pub decimal_comma: bool,
    /// With a decimal point, `,` may separate thousands (`1,234.5`): only in a CSV file whose
    /// numbers were checked as a whole (`dialect::Evidence`), never in a workbook's text cell.
    pub comma_groups: bool,
    pub rows: Vec<Row>,
    /// For a table read from several files (a Parquet dataset): each file's first line in the
    /// rows' numbering and its name; rows are then reported in their own file.
    places: Vec<(u64, String)>,
}

/// A cell reference handed to the typed parsers.
pub struct Cell<'a> {
    pub file: &'a str,
    pub line: u64,
    pub column: &'a str,
    pub field: &'static str,
    pub text: &'a str,
    pub decimal_comma: bool,
    pub comma_groups: bool,
}

impl Cell<'_> {
    pub fn problem(&self, message: impl Into<String>) -> Problem {
        Problem::file(self.file, message)
            .at_line(self.line)
            .at_column(self.column, self.field)
            .with_value(self.text)
    }
}

/// Excel's name of a 0-based column: A, B, …, Z, AA, …
pub fn column_letter(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

impl Table {
    /// Reads `path`; structural problems (encoding, header, ragged rows) go to `problems`.
    /// Returns `None` when the file cannot be read as a table at all. `numeric` names the
    /// columns whose cells decide the decimal mark.
    pub fn read(
        path: &Path,
        shown: &str,
        columns: &[Column],
        numeric: &[&str],
        opts: DialectOptions,
        problems: &mut Vec<Problem>,
    ) -> Option<(Table, Detected)> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                problems.push(Problem::file(shown, format!("cannot read the file: {e}")));
                return None;
            }
        };
        Self::parse(&bytes, shown, columns, numeric, opts, problems)
    }

    pub fn parse(
        bytes: &[u8],
        shown: &str,
        columns: &[Column],
        numeric: &[&str],
        opts: DialectOptions,
        problems: &mut Vec<Problem>,
    ) -> Option<(Table, Detected)> {
        let names: Vec<&str> = columns.iter().map(|c| c.name).collect();
        let Records {
            encoding,
            bom,
            delimiter,
            header_line,
            header,
            records,
        } = Records::parse(bytes, shown, &names, opts, problems)?;
        let mut table = Self::from_records(
            shown,
            header_line,
            header,
            records,
            columns,
            problems,
            |i| (i + 1).to_string(),
        )?;
        let mut evidence = dialect::Evidence::default();
        for (k, name) in table.names.iter().enumerate() {
            if let (true, Some(pos)) = (numeric.contains(name), table.positions[k]) {
                for r in &table.rows {
                    evidence.see(r.line, &r.cells[pos]);
                }
            }
        }
        table.decimal_comma = match opts.decimal_comma {
            Some(d) => d,
            None => match evidence.decide(shown) {
                Ok(d) => d,
                Err(p) => {
                    problems.push(*p);
                    return None;
                }
            },
        };
        table.comma_groups = !table.decimal_comma;
        let detected = Detected {
            encoding,
            bom,
            delimiter,
            decimal_comma: table.decimal_comma,
            thousands_comma: !table.decimal_comma && evidence.comma_groups(),
        };
        Some((table, detected))
    }

    /// A table from records already split into trimmed cells: (line, cells). Checks the
    /// header and the number of fields of each row. `label` names a 0-based column in messages.
    pub fn from_records(
        shown: &str,
        header_line: u64,
        header: Vec<String>,
        records: Vec<(u64, Vec<String>)>,
        columns: &[Column],
        problems: &mut Vec<Problem>,
        label: impl Fn(usize) -> String,
    ) -> Option<Table> {
        let expected_names = || {
            columns
                .iter()
                .map(|c| c.name)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut rows = Vec::with_capacity(records.len());
        for (line, cells) in records {
            if cells.len() != header.len() {
                problems.push(
                    Problem::file(
                        shown,
                        format!(
                            "the row has {} field(s); expected {} as in the header",
                            cells.len(),
                            header.len()
                        ),
                    )
                    .at_line(line),
                );
                continue;
            }
            rows.push(Row { line, cells });
        }
        let mut positions = vec![None; columns.len()];
        let mut ok = true;
        for (i, name) in header.iter().enumerate() {
            let at = |msg: String| {
                Problem::file(shown, msg)
                    .at_line(header_line)
                    .at_column(label(i), name)
            };
            match columns.iter().position(|c| c.name == name) {
                Some(k) if positions[k].is_some() => {
                    problems.push(at(
                        "the column is repeated; each column may appear once".into()
                    ));
                    ok = false;
                }
                Some(k) => positions[k] = Some(i),
                None => {
                    let msg = if name.is_empty() {
                        format!("empty column name; expected one of {}", expected_names())
                    } else {
                        format!("unknown column; expected one of {}", expected_names())
                    };
                    problems.push(at(msg));
                    ok = false;
                }
            }
        }
        for (k, c) in columns.iter().enumerate() {
            if c.required && positions[k].is_none() {
                problems.push(
                    Problem::file(
                        shown,
                        format!("the required column \"{}\" is missing", c.name),
                    )
                    .at_line(header_line),
                );
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        Some(Table {
            file: shown.to_string(),
            labels: (0..header.len()).map(label).collect(),
            positions,
            names: columns.iter().map(|c| c.name).collect(),
            decimal_comma: false,
            comma_groups: false,
            rows,
            places: Vec::new(),
        })
    }

    /// The table with rows numbered across files (see `places`).
    pub fn with_places(mut self, places: Vec<(u64, String)>) -> Table {
        self.places = places;
        self
    }

    /// Each file's first line in the rows' numbering and its name (empty for one file).
    pub fn places(&self) -> &[(u64, String)] {
        &self.places
    }

    /// The file and line of a row's line number.
    pub fn place(&self, line: u64) -> (&str, u64) {
        let k = self.places.partition_point(|(first, _)| *first <= line);
        match k.checked_sub(1).and_then(|k| self.places.get(k)) {
            Some((first, file)) => (file, line - first + 1),
            None => (&self.file, line),
        }
    }

    /// The trimmed texts of accepted column `col` on every row (empty when the column is absent).
    pub fn column_texts(&self, col: usize) -> Vec<&str> {
        match self.positions[col] {
            Some(pos) => self.rows.iter().map(|r| r.cells[pos].as_str()).collect(),
            None => Vec::new(),
        }
    }

    /// Whether the table has the column (by its index in the accepted-column list).
    pub fn has(&self, col: usize) -> bool {
        self.positions[col].is_some()
    }

    /// The cell of `row` in accepted column `col`; `None` when the column is absent.
    pub fn cell<'a>(&'a self, row: &'a Row, col: usize) -> Option<Cell<'a>> {
        let pos = self.positions[col]?;
        let (file, line) = self.place(row.line);
        Some(Cell {
            file,
            line,
            column: &self.labels[pos],
            field: self.names[col],
            text: &row.cells[pos],
            decimal_comma: self.decimal_comma,
            comma_groups: self.comma_groups,
        })
    }
}

/// A CSV file as trimmed text cells with exact lines, before any column is checked: what
/// `Table::parse` reads, and what the template check looks through for example rows.
pub struct Records {
    pub encoding: dialect::Encoding,
    pub bom: bool,
    pub delimiter: u8,
    pub header_line: u64,
    pub header: Vec<String>,
    /// (line, cells) of every row under the header that is not blank.
    pub records: Vec<(u64, Vec<String>)>,
}

impl Records {
    /// Decodes `bytes` and splits them into the header and the records; `names` are the
    /// columns expected (they help guess the delimiter). `None` with a problem when the file
    /// cannot be read as CSV or is empty.
    pub fn parse(
        bytes: &[u8],
        shown: &str,
        names: &[&str],
        opts: DialectOptions,
        problems: &mut Vec<Problem>,
    ) -> Option<Records> {
        let (text, encoding, bom) = match dialect::decode(bytes, shown, opts.encoding) {
            Ok(t) => t,
            Err(p) => {
                problems.push(*p);
                return None;
            }
        };
        let delimiter = match opts.delimiter {
            Some(d) => d,
            None => match dialect::delimiter(&text, shown, names) {
                Ok(d) => d,
                Err(p) => {
                    problems.push(*p);
                    return None;
                }
            },
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        // Lines come from byte offsets: the csv crate's own line count is off by one in CRLF files.
        let mut lines = LineCounter::new(&text);
        let mut header: Option<(u64, Vec<String>)> = None;
        let mut records = Vec::new();
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map(|p| lines.line_at(p.byte() as usize));
                    let mut p = Problem::file(shown, format!("cannot parse CSV: {e}"));
                    if let Some(l) = line {
                        p = p.at_line(l);
                    }
                    problems.push(p);
                    return None;
                }
            }
            let line = record
                .position()
                .map(|p| lines.line_at(p.byte() as usize))
                .unwrap_or(0);
            let cells: Vec<String> = record.iter().map(|c| c.trim().to_string()).collect();
            // A whitespace-only line is blank too: it is skipped but still counted.
            if cells.len() == 1 && cells[0].is_empty() {
                continue;
            }
            match &header {
                None => header = Some((line, cells)),
                Some(_) => records.push((line, cells)),
            }
        }
        let Some((header_line, header)) = header else {
            problems.push(Problem::file(
                shown,
                format!(
                    "the file is empty; expected a header row with the columns {}",
                    names.join(", ")
                ),
            ));
            return None;
        };
        Some(Records {
            encoding,
            bom,
            delimiter,
            header_line,
            header,
            records,
        })
    }
}

/// 1-based line numbers of increasing byte offsets, counted once.
struct LineCounter<'a> {
    text: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    fn line_at(&mut self, offset: usize) -> u64 {
        let mut offset = offset.min(self.text.len());
        // In CRLF files a record's offset can point at the '\n' that ends the previous line.
        while offset < self.text.len() && matches!(self.text[offset], b'\r' | b'\n') {
            offset += 1;
        }
        if offset < self.offset {
            self.offset = 0;
            self.line = 1;
        }
        // A line ends with LF, CRLF, or (old Mac files) a lone CR.
        let span = &self.text[self.offset..offset];
        self.line += span
            .iter()
            .enumerate()
            .filter(|&(i, &b)| {
                b == b'\n' || (b == b'\r' && self.text.get(self.offset + i + 1) != Some(&b'\n'))
            })
            .count() as u64;
        self.offset = offset;
        self.line
    }
}

#[cfg(test)]
mod tests;
