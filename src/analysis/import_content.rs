//! Hidden import dependence: the Leontief import multiplier `m (I - A)^-1` per participant
//! (SPEC "Import content"). Small studies are solved exactly; large ones by a parallel sparse
//! iteration whose convergence is checked.

use super::compliance::Totals;
use crate::error::{Error, Problem};
use crate::study::{Source, Study};
use petgraph::algo::tarjan_scc;
use petgraph::graph::DiGraph;
use rayon::prelude::*;
use serde::Serialize;

/// Up to this many participants, a dense LU solve; above, the sparse iteration.
const EXACT_MAX: usize = 1500;
const MAX_ITERATIONS: usize = 20_000;
const TOLERANCE: f64 = 1e-14;

#[derive(Debug, Clone, Serialize)]
pub struct ImportContent {
    pub participant: String,
    pub name: String,
    pub stage: Option<u8>,
    /// x_j: `output_rub`, or the total value j buys when that is missing.
    pub output_rub: f64,
    pub estimated_output: bool,
    pub direct_import_share: f64,
    pub total_import_share: f64,
}

/// Incoming coefficients per participant: (supplier index, A[i][j]) in flow order.
struct Columns {
    cols: Vec<Vec<(usize, f64)>>,
}

pub fn import_content(study: &Study, t: &Totals) -> Result<Vec<ImportContent>, Error> {
    let n = study.participants.len();
    let x: Vec<f64> = (0..n)
        .map(|j| study.participants[j].output_rub.unwrap_or(t.purchases[j]))
        .collect();
    let mut cols = Columns {
        cols: vec![Vec::new(); n],
    };
    for f in &study.flows {
        if let Source::Participant(i) = f.supplier {
            let j = f.consumer;
            if x[j] > 0.0 && f.value_rub > 0.0 {
                match cols.cols[j].iter_mut().find(|c| c.0 == i) {
                    Some(c) => c.1 += f.value_rub,
                    None => cols.cols[j].push((i, f.value_rub)),
                }
            }
        }
    }
    for (j, col) in cols.cols.iter_mut().enumerate() {
        col.sort_by_key(|c| c.0);
        for c in col.iter_mut() {
            c.1 /= x[j];
        }
    }
    let m: Vec<f64> = (0..n)
        .map(|j| if x[j] > 0.0 { t.imports[j] / x[j] } else { 0.0 })
        .collect();

    let total = if n <= EXACT_MAX {
        solve_dense(&cols, &m)
    } else {
        solve_iterative(&cols, &m)
    };
    // t = m + tA with A >= 0 gives t >= m whenever the series converges.
    let total = total.filter(|tot| {
        tot.iter()
            .zip(&m)
            .all(|(t, m)| t.is_finite() && *t >= m - 1e-9)
    });
    let Some(total) = total else {
        return Err(Error::Data(vec![divergence_problem(study, &cols)]));
    };
    Ok((0..n)
        .map(|j| {
            let p = &study.participants[j];
            ImportContent {
                participant: p.id.clone(),
                name: p.name.clone(),
                stage: p.stage,
                output_rub: x[j],
                estimated_output: p.output_rub.is_none(),
                direct_import_share: m[j],
                total_import_share: total[j],
            }
        })
        .collect())
}

/// Solves t (I - A) = m, i.e. (I - A)^T t = m, by Gaussian elimination with partial pivoting.
fn solve_dense(cols: &Columns, m: &[f64]) -> Option<Vec<f64>> {
    let n = m.len();
    // Row j of (I - A)^T: 1 at j, -A[i][j] at i.
    let mut a = vec![0.0f64; n * n];
    for j in 0..n {
        a[j * n + j] = 1.0;
        for &(i, v) in &cols.cols[j] {
            a[j * n + i] -= v;
        }
    }
    let mut b = m.to_vec();
    for k in 0..n {
        let (p, max) = (k..n)
            .map(|r| (r, a[r * n + k].abs()))
            .fold((k, -1.0), |acc, v| if v.1 > acc.1 { v } else { acc });
        if max < 1e-12 {
            return None;
        }
        if p != k {
            for c in 0..n {
                a.swap(k * n + c, p * n + c);
            }
            b.swap(k, p);
        }
        let pivot = a[k * n + k];
        for r in k + 1..n {
            let f = a[r * n + k] / pivot;
            if f != 0.0 {
                for c in k..n {
                    a[r * n + c] -= f * a[k * n + c];
                }
                b[r] -= f * b[k];
            }
        }
    }
    let mut t = vec![0.0; n];
    for k in (0..n).rev() {
        let mut s = b[k];
        for c in k + 1..n {
            s -= a[k * n + c] * t[c];
        }
        t[k] = s / a[k * n + k];
    }
    Some(t)
}

/// Jacobi iteration t <- m + tA, each column in parallel; the same result for any thread count.
fn solve_iterative(cols: &Columns, m: &[f64]) -> Option<Vec<f64>> {
    let mut t = m.to_vec();
    for _ in 0..MAX_ITERATIONS {
        let next: Vec<f64> = cols
            .cols
            .par_iter()
            .zip(m.par_iter())
            .map(|(col, mj)| mj + col.iter().map(|&(i, a)| t[i] * a).sum::<f64>())
            .collect();
        let delta = next
            .iter()
            .zip(&t)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        let scale = next.iter().fold(1.0f64, |acc, v| acc.max(v.abs()));
        t = next;
        if !delta.is_finite() {
            return None;
        }
        if delta <= TOLERANCE * scale {
            return Some(t);
        }
    }
    None
}

