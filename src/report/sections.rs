//! Report sections on registry compliance and hidden import dependence, shared by the
//! Markdown report (and later the HTML one).

use super::human::{pct, pct1, rub, Lang};
use crate::analysis::compliance::{Criterion, Measured, Threshold};
use crate::analysis::{Analysis, Status};
use crate::study::config::ComplianceThresholds;
use crate::study::Role;
use std::collections::BTreeMap;
use std::fmt::Write;

fn esc(s: &str) -> String {
    super::escape::esc(s)
}

pub(super) fn status_word(s: Status, lang: Lang) -> &'static str {
    super::labels::status(s, lang)
}

pub(super) fn criterion_name(id: &str, t: &ComplianceThresholds, lang: Lang) -> String {
    super::labels::criterion_with(id, t, lang)
}

/// Industrial participants (the role), whom the supplier-share requirement counts.
fn industrial_count(a: &Analysis) -> u64 {
    a.chain
        .iter()
        .filter(|m| m.role == Role::Industrial)
        .count() as u64
}

/// The value and threshold cells; the supplier-share requirement is written as its chart
/// writes it, «7 из 9» against «все».
fn value_text(c: &Criterion, n_industrial: u64, lang: Lang) -> (String, String) {
    let share = |v: Option<f64>| v.map(|x| pct(x, lang)).unwrap_or_else(|| "—".into());
    match c.threshold {
        Threshold::ShareAtLeast(t) => (share(c.value.share()), format!("≥ {}", pct(t, lang))),
        Threshold::NoneBelow => (
            match c.value {
                Measured::Below(below) => {
                    let ok = n_industrial.saturating_sub(below);
                    match lang {
                        Lang::Ru => format!("{ok} из {n_industrial}"),
                        Lang::En => format!("{ok} of {n_industrial}"),
                    }
                }
                _ => "—".into(),
            },
            match lang {
                Lang::Ru => "все".into(),
                Lang::En => "all".into(),
            },
        ),
        Threshold::Cooperation {
            share_min,
            below_max,
        } => {
            let shares = c.value.cooperation();
            let a = share(shares.and_then(|s| s.a));
            let b = share(shares.and_then(|s| s.b));
            let (min, below) = (pct(share_min, lang), pct(below_max, lang));
            match lang {
                Lang::Ru => (
                    format!("A: {a}; B: {b}"),
                    format!("≥ {min}, не более {below} участников ниже"),
                ),
                Lang::En => (
                    format!("A: {a}; B: {b}"),
                    format!("≥ {min}, at most {below} of participants below"),
                ),
            }
        }
        Threshold::AtLeast(t) => (
            match c.value {
                Measured::Count(v) => v.to_string(),
                _ => "—".into(),
            },
            format!("≥ {t}"),
        ),
    }
}

/// Participant names by id, for naming who is behind a failure.
fn names(a: &Analysis) -> BTreeMap<&str, &str> {
    a.import_content
        .iter()
        .map(|r| (r.participant.as_str(), r.name.as_str()))
        .collect()
}

pub fn compliance(o: &mut String, a: &Analysis, lang: Lang) {
    let c = &a.compliance;
    let names = names(a);
    let (title, overall, head, behind, not_checked, thresholds) = match lang {
        Lang::Ru => (
            "Соответствие требованиям к промышленным кластерам (ПП РФ № 779)",
            "Итог",
            "| Требование | Значение | Порог | Статус |",
            "участники",
            "Не проверяется по данным: территория кластера (один или несколько субъектов РФ); учёт стратегии пространственного развития и схем территориального планирования.",
            "Использованные пороги",
        ),
        Lang::En => (
            "Registry requirements for industrial clusters (Decree No. 779)",
            "Overall",
            "| Requirement | Value | Threshold | Status |",
            "participants",
            "Not checked from data: the cluster's territory (one or more subjects of the Russian Federation); the spatial development strategy and territorial planning schemes.",
            "Thresholds used",
        ),
    };
    let _ = writeln!(o, "## {title}\n");
    let _ = writeln!(o, "{overall}: **{}**\n", status_word(c.overall, lang));
    let _ = writeln!(o, "{head}\n|---|---|---|---|");
    let n_industrial = industrial_count(a);
    for cr in &c.criteria {
        let (value, threshold) = value_text(cr, n_industrial, lang);
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            criterion_name(cr.id, &c.thresholds, lang),
            value,
            threshold,
            status_word(cr.status, lang)
        );
    }
    o.push('\n');
    for cr in c
        .criteria
        .iter()
        .filter(|c| c.status != Status::Pass && !c.participants.is_empty())
    {
        let who: Vec<String> = cr
            .participants
            .iter()
            .map(|id| esc(names.get(id.as_str()).copied().unwrap_or(id)))
            .collect();
        let _ = writeln!(
            o,
            "- {} — {}: {}",
            criterion_name(cr.id, &c.thresholds, lang),
            behind,
            who.join(", ")
        );
    }
    if c.criteria
        .iter()
        .any(|c| c.status != Status::Pass && !c.participants.is_empty())
    {
        o.push('\n');
    }
    let t = &c.thresholds;
    let _ = writeln!(o, "{not_checked}\n");
    let _ = writeln!(o, "{thresholds}: {}.\n", super::labels::thresholds(t, lang));
}

