//! `nichegraph init`: the template says plainly what is missing, a filled-in template analyses
//! (as CSV files and as a workbook), files are never overwritten, and the workbook's drop-down
//! lists survive a round trip through LibreOffice.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::cargo_bin("nichegraph").unwrap()
}

const ROLES: &str = "industrial,final_producer,education,infrastructure,specialized_org";
const TABLES: [&str; 5] = ["participants", "products", "flows", "specs", "plans"];

fn init(args: &[&str], dir: &Path) {
    bin().arg("init").args(args).arg(dir).assert().success();
}

/// Runs `check` and returns (exit code, the `error:` lines of stderr).
fn check(study: &Path) -> (i32, Vec<String>, String) {
    let out = bin().arg("check").arg(study).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let errors = stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .map(str::to_string)
        .collect();
    (out.status.code().unwrap_or(-1), errors, stderr)
}

/// The short template message: one line per file or sheet, each saying what to fill.
fn assert_template_message(study: &Path, file_of: impl Fn(&str) -> String) {
    let (code, errors, stderr) = check(study);
    assert_eq!(code, 65, "{stderr}");
    assert!(errors.len() <= 7, "too many lines:\n{stderr}");
    let line_of = |file: &str| {
        errors
            .iter()
            .find(|l| l.contains(&file_of(file)))
            .unwrap_or_else(|| panic!("no line for {file}:\n{stderr}"))
            .clone()
    };
    let study_line = line_of("study");
    assert!(
        study_line.contains("name and regions") && study_line.contains("write the cluster's name"),
        "{stderr}"
    );
    let p = line_of("participants");
    assert!(
        p.contains("2 example rows (example-industrial, example-final)")
            && p.contains("replace them with the cluster's participants"),
        "{stderr}"
    );
    assert!(
        line_of("products").contains("example-fiber, example-prepreg"),
        "{stderr}"
    );
    assert!(
        line_of("flows").contains("replace them with the cluster's supply flows"),
        "{stderr}"
    );
    assert!(line_of("specs").contains("1 example row"), "{stderr}");
    assert!(
        line_of("plans").contains("1 example row")
            && line_of("plans").contains("the participants' output plans"),
        "{stderr}"
    );
}

/// What an analyst would write over the template's placeholders and example markers.
fn fill(text: &str) -> String {
    text.replace("ЗАПОЛНИТЕ: название кластера", "Кластер «Лёгкие композиты»")
        .replace("ЗАПОЛНИТЕ: субъект РФ", "Республика Татарстан")
        .replace("example-", "kc-")
        .replace("ПРИМЕР: ", "")
}

#[test]
fn untouched_csv_template_says_what_to_fill() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("study");
    init(&[], &dir);
    for f in [
        "study.toml",
        "participants.csv",
        "products.csv",
        "flows.csv",
        "specs.csv",
        "plans.csv",
        "README.md",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    let toml = std::fs::read_to_string(dir.join("study.toml")).unwrap();
    assert!(toml.contains("id = \"new-study\""), "{toml}");
    assert!(toml.contains("# import_share_min = 0.7"), "{toml}");
    assert!(toml.contains("# cooperation_below_max = 0.3"), "{toml}");
    assert_template_message(&dir, |f| match f {
        "study" => "study.toml:".into(),
        t => format!("{t}.csv:"),
    });
    // analyze says the same and writes nothing.
    let out = tmp.path().join("out");
    let a = bin()
        .arg("analyze")
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(a.status.code(), Some(65));
    assert!(String::from_utf8_lossy(&a.stderr).contains("example rows"));
    assert!(!out.join("new-study").exists());
}

#[test]
fn filled_csv_template_analyzes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("study");
    init(&[], &dir);
    for f in [
        "study.toml",
        "participants.csv",
        "products.csv",
        "flows.csv",
        "specs.csv",
        "plans.csv",
    ] {
        let p = dir.join(f);
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, fill(&text)).unwrap();
    }
    let (code, _, stderr) = check(&dir);
    assert_eq!(code, 0, "{stderr}");
    let out = tmp.path().join("out");
    let a = bin()
        .arg("analyze")
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    let niches = std::fs::read_to_string(out.join("new-study").join("niches.csv")).unwrap();
    assert!(niches.contains("kc-fiber"), "{niches}");
}

