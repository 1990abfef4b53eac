//! `compliance`: each requirement of Decree No. 779 as a bar of its value in per cent of its
//! threshold, with the threshold at 100 % and pass / fail / unknown colours and labels.

use super::axes::Scale;
use super::canvas::{wrap, Align, Canvas, Rgb};
use super::frame::{header, legend, note, Swatch};
use super::hidden::pct_tick;
use super::palette::{GREEN, GREY, INK, M, MUTED, VERMILLION, W};
use super::words::tr;
use super::Chart;
use super::{axes, canvas, frame, palette};
use crate::analysis::compliance::{Criterion, Measured, Threshold};
use crate::analysis::{Analysis, Status};
use crate::error::Result;
use crate::human::{pct, Lang};
use crate::study::Role;

/// The bar axis ends at this many times the threshold.
const CAP: f64 = 2.0;

struct Row {
    label: String,
    /// Value / threshold; `None` when unknown.
    ratio: Option<f64>,
    status: Status,
    value: String,
    extra: Option<String>,
}

fn status_color(s: Status) -> Rgb {
    match s {
        Status::Pass => GREEN,
        Status::Fail => VERMILLION,
        Status::Unknown => GREY,
    }
}

fn status_text(s: Status, lang: Lang) -> &'static str {
    match s {
        Status::Pass => tr(lang, "✓ соответствует", "✓ pass"),
        Status::Fail => tr(lang, "✗ не соответствует", "✗ fail"),
        Status::Unknown => tr(lang, "? недостаточно данных", "? unknown"),
    }
}

fn ratio(v: f64, t: f64) -> f64 {
    if t > 0.0 {
        v / t
    } else if v > 0.0 {
        CAP
    } else {
        1.0
    }
}

fn versus(v: String, t: String, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("{v} при пороге ≥ {t}"),
        Lang::En => format!("{v}, threshold ≥ {t}"),
    }
}

fn rows(a: &Analysis, lang: Lang) -> Vec<Row> {
    let count = |r: Role| a.chain.iter().filter(|m| m.role == r).count() as u64;
    let (n_ind, n_fin) = (count(Role::Industrial), count(Role::FinalProducer));
    let th = &a.compliance.thresholds;
    let mut out = Vec::new();
    for c in &a.compliance.criteria {
        let mut row = Row {
            label: String::new(),
            ratio: None,
            status: c.status,
            value: "—".into(),
            extra: None,
        };
        match c.id {
            "cooperation" => {
                out.extend(cooperation(c, th, (n_ind, n_fin), lang));
                continue;
            }
            "supplier_share_each" => {
                row.label = match lang {
                    Lang::Ru => format!(
                        "Промышленные участники, поставляющие другим участникам не менее {} своей продукции",
                        pct(th.supplier_share_min, lang)
                    ),
                    Lang::En => format!(
                        "Industrial participants supplying at least {} of their output to other participants",
                        pct(th.supplier_share_min, lang)
                    ),
                };
                if let Measured::Below(below) = c.value {
                    let ok = n_ind.saturating_sub(below);
                    row.ratio = Some(if n_ind > 0 {
                        ok as f64 / n_ind as f64
                    } else {
                        1.0
                    });
                    row.value = match lang {
                        Lang::Ru => format!("{ok} из {n_ind}; требуются все"),
                        Lang::En => format!("{ok} of {n_ind}; all required"),
                    };
                }
            }
            "governance" | "hp_jobs" => {
                row.label = if c.id == "governance" {
                    tr(
                        lang,
                        "Доля участников в органах управления специализированной организации",
                        "Share of participants in the specialised organisation's governing bodies",
                    )
                } else {
                    tr(
                        lang,
                        "Доля высокопроизводительных рабочих мест",
                        "Share of high-productivity jobs",
                    )
                }
                .to_string();
                if let (Measured::Share(v), Threshold::ShareAtLeast(t)) = (&c.value, &c.threshold) {
                    row.ratio = Some(ratio(*v, *t));
                    row.value = versus(pct(*v, lang), pct(*t, lang), lang);
                }
            }
            id => {
                row.label = count_label(id, lang);
                if let (Measured::Count(v), Threshold::AtLeast(t)) = (&c.value, &c.threshold) {
                    row.ratio = Some(ratio(*v as f64, *t as f64));
                    row.value = versus(v.to_string(), t.to_string(), lang);
                }
            }
        }
        out.push(row);
    }
    out
}

