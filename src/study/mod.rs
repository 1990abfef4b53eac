//! The study: its validated input model and the loader for a study folder or workbook.
//!
//! Loading collects every problem it can find before giving up, so one run of
//! `nichegraph check` lists them all.

mod aggregate;
mod assemble;
pub mod config;
pub mod countries;
pub mod dataset;
pub mod dialect;
mod fast;
mod flows;
mod load;
mod parquet;
pub mod schema;
pub mod table;
#[cfg(test)]
pub mod testing;
mod validate;
pub mod warnings;
pub mod workbook;

pub use config::{ComplianceThresholds, Criteria, Investment, Outlook, StudyConfig};
pub use flows::{text_ranks, Flow, FlowRef, Flows};
pub use load::{load, load_exact, load_members, load_with, Members};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Industrial,
    FinalProducer,
    Education,
    Infrastructure,
    SpecializedOrg,
}

impl Role {
    pub const ALL: [(&'static str, Role); 5] = [
        ("industrial", Role::Industrial),
        ("final_producer", Role::FinalProducer),
        ("education", Role::Education),
        ("infrastructure", Role::Infrastructure),
        ("specialized_org", Role::SpecializedOrg),
    ];

    /// Other names users type for each role (compared as `Role::parse` compares): the Russian
    /// names of the roles in the Decree and the seed, and plain English.
    const ALIASES: [(&'static str, Role); 26] = [
        ("промышленное предприятие", Role::Industrial),
        ("промышленная организация", Role::Industrial),
        ("промышленный", Role::Industrial),
        ("предприятие", Role::Industrial),
        ("industrial enterprise", Role::Industrial),
        ("производитель конечной продукции", Role::FinalProducer),
        ("конечный производитель", Role::FinalProducer),
        ("финальный производитель", Role::FinalProducer),
        ("производитель", Role::FinalProducer),
        ("final producer", Role::FinalProducer),
        ("образовательное учреждение", Role::Education),
        ("образовательная организация", Role::Education),
        ("образование", Role::Education),
        ("вуз", Role::Education),
        ("educational institution", Role::Education),
        ("объект инфраструктуры", Role::Infrastructure),
        ("организация инфраструктуры", Role::Infrastructure),
        ("инфраструктурный объект", Role::Infrastructure),
        ("инфраструктура", Role::Infrastructure),
        ("infrastructure object", Role::Infrastructure),
        ("специализированная организация", Role::SpecializedOrg),
        (
            "специализированная организация кластера",
            Role::SpecializedOrg,
        ),
        ("управляющая компания", Role::SpecializedOrg),
        ("specialized organization", Role::SpecializedOrg),
        ("specialised organisation", Role::SpecializedOrg),
        ("specialised org", Role::SpecializedOrg),
    ];

    /// The role a cell names: an id (`final_producer`) or one of the aliases, whatever the
    /// case, with `_`, `-` or several spaces between words, and `ё` as `е`.
    pub fn parse(text: &str) -> Option<Role> {
        let norm = |s: &str| -> String {
            s.to_lowercase()
                .replace('ё', "е")
                .split(|c: char| c.is_whitespace() || c == '_' || c == '-')
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let t = norm(text);
        Role::ALL
            .iter()
            .chain(Role::ALIASES.iter())
            .find(|(n, _)| norm(n) == t)
            .map(|(_, r)| *r)
    }
}

#[derive(Debug, Clone)]
pub struct Participant {
    pub id: String,
    pub name: String,
    pub region: String,
    pub role: Role,
    /// The stage it produces at; a final producer without a stage is at stage 4.
    pub stage: Option<u8>,
    pub employees: Option<u64>,
    pub hp_jobs: Option<u64>,
    pub in_governance: Option<bool>,
    pub output_rub: Option<f64>,
    pub inn: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Product {
    pub id: String,
    pub name: String,
    pub stage: u8,
    pub unit: String,
    pub benchmark_price_rub: Option<f64>,
    pub capex_rub_per_unit: Option<f64>,
    pub min_capacity: Option<f64>,
    /// The code in a shared classification (ОКПД2 or ТН ВЭД), spaces removed.
    pub code: Option<String>,
}

impl Product {
    /// The key that makes products of different studies the same product (SPEC "The
    /// association's portfolio"): the code when given, else `id:` and the id.
    pub fn key(&self) -> String {
        match &self.code {
            Some(c) => c.clone(),
            None => format!("id:{}", self.id),
        }
    }
}

/// A products.csv `code` cell with its spaces removed (also the no-break spaces that
/// documents copied from Word carry); `None` when nothing remains.
pub fn product_code(text: &str) -> Option<String> {
    let code: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    (!code.is_empty()).then_some(code)
}

/// Whether a code (spaces removed) is made of digits and dots only.
pub fn is_product_code(code: &str) -> bool {
    !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

/// Where a flow comes from. The origin is owned on a row being read and borrowed from the
/// flows table (`Source<&str>`) on an aggregated flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source<O = String> {
    /// A participant, by index into `Study::participants`.
    Participant(usize),
    /// An import origin such as `FR`.
    Import(O),
    /// A Russian supplier outside the cluster.
    Domestic,
}

impl Source<&str> {
    /// The source with its origin owned.
    pub fn owned(self) -> Source {
        match self {
            Source::Participant(i) => Source::Participant(i),
            Source::Import(o) => Source::Import(o.to_string()),
            Source::Domestic => Source::Domestic,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Spec {
    pub consumer: usize,
    pub product: usize,
    pub parameter: String,
    /// The parameter as people call it («Прочность при растяжении»); reports fall back to
    /// the id.
    pub parameter_name: Option<String>,
    /// The unit of the required and available values («ГПа»).
    pub unit: Option<String>,
    pub required_min: Option<f64>,
    pub required_max: Option<f64>,
    pub available: Option<f64>,
}

impl Spec {
    /// A gap: nothing on offer, or what is on offer misses the bounds (strictly).
    pub fn is_gap(&self) -> bool {
        match self.available {
            None => true,
            Some(a) => {
                self.required_min.is_some_and(|m| a < m) || self.required_max.is_some_and(|m| a > m)
            }
        }
    }
}

/// One row of plans.csv: a participant's planned annual output in a year after the selected one.
#[derive(Debug, Clone)]
pub struct Plan {
    /// By index into `Study::participants`.
    pub participant: usize,
    pub year: i64,
    pub output_rub: f64,
    pub note: Option<String>,
}

/// The v1 sums of one product's flow rows in one history year before the selected year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct YearSums {
    pub product: usize,
    pub year: i64,
    pub demand_qty: f64,
    pub demand_rub: f64,
    pub import_rub: f64,
}

/// The flows' history (SPEC v2 "Demand outlook"): what the outlook needs of the years before
/// the selected one, summed while loading so that no other year's rows are kept.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// The years on flow rows (whatever the row's product) up to the selected year, ascending;
    /// without a `year` column, the study `year` alone (or none).
    pub years: Vec<i64>,
    /// Sums per (product, year) for the years before the selected one, sorted by (product,
    /// year); a product appears in a year when it has at least one row there.
    pub sums: Vec<YearSums>,
}

/// A validated study. Participants and products are sorted by id (byte order), so every
/// index order is id order and row order in the files never shows in the results.
#[derive(Debug, Clone)]
pub struct Study {
    pub config: StudyConfig,
    pub participants: Vec<Participant>,
    pub products: Vec<Product>,
    /// Aggregated flows of the selected year, sorted by (product, consumer, supplier).
    pub flows: Flows,
    pub specs: Vec<Spec>,
    /// Whether participants.csv has an `in_governance` column (compliance needs to know).
    pub has_governance_column: bool,
    /// The year whose flows are used, when flows carry years or the study names one.
    pub selected_year: Option<i64>,
    /// How each CSV file was written (file name, dialect), as detected or set.
    pub dialects: Vec<(String, dialect::Detected)>,
    /// The years before the selected one, summed per product.
    pub history: History,
    /// plans.csv, sorted by (year, participant); empty without the file.
    pub plans: Vec<Plan>,
    /// Whether flows.csv was read by the fast path (`fast.rs`) rather than the exact loader.
    pub flows_fast: bool,
    /// Every year flows.csv has rows for, ascending (empty without a `year` column).
    pub years_present: Vec<i64>,
    /// Import origins written as a country's name (`import:Norway`), read as its code.
    pub renamed_origins: Vec<RenamedOrigin>,
    /// Flow rows of the selected year that repeat an earlier row exactly: (line, first line).
    pub duplicate_flow_rows: Vec<(u64, u64)>,
    /// How warnings name the flows: `flows.csv`, `flows.parquet`, `flows/` or the sheet.
    pub flows_file: String,
    /// For a dataset: each file's first line in the flows' row numbering and its name.
    pub flows_places: Vec<(u64, String)>,
}

/// An import origin written otherwise than as its ISO code, and the code it was read as.
#[derive(Debug, Clone)]
pub struct RenamedOrigin {
    pub written: String,
    pub code: String,
    /// The first line that spells it so, and how many rows do.
    pub line: u64,
    pub rows: usize,
}

impl Study {
    pub fn participant_index(&self, id: &str) -> Option<usize> {
        self.participants
            .binary_search_by(|p| p.id.as_str().cmp(id))
            .ok()
    }

    pub fn product_index(&self, id: &str) -> Option<usize> {
        self.products
            .binary_search_by(|p| p.id.as_str().cmp(id))
            .ok()
    }

    /// Where a flow row is, as warnings cite it: `flows.csv:12`, a dataset's own file and
    /// row, or the flows sheet's row.
    pub fn flow_line(&self, line: u64) -> String {
        let k = self
            .flows_places
            .partition_point(|(first, _)| *first <= line);
        match k.checked_sub(1).and_then(|k| self.flows_places.get(k)) {
            Some((first, file)) => format!("{file}:{}", line - first + 1),
            None if self.dialects.is_empty() => format!("{}, row {line}", self.flows_file),
            None => format!("{}:{line}", self.flows_file),
        }
    }

    /// The name a source is shown by in tables: participant id, `import:XX` or `domestic`.
    pub fn source_key<O: AsRef<str>>(&self, s: &Source<O>) -> String {
        match s {
            Source::Participant(i) => self.participants[*i].id.clone(),
            Source::Import(o) => format!("import:{}", o.as_ref()),
            Source::Domestic => "domestic".to_string(),
        }
    }
}
