//! The association's portfolio (SPEC v2 "The association's portfolio"): the niches several
//! studies share, which study's participants already supply another study's niche, and the
//! registry status of every study. Computed from what each study contributes ([`Member`]), so
//! that a study analysed now and one found unchanged (read back from its output folder) give
//! the same rows.

use crate::study::Study;
use std::collections::BTreeMap;

/// One niche of a member study, with the figures the portfolio adds up.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberNiche {
    pub rank: usize,
    pub product: String,
    pub product_name: String,
    pub unit: String,
    pub key: String,
    pub addressable_qty: f64,
    pub addressable_rub: f64,
    pub investment_rub: f64,
}

/// A participant of a member study that supplies products of one key.
#[derive(Debug, Clone, PartialEq)]
pub struct Supplier {
    pub id: String,
    pub name: String,
    /// Summed value of its flows of the selected year of products with the key.
    pub value_rub: f64,
}

/// What one study (status ok or unchanged) brings to the portfolio.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub id: String,
    pub name: String,
    /// By rank.
    pub niches: Vec<MemberNiche>,
    /// Compliance `overall` and each criterion's (id, status), as in compliance.json.
    pub overall: String,
    pub criteria: Vec<(String, String)>,
    /// Product key -> its suppliers among the study's participants, by participant id.
    pub supplies: BTreeMap<String, Vec<Supplier>>,
}

/// Every participant that supplies a product on the selected year's flows, per product key:
/// summed over every product with the key, whatever the value (SPEC `supply_matches.csv`).
pub fn supplies(study: &Study) -> BTreeMap<String, Vec<Supplier>> {
    let keys: Vec<String> = study.products.iter().map(|p| p.key()).collect();
    let mut by_key: BTreeMap<&str, BTreeMap<usize, f64>> = BTreeMap::new();
    let flows = &study.flows;
    for (k, (&p, &v)) in flows.products().iter().zip(flows.values_rub()).enumerate() {
        if let Some(s) = flows.supplying_participant(k) {
            *by_key
                .entry(keys[p as usize].as_str())
                .or_default()
                .entry(s)
                .or_insert(0.0) += v;
        }
    }
    by_key
        .into_iter()
        .map(|(key, sup)| {
            // Participants are sorted by id, so index order is id order.
            let list = sup
                .into_iter()
                .map(|(i, v)| Supplier {
                    id: study.participants[i].id.clone(),
                    name: study.participants[i].name.clone(),
                    value_rub: v,
                })
                .collect();
            (key.to_string(), list)
        })
        .collect()
}

/// A key that is a niche in at least two studies (a row of shared_niches.csv).
#[derive(Debug, Clone, PartialEq)]
pub struct SharedNiche {
    pub key: String,
    pub product_name: String,
    /// Distinct study ids, sorted.
    pub studies: Vec<String>,
    /// Distinct units, in order of first appearance by study id, then rank.
    pub units: Vec<String>,
    /// Empty when the units differ.
    pub addressable_qty: Option<f64>,
    pub addressable_rub: f64,
    pub investment_rub: f64,
    /// Each study's part of `addressable_rub` (its niches with the key added up), by study id.
    pub by_study: Vec<(String, f64)>,
    /// The studies whose participants already supply products with this key: (study id,
    /// supplier names), by study id.
    pub makers: Vec<(String, Vec<String>)>,
}

/// A row of supply_matches.csv: a participant of another study that supplies the niche's key.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplyMatch {
    pub study: String,
    pub rank: usize,
    pub product: String,
    pub product_name: String,
    pub key: String,
    pub supplier_study: String,
    pub supplier: String,
    pub supplier_name: String,
    pub supplied_rub: f64,
}

/// A row of registry.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct RegistryRow {
    pub study: String,
    pub name: String,
    pub overall: String,
    /// One status per id of [`super::compliance::CRITERIA`], empty when the study has none.
    pub statuses: Vec<String>,
}

/// A study of the batch that the portfolio leaves out, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Missing {
    pub study: String,
    pub path: String,
    pub reason: String,
}

/// The portfolio of one batch run.
#[derive(Debug, Clone, PartialEq)]
pub struct Portfolio {
    /// The member studies by id: (id, name, number of niches).
    pub studies: Vec<(String, String, usize)>,
    pub missing: Vec<Missing>,
    pub shared: Vec<SharedNiche>,
    pub matches: Vec<SupplyMatch>,
    pub registry: Vec<RegistryRow>,
}

