//! The aggregated flows of the selected year as one columnar table: u32 ids and f64 amounts in
//! contiguous columns, import origins and supplier names interned. A national study has 10^7
//! flows, and every whole-table pass (graph, purchases, sales, chain, warnings, import content,
//! plans) reads a few columns of all of them; a struct with heap fields per flow cost 96 bytes
//! and a pointer chase each.

use super::Source;
use std::collections::BTreeSet;

/// Supplier codes from this up are import origins (`IMPORT + rank`); below, participants.
pub(super) const IMPORT: u32 = 1 << 30;
/// The supplier code of a Russian supplier outside the cluster.
pub(super) const DOMESTIC: u32 = u32::MAX;

/// Each text's position in byte order (`rank[id]` for the texts by id): how interned texts are
/// renumbered so that ids compare as their texts do.
pub fn text_ranks<S: AsRef<str>>(texts: &[S]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..texts.len() as u32).collect();
    order.sort_unstable_by(|a, b| texts[*a as usize].as_ref().cmp(texts[*b as usize].as_ref()));
    let mut rank = vec![0u32; texts.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i as usize] = r as u32;
    }
    rank
}

/// Interned texts in byte order, and each old id's new id.
pub(super) fn in_text_order(texts: Vec<String>) -> (Vec<String>, Vec<u32>) {
    let rank = text_ranks(&texts);
    let mut sorted = vec![String::new(); texts.len()];
    for (t, &r) in texts.into_iter().zip(&rank) {
        sorted[r as usize] = t;
    }
    (sorted, rank)
}

/// One aggregated flow: all rows with the same supplier, consumer and product. Owned, for
/// building a table and for scenarios that rewrite a few flows (`whatif`).
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    pub supplier: Source,
    pub consumer: usize,
    pub product: usize,
    pub quantity: f64,
    pub value_rub: f64,
    /// Distinct `supplier_name` values given on the rows, sorted.
    pub supplier_names: BTreeSet<String>,
}

/// One flow of the table, borrowed: the columns' values at one position.
#[derive(Debug, Clone, Copy)]
pub struct FlowRef<'a> {
    pub supplier: Source<&'a str>,
    pub consumer: usize,
    pub product: usize,
    pub quantity: f64,
    pub value_rub: f64,
    names: &'a [u32],
    pool: &'a [String],
}

impl<'a> FlowRef<'a> {
    /// Distinct `supplier_name` values given on the flow's rows, in text order.
    pub fn supplier_names(&self) -> impl Iterator<Item = &'a str> + 'a {
        let pool = self.pool;
        self.names.iter().map(move |&n| pool[n as usize].as_str())
    }

    pub fn to_owned(&self) -> Flow {
        Flow {
            supplier: self.supplier.owned(),
            consumer: self.consumer,
            product: self.product,
            quantity: self.quantity,
            value_rub: self.value_rub,
            supplier_names: self.supplier_names().map(str::to_string).collect(),
        }
    }
}

/// The flows table, sorted by (product, consumer, supplier). The loaders in this module fill
/// the columns directly.
#[derive(Clone, Default)]
pub struct Flows {
    /// Participant index, `IMPORT + origin rank`, or `DOMESTIC`.
    pub(super) supplier: Vec<u32>,
    pub(super) consumer: Vec<u32>,
    pub(super) product: Vec<u32>,
    pub(super) quantity: Vec<f64>,
    pub(super) value_rub: Vec<f64>,
    /// Flow k's supplier names are `name_ids[name_start[k]..name_start[k + 1]]`; empty when no
    /// flow has any (the common case, which then costs nothing per flow).
    pub(super) name_start: Vec<u32>,
    pub(super) name_ids: Vec<u32>,
    /// Supplier names, sorted, so that a flow's sorted ids list its names in text order.
    pub(super) names: Vec<String>,
    /// Import origins, sorted: origin `r` has supplier code `IMPORT + r`.
    pub(super) origins: Vec<String>,
}

/// The flows one by one, as owned flows: two tables with the same flows print the same,
/// whatever else their interned texts hold.
impl std::fmt::Debug for Flows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.iter().map(|flow| flow.to_owned()))
            .finish()
    }
}

impl Flows {
    /// The table of owned flows sorted by (product, consumer, supplier).
    pub fn from_flows(flows: &[Flow]) -> Flows {
        let sorted =
            |texts: BTreeSet<&String>| -> Vec<String> { texts.into_iter().cloned().collect() };
        let origins = sorted(
            flows
                .iter()
                .filter_map(|f| match &f.supplier {
                    Source::Import(o) => Some(o),
                    _ => None,
                })
                .collect(),
        );
        let names = sorted(flows.iter().flat_map(|f| &f.supplier_names).collect());
        let position = |list: &[String], text: &str| {
            list.binary_search_by(|x| x.as_str().cmp(text))
                .map_or(0, |i| i as u32)
        };
        let mut t = Flows::default();
        if !names.is_empty() {
            t.name_start.push(0);
        }
        for f in flows {
            t.supplier.push(match &f.supplier {
                Source::Participant(i) => *i as u32,
                // Every origin is in the list.
                Source::Import(o) => IMPORT + position(&origins, o),
                Source::Domestic => DOMESTIC,
            });
            t.consumer.push(f.consumer as u32);
            t.product.push(f.product as u32);
            t.quantity.push(f.quantity);
            t.value_rub.push(f.value_rub);
            if !names.is_empty() {
                t.name_ids
                    .extend(f.supplier_names.iter().map(|n| position(&names, n)));
                t.name_start.push(t.name_ids.len() as u32);
            }
        }
        t.names = names;
        t.origins = origins;
        t
    }

