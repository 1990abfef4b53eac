//! The command line: parse, call the library, map errors to exit codes (0 / 2 / 65 / 1).

use clap::Parser;
use nichegraph::cli::{Cli, Command};
use nichegraph::error::Error;
use nichegraph::report::Lang;
use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report_error(&e);
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

fn report_error(e: &Error) {
    match e {
        Error::Data(problems) => {
            for p in problems {
                eprintln!("error: {p}");
            }
            eprintln!(
                "error: {} in {}; nothing was written",
                n(problems.len(), "problem", "problems"),
                where_(problems)
            );
        }
        Error::Batch(_) => {}
        other => eprintln!("error: {other}"),
    }
}

/// «3 participants», «1 participant», «12,000 flows»: counts in messages, for people.
fn n(count: usize, one: &'static str, many: &'static str) -> String {
    nichegraph::human::count(count as u64, ["", "", ""], one, many, Lang::En)
}

/// Where a rerun put the what-if scenarios of the results it replaced.
fn kept_line(
    k: &nichegraph::analysis::batch::KeptScenarios,
    study_out: &std::path::Path,
) -> String {
    let what = n(k.products.len(), "what-if scenario", "what-if scenarios");
    let (list, at) = (k.products.join(", "), study_out.join(&k.folder));
    if k.to_history {
        format!(
            "{what} ({list}) of the previous data moved to {}",
            at.display()
        )
    } else {
        format!("kept {what} ({list}) of the same data in {}", at.display())
    }
}

fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Analyze {
            study,
            out,
            lang,
            format,
            quiet,
            input,
        } => {
            let mut format = format;
            format.sort();
            format.dedup();
            // A spinner naming the phase, on a terminal only: a national study takes seconds.
            let spinner =
                (!quiet && std::io::stderr().is_terminal()).then(nichegraph::Spinner::start);
            let outcome = nichegraph::analyze(&study, &out, lang, &format, input.options());
            drop(spinner);
            let outcome = outcome?;
            if !quiet {
                for n in &outcome.notes {
                    eprintln!("note: {n}");
                }
                for w in &outcome.warnings {
                    eprintln!("warning: {w}");
                }
                if let Some(k) = &outcome.kept_scenarios {
                    eprintln!("{}", kept_line(k, &outcome.folder));
                }
                let a = &outcome.analysis;
                eprintln!(
                    "{}: {}, {} -> {}",
                    a.study.id,
                    n(a.needs.len(), "need", "needs"),
                    n(a.niches.len(), "niche", "niches"),
                    outcome.folder.display()
                );
            }
            // The process ends now: leave the study, graph and results to the OS instead of
            // freeing them one allocation at a time (seconds at 10^7 flows).
            std::mem::forget(outcome);
            Ok(())
        }
        Command::Whatif {
            study,
            localize,
            share,
            supplier,
            inputs_like,
            out,
            lang,
            input,
        } => {
            let l = nichegraph::analysis::whatif::Localize {
                product: localize,
                share,
                supplier,
                inputs_like,
            };
            let o = nichegraph::whatif(&study, &out, lang, &l, input.options())?;
            for note in &o.notes {
                eprintln!("note: {note}");
            }
            eprintln!(
                "{}: moved {} to {} -> {}",
                o.moved.product,
                nichegraph::human::rub(o.moved.moved_rub, Lang::En),
                o.moved.supplier,
                o.folder.display()
            );
            Ok(())
        }
        Command::Batch {
            paths,
            out,
            jobs,
            force,
            change_threshold,
            lang,
            format,
            quiet,
            input,
        } => {
            let mut formats = format;
            formats.sort();
            formats.dedup();
            let o = nichegraph::batch::Options {
                paths,
                out: out.clone(),
                jobs,
                force,
                lang,
                formats,
                threshold: change_threshold,
                progress: !quiet && std::io::stderr().is_terminal(),
                input: input.options(),
            };
            let outcome = nichegraph::batch::run(&o)?;
            if !quiet {
                for r in outcome
                    .rows
                    .iter()
                    .filter(|r| r.status == nichegraph::batch::Status::Failed)
                {
                    eprintln!("failed: {} ({}):", r.study, r.path);
                    for line in r.message.lines() {
                        eprintln!("  {line}");
                    }
                }
                for r in &outcome.rows {
                    if let Some(k) = &r.kept_scenarios {
                        eprintln!("{}: {}", r.study, kept_line(k, &out.join(&r.study)));
                    }
                }
                let count = |s| outcome.rows.iter().filter(|r| r.status == s).count();
                eprintln!(
                    "batch: {} ok, {} unchanged, {} failed -> {}",
                    count(nichegraph::batch::Status::Ok),
                    count(nichegraph::batch::Status::Unchanged),
                    count(nichegraph::batch::Status::Failed),
                    out.join("batch.md").display()
                );
            }
            match outcome.exit_code() {
                0 => Ok(()),
                65 => Err(Error::Batch(65)),
                _ => Err(Error::Batch(1)),
            }
        }
        Command::Init { dir, xlsx } => {
            let created = nichegraph::template::init(&dir, xlsx)?;
            eprintln!("{created}");
            Ok(())
        }
        Command::Generate {
            dir,
            participants,
            flows,
            seed,
            parquet,
            dataset,
            id,
            years,
            plans,
            transactions,
        } => {
            let params = nichegraph::generate::Params {
                id: id.unwrap_or_else(|| format!("synthetic-{participants}-{flows}")),
                participants,
                flows,
                seed,
                parquet,
                dataset,
                years,
                plans,
                transactions,
            };
            eprintln!("{}", nichegraph::generate::generate(&dir, &params)?);
            Ok(())
        }
        Command::Ingest {
            lines,
            study,
            csv,
            lang,
            quiet,
            chunk_lines,
            input,
        } => {
            let o = nichegraph::ingest::Options {
                lines,
                study,
                csv,
                input: input.options(),
                chunk_lines,
            };
            let outcome = nichegraph::ingest::run(&o)?;
            if !quiet {
                eprint!("{}", nichegraph::ingest::summary::text(&outcome, lang));
            }
            Ok(())
        }
        Command::Check { study, input } => {
            let (s, warnings) = nichegraph::check(&study, input.options())?;
            if s.dialects.is_empty() {
                println!("{}: Excel workbook", study.display());
            }
            for (file, d) in &s.dialects {
                println!("{file}: {d}");
            }
            for n in nichegraph::study::warnings::notes(&s) {
                println!("note: {n}");
            }
            for w in &warnings {
                println!("warning: {w}");
            }
            println!(
                "ok: study {} — {}, {}, {}{}, {}",
                s.config.id,
                n(s.participants.len(), "participant", "participants"),
                n(s.products.len(), "product", "products"),
                n(s.flows.len(), "aggregated flow", "aggregated flows"),
                s.selected_year
                    .map(|y| format!(" in {y}"))
                    .unwrap_or_default(),
                n(warnings.len(), "warning", "warnings")
            );
            Ok(())
        }
    }
}

/// Where the problems of a refused run are: their one file, or else the study.
fn where_(problems: &[nichegraph::error::Problem]) -> String {
    match problems.first() {
        Some(first) if problems.iter().all(|p| p.file == first.file) => first.file.clone(),
        _ => "the study".to_string(),
    }
}
