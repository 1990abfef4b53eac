//! What a rerun keeps of a study's previous results: its history and what-if scenarios
//! (`carry_over`), the previous niches.json and compliance.json under
//! `history/<time of the previous run>/`, and what changed since them.

use super::changes;
use super::summary::Results;
use crate::analysis::batch::{KeptScenarios, StudyChanges};
use crate::carry_over::carry_over;
use crate::manifest::Manifest;
use crate::output::Files;
use std::path::Path;

/// The files a rerun adds to the study's new output folder, and what it found.
pub(super) struct Kept {
    pub files: Files,
    pub scenarios: Option<KeptScenarios>,
    /// What changed since the previous results, when they could be read.
    pub changes: Option<StudyChanges>,
}

/// What to keep of the results in `target` (the study's output folder) that the new results
/// of study `id` replace.
pub(super) fn keep(
    target: &Path,
    previous: Option<&Manifest>,
    current: &Manifest,
    id: &str,
    results: &Results,
    threshold: f64,
) -> Kept {
    let (mut files, stamp, scenarios) = carry_over(target, previous, current);
    let old_niches = std::fs::read(target.join("niches.json")).ok();
    let old_comp = std::fs::read(target.join("compliance.json")).ok();
    let mut changes = None;
    if let (Some(on), Some(oc)) = (old_niches, old_comp) {
        if let Some(old) = Results::parse(&on, &oc) {
            changes = Some(StudyChanges {
                study: id.to_string(),
                previous_run: stamp.clone(),
                changes: changes::compare(&old, results, threshold),
            });
        }
        files.push((format!("history/{stamp}/niches.json"), on));
        files.push((format!("history/{stamp}/compliance.json"), oc));
    }
    Kept {
        files,
        scenarios,
        changes,
    }
}