/// The portfolio of `members` (any order); with fewer than two, the tables are empty.
pub fn compute(mut members: Vec<Member>, missing: Vec<Missing>) -> Portfolio {
    members.sort_by(|a, b| a.id.cmp(&b.id));
    for m in &mut members {
        m.niches.sort_by_key(|n| n.rank);
    }
    let studies = members
        .iter()
        .map(|m| (m.id.clone(), m.name.clone(), m.niches.len()))
        .collect();
    if members.len() < 2 {
        return Portfolio {
            studies,
            missing,
            shared: Vec::new(),
            matches: Vec::new(),
            registry: Vec::new(),
        };
    }
    Portfolio {
        studies,
        missing,
        shared: shared(&members),
        matches: matches(&members),
        registry: registry(&members),
    }
}

fn shared(members: &[Member]) -> Vec<SharedNiche> {
    // Niches by key, visited by study id, then rank: the order every "first" refers to.
    let mut by_key: BTreeMap<&str, Vec<(&Member, &MemberNiche)>> = BTreeMap::new();
    for m in members {
        for n in &m.niches {
            by_key.entry(n.key.as_str()).or_default().push((m, n));
        }
    }
    let mut rows: Vec<SharedNiche> = by_key
        .into_iter()
        .filter_map(|(key, list)| {
            let mut studies: Vec<String> = Vec::new();
            let mut units: Vec<String> = Vec::new();
            let mut by_study: Vec<(String, f64)> = Vec::new();
            let (mut qty, mut rub, mut inv) = (0.0, 0.0, 0.0);
            for (m, n) in &list {
                if studies.last() != Some(&m.id) {
                    studies.push(m.id.clone());
                    by_study.push((m.id.clone(), 0.0));
                }
                if let Some(last) = by_study.last_mut() {
                    last.1 += n.addressable_rub;
                }
                if !units.contains(&n.unit) {
                    units.push(n.unit.clone());
                }
                qty += n.addressable_qty;
                rub += n.addressable_rub;
                inv += n.investment_rub;
            }
            if studies.len() < 2 {
                return None;
            }
            let makers = members
                .iter()
                .filter_map(|m| {
                    let s = m.supplies.get(key)?;
                    Some((m.id.clone(), s.iter().map(|s| s.name.clone()).collect()))
                })
                .collect();
            Some(SharedNiche {
                key: key.to_string(),
                // The list is in study, then rank order: its first entry is that niche.
                product_name: list[0].1.product_name.clone(),
                studies,
                addressable_qty: (units.len() == 1).then_some(qty),
                units,
                addressable_rub: rub,
                investment_rub: inv,
                by_study,
                makers,
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        b.addressable_rub
            .total_cmp(&a.addressable_rub)
            .then_with(|| a.key.cmp(&b.key))
    });
    rows
}

fn matches(members: &[Member]) -> Vec<SupplyMatch> {
    let mut rows = Vec::new();
    // Members are in id order and niches in rank order; suppliers in id order within a study.
    for a in members {
        for n in &a.niches {
            for b in members.iter().filter(|b| b.id != a.id) {
                let mut list: Vec<&Supplier> =
                    b.supplies.get(&n.key).into_iter().flatten().collect();
                list.sort_by(|x, y| x.id.cmp(&y.id));
                for s in list {
                    rows.push(SupplyMatch {
                        study: a.id.clone(),
                        rank: n.rank,
                        product: n.product.clone(),
                        product_name: n.product_name.clone(),
                        key: n.key.clone(),
                        supplier_study: b.id.clone(),
                        supplier: s.id.clone(),
                        supplier_name: s.name.clone(),
                        supplied_rub: s.value_rub,
                    });
                }
            }
        }
    }
    rows
}

fn registry(members: &[Member]) -> Vec<RegistryRow> {
    members
        .iter()
        .map(|m| RegistryRow {
            study: m.id.clone(),
            name: m.name.clone(),
            overall: m.overall.clone(),
            statuses: super::compliance::CRITERIA
                .iter()
                .map(|id| {
                    m.criteria
                        .iter()
                        .find(|(c, _)| c == id)
                        .map(|(_, s)| s.clone())
                        .unwrap_or_default()
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests;
