//! The supply graph: participants as nodes, and an edge from a supplier to a consumer where
//! the supplier sells the consumer anything (the flows between participants, one edge per pair
//! whatever the products). Imports and domestic suppliers outside the cluster start no path.
//!
//! Built once from a validated study and shared read-only across rayon tasks. A compressed
//! sparse row graph: 10^7 flows give a few million distinct pairs, walked as contiguous slices.

use crate::study::{Role, Study};
use petgraph::csr::Csr;
use rayon::prelude::*;

pub struct SupplyGraph {
    /// Node i is participant i (id order).
    pub graph: Csr<(), (), petgraph::Directed, u32>,
    participants: usize,
}

impl SupplyGraph {
    pub fn build(study: &Study) -> Self {
        let n = study.participants.len();
        let flows = &study.flows;
        let mut pairs: Vec<(u32, u32)> = (0..flows.len())
            .into_par_iter()
            .filter_map(|k| {
                let s = flows.supplying_participant(k)?;
                Some((s as u32, flows.consumers()[k]))
            })
            .collect();
        pairs.par_sort_unstable();
        pairs.dedup();
        // Sorted and distinct, as the constructor requires (so it cannot fail: a failure is a
        // bug, not bad data). It makes nodes up to the largest id on an edge; the participants
        // after it are added without edges.
        let mut graph = Csr::from_sorted_edges(&pairs).expect("sorted, distinct pairs");
        drop(pairs);
        while graph.node_count() < n {
            graph.add_node(());
        }
        SupplyGraph {
            graph,
            participants: n,
        }
    }

    /// Participants reachable from `starts` (the starts included) along flows between
    /// participants, whatever their value or product. Returned sorted by index.
    pub fn reachable_participants(&self, starts: impl IntoIterator<Item = usize>) -> Vec<usize> {
        let mut seen = vec![false; self.participants];
        let mut stack: Vec<usize> = Vec::new();
        for s in starts {
            if !seen[s] {
                seen[s] = true;
                stack.push(s);
            }
        }
        while let Some(i) = stack.pop() {
            for &j in self.graph.neighbors_slice(i as u32) {
                let j = j as usize;
                if !seen[j] {
                    seen[j] = true;
                    stack.push(j);
                }
            }
        }
        seen.iter()
            .enumerate()
            .filter_map(|(i, &s)| s.then_some(i))
            .collect()
    }

    /// Total value each participant buys (all suppliers), by participant index. Summed in flow
    /// order: one pass over the flows, which are sorted, so the sum never depends on edge order.
    pub fn purchases(&self, study: &Study) -> Vec<f64> {
        let mut out = vec![0.0; self.participants];
        let flows = &study.flows;
        for (&c, &v) in flows.consumers().iter().zip(flows.values_rub()) {
            out[c as usize] += v;
        }
        out
    }

    /// What `final_output(reachable_participants(starts))` gives, for many start sets at once:
    /// reachability is computed once per strongly connected component (the supply graph of a
    /// large study is mostly one), as bitsets over the final producers.
    pub fn downstream(&self, study: &Study, purchases: &[f64]) -> Downstream {
        let finals: Vec<usize> = (0..self.participants)
            .filter(|&i| study.participants[i].role == Role::FinalProducer)
            .collect();
        let weights: Vec<f64> = finals
            .iter()
            .map(|&i| study.participants[i].output_rub.unwrap_or(purchases[i]))
            .collect();
        let words = finals.len().div_ceil(64);
        // Components; tarjan_scc lists sinks first.
        let sccs = petgraph::algo::tarjan_scc(&self.graph);
        let mut component = vec![0u32; self.participants];
        for (k, c) in sccs.iter().enumerate() {
            for &n in c {
                component[n as usize] = k as u32;
            }
        }
        // A bitset per component, unless that would take more than 512 MiB (a graph with
        // hundreds of thousands of components and final producers): then search per start set.
        if sccs.len().saturating_mul(words) > 64 << 20 {
            return Downstream {
                finals,
                weights,
                words,
                component,
                bits: None,
            };
        }
        let mut bits = vec![0u64; sccs.len() * words];
        let mut rank = vec![usize::MAX; self.participants];
        for (r, &i) in finals.iter().enumerate() {
            rank[i] = r;
        }
        let mut last_or = vec![u32::MAX; sccs.len()];
        for (k, c) in sccs.iter().enumerate() {
            let (done, rest) = bits.split_at_mut(k * words);
            let own = &mut rest[..words];
            for &n in c {
                let r = rank[n as usize];
                if r != usize::MAX {
                    own[r / 64] |= 1 << (r % 64);
                }
                for &t in self.graph.neighbors_slice(n) {
                    let tc = component[t as usize] as usize;
                    if tc != k && last_or[tc] != k as u32 {
                        last_or[tc] = k as u32;
                        for (o, x) in own.iter_mut().zip(&done[tc * words..(tc + 1) * words]) {
                            *o |= x;
                        }
                    }
                }
            }
        }
        Downstream {
            finals,
            weights,
            words,
            component,
            bits: Some(bits),
        }
    }

