//! Tests of `needs.rs`.

use super::*;
use crate::study::testing::{load_files, study_from, Files, TOML};

fn run(s: &Study) -> Analysis {
    analyze(s, &SupplyGraph::build(s)).unwrap()
}

fn need<'a>(a: &'a Analysis, p: &str) -> &'a Need {
    a.needs.iter().find(|n| n.product == p).unwrap()
}

const PARTS: &[(&str, &str, &str)] = &[
    ("a", "industrial", "2"),
    ("b", "industrial", "2"),
    ("c", "industrial", "2"),
    ("d", "industrial", "2"),
    ("e", "industrial", "2"),
    ("f", "industrial", "2"),
    ("s", "industrial", "1"),
];

#[test]
fn import_threshold_is_strict() {
    // 7 of 10 equal rows imported: share exactly 0.7 is not "over 70%".
    let mut flows = vec![];
    for _ in 0..7 {
        flows.push(("import:FR", "a", "p", 1.0, 10.0));
    }
    for _ in 0..3 {
        flows.push(("s", "a", "p", 1.0, 10.0));
    }
    flows.push(("import:FR", "a", "q", 71.0, 71.0));
    flows.push(("s", "a", "q", 29.0, 29.0));
    let a = run(&study_from(PARTS, &[("p", "1"), ("q", "1")], &flows));
    assert_eq!(need(&a, "p").import_share, 0.7);
    assert!(need(&a, "p").flags.is_empty());
    assert!(!need(&a, "p").is_niche);
    assert_eq!(need(&a, "q").flags, vec![Flag::Import]);
    // Only the import flag: addressable is the imported part.
    assert_eq!(need(&a, "q").addressable_rub, 71.0);
    assert_eq!(need(&a, "q").addressable_qty, 71.0);
}

#[test]
fn key_consumers_take_the_fewest_reaching_80_percent() {
    // 50 + 30 = 80 reaches 80% exactly: two consumers.
    assert_eq!(
        key_consumers(&[(0, 30.0), (1, 50.0), (2, 20.0)], 100.0),
        vec![1, 0]
    );
    // Ties by value break by id (index order is id order).
    assert_eq!(
        key_consumers(&[(0, 25.0), (1, 25.0), (2, 25.0), (3, 25.0)], 100.0),
        vec![0, 1, 2, 3]
    );
    // Never more than five.
    let many: Vec<(usize, f64)> = (0..10).map(|i| (i, 10.0)).collect();
    assert_eq!(key_consumers(&many, 100.0), vec![0, 1, 2, 3, 4]);
    // Zero demand: the first consumer alone.
    assert_eq!(key_consumers(&[(3, 0.0), (1, 0.0)], 0.0), vec![1]);
    // One consumer with everything.
    assert_eq!(key_consumers(&[(0, 1.0), (1, 99.0)], 100.0), vec![1]);
}

#[test]
fn ranks_break_ties_by_product_id() {
    let flows = [
        ("import:CN", "a", "zeta", 1.0, 100.0),
        ("import:CN", "a", "alpha", 1.0, 100.0),
        ("import:CN", "a", "mid", 1.0, 300.0),
    ];
    let a = run(&study_from(
        PARTS,
        &[("zeta", "1"), ("alpha", "1"), ("mid", "1")],
        &flows,
    ));
    let order: Vec<(&str, usize)> = a
        .niches
        .iter()
        .map(|n| (n.need.product.as_str(), n.rank))
        .collect();
    assert_eq!(order, vec![("mid", 1), ("alpha", 2), ("zeta", 3)]);
}

fn study_with_products(products: &str, flows: &str, toml_extra: &str) -> Study {
    let toml = format!("{TOML}{toml_extra}");
    load_files(&Files {
        toml: &toml,
        participants: "id,name,region,role,stage,output_rub\na,A,R1,industrial,2,\nb,B,R2,final_producer,,500\nc,C,R3,final_producer,,\n",
        products,
        flows,
        specs: None,
    })
    .unwrap()
}

