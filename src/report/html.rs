//! `report.html`: one self-contained file with the same sections as report.md, the charts
//! (SVG as data URIs) and tables of niches and needs, with a print stylesheet for A4.
//!
//! Safety: the Markdown is converted with every raw-HTML event turned into text, charts are
//! `<img>` data URIs (an SVG shown that way never runs scripts), and a Content-Security-Policy
//! forbids scripts and every network request.

use super::human::{pct, qty, rub, Lang};
use super::markdown::{esc as md_esc, sections};
use crate::analysis::Analysis;
use base64::Engine;
use pulldown_cmark::{Event, Options, Parser};
use std::fmt::Write;

/// A chart as the report shows it.
pub struct Figure<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub svg: &'a [u8],
}

/// The file name of a niche's proposal, relative to the study's output folder (the report
/// links it, `proposal` writes it). Product ids are identifiers (`[A-Za-z0-9_.-]`), and the
/// rank prefix keeps `.` or `..` from naming a folder.
pub fn proposal_file(n: &crate::analysis::Niche) -> String {
    format!("proposals/{}-{}.html", n.rank, n.need.product)
}

pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

/// Markdown to HTML; raw HTML in the input is shown as text, never interpreted. A table
/// head with no text (the key-value tables of the niches) is left out rather than shown as
/// an empty grey row.
pub(crate) fn md_to_html(md: &str) -> String {
    let parser = Parser::new_ext(md, Options::ENABLE_TABLES).map(|e| match e {
        Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
        other => other,
    });
    let mut out = String::with_capacity(md.len() * 5 / 4);
    pulldown_cmark::html::push_html(&mut out, parser);
    drop_empty_heads(&out)
}

