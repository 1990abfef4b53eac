//! What frames every chart: the title and subtitle, the legend, notes, and the message in
//! place of a chart without data.

use super::canvas::{hatch, text_width, wrap, Align, Canvas, Rgb};
use super::palette::*;

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
