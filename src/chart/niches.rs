//! `niches`: existing demand and estimated investment per niche in rank order, as paired
//! horizontal bars coloured by the niche's flags (several flags: one band per flag).

use super::axes::Scale;
use super::canvas::{wrap, Align, Canvas, Rgb};
use super::frame::{header, legend, Swatch};
use super::palette::{BLUE, GREY, INK, M, MUTED, ORANGE, PURPLE, W};
use super::words::{stage_short, tr};
use super::Chart;
use super::{axes, canvas, frame, palette};
use crate::analysis::{Analysis, Flag, Need};
use crate::error::Result;
use crate::human::{rub, Lang};

/// At most this many niches, the first by rank.
const MAX_ROWS: usize = 20;

pub fn flag_color(f: Flag) -> Rgb {
    match f {
        Flag::Import => ORANGE,
        Flag::Cost => BLUE,
        Flag::Spec => PURPLE,
    }
}

fn flag_word(f: Flag, n: Option<&Need>, lang: Lang) -> &'static str {
    match f {
        Flag::Import if n.is_some_and(|n| n.critical_import) => {
            tr(lang, "критическая доля импорта", "critical import share")
        }
        Flag::Import => tr(lang, "высокая доля импорта", "high import share"),
        Flag::Cost => tr(lang, "высокая стоимость", "high cost"),
        Flag::Spec => tr(
            lang,
            "нет продукции с нужными характеристиками",
            "no product with the required characteristics",
        ),
    }
}

/// A bar split into horizontal bands, one per flag; hatched for investment.
fn bar(c: &mut Canvas, (x0, y0, x1, y1): (f64, f64, f64, f64), flags: &[Flag], hatched: bool) {
    let colors: Vec<Rgb> = if flags.is_empty() {
        vec![GREY]
    } else {
        flags.iter().map(|f| flag_color(*f)).collect()
    };
    let x1 = x1.max(x0 + 2.0);
    let band = (y1 - y0) / colors.len() as f64;
    for (i, col) in colors.iter().enumerate() {
        let (b0, b1) = (y0 + band * i as f64, y0 + band * (i + 1) as f64);
        if hatched {
            c.rect(x0, b0, x1, b1, col.tint(0.82));
            canvas::hatch(c, (x0, b0, x1, b1), *col, 7.0, 1.6);
            c.frame(x0, b0, x1, b1, *col, 1.5);
        } else {
            c.rect(x0, b0, x1, b1, *col);
        }
    }
}

pub fn render(a: &Analysis, lang: Lang) -> Result<Chart> {
    let title = tr(
        lang,
        "Инвестиционные ниши: существующий спрос и объём инвестиций",
        "Investment niches: existing demand and estimated investment",
    );
    let mut c = Canvas::new(W, palette::MIN_H);
    let mut y = header(&mut c, title, &a.study.name);
    let mut items: Vec<(Swatch, String)> = [Flag::Import, Flag::Cost, Flag::Spec]
        .iter()
        .map(|f| {
            let word = flag_word(*f, None, lang);
            (Swatch::Fill(flag_color(*f)), capitalise(word))
        })
        .collect();
    items.push((
        Swatch::Fill(GREY),
        tr(lang, "Спрос, руб. в год", "Demand, RUB per year").to_string(),
    ));
    items.push((
        Swatch::Hatch(GREY),
        tr(lang, "Инвестиции, руб.", "Investment, RUB").to_string(),
    ));
    y = legend(&mut c, &items, M, y, W - M) + 14.0;
    if a.niches.is_empty() {
        frame::empty(
            &mut c,
            y,
            tr(
                lang,
                "Инвестиционных ниш по заданным критериям не выявлено",
                "No investment niches meet the criteria",
            ),
        );
        return c.render("niches", title.to_string());
    }

    let (label_w, row_h, bar_h) = (360.0, 92.0, 28.0);
    let shown = &a.niches[..a.niches.len().min(MAX_ROWS)];
    let max = shown
        .iter()
        .map(|n| n.need.demand_rub.max(n.need.investment_rub))
        .fold(0.0, f64::max);
    let (div, unit) = axes::money_unit(max, lang);
    let (top, step) = axes::nice((max / div * 1.02).max(1e-9));
    let s = Scale {
        d0: 0.0,
        d1: top,
        p0: M + label_w + 24.0,
        p1: W - M - 150.0,
    };
    let plot_bottom = y + row_h * shown.len() as f64;
    let ticks = axes::ticks(top, step, |v| axes::tick_text(v, lang));
    let axis = format!("{}, {unit}", tr(lang, "Сумма", "Amount"));
    let below = axes::x_axis(&mut c, s, &ticks, (y, plot_bottom), &axis);
    for (i, n) in shown.iter().enumerate() {
        let need = &n.need;
        let mid = y + row_h * (i as f64 + 0.5);
        // Label: rank and name, then stage and reasons.
        let name = wrap(
            &format!("{}. {}", n.rank, need.product_name),
            15.0,
            true,
            label_w,
            3,
        );
        let reasons: Vec<&str> = need
            .flags
            .iter()
            .map(|f| flag_word(*f, Some(need), lang))
            .collect();
        let sub_text = format!("{} · {}", stage_short(need.stage, lang), reasons.join(", "));
        let sub = wrap(&sub_text, 13.0, false, label_w, 2);
        let block = 19.0 * name.len() as f64 + 17.0 * sub.len() as f64;
        let ltop = mid - block / 2.0;
        let lx = M + label_w;
        let after = c.lines(&name, lx, ltop, 15.0, 19.0, true, INK, Align::Right);
        c.lines(&sub, lx, after, 13.0, 17.0, false, MUTED, Align::Right);
        // Bars.
        for (k, (v, hatched)) in [(need.demand_rub, false), (need.investment_rub, true)]
            .into_iter()
            .enumerate()
        {
            let y0 = mid - bar_h - 2.0 + k as f64 * (bar_h + 4.0);
            let x1 = s.at(v / div);
            bar(&mut c, (s.p0, y0, x1, y0 + bar_h), &need.flags, hatched);
            c.text(
                &rub(v, lang),
                (x1.max(s.p0 + 2.0) + 8.0, y0 + bar_h / 2.0),
                14.0,
                false,
                INK,
                Align::Left,
            );
        }
    }
    let mut end = below;
    if shown.len() < a.niches.len() {
        let text = match lang {
            Lang::Ru => format!("Показаны {} из {} ниш.", shown.len(), a.niches.len()),
            Lang::En => format!("{} of {} niches are shown.", shown.len(), a.niches.len()),
        };
        end = frame::note(&mut c, &text, below + 4.0);
    }
    c.h = (end + M / 2.0).max(palette::MIN_H);
    c.render("niches", title.to_string())
}

fn capitalise(s: &str) -> String {
    let mut ch = s.chars();
    match ch.next() {
        Some(f) => f.to_uppercase().collect::<String>() + ch.as_str(),
        None => String::new(),
    }
}
