//! Tests of `portfolio.rs`.

use super::*;
use crate::analysis::portfolio::{compute, Member, MemberNiche, Supplier};

fn sample() -> Portfolio {
    let niche = |product: &str, key: &str| MemberNiche {
        rank: 1,
        product: product.into(),
        product_name: format!("Продукт {product}"),
        unit: "т".into(),
        key: key.into(),
        addressable_qty: 1.0,
        addressable_rub: 2.5e8,
        investment_rub: 1e9,
    };
    let member = |id: &str, niches: Vec<MemberNiche>, key: &str| Member {
        id: id.into(),
        name: format!("Кластер {id}"),
        niches,
        overall: "fail".into(),
        criteria: vec![],
        supplies: [(
            key.to_string(),
            vec![Supplier {
                id: format!("{id}-plant"),
                name: "Завод".into(),
                value_rub: 1e7,
            }],
        )]
        .into(),
    };
    compute(
        vec![
            member("a", vec![niche("x", "20.1")], "22.2"),
            member("b", vec![niche("y", "20.1"), niche("z", "22.2")], "20.1"),
        ],
        vec![],
    )
}

#[test]
fn both_charts_draw_the_clusters_and_are_deterministic() {
    super::super::fonts().unwrap();
    let p = sample();
    for lang in [Lang::Ru, Lang::En] {
        let d = demand(&p, lang).unwrap();
        let m = map(&p, lang).unwrap();
        let (ds, ms) = (
            String::from_utf8(d.svg.clone()).unwrap(),
            String::from_utf8(m.svg.clone()).unwrap(),
        );
        assert!(
            ds.contains("Кластер a") && ds.contains("Кластер b"),
            "{lang:?}"
        );
        assert!(
            ms.contains("Кластер a") && ms.contains("Продукт z"),
            "{lang:?}"
        );
        assert!(!d.png.is_empty() && !m.png.is_empty());
        assert_eq!(demand(&p, lang).unwrap().svg, d.svg);
    }
}

#[test]
fn an_empty_portfolio_says_so() {
    super::super::fonts().unwrap();
    let p = compute(vec![], vec![]);
    let d = String::from_utf8(demand(&p, Lang::En).unwrap().svg).unwrap();
    let m = String::from_utf8(map(&p, Lang::En).unwrap().svg).unwrap();
    assert!(d.contains("No niche appears"));
    assert!(m.contains("No participant of another cluster"));
}
