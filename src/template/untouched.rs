//! The check that tells an untouched template apart from a study with real problems: the
//! template's placeholders and example rows, found through the study's own readers.

use super::tables::{Table, TABLES};
use super::{EXAMPLE_ID, EXAMPLE_NAME, FILL};
use crate::error::Problem;
use crate::study::dialect;
use crate::study::workbook::is_workbook;
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
        if !path.join("study.toml").exists() && book.is_file() {
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
    if let Ok(text) = std::fs::read_to_string(dir.join("study.toml")) {
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let (name, regions) = match text.parse::<toml::Table>() {
            Ok(t) => (
                t.get("name")
                    .and_then(|v| v.as_str())
                    .is_some_and(is_placeholder),
                t.get("regions")
                    .and_then(|v| v.as_array())
                    .is_some_and(|a| a.iter().filter_map(|v| v.as_str()).any(is_placeholder)),
            ),
            Err(_) => (false, false),
        };
        if let Some(m) = placeholder_message(name, regions) {
            problems.push(Problem::file(&shown("study.toml"), m));
        }
    }
    for t in TABLES {
        let file = t.def.file_name();
        // The template's example rows are its first rows: the head of a large file will do.
        let Some(bytes) = head(&dir.join(&file)) else {
            continue;
        };
        let Ok((text, _, _)) = dialect::decode(&bytes, &file, None) else {
            continue;
        };
        let names: Vec<&str> = t.def.columns.iter().map(|c| c.name).collect();
        let Ok(delimiter) = dialect::delimiter(&text, &file, &names) else {
            continue;
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        let id_at = reader
            .headers()
            .ok()
            .and_then(|h| h.iter().position(|c| c.trim() == "id"));
        let mut labels = Vec::new();
        for record in reader.records() {
            let Ok(record) = record else { break };
            if record.iter().any(is_example) {
                let line = record.position().map_or(0, |p| p.line());
                labels.push(row_label(id_at.and_then(|i| record.get(i)), line));
            }
        }
        if !labels.is_empty() {
            problems.push(Problem::file(
                &shown(&file),
                example_message(t, &labels, "line"),
            ));
        }
    }
    problems
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

/// Template markers in a workbook; a malformed one (a panic inside calamine) has none here, and
/// loading it then reports it plainly.
fn workbook_markers(path: &Path) -> Vec<Problem> {
    std::panic::catch_unwind(|| workbook_markers_unguarded(path)).unwrap_or_default()
}

fn workbook_markers_unguarded(path: &Path) -> Vec<Problem> {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let Ok(mut book) = open_workbook::<Xlsx<_>, _>(path) else {
        return Vec::new();
    };
    let text = |d: &Data| match d {
        Data::String(s) => Some(s.clone()),
        _ => None,
    };
    let shown = |sheet: &str| format!("{}[{sheet}]", path.display());
    let mut problems = Vec::new();
    if let Ok(range) = book.worksheet_range("study") {
        let (mut name, mut regions) = (false, false);
        for row in range.rows() {
            let key = row.first().and_then(text).unwrap_or_default();
            let value = row.get(1).and_then(text).unwrap_or_default();
            match key.trim() {
                "name" => name |= is_placeholder(&value),
                "regions" => regions |= is_placeholder(&value),
                _ => {}
            }
        }
        if let Some(m) = placeholder_message(name, regions) {
            problems.push(Problem::file(&shown("study"), m));
        }
    }
    for t in TABLES {
        let Ok(range) = book.worksheet_range(t.def.name) else {
            continue;
        };
        let first_row = range.start().map_or(0, |s| s.0);
        let mut rows = range.rows();
        let id_at = rows.next().and_then(|h| {
            h.iter()
                .position(|c| text(c).is_some_and(|s| s.trim() == "id"))
        });
        let mut labels = Vec::new();
        for (i, row) in rows.enumerate() {
            if row.iter().filter_map(text).any(|s| is_example(&s)) {
                let id = id_at.and_then(|k| row.get(k)).and_then(text);
                labels.push(row_label(
                    id.as_deref(),
                    u64::from(first_row) + i as u64 + 2,
                ));
            }
        }
        if !labels.is_empty() {
            problems.push(Problem::file(
                &shown(t.def.name),
                example_message(t, &labels, "row"),
            ));
        }
    }
    problems
}
