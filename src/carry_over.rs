//! What a rerun keeps of the results it replaces: the history and the what-if scenarios.

use crate::analysis::batch::KeptScenarios;
use crate::manifest::Manifest;
use std::path::Path;

/// What a rerun keeps from the results it replaces in `target`: every file under `history/`,
/// and the what-if scenarios under `whatif/`. Scenarios of the same inputs stay where they are;
/// scenarios of other inputs go to `history/<time of the previous run>/whatif/`, beside the
/// previous results they belong to. Returns the files, that time (`earlier` when unknown) and,
/// when there were scenarios, where they now are and their products.
pub fn carry_over(
    target: &Path,
    previous: Option<&Manifest>,
    current: &Manifest,
) -> (crate::output::Files, String, Option<KeptScenarios>) {
    use crate::output::files_under;
    let mut files = files_under(target, "history");
    let stamp = previous
        .map(|p| p.finished.replace(':', "-"))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "earlier".to_string());
    let scenarios = files_under(target, "whatif");
    if scenarios.is_empty() {
        return (files, stamp, None);
    }
    let mut products: Vec<String> = scenarios
        .iter()
        .filter_map(|(rel, _)| rel.split('/').nth(1).map(str::to_string))
        .collect();
    products.dedup();
    let same_data =
        previous.is_some_and(|p| p.version == current.version && p.inputs == current.inputs);
    let folder = if same_data {
        files.extend(scenarios);
        "whatif".to_string()
    } else {
        files.extend(
            scenarios
                .into_iter()
                .map(|(rel, bytes)| (format!("history/{stamp}/{rel}"), bytes)),
        );
        format!("history/{stamp}/whatif")
    };
    let kept = KeptScenarios {
        folder,
        products,
        to_history: !same_data,
    };
    (files, stamp, Some(kept))
}
