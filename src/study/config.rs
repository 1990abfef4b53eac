//! `study.toml`: the study's identity, the selected year and the thresholds.

use crate::error::Problem;
use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Criteria {
    pub import_share_min: f64,
    pub critical_import_share: f64,
    pub cost_premium_min: f64,
    pub min_demand_rub: f64,
}

impl Default for Criteria {
    fn default() -> Self {
        Criteria {
            import_share_min: 0.70,
            critical_import_share: 0.90,
            cost_premium_min: 0.20,
            min_demand_rub: 0.0,
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Investment {
    pub capital_intensity: f64,
}

impl Default for Investment {
    fn default() -> Self {
        Investment {
            capital_intensity: 1.0,
        }
    }
}

/// Registry thresholds (Decree 779); a study may override them in `[compliance]`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ComplianceThresholds {
    pub industrial_count_min: u64,
    pub final_producer_min: u64,
    pub education_min: u64,
    pub infrastructure_objects_min: u64,
    pub governance_share_min: f64,
    pub hp_jobs_share_min: f64,
    pub supplier_share_min: f64,
    pub cooperation_share_min: f64,
    pub cooperation_below_max: f64,
}

impl Default for ComplianceThresholds {
    fn default() -> Self {
        ComplianceThresholds {
            industrial_count_min: 10,
            final_producer_min: 1,
            education_min: 1,
            infrastructure_objects_min: 2,
            governance_share_min: 0.5,
            hp_jobs_share_min: 0.5,
            supplier_share_min: 0.05,
            cooperation_share_min: 0.20,
            cooperation_below_max: 0.30,
        }
    }
}

/// `[outlook]`: how far the demand trend is projected (SPEC v2 "Demand outlook").
#[derive(Debug, Clone, serde::Serialize)]
pub struct Outlook {
    /// Years projected past the selected year, 1..=30.
    pub horizon: u32,
}

impl Default for Outlook {
    fn default() -> Self {
        Outlook { horizon: 5 }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct StudyConfig {
    pub id: String,
    pub name: String,
    pub regions: Vec<String>,
    pub year: Option<i64>,
    pub criteria: Criteria,
    pub investment: Investment,
    pub compliance: ComplianceThresholds,
    pub outlook: Outlook,
}

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

pub fn is_study_id(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
        && b.iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
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
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(t: &str) -> StudyConfig {
        let mut p = vec![];
        let c = parse(t, "study.toml", &mut p);
        assert!(p.is_empty(), "{p:?}");
        c.unwrap()
    }

    #[test]
    fn defaults_apply() {
        let c = parse_ok("id = \"a\"\nname = \"A\"\nregions = [\"R\"]\n");
        assert_eq!(c.criteria.import_share_min, 0.70);
        assert_eq!(c.criteria.critical_import_share, 0.90);
        assert_eq!(c.criteria.cost_premium_min, 0.20);
        assert_eq!(c.investment.capital_intensity, 1.0);
        assert_eq!(c.year, None);
    }

    #[test]
    fn unknown_key_names_line() {
        let mut p = vec![];
        let c = parse(
            "id = \"a\"\nname = \"A\"\nregions = [\"R\"]\n[criteria]\nimport_share = 0.5\n",
            "study.toml",
            &mut p,
        );
        assert!(c.is_none());
        assert_eq!(p[0].line, Some(5), "{p:?}");
        assert!(p[0].message.contains("unknown field"), "{p:?}");
    }

    #[test]
    fn outlook_horizon_is_an_integer_1_to_30() {
        let base = "id = \"a\"\nname = \"A\"\nregions = [\"R\"]\n[outlook]\n";
        assert_eq!(parse_ok(base).outlook.horizon, 5);
        assert_eq!(
            parse_ok(&format!("{base}horizon = 30\n")).outlook.horizon,
            30
        );
        for bad in ["0", "31", "5.0", "\"5\"", "-1"] {
            let mut p = vec![];
            let c = parse(&format!("{base}horizon = {bad}\n"), "study.toml", &mut p);
            assert!(c.is_none(), "{bad}");
            assert_eq!(p.len(), 1, "{bad}: {p:?}");
            assert_eq!(p[0].line, Some(5), "{bad}: {p:?}");
            assert!(p[0].message.contains("1..30"), "{bad}: {p:?}");
        }
        let mut p = vec![];
        assert!(parse(&format!("{base}horizons = 5\n"), "study.toml", &mut p).is_none());
        assert_eq!(p[0].line, Some(5), "{p:?}");
        assert!(p[0].message.contains("unknown field"), "{p:?}");
    }

    #[test]
    fn bad_values_are_all_reported() {
        let mut p = vec![];
        let c = parse(
            "id = \"Bad_Id\"\nname = \"A\"\nregions = []\n[criteria]\ncost_premium_min = -0.1\n",
            "study.toml",
            &mut p,
        );
        assert!(c.is_none());
        let lines: Vec<_> = p.iter().map(|x| x.line).collect();
        assert_eq!(lines, vec![Some(1), Some(3), Some(5)], "{p:?}");
    }
}
