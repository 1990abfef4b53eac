//! `nichegraph ingest`: transaction lines (invoice and customs lines, one per delivery) turned
//! into a study's flows, as SPEC "From transaction lines to flows" defines it.
//!
//! Memory stays bounded whatever the input size: the lines are read a fixed number at a time
//! (`Options::chunk_lines`), each chunk is validated, mapped and summed on its own (in
//! parallel, `lines::reduce`), and the chunks' sums are added up in chunk order
//! (`total::Total`), so the output is byte-identical for any number of threads. What stays in
//! memory is one sum per output flow and per unmatched INN or code.

mod csv_input;
pub mod lines;
mod lookup;
mod parquet_input;
pub mod summary;
pub mod total;
mod write;

use crate::error::{Error, Problem, Result};
use crate::study::dialect::DialectOptions;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Lines per chunk by default: large enough to keep both cores busy, small enough that a few
/// chunks in flight take some tens of MB.
pub const CHUNK_LINES: usize = 1 << 16;

/// How many unmatched INNs and codes the summary lists.
pub const TOP: usize = 10;

#[derive(Debug, Clone)]
pub struct Options {
    /// transactions.csv, a .parquet file, or a folder of Parquet files.
    pub lines: PathBuf,
    pub study: PathBuf,
    /// Write flows.csv instead of the flows/ dataset.
    pub csv: bool,
    pub input: DialectOptions,
    pub chunk_lines: usize,
}

/// What a run wrote and skipped, for the summary.
#[derive(Debug)]
pub struct Outcome {
    pub tally: lines::Tally,
    /// Output rows (flows) and the years they cover, ascending.
    pub flows: usize,
    pub years: Vec<i32>,
    pub top_buyers: Vec<total::Unmatched>,
    pub top_products: Vec<total::Unmatched>,
    /// Distinct unmatched buyer INNs and product codes.
    pub unmatched_distinct: (usize, usize),
    /// flows/ or flows.csv.
    pub written: PathBuf,
}

/// Whether LINES is Parquet (a .parquet file or a folder) rather than CSV.
fn is_parquet(p: &Path) -> bool {
    p.is_dir()
        || p.extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

/// A flow table of the other form already in the study would make two of them.
fn check_no_other_flows(study: &Path, csv: bool) -> Result<()> {
    let (others, hint): (&[&str], &str) = if csv {
        (
            &["flows", "flows.parquet"],
            "remove it, or run without --csv to write the flows/ dataset again",
        )
    } else {
        (
            &["flows.csv", "flows.parquet"],
            "remove it, or run with --csv to write flows.csv instead",
        )
    };
    for name in others {
        let p = study.join(name);
        if std::fs::symlink_metadata(&p).is_ok() {
            return Err(Error::Input(format!(
                "{} is in the study folder already, and a study has one table of flows; {hint}",
                p.display()
            )));
        }
    }
    Ok(())
}

/// Reads, maps and sums every line, then writes the flows and ingest.json; nothing is
/// written when any line (or the study) has a problem.
pub fn run(o: &Options) -> Result<Outcome> {
    let meta = std::fs::metadata(&o.lines)
        .map_err(|e| Error::io("cannot open the transaction lines", &o.lines, e))?;
    check_no_other_flows(&o.study, o.csv)?;
    let members = crate::study::load_members(&o.study, o.input)?;
    let lookup = lookup::Lookup::new(&members).map_err(Error::Data)?;
    let chunk_lines = o.chunk_lines.max(1);
    let parquet = is_parquet(&o.lines);
    let files = if parquet {
        parquet_input::files(&o.lines)?
    } else if meta.is_file() {
        Vec::new()
    } else {
        return Err(Error::Input(format!(
            "{} is not a file; expected transactions.csv, a .parquet file or a folder of Parquet files",
            o.lines.display()
        )));
    };

    let threads = rayon::current_num_threads().max(1);
    let (tx, rx) = std::sync::mpsc::sync_channel::<lines::Chunk>(threads);
    let mut total = total::Total::default();
    let read = std::thread::scope(|s| {
        let reader = s.spawn(move || {
            let send = |c: lines::Chunk| {
                tx.send(c)
                    .map_err(|_| Error::Internal("the line reader stopped".into()))
            };
            if parquet {
                parquet_input::read(&files, chunk_lines, send)
            } else {
                let shown = o.lines.display().to_string();
                csv_input::read(&o.lines, &shown, o.input, chunk_lines, send)
            }
        });
        // Chunks in batches of one per thread, reduced in parallel, merged in chunk order.
        let mut batch = Vec::with_capacity(threads);
        let mut done = false;
        while !done {
            match rx.recv() {
                Ok(c) => batch.push(c),
                Err(_) => done = true,
            }
            if batch.len() == threads || (done && !batch.is_empty()) {
                let partials: Vec<lines::Partial> = batch
                    .par_iter()
                    .map(|c| lines::reduce(c, &lookup))
                    .collect();
                for p in partials {
                    total.merge(p);
                }
                batch.clear();
            }
        }
        reader
            .join()
            .unwrap_or_else(|_| Err(Error::Internal("the line reader failed".into())))
    });
    if !total.problems.is_empty() {
        let mut problems = std::mem::take(&mut total.problems);
        // A read error after some bad lines: it is one more problem.
        if let Err(Error::Data(more)) = read {
            problems.extend(more);
        }
        if total.more_problems > 0 {
            problems.push(Problem::file(
                &o.lines.display().to_string(),
                format!(
                    "and {} more problem(s) in the lines, not listed; fix the ones above and run again",
                    total.more_problems
                ),
            ));
        }
        return Err(Error::Data(problems));
    }
    read?;

    let rows = total.rows(&lookup);
    let mut years: Vec<i32> = rows.rows.iter().map(|(k, _)| k.year).collect();
    years.dedup();
    let json = write::ingest_json(&total.tally)?;
    let written = if o.csv {
        let path = o.study.join("flows.csv");
        write_file(&path, &write::flows_csv(&rows)?)?;
        path
    } else {
        let files = write::flows_parquet(&rows)?;
        crate::output::write_folder(&o.study, "flows", &files)?
    };
    write_file(&o.study.join("ingest.json"), &json)?;
    Ok(Outcome {
        tally: total.tally,
        flows: rows.rows.len(),
        years,
        top_buyers: total.top_buyers(TOP),
        top_products: total.top_products(TOP),
        unmatched_distinct: total.unmatched_distinct(),
        written,
    })
}

/// Writes `bytes` to `path` through a temporary file beside it, so that a reader sees the old
/// file or the new one, never a part.
fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        std::io::Write::write_all(&mut f, bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io("cannot write", path, e)
    })
}
