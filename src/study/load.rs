//! Loading a study folder: read every file, validate every cell and cross-reference,
//! select the year and aggregate flows.

use super::dialect::DialectOptions;
use super::table::{opt, req, Cells, Column, Table};
use super::{config, Flow, Participant, Plan, Product, Role, Source, Spec, Study};
use crate::error::{Error, Problem, Result};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

const PARTICIPANTS: [Column; 10] = [
    req("id"),
    req("name"),
    req("region"),
    req("role"),
    opt("stage"),
    opt("employees"),
    opt("hp_jobs"),
    opt("in_governance"),
    opt("output_rub"),
    opt("inn"),
];
const PRODUCTS: [Column; 7] = [
    req("id"),
    req("name"),
    req("stage"),
    req("unit"),
    opt("benchmark_price_rub"),
    opt("capex_rub_per_unit"),
    opt("min_capacity"),
];
pub(super) const FLOWS: [Column; 7] = [
    req("supplier"),
    opt("supplier_name"),
    req("consumer"),
    req("product"),
    req("quantity"),
    req("value_rub"),
    opt("year"),
];
const SPECS: [Column; 8] = [
    req("consumer"),
    req("product"),
    req("parameter"),
    opt("required_min"),
    opt("required_max"),
    opt("available"),
    // How reports name the parameter and its unit (issue 16); the id stays the key.
    opt("parameter_name"),
    opt("unit"),
];

pub(super) const PLANS: [Column; 4] = [
    req("participant"),
    req("year"),
    req("output_rub"),
    opt("note"),
];

/// What a table is called and which of its columns are numeric (they decide the decimal mark).
pub(super) struct TableDef {
    /// The table's name: `participants` is read from participants.csv or the `participants` sheet.
    pub name: &'static str,
    pub columns: &'static [Column],
    pub numeric: &'static [&'static str],
    pub required: bool,
}

/// The tables of a study, in the order of `Inputs::tables`.
pub(super) const TABLES: [TableDef; 5] = [
    TableDef {
        name: "participants",
        columns: &PARTICIPANTS,
        numeric: &["stage", "employees", "hp_jobs", "output_rub"],
        required: true,
    },
    TableDef {
        name: "products",
        columns: &PRODUCTS,
        numeric: &[
            "stage",
            "benchmark_price_rub",
            "capex_rub_per_unit",
            "min_capacity",
        ],
        required: true,
    },
    TableDef {
        name: "flows",
        columns: &FLOWS,
        numeric: &["quantity", "value_rub", "year"],
        required: true,
    },
    TableDef {
        name: "specs",
        columns: &SPECS,
        numeric: &["required_min", "required_max", "available"],
        required: false,
    },
    TableDef {
        name: "plans",
        columns: &PLANS,
        numeric: &["year", "output_rub"],
        required: false,
    },
];

/// Flows in Parquet, read when the folder has no flows.csv (see `super::parquet`).
const FLOWS_PARQUET: &str = "flows.parquet";

