//! The bad-input contract (SPEC "Exit codes and bad input"): invalid data exits 65, names every
//! problem as `error: <file>:<line>:<column>: …`, and writes nothing.
//!
//! `tests/fixtures/base/` is a tiny valid study. Every folder under `tests/fixtures/bad/` is a copy
//! of it with one defect and an `expected.txt` of three lines:
//!
//! ```text
//! flows.csv                 the file the problem must name
//! 6                         its line as an editor shows it (header = 1), or `-` for a whole-file problem
//! out of range              a substring of the message
//! ```
//!
//! Cases are found by reading the directory: adding a case needs no code. Each test collects every
//! failing case and fails once at the end with the whole list.

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The id in `tests/fixtures/base/study.toml`; the bad cases keep it (except where the id is the defect).
const BASE_ID: &str = "tiny-base";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn base() -> PathBuf {
    fixtures().join("base")
}

fn nichegraph() -> Command {
    Command::new(env!("CARGO_BIN_EXE_nichegraph"))
}

struct Expected {
    file: String,
    line: Option<u64>,
    message: String,
}

fn read_expected(case: &Path) -> Result<Expected, String> {
    let path = case.join("expected.txt");
    let text =
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let lines: Vec<&str> = text.lines().collect();
    let [file, line, message] = lines[..] else {
        return Err(format!(
            "{} must have exactly 3 lines (file, line or -, message substring); it has {}",
            path.display(),
            lines.len()
        ));
    };
    let line = match line.trim() {
        "-" => None,
        n => Some(n.parse().map_err(|_| {
            format!(
                "{}: line 2 must be a line number or -, not {n:?}",
                path.display()
            )
        })?),
    };
    if file.trim().is_empty() || message.trim().is_empty() {
        return Err(format!(
            "{}: the file and the message must not be empty",
            path.display()
        ));
    }
    Ok(Expected {
        file: file.trim().to_string(),
        line,
        message: message.trim().to_string(),
    })
}

/// Every case folder under `tests/fixtures/bad/`, by name.
fn cases() -> Vec<(String, PathBuf)> {
    let dir = fixtures().join("bad");
    let mut out: Vec<(String, PathBuf)> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| p.is_dir())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p))
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no cases found under {}", dir.display());
    out
}

/// Whether some `error:` line names `<file>:<line>:` (or `<file>:` for whole-file problems)
/// with the message substring after it. The file must be a whole path component.
fn names_problem(stderr: &str, e: &Expected) -> bool {
    let loc = match e.line {
        Some(n) => format!("{}:{n}:", e.file),
        None => format!("{}:", e.file),
    };
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("error: "))
        .any(|l| {
            l.match_indices(&loc).any(|(i, _)| {
                (i == 0 || l[..i].ends_with(['/', '\\'])) && l[i + loc.len()..].contains(&e.message)
            })
        })
}

fn describe(e: &Expected) -> String {
    let line = e.line.map_or("-".to_string(), |n| n.to_string());
    format!("{}:{line}: …{}…", e.file, e.message)
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("      {l}\n")).collect()
}

