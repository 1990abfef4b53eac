//! Flows in Parquet: a study folder with flows.parquet instead of flows.csv gives byte-identical
//! results, and bad values are named as `flows.parquet:<row>:<column>` (row 2 = first record).

use assert_cmd::Command;
use polars::prelude::{Column, DataFrame, ParquetCompression, ParquetWriter};
use std::path::{Path, PathBuf};

const ID: &str = "composites-without-borders";

fn bin() -> Command {
    Command::cargo_bin("nichegraph").unwrap()
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/composites-without-borders")
}

/// One column's values; `None` is a null.
#[derive(Clone)]
enum Col {
    Text(Vec<Option<String>>),
    Double(Vec<Option<f64>>),
    Int32(Vec<Option<i32>>),
    Int64(Vec<Option<i64>>),
}

impl Col {
    fn len(&self) -> usize {
        match self {
            Col::Text(v) => v.len(),
            Col::Double(v) => v.len(),
            Col::Int32(v) => v.len(),
            Col::Int64(v) => v.len(),
        }
    }

    fn column(&self, name: &str) -> Column {
        match self {
            Col::Text(v) => Column::new(name.into(), v.clone()),
            Col::Double(v) => Column::new(name.into(), v.clone()),
            Col::Int32(v) => Column::new(name.into(), v.clone()),
            Col::Int64(v) => Column::new(name.into(), v.clone()),
        }
    }
}

/// Writes the columns as a Parquet file of optional columns, in row groups of at most
/// `group` rows.
fn write(path: &Path, cols: &[(&str, Col)], compression: ParquetCompression, group: usize) {
    let rows = cols.first().map_or(0, |(_, c)| c.len());
    let columns = cols.iter().map(|(name, c)| c.column(name)).collect();
    let mut df = DataFrame::new(rows, columns).unwrap();
    let file = std::fs::File::create(path).unwrap();
    ParquetWriter::new(file)
        .with_compression(compression)
        .with_row_group_size(Some(group))
        .finish(&mut df)
        .unwrap();
}

/// The sample's flows.csv as columns: text columns as strings (empty = null), quantity as
/// doubles, value_rub as 64-bit integers and year as 32-bit integers.
fn sample_flows() -> Vec<(&'static str, Col)> {
    let mut r = csv::Reader::from_path(sample().join("flows.csv")).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let records: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let column = |name: &str| {
        let i = header.iter().position(|h| h == name).unwrap();
        records.iter().map(move |rec| {
            let cell = &rec[i];
            (!cell.is_empty()).then(|| cell.to_string())
        })
    };
    let text = |name| Col::Text(column(name).collect());
    vec![
        ("supplier", text("supplier")),
        ("supplier_name", text("supplier_name")),
        ("consumer", text("consumer")),
        ("product", text("product")),
        (
            "quantity",
            Col::Double(
                column("quantity")
                    .map(|c| c.map(|s| s.parse().unwrap()))
                    .collect(),
            ),
        ),
        (
            "value_rub",
            Col::Int64(
                column("value_rub")
                    .map(|c| c.map(|s| s.parse().unwrap()))
                    .collect(),
            ),
        ),
        (
            "year",
            Col::Int32(
                column("year")
                    .map(|c| c.map(|s| s.parse().unwrap()))
                    .collect(),
            ),
        ),
    ]
}

/// A copy of the sample study in `at` without flows.csv.
fn study_without_csv(at: &Path) -> PathBuf {
    let dir = at.join("study");
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(sample()).unwrap() {
        let e = e.unwrap();
        if e.file_name() != "flows.csv" {
            std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
        }
    }
    dir
}

/// A copy of the sample study whose flows are `cols` in flows.parquet.
fn parquet_study(at: &Path, cols: &[(&str, Col)]) -> PathBuf {
    let dir = study_without_csv(at);
    write(
        &dir.join("flows.parquet"),
        cols,
        ParquetCompression::Snappy,
        10,
    );
    dir
}

/// Runs `check` on a study expected to be invalid; returns stderr.
fn check_fails(study: &Path) -> String {
    let out = bin().arg("check").arg(study).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(65), "{stderr}");
    stderr
}

/// The run.json of the study's results in `out`, and the input files it names.
fn run_inputs(out: &Path) -> (serde_json::Value, Vec<String>) {
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join(ID).join("run.json")).unwrap()).unwrap();
    let files = run["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["file"].as_str().unwrap().to_string())
        .collect();
    (run, files)
}