/// A study's parts as read from a folder or a workbook, before validation.
pub(super) struct Inputs {
    pub config: Option<config::StudyConfig>,
    /// Participants, products, flows, specs and plans (as in `TABLES`); `None` when absent or
    /// unreadable.
    pub tables: [Option<Table>; 5],
    pub dialects: Vec<(String, super::dialect::Detected)>,
    /// How the settings are named in messages: `study.toml` or `the study sheet`.
    pub settings: &'static str,
    /// Flows read and aggregated by the fast path (then the flows table is `None`).
    pub fast_flows: Option<super::fast::FastFlows>,
}

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
        return Err(Error::Other(format!(
            "{} is not a study folder; expected a folder with study.toml, participants.csv, products.csv and flows.csv (or flows.parquet), or a study workbook (.xlsx)",
            dir.display()
        )));
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
                "the file is missing; every study folder needs study.toml, participants.csv, products.csv and flows.csv (or flows.parquet)",
            ));
            None
        }
    };

    let config = read_required("study.toml", &mut problems).and_then(|p| match std::fs::read(&p) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => config::parse(&text, &shown("study.toml"), &mut problems),
            Err(_) => {
                problems.push(Problem::file(
                    &shown("study.toml"),
                    "the file is not UTF-8 text; expected UTF-8",
                ));
                None
            }
        },
        Err(e) => {
            problems.push(Problem::file(
                &shown("study.toml"),
                format!("cannot read the file: {e}"),
            ));
            None
        }
    });
    let mut dialects = Vec::new();
    let mut fast_flows = None;
    let mut read: Vec<Option<Table>> = Vec::with_capacity(TABLES.len());
    for def in &TABLES {
        let mut one = || {
            if def.name == "flows" && dir.join(FLOWS_PARQUET).is_file() {
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
                        if let Some(f) = super::fast::read_parquet(&path, &ids, c.year) {
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
            let name = format!("{}.csv", def.name);
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
                def.numeric,
                opts,
                &mut problems,
            )?;
            dialects.push((name, d));
            Some(t)
        };
        let table = one();
        read.push(table);
    }
    let mut it = read.into_iter();
    let mut next = || it.next().flatten();
    let tables = [next(), next(), next(), next(), next()];
    crate::Phases::new().done("  read");
    if let Some(u) = used_fast {
        *u = fast_flows.is_some();
    }
    assemble(
        Inputs {
            config,
            tables,
            dialects,
            settings: "study.toml",
            fast_flows,
        },
        problems,
    )
}

/// Validates every cell and cross-reference of the tables read, selects the year and
/// aggregates the flows. `problems` holds what reading found already.
pub(super) fn assemble(inputs: Inputs, mut problems: Vec<Problem>) -> Result<Study> {
    let Inputs {
        config,
        tables: [participants_t, products_t, flows_t, specs_t, plans_t],
        dialects,
        settings,
        fast_flows,
    } = inputs;
    let participants = participants_t
        .as_ref()
        .map(|t| participants(t, &mut problems))
        .unwrap_or_default();
    let products = products_t
        .as_ref()
        .map(|t| products(t, &mut problems))
        .unwrap_or_default();

    // Cross-references can only be checked against tables that were read.
    let refs = Refs {
        participants: participants_t.is_some().then(|| index(&participants)),
        products: products_t.is_some().then(|| index(&products)),
    };
    let rows = flows_t.as_ref().map(|t| flow_rows(t, &refs, &mut problems));
    let specs = specs_t
        .as_ref()
        .map(|t| specs(t, &refs, &mut problems))
        .unwrap_or_default();

    let mut selected_year = None;
    let mut flows = Vec::new();
    let mut history = super::History::default();
    // Whether the selected year is known (plans are checked against it only then).
    let mut year_known = false;
    let flows_fast = fast_flows.is_some();
    if let Some(f) = fast_flows {
        selected_year = f.selected_year;
        flows = f.flows;
        history = f.history;
        year_known = true;
    } else if let (Some(config), Some(rows), Some(t)) = (&config, rows, &flows_t) {
        match select_year(config.year, &rows.years, rows.has_year, settings) {
            Ok(y) => {
                selected_year = y;
                year_known = true;
                flows = aggregate(&rows.rows, rows.has_year.then_some(y).flatten());
                let earlier = rows
                    .rows
                    .iter()
                    .filter_map(|r| {
                        let year = r.year.filter(|ry| Some(*ry) != y)?;
                        Some(super::fast::HistRow {
                            product: r.product as u32,
                            year,
                            value: r.value_rub,
                            quantity: r.quantity,
                            import: matches!(r.supplier, Source::Import(_)),
                        })
                    })
                    .collect();
                history = super::fast::history(rows.has_year, &rows.years, y, earlier);
            }
            Err(msg) => problems.push(Problem::file(&t.file, msg).with_field("year")),
        }
    }
    let plans = plans_t
        .as_ref()
        .map(|t| plans(t, &refs, year_known.then_some(selected_year), &mut problems))
        .unwrap_or_default();

    match config {
        Some(config) if problems.is_empty() => Ok(Study {
            config,
            has_governance_column: participants_t.as_ref().is_some_and(|t| t.has(7)),
            participants: participants.into_values().collect(),
            products: products.into_values().collect(),
            flows,
            specs,
            selected_year,
            dialects,
            flows_fast,
            history,
            plans,
        }),
        _ => Err(Error::Data(problems)),
    }
}

