//! What changed between a study's previous results and a rerun: niches opened and closed,
//! rank moves, demand and import share shifts beyond a threshold, compliance status changes.

use super::summary::Results;
use crate::analysis::batch::Change;
use std::collections::BTreeMap;

/// A niche's outlook figures: (demand_growth, plan_demand_rub of the latest plan year); absent
/// in results written before the outlook.
fn outlook_of(r: &Results, product: &str) -> (Option<f64>, Option<f64>) {
    match r.niches.iter().find(|n| n.product == product) {
        Some(n) => (n.demand_growth(), n.plan_demand_rub()),
        None => (None, None),
    }
}

/// Relative change from `old` to `new`; a change from 0 counts as 100 %.
fn relative_change(old: f64, new: f64) -> f64 {
    if old == 0.0 {
        if new == 0.0 {
            0.0
        } else {
            f64::INFINITY
        }
    } else {
        (new - old) / old
    }
}

/// Niches by product id: (rank, name, demand_rub, import_share).
fn niches(r: &Results) -> BTreeMap<String, (u64, String, f64, f64)> {
    r.niches
        .iter()
        .map(|n| {
            (
                n.product.clone(),
                (
                    n.rank,
                    n.product_name.clone().unwrap_or_default(),
                    n.demand_rub.unwrap_or(0.0),
                    n.import_share.unwrap_or(0.0),
                ),
            )
        })
        .collect()
}

fn statuses(r: &Results) -> BTreeMap<String, String> {
    r.criteria.iter().cloned().collect()
}

/// Compares previous and new results. `threshold` is relative for demand (0.1 = ±10 %) and in
/// share points for the import share (0.1 = 10 p.p.).
pub fn compare(previous: &Results, new_results: &Results, threshold: f64) -> Vec<Change> {
    let (old, new) = (niches(previous), niches(new_results));
    let mut out = Vec::new();
    for (p, (rank, name, _, _)) in &new {
        if !old.contains_key(p) {
            out.push(Change::NicheOpened {
                product: p.clone(),
                product_name: name.clone(),
                rank: *rank,
            });
        }
    }
    for (p, (rank, name, _, _)) in &old {
        if !new.contains_key(p) {
            out.push(Change::NicheClosed {
                product: p.clone(),
                product_name: name.clone(),
                rank: *rank,
            });
        }
    }
    for (p, (rank, name, demand, share)) in &new {
        let Some((old_rank, _, old_demand, old_share)) = old.get(p) else {
            continue;
        };
        if rank != old_rank {
            out.push(Change::RankMoved {
                product: p.clone(),
                product_name: name.clone(),
                from: *old_rank,
                to: *rank,
            });
        }
        let relative = relative_change(*old_demand, *demand);
        if relative.abs() > threshold {
            out.push(Change::DemandChanged {
                product: p.clone(),
                product_name: name.clone(),
                from: *old_demand,
                to: *demand,
                relative: if relative.is_finite() { relative } else { 1.0 },
            });
        }
        if (share - old_share).abs() > threshold {
            out.push(Change::ImportShareChanged {
                product: p.clone(),
                product_name: name.clone(),
                from: *old_share,
                to: *share,
            });
        }
        let (old_growth, old_plan) = outlook_of(previous, p);
        let (growth, plan) = outlook_of(new_results, p);
        let growth_moved = match (old_growth, growth) {
            (Some(a), Some(b)) => (b - a).abs() > threshold,
            (a, b) => a.is_some() != b.is_some(),
        };
        if growth_moved {
            out.push(Change::GrowthChanged {
                product: p.clone(),
                product_name: name.clone(),
                from: old_growth,
                to: growth,
            });
        }
        let plan_moved = match (old_plan, plan) {
            (Some(a), Some(b)) => relative_change(a, b).abs() > threshold,
            (a, b) => a.is_some() != b.is_some(),
        };
        if plan_moved {
            out.push(Change::PlanDemandChanged {
                product: p.clone(),
                product_name: name.clone(),
                from: old_plan,
                to: plan,
            });
        }
    }
    let (so, sn) = (statuses(previous), statuses(new_results));
    for (id, status) in &sn {
        if let Some(before) = so.get(id) {
            if before != status {
                out.push(Change::ComplianceChanged {
                    criterion: id.clone(),
                    from: before.clone(),
                    to: status.clone(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
