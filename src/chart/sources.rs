//! `demand_sources`: where each product's demand is met — import, Russian suppliers outside
//! the cluster, the cluster itself — as 100 % stacked bars, largest demand first, with the
//! niche import threshold as a dashed line.

use super::axes::Scale;
use super::canvas::{text_width, wrap, Align, Canvas, Rgb};
use super::frame::{header, legend, note, Swatch};
use super::hidden::pct_tick;
use super::palette::{BLUE, GREEN, GRID, INK, M, MUTED, ORANGE, W, WHITE};
use super::words::{stage_short, tr};
use super::Chart;
use super::{axes, frame, palette};
use crate::analysis::{Analysis, Need};
use crate::error::Result;
use crate::human::{pct, rub, Lang};

/// At most this many products; the rest are named in a note.
const MAX_ROWS: usize = 12;

pub fn render(a: &Analysis, lang: Lang) -> Result<Chart> {
    let title = tr(
        lang,
        "Источники покрытия спроса участников кластера",
        "Where the cluster's demand is met",
    );
    let mut c = Canvas::new(W, palette::MIN_H);
    let mut y = header(&mut c, title, &a.study.name);
    let parts: [(&str, Rgb, Rgb); 3] = [
        (tr(lang, "Импорт", "Imports"), ORANGE, INK),
        (
            tr(
                lang,
                "Российские поставщики вне кластера",
                "Russian suppliers outside the cluster",
            ),
            GREEN,
            WHITE,
        ),
        (
            tr(lang, "Участники кластера", "Cluster participants"),
            BLUE,
            WHITE,
        ),
    ];
    let mut items: Vec<(Swatch, String)> = parts
        .iter()
        .map(|(t, col, _)| (Swatch::Fill(*col), t.to_string()))
        .collect();
    items.push((
        Swatch::Line(INK, true),
        tr(
            lang,
            "Порог доли импорта для ниши",
            "Import share threshold for a niche",
        )
        .to_string(),
    ));
    y = legend(&mut c, &items, M, y, W - M) + 8.0;
    let mut needs: Vec<&Need> = a.needs.iter().collect();
    needs.sort_by(|x, y| {
        y.demand_rub
            .total_cmp(&x.demand_rub)
            .then_with(|| x.product.cmp(&y.product))
    });
    if needs.is_empty() {
        frame::empty(
            &mut c,
            y,
            tr(lang, "Потребностей не найдено", "No needs found"),
        );
        return c.render("demand_sources", title.to_string());
    }
    let hidden = needs.len().saturating_sub(MAX_ROWS);
    needs.truncate(MAX_ROWS);

    let (label_w, row_h, bar_h) = (380.0, 58.0, 30.0);
    let s = Scale {
        d0: 0.0,
        d1: 100.0,
        p0: M + label_w + 24.0,
        p1: W - M - 20.0,
    };
    let plot_top = y + 30.0;
    let plot_bottom = plot_top + row_h * needs.len() as f64;
    let ticks = axes::ticks(100.0, 20.0, |v| pct_tick(v, lang));
    let axis = tr(
        lang,
        "Доля в стоимости спроса, %",
        "Share of demand value, %",
    );
    let below = axes::x_axis(&mut c, s, &ticks, (plot_top, plot_bottom), axis);
    for (i, n) in needs.iter().enumerate() {
        let mid = plot_top + row_h * (i as f64 + 0.5);
        let name = if n.is_niche {
            format!("★ {}", n.product_name)
        } else {
            n.product_name.clone()
        };
        let lines = wrap(&name, 14.0, n.is_niche, label_w, 2);
        let sub = format!(
            "{} · {}",
            stage_short(n.stage, lang),
            rub(n.demand_rub, lang)
        );
        let block = 18.0 * lines.len() as f64 + 16.0;
        let lx = M + label_w;
        let after = c.lines(
            &lines,
            lx,
            mid - block / 2.0,
            14.0,
            18.0,
            n.is_niche,
            INK,
            Align::Right,
        );
        c.text(&sub, (lx, after + 8.0), 12.5, false, MUTED, Align::Right);
        let (y0, y1) = (mid - bar_h / 2.0, mid + bar_h / 2.0);
        if n.demand_rub <= 0.0 {
            c.frame(s.p0, y0, s.p1, y1, GRID, 1.0);
            continue;
        }
        let mut x = 0.0;
        for (share, (_, col, text_col)) in [n.import_share, n.domestic_share, n.cluster_share]
            .into_iter()
            .zip(parts.iter())
        {
            let v = (share * 100.0).clamp(0.0, 100.0 - x);
            let (xa, xb) = (s.at(x), s.at(x + v));
            c.rect(xa, y0, xb, y1, *col);
            let label = pct(share, lang);
            if xb - xa >= text_width(&label, 13.0, true) + 10.0 {
                c.text(
                    &label,
                    ((xa + xb) / 2.0, mid),
                    13.0,
                    true,
                    *text_col,
                    Align::Center,
                );
            }
            x += v;
        }
    }
    // The threshold line over every bar, labelled above.
    let thr = a.study.criteria.import_share_min;
    let tx = s.at(thr * 100.0);
    c.dashed(
        &[(tx, plot_top - 8.0), (tx, plot_bottom)],
        INK,
        2.0,
        7.0,
        5.0,
    );
    let label = format!("{} {}", tr(lang, "порог", "threshold"), pct(thr, lang));
    c.text(
        &label,
        (tx, plot_top - 18.0),
        13.0,
        true,
        INK,
        Align::Center,
    );

    let mut text = tr(
        lang,
        "★ — инвестиционная ниша. Под названием — передел и стоимость спроса в год.",
        "★ — an investment niche. Under each name: the stage and the yearly demand value.",
    )
    .to_string();
    if hidden > 0 {
        text.push_str(&match lang {
            Lang::Ru => {
                format!(" Показаны {MAX_ROWS} крупнейших потребностей; ещё {hidden} не показаны.")
            }
            Lang::En => format!(" The {MAX_ROWS} largest needs are shown; {hidden} more are not."),
        });
    }
    let end = note(&mut c, &text, below + 4.0);
    c.h = (end + M / 2.0).max(palette::MIN_H);
    c.render("demand_sources", title.to_string())
}
