//! Names for people of the codes that the data and the machine outputs use: flags, registry
//! criteria, thresholds and technical parameters. Every text a person reads (report.md,
//! report.html, whatif.md, batch.md, changes.md) names a code through this module, never by
//! the code itself.

use super::human::{pct, Lang};
use crate::analysis::{Flag, SpecGap};
use crate::study::config::ComplianceThresholds;

fn tr(lang: Lang, ru: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Ru => ru,
        Lang::En => en,
    }
}

/// A flag as a short label, e.g. for a table cell: «импорт», «цена», «характеристики».
pub fn flag(f: Flag, lang: Lang) -> &'static str {
    match f {
        Flag::Import => tr(lang, "высокая доля импорта", "high import share"),
        Flag::Cost => tr(lang, "высокая цена", "high cost"),
        Flag::Spec => tr(lang, "нет нужных характеристик", "missing characteristic"),
    }
}

/// A registry criterion (Decree No. 779) by its id; an unknown id is named generically.
pub fn criterion(id: &str, lang: Lang) -> &'static str {
    match id {
        "industrial_count" => tr(
            lang,
            "Промышленные предприятия, включая производителей конечной продукции",
            "Industrial enterprises, final producers included",
        ),
        "final_producer" => tr(lang, "Производители конечной продукции", "Final producers"),
        "education" => tr(
            lang,
            "Учреждения ВО или СПО",
            "Higher or vocational education institutions",
        ),
        "infrastructure_objects" => tr(
            lang,
            "Объекты технологической или промышленной инфраструктуры",
            "Technological or industrial infrastructure objects",
        ),
        "governance" => tr(
            lang,
            "Доля участников в органах управления специализированной организации",
            "Share of participants in the specialised organisation's governing bodies",
        ),
        "hp_jobs" => tr(
            lang,
            "Доля высокопроизводительных рабочих мест",
            "Share of high-productivity jobs",
        ),
        "supplier_share_each" => tr(
            lang,
            "Промышленные участники, поставляющие другим участникам не менее установленной доли своей продукции",
            "Industrial participants supplying at least the set share of their output to other participants",
        ),
        "cooperation" => tr(
            lang,
            "Кооперация: доля продукции (A) или закупок конечных производителей (B) внутри кластера",
            "Cooperation: share of output (A) or of final producers' purchases (B) inside the cluster",
        ),
        _ => tr(lang, "Другое требование", "Other requirement"),
    }
}

/// A registry criterion named with its threshold where the name depends on it.
pub fn criterion_with(id: &str, t: &ComplianceThresholds, lang: Lang) -> String {
    match (id, lang) {
        ("supplier_share_each", Lang::Ru) => format!(
            "Промышленные участники, поставляющие другим участникам не менее {} своей продукции",
            pct(t.supplier_share_min, lang)
        ),
        ("supplier_share_each", Lang::En) => format!(
            "Industrial participants supplying at least {} of their output to other participants",
            pct(t.supplier_share_min, lang)
        ),
        _ => criterion(id, lang).to_string(),
    }
}