pub fn hidden_imports(o: &mut String, a: &Analysis, lang: Lang, roles: &BTreeMap<String, Role>) {
    let (title, intro, head, carriers, none, estimated) = match lang {
        Lang::Ru => (
            "Скрытая импортозависимость",
            "Прямая доля импорта — импортные закупки на рубль выпуска; полная — вместе с импортом, который приходит через поставщиков-участников по всей цепочке (мультипликатор Леонтьева).",
            "| Производитель конечной продукции | Прямая доля импорта | Полная доля импорта |",
            "Основные носители скрытого импорта (импорт, содержащийся в их поставках участникам кластера):",
            "Скрытого импорта в поставках между участниками нет.",
            "выпуск оценён по закупкам",
        ),
        Lang::En => (
            "Hidden import dependence",
            "The direct import share is imports bought per rub of output; the total share adds the imports that arrive through supplying participants along the whole chain (the Leontief multiplier).",
            "| Final producer | Direct import share | Total import share |",
            "Participants carrying most hidden imports (the import content of what they sell to other participants):",
            "No imports pass between participants.",
            "output estimated from purchases",
        ),
    };
    let _ = writeln!(o, "## {title}\n\n{intro}\n");
    let finals: Vec<_> = a
        .import_content
        .iter()
        .filter(|r| roles.get(&r.participant) == Some(&Role::FinalProducer))
        .collect();
    if !finals.is_empty() {
        let _ = writeln!(o, "{head}\n|---|---|---|");
        for r in finals {
            let mark = if r.estimated_output {
                format!(" ({estimated})")
            } else {
                String::new()
            };
            let _ = writeln!(
                o,
                "| {}{} | {} | {} |",
                esc(&r.name),
                mark,
                pct1(r.direct_import_share, lang),
                pct1(r.total_import_share, lang)
            );
        }
        o.push('\n');
    }
    if a.import_carriers.is_empty() {
        let _ = writeln!(o, "{none}\n");
    } else {
        let _ = writeln!(o, "{carriers}\n");
        for c in a.import_carriers.iter().take(5) {
            let _ = writeln!(
                o,
                "- {} — {} ({} × {})",
                esc(&c.name),
                rub(c.passed_on_rub, lang),
                pct(c.total_import_share, lang),
                rub(c.cluster_sales_rub, lang)
            );
        }
        o.push('\n');
    }
}

/// A growth rate for people: «+12 %» / «−3 %», one decimal under 1 %.
fn growth(g: f64, lang: Lang) -> String {
    let p = pct(g.abs(), lang);
    if g < 0.0 && p != pct(0.0, lang) {
        format!("−{p}")
    } else if g > 0.0 && p != pct(0.0, lang) {
        format!("+{p}")
    } else {
        p
    }
}

/// «3 года», «5 лет», «1 year».
fn years_count(n: usize, lang: Lang) -> String {
    super::human::count(n as u64, ["год", "года", "лет"], "year", "years", lang)
}

