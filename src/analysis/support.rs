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
mod tests;
