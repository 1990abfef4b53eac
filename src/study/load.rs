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
const PRODUCTS: [Column; 8] = [
    req("id"),
    req("name"),
    req("stage"),
    req("unit"),
    opt("benchmark_price_rub"),
    opt("capex_rub_per_unit"),
    opt("min_capacity"),
    opt("code"),
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
    crate::progress::Phases::new().done("  read");
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
    let (participants, participant_ids) = participants_t
        .as_ref()
        .map(|t| participants(t, &mut problems))
        .unwrap_or_default();
    let (products, product_ids) = products_t
        .as_ref()
        .map(|t| products(t, &mut problems))
        .unwrap_or_default();

    // Cross-references can only be checked against tables that were read. A row with a bad
    // cell still defines its id, so that one mistake is not reported again on every reference.
    // (Without problems the ids are exactly the keys of the maps, so the indices agree.)
    let refs = Refs {
        participants: participants_t.is_some().then(|| index(&participant_ids)),
        products: products_t.is_some().then(|| index(&product_ids)),
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
    let mut years_present = Vec::new();
    let mut renamed_origins = Vec::new();
    let mut duplicate_flow_rows = Vec::new();
    let flows_fast = fast_flows.is_some();
    if let Some(f) = fast_flows {
        selected_year = f.selected_year;
        flows = f.flows;
        history = f.history;
        year_known = true;
        years_present = f.years.into_iter().collect();
    } else if let (Some(config), Some(rows), Some(t)) = (&config, rows, &flows_t) {
        years_present = rows.years.iter().copied().collect();
        renamed_origins = rows.renamed;
        match select_year(config.year, &rows.years, rows.has_year, settings) {
            Ok(y) => {
                selected_year = y;
                year_known = true;
                let year = rows.has_year.then_some(y).flatten();
                duplicate_flow_rows = duplicate_rows(&rows.rows, year);
                flows = aggregate(&rows.rows, year);
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
            // Rows that were refused (ragged) are already reported: the year follows from them.
            Err(_) if t.rows.is_empty() && problems.iter().any(|p| p.file == t.file) => {}
            // A file without rows is not a year without rows: say what is wrong.
            Err(_) if t.rows.is_empty() => problems.push(Problem::file(
                &t.file,
                format!(
                    "the file has no rows under its header, so no flow is of the study year {} ({settings}); \
                     expected at least one flow row",
                    config.year.unwrap_or_default()
                ),
            )),
            Err(msg) => problems.push(Problem::file(&t.file, msg).with_field("year")),
        }
    }
    let plans = plans_t
        .as_ref()
        .map(|t| plans(t, &refs, year_known.then_some(selected_year), &mut problems))
        .unwrap_or_default();

    let problems = merge_repeated_references(problems);
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
            years_present,
            renamed_origins,
            duplicate_flow_rows,
        }),
        _ => Err(Error::Data(problems)),
    }
}

/// One unknown id in many rows is one mistake (a typo where it is defined, or a participant left
/// out): its first row is reported with the lines of the others, instead of a problem per row.
fn merge_repeated_references(problems: Vec<Problem>) -> Vec<Problem> {
    const LINES_SHOWN: usize = 10;
    let is_reference = |p: &Problem| {
        p.value.is_some()
            && ["unknown supplier", "unknown consumer", "unknown product"]
                .iter()
                .any(|m| p.message.starts_with(m))
    };
    type Key = (String, Option<String>, Option<String>, String);
    let mut first: HashMap<Key, usize> = HashMap::new();
    let mut others: Vec<Vec<u64>> = Vec::new();
    let mut out: Vec<Problem> = Vec::with_capacity(problems.len());
    let mut slot: Vec<Option<usize>> = Vec::new();
    for p in problems {
        if is_reference(&p) {
            let key = (
                p.file.clone(),
                p.field.clone(),
                p.value.clone(),
                p.message.clone(),
            );
            if let Some(&k) = first.get(&key) {
                others[k].extend(p.line);
                continue;
            }
            first.insert(key, others.len());
            slot.push(Some(others.len()));
            others.push(Vec::new());
        } else {
            slot.push(None);
        }
        out.push(p);
    }
    for (p, k) in out.iter_mut().zip(slot) {
        let Some(lines) = k.map(|k| &others[k]).filter(|l| !l.is_empty()) else {
            continue;
        };
        let shown: Vec<String> = lines.iter().take(LINES_SHOWN).map(u64::to_string).collect();
        let more = match lines.len().saturating_sub(LINES_SHOWN) {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        let rows = match lines.len() {
            1 => "1 more row: line".to_string(),
            n => format!("{n} more rows: lines"),
        };
        p.message = format!(
            "{}; the same id is on {rows} {}{more}",
            p.message,
            shown.join(", ")
        );
    }
    out
}

/// Id -> index (in id order) of the tables that could be read; `None` for a table that could not.
struct Refs<'a> {
    participants: Option<HashMap<&'a str, usize>>,
    products: Option<HashMap<&'a str, usize>>,
}

