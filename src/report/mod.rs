//! Renderers: each takes the result model and returns bytes; none does I/O.

pub mod csv;
pub mod human;
pub mod json;
pub mod markdown;

use crate::analysis::Analysis;
use crate::error::Result;
pub use human::Lang;

/// Every deterministic output file of one analysis, by file name.
pub fn render_all(a: &Analysis, lang: Lang) -> Result<crate::output::Files> {
    Ok(vec![
        ("needs.csv".to_string(), csv::needs(a)?),
        ("niches.csv".to_string(), csv::niches(a)?),
        ("niches.json".to_string(), json::niches(a)?),
        ("report.md".to_string(), markdown::render(a, lang)),
    ])
}
