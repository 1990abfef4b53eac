//! Layered layout for the functional map: columns of boxes ordered to keep flows short and
//! uncrossed (barycentre sweeps), flows spanning several columns routed through pass-through
//! slots in the columns between (one slot per supplier and column), and ribbons drawn along
//! those routes.

use super::canvas;
use super::canvas::{Canvas, Pt, Rgb};
use std::collections::BTreeMap;

pub const VGAP: f64 = 14.0;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Participant,
    Import,
    Domestic,
    Niche,
    /// Room that flows pass through; not drawn.
    Pass,
}

pub struct Node {
    pub col: usize,
    pub kind: Kind,
    pub title: Vec<String>,
    pub sub: Vec<String>,
    pub h: f64,
    pub y: f64,
}

impl Node {
    pub fn mid(&self) -> f64 {
        self.y + self.h / 2.0
    }
}

/// A flow along its route: supplier, pass-through slots, consumer.
pub struct Flow {
    pub path: Vec<usize>,
    pub value: f64,
    pub width: f64,
    pub color: Rgb,
    /// A niche link: a dashed line rather than a ribbon.
    pub dashed: bool,
}

/// Which sides of its two boxes a hop leaves and enters: (leaves right, enters right).
/// Forward: right to left; within a column: left to left; backward: left to right.
fn sides(from_col: usize, to_col: usize) -> (bool, bool) {
    match to_col.cmp(&from_col) {
        std::cmp::Ordering::Greater => (true, false),
        std::cmp::Ordering::Equal => (false, false),
        std::cmp::Ordering::Less => (false, true),
    }
}

/// Routes a flow from `from` to `to`, adding pass-through slots as needed.
pub fn route(
    nodes: &mut Vec<Node>,
    slots: &mut BTreeMap<(usize, usize), usize>,
    from: usize,
    to: usize,
    width: f64,
) -> Vec<usize> {
    let mut path = vec![from];
    for col in nodes[from].col + 1..nodes[to].col {
        let id = *slots.entry((from, col)).or_insert_with(|| {
            nodes.push(Node {
                col,
                kind: Kind::Pass,
                title: vec![],
                sub: vec![],
                h: 0.0,
                y: 0.0,
            });
            nodes.len() - 1
        });
        nodes[id].h += width;
        path.push(id);
    }
    path.push(to);
    path
}

fn gap(a: &Node, b: &Node) -> f64 {
    if a.kind == Kind::Pass && b.kind == Kind::Pass {
        4.0
    } else {
        VGAP
    }
}

/// Stacks each column and centres it on the tallest; returns the tallest height.
fn place(nodes: &mut [Node], order: &[Vec<usize>], top: f64) -> f64 {
    let height = |nodes: &[Node], ids: &[usize]| -> f64 {
        let boxes: f64 = ids.iter().map(|&i| nodes[i].h).sum();
        let gaps: f64 = ids
            .windows(2)
            .map(|w| gap(&nodes[w[0]], &nodes[w[1]]))
            .sum();
        boxes + gaps
    };
    let tallest = order.iter().map(|o| height(nodes, o)).fold(0.0, f64::max);
    for ids in order {
        let mut y = top + (tallest - height(nodes, ids)) / 2.0;
        for (k, &i) in ids.iter().enumerate() {
            if k > 0 {
                y += gap(&nodes[ids[k - 1]], &nodes[i]);
            }
            nodes[i].y = y;
            y += nodes[i].h;
        }
    }
    tallest
}

/// Orders each column by the weighted mean height of its neighbours over a few sweeps;
/// `edges` are (a, b, weight). Returns the tallest column's height.
pub fn arrange(nodes: &mut [Node], edges: &[(usize, usize, f64)], cols: usize, top: f64) -> f64 {
    let mut order: Vec<Vec<usize>> = vec![Vec::new(); cols];
    for (i, n) in nodes.iter().enumerate() {
        order[n.col].push(i);
    }
    let mut adjacent: Vec<Vec<(usize, f64)>> = vec![Vec::new(); nodes.len()];
    for &(a, b, wt) in edges {
        adjacent[a].push((b, wt));
        adjacent[b].push((a, wt));
    }
    let mut tallest = place(nodes, &order, top);
    // Sweeps left to right, then right to left, each column placed as soon as it is sorted.
    for sweep in 0..8 {
        for k in 0..cols {
            let col = if sweep % 2 == 0 { k } else { cols - 1 - k };
            let ids = &order[col];
            let mut keyed: Vec<(f64, f64, usize)> = ids
                .iter()
                .map(|&i| {
                    let (mut s, mut w) = (0.0, 0.0);
                    for &(other, wt) in &adjacent[i] {
                        s += nodes[other].mid() * wt;
                        w += wt;
                    }
                    let key = if w > 0.0 { s / w } else { nodes[i].mid() };
                    (key, nodes[i].y, i)
                })
                .collect();
            keyed.sort_by(|a, b| {
                a.0.total_cmp(&b.0)
                    .then(a.1.total_cmp(&b.1))
                    .then(a.2.cmp(&b.2))
            });
            order[col] = keyed.into_iter().map(|k| k.2).collect();
            tallest = place(nodes, &order, top);
        }
    }
    tallest
}

