//! Tests of `changes.rs`.

use super::*;
use serde_json::{json, Value};

/// Results as a niches.json and a compliance.json hold them.
fn results(niches: &Value, compliance: &Value) -> Results {
    Results::parse(
        &serde_json::to_vec(niches).unwrap(),
        &serde_json::to_vec(compliance).unwrap(),
    )
    .expect("results parse")
}

#[test]
fn finds_opened_closed_moved_and_shifted() {
    let old = json!({"niches": [
        {"product": "a", "rank": 1, "product_name": "A", "demand_rub": 100.0, "import_share": 0.8},
        {"product": "b", "rank": 2, "product_name": "B", "demand_rub": 50.0, "import_share": 0.9}]});
    let new = json!({"niches": [
        {"product": "c", "rank": 1, "product_name": "C", "demand_rub": 10.0, "import_share": 1.0},
        {"product": "a", "rank": 2, "product_name": "A", "demand_rub": 111.0, "import_share": 0.75}]});
    let oc = json!({"criteria": [{"id": "education", "status": "pass"}]});
    let nc = json!({"criteria": [{"id": "education", "status": "fail"}]});
    let ch = compare(&results(&old, &oc), &results(&new, &nc), 0.1);
    let kinds: Vec<String> = ch
        .iter()
        .map(|c| {
            serde_json::to_value(c).unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            "niche_opened",
            "niche_closed",
            "rank_moved",
            "demand_changed",
            "compliance_changed"
        ]
    );
}

#[test]
fn finds_outlook_moves_beyond_the_threshold() {
    let niche = |growth: Option<f64>, plan: Option<f64>| {
        json!({"niches": [{"product": "a", "rank": 1, "product_name": "A",
            "demand_rub": 100.0, "import_share": 0.8,
            "outlook": {"history": [],
                "trend": growth.map(|g| json!({"demand_growth": g})),
                "plans": plan.map(|p| vec![json!({"year": 2020, "demand_rub": p})]).unwrap_or_default()}}]})
    };
    let comp = json!({"criteria": []});
    let kinds = |old: Value, new: Value| -> Vec<String> {
        compare(&results(&old, &comp), &results(&new, &comp), 0.1)
            .iter()
            .map(|c| {
                serde_json::to_value(c).unwrap()["kind"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    // Within the threshold: nothing.
    assert!(kinds(
        niche(Some(0.10), Some(100.0)),
        niche(Some(0.15), Some(109.0))
    )
    .is_empty());
    // Growth by 12 points, plan demand by 20 %.
    assert_eq!(
        kinds(
            niche(Some(0.10), Some(100.0)),
            niche(Some(0.22), Some(120.0))
        ),
        vec!["growth_changed", "plan_demand_changed"]
    );
    // A trend that went, plans that appeared.
    assert_eq!(
        kinds(niche(Some(0.10), None), niche(None, Some(50.0))),
        vec!["growth_changed", "plan_demand_changed"]
    );
}
