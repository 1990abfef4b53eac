//! What-if localisation: move imports of one product to a supplier inside the cluster and
//! recompute everything (issue 3 fixes the semantics so that results are reproducible).

use crate::error::Error;
use crate::study::{Flow, Participant, Role, Source, Study};
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct Localize {
    pub product: String,
    /// Fraction of each import flow's quantity and value to move, in [0, 1].
    pub share: f64,
    /// An existing participant; by default a new one, `new-<PRODUCT>`.
    pub supplier: Option<String>,
    /// A participant whose purchases, scaled to the moved value, become the supplier's new
    /// purchases (its own inputs); `None`: the supplier's inputs are not modelled.
    pub inputs_like: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Moved {
    pub product: String,
    pub share: f64,
    pub supplier: String,
    pub new_supplier: bool,
    pub moved_rub: f64,
    pub moved_qty: f64,
    /// Import flows of the product that were moved (partly or wholly).
    pub import_flows: usize,
    /// The participant whose input structure the supplier was given, and the value of the
    /// purchases added (`moved_rub` times its purchases per rub of output).
    pub inputs_like: Option<String>,
    pub inputs_rub: f64,
}

fn usage(msg: String) -> Error {
    Error::Usage(msg)
}

/// The study as it would be after localisation, and what was moved.
pub fn localize(study: &Study, l: &Localize) -> Result<(Study, Moved), Error> {
    let p = study.product_index(&l.product).ok_or_else(|| {
        usage(format!(
            "--localize {}: no such product in products.csv; expected one of {}",
            l.product,
            study
                .products
                .iter()
                .map(|p| p.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    if !(0.0..=1.0).contains(&l.share) {
        return Err(usage(format!(
            "--share {}: expected a fraction from 0 to 1",
            l.share
        )));
    }
    let product = &study.products[p];
    let flows_of_p: Vec<crate::study::FlowRef> =
        study.flows.iter().filter(|f| f.product == p).collect();
    if flows_of_p.is_empty() {
        return Err(usage(format!(
            "--localize {}: the product has no flows{}; nothing to localise",
            l.product,
            study
                .selected_year
                .map(|y| format!(" in {y}"))
                .unwrap_or_default()
        )));
    }

    let mut participants = study.participants.clone();
    let (supplier_id, new_supplier) = match &l.supplier {
        Some(id) => {
            let s = study.participant_index(id).ok_or_else(|| {
                usage(format!(
                    "--supplier {id}: no such participant in participants.csv"
                ))
            })?;
            if flows_of_p.iter().any(|f| f.consumer == s) {
                return Err(usage(format!(
                    "--supplier {id}: the participant itself consumes {}; choose a supplier that does not",
                    l.product
                )));
            }
            (id.clone(), false)
        }
        None => {
            let id = format!("new-{}", l.product);
            if !crate::study::table::is_identifier(&id) || study.participant_index(&id).is_some() {
                return Err(usage(format!(
                    "the default supplier id {id} is taken or too long; name a supplier with --supplier"
                )));
            }
            // The region of the product's largest consumer (by value; ties by id).
            let mut by_consumer: BTreeMap<usize, f64> = BTreeMap::new();
            for f in &flows_of_p {
                *by_consumer.entry(f.consumer).or_default() += f.value_rub;
            }
            let largest = by_consumer
                .iter()
                .fold(None::<(usize, f64)>, |best, (&c, &v)| match best {
                    Some((_, bv)) if bv >= v => best,
                    _ => Some((c, v)),
                })
                .map(|(c, _)| c)
                .unwrap_or(flows_of_p[0].consumer);
            participants.push(Participant {
                id: id.clone(),
                name: format!("Новое производство: {}", product.name),
                region: study.participants[largest].region.clone(),
                role: if product.stage == 4 {
                    Role::FinalProducer
                } else {
                    Role::Industrial
                },
                stage: Some(product.stage),
                employees: None,
                hp_jobs: None,
                in_governance: Some(false),
                output_rub: Some(0.0),
                inn: None,
            });
            (id, true)
        }
    };
    participants.sort_by(|a, b| a.id.cmp(&b.id));
    let new_index: BTreeMap<String, usize> = participants
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.clone(), i))
        .collect();
    // Every old participant and the supplier are in the new list, so these lookups succeed.
    let remap = |old: usize| {
        new_index
            .get(&study.participants[old].id)
            .copied()
            .unwrap_or(0)
    };
    let supplier = new_index.get(&supplier_id).copied().unwrap_or(0);

    let mut flows: Vec<Flow> = Vec::with_capacity(study.flows.len() + 4);
    // Moved parts per consumer: quantities and values, summed in sorted order like file rows.
    let mut moved: BTreeMap<usize, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    let (mut moved_qty, mut moved_rub) = (0.0, 0.0);
    let mut import_flows = 0;
    for f in study.flows.iter() {
        let mut g = f.to_owned();
        g.consumer = remap(f.consumer);
        if let Source::Participant(s) = f.supplier {
            g.supplier = Source::Participant(remap(s));
        }
        if f.product == p && matches!(f.supplier, Source::Import(_)) {
            let (q, v) = (f.quantity * l.share, f.value_rub * l.share);
            let e = moved.entry(g.consumer).or_default();
            e.0.push(q);
            e.1.push(v);
            moved_qty += q;
            moved_rub += v;
            import_flows += 1;
            g.quantity = f.quantity - q;
            g.value_rub = f.value_rub - v;
            // A fully moved import flow is gone, as it would be from a rewritten flows.csv.
            if l.share == 1.0 {
                continue;
            }
        }
        flows.push(g);
    }
    let sum = |mut xs: Vec<f64>| {
        xs.sort_by(f64::total_cmp);
        xs.iter().sum::<f64>()
    };
    for (consumer, (qs, vs)) in moved {
        match flows.iter_mut().find(|f| {
            f.product == p && f.consumer == consumer && f.supplier == Source::Participant(supplier)
        }) {
            Some(f) => {
                let mut q = qs;
                q.push(f.quantity);
                let mut v = vs;
                v.push(f.value_rub);
                f.quantity = sum(q);
                f.value_rub = sum(v);
            }
            None => flows.push(Flow {
                supplier: Source::Participant(supplier),
                consumer,
                product: p,
                quantity: sum(qs),
                value_rub: sum(vs),
                supplier_names: Default::default(),
            }),
        }
    }
    let inputs_rub = match &l.inputs_like {
        Some(like) => add_inputs(study, &mut flows, like, p, supplier, moved_rub, &remap)?,
        None => 0.0,
    };
    flows.sort_by(|a, b| {
        (a.product, a.consumer, &a.supplier).cmp(&(b.product, b.consumer, &b.supplier))
    });
    let flows = crate::study::Flows::from_flows(&flows);
    if new_supplier {
        participants[supplier].output_rub = Some(moved_rub);
    }
    let specs = study
        .specs
        .iter()
        .map(|s| {
            let mut s = s.clone();
            s.consumer = remap(s.consumer);
            s
        })
        .collect();
    let scenario = Study {
        config: study.config.clone(),
        participants,
        products: study.products.clone(),
        flows,
        specs,
        has_governance_column: study.has_governance_column,
        selected_year: study.selected_year,
        dialects: study.dialects.clone(),
        flows_fast: study.flows_fast,
        // Earlier years stay as they were: the scenario changes the selected year only.
        history: study.history.clone(),
        plans: study
            .plans
            .iter()
            .map(|p| {
                let mut p = p.clone();
                p.participant = remap(p.participant);
                p
            })
            .collect(),
        years_present: study.years_present.clone(),
        renamed_origins: study.renamed_origins.clone(),
        duplicate_flow_rows: study.duplicate_flow_rows.clone(),
        flows_file: study.flows_file.clone(),
        flows_places: study.flows_places.clone(),
    };
    Ok((
        scenario,
        Moved {
            product: l.product.clone(),
            share: l.share,
            supplier: supplier_id,
            new_supplier,
            moved_rub,
            moved_qty,
            import_flows,
            inputs_like: l.inputs_like.clone(),
            inputs_rub,
        },
    ))
}

/// Gives `supplier` (an index into the new participant list) the purchases of `like`, each
/// scaled by `moved_rub` over `like`'s output: the same input structure per rub of output.
/// Purchases of the localised product itself are left out (a producer does not buy what it
/// makes), and so is anything `supplier` would buy from itself. Returns the value added.
fn add_inputs(
    study: &Study,
    flows: &mut Vec<Flow>,
    like: &str,
    product: usize,
    supplier: usize,
    moved_rub: f64,
    remap: &dyn Fn(usize) -> usize,
) -> Result<f64, Error> {
    let li = study.participant_index(like).ok_or_else(|| {
        usage(format!(
            "--inputs-like {like}: no such participant in participants.csv"
        ))
    })?;
    let sales: f64 = study
        .flows
        .iter()
        .filter(|f| f.supplier == Source::Participant(li))
        .map(|f| f.value_rub)
        .sum();
    // Its output as given, or else what it sells to participants.
    let output = study.participants[li]
        .output_rub
        .filter(|&o| o > 0.0)
        .unwrap_or(sales);
    if output <= 0.0 {
        return Err(usage(format!(
            "--inputs-like {like}: the participant has neither output_rub nor sales to other participants, so its purchases cannot be scaled; choose a participant that produces"
        )));
    }
    let factor = moved_rub / output;
    if factor == 0.0 {
        return Ok(0.0);
    }
    // The supplier's existing purchases, to add to rather than duplicate.
    let mut at: BTreeMap<(usize, Source), usize> = flows
        .iter()
        .enumerate()
        .filter(|(_, f)| f.consumer == supplier)
        .map(|(i, f)| ((f.product, f.supplier.clone()), i))
        .collect();
    let mut added = 0.0;
    for f in study
        .flows
        .iter()
        .filter(|f| f.consumer == li && f.product != product)
    {
        let from = match f.supplier {
            Source::Participant(s) => Source::Participant(remap(s)),
            other => other.owned(),
        };
        if from == Source::Participant(supplier) {
            continue;
        }
        let (q, v) = (f.quantity * factor, f.value_rub * factor);
        added += v;
        match at.get(&(f.product, from.clone())) {
            Some(&i) => {
                flows[i].quantity += q;
                flows[i].value_rub += v;
            }
            None => {
                at.insert((f.product, from.clone()), flows.len());
                flows.push(Flow {
                    supplier: from,
                    consumer: supplier,
                    product: f.product,
                    quantity: q,
                    value_rub: v,
                    supplier_names: f.supplier_names().map(str::to_string).collect(),
                });
            }
        }
    }
    Ok(added)
}
