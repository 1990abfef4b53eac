//! Suspicious but valid data, reported by `check` (and on stderr by `analyze`):
//! flows against the stage order, products and producers with no flows, and prices far
//! from what other consumers pay for the same product.

use super::{Role, Source, Study};
use std::collections::BTreeMap;

/// A price this many times above (or below 1/this of) the other consumers' median is flagged.
const PRICE_RATIO: f64 = 2.0;

pub fn warnings(study: &Study) -> Vec<String> {
    let mut out = Vec::new();
    let p = &study.participants;
    let products = &study.products;

    for f in &study.flows {
        let consumer = &p[f.consumer];
        let product = &products[f.product];
        let Some(cs) = consumer.stage else { continue };
        if let Source::Participant(s) = f.supplier {
            if let Some(ss) = p[s].stage {
                if ss > cs {
                    out.push(format!(
                        "flows.csv: {} (stage {ss}) supplies {} to {} (stage {cs}): the flow runs against the stage order",
                        p[s].id, product.id, consumer.id
                    ));
                    continue;
                }
            }
        }
        if product.stage > cs {
            out.push(format!(
                "flows.csv: {} (stage {cs}) buys {} of stage {}: the flow runs against the stage order",
                consumer.id, product.id, product.stage
            ));
        }
    }

    let mut product_used = vec![false; products.len()];
    let mut participant_used = vec![false; p.len()];
    for f in &study.flows {
        product_used[f.product] = true;
        participant_used[f.consumer] = true;
        if let Source::Participant(s) = f.supplier {
            participant_used[s] = true;
        }
    }
    for (prod, used) in products.iter().zip(&product_used) {
        if !used {
            out.push(format!(
                "products.csv: product {} has no flows{}",
                prod.id,
                year_note(study)
            ));
        }
    }
    for (part, used) in p.iter().zip(&participant_used) {
        if !used && matches!(part.role, Role::Industrial | Role::FinalProducer) {
            out.push(format!(
                "participants.csv: participant {} has no flows{}",
                part.id,
                year_note(study)
            ));
        }
    }

    // Price per consumer and product, against the median of the other consumers.
    let mut prices: BTreeMap<usize, Vec<(usize, f64, f64)>> = BTreeMap::new();
    for f in &study.flows {
        let v = prices.entry(f.product).or_default();
        match v.last_mut() {
            Some(last) if last.0 == f.consumer => {
                last.1 += f.quantity;
                last.2 += f.value_rub;
            }
            _ => v.push((f.consumer, f.quantity, f.value_rub)),
        }
    }
    for (prod, consumers) in prices {
        let priced: Vec<(usize, f64)> = consumers
            .iter()
            .filter(|c| c.1 > 0.0)
            .map(|c| (c.0, c.2 / c.1))
            .collect();
        if priced.len() < 2 {
            continue;
        }
        for &(c, price) in &priced {
            let mut others: Vec<f64> = priced.iter().filter(|o| o.0 != c).map(|o| o.1).collect();
            others.sort_by(f64::total_cmp);
            let m = others.len();
            let median = if m % 2 == 1 {
                others[m / 2]
            } else {
                (others[m / 2 - 1] + others[m / 2]) / 2.0
            };
            if median > 0.0 && (price > median * PRICE_RATIO || price * PRICE_RATIO < median) {
                out.push(format!(
                    "flows.csv: {} pays {:.2} rub per {} of {}, while the other consumers' median is {:.2}",
                    p[c].id, price, products[prod].unit, products[prod].id, median
                ));
            }
        }
    }
    out
}

fn year_note(study: &Study) -> String {
    study
        .selected_year
        .map(|y| format!(" in {y}"))
        .unwrap_or_default()
}
