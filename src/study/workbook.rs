//! A study as one Excel workbook (`.xlsx`): a `study` sheet of `key | value` rows and the
//! sheets `participants`, `products`, `flows` and optionally `specs`, with the CSV files' columns.
//!
//! Every cell becomes the text the CSV loader would have read, and the sheets become `Table`s,
//! so validation, cross-references and year selection are the folder's own. The settings rows
//! become TOML text for `config::parse`; its problems are mapped back to the sheet's rows.
//!
//! Problems name `<workbook>[<sheet>]`, the row as Excel numbers it and the column letter.

use super::assemble::{assemble, Inputs};
use super::schema::{Column, STUDY_SHEET, SUPPORT_SHEET, TABLES};
use super::table::{column_letter, Table};
use super::{config, Study};
use crate::error::{Error, Problem, Result};
use calamine::{Data, Reader, Xlsx};
use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

/// The settings sheet.
const STUDY: &str = STUDY_SHEET.name;
const STUDY_COLUMNS: &[Column] = STUDY_SHEET.columns;
/// The support programmes sheet: one row per `[[support]]` table of study.toml.
const SUPPORT: &str = SUPPORT_SHEET.name;
const SUPPORT_COLUMNS: &[Column] = SUPPORT_SHEET.columns;
/// Settings whose values are text, so `2024` in them stays the text "2024".
const TEXT_KEYS: [&str; 3] = ["id", "name", "regions"];

/// Whether `path` names a study workbook (by its extension).
pub fn is_workbook(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// Whether the `.xlsx` file at `path` looks like a study workbook: it opens and has a `study`
/// sheet. Reads only the workbook's list of sheets; Excel's lock files (`~$…`) never count.
pub fn has_study_sheet(path: &Path) -> bool {
    let lock = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("~$"));
    !lock
        && std::panic::catch_unwind(|| {
            open(path).is_ok_and(|wb| {
                wb.sheet_names()
                    .iter()
                    .any(|n| n.trim().eq_ignore_ascii_case(STUDY))
            })
        })
        .unwrap_or(false)
}

type Workbook = Xlsx<BufReader<File>>;

fn open(path: &Path) -> std::result::Result<Workbook, calamine::XlsxError> {
    calamine::open_workbook(path)
}

/// Opens the workbook: a missing file is an I/O error, a file that is no workbook a data problem.
fn open_checked(path: &Path) -> Result<Workbook> {
    std::fs::metadata(path).map_err(|e| Error::io("cannot open the study workbook", path, e))?;
    open(path).map_err(|e| {
        Error::Data(vec![Problem::file(
            &path.display().to_string(),
            format!("cannot read the workbook: {e}; expected an Excel workbook (.xlsx)"),
        )])
    })
}

/// Runs a read of the workbook; a panic inside the reader (calamine on a malformed file) becomes
/// a data problem naming the file, never a crash.
fn guarded<T>(path: &Path, read: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|_| {
        Err(Error::Data(vec![Problem::file(
            &path.display().to_string(),
            "cannot read the workbook: it is malformed; expected an .xlsx file saved by Excel or LibreOffice",
        )]))
    })
}

/// Loads and validates the study workbook at `path`.
pub fn load(path: &Path) -> Result<Study> {
    guarded(path, || load_unguarded(path))
}

fn load_unguarded(path: &Path) -> Result<Study> {
    let mut wb = open_checked(path)?;
    let mut problems = Vec::new();
    let mut marks = Marks::default();
    let names = wb.sheet_names();
    let support = read_sheet(&mut wb, path, &names, SUPPORT, false, &mut problems);
    let config = read_sheet(&mut wb, path, &names, STUDY, true, &mut problems)
        .and_then(|sheet| read_config(sheet, support, &mut marks, &mut problems));
    let tables = TABLES.each_ref().map(|def| {
        let sheet = read_sheet(&mut wb, path, &names, def.name, def.required, &mut problems)?;
        sheet.table(def.columns, &def.numeric(), &mut marks, &mut problems)
    });
    let inputs = Inputs {
        config,
        tables,
        dialects: Vec::new(),
        settings: "the study sheet",
        fast_flows: None,
    };
    assemble(inputs, problems).map_err(|e| match e {
        Error::Data(problems) => Error::Data(marks.apply(problems)),
        other => other,
    })
}

/// The study id from the workbook's study sheet, or the problems that prevent reading it.
pub fn study_id(path: &Path) -> Result<String> {
    guarded(path, || study_id_unguarded(path))
}

