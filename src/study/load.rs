//! Loading a study: the choice of reader (a folder of CSV files, flows.parquet, the fast path
//! for the flows, or a workbook), then `assemble` for validation and aggregation.

use super::assemble::{assemble, Inputs};
use super::dialect::DialectOptions;
use super::schema::{FLOWS_PARQUET, SETTINGS_FILE, TABLES};
use super::table::Table;
use super::{config, Study};
use crate::error::{Error, Problem, Result};
use std::path::Path;

/// Loads and validates the study folder (or workbook) at `dir`, detecting each CSV file's dialect.
pub fn load(dir: &Path) -> Result<Study> {
    load_with(dir, DialectOptions::default())
}

/// Loads and validates the study folder at `dir`, or the study workbook (`.xlsx`) at `dir`.
/// Data problems come back as `Error::Data` with every problem found; a missing or unreadable
/// folder is `Error::Io`. The dialect options apply to CSV files only.
pub fn load_with(dir: &Path, opts: DialectOptions) -> Result<Study> {
    let mut used_fast = false;
    match load_folder(dir, opts, Some(&mut used_fast)) {
        // The fast path found the flows valid on their own, but something else is wrong: read
        // them again exactly, so that problems that follow from the others are listed too.
        // (When the fast path gave up, the exact loader has read the flows already.)
        Err(Error::Data(_)) if used_fast => load_folder(dir, opts, None),
        r => r,
    }
}

/// `load_with` without the fast path: every table read by the exact loader. For tests that
/// check that both paths agree.
#[doc(hidden)]
pub fn load_exact(dir: &Path, opts: DialectOptions) -> Result<Study> {
    load_folder(dir, opts, None)
}