#[test]
fn investment_bases() {
    let products = "id,name,stage,unit,benchmark_price_rub,capex_rub_per_unit,min_capacity\n\
                    cap,Cap,1,t,10,5,100\nint,Int,1,t,10,,\n";
    let flows = "supplier,consumer,product,quantity,value_rub\n\
                 import:DE,a,cap,10,100\nimport:DE,a,int,10,100\n";
    let s = study_with_products(products, flows, "[investment]\ncapital_intensity = 2.5\n");
    let a = run(&s);
    // capex: max(addressable 10, min_capacity 100) * 5.
    assert_eq!(need(&a, "cap").investment_rub, 500.0);
    assert_eq!(need(&a, "cap").investment_basis, InvestmentBasis::Capex);
    assert_eq!(need(&a, "int").investment_rub, 250.0);
    assert_eq!(need(&a, "int").investment_basis, InvestmentBasis::Intensity);
}

#[test]
fn cost_premium_is_strict_and_minus_one_at_zero_price() {
    let products =
        "id,name,stage,unit,benchmark_price_rub\nx,X,1,t,100\ny,Y,1,t,100\nz,Z,1,t,100\n";
    // x: price 120 -> premium exactly 0.2 (not > 0.2); y: 121; z: free.
    let flows = "supplier,consumer,product,quantity,value_rub\n\
                 domestic,a,x,1,120\ndomestic,a,y,1,121\ndomestic,a,z,5,0\n";
    let a = run(&study_with_products(products, flows, ""));
    assert!((need(&a, "x").cost_premium.unwrap() - 0.2).abs() < 1e-12);
    assert!(need(&a, "y").flags.contains(&Flag::Cost));
    assert_eq!(need(&a, "z").cost_premium, Some(-1.0));
    // Cost flag: addressable is the whole demand.
    assert_eq!(need(&a, "y").addressable_rub, 121.0);
}

#[test]
fn downstream_counts_final_producers_once_with_purchases_fallback() {
    let products = "id,name,stage,unit\np,P,1,t\nq,Q,2,t\n";
    // a buys p; a -> b and a -> c; c has no output_rub, so its purchases (7) count.
    let flows = "supplier,consumer,product,quantity,value_rub\n\
                 import:DE,a,p,1,1\na,b,q,1,3\na,c,q,1,7\nb,c,q,0,0\n";
    let a = run(&study_with_products(products, flows, ""));
    assert_eq!(need(&a, "p").downstream_final_rub, 500.0 + 7.0);
    // b and c buy q: each counts once.
    assert_eq!(need(&a, "q").downstream_final_rub, 507.0);
}

#[test]
fn year_selection_uses_latest_or_study_year() {
    let products = "id,name,stage,unit\np,P,1,t\n";
    let flows = "supplier,consumer,product,quantity,value_rub,year\n\
                 import:DE,a,p,1,10,2017\nimport:DE,a,p,2,20,2018\nimport:DE,a,p,3,30,2018\n";
    let latest = run(&study_with_products(products, flows, ""));
    assert_eq!(latest.study.year, Some(2018));
    assert_eq!(need(&latest, "p").demand_rub, 50.0);
    let chosen = run(&study_with_products(products, flows, "year = 2017\n"));
    assert_eq!(need(&chosen, "p").demand_rub, 10.0);
    let toml = format!("{TOML}year = 2016\n");
    let err = load_files(&Files {
        toml: &toml,
        participants: "id,name,region,role,stage\na,A,R,industrial,1\n",
        products,
        flows,
        specs: None,
    })
    .unwrap_err();
    let crate::error::Error::Data(p) = err else {
        panic!("expected a data error")
    };
    assert!(p[0].message.contains("years present: 2017, 2018"), "{p:?}");
}

#[test]
fn spec_gap_comparisons_are_strict() {
    let products = "id,name,stage,unit\np,P,1,t\nq,Q,1,t\nr,R,1,t\n";
    let flows = "supplier,consumer,product,quantity,value_rub\ndomestic,a,p,1,1\ndomestic,a,q,1,1\ndomestic,a,r,1,1\n";
    let specs = "consumer,product,parameter,required_min,required_max,available\n\
                 a,p,s,5,,5\nb,q,s,,5,5.5\nb,r,s,1,2,\n";
    let s = load_files(&Files {
        toml: TOML,
        participants: "id,name,region,role,stage\na,A,R,industrial,2\nb,B,R,industrial,2\n",
        products,
        flows,
        specs: Some(specs),
    })
    .unwrap();
    let a = run(&s);
    assert!(
        !need(&a, "p").spec_gap,
        "available == required_min is not a gap"
    );
    // A spec row counts even when its consumer does not buy the product.
    assert!(need(&a, "q").spec_gap);
    assert!(need(&a, "r").spec_gap, "nothing on offer is a gap");
}
