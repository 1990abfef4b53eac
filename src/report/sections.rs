//! Report sections on registry compliance and hidden import dependence, shared by the
//! Markdown report (and later the HTML one).

use super::human::{pct, pct1, rub, Lang};
use crate::analysis::compliance::Criterion;
use crate::analysis::{Analysis, Status};
use crate::study::Role;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write;

fn esc(s: &str) -> String {
    super::markdown::esc(s)
}

fn status_word(s: Status, lang: Lang) -> &'static str {
    match (s, lang) {
        (Status::Pass, Lang::Ru) => "соответствует",
        (Status::Fail, Lang::Ru) => "не соответствует",
        (Status::Unknown, Lang::Ru) => "недостаточно данных",
        (Status::Pass, Lang::En) => "pass",
        (Status::Fail, Lang::En) => "fail",
        (Status::Unknown, Lang::En) => "unknown",
    }
}

pub(crate) fn criterion_name(id: &str, lang: Lang) -> &'static str {
    match (id, lang) {
        ("industrial_count", Lang::Ru) => "Промышленные предприятия, включая производителей конечной продукции",
        ("final_producer", Lang::Ru) => "Производители конечной продукции",
        ("education", Lang::Ru) => "Учреждения ВО или СПО",
        ("infrastructure_objects", Lang::Ru) => "Объекты технологической или промышленной инфраструктуры",
        ("governance", Lang::Ru) => "Доля участников в органах управления специализированной организации",
        ("hp_jobs", Lang::Ru) => "Доля высокопроизводительных рабочих мест",
        ("supplier_share_each", Lang::Ru) => "Участники, поставляющие другим участникам менее 5 % своей продукции",
        ("cooperation", Lang::Ru) => "Кооперация: доля продукции (A) или закупок конечных производителей (B) внутри кластера",
        ("industrial_count", Lang::En) => "Industrial enterprises, final producers included",
        ("final_producer", Lang::En) => "Final producers",
        ("education", Lang::En) => "Higher or vocational education institutions",
        ("infrastructure_objects", Lang::En) => "Technological or industrial infrastructure objects",
        ("governance", Lang::En) => "Share of participants in the specialised organisation's governing bodies",
        ("hp_jobs", Lang::En) => "Share of high-productivity jobs",
        ("supplier_share_each", Lang::En) => "Participants supplying under 5% of their output to other participants",
        ("cooperation", Lang::En) => "Cooperation: share of output (A) or of final producers' purchases (B) inside the cluster",
        _ => "",
    }
}

fn value_text(c: &Criterion, lang: Lang) -> (String, String) {
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
                .map(|v| v.to_string())
                .unwrap_or_else(|| "—".into()),
            "0".into(),
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
    for cr in &c.criteria {
        let (value, threshold) = value_text(cr, lang);
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            criterion_name(cr.id, lang),
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
            criterion_name(cr.id, lang),
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
    let _ = writeln!(
        o,
        "{thresholds}: industrial_count_min = {}, final_producer_min = {}, education_min = {}, infrastructure_objects_min = {}, governance_share_min = {}, hp_jobs_share_min = {}, supplier_share_min = {}, cooperation_share_min = {}, cooperation_below_max = {}.\n",
        t.industrial_count_min,
        t.final_producer_min,
        t.education_min,
        t.infrastructure_objects_min,
        t.governance_share_min,
        t.hp_jobs_share_min,
        t.supplier_share_min,
        t.cooperation_share_min,
        t.cooperation_below_max
    );
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
