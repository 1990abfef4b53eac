//! The run manifest `run.json`: tool version, input hashes, options and times. It is the
//! one output that differs between reruns.

use serde::Serialize;
use std::path::Path;
use std::time::SystemTime;

#[derive(Serialize)]
pub struct Input {
    pub file: String,
    pub bytes: u64,
    pub blake3: String,
}

#[derive(Serialize)]
pub struct Manifest {
    pub tool: &'static str,
    pub version: &'static str,
    pub command: String,
    pub study: String,
    pub inputs: Vec<Input>,
    pub options: serde_json::Value,
    pub started: String,
    pub finished: String,
    pub duration_ms: u128,
}

/// Hashes of the study's input files that exist, in name order.
pub fn inputs(dir: &Path) -> Vec<Input> {
    let mut out = Vec::new();
    for name in [
        "flows.csv",
        "participants.csv",
        "products.csv",
        "specs.csv",
        "study.toml",
    ] {
        if let Ok(bytes) = std::fs::read(dir.join(name)) {
            out.push(Input {
                file: name.to_string(),
                bytes: bytes.len() as u64,
                blake3: blake3::hash(&bytes).to_hex().to_string(),
            });
        }
    }
    out
}

pub fn timestamp(t: SystemTime) -> String {
    humantime::format_rfc3339_millis(t).to_string()
}
