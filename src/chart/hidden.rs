//! `hidden_imports`: the direct and the total (Leontief) import share of each final producer,
//! as paired horizontal bars, the most dependent first.

use super::axes::Scale;
use super::canvas::{wrap, Align, Canvas};
use super::frame::{header, legend, note, Swatch};
use super::palette::{INK, M, SKY, VERMILLION, W};
use super::words::tr;
use super::Chart;
use super::{axes, frame, palette};
use crate::analysis::{Analysis, ImportContent};
use crate::error::Result;
use crate::human::{pct1, Lang};
use crate::study::Role;
use std::collections::BTreeMap;

/// At most this many producers, the most dependent first.
const MAX_ROWS: usize = 20;

/// A percentage axis tick: «20 %» / «20%».
pub fn pct_tick(v: f64, lang: Lang) -> String {
    let n = axes::tick_text(v, lang);
    match lang {
        Lang::Ru => format!("{n} %"),
        Lang::En => format!("{n}%"),
    }
}

pub fn render(a: &Analysis, lang: Lang) -> Result<Chart> {
    let title = tr(
        lang,
        "Скрытая импортозависимость производителей конечной продукции",
        "Hidden import dependence of final producers",
    );
    let roles: BTreeMap<&str, Role> = a.chain.iter().map(|m| (m.id.as_str(), m.role)).collect();
    let mut rows: Vec<&ImportContent> = a
        .import_content
        .iter()
        .filter(|r| roles.get(r.participant.as_str()) == Some(&Role::FinalProducer))
        .collect();
    rows.sort_by(|x, y| {
        y.total_import_share
            .total_cmp(&x.total_import_share)
            .then_with(|| x.name.cmp(&y.name))
    });

    let mut c = Canvas::new(W, palette::MIN_H);
    let mut y = header(&mut c, title, &a.study.name);
    let items = [
        (
            Swatch::Fill(SKY),
            tr(
                lang,
                "Прямая доля импорта (собственные импортные закупки)",
                "Direct import share (own imported purchases)",
            )
            .to_string(),
        ),
        (
            Swatch::Fill(VERMILLION),
            tr(
                lang,
                "Полная доля импорта (с импортом в поставках участников по всей цепочке)",
                "Total import share (with the imports in other participants' supplies)",
            )
            .to_string(),
        ),
    ];
    y = legend(&mut c, &items, M, y, W - M) + 12.0;
    if rows.is_empty() {
        frame::empty(
            &mut c,
            y,
            tr(
                lang,
                "В кластере нет производителей конечной продукции",
                "The cluster has no final producers",
            ),
        );
        return c.render("hidden_imports", title.to_string());
    }

    let total = rows.len();
    rows.truncate(MAX_ROWS);
    let (label_w, row_h, bar_h) = (340.0, 70.0, 22.0);
    let max = rows
        .iter()
        .map(|r| r.total_import_share.max(r.direct_import_share))
        .fold(0.0, f64::max)
        * 100.0;
    let (top, step) = axes::nice(if max > 0.0 {
        (max * 1.08).max(1.0)
    } else {
        10.0
    });
    let s = Scale {
        d0: 0.0,
        d1: top,
        p0: M + label_w + 24.0,
        p1: W - M - 80.0,
    };
    let plot_top = y;
    let plot_bottom = y + row_h * rows.len() as f64;
    let ticks = axes::ticks(top, step, |v| pct_tick(v, lang));
    let axis_title = tr(
        lang,
        "Доля импорта в стоимости выпуска, %",
        "Import share of output value, %",
    );
    let below = axes::x_axis(&mut c, s, &ticks, (plot_top, plot_bottom), axis_title);
    let estimated = rows.iter().any(|r| r.estimated_output);
    for (i, r) in rows.iter().enumerate() {
        let mid = plot_top + row_h * (i as f64 + 0.5);
        let name = if r.estimated_output {
            format!("{}*", r.name)
        } else {
            r.name.clone()
        };
        let lines = wrap(&name, 15.0, false, label_w, 3);
        let lh = 19.0;
        let ltop = mid - lh * lines.len() as f64 / 2.0;
        c.lines(
            &lines,
            M + label_w,
            ltop,
            15.0,
            lh,
            false,
            INK,
            Align::Right,
        );
        for (k, (v, col)) in [
            (r.direct_import_share, SKY),
            (r.total_import_share, VERMILLION),
        ]
        .into_iter()
        .enumerate()
        {
            let y0 = mid - bar_h - 1.0 + k as f64 * (bar_h + 2.0);
            let x1 = s.at(v * 100.0);
            c.rect(s.p0, y0, x1.max(s.p0 + 1.0), y0 + bar_h, col);
            let mut label = pct1(v, lang);
            let hidden = (r.total_import_share - r.direct_import_share) * 100.0;
            if k == 1 && hidden >= 0.05 {
                let pp = format!("{:.1}", hidden);
                label = match lang {
                    Lang::Ru => format!(
                        "{label} (+{} п. п. через поставщиков)",
                        pp.replace('.', ",")
                    ),
                    Lang::En => format!("{label} (+{pp} pp via suppliers)"),
                };
            }
            c.text(
                &label,
                (x1 + 6.0, y0 + bar_h / 2.0),
                13.0,
                false,
                INK,
                Align::Left,
            );
        }
    }
    let mut text = tr(
        lang,
        "Полная доля — мультипликатор Леонтьева: импорт, пришедший через поставщиков-участников, добавляется к собственному.",
        "The total share is the Leontief multiplier: imports that arrive through supplying participants are added to the producer's own.",
    )
    .to_string();
    if total > MAX_ROWS {
        text.push_str(&match lang {
            Lang::Ru => format!(" Показаны {MAX_ROWS} наиболее зависимых из {total}."),
            Lang::En => format!(" The {MAX_ROWS} most dependent of {total} are shown."),
        });
    }
    if estimated {
        text.push(' ');
        text.push_str(tr(
            lang,
            "* Выпуск оценён по закупкам.",
            "* Output estimated from purchases.",
        ));
    }
    let end = note(&mut c, &text, below + 6.0);
    c.h = (end + M / 2.0).max(palette::MIN_H);
    c.render("hidden_imports", title.to_string())
}
