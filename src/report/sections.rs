//! Report sections on registry compliance and hidden import dependence, shared by the
//! Markdown report (and later the HTML one).

use super::human::{pct, pct1, rub, Lang};
use crate::analysis::compliance::Criterion;
use crate::analysis::{Analysis, Status};
use crate::study::config::ComplianceThresholds;
use crate::study::Role;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write;

fn esc(s: &str) -> String {
    super::markdown::esc(s)
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
    let share = |v: &Value| {
        v.as_f64()
            .map(|x| pct(x, lang))
            .unwrap_or_else(|| "—".into())
    };
    match c.id {
        "governance" | "hp_jobs" => (share(&c.value), format!("≥ {}", share(&c.threshold))),
        "supplier_share_each" => (
            c.value
                .as_u64()
                .map(|below| {
                    let ok = n_industrial.saturating_sub(below);
                    match lang {
                        Lang::Ru => format!("{ok} из {n_industrial}"),
                        Lang::En => format!("{ok} of {n_industrial}"),
                    }
                })
                .unwrap_or_else(|| "—".into()),
            match lang {
                Lang::Ru => "все".into(),
                Lang::En => "all".into(),
            },
        ),
        "cooperation" => {
            let a = share(&c.value["a"]);
            let b = share(&c.value["b"]);
            let min = share(&c.threshold["share_min"]);
            let below = share(&c.threshold["below_max"]);
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
        _ => (
            c.value
                .as_u64()
                .map(|v| v.to_string())
                .unwrap_or_else(|| "—".into()),
            format!("≥ {}", c.threshold),
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
