//! `study.toml`: the study's identity, the selected year and the thresholds.

use serde::Deserialize;

mod parse;

pub use parse::parse;

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

/// `[finance]`: how a niche's investment is financed and what it earns (SPEC v2, investment case).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Finance {
    pub loan_share: f64,
    pub loan_rate: f64,
    pub loan_years: u32,
    pub equipment_share: f64,
    pub operating_margin: f64,
}

impl Default for Finance {
    fn default() -> Self {
        Finance {
            loan_share: 0.7,
            loan_rate: 0.12,
            loan_years: 5,
            equipment_share: 0.6,
            operating_margin: 0.15,
        }
    }
}

/// One `[[support]]` programme: a state support measure a niche's project may get.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Programme {
    pub id: String,
    pub name: String,
    pub cap_rub: f64,
    pub interest_coverage: f64,
    pub equipment_coverage: f64,
    pub requires_registry: bool,
}

/// The programmes used without `[[support]]` tables: Decree No. 41 and the new edition of 1119.
pub fn default_programmes() -> Vec<Programme> {
    vec![
        Programme {
            id: "pp41".into(),
            name: "ПП РФ № 41 от 28.01.2016".into(),
            cap_rub: 500_000_000.0,
            interest_coverage: 0.7,
            equipment_coverage: 0.15,
            requires_registry: true,
        },
        Programme {
            id: "pp1119".into(),
            name: "ПП РФ № 1119 (новая редакция)".into(),
            cap_rub: 1_000_000_000.0,
            interest_coverage: 1.0,
            equipment_coverage: 0.0,
            requires_registry: true,
        },
    ]
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
    pub finance: Finance,
    /// The support programmes in study.toml order (the defaults without `[[support]]`).
    pub support: Vec<Programme>,
}

pub fn is_study_id(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
        && b.iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
}

/// The name and the regions as study.toml text writes them, whatever else it holds.
pub struct Heading {
    pub name: Option<String>,
    /// The regions that are strings, as written.
    pub regions: Vec<String>,
}

/// Reads only the name and the regions of study.toml text, before (and whatever) validation
/// finds: the template check needs them from a file that may still be wrong elsewhere. `None`
/// when the text is no TOML.
pub fn heading(text: &str) -> Option<Heading> {
    #[derive(Deserialize)]
    struct Raw {
        name: Option<toml::Value>,
        regions: Option<toml::Value>,
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let raw: Raw = toml::from_str(text).ok()?;
    Some(Heading {
        name: raw.name.and_then(|v| v.as_str().map(str::to_string)),
        regions: raw
            .regions
            .as_ref()
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod finance_tests;
