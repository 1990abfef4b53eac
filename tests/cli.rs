//! The real binary on the bundled sample studies: the seed's four niches, determinism,
//! languages, exit codes, and a snapshot of the report.

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn bin() -> Command {
    Command::cargo_bin("nichegraph").unwrap()
}

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(name)
}

/// Every file under `dir` (relative path -> bytes).
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn analyze(study: &Path, out: &Path, extra: &[&str], threads: &str) {
    bin()
        .arg("analyze")
        .arg(study)
        .arg("--out")
        .arg(out)
        .args(extra)
        .env("RAYON_NUM_THREADS", threads)
        .assert()
        .success();
}

fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn composites_sample_gives_the_seed_niches() {
    let out = tempfile::tempdir().unwrap();
    analyze(&sample("composites-without-borders"), out.path(), &[], "2");
    let dir = out.path().join("composites-without-borders");
    let niches = read_csv(&dir.join("niches.csv"));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("niches.json")).unwrap()).unwrap();
    assert_eq!(niches.len(), 4, "{niches:?}");
    // (product name, stage, demand range in units, key consumer names, investment in rub)
    type SeedNiche<'a> = (&'a str, &'a str, f64, f64, &'a [&'a str], f64);
    let seed: [SeedNiche; 4] = [
        (
            "ПАН-прекурсор повышенной прочности (4,9 и 5,5 ГПа)",
            "1",
            100.0,
            150.0,
            &["ООО «Аргон»"],
            6.9e9,
        ),
        (
            "Ткани и препреги",
            "3",
            400.0,
            400.0,
            &["АО «НПО ОКБ им. М.П. Симонова»", "ООО «КАМАТЕК»"],
            1.3e9,
        ),
        (
            "Сверхлегкие композитные баллоны высокого давления",
            "4",
            20_000.0,
            20_000.0,
            &["ООО «РМЗ РариТЭК»", "ООО «РариТЭК Инжиниринг»"],
            1.04e9,
        ),
        (
            "Стекловолокно",
            "2",
            150.0,
            150.0,
            &["ООО «Татнефть-Пресскомпозит»", "ООО «Заряд»"],
            2.2e9,
        ),
    ];
    for (name, stage, lo, hi, consumers, investment) in seed {
        let row = niches
            .iter()
            .find(|r| r["product_name"] == name)
            .unwrap_or_else(|| panic!("no niche {name}"));
        assert_eq!(row["stage"], stage);
        let demand: f64 = row["demand_qty"].parse().unwrap();
        assert!((lo..=hi).contains(&demand), "{name}: demand {demand}");
        let inv: f64 = row["investment_rub"].parse().unwrap();
        assert!(
            (inv / investment - 1.0).abs() <= 0.02,
            "{name}: investment {inv}"
        );
        let detail = json["niches"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["product_name"] == name)
            .unwrap();
        let names: Vec<&str> = detail["key_consumers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["name"].as_str().unwrap())
            .collect();
        let mut want = consumers.to_vec();
        let mut got = names.clone();
        want.sort();
        got.sort();
        assert_eq!(got, want, "{name}");
    }
    let cyl = niches
        .iter()
        .find(|r| r["product"] == "composite-cylinders")
        .unwrap();
    assert_eq!(cyl["flags"], "import");
    let imp: f64 = cyl["import_share"].parse().unwrap();
    assert!((0.90..=0.95).contains(&imp));
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    for needle in [
        "6,9 млрд руб.",
        "20 тыс. шт./год",
        "92 %",
        "Hexagon Composites",
        "Porcher Industries",
    ] {
        assert!(report.contains(needle), "report.md lacks {needle}");
    }
}

#[test]
fn outputs_are_identical_across_threads_and_reruns() {
    for name in ["composites-without-borders", "auto-components"] {
        let study = sample(name);
        if !study.exists() {
            continue;
        }
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        analyze(&study, a.path(), &[], "1");
        analyze(&study, b.path(), &[], "2");
        let mut fa = files(a.path());
        let mut fb = files(b.path());
        assert!(fa.keys().any(|k| k.ends_with("needs.csv")));
        fa.retain(|k, _| !k.ends_with("run.json"));
        fb.retain(|k, _| !k.ends_with("run.json"));
        assert_eq!(fa, fb, "{name}: thread count changed the outputs");
        analyze(&study, a.path(), &[], "2");
        let mut again = files(a.path());
        again.retain(|k, _| !k.ends_with("run.json"));
        assert_eq!(fa, again, "{name}: a rerun changed the outputs");
    }
}

#[test]
fn report_snapshots() {
    for (lang, name) in [("ru", "composites_ru"), ("en", "composites_en")] {
        let out = tempfile::tempdir().unwrap();
        analyze(
            &sample("composites-without-borders"),
            out.path(),
            &["--lang", lang],
            "2",
        );
        let md = std::fs::read_to_string(out.path().join("composites-without-borders/report.md"))
            .unwrap();
        insta::assert_snapshot!(name, md);
    }
}

#[test]
fn check_validates_and_writes_nothing() {
    let cwd = tempfile::tempdir().unwrap();
    bin()
        .current_dir(cwd.path())
        .arg("check")
        .arg(sample("composites-without-borders"))
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "ok: study composites-without-borders",
        ));
    assert_eq!(std::fs::read_dir(cwd.path()).unwrap().count(), 0);
}

