//! The batch's part of the association's portfolio: what each study contributes, and writing
//! `<out>/portfolio/` atomically (one folder, like a study's, through `output::write_folder`).
//!
//! A study analysed by this run contributes from its analysis. A study found unchanged was not
//! re-analysed: its niches and compliance are read back from its niches.json and
//! compliance.json (typed), and its study folder is loaded again for the one thing those files
//! do not hold: who supplies which product on its flows (supply matches need that). Loading is
//! linear in the study and its inputs are the same (their hashes matched). When those files
//! cannot be read (deleted, or not written because of `--format`), the study is analysed again.

use super::{Row, Status};
use crate::analysis::portfolio::{self as model, Member, MemberNiche, Missing, Portfolio};
use crate::analysis::Analysis;
use crate::error::{Error, Result};
use crate::report::Lang;
use crate::study::{dialect::DialectOptions, Study};
use serde::Deserialize;
use std::path::Path;

/// The folder under `--out` that holds the portfolio; no study of a batch may use this id.
pub const FOLDER: &str = "portfolio";

/// A product's key from its niche's product id and code (SPEC: the code, else `id:<id>`).
fn key(product: &str, code: Option<&str>) -> String {
    match code {
        Some(c) => c.to_string(),
        None => format!("id:{product}"),
    }
}

/// A study analysed by this run.
pub fn member(study: &Study, a: &Analysis) -> Member {
    Member {
        id: a.study.id.clone(),
        name: a.study.name.clone(),
        niches: a
            .niches
            .iter()
            .map(|n| MemberNiche {
                rank: n.rank,
                product: n.need.product.clone(),
                product_name: n.need.product_name.clone(),
                unit: n.need.unit.clone(),
                key: key(&n.need.product, n.need.code.as_deref()),
                addressable_qty: n.need.addressable_qty,
                addressable_rub: n.need.addressable_rub,
                investment_rub: n.need.investment_rub,
            })
            .collect(),
        overall: a.compliance.overall.as_str().to_string(),
        criteria: a
            .compliance
            .criteria
            .iter()
            .map(|c| (c.id.to_string(), c.status.as_str().to_string()))
            .collect(),
        supplies: model::supplies(study),
    }
}

/// The parts of niches.json the portfolio reads.
#[derive(Deserialize)]
struct NichesDoc {
    study: StudyDoc,
    niches: Vec<NicheDoc>,
}

#[derive(Deserialize)]
struct StudyDoc {
    id: String,
    name: String,
}

#[derive(Deserialize)]
struct NicheDoc {
    rank: usize,
    product: String,
    product_name: String,
    unit: String,
    code: Option<String>,
    addressable_qty: f64,
    addressable_rub: f64,
    investment_rub: f64,
}

/// The parts of compliance.json the portfolio reads.
#[derive(Deserialize)]
struct ComplianceDoc {
    overall: String,
    criteria: Vec<CriterionDoc>,
}

#[derive(Deserialize)]
struct CriterionDoc {
    id: String,
    status: String,
}

fn read<T: serde::de::DeserializeOwned>(path: &Path) -> Option<T> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// A study found unchanged: its results from `folder` (its output folder), its suppliers from
/// loading `dir` again; analysed again when the result files cannot be read.
pub fn unchanged_member(
    dir: &Path,
    folder: &Path,
    input: DialectOptions,
) -> std::result::Result<Member, String> {
    let study = crate::study::load_with(dir, input).map_err(|e| short(&e))?;
    let docs = (
        read::<NichesDoc>(&folder.join("niches.json")),
        read::<ComplianceDoc>(&folder.join("compliance.json")),
    );
    let (Some(n), Some(c)) = docs else {
        let graph = crate::graph::SupplyGraph::build(&study);
        let a = crate::analysis::analyze(&study, &graph).map_err(|e| short(&e))?;
        return Ok(member(&study, &a));
    };
    Ok(Member {
        id: n.study.id,
        name: n.study.name,
        niches: n
            .niches
            .into_iter()
            .map(|d| MemberNiche {
                // The key from the study's products.csv (the same inputs, hashes matched), so a
                // niches.json written before codes existed still gives the right key.
                key: study
                    .product_index(&d.product)
                    .map(|i| study.products[i].key())
                    .unwrap_or_else(|| key(&d.product, d.code.as_deref())),
                rank: d.rank,
                product: d.product,
                product_name: d.product_name,
                unit: d.unit,
                addressable_qty: d.addressable_qty,
                addressable_rub: d.addressable_rub,
                investment_rub: d.investment_rub,
            })
            .collect(),
        overall: c.overall,
        criteria: c.criteria.into_iter().map(|c| (c.id, c.status)).collect(),
        supplies: model::supplies(&study),
    })
}

/// One line saying what went wrong, for the list of studies the portfolio leaves out.
fn short(e: &Error) -> String {
    match e {
        Error::Data(p) => match p.first() {
            Some(first) if p.len() > 1 => format!("{first} (and {} more problems)", p.len() - 1),
            Some(first) => first.to_string(),
            None => e.to_string(),
        },
        other => other.to_string(),
    }
}

/// The portfolio of a batch's rows: its members, and the studies it leaves out.
pub fn compute(rows: &mut [Row]) -> Portfolio {
    let mut members = Vec::new();
    let mut missing = Vec::new();
    for r in rows.iter_mut() {
        let reason = match (r.status, r.member.take()) {
            (Status::Failed, _) => r.message.lines().next().unwrap_or_default().to_string(),
            (_, Some(Ok(m))) => {
                members.push(m);
                continue;
            }
            (_, Some(Err(reason))) => reason,
            (_, None) => "its results could not be read".to_string(),
        };
        missing.push(Missing {
            study: r.study.clone(),
            path: r.path.clone(),
            reason,
        });
    }
    model::compute(members, missing)
}

/// Renders and writes `<out>/portfolio/` in one step.
pub fn write(out: &Path, p: &Portfolio, lang: Lang) -> Result<()> {
    let files = crate::report::portfolio::render(p, lang)?;
    crate::output::write_folder(out, FOLDER, &files)?;
    Ok(())
}
