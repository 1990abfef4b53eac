//! flows.csv (or flows.parquet) read by the exact loader: every row's supplier, consumer and product, amounts and year.

use super::Refs;
use crate::error::Problem;
use crate::study::table::{Cells, Table};
use crate::study::Source;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A validated flow row before year selection and aggregation.
pub(in crate::study) struct FlowRow {
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
pub(in crate::study) struct FlowRows {
    pub rows: Vec<FlowRow>,
    pub has_year: bool,
    pub years: BTreeSet<i64>,
    /// Import origins read as another spelling (`import:Norway` as `NO`).
    pub renamed: Vec<crate::study::RenamedOrigin>,
}

pub(in crate::study) fn flow_rows(t: &Table, refs: &Refs, problems: &mut Vec<Problem>) -> FlowRows {
    let has_year = t.has(6);
    let mut years = BTreeSet::new();
    let mut out = Vec::with_capacity(t.rows.len());
    let mut renamed: BTreeMap<String, crate::study::RenamedOrigin> = BTreeMap::new();
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
                let read = origins.entry(origin).or_insert_with(|| crate::study::countries::read_origin(origin));
                if let Some((code, named)) = read.clone() {
                    if named {
                        renamed
                            .entry(origin.to_string())
                            .or_insert_with(|| crate::study::RenamedOrigin {
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
    let mut renamed: Vec<crate::study::RenamedOrigin> = renamed.into_values().collect();
    renamed.sort_by_key(|r| r.line);
    FlowRows {
        rows: out,
        has_year,
        years,
        renamed,
    }
}
