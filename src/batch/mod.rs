//! `batch`: rerun many studies in parallel, skip the unchanged ones, keep history, and record
//! what changed. Each study is isolated: its failure is recorded and never touches the others.

pub mod changes;
pub mod portfolio;

use crate::error::Error;
use crate::report::{Format, Lang};
use crate::{output, run};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;
use std::path::{Path, PathBuf};

pub struct Options {
    pub paths: Vec<PathBuf>,
    pub out: PathBuf,
    pub jobs: Option<usize>,
    pub force: bool,
    pub lang: Lang,
    pub formats: Vec<Format>,
    /// Relative demand change / import share points that count as a change (0.1 = 10 %).
    pub threshold: f64,
    /// Show a progress bar (the caller decides: a terminal and not --quiet).
    pub progress: bool,
    pub input: crate::study::dialect::DialectOptions,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Unchanged,
    Failed,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The study id, or the folder when the id could not be read.
    pub study: String,
    pub path: String,
    pub status: Status,
    pub niches: Option<usize>,
    pub top_niche: Option<String>,
    /// The top niche's product name, for batch.md (batch.csv keeps the id).
    #[serde(skip)]
    pub top_niche_name: Option<String>,
    pub addressable_rub: Option<f64>,
    pub compliance: Option<String>,
    pub message: String,
    /// For a failure: whether the study's data was invalid (exit 65) rather than I/O etc.
    #[serde(skip)]
    pub data_error: bool,
    #[serde(skip)]
    pub changes: Option<changes::StudyChanges>,
    /// What-if scenarios of the previous results, kept under this folder of the study's
    /// output (`history/<time>/whatif`), by product.
    #[serde(skip)]
    pub kept_scenarios: Option<run::KeptScenarios>,
    /// What the study brings to the portfolio (ok and unchanged studies), or why it cannot.
    #[serde(skip)]
    pub member: Option<std::result::Result<crate::analysis::portfolio::Member, String>>,
}

pub struct Outcome {
    pub rows: Vec<Row>,
}

impl Outcome {
    pub fn exit_code(&self) -> i32 {
        if self
            .rows
            .iter()
            .any(|r| r.status == Status::Failed && r.data_error)
        {
            65
        } else if self.rows.iter().any(|r| r.status == Status::Failed) {
            1
        } else {
            0
        }
    }
}