#[test]
fn init_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("study");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("participants.csv"), "the analyst's data").unwrap();
    let out = bin().arg("init").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("participants.csv"));
    assert_eq!(
        std::fs::read_to_string(dir.join("participants.csv")).unwrap(),
        "the analyst's data"
    );
    assert!(!dir.join("study.toml").exists(), "init wrote a file anyway");

    init(&["--xlsx"], &dir);
    let book = dir.join("study.xlsx");
    let before = std::fs::read(&book).unwrap();
    let again = bin().arg("init").arg("--xlsx").arg(&dir).output().unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("study.xlsx"));
    let named = tmp.path().join("named.xlsx");
    init(&["--xlsx"], &named);
    assert_eq!(std::fs::read(&named).unwrap(), before, "not deterministic");
    assert_eq!(std::fs::read(&book).unwrap(), before);
    // A workbook path without --xlsx is a usage error.
    let usage = bin()
        .arg("init")
        .arg(tmp.path().join("x.xlsx"))
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2));
}

/// Every sheet of a workbook as rows of calamine cells.
fn sheets(book: &Path) -> Vec<(String, Vec<Vec<calamine::Data>>)> {
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(book).unwrap();
    wb.sheet_names()
        .into_iter()
        .map(|n| {
            let range = wb.worksheet_range(&n).unwrap();
            assert_eq!(range.start(), Some((0, 0)), "{n}");
            let rows = range.rows().map(<[_]>::to_vec).collect();
            (n, rows)
        })
        .collect()
}

#[test]
fn workbook_template_matches_the_csv_template() {
    let tmp = tempfile::tempdir().unwrap();
    init(&[], &tmp.path().join("csv"));
    init(&["--xlsx"], &tmp.path().join("book"));
    let book = sheets(&tmp.path().join("book").join("study.xlsx"));
    let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "README",
            "study",
            "participants",
            "products",
            "flows",
            "specs",
            "plans",
            "support"
        ]
    );
    let study = &book[1].1;
    assert!(study.iter().all(|r| r.len() == 2), "study has 2 columns");
    for (i, t) in TABLES.iter().enumerate() {
        let csv_text =
            std::fs::read_to_string(tmp.path().join("csv").join(format!("{t}.csv"))).unwrap();
        let mut r = csv::Reader::from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
        let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        let rows: Vec<Vec<String>> = r
            .records()
            .map(|rec| rec.unwrap().iter().map(String::from).collect())
            .collect();
        let sheet = &book[i + 2].1;
        let sheet_header: Vec<String> = sheet[0].iter().map(|c| c.to_string()).collect();
        assert_eq!(sheet_header, header, "{t}");
        assert_eq!(sheet.len() - 1, rows.len(), "{t}");
        for (row, csv_row) in sheet[1..].iter().zip(&rows) {
            let cells: Vec<String> = row.iter().map(|c| c.to_string()).collect();
            assert_eq!(&cells, csv_row, "{t}");
        }
        // The README sheet explains every column.
        for h in &header {
            assert!(
                book[0]
                    .1
                    .iter()
                    .any(|r| r.len() > 1 && r[0] == **t && r[1] == h.as_str()),
                "README lacks {t}.{h}"
            );
        }
    }
}

#[test]
fn untouched_workbook_template_says_what_to_fill() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("book");
    init(&["--xlsx"], &dir);
    let book = dir.join("study.xlsx");
    assert!(book.is_file());
    assert_template_message(&book, |s| format!("study.xlsx[{s}]:"));
    assert_template_message(&dir, |s| format!("study.xlsx[{s}]:"));
}

