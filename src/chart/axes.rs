//! Scales and value axes: the map from data to pixels, round ticks, money units.

use super::canvas::{Align, Canvas};
use super::palette::*;
use crate::human::{sig3, Lang};

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
