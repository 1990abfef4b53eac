//! Needs and niches: pure functions over a validated study and its supply graph.

pub mod model;
mod needs;

pub use model::*;
pub use needs::{analyze, key_consumers};