#[test]
fn exit_codes_for_usage_and_missing_folder() {
    bin().arg("analyze").assert().code(2);
    bin()
        .args(["analyze", "x", "--lang", "de"])
        .assert()
        .code(2);
    bin()
        .args(["check", "/nonexistent/study"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("/nonexistent/study"));
}

#[test]
fn output_path_that_is_a_file_fails_cleanly() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("taken");
    std::fs::write(&f, "x").unwrap();
    bin()
        .arg("analyze")
        .arg(sample("composites-without-borders"))
        .arg("--out")
        .arg(&f)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("is a file"));
    assert_eq!(std::fs::read(&f).unwrap(), b"x");
}

/// Copies a study folder into `dir`.
fn copy_study(from: &Path, dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
        }
    }
}

#[test]
fn whatif_equals_analyze_of_a_hand_rewritten_study() {
    let study = sample("composites-without-borders");
    for share in ["1", "0.5"] {
        let out = tempfile::tempdir().unwrap();
        bin()
            .arg("whatif")
            .arg(&study)
            .args([
                "--localize",
                "composite-cylinders",
                "--share",
                share,
                "--out",
            ])
            .arg(out.path())
            .assert()
            .success();
        let scenario = out
            .path()
            .join("composites-without-borders/whatif/composite-cylinders");
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(scenario.join("whatif.json")).unwrap()).unwrap();

        // The same scenario by hand: imports of 2018 move to a new final producer.
        let copy = tempfile::tempdir().unwrap();
        copy_study(&study, copy.path());
        let flows = std::fs::read_to_string(study.join("flows.csv")).unwrap();
        let mut rewritten = String::new();
        let mut moved = 0.0;
        for line in flows.lines() {
            let cells: Vec<&str> = line.split(',').collect();
            if cells[0] == "import:NO" && cells[6] == "2018" {
                let (q, v): (f64, f64) = (cells[4].parse().unwrap(), cells[5].parse().unwrap());
                let s: f64 = share.parse().unwrap();
                moved += v * s;
                if s < 1.0 {
                    rewritten += &format!(
                        "{},{},{},{},{},{},2018\n",
                        cells[0],
                        cells[1],
                        cells[2],
                        cells[3],
                        q - q * s,
                        v - v * s
                    );
                }
                rewritten += &format!(
                    "new-composite-cylinders,,{},{},{},{},2018\n",
                    cells[2],
                    cells[3],
                    q * s,
                    v * s
                );
            } else {
                rewritten += line;
                rewritten.push('\n');
            }
        }
        std::fs::write(copy.path().join("flows.csv"), rewritten).unwrap();
        let mut parts = std::fs::read_to_string(study.join("participants.csv")).unwrap();
        parts += &format!(
            "new-composite-cylinders,Новое производство: Сверхлегкие композитные баллоны высокого давления,Республика Татарстан,final_producer,4,,,false,{moved},\n"
        );
        std::fs::write(copy.path().join("participants.csv"), parts).unwrap();
        assert_eq!(doc["moved_rub"].as_f64().unwrap(), moved);

        let plain = tempfile::tempdir().unwrap();
        analyze(copy.path(), plain.path(), &[], "2");
        for f in [
            "needs.csv",
            "niches.csv",
            "niches.json",
            "import_content.csv",
            "compliance.json",
        ] {
            let a = std::fs::read_to_string(scenario.join(f)).unwrap();
            let b =
                std::fs::read_to_string(plain.path().join("composites-without-borders").join(f))
                    .unwrap();
            assert_eq!(a, b, "share {share}: {f} differs");
        }
    }
}

