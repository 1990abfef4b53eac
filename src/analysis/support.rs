//! The investment case (SPEC v2): what each support programme would pay for a niche's project,
//! which one the niche gets, and the payback with and without it. Pure arithmetic over the
//! niche's investment, the `[finance]` settings and the registry compliance.

use super::Status;
use crate::study::config::{Finance, Programme};
use serde::Serialize;

/// Whether the cluster can get a programme, from the registry compliance `overall`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Eligibility {
    Eligible,
    /// The registry compliance is `unknown`: data are missing to confirm it.
    Unconfirmed,
    NotEligible,
}

impl Eligibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Eligibility::Eligible => "eligible",
            Eligibility::Unconfirmed => "unconfirmed",
            Eligibility::NotEligible => "not_eligible",
        }
    }

    pub fn of(p: &Programme, overall: Status) -> Eligibility {
        if !p.requires_registry {
            return Eligibility::Eligible;
        }
        match overall {
            Status::Pass => Eligibility::Eligible,
            Status::Unknown => Eligibility::Unconfirmed,
            Status::Fail => Eligibility::NotEligible,
        }
    }
}

/// What one programme would pay for one niche's project.
#[derive(Debug, Clone, Serialize)]
pub struct ProgrammeEstimate {
    pub programme: String,
    pub programme_name: String,
    pub eligibility: Eligibility,
    pub interest_rub: f64,
    pub equipment_rub: f64,
    pub amount_rub: f64,
    /// The programme's cap applies: `interest_rub + equipment_rub > cap_rub`.
    pub capped: bool,
}

/// A niche's investment case.
#[derive(Debug, Clone, Serialize)]
pub struct Support {
    /// Interest on the credit over its whole term.
    pub interest_total: f64,
    pub annual_profit: f64,
    /// One per programme, in the order of study.toml (or of the default table).
    pub programmes: Vec<ProgrammeEstimate>,
    pub support_programme: Option<String>,
    pub support_rub: f64,
    pub payback_years: Option<f64>,
    pub payback_with_support_years: Option<f64>,
}

impl Support {
    /// The chosen programme's estimate, when there is one.
    pub fn chosen(&self) -> Option<&ProgrammeEstimate> {
        let id = self.support_programme.as_deref()?;
        self.programmes.iter().find(|p| p.programme == id)
    }

    /// The programme to name to a reader: the chosen one, or, when the cluster is eligible for
    /// none, the one that would pay most once it is (largest amount > 0, ties by id).
    pub fn potential(&self) -> Option<&ProgrammeEstimate> {
        self.chosen().or_else(|| {
            self.programmes
                .iter()
                .filter(|s| s.amount_rub > 0.0)
                .min_by(|a, b| {
                    b.amount_rub
                        .total_cmp(&a.amount_rub)
                        .then_with(|| a.programme.as_bytes().cmp(b.programme.as_bytes()))
                })
        })
    }

    /// Payback in years of investment `investment_rub` with `amount_rub` of support; `None`
    /// when the niche earns nothing.
    pub fn payback_with(&self, investment_rub: f64, amount_rub: f64) -> Option<f64> {
        (self.annual_profit != 0.0)
            .then(|| (investment_rub - amount_rub).max(0.0) / self.annual_profit)
    }
}

/// The investment case of a niche with investment `investment_rub` and addressable demand
/// `addressable_rub`.
pub fn estimate(
    investment_rub: f64,
    addressable_rub: f64,
    finance: &Finance,
    programmes: &[Programme],
    overall: Status,
) -> Support {
    let i = investment_rub;
    let interest_total =
        finance.loan_share * i * finance.loan_rate * (f64::from(finance.loan_years) + 1.0) / 2.0;
    let estimates: Vec<ProgrammeEstimate> = programmes
        .iter()
        .map(|p| {
            let interest_rub = p.interest_coverage * interest_total;
            let equipment_rub = p.equipment_coverage * finance.equipment_share * i;
            let sum = interest_rub + equipment_rub;
            ProgrammeEstimate {
                programme: p.id.clone(),
                programme_name: p.name.clone(),
                eligibility: Eligibility::of(p, overall),
                interest_rub,
                equipment_rub,
                amount_rub: p.cap_rub.min(sum),
                capped: sum > p.cap_rub,
            }
        })
        .collect();
    let best = |e: Eligibility| {
        estimates
            .iter()
            .filter(|s| s.eligibility == e && s.amount_rub > 0.0)
            .min_by(|a, b| {
                b.amount_rub
                    .total_cmp(&a.amount_rub)
                    .then_with(|| a.programme.as_bytes().cmp(b.programme.as_bytes()))
            })
    };
    let chosen = best(Eligibility::Eligible).or_else(|| best(Eligibility::Unconfirmed));
    let support_programme = chosen.map(|s| s.programme.clone());
    let support_rub = chosen.map_or(0.0, |s| s.amount_rub);
    let annual_profit = addressable_rub * finance.operating_margin;
    let (payback_years, payback_with_support_years) = if annual_profit == 0.0 {
        (None, None)
    } else {
        (
            Some(i / annual_profit),
            Some((i - support_rub).max(0.0) / annual_profit),
        )
    };
    Support {
        interest_total,
        annual_profit,
        programmes: estimates,
        support_programme,
        support_rub,
        payback_years,
        payback_with_support_years,
    }
}

#[cfg(test)]
mod tests {
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
}
