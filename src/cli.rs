//! Command-line types (clap derive only), so that they can be reused for completions and docs.

use crate::report::{Format, Lang};
use crate::study::dialect::{DialectOptions, Encoding};
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "nichegraph",
    version,
    about = "Finds investment niches in industrial clusters from supplier-consumer flows",
    long_about = "Finds investment niches in industrial clusters: needs with a high import share, \
                  a cost above benchmark, or a required characteristic no supplier offers.\n\n\
                  A study is a folder with study.toml, participants.csv, products.csv, flows.csv \
                  (or flows.parquet, or a flows/ folder of Parquet files) and optionally specs.csv, or one .xlsx workbook with the sheets \
                  study, participants, products, flows and optionally specs. `nichegraph init DIR` \
                  writes a template to fill. The format is in docs/SPEC.md and docs/DECISIONS.md."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Analyse one study folder and write its results to <OUT>/<study id>/
    Analyze {
        /// The study: a folder, or a .xlsx workbook
        study: PathBuf,
        /// Output folder
        #[arg(long, default_value = "notebooks-out")]
        out: PathBuf,
        /// Language of the report
        #[arg(long, value_enum, default_value_t = Lang::Ru)]
        lang: Lang,
        /// Outputs to write, comma-separated (default: all)
        #[arg(long, value_enum, value_delimiter = ',', default_values_t = Format::ALL)]
        format: Vec<Format>,
        /// Do not print warnings and the summary
        #[arg(long, short)]
        quiet: bool,
        #[command(flatten)]
        input: InputArgs,
    },
    /// Simulate localising a product: move its imports to a cluster supplier and recompute
    Whatif {
        /// The study: a folder, or a .xlsx workbook
        study: PathBuf,
        /// The product to localise (a product id)
        #[arg(long, value_name = "PRODUCT")]
        localize: String,
        /// Fraction of each import flow to move, from 0 to 1
        #[arg(long, default_value_t = 1.0, value_name = "S")]
        share: f64,
        /// An existing participant to supply it (default: a new participant new-<PRODUCT>)
        #[arg(long, value_name = "ID")]
        supplier: Option<String>,
        /// Give the supplier the purchases of this participant, scaled to the moved value
        /// (its inputs per rub of output); without it the supplier's own inputs are not modelled
        #[arg(long, value_name = "ID")]
        inputs_like: Option<String>,
        /// Output folder; the scenario goes to <OUT>/<study id>/whatif/<PRODUCT>/
        #[arg(long, default_value = "notebooks-out")]
        out: PathBuf,
        /// Language of whatif.md
        #[arg(long, value_enum, default_value_t = Lang::Ru)]
        lang: Lang,
        #[command(flatten)]
        input: InputArgs,
    },
    /// Rerun every study under the given paths, skipping unchanged ones, with a change report
    Batch {
        /// Study folders, or folders to search for them
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output folder: <OUT>/<study id>/ per study, plus batch.csv, batch.md, changes.md, changes.json
        #[arg(long, default_value = "notebooks-out")]
        out: PathBuf,
        /// Studies run at once (default: one per core)
        #[arg(long, short)]
        jobs: Option<usize>,
        /// Rerun studies whose inputs, version and options are unchanged
        #[arg(long)]
        force: bool,
        /// Relative change in demand, or change in import share points, that the change report lists
        #[arg(long, default_value_t = 0.10, value_name = "FRACTION")]
        change_threshold: f64,
        /// Language of the reports
        #[arg(long, value_enum, default_value_t = Lang::Ru)]
        lang: Lang,
        /// Outputs to write per study, comma-separated (default: all)
        #[arg(long, value_enum, value_delimiter = ',', default_values_t = Format::ALL)]
        format: Vec<Format>,
        /// No progress bar and no log lines
        #[arg(long, short)]
        quiet: bool,
        #[command(flatten)]
        input: InputArgs,
    },
    /// Write a ready-to-fill study template: CSV files and study.toml, or one workbook
    Init {
        /// The folder to create (with --xlsx, the workbook DIR/study.xlsx, or DIR itself when
        /// it ends with .xlsx); existing files are never overwritten
        dir: PathBuf,
        /// Write one Excel workbook with drop-down lists and a README sheet instead of CSV files
        #[arg(long)]
        xlsx: bool,
    },
    /// Write a synthetic study of any size (for benchmarks and scale tests); the same
    /// arguments always give the same files
    Generate {
        /// The folder to write (created; existing study files are never overwritten)
        dir: PathBuf,
        /// Number of participants
        #[arg(long, default_value_t = 1000)]
        participants: usize,
        /// Number of flow rows
        #[arg(long, default_value_t = 10_000)]
        flows: usize,
        /// Seed of the random generator
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write flows.parquet instead of flows.csv
        #[arg(long)]
        parquet: bool,
        /// Write the flows as a hive-partitioned Parquet dataset, flows/year=<Y>/part-0.parquet,
        /// as Spark and polars write them
        #[arg(long, conflicts_with = "parquet")]
        dataset: bool,
        /// The study id (default: synthetic-<participants>-<flows>)
        #[arg(long)]
        id: Option<String>,
        /// Years of flow history ending with the study year, 1..30 (rows spread over them)
        #[arg(long, default_value_t = 1)]
        years: u32,
        /// Participants with an output plan in plans.csv (0: no plans.csv)
        #[arg(long, default_value_t = 0)]
        plans: usize,
        /// Write this many transaction lines to transactions.csv instead of flows (for
        /// `nichegraph ingest`); participants get an `inn` and products a `code`
        #[arg(long, default_value_t = 0, value_name = "N")]
        transactions: usize,
    },
    /// Turn transaction lines (invoice and customs lines, one per delivery) into a study's
    /// flows: DIR/flows/year=<Y>/part-0.parquet (or DIR/flows.csv) and DIR/ingest.json
    Ingest {
        /// The lines: transactions.csv, a .parquet file, or a folder of Parquet files
        lines: PathBuf,
        /// The study folder: lines are matched to its participants by `inn` and to its
        /// products by `code`, and the flows are written into it
        #[arg(long, value_name = "DIR")]
        study: PathBuf,
        /// Write DIR/flows.csv instead of the Parquet dataset DIR/flows/
        #[arg(long)]
        csv: bool,
        /// Language of the summary
        #[arg(long, value_enum, default_value_t = Lang::Ru)]
        lang: Lang,
        /// Do not print the summary
        #[arg(long, short)]
        quiet: bool,
        /// Lines per chunk (memory per chunk in flight; the output never depends on it)
        #[arg(long, hide = true, default_value_t = 65536)]
        chunk_lines: usize,
        #[command(flatten)]
        input: InputArgs,
    },
    /// Validate a study folder: list every problem and warning, write nothing
    Check {
        /// The study: a folder, or a .xlsx workbook
        study: PathBuf,
        #[command(flatten)]
        input: InputArgs,
    },
}

