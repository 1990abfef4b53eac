//! A study as one `.xlsx` workbook: the sample study rebuilt as a workbook gives byte-identical
//! results, and bad cells are named by sheet, Excel row and column letter.

use assert_cmd::Command;
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
use std::path::{Path, PathBuf};

fn bin() -> Command {
    Command::cargo_bin("nichegraph").unwrap()
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/composites-without-borders")
}

/// A cell to write.
#[derive(Clone, Debug)]
enum V {
    Text(String),
    Num(f64),
    Bool(bool),
    Date,
    DivZero,
    Blank,
}

fn t(s: &str) -> V {
    V::Text(s.to_string())
}

/// A sheet: its name, where its first cell sits (0-based row, column) and its rows.
struct Sheet {
    name: String,
    origin: (u32, u16),
    rows: Vec<Vec<V>>,
}

impl Sheet {
    /// The grid position of the cell in `row` (0 = header) under the header `column`.
    fn at(&self, row: usize, column: &str) -> (usize, usize) {
        let col = self.rows[0]
            .iter()
            .position(|v| matches!(v, V::Text(s) if s == column))
            .unwrap_or_else(|| panic!("no column {column} in {}", self.name));
        (row, col)
    }

    fn set(&mut self, row: usize, column: &str, v: V) {
        let (r, c) = self.at(row, column);
        self.rows[r][c] = v;
    }

    /// How a message names the cell: `[sheet]:<Excel row>:<letter>`.
    fn name_of(&self, row: usize, column: &str) -> String {
        let (r, c) = self.at(row, column);
        let col = self.origin.1 as usize + c;
        let letter = if col < 26 {
            ((b'A' + col as u8) as char).to_string()
        } else {
            panic!("test columns stay below Z")
        };
        format!(
            "[{}]:{}:{letter}",
            self.name,
            self.origin.0 as usize + r + 1
        )
    }
}

fn write(path: &Path, sheets: &[Sheet]) {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for s in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&s.name).unwrap();
        for (i, row) in s.rows.iter().enumerate() {
            for (j, v) in row.iter().enumerate() {
                let (r, c) = (s.origin.0 + i as u32, s.origin.1 + j as u16);
                match v {
                    V::Text(x) => {
                        ws.write_string(r, c, x).unwrap();
                    }
                    V::Num(x) => {
                        ws.write_number(r, c, *x).unwrap();
                    }
                    V::Bool(x) => {
                        ws.write_boolean(r, c, *x).unwrap();
                    }
                    V::Date => {
                        let d = ExcelDateTime::from_ymd(2018, 3, 1).unwrap();
                        ws.write_datetime_with_format(r, c, &d, &date).unwrap();
                    }
                    V::DivZero => {
                        ws.write_formula(r, c, Formula::new("=1/0").set_result("#DIV/0!"))
                            .unwrap();
                    }
                    V::Blank => {}
                }
            }
        }
    }
    wb.save(path).unwrap();
}

/// The CSV file as a sheet: numeric columns as numbers, with some variety that must not
/// matter (numbers as text cells, booleans as boolean cells, a stage written as 2.0).
fn csv_sheet(name: &str, numeric: &[&str], origin: (u32, u16)) -> Sheet {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(sample().join(format!("{name}.csv")))
        .unwrap();
    let mut rows = Vec::new();
    let mut header: Vec<String> = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.unwrap();
        if i == 0 {
            header = rec.iter().map(str::to_string).collect();
            rows.push(header.iter().map(|h| t(h)).collect());
            continue;
        }
        let row = rec
            .iter()
            .zip(&header)
            .map(|(cell, col)| {
                if cell.is_empty() {
                    V::Blank
                } else if numeric.contains(&col.as_str()) {
                    let n: f64 = cell.parse().unwrap();
                    if i % 3 == 0 {
                        t(cell) // a number in a text cell, e.g. "120"
                    } else {
                        V::Num(n) // stored as a float: a stage reads back as 2.0
                    }
                } else if col == "in_governance" && i % 2 == 0 {
                    V::Bool(cell == "true")
                } else {
                    t(cell)
                }
            })
            .collect();
        rows.push(row);
    }
    Sheet {
        name: name.to_string(),
        origin,
        rows,
    }
}

