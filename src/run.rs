//! The run manifest `run.json`: tool version, input hashes, options and times. It is the
//! one output that differs between reruns.

use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::SystemTime;

#[derive(Serialize, Deserialize, PartialEq, Eq, Debug, Clone)]
pub struct Input {
    pub file: String,
    pub bytes: u64,
    pub blake3: String,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Manifest {
    pub tool: String,
    pub version: String,
    pub command: String,
    pub study: String,
    pub inputs: Vec<Input>,
    /// Options that change the outputs (`lang`, `format`); a batch rerun compares them.
    pub options: serde_json::Value,
    pub out: String,
    pub started: String,
    pub finished: String,
    pub duration_ms: u128,
}

/// Hashes of the study's input files that exist, in name order. A study workbook is one
/// file: its hash is recorded under its file name.
pub fn inputs(dir: &Path) -> Vec<Input> {
    let mut out = Vec::new();
    if dir.is_file() {
        if let Ok(bytes) = std::fs::read(dir) {
            out.push(Input {
                file: dir
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default(),
                bytes: bytes.len() as u64,
                blake3: blake3::hash(&bytes).to_hex().to_string(),
            });
        }
        return out;
    }
    for name in [
        "flows.csv",
        "flows.parquet",
        "participants.csv",
        "plans.csv",
        "products.csv",
        "specs.csv",
        "study.toml",
    ] {
        // Memory-mapped and hashed on every core: flows files reach gigabytes.
        let path = dir.join(name);
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        let mut hasher = blake3::Hasher::new();
        if meta.is_file() && hasher.update_mmap_rayon(&path).is_ok() {
            out.push(Input {
                file: name.to_string(),
                bytes: meta.len(),
                blake3: hasher.finalize().to_hex().to_string(),
            });
        }
    }
    // A flows dataset: each of its files, named by its path in the study.
    if dir.join(crate::study::dataset::FOLDER).is_dir() {
        for f in crate::study::dataset::files(dir, &mut Vec::new()) {
            let mut hasher = blake3::Hasher::new();
            if let (Ok(meta), Ok(_)) = (
                std::fs::metadata(&f.path),
                hasher.update_mmap_rayon(&f.path),
            ) {
                out.push(Input {
                    file: f.name,
                    bytes: meta.len(),
                    blake3: hasher.finalize().to_hex().to_string(),
                });
            }
        }
        out.sort_by(|a, b| a.file.cmp(&b.file));
    }
    out
}

pub fn timestamp(t: SystemTime) -> String {
    humantime::format_rfc3339_millis(t).to_string()
}

impl Manifest {
    /// Whether a run with these inputs, version and options would give the same outputs.
    pub fn same_run(&self, other: &Manifest) -> bool {
        self.tool == other.tool
            && self.version == other.version
            && self.inputs == other.inputs
            && self.options == other.options
    }

    pub fn read(path: &Path) -> Option<Manifest> {
        serde_json::from_slice(&std::fs::read(path).ok()?).ok()
    }
}

/// The what-if scenarios a rerun kept: where they are (relative to the study's output
/// folder), their products, and whether they went to the history (other inputs).
#[derive(Debug, Clone)]
pub struct KeptScenarios {
    pub folder: String,
    pub products: Vec<String>,
    pub to_history: bool,
}

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
