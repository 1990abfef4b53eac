//! Needs per product, their flags, and the niches ranked (SPEC "Definitions").

use super::model::*;
use crate::graph::SupplyGraph;
use crate::study::{Role, Source, Study};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

fn share(part: f64, whole: f64) -> f64 {
    if whole == 0.0 {
        0.0
    } else {
        part / whole
    }
}

/// Key consumers from (participant index, value) pairs sorted by id: by value descending
/// (ties: id ascending), the fewest whose running total reaches 80% of `demand_rub`, at most 5.
/// With `demand_rub` = 0, the first consumer alone.
pub fn key_consumers(values: &[(usize, f64)], demand_rub: f64) -> Vec<usize> {
    let mut order: Vec<(usize, f64)> = values.to_vec();
    // Indices are in id order, so ordering by index breaks ties by id.
    order.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    if demand_rub == 0.0 {
        return order.first().map(|c| vec![c.0]).unwrap_or_default();
    }
    let mut out = Vec::new();
    let mut running = 0.0;
    for (i, v) in order.into_iter().take(5) {
        out.push(i);
        running += v;
        if running >= 0.8 * demand_rub {
            break;
        }
    }
    out
}

/// Everything SPEC defines for one study. Fails only when import content cannot be computed.
pub fn analyze(study: &Study, graph: &SupplyGraph) -> Result<Analysis, crate::error::Error> {
    let mut phases = crate::progress::Phases::new();
    let totals = super::Totals::of(study);
    phases.done("  totals");
    let leontief = super::import_content::Leontief::new(study, &totals);
    let import_content = super::import_content::import_content_of(study, &leontief)?;
    phases.done("  import content");
    let compliance = super::compliance::compliance(study, &totals);
    phases.done("  compliance");
    let purchases = graph.purchases(study);
    let downstream = graph.downstream(study, &purchases);
    phases.done("  purchases");
    let mut specs_by_product: BTreeMap<usize, Vec<&crate::study::Spec>> = BTreeMap::new();
    for s in &study.specs {
        specs_by_product.entry(s.product).or_default().push(s);
    }
    let needs: Vec<Need> = study
        .flows
        .product_ranges()
        .into_par_iter()
        .map(|(p, range)| {
            let specs = specs_by_product.get(&p).map(Vec::as_slice).unwrap_or(&[]);
            need(study, (graph, &downstream), &purchases, p, range, specs)
        })
        .collect();
    phases.done("  needs");
    let (outlook, products) = super::outlook::outlook(study, &needs, &leontief)?;
    let mut needs = needs;
    for (n, o) in needs.iter_mut().zip(products) {
        n.outlook = o;
    }
    phases.done("  outlook");

    let mut niches: Vec<Niche> = needs
        .iter()
        .filter(|n| n.is_niche)
        .map(|n| Niche {
            rank: 0,
            support: super::support::estimate(
                n.investment_rub,
                n.addressable_rub,
                &study.config.finance,
                &study.config.support,
                compliance.overall,
            ),
            need: n.clone(),
        })
        .collect();
    niches.sort_by(|a, b| {
        b.need
            .addressable_rub
            .total_cmp(&a.need.addressable_rub)
            .then_with(|| a.need.product.cmp(&b.need.product))
    });
    for (i, n) in niches.iter_mut().enumerate() {
        n.rank = i + 1;
    }

    let mut import_carriers: Vec<ImportCarrier> = import_content
        .iter()
        .zip(&totals.sales)
        .filter(|(r, &sales)| r.total_import_share * sales > 0.0)
        .map(|(r, &sales)| ImportCarrier {
            id: r.participant.clone(),
            name: r.name.clone(),
            total_import_share: r.total_import_share,
            cluster_sales_rub: sales,
            passed_on_rub: r.total_import_share * sales,
        })
        .collect();
    // Stable sort: ties stay in id order.
    import_carriers.sort_by(|a, b| b.passed_on_rub.total_cmp(&a.passed_on_rub));

    phases.done("  niches");
    let chain = chain(study);
    phases.done("  chain");
    let c = &study.config;
    Ok(Analysis {
        study: StudyInfo {
            id: c.id.clone(),
            name: c.name.clone(),
            regions: c.regions.clone(),
            year: study.selected_year,
            criteria: c.criteria.clone(),
            investment: c.investment.clone(),
            finance: c.finance.clone(),
            support: c.support.clone(),
        },
        needs,
        niches,
        links: links(study, &map_members(&chain)),
        chain,
        compliance,
        import_content,
        import_carriers,
        outlook,
    })
}

