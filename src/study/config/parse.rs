//! Parsing study.toml: every key typed and checked, every problem at its line and column.

use super::*;
use crate::error::Problem;
use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    id: Spanned<String>,
    name: Spanned<String>,
    regions: Spanned<Vec<Spanned<String>>>,
    year: Option<i64>,
    criteria: Option<RawCriteria>,
    investment: Option<RawInvestment>,
    compliance: Option<RawCompliance>,
    outlook: Option<RawOutlook>,
    finance: Option<RawFinance>,
    support: Option<Vec<RawProgramme>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFinance {
    loan_share: Option<Spanned<f64>>,
    loan_rate: Option<Spanned<f64>>,
    // Any TOML value, so that `5.0` is reported as "expected an integer", naming the line.
    loan_years: Option<Spanned<toml::Value>>,
    equipment_share: Option<Spanned<f64>>,
    operating_margin: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProgramme {
    id: Spanned<String>,
    name: Spanned<String>,
    cap_rub: Spanned<f64>,
    interest_coverage: Option<Spanned<f64>>,
    equipment_coverage: Option<Spanned<f64>>,
    requires_registry: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutlook {
    // Any TOML value, so that `5.0` or `"5"` get our message rather than serde's.
    horizon: Option<Spanned<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCompliance {
    industrial_count_min: Option<u64>,
    final_producer_min: Option<u64>,
    education_min: Option<u64>,
    infrastructure_objects_min: Option<u64>,
    governance_share_min: Option<Spanned<f64>>,
    hp_jobs_share_min: Option<Spanned<f64>>,
    supplier_share_min: Option<Spanned<f64>>,
    cooperation_share_min: Option<Spanned<f64>>,
    cooperation_below_max: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCriteria {
    import_share_min: Option<Spanned<f64>>,
    critical_import_share: Option<Spanned<f64>>,
    cost_premium_min: Option<Spanned<f64>>,
    min_demand_rub: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInvestment {
    capital_intensity: Option<Spanned<f64>>,
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (u64, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u64 + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Parses `study.toml` text; problems are appended and `None` returned when it is unusable.
pub fn parse(text: &str, shown: &str, problems: &mut Vec<Problem>) -> Option<StudyConfig> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let raw: RawConfig = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let mut p = Problem::file(shown, e.message().to_string());
            if let Some(span) = e.span() {
                let (l, c) = line_col(text, span.start);
                p.line = Some(l);
                p.column = Some(c.to_string());
            }
            problems.push(p);
            return None;
        }
    };
    let before = problems.len();
    let at = |span: std::ops::Range<usize>, key: &str, value: &str, msg: &str| {
        let (l, c) = line_col(text, span.start);
        let mut p = Problem::file(shown, msg)
            .at_line(l)
            .with_field(key)
            .with_value(value);
        p.column = Some(c.to_string());
        p
    };
    if !is_study_id(raw.id.get_ref()) {
        problems.push(at(
            raw.id.span(),
            "id",
            raw.id.get_ref(),
            "expected lowercase letters, digits and '-', starting with a letter or digit, at most 63 characters",
        ));
    }
    if raw.name.get_ref().trim().is_empty() {
        problems.push(at(raw.name.span(), "name", "", "the study name is empty"));
    }
    if raw.regions.get_ref().is_empty() {
        problems.push(at(
            raw.regions.span(),
            "regions",
            "[]",
            "expected at least one region",
        ));
    }
    for r in raw.regions.get_ref() {
        if r.get_ref().trim().is_empty() {
            problems.push(at(
                r.span(),
                "regions",
                r.get_ref(),
                "a region name is empty",
            ));
        }
    }
    let mut value = |v: Option<Spanned<f64>>, key: &str, default: f64| -> f64 {
        match v {
            None => default,
            Some(s) => {
                let x = *s.get_ref();
                if !x.is_finite() || x < 0.0 {
                    problems.push(at(
                        s.span(),
                        key,
                        &x.to_string(),
                        "expected a finite number >= 0",
                    ));
                }
                x
            }
        }
    };
    let d = Criteria::default();
    let criteria = match raw.criteria {
        None => d,
        Some(c) => Criteria {
            import_share_min: value(
                c.import_share_min,
                "criteria.import_share_min",
                d.import_share_min,
            ),
            critical_import_share: value(
                c.critical_import_share,
                "criteria.critical_import_share",
                d.critical_import_share,
            ),
            cost_premium_min: value(
                c.cost_premium_min,
                "criteria.cost_premium_min",
                d.cost_premium_min,
            ),
            min_demand_rub: value(
                c.min_demand_rub,
                "criteria.min_demand_rub",
                d.min_demand_rub,
            ),
        },
    };
    let investment = match raw.investment {
        None => Investment::default(),
        Some(i) => Investment {
            capital_intensity: value(
                i.capital_intensity,
                "investment.capital_intensity",
                Investment::default().capital_intensity,
            ),
        },
    };
    let dc = ComplianceThresholds::default();
    let compliance = match raw.compliance {
        None => dc,
        Some(c) => ComplianceThresholds {
            industrial_count_min: c.industrial_count_min.unwrap_or(dc.industrial_count_min),
            final_producer_min: c.final_producer_min.unwrap_or(dc.final_producer_min),
            education_min: c.education_min.unwrap_or(dc.education_min),
            infrastructure_objects_min: c
                .infrastructure_objects_min
                .unwrap_or(dc.infrastructure_objects_min),
            governance_share_min: value(
                c.governance_share_min,
                "compliance.governance_share_min",
                dc.governance_share_min,
            ),
            hp_jobs_share_min: value(
                c.hp_jobs_share_min,
                "compliance.hp_jobs_share_min",
                dc.hp_jobs_share_min,
            ),
            supplier_share_min: value(
                c.supplier_share_min,
                "compliance.supplier_share_min",
                dc.supplier_share_min,
            ),
            cooperation_share_min: value(
                c.cooperation_share_min,
                "compliance.cooperation_share_min",
                dc.cooperation_share_min,
            ),
            cooperation_below_max: value(
                c.cooperation_below_max,
                "compliance.cooperation_below_max",
                dc.cooperation_below_max,
            ),
        },
    };
    let mut outlook = Outlook::default();
    if let Some(h) = raw.outlook.and_then(|o| o.horizon) {
        match h.get_ref() {
            toml::Value::Integer(v) if (1..=30).contains(v) => outlook.horizon = *v as u32,
            v => problems.push(at(
                h.span(),
                "outlook.horizon",
                &v.to_string(),
                "expected a whole number of years 1..30 (a TOML integer such as 5)",
            )),
        }
    }
    let finance = finance(raw.finance, &at, problems);
    let support = match raw.support {
        None => default_programmes(),
        Some(list) => programmes(list, &at, problems),
    };
    if problems.len() > before {
        return None;
    }
    Some(StudyConfig {
        id: raw.id.into_inner(),
        name: raw.name.into_inner().trim().to_string(),
        regions: raw
            .regions
            .into_inner()
            .into_iter()
            .map(|r| r.into_inner().trim().to_string())
            .collect(),
        year: raw.year,
        criteria,
        investment,
        compliance,
        outlook,
        finance,
        support,
    })
}

/// Builds a problem at a span of study.toml: (span, key, value, message).
type At<'a> = dyn Fn(std::ops::Range<usize>, &str, &str, &str) -> Problem + 'a;

/// A share-like setting: finite and within `0..=1`.
fn unit_share(
    v: Option<Spanned<f64>>,
    key: &str,
    default: f64,
    at: &At,
    problems: &mut Vec<Problem>,
) -> f64 {
    let Some(s) = v else { return default };
    let x = *s.get_ref();
    if !(0.0..=1.0).contains(&x) {
        problems.push(at(
            s.span(),
            key,
            &x.to_string(),
            "expected a number from 0 to 1",
        ));
    } else if x != 0.0 && x < 1e-9 {
        // As for every input number (Hardening): a subnormal margin would make paybacks infinite.
        problems.push(at(
            s.span(),
            key,
            &x.to_string(),
            "too small; expected 0 or a number from 1e-9 to 1",
        ));
    }
    x
}

fn finance(raw: Option<RawFinance>, at: &At, problems: &mut Vec<Problem>) -> Finance {
    let d = Finance::default();
    let Some(f) = raw else { return d };
    let loan_years = match f.loan_years {
        None => d.loan_years,
        Some(s) => {
            let span = s.span();
            match s.into_inner() {
                toml::Value::Integer(n) if (1..=30).contains(&n) => n as u32,
                v => {
                    let shown = v.to_string();
                    problems.push(at(
                        span,
                        "finance.loan_years",
                        &shown,
                        "expected a whole number of years from 1 to 30 (a TOML integer such as 5)",
                    ));
                    d.loan_years
                }
            }
        }
    };
    Finance {
        loan_share: unit_share(
            f.loan_share,
            "finance.loan_share",
            d.loan_share,
            at,
            problems,
        ),
        loan_rate: unit_share(f.loan_rate, "finance.loan_rate", d.loan_rate, at, problems),
        loan_years,
        equipment_share: unit_share(
            f.equipment_share,
            "finance.equipment_share",
            d.equipment_share,
            at,
            problems,
        ),
        operating_margin: unit_share(
            f.operating_margin,
            "finance.operating_margin",
            d.operating_margin,
            at,
            problems,
        ),
    }
}

fn programmes(list: Vec<RawProgramme>, at: &At, problems: &mut Vec<Problem>) -> Vec<Programme> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(list.len());
    for p in list {
        let id = p.id.get_ref().clone();
        if !crate::study::table::is_identifier(&id) {
            problems.push(at(
                p.id.span(),
                "support.id",
                &id,
                "expected an identifier: letters, digits, '_', '.', '-', 1 to 64 characters",
            ));
        } else if let Some(first) = seen.get(&id) {
            problems.push(at(
                p.id.span(),
                "support.id",
                &id,
                &format!(
                    "the programme id is repeated (first at line {first}); expected a unique id"
                ),
            ));
        } else {
            let line = at(p.id.span(), "", "", "").line.unwrap_or(0);
            seen.insert(id.clone(), line as usize);
        }
        let name = p.name.get_ref().trim().to_string();
        if name.is_empty() {
            problems.push(at(
                p.name.span(),
                "support.name",
                "",
                "the programme name is empty",
            ));
        }
        let cap = *p.cap_rub.get_ref();
        if !cap.is_finite() || cap <= 0.0 {
            problems.push(at(
                p.cap_rub.span(),
                "support.cap_rub",
                &cap.to_string(),
                "expected a finite number > 0 (the most the programme pays for one project, rub)",
            ));
        }
        out.push(Programme {
            id,
            name,
            cap_rub: cap,
            interest_coverage: unit_share(
                p.interest_coverage,
                "support.interest_coverage",
                0.0,
                at,
                problems,
            ),
            equipment_coverage: unit_share(
                p.equipment_coverage,
                "support.equipment_coverage",
                0.0,
                at,
                problems,
            ),
            requires_registry: p.requires_registry.unwrap_or(true),
        });
    }
    out
}
