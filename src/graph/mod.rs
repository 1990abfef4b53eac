//! The supply graph: participants and external sources as nodes, aggregated flows as edges.
//!
//! Built once from a validated study and shared read-only across rayon tasks.

use crate::study::{Role, Source, Study};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Participant(usize),
    Import(String),
    Domestic,
}

/// An edge carries one aggregated flow: index into `Study::flows`.
#[derive(Debug, Clone, Copy)]
pub struct Edge {
    pub flow: usize,
}

pub struct SupplyGraph {
    pub graph: DiGraph<Node, Edge>,
    /// Node of participant i is `NodeIndex::new(i)`: participants are added first, in id order.
    participants: usize,
}

impl SupplyGraph {
    pub fn build(study: &Study) -> Self {
        let mut graph = DiGraph::with_capacity(study.participants.len() + 8, study.flows.len());
        for i in 0..study.participants.len() {
            graph.add_node(Node::Participant(i));
        }
        let mut external: BTreeMap<Source<&str>, NodeIndex> = BTreeMap::new();
        let flows = &study.flows;
        for (k, &consumer) in flows.consumers().iter().enumerate() {
            let from = match flows.supplying_participant(k) {
                Some(i) => NodeIndex::new(i),
                None => {
                    let s = flows.supplier(k);
                    *external.entry(s).or_insert_with(|| {
                        graph.add_node(match s {
                            Source::Import(o) => Node::Import(o.to_string()),
                            _ => Node::Domestic,
                        })
                    })
                }
            };
            graph.add_edge(from, NodeIndex::new(consumer as usize), Edge { flow: k });
        }
        SupplyGraph {
            graph,
            participants: study.participants.len(),
        }
    }

    pub fn participant_node(&self, i: usize) -> NodeIndex {
        debug_assert!(i < self.participants);
        NodeIndex::new(i)
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
            for e in self
                .graph
                .edges_directed(NodeIndex::new(i), Direction::Outgoing)
            {
                if let Node::Participant(j) = self.graph[e.target()] {
                    if !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
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
        // Components of the participants-only graph; tarjan_scc lists sinks first.
        let only_participants =
            petgraph::visit::NodeFiltered::from_fn(&self.graph, |n| n.index() < self.participants);
        let sccs = petgraph::algo::tarjan_scc(&only_participants);
        let mut component = vec![0u32; self.participants];
        for (k, c) in sccs.iter().enumerate() {
            for n in c {
                component[n.index()] = k as u32;
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
            for n in c {
                if rank[n.index()] != usize::MAX {
                    own[rank[n.index()] / 64] |= 1 << (rank[n.index()] % 64);
                }
                for e in self.graph.edges_directed(*n, Direction::Outgoing) {
                    let t = e.target().index();
                    if t >= self.participants {
                        continue;
                    }
                    let tc = component[t] as usize;
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
