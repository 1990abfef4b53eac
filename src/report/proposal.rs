//! `proposals/<rank>-<product>.html`: one self-contained, printable A4 page per niche — the
//! investment proposal, laid out like the niche slides of the association's analysis of
//! «Композиты без границ» (region and stage, the niche, demand, key consumers, investment),
//! with the support programme, the payback and why it is a niche.
//!
//! Safety as in report.html: every text from the data goes through the Markdown escaper and a
//! converter that shows raw HTML as text, and a Content-Security-Policy forbids scripts and
//! every network request. The page box has a fixed A4 size with hidden overflow, so however
//! long the names, it prints on exactly one page.

use super::html::{escape, md_to_html, proposal_file};
use super::human::{pct, qty_per_year, rub, Lang};
use super::investment::{amount_text, eligibility_text, payback_text, support_text};
use super::markdown::{esc, niche_text};
use crate::analysis::{Analysis, Eligibility, Niche};
use std::fmt::Write;

const CSS: &str = r#"
@page { size: A4; margin: 0; }
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; }
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: #1d2433; background: #e9edf3; font-size: 10.5pt; line-height: 1.35; }
.page { width: 210mm; height: 296mm; margin: 0 auto; padding: 13mm 14mm 11mm; background: #fff; overflow: hidden; display: flex; flex-direction: column; gap: 4mm; }
header { display: flex; justify-content: space-between; align-items: flex-end; gap: 6mm; border-bottom: 2.5px solid #0072b2; padding-bottom: 2.5mm; }
.cluster { font-size: 9pt; color: #5b6472; max-height: 2.8em; overflow: hidden; overflow-wrap: anywhere; }
.kind { font-size: 9pt; font-weight: bold; letter-spacing: .06em; color: #0072b2; white-space: nowrap; }
.where { display: flex; gap: 3mm; flex-wrap: wrap; max-height: 16mm; overflow: hidden; }
.chip { background: #0072b2; color: #fff; border-radius: 3mm; padding: 1mm 3.5mm; font-size: 9.5pt; overflow-wrap: anywhere; }
.chip.stage { background: #e3eef7; color: #0b4f7c; }
.label { font-size: 8pt; font-weight: bold; letter-spacing: .05em; text-transform: uppercase; color: #0b4f7c; margin-bottom: 1mm; }
.niche h1 { font-size: 19pt; margin: 0; line-height: 1.15; color: #1d2433; max-height: 3.5em; overflow: hidden; overflow-wrap: anywhere; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 3.5mm; }
.card { border: 1px solid #d9dee7; border-left: 4px solid #0072b2; border-radius: 2mm; padding: 2.5mm 3.5mm; max-height: 50mm; overflow: hidden; overflow-wrap: anywhere; }
.card.wide { grid-column: 1 / -1; }
.card.support { max-height: 62mm; }
.card .note { color: #8a3b12; }
.card.money { border-left-color: #009e73; }
.figure { font-size: 15pt; font-weight: bold; color: #1d2433; }
.card p { margin: .5mm 0; }
.card ul, .why ul { margin: .5mm 0; padding-left: 4.5mm; }
.why { flex: 1 1 auto; min-height: 0; overflow: hidden; border-top: 1px solid #d9dee7; padding-top: 2.5mm; overflow-wrap: anywhere; }
.why li { margin-bottom: 1mm; }
footer { font-size: 7.5pt; color: #5b6472; border-top: 1px solid #d9dee7; padding-top: 1.5mm; }
footer a { color: #0072b2; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: .92em; }
@media print { body { background: #fff; } .page { margin: 0; } footer a { color: inherit; text-decoration: none; } }
"#;

/// Markdown text from the report as inline HTML (without the paragraph around it).
fn inline(md: &str) -> String {
    let html = md_to_html(md);
    let t = html.trim();
    t.strip_prefix("<p>")
        .and_then(|t| t.strip_suffix("</p>"))
        .unwrap_or(t)
        .to_string()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn card(o: &mut String, class: &str, label: &str, body: &str) {
    let _ = writeln!(
        o,
        "<section class=\"card {class}\"><div class=\"label\">{}</div>{body}</section>",
        escape(label)
    );
}

/// The labels of the page in one language.
struct Labels {
    kind: &'static str,
    niche: &'static str,
    demand: &'static str,
    addressable: &'static str,
    potential: &'static str,
    consumers: &'static str,
    investment: &'static str,
    support: &'static str,
    payback: &'static str,
    why: &'static str,
    per_year: &'static str,
    of_demand: &'static str,
    footer: &'static str,
    report: &'static str,
}

const RU: Labels = Labels {
    kind: "ИНВЕСТИЦИОННОЕ ПРЕДЛОЖЕНИЕ",
    niche: "Инвестиционная ниша",
    demand: "Размер существующего спроса",
    addressable: "Адресуемый спрос",
    potential: "Потенциальный спрос",
    consumers: "Ключевые потребители в кластере",
    investment: "Предполагаемый объём инвестиций",
    support: "Меры государственной поддержки",
    payback: "Срок окупаемости",
    why: "Почему это ниша",
    per_year: "в год",
    of_demand: "спроса",
    footer: "Оценка nichegraph по данным участников кластера; допущения и формулы — в разделе «Допущения» отчёта",
    report: "отчёт",
};

const EN: Labels = Labels {
    kind: "INVESTMENT PROPOSAL",
    niche: "Investment niche",
    demand: "Existing demand",
    addressable: "Addressable demand",
    potential: "Potential demand",
    consumers: "Key consumers in the cluster",
    investment: "Estimated investment",
    support: "State support",
    payback: "Payback",
    why: "Why it is a niche",
    per_year: "a year",
    of_demand: "of demand",
    footer: "Estimate by nichegraph from the cluster participants' data; assumptions and formulas are in the report's «Assumptions» section",
    report: "report",
};

/// The potential demand line (SPEC v2, «существующий и потенциальный спрос»): the analyst's
/// sentence on the trend and the plans, and the trend's last projected year with its band.
/// Without a trend or plans there is nothing to say, and the card is left out.
fn potential_demand(a: &Analysis, n: &Niche, lang: Lang) -> Option<String> {
    let o = &n.need.outlook;
    if o.trend.is_none() && o.plans.is_empty() {
        return None;
    }
    let mut s = super::sections::outlook_sentence(o, a.study.year, lang);
    let last = o.trend.as_ref().and_then(|t| t.projection.last());
    if let Some(r) = last {
        let (low, high) = (
            r.low_rub.unwrap_or(r.demand_rub),
            r.high_rub.unwrap_or(r.demand_rub),
        );
        let year = r.year.unwrap_or_default();
        s.push(' ');
        s.push_str(&match lang {
            Lang::Ru => format!(
                "По тренду к {year} г. — {} (от {} до {}).",
                rub(r.demand_rub, lang),
                rub(low, lang),
                rub(high, lang)
            ),
            Lang::En => format!(
                "Along the trend, {} by {year} ({} to {}).",
                rub(r.demand_rub, lang),
                rub(low, lang),
                rub(high, lang)
            ),
        });
    }
    Some(s)
}

/// One niche's proposal page.
pub fn render(a: &Analysis, n: &Niche, lang: Lang) -> Vec<u8> {
    let l = match lang {
        Lang::Ru => &RU,
        Lang::En => &EN,
    };
    let need = &n.need;
    let text = niche_text(need, a.study.investment.capital_intensity, lang);
    let mut body = String::new();
    let _ = writeln!(
        body,
        "<header><div class=\"cluster\">{}</div><div class=\"kind\">{} № {}</div></header>",
        inline(&esc(&a.study.name)),
        escape(l.kind),
        n.rank
    );
    body.push_str("<div class=\"where\">");
    for r in &need.regions {
        let _ = write!(body, "<span class=\"chip\">{}</span>", inline(&esc(r)));
    }
    let _ = writeln!(
        body,
        "<span class=\"chip stage\">{}</span></div>",
        escape(&text.stage)
    );
    let _ = writeln!(
        body,
        "<section class=\"niche\"><div class=\"label\">{}:</div><h1>{}</h1></section>",
        escape(l.niche),
        inline(&esc(&need.product_name))
    );
    body.push_str("<div class=\"grid\">\n");
    let mut demand = format!(
        "<div class=\"figure\">{}</div><p>{} {}</p>",
        inline(&esc(&qty_per_year(need.demand_qty, &need.unit, lang))),
        escape(&rub(need.demand_rub, lang)),
        escape(l.per_year)
    );
    if need.addressable_rub != need.demand_rub {
        let _ = write!(
            demand,
            "<p>{}: {} ({})</p>",
            escape(l.addressable),
            inline(&esc(&qty_per_year(need.addressable_qty, &need.unit, lang))),
            escape(&rub(need.addressable_rub, lang))
        );
    }
    card(&mut body, "", l.demand, &demand);
    if let Some(p) = potential_demand(a, n, lang) {
        card(&mut body, "", l.potential, &inline(&p));
    }
    let consumers: String = need
        .key_consumers
        .iter()
        .map(|k| {
            format!(
                "<li>{} — {} {}</li>",
                inline(&esc(&k.name)),
                escape(&pct(k.share, lang)),
                escape(l.of_demand)
            )
        })
        .collect();
    card(&mut body, "", l.consumers, &format!("<ul>{consumers}</ul>"));
    let (figure, basis) = match text.investment.split_once(" (") {
        Some((f, b)) => (f.to_string(), format!("({b}")),
        None => (text.investment.clone(), String::new()),
    };
    card(
        &mut body,
        "money",
        l.investment,
        &format!(
            "<div class=\"figure\">{}</div><p>{}</p>",
            inline(&figure),
            inline(&basis)
        ),
    );
    card(
        &mut body,
        "money",
        l.payback,
        &format!("<p>{}</p>", inline(&payback_text(n, lang))),
    );
    let support = match n.support.potential() {
        Some(s) => format!(
            "<div class=\"figure\">{}{}</div><p>{}</p><p class=\"note\">{}</p>",
            escape(&rub(s.amount_rub, lang)),
            // The headline must not read as money the cluster can get today.
            match (s.eligibility, lang) {
                (Eligibility::Eligible, _) => "",
                (Eligibility::Unconfirmed, Lang::Ru) => " <small>(не подтверждено)</small>",
                (Eligibility::Unconfirmed, Lang::En) => " <small>(unconfirmed)</small>",
                (Eligibility::NotEligible, Lang::Ru) => " <small>(пока недоступно)</small>",
                (Eligibility::NotEligible, Lang::En) => " <small>(not available yet)</small>",
            },
            inline(&amount_text(a, s, lang)),
            inline(&capitalise(&eligibility_text(a, s, lang)))
        ),
        None => format!("<p>{}</p>", inline(&support_text(a, n, lang))),
    };
    card(&mut body, "money wide support", l.support, &support);
    body.push_str("</div>\n");
    let reasons: String = text
        .reasons
        .iter()
        .map(|r| format!("<li>{}</li>", inline(r)))
        .collect();
    let _ = writeln!(
        body,
        "<section class=\"why\"><div class=\"label\">{}</div><ul>{reasons}</ul></section>",
        escape(l.why)
    );
    let year = a.study.year.map(|y| format!(" · {y}")).unwrap_or_default();
    let _ = writeln!(
        body,
        "<footer>{}{year} · <a href=\"../report.html\">{}</a> · nichegraph {}</footer>",
        escape(l.footer),
        escape(l.report),
        env!("CARGO_PKG_VERSION")
    );
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main class=\"page\">\n{body}</main>\n</body>\n</html>\n",
        lang = if lang == Lang::Ru { "ru" } else { "en" },
        title = escape(&format!("{} № {} — {}", l.kind, n.rank, need.product_name)),
    )
    .into_bytes()
}

/// Every niche's proposal, by rank.
pub fn render_all(a: &Analysis, lang: Lang) -> crate::output::Files {
    a.niches
        .iter()
        .map(|n| (proposal_file(n), render(a, n, lang)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::SupplyGraph;
    use std::path::Path;

    fn analysis(dir: &Path) -> Analysis {
        let s = crate::study::load(dir).expect("study loads");
        crate::analysis::analyze(&s, &SupplyGraph::build(&s)).expect("study analyses")
    }

    fn root() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR"))
    }

    #[test]
    fn composites_first_proposal() {
        let a = analysis(&root().join("data/composites-without-borders"));
        let html = String::from_utf8(render(&a, &a.niches[0], Lang::Ru)).unwrap();
        insta::assert_snapshot!("proposal_composites_1_ru", html);
        assert_eq!(
            proposal_file(&a.niches[0]),
            "proposals/1-fabrics-prepregs.html"
        );
    }

    #[test]
    fn hostile_names_stay_text() {
        let a = analysis(&root().join("tests/fixtures/hostile"));
        assert!(!a.niches.is_empty());
        for lang in [Lang::Ru, Lang::En] {
            for (name, bytes) in render_all(&a, lang) {
                let html = String::from_utf8(bytes).unwrap();
                assert_eq!(html.matches("<script").count(), 0, "{name}");
                assert!(!html.contains("<img"), "{name}");
                assert!(!html.contains("<u>"), "{name}");
                assert!(html.contains("default-src 'none'"), "{name}");
                // The names are shown, as text.
                assert!(html.contains("&lt;"), "{name}");
            }
        }
    }

    #[test]
    fn every_niche_gets_one_page_in_rank_order() {
        let a = analysis(&root().join("data/composites-without-borders"));
        let files = render_all(&a, Lang::En);
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        let want: Vec<String> = a.niches.iter().map(proposal_file).collect();
        assert_eq!(names, want);
        let html = String::from_utf8(files[0].1.clone()).unwrap();
        assert!(html.contains("INVESTMENT PROPOSAL № 1"));
        assert!(html.contains("size: A4"));
        assert!(html.contains("Payback"));
    }
}
