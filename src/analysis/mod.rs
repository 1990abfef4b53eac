//! Needs and niches, registry compliance, import content and what-if scenarios:
//! pure functions over a validated study and its supply graph.

pub mod batch;
pub mod compliance;
pub mod import_content;
pub mod model;
mod needs;
pub mod outlook;
pub mod portfolio;
pub mod support;
pub mod whatif;

pub use compliance::{Compliance, Status, Totals};
pub use import_content::ImportContent;
pub use model::*;
pub use needs::{analyze, key_consumers};
pub use support::{Eligibility, ProgrammeEstimate, Support};
