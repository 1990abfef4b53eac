//! `niches.json` (the niches with full detail, under the study they belong to) and
//! `compliance.json`.

use crate::analysis::{Analysis, Niche, StudyInfo};
use crate::error::{Error, Result};
use serde::Serialize;

#[derive(Serialize)]
struct NichesDoc<'a> {
    study: &'a StudyInfo,
    niches: &'a [Niche],
}

pub fn to_bytes<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    let mut out = serde_json::to_vec_pretty(value).map_err(|e| Error::render("JSON", e))?;
    out.push(b'\n');
    Ok(out)
}

pub fn niches(a: &Analysis) -> Result<Vec<u8>> {
    to_bytes(&NichesDoc {
        study: &a.study,
        niches: &a.niches,
    })
}

pub fn compliance(a: &Analysis) -> Result<Vec<u8>> {
    to_bytes(&a.compliance)
}
