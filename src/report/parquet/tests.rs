use super::*;
use crate::analysis::Analysis;
use polars::prelude::{AnyValue, DataType, ParquetReader, SerReader};

/// The polars type a column of this kind reads back as.
fn dtype(kind: Kind) -> DataType {
    match kind {
        Kind::Text | Kind::Code => DataType::String,
        Kind::Int => DataType::Int64,
        Kind::Bool => DataType::Boolean,
        Kind::Rub | Kind::Price | Kind::Share | Kind::Premium | Kind::Qty | Kind::Years => {
            DataType::Float64
        }
    }
}

fn sample() -> Analysis {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/composites-without-borders");
    let study = crate::study::load(&dir).expect("sample study loads");
    crate::analysis::analyze(&study, &crate::graph::SupplyGraph::build(&study))
        .expect("sample study analyses")
}

fn read(bytes: &[u8]) -> DataFrame {
    ParquetReader::new(std::io::Cursor::new(bytes.to_vec()))
        .finish()
        .expect("the written file reads back as Parquet")
}

/// What the file should hold for a cell of a column of this kind.
fn expected(kind: Kind, c: &Cell) -> AnyValue<'static> {
    match (kind, c) {
        (_, Cell::Empty) => AnyValue::Null,
        (Kind::Text | Kind::Code, Cell::Text(s)) if s.is_empty() => AnyValue::Null,
        (Kind::Text | Kind::Code, Cell::Text(s)) => AnyValue::StringOwned(s.as_str().into()),
        (Kind::Int, Cell::Num(x)) => AnyValue::Int64(*x as i64),
        (Kind::Bool, Cell::Bool(b)) => AnyValue::Boolean(*b),
        // The CSV prints -0 as 0; so does the file hold it.
        (_, Cell::Num(x)) => AnyValue::Float64(*x + 0.0),
        (k, c) => panic!("{c:?} in a {k:?} column"),
    }
}

/// Reads `bytes` back and compares the schema and every value with the frame; returns how
/// many nulls it saw, per kind of column.
fn check(f: &Frame, bytes: &[u8]) -> Vec<(Kind, usize)> {
    let df = read(bytes);
    assert_eq!(df.height(), f.rows.len(), "row count");
    assert_eq!(df.width(), f.columns.len());
    let mut nulls = Vec::new();
    for (i, m) in f.columns.iter().enumerate() {
        let c = &df.columns()[i];
        assert_eq!(c.name().as_str(), m.name);
        assert_eq!(c.dtype(), &dtype(m.kind), "{}", m.name);
        for (r, want) in f.rows.iter().enumerate() {
            let got = c.get(r).unwrap().into_static();
            let e = expected(m.kind, &want[i]);
            match (&got, &e) {
                // Bit-equal: the file holds the very f64 the CSV prints.
                (AnyValue::Float64(a), AnyValue::Float64(b)) => {
                    assert_eq!(a.to_bits(), b.to_bits(), "{}: {a} vs {b}", m.name)
                }
                (AnyValue::String(a), AnyValue::StringOwned(b)) => {
                    assert_eq!(*a, b.as_str(), "{}", m.name)
                }
                _ => assert_eq!(got, e, "{}", m.name),
            }
            if e == AnyValue::Null {
                nulls.push((m.kind, 1));
            }
        }
    }
    nulls
}

#[test]
fn each_table_reads_back_as_its_csv_frame() {
    let a = sample();
    let mut null_kinds = Vec::new();
    let stems: Vec<&str> = crate::report::TABLES.iter().map(|t| t.0).collect();
    assert_eq!(
        stems,
        [
            "needs",
            "niches",
            "support",
            "demand_outlook",
            "import_content"
        ]
    );
    for (stem, build) in crate::report::TABLES {
        let f = build(&a);
        assert!(!f.rows.is_empty(), "{stem}");
        let bytes = frame(&f).unwrap();
        null_kinds.extend(check(&f, &bytes).into_iter().map(|(k, _)| k));
        // Deterministic: a second render is the same bytes.
        assert_eq!(frame(&build(&a)).unwrap(), bytes, "{stem}");
    }
    // The sample leaves some texts empty (flags of an unflagged need): nulls are exercised
    // here; the frame below has them in every kind.
    assert!(null_kinds
        .iter()
        .any(|k| matches!(k, Kind::Text | Kind::Code)));
}

static METAS: [Meta; 4] = [
    Meta {
        name: "t",
        kind: Kind::Text,
        ru: "т",
        en: "t",
    },
    Meta {
        name: "i",
        kind: Kind::Int,
        ru: "ц",
        en: "i",
    },
    Meta {
        name: "x",
        kind: Kind::Premium,
        ru: "ч",
        en: "x",
    },
    Meta {
        name: "b",
        kind: Kind::Bool,
        ru: "л",
        en: "b",
    },
];

#[test]
fn empty_cells_and_empty_text_are_null_and_minus_zero_is_zero() {
    let f = Frame {
        columns: METAS.iter().collect(),
        rows: vec![
            vec![
                Cell::text("Узел"),
                Cell::Num(3.0),
                Cell::Num(-0.0),
                Cell::Bool(true),
            ],
            vec![Cell::text(""), Cell::Empty, Cell::Empty, Cell::Empty],
            vec![
                Cell::Empty,
                Cell::Num(-7.0),
                Cell::Num(0.1 + 0.2),
                Cell::Bool(false),
            ],
        ],
    };
    let bytes = frame(&f).unwrap();
    let nulls = check(&f, &bytes);
    assert_eq!(nulls.len(), 5);
    let df = read(&bytes);
    match df.columns()[2].get(0).unwrap() {
        AnyValue::Float64(x) => assert_eq!(x.to_bits(), 0.0f64.to_bits()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_empty_table_has_its_columns_and_no_rows() {
    let f = Frame {
        columns: METAS.iter().collect(),
        rows: Vec::new(),
    };
    let bytes = frame(&f).unwrap();
    check(&f, &bytes);
    assert_eq!(read(&bytes).height(), 0);
}

#[test]
fn a_cell_of_the_wrong_kind_is_an_error_not_a_null() {
    let f = Frame {
        columns: vec![&METAS[1]],
        rows: vec![vec![Cell::Num(1.5)]],
    };
    let e = frame(&f).unwrap_err().to_string();
    assert!(e.contains("column i"), "{e}");
}