/// Studies under `paths`: a folder with study.toml is a study; a `.xlsx` file given directly is
/// a study workbook, and one found in a searched folder is one when it has a `study` sheet
/// (Excel's `~$` lock files never are). Other folders are searched (hidden folders, `target`
/// and `node_modules` skipped). Sorted, without repeats.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    use crate::study::workbook;
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        if dir.join("study.toml").is_file() {
            out.push(dir.to_path_buf());
            return;
        }
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let (mut subdirs, mut books) = (Vec::new(), Vec::new());
        for p in entries.flatten().map(|e| e.path()) {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            if name.starts_with('.') {
                continue;
            }
            if p.is_dir() {
                if name != "target" && name != "node_modules" {
                    subdirs.push(p);
                }
            } else if workbook::is_workbook(&p) && workbook::has_study_sheet(&p) {
                books.push(p);
            }
        }
        out.extend(books);
        subdirs.sort();
        for d in subdirs {
            walk(&d, out);
        }
    }
    let mut out = Vec::new();
    for p in paths {
        if !p.exists() {
            return Err(Error::Usage(format!(
                "{}: no such file or folder",
                p.display()
            )));
        }
        if p.is_file() && workbook::is_workbook(p) {
            out.push(p.clone());
            continue;
        }
        let before = out.len();
        walk(p, &mut out);
        if out.len() == before {
            return Err(Error::Usage(format!(
                "{}: no study found there (a folder with study.toml, or a .xlsx workbook with a study sheet)",
                p.display()
            )));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn read_json(path: &Path) -> Option<Value> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// The summary columns of a row from a study's niches.json and compliance.json.
fn summarise(row: &mut Row, niches: &Value, compliance: &Value) {
    let list = niches["niches"].as_array();
    row.niches = list.map(|l| l.len());
    let top = list.and_then(|l| l.first());
    row.top_niche = top.and_then(|n| n["product"].as_str()).map(str::to_string);
    row.top_niche_name = top
        .and_then(|n| n["product_name"].as_str())
        .map(str::to_string);
    row.addressable_rub = Some(
        list.map(|l| l.iter().filter_map(|n| n["addressable_rub"].as_f64()).sum())
            .unwrap_or(0.0),
    );
    row.compliance = compliance["overall"].as_str().map(str::to_string);
}

fn failed(row: &mut Row, e: &Error) {
    row.status = Status::Failed;
    row.data_error = matches!(e, Error::Data(_));
    row.message = match e {
        Error::Data(problems) => problems
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
        other => other.to_string(),
    };
}

fn run_one(o: &Options, dir: &Path, id: &str) -> Row {
    let mut row = Row {
        study: id.to_string(),
        path: dir.display().to_string(),
        status: Status::Ok,
        niches: None,
        top_niche: None,
        top_niche_name: None,
        addressable_rub: None,
        compliance: None,
        message: String::new(),
        data_error: false,
        changes: None,
        kept_scenarios: None,
        member: None,
    };
    let target = o.out.join(id);
    let previous = run::Manifest::read(&target.join("run.json"));
    let current = crate::manifest(dir, &o.out, o.lang, &o.formats, o.input, "batch");
    if !o.force && previous.as_ref().is_some_and(|p| p.same_run(&current)) {
        row.status = Status::Unchanged;
        if let (Some(n), Some(c)) = (
            read_json(&target.join("niches.json")),
            read_json(&target.join("compliance.json")),
        ) {
            summarise(&mut row, &n, &c);
        }
        row.member = Some(portfolio::unchanged_member(dir, &target, o.input));
        return row;
    }
    let prepared = match crate::prepare(dir, &o.out, o.lang, &o.formats, o.input, "batch") {
        Ok(p) => p,
        Err(e) => {
            failed(&mut row, &e);
            return row;
        }
    };
    let mut files = prepared.files;
    let new_niches: Option<Value> = files
        .iter()
        .find(|f| f.0 == "niches.json")
        .and_then(|f| serde_json::from_slice(&f.1).ok());
    let new_comp: Option<Value> = files
        .iter()
        .find(|f| f.0 == "compliance.json")
        .and_then(|f| serde_json::from_slice(&f.1).ok());
    // Keep the history and the what-if scenarios (see `run::carry_over`).
    let (kept, stamp, scenarios) = run::carry_over(&target, previous.as_ref(), &current);
    files.extend(kept);
    row.kept_scenarios = scenarios;
    let old_niches = std::fs::read(target.join("niches.json")).ok();
    let old_comp = std::fs::read(target.join("compliance.json")).ok();
    if let (Some(on), Some(oc)) = (&old_niches, &old_comp) {
        let stamp = stamp.clone();
        files.push((format!("history/{stamp}/niches.json"), on.clone()));
        files.push((format!("history/{stamp}/compliance.json"), oc.clone()));
        if let (Ok(on), Ok(oc), Some(nn), Some(nc)) = (
            serde_json::from_slice::<Value>(on),
            serde_json::from_slice::<Value>(oc),
            &new_niches,
            &new_comp,
        ) {
            row.changes = Some(changes::StudyChanges {
                study: id.to_string(),
                previous_run: stamp,
                changes: changes::compare(&on, nn, &oc, nc, o.threshold),
            });
        }
    }
    if let Err(e) = output::write_folder(&o.out, id, &files) {
        failed(&mut row, &e);
        return row;
    }
    row.member = Some(Ok(portfolio::member(&prepared.study, &prepared.analysis)));
    if let (Some(n), Some(c)) = (&new_niches, &new_comp) {
        summarise(&mut row, n, c);
    } else {
        row.niches = Some(prepared.analysis.niches.len());
        row.top_niche = prepared
            .analysis
            .niches
            .first()
            .map(|n| n.need.product.clone());
        row.top_niche_name = prepared
            .analysis
            .niches
            .first()
            .map(|n| n.need.product_name.clone());
        row.addressable_rub = Some(
            prepared
                .analysis
                .niches
                .iter()
                .map(|n| n.need.addressable_rub)
                .sum(),
        );
        row.compliance = Some(prepared.analysis.compliance.overall.as_str().to_string());
    }
    row
}

/// The study id from study.toml (or a workbook's study sheet), or the problems that prevent reading it.
fn study_id(dir: &Path) -> Result<String, Error> {
    if dir.is_file() && crate::study::workbook::is_workbook(dir) {
        return crate::study::workbook::study_id(dir);
    }
    let path = dir.join("study.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io("cannot read", &path, e))?;
    let mut problems = Vec::new();
    match crate::study::config::parse(&text, &path.display().to_string(), &mut problems) {
        Some(c) => Ok(c.id),
        None => Err(Error::Data(problems)),
    }
}

pub fn run(o: &Options) -> Result<Outcome, Error> {
    let lang = o.lang;
    let dirs = discover(&o.paths)?;
    std::fs::create_dir_all(&o.out)
        .map_err(|e| Error::io("cannot create the output folder", &o.out, e))?;
    // Ids first, sequentially: two studies with one id would overwrite each other's outputs.
    let mut seen: std::collections::BTreeMap<String, PathBuf> = Default::default();
    let planned: Vec<(PathBuf, Result<String, Error>)> = dirs
        .into_iter()
        .map(|d| {
            let id = study_id(&d).and_then(|id| match seen.get(&id) {
                _ if id == portfolio::FOLDER => Err(Error::Other(format!(
                    "the study id {id} names the batch's portfolio folder; give the study another id in its study.toml"
                ))),
                Some(first) => Err(Error::Other(format!(
                    "the study id {id} is also used by {}; each study needs its own id",
                    first.display()
                ))),
                None => {
                    seen.insert(id.clone(), d.clone());
                    Ok(id)
                }
            });
            (d, id)
        })
        .collect();

    let bar = if o.progress {
        let b = indicatif::ProgressBar::new(planned.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} studies · {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    let counts = std::sync::Mutex::new((0usize, 0usize, 0usize));
    let work = || -> Vec<Row> {
        planned
            .par_iter()
            .map(|(dir, id)| {
                bar.set_message(dir.display().to_string());
                let row = match id {
                    Ok(id) => std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        run_one(o, dir, id)
                    }))
                    .unwrap_or_else(|_| {
                        let mut r = placeholder(dir, id);
                        failed(
                            &mut r,
                            &Error::Other("internal error (a bug): the run panicked".into()),
                        );
                        r
                    }),
                    Err(e) => {
                        let mut r = placeholder(dir, &dir.display().to_string());
                        failed(&mut r, e);
                        r
                    }
                };
                if let Ok(mut c) = counts.lock() {
                    match row.status {
                        Status::Ok => c.0 += 1,
                        Status::Failed => c.1 += 1,
                        Status::Unchanged => c.2 += 1,
                    }
                    bar.set_message(format!(
                        "{} ok, {} failed, {} unchanged · {}",
                        c.0, c.1, c.2, row.study
                    ));
                }
                bar.inc(1);
                row
            })
            .collect()
    };
    let rows = match o.jobs {
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build()
            .map_err(|e| Error::Other(format!("cannot start {n} jobs: {e}")))?
            .install(work),
        None => work(),
    };
    bar.finish_and_clear();
    let mut outcome = Outcome { rows };
    write_reports(&o.out, &outcome, lang)?;
    let p = portfolio::compute(&mut outcome.rows);
    portfolio::write(&o.out, &p, lang)?;
    Ok(outcome)
}

fn placeholder(dir: &Path, study: &str) -> Row {
    Row {
        study: study.to_string(),
        path: dir.display().to_string(),
        status: Status::Failed,
        niches: None,
        top_niche: None,
        top_niche_name: None,
        addressable_rub: None,
        compliance: None,
        message: String::new(),
        data_error: false,
        changes: None,
        kept_scenarios: None,
        member: None,
    }
}

/// Writes a file atomically: a temporary file beside it, then a rename.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::io("cannot write", path, e)
        })
}