/// The registry thresholds in words: «промышленных предприятий — не менее 10; …».
pub fn thresholds(t: &ComplianceThresholds, lang: Lang) -> String {
    let items: Vec<String> = match lang {
        Lang::Ru => vec![
            format!(
                "промышленных предприятий — не менее {}",
                t.industrial_count_min
            ),
            format!(
                "производителей конечной продукции — не менее {}",
                t.final_producer_min
            ),
            format!("учреждений ВО или СПО — не менее {}", t.education_min),
            format!(
                "объектов инфраструктуры — не менее {}",
                t.infrastructure_objects_min
            ),
            format!(
                "доля участников в органах управления — не менее {}",
                pct(t.governance_share_min, lang)
            ),
            format!(
                "доля высокопроизводительных рабочих мест — не менее {}",
                pct(t.hp_jobs_share_min, lang)
            ),
            format!(
                "поставки каждого промышленного участника другим участникам — не менее {} его продукции",
                pct(t.supplier_share_min, lang)
            ),
            format!(
                "доля кооперации — не менее {}",
                pct(t.cooperation_share_min, lang)
            ),
            format!(
                "участников ниже порога кооперации — не более {}",
                pct(t.cooperation_below_max, lang)
            ),
        ],
        Lang::En => vec![
            format!("industrial enterprises: at least {}", t.industrial_count_min),
            format!("final producers: at least {}", t.final_producer_min),
            format!(
                "higher or vocational education institutions: at least {}",
                t.education_min
            ),
            format!(
                "infrastructure objects: at least {}",
                t.infrastructure_objects_min
            ),
            format!(
                "share of participants in governing bodies: at least {}",
                pct(t.governance_share_min, lang)
            ),
            format!(
                "share of high-productivity jobs: at least {}",
                pct(t.hp_jobs_share_min, lang)
            ),
            format!(
                "each industrial participant's supplies to other participants: at least {} of its output",
                pct(t.supplier_share_min, lang)
            ),
            format!(
                "cooperation share: at least {}",
                pct(t.cooperation_share_min, lang)
            ),
            format!(
                "participants below the cooperation share: at most {}",
                pct(t.cooperation_below_max, lang)
            ),
        ],
    };
    items.join("; ")
}

/// A technical parameter for people: its `parameter_name` from specs.csv, or else its code
/// with the underscores read as spaces («tensile strength gpa»), so that no code name shows.
pub fn parameter(g: &SpecGap) -> String {
    match g.parameter_name.as_deref().map(str::trim) {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => g
            .parameter
            .split(['_', '-'])
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// A registry status word.
pub fn status(s: crate::analysis::Status, lang: Lang) -> &'static str {
    use crate::analysis::Status;
    match s {
        Status::Pass => tr(lang, "соответствует", "pass"),
        Status::Fail => tr(lang, "не соответствует", "fail"),
        Status::Unknown => tr(lang, "недостаточно данных", "unknown"),
    }
}

/// A status as written in compliance.json (`pass`, `fail`, `unknown`), in words.
pub fn status_code(code: &str, lang: Lang) -> &'static str {
    use crate::analysis::Status;
    match code {
        "pass" => status(Status::Pass, lang),
        "fail" => status(Status::Fail, lang),
        _ => status(Status::Unknown, lang),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gap(parameter: &str, name: Option<&str>) -> SpecGap {
        SpecGap {
            consumer: "c".into(),
            consumer_name: "C".into(),
            parameter: parameter.into(),
            parameter_name: name.map(str::to_string),
            unit: None,
            required_min: Some(1.0),
            required_max: None,
            available: None,
        }
    }

    #[test]
    fn parameters_are_named_without_code() {
        assert_eq!(
            parameter(&gap("tensile_strength_gpa", Some("Прочность"))),
            "Прочность"
        );
        assert_eq!(
            parameter(&gap("tensile_strength_gpa", Some("  "))),
            "tensile strength gpa"
        );
        assert_eq!(
            parameter(&gap("tensile_strength_gpa", None)),
            "tensile strength gpa"
        );
    }

    #[test]
    fn every_known_criterion_has_a_name() {
        for id in crate::analysis::compliance::CRITERIA {
            for lang in [Lang::Ru, Lang::En] {
                assert_ne!(criterion(id, lang), criterion("nope", lang), "{id}");
            }
        }
    }

    #[test]
    fn thresholds_have_no_keys() {
        let t = ComplianceThresholds::default();
        for lang in [Lang::Ru, Lang::En] {
            let s = thresholds(&t, lang);
            assert!(!s.contains('_') && !s.contains('='), "{s}");
        }
        assert!(thresholds(&t, Lang::Ru).contains("не менее 10"));
    }
}