/// How input CSV files are written; each is detected from the data unless set here.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct InputArgs {
    /// Encoding of the CSV files (default: detect UTF-8 or Windows-1251)
    #[arg(long, value_enum)]
    pub encoding: Option<Encoding>,
    /// Separator of the CSV files: ',', ';' or 'tab' (default: detect)
    #[arg(long, value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// Numbers are written with a decimal comma and spaces between thousands (default: detect)
    #[arg(long, conflicts_with = "decimal_point")]
    pub decimal_comma: bool,
    /// Numbers are written with a decimal point; ',' may separate thousands, as in 1,234.5
    /// (default: detect)
    #[arg(long)]
    pub decimal_point: bool,
}

impl InputArgs {
    pub fn options(&self) -> DialectOptions {
        DialectOptions {
            encoding: self.encoding,
            delimiter: self.delimiter,
            decimal_comma: match (self.decimal_comma, self.decimal_point) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            },
        }
    }
}

fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "," | "comma" => Ok(b','),
        ";" | "semicolon" => Ok(b';'),
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        other => Err(format!("{other:?}: expected ',', ';' or 'tab'")),
    }
}

pub fn build_command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

#[cfg(test)]
mod tests {
    #[test]
    fn cli_is_consistent() {
        super::build_command().debug_assert();
    }
}