fn write_reports(out: &Path, o: &Outcome, lang: Lang) -> Result<(), Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let row_err = |e: csv::Error| Error::Other(format!("cannot render batch.csv: {e}"));
    w.write_record([
        "study",
        "status",
        "niches",
        "top_niche",
        "addressable_rub",
        "compliance",
        "message",
    ])
    .map_err(row_err)?;
    for r in &o.rows {
        w.write_record([
            r.study.clone(),
            serde_json::to_value(r.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            r.niches.map(|n| n.to_string()).unwrap_or_default(),
            r.top_niche.clone().unwrap_or_default(),
            r.addressable_rub
                .map(crate::report::csv::num)
                .unwrap_or_default(),
            r.compliance.clone().unwrap_or_default(),
            r.message.clone(),
        ])
        .map_err(row_err)?;
    }
    let csv_bytes = w
        .into_inner()
        .map_err(|e| Error::Other(format!("cannot render batch.csv: {e}")))?;
    write_atomic(&out.join("batch.csv"), &csv_bytes)?;
    write_atomic(&out.join("batch.md"), render_md(o, lang).as_bytes())?;
    let changes: Vec<&changes::StudyChanges> =
        o.rows.iter().filter_map(|r| r.changes.as_ref()).collect();
    write_atomic(
        &out.join("changes.json"),
        &crate::report::json::to_bytes(&changes)?,
    )?;
    write_atomic(
        &out.join("changes.md"),
        render_changes_md(&changes, lang).as_bytes(),
    )?;
    Ok(())
}

