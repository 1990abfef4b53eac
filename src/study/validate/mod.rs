//! Validating the tables read: every cell, every id and every cross-reference, with a problem
//! for each mistake (the loader reports them all at once). A file per table; here what they
//! share: the ids defined, references to them, and one problem for one unknown id.

use super::table::Cell;
use crate::error::Problem;
use std::collections::{BTreeMap, BTreeSet, HashMap};

mod flows;
mod participants;
mod plans;
mod products;
mod specs;

pub(super) use flows::{flow_rows, FlowRow};
pub(super) use participants::participants;
pub(super) use plans::plans;
pub(super) use products::products;
pub(super) use specs::specs;

/// One unknown id in many rows is one mistake (a typo where it is defined, or a participant left
/// out): its first row is reported with the lines of the others, instead of a problem per row.
pub(super) fn merge_repeated_references(problems: Vec<Problem>) -> Vec<Problem> {
    const LINES_SHOWN: usize = 10;
    let is_reference = |p: &Problem| {
        p.value.is_some()
            && ["unknown supplier", "unknown consumer", "unknown product"]
                .iter()
                .any(|m| p.message.starts_with(m))
    };
    type Key = (String, Option<String>, Option<String>, String);
    let mut first: HashMap<Key, usize> = HashMap::new();
    let mut others: Vec<Vec<u64>> = Vec::new();
    let mut out: Vec<Problem> = Vec::with_capacity(problems.len());
    let mut slot: Vec<Option<usize>> = Vec::new();
    for p in problems {
        if is_reference(&p) {
            let key = (
                p.file.clone(),
                p.field.clone(),
                p.value.clone(),
                p.message.clone(),
            );
            if let Some(&k) = first.get(&key) {
                others[k].extend(p.line);
                continue;
            }
            first.insert(key, others.len());
            slot.push(Some(others.len()));
            others.push(Vec::new());
        } else {
            slot.push(None);
        }
        out.push(p);
    }
    for (p, k) in out.iter_mut().zip(slot) {
        let Some(lines) = k.map(|k| &others[k]).filter(|l| !l.is_empty()) else {
            continue;
        };
        let shown: Vec<String> = lines.iter().take(LINES_SHOWN).map(u64::to_string).collect();
        let more = match lines.len().saturating_sub(LINES_SHOWN) {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        let rows = match lines.len() {
            1 => "1 more row: line".to_string(),
            n => format!("{n} more rows: lines"),
        };
        p.message = format!(
            "{}; the same id is on {rows} {}{more}",
            p.message,
            shown.join(", ")
        );
    }
    out
}

/// Id -> index (in id order) of the tables that could be read; `None` for a table that could not.
pub(super) struct Refs<'a> {
    pub participants: Option<HashMap<&'a str, usize>>,
    pub products: Option<HashMap<&'a str, usize>>,
}

pub(super) fn index(ids: &BTreeSet<String>) -> HashMap<&str, usize> {
    ids.iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect()
}

impl Refs<'_> {
    pub(super) fn participant(&self, id: &str) -> Option<usize> {
        self.participants.as_ref().and_then(|m| m.get(id).copied())
    }

    pub(super) fn product(&self, id: &str) -> Option<usize> {
        self.products.as_ref().and_then(|m| m.get(id).copied())
    }
}

/// Remembers where each id was first defined, to report duplicates.
fn check_unique(
    seen: &mut HashMap<String, u64>,
    id: &str,
    line: u64,
    cell: &Cell<'_>,
    problems: &mut Vec<Problem>,
) -> bool {
    if let Some(first) = seen.get(id) {
        problems.push(cell.problem(format!(
            "duplicate id; it is already defined on line {first}"
        )));
        false
    } else {
        seen.insert(id.to_string(), line);
        true
    }
}

/// The participants whose rows are valid, and the ids every row defines (valid or not).
pub(super) type Defined<T> = (BTreeMap<String, T>, BTreeSet<String>);