/// The settings of the sample's study.toml as `key | value` rows.
fn study_sheet() -> Sheet {
    let rows = vec![
        vec![t("key"), t("value")],
        vec![t("id"), t("composites-without-borders")],
        vec![
            t("name"),
            t("Межрегиональный промышленный кластер «Композиты без границ»"),
        ],
        vec![t("regions"), t("Республика Татарстан")],
        vec![t("regions"), t("Московская область")],
        vec![V::Blank, V::Blank],
        vec![t("regions"), t("Саратовская область")],
        vec![t("year"), V::Num(2018.0)],
        vec![t("criteria.import_share_min"), V::Num(0.7)],
        vec![t("criteria.critical_import_share"), t("0.90")],
        vec![t("criteria.cost_premium_min"), V::Num(0.2)],
        vec![t("criteria.min_demand_rub"), V::Num(0.0)],
        vec![t("investment.capital_intensity"), t("1.0")],
    ];
    Sheet {
        name: "study".into(),
        origin: (0, 0),
        rows,
    }
}

/// The sample study as sheets: flows start at B3 (not A1) and have a blank row inside.
fn sample_sheets() -> Vec<Sheet> {
    let mut flows = csv_sheet("flows", &["quantity", "value_rub", "year"], (2, 1));
    let width = flows.rows[0].len();
    flows.rows.insert(6, vec![V::Blank; width]);
    vec![
        Sheet {
            name: "notes".into(),
            origin: (0, 0),
            rows: vec![vec![t("anything may go here")]],
        },
        study_sheet(),
        csv_sheet(
            "participants",
            &["stage", "employees", "hp_jobs", "output_rub"],
            (0, 0),
        ),
        csv_sheet(
            "products",
            &[
                "stage",
                "benchmark_price_rub",
                "capex_rub_per_unit",
                "min_capacity",
            ],
            (0, 0),
        ),
        flows,
        csv_sheet(
            "specs",
            &["required_min", "required_max", "available"],
            (0, 0),
        ),
        csv_sheet("plans", &["year", "output_rub"], (0, 0)),
    ]
}

fn sheet<'a>(sheets: &'a mut [Sheet], name: &str) -> &'a mut Sheet {
    sheets.iter_mut().find(|s| s.name == name).unwrap()
}

const ID: &str = "composites-without-borders";

#[test]
fn workbook_gives_the_same_results_as_the_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("study.xlsx");
    write(&book, &sample_sheets());
    let (from_folder, from_book) = (tmp.path().join("a"), tmp.path().join("b"));
    for (study, out) in [(sample(), &from_folder), (book.clone(), &from_book)] {
        bin()
            .arg("analyze")
            .arg(&study)
            .arg("--out")
            .arg(out)
            .args(["--format", "csv,json"])
            .assert()
            .success();
    }
    for f in [
        "needs.csv",
        "niches.csv",
        "demand_outlook.csv",
        "niches.json",
        "compliance.json",
        "import_content.csv",
    ] {
        let a = std::fs::read(from_folder.join(ID).join(f)).unwrap();
        let b = std::fs::read(from_book.join(ID).join(f)).unwrap();
        assert!(a == b, "{f} differs between the folder and the workbook");
    }
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(from_book.join(ID).join("run.json")).unwrap())
            .unwrap();
    let inputs = run["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 1, "{run}");
    assert_eq!(inputs[0]["file"], "study.xlsx");
    assert_eq!(
        inputs[0]["bytes"],
        std::fs::metadata(&book).unwrap().len(),
        "{run}"
    );

    // whatif reads the workbook as it reads the folder.
    let mut scenarios = Vec::new();
    for (study, out) in [(sample(), &from_folder), (book.clone(), &from_book)] {
        bin()
            .arg("whatif")
            .arg(&study)
            .args(["--localize", "composite-cylinders", "--out"])
            .arg(out)
            .assert()
            .success();
        let dir = out.join(ID).join("whatif/composite-cylinders");
        scenarios.push(std::fs::read(dir.join("whatif.json")).unwrap());
    }
    assert!(scenarios[0] == scenarios[1], "whatif.json differs");

    let out = bin().arg("check").arg(&book).assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(stdout.contains(&format!("ok: study {ID}")), "{stdout}");
}

