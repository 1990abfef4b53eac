//! The result model every renderer reads. Its JSON form is the stable contract.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    Import,
    Cost,
    Spec,
}

impl Flag {
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::Import => "import",
            Flag::Cost => "cost",
            Flag::Spec => "spec",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InvestmentBasis {
    Capex,
    Intensity,
}

impl InvestmentBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            InvestmentBasis::Capex => "capex",
            InvestmentBasis::Intensity => "intensity",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyConsumer {
    pub id: String,
    pub name: String,
    pub region: String,
    pub quantity: f64,
    pub value_rub: f64,
    /// Share of the product's demand_rub (0 when demand_rub is 0).
    pub share: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportOrigin {
    pub origin: String,
    pub quantity: f64,
    pub value_rub: f64,
    /// Share of the product's import_rub.
    pub share: f64,
    pub supplier_names: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SpecGap {
    pub consumer: String,
    pub consumer_name: String,
    pub parameter: String,
    /// Report-only labels from specs.csv; niches.json keeps its SPEC fields.
    #[serde(skip)]
    pub parameter_name: Option<String>,
    #[serde(skip)]
    pub unit: Option<String>,
    pub required_min: Option<f64>,
    pub required_max: Option<f64>,
    pub available: Option<f64>,
}

/// A product that participants buy, with every figure SPEC defines for it.
#[derive(Debug, Clone, Serialize)]
pub struct Need {
    pub product: String,
    pub product_name: String,
    pub stage: u8,
    pub unit: String,
    /// The product's ОКПД2 / ТН ВЭД code (spaces removed), when products.csv gives one.
    pub code: Option<String>,
    pub demand_qty: f64,
    pub demand_rub: f64,
    pub import_rub: f64,
    pub cluster_rub: f64,
    pub domestic_rub: f64,
    pub import_share: f64,
    pub cluster_share: f64,
    pub domestic_share: f64,
    pub avg_price_rub: Option<f64>,
    pub benchmark_price_rub: Option<f64>,
    pub cost_premium: Option<f64>,
    pub spec_gap: bool,
    pub flags: Vec<Flag>,
    pub is_niche: bool,
    /// `import_share >= critical_import_share`.
    pub critical_import: bool,
    pub addressable_qty: f64,
    pub addressable_rub: f64,
    pub investment_rub: f64,
    pub investment_basis: InvestmentBasis,
    pub capex_rub_per_unit: Option<f64>,
    /// The capacity the capex basis pays for: max(addressable_qty, min_capacity); none on intensity.
    pub investment_capacity: Option<f64>,
    pub key_consumers: Vec<KeyConsumer>,
    pub regions: Vec<String>,
    pub import_origins: Vec<ImportOrigin>,
    pub spec_gaps: Vec<SpecGap>,
    pub downstream_final_rub: f64,
    /// The product's history, trend and plans (SPEC v2 "Demand outlook").
    pub outlook: ProductOutlook,
}

#[derive(Debug, Clone, Serialize)]
pub struct Niche {
    pub rank: usize,
    #[serde(flatten)]
    pub need: Need,
    /// The investment case: support programmes and payback (SPEC v2).
    pub support: super::Support,
}

/// Who a participant is and what it supplies, for the report's processing chain.
#[derive(Debug, Clone, Serialize)]
pub struct ChainMember {
    pub id: String,
    pub name: String,
    pub region: String,
    pub role: crate::study::Role,
    pub stage: Option<u8>,
    /// Names of the products it supplies to other participants, by product id.
    pub supplies: Vec<String>,
    /// Names of the products it buys, by product id.
    pub buys: Vec<String>,
    /// The value it buys and sells in all (flows of the selected year).
    pub turnover_rub: f64,
}

/// Participants per stage column that the functional map shows; a larger study shows its
/// largest (by turnover), so the map stays readable and `Analysis::links` stays small.
pub const MAP_PER_STAGE: usize = 8;

/// The map's column of a chain member: its stage; a final producer without one is at stage 4.
pub fn map_column(m: &ChainMember) -> usize {
    match (m.stage, m.role) {
        (Some(s), _) => (s as usize).clamp(1, 4),
        (None, crate::study::Role::FinalProducer) => 4,
        (None, _) => 1,
    }
}

/// Ids of the chain members the map shows: up to `MAP_PER_STAGE` per column, largest turnover
/// first (ties by id).
pub fn map_members(chain: &[ChainMember]) -> std::collections::BTreeSet<&str> {
    let mut by_column: [Vec<(f64, &str)>; 5] = Default::default();
    for m in chain {
        by_column[map_column(m)].push((m.turnover_rub, m.id.as_str()));
    }
    let mut shown = std::collections::BTreeSet::new();
    for col in &mut by_column {
        col.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(y.1)));
        shown.extend(col.iter().take(MAP_PER_STAGE).map(|(_, id)| *id));
    }
    shown
}

#[derive(Debug, Clone, Serialize)]
pub struct StudyInfo {
    pub id: String,
    pub name: String,
    pub regions: Vec<String>,
    pub year: Option<i64>,
    pub criteria: crate::study::Criteria,
    pub investment: crate::study::Investment,
    pub finance: crate::study::config::Finance,
    /// The support programmes, in study.toml order (or the defaults).
    pub support: Vec<crate::study::config::Programme>,
}

/// Everything one `analyze` run found.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    pub study: StudyInfo,
    /// One per product with flows, in product id order.
    pub needs: Vec<Need>,
    /// The niches by rank.
    pub niches: Vec<Niche>,
    pub chain: Vec<ChainMember>,
    pub compliance: super::Compliance,
    /// One per participant, in id order.
    pub import_content: Vec<super::ImportContent>,
    /// Participants whose sales to other participants carry imports, most first.
    pub import_carriers: Vec<ImportCarrier>,
    /// Value of all products from each supplier to each consumer, sorted by (supplier, consumer).
    /// Flows summed per supplier and consumer, for the consumers the map shows (`map_members`).
    pub links: Vec<Link>,
    /// Existing and potential demand: the study's part (each need has its own).
    pub outlook: Outlook,
}

