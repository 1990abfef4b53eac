//! The study and support sheets as study.toml: their rows become TOML text for `config::parse`,
//! and the problems found come back with the sheet's rows and columns.

use super::marks::Marks;
use super::sheet::Sheet;
use crate::error::Problem;
use crate::study::config;
use crate::study::schema::{Column, STUDY_SHEET, SUPPORT_SHEET};
use crate::study::table::Table;

const STUDY_COLUMNS: &[Column] = STUDY_SHEET.columns;
const SUPPORT_COLUMNS: &[Column] = SUPPORT_SHEET.columns;
/// Settings whose values are text, so `2024` in them stays the text "2024".
const TEXT_KEYS: [&str; 3] = ["id", "name", "regions"];

/// A TOML basic string.
pub(super) fn toml_string(s: &str) -> String {
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
pub(super) fn toml_value(key: &str, text: &str) -> String {
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
pub(super) struct Origin {
    pub(super) row: u64,
    pub(super) key: String,
    pub(super) value: String,
    /// 1-based character column where the value starts on the TOML line; before it is the key.
    pub(super) value_column: usize,
    /// For a cell of the support sheet: the sheet as shown and the cell's column letter.
    pub(super) cell: Option<(String, String)>,
}

/// The settings from the study sheet: its rows become TOML text for `config::parse`, and the
/// problems found come back with the sheet's rows and columns (A for a key, B for a value).
pub(super) fn read_config(
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
pub(super) fn support_lines(
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
