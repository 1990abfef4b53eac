//! Tests of the template: it loads, its settings parse, its workbook is deterministic.

use super::tables::TABLES;
use super::text::{study_toml, wrap};
use super::xlsx::{validation, workbook_bytes};
use super::*;
use crate::study::schema::{self, Kind};
use crate::study::{ComplianceThresholds, Criteria, Outlook};

#[test]
fn untouched_csv_template_is_a_valid_study() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("s");
    init(&study, false).unwrap();
    let s = crate::study::load(&study).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(s.participants.len(), 2);
    assert_eq!(s.config.id, STUDY_ID);
    assert_eq!(s.plans.len(), 1);
    let p = untouched(&study).expect("markers");
    assert_eq!(p.len(), 6, "{p:?}");
}

#[test]
fn every_commented_setting_parses_to_its_default() {
    let text: String = study_toml()
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest)
                if (rest.contains(" = ") && !rest.starts_with("Например"))
                    || rest == "[[support]]" =>
            {
                rest.to_string()
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut problems = vec![];
    let c = crate::study::config::parse(&text, "study.toml", &mut problems)
        .unwrap_or_else(|| panic!("{problems:?}\n{text}"));
    assert_eq!(c.year, Some(2024));
    assert_eq!(
        serde_json::to_value(&c.criteria).unwrap(),
        serde_json::to_value(Criteria::default()).unwrap()
    );
    assert_eq!(
        serde_json::to_value(&c.compliance).unwrap(),
        serde_json::to_value(ComplianceThresholds::default()).unwrap()
    );
    assert!(text.contains("\nhorizon = 5"), "{text}");
    assert_eq!(c.outlook.horizon, Outlook::default().horizon);
    assert_eq!(c.investment.capital_intensity, 1.0);
    assert_eq!(c.finance, crate::study::config::Finance::default());
    assert_eq!(c.support, crate::study::config::default_programmes());
    assert!(text.contains("\n[[support]]\nid = \"pp41\""));
    // Every key of the three tables is in the template.
    for key in ["criteria", "compliance"] {
        let v = serde_json::to_value(match key {
            "criteria" => serde_json::to_value(&c.criteria).unwrap(),
            _ => serde_json::to_value(&c.compliance).unwrap(),
        })
        .unwrap();
        for k in v.as_object().unwrap().keys() {
            assert!(text.contains(&format!("\n{k} = ")), "{key}.{k} missing");
        }
    }
}

#[test]
fn untouched_workbook_template_is_a_valid_study() {
    let dir = tempfile::tempdir().unwrap();
    let created = init(dir.path(), true).unwrap();
    assert_eq!(created.study, dir.path().join("study.xlsx"));
    let s = crate::study::workbook::load(&created.study).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(s.participants.len(), 2);
    assert_eq!(s.flows.len(), 2);
    assert_eq!(s.specs.len(), 1);
    assert_eq!(s.plans.len(), 1);
    let p = untouched(&created.study).expect("markers");
    assert_eq!(p.len(), 6, "{p:?}");
    assert_eq!(untouched(dir.path()).map(|p| p.len()), Some(6));
}

#[test]
fn validation_texts_fit_excel_limits() {
    assert!(validation(Kind::Role).unwrap().is_some());
    assert!(validation(Kind::Stage).unwrap().is_some());
    workbook_bytes().unwrap();
}

#[test]
fn workbook_is_deterministic() {
    assert_eq!(workbook_bytes().unwrap(), workbook_bytes().unwrap());
}

#[test]
fn widths_and_example_rows_fit_the_columns() {
    for (t, def) in TABLES.iter().zip(&schema::TABLES) {
        assert!(std::ptr::eq(t.def, def), "{} is out of order", t.def.name);
        assert_eq!(t.widths.len(), def.columns.len(), "{}", def.name);
        for row in t.rows {
            assert_eq!(row.len(), def.columns.len(), "{}", def.name);
        }
    }
}

#[test]
fn wrap_keeps_words() {
    assert_eq!(wrap("a bb ccc", 4), vec!["a bb", "ccc"]);
}

#[test]
fn example_rows_are_named_by_their_exact_lines() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("s");
    init(&study, false).unwrap();
    // Blank lines count, in a CRLF file too: the line is the one an editor shows.
    std::fs::write(
        study.join("flows.csv"),
        "supplier,consumer,product,quantity,value_rub\r\n\r\ndomestic,example-final,p,1,2\r\n\r\n\r\nimport:JP,x,example-fiber,1,1\r\n",
    )
    .unwrap();
    // A setting the loader refuses does not hide the placeholders.
    let toml = std::fs::read_to_string(study.join("study.toml")).unwrap();
    std::fs::write(study.join("study.toml"), format!("{toml}\nunknown = 1\n")).unwrap();
    let p = untouched(&study).expect("markers");
    let of = |file: &str| {
        p.iter()
            .find(|p| p.file.ends_with(file))
            .map(|p| p.message.clone())
            .unwrap_or_default()
    };
    assert!(
        of("flows.csv").starts_with("2 example rows (lines 3, 6) are still there"),
        "{p:?}"
    );
    assert!(of("study.toml").starts_with("name and regions"), "{p:?}");
}
