//! The command line: parse, call the library, map errors to exit codes (0 / 2 / 65 / 1).

use clap::Parser;
use nichegraph::cli::{Cli, Command};
use nichegraph::error::Error;
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
        } => {
            let mut format = format;
            format.sort();
            format.dedup();
            let outcome = nichegraph::analyze(&study, &out, lang, &format)?;
            if !quiet {
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
        } => {
            let l = nichegraph::analysis::whatif::Localize {
                product: localize,
                share,
                supplier,
            };
            let o = nichegraph::whatif(&study, &out, lang, &l)?;
            eprintln!(
                "{}: moved {} rub to {} -> {}",
                o.moved.product,
                o.moved.moved_rub,
                o.moved.supplier,
                o.folder.display()
            );
            Ok(())
        }
        Command::Check { study } => {
            let (s, warnings) = nichegraph::check(&study)?;
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