fn count_label(id: &str, lang: Lang) -> String {
    match id {
        "industrial_count" => tr(
            lang,
            "Промышленные предприятия, включая производителей конечной продукции",
            "Industrial enterprises, final producers included",
        ),
        "final_producer" => tr(lang, "Производители конечной продукции", "Final producers"),
        "education" => tr(
            lang,
            "Учреждения высшего или среднего профессионального образования",
            "Higher or vocational education institutions",
        ),
        "infrastructure_objects" => tr(
            lang,
            "Объекты технологической или промышленной инфраструктуры",
            "Technological or industrial infrastructure objects",
        ),
        other => return other.to_string(),
    }
    .to_string()
}

/// Cooperation's two options as two rows.
fn cooperation(
    c: &Criterion,
    th: &crate::study::ComplianceThresholds,
    (n_ind, n_fin): (u64, u64),
    lang: Lang,
) -> Vec<Row> {
    let (min, below_max) = match c.threshold {
        Threshold::Cooperation {
            share_min,
            below_max,
        } => (share_min, below_max),
        _ => (th.cooperation_share_min, th.cooperation_below_max),
    };
    let shares = c.value.cooperation();
    let options = [
        (
            shares.map(|s| (s.a, s.a_below, s.a_pass)),
            n_ind,
            tr(
                lang,
                "Кооперация, вариант A: доля продукции промышленных участников, поставляемой внутри кластера",
                "Cooperation, option A: share of industrial participants' output sold inside the cluster",
            ),
        ),
        (
            shares.map(|s| (s.b, s.b_below, s.b_pass)),
            n_fin,
            tr(
                lang,
                "Кооперация, вариант B: доля закупок производителей конечной продукции внутри кластера",
                "Cooperation, option B: share of final producers' purchases made inside the cluster",
            ),
        ),
    ];
    options
        .into_iter()
        .map(|(option, n, label)| {
            let (v, below, pass) = option.unwrap_or((None, 0, false));
            Row {
                label: label.to_string(),
                ratio: v.map(|v| ratio(v, min)),
                status: match (v, pass) {
                    (None, _) => Status::Unknown,
                    (Some(_), true) => Status::Pass,
                    (Some(_), false) => Status::Fail,
                },
                value: v
                    .map(|v| versus(pct(v, lang), pct(min, lang), lang))
                    .unwrap_or_else(|| "—".into()),
                extra: v.map(|_| match lang {
                    Lang::Ru => format!(
                        "ниже порога {below} из {n} участников (допустимо не более {})",
                        pct(below_max, lang)
                    ),
                    Lang::En => format!(
                        "{below} of {n} participants below it (at most {} allowed)",
                        pct(below_max, lang)
                    ),
                }),
            }
        })
        .collect()
}

