//! Test helpers: write a study folder from literal rows and load it.

use super::Study;
use std::fmt::Write;

pub struct Files<'a> {
    pub toml: &'a str,
    pub participants: &'a str,
    pub products: &'a str,
    pub flows: &'a str,
    pub specs: Option<&'a str>,
}

pub const TOML: &str = "id = \"t\"\nname = \"Test\"\nregions = [\"R\"]\n";

pub fn write(dir: &std::path::Path, f: &Files<'_>) {
    std::fs::write(dir.join("study.toml"), f.toml).unwrap();
    std::fs::write(dir.join("participants.csv"), f.participants).unwrap();
    std::fs::write(dir.join("products.csv"), f.products).unwrap();
    std::fs::write(dir.join("flows.csv"), f.flows).unwrap();
    if let Some(s) = f.specs {
        std::fs::write(dir.join("specs.csv"), s).unwrap();
    }
}

pub fn load_files(f: &Files<'_>) -> crate::error::Result<Study> {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), f);
    super::load(dir.path())
}

/// A study from tuples: participants (id, role, stage), products (id, stage),
/// flows (supplier, consumer, product, quantity, value_rub).
pub fn study_from(
    participants: &[(&str, &str, &str)],
    products: &[(&str, &str)],
    flows: &[(&str, &str, &str, f64, f64)],
) -> Study {
    let mut p = String::from("id,name,region,role,stage\n");
    for (id, role, stage) in participants {
        writeln!(p, "{id},Name {id},Region {id},{role},{stage}").unwrap();
    }
    let mut pr = String::from("id,name,stage,unit\n");
    for (id, stage) in products {
        writeln!(pr, "{id},Product {id},{stage},t").unwrap();
    }
    let mut fl = String::from("supplier,consumer,product,quantity,value_rub\n");
    for (s, c, prod, q, v) in flows {
        writeln!(fl, "{s},{c},{prod},{q},{v}").unwrap();
    }
    load_files(&Files {
        toml: TOML,
        participants: &p,
        products: &pr,
        flows: &fl,
        specs: None,
    })
    .unwrap()
}