fn md(s: &str) -> String {
    crate::report::markdown::esc(s)
}

fn tr(lang: Lang, ru: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Ru => ru,
        Lang::En => en,
    }
}

fn status_text(s: Status, lang: Lang) -> &'static str {
    match s {
        Status::Ok => tr(lang, "пересчитано", "rerun"),
        Status::Unchanged => tr(lang, "без изменений", "unchanged"),
        Status::Failed => tr(lang, "ошибка", "failed"),
    }
}

/// `batch.md`: one row per study, in the language of `--lang`, niches named by product.
fn render_md(o: &Outcome, lang: Lang) -> String {
    use crate::{human, report::labels};
    use std::fmt::Write;
    let mut s = String::from(tr(
        lang,
        "# Пакетный пересчёт\n\n| Исследование | Статус | Ниш | Главная ниша | Адресуемый спрос | Соответствие ПП № 779 |\n|---|---|---|---|---|---|\n",
        "# Batch run\n\n| Study | Status | Niches | Top niche | Addressable demand | Decree 779 compliance |\n|---|---|---|---|---|---|\n",
    ));
    for r in &o.rows {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            md(&r.study),
            status_text(r.status, lang),
            r.niches
                .map(|n| human::int(n as u64, lang))
                .unwrap_or_default(),
            md(r.top_niche_name
                .as_deref()
                .or(r.top_niche.as_deref())
                .unwrap_or("")),
            r.addressable_rub
                .map(|v| human::rub(v, lang))
                .unwrap_or_default(),
            r.compliance
                .as_deref()
                .map(|c| labels::status_code(c, lang))
                .unwrap_or("")
        );
    }
    let kept: Vec<&Row> = o
        .rows
        .iter()
        .filter(|r| r.kept_scenarios.as_ref().is_some_and(|k| k.to_history))
        .collect();
    if !kept.is_empty() {
        s.push_str(tr(
            lang,
            "\n## Сценарии «что если»\n\nСценарии были рассчитаны по прежним данным; они сохранены в истории вместе с прежними результатами:\n\n",
            "\n## What-if scenarios\n\nThe scenarios were computed from the previous data; they are kept in the history with the previous results:\n\n",
        ));
        for r in kept {
            if let Some(k) = &r.kept_scenarios {
                let (folder, products) = (&k.folder, &k.products);
                let _ = writeln!(
                    s,
                    "- {}: {} — {}/{}",
                    md(&r.study),
                    human::count(
                        products.len() as u64,
                        ["сценарий", "сценария", "сценариев"],
                        "scenario",
                        "scenarios",
                        lang
                    ),
                    md(&r.study),
                    md(folder)
                );
            }
        }
    }
    let failures: Vec<&Row> = o
        .rows
        .iter()
        .filter(|r| r.status == Status::Failed)
        .collect();
    if !failures.is_empty() {
        s.push_str(tr(lang, "\n## Ошибки\n", "\n## Failures\n"));
        for r in failures {
            let _ = writeln!(
                s,
                "\n### {} ({})\n\n```text\n{}\n```",
                md(&r.study),
                md(&r.path),
                r.message
            );
        }
    }
    s
}

