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
