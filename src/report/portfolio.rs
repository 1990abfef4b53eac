//! The files of `<out>/portfolio/`: shared_niches.csv, supply_matches.csv and registry.csv
//! (frames of the column dictionary, `columns.rs`), portfolio.md in words for people, and portfolio.html (the same sections
//! with the two portfolio charts, self-contained like report.html).

use super::human::{qty, rub, Lang};
use super::markdown::esc;
use crate::analysis::compliance::CRITERIA;
use crate::analysis::portfolio::{Portfolio, SharedNiche};
use crate::analysis::Status;
use crate::error::Result;
use std::collections::BTreeMap;
use std::fmt::Write;

pub fn shared_niches(p: &Portfolio) -> Result<Vec<u8>> {
    super::csv::frame(&super::columns::shared_niches(p))
}

pub fn supply_matches(p: &Portfolio) -> Result<Vec<u8>> {
    super::csv::frame(&super::columns::supply_matches(p))
}

pub fn registry(p: &Portfolio) -> Result<Vec<u8>> {
    super::csv::frame(&super::columns::registry(p))
}

fn status(s: &str) -> Option<Status> {
    match s {
        "pass" => Some(Status::Pass),
        "fail" => Some(Status::Fail),
        "unknown" => Some(Status::Unknown),
        _ => None,
    }
}

/// The code people know a product by, when its key is one (not a product id).
fn code(key: &str) -> Option<&str> {
    crate::chart::portfolio::code(key)
}

/// Sections of portfolio.md, each (name, Markdown); the HTML page places charts after some.
pub fn sections(p: &Portfolio, lang: Lang) -> Vec<(&'static str, String)> {
    let names: BTreeMap<&str, &str> = p
        .studies
        .iter()
        .map(|(id, name, _)| (id.as_str(), name.as_str()))
        .collect();
    let name = |id: &str| esc(names.get(id).copied().unwrap_or(id));
    let ru = lang == Lang::Ru;
    let mut out = Vec::new();

    let mut s = String::new();
    let _ = writeln!(
        s,
        "# {}\n",
        if ru {
            "Портфель ассоциации: общие ниши и кооперация кластеров"
        } else {
            "The association's portfolio: shared niches and cooperation between clusters"
        }
    );
    let _ = writeln!(
        s,
        "{} {}.\n",
        if ru {
            "Кластеров в портфеле:"
        } else {
            "Clusters in the portfolio:"
        },
        p.studies.len()
    );
    for (_, n, count) in &p.studies {
        let _ = writeln!(
            s,
            "- {} — {}",
            esc(n),
            if ru {
                format!("инвестиционных ниш: {count}")
            } else {
                format!("investment niches: {count}")
            }
        );
    }
    if p.studies.len() < 2 {
        let _ = writeln!(
            s,
            "\n{}",
            if ru {
                "Для общих ниш и кооперационных связей нужны хотя бы два кластера."
            } else {
                "Shared niches and cooperation need at least two clusters."
            }
        );
    }
    out.push(("summary", s));

    if !p.missing.is_empty() {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "## {}\n",
            if ru {
                "Не вошли в портфель"
            } else {
                "Not in the portfolio"
            }
        );
        let _ = writeln!(
            s,
            "{}\n",
            if ru {
                "Эти исследования пакета не удалось проанализировать, поэтому их ниши и поставщики здесь не учтены:"
            } else {
                "These studies of the batch could not be analysed, so their niches and suppliers are not counted here:"
            }
        );
        for m in &p.missing {
            let _ = writeln!(s, "- {}: {}", esc(&m.path), esc(&m.reason));
        }
        out.push(("missing", s));
    }

    if p.studies.len() >= 2 {
        out.push(("shared", shared_section(p, lang, &name)));
        out.push(("matches", matches_section(p, lang, &name)));
        out.push(("registry", registry_section(p, lang, &name)));
    }
    out
}