#[test]
fn whatif_rejects_bad_options() {
    let study = sample("composites-without-borders");
    let out = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        bin()
            .arg("whatif")
            .arg(&study)
            .args(args)
            .arg("--out")
            .arg(out.path())
            .assert()
    };
    run(&["--localize", "no-such-product"])
        .code(2)
        .stderr(predicates::str::contains("no such product"));
    run(&["--localize", "glass-fiber", "--share", "1.5"]).code(2);
    // ООО «Заряд» buys glass fibre itself.
    run(&["--localize", "glass-fiber", "--supplier", "zaryad"])
        .code(2)
        .stderr(predicates::str::contains("consumes"));
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
}

/// A number as Russian-locale Excel writes it: «1 400 000 000», «0,5».
fn excel_number(s: &str) -> String {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let digits: Vec<char> = int.chars().collect();
    let mut grouped = String::new();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) && c.is_ascii_digit() {
            grouped.push('\u{a0}');
        }
        grouped.push(*c);
    }
    match frac {
        Some(f) => format!("{grouped},{f}"),
        None => grouped,
    }
}

/// Rewrites every CSV of a study with another separator, optionally decimal commas, and encoding.
fn rewrite_study(from: &Path, to: &Path, delim: u8, decimal_comma: bool, cp1251: bool, bom: bool) {
    copy_study(from, to);
    let numeric = [
        "stage",
        "employees",
        "hp_jobs",
        "output_rub",
        "benchmark_price_rub",
        "capex_rub_per_unit",
        "min_capacity",
        "quantity",
        "value_rub",
        "required_min",
        "required_max",
        "available",
    ];
    for name in ["participants.csv", "products.csv", "flows.csv", "specs.csv"] {
        let mut r = csv::Reader::from_path(from.join(name)).unwrap();
        let headers = r.headers().unwrap().clone();
        let mut w = csv::WriterBuilder::new()
            .delimiter(delim)
            .from_writer(Vec::new());
        w.write_record(&headers).unwrap();
        for rec in r.records() {
            let rec = rec.unwrap();
            let cells: Vec<String> = headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| {
                    if decimal_comma && numeric.contains(&h) && !v.is_empty() {
                        excel_number(v)
                    } else {
                        v.to_string()
                    }
                })
                .collect();
            w.write_record(&cells).unwrap();
        }
        let text = String::from_utf8(w.into_inner().unwrap())
            .unwrap()
            .replace('\n', "\r\n");
        let mut bytes = if cp1251 {
            let (b, _, unmappable) = encoding_rs::WINDOWS_1251.encode(&text);
            assert!(!unmappable, "{name} has characters Windows-1251 lacks");
            b.into_owned()
        } else {
            text.into_bytes()
        };
        if bom {
            bytes.splice(0..0, "\u{feff}".bytes());
        }
        std::fs::write(to.join(name), bytes).unwrap();
    }
}

