//! Existing and potential demand (SPEC v2 "Demand outlook"): each product's history, its
//! log-linear trend with a one-standard-error band and the projection over the horizon, and
//! the demand the participants' plans imply, carried up the supply graph by the Leontief
//! quantity model `Δx = (I - A)^-1 Δf` (the import-content solver, column direction).

use super::import_content::{Direction, Leontief};
use super::model::{
    Need, Outlook, OutlookRow, PlanInfo, ProductOutlook, RowKind, Trend, TrendOutlook,
};
use crate::error::Error;
use crate::study::{Study, YearSums};

/// The OLS fit of `ln v = a + b (y - base)` over the points with `v > 0`: a trend when there
/// are at least 3 of them and the base year is one.
pub fn trend(points: &[(i64, f64)], base: i64) -> Option<Trend> {
    let used: Vec<(f64, f64)> = points
        .iter()
        .filter(|(_, v)| *v > 0.0)
        .map(|&(y, v)| ((y - base) as f64, v.ln()))
        .collect();
    let n = used.len();
    if n < 3 || !points.iter().any(|&(y, v)| y == base && v > 0.0) {
        return None;
    }
    let nf = n as f64;
    let mt = used.iter().map(|p| p.0).sum::<f64>() / nf;
    let ml = used.iter().map(|p| p.1).sum::<f64>() / nf;
    let stt: f64 = used.iter().map(|p| (p.0 - mt).powi(2)).sum();
    let stl: f64 = used.iter().map(|p| (p.0 - mt) * (p.1 - ml)).sum();
    let b = stl / stt;
    let a = ml - b * mt;
    let ssr: f64 = used.iter().map(|p| (p.1 - a - b * p.0).powi(2)).sum();
    let se = ((ssr / (nf - 2.0)) / stt).sqrt();
    Some(Trend {
        demand_growth: b.exp_m1(),
        growth_low: (b - se).exp_m1(),
        growth_high: (b + se).exp_m1(),
        trend_years: n,
    })
}

/// The trend rows for years `base + 1 ..= base + horizon` from the base year's figures.
pub fn projection(base: &OutlookRow, base_year: i64, t: &Trend, horizon: u32) -> Vec<OutlookRow> {
    (1..=horizon as i32)
        .map(|h| {
            let g = (1.0 + t.demand_growth).powi(h);
            OutlookRow {
                year: Some(base_year + i64::from(h)),
                kind: RowKind::Trend,
                demand_qty: base.demand_qty * g,
                demand_rub: base.demand_rub * g,
                import_rub: base.import_rub * g,
                low_rub: Some(base.demand_rub * (1.0 + t.growth_low).powi(h)),
                high_rub: Some(base.demand_rub * (1.0 + t.growth_high).powi(h)),
            }
        })
        .collect()
}

/// Output scales per participant for each plan year (ascending): `Δf_j = plan - x_j` for the
/// participants planned in that year, `Δx = (I - A)^-1 Δf`, `scale_j = max(0, (x_j + Δx_j) /
/// x_j)` (1 when `x_j` = 0). `None` when the system cannot be solved.
pub fn plan_scales(l: &Leontief, plans: &[(usize, i64, f64)]) -> Option<Vec<(i64, Vec<f64>)>> {
    let n = l.x.len();
    let mut years: Vec<i64> = plans.iter().map(|p| p.1).collect();
    years.sort_unstable();
    years.dedup();
    if years.is_empty() {
        return Some(Vec::new());
    }
    let rhs: Vec<Vec<f64>> = years
        .iter()
        .map(|&y| {
            let mut df = vec![0.0; n];
            for &(j, _, out) in plans.iter().filter(|p| p.1 == y) {
                df[j] = out - l.x[j];
            }
            df
        })
        .collect();
    let dx = l.solve(&rhs, Direction::Column)?;
    if dx.iter().flatten().any(|v| !v.is_finite()) {
        return None;
    }
    Some(
        years
            .into_iter()
            .zip(dx)
            .map(|(y, dx)| {
                let scale = (0..n)
                    .map(|j| {
                        let x = l.x[j];
                        if x > 0.0 {
                            ((x + dx[j]) / x).max(0.0)
                        } else {
                            1.0
                        }
                    })
                    .collect();
                (y, scale)
            })
            .collect(),
    )
}