/// The analyst's sentence about one product's outlook: where the trend goes, and what the
/// plans add by their latest year.
pub fn outlook_sentence(
    o: &crate::analysis::model::ProductOutlook,
    base_year: Option<i64>,
    lang: Lang,
) -> String {
    let mut parts = Vec::new();
    match (&o.trend, lang) {
        (Some(t), Lang::Ru) => {
            let g = t.trend.demand_growth;
            parts.push(if pct(g.abs(), lang) == pct(0.0, lang) {
                format!(
                    "спрос почти не меняется (за {} истории)",
                    years_count(t.trend.trend_years, lang)
                )
            } else if g > 0.0 {
                format!("спрос растёт в среднем на {} в год", pct(g, lang))
            } else {
                format!("спрос снижается в среднем на {} в год", pct(-g, lang))
            });
        }
        (Some(t), Lang::En) => {
            let g = t.trend.demand_growth;
            parts.push(if pct(g.abs(), lang) == pct(0.0, lang) {
                format!(
                    "demand is about flat (over {} of history)",
                    years_count(t.trend.trend_years, lang)
                )
            } else if g > 0.0 {
                format!("demand grows by {} a year on average", pct(g, lang))
            } else {
                format!("demand falls by {} a year on average", pct(-g, lang))
            });
        }
        (None, Lang::Ru) => parts.push(match base_year {
            Some(y) => {
                format!("тренда нет: нужны не менее трёх лет с ненулевым спросом, включая {y} г.")
            }
            None => "тренда нет: в данных один год".to_string(),
        }),
        (None, Lang::En) => parts.push(match base_year {
            Some(y) => format!("no trend: it needs at least three years with demand, {y} included"),
            None => "no trend: the data hold a single year".to_string(),
        }),
    }
    if let Some(p) = o.last_plan() {
        let y = p.year.unwrap_or_default();
        parts.push(match lang {
            Lang::Ru => format!(
                "по планам участников к {y} г. — {}",
                rub(p.demand_rub, lang)
            ),
            Lang::En => format!(
                "under the participants' plans, {} by {y}",
                rub(p.demand_rub, lang)
            ),
        });
    }
    let s = parts.join("; ");
    // «… руб.» already ends the sentence.
    let stop = if s.ends_with('.') { "" } else { "." };
    let mut c = s.chars();
    match c.next() {
        Some(f) => format!("{}{}{stop}", f.to_uppercase(), c.as_str()),
        None => s,
    }
}

/// Products whose planned demand in the latest plan year differs most from the selected
/// year's: the plans' effect up the supply chain. At most this many are listed.
const UPSTREAM_SHOWN: usize = 12;

/// «Существующий и потенциальный спрос»: the method, the plans, the upstream effect, and each
/// niche's history, projection with band and plan figures.
pub fn outlook(o: &mut String, a: &Analysis, lang: Lang) {
    let ol = &a.outlook;
    let ru = lang == Lang::Ru;
    let year = a.study.year;
    let _ = writeln!(
        o,
        "## {}\n",
        if ru {
            "Существующий и потенциальный спрос"
        } else {
            "Existing and potential demand"
        }
    );
    let span = match (ol.history_years.first(), ol.history_years.last()) {
        (Some(f), Some(l)) if f != l => format!("{f}–{l}"),
        (Some(f), _) => f.to_string(),
        _ => String::new(),
    };
    let method = if ru {
        format!(
            "Существующий спрос продлён по тренду: логарифмически-линейная регрессия спроса по годам истории{} и прогноз на {}; полоса — плюс-минус одна стандартная ошибка темпа роста. Потенциальный спрос — по заявленным планам выпуска участников: изменение выпуска передаётся поставщикам по всей цепочке (модель Леонтьева), закупки каждого участника растут вместе с его выпуском.",
            if span.is_empty() { String::new() } else { format!(" ({span})") },
            years_count(ol.horizon as usize, lang)
        )
    } else {
        format!(
            "Existing demand is carried forward along its trend: a log-linear regression of demand over the history years{} and a projection over {}; the band is plus or minus one standard error of the growth rate. Potential demand follows the participants' declared output plans: each change of output passes to the suppliers along the whole chain (the Leontief model), and every participant's purchases grow with its output.",
            if span.is_empty() { String::new() } else { format!(" ({span})") },
            years_count(ol.horizon as usize, lang)
        )
    };
    let _ = writeln!(o, "{method}\n");

    if !ol.plans.is_empty() {
        let _ = writeln!(
            o,
            "### {}\n",
            if ru {
                "Планы участников"
            } else {
                "The participants' plans"
            }
        );
        for p in &ol.plans {
            let note = p
                .note
                .as_deref()
                .map(|n| format!(" — {}", esc(n)))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "- {}, {}: {} {}{}",
                esc(&p.name),
                p.year,
                if ru { "выпуск" } else { "output" },
                match lang {
                    Lang::Ru => format!(
                        "{} (сейчас {})",
                        rub(p.output_rub, lang),
                        rub(p.current_output_rub, lang)
                    ),
                    Lang::En => format!(
                        "{} (now {})",
                        rub(p.output_rub, lang),
                        rub(p.current_output_rub, lang)
                    ),
                },
                note
            );
        }
        o.push('\n');
        upstream(o, a, lang);
    }

    for n in &a.niches {
        let need = &n.need;
        let po = &need.outlook;
        let _ = writeln!(o, "### {}. {}\n", n.rank, esc(&need.product_name));
        let _ = writeln!(o, "{}\n", outlook_sentence(po, year, lang));
        let head = if ru {
            "| Год | Спрос | Импорт | Оценка |"
        } else {
            "| Year | Demand | Import | Basis |"
        };
        let _ = writeln!(o, "{head}\n|---|---|---|---|");
        for r in po.rows() {
            use crate::analysis::model::RowKind;
            let basis = match (r.kind, lang) {
                (RowKind::History, Lang::Ru) => "факт".to_string(),
                (RowKind::History, Lang::En) => "actual".to_string(),
                (RowKind::Trend, _) => {
                    let band = format!(
                        "{} – {}",
                        rub(r.low_rub.unwrap_or(r.demand_rub), lang),
                        rub(r.high_rub.unwrap_or(r.demand_rub), lang)
                    );
                    if ru {
                        format!("тренд (полоса {band})")
                    } else {
                        format!("trend (band {band})")
                    }
                }
                (RowKind::Plan, Lang::Ru) => "по планам участников".to_string(),
                (RowKind::Plan, Lang::En) => "participants' plans".to_string(),
            };
            let _ = writeln!(
                o,
                "| {} | {}; {} | {} | {} |",
                r.year.map(|y| y.to_string()).unwrap_or_else(|| "—".into()),
                super::human::qty(r.demand_qty, &need.unit, lang),
                rub(r.demand_rub, lang),
                rub(r.import_rub, lang),
                basis
            );
        }
        if let Some(t) = &po.trend {
            let _ = writeln!(
                o,
                "\n{}",
                match lang {
                    Lang::Ru => format!(
                        "Темп роста {} в год (от {} до {}), по {} истории.",
                        growth(t.trend.demand_growth, lang),
                        growth(t.trend.growth_low, lang),
                        growth(t.trend.growth_high, lang),
                        super::human::count(
                            t.trend.trend_years as u64,
                            ["году", "годам", "годам"],
                            "year",
                            "years",
                            lang
                        )
                    ),
                    Lang::En => format!(
                        "Growth {} a year ({} to {}), from {} of history.",
                        growth(t.trend.demand_growth, lang),
                        growth(t.trend.growth_low, lang),
                        growth(t.trend.growth_high, lang),
                        years_count(t.trend.trend_years, lang)
                    ),
                }
            );
        }
        o.push('\n');
    }
}

