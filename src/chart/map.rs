//! `functional_map`: the cluster's functional map. Stages I–IV are columns holding the
//! participants; suppliers outside the cluster (import by country, Russian companies) stand at
//! the left. Flows are ribbons whose width follows the square root of their value. Each niche
//! is a tag in its product's stage column (where a new producer would stand), joined by dashed
//! lines to numbered badges on its key consumers.

use super::canvas::{wrap, Align, Canvas, Pt, Rgb};
use super::frame;
use super::frame::{header, legend, note, Swatch};
use super::layout::{self, Flow, Kind, Node};
use super::palette::{BLUE, GREEN, INK, M, MUTED, ORANGE, VERMILLION, WHITE};
use super::words::{stage_title, tr};
use super::Chart;
use crate::analysis::Analysis;
use crate::error::Result;
use crate::human::{country, qty_per_year, rub, Lang};
use std::collections::BTreeMap;

const MAP_W: f64 = 1600.0;
const SRC_W: f64 = 200.0;
const GAP: f64 = 100.0;
const PAD: f64 = 7.0;
const MAX_FLOW: f64 = 20.0;
/// Room a niche link takes on a box side.
const NICHE_LINK: f64 = 13.0;
const TITLE: (f64, f64) = (13.0, 16.5);
/// A map stays readable with `MAP_PER_STAGE` participants per stage column and this many niche
/// tags; a larger study shows its largest participants (by value bought and sold) and top niches.
const MAX_PER_COLUMN: usize = crate::analysis::MAP_PER_STAGE;
const MAX_TAGS: usize = 10;
const SUB: (f64, f64) = (11.5, 14.5);

/// Left edge and width of a column's boxes.
fn column(col: usize) -> (f64, f64) {
    if col == 0 {
        return (M, SRC_W);
    }
    let slot = (MAP_W - 2.0 * M - SRC_W) / 4.0;
    (M + SRC_W + slot * (col - 1) as f64 + GAP, slot - GAP)
}

fn node(col: usize, kind: Kind, title: &str, sub: &str) -> Node {
    let w = column(col).1 - 2.0 * PAD;
    let title = wrap(title, TITLE.0, true, w, 3);
    let sub = if sub.is_empty() {
        vec![]
    } else {
        wrap(sub, SUB.0, false, w, 2)
    };
    let h = 2.0 * PAD + TITLE.1 * title.len() as f64 + SUB.1 * sub.len() as f64;
    Node {
        col,
        kind,
        title,
        sub,
        h,
        y: 0.0,
    }
}

