//! `demand_outlook`: the largest niches' demand over the years, one panel each with its own
//! scale: the history as a solid line, the trend dashed inside its shaded one-standard-error
//! band, and the plan years as marked points.

use super::axes::Scale;
use super::canvas::{wrap, Align, Canvas, Pt};
use super::frame::{header, legend, Swatch};
use super::palette::{BLUE, GREY, GRID, INK, M, MUTED, SKY, VERMILLION, W};
use super::words::tr;
use super::Chart;
use super::{axes, frame, palette};
use crate::analysis::model::ProductOutlook;
use crate::analysis::{Analysis, Niche};
use crate::error::Result;
use crate::human::{rub, Lang};

/// Panels shown: the first niches by rank.
const MAX_PANELS: usize = 6;
const COLS: usize = 2;
const PANEL_H: f64 = 300.0;

pub fn render(a: &Analysis, lang: Lang) -> Result<Chart> {
    let title = tr(
        lang,
        "Существующий и потенциальный спрос крупнейших ниш",
        "Existing and potential demand of the largest niches",
    );
    let mut c = Canvas::new(W, palette::MIN_H);
    let mut y = header(&mut c, title, &a.study.name);
    let items = vec![
        (
            Swatch::Line(BLUE, false),
            tr(lang, "Спрос по годам, руб.", "Demand by year, RUB").to_string(),
        ),
        (
            Swatch::Line(BLUE, true),
            tr(lang, "Тренд", "Trend").to_string(),
        ),
        (
            Swatch::Fill(SKY.tint(0.55)),
            tr(
                lang,
                "Полоса тренда (± одна стандартная ошибка)",
                "Trend band (± one standard error)",
            )
            .to_string(),
        ),
        (
            Swatch::Fill(VERMILLION),
            tr(
                lang,
                "По планам участников",
                "Under the participants' plans",
            )
            .to_string(),
        ),
    ];
    y = legend(&mut c, &items, M, y, W - M) + 10.0;
    let shown: Vec<&Niche> = a.niches.iter().take(MAX_PANELS).collect();
    if shown.is_empty() {
        frame::empty(
            &mut c,
            y,
            tr(
                lang,
                "Инвестиционных ниш по заданным критериям не выявлено",
                "No investment niches meet the criteria",
            ),
        );
        return c.render("demand_outlook", title.to_string());
    }
    let pw = (W - 2.0 * M - 40.0 * (COLS as f64 - 1.0)) / COLS as f64;
    for (i, n) in shown.iter().enumerate() {
        let (col, row) = (i % COLS, i / COLS);
        let x0 = M + col as f64 * (pw + 40.0);
        let y0 = y + row as f64 * (PANEL_H + 24.0);
        panel(&mut c, n, (x0, y0, x0 + pw, y0 + PANEL_H), lang);
    }
    let rows = shown.len().div_ceil(COLS);
    let mut end = y + rows as f64 * (PANEL_H + 24.0);
    if shown.len() < a.niches.len() {
        let text = match lang {
            Lang::Ru => format!("Показаны {} из {} ниш.", shown.len(), a.niches.len()),
            Lang::En => format!("{} of {} niches are shown.", shown.len(), a.niches.len()),
        };
        end = frame::note(&mut c, &text, end);
    }
    c.h = (end + M / 2.0).max(palette::MIN_H);
    c.render("demand_outlook", title.to_string())
}

/// The points of one series: (year, value).
fn points(
    rows: &[&crate::analysis::model::OutlookRow],
    f: impl Fn(&crate::analysis::model::OutlookRow) -> f64,
) -> Vec<(i64, f64)> {
    rows.iter().filter_map(|r| Some((r.year?, f(r)))).collect()
}