/// Analyses the sample and `study` with `formats` and asserts that `files` are byte-identical.
fn same_outputs(study: &Path, tmp: &Path, formats: &str, files: &[&str], what: &str) {
    let (a_out, b_out) = (tmp.join("a"), tmp.join("b"));
    for (s, out) in [(sample(), &a_out), (study.to_path_buf(), &b_out)] {
        bin()
            .arg("analyze")
            .arg(&s)
            .arg("--out")
            .arg(out)
            .args(["--format", formats])
            .assert()
            .success();
    }
    for f in files {
        let a = std::fs::read(a_out.join(ID).join(f)).unwrap();
        let b = std::fs::read(b_out.join(ID).join(f)).unwrap();
        assert!(a == b, "{f} differs between flows.csv and {what}");
    }
}

#[test]
fn parquet_flows_give_the_same_results_as_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let study = parquet_study(tmp.path(), &sample_flows());
    same_outputs(
        &study,
        tmp.path(),
        "csv,json",
        &[
            "needs.csv",
            "niches.csv",
            "demand_outlook.csv",
            "niches.json",
            "compliance.json",
            "import_content.csv",
        ],
        "flows.parquet",
    );
    let from_parquet = tmp.path().join("b");
    let (run, files) = run_inputs(&from_parquet);
    assert_eq!(
        files,
        [
            "flows.parquet",
            "participants.csv",
            "plans.csv",
            "products.csv",
            "specs.csv",
            "study.toml"
        ],
        "{run}"
    );
}

/// The last line of `check`'s output: counts of participants, products and flows.
fn check_ok(study: &Path) -> String {
    let out = bin().arg("check").arg(study).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .find(|l| l.starts_with("ok:"))
        .unwrap()
        .to_string()
}

#[test]
fn common_compressions_and_number_types_read_alike() {
    let expected = check_ok(&sample());
    let tmp = tempfile::tempdir().unwrap();
    let mut cols = sample_flows();
    // Numbers of other types: value_rub as doubles, year as 64-bit integers, quantity as text.
    cols[5].1 = match &cols[5].1 {
        Col::Int64(v) => Col::Double(v.iter().map(|x| x.map(|x| x as f64)).collect()),
        _ => unreachable!(),
    };
    cols[6].1 = match &cols[6].1 {
        Col::Int32(v) => Col::Int64(v.iter().map(|x| x.map(i64::from)).collect()),
        _ => unreachable!(),
    };
    cols[4].1 = match &cols[4].1 {
        Col::Double(v) => Col::Text(v.iter().map(|x| x.map(|x| format!(" {x} "))).collect()),
        _ => unreachable!(),
    };
    for (i, compression) in [
        ParquetCompression::Uncompressed,
        ParquetCompression::Zstd(None),
        ParquetCompression::Gzip(None),
        ParquetCompression::Lz4Raw,
    ]
    .into_iter()
    .enumerate()
    {
        let dir = study_without_csv(&tmp.path().join(i.to_string()));
        write(&dir.join("flows.parquet"), &cols, compression, 7);
        assert_eq!(check_ok(&dir), expected, "{compression:?}");
    }
}

fn set(cols: &mut [(&str, Col)], name: &str, record: usize, value: Col) {
    let c = &mut cols.iter_mut().find(|(n, _)| *n == name).unwrap().1;
    match (c, value) {
        (Col::Text(v), Col::Text(x)) => v[record] = x[0].clone(),
        (Col::Double(v), Col::Double(x)) => v[record] = x[0],
        (Col::Int32(v), Col::Int32(x)) => v[record] = x[0],
        (Col::Int64(v), Col::Int64(x)) => v[record] = x[0],
        _ => panic!("another type"),
    }
}

#[test]
fn a_bad_value_is_named_by_file_row_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let mut cols = sample_flows();
    // Record 3 (0-based 2) is row 4; record 12 sits in the second row group (groups of 10).
    set(&mut cols, "quantity", 2, Col::Double(vec![Some(-5.0)]));
    set(&mut cols, "consumer", 11, Col::Text(vec![None]));
    let study = parquet_study(tmp.path(), &cols);
    let stderr = check_fails(&study);
    assert!(
        stderr.contains(
            "flows.parquet:4:quantity: quantity \"-5\": out of range; expected a number >= 0"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "flows.parquet:13:consumer: consumer \"\": the value is missing; this column is required"
        ),
        "{stderr}"
    );
    assert_eq!(stderr.matches("flows.parquet:").count(), 2, "{stderr}");

    // Nothing is written on bad input.
    let out = tmp.path().join("out");
    let a = bin()
        .arg("analyze")
        .arg(&study)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(a.status.code(), Some(65));
    assert!(!out.join(ID).exists());
}

