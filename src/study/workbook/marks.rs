//! Cells that hold a date or an error value, reported once each.

use crate::error::Problem;
use std::collections::HashMap;

/// How a marked cell is reported.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
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
pub(super) struct Marks {
    /// (file, line, column) -> (index of its problem, kind).
    pub(super) cells: HashMap<(String, u64, String), (usize, Kind)>,
}

impl Marks {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn add(
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
    pub(super) fn apply(&self, problems: Vec<Problem>) -> Vec<Problem> {
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