fn panel(c: &mut Canvas, n: &Niche, (x0, y0, x1, y1): (f64, f64, f64, f64), lang: Lang) {
    let o: &ProductOutlook = &n.need.outlook;
    let name = wrap(
        &format!("{}. {}", n.rank, n.need.product_name),
        15.0,
        true,
        x1 - x0,
        2,
    );
    let top = c.lines(&name, x0, y0, 15.0, 19.0, true, INK, Align::Left) + 8.0;
    let history: Vec<&_> = o.history.iter().collect();
    let trend: Vec<&_> = o.trend.iter().flat_map(|t| &t.projection).collect();
    let plans: Vec<&_> = o.plans.iter().collect();
    let hist = points(&history, |r| r.demand_rub);
    let all: Vec<(i64, f64)> = hist
        .iter()
        .copied()
        .chain(points(&trend, |r| r.high_rub.unwrap_or(r.demand_rub)))
        .chain(points(&plans, |r| r.demand_rub))
        .collect();
    let (label_w, bottom) = (70.0, y1 - 34.0);
    if all.is_empty() {
        frame::empty(c, top, tr(lang, "Нет данных по годам", "No yearly data"));
        return;
    }
    let first = all.iter().map(|p| p.0).min().unwrap_or(0);
    let last = all.iter().map(|p| p.0).max().unwrap_or(0).max(first + 1);
    let max = all.iter().map(|p| p.1).fold(0.0, f64::max);
    let (div, unit) = axes::money_unit(max, lang);
    let (vtop, step) = axes::nice((max / div * 1.05).max(1e-9));
    let xs = Scale {
        d0: first as f64,
        d1: last as f64,
        p0: x0 + label_w,
        p1: x1 - 16.0,
    };
    let ys = Scale {
        d0: 0.0,
        d1: vtop,
        p0: bottom,
        p1: top + 24.0,
    };
    let at = |(yr, v): (i64, f64)| -> Pt { (xs.at(yr as f64), ys.at(v / div)) };
    // Grid and value ticks.
    for (v, label) in axes::ticks(vtop, step, |v| axes::tick_text(v, lang)) {
        let py = ys.at(v);
        c.rect(xs.p0, py - 0.5, xs.p1, py + 0.5, GRID);
        c.text(&label, (xs.p0 - 8.0, py), 12.5, false, MUTED, Align::Right);
    }
    c.text(unit, (x0, top), 12.5, false, MUTED, Align::Left);
    // Year ticks: every year when few, else every few.
    let span = (last - first) as usize;
    let every = span.div_ceil(10).max(1) as i64;
    let mut yr = first;
    while yr <= last {
        let px = xs.at(yr as f64);
        c.rect(px - 0.5, bottom, px + 0.5, bottom + 5.0, GREY);
        c.text(
            &yr.to_string(),
            (px, bottom + 16.0),
            12.5,
            false,
            MUTED,
            Align::Center,
        );
        yr += every;
    }
    c.rect(xs.p0, bottom - 0.5, xs.p1, bottom + 1.0, GREY);
    // The band and the trend, from the base year.
    if let (Some(t), Some(base)) = (&o.trend, hist.last().copied()) {
        let upper: Vec<Pt> = std::iter::once(at(base))
            .chain(
                t.projection
                    .iter()
                    .filter_map(|r| Some(at((r.year?, r.high_rub?)))),
            )
            .collect();
        let lower: Vec<Pt> = std::iter::once(at(base))
            .chain(
                t.projection
                    .iter()
                    .filter_map(|r| Some(at((r.year?, r.low_rub?)))),
            )
            .collect();
        let band: Vec<Pt> = upper
            .iter()
            .copied()
            .chain(lower.iter().rev().copied())
            .collect();
        c.poly(band, SKY, 0.3);
        let line: Vec<Pt> = std::iter::once(at(base))
            .chain(
                t.projection
                    .iter()
                    .filter_map(|r| Some(at((r.year?, r.demand_rub)))),
            )
            .collect();
        c.dashed(&line, BLUE, 2.5, 8.0, 5.0);
        if let Some(end) = t.projection.last() {
            let p = at((end.year.unwrap_or(last), end.demand_rub));
            c.text(
                &rub(end.demand_rub, lang),
                (p.0 - 4.0, p.1 - 14.0),
                12.5,
                false,
                BLUE,
                Align::Right,
            );
        }
    }
    // The history.
    let hp: Vec<Pt> = hist.iter().map(|p| at(*p)).collect();
    c.line(hp.clone(), BLUE, 3.0);
    for p in &hp {
        c.rect(p.0 - 3.0, p.1 - 3.0, p.0 + 3.0, p.1 + 3.0, BLUE);
    }
    // Plan points: diamonds.
    for r in &plans {
        let Some(year) = r.year else { continue };
        let p = at((year, r.demand_rub));
        let d = 7.0;
        c.poly(
            vec![
                (p.0, p.1 - d),
                (p.0 + d, p.1),
                (p.0, p.1 + d),
                (p.0 - d, p.1),
            ],
            VERMILLION,
            1.0,
        );
    }
    if let Some(p) = o.last_plan() {
        let year = p.year.unwrap_or(last);
        let pt = at((year, p.demand_rub));
        // Above the diamond when the plan is above the trend that year, else below it, centred,
        // so the label crosses neither the trend line nor the previous plan's diamond.
        let trend_here = o.trend.as_ref().and_then(|t| {
            t.projection
                .iter()
                .find(|r| r.year == Some(year))
                .map(|r| r.demand_rub)
        });
        let above = trend_here.is_none_or(|v| p.demand_rub >= v);
        let dy = if above { -14.0 } else { 22.0 };
        c.text(
            &rub(p.demand_rub, lang),
            (pt.0, pt.1 + dy),
            12.5,
            false,
            VERMILLION,
            Align::Center,
        );
    }
}
