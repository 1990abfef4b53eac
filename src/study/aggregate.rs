//! From valid flow rows to the flows of the selected year: the year, the rows that repeat,
//! the sums per (product, consumer, supplier) and the earlier years' history. The fast path
//! sums with the same functions, so both loaders agree to the bit.

use super::validate::FlowRow;
use super::{Flow, Flows, Source, YearSums};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The year whose rows count: the study's, or else the latest present. `Ok(None)` means all rows.
pub(super) fn select_year(
    study_year: Option<i64>,
    years: &BTreeSet<i64>,
    has_year: bool,
    settings: &str,
) -> Result<Option<i64>, String> {
    if !has_year {
        return Ok(study_year);
    }
    match study_year {
        Some(y) if years.contains(&y) => Ok(Some(y)),
        Some(y) => {
            let list: Vec<String> = years.iter().map(|y| y.to_string()).collect();
            Err(format!(
                "the study year {y} ({settings}) matches no flow row; years present: {}",
                if list.is_empty() {
                    "none".to_string()
                } else {
                    list.join(", ")
                }
            ))
        }
        None => Ok(years.last().copied()),
    }
}

/// Rows of the selected year that repeat an earlier row exactly (same supplier, supplier name,
/// consumer, product, quantity and value): (line, line of the first such row), by line.
pub(super) fn duplicate_rows(rows: &[FlowRow], year: Option<i64>) -> Vec<(u64, u64)> {
    type Key<'a> = (&'a Source, Option<&'a str>, usize, usize, u64, u64);
    let mut first: HashMap<Key, u64> = HashMap::new();
    let mut out = Vec::new();
    for r in rows.iter().filter(|r| year.is_none() || r.year == year) {
        let key = (
            &r.supplier,
            r.supplier_name.as_deref(),
            r.consumer,
            r.product,
            r.quantity.to_bits(),
            r.value_rub.to_bits(),
        );
        match first.get(&key) {
            Some(&l) => out.push((r.line, l)),
            None => {
                first.insert(key, r.line);
            }
        }
    }
    out
}

pub(super) fn aggregate(rows: &[FlowRow], year: Option<i64>) -> Flows {
    type Key = (usize, usize, Source);
    /// Quantities, values and supplier names of one (product, consumer, supplier).
    type Group = (Vec<(f64, f64)>, BTreeSet<String>);
    let mut groups: BTreeMap<Key, Group> = BTreeMap::new();
    for r in rows.iter().filter(|r| year.is_none() || r.year == year) {
        let g = groups
            .entry((r.product, r.consumer, r.supplier.clone()))
            .or_default();
        g.0.push((r.value_rub, r.quantity));
        if let Some(n) = &r.supplier_name {
            g.1.insert(n.clone());
        }
    }
    let flows: Vec<Flow> = groups
        .into_iter()
        .map(|((product, consumer, supplier), (mut pairs, names))| {
            // The same canonical order as the fast path, so the row order never changes a bit.
            let (quantity, value_rub) = sum_group(&mut pairs);
            Flow {
                supplier,
                consumer,
                product,
                quantity,
                value_rub,
                supplier_names: names,
            }
        })
        .collect();
    Flows::from_flows(&flows)
}

/// Sums one group's (value, quantity) pairs, sorted by (value, quantity) in place, as
/// (quantity, value). Both loaders add up flows with this, so their bits agree. Starting from
/// +0.0 also turns a "-0" cell into 0.
pub(super) fn sum_group(pairs: &mut [(f64, f64)]) -> (f64, f64) {
    pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    pairs
        .iter()
        .fold((0.0, 0.0), |(q, v), &(pv, pq)| (q + pq, v + pv))
}

/// One valid flow row of a year other than the selected one, as the outlook's history needs it.
#[derive(Clone, Copy)]
pub(super) struct HistRow {
    pub product: u32,
    pub year: i64,
    pub value: f64,
    pub quantity: f64,
    pub import: bool,
}

/// The history from every year seen and the rows of other years than the selected one: both
/// loaders build it with this, so their bits agree. Sums are canonical: each (product, year)
/// adds its rows in the order of (value, quantity, import), whatever the file's row order.
pub(super) fn history(
    has_year: bool,
    years: &BTreeSet<i64>,
    selected_year: Option<i64>,
    mut rows: Vec<HistRow>,
) -> super::History {
    let Some(y) = selected_year else {
        return super::History::default();
    };
    if !has_year {
        return super::History {
            years: vec![y],
            sums: Vec::new(),
        };
    }
    rows.retain(|r| r.year < y);
    rows.par_sort_unstable_by(|a, b| {
        (a.product, a.year)
            .cmp(&(b.product, b.year))
            .then(a.value.total_cmp(&b.value))
            .then(a.quantity.total_cmp(&b.quantity))
            .then(a.import.cmp(&b.import))
    });
    let mut sums: Vec<YearSums> = Vec::new();
    for r in &rows {
        if !matches!(sums.last(), Some(s) if s.product == r.product as usize && s.year == r.year) {
            sums.push(YearSums {
                product: r.product as usize,
                year: r.year,
                demand_qty: 0.0,
                demand_rub: 0.0,
                import_rub: 0.0,
            });
        }
        let Some(s) = sums.last_mut() else { continue };
        s.demand_qty += r.quantity;
        s.demand_rub += r.value;
        if r.import {
            s.import_rub += r.value;
        }
    }
    super::History {
        years: years.range(..=y).copied().collect(),
        sums,
    }
}
