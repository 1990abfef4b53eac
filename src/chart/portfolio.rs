//! The portfolio's two charts: the shared niches' combined addressable demand stacked by
//! cluster, and the supply matches as a small cluster-to-cluster map (who could supply whom).

use super::axes::Scale;
use super::canvas::{text_width, wrap, Align, Canvas, Rgb};
use super::frame::{header, legend, Swatch};
use super::palette::{BLUE, GREEN, INK, M, MUTED, ORANGE, PURPLE, SKY, VERMILLION, W};
use super::words::tr;
use super::Chart;
use super::{axes, canvas, frame, palette};
use crate::analysis::portfolio::Portfolio;
use crate::error::Result;
use crate::human::{rub, Lang};
use std::collections::BTreeMap;

/// At most this many shared niches, the largest first.
const MAX_ROWS: usize = 15;
/// The least height of the portfolio's charts (lower than a study's: few rows are common).
const MIN_H: f64 = 320.0;

/// A colour per study, in the order of the portfolio's studies (Okabe–Ito; lighter tints once
/// the six colours are used up).
fn study_color(i: usize) -> Rgb {
    const BASE: [Rgb; 6] = [BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILLION];
    let round = (i / BASE.len()) as f64;
    BASE[i % BASE.len()].tint((0.35 * round).min(0.7))
}

fn subtitle(p: &Portfolio, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("Кластеров в портфеле: {}", p.studies.len()),
        Lang::En => format!("Clusters in the portfolio: {}", p.studies.len()),
    }
}

/// The studies' names by id, and each study's colour by id.
fn studies(p: &Portfolio) -> (BTreeMap<&str, &str>, BTreeMap<&str, Rgb>) {
    let names = p
        .studies
        .iter()
        .map(|(id, name, _)| (id.as_str(), name.as_str()))
        .collect();
    let colors = p
        .studies
        .iter()
        .enumerate()
        .map(|(i, (id, _, _))| (id.as_str(), study_color(i)))
        .collect();
    (names, colors)
}

pub fn demand(p: &Portfolio, lang: Lang) -> Result<Chart> {
    let title = tr(
        lang,
        "Общие ниши кластеров: совокупный адресуемый спрос",
        "Niches shared by clusters: combined addressable demand",
    );
    let mut c = Canvas::new(W, MIN_H);
    let mut y = header(&mut c, title, &subtitle(p, lang));
    let (_, colors) = studies(p);
    if p.shared.is_empty() {
        frame::empty(
            &mut c,
            y + 20.0,
            tr(
                lang,
                "Ни одна ниша не встречается в двух кластерах и более",
                "No niche appears in two or more clusters",
            ),
        );
        return c.render("shared_niches", title.to_string());
    }
    let shown = &p.shared[..p.shared.len().min(MAX_ROWS)];
    // The legend names only the clusters that appear in the bars.
    let items: Vec<(Swatch, String)> = p
        .studies
        .iter()
        .filter(|(id, _, _)| shown.iter().any(|s| s.studies.contains(id)))
        .map(|(id, name, _)| (Swatch::Fill(colors[id.as_str()]), name.clone()))
        .collect();
    y = legend(&mut c, &items, M, y, W - M) + 14.0;
    let (label_w, row_h, bar_h) = (380.0, 64.0, 30.0);
    let max = shown.iter().map(|s| s.addressable_rub).fold(0.0, f64::max);
    let (div, unit) = axes::money_unit(max, lang);
    let (top, step) = axes::nice((max / div * 1.02).max(1e-9));
    let s = Scale {
        d0: 0.0,
        d1: top,
        p0: M + label_w + 24.0,
        p1: W - M - 170.0,
    };
    let bottom = y + row_h * shown.len() as f64;
    let ticks = axes::ticks(top, step, |v| axes::tick_text(v, lang));
    let axis = format!(
        "{}, {unit}",
        tr(
            lang,
            "Адресуемый спрос в год",
            "Addressable demand per year"
        )
    );
    let below = axes::x_axis(&mut c, s, &ticks, (y, bottom), &axis);
    for (i, sh) in shown.iter().enumerate() {
        let mid = y + row_h * (i as f64 + 0.5);
        let label = wrap(&sh.product_name, 15.0, true, label_w, 2);
        let sub = match (code(&sh.key), lang) {
            (Some(k), Lang::Ru) => format!("код {k} · кластеров: {}", sh.studies.len()),
            (Some(k), Lang::En) => format!("code {k} · clusters: {}", sh.studies.len()),
            (None, Lang::Ru) => format!("кластеров: {}", sh.studies.len()),
            (None, Lang::En) => format!("clusters: {}", sh.studies.len()),
        };
        let block = 19.0 * label.len() as f64 + 17.0;
        let after = c.lines(
            &label,
            M + label_w,
            mid - block / 2.0,
            15.0,
            19.0,
            true,
            INK,
            Align::Right,
        );
        c.text(
            &sub,
            (M + label_w, after + 8.5),
            13.0,
            false,
            MUTED,
            Align::Right,
        );
        let mut acc = 0.0;
        for (study, v) in &sh.by_study {
            let (x0, x1) = (s.at(acc / div), s.at((acc + v) / div));
            let col = colors.get(study.as_str()).copied().unwrap_or(palette::GREY);
            c.rect(
                x0,
                mid - bar_h / 2.0,
                x1.max(x0 + 1.0),
                mid + bar_h / 2.0,
                col,
            );
            acc += v;
        }
        c.text(
            &rub(sh.addressable_rub, lang),
            (s.at(acc / div) + 8.0, mid),
            14.0,
            true,
            INK,
            Align::Left,
        );
    }
    let mut end = below;
    if shown.len() < p.shared.len() {
        let text = match lang {
            Lang::Ru => format!("Показаны {} из {} общих ниш.", shown.len(), p.shared.len()),
            Lang::En => format!(
                "{} of {} shared niches are shown.",
                shown.len(),
                p.shared.len()
            ),
        };
        end = frame::note(&mut c, &text, below + 4.0);
    }
    // As tall as the rows need: a portfolio often shares only a few niches.
    c.h = (end + M / 2.0).max(MIN_H);
    c.render("shared_niches", title.to_string())
}

