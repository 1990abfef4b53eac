//! `whatif.json` and `whatif.md`: the key effects of localising a product, before and after.

use super::human::{pct, pct1, qty, rub, Lang};
use crate::analysis::whatif::Moved;
use crate::analysis::{Analysis, Status};
use crate::error::Result;
use serde::Serialize;
use std::fmt::Write;

#[derive(Debug, Clone, Serialize)]
pub struct FinalImport {
    pub id: String,
    pub name: String,
    pub total_import_share: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct CriterionStatus {
    pub id: &'static str,
    pub status: Status,
}

/// The figures compared before and after.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub import_share: f64,
    pub final_producers: Vec<FinalImport>,
    pub cooperation_a: Option<f64>,
    pub cooperation_b: Option<f64>,
    pub compliance: Vec<CriterionStatus>,
    pub overall: Status,
}

pub fn figures(a: &Analysis, product: &str) -> Figures {
    let roles: std::collections::BTreeMap<&str, crate::study::Role> =
        a.chain.iter().map(|m| (m.id.as_str(), m.role)).collect();
    let coop = a.compliance.criteria.iter().find(|c| c.id == "cooperation");
    Figures {
        import_share: a
            .needs
            .iter()
            .find(|n| n.product == product)
            .map_or(0.0, |n| n.import_share),
        final_producers: a
            .import_content
            .iter()
            .filter(|r| {
                roles.get(r.participant.as_str()) == Some(&crate::study::Role::FinalProducer)
            })
            .map(|r| FinalImport {
                id: r.participant.clone(),
                name: r.name.clone(),
                total_import_share: r.total_import_share,
            })
            .collect(),
        cooperation_a: coop.and_then(|c| c.value.cooperation()?.a),
        cooperation_b: coop.and_then(|c| c.value.cooperation()?.b),
        compliance: a
            .compliance
            .criteria
            .iter()
            .map(|c| CriterionStatus {
                id: c.id,
                status: c.status,
            })
            .collect(),
        overall: a.compliance.overall,
    }
}

#[derive(Serialize)]
struct WhatIfDoc<'a> {
    product: &'a str,
    share: f64,
    supplier: &'a str,
    new_supplier: bool,
    moved_rub: f64,
    moved_qty: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    inputs_like: Option<&'a str>,
    inputs_rub: f64,
    before: &'a Figures,
    after: &'a Figures,
}

pub fn json(moved: &Moved, before: &Figures, after: &Figures) -> Result<Vec<u8>> {
    super::json::to_bytes(&WhatIfDoc {
        product: &moved.product,
        share: moved.share,
        supplier: &moved.supplier,
        new_supplier: moved.new_supplier,
        moved_rub: moved.moved_rub,
        moved_qty: moved.moved_qty,
        inputs_like: moved.inputs_like.as_deref(),
        inputs_rub: moved.inputs_rub,
        before,
        after,
    })
}

fn opt_pct(x: Option<f64>, lang: Lang) -> String {
    x.map(|v| pct(v, lang)).unwrap_or_else(|| "—".into())
}

fn status(s: Status, lang: Lang) -> &'static str {
    super::labels::status(s, lang)
}