/// Id -> index (in id order) of the tables that could be read; `None` for a table that could not.
struct Refs<'a> {
    participants: Option<HashMap<&'a str, usize>>,
    products: Option<HashMap<&'a str, usize>>,
}

fn index<T>(m: &BTreeMap<String, T>) -> HashMap<&str, usize> {
    m.keys().enumerate().map(|(i, k)| (k.as_str(), i)).collect()
}

impl Refs<'_> {
    fn participant(&self, id: &str) -> Option<usize> {
        self.participants.as_ref().and_then(|m| m.get(id).copied())
    }

    fn product(&self, id: &str) -> Option<usize> {
        self.products.as_ref().and_then(|m| m.get(id).copied())
    }
}

/// Remembers where each id was first defined, to report duplicates.
fn check_unique(
    seen: &mut HashMap<String, u64>,
    id: &str,
    line: u64,
    cell: &super::table::Cell<'_>,
    problems: &mut Vec<Problem>,
) -> bool {
    if let Some(first) = seen.get(id) {
        problems.push(cell.problem(format!(
            "duplicate id; it is already defined on line {first}"
        )));
        false
    } else {
        seen.insert(id.to_string(), line);
        true
    }
}

fn participants(t: &Table, problems: &mut Vec<Problem>) -> BTreeMap<String, Participant> {
    let mut out = BTreeMap::new();
    let mut seen = HashMap::new();
    for row in &t.rows {
        let mut c = Cells { problems };
        let id = c.identifier(t.cell(row, 0));
        if let (Some(id), Some(cell)) = (&id, t.cell(row, 0)) {
            if id == "domestic" {
                c.problems.push(cell.problem(
                    "the id \"domestic\" is reserved for suppliers outside the cluster; choose another id",
                ));
            } else if !check_unique(&mut seen, id, row.line, &cell, c.problems) {
                continue;
            }
        }
        let name = c.text(t.cell(row, 1));
        let region = c.text(t.cell(row, 2));
        let role = c.required(t.cell(row, 3)).and_then(|cell| {
            let r = Role::ALL.iter().find(|(n, _)| *n == cell.text).map(|(_, r)| *r);
            if r.is_none() {
                c.problems.push(cell.problem(
                    "unknown role; expected industrial, final_producer, education, infrastructure or specialized_org",
                ));
            }
            r
        });
        let stage_cell = t.cell(row, 4);
        let stage = match role {
            Some(Role::Industrial) => c.integer(
                stage_cell,
                "an integer 1..4 (required for an industrial participant)",
                |v| (1..=4).contains(&v),
            ),
            Some(Role::FinalProducer) => c
                .opt_integer(stage_cell, "4 or empty for a final producer", |v| v == 4)
                .or(Some(4)),
            Some(_) => {
                if let Some(cell) = stage_cell.filter(|c| !c.text.is_empty()) {
                    c.problems.push(cell.problem(
                        "a stage is only for industrial participants and final producers; expected an empty cell",
                    ));
                }
                None
            }
            None => None,
        };
        let employees = c.opt_integer(t.cell(row, 5), "an integer >= 0", |v| v >= 0);
        let hp_jobs = c.opt_integer(t.cell(row, 6), "an integer >= 0", |v| v >= 0);
        if let (Some(e), Some(h), Some(cell)) = (employees, hp_jobs, t.cell(row, 6)) {
            if h > e {
                c.problems.push(cell.problem(format!(
                    "more high-productivity jobs than employees; expected at most {e}"
                )));
            }
        }
        let in_governance = c.opt_bool(t.cell(row, 7));
        let output_rub = c.opt_number(t.cell(row, 8), "a number >= 0", |v| v >= 0.0);
        let inn = c.opt_text(t.cell(row, 9));
        if let (Some(id), Some(name), Some(region), Some(role)) = (id, name, region, role) {
            out.insert(
                id.clone(),
                Participant {
                    id,
                    name,
                    region,
                    role,
                    stage: stage.map(|s| s as u8),
                    employees: employees.map(|v| v as u64),
                    hp_jobs: hp_jobs.map(|v| v as u64),
                    in_governance,
                    output_rub,
                    inn,
                },
            );
        }
    }
    out
}