#[test]
fn batch_finds_workbooks_and_skips_other_xlsx_files() {
    let tmp = tempfile::tempdir().unwrap();
    let studies = tmp.path().join("studies");
    std::fs::create_dir_all(studies.join("nested")).unwrap();
    write(&studies.join("nested/cluster.xlsx"), &sample_sheets());
    // Not studies: a workbook without a study sheet, and an Excel lock file.
    write(
        &studies.join("nested/report.xlsx"),
        &[Sheet {
            name: "Sheet1".into(),
            origin: (0, 0),
            rows: vec![vec![t("x")]],
        }],
    );
    std::fs::write(studies.join("nested/~$cluster.xlsx"), b"lock").unwrap();
    let out = tmp.path().join("out");
    for _ in 0..2 {
        bin()
            .arg("batch")
            .arg(&studies)
            .arg("--out")
            .arg(&out)
            .args(["--format", "csv,json", "--quiet"])
            .assert()
            .success();
    }
    let csv = std::fs::read_to_string(out.join("batch.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[1].starts_with(&format!("{ID},unchanged,")), "{csv}");
    assert!(out.join(ID).join("niches.json").is_file());

    // A workbook given directly.
    bin()
        .arg("batch")
        .arg(studies.join("nested/cluster.xlsx"))
        .arg("--out")
        .arg(tmp.path().join("out2"))
        .args(["--format", "json", "--quiet"])
        .assert()
        .success();
    assert!(tmp
        .path()
        .join("out2")
        .join(ID)
        .join("niches.json")
        .is_file());
}

/// Writes the sample with one defect, checks the study, and returns stderr (asserting exit 65).
fn check_bad(edit: impl FnOnce(&mut Vec<Sheet>)) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("bad.xlsx");
    let mut sheets = sample_sheets();
    edit(&mut sheets);
    write(&book, &sheets);
    let out = bin().arg("check").arg(&book).assert().code(65);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    // Nothing refers to the CSV files of a folder.
    assert!(!stderr.contains(".csv"), "{stderr}");
    stderr.replace(&book.display().to_string(), "bad.xlsx")
}

fn assert_names(stderr: &str, expected: &str) {
    assert!(
        stderr.contains(expected),
        "expected {expected:?} in stderr:\n{stderr}"
    );
}

#[test]
fn a_date_in_a_number_column_is_named_by_sheet_row_and_letter() {
    let mut at = String::new();
    let stderr = check_bad(|s| {
        let flows = sheet(s, "flows");
        flows.set(4, "quantity", V::Date);
        at = flows.name_of(4, "quantity");
    });
    // Flows start at B3: the header is row 3, data row 4 is Excel row 7, quantity is column F.
    assert_eq!(at, "[flows]:7:F");
    assert_names(
        &stderr,
        "error: bad.xlsx[flows]:7:F: quantity \"2018-03-01\": a date is not a number; expected a number >= 0\n",
    );
    assert_eq!(stderr.matches("error: bad.xlsx").count(), 1, "{stderr}");
}

#[test]
fn text_in_a_number_column() {
    let mut at = String::new();
    let stderr = check_bad(|s| {
        let flows = sheet(s, "flows");
        // Row 7 of the grid comes after the blank row: Excel still counts the blank row.
        flows.set(7, "value_rub", t("abc"));
        at = flows.name_of(7, "value_rub");
    });
    assert_eq!(at, "[flows]:10:G");
    assert_names(
        &stderr,
        "bad.xlsx[flows]:10:G: value_rub \"abc\": not a number; expected a number >= 0",
    );
}

#[test]
fn unknown_role_and_a_date_in_a_text_column() {
    let (mut role, mut name) = (String::new(), String::new());
    let stderr = check_bad(|s| {
        let p = sheet(s, "participants");
        p.set(2, "role", t("industry"));
        p.set(3, "name", V::Date);
        role = p.name_of(2, "role");
        name = p.name_of(3, "name");
    });
    assert_eq!(role, "[participants]:3:D");
    assert_names(
        &stderr,
        "bad.xlsx[participants]:3:D: role \"industry\": unknown role",
    );
    assert_names(
        &stderr,
        "bad.xlsx[participants]:4:B: name \"2018-03-01\": a date is not text",
    );
}

#[test]
fn an_error_value_is_named() {
    let mut at = String::new();
    let stderr = check_bad(|s| {
        let p = sheet(s, "products");
        p.set(1, "benchmark_price_rub", V::DivZero);
        at = p.name_of(1, "benchmark_price_rub");
    });
    assert_names(
        &stderr,
        &format!("bad.xlsx{at}: benchmark_price_rub \"#DIV/0!\": the cell holds the error #DIV/0!"),
    );
    assert_eq!(stderr.matches("error: bad.xlsx").count(), 1, "{stderr}");
}

#[test]
fn a_missing_sheet_is_named() {
    let stderr = check_bad(|s| s.retain(|s| s.name != "flows"));
    assert_names(&stderr, "bad.xlsx[flows]: the sheet is missing");
}

#[test]
fn an_unknown_study_key_is_named() {
    let stderr = check_bad(|s| {
        sheet(s, "study")
            .rows
            .push(vec![t("criteria.import_share"), V::Num(0.5)]);
    });
    assert_names(
        &stderr,
        "bad.xlsx[study]:14:A: key \"criteria.import_share\": unknown field `import_share`",
    );
}

#[test]
fn a_bad_study_value_is_named() {
    let stderr = check_bad(|s| {
        let st = sheet(s, "study");
        st.set(11, "value", V::Num(-0.1)); // criteria.min_demand_rub
        st.set(7, "value", t("two thousand")); // year
    });
    // TOML stops at the first type error: the year.
    assert_names(
        &stderr,
        "bad.xlsx[study]:8:B: year \"two thousand\": invalid type",
    );
    let stderr = check_bad(|s| {
        sheet(s, "study").set(11, "value", V::Num(-0.1));
    });
    assert_names(
        &stderr,
        "bad.xlsx[study]:12:B: criteria.min_demand_rub \"-0.1\": expected a finite number >= 0",
    );
    let stderr = check_bad(|s| {
        sheet(s, "study").rows.push(vec![t("id"), t("other")]);
    });
    assert_names(&stderr, "bad.xlsx[study]:14:");
    let stderr = check_bad(|s| {
        sheet(s, "study").rows.remove(1);
    });
    assert_names(&stderr, "bad.xlsx[study]: missing field `id`");
}

#[test]
fn a_year_matching_no_row_names_the_study_sheet() {
    let stderr = check_bad(|s| {
        sheet(s, "study").set(7, "value", V::Num(2013.0));
    });
    assert_names(
        &stderr,
        "bad.xlsx[flows]: year: the study year 2013 (the study sheet) matches no flow row; years present: 2014, 2015, 2016, 2017, 2018",
    );
}

#[test]
fn not_a_workbook() {
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("x.xlsx");
    std::fs::write(&book, b"not a zip").unwrap();
    let out = bin().arg("check").arg(&book).assert().code(65);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("cannot read the workbook"), "{stderr}");
    bin()
        .arg("check")
        .arg(tmp.path().join("missing.xlsx"))
        .assert()
        .code(1);
}

