//! Suspicious but valid data, reported by `check` (and on stderr by `analyze`):
//! flows against the stage order, products and producers with no flows, and prices far
//! from what other consumers pay for the same product.

use super::{Role, Study};

/// A price this many times above (or below 1/this of) the other consumers' median is flagged.
const PRICE_RATIO: f64 = 2.0;
/// At most this many warnings of one kind are listed; the rest are counted in one line, so that
/// a national study does not print a million lines.
const PER_KIND: usize = 20;

/// Warnings of one kind: the first `PER_KIND`, then a count.
struct Kind<'a> {
    out: &'a mut Vec<String>,
    shown: usize,
    more: usize,
}

impl<'a> Kind<'a> {
    fn new(out: &'a mut Vec<String>) -> Self {
        Kind {
            out,
            shown: 0,
            more: 0,
        }
    }

    fn push(&mut self, w: impl FnOnce() -> String) {
        if self.shown < PER_KIND {
            self.out.push(w());
            self.shown += 1;
        } else {
            self.more += 1;
        }
    }

    fn finish(self, what: &str) {
        if self.more > 0 {
            self.out.push(format!(
                "… and {} more {what} (the first {PER_KIND} are listed)",
                self.more
            ));
        }
    }
}

/// What the reader should know about how the study was read, though nothing is wrong: which
/// year of several counts.
pub fn notes(study: &Study) -> Vec<String> {
    let mut out = Vec::new();
    // A workbook has no CSV dialects.
    let (flows, settings) = if study.dialects.is_empty() {
        ("the flows sheet", "the study sheet")
    } else {
        (study.flows_file.as_str(), "study.toml")
    };
    // No flows and no years: flows.csv has a header and nothing under it.
    if study.flows.is_empty() && study.years_present.is_empty() {
        out.push(format!(
            "{flows} has no rows under its header: without flows there are no needs or niches to find"
        ));
    }
    if let (None, Some(y), [_, _, ..]) = (
        study.config.year,
        study.selected_year,
        study.years_present.as_slice(),
    ) {
        let years: Vec<String> = study.years_present.iter().map(|y| y.to_string()).collect();
        out.push(format!(
            "{flows} has rows for the years {}; only {y}, the latest, is analysed \
             (set year in {settings} to choose another)",
            years.join(", ")
        ));
    }
    out
}

