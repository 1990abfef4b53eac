//! `niches.json`: the niches with full detail, under the study they belong to.

use crate::analysis::{Analysis, Niche, StudyInfo};
use crate::error::{Error, Result};
use serde::Serialize;

#[derive(Serialize)]
struct NichesDoc<'a> {
    study: &'a StudyInfo,
    niches: &'a [Niche],
}

pub fn niches(a: &Analysis) -> Result<Vec<u8>> {
    let mut out = serde_json::to_vec_pretty(&NichesDoc {
        study: &a.study,
        niches: &a.niches,
    })
    .map_err(|e| Error::Other(format!("cannot render JSON: {e}")))?;
    out.push(b'\n');
    Ok(out)
}