fn products(t: &Table, problems: &mut Vec<Problem>) -> BTreeMap<String, Product> {
    let mut out = BTreeMap::new();
    let mut seen = HashMap::new();
    for row in &t.rows {
        let mut c = Cells { problems };
        let id = c.identifier(t.cell(row, 0));
        if let (Some(id), Some(cell)) = (&id, t.cell(row, 0)) {
            if !check_unique(&mut seen, id, row.line, &cell, c.problems) {
                continue;
            }
        }
        let name = c.text(t.cell(row, 1));
        let stage = c.integer(t.cell(row, 2), "an integer 1..4", |v| (1..=4).contains(&v));
        let unit = c.text(t.cell(row, 3));
        let benchmark = c.opt_number(t.cell(row, 4), "a number > 0", |v| v > 0.0);
        let capex = c.opt_number(t.cell(row, 5), "a number > 0", |v| v > 0.0);
        let min_capacity = c.opt_number(t.cell(row, 6), "a number >= 0", |v| v >= 0.0);
        if let (Some(id), Some(name), Some(stage), Some(unit)) = (id, name, stage, unit) {
            out.insert(
                id.clone(),
                Product {
                    id,
                    name,
                    stage: stage as u8,
                    unit,
                    benchmark_price_rub: benchmark,
                    capex_rub_per_unit: capex,
                    min_capacity,
                },
            );
        }
    }
    out
}

/// A validated flow row before year selection and aggregation.
struct FlowRow {
    supplier: Source,
    supplier_name: Option<String>,
    consumer: usize,
    product: usize,
    quantity: f64,
    value_rub: f64,
    year: Option<i64>,
}

