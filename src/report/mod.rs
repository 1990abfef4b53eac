//! Renderers: each takes the result model and returns bytes; none does I/O.

pub mod batch;
pub mod columns;
pub mod csv;
mod escape;
pub mod html;
pub use crate::human;
pub mod investment;
pub mod json;
pub mod labels;
pub mod markdown;
pub mod parquet;
pub mod portfolio;
pub mod proposal;
mod sections;
pub mod whatif;
pub mod xlsx;

use crate::analysis::Analysis;
use crate::error::Result;
pub use human::Lang;

/// A table of one analysis: its file stem and how its frame is built.
pub type Table = (&'static str, fn(&Analysis) -> columns::Frame);

/// The analysis tables written both as CSV and as Parquet, by file stem, in output order: a
/// new table is one line here.
pub const TABLES: [Table; 5] = [
    ("needs", columns::needs),
    ("niches", columns::niches),
    ("support", columns::support),
    ("demand_outlook", columns::demand_outlook),
    ("import_content", columns::import_content),
];

/// The data files of one analysis (no report), by file name.
pub fn render_data(a: &Analysis) -> Result<crate::output::Files> {
    Ok(vec![
        ("needs.csv".to_string(), csv::needs(a)?),
        ("niches.csv".to_string(), csv::niches(a)?),
        ("support.csv".to_string(), csv::support(a)?),
        ("demand_outlook.csv".to_string(), csv::demand_outlook(a)?),
        ("niches.json".to_string(), json::niches(a)?),
        ("import_content.csv".to_string(), csv::import_content(a)?),
        ("compliance.json".to_string(), json::compliance(a)?),
    ])
}

/// The kinds of output `analyze --format` selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// needs.csv, niches.csv, support.csv, demand_outlook.csv, import_content.csv
    Csv,
    /// niches.json, compliance.json
    Json,
    /// report.md
    Md,
    /// report.html (with the charts inline) and proposals/<rank>-<product>.html
    Html,
    /// charts/*.svg and charts/*.png
    Charts,
    /// needs.xlsx, niches.xlsx
    Xlsx,
    /// needs.parquet, niches.parquet, import_content.parquet (for notebooks)
    Parquet,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Csv,
        Format::Json,
        Format::Md,
        Format::Html,
        Format::Charts,
        Format::Xlsx,
        Format::Parquet,
    ];
}

/// The selected output files of one analysis, by relative path; deterministic bytes.
pub fn render(a: &Analysis, lang: Lang, formats: &[Format]) -> Result<crate::output::Files> {
    let has = |f: Format| formats.contains(&f);
    // Charts take the longest (a fixed cost of drawing and encoding); draw them while the
    // tables are written.
    let wants_charts = has(Format::Html) || has(Format::Charts);
    let (tables, charts) = rayon::join(
        || tables(a, lang, formats),
        || {
            wants_charts
                .then(|| crate::chart::render_all(a, lang))
                .transpose()
        },
    );
    let mut files = tables?;
    if let Some(charts) = charts? {
        if has(Format::Html) {
            let figures: Vec<html::Figure> = charts
                .iter()
                .map(|c| html::Figure {
                    name: c.name,
                    title: &c.title,
                    svg: &c.svg,
                })
                .collect();
            files.push(("report.html".to_string(), html::render(a, lang, &figures)));
            // The proposals are pages of the HTML report, linked from it.
            files.extend(proposal::render_all(a, lang));
        }
        if has(Format::Charts) {
            for c in charts {
                files.push((format!("charts/{}.svg", c.name), c.svg));
                files.push((format!("charts/{}.png", c.name), c.png));
            }
        }
    }
    Ok(files)
}

/// The tables and the Markdown report, in a fixed order.
fn tables(a: &Analysis, lang: Lang, formats: &[Format]) -> Result<crate::output::Files> {
    let has = |f: Format| formats.contains(&f);
    let mut files = Vec::new();
    let frames: Vec<(&str, columns::Frame)> = if has(Format::Csv) || has(Format::Parquet) {
        TABLES
            .iter()
            .map(|(stem, build)| (*stem, build(a)))
            .collect()
    } else {
        Vec::new()
    };
    if has(Format::Csv) {
        for (stem, f) in &frames {
            files.push((format!("{stem}.csv"), csv::frame(f)?));
        }
    }
    if has(Format::Json) {
        files.push(("niches.json".to_string(), json::niches(a)?));
        files.push(("compliance.json".to_string(), json::compliance(a)?));
    }
    if has(Format::Xlsx) {
        files.push(("needs.xlsx".to_string(), xlsx::needs(a, lang)?));
        files.push(("niches.xlsx".to_string(), xlsx::niches(a, lang)?));
    }
    if has(Format::Parquet) {
        for (stem, f) in &frames {
            files.push((format!("{stem}.parquet"), parquet::frame(f)?));
        }
    }
    if has(Format::Md) {
        files.push(("report.md".to_string(), markdown::render(a, lang)));
    }
    Ok(files)
}