/// Every entry under `root` by relative path: files with their bytes, folders as `None`.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Option<Vec<u8>>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(root).unwrap().to_path_buf();
            if path.is_dir() {
                out.insert(rel, None);
                walk(root, &path, out);
            } else {
                out.insert(rel, Some(fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = BTreeMap::new();
    if root.exists() {
        walk(root, root, &mut out);
    }
    out
}

/// What changed between two snapshots, one path a line.
fn diff(
    before: &BTreeMap<PathBuf, Option<Vec<u8>>>,
    after: &BTreeMap<PathBuf, Option<Vec<u8>>>,
) -> String {
    let mut out = String::new();
    for (p, v) in before {
        match after.get(p) {
            None => out += &format!("removed {}\n", p.display()),
            Some(w) if w != v => out += &format!("changed {}\n", p.display()),
            Some(_) => {}
        }
    }
    for p in after.keys().filter(|p| !before.contains_key(*p)) {
        out += &format!("added {}\n", p.display());
    }
    out
}

/// Analyzes the base study into `out` (replacing what is there) and returns the snapshot of `out`.
fn analyze_base(out: &Path, cwd: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let output = nichegraph()
        .current_dir(cwd)
        .arg("analyze")
        .arg(base())
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "the base study must analyze cleanly; stderr:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    snapshot(out)
}

fn finish(what: &str, total: usize, failures: Vec<String>) {
    if !failures.is_empty() {
        panic!(
            "{what}: {} of {total} case(s) failed:\n\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}

#[test]
fn base_study_is_valid_and_analyzes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let cwd = tmp.path().join("cwd");
    fs::create_dir(&cwd).unwrap();

    nichegraph()
        .current_dir(&cwd)
        .arg("check")
        .arg(base())
        .assert()
        .code(0);

    let snap = analyze_base(&out, &cwd);
    for name in [
        "needs.csv",
        "niches.csv",
        "niches.json",
        "report.md",
        "run.json",
    ] {
        let rel = Path::new(BASE_ID).join(name);
        assert!(
            matches!(snap.get(&rel), Some(Some(bytes)) if !bytes.is_empty()),
            "{} is missing or empty; --out holds {:?}",
            rel.display(),
            snap.keys().collect::<Vec<_>>()
        );
    }
    let top: Vec<_> = snap
        .keys()
        .filter(|p| p.components().count() == 1)
        .collect();
    assert_eq!(
        top,
        [Path::new(BASE_ID)],
        "analyze must write only <out>/<study id>/"
    );
    assert!(
        fs::read_dir(&cwd).unwrap().next().is_none(),
        "analyze with --out must not write into the working directory"
    );
}

/// (a) `check` of every bad case: exit 65, the problem is named, nothing is written.
#[test]
fn check_reports_every_bad_case() {
    let cases = cases();
    let mut failures = Vec::new();
    for (name, dir) in &cases {
        let expected = match read_expected(dir) {
            Ok(e) => e,
            Err(msg) => {
                failures.push(format!("  {name}: {msg}"));
                continue;
            }
        };
        let cwd = tempfile::tempdir().unwrap();
        let output = nichegraph()
            .current_dir(cwd.path())
            .arg("check")
            .arg(dir)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        let mut wrong = Vec::new();
        if output.status.code() != Some(65) {
            wrong.push(format!("exit code {:?}, expected 65", output.status.code()));
        }
        if !names_problem(&stderr, &expected) {
            wrong.push(format!("no error line names {}", describe(&expected)));
        }
        if fs::read_dir(cwd.path()).unwrap().next().is_some() {
            wrong.push("check wrote into the working directory".to_string());
        }
        if !wrong.is_empty() {
            failures.push(format!(
                "  {name}: {}\n    stderr:\n{}",
                wrong.join("; "),
                indent(&stderr)
            ));
        }
    }
    finish("check of bad studies", cases.len(), failures);
}

/// (b) `analyze` of every bad case into an --out that holds the base study's earlier output:
/// exit 65, the problem is named, and --out is byte-identical afterwards (run.json included,
/// since nothing may be rewritten) with no extra entries (no temp folders left behind).
#[test]
fn analyze_of_bad_case_leaves_earlier_output_untouched() {
    let cases = cases();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let cwd = tmp.path().join("cwd");
    fs::create_dir(&cwd).unwrap();
    let mut before = analyze_base(&out, &cwd);

    let mut failures = Vec::new();
    for (name, dir) in &cases {
        let expected = match read_expected(dir) {
            Ok(e) => e,
            Err(msg) => {
                failures.push(format!("  {name}: {msg}"));
                continue;
            }
        };
        let output = nichegraph()
            .current_dir(&cwd)
            .arg("analyze")
            .arg(dir)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        let mut wrong = Vec::new();
        if output.status.code() != Some(65) {
            wrong.push(format!("exit code {:?}, expected 65", output.status.code()));
        }
        if !names_problem(&stderr, &expected) {
            wrong.push(format!("no error line names {}", describe(&expected)));
        }
        let after = snapshot(&out);
        let changes = diff(&before, &after);
        if !changes.is_empty() {
            wrong.push(format!("--out changed:\n{}", indent(&changes)));
        }
        if fs::read_dir(&cwd).unwrap().next().is_some() {
            wrong.push("analyze wrote into the working directory".to_string());
        }
        if !wrong.is_empty() {
            failures.push(format!(
                "  {name}: {}\n    stderr:\n{}",
                wrong.join("; "),
                indent(&stderr)
            ));
            // Start the next case from a clean, known state.
            let _ = fs::remove_dir_all(&out);
            for entry in fs::read_dir(&cwd).unwrap() {
                let p = entry.unwrap().path();
                let _ = if p.is_dir() {
                    fs::remove_dir_all(&p)
                } else {
                    fs::remove_file(&p)
                };
            }
            before = analyze_base(&out, &cwd);
        }
    }
    finish("analyze of bad studies", cases.len(), failures);
}

/// Every case's flows.csv keeps the base's rows with years 2017 and 2018 (or is missing,
/// unreadable, or header-only, which is named as such), so no problem may claim that flows.csv
/// has no year at all. Such a claim is a
/// cascade: a problem in another file made the year check see no rows.
#[test]
fn no_case_claims_flows_have_no_years() {
    let cases = cases();
    let mut failures = Vec::new();
    for (name, dir) in &cases {
        let output = nichegraph().arg("check").arg(dir).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        let bogus: Vec<&str> = stderr
            .lines()
            .filter(|l| {
                l.contains("matches no flow row") && !l.contains("years present: 2017, 2018")
            })
            .collect();
        if !bogus.is_empty() {
            failures.push(format!("  {name}:\n{}", indent(&bogus.join("\n"))));
        }
    }
    finish("spurious year errors", cases.len(), failures);
}
