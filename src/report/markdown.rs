//! `report.md`: the niche report in the style of the association's analysis of
//! «Композиты без границ»: the chain by stage, the key production problems, one block per niche.

pub(crate) use super::escape::esc;
use super::human::{self, country, pct, qty, qty_per_year, roman, rub, Lang};
use crate::analysis::{Analysis, Flag, InvestmentBasis, Need};
use std::fmt::Write;

/// Words of the report in one language.
struct Words {
    title: &'static str,
    regions: &'static str,
    year: &'static str,
    summary: &'static str,
    niches_found: &'static str,
    no_niches: &'static str,
    addressable_total: &'static str,
    investment_total: &'static str,
    table_head: &'static str,
    chain: &'static str,
    stage_names: [&'static str; 4],
    stage: &'static str,
    supplies: &'static str,
    no_supplies: &'static str,
    /// "{n} more": the line after a stage's list when only its largest members are listed.
    more_members: &'static str,
    problems: &'static str,
    no_problems: &'static str,
    problem: &'static str,
    high_import: &'static str,
    import_part: &'static str,
    buys: &'static str,
    critical_import: &'static str,
    high_cost: &'static str,
    avg_price: &'static str,
    above_benchmark: &'static str,
    no_spec: &'static str,
    /// «для {consumer} требуется» / «{consumer} requires»: who requires the characteristic.
    requires: &'static str,
    at_least: &'static str,
    at_most: &'static str,
    /// The best value current suppliers offer.
    best_offer: &'static str,
    not_offered: &'static str,
    below_threshold: &'static str,
    niches: &'static str,
    region: &'static str,
    niche: &'static str,
    demand: &'static str,
    key_consumers: &'static str,
    investment: &'static str,
    basis_capex: &'static str,
    basis_intensity: &'static str,
    capacity: &'static str,
    why: &'static str,
    addressable: &'static str,
    downstream: &'static str,
    method: &'static str,
    method_text: &'static str,
    per: &'static str,
    of_demand: &'static str,
}

const RU: Words = Words {
    title: "Инвестиционные ниши",
    regions: "Регионы",
    year: "Год данных",
    summary: "Итоги",
    niches_found: "Выявлено инвестиционных ниш",
    no_niches: "Инвестиционных ниш по заданным критериям не выявлено.",
    addressable_total: "Адресуемый спрос",
    investment_total: "Предполагаемый объём инвестиций",
    table_head: "| № | Инвестиционная ниша | Передел | Размер существующего спроса | Причина | Инвестиции |",
    chain: "Технологическая цепочка кластера",
    stage_names: [
        "обработка сырья, детали",
        "комплектующие",
        "узлы и агрегаты",
        "конечная продукция",
    ],
    stage: "передел",
    supplies: "поставляет",
    no_supplies: "поставок участникам кластера нет",
    more_members: "и ещё {n} участников этого передела; перечислены {shown} крупнейших по обороту (закупки и поставки), полный список — в participants.csv исследования",
    problems: "Ключевые производственные проблемы кластера",
    no_problems: "Потребностей с высокой долей импорта, высокой стоимостью или отсутствующими характеристиками не выявлено.",
    problem: "Проблема",
    high_import: "высокая доля импорта",
    import_part: "доля импорта",
    buys: "закупает",
    critical_import: "критическая доля импорта",
    high_cost: "высокая стоимость продукции",
    avg_price: "средняя цена",
    above_benchmark: "эталонной цены",
    no_spec: "отсутствие на рынке продукции с необходимыми техническими характеристиками",
    requires: "требуется",
    at_least: "не менее",
    at_most: "не более",
    best_offer: "лучшее предложение поставщиков —",
    not_offered: "предложений поставщиков нет",
    below_threshold: "спрос ниже порога ниши",
    niches: "Инвестиционные ниши",
    region: "Регион",
    niche: "Инвестиционная ниша",
    demand: "Размер существующего спроса",
    key_consumers: "Ключевые потребители в кластере",
    investment: "Предполагаемый объём инвестиций",
    basis_capex: "по удельным капвложениям",
    basis_intensity: "по капиталоёмкости",
    capacity: "годовой мощности",
    why: "Почему ниша",
    addressable: "Адресуемый спрос",
    downstream: "Конечная продукция ниже по цепочке",
    method: "Методика",
    method_text: "Потребность — продукция, которую закупают участники кластера. Она становится инвестиционной нишей, если выполнено хотя бы одно условие: доля импорта выше порога, средняя цена выше эталонной больше чем на порог, или требуемая техническая характеристика не предлагается ни одним поставщиком; и спрос не ниже минимального. Адресуемый спрос — весь спрос при высокой стоимости или отсутствии характеристик, иначе импортная часть. Ниши ранжированы по адресуемому спросу.",
    per: "на",
    of_demand: "спроса",
};

const EN: Words = Words {
    title: "Investment niches",
    regions: "Regions",
    year: "Data year",
    summary: "Summary",
    niches_found: "Investment niches found",
    no_niches: "No investment niches meet the criteria.",
    addressable_total: "Addressable demand",
    investment_total: "Estimated investment",
    table_head: "| No. | Investment niche | Stage | Existing demand | Reason | Investment |",
    chain: "The cluster's processing chain",
    stage_names: [
        "raw material processing, parts",
        "components",
        "units and assemblies",
        "final product",
    ],
    stage: "stage",
    supplies: "supplies",
    no_supplies: "no supplies to cluster participants",
    more_members: "and {n} more participants at this stage; the {shown} largest by turnover (purchases and supplies) are listed, all of them are in the study's participants.csv",
    problems: "Key production problems of the cluster",
    no_problems: "No needs with a high import share, a high cost or a missing characteristic.",
    problem: "Problem",
    high_import: "high import share",
    import_part: "import share",
    buys: "buys",
    critical_import: "critical import share",
    high_cost: "high cost",
    avg_price: "average price",
    above_benchmark: "the benchmark price",
    no_spec: "no product on the market with the required technical characteristics",
    requires: "requires",
    at_least: "at least",
    at_most: "at most",
    best_offer: "the best on offer is",
    not_offered: "no supplier offers it",
    below_threshold: "demand below the niche threshold",
    niches: "Investment niches",
    region: "Region",
    niche: "Investment niche",
    demand: "Existing demand",
    key_consumers: "Key consumers in the cluster",
    investment: "Estimated investment",
    basis_capex: "from capital cost per unit",
    basis_intensity: "from capital intensity",
    capacity: "annual capacity",
    why: "Why a niche",
    addressable: "Addressable demand",
    downstream: "Final output downstream",
    method: "Method",
    method_text: "A need is a product that cluster participants buy. It is an investment niche when at least one condition holds: the import share is above the threshold, the average price exceeds the benchmark by more than the threshold, or a required technical characteristic is offered by no supplier; and demand is not below the minimum. Addressable demand is the whole demand for a high cost or a missing characteristic, otherwise the imported part. Niches are ranked by addressable demand.",
    per: "per",
    of_demand: "of demand",
};

fn num(x: f64, lang: Lang) -> String {
    let s = format!("{}", x + 0.0);
    if lang == Lang::Ru {
        s.replace('.', ",")
    } else {
        s
    }
}

fn stage_title(w: &Words, stage: u8) -> String {
    let name = w.stage_names.get(stage as usize - 1).copied().unwrap_or("");
    if w.stage == "передел" {
        format!("{} {} — {}", roman(stage), w.stage, name)
    } else {
        format!("{} {} — {}", capitalise(w.stage), stage, name)
    }
}

/// «Прочность …» as inside a sentence: the first letter lowered unless the word is an
/// abbreviation («КПД»).
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match (c.next(), c.clone().next()) {
        (Some(f), Some(g)) if g.is_lowercase() => f.to_lowercase().collect::<String>() + c.as_str(),
        _ => s.to_string(),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The problems that make `n` a need worth naming, one line each.
fn reasons(n: &Need, w: &Words, lang: Lang) -> Vec<String> {
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
fn spec_gap_text(g: &crate::analysis::SpecGap, w: &Words, lang: Lang) -> String {
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
    let parameter = lower_first(&esc(&super::labels::parameter(g)));
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
fn origins_text(n: &Need, lang: Lang) -> String {
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

fn short_reason(n: &Need, w: &Words) -> String {
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

fn investment_text(n: &Need, intensity: f64, w: &Words, lang: Lang) -> String {
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
