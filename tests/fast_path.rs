//! The fast flows loader (src/study/fast.rs) must give exactly what the exact loader gives:
//! the same aggregated flows, bit for bit, and the same selected year, on generated studies
//! written in several CSV dialects.

use nichegraph::generate::{generate, Params};
use nichegraph::study::{dialect::DialectOptions, load_exact, load_with, Study};
use std::path::Path;

fn fingerprint(s: &Study) -> String {
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        s.selected_year,
        s.flows,
        s.dialects,
        s.years_present,
        s.renamed_origins,
        s.duplicate_flow_rows,
        s.history,
        s.plans
    )
}

fn same(dir: &Path, what: &str) {
    let opts = DialectOptions::default();
    let fast = load_with(dir, opts).unwrap_or_else(|e| panic!("{what}: {e}"));
    let exact = load_exact(dir, opts).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(!exact.flows.is_empty(), "{what}: no flows");
    assert!(
        exact.history.years.len() < 2 || !exact.history.sums.is_empty(),
        "{what}: years without history sums"
    );
    assert!(
        fast.flows_fast,
        "{what}: the fast path gave up on valid data"
    );
    assert!(!exact.flows_fast, "{what}");
    assert_eq!(fingerprint(&fast), fingerprint(&exact), "{what}");
}

/// Rewrites flows.csv: shuffled rows, `delimiter`, CRLF, every field quoted, a BOM, a supplier
/// name with a line break and quotes in it, and a second year that is not selected.
fn rewrite(dir: &Path, seed: u64, delimiter: u8) {
    let path = dir.join("flows.csv");
    let mut rows: Vec<csv::StringRecord> = csv::Reader::from_path(&path)
        .unwrap()
        .records()
        .map(Result::unwrap)
        .collect();
    let mut rng = fastrand::Rng::with_seed(seed);
    rng.shuffle(&mut rows);
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(vec![0xef, 0xbb, 0xbf]);
    w.write_record([
        "supplier",
        "supplier_name",
        "consumer",
        "product",
        "quantity",
        "value_rub",
        "year",
    ])
    .unwrap();
    for (k, r) in rows.iter().enumerate() {
        let mut r: Vec<String> = r.iter().map(str::to_string).collect();
        if r[0] == "domestic" && k % 3 == 0 {
            r[1] = format!("ООО \"Север\"\nфилиал {}", k % 4);
        }
        w.write_record(&r).unwrap();
        if k % 5 == 0 {
            // An earlier year: read, validated, and left out.
            r[6] = "2019".into();
            w.write_record(&r).unwrap();
        }
    }
    std::fs::write(&path, w.into_inner().unwrap()).unwrap();
}

#[test]
fn fast_and_exact_loaders_agree() {
    for seed in 1..=12u64 {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("s");
        let params = Params {
            participants: 10 + 17 * seed as usize,
            flows: 200 * seed as usize,
            seed,
            parquet: false,
            dataset: false,
            id: "t".into(),
            // Odd seeds: a five-year history and plans, so the history sums are compared too.
            years: if seed % 2 == 1 { 5 } else { 1 },
            plans: if seed % 2 == 1 { 5 } else { 0 },
            transactions: 0,
        };
        generate(&dir, &params).unwrap();
        same(&dir, &format!("seed {seed}, as generated"));
        rewrite(&dir, seed, if seed % 2 == 0 { b';' } else { b'\t' });
        same(&dir, &format!("seed {seed}, rewritten"));
        // Without a study year the latest is selected: the fast path then keeps the latest
        // year it has seen in each chunk and moves the rows kept before to the history.
        let toml = std::fs::read_to_string(dir.join("study.toml")).unwrap();
        let no_year: String = toml
            .lines()
            .filter(|l| !l.starts_with("year"))
            .map(|l| format!("{l}\n"))
            .collect();
        std::fs::write(dir.join("study.toml"), no_year).unwrap();
        std::fs::remove_file(dir.join("plans.csv")).ok();
        same(&dir, &format!("seed {seed}, rewritten, latest year"));
    }
}