/// Rewrites every text cell of the workbook with `fill`, keeping numbers as numbers.
fn fill_workbook(from: &Path, to: &Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets(from) {
        let ws = wb.add_worksheet();
        ws.set_name(&name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    calamine::Data::String(s) => {
                        ws.write(r, c, fill(s)).unwrap();
                    }
                    calamine::Data::Float(x) => {
                        ws.write(r, c, *x).unwrap();
                    }
                    calamine::Data::Int(x) => {
                        ws.write(r, c, *x as f64).unwrap();
                    }
                    calamine::Data::Bool(b) => {
                        ws.write(r, c, *b).unwrap();
                    }
                    calamine::Data::Empty => {}
                    other => panic!("unexpected cell {other:?}"),
                }
            }
        }
    }
    wb.save(to).unwrap();
}

#[test]
fn filled_workbook_template_analyzes() {
    let tmp = tempfile::tempdir().unwrap();
    init(&["--xlsx"], tmp.path());
    let filled = tmp.path().join("filled.xlsx");
    fill_workbook(&tmp.path().join("study.xlsx"), &filled);
    let (code, _, stderr) = check(&filled);
    assert_eq!(code, 0, "{stderr}");
    let out = tmp.path().join("out");
    let a = bin()
        .arg("analyze")
        .arg(&filled)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    let niches = std::fs::read_to_string(out.join("new-study").join("niches.csv")).unwrap();
    assert!(niches.contains("kc-fiber"), "{niches}");
}

// ---------------------------------------------------------------------------------------------
// LibreOffice

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

