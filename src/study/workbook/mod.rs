//! A study as one Excel workbook (`.xlsx`): a `study` sheet of `key | value` rows and the
//! sheets `participants`, `products`, `flows` and optionally `specs`, with the CSV files' columns.
//!
//! Every cell becomes the text the CSV loader would have read, and the sheets become `Table`s,
//! so validation, cross-references and year selection are the folder's own. The settings rows
//! become TOML text for `config::parse`; its problems are mapped back to the sheet's rows.
//!
//! Problems name `<workbook>[<sheet>]`, the row as Excel numbers it and the column letter.

use super::assemble::{assemble, Inputs};
use super::schema::{STUDY_SHEET, SUPPORT_SHEET, TABLES};
use super::Study;
use crate::error::{Error, Problem, Result};
use calamine::{Reader, Xlsx};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

mod marks;
mod settings;
mod sheet;

use marks::Marks;
use settings::read_config;
use sheet::{read_sheet, text, Odd};

/// The settings sheet.
const STUDY: &str = STUDY_SHEET.name;
/// The support programmes sheet: one row per `[[support]]` table of study.toml.
const SUPPORT: &str = SUPPORT_SHEET.name;

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
        flows_file: "the flows sheet".to_string(),
        study_prefix: String::new(),
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

/// A sheet as the loader sees it before any column is checked.
pub struct SheetText {
    /// How messages name it: `<workbook>[<sheet>]`.
    pub shown: String,
    /// (Excel row, the text of each cell) of every row that is not blank, the header first.
    pub rows: Vec<(u64, Vec<String>)>,
}

/// The sheets `names` of the workbook at `path` as text, from one opening of it, matched as the
/// loader matches them; `None` for a sheet that is missing or unreadable. `None` for a file
/// that is no workbook, or a malformed one: loading reports that.
pub fn sheet_texts(path: &Path, names: &[&str]) -> Option<Vec<Option<SheetText>>> {
    let read = || {
        let mut wb = open(path).ok()?;
        let sheets = wb.sheet_names();
        let mut ignored = Vec::new();
        let texts = names.iter().map(|name| {
            let sheet = read_sheet(&mut wb, path, &sheets, name, false, &mut ignored)?;
            let rows = sheet
                .rows
                .iter()
                .map(|(row, cells)| {
                    let cells = cells
                        .iter()
                        .map(|c| text(c).unwrap_or_else(|(Odd::Date(s) | Odd::Error(s))| s))
                        .collect();
                    (*row, cells)
                })
                .collect();
            Some(SheetText {
                shown: sheet.shown,
                rows,
            })
        });
        Some(texts.collect())
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or(None)
}

#[cfg(test)]
mod tests;
