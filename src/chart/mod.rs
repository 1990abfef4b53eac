//! Charts (plotters): each takes the result model and returns SVG and PNG bytes.
//! Fonts are embedded (DejaVu Sans), so Cyrillic renders without any system font.
//!
//! Every chart is laid out once in logical pixels ([`canvas::Canvas`]) and replayed on the SVG
//! backend and on a bitmap, so the two files show the same drawing. Nothing depends on time,
//! randomness or hash order: the same analysis gives byte-identical files.

mod axes;
mod canvas;
mod compliance;
mod frame;
mod hidden;
mod layout;
mod map;
mod niches;
mod outlook;
mod palette;
pub mod portfolio;
mod sources;
#[cfg(test)]
mod tests;
mod words;

use crate::analysis::Analysis;
use crate::error::{Error, Result};
use crate::human::Lang;
use plotters::style::FontStyle;
use std::sync::OnceLock;

/// One rendered chart.
pub struct Chart {
    pub name: &'static str,
    pub title: String,
    pub svg: Vec<u8>,
    pub png: Vec<u8>,
}

/// Registers DejaVu Sans (regular and bold) as "sans-serif", once per process.
fn fonts() -> Result<()> {
    static DONE: OnceLock<std::result::Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        for (style, bytes) in [
            (FontStyle::Normal, dejavu::sans::regular()),
            (FontStyle::Bold, dejavu::sans::bold()),
        ] {
            plotters::style::register_font("sans-serif", style, bytes)
                .map_err(|_| "the embedded DejaVu Sans font could not be read".to_string())?;
        }
        Ok(())
    })
    .clone()
    .map_err(Error::Internal)
}

/// The six charts of one analysis, in this order; file names are `<name>.svg` / `<name>.png`.
pub fn render_all(a: &Analysis, lang: Lang) -> Result<Vec<Chart>> {
    use rayon::prelude::*;
    fonts()?;
    type Render = fn(&Analysis, Lang) -> Result<Chart>;
    let charts: [Render; 6] = [
        map::render,
        niches::render,
        outlook::render,
        sources::render,
        compliance::render,
        hidden::render,
    ];
    // Each chart draws on its own canvas: in parallel, collected in this order.
    charts.par_iter().map(|render| render(a, lang)).collect()
}

/// The portfolio's chart of the shared niches' combined demand, stacked by cluster.
pub fn portfolio_demand(p: &crate::analysis::portfolio::Portfolio, lang: Lang) -> Result<Chart> {
    fonts()?;
    portfolio::demand(p, lang)
}

/// The portfolio's cluster-to-cluster map of supply matches.
pub fn portfolio_map(p: &crate::analysis::portfolio::Portfolio, lang: Lang) -> Result<Chart> {
    fonts()?;
    portfolio::map(p, lang)
}