/// Runs LibreOffice headless with its own fresh profile; fails after a few minutes.
fn soffice(exe: &Path, profile: &Path, args: &[&str]) {
    let mut child = std::process::Command::new(exe)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--norestore", "--nolockcheck"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let out = child.wait_with_output().unwrap();
            assert!(
                status.success(),
                "soffice {args:?}: {status}\n{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            return;
        }
        if started.elapsed() > Duration::from_secs(300) {
            let _ = child.kill();
            panic!("soffice {args:?} did not finish in 5 minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// One member of a zip archive, as text (python3's zipfile; scripts/test installs python3).
fn zip_member(archive: &Path, member: &str) -> String {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))",
        ])
        .arg(archive)
        .arg(member)
        .output()
        .expect("python3 is needed to read zip archives");
    assert!(
        out.status.success(),
        "{member} in {}: {}",
        archive.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The worksheet XML of the sheet named `name` in an .xlsx file.
fn xlsx_sheet_xml(book: &Path, name: &str) -> String {
    let workbook = zip_member(book, "xl/workbook.xml");
    let rels = zip_member(book, "xl/_rels/workbook.xml.rels");
    // `tag` is what follows "<sheet " or "<Relationship ": attributes separated by spaces.
    let attr = |tag: &str, key: &str| -> Option<String> {
        let tag = format!(" {tag}");
        let at = tag.find(&format!(" {key}=\""))? + key.len() + 3;
        Some(tag[at..at + tag[at..].find('"')?].to_string())
    };
    let sheet_tag = workbook
        .split("<sheet ")
        .skip(1)
        .find(|t| attr(t, "name").as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no sheet {name}: {workbook}"));
    let id = attr(sheet_tag, "r:id").unwrap();
    let rel = rels
        .split("<Relationship ")
        .skip(1)
        .find(|t| attr(t, "Id").as_deref() == Some(id.as_str()))
        .unwrap();
    let target = attr(rel, "Target").unwrap();
    let target = target.trim_start_matches('/').trim_start_matches("xl/");
    zip_member(book, &format!("xl/{target}"))
}

#[test]
fn workbook_drop_downs_survive_libreoffice() {
    let Some(exe) = on_path("soffice").or_else(|| on_path("libreoffice")) else {
        if std::env::var_os("CI").is_some() {
            panic!(
                "LibreOffice (soffice) is not on PATH; install it with \
                 `apt-get install -y libreoffice-calc-nogui`"
            );
        }
        eprintln!("notice: soffice not found; skipping the LibreOffice round trip");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("book");
    init(&["--xlsx"], &dir);
    let book = dir.join("study.xlsx");
    let profile = tmp.path().join("lo-profile");
    let ods_dir = tmp.path().join("ods");
    soffice(
        &exe,
        &profile,
        &[
            "--convert-to",
            "ods",
            "--outdir",
            ods_dir.to_str().unwrap(),
            book.to_str().unwrap(),
        ],
    );
    let ods = ods_dir.join("study.ods");
    let content = zip_member(&ods, "content.xml");
    let lists: Vec<&str> = content
        .split("<table:content-validation ")
        .skip(1)
        .map(|t| &t[..t.find('>').unwrap()])
        .collect();
    let roles_in_ods = ROLES
        .split(',')
        .map(|r| format!("&quot;{r}&quot;"))
        .collect::<Vec<_>>()
        .join(";");
    assert!(
        lists
            .iter()
            .any(|v| v.contains(&format!("cell-content-is-in-list({roles_in_ods})"))),
        "no role list in {lists:?}"
    );
    assert!(
        lists.iter().any(|v| v.contains(
            "cell-content-is-in-list(&quot;1&quot;;&quot;2&quot;;&quot;3&quot;;&quot;4&quot;)"
        )),
        "no stage list in {lists:?}"
    );
    // Ids on the flows and specs sheets are chosen from the participants and products sheets.
    for sheet in ["participants", "products"] {
        assert!(
            lists
                .iter()
                .any(|v| v.contains("cell-content-is-in-list(")
                    && v.contains(&format!("{sheet}.$A$2:"))),
            "no list of {sheet} ids in {lists:?}"
        );
    }
    // The participants and products tables use them, and so do flows and specs.
    for sheet in ["participants", "products", "flows", "specs"] {
        let at = content
            .find(&format!("<table:table table:name=\"{sheet}\""))
            .unwrap();
        let body = &content[at..at + content[at..].find("</table:table>").unwrap()];
        assert!(
            body.contains("table:content-validation-name="),
            "{sheet} has no validated cells"
        );
    }

    // And back to xlsx: the data validations are still there.
    let back_dir = tmp.path().join("back");
    soffice(
        &exe,
        &profile,
        &[
            "--convert-to",
            "xlsx",
            "--outdir",
            back_dir.to_str().unwrap(),
            ods.to_str().unwrap(),
        ],
    );
    let back = back_dir.join("study.xlsx");
    let participants = xlsx_sheet_xml(&back, "participants");
    let validations: Vec<&str> = participants
        .split("<dataValidation ")
        .skip(1)
        .map(|v| &v[..v.find("</dataValidation>").unwrap()])
        .collect();
    let with = |list: &str, col: &str| {
        validations.iter().any(|v| {
            v.contains("type=\"list\"")
                && v.contains(&format!("<formula1>&quot;{list}&quot;</formula1>"))
                && v.contains(&format!("sqref=\"{col}2:{col}1000\""))
        })
    };
    assert!(with(ROLES, "D"), "role list lost: {validations:?}");
    assert!(with("1,2,3,4", "E"), "stage list lost: {validations:?}");
    let products = xlsx_sheet_xml(&back, "products");
    assert!(
        products.contains("<formula1>&quot;1,2,3,4&quot;</formula1>"),
        "stage list lost on products"
    );
    // On flows: supplier (A), consumer (C) and product (D) from the other sheets.
    let flows = xlsx_sheet_xml(&back, "flows");
    let from_sheet = |sheet: &str, col: &str| {
        flows.split("<dataValidation ").skip(1).any(|v| {
            let v = &v[..v.find("</dataValidation>").unwrap()];
            v.contains("type=\"list\"")
                && v.contains(&format!("{sheet}!$A$2:$A$1000"))
                && v.contains(&format!("sqref=\"{col}2:{col}1000\""))
        })
    };
    assert!(
        from_sheet("participants", "A"),
        "supplier list lost: {flows}"
    );
    assert!(
        from_sheet("participants", "C"),
        "consumer list lost: {flows}"
    );
    assert!(from_sheet("products", "D"), "product list lost: {flows}");
    // The workbook LibreOffice saved is still a study, with the same template message.
    assert_template_message(&back, |s| format!("study.xlsx[{s}]:"));
}