/// `load_with`, trying the fast path for the flows when `used_fast` is given (see
/// `super::fast`); it is set when the fast path read them.
fn load_folder(dir: &Path, opts: DialectOptions, used_fast: Option<&mut bool>) -> Result<Study> {
    let fast = used_fast.is_some();
    let meta =
        std::fs::metadata(dir).map_err(|e| Error::io("cannot open the study folder", dir, e))?;
    if meta.is_file() && super::workbook::is_workbook(dir) {
        return super::workbook::load(dir);
    }
    if !meta.is_dir() {
        return Err(Error::NotAStudy(dir.to_path_buf()));
    }
    let shown = |name: &str| dir.join(name).display().to_string();
    let mut problems = Vec::new();

    let read_required = |name: &str, problems: &mut Vec<Problem>| -> Option<std::path::PathBuf> {
        let p = dir.join(name);
        if p.is_file() {
            Some(p)
        } else {
            problems.push(Problem::file(
                &shown(name),
                "the file is missing; every study folder needs study.toml, participants.csv, products.csv and flows.csv (or flows.parquet, or a flows/ folder of Parquet files)",
            ));
            None
        }
    };

    let config =
        read_required(SETTINGS_FILE, &mut problems).and_then(|p| match std::fs::read(&p) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => config::parse(&text, &shown(SETTINGS_FILE), &mut problems),
                Err(_) => {
                    problems.push(Problem::file(
                        &shown(SETTINGS_FILE),
                        "the file is not UTF-8 text; expected UTF-8",
                    ));
                    None
                }
            },
            Err(e) => {
                problems.push(Problem::file(
                    &shown(SETTINGS_FILE),
                    format!("cannot read the file: {e}"),
                ));
                None
            }
        });
    let mut dialects = Vec::new();
    let mut fast_flows = None;
    // Where the flows are, decided once: a dataset folder, flows.parquet, or else flows.csv.
    let dataset = dir.join(super::dataset::FOLDER).is_dir();
    let parquet = !dataset && dir.join(FLOWS_PARQUET).is_file();
    let flows_file = if dataset {
        format!("{}/", super::dataset::FOLDER)
    } else if parquet {
        FLOWS_PARQUET.to_string()
    } else {
        "flows.csv".to_string()
    };
    let mut read: Vec<Option<Table>> = Vec::with_capacity(TABLES.len());
    // Sub-phases of `load` (NICHEGRAPH_TIMINGS=1); the flows' own are timed where they are read.
    let mut phases = crate::progress::Phases::new();
    for def in &TABLES {
        if def.name == "flows" {
            phases.done("  settings, participants, products");
        }
        let mut one = || {
            if def.name == "flows" && dataset {
                let others: Vec<&str> = ["flows.csv", FLOWS_PARQUET]
                    .into_iter()
                    .filter(|n| dir.join(n).is_file())
                    .collect();
                if !others.is_empty() {
                    problems.push(Problem::file(
                        &shown(super::dataset::FOLDER),
                        format!(
                            "both the flows dataset flows/ and {} are in the study folder; expected one of them (remove the one that is out of date)",
                            others.join(" and ")
                        ),
                    ));
                    return None;
                }
                let files = super::dataset::files(dir, &mut problems);
                let ids = match (read.first(), read.get(1)) {
                    (Some(Some(pt)), Some(Some(prt))) if fast => Some(super::fast::Ids::new(
                        &pt.column_texts(0),
                        &prt.column_texts(0),
                    )),
                    _ => None,
                };
                let fast_ids = ids
                    .as_ref()
                    .zip(config.as_ref())
                    .map(|(ids, c)| (ids, c.year));
                return match super::dataset::read(dir, &files, def.columns, fast_ids, &mut problems)
                {
                    super::dataset::Read::Fast(f) => {
                        fast_flows = Some(f);
                        None
                    }
                    super::dataset::Read::Exact(t) => t,
                };
            }
            if def.name == "flows" && parquet {
                if dir.join("flows.csv").is_file() {
                    problems.push(Problem::file(
                    &shown(FLOWS_PARQUET),
                    format!(
                        "both flows.csv and {FLOWS_PARQUET} are in the study folder; expected one of them (remove the one that is out of date)"
                    ),
                ));
                    return None;
                }
                if fast {
                    if let (Some(Some(pt)), Some(Some(prt)), Some(c)) =
                        (read.first(), read.get(1), &config)
                    {
                        let (participants, products) = (pt.column_texts(0), prt.column_texts(0));
                        let ids = super::fast::Ids::new(&participants, &products);
                        let path = dir.join(FLOWS_PARQUET);
                        let part = super::fast::Part {
                            path: &path,
                            year: None,
                        };
                        if let Some(f) = super::fast::read_parquet(&[part], &ids, c.year) {
                            fast_flows = Some(f);
                            return None;
                        }
                    }
                }
                return super::parquet::read(
                    &dir.join(FLOWS_PARQUET),
                    &shown(FLOWS_PARQUET),
                    def.columns,
                    &mut problems,
                );
            }
            let name = def.file_name();
            let present = if def.required {
                read_required(&name, &mut problems).is_some()
            } else {
                dir.join(&name).exists()
            };
            if !present {
                return None;
            }
            let path = dir.join(&name);
            let bytes = match std::fs::read(&path) {
                Ok(b) => b,
                Err(e) => {
                    problems.push(Problem::file(
                        &shown(&name),
                        format!("cannot read the file: {e}"),
                    ));
                    return None;
                }
            };
            if fast && def.name == "flows" && super::fast::eligible(opts) {
                if let (Some(Some(pt)), Some(Some(prt)), Some(c)) =
                    (read.first(), read.get(1), &config)
                {
                    let (participants, products) = (pt.column_texts(0), prt.column_texts(0));
                    let ids = super::fast::Ids::new(&participants, &products);
                    if let Some(f) = super::fast::read_csv(&bytes, opts, &ids, c.year) {
                        dialects.push((name, f.detected));
                        fast_flows = Some(f);
                        return None;
                    }
                }
            }
            let (t, d) = Table::parse(
                &bytes,
                &shown(&name),
                def.columns,
                &def.numeric(),
                opts,
                &mut problems,
            )?;
            dialects.push((name, d));
            Some(t)
        };
        let table = one();
        read.push(table);
        if def.name == "flows" {
            phases = crate::progress::Phases::new();
        }
    }
    phases.done("  specs, plans");
    let mut it = read.into_iter();
    let mut next = || it.next().flatten();
    let tables = [next(), next(), next(), next(), next()];
    if let Some(u) = used_fast {
        *u = fast_flows.is_some();
    }
    let study = assemble(
        Inputs {
            config,
            tables,
            dialects,
            settings: SETTINGS_FILE,
            fast_flows,
            flows_file,
            study_prefix: format!("{}", dir.join("").display()),
        },
        problems,
    );
    phases.done("  validate, aggregate");
    study
}

