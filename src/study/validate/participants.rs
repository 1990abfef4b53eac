//! participants.csv: the cluster's participants, each id once.

use super::{check_unique, Defined};
use crate::error::Problem;
use crate::study::table::{Cells, Table};
use crate::study::{Participant, Role};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub(in crate::study) fn participants(
    t: &Table,
    problems: &mut Vec<Problem>,
) -> Defined<Participant> {
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