#[test]
fn a_column_of_the_wrong_type_is_reported_per_cell() {
    let tmp = tempfile::tempdir().unwrap();
    let mut cols = sample_flows();
    let n = cols[4].1.len();
    let mut text: Vec<Option<String>> = vec![Some("1".into()); n];
    text[0] = Some("abc".into());
    cols[4].1 = Col::Text(text);
    let mut years: Vec<Option<f64>> = vec![Some(2018.0); n];
    years[1] = Some(2018.5);
    cols[6].1 = Col::Double(years);
    let stderr = check_fails(&parquet_study(&tmp.path().join("a"), &cols));
    for want in [
        "flows.parquet:2:quantity: quantity \"abc\": not a number",
        "flows.parquet:3:year: year \"2018.5\": not an integer",
    ] {
        assert!(stderr.contains(want), "{want} not in {stderr}");
    }

    // The columns are checked as a CSV header is: row 1 stands for the schema.
    let mut cols = sample_flows();
    cols.push(("comment", Col::Text(vec![None; n])));
    let stderr = check_fails(&parquet_study(&tmp.path().join("b"), &cols));
    let want =
        "flows.parquet:1:comment: comment: unknown column; expected one of supplier, supplier_name";
    assert!(stderr.contains(want), "{want} not in {stderr}");
}

#[test]
fn both_flows_files_are_an_error_naming_both() {
    let tmp = tempfile::tempdir().unwrap();
    let study = parquet_study(tmp.path(), &sample_flows());
    std::fs::copy(sample().join("flows.csv"), study.join("flows.csv")).unwrap();
    let stderr = check_fails(&study);
    assert!(
        stderr.contains("flows.csv") && stderr.contains("flows.parquet"),
        "{stderr}"
    );
    assert!(stderr.contains("both"), "{stderr}");
}

#[test]
fn a_corrupt_file_is_one_problem_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let study = study_without_csv(tmp.path());
    // Deterministic "random" bytes (xorshift), long enough to pass any size check.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    std::fs::write(study.join("flows.parquet"), &bytes).unwrap();
    let stderr = check_fails(&study);
    // The problems, without the last line that counts them.
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("flows.parquet") && !l.ends_with("nothing was written"))
        .collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].contains("cannot read the file as Parquet"),
        "{stderr}"
    );

    // A Parquet file cut short is no better.
    let good = tmp.path().join("good.parquet");
    write(&good, &sample_flows(), ParquetCompression::Snappy, 10);
    let whole = std::fs::read(&good).unwrap();
    std::fs::write(study.join("flows.parquet"), &whole[..whole.len() / 2]).unwrap();
    let stderr = check_fails(&study);
    assert!(
        stderr.contains("flows.parquet") && stderr.contains("cannot read the file as Parquet"),
        "{stderr}"
    );
}

/// The sample's flows as a hive-partitioned dataset, `flows/year=<Y>/part-0.parquet` (the year
/// in the path only, as Spark writes it), with `extra` files beside them.
fn dataset_study(at: &Path, cols: &[(&str, Col)], group: usize) -> PathBuf {
    let dir = study_without_csv(at);
    let (years_at, years) = match &cols[6] {
        ("year", Col::Int32(v)) => (6, v.clone()),
        _ => panic!("year is column 6"),
    };
    let mut distinct: Vec<i32> = years.iter().flatten().copied().collect();
    distinct.sort_unstable();
    distinct.dedup();
    for y in distinct {
        let pick: Vec<usize> = (0..years.len()).filter(|&i| years[i] == Some(y)).collect();
        let part: Vec<(&str, Col)> = cols
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != years_at)
            .map(|(_, (name, c))| {
                let c = match c {
                    Col::Text(v) => Col::Text(pick.iter().map(|&i| v[i].clone()).collect()),
                    Col::Double(v) => Col::Double(pick.iter().map(|&i| v[i]).collect()),
                    Col::Int32(v) => Col::Int32(pick.iter().map(|&i| v[i]).collect()),
                    Col::Int64(v) => Col::Int64(pick.iter().map(|&i| v[i]).collect()),
                };
                (*name, c)
            })
            .collect();
        let folder = dir.join("flows").join(format!("year={y}"));
        std::fs::create_dir_all(&folder).unwrap();
        write(
            &folder.join("part-0.parquet"),
            &part,
            ParquetCompression::Snappy,
            group,
        );
    }
    // What Spark leaves beside the data: skipped.
    std::fs::write(dir.join("flows/_SUCCESS"), b"").unwrap();
    dir
}