pub fn render(a: &Analysis, lang: Lang) -> Result<Chart> {
    let title = tr(
        lang,
        "Функциональная карта кластера",
        "Functional map of the cluster",
    );
    let mut c = Canvas::new(MAP_W, 1000.0);
    let top = header(&mut c, title, &a.study.name);
    if a.chain.is_empty() {
        c.h = 700.0;
        let text = tr(
            lang,
            "В цепочке нет промышленных участников и производителей конечной продукции",
            "The chain has no industrial participants or final producers",
        );
        frame::empty(&mut c, top, text);
        return c.render("functional_map", title.to_string());
    }

    // Nodes: participants, outside suppliers that sell to them, niche tags.
    let mut nodes: Vec<Node> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let column_of = crate::analysis::map_column;
    let shown_ids = crate::analysis::map_members(&a.chain);
    let omitted = a.chain.len() - shown_ids.len();
    for m in a.chain.iter().filter(|m| shown_ids.contains(m.id.as_str())) {
        let col = column_of(m);
        let sub = if m.supplies.is_empty() {
            String::new()
        } else {
            format!("→ {}", m.supplies.join(", "))
        };
        index.insert(m.id.clone(), nodes.len());
        nodes.push(node(col, Kind::Participant, &m.name, &sub));
    }
    let mut outside: BTreeMap<&str, f64> = BTreeMap::new();
    for l in &a.links {
        let from_outside = l.supplier.starts_with("import:") || l.supplier == "domestic";
        if from_outside && index.contains_key(&l.consumer) {
            *outside.entry(l.supplier.as_str()).or_insert(0.0) += l.value_rub;
        }
    }
    // Imports first (by country code), Russian suppliers last.
    let mut sources: Vec<(&str, f64)> = outside.into_iter().collect();
    sources.sort_by_key(|(k, _)| (*k == "domestic", *k));
    for (key, value) in sources {
        let (kind, name) = match key.strip_prefix("import:") {
            Some(code) => (
                Kind::Import,
                format!("{}: {}", tr(lang, "Импорт", "Import"), country(code, lang)),
            ),
            None => (
                Kind::Domestic,
                tr(
                    lang,
                    "Российские поставщики вне кластера",
                    "Russian suppliers outside the cluster",
                )
                .to_string(),
            ),
        };
        index.insert(key.to_string(), nodes.len());
        nodes.push(node(0, kind, &name, &rub(value, lang)));
    }
    let mut tags = Vec::new();
    for n in a.niches.iter().take(MAX_TAGS) {
        let name = format!(
            "{} {}: {}",
            tr(lang, "Ниша", "Niche"),
            n.rank,
            n.need.product_name
        );
        let sub = format!(
            "{} {}, {}",
            tr(lang, "спрос", "demand"),
            qty_per_year(n.need.demand_qty, &n.need.unit, lang),
            rub(n.need.demand_rub, lang)
        );
        let col = (n.need.stage as usize).clamp(1, 4);
        tags.push((nodes.len(), n));
        nodes.push(node(col, Kind::Niche, &name, &sub));
    }

    // Flows, routed through the columns they cross; the niches' links to their consumers.
    let vmax = a
        .links
        .iter()
        .filter(|l| index.contains_key(&l.supplier) && index.contains_key(&l.consumer))
        .map(|l| l.value_rub)
        .fold(0.0, f64::max);
    let width = |v: f64| {
        if vmax > 0.0 {
            (MAX_FLOW * (v.max(0.0) / vmax).sqrt()).max(1.5)
        } else {
            1.5
        }
    };
    let mut slots = BTreeMap::new();
    let mut flows: Vec<Flow> = Vec::new();
    for l in &a.links {
        let (Some(&from), Some(&to)) = (index.get(&l.supplier), index.get(&l.consumer)) else {
            continue;
        };
        let color = match nodes[from].kind {
            Kind::Import => ORANGE,
            Kind::Domestic => GREEN,
            _ => BLUE,
        };
        let w = width(l.value_rub);
        let path = layout::route(&mut nodes, &mut slots, from, to, w);
        flows.push(Flow {
            path,
            value: l.value_rub,
            width: w,
            color,
            dashed: false,
        });
    }
    // Niche links: dashed, routed like flows, ending at their consumers' boxes.
    let mut ranks: Vec<Option<usize>> = vec![None; flows.len()];
    for (tag, n) in &tags {
        for k in &n.need.key_consumers {
            if let Some(&to) = index.get(&k.id) {
                let path = layout::route(&mut nodes, &mut slots, *tag, to, NICHE_LINK);
                flows.push(Flow {
                    path,
                    value: k.value_rub,
                    width: NICHE_LINK,
                    color: VERMILLION,
                    dashed: true,
                });
                ranks.push(Some(n.rank));
            }
        }
    }
    let edges: Vec<(usize, usize, f64)> = flows
        .iter()
        .flat_map(|f| {
            let wt = f.value.max(0.0).sqrt() + 1e-9;
            f.path.windows(2).map(move |p| (p[0], p[1], wt))
        })
        .collect();
    let head_h = 44.0;
    let content_top = top + head_h + 18.0;
    let tallest = layout::arrange(&mut nodes, &edges, 5, content_top);
    let bottom = content_top + tallest;
    // Column bands, then their headers.
    for col in 1..5 {
        let (x, w) = column(col);
        c.rect(
            x - 12.0,
            top - 4.0,
            x + w + 12.0,
            bottom + 14.0,
            Rgb(241, 244, 247),
        );
    }
    for col in 0..5 {
        let (x, w) = column(col);
        let text = if col == 0 {
            tr(
                lang,
                "Поставщики вне кластера",
                "Suppliers outside the cluster",
            )
            .to_string()
        } else {
            stage_title(col as u8, lang)
        };
        let lines = wrap(&text, 14.0, true, w + 20.0, 2);
        let t = top + (head_h - 18.0 * lines.len() as f64) / 2.0;
        c.lines(&lines, x + w / 2.0, t, 14.0, 18.0, true, INK, Align::Center);
    }
    let ends = layout::draw_flows(&mut c, &nodes, &flows, column);
    for n in nodes.iter().filter(|n| n.kind != Kind::Pass) {
        draw_box(&mut c, n);
    }
    for (end, rank) in ends.into_iter().zip(ranks) {
        if let Some(rank) = rank {
            badge(&mut c, end, rank);
        }
    }

    // Legend and scale note.
    let items = [
        (
            Swatch::Fill(BLUE.tint(0.45)),
            tr(
                lang,
                "Поставки между участниками",
                "Supplies between participants",
            ),
        ),
        (
            Swatch::Fill(ORANGE.tint(0.45)),
            tr(lang, "Импорт", "Imports"),
        ),
        (
            Swatch::Fill(GREEN.tint(0.45)),
            tr(
                lang,
                "Российские поставщики вне кластера",
                "Russian suppliers outside the cluster",
            ),
        ),
        (
            Swatch::Box(BLUE.tint(0.88), BLUE),
            tr(
                lang,
                "Участник кластера (→ что поставляет)",
                "Participant (→ what it supplies)",
            ),
        ),
        (
            Swatch::Box(VERMILLION.tint(0.9), VERMILLION),
            tr(lang, "Инвестиционная ниша", "Investment niche"),
        ),
        (
            Swatch::Line(VERMILLION, true),
            tr(
                lang,
                "Ключевые потребители ниши (номер ниши у карточки)",
                "The niche's key consumers (niche number at the box)",
            ),
        ),
    ]
    .map(|(s, t)| (s, t.to_string()));
    let y = legend(&mut c, &items, M, bottom + 28.0, MAP_W - M);
    let scale = match lang {
        Lang::Ru => format!("Ширина потока пропорциональна квадратному корню из его стоимости в год; самый крупный поток — {}", rub(vmax, lang)),
        Lang::En => format!("A flow's width follows the square root of its yearly value; the largest flow is {}", rub(vmax, lang)),
    };
    let scale = if omitted > 0 {
        let tags = a.niches.len().min(MAX_TAGS);
        match lang {
            Lang::Ru => format!(
                "{scale}; показаны {} крупнейших участников (по стоимости закупок и поставок, до {MAX_PER_COLUMN} в переделе) из {}, и {tags} первых ниш из {}",
                shown_ids.len(),
                a.chain.len(),
                a.niches.len()
            ),
            Lang::En => format!(
                "{scale}; the {} largest participants (by value bought and sold, up to {MAX_PER_COLUMN} per stage) of {} are shown, and the top {tags} niches of {}",
                shown_ids.len(),
                a.chain.len(),
                a.niches.len()
            ),
        }
    } else {
        scale
    };
    let end = note(&mut c, &scale, y + 4.0);
    c.h = (end + M / 2.0).max(700.0);
    c.render("functional_map", title.to_string())
}

