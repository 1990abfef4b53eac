//! `batch`: rerun many studies in parallel, skip the unchanged ones, keep history, and record
//! what changed. Each study is isolated: its failure is recorded and never touches the others.
//!
//! `discover` finds the studies, `history` keeps what a rerun replaces, `summary` reads a
//! study's results (typed), `changes` compares them with the previous ones, `portfolio` adds
//! them up across studies; this file runs them all. The tables are rendered by
//! `report::batch` and written by `output`.

pub mod changes;
mod discover;
mod history;
pub mod portfolio;
pub mod summary;

pub use crate::analysis::batch::{Row, Status};
pub use discover::discover;

use crate::error::{Error, StudyId};
use crate::report::{Format, Lang};
use crate::{manifest, output};
use discover::study_id;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use summary::Results;

pub struct Options {
    pub paths: Vec<PathBuf>,
    pub out: PathBuf,
    pub jobs: Option<usize>,
    pub force: bool,
    pub lang: Lang,
    pub formats: Vec<Format>,
    /// Relative demand change / import share points that count as a change (0.1 = 10 %).
    pub threshold: f64,
    /// Show a progress bar (the caller decides: a terminal and not --quiet).
    pub progress: bool,
    pub input: crate::study::dialect::DialectOptions,
}

pub struct Outcome {
    pub rows: Vec<Row>,
}

impl Outcome {
    pub fn exit_code(&self) -> i32 {
        if self
            .rows
            .iter()
            .any(|r| r.status == Status::Failed && r.data_error)
        {
            65
        } else if self.rows.iter().any(|r| r.status == Status::Failed) {
            1
        } else {
            0
        }
    }
}

fn failed(row: &mut Row, e: &Error) {
    row.status = Status::Failed;
    row.data_error = matches!(e, Error::Data(_));
    row.message = match e {
        Error::Data(problems) => problems
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
        other => other.to_string(),
    };
}

fn run_one(o: &Options, dir: &Path, id: &str) -> Row {
    let mut row = placeholder(dir, id);
    row.status = Status::Ok;
    let target = o.out.join(id);
    let previous = manifest::Manifest::read(&target.join("run.json"));
    let current = crate::manifest(dir, &o.out, o.lang, &o.formats, o.input, "batch");
    if !o.force && previous.as_ref().is_some_and(|p| p.same_run(&current)) {
        row.status = Status::Unchanged;
        if let Some(r) = Results::read(&target) {
            r.summarise(&mut row);
        }
        row.member = Some(portfolio::unchanged_member(dir, &target, o.input));
        return row;
    }
    let prepared = match crate::prepare(dir, &o.out, o.lang, &o.formats, o.input, "batch") {
        Ok(p) => p,
        Err(e) => {
            failed(&mut row, &e);
            return row;
        }
    };
    let results = Results::of(&prepared.analysis);
    let mut files = prepared.files;
    // Keep the history and the what-if scenarios (see `carry_over`).
    let kept = history::keep(
        &target,
        previous.as_ref(),
        &current,
        id,
        &results,
        o.threshold,
    );
    files.extend(kept.files);
    row.kept_scenarios = kept.scenarios;
    row.changes = kept.changes;
    if let Err(e) = output::write_folder(&o.out, id, &files) {
        failed(&mut row, &e);
        return row;
    }
    row.member = Some(Ok(portfolio::member(&prepared.study, &prepared.analysis)));
    results.summarise(&mut row);
    row
}

pub fn run(o: &Options) -> Result<Outcome, Error> {
    let lang = o.lang;
    let dirs = discover(&o.paths)?;
    std::fs::create_dir_all(&o.out)
        .map_err(|e| Error::io("cannot create the output folder", &o.out, e))?;
    // Ids first, sequentially: two studies with one id would overwrite each other's outputs.
    let mut seen: std::collections::BTreeMap<String, PathBuf> = Default::default();
    let planned: Vec<(PathBuf, Result<String, Error>)> = dirs
        .into_iter()
        .map(|d| {
            let id = study_id(&d).and_then(|id| match seen.get(&id) {
                _ if id == portfolio::FOLDER => Err(Error::StudyId {
                    id,
                    kind: StudyId::Reserved,
                }),
                Some(first) => Err(Error::StudyId {
                    id,
                    kind: StudyId::Taken(first.clone()),
                }),
                None => {
                    seen.insert(id.clone(), d.clone());
                    Ok(id)
                }
            });
            (d, id)
        })
        .collect();

    let bar = if o.progress {
        let b = indicatif::ProgressBar::new(planned.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} studies · {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    let counts = std::sync::Mutex::new((0usize, 0usize, 0usize));
    let work = || -> Vec<Row> {
        planned
            .par_iter()
            .map(|(dir, id)| {
                bar.set_message(dir.display().to_string());
                let row = match id {
                    Ok(id) => std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        run_one(o, dir, id)
                    }))
                    .unwrap_or_else(|_| {
                        let mut r = placeholder(dir, id);
                        failed(
                            &mut r,
                            &Error::Internal("internal error (a bug): the run panicked".into()),
                        );
                        r
                    }),
                    Err(e) => {
                        let mut r = placeholder(dir, &dir.display().to_string());
                        failed(&mut r, e);
                        r
                    }
                };
                if let Ok(mut c) = counts.lock() {
                    match row.status {
                        Status::Ok => c.0 += 1,
                        Status::Failed => c.1 += 1,
                        Status::Unchanged => c.2 += 1,
                    }
                    bar.set_message(format!(
                        "{} ok, {} failed, {} unchanged · {}",
                        c.0, c.1, c.2, row.study
                    ));
                }
                bar.inc(1);
                row
            })
            .collect()
    };
    let rows = match o.jobs {
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build()
            .map_err(|e| Error::Jobs {
                jobs: n,
                reason: e.to_string(),
            })?
            .install(work),
        None => work(),
    };
    bar.finish_and_clear();
    let mut outcome = Outcome { rows };
    let files = crate::report::batch::render(&outcome.rows, lang)?;
    output::write_each(&o.out, &files)?;
    let p = portfolio::compute(&mut outcome.rows);
    portfolio::write(&o.out, &p, lang)?;
    Ok(outcome)
}

/// A row for `study` that failed before it ran (its message still to fill).
fn placeholder(dir: &Path, study: &str) -> Row {
    Row {
        study: study.to_string(),
        path: dir.display().to_string(),
        status: Status::Failed,
        niches: None,
        top_niche: None,
        top_niche_name: None,
        addressable_rub: None,
        compliance: None,
        message: String::new(),
        data_error: false,
        changes: None,
        kept_scenarios: None,
        member: None,
    }
}