/// `html` without table heads whose cells are all empty (`<thead><tr><th></th>…</tr></thead>`),
/// in one pass.
fn drop_empty_heads(html: &str) -> String {
    const OPEN: &str = "<thead><tr>";
    const CELL: &str = "<th></th>";
    const CLOSE: &str = "</tr></thead>";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(OPEN) {
        out.push_str(&rest[..at]);
        let mut after = &rest[at + OPEN.len()..];
        let mut cells = 0;
        while let Some(r) = after.strip_prefix(CELL) {
            after = r;
            cells += 1;
        }
        match after.strip_prefix(CLOSE) {
            Some(r) if cells > 0 => rest = r,
            _ => {
                out.push_str(OPEN);
                rest = &rest[at + OPEN.len()..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Which chart stands beside which report section.
fn chart_for(section: &str) -> Option<&'static str> {
    match section {
        "summary" => Some("niches"),
        "chain" => Some("functional_map"),
        "problems" => Some("demand_sources"),
        "outlook" => Some("demand_outlook"),
        "hidden_imports" => Some("hidden_imports"),
        "compliance" => Some("compliance"),
        _ => None,
    }
}

/// The width in pixels an SVG chart was drawn for (its `width` attribute).
fn svg_width(svg: &[u8]) -> Option<u32> {
    let head = String::from_utf8_lossy(&svg[..svg.len().min(200)]);
    let at = head.find("<svg")?;
    let rest = &head[at..];
    let w = rest.find(" width=\"")? + 8;
    let end = rest[w..].find('"')?;
    rest[w..w + end].parse().ok()
}

pub(super) fn figure(f: &Figure<'_>) -> String {
    let data = base64::engine::general_purpose::STANDARD.encode(f.svg);
    // A chart is shown at the size it was drawn for, out of the text column when the screen
    // allows: scaled down to the column, its labels would be about 7 px high.
    let style = svg_width(f.svg)
        .map(|w| format!(" style=\"width: min(calc(100vw - 48px), {w}px)\""))
        .unwrap_or_default();
    format!(
        "<figure class=\"chart\" id=\"chart-{}\"{style}><img alt=\"{}\" src=\"data:image/svg+xml;base64,{}\"><figcaption>{}</figcaption></figure>\n",
        escape(&f.name.replace('_', "-")),
        escape(f.title),
        data,
        escape(f.title)
    )
}

fn needs_table(a: &Analysis, lang: Lang) -> String {
    let (title, head) = match lang {
        Lang::Ru => (
            "Все потребности",
            "| Продукция | Передел | Спрос | Спрос, руб. | Импорт | Кластер | Вне кластера (РФ) | Цена к эталону | Признаки | Ниша |",
        ),
        Lang::En => (
            "All needs",
            "| Product | Stage | Demand | Demand, RUB | Import | Cluster | Domestic | Price vs benchmark | Flags | Niche |",
        ),
    };
    let mut o = String::new();
    let _ = writeln!(
        o,
        "## {title}\n\n{head}\n|---|---|---|---|---|---|---|---|---|---|"
    );
    // People read this table by size: largest demand first (ties: as in needs.csv).
    let mut needs: Vec<&crate::analysis::Need> = a.needs.iter().collect();
    needs.sort_by(|x, y| y.demand_rub.total_cmp(&x.demand_rub));
    for n in needs {
        let flags: Vec<&str> = n
            .flags
            .iter()
            .map(|f| super::labels::flag(*f, lang))
            .collect();
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            md_esc(&n.product_name),
            super::human::roman(n.stage),
            md_esc(&qty(n.demand_qty, &n.unit, lang)),
            rub(n.demand_rub, lang),
            pct(n.import_share, lang),
            pct(n.cluster_share, lang),
            pct(n.domestic_share, lang),
            n.cost_premium
                .map(|c| format!("{:+}", (c * 100.0).round() as i64) + " %")
                .unwrap_or_else(|| "—".into()),
            flags.join(", "),
            if n.is_niche { "✔" } else { "" }
        );
    }
    o
}

/// Links to the niches' one-page proposals (`proposals/`, written with report.html).
fn proposal_links(a: &Analysis, lang: Lang) -> String {
    if a.niches.is_empty() {
        return String::new();
    }
    let title = match lang {
        Lang::Ru => "Инвестиционные предложения (по странице на нишу, для печати на A4)",
        Lang::En => "Investment proposals (one printable A4 page per niche)",
    };
    let mut o = format!(
        "<nav class=\"proposals\"><h3>{}</h3>\n<ul>\n",
        escape(title)
    );
    for n in &a.niches {
        let _ = writeln!(
            o,
            "<li><a href=\"{}\">{}. {}</a></li>",
            escape(&proposal_file(n)),
            n.rank,
            escape(&n.need.product_name)
        );
    }
    o.push_str("</ul></nav>\n");
    o
}

pub(crate) const CSS: &str = r#"
:root { --ink: #1d2433; --muted: #5b6472; --line: #d9dee7; --accent: #0072b2; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: var(--ink); margin: 0; background: #f4f6f9; line-height: 1.45; }
main { max-width: 1100px; margin: 0 auto; padding: 32px 40px 64px; background: #fff; }
h1 { font-size: 1.7em; margin: 0 0 .3em; color: var(--accent); }
h2 { font-size: 1.3em; margin: 1.8em 0 .6em; padding-bottom: .2em; border-bottom: 2px solid var(--accent); }
h3 { font-size: 1.08em; margin: 1.3em 0 .4em; }
p, li { font-size: .95em; }
table { border-collapse: collapse; width: 100%; margin: .6em 0 1em; font-size: .86em; }
th, td { border: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #eef2f7; }
tr:nth-child(even) td { background: #fafbfc; }
table:not(:has(thead)) td:first-child { font-weight: 600; width: 30%; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: .9em; background: #eef2f7; padding: 0 3px; }
figure.chart { margin: 1em 0 1.5em; position: relative; left: 50%; transform: translateX(-50%); max-width: none; }
figure.chart img { width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: .85em; margin-top: .3em; }
footer { color: var(--muted); font-size: .8em; margin-top: 3em; }
@media print {
  @page { size: A4; margin: 16mm 14mm; }
  body { background: #fff; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  h3 { break-after: avoid; }
  table, figure { break-inside: avoid; }
  figure.chart { width: auto !important; left: 0; transform: none; }
  tr { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
}
"#;

pub fn render(a: &Analysis, lang: Lang, charts: &[Figure<'_>]) -> Vec<u8> {
    let mut body = String::new();
    for (key, md) in sections(a, lang) {
        body.push_str(&md_to_html(&md));
        if key == "niches" {
            body.push_str(&proposal_links(a, lang));
        }
        if let Some(name) = chart_for(key) {
            for f in charts.iter().filter(|f| f.name == name) {
                body.push_str(&figure(f));
            }
        }
    }
    body.push_str(&md_to_html(&needs_table(a, lang)));
    let footer = match lang {
        Lang::Ru => "Отчёт подготовлен nichegraph",
        Lang::En => "Report prepared by nichegraph",
    };
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n{body}<footer>{footer} {version}</footer>\n</main>\n</body>\n</html>\n",
        lang = if lang == Lang::Ru { "ru" } else { "en" },
        title = escape(&a.study.name),
        version = env!("CARGO_PKG_VERSION"),
    );
    html.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_table_heads_are_dropped_and_others_kept() {
        let html = md_to_html("| | |\n|---|---|\n| a | b |\n\n| x | y |\n|---|---|\n| 1 | 2 |\n");
        assert_eq!(html.matches("<thead>").count(), 1, "{html}");
        assert!(
            html.contains("<td>a</td>") && html.contains("<th>x</th>"),
            "{html}"
        );
        assert_eq!(drop_empty_heads("<thead><tr>x"), "<thead><tr>x");
    }
}