fn combined_qty(s: &SharedNiche, lang: Lang) -> String {
    match (s.addressable_qty, s.units.first()) {
        (Some(q), Some(u)) => qty(q, u, lang),
        _ if lang == Lang::Ru => "единицы измерения различаются".to_string(),
        _ => "units differ".to_string(),
    }
}

fn shared_section(p: &Portfolio, lang: Lang, name: &dyn Fn(&str) -> String) -> String {
    let ru = lang == Lang::Ru;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "## {}\n",
        if ru {
            "Общие инвестиционные ниши"
        } else {
            "Shared investment niches"
        }
    );
    if p.shared.is_empty() {
        let _ = writeln!(
            s,
            "{}",
            if ru {
                "Ни одна продукция не является нишей сразу в двух кластерах и более."
            } else {
                "No product is a niche in two or more clusters."
            }
        );
        return s;
    }
    let _ = writeln!(
        s,
        "{}\n",
        if ru {
            "Продукция, которая является инвестиционной нишей сразу в нескольких кластерах: их спрос вместе может оправдать одно производство."
        } else {
            "Products that are an investment niche in several clusters at once: their demand together can justify one plant."
        }
    );
    for (i, sh) in p.shared.iter().enumerate() {
        let title = match code(&sh.key) {
            Some(c) if ru => format!("{} (код {c})", esc(&sh.product_name)),
            Some(c) => format!("{} (code {c})", esc(&sh.product_name)),
            None => esc(&sh.product_name),
        };
        let _ = writeln!(s, "### {}. {title}\n", i + 1);
        let _ = writeln!(
            s,
            "- {}: {} {} ({})",
            if ru {
                "Совокупный адресуемый спрос"
            } else {
                "Combined addressable demand"
            },
            rub(sh.addressable_rub, lang),
            if ru { "в год" } else { "per year" },
            combined_qty(sh, lang)
        );
        let _ = writeln!(
            s,
            "- {}: {}",
            if ru {
                "Оценка инвестиций (сумма по кластерам)"
            } else {
                "Estimated investment (sum over the clusters)"
            },
            rub(sh.investment_rub, lang)
        );
        let parts: Vec<String> = sh
            .by_study
            .iter()
            .map(|(id, v)| format!("{} — {}", name(id), rub(*v, lang)))
            .collect();
        let _ = writeln!(
            s,
            "- {}: {}",
            if ru {
                "Кластеры с этой нишей"
            } else {
                "Clusters with this niche"
            },
            parts.join("; ")
        );
        if sh.makers.is_empty() {
            let _ = writeln!(
                s,
                "- {}",
                if ru {
                    "Ни один кластер портфеля её пока не производит."
                } else {
                    "No cluster of the portfolio makes it yet."
                }
            );
        } else {
            let makers: Vec<String> = sh
                .makers
                .iter()
                .map(|(id, who)| {
                    let who: Vec<String> = who.iter().map(|w| esc(w)).collect();
                    format!("{} ({})", name(id), who.join(", "))
                })
                .collect();
            let _ = writeln!(
                s,
                "- {}: {}",
                if ru {
                    "Уже производят"
                } else {
                    "Already made by"
                },
                makers.join("; ")
            );
        }
        s.push('\n');
    }
    s
}

fn matches_section(p: &Portfolio, lang: Lang, name: &dyn Fn(&str) -> String) -> String {
    let ru = lang == Lang::Ru;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "## {}\n",
        if ru {
            "Кооперационные связи между кластерами"
        } else {
            "Cooperation between clusters"
        }
    );
    if p.matches.is_empty() {
        let _ = writeln!(
            s,
            "{}",
            if ru {
                "Участники других кластеров портфеля не поставляют продукцию ниш."
            } else {
                "No participant of another cluster of the portfolio supplies a niche's product."
            }
        );
        return s;
    }
    let _ = writeln!(
        s,
        "{}\n",
        if ru {
            "Ниша одного кластера — продукция участника другого: такой участник может стать поставщиком."
        } else {
            "One cluster's niche is a product of another cluster's participant, which could become its supplier."
        }
    );
    let head = if ru {
        "| Кластер с нишей | Ниша | Кластер-поставщик | Участник-поставщик | Поставляет сейчас, в год |"
    } else {
        "| Cluster with the niche | Niche | Supplying cluster | Supplying participant | Supplies now, per year |"
    };
    let _ = writeln!(s, "{head}\n|---|---|---|---|---|");
    for m in &p.matches {
        let _ = writeln!(
            s,
            "| {} | {}. {} | {} | {} | {} |",
            name(&m.study),
            m.rank,
            esc(&m.product_name),
            name(&m.supplier_study),
            esc(&m.supplier_name),
            rub(m.supplied_rub, lang)
        );
    }
    s
}

