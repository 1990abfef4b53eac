//! The command line: parse, call the library, map errors to exit codes (0 / 2 / 65 / 1).

use clap::Parser;
use nichegraph::cli::{Cli, Command};
use nichegraph::error::Error;
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
                "error: {} problem(s) in the study; nothing was written",
                problems.len()
            );
        }
        Error::Batch(_) => {}
        other => eprintln!("error: {other}"),
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
                let a = &outcome.analysis;
                eprintln!(
                    "{}: {} needs, {} niches -> {}",
                    a.study.id,
                    a.needs.len(),
                    a.niches.len(),
                    outcome.folder.display()
                );
            }
            Ok(())
        }
        Command::Whatif {
            study,
            localize,
            share,
            supplier,
            out,
            lang,
            input,
        } => {
            let l = nichegraph::analysis::whatif::Localize {
                product: localize,
                share,
                supplier,
            };
            let o = nichegraph::whatif(&study, &out, lang, &l, input.options())?;
            eprintln!(
                "{}: moved {} rub to {} -> {}",
                o.moved.product,
                o.moved.moved_rub,
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
            id,
        } => {
            let params = nichegraph::generate::Params {
                id: id.unwrap_or_else(|| format!("synthetic-{participants}-{flows}")),
                participants,
                flows,
                seed,
                parquet,
            };
            eprintln!("{}", nichegraph::generate::generate(&dir, &params)?);
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
                "ok: study {} — {} participants, {} products, {} aggregated flows{}, {} warning(s)",
                s.config.id,
                s.participants.len(),
                s.products.len(),
                s.flows.len(),
                s.selected_year
                    .map(|y| format!(" in {y}"))
                    .unwrap_or_default(),
                warnings.len()
            );
            Ok(())
        }
    }
}
