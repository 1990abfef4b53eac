//! A sheet as the loader reads it: its rows as Excel numbers them, each cell as the text the CSV
//! loader would read, and from them a `Table`.

use super::marks::{Kind, Marks};
use super::Workbook;
use crate::error::Problem;
use crate::study::schema::Column;
use crate::study::table::{column_letter, Table};
use calamine::{Data, Reader};
use std::path::Path;

/// A sheet's rows as Excel numbers them (1-based), with their cells and where column A of
/// the rows sits (the used range need not start at A1).
pub(super) struct Sheet {
    pub(super) shown: String,
    /// 0-based column of the first cell of each row.
    pub(super) first_column: usize,
    /// (Excel row, cells) of every row that is not blank.
    pub(super) rows: Vec<(u64, Vec<Data>)>,
}

/// Finds and reads the sheet `name` (matched as Excel does: ignoring case). A missing required
/// sheet is a problem; a missing optional one is `None`.
pub(super) fn read_sheet(
    wb: &mut Workbook,
    path: &Path,
    names: &[String],
    name: &str,
    required: bool,
    problems: &mut Vec<Problem>,
) -> Option<Sheet> {
    let Some(actual) = names.iter().find(|n| n.trim().eq_ignore_ascii_case(name)) else {
        if required {
            problems.push(Problem::file(
                &format!("{}[{name}]", path.display()),
                format!(
                    "the sheet is missing; a study workbook needs the sheets study, participants, products and flows (specs is optional); it has {}",
                    if names.is_empty() {
                        "none".to_string()
                    } else {
                        names.join(", ")
                    }
                ),
            ));
        }
        return None;
    };
    let shown = format!("{}[{actual}]", path.display());
    let range = match wb.worksheet_range(actual) {
        Ok(r) => r,
        Err(e) => {
            problems.push(Problem::file(&shown, format!("cannot read the sheet: {e}")));
            return None;
        }
    };
    let (first_row, first_column) = range.start().unwrap_or((0, 0));
    let rows = range
        .rows()
        .enumerate()
        .filter(|(_, cells)| !cells.iter().all(|c| matches!(c, Data::Empty)))
        .map(|(i, cells)| (u64::from(first_row) + i as u64 + 1, cells.to_vec()))
        .collect();
    Some(Sheet {
        shown,
        first_column: first_column as usize,
        rows,
    })
}

/// What a cell that cannot become text holds.
pub(super) enum Odd {
    Date(String),
    Error(String),
}

/// The text the CSV loader would read for a cell.
pub(super) fn text(d: &Data) -> std::result::Result<String, Odd> {
    Ok(match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        // Shortest round-trip text; never an exponent, and 2.0 prints as "2".
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            return Err(Odd::Date(if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
            }));
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => return Err(Odd::Date(s.clone())),
        Data::Error(e) => return Err(Odd::Error(e.to_string())),
    })
}

impl Sheet {
    pub(super) fn label(&self, i: usize) -> String {
        column_letter(self.first_column + i)
    }

    /// The header and records as trimmed text, as `Table::from_records` takes them. Cells that
    /// are dates or errors are marked (and reported once, by `Marks::apply`); cells right of the
    /// header are problems. `numeric` names the numeric columns; `None` for the study sheet.
    #[allow(clippy::type_complexity)]
    pub(super) fn records(
        &self,
        columns: &[Column],
        numeric: Option<&[&str]>,
        marks: &mut Marks,
        problems: &mut Vec<Problem>,
    ) -> Option<((u64, Vec<String>), Vec<(u64, Vec<String>)>)> {
        let Some(((header_line, header_cells), data)) = self.rows.split_first() else {
            problems.push(Problem::file(
                &self.shown,
                format!(
                    "the sheet is empty; expected a header row with the columns {}",
                    columns
                        .iter()
                        .map(|c| c.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
            return None;
        };
        let header: Vec<String> = header_cells
            .iter()
            .map(|c| text(c).unwrap_or_else(|(Odd::Date(s) | Odd::Error(s))| s))
            .collect();
        let width = header
            .iter()
            .rposition(|h| !h.is_empty())
            .map_or(0, |i| i + 1);
        let header = header[..width].to_vec();
        let mut records = Vec::with_capacity(data.len());
        for (line, cells) in data {
            let mut row = Vec::with_capacity(width);
            for (i, cell) in cells.iter().enumerate() {
                let field = header.get(i).map_or("", String::as_str);
                let t = match text(cell) {
                    Ok(t) => t,
                    Err(odd) => {
                        let (shown, kind) = match odd {
                            Odd::Date(s) if numeric.is_none() => (s, Kind::DateSetting),
                            Odd::Date(s) if numeric.is_some_and(|n| n.contains(&field)) => {
                                (s, Kind::DateNumber)
                            }
                            Odd::Date(s) => (s, Kind::DateText),
                            Odd::Error(s) => (s, Kind::Error),
                        };
                        if i < width {
                            marks.add(
                                &self.shown,
                                *line,
                                self.label(i),
                                field,
                                &shown,
                                kind,
                                problems,
                            );
                        }
                        shown
                    }
                };
                if i < width {
                    row.push(t);
                } else if !t.is_empty() {
                    let mut p = Problem::file(
                        &self.shown,
                        format!(
                            "the cell is right of the table, under no header; expected an empty cell or a column name in row {header_line}"
                        ),
                    )
                    .at_line(*line)
                    .with_value(&t);
                    p.column = Some(self.label(i));
                    problems.push(p);
                }
            }
            row.resize(width, String::new());
            if row.iter().all(String::is_empty) {
                // Only cells right of the table: reported above, and not a row of the table.
                continue;
            }
            records.push((*line, row));
        }
        Some(((*header_line, header), records))
    }

    pub(super) fn table(
        &self,
        columns: &[Column],
        numeric: &[&str],
        marks: &mut Marks,
        problems: &mut Vec<Problem>,
    ) -> Option<Table> {
        let ((header_line, header), records) =
            self.records(columns, Some(numeric), marks, problems)?;
        Table::from_records(
            &self.shown,
            header_line,
            header,
            records,
            columns,
            problems,
            |i| self.label(i),
        )
    }
}