/// The file has no year column and no study year: every row counts, in both loaders.
#[test]
fn without_years() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    let params = Params {
        participants: 60,
        flows: 3000,
        seed: 99,
        parquet: false,
        dataset: false,
        id: "t".into(),
        years: 1,
        plans: 0,
        transactions: 0,
    };
    generate(&dir, &params).unwrap();
    let flows = std::fs::read_to_string(dir.join("flows.csv")).unwrap();
    let cut: String = flows
        .lines()
        .map(|l| l.rsplit_once(',').unwrap().0.to_string() + "\n")
        .collect();
    std::fs::write(dir.join("flows.csv"), cut).unwrap();
    let toml = std::fs::read_to_string(dir.join("study.toml")).unwrap();
    std::fs::write(
        dir.join("study.toml"),
        toml.lines()
            .filter(|l| !l.starts_with("year"))
            .collect::<Vec<_>>()
            .join("\n"),
    )
    .unwrap();
    same(&dir, "no years");
}

/// flows.parquet as `generate --parquet` writes it: read by the fast path, same result.
#[test]
fn parquet_fast_and_exact_agree() {
    // Several seeds: the column readers run in parallel (a shared file offset once made the
    // fast path give up, unnoticed, on most files).
    for seed in [3u64, 8, 11, 17, 23] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("s");
        let params = Params {
            participants: 40 + seed as usize,
            flows: 2500,
            seed,
            parquet: true,
            dataset: false,
            id: "t".into(),
            years: if seed % 2 == 1 { 5 } else { 1 },
            plans: 0,
            transactions: 0,
        };
        generate(&dir, &params).unwrap();
        assert!(dir.join("flows.parquet").is_file());
        same(&dir, &format!("parquet, seed {seed}"));
    }
}

/// Origins spelled otherwise than by their code, and rows that repeat another, are warned about
/// with line numbers: the fast path leaves them to the exact loader, and the result is the same.
#[test]
fn spellings_and_repeated_rows_go_to_the_exact_loader() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    let params = Params {
        participants: 60,
        flows: 3000,
        seed: 5,
        parquet: false,
        dataset: false,
        id: "t".into(),
        years: 1,
        plans: 0,
        transactions: 0,
    };
    generate(&dir, &params).unwrap();
    let flows = std::fs::read_to_string(dir.join("flows.csv")).unwrap();
    let opts = DialectOptions::default();
    for (what, text) in [
        (
            "lower-case codes",
            flows.replacen("import:CN,", "import:cn,", 7),
        ),
        (
            "country names",
            flows.replacen("import:DE,", "import:Germany,", 3),
        ),
        ("a repeated row", {
            let row = flows.lines().nth(1).unwrap();
            format!("{flows}{row}\n")
        }),
    ] {
        std::fs::write(dir.join("flows.csv"), &text).unwrap();
        let fast = load_with(&dir, opts).unwrap();
        let exact = load_exact(&dir, opts).unwrap();
        assert!(!fast.flows_fast, "{what}: the fast path kept it");
        assert_eq!(fingerprint(&fast), fingerprint(&exact), "{what}");
        assert!(
            !fast.renamed_origins.is_empty()
                || !fast.duplicate_flow_rows.is_empty()
                || what == "lower-case codes",
            "{what}: nothing to warn about"
        );
        assert!(
            !fast.flows.iter().any(|f| matches!(f.supplier, nichegraph::study::Source::Import(o) if o == "cn" || o == "Germany")),
            "{what}: an origin kept its spelling"
        );
    }
}

/// A hive-partitioned dataset (`generate --dataset`): the fast path and the exact loader agree
/// on it, and it gives the flows and history of the same rows written as one flows.csv.
#[test]
fn a_dataset_reads_as_its_rows_in_one_csv() {
    for seed in [3u64, 8] {
        let tmp = tempfile::tempdir().unwrap();
        let params = |dataset| Params {
            participants: 40 + seed as usize,
            flows: 1500,
            seed,
            parquet: false,
            dataset,
            id: "t".into(),
            years: 5,
            plans: 4,
            transactions: 0,
        };
        let (csv_dir, ds_dir) = (tmp.path().join("csv"), tmp.path().join("ds"));
        generate(&csv_dir, &params(false)).unwrap();
        generate(&ds_dir, &params(true)).unwrap();
        assert!(ds_dir.join("flows/year=2025/part-0.parquet").is_file());
        assert!(!ds_dir.join("flows.csv").exists());
        same(&ds_dir, &format!("seed {seed}, dataset"));
        let opts = DialectOptions::default();
        let (a, b) = (
            load_with(&csv_dir, opts).unwrap(),
            load_with(&ds_dir, opts).unwrap(),
        );
        assert_eq!(
            format!("{:?}\n{:?}\n{:?}", a.flows, a.history, a.years_present),
            format!("{:?}\n{:?}\n{:?}", b.flows, b.history, b.years_present),
            "seed {seed}"
        );
    }
}