fn need(
    study: &Study,
    (graph, downstream): (&SupplyGraph, &crate::graph::Downstream),
    purchases: &[f64],
    p: usize,
    flows: std::ops::Range<usize>,
    specs: &[&crate::study::Spec],
) -> Need {
    let product = &study.products[p];
    let criteria = &study.config.criteria;
    let (mut demand_qty, mut demand_rub) = (0.0, 0.0);
    let (mut import_rub, mut cluster_rub, mut domestic_rub) = (0.0, 0.0, 0.0);
    // Per consumer (flows are sorted by consumer within a product): quantity and value.
    let mut consumers: Vec<(usize, f64, f64)> = Vec::new();
    let mut origins: BTreeMap<&str, (f64, f64, BTreeSet<&str>)> = BTreeMap::new();
    for f in study.flows.range(flows.clone()) {
        demand_qty += f.quantity;
        demand_rub += f.value_rub;
        match f.supplier {
            Source::Import(o) => {
                import_rub += f.value_rub;
                let e = origins.entry(o).or_default();
                e.0 += f.quantity;
                e.1 += f.value_rub;
                e.2.extend(f.supplier_names());
            }
            Source::Participant(_) => cluster_rub += f.value_rub,
            Source::Domestic => domestic_rub += f.value_rub,
        }
        match consumers.last_mut() {
            Some(c) if c.0 == f.consumer => {
                c.1 += f.quantity;
                c.2 += f.value_rub;
            }
            _ => consumers.push((f.consumer, f.quantity, f.value_rub)),
        }
    }
    let import_share = share(import_rub, demand_rub);
    let avg_price_rub = (demand_qty != 0.0).then(|| demand_rub / demand_qty);
    let cost_premium = match (avg_price_rub, product.benchmark_price_rub) {
        (Some(a), Some(b)) => Some(a / b - 1.0),
        _ => None,
    };
    let spec_gaps: Vec<SpecGap> = specs
        .iter()
        .filter(|s| s.is_gap())
        .map(|s| SpecGap {
            consumer: study.participants[s.consumer].id.clone(),
            consumer_name: study.participants[s.consumer].name.clone(),
            parameter: s.parameter.clone(),
            parameter_name: s.parameter_name.clone(),
            unit: s.unit.clone(),
            required_min: s.required_min,
            required_max: s.required_max,
            available: s.available,
        })
        .collect();
    let spec_gap = !spec_gaps.is_empty();

    let mut flags = Vec::new();
    if import_share > criteria.import_share_min {
        flags.push(Flag::Import);
    }
    if cost_premium.is_some_and(|c| c > criteria.cost_premium_min) {
        flags.push(Flag::Cost);
    }
    if spec_gap {
        flags.push(Flag::Spec);
    }
    let is_niche = !flags.is_empty() && demand_rub >= criteria.min_demand_rub;

    let addressable_rub = if flags.contains(&Flag::Cost) || flags.contains(&Flag::Spec) {
        demand_rub
    } else {
        import_rub
    };
    let addressable_qty = if demand_rub == 0.0 {
        0.0
    } else {
        demand_qty * addressable_rub / demand_rub
    };
    let (investment_rub, investment_basis, investment_capacity) = match product.capex_rub_per_unit {
        Some(capex) => {
            let capacity = addressable_qty.max(product.min_capacity.unwrap_or(0.0));
            (capex * capacity, InvestmentBasis::Capex, Some(capacity))
        }
        None => (
            study.config.investment.capital_intensity * addressable_rub,
            InvestmentBasis::Intensity,
            None,
        ),
    };

    let values: Vec<(usize, f64)> = consumers.iter().map(|c| (c.0, c.2)).collect();
    let key: Vec<KeyConsumer> = key_consumers(&values, demand_rub)
        .into_iter()
        .map(|i| {
            let c = consumers
                .iter()
                .find(|c| c.0 == i)
                .copied()
                .unwrap_or((i, 0.0, 0.0));
            let part = &study.participants[i];
            KeyConsumer {
                id: part.id.clone(),
                name: part.name.clone(),
                region: part.region.clone(),
                quantity: c.1,
                value_rub: c.2,
                share: share(c.2, demand_rub),
            }
        })
        .collect();
    let mut regions: Vec<String> = Vec::new();
    for k in &key {
        if !regions.contains(&k.region) {
            regions.push(k.region.clone());
        }
    }
    let mut import_origins: Vec<ImportOrigin> = origins
        .into_iter()
        .map(|(o, (q, v, names))| ImportOrigin {
            origin: o.to_string(),
            quantity: q,
            value_rub: v,
            share: share(v, import_rub),
            supplier_names: names.into_iter().map(str::to_string).collect(),
        })
        .collect();
    // BTreeMap gave origin order; a stable sort by value keeps it for ties.
    import_origins.sort_by(|a, b| b.value_rub.total_cmp(&a.value_rub));

    let starts: Vec<usize> = consumers.iter().map(|c| c.0).collect();
    let downstream_final_rub = downstream.final_output(graph, study, purchases, &starts);

    Need {
        product: product.id.clone(),
        product_name: product.name.clone(),
        stage: product.stage,
        unit: product.unit.clone(),
        code: product.code.clone(),
        demand_qty,
        demand_rub,
        import_rub,
        cluster_rub,
        domestic_rub,
        import_share,
        cluster_share: share(cluster_rub, demand_rub),
        domestic_share: share(domestic_rub, demand_rub),
        avg_price_rub,
        benchmark_price_rub: product.benchmark_price_rub,
        cost_premium,
        spec_gap,
        flags,
        is_niche,
        critical_import: demand_rub > 0.0 && import_share >= criteria.critical_import_share,
        addressable_qty,
        addressable_rub,
        investment_rub,
        investment_basis,
        capex_rub_per_unit: product.capex_rub_per_unit,
        investment_capacity,
        key_consumers: key,
        regions,
        import_origins,
        spec_gaps,
        downstream_final_rub,
        outlook: Default::default(),
    }
}

