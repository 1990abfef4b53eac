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

#[derive(Debug, Clone, serde::Serialize)]
pub struct StudyConfig {
    pub id: String,
    pub name: String,
    pub regions: Vec<String>,
    pub year: Option<i64>,
    pub criteria: Criteria,
    pub investment: Investment,
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
                p.column = Some(c);
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
        p.column = Some(c);
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