/// `changes.md`: what changed since each study's previous run, in words and names.
fn render_changes_md(all: &[&changes::StudyChanges], lang: Lang) -> String {
    use crate::{human, report::labels};
    use changes::Change::*;
    use std::fmt::Write;
    let mut s = String::from(tr(
        lang,
        "# Изменения с прошлого пересчёта\n\n",
        "# Changes since the previous run\n\n",
    ));
    if all.iter().all(|c| c.changes.is_empty()) {
        s.push_str(tr(
            lang,
            "Ни в одном пересчитанном исследовании изменения не превысили порогов.\n",
            "No study that was rerun changed beyond the thresholds.\n",
        ));
        return s;
    }
    let pct = |x: f64| human::pct1(x, lang);
    for c in all.iter().filter(|c| !c.changes.is_empty()) {
        let _ = writeln!(
            s,
            "## {} ({} {})\n",
            md(&c.study),
            tr(lang, "сравнение с расчётом", "compared with the run of"),
            md(&c.previous_run)
        );
        for ch in &c.changes {
            let line = match (ch, lang) {
                (
                    NicheOpened {
                        product_name, rank, ..
                    },
                    Lang::Ru,
                ) => {
                    format!("новая ниша: {}, место {rank}", md(product_name))
                }
                (
                    NicheOpened {
                        product_name, rank, ..
                    },
                    Lang::En,
                ) => {
                    format!("niche opened: {}, rank {rank}", md(product_name))
                }
                (
                    NicheClosed {
                        product_name, rank, ..
                    },
                    Lang::Ru,
                ) => {
                    format!("ниша закрыта: {}, было место {rank}", md(product_name))
                }
                (
                    NicheClosed {
                        product_name, rank, ..
                    },
                    Lang::En,
                ) => {
                    format!("niche closed: {}, was rank {rank}", md(product_name))
                }
                (
                    RankMoved {
                        product_name,
                        from,
                        to,
                        ..
                    },
                    Lang::Ru,
                ) => {
                    format!(
                        "место ниши изменилось: {} — {from} → {to}",
                        md(product_name)
                    )
                }
                (
                    RankMoved {
                        product_name,
                        from,
                        to,
                        ..
                    },
                    Lang::En,
                ) => {
                    format!("rank moved: {} {from} → {to}", md(product_name))
                }
                (
                    DemandChanged {
                        product_name,
                        from,
                        to,
                        relative,
                        ..
                    },
                    _,
                ) => format!(
                    "{}: {} {} → {} ({}{})",
                    tr(lang, "спрос изменился", "demand changed"),
                    md(product_name),
                    human::rub(*from, lang),
                    human::rub(*to, lang),
                    if *relative > 0.0 { "+" } else { "" },
                    pct(*relative)
                ),
                (
                    ImportShareChanged {
                        product_name,
                        from,
                        to,
                        ..
                    },
                    _,
                ) => format!(
                    "{}: {} {} → {}",
                    tr(lang, "доля импорта изменилась", "import share changed"),
                    md(product_name),
                    pct(*from),
                    pct(*to)
                ),
                (
                    ComplianceChanged {
                        criterion,
                        from,
                        to,
                    },
                    _,
                ) => format!(
                    "{} «{}»: {} → {}",
                    tr(lang, "требование ПП № 779", "Decree 779 requirement"),
                    labels::criterion(criterion, lang),
                    labels::status_code(from, lang),
                    labels::status_code(to, lang)
                ),
                (
                    GrowthChanged {
                        product_name,
                        from,
                        to,
                        ..
                    },
                    _,
                ) => {
                    let g = |x: &Option<f64>| match x {
                        Some(v) => format!(
                            "{}{} {}",
                            if *v > 0.0 { "+" } else { "" },
                            pct(*v),
                            tr(lang, "в год", "a year")
                        ),
                        None => tr(lang, "нет тренда", "no trend").to_string(),
                    };
                    format!(
                        "{}: {} {} → {}",
                        tr(lang, "темп роста спроса изменился", "demand growth changed"),
                        md(product_name),
                        g(from),
                        g(to)
                    )
                }
                (
                    PlanDemandChanged {
                        product_name,
                        from,
                        to,
                        ..
                    },
                    _,
                ) => {
                    let r = |x: &Option<f64>| match x {
                        Some(v) => human::rub(*v, lang),
                        None => tr(lang, "нет планов", "no plans").to_string(),
                    };
                    format!(
                        "{}: {} {} → {}",
                        tr(
                            lang,
                            "спрос по планам участников изменился",
                            "demand under the participants' plans changed"
                        ),
                        md(product_name),
                        r(from),
                        r(to)
                    )
                }
            };
            let _ = writeln!(s, "- {line}");
        }
        s.push('\n');
    }
    s
}
