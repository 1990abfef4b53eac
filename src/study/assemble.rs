//! Putting a study together from the tables read (from a folder or a workbook): validation,
//! cross-references, the year and the aggregated flows.

use super::aggregate::{aggregate, duplicate_rows, select_year, HistRow};
use super::table::Table;
use super::validate::{
    flow_rows, index, merge_repeated_references, participants, plans, products, specs, Refs,
};
use super::{config, Source, Study};
use crate::error::{Error, Problem, Result};

/// A study's parts as read from a folder or a workbook, before validation.
pub(super) struct Inputs {
    pub config: Option<config::StudyConfig>,
    /// Participants, products, flows, specs and plans (as in `TABLES`); `None` when absent or
    /// unreadable.
    pub tables: [Option<Table>; 5],
    pub dialects: Vec<(String, super::dialect::Detected)>,
    /// How the settings are named in messages: `study.toml` or `the study sheet`.
    pub settings: &'static str,
    /// Flows read and aggregated by the fast path (then the flows table is `None`).
    pub fast_flows: Option<super::fast::FastFlows>,
    /// How warnings name the flows: `flows.csv`, `flows.parquet`, `flows/` or the sheet.
    pub flows_file: String,
    /// What file names start with in problems (the study folder), to name a dataset's files
    /// in warnings relative to it.
    pub study_prefix: String,
}

/// Validates every cell and cross-reference of the tables read, selects the year and
/// aggregates the flows. `problems` holds what reading found already.
pub(super) fn assemble(inputs: Inputs, mut problems: Vec<Problem>) -> Result<Study> {
    let Inputs {
        config,
        tables: [participants_t, products_t, flows_t, specs_t, plans_t],
        dialects,
        settings,
        fast_flows,
        flows_file,
        study_prefix,
    } = inputs;
    let (participants, participant_ids) = participants_t
        .as_ref()
        .map(|t| participants(t, &mut problems))
        .unwrap_or_default();
    let (products, product_ids) = products_t
        .as_ref()
        .map(|t| products(t, &mut problems))
        .unwrap_or_default();

    // Cross-references can only be checked against tables that were read. A row with a bad
    // cell still defines its id, so that one mistake is not reported again on every reference.
    // (Without problems the ids are exactly the keys of the maps, so the indices agree.)
    let refs = Refs {
        participants: participants_t.is_some().then(|| index(&participant_ids)),
        products: products_t.is_some().then(|| index(&product_ids)),
    };
    let rows = flows_t.as_ref().map(|t| flow_rows(t, &refs, &mut problems));
    let specs = specs_t
        .as_ref()
        .map(|t| specs(t, &refs, &mut problems))
        .unwrap_or_default();

    let mut selected_year = None;
    let mut flows = super::Flows::default();
    let mut history = super::History::default();
    // Whether the selected year is known (plans are checked against it only then).
    let mut year_known = false;
    let mut years_present = Vec::new();
    let mut renamed_origins = Vec::new();
    let mut duplicate_flow_rows = Vec::new();
    let flows_fast = fast_flows.is_some();
    if let Some(f) = fast_flows {
        selected_year = f.selected_year;
        flows = f.flows;
        history = f.history;
        year_known = true;
        years_present = f.years.into_iter().collect();
    } else if let (Some(config), Some(rows), Some(t)) = (&config, rows, &flows_t) {
        years_present = rows.years.iter().copied().collect();
        renamed_origins = rows.renamed;
        match select_year(config.year, &rows.years, rows.has_year, settings) {
            Ok(y) => {
                selected_year = y;
                year_known = true;
                let year = rows.has_year.then_some(y).flatten();
                duplicate_flow_rows = duplicate_rows(&rows.rows, year);
                flows = aggregate(&rows.rows, year);
                let earlier = rows
                    .rows
                    .iter()
                    .filter_map(|r| {
                        let year = r.year.filter(|ry| Some(*ry) != y)?;
                        Some(HistRow {
                            product: r.product as u32,
                            year,
                            value: r.value_rub,
                            quantity: r.quantity,
                            import: matches!(r.supplier, Source::Import(_)),
                        })
                    })
                    .collect();
                history = super::aggregate::history(rows.has_year, &rows.years, y, earlier);
            }
            // Rows that were refused (ragged) are already reported: the year follows from them.
            Err(_) if t.rows.is_empty() && problems.iter().any(|p| p.file == t.file) => {}
            // A file without rows is not a year without rows: say what is wrong.
            Err(_) if t.rows.is_empty() => problems.push(Problem::file(
                &t.file,
                format!(
                    "the file has no rows under its header, so no flow is of the study year {} ({settings}); \
                     expected at least one flow row",
                    config.year.unwrap_or_default()
                ),
            )),
            Err(msg) => problems.push(Problem::file(&t.file, msg).with_field("year")),
        }
    }
    let plans = plans_t
        .as_ref()
        .map(|t| plans(t, &refs, year_known.then_some(selected_year), &mut problems))
        .unwrap_or_default();

    // A dataset's rows are numbered across its files: warnings name each row's own file.
    let flows_places: Vec<(u64, String)> = flows_t
        .as_ref()
        .map(|t| {
            t.places()
                .iter()
                .map(|(first, f)| {
                    let name = f.strip_prefix(study_prefix.as_str()).unwrap_or(f);
                    (*first, name.to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    let problems = merge_repeated_references(problems);
    match config {
        Some(config) if problems.is_empty() => Ok(Study {
            config,
            has_governance_column: participants_t.as_ref().is_some_and(|t| t.has(7)),
            participants: participants.into_values().collect(),
            products: products.into_values().collect(),
            flows,
            specs,
            selected_year,
            dialects,
            flows_fast,
            history,
            plans,
            years_present,
            renamed_origins,
            duplicate_flow_rows,
            flows_file,
            flows_places,
        }),
        _ => Err(Error::Data(problems)),
    }
}
