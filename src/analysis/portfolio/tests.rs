//! Tests of `portfolio.rs`.

use super::*;

fn niche(rank: usize, product: &str, key: &str, unit: &str, rub: f64) -> MemberNiche {
    MemberNiche {
        rank,
        product: product.into(),
        product_name: format!("name of {product}"),
        unit: unit.into(),
        key: key.into(),
        addressable_qty: 2.0,
        addressable_rub: rub,
        investment_rub: rub * 2.0,
    }
}

fn member(id: &str, niches: Vec<MemberNiche>, supplies: &[(&str, &str, f64)]) -> Member {
    let mut s: BTreeMap<String, Vec<Supplier>> = BTreeMap::new();
    for (key, sup, v) in supplies {
        s.entry(key.to_string()).or_default().push(Supplier {
            id: sup.to_string(),
            name: format!("{sup} name"),
            value_rub: *v,
        });
    }
    Member {
        id: id.into(),
        name: format!("{id} cluster"),
        niches,
        overall: "unknown".into(),
        criteria: vec![("education".into(), "pass".into())],
        supplies: s,
    }
}

#[test]
fn a_key_shared_by_two_studies_adds_up_and_one_study_counts_once() {
    let p = compute(
        vec![
            member(
                "b",
                vec![
                    niche(1, "x1", "20.1", "т", 10.0),
                    niche(2, "x2", "20.1", "т", 5.0),
                ],
                &[],
            ),
            member(
                "a",
                vec![
                    niche(1, "y", "20.1", "т", 1.0),
                    niche(2, "z", "id:z", "т", 99.0),
                ],
                &[],
            ),
        ],
        vec![],
    );
    assert_eq!(p.shared.len(), 1);
    let s = &p.shared[0];
    assert_eq!(s.studies, ["a", "b"]);
    assert_eq!(s.product_name, "name of y");
    assert_eq!(s.addressable_rub, 16.0);
    assert_eq!(s.investment_rub, 32.0);
    assert_eq!(s.addressable_qty, Some(6.0));
    assert_eq!(
        s.by_study,
        [("a".to_string(), 1.0), ("b".to_string(), 15.0)]
    );
}

#[test]
fn differing_units_leave_the_quantity_empty_and_keep_first_appearance_order() {
    let p = compute(
        vec![
            member("a", vec![niche(1, "y", "k", "шт", 1.0)], &[]),
            member("b", vec![niche(1, "x", "k", "т", 1.0)], &[]),
        ],
        vec![],
    );
    assert_eq!(p.shared[0].units, ["шт", "т"]);
    assert_eq!(p.shared[0].addressable_qty, None);
}

#[test]
fn matches_list_other_studies_suppliers_only_and_one_study_alone_has_no_rows() {
    let a = member(
        "a",
        vec![niche(1, "y", "k", "т", 1.0)],
        &[("k", "a-own", 3.0)],
    );
    let b = member("b", vec![], &[("k", "b2", 4.0), ("k", "b1", 0.0)]);
    let p = compute(vec![b.clone(), a.clone()], vec![]);
    let got: Vec<(&str, &str, f64)> = p
        .matches
        .iter()
        .map(|m| (m.study.as_str(), m.supplier.as_str(), m.supplied_rub))
        .collect();
    assert_eq!(got, [("a", "b1", 0.0), ("a", "b2", 4.0)]);
    assert_eq!(p.registry.len(), 2);
    assert_eq!(p.registry[0].statuses[2], "pass");
    let alone = compute(vec![a], vec![]);
    assert!(alone.matches.is_empty() && alone.registry.is_empty());
    assert_eq!(alone.studies.len(), 1);
}

#[test]
fn shared_rows_sort_by_amount_then_key() {
    let p = compute(
        vec![
            member(
                "a",
                vec![niche(1, "p", "2", "т", 5.0), niche(2, "q", "1", "т", 5.0)],
                &[],
            ),
            member(
                "b",
                vec![niche(1, "p", "2", "т", 5.0), niche(2, "q", "1", "т", 5.0)],
                &[],
            ),
        ],
        vec![],
    );
    let keys: Vec<&str> = p.shared.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(keys, ["1", "2"]);
}

#[test]
fn supplies_group_products_by_key_and_criteria_follow_the_compliance_table() {
    use crate::study::testing::{load_files, Files, TOML};
    let study = load_files(&Files {
        toml: TOML,
        participants: "id,name,region,role,stage\np,Plant,R,industrial,2\nq,Other,R,industrial,2\nf,Final,R,final_producer,\n",
        products: "id,name,stage,unit,code\nx,X,2,t,20 16 40\ny,Y,2,t,20.16.40\nz,Z,2,t,\n",
        flows: "supplier,consumer,product,quantity,value_rub\np,f,x,1,10\np,f,y,1,5\nq,f,z,1,0\nimport:DE,f,y,1,7\n",
        specs: None,
    })
    .unwrap();
    let s = supplies(&study);
    let keys: Vec<&str> = s.keys().map(String::as_str).collect();
    assert_eq!(keys, ["20.16.40", "201640", "id:z"]);
    assert_eq!(
        s["20.16.40"],
        [Supplier {
            id: "p".into(),
            name: "Plant".into(),
            value_rub: 5.0
        }]
    );
    assert_eq!(s["id:z"][0].value_rub, 0.0);
    let a = crate::analysis::analyze(&study, &crate::graph::SupplyGraph::build(&study)).unwrap();
    let ids: Vec<&str> = a.compliance.criteria.iter().map(|c| c.id).collect();
    assert_eq!(ids, super::super::compliance::CRITERIA);
}
