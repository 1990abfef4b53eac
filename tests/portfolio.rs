//! `batch` writes the association's portfolio (`<out>/portfolio/`) over small fixture clusters
//! (tests/fixtures/portfolio, see its README): shared codes, codes with spaces, differing
//! units, keys by id, supply matches, the registry, a failed study, and reruns.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

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

fn read(out: &Path, file: &str) -> String {
    std::fs::read_to_string(out.join("portfolio").join(file)).unwrap()
}

/// A batch over the given fixture clusters (copied), returning the output folder.
fn batch_of(clusters: &[&str], code: i32) -> (tempfile::TempDir, tempfile::TempDir) {
    let src = tempfile::tempdir().unwrap();
    for c in clusters {
        copy_dir(
            &root().join("tests/fixtures/portfolio").join(c),
            &src.path().join(c),
        );
    }
    let out = tempfile::tempdir().unwrap();
    bin()
        .arg("batch")
        .arg(src.path())
        .arg("--out")
        .arg(out.path())
        .arg("-q")
        .assert()
        .code(code);
    (src, out)
}

const SHARED: &str = "\
key,product_name,studies,units,addressable_qty,addressable_rub,investment_rub
20.16.40,Смола,alpha|bravo,т,15,1900,1900
3907911000,Полиэфир,alpha|bravo,т|кг,,900,900
id:bolt,Болт,alpha|bravo,шт,140,80,80
";

const MATCHES: &str = "\
study,rank,product,key,supplier_study,supplier,supplier_name,supplied_rub
bravo,4,rod,24.10,alpha,a1,ООО «Альфа-Прокат»,250
bravo,4,rod,24.10,alpha,a3,ООО «Альфа-Сталь»,0
";

const REGISTRY_HEADER: &str = "study,name,overall,industrial_count,final_producer,education,infrastructure_objects,governance,hp_jobs,supplier_share_each,cooperation\n";

#[test]
fn shared_codes_spaces_units_ids_and_supply_matches() {
    let (_src, out) = batch_of(&["alpha", "bravo"], 0);
    assert_eq!(read(out.path(), "shared_niches.csv"), SHARED);
    assert_eq!(read(out.path(), "supply_matches.csv"), MATCHES);
    let registry = read(out.path(), "registry.csv");
    assert!(registry.starts_with(REGISTRY_HEADER), "{registry}");
    // One row per study, by id, each agreeing with the study's own compliance.json.
    let mut r = csv::Reader::from_reader(registry.as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), 2);
    for (row, id) in rows.iter().zip(["alpha", "bravo"]) {
        assert_eq!(&row[0], id);
        let c: serde_json::Value = serde_json::from_slice(
            &std::fs::read(out.path().join(id).join("compliance.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(row[2], *c["overall"].as_str().unwrap());
        for (k, crit) in c["criteria"].as_array().unwrap().iter().enumerate() {
            assert_eq!(row[3 + k], *crit["status"].as_str().unwrap(), "{id} {k}");
        }
    }
    assert_eq!(&rows[0][1], "Кластер «Альфа»");
    // niches.json carries the code, spaces removed; needs.csv and niches.csv do not.
    let nj: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("bravo/niches.json")).unwrap())
            .unwrap();
    let codes: Vec<&serde_json::Value> = nj["niches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| &n["code"])
        .collect();
    assert_eq!(
        codes,
        [
            &serde_json::json!("20.16.40"),
            &serde_json::json!("3907911000"),
            &serde_json::json!("20.16.40"),
            &serde_json::json!("24.10"),
            &serde_json::Value::Null
        ]
    );
    let niches_csv = std::fs::read_to_string(out.path().join("bravo/niches.csv")).unwrap();
    assert!(!niches_csv.lines().next().unwrap().contains("code"));
    for f in ["portfolio.md", "portfolio.html"] {
        assert!(out.path().join("portfolio").join(f).is_file(), "{f}");
    }
}

#[test]
fn a_failed_study_is_named_and_the_others_still_make_the_portfolio() {
    let (_src, out) = batch_of(&["alpha", "bravo", "charlie"], 65);
    assert_eq!(read(out.path(), "shared_niches.csv"), SHARED);
    assert_eq!(read(out.path(), "supply_matches.csv"), MATCHES);
    let md = read(out.path(), "portfolio.md");
    assert!(md.contains("## Не вошли в портфель"), "{md}");
    let line = md
        .lines()
        .find(|l| l.contains("charlie"))
        .unwrap_or_else(|| panic!("charlie is not named:\n{md}"));
    assert!(line.contains("participants.csv"), "{line}");
    let html = read(out.path(), "portfolio.html");
    assert!(html.contains("charlie") && html.contains("Не вошли в портфель"));
}

#[test]
fn one_study_alone_gives_headers_only() {
    let (_src, out) = batch_of(&["alpha", "charlie"], 65);
    assert_eq!(
        read(out.path(), "shared_niches.csv"),
        SHARED.lines().next().unwrap().to_string() + "\n"
    );
    assert_eq!(
        read(out.path(), "supply_matches.csv"),
        MATCHES.lines().next().unwrap().to_string() + "\n"
    );
    assert_eq!(read(out.path(), "registry.csv"), REGISTRY_HEADER);
    let md = read(out.path(), "portfolio.md");
    assert!(md.contains("нужны хотя бы два кластера"), "{md}");
}

#[test]
fn unchanged_studies_give_the_same_portfolio_read_back_or_reanalysed() {
    let (src, out) = batch_of(&["alpha", "bravo"], 0);
    let files = [
        "shared_niches.csv",
        "supply_matches.csv",
        "registry.csv",
        "portfolio.md",
        "portfolio.html",
    ];
    let first: Vec<String> = files.iter().map(|f| read(out.path(), f)).collect();
    let again = |out: &Path| {
        let o = bin()
            .arg("batch")
            .arg(src.path())
            .arg("--out")
            .arg(out)
            .arg("-q")
            .assert()
            .success();
        let _ = o;
        let batch = std::fs::read_to_string(out.join("batch.csv")).unwrap();
        assert_eq!(batch.matches(",unchanged,").count(), 2, "{batch}");
        files.iter().map(|f| read(out, f)).collect::<Vec<_>>()
    };
    assert_eq!(again(out.path()), first);
    // A niches.json without codes (as an earlier build wrote it): the keys come from the study.
    let nj = out.path().join("bravo/niches.json");
    let mut doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&nj).unwrap()).unwrap();
    for n in doc["niches"].as_array_mut().unwrap() {
        n.as_object_mut().unwrap().remove("code");
    }
    std::fs::write(&nj, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    assert_eq!(again(out.path()), first);
    // Without a study's result files, an unchanged study is analysed again: the same portfolio.
    std::fs::remove_file(out.path().join("alpha/niches.json")).unwrap();
    assert_eq!(again(out.path()), first);
    // An English batch writes the words in English and the same tables.
    bin()
        .arg("batch")
        .arg(src.path())
        .arg("--out")
        .arg(out.path())
        .args(["-q", "--lang", "en", "--force"])
        .assert()
        .success();
    assert_eq!(read(out.path(), "shared_niches.csv"), SHARED);
    assert!(read(out.path(), "portfolio.md").contains("Shared investment niches"));
}