    /// The sum of `output_rub` (or, without it, total purchases) of the final producers in `set`.
    pub fn final_output(&self, study: &Study, set: &[usize], purchases: &[f64]) -> f64 {
        set.iter()
            .filter(|&&i| study.participants[i].role == Role::FinalProducer)
            .map(|&i| study.participants[i].output_rub.unwrap_or(purchases[i]))
            .sum()
    }
}

/// Final producers reachable from each participant, by component (see `SupplyGraph::downstream`).
pub struct Downstream {
    /// Final producers by participant index, and the weight each one counts with.
    finals: Vec<usize>,
    weights: Vec<f64>,
    words: usize,
    component: Vec<u32>,
    bits: Option<Vec<u64>>,
}

impl Downstream {
    /// The output of the final producers reachable from `starts` (the starts included), added
    /// in participant order, as `final_output` adds them.
    pub fn final_output(
        &self,
        graph: &SupplyGraph,
        study: &Study,
        purchases: &[f64],
        starts: &[usize],
    ) -> f64 {
        let Some(bits) = &self.bits else {
            let reach = graph.reachable_participants(starts.iter().copied());
            return graph.final_output(study, &reach, purchases);
        };
        let mut comps: Vec<u32> = starts.iter().map(|&s| self.component[s]).collect();
        comps.sort_unstable();
        comps.dedup();
        let mut set = vec![0u64; self.words];
        for c in comps {
            let c = c as usize;
            for (o, x) in set
                .iter_mut()
                .zip(&bits[c * self.words..(c + 1) * self.words])
            {
                *o |= x;
            }
        }
        (0..self.finals.len())
            .filter(|&r| set[r / 64] >> (r % 64) & 1 == 1)
            .map(|r| self.weights[r])
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::testing::study_from;

    #[test]
    fn reachability_follows_cycles_and_counts_starts() {
        // a -> b -> c -> a (a cycle), c -> f (final producer); d is isolated.
        let s = study_from(
            &[
                ("a", "industrial", "1"),
                ("b", "industrial", "2"),
                ("c", "industrial", "3"),
                ("d", "industrial", "1"),
                ("f", "final_producer", ""),
            ],
            &[("p", "1")],
            &[
                ("a", "b", "p", 1.0, 1.0),
                ("b", "c", "p", 1.0, 1.0),
                ("c", "a", "p", 1.0, 1.0),
                ("c", "f", "p", 1.0, 1.0),
                ("import:FR", "d", "p", 1.0, 1.0),
            ],
        );
        let g = SupplyGraph::build(&s);
        let idx = |id: &str| s.participant_index(id).unwrap();
        assert_eq!(
            g.reachable_participants([idx("b")]),
            vec![idx("a"), idx("b"), idx("c"), idx("f")]
        );
        assert_eq!(g.reachable_participants([idx("d")]), vec![idx("d")]);
        assert_eq!(g.reachable_participants([idx("f")]), vec![idx("f")]);
    }

    /// The per-component bitsets give what a search per start set gives, on random graphs.
    #[test]
    fn downstream_matches_search() {
        let mut rng = fastrand::Rng::with_seed(7);
        for round in 0..40 {
            let n = 2 + rng.usize(0..30);
            let parts: Vec<(String, &str, &str)> = (0..n)
                .map(|i| {
                    let role = if rng.u8(0..3) == 0 {
                        "final_producer"
                    } else {
                        "industrial"
                    };
                    (
                        format!("p{i:02}"),
                        role,
                        if role == "industrial" { "1" } else { "" },
                    )
                })
                .collect();
            let part_refs: Vec<(&str, &str, &str)> =
                parts.iter().map(|(a, b, c)| (a.as_str(), *b, *c)).collect();
            let ids: Vec<String> = (0..n).map(|i| format!("p{i:02}")).collect();
            let edges: Vec<(String, String)> = (0..rng.usize(0..3 * n))
                .filter_map(|_| {
                    let (a, b) = (rng.usize(0..n), rng.usize(0..n));
                    (a != b).then(|| (ids[a].clone(), ids[b].clone()))
                })
                .collect();
            let flows: Vec<(&str, &str, &str, f64, f64)> = edges
                .iter()
                .map(|(a, b)| (a.as_str(), b.as_str(), "p", 1.0, 1.0 + round as f64))
                .collect();
            let s = study_from(&part_refs, &[("p", "1")], &flows);
            let g = SupplyGraph::build(&s);
            let purchases = g.purchases(&s);
            let d = g.downstream(&s, &purchases);
            for start in 0..n {
                let starts = [start, (start * 7 + 3) % n];
                let reach = g.reachable_participants(starts);
                let expected = g.final_output(&s, &reach, &purchases);
                assert_eq!(d.final_output(&g, &s, &purchases, &starts), expected);
            }
        }
    }
}
