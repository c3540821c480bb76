//! `palisade check`: load policies and inputs, evaluate, report.

use std::path::PathBuf;

use palisade::diag::{Code, Diagnostic, Severity};
use palisade::driver::{self, CheckOptions, Filters, PolicySources};
use palisade::report::{human, json};
use palisade::source::SourceDb;
use palisade::{eval, input};

use super::args::{CheckArgs, Format};
use super::output::{emit, emit_err, set_jobs, use_color, width};
use super::ExitStatus;

pub(crate) fn run(args: &CheckArgs) -> ExitStatus {
    if let Err(e) = set_jobs(args.common.jobs) {
        usage_error(&e);
        return ExitStatus::Error;
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let selection = match palisade::select::Selection::parse(
        &args.select.rules,
        &args.select.frs,
        &args.select.srs,
        args.select.severity.as_deref(),
        args.select.level,
    ) {
        Ok(s) => s,
        Err(diags) => {
            let db = SourceDb::new();
            let r = human::Renderer::new(&db, false, width());
            emit_err(&diags.iter().map(|d| r.diagnostic(d)).collect::<String>());
            return ExitStatus::Error;
        }
    };
    let opts = CheckOptions {
        selection,
        paths,
        policies: PolicySources {
            builtin_pack: !args.no_builtin,
            paths: args.policies.clone(),
        },
        filters: Filters {
            include: args.include.clone(),
            exclude: args.exclude.clone(),
            no_gitignore: args.no_gitignore,
        },
        input_limits: input::Limits {
            max_file_size: args.max_file_size,
            max_depth: args.max_depth,
            ..input::Limits::default()
        },
        eval_limits: eval::Limits {
            max_steps: args.max_steps,
            ..eval::Limits::default()
        },
    };
    let run = driver::check(&opts);
    let rules = run.program.rule_count();
    match args.common.format {
        Format::Json => {
            let report = json::report(&run.db, &run.findings, &run.diagnostics, run.files, rules);
            emit(&format!(
                "{}\n",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            ));
        }
        Format::Human => {
            let renderer = human::Renderer::new(&run.db, use_color(args.common.color), width());
            let mut out = String::new();
            if !args.quiet {
                for d in &run.diagnostics {
                    out.push_str(&renderer.diagnostic(d));
                    out.push('\n');
                }
                for f in &run.findings {
                    out.push_str(&renderer.finding(f));
                    out.push('\n');
                }
            }
            let errors = run.diagnostics.iter().filter(|d| d.is_error()).count();
            let warnings = run
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Warning)
                .count();
            out.push_str(&human::summary(
                &run.findings,
                run.files,
                rules,
                errors,
                warnings,
            ));
            out.push('\n');
            emit(&out);
        }
    }
    if run.has_errors() {
        ExitStatus::Error
    } else if run.findings.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    }
}

fn usage_error(message: &str) {
    let db = SourceDb::new();
    let d =
        Diagnostic::new(Code::BadArgument, message.to_string()).help("see `palisade check --help`");
    emit_err(&human::Renderer::new(&db, false, width()).diagnostic(&d));
}
