//! A display list in logical pixels. Charts lay out shapes and text here; the list is then
//! replayed on the SVG backend at 1:1 and on a bitmap at twice the size, which is averaged
//! down to the logical size (anti-aliasing). Both files therefore show the same drawing.

use super::Chart;
use crate::error::{Error, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontDesc, FontFamily, FontStyle};

pub type Pt = (f64, f64);

/// Above this many logical pixels the bitmap is drawn without supersampling, to bound memory.
const SUPERSAMPLE_MAX: u32 = 6_000_000;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// This colour moved `t` (0..1) of the way towards `other`.
    pub fn mix(self, other: Rgb, t: f64) -> Rgb {
        let m = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * t).round() as u8;
        Rgb(m(self.0, other.0), m(self.1, other.1), m(self.2, other.2))
    }

    /// A pale tint for fills.
    pub fn tint(self, t: f64) -> Rgb {
        self.mix(Rgb(255, 255, 255), t)
    }

    fn rgba(self, alpha: f64) -> RGBAColor {
        RGBAColor(self.0, self.1, self.2, alpha)
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Align {
    Left,
    Center,
    Right,
}

enum Prim {
    Rect(Pt, Pt, Rgb, f64),
    Poly(Vec<Pt>, Rgb, f64),
    Path(Vec<Pt>, Rgb, f64),
    Text {
        text: String,
        at: Pt,
        size: f64,
        bold: bool,
        color: Rgb,
        align: Align,
    },
}

pub struct Canvas {
    pub w: f64,
    pub h: f64,
    prims: Vec<Prim>,
}

fn font(size: f64, bold: bool) -> FontDesc<'static> {
    let style = if bold {
        FontStyle::Bold
    } else {
        FontStyle::Normal
    };
    FontDesc::new(FontFamily::SansSerif, size, style)
}

/// Width of `text` in logical pixels with the embedded font.
pub fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    font(size, bold)
        .box_size(text)
        .map(|(w, _)| w as f64)
        .unwrap_or(text.chars().count() as f64 * size * 0.6)
}

/// No glyph of the embedded font is narrower than this share of the font size: at most
/// `max_w / (size * NARROWEST)` characters fit in `max_w`.
const NARROWEST: f64 = 0.2;

/// The most characters of `size` that can fit in `max_w`, plus one (so that a cut is seen).
fn max_chars(size: f64, max_w: f64) -> usize {
    let n = (max_w.max(0.0) / (size.max(1.0) * NARROWEST)).ceil();
    if n.is_finite() {
        n as usize + 1
    } else {
        1
    }
}

/// `text` cut to at most `n` characters, and whether it was cut. Linear in `n`, not in the text.
fn prefix(text: &str, n: usize) -> (&str, bool) {
    match text.char_indices().nth(n) {
        Some((i, _)) => (&text[..i], true),
        None => (text, false),
    }
}

/// The longest prefix of `chars` (at least one character) that fits, by bisection: a line is
/// measured O(log n) times, never once per prefix.
fn longest_fit(chars: &[char], fits: impl Fn(&str) -> bool) -> usize {
    let (mut lo, mut hi) = (1, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if fits(&chars[..mid].iter().collect::<String>()) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    lo.max(1)
}

/// Greedy word wrap to `max_w`; words longer than a line are cut; more than `max_lines`
/// lines end in «…». Only the part of `text` that can show is ever measured, so the time
/// does not grow with the length of the text beyond one scan.
pub fn wrap(text: &str, size: f64, bold: bool, max_w: f64, max_lines: usize) -> Vec<String> {
    let fits = |s: &str| text_width(s, size, bold) <= max_w;
    let (text, cut) = prefix(text, max_lines.max(1) * max_chars(size, max_w));
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        if lines.len() > max_lines {
            break;
        }
        let candidate = if cur.is_empty() {
            word.to_string()
        } else {
            format!("{cur} {word}")
        };
        if fits(&candidate) {
            cur = candidate;
            continue;
        }
        if !cur.is_empty() {
            lines.push(std::mem::take(&mut cur));
        }
        // A word wider than a line: cut it by characters.
        let mut rest: Vec<char> = word.chars().collect();
        while !rest.is_empty() && !fits(&rest.iter().collect::<String>()) {
            let n = longest_fit(&rest, fits);
            lines.push(rest[..n].iter().collect());
            rest.drain(..n);
        }
        cur = rest.into_iter().collect();
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    if lines.len() > max_lines || (cut && !lines.is_empty()) {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            let mut s = last.clone();
            while !s.is_empty() && !fits(&format!("{s}…")) {
                s.pop();
            }
            *last = format!("{}…", s.trim_end());
        }
    }
    lines
}