fn index(ids: &BTreeSet<String>) -> HashMap<&str, usize> {
    ids.iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect()
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

/// The participants whose rows are valid, and the ids every row defines (valid or not).
type Defined<T> = (BTreeMap<String, T>, BTreeSet<String>);

fn participants(t: &Table, problems: &mut Vec<Problem>) -> Defined<Participant> {
    let mut out = BTreeMap::new();
    let mut ids = BTreeSet::new();
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
            } else {
                ids.insert(id.clone());
            }
        }
        let name = c.text(t.cell(row, 1));
        let region = c.text(t.cell(row, 2));
        let role = c.required(t.cell(row, 3)).and_then(|cell| {
            let r = Role::parse(cell.text);
            if r.is_none() {
                c.problems.push(cell.problem(
                    "unknown role; expected one of industrial (промышленное предприятие), \
                     final_producer (производитель конечной продукции), education (образовательное учреждение), \
                     infrastructure (объект инфраструктуры), specialized_org (специализированная организация)",
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
    (out, ids)
}

fn products(t: &Table, problems: &mut Vec<Problem>) -> Defined<Product> {
    let mut out = BTreeMap::new();
    let mut ids = BTreeSet::new();
    let mut seen = HashMap::new();
    for row in &t.rows {
        let mut c = Cells { problems };
        let id = c.identifier(t.cell(row, 0));
        if let (Some(id), Some(cell)) = (&id, t.cell(row, 0)) {
            if !check_unique(&mut seen, id, row.line, &cell, c.problems) {
                continue;
            }
            ids.insert(id.clone());
        }
        let name = c.text(t.cell(row, 1));
        let stage = c.integer(t.cell(row, 2), "an integer 1..4", |v| (1..=4).contains(&v));
        let unit = c.text(t.cell(row, 3));
        let benchmark = c.opt_number(t.cell(row, 4), "a number > 0", |v| v > 0.0);
        let capex = c.opt_number(t.cell(row, 5), "a number > 0", |v| v > 0.0);
        let min_capacity = c.opt_number(t.cell(row, 6), "a number >= 0", |v| v >= 0.0);
        let code = t.cell(row, 7).and_then(|cell| {
            let code = super::product_code(cell.text);
            if code.as_ref().is_some_and(|k| !super::is_product_code(k)) {
                c.problems.push(cell.problem(
                    "not a product code; expected an ОКПД2 or ТН ВЭД code of digits and dots, such as 20.60.13 or 2841 61 000 0 (spaces are ignored), or an empty cell",
                ));
                return None;
            }
            code
        });
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
                    code,
                },
            );
        }
    }
    (out, ids)
}

/// A validated flow row before year selection and aggregation.
struct FlowRow {
    line: u64,
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
    /// Import origins read as another spelling (`import:Norway` as `NO`).
    renamed: Vec<super::RenamedOrigin>,
}

/// An import origin as the loaders keep it: an ISO alpha-2 code in upper case, the code of a
/// country named in English or Russian, or else the origin as written (`EU`). `None` when it
/// is not a valid origin. The flag tells whether it was named otherwise than by its code, which
/// is worth a warning (a code in lower case is not).
pub(super) fn read_origin(origin: &str) -> Option<(String, bool)> {
    use super::countries::{self, Origin};
    match countries::origin(origin) {
        Origin::Code(code) => Some((code, false)),
        Origin::Named(c) => Some((c.alpha2.to_string(), true)),
        Origin::Other if is_origin(origin) => Some((origin.to_string(), false)),
        Origin::Other => None,
    }
}

fn flow_rows(t: &Table, refs: &Refs, problems: &mut Vec<Problem>) -> FlowRows {
    let has_year = t.has(6);
    let mut years = BTreeSet::new();
    let mut out = Vec::with_capacity(t.rows.len());
    let mut renamed: BTreeMap<String, super::RenamedOrigin> = BTreeMap::new();
    // Origins repeat on many rows: each spelling is looked up once.
    let mut origins: HashMap<&str, Option<(String, bool)>> = HashMap::new();
    for row in &t.rows {
        let mut c = Cells { problems };
        let supplier = c.required(t.cell(row, 0)).and_then(|cell| {
            let s = cell.text;
            if s == "domestic" {
                return Some(Source::Domestic);
            }
            if let Some(origin) = s.strip_prefix("import:") {
                let read = origins.entry(origin).or_insert_with(|| read_origin(origin));
                if let Some((code, named)) = read.clone() {
                    if named {
                        renamed
                            .entry(origin.to_string())
                            .or_insert_with(|| super::RenamedOrigin {
                                written: origin.to_string(),
                                code: code.clone(),
                                line: row.line,
                                rows: 0,
                            })
                            .rows += 1;
                    }
                    return Some(Source::Import(code));
                }
                c.problems.push(cell.problem(
                    "bad import origin; expected import:<ORIGIN> with letters, digits, '_' or '-', \
                     such as import:FR (an ISO 3166 country code), or a country's name in English or Russian",
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
                line: row.line,
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
    let mut renamed: Vec<super::RenamedOrigin> = renamed.into_values().collect();
    renamed.sort_by_key(|r| r.line);
    FlowRows {
        rows: out,
        has_year,
        years,
        renamed,
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

/// Rows of the selected year that repeat an earlier row exactly (same supplier, supplier name,
/// consumer, product, quantity and value): (line, line of the first such row), by line.
fn duplicate_rows(rows: &[FlowRow], year: Option<i64>) -> Vec<(u64, u64)> {
    type Key<'a> = (&'a Source, Option<&'a str>, usize, usize, u64, u64);
    let mut first: HashMap<Key, u64> = HashMap::new();
    let mut out = Vec::new();
    for r in rows.iter().filter(|r| year.is_none() || r.year == year) {
        let key = (
            &r.supplier,
            r.supplier_name.as_deref(),
            r.consumer,
            r.product,
            r.quantity.to_bits(),
            r.value_rub.to_bits(),
        );
        match first.get(&key) {
            Some(&l) => out.push((r.line, l)),
            None => {
                first.insert(key, r.line);
            }
        }
    }
    out
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

/// How far past the selected year a plan may go.
const PLAN_YEARS_AHEAD: i64 = 100;

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
            // At most a century ahead: each distinct plan year is one pass over the flows and
            // one solve, so an unbounded number of years would make the run quadratic.
            Some(y) => c.integer(
                t.cell(row, 1),
                &format!(
                    "a year after the selected year {y}, at most {}",
                    y.saturating_add(PLAN_YEARS_AHEAD)
                ),
                |v| v > y && v <= y.saturating_add(PLAN_YEARS_AHEAD),
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

/// A study's participants and products alone, with the line each is defined on, for commands
/// that map other data onto them (`ingest`). Sorted by id, as in `Study`.
#[derive(Debug, Clone)]
pub struct Members {
    pub participants: Vec<(u64, Participant)>,
    pub products: Vec<(u64, Product)>,
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
    if !dir.is_dir() {
        return Err(Error::Other(format!(
            "{} is not a study folder; expected a folder with participants.csv and products.csv",
            dir.display()
        )));
    }
    let mut problems = Vec::new();
    let mut read = |def: &TableDef| -> Option<Table> {
        let name = format!("{}.csv", def.name);
        let path = dir.join(&name);
        let shown = path.display().to_string();
        if !path.is_file() {
            problems.push(Problem::file(
                &shown,
                format!("the file is missing; expected the study's {name}"),
            ));
            return None;
        }
        Table::read(&path, &shown, def.columns, def.numeric, opts, &mut problems).map(|t| t.0)
    };
    let (pt, prt) = (read(&TABLES[0]), read(&TABLES[1]));
    let (participants, _) = pt
        .as_ref()
        .map(|t| participants(t, &mut problems))
        .unwrap_or_default();
    let (products, _) = prt
        .as_ref()
        .map(|t| products(t, &mut problems))
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
    let label = |t: &Table, col: usize| -> Option<String> {
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
        inn_column: label(&pt, 9),
        code_column: label(&prt, 7),
        participants_file: pt.file,
        products_file: prt.file,
    })
}
