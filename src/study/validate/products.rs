//! products.csv: the products, each id once, with their codes.

use super::{check_unique, Defined};
use crate::error::Problem;
use crate::study::table::{Cells, Table};
use crate::study::Product;
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub(in crate::study) fn products(t: &Table, problems: &mut Vec<Problem>) -> Defined<Product> {
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
            let code = crate::study::product_code(cell.text);
            if code.as_ref().is_some_and(|k| !crate::study::is_product_code(k)) {
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
