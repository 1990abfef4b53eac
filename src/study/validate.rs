//! Validating the tables read: every cell, every id and every cross-reference, with a problem
//! for each mistake (the loader reports them all at once).

use super::table::{Cell, Cells, Table};
use super::{Participant, Plan, Product, Role, Source, Spec};
use crate::error::Problem;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One unknown id in many rows is one mistake (a typo where it is defined, or a participant left
/// out): its first row is reported with the lines of the others, instead of a problem per row.
pub(super) fn merge_repeated_references(problems: Vec<Problem>) -> Vec<Problem> {
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
pub(super) struct Refs<'a> {
    pub participants: Option<HashMap<&'a str, usize>>,
    pub products: Option<HashMap<&'a str, usize>>,
}

pub(super) fn index(ids: &BTreeSet<String>) -> HashMap<&str, usize> {
    ids.iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect()
}

impl Refs<'_> {
    pub(super) fn participant(&self, id: &str) -> Option<usize> {
        self.participants.as_ref().and_then(|m| m.get(id).copied())
    }

    pub(super) fn product(&self, id: &str) -> Option<usize> {
        self.products.as_ref().and_then(|m| m.get(id).copied())
    }
}

/// Remembers where each id was first defined, to report duplicates.
fn check_unique(
    seen: &mut HashMap<String, u64>,
    id: &str,
    line: u64,
    cell: &Cell<'_>,
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
pub(super) type Defined<T> = (BTreeMap<String, T>, BTreeSet<String>);

pub(super) fn participants(t: &Table, problems: &mut Vec<Problem>) -> Defined<Participant> {
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

pub(super) fn products(t: &Table, problems: &mut Vec<Problem>) -> Defined<Product> {
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
pub(super) struct FlowRow {
    pub line: u64,
    pub supplier: Source,
    pub supplier_name: Option<String>,
    pub consumer: usize,
    pub product: usize,
    pub quantity: f64,
    pub value_rub: f64,
    pub year: Option<i64>,
}

/// Valid flow rows, whether the table has a year column, and every valid year seen (also on
/// rows with other problems, so that "years present" never hides a year that is there).
pub(super) struct FlowRows {
    pub rows: Vec<FlowRow>,
    pub has_year: bool,
    pub years: BTreeSet<i64>,
    /// Import origins read as another spelling (`import:Norway` as `NO`).
    pub renamed: Vec<super::RenamedOrigin>,
}

pub(super) fn flow_rows(t: &Table, refs: &Refs, problems: &mut Vec<Problem>) -> FlowRows {
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
                let read = origins.entry(origin).or_insert_with(|| super::countries::read_origin(origin));
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

/// How far past the selected year a plan may go.
const PLAN_YEARS_AHEAD: i64 = 100;

/// plans.csv (SPEC v2 "Demand outlook"). `selected` is the selected year when it is known
/// (`Some(None)`: the study has none); the year checks need it. Sorted by (year, participant).
pub(super) fn plans(
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

pub(super) fn specs(t: &Table, refs: &Refs, problems: &mut Vec<Problem>) -> Vec<Spec> {
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