fn study_id_unguarded(path: &Path) -> Result<String> {
    let mut wb = open_checked(path)?;
    let mut problems = Vec::new();
    let mut marks = Marks::default();
    let names = wb.sheet_names();
    let support = read_sheet(&mut wb, path, &names, SUPPORT, false, &mut problems);
    let config = read_sheet(&mut wb, path, &names, STUDY, true, &mut problems)
        .and_then(|sheet| read_config(sheet, support, &mut marks, &mut problems));
    match config {
        Some(c) if problems.is_empty() => Ok(c.id),
        _ => Err(Error::Data(marks.apply(problems))),
    }
}

/// A sheet's rows as Excel numbers them (1-based), with their cells and where column A of
/// the rows sits (the used range need not start at A1).
struct Sheet {
    shown: String,
    /// 0-based column of the first cell of each row.
    first_column: usize,
    /// (Excel row, cells) of every row that is not blank.
    rows: Vec<(u64, Vec<Data>)>,
}

/// Finds and reads the sheet `name` (matched as Excel does: ignoring case). A missing required
/// sheet is a problem; a missing optional one is `None`.
fn read_sheet(
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
enum Odd {
    Date(String),
    Error(String),
}

/// The text the CSV loader would read for a cell.
fn text(d: &Data) -> std::result::Result<String, Odd> {
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
    fn label(&self, i: usize) -> String {
        column_letter(self.first_column + i)
    }

    /// The header and records as trimmed text, as `Table::from_records` takes them. Cells that
    /// are dates or errors are marked (and reported once, by `Marks::apply`); cells right of the
    /// header are problems. `numeric` names the numeric columns; `None` for the study sheet.
    #[allow(clippy::type_complexity)]
    fn records(
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

    fn table(
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

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A setting's value in TOML: text for text settings, else a number when the cell reads as one
/// (an integral number as an integer, so that `year` and counts take it).
fn toml_value(key: &str, text: &str) -> String {
    if TEXT_KEYS.contains(&key) {
        return toml_string(text);
    }
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v.fract() == 0.0 && v.abs() < 9.0e15 => {
            format!("{}", v as i64)
        }
        Ok(v) if v.is_finite() => {
            let s = format!("{v}");
            if s.contains('.') {
                s
            } else {
                format!("{s}.0")
            }
        }
        _ => toml_string(text),
    }
}

/// Where a line of the generated TOML came from.
struct Origin {
    row: u64,
    key: String,
    value: String,
    /// 1-based character column where the value starts on the TOML line; before it is the key.
    value_column: usize,
    /// For a cell of the support sheet: the sheet as shown and the cell's column letter.
    cell: Option<(String, String)>,
}

/// The settings from the study sheet: its rows become TOML text for `config::parse`, and the
/// problems found come back with the sheet's rows and columns (A for a key, B for a value).
fn read_config(
    sheet: Sheet,
    support: Option<Sheet>,
    marks: &mut Marks,
    problems: &mut Vec<Problem>,
) -> Option<config::StudyConfig> {
    let before = problems.len();
    let ((header_line, header), records) = sheet.records(STUDY_COLUMNS, None, marks, problems)?;
    let t = Table::from_records(
        &sheet.shown,
        header_line,
        header,
        records,
        STUDY_COLUMNS,
        problems,
        |i| sheet.label(i),
    )?;
    let mut lines: Vec<(String, Option<Origin>)> = Vec::new();
    let mut regions: Vec<(String, Origin)> = Vec::new();
    let mut regions_at = None;
    for row in &t.rows {
        let (Some(k), Some(v)) = (t.cell(row, 0), t.cell(row, 1)) else {
            continue;
        };
        let (key, value) = (k.text, v.text);
        if key.is_empty() {
            problems.push(k.problem(
                "the key is missing; expected a key of study.toml such as id, name, regions, year or criteria.import_share_min",
            ));
            continue;
        }
        // A date or error in the value is named by its key, as every other setting's problem.
        for p in problems[before..].iter_mut() {
            if p.line == Some(row.line) && p.column.as_deref() == Some(v.column) {
                p.field = Some(key.to_string());
            }
        }
        if value.is_empty() {
            // An empty value leaves the setting unset, as an empty cell does in the tables.
            continue;
        }
        let origin = |value_column| Origin {
            row: row.line,
            key: key.to_string(),
            value: value.to_string(),
            value_column,
            cell: None,
        };
        if key == "regions" {
            regions_at.get_or_insert(lines.len());
            regions.push((format!("{},", toml_string(value)), origin(1)));
            continue;
        }
        let quoted: Vec<String> = key.split('.').map(|s| toml_string(s.trim())).collect();
        let quoted = quoted.join(".");
        let value_column = quoted.chars().count() + 4;
        let rendered = toml_value(if key.contains('.') { "" } else { key }, value);
        lines.push((format!("{quoted} = {rendered}"), Some(origin(value_column))));
    }
    if let Some(at) = regions_at {
        let first = &regions[0].1;
        let last = &regions[regions.len() - 1].1;
        let open = Origin {
            row: first.row,
            key: "regions".into(),
            value: first.value.clone(),
            value_column: 13,
            cell: None,
        };
        let close = Origin {
            row: last.row,
            key: "regions".into(),
            value: last.value.clone(),
            value_column: 1,
            cell: None,
        };
        let mut block = vec![("\"regions\" = [".to_string(), Some(open))];
        block.extend(regions.into_iter().map(|(l, o)| (l, Some(o))));
        block.push(("]".to_string(), Some(close)));
        lines.splice(at..at, block);
    }
    if let Some(support) = support {
        // After every top-level key: TOML tables end the top level.
        support_lines(&support, marks, problems, &mut lines);
    }
    let text: String = lines.iter().map(|(l, _)| format!("{l}\n")).collect();
    let mut found = Vec::new();
    let config = config::parse(&text, &sheet.shown, &mut found);
    for mut p in found {
        let origin = p
            .line
            .and_then(|l| lines.get((l as usize).checked_sub(1)?))
            .and_then(|(_, o)| o.as_ref());
        if let Some(Origin {
            row,
            key,
            value,
            cell: Some((shown, column)),
            ..
        }) = origin
        {
            // A cell of the support sheet: the problem is that cell's.
            p.file = shown.clone();
            p.line = Some(*row);
            p.column = Some(column.clone());
            p.field = Some(format!("support.{key}"));
            p.value = Some(value.clone());
            if let Some((head, n)) = p.message.split_once("(first at line ") {
                // The first row of a repeated id, as the sheet numbers it.
                let first = n
                    .split(')')
                    .next()
                    .and_then(|n| n.parse::<usize>().ok())
                    .and_then(|n| lines.get(n.checked_sub(1)?))
                    .and_then(|(_, o)| o.as_ref())
                    .map_or(0, |o| o.row);
                let tail = n.split_once(')').map_or("", |(_, t)| t);
                p.message = format!("{head}(first in row {first}){tail}");
            }
            if p.message.starts_with("missing field") {
                p.message = format!("{}; expected a value in this row", p.message);
                p.field = None;
                p.value = None;
            }
        } else if p.message.starts_with("missing field") {
            // The whole settings table lacks it: no row to name.
            p.line = None;
            p.column = None;
            p.message = format!(
                "{}; expected a row with this key in the study sheet",
                p.message
            );
        } else if let Some(o) = origin {
            if p.message == "duplicate key" {
                p.message = "duplicate key; each key may appear once, except regions".into();
            }
            let at_key = p
                .column
                .as_deref()
                .and_then(|c| c.parse::<usize>().ok())
                .is_some_and(|c| c < o.value_column);
            p.line = Some(o.row);
            p.column = Some(sheet.label(usize::from(!at_key)));
            if p.field.is_none() {
                p.field = Some(if at_key { "key".into() } else { o.key.clone() });
            }
            if p.value.is_none() {
                p.value = Some(if at_key {
                    o.key.clone()
                } else {
                    o.value.clone()
                });
            }
        } else {
            p.line = None;
            p.column = None;
        }
        problems.push(p);
    }
    config
}

/// The support sheet as TOML: `[[support]]` and its keys per row, or `support = []` for a
/// sheet with a header and no rows (no programmes at all).
fn support_lines(
    sheet: &Sheet,
    marks: &mut Marks,
    problems: &mut Vec<Problem>,
    lines: &mut Vec<(String, Option<Origin>)>,
) {
    let Some(((header_line, header), records)) =
        sheet.records(SUPPORT_COLUMNS, None, marks, problems)
    else {
        return;
    };
    let Some(t) = Table::from_records(
        &sheet.shown,
        header_line,
        header,
        records,
        SUPPORT_COLUMNS,
        problems,
        |i| sheet.label(i),
    ) else {
        return;
    };
    if t.rows.is_empty() {
        lines.push(("\"support\" = []".into(), None));
        return;
    }
    for row in &t.rows {
        let first = t
            .cell(row, 0)
            .map(|c| c.column.to_string())
            .unwrap_or_default();
        lines.push((
            "[[\"support\"]]".into(),
            Some(Origin {
                row: row.line,
                key: "id".into(),
                value: String::new(),
                value_column: 1,
                cell: Some((sheet.shown.clone(), first)),
            }),
        ));
        for (i, col) in SUPPORT_COLUMNS.iter().enumerate() {
            let Some(c) = t.cell(row, i) else { continue };
            if c.text.is_empty() {
                continue;
            }
            let rendered = match col.name {
                "id" | "name" => toml_string(c.text),
                "requires_registry" => match c.text.to_lowercase().as_str() {
                    "true" | "1" | "yes" | "да" => "true".into(),
                    "false" | "0" | "no" | "нет" => "false".into(),
                    _ => toml_string(c.text),
                },
                _ => toml_value("", c.text),
            };
            lines.push((
                format!("{} = {rendered}", col.name),
                Some(Origin {
                    row: row.line,
                    key: col.name.to_string(),
                    value: c.text.to_string(),
                    value_column: col.name.chars().count() + 4,
                    cell: Some((sheet.shown.clone(), c.column.to_string())),
                }),
            ));
        }
    }
}

/// How a marked cell is reported.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A date in a numeric column: the typed parser's expectation is borrowed.
    DateNumber,
    /// A date in a text column.
    DateText,
    /// A date in the study sheet.
    DateSetting,
    /// An error value such as #DIV/0!.
    Error,
}

/// Cells that hold a date or an error value. Each is reported once, by its own problem; other
/// problems about the same cell (the typed parsers see the date as text) are folded into it.
#[derive(Default)]
struct Marks {
    /// (file, line, column) -> (index of its problem, kind).
    cells: HashMap<(String, u64, String), (usize, Kind)>,
}

impl Marks {
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        file: &str,
        line: u64,
        column: String,
        field: &str,
        value: &str,
        kind: Kind,
        problems: &mut Vec<Problem>,
    ) {
        let message = match kind {
            Kind::DateNumber => "a date is not a number; expected a number".to_string(),
            Kind::DateText => {
                "a date is not text; expected text (format the cell as Text)".to_string()
            }
            Kind::DateSetting => {
                "a date is not a number or text; expected a number or text (format the cell as Number or Text)".to_string()
            }
            Kind::Error => format!("the cell holds the error {value}; expected a value"),
        };
        let p = Problem::file(file, message)
            .at_line(line)
            .at_column(&column, field)
            .with_value(value);
        self.cells
            .insert((file.to_string(), line, column), (problems.len(), kind));
        problems.push(p);
    }

    /// Folds other problems about marked cells into the marks' own, and names sheets where
    /// messages name CSV files.
    fn apply(&self, problems: Vec<Problem>) -> Vec<Problem> {
        let mut problems: Vec<Option<Problem>> = problems.into_iter().map(Some).collect();
        for i in 0..problems.len() {
            let Some(p) = &problems[i] else { continue };
            let (Some(line), Some(column)) = (p.line, p.column.clone()) else {
                continue;
            };
            let Some(&(own, kind)) = self.cells.get(&(p.file.clone(), line, column)) else {
                continue;
            };
            if own == i {
                continue;
            }
            let expected = ["not a number; expected ", "not an integer; expected "]
                .iter()
                .find_map(|prefix| p.message.strip_prefix(prefix))
                .map(|rest| rest.split(" with '").next().unwrap_or(rest).to_string());
            if let (Kind::DateNumber, Some(what), Some(Some(mark))) =
                (kind, expected, problems.get_mut(own))
            {
                mark.message = format!("a date is not a number; expected {what}");
            }
            problems[i] = None;
        }
        problems
            .into_iter()
            .flatten()
            .map(|mut p| {
                for table in ["participants", "products"] {
                    p.message = p
                        .message
                        .replace(&format!("{table}.csv"), &format!("the {table} sheet"));
                }
                p
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_the_csv_loader_reads_them() {
        assert_eq!(text(&Data::Float(2.0)).ok().as_deref(), Some("2"));
        assert_eq!(text(&Data::Float(0.7)).ok().as_deref(), Some("0.7"));
        assert_eq!(
            text(&Data::Float(960000000.0)).ok().as_deref(),
            Some("960000000")
        );
        assert_eq!(text(&Data::Int(-3)).ok().as_deref(), Some("-3"));
        assert_eq!(
            text(&Data::String(" 120 ".into())).ok().as_deref(),
            Some("120")
        );
        assert_eq!(text(&Data::Bool(true)).ok().as_deref(), Some("true"));
        assert!(matches!(
            text(&Data::Error(calamine::CellErrorType::Div0)),
            Err(Odd::Error(s)) if s == "#DIV/0!"
        ));
    }

    #[test]
    fn settings_values_in_toml() {
        assert_eq!(toml_value("year", "2018"), "2018");
        assert_eq!(toml_value("year", "2018.0"), "2018");
        assert_eq!(toml_value("", "0.7"), "0.7");
        assert_eq!(toml_value("", "1e20"), "100000000000000000000.0");
        assert_eq!(toml_value("", "abc"), "\"abc\"");
        assert_eq!(toml_value("id", "2024"), "\"2024\"");
        assert_eq!(toml_string("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000A\"");
    }
}
