//! The run's sums: chunk partials merged in chunk order, then the output rows in their order.

use super::lines::{Interner, Key, Partial, Sums, Supplier, Tally};
use super::lookup::Lookup;
use crate::error::Problem;
use std::collections::HashMap;

/// One output row: a flow of one year.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowRow {
    pub supplier: String,
    /// Empty when the lines gave no seller name.
    pub supplier_name: String,
    pub consumer: String,
    pub product: String,
    pub year: i32,
    pub quantity: f64,
    pub value_rub: f64,
}

/// An unmatched buyer INN or product code with its lines' sums.
#[derive(Debug, Clone, PartialEq)]
pub struct Unmatched {
    pub key: String,
    pub sums: Sums,
}

#[derive(Debug, Default)]
pub struct Total {
    pub tally: Tally,
    flows: HashMap<Key, Sums>,
    origins: Interner,
    names: Interner,
    unmatched_buyers: HashMap<Box<str>, Sums>,
    unmatched_products: HashMap<Box<str>, Sums>,
    pub problems: Vec<Problem>,
    pub more_problems: u64,
}

impl Total {
    /// Adds the next chunk's partial. Every sum receives the chunks' sums in chunk order, so
    /// the result is the same whichever thread reduced which chunk.
    pub fn merge(&mut self, p: Partial) {
        self.tally.merge(&p.tally);
        for q in p.problems {
            if self.problems.len() < super::lines::MAX_PROBLEMS {
                self.problems.push(q);
            } else {
                self.more_problems += 1;
            }
        }
        self.more_problems += p.more_problems;
        // Only the problems are wanted once one is found.
        if !self.problems.is_empty() {
            return;
        }
        let origins: Vec<u32> = p.origins.texts.iter().map(|t| self.origins.id(t)).collect();
        let names: Vec<u32> = p.names.texts.iter().map(|t| self.names.id(t)).collect();
        // Within a chunk each key occurs once, so the order of this loop changes no sum.
        for (k, s) in p.flows {
            let key = Key {
                supplier: match k.supplier {
                    Supplier::Import(o) => Supplier::Import(origins[o as usize]),
                    other => other,
                },
                name: names[k.name as usize],
                ..k
            };
            self.flows.entry(key).or_default().merge(&s);
        }
        for (m, from) in [
            (&mut self.unmatched_buyers, p.unmatched_buyers),
            (&mut self.unmatched_products, p.unmatched_products),
        ] {
            for (k, s) in from {
                m.entry(k).or_default().merge(&s);
            }
        }
    }

    /// The flows, sorted by year, then supplier, supplier name, consumer and product (byte order).
    pub fn rows(&self, lookup: &Lookup) -> Vec<FlowRow> {
        let mut rows: Vec<FlowRow> = self
            .flows
            .iter()
            .map(|(k, s)| FlowRow {
                supplier: match k.supplier {
                    Supplier::Participant(i) => lookup.participant_ids[i as usize].clone(),
                    Supplier::Import(o) => format!("import:{}", self.origins.texts[o as usize]),
                    Supplier::Domestic => "domestic".to_string(),
                },
                supplier_name: self.names.texts[k.name as usize].to_string(),
                consumer: lookup.participant_ids[k.consumer as usize].clone(),
                product: lookup.product_ids[k.product as usize].clone(),
                year: k.year,
                quantity: s.quantity,
                value_rub: s.value_rub,
            })
            .collect();
        rows.sort_by(|a, b| {
            (
                a.year,
                &a.supplier,
                &a.supplier_name,
                &a.consumer,
                &a.product,
            )
                .cmp(&(
                    b.year,
                    &b.supplier,
                    &b.supplier_name,
                    &b.consumer,
                    &b.product,
                ))
        });
        rows
    }

    /// The `n` unmatched buyer INNs with the largest value, ties by INN.
    pub fn top_buyers(&self, n: usize) -> Vec<Unmatched> {
        top(&self.unmatched_buyers, n)
    }

    /// The `n` unknown product codes with the largest value, ties by code.
    pub fn top_products(&self, n: usize) -> Vec<Unmatched> {
        top(&self.unmatched_products, n)
    }

    /// How many distinct buyer INNs and product codes were not matched.
    pub fn unmatched_distinct(&self) -> (usize, usize) {
        (self.unmatched_buyers.len(), self.unmatched_products.len())
    }
}

fn top(m: &HashMap<Box<str>, Sums>, n: usize) -> Vec<Unmatched> {
    let mut v: Vec<Unmatched> = m
        .iter()
        .map(|(k, s)| Unmatched {
            key: k.to_string(),
            sums: *s,
        })
        .collect();
    v.sort_by(|a, b| {
        b.sums
            .value_rub
            .total_cmp(&a.sums.value_rub)
            .then_with(|| a.key.cmp(&b.key))
    });
    v.truncate(n);
    v
}