pub(super) fn is_origin(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Valid flow rows, whether the table has a year column, and every valid year seen (also on
/// rows with other problems, so that "years present" never hides a year that is there).
struct FlowRows {
    rows: Vec<FlowRow>,
    has_year: bool,
    years: BTreeSet<i64>,
}

fn flow_rows(t: &Table, refs: &Refs, problems: &mut Vec<Problem>) -> FlowRows {
    let has_year = t.has(6);
    let mut years = BTreeSet::new();
    let mut out = Vec::with_capacity(t.rows.len());
    for row in &t.rows {
        let mut c = Cells { problems };
        let supplier = c.required(t.cell(row, 0)).and_then(|cell| {
            let s = cell.text;
            if s == "domestic" {
                return Some(Source::Domestic);
            }
            if let Some(origin) = s.strip_prefix("import:") {
                if is_origin(origin) {
                    return Some(Source::Import(origin.to_string()));
                }
                c.problems.push(cell.problem(
                    "bad import origin; expected import:<ORIGIN> with letters, digits, '_' or '-', such as import:FR",
                ));
                return None;
            }
            let refs_known = refs.participants.is_some();
            match refs.participant(s) {
                Some(i) => Some(Source::Participant(i)),
                None if refs_known => {
                    c.problems.push(cell.problem(
                        "unknown supplier; expected a participant id from participants.csv, import:<ORIGIN> or domestic",
                    ));
                    None
                }
                None => None,
            }
        });
        let supplier_name = c.opt_text(t.cell(row, 1));
        let consumer =
            c.required(t.cell(row, 2)).and_then(|cell| {
                let i = refs.participant(cell.text);
                if i.is_none() && refs.participants.is_some() {
                    c.problems.push(cell.problem(
                        "unknown consumer; expected a participant id from participants.csv",
                    ));
                }
                i
            });
        let product = c.required(t.cell(row, 3)).and_then(|cell| {
            let i = refs.product(cell.text);
            if i.is_none() && refs.products.is_some() {
                c.problems
                    .push(cell.problem("unknown product; expected a product id from products.csv"));
            }
            i
        });
        let quantity = c.number(t.cell(row, 4), "a number >= 0", |v| v >= 0.0);
        let value_rub = c.number(t.cell(row, 5), "a number >= 0", |v| v >= 0.0);
        let year = if has_year {
            let y = c.integer(
                t.cell(row, 6),
                "an integer year (every row needs one when the column exists)",
                |_| true,
            );
            match y {
                Some(y) => years.insert(y),
                None => continue,
            };
            y
        } else {
            None
        };
        if let (Some(Source::Participant(s)), Some(cons), Some(cell)) =
            (&supplier, consumer, t.cell(row, 0))
        {
            if *s == cons {
                c.problems.push(cell.problem(
                    "the supplier is also the consumer; a flow must go between two parties",
                ));
                continue;
            }
        }
        if let (Some(supplier), Some(consumer), Some(product), Some(quantity), Some(value_rub)) =
            (supplier, consumer, product, quantity, value_rub)
        {
            out.push(FlowRow {
                supplier,
                supplier_name,
                consumer,
                product,
                quantity,
                value_rub,
                year,
            });
        }
    }
    FlowRows {
        rows: out,
        has_year,
        years,
    }
}

/// The year whose rows count: the study's, or else the latest present. `Ok(None)` means all rows.
fn select_year(
    study_year: Option<i64>,
    years: &BTreeSet<i64>,
    has_year: bool,
    settings: &str,
) -> Result<Option<i64>, String> {
    if !has_year {
        return Ok(study_year);
    }
    match study_year {
        Some(y) if years.contains(&y) => Ok(Some(y)),
        Some(y) => {
            let list: Vec<String> = years.iter().map(|y| y.to_string()).collect();
            Err(format!(
                "the study year {y} ({settings}) matches no flow row; years present: {}",
                if list.is_empty() {
                    "none".to_string()
                } else {
                    list.join(", ")
                }
            ))
        }
        None => Ok(years.last().copied()),
    }
}

fn aggregate(rows: &[FlowRow], year: Option<i64>) -> Vec<Flow> {
    type Key = (usize, usize, Source);
    /// Quantities, values and supplier names of one (product, consumer, supplier).
    type Group = (Vec<(f64, f64)>, BTreeSet<String>);
    let mut groups: BTreeMap<Key, Group> = BTreeMap::new();
    for r in rows.iter().filter(|r| year.is_none() || r.year == year) {
        let g = groups
            .entry((r.product, r.consumer, r.supplier.clone()))
            .or_default();
        g.0.push((r.value_rub, r.quantity));
        if let Some(n) = &r.supplier_name {
            g.1.insert(n.clone());
        }
    }
    groups
        .into_iter()
        .map(|((product, consumer, supplier), (mut pairs, names))| {
            // The same canonical order as the fast path, so the row order never changes a bit.
            let (quantity, value_rub) = super::fast::sum_group(&mut pairs);
            Flow {
                supplier,
                consumer,
                product,
                quantity,
                value_rub,
                supplier_names: names,
            }
        })
        .collect()
}

/// plans.csv (SPEC v2 "Demand outlook"). `selected` is the selected year when it is known
/// (`Some(None)`: the study has none); the year checks need it. Sorted by (year, participant).
fn plans(
    t: &Table,
    refs: &Refs,
    selected: Option<Option<i64>>,
    problems: &mut Vec<Problem>,
) -> Vec<Plan> {
    if selected == Some(None) && !t.rows.is_empty() {
        problems.push(Problem::file(
            &t.file,
            "plans need a selected year, and this study has none; expected a year column in flows.csv or a year in study.toml",
        ));
        return Vec::new();
    }
    let mut out = Vec::new();
    // (participant, year) -> the line that first planned it.
    let mut seen: HashMap<(usize, i64), u64> = HashMap::new();
    for row in &t.rows {
        let mut c = Cells { problems };
        let participant = c.required(t.cell(row, 0)).and_then(|cell| {
            let i = refs.participant(cell.text);
            if i.is_none() && refs.participants.is_some() {
                c.problems.push(cell.problem(
                    "unknown participant; expected a participant id from participants.csv",
                ));
            }
            i
        });
        let year = match selected.flatten() {
            Some(y) => c.integer(
                t.cell(row, 1),
                &format!("a year after the selected year {y}"),
                |v| v > y,
            ),
            None => c.integer(t.cell(row, 1), "an integer year", |_| true),
        };
        let output_rub = c.number(t.cell(row, 2), "a number >= 0", |v| v >= 0.0);
        let note = c.opt_text(t.cell(row, 3));
        let (Some(participant), Some(year), Some(output_rub)) = (participant, year, output_rub)
        else {
            continue;
        };
        if let Some(first) = seen.get(&(participant, year)) {
            if let Some(cell) = t.cell(row, 0) {
                c.problems.push(cell.problem(format!(
                    "a second plan for this participant in {year}; line {first} already plans it, line {} repeats it; expected one row per participant and year",
                    row.line
                )));
            }
            continue;
        }
        seen.insert((participant, year), row.line);
        out.push(Plan {
            participant,
            year,
            output_rub,
            note,
        });
    }
    out.sort_by_key(|p| (p.year, p.participant));
    out
}

fn specs(t: &Table, refs: &Refs, problems: &mut Vec<Problem>) -> Vec<Spec> {
    let mut out = Vec::new();
    for row in &t.rows {
        let mut c = Cells { problems };
        let consumer =
            c.required(t.cell(row, 0)).and_then(|cell| {
                let i = refs.participant(cell.text);
                if i.is_none() && refs.participants.is_some() {
                    c.problems.push(cell.problem(
                        "unknown consumer; expected a participant id from participants.csv",
                    ));
                }
                i
            });
        let product = c.required(t.cell(row, 1)).and_then(|cell| {
            let i = refs.product(cell.text);
            if i.is_none() && refs.products.is_some() {
                c.problems
                    .push(cell.problem("unknown product; expected a product id from products.csv"));
            }
            i
        });
        let parameter = c.text(t.cell(row, 2));
        let any = |_: f64| true;
        let required_min = c.opt_number(t.cell(row, 3), "a number", any);
        let required_max = c.opt_number(t.cell(row, 4), "a number", any);
        let available = c.opt_number(
            t.cell(row, 5),
            "a number, or empty when nothing is on offer",
            any,
        );
        let label = |i: usize| {
            t.cell(row, i)
                .map(|c| c.text.trim())
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let (parameter_name, unit) = (label(6), label(7));
        let min_empty = t.cell(row, 3).is_none_or(|c| c.text.is_empty());
        let max_empty = t.cell(row, 4).is_none_or(|c| c.text.is_empty());
        if min_empty && max_empty {
            c.problems.push(
                Problem::file(
                    &t.file,
                    "neither required_min nor required_max is given; expected at least one",
                )
                .at_line(row.line),
            );
            continue;
        }
        if let (Some(lo), Some(hi), Some(cell)) = (required_min, required_max, t.cell(row, 4)) {
            if lo > hi {
                c.problems.push(cell.problem(format!("required_max is below required_min ({lo}); expected required_min <= required_max")));
                continue;
            }
        }
        if let (Some(consumer), Some(product), Some(parameter)) = (consumer, product, parameter) {
            out.push(Spec {
                consumer,
                product,
                parameter,
                parameter_name,
                unit,
                required_min,
                required_max,
                available,
            });
        }
    }
    out
}