/// A study's participants and products alone, with the line each is defined on, for commands
/// that map other data onto them (`ingest`). Sorted by id, as in `Study`.
#[derive(Debug, Clone)]
pub struct Members {
    pub participants: Vec<(u64, super::Participant)>,
    pub products: Vec<(u64, super::Product)>,
    /// participants.csv and products.csv as messages name them.
    pub participants_file: String,
    pub products_file: String,
    /// The 1-based field number of `inn` in participants.csv and of `code` in products.csv.
    pub inn_column: Option<String>,
    pub code_column: Option<String>,
}

/// Reads and validates participants.csv and products.csv of the study folder `dir` (every
/// problem of theirs, as `load` reports them); the other files are not read.
pub fn load_members(dir: &Path, opts: DialectOptions) -> Result<Members> {
    use std::collections::HashMap;
    if !dir.is_dir() {
        return Err(Error::Input(format!(
            "{} is not a study folder; expected a folder with participants.csv and products.csv",
            dir.display()
        )));
    }
    let mut problems = Vec::new();
    let mut read = |def: &super::schema::TableDef| -> Option<Table> {
        let name = def.file_name();
        let path = dir.join(&name);
        let shown = path.display().to_string();
        if !path.is_file() {
            problems.push(Problem::file(
                &shown,
                format!("the file is missing; expected the study's {name}"),
            ));
            return None;
        }
        let numeric = def.numeric();
        Table::read(&path, &shown, def.columns, &numeric, opts, &mut problems).map(|t| t.0)
    };
    let (pt, prt) = (read(&TABLES[0]), read(&TABLES[1]));
    let (participants, _) = pt
        .as_ref()
        .map(|t| super::validate::participants(t, &mut problems))
        .unwrap_or_default();
    let (products, _) = prt
        .as_ref()
        .map(|t| super::validate::products(t, &mut problems))
        .unwrap_or_default();
    let (Some(pt), Some(prt)) = (pt, prt) else {
        return Err(Error::Data(problems));
    };
    if !problems.is_empty() {
        return Err(Error::Data(problems));
    }
    // Without problems every row is valid and defines its id once.
    let lines = |t: &Table| -> HashMap<String, u64> {
        t.rows
            .iter()
            .filter_map(|r| Some((t.cell(r, 0)?.text.to_string(), r.line)))
            .collect()
    };
    let label = |t: &Table, name: &str, columns: &[super::schema::Column]| -> Option<String> {
        let col = columns.iter().position(|c| c.name == name)?;
        let row = t.rows.first()?;
        t.cell(row, col).map(|c| c.column.to_string())
    };
    let (pl, prl) = (lines(&pt), lines(&prt));
    Ok(Members {
        participants: participants
            .into_values()
            .map(|p| (pl.get(&p.id).copied().unwrap_or(0), p))
            .collect(),
        products: products
            .into_values()
            .map(|p| (prl.get(&p.id).copied().unwrap_or(0), p))
            .collect(),
        inn_column: label(&pt, "inn", TABLES[0].columns),
        code_column: label(&prt, "code", TABLES[1].columns),
        participants_file: pt.file,
        products_file: prt.file,
    })
}
