//! Tests of the CSV table reader.

use super::*;
use crate::study::schema::{required, Kind};

fn read(csv: &str) -> (Option<f64>, Vec<Problem>) {
    let mut problems = Vec::new();
    let cols = [required("quantity", Kind::Qty, "")];
    let (t, _) = Table::parse(
        csv.as_bytes(),
        "f.csv",
        &cols,
        &["quantity"],
        DialectOptions {
            delimiter: Some(b','),
            ..DialectOptions::default()
        },
        &mut problems,
    )
    .unwrap();
    let v = Cells {
        problems: &mut problems,
    }
    .number(t.cell(&t.rows[1], 0), "a number", |_| true);
    (v, problems)
}

#[test]
fn comma_groups_only_where_the_file_proves_them() {
    // The first row proves a decimal point, so the second is 11000.
    assert_eq!(read("quantity\n\"1,234.5\"\n\"11,000\"\n").0, Some(11000.0));
    // A text cell of a workbook is never checked as a whole file: «11,000» is not a number.
    let mut problems = Vec::new();
    let t = Table::from_records(
        "book.xlsx[flows]",
        1,
        vec!["quantity".into()],
        vec![(2, vec!["11,000".into()])],
        &[required("quantity", Kind::Qty, "")],
        &mut problems,
        column_letter,
    )
    .unwrap();
    let v = Cells {
        problems: &mut problems,
    }
    .number(t.cell(&t.rows[0], 0), "a number", |_| true);
    assert_eq!(v, None);
    assert!(problems[0].message.contains("not a number"), "{problems:?}");
}
