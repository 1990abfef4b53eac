//! nichegraph: finds investment niches in industrial clusters.
//!
//! The pipeline: [`study::load`] validates a study folder, [`graph::SupplyGraph`] holds the
//! supply graph, [`analysis::analyze`] computes needs and niches, [`report`] renders them, and
//! [`output::write_folder`] writes them atomically.

pub mod analysis;
pub mod batch;
pub mod carry_over;
pub mod cli;
pub mod error;
pub mod generate;
pub mod graph;
pub mod human;
pub mod ingest;
pub mod manifest;
pub mod output;
pub mod progress;
pub mod report;
pub mod study;
pub mod template;

use error::Result;
pub use progress::{Phases, Spinner};
use report::Lang;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

/// What an `analyze` run produced, for the command line to summarise.
pub struct AnalyzeOutcome {
    pub folder: PathBuf,
    /// What-if scenarios of the replaced results: where they are now (relative to `folder`)
    /// and their products.
    pub kept_scenarios: Option<analysis::batch::KeptScenarios>,
    pub analysis: analysis::Analysis,
    pub warnings: Vec<String>,
    /// How the study was read, for the reader to know (`study::warnings::notes`).
    pub notes: Vec<String>,
    /// The study and its graph, handed back rather than dropped here: a command about to exit
    /// may skip freeing them (millions of small allocations at 10^7 flows).
    pub study: study::Study,
    pub graph: graph::SupplyGraph,
}

/// A study analysed and rendered, not yet written.
pub struct Prepared {
    pub study: study::Study,
    pub graph: graph::SupplyGraph,
    pub analysis: analysis::Analysis,
    /// Every output file, `run.json` included.
    pub files: output::Files,
    pub manifest: manifest::Manifest,
}

/// The manifest a run of `study_dir` with these options would write (times left empty).
pub fn manifest(
    study_dir: &Path,
    out: &Path,
    lang: Lang,
    formats: &[report::Format],
    input: study::dialect::DialectOptions,
    command: &str,
) -> manifest::Manifest {
    manifest::Manifest {
        tool: "nichegraph".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        command: command.into(),
        study: study_dir.display().to_string(),
        inputs: manifest::inputs(study_dir),
        options: serde_json::json!({
            "lang": lang,
            "format": formats,
            "encoding": input.encoding,
            "delimiter": input.delimiter.map(|d| (d as char).to_string()),
            "decimal_comma": input.decimal_comma,
        }),
        out: out.display().to_string(),
        started: String::new(),
        finished: String::new(),
        duration_ms: 0,
    }
}

/// `--encoding`, `--delimiter`, `--decimal-comma` and `--decimal-point` describe CSV files: with a workbook they
/// would be silently meaningless, so they are a usage error there.
fn csv_options_fit(study_dir: &Path, input: study::dialect::DialectOptions) -> Result<()> {
    let set =
        input.encoding.is_some() || input.delimiter.is_some() || input.decimal_comma.is_some();
    if set && study_dir.is_file() {
        return Err(error::Error::Usage(format!(
            "--encoding, --delimiter, --decimal-comma and --decimal-point apply to CSV files; {} is a workbook",
            study_dir.display()
        )));
    }
    Ok(())
}

/// Loads, analyses and renders one study.
pub fn prepare(
    study_dir: &Path,
    out: &Path,
    lang: Lang,
    formats: &[report::Format],
    input: study::dialect::DialectOptions,
    command: &str,
) -> Result<Prepared> {
    csv_options_fit(study_dir, input)?;
    if let Some(p) = template::untouched(study_dir) {
        return Err(error::Error::Data(p));
    }
    let started = SystemTime::now();
    let clock = Instant::now();
    // Hash the inputs before reading them, so a file changed during the run is seen as changed.
    let mut phases = Phases::new();
    let mut manifest = manifest(study_dir, out, lang, formats, input, command);
    phases.done("hash");
    let study = study::load_with(study_dir, input)?;
    phases.done("load");
    let graph = graph::SupplyGraph::build(&study);
    phases.done("graph");
    let analysis = analysis::analyze(&study, &graph)?;
    phases.done("analysis");
    let mut files = report::render(&analysis, lang, formats)?;
    phases.done("render");
    manifest.started = manifest::timestamp(started);
    manifest.finished = manifest::timestamp(SystemTime::now());
    manifest.duration_ms = clock.elapsed().as_millis();
    files.push(("run.json".into(), report::json::to_bytes(&manifest)?));
    Ok(Prepared {
        study,
        graph,
        analysis,
        files,
        manifest,
    })
}

