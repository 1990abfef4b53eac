//! The batch's model: a row per study (what the run did with it and its summary) and what
//! changed since its previous run. `batch` fills it; `report::batch` renders it.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Unchanged,
    Failed,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The study id, or the folder when the id could not be read.
    pub study: String,
    pub path: String,
    pub status: Status,
    pub niches: Option<usize>,
    pub top_niche: Option<String>,
    /// The top niche's product name, for batch.md (batch.csv keeps the id).
    #[serde(skip)]
    pub top_niche_name: Option<String>,
    pub addressable_rub: Option<f64>,
    pub compliance: Option<String>,
    pub message: String,
    /// For a failure: whether the study's data was invalid (exit 65) rather than I/O etc.
    #[serde(skip)]
    pub data_error: bool,
    #[serde(skip)]
    pub changes: Option<StudyChanges>,
    /// What-if scenarios of the previous results, kept under this folder of the study's
    /// output (`history/<time>/whatif`), by product.
    #[serde(skip)]
    pub kept_scenarios: Option<KeptScenarios>,
    /// What the study brings to the portfolio (ok and unchanged studies), or why it cannot.
    #[serde(skip)]
    pub member: Option<std::result::Result<super::portfolio::Member, String>>,
}

/// The what-if scenarios a rerun kept: where they are (relative to the study's output
/// folder), their products, and whether they went to the history (other inputs).
#[derive(Debug, Clone)]
pub struct KeptScenarios {
    pub folder: String,
    pub products: Vec<String>,
    pub to_history: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    NicheOpened {
        product: String,
        product_name: String,
        rank: u64,
    },
    NicheClosed {
        product: String,
        product_name: String,
        rank: u64,
    },
    RankMoved {
        product: String,
        product_name: String,
        from: u64,
        to: u64,
    },
    DemandChanged {
        product: String,
        product_name: String,
        from: f64,
        to: f64,
        relative: f64,
    },
    ImportShareChanged {
        product: String,
        product_name: String,
        from: f64,
        to: f64,
    },
    /// The trend's `demand_growth` moved by more than the threshold (in rate points), or the
    /// trend appeared or went.
    GrowthChanged {
        product: String,
        product_name: String,
        from: Option<f64>,
        to: Option<f64>,
    },
    /// `plan_demand_rub` moved by more than the threshold (relative), or plans appeared or went.
    PlanDemandChanged {
        product: String,
        product_name: String,
        from: Option<f64>,
        to: Option<f64>,
    },
    ComplianceChanged {
        criterion: String,
        from: String,
        to: String,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct StudyChanges {
    pub study: String,
    pub previous_run: String,
    pub changes: Vec<Change>,
}
