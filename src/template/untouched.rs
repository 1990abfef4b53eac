//! The check that tells an untouched template apart from a study with real problems: the
//! template's placeholders and example rows, found through the study's own readers.

use super::tables::{Table, TABLES};
use super::{EXAMPLE_ID, EXAMPLE_NAME, FILL};
use crate::error::Problem;
use crate::study::config;
use crate::study::dialect::DialectOptions;
use crate::study::schema::{SETTINGS_FILE, STUDY_SHEET};
use crate::study::table::Records;
use crate::study::workbook::{is_workbook, sheet_texts};
use std::path::Path;

fn is_example(cell: &str) -> bool {
    let c = cell.trim();
    c.starts_with(EXAMPLE_ID) || c.starts_with(EXAMPLE_NAME)
}

fn is_placeholder(s: &str) -> bool {
    s.trim().starts_with(FILL)
}

/// When the study at `path` (a folder, or a `.xlsx` workbook) still holds the template's
/// placeholders or example rows, one plain problem per file or sheet that says what to fill.
/// `None` when there are none, or when the study cannot be read (the loader reports that).
pub fn untouched(path: &Path) -> Option<Vec<Problem>> {
    let problems = if path.is_file() && is_workbook(path) {
        workbook_markers(path)
    } else if path.is_dir() {
        let book = path.join("study.xlsx");
        if !path.join(SETTINGS_FILE).exists() && book.is_file() {
            workbook_markers(&book)
        } else {
            folder_markers(path)
        }
    } else {
        Vec::new()
    };
    (!problems.is_empty()).then_some(problems)
}

/// The message for placeholders left in the name and regions.
fn placeholder_message(name: bool, regions: bool) -> Option<String> {
    match (name, regions) {
        (true, true) => Some(format!(
            "name and regions are still the template's placeholders («{FILL}: …»); write the \
             cluster's name and its regions (subjects of the Russian Federation)"
        )),
        (true, false) => Some(format!(
            "name is still the template's placeholder («{FILL}: …»); write the cluster's name"
        )),
        (false, true) => Some(format!(
            "regions still holds the template's placeholder («{FILL}: …»); write the cluster's \
             regions (subjects of the Russian Federation)"
        )),
        (false, false) => None,
    }
}

/// An example row: its id, or where it is when the table has no ids.
enum Label {
    Id(String),
    At(u64),
}

/// The message for example rows left in a table.
fn example_message(t: &Table, labels: &[Label], place: &str) -> String {
    const SHOWN: usize = 5;
    let all_at = labels.iter().all(|l| matches!(l, Label::At(_)));
    let mut list = labels
        .iter()
        .take(SHOWN)
        .map(|l| match l {
            Label::Id(id) => id.clone(),
            Label::At(n) if all_at => n.to_string(),
            Label::At(n) => format!("{place} {n}"),
        })
        .collect::<Vec<_>>()
        .join(", ");
    if labels.len() > SHOWN {
        list.push_str(", …");
    }
    if all_at {
        list = format!("{place}{} {list}", if labels.len() == 1 { "" } else { "s" });
    }
    let (rows, verb, them) = if labels.len() == 1 {
        ("example row", "is", "it")
    } else {
        ("example rows", "are", "them")
    };
    format!(
        "{} {rows} ({list}) {verb} still there; {}",
        labels.len(),
        t.replace_with.replace("{them}", them)
    )
}

/// A label for an example row: its id, or where it is.
fn row_label(id: Option<&str>, at: u64) -> Label {
    match id {
        Some(id) if !id.trim().is_empty() => Label::Id(id.trim().to_string()),
        _ => Label::At(at),
    }
}

fn folder_markers(dir: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    let shown = |name: &str| dir.join(name).display().to_string();
    if let Ok(text) = std::fs::read_to_string(dir.join(SETTINGS_FILE)) {
        let (name, regions) = match config::heading(&text) {
            Some(h) => (
                h.name.as_deref().is_some_and(is_placeholder),
                h.regions.iter().any(|r| is_placeholder(r)),
            ),
            None => (false, false),
        };
        if let Some(m) = placeholder_message(name, regions) {
            problems.push(Problem::file(&shown(SETTINGS_FILE), m));
        }
    }
    for t in TABLES {
        let file = t.def.file_name();
        // The template's example rows are its first rows: the head of a large file will do.
        let Some(bytes) = head(&dir.join(&file)) else {
            continue;
        };
        let names: Vec<&str> = t.def.columns.iter().map(|c| c.name).collect();
        // Problems are the loader's to report; here a file that cannot be read has no markers.
        let Some(read) = Records::parse(
            &bytes,
            &file,
            &names,
            DialectOptions::default(),
            &mut Vec::new(),
        ) else {
            continue;
        };
        let labels = example_rows(&read.header, &read.records);
        if !labels.is_empty() {
            problems.push(Problem::file(
                &shown(&file),
                example_message(t, &labels, "line"),
            ));
        }
    }
    problems
}

/// Labels of the rows under `header` that hold an example cell: (line or row, cells).
fn example_rows(header: &[String], rows: &[(u64, Vec<String>)]) -> Vec<Label> {
    let id_at = header.iter().position(|c| c.trim() == "id");
    rows.iter()
        .filter(|(_, cells)| cells.iter().any(|c| is_example(c)))
        .map(|(at, cells)| row_label(id_at.and_then(|i| cells.get(i)).map(String::as_str), *at))
        .collect()
}

/// The first MiB of a file, cut after its last full line (all of a smaller file).
fn head(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    const HEAD: u64 = 1 << 20;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(HEAD + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    if bytes.len() as u64 > HEAD {
        let end = bytes.iter().rposition(|&b| b == b'\n')?;
        bytes.truncate(end + 1);
    }
    Some(bytes)
}

/// Template markers in a workbook; a malformed one has none here, and loading it then reports
/// it plainly.
fn workbook_markers(path: &Path) -> Vec<Problem> {
    let sheets: Vec<&str> = std::iter::once(STUDY_SHEET.name)
        .chain(TABLES.iter().map(|t| t.def.name))
        .collect();
    let Some(texts) = sheet_texts(path, &sheets) else {
        return Vec::new();
    };
    let mut texts = texts.into_iter();
    let mut problems = Vec::new();
    if let Some(Some(study)) = texts.next() {
        let (mut name, mut regions) = (false, false);
        for (_, cells) in &study.rows {
            let value = cells.get(1).map_or("", String::as_str);
            match cells.first().map(|k| k.trim()) {
                Some("name") => name |= is_placeholder(value),
                Some("regions") => regions |= is_placeholder(value),
                _ => {}
            }
        }
        if let Some(m) = placeholder_message(name, regions) {
            problems.push(Problem::file(&study.shown, m));
        }
    }
    for (t, sheet) in TABLES.iter().zip(texts) {
        let Some(sheet) = sheet else { continue };
        let Some(((_, header), rows)) = sheet.rows.split_first() else {
            continue;
        };
        let labels = example_rows(header, rows);
        if !labels.is_empty() {
            problems.push(Problem::file(
                &sheet.shown,
                example_message(t, &labels, "row"),
            ));
        }
    }
    problems
}
