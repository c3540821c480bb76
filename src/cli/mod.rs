//! The command-line interface: the only code that prints.

mod args;
mod assess;
mod check;
mod explain;
mod fmt;
mod git;
mod init;
mod merge;
mod output;
mod progress;
mod project;
mod report;
mod requirements;
mod targets;
mod test;

use std::process::ExitCode;

use clap::{ArgMatches, CommandFactory, FromArgMatches};

pub(crate) use args::Cli;
use args::Command;

/// How a command ended: 0 clean, 1 findings or failures, 2 usage or load errors.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum ExitStatus {
    Success,
    Failure,
    Error,
}

impl From<ExitStatus> for ExitCode {
    fn from(s: ExitStatus) -> ExitCode {
        match s {
            ExitStatus::Success => ExitCode::SUCCESS,
            ExitStatus::Failure => ExitCode::from(1),
            ExitStatus::Error => ExitCode::from(2),
        }
    }
}

/// Parses the arguments and runs the command.
pub(crate) fn run() -> ExitStatus {
    output::stop_on_interrupt();
    let parsed = Cli::command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m).map(|cli| (cli, m)));
    let (cli, matches) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => {
            let status = if e.use_stderr() {
                ExitStatus::Error
            } else {
                ExitStatus::Success
            };
            let _ = e.print();
            return status;
        }
    };
    match cli.command {
        Command::Check(mut a) => {
            if let Some(("check", m)) = matches.subcommand() {
                a.output.format_positions = positions(m, "format");
                a.output.output_positions = positions(m, "output");
            }
            check::run(&a)
        }
        Command::Test(a) => test::run(&a),
        Command::Fmt(a) => fmt::run(&a),
        Command::Explain(a) => explain::run(&a),
        Command::Requirements(a) => requirements::run(&a),
        Command::Assess(a) => assess::run(&a),
        Command::Init(a) => init::run(&a),
        Command::Merge(a) => merge::run(&a),
        Command::Report(a) => report::run(&a),
    }
}

/// Where the values of an option stood on the command line, in order.
fn positions(matches: &ArgMatches, id: &str) -> Vec<usize> {
    matches
        .indices_of(id)
        .map(Iterator::collect)
        .unwrap_or_default()
}
