//! plans.csv (SPEC v2 "Demand outlook"): output plans after the selected year.

use super::Refs;
use crate::error::Problem;
use crate::study::table::{Cells, Table};
use crate::study::Plan;
use std::collections::HashMap;

/// How far past the selected year a plan may go.
const PLAN_YEARS_AHEAD: i64 = 100;

/// plans.csv (SPEC v2 "Demand outlook"). `selected` is the selected year when it is known
/// (`Some(None)`: the study has none); the year checks need it. Sorted by (year, participant).
pub(in crate::study) fn plans(
    t: &Table,
    refs: &Refs,
    selected: Option<Option<i64>>,
    problems: &mut Vec<Problem>,
) -> Vec<Plan> {
    if selected == Some(None) && !t.rows.is_empty() {
        problems.push(Problem::file(
            &t.file,
            "plans need a selected year, and this study has none; expected a year column in flows.csv or a year in study.toml",
        ));
        return Vec::new();
    }
    let mut out = Vec::new();
    // (participant, year) -> the line that first planned it.
    let mut seen: HashMap<(usize, i64), u64> = HashMap::new();
    for row in &t.rows {
        let mut c = Cells { problems };
        let participant = c.required(t.cell(row, 0)).and_then(|cell| {
            let i = refs.participant(cell.text);
            if i.is_none() && refs.participants.is_some() {
                c.problems.push(cell.problem(
                    "unknown participant; expected a participant id from participants.csv",
                ));
            }
            i
        });
        let year = match selected.flatten() {
            // At most a century ahead: each distinct plan year is one pass over the flows and
            // one solve, so an unbounded number of years would make the run quadratic.
            Some(y) => c.integer(
                t.cell(row, 1),
                &format!(
                    "a year after the selected year {y}, at most {}",
                    y.saturating_add(PLAN_YEARS_AHEAD)
                ),
                |v| v > y && v <= y.saturating_add(PLAN_YEARS_AHEAD),
            ),
            None => c.integer(t.cell(row, 1), "an integer year", |_| true),
        };
        let output_rub = c.number(t.cell(row, 2), "a number >= 0", |v| v >= 0.0);
        let note = c.opt_text(t.cell(row, 3));
        let (Some(participant), Some(year), Some(output_rub)) = (participant, year, output_rub)
        else {
            continue;
        };
        if let Some(first) = seen.get(&(participant, year)) {
            if let Some(cell) = t.cell(row, 0) {
                c.problems.push(cell.problem(format!(
                    "a second plan for this participant in {year}; line {first} already plans it, line {} repeats it; expected one row per participant and year",
                    row.line
                )));
            }
            continue;
        }
        seen.insert((participant, year), row.line);
        out.push(Plan {
            participant,
            year,
            output_rub,
            note,
        });
    }
    out.sort_by_key(|p| (p.year, p.participant));
    out
}
