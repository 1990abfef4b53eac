//! Every crash the fuzzers found (tests/fixtures/fuzz-regressions/<target>/) and every committed
//! fuzz seed (fuzz/corpus/<target>/) goes through the fuzz target's own code and must not panic.
//! See docs/RELIABILITY.md.

#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod harness;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// A fuzz target: its name and the function its fuzz binary calls.
type Target = (&'static str, fn(&[u8]));

const TARGETS: [Target; 9] = [
    ("participants_csv", harness::participants_csv),
    ("products_csv", harness::products_csv),
    ("flows_csv", harness::flows_csv),
    ("flows_parquet", harness::flows_parquet),
    ("flows_dataset", harness::flows_dataset),
    ("specs_csv", harness::specs_csv),
    ("study_toml", harness::study_toml),
    ("workbook", harness::workbook),
    ("check_generated", harness::check_generated),
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The files of `dir`, sorted; none when it does not exist.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    paths
}

/// A study saved for `check_generated` (a folder, or a workbook), rather than generator input.
fn saved_study(target: &str, path: &Path) -> bool {
    target == "check_generated" && (path.is_dir() || path.extension().is_some_and(|e| e == "xlsx"))
}

/// Runs every input under `<base>/<target>/` through its target; returns (inputs run, panics).
fn replay(base: &Path) -> (usize, Vec<String>) {
    let mut ran = 0;
    let mut panics = Vec::new();
    for (target, run) in TARGETS {
        for path in inputs(&base.join(target)) {
            let result = if saved_study(target, &path) {
                catch_unwind(AssertUnwindSafe(|| harness::check_study(&path)))
            } else if path.is_file() {
                let bytes = std::fs::read(&path).unwrap();
                catch_unwind(AssertUnwindSafe(|| run(&bytes)))
            } else {
                continue;
            };
            ran += 1;
            if let Err(e) = result {
                let msg = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                panics.push(format!("{target}: {}: {msg}", path.display()));
            }
        }
    }
    (ran, panics)
}

#[test]
fn fuzz_crashes_stay_fixed() {
    let dir = root().join("tests/fixtures/fuzz-regressions");
    let (_, panics) = replay(&dir);
    assert!(panics.is_empty(), "panicked:\n{}", panics.join("\n"));
}

#[test]
fn fuzz_seeds_load_without_panic() {
    let (ran, panics) = replay(&root().join("fuzz/corpus"));
    assert!(
        ran >= TARGETS.len(),
        "only {ran} seeds found under fuzz/corpus"
    );
    assert!(panics.is_empty(), "panicked:\n{}", panics.join("\n"));
}

/// Every directory of regressions names a fuzz target, so no fixture is silently skipped.
#[test]
fn fuzz_regression_folders_name_targets() {
    let dir = root().join("tests/fixtures/fuzz-regressions");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            assert!(
                TARGETS.iter().any(|(t, _)| *t == name),
                "{} is not a fuzz target",
                path.display()
            );
        }
    }
}
