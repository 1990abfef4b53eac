//! `batch` on copies of the sample studies: isolation of a broken study, skipping unchanged
//! studies, the change report and history, and kill -9 at any moment.

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn bin() -> Command {
    Command::cargo_bin("nichegraph").unwrap()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
    }
}

/// Every file under `dir` except run.json and history (relative path -> bytes).
fn outputs(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(dir).unwrap().display().to_string();
            if rel.starts_with("history") || rel.ends_with("run.json") {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// Two good studies and a broken one under one folder.
fn studies() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    copy_dir(
        &root().join("data/composites-without-borders"),
        &d.path().join("composites"),
    );
    copy_dir(&root().join("data/auto-components"), &d.path().join("auto"));
    copy_dir(
        &root().join("tests/fixtures/bad/unknown-role"),
        &d.path().join("broken"),
    );
    d
}

fn batch_csv(out: &Path) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(out.join("batch.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            let row: BTreeMap<String, String> = h
                .iter()
                .zip(rec.iter())
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect();
            (row["study"].clone(), row)
        })
        .collect()
}

#[test]
fn broken_study_is_isolated_then_unchanged_then_changes_reported() {
    let src = studies();
    let out = tempfile::tempdir().unwrap();
    bin()
        .arg("batch")
        .arg(src.path())
        .arg("--out")
        .arg(out.path())
        .arg("-q")
        .assert()
        .code(65);
    let rows = batch_csv(out.path());
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(rows["composites-without-borders"]["status"], "ok");
    assert_eq!(rows["auto-components"]["status"], "ok");
    let broken = rows
        .values()
        .find(|r| r["status"] == "failed")
        .expect("a failed row");
    assert!(broken["message"].contains("participants.csv"), "{broken:?}");

    // Each good study's outputs equal its own analyze run.
    for (dir, id) in [
        ("composites", "composites-without-borders"),
        ("auto", "auto-components"),
    ] {
        let single = tempfile::tempdir().unwrap();
        bin()
            .arg("analyze")
            .arg(src.path().join(dir))
            .arg("--out")
            .arg(single.path())
            .arg("-q")
            .assert()
            .success();
        assert_eq!(
            outputs(&out.path().join(id)),
            outputs(&single.path().join(id)),
            "{id}"
        );
    }

    // Second run: nothing changed (the broken one still fails).
    bin()
        .arg("batch")
        .arg(src.path())
        .arg("--out")
        .arg(out.path())
        .arg("-q")
        .assert()
        .code(65);
    let rows = batch_csv(out.path());
    assert_eq!(rows["composites-without-borders"]["status"], "unchanged");
    assert_eq!(rows["auto-components"]["status"], "unchanged");
    assert_eq!(rows["composites-without-borders"]["niches"], "4");

    // The cylinders stop being imported: that niche closes, and only this study reruns.
    let flows = src.path().join("composites/flows.csv");
    let text = std::fs::read_to_string(&flows)
        .unwrap()
        .replace("import:NO,Hexagon Composites", "domestic,");
    std::fs::write(&flows, text).unwrap();
    std::fs::remove_dir_all(src.path().join("broken")).unwrap();
    bin()
        .arg("batch")
        .arg(src.path())
        .arg("--out")
        .arg(out.path())
        .arg("-q")
        .assert()
        .success();
    let rows = batch_csv(out.path());
    assert_eq!(rows["composites-without-borders"]["status"], "ok");
    assert_eq!(rows["auto-components"]["status"], "unchanged");
    let changes = std::fs::read_to_string(out.path().join("changes.md")).unwrap();
    assert!(changes.contains("composites-without-borders"), "{changes}");
    assert!(
        changes.contains("ниша закрыта: Сверхлегкие композитные баллоны высокого давления"),
        "{changes}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("changes.json")).unwrap()).unwrap();
    assert_eq!(json[0]["study"], "composites-without-borders");
    // The previous results are kept under history/.
    let history = out.path().join("composites-without-borders/history");
    let runs: Vec<_> = std::fs::read_dir(&history).unwrap().collect();
    assert_eq!(runs.len(), 1);
    let kept = runs[0].as_ref().unwrap().path();
    let old: serde_json::Value =
        serde_json::from_slice(&std::fs::read(kept.join("niches.json")).unwrap()).unwrap();
    assert_eq!(old["niches"].as_array().unwrap().len(), 4);
}

#[test]
fn kill_9_during_forced_batches_never_damages_outputs() {
    let src = studies();
    std::fs::remove_dir_all(src.path().join("broken")).unwrap();
    let out = tempfile::tempdir().unwrap();
    bin()
        .arg("batch")
        .arg(src.path())
        .arg("--out")
        .arg(out.path())
        .arg("-q")
        .assert()
        .success();
    let expected: Vec<(String, BTreeMap<String, Vec<u8>>)> =
        ["composites-without-borders", "auto-components", "portfolio"]
            .iter()
            .map(|id| (id.to_string(), outputs(&out.path().join(id))))
            .collect();
    let exe = assert_cmd::cargo::cargo_bin("nichegraph");
    for i in 0..12u64 {
        let mut child = std::process::Command::new(&exe)
            .arg("batch")
            .arg(src.path())
            .arg("--out")
            .arg(out.path())
            .args(["--force", "-q"])
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(2 + i * 7));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        for (id, files) in &expected {
            assert_eq!(
                &outputs(&out.path().join(id)),
                files,
                "after kill {i}: {id} damaged"
            );
        }
    }
    // A complete run removes whatever temporary folders the killed runs left.
    bin()
        .arg("batch")
        .arg(src.path())
        .arg("--out")
        .arg(out.path())
        .args(["--force", "-q"])
        .assert()
        .success();
    let leftovers: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Item 6 of issue 16: `whatif`, then edited flows, then `batch` once lost the scenarios. They
/// were computed from the previous data, so they move into the history with the previous
/// results, and the run says so.
#[test]
fn rerun_keeps_what_if_scenarios_in_the_history() {
    let src = tempfile::tempdir().unwrap();
    let study = src.path().join("composites");
    copy_dir(&root().join("data/composites-without-borders"), &study);
    let out = tempfile::tempdir().unwrap();
    let batch = |extra: &[&str]| {
        bin()
            .arg("batch")
            .arg(src.path())
            .arg("--out")
            .arg(out.path())
            .args(extra)
            .assert()
            .success()
    };
    batch(&["-q"]);
    bin()
        .args(["whatif", "--localize", "fabrics-prepregs", "--out"])
        .arg(out.path())
        .arg(&study)
        .assert()
        .success();
    let scenario = out
        .path()
        .join("composites-without-borders/whatif/fabrics-prepregs/whatif.md");
    let before = std::fs::read(&scenario).unwrap();
    let flows = study.join("flows.csv");
    let text = std::fs::read_to_string(&flows)
        .unwrap()
        .replace("import:NO,Hexagon Composites", "domestic,");
    std::fs::write(&flows, text).unwrap();
    let done = batch(&[]);
    let stderr = String::from_utf8_lossy(&done.get_output().stderr).to_string();

    let history = out.path().join("composites-without-borders/history");
    let runs: Vec<_> = std::fs::read_dir(&history).unwrap().collect();
    assert_eq!(runs.len(), 1);
    let kept = runs[0].as_ref().unwrap().path();
    assert_eq!(
        std::fs::read(kept.join("whatif/fabrics-prepregs/whatif.md")).unwrap(),
        before,
        "the scenario is kept byte for byte"
    );
    assert!(kept.join("niches.json").exists());
    assert!(
        !scenario.exists(),
        "the stale scenario is not shown as current"
    );
    assert!(
        stderr.contains("1 what-if scenario (fabrics-prepregs) of the previous data moved to")
            && stderr.contains("history"),
        "{stderr}"
    );
    let md = std::fs::read_to_string(out.path().join("batch.md")).unwrap();
    assert!(md.contains("1 сценарий"), "{md}");

    // A third run with nothing changed touches nothing; the history stays.
    batch(&["-q"]);
    assert!(kept.join("whatif/fabrics-prepregs/whatif.md").exists());
}

/// Item 8 of issue 16: batch.md and changes.md follow --lang (Russian by default) and name
/// niches by product name, never by id.
#[test]
fn batch_reports_follow_the_language_and_use_names() {
    let src = tempfile::tempdir().unwrap();
    let study = src.path().join("composites");
    copy_dir(&root().join("data/composites-without-borders"), &study);
    for (lang, words) in [
        (
            "ru",
            [
                "Пакетный пересчёт",
                "млрд руб.",
                "Изменения с прошлого пересчёта",
            ],
        ),
        (
            "en",
            ["Batch run", "bn RUB", "Changes since the previous run"],
        ),
    ] {
        let out = tempfile::tempdir().unwrap();
        let run = || {
            bin()
                .arg("batch")
                .arg(src.path())
                .args(["--out"])
                .arg(out.path())
                .args(["-q", "--force", "--lang", lang])
                .assert()
                .success();
        };
        run();
        let flows = study.join("flows.csv");
        let original = std::fs::read_to_string(&flows).unwrap();
        std::fs::write(
            &flows,
            original.replace("import:NO,Hexagon Composites", "domestic,"),
        )
        .unwrap();
        run();
        std::fs::write(&flows, original).unwrap();
        let md = std::fs::read_to_string(out.path().join("batch.md")).unwrap();
        let changes = std::fs::read_to_string(out.path().join("changes.md")).unwrap();
        assert!(md.contains(words[0]) && md.contains(words[1]), "{md}");
        assert!(changes.contains(words[2]), "{changes}");
        // The top niche by its name; no product id anywhere.
        assert!(md.contains("| Ткани и препреги |"), "{md}");
        assert!(
            changes.contains("Сверхлегкие композитные баллоны"),
            "{changes}"
        );
        for text in [&md, &changes] {
            assert!(
                !text.contains("fabrics-prepregs") && !text.contains("composite-cylinders"),
                "{text}"
            );
        }
    }
}
