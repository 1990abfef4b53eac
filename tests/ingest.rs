//! `nichegraph ingest` on the hand-computed fixture (tests/fixtures/ingest/README.md), its
//! dialects and inputs, its determinism, and every kind of bad input with its position.
//! (One test file: each test binary links polars.)

use assert_cmd::Command;
use polars::prelude::*;
use std::path::{Path, PathBuf};

fn bin() -> Command {
    Command::cargo_bin("nichegraph").unwrap()
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ingest")
}

/// A fresh copy of the fixture's study folder and its transactions.csv.
fn copy() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let study = d.path().join("study");
    std::fs::create_dir(&study).unwrap();
    for f in ["study.toml", "participants.csv", "products.csv"] {
        std::fs::copy(fixture().join("study").join(f), study.join(f)).unwrap();
    }
    let lines = d.path().join("transactions.csv");
    std::fs::copy(fixture().join("transactions.csv"), &lines).unwrap();
    (d, study, lines)
}

fn ingest(lines: &Path, study: &Path, extra: &[&str]) -> std::process::Output {
    bin()
        .arg("ingest")
        .arg(lines)
        .arg("--study")
        .arg(study)
        .args(extra)
        .output()
        .unwrap()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn expected(name: &str) -> String {
    std::fs::read_to_string(fixture().join("expected").join(name)).unwrap()
}

/// The rows of a flows.csv text below its header.
fn csv_rows(text: &str) -> Vec<String> {
    text.lines().skip(1).map(|l| l.to_string()).collect()
}

/// The flows/ dataset as flows.csv rows (year last), read back with polars.
fn dataset_rows(study: &Path) -> Vec<String> {
    let mut years: Vec<_> = std::fs::read_dir(study.join("flows"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    years.sort();
    let mut out = Vec::new();
    for y in years {
        let year = y.strip_prefix("year=").unwrap();
        let files: Vec<_> = std::fs::read_dir(study.join("flows").join(&y))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert_eq!(files, vec!["part-0.parquet".to_string()]);
        let f = std::fs::File::open(study.join("flows").join(&y).join("part-0.parquet")).unwrap();
        let df = ParquetReader::new(f).finish().unwrap();
        let names: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(
            names,
            [
                "supplier",
                "supplier_name",
                "consumer",
                "product",
                "quantity",
                "value_rub"
            ]
        );
        let text = |c: &str| df.column(c).unwrap().str().unwrap().clone();
        let num = |c: &str| df.column(c).unwrap().f64().unwrap().clone();
        let (s, n, c, p) = (
            text("supplier"),
            text("supplier_name"),
            text("consumer"),
            text("product"),
        );
        let (q, v) = (num("quantity"), num("value_rub"));
        for i in 0..df.height() {
            out.push(format!(
                "{},{},{},{},{},{},{year}",
                s.get(i).unwrap(),
                n.get(i).unwrap_or(""),
                c.get(i).unwrap(),
                p.get(i).unwrap(),
                q.get(i).unwrap(),
                v.get(i).unwrap()
            ));
        }
    }
    out
}

#[test]
fn fixture_as_computed_by_hand() {
    let (_d, study, lines) = copy();
    let o = ingest(&lines, &study, &["--csv", "--lang", "en"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let flows = std::fs::read_to_string(study.join("flows.csv")).unwrap();
    assert_eq!(flows, expected("flows.csv"));
    let json = std::fs::read_to_string(study.join("ingest.json")).unwrap();
    assert_eq!(json, expected("ingest.json"));
    // The summary: what was skipped and the largest unmatched INNs and codes, in order.
    let err = stderr(&o);
    assert!(
        err.contains("Read: 17 lines worth 8.43 thousand RUB"),
        "{err}"
    );
    assert!(
        err.contains("buyer not among the participants (by INN): 3 lines worth 4.25 thousand RUB"),
        "{err}"
    );
    let b1 = err
        .find("123456789012  1 line worth 3 thousand RUB")
        .expect(&err);
    let b2 = err
        .find("\n  9999999999    2 lines worth 1.25 thousand RUB")
        .expect(&err);
    assert!(b1 < b2, "{err}");
    let c1 = err.find("99.99  2 lines worth 705 RUB").expect(&err);
    let c2 = err.find("00.00  1 line worth 60 RUB").expect(&err);
    assert!(c1 < c2, "{err}");
    // What ingest wrote is a study nichegraph analyses.
    let out = tempfile::tempdir().unwrap();
    let a = bin()
        .arg("analyze")
        .arg(&study)
        .args(["--out"])
        .arg(out.path())
        .args(["-q", "--format", "csv"])
        .output()
        .unwrap();
    assert!(a.status.success(), "{}", stderr(&a));
}

#[test]
fn dataset_holds_the_same_rows_partitioned_by_year() {
    let (_d, study, lines) = copy();
    let o = ingest(&lines, &study, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(dataset_rows(&study), csv_rows(&expected("flows.csv")));
    assert_eq!(
        std::fs::read_to_string(study.join("ingest.json")).unwrap(),
        expected("ingest.json")
    );
    // Russian by default.
    let err = stderr(&o);
    assert!(err.contains("Пропущено:"), "{err}");
    assert!(err.contains("Прочитано: 17 строк"), "{err}");
    // A second run replaces the dataset.
    let o = ingest(&lines, &study, &["-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stderr.is_empty());
    assert_eq!(dataset_rows(&study), csv_rows(&expected("flows.csv")));
}

/// The fixture's lines as a Parquet file: text columns as text, numbers as doubles.
/// (polars reads a blank CSV line as a row of nulls, so blank lines are left out first.)
fn write_parquet(lines: &Path, to: &Path, numbers_as_text: bool) {
    let text = std::fs::read_to_string(lines).unwrap();
    let dense: String = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| format!("{l}\n"))
        .collect();
    let tmp = to.with_extension("csv");
    std::fs::write(&tmp, dense).unwrap();
    let mut df = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(tmp.clone()))
        .unwrap()
        .finish()
        .unwrap();
    if !numbers_as_text {
        for c in ["quantity", "value_rub"] {
            let s = df
                .column(c)
                .unwrap()
                .as_materialized_series()
                .cast(&DataType::Float64)
                .unwrap();
            df.replace(c, s.into_column()).unwrap();
        }
    }
    let f = std::fs::File::create(to).unwrap();
    ParquetWriter::new(f).finish(&mut df).unwrap();
}

#[test]
fn parquet_lines_give_the_same_flows() {
    let (d, study, lines) = copy();
    let file = d.path().join("lines.parquet");
    write_parquet(&lines, &file, false);
    let o = ingest(&file, &study, &["--csv", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(study.join("flows.csv")).unwrap(),
        expected("flows.csv")
    );
    // A folder of files (Spark's _SUCCESS left out), read in path order.
    let folder = d.path().join("lines");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("_SUCCESS"), "").unwrap();
    write_parquet(&lines, &folder.join("part-0.parquet"), true);
    write_parquet(&lines, &folder.join("part-1.parquet"), false);
    let o = ingest(&folder, &study, &["--csv", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(study.join("ingest.json")).unwrap()).unwrap();
    assert_eq!(json["read"]["count"], 34);
    assert_eq!(json["used"]["value_rub"], 4821.0);
}

#[test]
fn russian_excel_export_reads_the_same() {
    let (d, study, lines) = copy();
    // Windows-1251, ';' between cells, decimal commas, CRLF.
    let text = std::fs::read_to_string(&lines)
        .unwrap()
        .replace(',', ";")
        .replace("500.5", "500,5")
        .replace("2.5", "2,5")
        .replace("0.5", "0,5")
        .replace('\n', "\r\n");
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(&text);
    let ru = d.path().join("ru.csv");
    std::fs::write(&ru, &bytes).unwrap();
    let o = ingest(&ru, &study, &["--csv", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(study.join("flows.csv")).unwrap(),
        expected("flows.csv")
    );
    assert_eq!(
        std::fs::read_to_string(study.join("ingest.json")).unwrap(),
        expected("ingest.json")
    );
}

#[test]
fn same_bytes_for_any_thread_count() {
    let d = tempfile::tempdir().unwrap();
    let study = d.path().join("gen");
    let g = bin()
        .args(["generate"])
        .arg(&study)
        .args([
            "--participants",
            "200",
            "--transactions",
            "30000",
            "--years",
            "2",
        ])
        .output()
        .unwrap();
    assert!(g.status.success(), "{}", stderr(&g));
    let lines = study.join("transactions.csv");
    let mut outputs = Vec::new();
    for threads in ["1", "2", "3"] {
        let o = bin()
            .arg("ingest")
            .arg(&lines)
            .arg("--study")
            .arg(&study)
            .args(["-q", "--chunk-lines", "1000"])
            .env("RAYON_NUM_THREADS", threads)
            .env("POLARS_MAX_THREADS", threads)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let mut files = vec![std::fs::read(study.join("ingest.json")).unwrap()];
        for y in ["year=2024", "year=2025"] {
            files.push(std::fs::read(study.join("flows").join(y).join("part-0.parquet")).unwrap());
        }
        outputs.push(files);
    }
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[0], outputs[2]);
    // The generator's stated shares are what ingest finds.
    let json: serde_json::Value = serde_json::from_slice(&outputs[0][0]).unwrap();
    let share = |k: &str| json[k]["count"].as_f64().unwrap() / 30000.0;
    assert!((share("unmatched_buyer") - 0.02).abs() < 0.005, "{json}");
    assert!((share("unmatched_product") - 0.03).abs() < 0.005, "{json}");
    assert!((share("internal") - 0.01).abs() < 0.005, "{json}");
    let said = String::from_utf8_lossy(&g.stderr).to_string();
    let count = |k: &str| json[k]["count"].as_u64().unwrap().to_string();
    assert!(
        said.contains(&format!("{} unmatched buyers", count("unmatched_buyer"))),
        "{said}"
    );
    assert!(
        said.contains(&format!(
            "{} unknown product codes",
            count("unmatched_product")
        )),
        "{said}"
    );
    assert!(
        said.contains(&format!("{} internal", count("internal"))),
        "{said}"
    );
}

/// Runs ingest on the fixture's transactions.csv with `edit` applied, expecting exit 65 and
/// nothing written; returns stderr.
fn bad(edit: impl Fn(&str) -> String) -> String {
    let (_d, study, lines) = copy();
    let text = std::fs::read_to_string(&lines).unwrap();
    std::fs::write(&lines, edit(&text)).unwrap();
    let o = ingest(&lines, &study, &[]);
    assert_eq!(o.status.code(), Some(65), "{}", stderr(&o));
    assert!(!study.join("flows").exists());
    assert!(!study.join("ingest.json").exists());
    stderr(&o)
}

fn has(err: &str, want: &str) {
    assert!(err.contains(want), "expected {want:?} in:\n{err}");
}

#[test]
fn malformed_inn() {
    let err = bad(|t| {
        t.replace(
            "165500000312,20.60.13,2025-01-15",
            "16550000031,20.60.13,2025-01-15",
        )
    });
    has(
        &err,
        "transactions.csv:7:4: buyer_inn \"16550000031\": not an INN; expected 10 or 12 digits",
    );
    // The last line says where the problems are: the lines, not the study.
    let last = err.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("error: 1 problem in ")
            && last.ends_with("transactions.csv; nothing was written"),
        "{err}"
    );
    let err = bad(|t| t.replace("7707083893,", "77070838x3,"));
    has(
        &err,
        "transactions.csv:7:1: seller_inn \"77070838x3\": not an INN",
    );
}

#[test]
fn bad_dates() {
    let err = bad(|t| t.replace("2024-02-29", "2023-02-29"));
    has(
        &err,
        "transactions.csv:5:6: date \"2023-02-29\": not a date; expected YYYY-MM-DD",
    );
    let err = bad(|t| t.replace("2025-05-05", "05.05.2025"));
    has(
        &err,
        "transactions.csv:8:6: date \"05.05.2025\": not a date",
    );
}

#[test]
fn bad_and_negative_numbers() {
    let err = bad(|t| t.replace("2025-01-15,4,400", "2025-01-15,4x,400"));
    has(&err, "transactions.csv:7:7: quantity \"4x\": not a number");
    let err = bad(|t| t.replace("2025-01-15,4,400", "2025-01-15,4,-400"));
    has(
        &err,
        "transactions.csv:7:8: value_rub \"-400\": out of range; expected a number >= 0",
    );
    let err = bad(|t| t.replace("2025-01-15,4,400", "2025-01-15,4,NaN"));
    has(
        &err,
        "transactions.csv:7:8: value_rub \"NaN\": not a number",
    );
}

#[test]
fn bad_origin_and_missing_seller() {
    let err = bad(|t| t.replace(",Hexagon,DE,", ",Hexagon,D E,"));
    has(
        &err,
        "transactions.csv:5:3: origin \"D E\": not a country of origin",
    );
    let err = bad(|t| t.replace("7707083893,ПАО", ",ПАО"));
    has(
        &err,
        "transactions.csv:7:1: seller_inn \"\": the value is missing; a line without an origin",
    );
}

#[test]
fn columns_unknown_missing_or_ragged() {
    let err = bad(|t| t.replacen("value_rub", "value_rub,colour", 1));
    has(&err, "transactions.csv:1:9: colour: unknown column");
    let err = bad(|t| t.replacen(",date,", ",day,", 1));
    has(&err, "the required column \"date\" is missing");
    let err = bad(|t| t.replace("2025-05-05,1,100", "2025-05-05,1,100,7"));
    has(
        &err,
        "transactions.csv:8: the line has 9 field(s); expected 8",
    );
}

#[test]
fn positions_with_crlf_blank_lines_and_quoted_line_breaks() {
    // Line 3's seller name holds a line break, so every later record starts one line later.
    let err = bad(|t| {
        t.replacen(
            "АО «Бета»,,1655000001,20.60.13,2024-06-30",
            "\"АО\n«Бета»\",,1655000001,20.60.13,2024-06-30",
            1,
        )
        .replace("2025-05-05", "2025-13-05")
        .replace('\n', "\r\n")
    });
    has(
        &err,
        "transactions.csv:9:6: date \"2025-13-05\": not a date",
    );
}

#[test]
fn every_problem_listed_up_to_a_cap() {
    let err = bad(|t| {
        let mut s = t.to_string();
        for _ in 0..150 {
            s.push_str("1655000002,,,1655000001,20.60.13,2024-03-01,1,-1\n");
        }
        s
    });
    assert_eq!(err.matches("out of range").count(), 100, "{err}");
    has(&err, "and 50 more problem(s)");
    has(&err, "transactions.csv:20:8: value_rub \"-1\"");
}

#[test]
fn parquet_problems_name_file_and_row() {
    let (d, study, lines) = copy();
    let text = std::fs::read_to_string(&lines)
        .unwrap()
        .replace("2024-02-29", "2024-02-30");
    std::fs::write(&lines, text).unwrap();
    let file = d.path().join("lines.parquet");
    write_parquet(&lines, &file, false);
    let o = ingest(&file, &study, &[]);
    assert_eq!(o.status.code(), Some(65), "{}", stderr(&o));
    // Row 2 is the first record; the blank CSV line is no record.
    has(
        &stderr(&o),
        "lines.parquet:5:date: date \"2024-02-30\": not a date",
    );
}

#[test]
fn repeated_inn_or_code_in_the_study() {
    let (_d, study, lines) = copy();
    let p = study.join("participants.csv");
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replace(",final_producer,,", ",final_producer,,1655000002");
    std::fs::write(&p, text).unwrap();
    let o = ingest(&lines, &study, &[]);
    assert_eq!(o.status.code(), Some(65), "{}", stderr(&o));
    has(&stderr(&o), "participants.csv:5:6: inn \"1655000002\": the INN is repeated; participant b2 on line 3 has it already");

    let (_d, study, lines) = copy();
    let p = study.join("products.csv");
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replace("шт,", "шт,20.60 .13");
    std::fs::write(&p, text).unwrap();
    let o = ingest(&lines, &study, &[]);
    assert_eq!(o.status.code(), Some(65), "{}", stderr(&o));
    has(&stderr(&o), "products.csv:4:5: code \"20.60.13\": the code is repeated; product carbon on line 2 has it already");
    assert!(!study.join("ingest.json").exists());
}

#[test]
fn a_failed_run_keeps_the_earlier_flows() {
    let (_d, study, lines) = copy();
    assert!(ingest(&lines, &study, &["-q"]).status.success());
    let before = dataset_rows(&study);
    let json = std::fs::read(study.join("ingest.json")).unwrap();
    let text = std::fs::read_to_string(&lines)
        .unwrap()
        .replace("2024-02-29", "2024-02-30");
    std::fs::write(&lines, text).unwrap();
    let o = ingest(&lines, &study, &[]);
    assert_eq!(o.status.code(), Some(65));
    has(&stderr(&o), "nothing was written");
    assert_eq!(dataset_rows(&study), before);
    assert_eq!(std::fs::read(study.join("ingest.json")).unwrap(), json);
}

#[test]
fn another_flow_table_in_the_study_is_refused() {
    let (_d, study, lines) = copy();
    std::fs::write(
        study.join("flows.csv"),
        "supplier,consumer,product,quantity,value_rub\n",
    )
    .unwrap();
    let o = ingest(&lines, &study, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    has(&stderr(&o), "flows.csv is in the study folder already");
    assert!(!study.join("flows").exists());
    // With --csv, flows.csv is ingest's own output and is replaced.
    let o = ingest(&lines, &study, &["--csv", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(study.join("flows.csv")).unwrap(),
        expected("flows.csv")
    );
    // ... and then flows/ is refused beside it, and flows.csv beside flows/.
    let o = ingest(&lines, &study, &[]);
    assert_eq!(o.status.code(), Some(1));
}