/// The study's outlook, and each need's (in the order of `needs`: one per product with flows).
pub fn outlook(
    study: &Study,
    needs: &[Need],
    l: &Leontief,
) -> Result<(Outlook, Vec<ProductOutlook>), Error> {
    let y = study.selected_year;
    let horizon = study.config.outlook.horizon;
    let plans: Vec<(usize, i64, f64)> = study
        .plans
        .iter()
        .map(|p| (p.participant, p.year, p.output_rub))
        .collect();
    let scales = plan_scales(l, &plans).ok_or_else(|| Error::Data(vec![l.problem(study)]))?;
    // Plan demand per plan year and product, summed in flow order.
    let np = study.products.len();
    let planned: Vec<Vec<(f64, f64, f64)>> = scales
        .iter()
        .map(|(_, scale)| {
            let mut by_product = vec![(0.0, 0.0, 0.0); np];
            let f = &study.flows;
            let columns = f.consumers().iter().zip(f.products());
            for (k, ((&c, &p), (&q, &v))) in columns
                .zip(f.quantities().iter().zip(f.values_rub()))
                .enumerate()
            {
                let s = scale[c as usize];
                let e = &mut by_product[p as usize];
                e.0 += q * s;
                e.1 += v * s;
                if f.is_import(k) {
                    e.2 += v * s;
                }
            }
            by_product
        })
        .collect();
    let products = needs
        .iter()
        .map(|n| {
            // A need is always a product of the study; a miss is a bug, reported, not a panic.
            let p = study.product_index(&n.product).ok_or_else(|| {
                Error::Internal(format!(
                    "internal error: the need {} is not a product of the study",
                    n.product
                ))
            })?;
            let sums = sums_of(&study.history.sums, p);
            let current = OutlookRow {
                year: y,
                kind: RowKind::History,
                demand_qty: n.demand_qty,
                demand_rub: n.demand_rub,
                import_rub: n.import_rub,
                low_rub: None,
                high_rub: None,
            };
            let mut history: Vec<OutlookRow> = sums
                .iter()
                .map(|s| OutlookRow {
                    year: Some(s.year),
                    kind: RowKind::History,
                    demand_qty: s.demand_qty,
                    demand_rub: s.demand_rub,
                    import_rub: s.import_rub,
                    low_rub: None,
                    high_rub: None,
                })
                .collect();
            history.push(current.clone());
            let trend = y.and_then(|base| {
                let points: Vec<(i64, f64)> = history
                    .iter()
                    .filter_map(|r| Some((r.year?, r.demand_rub)))
                    .collect();
                let t = trend(&points, base)?;
                Some(TrendOutlook {
                    projection: projection(&current, base, &t, horizon),
                    trend: t,
                })
            });
            let plans = scales
                .iter()
                .zip(&planned)
                .map(|((year, _), by_product)| {
                    let (q, v, i) = by_product[p];
                    OutlookRow {
                        year: Some(*year),
                        kind: RowKind::Plan,
                        demand_qty: q,
                        demand_rub: v,
                        import_rub: i,
                        low_rub: None,
                        high_rub: None,
                    }
                })
                .collect();
            Ok(ProductOutlook {
                history,
                trend,
                plans,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let outlook = Outlook {
        horizon,
        history_years: study.history.years.clone(),
        plan_years: scales.iter().map(|(y, _)| *y).collect(),
        plans: study
            .plans
            .iter()
            .map(|p| {
                let who = &study.participants[p.participant];
                PlanInfo {
                    participant: who.id.clone(),
                    name: who.name.clone(),
                    year: p.year,
                    output_rub: p.output_rub,
                    current_output_rub: l.x[p.participant],
                    note: p.note.clone(),
                }
            })
            .collect(),
    };
    Ok((outlook, products))
}

/// The history sums of product `p` (sums are sorted by product, then year).
fn sums_of(sums: &[YearSums], p: usize) -> &[YearSums] {
    let start = sums.partition_point(|s| s.product < p);
    let end = sums.partition_point(|s| s.product <= p);
    &sums[start..end]
}

#[cfg(test)]
mod tests;
