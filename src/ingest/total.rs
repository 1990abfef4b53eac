//! The run's sums: chunk partials merged in chunk order, then the output rows in their order.

use super::lines::{Interner, Key, Partial, Sums, Supplier, Tally};
use super::lookup::Lookup;
use crate::error::Problem;
use crate::study::text_ranks;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

/// The output rows: keys and sums sorted in the output's order, with the texts to write
/// them. A row holds ids, not strings, so that 10^8 lines' flows fit in memory.
pub struct Rows<'a> {
    pub rows: Vec<(Key, Sums)>,
    lookup: &'a Lookup,
    /// `import:<origin>` by origin id.
    imports: Vec<String>,
    names: Vec<Box<str>>,
}

impl Rows<'_> {
    pub fn supplier(&self, k: &Key) -> &str {
        match k.supplier {
            Supplier::Participant(i) => &self.lookup.participant_ids[i as usize],
            Supplier::Import(o) => &self.imports[o as usize],
            Supplier::Domestic => "domestic",
        }
    }

    /// Empty when the lines gave no seller name.
    pub fn supplier_name(&self, k: &Key) -> &str {
        &self.names[k.name as usize]
    }

    pub fn consumer(&self, k: &Key) -> &str {
        &self.lookup.participant_ids[k.consumer as usize]
    }

    pub fn product(&self, k: &Key) -> &str {
        &self.lookup.product_ids[k.product as usize]
    }
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

    /// The flows, sorted by year, then supplier, supplier name, consumer and product (byte
    /// order of their texts). Takes the sums out of the total.
    pub fn rows<'a>(&mut self, lookup: &'a Lookup) -> Rows<'a> {
        let imports: Vec<String> = self
            .origins
            .texts
            .iter()
            .map(|o| format!("import:{o}"))
            .collect();
        // Every supplier's text, ranked together: a participant id may sort before or after
        // `domestic` and the `import:` ones.
        let mut suppliers: Vec<&str> = lookup.participant_ids.iter().map(String::as_str).collect();
        suppliers.extend(imports.iter().map(String::as_str));
        suppliers.push("domestic");
        let supplier_rank = text_ranks(&suppliers);
        let (np, ni) = (lookup.participant_ids.len(), imports.len());
        let rank = |s: Supplier| match s {
            Supplier::Participant(i) => supplier_rank[i as usize],
            Supplier::Import(o) => supplier_rank[np + o as usize],
            Supplier::Domestic => supplier_rank[np + ni],
        };
        let name_rank = text_ranks(&self.names.texts);
        let mut rows: Vec<(Key, Sums)> = std::mem::take(&mut self.flows).into_iter().collect();
        // Participant and product ids are sorted, so their indices are in byte order already.
        rows.par_sort_unstable_by_key(|(k, _)| {
            (
                k.year,
                rank(k.supplier),
                name_rank[k.name as usize],
                k.consumer,
                k.product,
            )
        });
        Rows {
            rows,
            lookup,
            imports,
            names: std::mem::take(&mut self.names.texts),
        }
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
