//! `nichegraph init`: a ready-to-fill study, as CSV files or as one workbook, and the check
//! that tells an untouched template apart from a study with real problems.
//!
//! CSV has no comments, so each table gets one example row instead: its ids start with
//! [`EXAMPLE_ID`] and its names with [`EXAMPLE_NAME`]. The example rows together form a valid
//! study (an industrial participant, a final producer, an imported and a cluster product, an
//! import flow, a cooperation flow and a spec row), so once the analyst overwrites the example
//! values the study analyses. `study.toml` holds placeholders starting with [`FILL`] for the name
//! and the regions, and every other setting commented out with its default and an explanation.
//!
//! The workbook (`--xlsx`) has the same tables as sheets, a `study` sheet with `key | value`
//! rows, and a `README` sheet (in Russian) that explains every column and setting. Role and
//! stage cells have drop-down lists; numeric columns have number formats; headers are bold and
//! frozen; the creation time is fixed, so the same version always writes the same bytes.
//!
//! [`untouched`] finds the template's markers in a study folder or workbook and reports them as
//! one plain problem per file or sheet, so `check` on a fresh template says what is left to
//! fill instead of listing every consequence.

mod init;
mod tables;
mod text;
mod untouched;
mod xlsx;

pub use init::{init, Created};
pub use untouched::untouched;

/// Placeholders in `study.toml` (and on the workbook's `study` sheet) start with this.
pub const FILL: &str = "ЗАПОЛНИТЕ";
/// The template's study name.
pub const NAME_PLACEHOLDER: &str = "ЗАПОЛНИТЕ: название кластера";
/// The template's only region.
pub const REGION_PLACEHOLDER: &str = "ЗАПОЛНИТЕ: субъект РФ";
/// Ids of the example rows start with this.
pub const EXAMPLE_ID: &str = "example-";
/// Names of the example rows start with this.
pub const EXAMPLE_NAME: &str = "ПРИМЕР:";
/// The template's study id (valid; it names the output folder).
pub const STUDY_ID: &str = "new-study";

#[cfg(test)]
mod tests;
