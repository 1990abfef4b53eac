//! Tests of `support.rs`.

use super::*;
use crate::study::config::default_programmes;

fn programme(id: &str, cap: f64, interest: f64, equipment: f64, registry: bool) -> Programme {
    Programme {
        id: id.into(),
        name: format!("programme {id}"),
        cap_rub: cap,
        interest_coverage: interest,
        equipment_coverage: equipment,
        requires_registry: registry,
    }
}

#[test]
fn default_programmes_on_the_default_finance() {
    // I = 1e9: interest_total = 0.7 * 1e9 * 0.12 * 6 / 2 = 252e6.
    let s = estimate(
        1e9,
        2e9,
        &Finance::default(),
        &default_programmes(),
        Status::Pass,
    );
    assert!((s.interest_total - 252e6).abs() < 1e-3);
    let pp41 = &s.programmes[0];
    assert_eq!(pp41.programme, "pp41");
    assert!((pp41.interest_rub - 0.7 * 252e6).abs() < 1e-3);
    assert!((pp41.equipment_rub - 0.15 * 0.6 * 1e9).abs() < 1e-3);
    assert!((pp41.amount_rub - (176.4e6 + 90e6)).abs() < 1e-3);
    assert!(!pp41.capped);
    let pp1119 = &s.programmes[1];
    assert!((pp1119.amount_rub - 252e6).abs() < 1e-3);
    assert_eq!(pp1119.equipment_rub, 0.0);
    // pp41 pays 266.4e6 > 252e6.
    assert_eq!(s.support_programme.as_deref(), Some("pp41"));
    assert!((s.support_rub - 266.4e6).abs() < 1e-3);
    // annual profit 2e9 * 0.15 = 3e8.
    assert!((s.payback_years.unwrap() - 1e9 / 3e8).abs() < 1e-12);
    assert!((s.payback_with_support_years.unwrap() - (1e9 - 266.4e6) / 3e8).abs() < 1e-12);
}

#[test]
fn the_cap_limits_the_amount() {
    let p = [programme("a", 1e6, 1.0, 1.0, false)];
    let s = estimate(1e9, 1e9, &Finance::default(), &p, Status::Fail);
    assert_eq!(s.programmes[0].amount_rub, 1e6);
    assert!(s.programmes[0].capped);
    assert!(s.programmes[0].interest_rub + s.programmes[0].equipment_rub > 1e6);
    assert_eq!(s.support_rub, 1e6);
}

#[test]
fn ties_go_to_the_first_id_in_byte_order() {
    // Equal amounts; "B" < "a" in byte order although 'a' < 'b' alphabetically.
    let p = [
        programme("a", 1e6, 1.0, 0.0, false),
        programme("B", 1e6, 1.0, 0.0, false),
    ];
    let s = estimate(1e9, 1e9, &Finance::default(), &p, Status::Pass);
    assert_eq!(s.support_programme.as_deref(), Some("B"));
    // Rows stay in study.toml order.
    assert_eq!(s.programmes[0].programme, "a");
}

#[test]
fn the_three_eligibilities() {
    let p = [
        programme("r", 1e9, 1.0, 0.0, true),
        programme("free", 1e3, 1.0, 0.0, false),
    ];
    let f = Finance::default();
    let pass = estimate(1e8, 1e8, &f, &p, Status::Pass);
    assert_eq!(pass.programmes[0].eligibility, Eligibility::Eligible);
    assert_eq!(pass.support_programme.as_deref(), Some("r"));
    let unknown = estimate(1e8, 1e8, &f, &p, Status::Unknown);
    assert_eq!(unknown.programmes[0].eligibility, Eligibility::Unconfirmed);
    // An eligible programme wins over a larger unconfirmed one.
    assert_eq!(unknown.support_programme.as_deref(), Some("free"));
    let fail = estimate(1e8, 1e8, &f, &p, Status::Fail);
    assert_eq!(fail.programmes[0].eligibility, Eligibility::NotEligible);
    assert_eq!(fail.programmes[1].eligibility, Eligibility::Eligible);
    assert_eq!(fail.support_programme.as_deref(), Some("free"));
    assert_eq!(Eligibility::NotEligible.as_str(), "not_eligible");
}

#[test]
fn unconfirmed_is_chosen_when_nothing_is_eligible_and_failing_gets_nothing() {
    let p = default_programmes();
    let f = Finance::default();
    let unknown = estimate(1e8, 1e8, &f, &p, Status::Unknown);
    assert_eq!(unknown.support_programme.as_deref(), Some("pp41"));
    assert!(unknown.support_rub > 0.0);
    let fail = estimate(1e8, 1e8, &f, &p, Status::Fail);
    assert_eq!(fail.support_programme, None);
    assert_eq!(fail.support_rub, 0.0);
    // Without support both paybacks are equal.
    assert_eq!(fail.payback_years, fail.payback_with_support_years);
}

#[test]
fn the_potential_programme_when_nothing_is_eligible() {
    let s = estimate(
        1e8,
        1e8,
        &Finance::default(),
        &default_programmes(),
        Status::Fail,
    );
    assert!(s.chosen().is_none());
    let p = s.potential().unwrap();
    assert_eq!(p.programme, "pp41");
    assert_eq!(
        s.payback_with(1e8, p.amount_rub),
        Some((1e8 - p.amount_rub) / s.annual_profit)
    );
}

#[test]
fn zero_amount_programmes_are_never_chosen() {
    let p = [programme("zero", 1e9, 0.0, 0.0, false)];
    let s = estimate(1e8, 1e8, &Finance::default(), &p, Status::Pass);
    assert_eq!(s.support_programme, None);
    assert_eq!(s.support_rub, 0.0);
}

#[test]
fn zero_operating_margin_leaves_payback_empty() {
    let f = Finance {
        operating_margin: 0.0,
        ..Finance::default()
    };
    let s = estimate(1e8, 1e8, &f, &default_programmes(), Status::Pass);
    assert_eq!(s.annual_profit, 0.0);
    assert_eq!(s.payback_years, None);
    assert_eq!(s.payback_with_support_years, None);
    assert!(s.support_rub > 0.0);
}

#[test]
fn support_larger_than_the_investment_pays_back_at_once() {
    let f = Finance {
        loan_share: 1.0,
        loan_rate: 1.0,
        loan_years: 30,
        ..Finance::default()
    };
    let p = [programme("all", 1e12, 1.0, 1.0, false)];
    let s = estimate(1e6, 1e6, &f, &p, Status::Fail);
    assert!(s.support_rub > 1e6);
    assert_eq!(s.payback_with_support_years, Some(0.0));
    assert!((s.payback_years.unwrap() - 1.0 / 0.15).abs() < 1e-12);
}
