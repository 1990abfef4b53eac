//! Tests of `xlsx.rs`.

use super::*;
use crate::analysis::Need;
use crate::report::columns::{NEEDS as NEEDS_COLUMNS, NICHES as NICHES_COLUMNS};
use calamine::{open_workbook_from_rs, Data, Range, Reader, Xlsx};
use std::io::Cursor;

fn sample() -> Analysis {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/composites-without-borders");
    let study = crate::study::load(&dir).expect("sample study loads");
    let a = crate::analysis::analyze(&study, &crate::graph::SupplyGraph::build(&study))
        .expect("sample study analyses");
    assert!(!a.needs.is_empty() && !a.niches.is_empty());
    a
}

fn open(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("valid xlsx")
}

fn sheet(bytes: &[u8], name: &str) -> Range<Data> {
    let mut wb = open(bytes);
    let range = wb.worksheet_range(name).expect("sheet exists");
    assert_eq!(range.start(), Some((0, 0)), "{name} starts at A1");
    range
}

fn header(range: &Range<Data>) -> Vec<String> {
    range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect()
}

fn num(x: f64) -> Data {
    Data::Float(x)
}

fn opt(x: Option<f64>) -> Data {
    x.map(Data::Float).unwrap_or(Data::Empty)
}

fn s(x: &str) -> Data {
    if x.is_empty() {
        Data::Empty
    } else {
        Data::String(x.to_string())
    }
}

fn flags(n: &Need) -> Data {
    s(&n.flags
        .iter()
        .map(|f| f.as_str())
        .collect::<Vec<_>>()
        .join("|"))
}

/// Data equality with f64 compared bit for bit (so 0.1 + 0.2 must come back as itself).
fn same(got: &Data, want: &Data) -> bool {
    match (got, want) {
        (Data::Float(g), Data::Float(w)) => g.to_bits() == (w + 0.0).to_bits(),
        _ => got == want,
    }
}

fn check_row(got: &[Data], want: &[Data], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: cell count");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(same(g, w), "{what}, column {i}: got {g:?}, want {w:?}");
    }
}

#[test]
fn headers_are_the_csv_columns_in_both_languages() {
    let a = sample();
    for (lang, needs_name, niches_name, about) in [
        (Lang::Ru, "Потребности", "Ниши", "Описание"),
        (Lang::En, "Needs", "Niches", "About"),
    ] {
        let bytes = needs(&a, lang).unwrap();
        assert_eq!(open(&bytes).sheet_names(), vec![needs_name, about]);
        assert_eq!(header(&sheet(&bytes, needs_name)), NEEDS_COLUMNS);
        let bytes = niches(&a, lang).unwrap();
        assert_eq!(open(&bytes).sheet_names(), vec![niches_name, about]);
        assert_eq!(header(&sheet(&bytes, niches_name)), NICHES_COLUMNS);
    }
}

#[test]
fn every_column_has_a_description() {
    for name in NEEDS_COLUMNS.iter().chain(NICHES_COLUMNS.iter()) {
        let m = columns::NEED_COLUMNS
            .iter()
            .find(|c| c.meta.name == *name)
            .unwrap();
        assert!(!m.meta.ru.is_empty() && !m.meta.en.is_empty());
    }
    let a = sample();
    let bytes = niches(&a, Lang::Ru).unwrap();
    let about = sheet(&bytes, "Описание");
    assert_eq!(about.get((0, 0)), Some(&s(&a.study.name)));
    let names: Vec<String> = about.rows().map(|r| r[0].to_string()).collect();
    let first = names
        .iter()
        .position(|n| n == "rank")
        .expect("rank described");
    assert_eq!(&names[first..first + NICHES_COLUMNS.len()], NICHES_COLUMNS);
    let thresholds: Vec<&Data> = about
        .rows()
        .filter(|r| r[2].to_string().starts_with("criteria.import_share_min"))
        .map(|r| &r[1])
        .collect();
    assert_eq!(thresholds, vec![&num(a.study.criteria.import_share_min)]);
}

#[test]
fn needs_cells_equal_the_model() {
    let a = sample();
    let range = sheet(&needs(&a, Lang::En).unwrap(), "Needs");
    assert_eq!(range.height(), a.needs.len() + 1);
    for (row, n) in range.rows().skip(1).zip(&a.needs) {
        let want = vec![
            s(&n.product),
            s(&n.product_name),
            num(f64::from(n.stage)),
            s(&n.unit),
            num(n.demand_qty),
            num(n.demand_rub),
            num(n.import_rub),
            num(n.cluster_rub),
            num(n.domestic_rub),
            num(n.import_share),
            num(n.cluster_share),
            num(n.domestic_share),
            opt(n.avg_price_rub),
            opt(n.benchmark_price_rub),
            opt(n.cost_premium),
            Data::Bool(n.spec_gap),
            flags(n),
            Data::Bool(n.is_niche),
            opt(n.outlook.demand_growth()),
        ];
        check_row(row, &want, &n.product);
    }
}