/// Loads, analyses and writes one study.
pub fn analyze(
    study_dir: &Path,
    out: &Path,
    lang: Lang,
    formats: &[report::Format],
    input: study::dialect::DialectOptions,
) -> Result<AnalyzeOutcome> {
    let p = prepare(study_dir, out, lang, formats, input, "analyze")?;
    let mut phases = Phases::new();
    // A rerun keeps the history and the what-if scenarios of the results it replaces.
    let target = out.join(&p.study.config.id);
    let previous = manifest::Manifest::read(&target.join("run.json"));
    let (kept, _, scenarios) = carry_over::carry_over(&target, previous.as_ref(), &p.manifest);
    let mut files = p.files;
    files.extend(kept);
    let folder = output::write_folder(out, &p.study.config.id, &files)?;
    phases.done("write");
    let warnings = study::warnings::warnings(&p.study);
    phases.done("warnings");
    Ok(AnalyzeOutcome {
        folder,
        kept_scenarios: scenarios,
        warnings,
        notes: study::warnings::notes(&p.study),
        analysis: p.analysis,
        study: p.study,
        graph: p.graph,
    })
}

/// What a `whatif` run produced.
pub struct WhatIfOutcome {
    pub folder: PathBuf,
    pub moved: analysis::whatif::Moved,
    /// What the person running it should know: nothing moved, inputs not modelled.
    pub notes: Vec<String>,
}

/// Localises a product in a study and writes the scenario to `<out>/<id>/whatif/<PRODUCT>/`.
pub fn whatif(
    study_dir: &Path,
    out: &Path,
    lang: Lang,
    l: &analysis::whatif::Localize,
    input: study::dialect::DialectOptions,
) -> Result<WhatIfOutcome> {
    csv_options_fit(study_dir, input)?;
    let study = study::load_with(study_dir, input)?;
    let before = analysis::analyze(&study, &graph::SupplyGraph::build(&study))?;
    let (scenario, moved) = analysis::whatif::localize(&study, l)?;
    let after = analysis::analyze(&scenario, &graph::SupplyGraph::build(&scenario))?;
    let (fb, fa) = (
        report::whatif::figures(&before, &l.product),
        report::whatif::figures(&after, &l.product),
    );
    let mut files = report::render_data(&after)?;
    files.push((
        "whatif.json".into(),
        report::whatif::json(&moved, &fb, &fa)?,
    ));
    files.push((
        "whatif.md".into(),
        report::whatif::markdown(&after, &moved, &fb, &fa, lang),
    ));
    let base = out.join(&study.config.id);
    // The scenario folder lies under folders named from data: none of them may be a link out.
    output::refuse_links(&[&base, &base.join("whatif")])?;
    let folder = output::write_folder(&base.join("whatif"), &l.product, &files)?;
    let mut notes = Vec::new();
    if moved.import_flows == 0 {
        let with_imports: Vec<&str> = before
            .needs
            .iter()
            .filter(|n| n.import_rub > 0.0)
            .map(|n| n.product.as_str())
            .collect();
        notes.push(format!(
            "{} has no import flows{}; whatif moves only imports to the supplier, so nothing changed. {}",
            l.product,
            study
                .selected_year
                .map(|y| format!(" in {y}"))
                .unwrap_or_default(),
            if with_imports.is_empty() {
                "No product of the study is imported.".to_string()
            } else {
                format!("Products with imports: {}.", with_imports.join(", "))
            }
        ));
    } else if moved.inputs_like.is_none() {
        notes.push(format!(
            "the supplier's own inputs are not modelled; --inputs-like ID gives it the purchases of participant ID, scaled to the moved {}",
            human::rub(moved.moved_rub, Lang::En)
        ));
    }
    Ok(WhatIfOutcome {
        folder,
        moved,
        notes,
    })
}

/// Validates one study; returns it with its warnings.
pub fn check(
    study_dir: &Path,
    input: study::dialect::DialectOptions,
) -> Result<(study::Study, Vec<String>)> {
    csv_options_fit(study_dir, input)?;
    if let Some(p) = template::untouched(study_dir) {
        return Err(error::Error::Data(p));
    }
    let study = study::load_with(study_dir, input)?;
    let warnings = study::warnings::warnings(&study);
    Ok((study, warnings))
}
pub mod chart;
