//! The study's participants by `inn` and products by `code`, the keys transaction lines are
//! matched on. Two participants with one INN, or two products with one code, are an error
//! (SPEC "From transaction lines to flows").

use crate::error::Problem;
use crate::study::Members;
use rustc_hash::FxHashMap as HashMap;

#[derive(Debug, Default)]
pub struct Lookup {
    by_inn: HashMap<String, u32>,
    by_code: HashMap<String, u32>,
    /// Ids by index, sorted (byte order).
    pub participant_ids: Vec<String>,
    pub product_ids: Vec<String>,
}

impl Lookup {
    /// The lookup, or a problem at the second participant (product) of each repeated INN (code).
    pub fn new(m: &Members) -> Result<Lookup, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut by_inn: HashMap<String, (u32, u64)> = HashMap::default();
        let mut by_line: Vec<_> = m.participants.iter().enumerate().collect();
        by_line.sort_by_key(|(_, (line, _))| *line);
        for (i, (line, p)) in by_line {
            let Some(inn) = p.inn.as_deref() else {
                continue;
            };
            if let Some((first, first_line)) = by_inn.get(inn) {
                problems.push(repeated(
                    &m.participants_file,
                    *line,
                    m.inn_column.as_deref(),
                    "inn",
                    inn,
                    format!(
                        "the INN is repeated; participant {} on line {first_line} has it already (each INN names one participant)",
                        m.participants[*first as usize].1.id
                    ),
                ));
            } else {
                by_inn.insert(inn.to_string(), (i as u32, *line));
            }
        }
        let mut by_code: HashMap<String, (u32, u64)> = HashMap::default();
        let mut by_line: Vec<_> = m.products.iter().enumerate().collect();
        by_line.sort_by_key(|(_, (line, _))| *line);
        for (i, (line, p)) in by_line {
            let Some(code) = p.code.as_deref() else {
                continue;
            };
            if let Some((first, first_line)) = by_code.get(code) {
                problems.push(repeated(
                    &m.products_file,
                    *line,
                    m.code_column.as_deref(),
                    "code",
                    code,
                    format!(
                        "the code is repeated; product {} on line {first_line} has it already (transaction lines are matched by code, so each code names one product)",
                        m.products[*first as usize].1.id
                    ),
                ));
            } else {
                by_code.insert(code.to_string(), (i as u32, *line));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Lookup {
            by_inn: by_inn.into_iter().map(|(k, v)| (k, v.0)).collect(),
            by_code: by_code.into_iter().map(|(k, v)| (k, v.0)).collect(),
            participant_ids: m.participants.iter().map(|p| p.1.id.clone()).collect(),
            product_ids: m.products.iter().map(|p| p.1.id.clone()).collect(),
        })
    }

    /// The participant whose `inn` this is.
    pub fn participant(&self, inn: &str) -> Option<u32> {
        if inn.is_empty() {
            return None;
        }
        self.by_inn.get(inn).copied()
    }

    /// The product whose `code` (spaces removed) this is.
    pub fn product(&self, code: &str) -> Option<u32> {
        self.by_code.get(code).copied()
    }

    /// How many participants have an INN and products a code.
    pub fn sizes(&self) -> (usize, usize) {
        (self.by_inn.len(), self.by_code.len())
    }
}

fn repeated(
    file: &str,
    line: u64,
    column: Option<&str>,
    field: &str,
    value: &str,
    message: String,
) -> Problem {
    let p = Problem::file(file, message).at_line(line);
    let p = match column {
        Some(c) => p.at_column(c, field),
        None => p.with_field(field),
    };
    p.with_value(value)
}
