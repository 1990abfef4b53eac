//! A study's results as batch reads them, typed: from the `Analysis` of a run, or read back
//! from niches.json and compliance.json of an earlier one (an unchanged study, or the previous
//! results a rerun compares with). One route to the row's summary and to the changes.

use crate::analysis::batch::Row;
use crate::analysis::Analysis;
use serde::Deserialize;
use std::path::Path;

/// The niches and compliance statuses of one set of results.
#[derive(Debug, Clone, Default)]
pub struct Results {
    /// In rank order.
    pub niches: Vec<NicheResult>,
    pub overall: Option<String>,
    /// (criterion id, status) in the order of compliance.json.
    pub criteria: Vec<(String, String)>,
}

/// What batch needs of one niche.
#[derive(Debug, Clone, Deserialize)]
pub struct NicheResult {
    pub product: String,
    pub rank: u64,
    #[serde(default)]
    pub product_name: Option<String>,
    #[serde(default)]
    pub demand_rub: Option<f64>,
    #[serde(default)]
    pub import_share: Option<f64>,
    #[serde(default)]
    pub addressable_rub: Option<f64>,
    /// Absent in results written before the outlook.
    #[serde(default)]
    pub outlook: Option<OutlookResult>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct OutlookResult {
    #[serde(default)]
    pub trend: Option<TrendResult>,
    #[serde(default)]
    pub plans: Vec<PlanResult>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TrendResult {
    #[serde(default)]
    pub demand_growth: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PlanResult {
    #[serde(default)]
    pub demand_rub: Option<f64>,
}

impl NicheResult {
    /// The trend's demand growth, when there is a trend.
    pub fn demand_growth(&self) -> Option<f64> {
        self.outlook.as_ref()?.trend.as_ref()?.demand_growth
    }

    /// The demand under the plans of the latest plan year, when there are plans.
    pub fn plan_demand_rub(&self) -> Option<f64> {
        self.outlook.as_ref()?.plans.last()?.demand_rub
    }
}

#[derive(Deserialize)]
struct NichesFile {
    #[serde(default)]
    niches: Vec<NicheResult>,
}

#[derive(Deserialize)]
struct ComplianceFile {
    #[serde(default)]
    overall: Option<String>,
    #[serde(default)]
    criteria: Vec<CriterionFile>,
}

#[derive(Deserialize)]
struct CriterionFile {
    id: String,
    status: String,
}

/// A number as the JSON files hold it: JSON has no NaN or infinity (they are written as null).
fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

impl Results {
    /// The results of a run, from its analysis.
    pub fn of(a: &Analysis) -> Results {
        Results {
            niches: a
                .niches
                .iter()
                .map(|n| NicheResult {
                    product: n.need.product.clone(),
                    rank: n.rank as u64,
                    product_name: Some(n.need.product_name.clone()),
                    demand_rub: finite(n.need.demand_rub),
                    import_share: finite(n.need.import_share),
                    addressable_rub: finite(n.need.addressable_rub),
                    outlook: Some(OutlookResult {
                        trend: n.need.outlook.trend.as_ref().map(|t| TrendResult {
                            demand_growth: finite(t.trend.demand_growth),
                        }),
                        plans: n
                            .need
                            .outlook
                            .plans
                            .iter()
                            .map(|p| PlanResult {
                                demand_rub: finite(p.demand_rub),
                            })
                            .collect(),
                    }),
                })
                .collect(),
            overall: Some(a.compliance.overall.as_str().to_string()),
            criteria: a
                .compliance
                .criteria
                .iter()
                .map(|c| (c.id.to_string(), c.status.as_str().to_string()))
                .collect(),
        }
    }

    /// Results from the bytes of a niches.json and a compliance.json; `None` when either is
    /// not such a file.
    pub fn parse(niches: &[u8], compliance: &[u8]) -> Option<Results> {
        let n: NichesFile = serde_json::from_slice(niches).ok()?;
        let c: ComplianceFile = serde_json::from_slice(compliance).ok()?;
        Some(Results {
            niches: n.niches,
            overall: c.overall,
            criteria: c.criteria.into_iter().map(|c| (c.id, c.status)).collect(),
        })
    }

    /// The results in a study's output folder; `None` when they cannot be read.
    pub fn read(folder: &Path) -> Option<Results> {
        let niches = std::fs::read(folder.join("niches.json")).ok()?;
        let compliance = std::fs::read(folder.join("compliance.json")).ok()?;
        Results::parse(&niches, &compliance)
    }

    /// Fills the row's summary columns: the niches, the top one, the addressable demand and the
    /// compliance overall.
    pub fn summarise(&self, row: &mut Row) {
        row.niches = Some(self.niches.len());
        let top = self.niches.first();
        row.top_niche = top.map(|n| n.product.clone());
        row.top_niche_name = top.and_then(|n| n.product_name.clone());
        row.addressable_rub = Some(self.niches.iter().filter_map(|n| n.addressable_rub).sum());
        row.compliance = self.overall.clone();
    }
}
