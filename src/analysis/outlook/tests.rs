//! Tests of `outlook.rs`.

use super::*;
use crate::analysis::Totals;
use crate::study::testing::study_from;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs().max(1.0)
}

#[test]
fn exactly_three_years_on_a_straight_line() {
    // 100, 110, 121: growth 10 % exactly, no residuals, so the band is the line itself.
    let t = trend(&[(2016, 100.0), (2017, 110.0), (2018, 121.0)], 2018).unwrap();
    assert!(close(t.demand_growth, 0.1), "{t:?}");
    assert!(
        close(t.growth_low, 0.1) && close(t.growth_high, 0.1),
        "{t:?}"
    );
    assert_eq!(t.trend_years, 3);
}

#[test]
fn band_from_residuals() {
    // t = -2, -1, 0; ln v = 0, 1, 1: b = 0.5, a = 5/6, residuals 1/6, -1/3, 1/6;
    // Σr² = 1/6, Σ(t - t̄)² = 2, se = sqrt((1/6) / 1 / 2) = sqrt(1/12).
    let e = std::f64::consts::E;
    let t = trend(&[(2016, 1.0), (2017, e), (2018, e)], 2018).unwrap();
    let se = (1.0f64 / 12.0).sqrt();
    assert!(close(t.demand_growth, 0.5f64.exp() - 1.0), "{t:?}");
    assert!(close(t.growth_low, (0.5 - se).exp() - 1.0), "{t:?}");
    assert!(close(t.growth_high, (0.5 + se).exp() - 1.0), "{t:?}");
}

#[test]
fn a_gap_year_is_skipped_not_filled() {
    // 2015 missing: t = -3, -1, 0 still fit exactly at 10 % a year.
    let t = trend(&[(2015, 100.0), (2017, 121.0), (2018, 133.1)], 2018).unwrap();
    assert!(close(t.demand_growth, 0.1), "{t:?}");
    assert_eq!(t.trend_years, 3);
}

#[test]
fn a_zero_year_does_not_count() {
    let pts = [(2015, 0.0), (2016, 100.0), (2017, 110.0), (2018, 121.0)];
    let t = trend(&pts, 2018).unwrap();
    assert_eq!(t.trend_years, 3);
    assert!(close(t.demand_growth, 0.1), "{t:?}");
    // With the zero, only two positive years remain: no trend.
    assert!(trend(&[(2016, 0.0), (2017, 110.0), (2018, 121.0)], 2018).is_none());
}

#[test]
fn no_trend_without_the_base_year_or_with_one_year() {
    let no_base = [(2014, 90.0), (2015, 100.0), (2016, 110.0), (2018, 0.0)];
    assert!(trend(&no_base, 2018).is_none());
    assert!(trend(&[(2014, 90.0), (2015, 100.0), (2016, 110.0)], 2018).is_none());
    assert!(trend(&[(2018, 121.0)], 2018).is_none());
}

#[test]
fn projection_compounds_and_bands_the_base_year() {
    let base = OutlookRow {
        year: Some(2018),
        kind: RowKind::History,
        demand_qty: 10.0,
        demand_rub: 1000.0,
        import_rub: 500.0,
        low_rub: None,
        high_rub: None,
    };
    let t = Trend {
        demand_growth: 0.1,
        growth_low: 0.05,
        growth_high: 0.2,
        trend_years: 3,
    };
    let rows = projection(&base, 2018, &t, 2);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].year, Some(2020));
    assert!(close(rows[1].demand_rub, 1210.0));
    assert!(close(rows[1].demand_qty, 12.1));
    assert!(close(rows[1].import_rub, 605.0));
    assert!(close(rows[1].low_rub.unwrap(), 1102.5));
    assert!(close(rows[1].high_rub.unwrap(), 1440.0));
}

/// a -> b -> c: a buys 40 of raw p (import), sells 60 of q to b; b sells 100 of r to c; c
/// is the final producer. x = purchases: x_a = 40 (but a's output 60 is given), x_b = 60,
/// x_c = 100 (estimated from purchases).
fn chain() -> Study {
    study_from(
        &[
            ("a", "industrial", "1"),
            ("b", "industrial", "2"),
            ("c", "industrial", "3"),
        ],
        &[("p", "1"), ("q", "2"), ("r", "3")],
        &[
            ("import:CN", "a", "p", 4.0, 40.0),
            ("a", "b", "q", 6.0, 60.0),
            ("b", "c", "r", 10.0, 100.0),
        ],
    )
}

#[test]
fn a_plan_carries_up_the_chain() {
    let s = chain();
    let l = Leontief::new(&s, &Totals::of(&s));
    // x = purchases: a 40, b 60, c 100. A_ab = 60/60 = 1, A_bc = 100/100 = 1.
    assert_eq!(l.x, vec![40.0, 60.0, 100.0]);
    // c plans 150: Δf_c = 50; Δx_c = 50, Δx_b = A_bc Δx_c = 50, Δx_a = A_ab Δx_b = 50.
    // scale: a 90/40, b 110/60, c 150/100.
    let sc = plan_scales(&l, &[(2, 2020, 150.0)]).unwrap();
    assert_eq!(sc.len(), 1);
    assert_eq!(sc[0].0, 2020);
    let want = [90.0 / 40.0, 110.0 / 60.0, 1.5];
    for (got, want) in sc[0].1.iter().zip(want) {
        assert!(close(*got, want), "{:?}", sc[0].1);
    }
    // Demand in the plan year: p bought by a 40 * 2.25 = 90 (all imported), q bought by b
    // 60 * 11/6 = 110, r bought by c 150.
    let mut s = s;
    s.plans = vec![crate::study::Plan {
        participant: 2,
        year: 2020,
        output_rub: 150.0,
        note: None,
    }];
    let a = crate::analysis::analyze(&s, &crate::graph::SupplyGraph::build(&s)).unwrap();
    let plan: Vec<f64> = a
        .needs
        .iter()
        .map(|n| n.outlook.plans[0].demand_rub)
        .collect();
    for (got, want) in plan.iter().zip([90.0, 110.0, 150.0]) {
        assert!(close(*got, want), "{plan:?}");
    }
    assert!(close(a.needs[0].outlook.plans[0].import_rub, 90.0));
    assert!(close(a.needs[0].outlook.plans[0].demand_qty, 9.0));
}

#[test]
fn plan_years_are_independent_and_a_cut_is_floored_at_zero() {
    let s = chain();
    let l = Leontief::new(&s, &Totals::of(&s));
    // 2020: b plans 0 (Δf_b = -60 gives Δx_a = -60: a's scale max(0, -20/40) = 0).
    // 2021: only a's own plan, 80 (Δf_a = 40): a doubles, b and c unchanged.
    let sc = plan_scales(&l, &[(1, 2020, 0.0), (0, 2021, 80.0)]).unwrap();
    assert_eq!(sc.iter().map(|s| s.0).collect::<Vec<_>>(), vec![2020, 2021]);
    assert_eq!(sc[0].1, vec![0.0, 0.0, 1.0]);
    assert_eq!(sc[1].1, vec![2.0, 1.0, 1.0]);
}
