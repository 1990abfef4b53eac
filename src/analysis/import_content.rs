//! Hidden import dependence: the Leontief import multiplier `m (I - A)^-1` per participant
//! (SPEC "Import content"). Small studies are solved exactly; large ones by a parallel sparse
//! iteration whose convergence is checked.

use super::compliance::Totals;
use crate::error::{Error, Problem};
use crate::study::Study;
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

/// A sparse matrix in compressed rows: row r's entries are at `start[r]..start[r + 1]` of
/// `index` (column, ascending) and `value`.
struct Csr {
    start: Vec<usize>,
    index: Vec<u32>,
    value: Vec<f64>,
}

impl Csr {
    fn rows(&self) -> usize {
        self.start.len() - 1
    }

    fn row(&self, r: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let at = self.start[r]..self.start[r + 1];
        self.index[at.clone()]
            .iter()
            .zip(&self.value[at])
            .map(|(&c, &v)| (c as usize, v))
    }

    /// From (row, column, value) triples sorted by (row, column), with repeated cells added
    /// in the triples' order.
    fn from_sorted(rows: usize, triples: &[(u32, u32, f64)]) -> Csr {
        let mut m = Csr {
            start: vec![0; rows + 1],
            index: Vec::with_capacity(triples.len()),
            value: Vec::with_capacity(triples.len()),
        };
        let mut last: Option<(u32, u32)> = None;
        for &(r, c, v) in triples {
            if last == Some((r, c)) {
                if let Some(x) = m.value.last_mut() {
                    *x += v;
                }
                continue;
            }
            last = Some((r, c));
            m.index.push(c);
            m.value.push(v);
            m.start[r as usize + 1] += 1;
        }
        for r in 0..rows {
            m.start[r + 1] += m.start[r];
        }
        m
    }

    /// The transpose: row i lists (j, v) for every entry (j, i, v), by j.
    fn transpose(&self) -> Csr {
        let n = self.rows();
        let mut start = vec![0usize; n + 1];
        for &c in &self.index {
            start[c as usize + 1] += 1;
        }
        for r in 0..n {
            start[r + 1] += start[r];
        }
        let mut next = start.clone();
        let mut index = vec![0u32; self.index.len()];
        let mut value = vec![0.0; self.value.len()];
        for r in 0..n {
            for (c, v) in self.row(r) {
                let at = next[c];
                next[c] += 1;
                index[at] = r as u32;
                value[at] = v;
            }
        }
        Csr {
            start,
            index,
            value,
        }
    }
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
    /// Row j lists the suppliers i of j with A[i][j], by i: the columns of A.
    cols: Csr,
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
        // (consumer, supplier, value) in flow order; a stable sort keeps that order within a
        // pair, so each coefficient adds its flows by product, as the table holds them.
        let flows = &study.flows;
        let mut triples: Vec<(u32, u32, f64)> = flows
            .consumers()
            .iter()
            .zip(flows.values_rub())
            .enumerate()
            .filter_map(|(k, (&j, &v))| {
                let i = flows.supplying_participant(k)?;
                (x[j as usize] > 0.0 && v > 0.0).then_some((j, i as u32, v))
            })
            .collect();
        triples.par_sort_by_key(|t| (t.0, t.1));
        let mut cols = Csr::from_sorted(n, &triples);
        drop(triples);
        for (j, xj) in x.iter().enumerate() {
            for v in &mut cols.value[cols.start[j]..cols.start[j + 1]] {
                *v /= xj;
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
                Direction::Row => &self.cols,
                Direction::Column => {
                    transposed = self.cols.transpose();
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

fn factor(cols: &Csr) -> Option<Lu> {
    let n = cols.rows();
    // Row j of (I - A)^T: 1 at j, -A[i][j] at i.
    let mut a = vec![0.0f64; n * n];
    for j in 0..n {
        a[j * n + j] = 1.0;
        for (i, v) in cols.row(j) {
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

/// Jacobi iteration `x_r <- b_r + Σ (c, v) in lists[r] of x_c v`, each r in parallel; the same
/// result for any thread count. With column lists it is `t <- m + tA`, with row lists
/// `x <- Δf + A x`.
fn iterate(lists: &Csr, b: &[f64]) -> Option<Vec<f64>> {
    let mut t = b.to_vec();
    for _ in 0..MAX_ITERATIONS {
        let next: Vec<f64> = b
            .par_iter()
            .enumerate()
            .map(|(r, bj)| bj + lists.row(r).map(|(i, a)| t[i] * a).sum::<f64>())
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
fn divergence_problem(study: &Study, cols: &Csr) -> Problem {
    let n = cols.rows();
    let mut g = DiGraph::<usize, ()>::with_capacity(n, 0);
    let nodes: Vec<_> = (0..n).map(|i| g.add_node(i)).collect();
    for j in 0..n {
        for (i, _) in cols.row(j) {
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
    // Component membership by participant, so that each group is checked in linear time.
    let mut group_of = vec![usize::MAX; n];
    for (k, c) in cyclic.iter().enumerate() {
        for &i in c {
            group_of[i] = k;
        }
    }
    let heavy: Vec<&Vec<usize>> = cyclic
        .iter()
        .enumerate()
        .filter(|(k, c)| {
            c.iter().any(|&j| {
                cols.row(j)
                    .filter(|&(i, _)| group_of[i] == *k)
                    .map(|(_, a)| a)
                    .sum::<f64>()
                    >= 1.0 - 1e-9
            })
        })
        .map(|(_, c)| c)
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
            &study.flows_file,
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
        &study.flows_file,
        format!(
            "import content cannot be computed: the purchases among the participants {listed} are as large as \
             their output, so (I - A) is singular or the Leontief series does not converge; \
             expected each participant's output_rub to exceed what it buys from the others on that cycle"
        ),
    )
}

#[cfg(test)]
mod tests;