/// The code of a key, when the key is a classification code (not `id:`).
pub fn code(key: &str) -> Option<&str> {
    (!key.starts_with("id:")).then_some(key)
}

/// A supplying cluster, a buying cluster and the niches of the buyer that the supplier's
/// participants already make (names in rank order, without repeats).
struct Link<'a> {
    from: &'a str,
    to: &'a str,
    niches: Vec<&'a str>,
}

fn links(p: &Portfolio) -> Vec<Link<'_>> {
    let mut by: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
    for m in &p.matches {
        let list = by
            .entry((m.supplier_study.as_str(), m.study.as_str()))
            .or_default();
        if !list.contains(&m.product_name.as_str()) {
            list.push(&m.product_name);
        }
    }
    by.into_iter()
        .map(|((from, to), niches)| Link { from, to, niches })
        .collect()
}

pub fn map(p: &Portfolio, lang: Lang) -> Result<Chart> {
    let title = tr(
        lang,
        "Кооперация между кластерами: кто может поставлять продукцию ниш",
        "Cooperation between clusters: who could supply the niches",
    );
    let mut c = Canvas::new(W, MIN_H);
    let y = header(&mut c, title, &subtitle(p, lang));
    let (names, colors) = studies(p);
    let links = links(p);
    if links.is_empty() {
        frame::empty(
            &mut c,
            y + 20.0,
            tr(
                lang,
                "Участники других кластеров не поставляют продукцию ниш",
                "No participant of another cluster supplies a niche's product",
            ),
        );
        return c.render("supply_matches", title.to_string());
    }
    // Suppliers on the left, buyers (the clusters with the niche) on the right, by id.
    let mut left: Vec<&str> = links.iter().map(|l| l.from).collect();
    let mut right: Vec<&str> = links.iter().map(|l| l.to).collect();
    for side in [&mut left, &mut right] {
        side.sort_unstable();
        side.dedup();
    }
    let (box_w, box_h, gap) = (330.0, 74.0, 26.0);
    let (lx, rx) = (M, W - M - box_w);
    let head = y + 8.0;
    c.text(
        tr(lang, "Кластер-поставщик", "Supplying cluster"),
        (lx + box_w / 2.0, head + 10.0),
        15.0,
        true,
        INK,
        Align::Center,
    );
    c.text(
        tr(lang, "Кластер с нишей", "Cluster with the niche"),
        (rx + box_w / 2.0, head + 10.0),
        15.0,
        true,
        INK,
        Align::Center,
    );
    let top = head + 36.0;
    let rows = left.len().max(right.len()) as f64;
    let height = rows * (box_h + gap);
    let place = |side: &[&str], i: usize| {
        let off = (height - side.len() as f64 * (box_h + gap)) / 2.0;
        top + off + i as f64 * (box_h + gap)
    };
    let pos = |side: &[&str], id: &str| {
        side.iter()
            .position(|s| *s == id)
            .map(|i| place(side, i) + box_h / 2.0)
            .unwrap_or(top)
    };
    // Links first, under the boxes; each a curve in its supplier's colour with its niches.
    let most = links.iter().map(|l| l.niches.len()).max().unwrap_or(1) as f64;
    for (k, l) in links.iter().enumerate() {
        let (y0, y1) = (pos(&left, l.from), pos(&right, l.to));
        let (x0, x1) = (lx + box_w, rx);
        let col = colors.get(l.from).copied().unwrap_or(palette::GREY);
        let width = 2.0 + 8.0 * l.niches.len() as f64 / most;
        let dx = (x1 - x0) * 0.45;
        let pts = canvas::bezier((x0, y0), (x0 + dx, y0), (x1 - dx, y1), (x1, y1), 40);
        c.line(pts, col.tint(0.25), width);
        // The arrowhead at the buyer.
        c.poly(
            vec![(x1, y1), (x1 - 14.0, y1 - 8.0), (x1 - 14.0, y1 + 8.0)],
            col,
            1.0,
        );
        let shown: Vec<&str> = l.niches.iter().take(2).copied().collect();
        let mut text = shown.join(", ");
        if l.niches.len() > shown.len() {
            text += &match lang {
                Lang::Ru => format!(" и ещё {}", l.niches.len() - shown.len()),
                Lang::En => format!(" and {} more", l.niches.len() - shown.len()),
            };
        }
        let lines = wrap(&text, 13.0, false, x1 - x0 - 120.0, 2);
        // Labels stand at the curve's middle, nudged apart when several links cross there.
        let my = (y0 + y1) / 2.0 + (k % 2) as f64 * 4.0;
        let tw = lines
            .iter()
            .map(|l| text_width(l, 13.0, false))
            .fold(0.0, f64::max);
        let mx = (x0 + x1) / 2.0;
        let th = 17.0 * lines.len() as f64;
        c.rect_a(
            mx - tw / 2.0 - 6.0,
            my - th / 2.0 - 3.0,
            mx + tw / 2.0 + 6.0,
            my + th / 2.0 + 3.0,
            palette::WHITE,
            0.9,
        );
        c.lines(
            &lines,
            mx,
            my - th / 2.0,
            13.0,
            17.0,
            false,
            INK,
            Align::Center,
        );
    }
    for (side, x) in [(&left, lx), (&right, rx)] {
        for (i, id) in side.iter().enumerate() {
            let y0 = place(side, i);
            let col = colors.get(id).copied().unwrap_or(palette::GREY);
            c.round_box(
                (x, y0, x + box_w, y0 + box_h),
                6.0,
                col.tint(0.85),
                col,
                2.0,
            );
            let name = names.get(id).copied().unwrap_or(id);
            let lines = wrap(name, 14.0, true, box_w - 20.0, 3);
            let th = 18.0 * lines.len() as f64;
            c.lines(
                &lines,
                x + 10.0,
                y0 + (box_h - th) / 2.0,
                14.0,
                18.0,
                true,
                INK,
                Align::Left,
            );
        }
    }
    let note = tr(
        lang,
        "Линия ведёт от кластера, участники которого уже поставляют продукцию, к кластеру, где она — инвестиционная ниша; подписаны ниши, толщина — их число.",
        "A line runs from the cluster whose participants already supply a product to the cluster where it is an investment niche; labels name the niches, width follows their number.",
    );
    let end = frame::note(&mut c, note, top + height + 10.0);
    c.h = (end + M / 2.0).max(MIN_H);
    c.render("supply_matches", title.to_string())
}

#[cfg(test)]
mod tests;