impl Canvas {
    pub fn new(w: f64, h: f64) -> Canvas {
        Canvas {
            w,
            h,
            prims: Vec::new(),
        }
    }

    pub fn rect(&mut self, x0: f64, y0: f64, x1: f64, y1: f64, color: Rgb) {
        self.rect_a(x0, y0, x1, y1, color, 1.0);
    }

    pub fn rect_a(&mut self, x0: f64, y0: f64, x1: f64, y1: f64, color: Rgb, alpha: f64) {
        if x1 > x0 && y1 > y0 {
            self.prims
                .push(Prim::Rect((x0, y0), (x1, y1), color, alpha));
        }
    }

    /// A rectangle's outline `width` wide, drawn inside it.
    pub fn frame(&mut self, x0: f64, y0: f64, x1: f64, y1: f64, color: Rgb, width: f64) {
        self.rect(x0, y0, x1, y0 + width, color);
        self.rect(x0, y1 - width, x1, y1, color);
        self.rect(x0, y0, x0 + width, y1, color);
        self.rect(x1 - width, y0, x1, y1, color);
    }

    pub fn poly(&mut self, pts: Vec<Pt>, color: Rgb, alpha: f64) {
        if pts.len() >= 3 {
            self.prims.push(Prim::Poly(pts, color, alpha));
        }
    }

    pub fn line(&mut self, pts: Vec<Pt>, color: Rgb, width: f64) {
        if pts.len() >= 2 {
            self.prims.push(Prim::Path(pts, color, width));
        }
    }

    /// A dashed polyline: `dash` drawn, `gap` left out, along its length.
    pub fn dashed(&mut self, pts: &[Pt], color: Rgb, width: f64, dash: f64, gap: f64) {
        let mut on = true;
        let mut left = dash;
        let mut cur: Vec<Pt> = pts.first().map(|p| vec![*p]).unwrap_or_default();
        for seg in pts.windows(2) {
            let (a, b) = (seg[0], seg[1]);
            let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
            let mut pos = 0.0;
            while len - pos > left {
                pos += left;
                let t = pos / len;
                let p = (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
                if on {
                    cur.push(p);
                    self.line(std::mem::take(&mut cur), color, width);
                } else {
                    cur = vec![p];
                }
                on = !on;
                left = if on { dash } else { gap };
            }
            left -= len - pos;
            if on {
                cur.push(b);
            }
        }
        if on {
            self.line(cur, color, width);
        }
    }

    /// A rounded box with a border `bw` wide (the border is the outer shape, the fill inset).
    #[allow(clippy::too_many_arguments)]
    pub fn round_box(
        &mut self,
        (x0, y0, x1, y1): (f64, f64, f64, f64),
        r: f64,
        fill: Rgb,
        border: Rgb,
        bw: f64,
    ) {
        self.poly(rounded(x0, y0, x1, y1, r), border, 1.0);
        let inner = rounded(x0 + bw, y0 + bw, x1 - bw, y1 - bw, (r - bw).max(0.0));
        self.poly(inner, fill, 1.0);
    }

    /// One line of text, vertically centred on `at.1`.
    pub fn text(&mut self, text: &str, at: Pt, size: f64, bold: bool, color: Rgb, align: Align) {
        if !text.is_empty() {
            // No text is longer than the canvas is wide: a label from the data may be huge.
            let (shown, cut) = prefix(text, max_chars(size, self.w));
            self.prims.push(Prim::Text {
                text: if cut {
                    format!("{shown}…")
                } else {
                    text.to_string()
                },
                at,
                size,
                bold,
                color,
                align,
            });
        }
    }

    /// Lines of text from `top`, `lh` apart; returns the y below the last line.
    #[allow(clippy::too_many_arguments)]
    pub fn lines(
        &mut self,
        lines: &[String],
        x: f64,
        top: f64,
        size: f64,
        lh: f64,
        bold: bool,
        color: Rgb,
        align: Align,
    ) -> f64 {
        for (i, l) in lines.iter().enumerate() {
            let y = top + lh * (i as f64 + 0.5);
            self.text(l, (x, y), size, bold, color, align);
        }
        top + lh * lines.len() as f64
    }

    /// Draws the list on both backends.
    pub fn render(&self, name: &'static str, title: String) -> Result<Chart> {
        let (w, h) = (self.w.round() as u32, self.h.round() as u32);
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
            replay(&root, &self.prims, 1.0).map_err(plot_err)?;
            root.present().map_err(plot_err)?;
        }
        // Drawn at twice the size and averaged down: smooth edges without anti-aliasing.
        let ss = if w.saturating_mul(h) > SUPERSAMPLE_MAX {
            1
        } else {
            2
        };
        let (bw, bh) = (w * ss, h * ss);
        let mut big = vec![255u8; (bw as usize) * (bh as usize) * 3];
        {
            let root = BitMapBackend::with_buffer(&mut big, (bw, bh)).into_drawing_area();
            replay(&root, &self.prims, ss as f64).map_err(plot_err)?;
            root.present().map_err(plot_err)?;
        }
        let small = if ss == 2 {
            downsample(&big, bw as usize, bh as usize)
        } else {
            big
        };
        Ok(Chart {
            name,
            title,
            svg: svg.into_bytes(),
            png: encode_png(&small, w, h)?,
        })
    }
}