/// How the plans move demand up the chain: by product, the selected year's demand against the
/// latest plan year's, largest change first.
fn upstream(o: &mut String, a: &Analysis, lang: Lang) {
    let ru = lang == Lang::Ru;
    let Some(&last) = a.outlook.plan_years.last() else {
        return;
    };
    let mut moved: Vec<(&crate::analysis::Need, f64, f64)> = a
        .needs
        .iter()
        .filter_map(|n| {
            let p = n.outlook.last_plan()?;
            let d = p.demand_rub - n.demand_rub;
            (d.abs() > 1e-9 * n.demand_rub.abs().max(1.0)).then_some((n, p.demand_rub, d))
        })
        .collect();
    moved.sort_by(|x, y| {
        y.2.abs()
            .total_cmp(&x.2.abs())
            .then(x.0.product.cmp(&y.0.product))
    });
    let _ = writeln!(
        o,
        "### {}\n",
        if ru {
            format!("Что планы участников меняют по цепочке к {last} г.")
        } else {
            format!("What the participants' plans change along the chain by {last}")
        }
    );
    if moved.is_empty() {
        let _ = writeln!(
            o,
            "{}\n",
            if ru {
                "Планы не меняют закупок участников."
            } else {
                "The plans do not change the participants' purchases."
            }
        );
        return;
    }
    let y = a
        .study
        .year
        .map(|y| y.to_string())
        .unwrap_or_else(|| "—".into());
    let _ = writeln!(
        o,
        "{}\n|---|---|---|---|---|",
        if ru {
            format!("| Продукт | Передел | Спрос в {y} г. | По планам к {last} г. | Изменение |")
        } else {
            format!("| Product | Stage | Demand in {y} | Under the plans by {last} | Change |")
        }
    );
    let total = moved.len();
    for (n, plan, d) in moved.into_iter().take(UPSTREAM_SHOWN) {
        let sign = if d > 0.0 { "+" } else { "−" };
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {sign}{} ({}) |",
            esc(&n.product_name),
            super::human::roman(n.stage),
            rub(n.demand_rub, lang),
            rub(plan, lang),
            rub(d.abs(), lang),
            if n.demand_rub > 0.0 {
                growth(d / n.demand_rub, lang)
            } else {
                "—".into()
            }
        );
    }
    if total > UPSTREAM_SHOWN {
        let _ = writeln!(
            o,
            "\n{}",
            if ru {
                format!("… и ещё {} продуктов.", total - UPSTREAM_SHOWN)
            } else {
                format!("… and {} more products.", total - UPSTREAM_SHOWN)
            }
        );
    }
    o.push('\n');
}
