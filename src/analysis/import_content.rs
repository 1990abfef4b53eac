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

/// Which system of `I - A` to solve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The row system `t (I - A) = b`: import content `m (I - A)^-1`.
    Row,
    /// The column system `(I - A) x = b`: the Leontief quantity model `(I - A)^-1 Δf`.
    Column,
}

/// The single-region Leontief model of the selected year: `x` and `A` (SPEC "Import
/// content"). Solved exactly (one dense LU, shared by both directions) up to `EXACT_MAX`
/// participants, by a parallel sparse iteration above.
pub struct Leontief {
    /// x_j: `output_rub`, or the total value j buys when that is missing.
    pub x: Vec<f64>,
    cols: Columns,
    /// m_j: import flows into j per rub of its output.
    m: Vec<f64>,
    lu: std::sync::OnceLock<Option<Lu>>,
}

impl Leontief {
    pub fn new(study: &Study, t: &Totals) -> Leontief {
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
        Leontief {
            x,
            cols,
            m,
            lu: std::sync::OnceLock::new(),
        }
    }

    /// Solves the system of `dir` for each right-hand side; `None` when `I - A` is singular or
    /// the iteration does not converge.
    pub fn solve(&self, rhs: &[Vec<f64>], dir: Direction) -> Option<Vec<Vec<f64>>> {
        if self.x.len() <= EXACT_MAX {
            let lu = self.lu.get_or_init(|| factor(&self.cols)).as_ref()?;
            Some(rhs.iter().map(|b| lu.solve(b, dir)).collect())
        } else {
            let transposed;
            let lists = match dir {
                Direction::Row => &self.cols.cols,
                Direction::Column => {
                    transposed = transpose(&self.cols.cols);
                    &transposed
                }
            };
            rhs.iter().map(|b| iterate(lists, b)).collect()
        }
    }

    /// The data error naming the participants that make the system unsolvable.
    pub fn problem(&self, study: &Study) -> Problem {
        divergence_problem(study, &self.cols)
    }
}

pub fn import_content(study: &Study, t: &Totals) -> Result<Vec<ImportContent>, Error> {
    import_content_of(study, &Leontief::new(study, t))
}

/// Import content from the study's Leontief model (built once and shared with the outlook).
pub fn import_content_of(study: &Study, l: &Leontief) -> Result<Vec<ImportContent>, Error> {
    let n = study.participants.len();
    let (x, m) = (&l.x, &l.m);
    let total = l
        .solve(std::slice::from_ref(m), Direction::Row)
        .and_then(|mut v| v.pop());
    // t = m + tA with A >= 0 gives t >= m whenever the series converges.
    let total = total.filter(|tot| {
        tot.iter()
            .zip(m)
            .all(|(t, m)| t.is_finite() && *t >= m - 1e-9)
    });
    let Some(total) = total else {
        return Err(Error::Data(vec![l.problem(study)]));
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

/// `P M = L U` of `M = (I - A)^T` by Gaussian elimination with partial pivoting: U on and above
/// the diagonal, L's multipliers below it (row-major), and the row swapped in at each step.
struct Lu {
    n: usize,
    a: Vec<f64>,
    piv: Vec<usize>,
}

fn factor(cols: &Columns) -> Option<Lu> {
    let n = cols.cols.len();
    // Row j of (I - A)^T: 1 at j, -A[i][j] at i.
    let mut a = vec![0.0f64; n * n];
    for j in 0..n {
        a[j * n + j] = 1.0;
        for &(i, v) in &cols.cols[j] {
            a[j * n + i] -= v;
        }
    }
    let mut piv = vec![0; n];
    for k in 0..n {
        let (p, max) = (k..n)
            .map(|r| (r, a[r * n + k].abs()))
            .fold((k, -1.0), |acc, v| if v.1 > acc.1 { v } else { acc });
        if max < 1e-12 {
            return None;
        }
        piv[k] = p;
        if p != k {
            for c in 0..n {
                a.swap(k * n + c, p * n + c);
            }
        }
        let pivot = a[k * n + k];
        for r in k + 1..n {
            let f = a[r * n + k] / pivot;
            a[r * n + k] = f;
            if f != 0.0 {
                for c in k + 1..n {
                    a[r * n + c] -= f * a[k * n + c];
                }
            }
        }
    }
    Some(Lu { n, a, piv })
}

impl Lu {
    /// `M t = b` (the row system of `I - A`) or `M^T x = b` (the column system).
    fn solve(&self, b: &[f64], dir: Direction) -> Vec<f64> {
        let (n, a) = (self.n, &self.a);
        let mut b = b.to_vec();
        match dir {
            Direction::Row => {
                // L U t = P b: forward, then back substitution.
                for k in 0..n {
                    b.swap(k, self.piv[k]);
                    for r in k + 1..n {
                        let f = a[r * n + k];
                        if f != 0.0 {
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
                t
            }
            Direction::Column => {
                // M^T = U^T L^T P: solve U^T z = b, then L^T w = z, then x = P^T w.
                let mut z = vec![0.0; n];
                for k in 0..n {
                    let mut s = b[k];
                    for c in 0..k {
                        s -= a[c * n + k] * z[c];
                    }
                    z[k] = s / a[k * n + k];
                }
                for k in (0..n).rev() {
                    let mut s = z[k];
                    for r in k + 1..n {
                        s -= a[r * n + k] * z[r];
                    }
                    z[k] = s;
                }
                for k in (0..n).rev() {
                    z.swap(k, self.piv[k]);
                }
                z
            }
        }
    }
}

/// Row lists of A from its column lists: entry (j, A[i][j]) in list i, by j.
fn transpose(cols: &[Vec<(usize, f64)>]) -> Vec<Vec<(usize, f64)>> {
    let mut rows = vec![Vec::new(); cols.len()];
    for (j, col) in cols.iter().enumerate() {
        for &(i, v) in col {
            rows[i].push((j, v));
        }
    }
    rows
}

/// Jacobi iteration `x_r <- b_r + Σ (c, v) in lists[r] of x_c v`, each r in parallel; the same
/// result for any thread count. With column lists it is `t <- m + tA`, with row lists
/// `x <- Δf + A x`.
fn iterate(lists: &[Vec<(usize, f64)>], b: &[f64]) -> Option<Vec<f64>> {
    let mut t = b.to_vec();
    for _ in 0..MAX_ITERATIONS {
        let next: Vec<f64> = lists
            .par_iter()
            .zip(b.par_iter())
            .map(|(list, bj)| bj + list.iter().map(|&(i, a)| t[i] * a).sum::<f64>())
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
mod tests;