fn plot_err<E: std::fmt::Display>(e: E) -> Error {
    Error::Chart(e.to_string())
}

/// A rounded rectangle as a polygon, 6 points per corner.
fn rounded(x0: f64, y0: f64, x1: f64, y1: f64, r: f64) -> Vec<Pt> {
    let r = r.min((x1 - x0) / 2.0).min((y1 - y0) / 2.0).max(0.0);
    let corners = [
        (x1 - r, y0 + r, -90.0),
        (x1 - r, y1 - r, 0.0),
        (x0 + r, y1 - r, 90.0),
        (x0 + r, y0 + r, 180.0),
    ];
    let mut pts = Vec::with_capacity(24);
    for (cx, cy, start) in corners {
        for k in 0..6 {
            let a = (start + 18.0 * k as f64).to_radians();
            pts.push((cx + r * a.cos(), cy + r * a.sin()));
        }
    }
    pts
}

fn replay<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    prims: &[Prim],
    s: f64,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    area.fill(&WHITE)?;
    let p = |(x, y): Pt| ((x * s).round() as i32, (y * s).round() as i32);
    for prim in prims {
        match prim {
            Prim::Rect(a, b, c, alpha) => {
                area.draw(&Rectangle::new([p(*a), p(*b)], c.rgba(*alpha).filled()))?;
            }
            Prim::Poly(pts, c, alpha) => {
                let pts: Vec<(i32, i32)> = pts.iter().map(|q| p(*q)).collect();
                area.draw(&Polygon::new(pts, c.rgba(*alpha).filled()))?;
            }
            Prim::Path(pts, c, width) => {
                let pts: Vec<(i32, i32)> = pts.iter().map(|q| p(*q)).collect();
                let style = ShapeStyle {
                    color: c.rgba(1.0),
                    filled: false,
                    stroke_width: (width * s).round().max(1.0) as u32,
                };
                area.draw(&PathElement::new(pts, style))?;
            }
            Prim::Text {
                text,
                at,
                size,
                bold,
                color,
                align,
            } => {
                let h = match align {
                    Align::Left => HPos::Left,
                    Align::Center => HPos::Center,
                    Align::Right => HPos::Right,
                };
                let color = color.rgba(1.0);
                let style = TextStyle::from(font(size * s, *bold))
                    .color(&color)
                    .pos(Pos::new(h, VPos::Center));
                area.draw_text(text, &style, p(*at))?;
            }
        }
    }
    Ok(())
}

/// Averages 2 x 2 blocks of an RGB buffer.
fn downsample(big: &[u8], bw: usize, bh: usize) -> Vec<u8> {
    let (w, h) = (bw / 2, bh / 2);
    let row = bw * 3;
    let mut out = Vec::with_capacity(w * h * 3);
    for y in 0..h {
        let top = &big[2 * y * row..(2 * y + 1) * row];
        let bottom = &big[(2 * y + 1) * row..(2 * y + 2) * row];
        for (a, b) in top.chunks_exact(6).zip(bottom.chunks_exact(6)) {
            for c in 0..3 {
                let sum = a[c] as u16 + a[c + 3] as u16 + b[c] as u16 + b[c + 3] as u16;
                out.push(((sum + 2) / 4) as u8);
            }
        }
    }
    out
}

/// PNG bytes of an RGB buffer. plotters encodes PNG only into a file, so this goes through a
/// uniquely named temporary file.
fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut e = png::Encoder::new(&mut out, w, h);
        e.set_color(png::ColorType::Rgb);
        e.set_depth(png::BitDepth::Eight);
        // Fast deflate: the charts are flat colours, and this halves the time of a report.
        e.set_compression(png::Compression::Fast);
        let mut wr = e.write_header().map_err(plot_err)?;
        wr.write_image_data(rgb).map_err(plot_err)?;
    }
    Ok(out)
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