fn draw_box(c: &mut Canvas, n: &Node) {
    let (x, w) = column(n.col);
    let (fill, border, bw) = match n.kind {
        Kind::Participant | Kind::Pass => (BLUE.tint(0.88), BLUE, 1.5),
        Kind::Import => (ORANGE.tint(0.82), ORANGE, 1.5),
        Kind::Domestic => (GREEN.tint(0.85), GREEN, 1.5),
        Kind::Niche => (VERMILLION.tint(0.9), VERMILLION, 2.5),
    };
    c.round_box((x, n.y, x + w, n.y + n.h), 6.0, fill, border, bw);
    let color = if n.kind == Kind::Niche {
        Rgb(140, 50, 0)
    } else {
        INK
    };
    let after = c.lines(
        &n.title,
        x + PAD,
        n.y + PAD,
        TITLE.0,
        TITLE.1,
        true,
        color,
        Align::Left,
    );
    c.lines(
        &n.sub,
        x + PAD,
        after,
        SUB.0,
        SUB.1,
        false,
        MUTED,
        Align::Left,
    );
}

/// A numbered vermillion disc where a niche link meets its consumer.
/// It stands just outside the box, on the side the link enters.
fn badge(c: &mut Canvas, ((x, y), right): (Pt, bool), rank: usize) {
    let r = 7.0;
    let x = if right { x + r } else { x - r };
    let circle: Vec<Pt> = (0..20)
        .map(|i| {
            let t = (i as f64 * 18.0).to_radians();
            (x + r * t.cos(), y + r * t.sin())
        })
        .collect();
    c.poly(circle, VERMILLION, 1.0);
    c.text(&rank.to_string(), (x, y), 10.0, true, WHITE, Align::Center);
}