#[test]
fn niches_cells_equal_the_model() {
    let a = sample();
    let range = sheet(&niches(&a, Lang::Ru).unwrap(), "Ниши");
    assert_eq!(range.height(), a.niches.len() + 1);
    for (row, niche) in range.rows().skip(1).zip(&a.niches) {
        let n = &niche.need;
        let keys: Vec<&str> = n.key_consumers.iter().map(|k| k.id.as_str()).collect();
        let want = vec![
            num(niche.rank as f64),
            s(&n.product),
            s(&n.product_name),
            num(f64::from(n.stage)),
            s(&n.unit),
            flags(n),
            num(n.demand_qty),
            num(n.demand_rub),
            num(n.import_share),
            opt(n.cost_premium),
            Data::Bool(n.spec_gap),
            num(n.addressable_qty),
            num(n.addressable_rub),
            num(n.investment_rub),
            s(n.investment_basis.as_str()),
            s(&keys.join("|")),
            s(&n.regions.join("|")),
            num(n.downstream_final_rub),
            opt(n.outlook.demand_growth()),
            opt(n.outlook.trend_rub()),
            opt(n.outlook.last_plan().and_then(|r| r.year).map(|y| y as f64)),
            opt(n.outlook.last_plan().map(|r| r.demand_rub)),
            niche
                .support
                .support_programme
                .as_deref()
                .map_or(Data::Empty, s),
            num(niche.support.support_rub),
            opt(niche.support.payback_years),
            opt(niche.support.payback_with_support_years),
        ];
        check_row(row, &want, &n.product);
        assert!(matches!(&row[1], Data::String(id) if *id == n.product));
        assert!(matches!(&row[2], Data::String(name) if *name == n.product_name));
    }
}

#[test]
fn same_input_gives_identical_bytes() {
    let a = sample();
    for lang in [Lang::Ru, Lang::En] {
        assert_eq!(needs(&a, lang).unwrap(), needs(&a, lang).unwrap());
        assert_eq!(niches(&a, lang).unwrap(), niches(&a, lang).unwrap());
    }
    // A second load and analysis, a second later (a clock-based creation time, which has
    // one-second resolution, would differ), renders the same bytes too.
    let first = niches(&a, Lang::Ru).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let b = sample();
    assert_eq!(first, niches(&b, Lang::Ru).unwrap());
}

#[test]
fn missing_values_are_empty_and_fractions_exact() {
    let mut a = sample();
    let n = &mut a.needs[0];
    n.avg_price_rub = None;
    n.benchmark_price_rub = None;
    n.cost_premium = None;
    n.flags.clear();
    n.demand_qty = 0.1 + 0.2;
    n.import_share = -0.0;
    let niche = &mut a.niches[0].need;
    niche.cost_premium = None;
    niche.addressable_qty = 1.0 / 3.0;
    niche.key_consumers.clear();
    niche.regions.clear();

    let range = sheet(&needs(&a, Lang::En).unwrap(), "Needs");
    let row = range.rows().nth(1).unwrap();
    let col = |c: &str| NEEDS_COLUMNS.iter().position(|h| *h == c).unwrap();
    for c in [
        "avg_price_rub",
        "benchmark_price_rub",
        "cost_premium",
        "flags",
    ] {
        assert_eq!(row[col(c)], Data::Empty, "{c}");
    }
    assert_eq!(row[col("demand_qty")], Data::Float(0.30000000000000004));
    assert!(matches!(row[col("import_share")], Data::Float(x) if x.to_bits() == 0));

    let range = sheet(&niches(&a, Lang::En).unwrap(), "Niches");
    let row = range.rows().nth(1).unwrap();
    let col = |c: &str| NICHES_COLUMNS.iter().position(|h| *h == c).unwrap();
    for c in ["cost_premium", "key_consumers", "regions"] {
        assert_eq!(row[col(c)], Data::Empty, "{c}");
    }
    assert_eq!(row[col("addressable_qty")], Data::Float(1.0 / 3.0));
}

#[test]
fn hostile_text_is_never_a_formula() {
    const LINK: &str = r#"=HYPERLINK("http://x","y")"#;
    let mut a = sample();
    a.study.name = "=1+1".to_string();
    a.study.regions = vec!["@SUM(A1)".to_string()];
    for n in a
        .needs
        .iter_mut()
        .chain(a.niches.iter_mut().map(|niche| &mut niche.need))
    {
        n.product_name = LINK.to_string();
        n.product = "-x".to_string();
        n.unit = "+7 999".to_string();
        n.regions = vec!["=A1".to_string(), "@x".to_string()];
        if let Some(k) = n.key_consumers.first_mut() {
            k.id = "=2*3".to_string();
        }
    }
    for (bytes, name) in [
        (needs(&a, Lang::En).unwrap(), "Needs"),
        (niches(&a, Lang::En).unwrap(), "Niches"),
    ] {
        let mut wb = open(&bytes);
        for sheet_name in [name, "About"] {
            let formulas = wb.worksheet_formula(sheet_name).unwrap();
            assert!(
                formulas.used_cells().all(|(_, _, f)| f.is_empty()),
                "{sheet_name} has a formula"
            );
        }
        let range = wb.worksheet_range(name).unwrap();
        let head = header(&range);
        let col = |c: &str| head.iter().position(|h| h == c).unwrap();
        for row in range.rows().skip(1) {
            assert_eq!(row[col("product_name")], Data::String(LINK.to_string()));
            assert_eq!(row[col("product")], Data::String("-x".to_string()));
            assert_eq!(row[col("unit")], Data::String("+7 999".to_string()));
            if name == "Niches" {
                assert_eq!(row[col("regions")], Data::String("=A1|@x".to_string()));
                assert!(
                    matches!(&row[col("key_consumers")], Data::String(k) if k.starts_with("=2*3"))
                );
            }
        }
        let about = wb.worksheet_range("About").unwrap();
        assert_eq!(about.get((0, 0)), Some(&Data::String("=1+1".to_string())));
    }
}