#[test]
fn a_partitioned_dataset_gives_the_same_results_as_flows_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let study = dataset_study(tmp.path(), &sample_flows(), 3);
    same_outputs(
        &study,
        tmp.path(),
        "csv,json,parquet",
        &[
            "needs.csv",
            "niches.csv",
            "demand_outlook.csv",
            "niches.json",
            "compliance.json",
            "import_content.csv",
            "needs.parquet",
            "niches.parquet",
        ],
        "the flows/ dataset",
    );
    let from_dataset = tmp.path().join("b");
    // The run record names every file of the dataset, so a changed part reruns the study.
    let (run, files) = run_inputs(&from_dataset);
    assert!(
        files.iter().any(|f| f == "flows/year=2018/part-0.parquet"),
        "{run}"
    );
    assert!(files.iter().all(|f| f != "flows/_SUCCESS"), "{run}");
}

#[test]
fn a_bad_value_in_a_dataset_names_its_file_and_row() {
    let tmp = tempfile::tempdir().unwrap();
    let mut cols = sample_flows();
    // The third row of the study year's file, whatever its place in flows.csv.
    let (latest, rows) = latest_year_rows(&cols);
    let at = rows[2];
    set(&mut cols, "quantity", at, Col::Double(vec![Some(-5.0)]));
    let study = dataset_study(tmp.path(), &cols, 2);
    let stderr = check_fails(&study);
    let want = format!(
        "flows/year={latest}/part-0.parquet:4:quantity: quantity \"-5\": out of range; expected a number >= 0"
    );
    assert!(stderr.contains(&want), "{want} not in {stderr}");
    assert_eq!(stderr.matches(".parquet:").count(), 1, "{stderr}");
}

#[test]
fn a_dataset_beside_flows_csv_or_partitioned_otherwise_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let study = dataset_study(&tmp.path().join("a"), &sample_flows(), 10);
    std::fs::copy(sample().join("flows.csv"), study.join("flows.csv")).unwrap();
    let stderr = check_fails(&study);
    assert!(
        stderr.contains("both the flows dataset flows/ and flows.csv"),
        "{stderr}"
    );

    let study = dataset_study(&tmp.path().join("b"), &sample_flows(), 10);
    std::fs::create_dir_all(study.join("flows/region=RU")).unwrap();
    let stderr = check_fails(&study);
    assert!(
        stderr.contains("flows/region=RU: the dataset is partitioned by region"),
        "{stderr}"
    );

    let study = study_without_csv(&tmp.path().join("c"));
    std::fs::create_dir_all(study.join("flows")).unwrap();
    let stderr = check_fails(&study);
    assert!(
        stderr.contains("the flows dataset has no Parquet files"),
        "{stderr}"
    );
}

/// The latest year of the columns' rows, and the positions of its rows.
fn latest_year_rows(cols: &[(&str, Col)]) -> (i32, Vec<usize>) {
    let years = match &cols[6].1 {
        Col::Int32(v) => v,
        _ => unreachable!("year is column 6"),
    };
    let latest = years.iter().flatten().max().copied().unwrap();
    let rows = (0..years.len())
        .filter(|&i| years[i] == Some(latest))
        .collect();
    (latest, rows)
}

/// Copies every cell of row `from` onto row `to`.
fn repeat_row(cols: &mut [(&str, Col)], from: usize, to: usize) {
    for (_, c) in cols.iter_mut() {
        match c {
            Col::Text(v) => v[to] = v[from].clone(),
            Col::Double(v) => v[to] = v[from],
            Col::Int32(v) => v[to] = v[from],
            Col::Int64(v) => v[to] = v[from],
        }
    }
}

#[test]
fn warnings_name_the_parquet_file_and_row_they_are_about() {
    let tmp = tempfile::tempdir().unwrap();
    let mut cols = sample_flows();
    let (latest, rows) = latest_year_rows(&cols);
    // The study year's fourth row repeats its third.
    repeat_row(&mut cols, rows[2], rows[3]);

    let dataset = dataset_study(&tmp.path().join("a"), &cols, 2);
    // `check` lists warnings on stdout.
    let out = bin().arg("check").arg(&dataset).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let file = format!("flows/year={latest}/part-0.parquet");
    let want = format!(
        "{file}:5: the row has the same supplier, consumer, product, quantity and value as {file}:4"
    );
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains(&want), "{want} not in {stdout}");
    assert!(!stdout.contains("flows.csv"), "{stdout}");

    let single = parquet_study(&tmp.path().join("b"), &cols);
    let out = bin().arg("check").arg(&single).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = rows[3] + 2;
    let want = format!(
        "flows.parquet:{line}: the row has the same supplier, consumer, product, quantity and value as line {}",
        line - 1
    );
    assert!(stdout.contains(&want), "{want} not in {stdout}");
    assert!(!stdout.contains("flows.csv"), "{stdout}");
}