#[test]
fn a_study_named_portfolio_is_refused_in_a_batch() {
    let src = tempfile::tempdir().unwrap();
    copy_dir(
        &root().join("tests/fixtures/portfolio/alpha"),
        &src.path().join("alpha"),
    );
    copy_dir(
        &root().join("tests/fixtures/portfolio/bravo"),
        &src.path().join("p"),
    );
    let toml = src.path().join("p/study.toml");
    let text = std::fs::read_to_string(&toml)
        .unwrap()
        .replace("id = \"bravo\"", "id = \"portfolio\"");
    std::fs::write(&toml, text).unwrap();
    let out = tempfile::tempdir().unwrap();
    bin()
        .arg("batch")
        .arg(src.path())
        .arg("--out")
        .arg(out.path())
        .arg("-q")
        .assert()
        .code(1);
    let batch = std::fs::read_to_string(out.path().join("batch.csv")).unwrap();
    assert!(
        batch.contains("names the batch's portfolio folder"),
        "{batch}"
    );
    // The portfolio folder holds the portfolio, not the study.
    assert!(out.path().join("portfolio/portfolio.md").is_file());
    assert!(!out.path().join("portfolio/niches.json").exists());
}

#[test]
fn the_samples_share_niches_and_supplies() {
    let out = tempfile::tempdir().unwrap();
    bin()
        .arg("batch")
        .arg(root().join("data"))
        .arg("--out")
        .arg(out.path())
        .arg("-q")
        .assert()
        .success();
    let shared = read(out.path(), "shared_niches.csv");
    let matches = read(out.path(), "supply_matches.csv");
    assert!(shared.lines().count() >= 2, "{shared}");
    assert!(matches.lines().count() >= 2, "{matches}");
    assert!(matches.contains("bus-composites,"), "{matches}");
    assert!(shared.contains("23.14.11,"), "{shared}");
}

#[test]
fn portfolio_md_snapshot() {
    let out = tempfile::tempdir().unwrap();
    // Relative study paths, so the failed study's line is the same on every machine.
    bin()
        .current_dir(root())
        .arg("batch")
        .arg("tests/fixtures/portfolio")
        .arg("--out")
        .arg(out.path())
        .arg("-q")
        .assert()
        .code(65);
    insta::assert_snapshot!("portfolio_md", read(out.path(), "portfolio.md"));
}