pub fn render(a: &Analysis, lang: Lang) -> Result<Chart> {
    let title = tr(
        lang,
        "Соответствие требованиям к промышленным кластерам (ПП РФ № 779)",
        "Registry requirements for industrial clusters (Decree No. 779)",
    );
    let mut c = Canvas::new(W, palette::MIN_H);
    let mut y = header(&mut c, title, &a.study.name);
    let overall = a.compliance.overall;
    let head = format!(
        "{}: {}",
        tr(lang, "Итог", "Overall"),
        status_text(overall, lang)
    );
    c.text(
        &head,
        (M, y + 8.0),
        17.0,
        true,
        status_color(overall),
        Align::Left,
    );
    y += 30.0;
    let items = [
        (Swatch::Fill(GREEN), tr(lang, "соответствует", "pass")),
        (
            Swatch::Fill(VERMILLION),
            tr(lang, "не соответствует", "fail"),
        ),
        (
            Swatch::Hatch(GREY),
            tr(lang, "недостаточно данных", "unknown"),
        ),
        (
            Swatch::Line(INK, false),
            tr(lang, "порог (100 %)", "threshold (100%)"),
        ),
    ]
    .map(|(s, t)| (s, t.to_string()));
    y = legend(&mut c, &items, M, y, W - M) + 8.0;

    let rows = rows(a, lang);
    if rows.is_empty() {
        c.h = palette::MIN_H;
        frame::empty(
            &mut c,
            y,
            tr(
                lang,
                "Требования не проверялись",
                "No requirement was checked",
            ),
        );
        return c.render("compliance", title.to_string());
    }
    let (label_w, text_x) = (420.0, 1000.0);
    let s = Scale {
        d0: 0.0,
        d1: CAP * 100.0,
        p0: M + label_w + 24.0,
        p1: text_x - 36.0,
    };
    let text_w = W - M - text_x;
    // Row layouts first: heights depend on the wrapped text.
    let laid: Vec<(Vec<String>, Vec<String>, f64)> = rows
        .iter()
        .map(|r| {
            let label = wrap(&r.label, 14.0, false, label_w, 3);
            let extra = r
                .extra
                .as_deref()
                .map(|e| wrap(e, 12.5, false, text_w, 2))
                .unwrap_or_default();
            let text_h = 18.0 + 16.0 * extra.len() as f64 + 18.0;
            let h = (18.0 * label.len() as f64).max(text_h) + 18.0;
            (label, extra, h)
        })
        .collect();
    let plot_top = y + 26.0;
    let plot_bottom = plot_top + laid.iter().map(|l| l.2).sum::<f64>();
    let mut ry = plot_top;
    for (i, (_, _, h)) in laid.iter().enumerate() {
        if i % 2 == 0 {
            c.rect(M - 8.0, ry, W - M + 8.0, ry + h, Rgb(246, 246, 246));
        }
        ry += h;
    }
    let ticks = axes::ticks(CAP * 100.0, 50.0, |v| pct_tick(v, lang));
    let axis = tr(
        lang,
        "Значение в % от порогового",
        "Value as % of the threshold",
    );
    let below = axes::x_axis(&mut c, s, &ticks, (plot_top, plot_bottom), axis);
    let mut ry = plot_top;
    for (r, (label, extra, h)) in rows.iter().zip(&laid) {
        let mid = ry + h / 2.0;
        let lt = mid - 9.0 * label.len() as f64;
        c.lines(label, M, lt, 14.0, 18.0, false, INK, Align::Left);
        let col = status_color(r.status);
        let (y0, y1) = (mid - 12.0, mid + 12.0);
        match r.ratio {
            Some(q) => {
                let x1 = s.at(q * 100.0);
                c.rect(s.p0, y0, x1.max(s.p0 + 2.0), y1, col);
                if q > CAP {
                    c.poly(
                        vec![(s.p1, y0 - 4.0), (s.p1 + 14.0, mid), (s.p1, y1 + 4.0)],
                        col,
                        1.0,
                    );
                }
            }
            None => {
                let x1 = s.at(100.0);
                c.rect(s.p0, y0, x1, y1, GREY.tint(0.8));
                canvas::hatch(&mut c, (s.p0, y0, x1, y1), GREY, 7.0, 1.5);
                let t = tr(lang, "нет данных", "no data");
                let tw = super::canvas::text_width(t, 13.0, true) / 2.0 + 6.0;
                let cx = (s.p0 + x1) / 2.0;
                c.rect(
                    cx - tw,
                    mid - 9.0,
                    cx + tw,
                    mid + 9.0,
                    super::palette::WHITE,
                );
                c.text(t, ((s.p0 + x1) / 2.0, mid), 13.0, true, INK, Align::Center);
            }
        }
        let tt = mid - (36.0 + 16.0 * extra.len() as f64) / 2.0;
        c.text(&r.value, (text_x, tt + 9.0), 14.0, false, INK, Align::Left);
        let after = c.lines(
            extra,
            text_x,
            tt + 18.0,
            12.5,
            16.0,
            false,
            MUTED,
            Align::Left,
        );
        c.text(
            status_text(r.status, lang),
            (text_x, after + 9.0),
            13.5,
            true,
            col,
            Align::Left,
        );
        ry += h;
    }
    let tx = s.at(100.0);
    c.rect(tx - 1.0, plot_top - 8.0, tx + 1.0, plot_bottom, INK);
    c.text(
        tr(lang, "порог", "threshold"),
        (tx, plot_top - 16.0),
        13.0,
        true,
        INK,
        Align::Center,
    );
    let text = tr(
        lang,
        "Требование о кооперации выполнено, если выполнен вариант A или B. Значения выше 200 % порога показаны стрелкой. Не проверяются по данным: территория кластера; учёт стратегии пространственного развития и схем территориального планирования.",
        "The cooperation requirement is met when option A or option B is. Values above 200% of the threshold end in an arrow. Not checked from data: the cluster's territory; the spatial development strategy and territorial planning schemes.",
    );
    let end = note(&mut c, text, below + 4.0);
    c.h = (end + M / 2.0).max(palette::MIN_H);
    c.render("compliance", title.to_string())
}
