//! Shared pieces of the charts: the Okabe–Ito palette, header, legend, axes, scales, hatching.

use super::canvas::{text_width, wrap, Align, Canvas, Pt, Rgb};
use crate::human::{roman, sig3, Lang};

// Okabe–Ito, safe for the common forms of colour blindness.
pub const ORANGE: Rgb = Rgb(230, 159, 0);
pub const SKY: Rgb = Rgb(86, 180, 233);
pub const GREEN: Rgb = Rgb(0, 158, 115);
pub const BLUE: Rgb = Rgb(0, 114, 178);
pub const VERMILLION: Rgb = Rgb(213, 94, 0);
pub const PURPLE: Rgb = Rgb(204, 121, 167);
// Neutrals.
pub const INK: Rgb = Rgb(33, 33, 33);
pub const MUTED: Rgb = Rgb(100, 100, 100);
pub const GRID: Rgb = Rgb(226, 226, 226);
pub const GREY: Rgb = Rgb(150, 150, 150);
pub const WHITE: Rgb = Rgb(255, 255, 255);

/// Standard chart width and outer margin, in pixels.
pub const W: f64 = 1400.0;
pub const M: f64 = 36.0;
/// The least height of a bar chart.
pub const MIN_H: f64 = 480.0;

/// Title and subtitle at the top; returns the y below them.
pub fn header(c: &mut Canvas, title: &str, subtitle: &str) -> f64 {
    let t = wrap(title, 24.0, true, c.w - 2.0 * M, 2);
    let y = c.lines(&t, M, 18.0, 24.0, 32.0, true, INK, Align::Left);
    let s = wrap(subtitle, 15.0, false, c.w - 2.0 * M, 2);
    c.lines(&s, M, y + 2.0, 15.0, 21.0, false, MUTED, Align::Left) + 14.0
}

/// What a legend entry shows before its text.
#[derive(Clone, Copy)]
pub enum Swatch {
    Fill(Rgb),
    Hatch(Rgb),
    /// A line, dashed or not.
    Line(Rgb, bool),
    /// A box with a fill and a border.
    Box(Rgb, Rgb),
}

const LEGEND_SIZE: f64 = 13.5;

/// Legend entries left to right from (x, y), wrapping before `max_x`; returns the y below.
pub fn legend(c: &mut Canvas, items: &[(Swatch, String)], x: f64, y: f64, max_x: f64) -> f64 {
    let row_h = 24.0;
    let (mut cx, mut cy) = (x, y);
    for (sw, label) in items {
        let w = 30.0 + text_width(label, LEGEND_SIZE, false) + 26.0;
        if cx > x && cx + w > max_x {
            cx = x;
            cy += row_h;
        }
        let mid = cy + row_h / 2.0;
        let (s0, s1) = (cx, cx + 22.0);
        match *sw {
            Swatch::Fill(col) => c.rect(s0, mid - 7.0, s1, mid + 7.0, col),
            Swatch::Hatch(col) => {
                c.rect(s0, mid - 7.0, s1, mid + 7.0, col.tint(0.8));
                hatch(c, (s0, mid - 7.0, s1, mid + 7.0), col, 5.0, 1.5);
                c.frame(s0, mid - 7.0, s1, mid + 7.0, col, 1.5);
            }
            Swatch::Line(col, dashed) => {
                let pts = [(s0, mid), (s1, mid)];
                if dashed {
                    c.dashed(&pts, col, 2.5, 6.0, 4.0);
                } else {
                    c.line(pts.to_vec(), col, 3.0);
                }
            }
            Swatch::Box(fill, border) => {
                c.round_box((s0, mid - 8.0, s1, mid + 8.0), 3.0, fill, border, 1.5)
            }
        }
        c.text(
            label,
            (cx + 30.0, mid),
            LEGEND_SIZE,
            false,
            INK,
            Align::Left,
        );
        cx += w;
    }
    cy + row_h
}

/// A small grey note; returns the y below it.
pub fn note(c: &mut Canvas, text: &str, y: f64) -> f64 {
    let lines = wrap(text, 13.0, false, c.w - 2.0 * M, 3);
    c.lines(&lines, M, y, 13.0, 18.0, false, MUTED, Align::Left)
}

/// A message in place of a chart without data.
pub fn empty(c: &mut Canvas, y: f64, text: &str) {
    let mid = (y + c.h) / 2.0;
    c.text(text, (c.w / 2.0, mid), 18.0, false, MUTED, Align::Center);
}

/// Diagonal hatching inside a rectangle.
pub fn hatch(c: &mut Canvas, (x0, y0, x1, y1): (f64, f64, f64, f64), col: Rgb, step: f64, w: f64) {
    // Lines x + y = k, clipped to the rectangle.
    let mut k = x0 + y0 + step / 2.0;
    while k < x1 + y1 {
        let xa = x0.max(k - y1);
        let xb = x1.min(k - y0);
        if xb > xa {
            c.line(vec![(xa, k - xa), (xb, k - xb)], col, w);
        }
        k += step;
    }
}