    pub fn len(&self) -> usize {
        self.product.len()
    }

    pub fn is_empty(&self) -> bool {
        self.product.is_empty()
    }

    /// The supplier of flow `k`.
    pub fn supplier(&self, k: usize) -> Source<&str> {
        match self.supplier[k] {
            DOMESTIC => Source::Domestic,
            c if c >= IMPORT => Source::Import(self.origins[(c - IMPORT) as usize].as_str()),
            c => Source::Participant(c as usize),
        }
    }

    /// The participant that supplies flow `k`, if a participant does.
    pub fn supplying_participant(&self, k: usize) -> Option<usize> {
        let c = self.supplier[k];
        (c < IMPORT).then_some(c as usize)
    }

    /// Whether flow `k` is an import.
    pub fn is_import(&self, k: usize) -> bool {
        let c = self.supplier[k];
        c >= IMPORT && c != DOMESTIC
    }

    /// Consumers by flow, as participant indices.
    pub fn consumers(&self) -> &[u32] {
        &self.consumer
    }

    /// Products by flow, as product indices.
    pub fn products(&self) -> &[u32] {
        &self.product
    }

    pub fn quantities(&self) -> &[f64] {
        &self.quantity
    }

    pub fn values_rub(&self) -> &[f64] {
        &self.value_rub
    }

    /// Flow `k`.
    pub fn get(&self, k: usize) -> FlowRef<'_> {
        let names = match self.name_start.get(k..k + 2) {
            Some(&[a, b]) => &self.name_ids[a as usize..b as usize],
            _ => &[],
        };
        FlowRef {
            supplier: self.supplier(k),
            consumer: self.consumer[k] as usize,
            product: self.product[k] as usize,
            quantity: self.quantity[k],
            value_rub: self.value_rub[k],
            names,
            pool: &self.names,
        }
    }

    /// The flows in `range`, in order.
    pub fn range(
        &self,
        range: std::ops::Range<usize>,
    ) -> impl ExactSizeIterator<Item = FlowRef<'_>> + '_ {
        range.map(|k| self.get(k))
    }

    /// Every flow, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = FlowRef<'_>> + '_ {
        self.range(0..self.len())
    }

    /// Position ranges of the flows of each product, in product order.
    pub fn product_ranges(&self) -> Vec<(usize, std::ops::Range<usize>)> {
        let p = &self.product;
        let mut out = Vec::new();
        let mut start = 0;
        for k in 1..=p.len() {
            if k == p.len() || p[k] != p[start] {
                out.push((p[start] as usize, start..k));
                start = k;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow(supplier: Source, consumer: usize, product: usize, names: &[&str]) -> Flow {
        Flow {
            supplier,
            consumer,
            product,
            quantity: consumer as f64 + 0.5,
            value_rub: product as f64 * 10.0 + 1.0,
            supplier_names: names.iter().map(|n| n.to_string()).collect(),
        }
    }

    #[test]
    fn a_table_gives_back_the_flows_it_was_built_from() {
        let flows = vec![
            flow(Source::Participant(2), 0, 0, &[]),
            flow(Source::Import("FR".into()), 0, 0, &["Safran", "Arkema"]),
            flow(Source::Import("DE".into()), 1, 0, &["BASF"]),
            flow(Source::Domestic, 1, 0, &[]),
            flow(Source::Participant(0), 1, 3, &["Arkema"]),
        ];
        let t = Flows::from_flows(&flows);
        assert_eq!(t.len(), 5);
        let back: Vec<Flow> = t.iter().map(|f| f.to_owned()).collect();
        assert_eq!(back, flows);
        assert_eq!(t.supplying_participant(0), Some(2));
        assert_eq!(t.supplying_participant(1), None);
        assert!(t.is_import(2) && !t.is_import(3) && !t.is_import(0));
        assert_eq!(
            t.get(1).supplier_names().collect::<Vec<_>>(),
            ["Arkema", "Safran"]
        );
        assert_eq!(t.product_ranges(), [(0, 0..4), (3, 4..5)]);
    }

    #[test]
    fn suppliers_order_as_sources_do() {
        let sources = [
            Source::Participant(0),
            Source::Participant(7),
            Source::Import("AT".to_string()),
            Source::Import("FR".to_string()),
            Source::Domestic,
        ];
        let flows: Vec<Flow> = sources.iter().map(|s| flow(s.clone(), 1, 0, &[])).collect();
        let t = Flows::from_flows(&flows);
        assert!(t.supplier.windows(2).all(|w| w[0] < w[1]));
        assert!(t.name_start.is_empty(), "no names cost nothing per flow");
    }
}
