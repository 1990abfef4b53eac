//! Renderers: each takes the result model and returns bytes; none does I/O.

pub mod csv;
pub mod human;
pub mod json;
pub mod markdown;
mod sections;
pub mod whatif;

use crate::analysis::Analysis;
use crate::error::Result;
pub use human::Lang;

/// The data files of one analysis (no report), by file name.
pub fn render_data(a: &Analysis) -> Result<crate::output::Files> {
    Ok(vec![
        ("needs.csv".to_string(), csv::needs(a)?),
        ("niches.csv".to_string(), csv::niches(a)?),
        ("niches.json".to_string(), json::niches(a)?),
        ("import_content.csv".to_string(), csv::import_content(a)?),
        ("compliance.json".to_string(), json::compliance(a)?),
    ])
}

/// Every deterministic output file of one analysis, by file name.
pub fn render_all(a: &Analysis, lang: Lang) -> Result<crate::output::Files> {
    let mut files = render_data(a)?;
    files.push(("report.md".to_string(), markdown::render(a, lang)));
    Ok(files)
}