/// Where each hop of each flow leaves and enters a box: `(flow, hop, leaving) -> y`.
/// On each side of a box the flows are stacked in the order of the boxes they come from or
/// go to, so that they do not cross at the box.
fn attach(nodes: &[Node], flows: &[Flow]) -> BTreeMap<(usize, usize, bool), f64> {
    type Side = Vec<(f64, f64, usize, usize, bool)>;
    let mut by_side: BTreeMap<(usize, bool), Side> = BTreeMap::new();
    for (k, f) in flows.iter().enumerate() {
        let (first, last) = (f.path[0], f.path[f.path.len() - 1]);
        for (hop, pair) in f.path.windows(2).enumerate() {
            let (u, v) = (pair[0], pair[1]);
            let (out_right, in_right) = sides(nodes[u].col, nodes[v].col);
            let out_key = (nodes[v].mid(), nodes[last].mid(), k, hop, true);
            let in_key = (nodes[u].mid(), nodes[first].mid(), k, hop, false);
            by_side.entry((u, out_right)).or_default().push(out_key);
            by_side.entry((v, in_right)).or_default().push(in_key);
        }
    }
    let mut at = BTreeMap::new();
    for ((n, _), list) in by_side.iter_mut() {
        let node = &nodes[*n];
        // Through a pass-through slot, flows keep their order on both sides.
        if node.kind == Kind::Pass {
            for e in list.iter_mut() {
                let f = &flows[e.2];
                e.0 = nodes[f.path[f.path.len() - 1]].mid();
                e.1 = 0.0;
            }
        }
        list.sort_by(|a, b| {
            a.0.total_cmp(&b.0)
                .then(a.1.total_cmp(&b.1))
                .then(a.2.cmp(&b.2))
        });
        let total: f64 = list.iter().map(|e| flows[e.2].width).sum();
        let room = if node.kind == Kind::Pass {
            node.h
        } else {
            node.h - 8.0
        };
        let mut y = node.mid() - total / 2.0;
        for (i, e) in list.iter().enumerate() {
            let w = flows[e.2].width;
            let pos = if total <= room + 0.01 {
                y + w / 2.0
            } else {
                node.y + 4.0 + room * (i as f64 + 0.5) / list.len() as f64
            };
            y += w;
            at.insert((e.2, e.3, e.4), pos);
        }
    }
    at
}

/// Draws every flow, ribbons widest first, then the dashed niche links; `column` gives a
/// column's left edge and width. Returns where each flow ends, and whether on a right side.
pub fn draw_flows(
    c: &mut Canvas,
    nodes: &[Node],
    flows: &[Flow],
    column: impl Fn(usize) -> (f64, f64),
) -> Vec<(Pt, bool)> {
    let at = attach(nodes, flows);
    let mut ends = vec![((0.0, 0.0), false); flows.len()];
    let mut drawn: Vec<usize> = (0..flows.len()).collect();
    drawn.sort_by(|a, b| {
        let (fa, fb) = (&flows[*a], &flows[*b]);
        fa.dashed
            .cmp(&fb.dashed)
            .then(fb.width.total_cmp(&fa.width))
            .then(a.cmp(b))
    });
    for k in drawn {
        let f = &flows[k];
        let mut line: Vec<Pt> = Vec::new();
        let mut right = false;
        for (hop, pair) in f.path.windows(2).enumerate() {
            let (u, v) = (&nodes[pair[0]], &nodes[pair[1]]);
            let (ux, uw) = column(u.col);
            let (vx, vw) = column(v.col);
            let (out_right, in_right) = sides(u.col, v.col);
            right = in_right;
            let ya = at.get(&(k, hop, true)).copied().unwrap_or(u.mid());
            let yb = at.get(&(k, hop, false)).copied().unwrap_or(v.mid());
            let a = (if out_right { ux + uw } else { ux }, ya);
            let b = (if in_right { vx + vw } else { vx }, yb);
            // Control points lead out of and into each side horizontally.
            let lead = |right: bool, d: f64| if right { d } else { -d };
            let d = ((b.0 - a.0).abs() / 2.0).max(50.0);
            let seg = canvas::bezier(
                a,
                (a.0 + lead(out_right, d), ya),
                (b.0 + lead(in_right, d), yb),
                b,
                28,
            );
            line.extend(seg);
            if v.kind == Kind::Pass {
                line.push((vx + vw, yb));
            }
        }
        ends[k] = (line.last().copied().unwrap_or_default(), right);
        if f.dashed {
            c.dashed(&line, f.color, 2.0, 7.0, 4.0);
        } else {
            ribbon(c, &line, f.width, f.color);
        }
    }
    ends
}

fn ribbon(c: &mut Canvas, line: &[Pt], w: f64, color: Rgb) {
    if w < 2.5 {
        c.line(line.to_vec(), color.tint(0.3), w.max(1.0));
        return;
    }
    let mut pts: Vec<Pt> = line.iter().map(|p| (p.0, p.1 - w / 2.0)).collect();
    pts.extend(line.iter().rev().map(|p| (p.0, p.1 + w / 2.0)));
    c.poly(pts, color, 0.5);
}