pub fn markdown(
    after: &Analysis,
    moved: &Moved,
    before: &Figures,
    now: &Figures,
    lang: Lang,
) -> Vec<u8> {
    let esc = super::markdown::esc;
    let need = after.needs.iter().find(|n| n.product == moved.product);
    let name = need.map_or(moved.product.as_str(), |n| n.product_name.as_str());
    let unit = need.map_or("", |n| n.unit.as_str());
    let name_of = |id: &str| {
        after
            .import_content
            .iter()
            .find(|r| r.participant == id)
            .map_or(id.to_string(), |r| r.name.clone())
    };
    let supplier = name_of(&moved.supplier);
    let mut o = String::new();
    let (title, moved_word, head, imp, total, coop_a, coop_b, overall) = match lang {
        Lang::Ru => (
            "Эффект локализации",
            "Перенесено от импорта к поставщику",
            "| Показатель | До | После |",
            "Доля импорта",
            "Полная доля импорта",
            "Кооперация A: доля продукции промышленных участников внутри кластера",
            "Кооперация B: доля закупок производителей конечной продукции внутри кластера",
            "Соответствие требованиям ПП № 779, итог",
        ),
        Lang::En => (
            "Effect of localisation",
            "Moved from imports to the supplier",
            "| Figure | Before | After |",
            "Import share",
            "Total import share",
            "Cooperation A: share of industrial output sold inside the cluster",
            "Cooperation B: share of final producers' purchases inside the cluster",
            "Decree 779 compliance, overall",
        ),
    };
    let _ = writeln!(o, "# {title}: {}\n", esc(name));
    let _ = writeln!(
        o,
        "{moved_word} {}: {} ({}, {}).\n",
        esc(&supplier),
        rub(moved.moved_rub, lang),
        qty(moved.moved_qty, unit, lang),
        pct(moved.share, lang)
    );
    // What the scenario leaves out, said plainly.
    let note = match (moved.import_flows, &moved.inputs_like, lang) {
        (0, _, Lang::Ru) => "Импортных поставок этой продукции нет. Сценарий переносит к поставщику только импорт, поэтому показатели не изменились; выберите продукцию с импортными поставками.".to_string(),
        (0, _, Lang::En) => "This product has no import supplies. The scenario moves only imports to the supplier, so no figure changed; choose a product with import supplies.".to_string(),
        (_, None, Lang::Ru) => "Собственные закупки поставщика для нового выпуска (сырьё, комплектующие, их импорт) не моделируются. Их можно задать по образцу существующего участника (параметр запуска --inputs-like).".to_string(),
        (_, None, Lang::En) => "The supplier's own purchases for the new output (materials, components, their imports) are not modelled. They can be given the structure of an existing participant (the --inputs-like option).".to_string(),
        (_, Some(like), Lang::Ru) => format!(
            "Закупки поставщика для нового выпуска заданы по образцу участника {}: его закупки на рубль выпуска, всего {}.",
            esc(&name_of(like)),
            rub(moved.inputs_rub, lang)
        ),
        (_, Some(like), Lang::En) => format!(
            "The supplier's purchases for the new output follow those of {}: its purchases per rub of output, {} in all.",
            esc(&name_of(like)),
            rub(moved.inputs_rub, lang)
        ),
    };
    // «… 16,6 млн руб.» ends the sentence with its own point.
    let note = note.replace("руб..", "руб.");
    let _ = writeln!(o, "{note}\n");
    let _ = writeln!(o, "{head}\n|---|---|---|");
    let _ = writeln!(
        o,
        "| {imp}: {} | {} | {} |",
        esc(name),
        pct1(before.import_share, lang),
        pct1(now.import_share, lang)
    );
    for f in &before.final_producers {
        let after_share = now
            .final_producers
            .iter()
            .find(|g| g.id == f.id)
            .map_or(f.total_import_share, |g| g.total_import_share);
        let _ = writeln!(
            o,
            "| {total}: {} | {} | {} |",
            esc(&f.name),
            pct1(f.total_import_share, lang),
            pct1(after_share, lang)
        );
    }
    let _ = writeln!(
        o,
        "| {coop_a} | {} | {} |",
        opt_pct(before.cooperation_a, lang),
        opt_pct(now.cooperation_a, lang)
    );
    let _ = writeln!(
        o,
        "| {coop_b} | {} | {} |",
        opt_pct(before.cooperation_b, lang),
        opt_pct(now.cooperation_b, lang)
    );
    for (b, a) in before.compliance.iter().zip(&now.compliance) {
        let _ = writeln!(
            o,
            "| {} | {} | {} |",
            super::labels::criterion(b.id, lang),
            status(b.status, lang),
            status(a.status, lang)
        );
    }
    let _ = writeln!(
        o,
        "| {overall} | {} | {} |",
        status(before.overall, lang),
        status(now.overall, lang)
    );
    o.into_bytes()
}
