//! The batch's own tables: batch.csv and batch.md (a row per study), changes.json and
//! changes.md (what changed since each study's previous run).

use super::Lang;
use crate::analysis::batch::{Change, Row, Status, StudyChanges};
use crate::error::{Error, Result};
use crate::output::Files;

/// The batch's files, in the order they are written: batch.csv, batch.md, changes.json and
/// changes.md.
pub fn render(rows: &[Row], lang: Lang) -> Result<Files> {
    let changes: Vec<&StudyChanges> = rows.iter().filter_map(|r| r.changes.as_ref()).collect();
    Ok(vec![
        ("batch.csv".into(), batch_csv(rows)?),
        ("batch.md".into(), batch_md(rows, lang).into_bytes()),
        ("changes.json".into(), super::json::to_bytes(&changes)?),
        ("changes.md".into(), changes_md(&changes, lang).into_bytes()),
    ])
}

/// `batch.csv`: one row per study, ids and codes as they are.
fn batch_csv(rows: &[Row]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let row_err = |e: csv::Error| Error::render("batch.csv", e);
    w.write_record([
        "study",
        "status",
        "niches",
        "top_niche",
        "addressable_rub",
        "compliance",
        "message",
    ])
    .map_err(row_err)?;
    for r in rows {
        w.write_record([
            r.study.clone(),
            serde_json::to_value(r.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            r.niches.map(|n| n.to_string()).unwrap_or_default(),
            r.top_niche.clone().unwrap_or_default(),
            r.addressable_rub
                .map(crate::report::csv::num)
                .unwrap_or_default(),
            r.compliance.clone().unwrap_or_default(),
            r.message.clone(),
        ])
        .map_err(row_err)?;
    }
    w.into_inner().map_err(|e| Error::render("batch.csv", e))
}

fn md(s: &str) -> String {
    super::escape::esc(s)
}

fn tr(lang: Lang, ru: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Ru => ru,
        Lang::En => en,
    }
}

fn status_text(s: Status, lang: Lang) -> &'static str {
    match s {
        Status::Ok => tr(lang, "пересчитано", "rerun"),
        Status::Unchanged => tr(lang, "без изменений", "unchanged"),
        Status::Failed => tr(lang, "ошибка", "failed"),
    }
}

/// `batch.md`: one row per study, in the language of `--lang`, niches named by product.
fn batch_md(rows: &[Row], lang: Lang) -> String {
    use super::{human, labels};
    use std::fmt::Write;
    let mut s = String::from(tr(
        lang,
        "# Пакетный пересчёт\n\n| Исследование | Статус | Ниш | Главная ниша | Адресуемый спрос | Соответствие ПП № 779 |\n|---|---|---|---|---|---|\n",
        "# Batch run\n\n| Study | Status | Niches | Top niche | Addressable demand | Decree 779 compliance |\n|---|---|---|---|---|---|\n",
    ));
    for r in rows {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            md(&r.study),
            status_text(r.status, lang),
            r.niches
                .map(|n| human::int(n as u64, lang))
                .unwrap_or_default(),
            md(r.top_niche_name
                .as_deref()
                .or(r.top_niche.as_deref())
                .unwrap_or("")),
            r.addressable_rub
                .map(|v| human::rub(v, lang))
                .unwrap_or_default(),
            r.compliance
                .as_deref()
                .map(|c| labels::status_code(c, lang))
                .unwrap_or("")
        );
    }
    let kept: Vec<&Row> = rows
        .iter()
        .filter(|r| r.kept_scenarios.as_ref().is_some_and(|k| k.to_history))
        .collect();
    if !kept.is_empty() {
        s.push_str(tr(
            lang,
            "\n## Сценарии «что если»\n\nСценарии были рассчитаны по прежним данным; они сохранены в истории вместе с прежними результатами:\n\n",
            "\n## What-if scenarios\n\nThe scenarios were computed from the previous data; they are kept in the history with the previous results:\n\n",
        ));
        for r in kept {
            if let Some(k) = &r.kept_scenarios {
                let (folder, products) = (&k.folder, &k.products);
                let _ = writeln!(
                    s,
                    "- {}: {} — {}/{}",
                    md(&r.study),
                    human::count(
                        products.len() as u64,
                        ["сценарий", "сценария", "сценариев"],
                        "scenario",
                        "scenarios",
                        lang
                    ),
                    md(&r.study),
                    md(folder)
                );
            }
        }
    }
    let failures: Vec<&Row> = rows.iter().filter(|r| r.status == Status::Failed).collect();
    if !failures.is_empty() {
        s.push_str(tr(lang, "\n## Ошибки\n", "\n## Failures\n"));
        for r in failures {
            let _ = writeln!(
                s,
                "\n### {} ({})\n\n```text\n{}\n```",
                md(&r.study),
                md(&r.path),
                r.message
            );
        }
    }
    s
}