/// Flows summed per (supplier, consumer) for the consumers in `shown` whose supplier is shown
/// too or outside the cluster, sorted by (supplier key, consumer id).
fn links(study: &Study, shown: &BTreeSet<&str>) -> Vec<Link> {
    let shown_index: Vec<bool> = study
        .participants
        .iter()
        .map(|p| shown.contains(p.id.as_str()))
        .collect();
    let mut sums: BTreeMap<(String, usize), f64> = BTreeMap::new();
    for f in study.flows.iter().filter(|f| shown_index[f.consumer]) {
        if let Source::Participant(s) = f.supplier {
            if !shown_index[s] {
                continue;
            }
        }
        *sums
            .entry((study.source_key(&f.supplier), f.consumer))
            .or_default() += f.value_rub;
    }
    let mut out: Vec<Link> = sums
        .into_iter()
        .map(|((supplier, c), value_rub)| Link {
            supplier,
            consumer: study.participants[c].id.clone(),
            value_rub,
        })
        .collect();
    out.sort_by(|a, b| (&a.supplier, &a.consumer).cmp(&(&b.supplier, &b.consumer)));
    out
}

/// Participants with what they supply inside the cluster, in id order.
fn chain(study: &Study) -> Vec<ChainMember> {
    let n = study.participants.len();
    // Flows are sorted by product first, so each participant's products arrive in ascending
    // order: a product is new to a participant unless it is the last one it got.
    let mut supplies: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut buys: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut turnover = vec![0.0; n];
    let flows = &study.flows;
    let add = |list: &mut Vec<u32>, p: u32| {
        if list.last() != Some(&p) {
            list.push(p);
        }
    };
    let columns = flows.consumers().iter().zip(flows.products());
    for (k, ((&c, &p), &v)) in columns.zip(flows.values_rub()).enumerate() {
        if let Some(i) = flows.supplying_participant(k) {
            add(&mut supplies[i], p);
            turnover[i] += v;
        }
        add(&mut buys[c as usize], p);
        turnover[c as usize] += v;
    }
    let names = |list: Vec<u32>| -> Vec<String> {
        list.into_iter()
            .map(|k| study.products[k as usize].name.clone())
            .collect()
    };
    // Millions of names at 10^7 flows: copied in parallel (the order is kept).
    study
        .participants
        .par_iter()
        .zip(supplies.into_par_iter().zip(buys))
        .zip(turnover)
        .filter(|((p, _), _)| matches!(p.role, Role::Industrial | Role::FinalProducer))
        .map(|((p, (s, b)), turnover_rub)| ChainMember {
            id: p.id.clone(),
            name: p.name.clone(),
            region: p.region.clone(),
            role: p.role,
            stage: p.stage,
            supplies: names(s),
            buys: names(b),
            turnover_rub,
        })
        .collect()
}

#[cfg(test)]
mod tests;