fn registry_section(p: &Portfolio, lang: Lang, name: &dyn Fn(&str) -> String) -> String {
    let ru = lang == Lang::Ru;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "## {}\n",
        if ru {
            "Требования к кластерам реестра (ПП РФ № 779)"
        } else {
            "Registry requirements (Government Decree No. 779)"
        }
    );
    let head = if ru {
        "| Кластер | Итог | Не выполнены | Недостаточно данных |"
    } else {
        "| Cluster | Overall | Not met | Not enough data |"
    };
    let _ = writeln!(s, "{head}\n|---|---|---|---|");
    for r in &p.registry {
        let list = |want: Status| {
            let names: Vec<&str> = CRITERIA
                .iter()
                .zip(&r.statuses)
                .filter(|(_, st)| status(st) == Some(want))
                .map(|(id, _)| super::labels::criterion(id, lang))
                .collect();
            if names.is_empty() {
                "—".to_string()
            } else {
                names.join("; ")
            }
        };
        let overall = status(&r.overall)
            .map(|st| super::sections::status_word(st, lang))
            .unwrap_or("—");
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            name(&r.study),
            overall,
            list(Status::Fail),
            list(Status::Unknown)
        );
    }
    s
}

pub fn markdown(p: &Portfolio, lang: Lang) -> Vec<u8> {
    let mut s = String::new();
    for (_, part) in sections(p, lang) {
        if !s.is_empty() {
            s.push('\n');
        }
        s.push_str(part.trim_end());
        s.push('\n');
    }
    s.into_bytes()
}

pub fn html(p: &Portfolio, lang: Lang, charts: &[super::html::Figure<'_>]) -> Vec<u8> {
    use super::html::{escape, figure, md_to_html, CSS};
    let mut body = String::new();
    for (key, md) in sections(p, lang) {
        body.push_str(&md_to_html(&md));
        let chart = match key {
            "shared" => Some("shared_niches"),
            "matches" => Some("supply_matches"),
            _ => None,
        };
        for f in charts.iter().filter(|f| Some(f.name) == chart) {
            body.push_str(&figure(f));
        }
    }
    let (title, footer) = match lang {
        Lang::Ru => ("Портфель ассоциации", "Подготовлено nichegraph"),
        Lang::En => ("The association's portfolio", "Prepared by nichegraph"),
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n{body}<footer>{footer} {version}</footer>\n</main>\n</body>\n</html>\n",
        lang = if lang == Lang::Ru { "ru" } else { "en" },
        title = escape(title),
        version = env!("CARGO_PKG_VERSION"),
    )
    .into_bytes()
}

/// Every file of the portfolio folder, in a fixed order.
pub fn render(p: &Portfolio, lang: Lang) -> Result<crate::output::Files> {
    let (demand, map) = rayon::join(
        || crate::chart::portfolio_demand(p, lang),
        || crate::chart::portfolio_map(p, lang),
    );
    let (demand, map) = (demand?, map?);
    let figures = [&demand, &map].map(|c| super::html::Figure {
        name: c.name,
        title: &c.title,
        svg: &c.svg,
    });
    Ok(vec![
        ("shared_niches.csv".to_string(), shared_niches(p)?),
        ("supply_matches.csv".to_string(), supply_matches(p)?),
        ("registry.csv".to_string(), registry(p)?),
        ("portfolio.md".to_string(), markdown(p, lang)),
        ("portfolio.html".to_string(), html(p, lang, &figures)),
    ])
}