#[test]
fn a_bad_product_code_is_named_and_a_number_cell_code_is_read_as_its_digits() {
    let mut at = String::new();
    let stderr = check_bad(|s| {
        let p = sheet(s, "products");
        p.set(2, "code", t("23.14-11"));
        at = p.name_of(2, "code");
    });
    assert_eq!(at, "[products]:3:H");
    assert_names(
        &stderr,
        "bad.xlsx[products]:3:H: code \"23.14-11\": not a product code",
    );
    // A code typed as a number (Excel keeps it as one) reads back as its digits.
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("study.xlsx");
    let mut sheets = sample_sheets();
    // Row 8 is composite-cylinders, a niche.
    sheet(&mut sheets, "products").set(8, "code", V::Num(2841.0));
    write(&book, &sheets);
    bin()
        .arg("analyze")
        .arg(&book)
        .arg("--out")
        .arg(tmp.path().join("out"))
        .args(["--format", "json"])
        .assert()
        .success();
    let niches =
        std::fs::read_to_string(tmp.path().join("out").join(ID).join("niches.json")).unwrap();
    assert!(niches.contains("\"code\": \"2841\""), "{niches}");
    assert!(niches.contains("\"code\": \"20.60.11.120\""), "{niches}");
}

fn support_sheet(rows: Vec<Vec<V>>) -> Sheet {
    let mut all = vec![vec![
        t("id"),
        t("name"),
        t("cap_rub"),
        t("interest_coverage"),
        t("equipment_coverage"),
        t("requires_registry"),
    ]];
    all.extend(rows);
    Sheet {
        name: "support".into(),
        origin: (0, 0),
        rows: all,
    }
}

