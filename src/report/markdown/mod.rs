//! `report.md`: the niche report in the style of the association's analysis of
//! «Композиты без границ»: the chain by stage, the key production problems, one block per niche.

pub(crate) use super::escape::esc;
use super::human::{self, pct, qty_per_year, roman, rub, Lang};
use crate::analysis::{Analysis, Need};
use std::fmt::Write;

mod niche;
mod words;

pub(crate) use niche::niche_text;
use niche::{capitalise, investment_text, reasons, short_reason, stage_title};
use words::{EN, RU};

fn roles(a: &Analysis) -> std::collections::BTreeMap<String, crate::study::Role> {
    a.chain.iter().map(|m| (m.id.clone(), m.role)).collect()
}

pub fn render(a: &Analysis, lang: Lang) -> Vec<u8> {
    sections(a, lang)
        .into_iter()
        .map(|(_, text)| text)
        .collect::<String>()
        .into_bytes()
}

/// Ends the current section: moves `o` into `out` under `key`.
fn cut(out: &mut Vec<(&'static str, String)>, o: &mut String, key: &'static str) {
    out.push((key, std::mem::take(o)));
}

/// The report as named sections (head, summary, chain, problems, niches, outlook, hidden_imports,
/// compliance, method), so that the HTML report can place charts beside them.
pub fn sections(a: &Analysis, lang: Lang) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let w = match lang {
        Lang::Ru => &RU,
        Lang::En => &EN,
    };
    let mut o = String::new();
    let _ = writeln!(o, "# {}: {}\n", w.title, esc(&a.study.name));
    let regions: Vec<String> = a.study.regions.iter().map(|r| esc(r)).collect();
    let _ = write!(o, "{}: {}", w.regions, regions.join(", "));
    if let Some(y) = a.study.year {
        let _ = write!(o, " · {}: {}", w.year, y);
    }
    o.push_str("\n\n");

    cut(&mut out, &mut o, "head");
    // Summary.
    let _ = writeln!(o, "## {}\n", w.summary);
    if a.niches.is_empty() {
        let _ = writeln!(o, "{}\n", w.no_niches);
    } else {
        let addressable: f64 = a.niches.iter().map(|n| n.need.addressable_rub).sum();
        let investment: f64 = a.niches.iter().map(|n| n.need.investment_rub).sum();
        let _ = writeln!(
            o,
            "- {}: {}\n- {}: {}\n- {}: {}\n",
            w.niches_found,
            a.niches.len(),
            w.addressable_total,
            rub(addressable, lang),
            w.investment_total,
            rub(investment, lang)
        );
        let _ = writeln!(o, "{}", w.table_head);
        let _ = writeln!(o, "|---|---|---|---|---|---|");
        for n in &a.niches {
            let need = &n.need;
            let _ = writeln!(
                o,
                "| {} | {} | {} | {}; {} | {} | {} |",
                n.rank,
                esc(&need.product_name),
                roman(need.stage),
                qty_per_year(need.demand_qty, &need.unit, lang),
                rub(need.demand_rub, lang),
                short_reason(need, w),
                rub(need.investment_rub, lang)
            );
        }
        o.push('\n');
    }

    cut(&mut out, &mut o, "summary");
    /// Members listed per stage in the processing chain.
    const MAX_MEMBERS: usize = 25;
    // The processing chain.
    let _ = writeln!(o, "## {}\n", w.chain);
    for stage in 1..=4u8 {
        let mut members: Vec<_> = a.chain.iter().filter(|m| m.stage == Some(stage)).collect();
        if members.is_empty() {
            continue;
        }
        // A national study has thousands per stage: list the largest.
        let total = members.len();
        if total > MAX_MEMBERS {
            members.sort_by(|x, y| {
                y.turnover_rub
                    .total_cmp(&x.turnover_rub)
                    .then(x.id.cmp(&y.id))
            });
            members.truncate(MAX_MEMBERS);
        }
        let _ = writeln!(o, "### {}\n", stage_title(w, stage));
        for m in members {
            let what = if m.supplies.is_empty() && !m.buys.is_empty() {
                let s: Vec<String> = m.buys.iter().map(|x| esc(x)).collect();
                format!("{}: {}", w.buys, s.join(", "))
            } else if m.supplies.is_empty() {
                w.no_supplies.to_string()
            } else {
                let s: Vec<String> = m.supplies.iter().map(|x| esc(x)).collect();
                format!("{}: {}", w.supplies, s.join(", "))
            };
            let _ = writeln!(o, "- {} ({}) — {}", esc(&m.name), esc(&m.region), what);
        }
        if total > MAX_MEMBERS {
            let more = w
                .more_members
                .replace("{n}", &(total - MAX_MEMBERS).to_string())
                .replace("{shown}", &MAX_MEMBERS.to_string());
            let _ = writeln!(o, "- … {more}");
        }
        o.push('\n');
    }

    cut(&mut out, &mut o, "chain");
    // Key production problems per stage: every need with a flag.
    let _ = writeln!(o, "## {}\n", w.problems);
    let flagged: Vec<&Need> = a.needs.iter().filter(|n| !n.flags.is_empty()).collect();
    if flagged.is_empty() {
        let _ = writeln!(o, "{}\n", w.no_problems);
    }
    for stage in 1..=4u8 {
        let here: Vec<&&Need> = flagged.iter().filter(|n| n.stage == stage).collect();
        if here.is_empty() {
            continue;
        }
        let _ = writeln!(o, "### {}\n", stage_title(w, stage));
        for n in here {
            let mut head = format!("**{}**", esc(&n.product_name));
            if !n.is_niche {
                head = format!("{} ({})", head, w.below_threshold);
            }
            let _ = writeln!(o, "{}\n", head);
            for r in reasons(n, w, lang) {
                let _ = writeln!(o, "- {}: {}", w.problem, r);
            }
            o.push('\n');
        }
    }

    cut(&mut out, &mut o, "problems");
    // One block per niche.
    if !a.niches.is_empty() {
        let _ = writeln!(o, "## {}\n", w.niches);
    }
    for n in &a.niches {
        let need = &n.need;
        let _ = writeln!(o, "### {}. {}\n", n.rank, esc(&need.product_name));
        let regions: Vec<String> = need.regions.iter().map(|r| esc(r)).collect();
        let consumers: Vec<String> = need
            .key_consumers
            .iter()
            .map(|k| format!("{} — {} {}", esc(&k.name), pct(k.share, lang), w.of_demand))
            .collect();
        let _ = writeln!(o, "| | |\n|---|---|");
        let _ = writeln!(o, "| {} | {} |", w.region, regions.join(", "));
        let _ = writeln!(
            o,
            "| {} | {} |",
            capitalise(w.stage),
            stage_title(w, need.stage)
        );
        let _ = writeln!(o, "| {} | {} |", w.niche, esc(&need.product_name));
        let _ = writeln!(
            o,
            "| {} | {} ({}/{}) |",
            w.demand,
            qty_per_year(need.demand_qty, &need.unit, lang),
            rub(need.demand_rub, lang),
            if lang == Lang::Ru { "год" } else { "yr" }
        );
        if need.addressable_rub != need.demand_rub {
            let _ = writeln!(
                o,
                "| {} | {} ({}) |",
                w.addressable,
                qty_per_year(need.addressable_qty, &need.unit, lang),
                rub(need.addressable_rub, lang)
            );
        }
        let _ = writeln!(o, "| {} | {} |", w.key_consumers, consumers.join("; "));
        let _ = writeln!(
            o,
            "| {} | {} |",
            w.investment,
            investment_text(need, a.study.investment.capital_intensity, w, lang)
        );
        super::investment::rows(&mut o, a, n, lang);
        let _ = writeln!(o, "| {} | {} |", w.why, reasons(need, w, lang).join("; "));
        let _ = writeln!(
            o,
            "| {} | {} |",
            w.downstream,
            rub(need.downstream_final_rub, lang)
        );
        o.push('\n');
    }

    cut(&mut out, &mut o, "niches");
    super::sections::outlook(&mut o, a, lang);
    cut(&mut out, &mut o, "outlook");
    super::sections::hidden_imports(&mut o, a, lang, &roles(a));
    cut(&mut out, &mut o, "hidden_imports");
    super::sections::compliance(&mut o, a, lang);
    cut(&mut out, &mut o, "compliance");
    super::investment::assumptions(&mut o, a, lang);
    cut(&mut out, &mut o, "assumptions");

    // Method and thresholds used.
    let c = &a.study.criteria;
    let _ = writeln!(o, "## {}\n", w.method);
    let _ = writeln!(o, "{}\n", w.method_text);
    let thresholds = match lang {
        Lang::Ru => format!(
            "Пороги: доля импорта выше {}, критическая доля импорта от {}, превышение эталонной цены больше {}, минимальный спрос {}, капиталоёмкость {} руб. инвестиций на 1 руб. адресуемого спроса.",
            pct(c.import_share_min, lang),
            pct(c.critical_import_share, lang),
            pct(c.cost_premium_min, lang),
            rub(c.min_demand_rub, lang),
            human::sig3(a.study.investment.capital_intensity, lang)
        ),
        Lang::En => format!(
            "Thresholds: import share above {}, critical import share from {}, price above benchmark by more than {}, minimum demand {}, capital intensity {} RUB of investment per RUB of addressable demand.",
            pct(c.import_share_min, lang),
            pct(c.critical_import_share, lang),
            pct(c.cost_premium_min, lang),
            rub(c.min_demand_rub, lang),
            human::sig3(a.study.investment.capital_intensity, lang)
        ),
    };
    let _ = writeln!(o, "{thresholds}");
    cut(&mut out, &mut o, "method");
    out
}
