//! A niche in words: why it is one, its specification gaps, its import origins, the investment;
//! report.md and the proposals both say it so.

use super::words::{Words, EN, RU};
use crate::analysis::{Flag, InvestmentBasis, Need};
use crate::human;
use crate::human::{country, pct, qty, roman, rub, Lang};
use crate::report::escape::esc;

pub(super) fn num(x: f64, lang: Lang) -> String {
    let s = format!("{}", x + 0.0);
    if lang == Lang::Ru {
        s.replace('.', ",")
    } else {
        s
    }
}

pub(super) fn stage_title(w: &Words, stage: u8) -> String {
    let name = w.stage_names.get(stage as usize - 1).copied().unwrap_or("");
    if w.stage == "передел" {
        format!("{} {} — {}", roman(stage), w.stage, name)
    } else {
        format!("{} {} — {}", capitalise(w.stage), stage, name)
    }
}

/// «Прочность …» as inside a sentence: the first letter lowered unless the word is an
/// abbreviation («КПД»).
pub(super) fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match (c.next(), c.clone().next()) {
        (Some(f), Some(g)) if g.is_lowercase() => f.to_lowercase().collect::<String>() + c.as_str(),
        _ => s.to_string(),
    }
}

pub(super) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The problems that make `n` a need worth naming, one line each.
pub(super) fn reasons(n: &Need, w: &Words, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    if n.import_rub > 0.0 && !n.flags.contains(&Flag::Import) {
        out.push(format!(
            "{} — {}: {}",
            capitalise(w.import_part),
            pct(n.import_share, lang),
            origins_text(n, lang)
        ));
    }
    for f in &n.flags {
        match f {
            Flag::Import => {
                let label = if n.critical_import {
                    w.critical_import
                } else {
                    w.high_import
                };
                out.push(format!(
                    "{} — {}: {}",
                    capitalise(label),
                    pct(n.import_share, lang),
                    origins_text(n, lang)
                ));
            }
            Flag::Cost => {
                let avg = n
                    .avg_price_rub
                    .map(|p| human::rub(p, lang))
                    .unwrap_or_default();
                let bench = n
                    .benchmark_price_rub
                    .map(|p| human::rub(p, lang))
                    .unwrap_or_default();
                let premium = n.cost_premium.map(|c| pct(c, lang)).unwrap_or_default();
                let line = match lang {
                    Lang::Ru => format!(
                        "{}: {} {} за {}, на {} выше {} ({})",
                        capitalise(w.high_cost),
                        w.avg_price,
                        avg,
                        human::unit(&n.unit),
                        premium,
                        w.above_benchmark,
                        bench
                    ),
                    Lang::En => format!(
                        "{}: {} {} per {}, {} above {} ({})",
                        capitalise(w.high_cost),
                        w.avg_price,
                        avg,
                        human::unit(&n.unit),
                        premium,
                        w.above_benchmark,
                        bench
                    ),
                };
                out.push(line);
            }
            Flag::Spec => {
                let gaps: Vec<String> = n
                    .spec_gaps
                    .iter()
                    .map(|g| spec_gap_text(g, w, lang))
                    .collect();
                out.push(format!("{}: {}", capitalise(w.no_spec), gaps.join("; ")));
            }
        }
    }
    out
}

/// A spec gap as the seed writes it: who requires what, and the best value on offer.
/// «для ООО «Аргон» требуется прочность при растяжении не менее 4,9 ГПа, лучшее предложение
/// поставщиков — 3,5 ГПа».
pub(super) fn spec_gap_text(g: &crate::analysis::SpecGap, w: &Words, lang: Lang) -> String {
    let unit = g
        .unit
        .as_deref()
        .map(|u| format!(" {}", esc(u)))
        .unwrap_or_default();
    let mut bounds = Vec::new();
    if let Some(m) = g.required_min {
        bounds.push(format!("{} {}{unit}", w.at_least, num(m, lang)));
    }
    if let Some(m) = g.required_max {
        bounds.push(format!("{} {}{unit}", w.at_most, num(m, lang)));
    }
    let offer = match g.available {
        Some(a) => format!("{} {}{unit}", w.best_offer, num(a, lang)),
        None => w.not_offered.to_string(),
    };
    let parameter = lower_first(&esc(&crate::report::labels::parameter(g)));
    let consumer = esc(&g.consumer_name);
    match lang {
        // «для … требуется прочность»: the parameter stays in the nominative, whatever it is.
        Lang::Ru => format!(
            "для {consumer} {} {parameter} {}, {offer}",
            w.requires,
            bounds.join(" и ")
        ),
        Lang::En => format!(
            "{consumer} {} {parameter} of {}, {offer}",
            w.requires,
            bounds.join(" and ")
        ),
    }
}

/// Import origins as «Франция 62 % (Porcher Industries); США 38 % (Ahlstrom)».
pub(super) fn origins_text(n: &Need, lang: Lang) -> String {
    n.import_origins
        .iter()
        .map(|o| {
            let mut s = format!("{} {}", esc(&country(&o.origin, lang)), pct(o.share, lang));
            if !o.supplier_names.is_empty() {
                let names: Vec<String> = o.supplier_names.iter().map(|x| esc(x)).collect();
                s = format!("{} ({})", s, names.join(", "));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub(super) fn short_reason(n: &Need, w: &Words) -> String {
    n.flags
        .iter()
        .map(|f| match f {
            Flag::Import if n.critical_import => w.critical_import,
            Flag::Import => w.high_import,
            Flag::Cost => w.high_cost,
            Flag::Spec => w.no_spec,
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub(super) fn investment_text(n: &Need, intensity: f64, w: &Words, lang: Lang) -> String {
    let total = rub(n.investment_rub, lang);
    match (
        n.investment_basis,
        n.capex_rub_per_unit,
        n.investment_capacity,
    ) {
        (InvestmentBasis::Capex, Some(capex), Some(cap)) => format!(
            "{total} ({}: {} {} {} × {} {})",
            w.basis_capex,
            rub(capex, lang),
            w.per,
            human::unit(&n.unit),
            qty(cap, &n.unit, lang),
            w.capacity
        ),
        _ => format!(
            "{total} ({}: {} × {})",
            w.basis_intensity,
            human::sig3(intensity, lang),
            rub(n.addressable_rub, lang)
        ),
    }
}

/// What the proposals borrow from the report: the stage title, the reasons and the investment.
pub(crate) struct NicheText {
    pub stage: String,
    pub reasons: Vec<String>,
    pub investment: String,
}

pub(crate) fn niche_text(n: &Need, intensity: f64, lang: Lang) -> NicheText {
    let w = match lang {
        Lang::Ru => &RU,
        Lang::En => &EN,
    };
    NicheText {
        stage: stage_title(w, n.stage),
        reasons: reasons(n, w, lang),
        investment: investment_text(n, intensity, w, lang),
    }
}