/// All flows from one supplier (participant id, `import:XX` or `domestic`) to one consumer.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub supplier: String,
    pub consumer: String,
    pub value_rub: f64,
}

/// A participant that passes imports on inside the cluster: the import content of what it
/// sells to other participants, `total_import_share * cluster_sales_rub`.
#[derive(Debug, Clone, Serialize)]
pub struct ImportCarrier {
    pub id: String,
    pub name: String,
    pub total_import_share: f64,
    pub cluster_sales_rub: f64,
    pub passed_on_rub: f64,
}

// The demand outlook (SPEC v2), computed by `outlook.rs`.

/// The kind of a `demand_outlook.csv` row, in the order rows of one year are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    History,
    Trend,
    Plan,
}

impl RowKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RowKind::History => "history",
            RowKind::Trend => "trend",
            RowKind::Plan => "plan",
        }
    }
}

/// One year of a product's demand: observed, projected or planned.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutlookRow {
    /// Empty only for the one history row of a study without any year.
    pub year: Option<i64>,
    #[serde(skip)]
    pub kind: RowKind,
    pub demand_qty: f64,
    pub demand_rub: f64,
    pub import_rub: f64,
    /// The band, on trend rows only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low_rub: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high_rub: Option<f64>,
}

/// The fitted trend of a product's demand.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Trend {
    pub demand_growth: f64,
    pub growth_low: f64,
    pub growth_high: f64,
    pub trend_years: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrendOutlook {
    #[serde(flatten)]
    pub trend: Trend,
    pub projection: Vec<OutlookRow>,
}

/// One product's outlook (`Need::outlook`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ProductOutlook {
    pub history: Vec<OutlookRow>,
    /// `None` without a trend.
    pub trend: Option<TrendOutlook>,
    /// One per plan year, ascending.
    pub plans: Vec<OutlookRow>,
}

impl ProductOutlook {
    pub fn demand_growth(&self) -> Option<f64> {
        self.trend.as_ref().map(|t| t.trend.demand_growth)
    }

    /// The trend's demand at the end of the horizon.
    pub fn trend_rub(&self) -> Option<f64> {
        self.trend
            .as_ref()
            .and_then(|t| t.projection.last())
            .map(|r| r.demand_rub)
    }

    /// The latest plan year's row.
    pub fn last_plan(&self) -> Option<&OutlookRow> {
        self.plans.last()
    }

    /// Every row as `demand_outlook.csv` orders them: by year, then kind.
    pub fn rows(&self) -> Vec<&OutlookRow> {
        let mut rows: Vec<&OutlookRow> = self.history.iter().collect();
        if let Some(t) = &self.trend {
            rows.extend(&t.projection);
        }
        rows.extend(&self.plans);
        // Stable: history rows of a study without a year keep their place.
        rows.sort_by_key(|r| (r.year, r.kind));
        rows
    }
}

/// A row of plans.csv as the report shows it.
#[derive(Debug, Clone, Serialize)]
pub struct PlanInfo {
    pub participant: String,
    pub name: String,
    pub year: i64,
    pub output_rub: f64,
    /// x_j of the selected year.
    pub current_output_rub: f64,
    pub note: Option<String>,
}

/// The study's outlook.
#[derive(Debug, Clone, Serialize)]
pub struct Outlook {
    pub horizon: u32,
    /// Every history year (whatever the product), ascending.
    pub history_years: Vec<i64>,
    /// The distinct plan years, ascending.
    pub plan_years: Vec<i64>,
    pub plans: Vec<PlanInfo>,
}