#[test]
fn excel_style_and_tab_separated_inputs_give_identical_outputs() {
    let study = sample("composites-without-borders");
    let plain = tempfile::tempdir().unwrap();
    analyze(&study, plain.path(), &["--format", "csv,json"], "2");
    let want = files(plain.path());
    for (label, delim, comma, cp1251, bom, expect) in [
        (
            "excel",
            b';',
            true,
            true,
            false,
            "Windows-1251, separator ';', decimal comma",
        ),
        (
            "tabs",
            b'\t',
            false,
            false,
            true,
            "UTF-8 with BOM, separator tab, decimal point",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        rewrite_study(&study, dir.path(), delim, comma, cp1251, bom);
        bin()
            .arg("check")
            .arg(dir.path())
            .assert()
            .success()
            .stdout(predicates::str::contains(format!("flows.csv: {expect}")));
        let out = tempfile::tempdir().unwrap();
        analyze(dir.path(), out.path(), &["--format", "csv,json"], "2");
        let mut got = files(out.path());
        let mut want = want.clone();
        got.retain(|k, _| !k.ends_with("run.json"));
        want.retain(|k, _| !k.ends_with("run.json"));
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            want.keys().collect::<Vec<_>>()
        );
        for (k, v) in &want {
            assert!(got[k] == *v, "{label}: {k} differs");
        }
    }
}

#[test]
fn mixed_decimal_marks_ask_for_an_option() {
    let dir = tempfile::tempdir().unwrap();
    rewrite_study(
        &sample("composites-without-borders"),
        dir.path(),
        b';',
        true,
        false,
        false,
    );
    let flows = dir.path().join("flows.csv");
    let text = std::fs::read_to_string(&flows).unwrap();
    // One value written with a decimal point among decimal commas.
    let text = text.replacen("120;192\u{a0}000\u{a0}000", "120.5;192000000", 1);
    std::fs::write(&flows, text).unwrap();
    bin()
        .arg("check")
        .arg(dir.path())
        .assert()
        .code(65)
        .stderr(predicates::str::contains("--decimal-comma"));
}

#[test]
fn the_investment_case_of_the_composites_sample() {
    let out = tempfile::tempdir().unwrap();
    analyze(&sample("composites-without-borders"), out.path(), &[], "2");
    let dir = out.path().join("composites-without-borders");
    let support = std::fs::read_to_string(dir.join("support.csv")).unwrap();
    let lines: Vec<&str> = support.lines().collect();
    assert_eq!(
        lines[0],
        "rank,product,programme,programme_name,eligibility,interest_rub,equipment_rub,amount_rub"
    );
    // Four niches × two default programmes, by rank then programme; the cluster fails the
    // registry, so nothing is chosen and support_rub is 0.
    assert_eq!(lines.len(), 9);
    assert_eq!(
        lines[1],
        "1,fabrics-prepregs,pp41,ПП РФ № 41 от 28.01.2016,not_eligible,229320000,117000000,346320000"
    );
    assert!(
        lines[6].starts_with("3,pan-precursor-hs,pp1119,") && lines[6].ends_with(",1000000000")
    );
    let niches = read_csv(&dir.join("niches.csv"));
    for row in &niches {
        assert_eq!(row["support_programme"], "");
        assert_eq!(row["support_rub"], "0");
        assert_eq!(row["payback_years"], row["payback_with_support_years"]);
    }
    // The proposals: one per niche, linked from report.html.
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    for f in [
        "1-fabrics-prepregs",
        "2-composite-cylinders",
        "3-pan-precursor-hs",
        "4-glass-fiber",
    ] {
        assert!(
            dir.join("proposals").join(format!("{f}.html")).is_file(),
            "{f}"
        );
        assert!(
            html.contains(&format!("href=\"proposals/{f}.html\"")),
            "{f}"
        );
    }
    // Without html, no proposals.
    let md = tempfile::tempdir().unwrap();
    analyze(
        &sample("composites-without-borders"),
        md.path(),
        &["--format", "md,csv"],
        "1",
    );
    assert!(!md
        .path()
        .join("composites-without-borders/proposals")
        .exists());
}
