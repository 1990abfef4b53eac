//! specs.csv: required characteristics and what is on offer.

use super::Refs;
use crate::error::Problem;
use crate::study::table::{Cells, Table};
use crate::study::Spec;

pub(in crate::study) fn specs(t: &Table, refs: &Refs, problems: &mut Vec<Problem>) -> Vec<Spec> {
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