/// Linear map from data to pixels.
#[derive(Clone, Copy)]
pub struct Scale {
    pub d0: f64,
    pub d1: f64,
    pub p0: f64,
    pub p1: f64,
}

impl Scale {
    pub fn at(&self, v: f64) -> f64 {
        let span = self.d1 - self.d0;
        if span == 0.0 {
            return self.p0;
        }
        self.p0 + (v.clamp(self.d0, self.d1) - self.d0) / span * (self.p1 - self.p0)
    }
}

/// A round axis end and step for data up to `max` (about 4–8 ticks).
pub fn nice(max: f64) -> (f64, f64) {
    if !max.is_finite() || max <= 0.0 {
        return (1.0, 0.25);
    }
    let raw = max / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| max / s <= 7.0)
        .unwrap_or(10.0 * mag);
    ((max / step).ceil().max(1.0) * step, step)
}

/// The money unit for an axis reaching `max` roubles: (divisor, unit text).
pub fn money_unit(max: f64, lang: Lang) -> (f64, &'static str) {
    let units: [(f64, &str, &str); 5] = [
        (1.0, "руб.", "RUB"),
        (1e3, "тыс. руб.", "thousand RUB"),
        (1e6, "млн руб.", "mn RUB"),
        (1e9, "млрд руб.", "bn RUB"),
        (1e12, "трлн руб.", "trn RUB"),
    ];
    let (d, ru, en) = units
        .iter()
        .rev()
        .find(|(d, _, _)| max >= 2.0 * d)
        .copied()
        .unwrap_or(units[0]);
    (d, if lang == Lang::Ru { ru } else { en })
}

/// A number for an axis tick.
pub fn tick_text(v: f64, lang: Lang) -> String {
    sig3(v, lang)
}

/// A horizontal value axis: vertical grid lines from `top` to `bottom`, tick labels and the
/// axis title below. Returns the y below the title.
pub fn x_axis(
    c: &mut Canvas,
    s: Scale,
    ticks: &[(f64, String)],
    (top, bottom): (f64, f64),
    title: &str,
) -> f64 {
    for (v, label) in ticks {
        let x = s.at(*v);
        c.rect(x - 0.5, top, x + 0.5, bottom, GRID);
        c.text(label, (x, bottom + 14.0), 13.0, false, MUTED, Align::Center);
    }
    c.rect(s.p0 - 0.5, top, s.p0 + 1.0, bottom, GREY);
    c.text(
        title,
        ((s.p0 + s.p1) / 2.0, bottom + 38.0),
        14.0,
        false,
        INK,
        Align::Center,
    );
    bottom + 52.0
}

/// Ticks 0, step, … up to `top`, labelled by `fmt`.
pub fn ticks(top: f64, step: f64, fmt: impl Fn(f64) -> String) -> Vec<(f64, String)> {
    let n = (top / step).round() as usize;
    (0..=n)
        .map(|i| i as f64 * step)
        .map(|v| (v, fmt(v)))
        .collect()
}

/// A cubic Bézier curve as a polyline of `n` + 1 points.
pub fn bezier(p0: Pt, p1: Pt, p2: Pt, p3: Pt, n: usize) -> Vec<Pt> {
    (0..=n)
        .map(|i| {
            let t = i as f64 / n as f64;
            let u = 1.0 - t;
            let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
            (
                a * p0.0 + b * p1.0 + c * p2.0 + d * p3.0,
                a * p0.1 + b * p1.1 + c * p2.1 + d * p3.1,
            )
        })
        .collect()
}

/// «III передел» / «Stage 3».
pub fn stage_short(stage: u8, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("{} передел", roman(stage)),
        Lang::En => format!("Stage {stage}"),
    }
}

/// «I передел — обработка сырья, детали», as the report titles the stages.
pub fn stage_title(stage: u8, lang: Lang) -> String {
    let names = match lang {
        Lang::Ru => [
            "обработка сырья, детали",
            "комплектующие",
            "узлы и агрегаты",
            "конечная продукция",
        ],
        Lang::En => [
            "raw material processing, parts",
            "components",
            "units and assemblies",
            "final product",
        ],
    };
    let name = names.get((stage as usize).wrapping_sub(1)).copied();
    match name {
        Some(n) => format!("{} — {}", stage_short(stage, lang), n),
        None => stage_short(stage, lang),
    }
}

/// Text for one of two languages.
pub fn tr(lang: Lang, ru: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Ru => ru,
        Lang::En => en,
    }
}