pub fn warnings(study: &Study) -> Vec<String> {
    let mut out = Vec::new();
    let p = &study.participants;
    let products = &study.products;

    let mut renamed = Kind::new(&mut out);
    for r in &study.renamed_origins {
        let others = match r.rows {
            0 | 1 => String::new(),
            2 => " (and on 1 more row)".to_string(),
            n => format!(" (and on {} more rows)", n - 1),
        };
        let name = super::countries::by_code(&r.code).map_or("", |c| c.name_en);
        renamed.push(|| {
            format!(
                "{}: import:{} is read as import:{} ({name}), its ISO 3166 code{others}; \
                 write import:{} to make this warning go away",
                study.flow_line(r.line),
                r.written,
                r.code,
                r.code
            )
        });
    }
    renamed.finish("origins read as country codes");

    let mut repeated = Kind::new(&mut out);
    for (line, first) in &study.duplicate_flow_rows {
        repeated.push(|| {
            format!(
                "{}: the row has the same supplier, consumer, product, quantity and value \
                 as {}, and both are added up; delete one of them if it was entered twice",
                study.flow_line(*line),
                // One file: its line; a dataset: the file and row, which may be another file.
                if study.flows_places.is_empty() {
                    format!("line {first}")
                } else {
                    study.flow_line(*first)
                }
            )
        });
    }
    repeated.finish("rows that repeat another row");

    let mut order = Kind::new(&mut out);
    let flows_file = &study.flows_file;
    let flows = &study.flows;
    let (consumers, products_of) = (flows.consumers(), flows.products());
    let mut said: Option<(u32, u32)> = None;
    for k in 0..flows.len() {
        let (c, prod) = (consumers[k] as usize, products_of[k] as usize);
        let consumer = &p[c];
        let product = &products[prod];
        let Some(cs) = consumer.stage else { continue };
        if let Some(s) = flows.supplying_participant(k) {
            if let Some(ss) = p[s].stage {
                if ss > cs {
                    order.push(|| format!(
                        "{flows_file}: {} (stage {ss}) supplies {} to {} (stage {cs}): the flow runs against the stage order",
                        p[s].id, product.id, consumer.id
                    ));
                    continue;
                }
            }
        }
        // A consumer that buys a product of a later stage from several suppliers is one
        // warning: its flows of the product are side by side.
        let pair = (consumers[k], products_of[k]);
        if product.stage > cs && said != Some(pair) {
            said = Some(pair);
            order.push(|| {
                format!(
                    "{flows_file}: {} (stage {cs}) buys {} of stage {}: the flow runs against the stage order",
                    consumer.id, product.id, product.stage
                )
            });
        }
    }
    order.finish("flows against the stage order");

    let mut product_used = vec![false; products.len()];
    let mut participant_used = vec![false; p.len()];
    for k in 0..flows.len() {
        product_used[products_of[k] as usize] = true;
        participant_used[consumers[k] as usize] = true;
        if let Some(s) = flows.supplying_participant(k) {
            participant_used[s] = true;
        }
    }
    let mut unused = Kind::new(&mut out);
    for (prod, used) in products.iter().zip(&product_used) {
        if !used {
            unused.push(|| {
                format!(
                    "products.csv: product {} has no flows{}",
                    prod.id,
                    year_note(study)
                )
            });
        }
    }
    unused.finish("products without flows");
    let mut idle = Kind::new(&mut out);
    for (part, used) in p.iter().zip(&participant_used) {
        if !used && matches!(part.role, Role::Industrial | Role::FinalProducer) {
            idle.push(|| {
                format!(
                    "participants.csv: participant {} has no flows{}",
                    part.id,
                    year_note(study)
                )
            });
        }
    }
    idle.finish("participants without flows");

    // Price per consumer and product, against the median of the other consumers. Flows are
    // sorted by product, then consumer: each product's consumers are side by side.
    let (quantities, values) = (flows.quantities(), flows.values_rub());
    let mut odd = Kind::new(&mut out);
    // Per consumer of one product: its summed quantity and value.
    let mut bought: Vec<(usize, f64, f64)> = Vec::new();
    for (prod, range) in flows.product_ranges() {
        bought.clear();
        for k in range {
            let c = consumers[k] as usize;
            match bought.last_mut() {
                Some(last) if last.0 == c => {
                    last.1 += quantities[k];
                    last.2 += values[k];
                }
                _ => bought.push((c, quantities[k], values[k])),
            }
        }
        let priced: Vec<(usize, f64)> = bought
            .iter()
            .filter(|c| c.1 > 0.0)
            .map(|c| (c.0, c.2 / c.1))
            .collect();
        if priced.len() < 2 {
            continue;
        }
        let mut sorted: Vec<f64> = priced.iter().map(|c| c.1).collect();
        sorted.sort_by(f64::total_cmp);
        for &(c, price) in &priced {
            let median = median_without(&sorted, price);
            if median > 0.0 && (price > median * PRICE_RATIO || price * PRICE_RATIO < median) {
                odd.push(|| format!(
                    "{flows_file}: {} pays {:.2} rub per {} of {}, while the other consumers' median is {:.2}",
                    p[c].id, price, products[prod].unit, products[prod].id, median
                ));
            }
        }
    }
    odd.finish("prices far from the other consumers' median");

    // A plan for a participant with x_j = 0 (no output_rub and no purchases) changes nothing.
    if !study.plans.is_empty() {
        let mut bought = vec![0.0; p.len()];
        for (&c, &v) in consumers.iter().zip(values) {
            bought[c as usize] += v;
        }
        let mut idle_plans = Kind::new(&mut out);
        for plan in &study.plans {
            let who = &p[plan.participant];
            if who.output_rub.unwrap_or(bought[plan.participant]) == 0.0 {
                idle_plans.push(|| format!(
                    "plans.csv: the plan of {} for {} changes nothing: its output{} is 0 (no output_rub and no purchases), so the plan cannot scale its purchases",
                    who.id, plan.year, year_note(study)
                ));
            }
        }
        idle_plans.finish("plans of participants without output");
    }
    out
}

/// The median of `sorted` (at least 2 values) without one occurrence of `x`, which it holds:
/// the others are `sorted` with that element skipped, so no list per consumer is built.
fn median_without(sorted: &[f64], x: f64) -> f64 {
    let j = sorted.partition_point(|v| v.total_cmp(&x).is_lt());
    let other = |t: usize| if t < j { sorted[t] } else { sorted[t + 1] };
    let m = sorted.len() - 1;
    if m % 2 == 1 {
        other(m / 2)
    } else {
        (other(m / 2 - 1) + other(m / 2)) / 2.0
    }
}

fn year_note(study: &Study) -> String {
    study
        .selected_year
        .map(|y| format!(" in {y}"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