/// `changes.md`: what changed since each study's previous run, in words and names.
fn changes_md(all: &[&StudyChanges], lang: Lang) -> String {
    use super::{human, labels};
    use std::fmt::Write;
    use Change::*;
    let mut s = String::from(tr(
        lang,
        "# Изменения с прошлого пересчёта\n\n",
        "# Changes since the previous run\n\n",
    ));
    if all.iter().all(|c| c.changes.is_empty()) {
        s.push_str(tr(
            lang,
            "Ни в одном пересчитанном исследовании изменения не превысили порогов.\n",
            "No study that was rerun changed beyond the thresholds.\n",
        ));
        return s;
    }
    let pct = |x: f64| human::pct1(x, lang);
    for c in all.iter().filter(|c| !c.changes.is_empty()) {
        let _ = writeln!(
            s,
            "## {} ({} {})\n",
            md(&c.study),
            tr(lang, "сравнение с расчётом", "compared with the run of"),
            md(&c.previous_run)
        );
        for ch in &c.changes {
            let line = match (ch, lang) {
                (
                    NicheOpened {
                        product_name, rank, ..
                    },
                    Lang::Ru,
                ) => {
                    format!("новая ниша: {}, место {rank}", md(product_name))
                }
                (
                    NicheOpened {
                        product_name, rank, ..
                    },
                    Lang::En,
                ) => {
                    format!("niche opened: {}, rank {rank}", md(product_name))
                }
                (
                    NicheClosed {
                        product_name, rank, ..
                    },
                    Lang::Ru,
                ) => {
                    format!("ниша закрыта: {}, было место {rank}", md(product_name))
                }
                (
                    NicheClosed {
                        product_name, rank, ..
                    },
                    Lang::En,
                ) => {
                    format!("niche closed: {}, was rank {rank}", md(product_name))
                }
                (
                    RankMoved {
                        product_name,
                        from,
                        to,
                        ..
                    },
                    Lang::Ru,
                ) => {
                    format!(
                        "место ниши изменилось: {} — {from} → {to}",
                        md(product_name)
                    )
                }
                (
                    RankMoved {
                        product_name,
                        from,
                        to,
                        ..
                    },
                    Lang::En,
                ) => {
                    format!("rank moved: {} {from} → {to}", md(product_name))
                }
                (
                    DemandChanged {
                        product_name,
                        from,
                        to,
                        relative,
                        ..
                    },
                    _,
                ) => format!(
                    "{}: {} {} → {} ({}{})",
                    tr(lang, "спрос изменился", "demand changed"),
                    md(product_name),
                    human::rub(*from, lang),
                    human::rub(*to, lang),
                    if *relative > 0.0 { "+" } else { "" },
                    pct(*relative)
                ),
                (
                    ImportShareChanged {
                        product_name,
                        from,
                        to,
                        ..
                    },
                    _,
                ) => format!(
                    "{}: {} {} → {}",
                    tr(lang, "доля импорта изменилась", "import share changed"),
                    md(product_name),
                    pct(*from),
                    pct(*to)
                ),
                (
                    ComplianceChanged {
                        criterion,
                        from,
                        to,
                    },
                    _,
                ) => format!(
                    "{} «{}»: {} → {}",
                    tr(lang, "требование ПП № 779", "Decree 779 requirement"),
                    labels::criterion(criterion, lang),
                    labels::status_code(from, lang),
                    labels::status_code(to, lang)
                ),
                (
                    GrowthChanged {
                        product_name,
                        from,
                        to,
                        ..
                    },
                    _,
                ) => {
                    let g = |x: &Option<f64>| match x {
                        Some(v) => format!(
                            "{}{} {}",
                            if *v > 0.0 { "+" } else { "" },
                            pct(*v),
                            tr(lang, "в год", "a year")
                        ),
                        None => tr(lang, "нет тренда", "no trend").to_string(),
                    };
                    format!(
                        "{}: {} {} → {}",
                        tr(lang, "темп роста спроса изменился", "demand growth changed"),
                        md(product_name),
                        g(from),
                        g(to)
                    )
                }
                (
                    PlanDemandChanged {
                        product_name,
                        from,
                        to,
                        ..
                    },
                    _,
                ) => {
                    let r = |x: &Option<f64>| match x {
                        Some(v) => human::rub(*v, lang),
                        None => tr(lang, "нет планов", "no plans").to_string(),
                    };
                    format!(
                        "{}: {} {} → {}",
                        tr(
                            lang,
                            "спрос по планам участников изменился",
                            "demand under the participants' plans changed"
                        ),
                        md(product_name),
                        r(from),
                        r(to)
                    )
                }
            };
            let _ = writeln!(s, "- {line}");
        }
        s.push('\n');
    }
    s
}