/// Names the participants on the cycles that make I - A singular or the series diverge:
/// strongly connected groups in which someone buys at least its output from the group.
fn divergence_problem(study: &Study, cols: &Columns) -> Problem {
    let n = cols.cols.len();
    let mut g = DiGraph::<usize, ()>::with_capacity(n, 0);
    let nodes: Vec<_> = (0..n).map(|i| g.add_node(i)).collect();
    for (j, col) in cols.cols.iter().enumerate() {
        for &(i, _) in col {
            g.add_edge(nodes[i], nodes[j], ());
        }
    }
    let cyclic: Vec<Vec<usize>> = tarjan_scc(&g)
        .into_iter()
        .filter(|c| c.len() > 1)
        .map(|c| {
            let mut v: Vec<usize> = c.iter().map(|ix| g[*ix]).collect();
            v.sort_unstable();
            v
        })
        .collect();
    let heavy: Vec<&Vec<usize>> = cyclic
        .iter()
        .filter(|c| {
            c.iter().any(|&j| {
                cols.cols[j]
                    .iter()
                    .filter(|(i, _)| c.contains(i))
                    .map(|(_, a)| a)
                    .sum::<f64>()
                    >= 1.0 - 1e-9
            })
        })
        .collect();
    let groups: Vec<&Vec<usize>> = if heavy.is_empty() {
        cyclic.iter().collect()
    } else {
        heavy
    };
    let mut names: Vec<&str> = groups
        .iter()
        .flat_map(|c| c.iter().map(|&i| study.participants[i].id.as_str()))
        .collect();
    names.sort_unstable();
    names.dedup();
    if names.is_empty() {
        return Problem::file(
            "flows.csv",
            "import content cannot be computed: the Leontief system has no finite solution; \
             expected flows and output_rub of a realistic size",
        );
    }
    // A national study can have thousands on one cycle: name the first few.
    const SHOWN: usize = 12;
    let listed = if names.len() > SHOWN {
        format!(
            "{} and {} more",
            names[..SHOWN].join(", "),
            names.len() - SHOWN
        )
    } else {
        names.join(", ")
    };
    Problem::file(
        "flows.csv",
        format!(
            "import content cannot be computed: the purchases among the participants {listed} are as large as \
             their output, so (I - A) is singular or the Leontief series does not converge; \
             expected each participant's output_rub to exceed what it buys from the others on that cycle"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::testing::study_from;

    fn shares(s: &Study) -> Vec<(String, f64, f64)> {
        import_content(s, &Totals::of(s))
            .unwrap()
            .into_iter()
            .map(|r| (r.participant, r.direct_import_share, r.total_import_share))
            .collect()
    }

    #[test]
    fn chain_accumulates_imports_upstream() {
        // a imports 50 of its 100 purchases and sells 100 to b, which buys nothing else:
        // x_a = 100 (estimated), m_a = 0.5; x_b = 100, A_ab = 1, m_b = 0, total_b = 0.5.
        let s = study_from(
            &[("a", "industrial", "1"), ("b", "industrial", "2")],
            &[("p", "1"), ("q", "2")],
            &[
                ("import:CN", "a", "p", 1.0, 50.0),
                ("domestic", "a", "p", 1.0, 50.0),
                ("a", "b", "q", 1.0, 100.0),
            ],
        );
        assert_eq!(
            shares(&s),
            vec![("a".into(), 0.5, 0.5), ("b".into(), 0.0, 0.5)]
        );
    }

    #[test]
    fn dense_and_iterative_agree() {
        let s = study_from(
            &[
                ("a", "industrial", "1"),
                ("b", "industrial", "2"),
                ("c", "industrial", "3"),
            ],
            &[("p", "1")],
            &[
                ("import:CN", "a", "p", 1.0, 30.0),
                ("domestic", "a", "p", 1.0, 70.0),
                ("a", "b", "p", 1.0, 40.0),
                ("b", "a", "p", 1.0, 10.0),
                ("import:DE", "b", "p", 1.0, 20.0),
                ("domestic", "b", "p", 1.0, 40.0),
                ("b", "c", "p", 1.0, 30.0),
                ("domestic", "c", "p", 1.0, 30.0),
            ],
        );
        let t = Totals::of(&s);
        let n = s.participants.len();
        let x: Vec<f64> = (0..n).map(|j| t.purchases[j]).collect();
        let mut cols = Columns {
            cols: vec![vec![]; n],
        };
        for f in &s.flows {
            if let Source::Participant(i) = f.supplier {
                cols.cols[f.consumer].push((i, f.value_rub / x[f.consumer]));
            }
        }
        let m: Vec<f64> = (0..n).map(|j| t.imports[j] / x[j]).collect();
        let d = solve_dense(&cols, &m).unwrap();
        let it = solve_iterative(&cols, &m).unwrap();
        for (a, b) in d.iter().zip(&it) {
            assert!((a - b).abs() < 1e-12, "{d:?} vs {it:?}");
        }
    }

    #[test]
    fn closed_cycle_is_a_data_error_naming_it() {
        // a and b buy only from each other: x = purchases, A has column sums 1: singular.
        let s = study_from(
            &[
                ("a", "industrial", "1"),
                ("b", "industrial", "2"),
                ("c", "industrial", "2"),
            ],
            &[("p", "1")],
            &[
                ("a", "b", "p", 1.0, 10.0),
                ("b", "a", "p", 1.0, 10.0),
                ("import:CN", "c", "p", 1.0, 1.0),
            ],
        );
        let Err(Error::Data(p)) = import_content(&s, &Totals::of(&s)) else {
            panic!("expected a data error")
        };
        assert!(p[0].message.contains("participants a, b "), "{p:?}");
    }
}
