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
        let mut external: BTreeMap<Source, NodeIndex> = BTreeMap::new();
        for (k, f) in study.flows.iter().enumerate() {
            let from = match &f.supplier {
                Source::Participant(i) => NodeIndex::new(*i),
                s => *external.entry(s.clone()).or_insert_with(|| {
                    graph.add_node(match s {
                        Source::Import(o) => Node::Import(o.clone()),
                        _ => Node::Domestic,
                    })
                }),
            };
            graph.add_edge(from, NodeIndex::new(f.consumer), Edge { flow: k });
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

    /// Total value each participant buys (all suppliers), by participant index.
    pub fn purchases(&self, study: &Study) -> Vec<f64> {
        (0..self.participants)
            .map(|i| {
                let mut vals: Vec<(usize, f64)> = self
                    .graph
                    .edges_directed(NodeIndex::new(i), Direction::Incoming)
                    .map(|e| (e.weight().flow, study.flows[e.weight().flow].value_rub))
                    .collect();
                // Sum in flow order so the result never depends on edge-list order.
                vals.sort_by_key(|v| v.0);
                vals.iter().map(|v| v.1).sum()
            })
            .collect()
    }

    /// The sum of `output_rub` (or, without it, total purchases) of the final producers in `set`.
    pub fn final_output(&self, study: &Study, set: &[usize], purchases: &[f64]) -> f64 {
        set.iter()
            .filter(|&&i| study.participants[i].role == Role::FinalProducer)
            .map(|&i| study.participants[i].output_rub.unwrap_or(purchases[i]))
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
}