/// support.csv of the workbook with `sheets` (analyzed, csv only).
fn support_csv(sheets: &[Sheet]) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("study.xlsx");
    write(&book, sheets);
    bin()
        .arg("analyze")
        .arg(&book)
        .arg("--out")
        .arg(tmp.path())
        .args(["--format", "csv"])
        .assert()
        .success();
    std::fs::read_to_string(tmp.path().join(ID).join("support.csv")).unwrap()
}

#[test]
fn the_support_sheet_and_finance_keys_replace_the_defaults() {
    let default = support_csv(&sample_sheets());
    assert!(
        default.contains(",pp41,") && default.contains(",pp1119,"),
        "{default}"
    );
    let mut sheets = sample_sheets();
    sheet(&mut sheets, "study")
        .rows
        .push(vec![t("finance.loan_years"), V::Num(10.0)]);
    sheets.push(support_sheet(vec![vec![
        t("free"),
        t("Региональный фонд"),
        V::Num(1e6),
        V::Blank,
        V::Num(0.5),
        V::Bool(false),
    ]]));
    let custom = support_csv(&sheets);
    let lines: Vec<&str> = custom.lines().collect();
    assert_eq!(
        lines[0],
        "rank,product,programme,programme_name,eligibility,interest_rub,equipment_rub,amount_rub"
    );
    // One programme, no registry needed: eligible, capped at 1e6 for every niche.
    assert!(lines[1..]
        .iter()
        .all(|l| l.contains(",free,Региональный фонд,eligible,0,") && l.ends_with(",1000000")));
    // A header only: no programmes at all.
    let mut sheets = sample_sheets();
    sheets.push(support_sheet(vec![]));
    assert_eq!(support_csv(&sheets).lines().count(), 1);
}

#[test]
fn support_sheet_mistakes_are_named_by_row_and_letter() {
    let stderr = check_bad(|s| {
        s.push(support_sheet(vec![
            vec![t("a"), t("A"), V::Num(1e6), V::Blank, V::Blank, V::Blank],
            vec![t("b"), t("B"), V::Num(0.0), V::Blank, V::Blank, V::Blank],
        ]))
    });
    assert_names(
        &stderr,
        "bad.xlsx[support]:3:C: support.cap_rub \"0\": expected a finite number > 0",
    );
    let stderr = check_bad(|s| {
        s.push(support_sheet(vec![
            vec![t("a"), t("A"), V::Num(1e6), V::Blank, V::Blank, V::Blank],
            vec![t("a"), t("B"), V::Num(1e6), V::Blank, V::Blank, V::Blank],
        ]))
    });
    assert_names(
        &stderr,
        "bad.xlsx[support]:3:A: support.id \"a\": the programme id is repeated (first in row 2)",
    );
    let stderr = check_bad(|s| {
        sheet(s, "study")
            .rows
            .push(vec![t("finance.loan_years"), V::Num(2.5)]);
    });
    assert_names(
        &stderr,
        "bad.xlsx[study]:14:B: finance.loan_years \"2.5\": expected a whole number of years",
    );
}
