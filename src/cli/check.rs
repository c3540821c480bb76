//! `palisade check`: load policies and inputs, evaluate, report.

use std::path::PathBuf;
use std::sync::Arc;

use palisade::baseline::Baseline;
use palisade::diag::{Code, Diagnostic, Severity};
use palisade::driver::{self, CheckOptions, CheckRun, Filters, PolicySources};
use palisade::eval::RuleMeta;
use palisade::report::{github, human, json, junit, sarif};
use palisade::source::SourceDb;
use palisade::{eval, input};

use super::args::{CheckArgs, CheckFormat};
use super::output::{emit, emit_err, set_jobs, use_color, width, write_atomically};
use super::targets::{self, Target};
use super::ExitStatus;

pub(crate) fn run(args: &CheckArgs) -> ExitStatus {
    if let Err(e) = set_jobs(args.jobs) {
        usage_error(&e, "see `palisade check --help`");
        return ExitStatus::Error;
    }
    let targets = match targets::plan(&args.output) {
        Ok(t) => t,
        Err(e) => {
            usage_error(
                &e,
                "each `--output FILE` writes the `--format` just before it, e.g. `--format sarif --output palisade.sarif --format human`; at most one format goes to standard output",
            );
            return ExitStatus::Error;
        }
    };
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
    let today = args.today.unwrap_or_else(|| {
        jiff::tz::TimeZone::UTC
            .to_datetime(jiff::Timestamp::now())
            .date()
    });
    let baseline = args.baseline.as_deref().map(read_baseline);
    let opts = CheckOptions {
        today: Some(today),
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
        cache_dir: cache_dir(args),
    };
    let mut run = driver::check(&opts);
    // Record before filtering, so `--write-baseline` with `--baseline` re-records everything;
    // a run with errors (say a broken policy, hence no findings) must not clobber the file.
    let clean = exit_status(&run) != ExitStatus::Error;
    if let (Some(file), true) = (&args.write_baseline, clean) {
        let b = Baseline::of(&run.db, &run.findings);
        if let Err(e) = write_atomically(file, &b.to_json()) {
            run.diagnostics.push(
                Diagnostic::new(
                    Code::BadBaseline,
                    format!("cannot write baseline `{}`: {e}", file.display()),
                )
                .help("check that the directory exists and is writable"),
            );
        } else {
            run.apply_baseline(&b);
        }
    }
    match baseline {
        Some(Ok(b)) => run.apply_baseline(&b),
        Some(Err(d)) => run.diagnostics.push(*d),
        None => {}
    }
    let mut status = exit_status(&run);
    let rules: Vec<Arc<RuleMeta>> = run.program.rules().cloned().collect();
    for target in &targets {
        let text = render(args, &run, &rules, target);
        match &target.file {
            None => emit(&text),
            Some(file) => {
                if let Err(e) = write_atomically(file, &text) {
                    let d = Diagnostic::new(
                        Code::BadPath,
                        format!("cannot write `{}`: {e}", file.display()),
                    )
                    .help("check that the directory exists and is writable");
                    emit_err(&human::Renderer::new(&run.db, false, width()).diagnostic(&d));
                    status = ExitStatus::Error;
                }
            }
        }
    }
    // The process ends now: freeing every source text and finding one by one would only
    // delay the exit.
    std::mem::forget(run);
    status
}

/// The result cache's directory: `--cache-dir`, else `$XDG_CACHE_HOME/palisade`, else
/// `$HOME/.cache/palisade`; none with `--no-cache` or when none of these is set.
fn cache_dir(args: &CheckArgs) -> Option<PathBuf> {
    if args.no_cache {
        return None;
    }
    if let Some(dir) = &args.cache_dir {
        return Some(dir.clone());
    }
    let non_empty = |var: &str| std::env::var_os(var).filter(|v| !v.is_empty());
    non_empty("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| non_empty("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .map(|base| base.join("palisade"))
}

/// 2 on errors (an expired suppression counts as a failure, not an error), 1 on findings.
fn exit_status(run: &CheckRun) -> ExitStatus {
    let expired = |d: &Diagnostic| d.code == Code::ExpiredSuppression;
    if run.diagnostics.iter().any(|d| d.is_error() && !expired(d)) {
        ExitStatus::Error
    } else if run.findings.is_empty() && !run.diagnostics.iter().any(expired) {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    }
}

/// Reads `--baseline FILE`; a missing or malformed file is a `palisade::bad-baseline` error.
fn read_baseline(file: &std::path::Path) -> Result<Baseline, Box<Diagnostic>> {
    let bad = |problem: String| {
        Box::new(
            Diagnostic::new(Code::BadBaseline, problem)
                .path(file.display().to_string())
                .help("write one with `palisade check --write-baseline FILE`"),
        )
    };
    let text = std::fs::read_to_string(file)
        .map_err(|e| bad(format!("cannot read baseline `{}`: {e}", file.display())))?;
    Baseline::parse(&text).map_err(|e| bad(format!("baseline `{}`: {e}", file.display())))
}

/// One format of the run's results, as text.
fn render(args: &CheckArgs, run: &CheckRun, rules: &[Arc<RuleMeta>], target: &Target) -> String {
    let (db, findings, diagnostics) = (&run.db, &run.findings, &run.diagnostics);
    match target.format {
        CheckFormat::Json => {
            let text = json::render_pretty(
                db,
                findings,
                diagnostics,
                run.files,
                rules.len(),
                &run.suppressed,
                run.baselined,
            );
            format!("{text}\n")
        }
        CheckFormat::Sarif => {
            let report = sarif::report(db, rules, findings, diagnostics);
            format!(
                "{}\n",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            )
        }
        CheckFormat::Junit => junit::report(db, rules, findings, diagnostics),
        CheckFormat::Github => github::report(db, findings, diagnostics),
        CheckFormat::Human => {
            let color = target.file.is_none() && use_color(args.color);
            human_report(run, rules.len(), color, args.quiet)
        }
    }
}

fn human_report(run: &CheckRun, rules: usize, color: bool, quiet: bool) -> String {
    let renderer = human::Renderer::new(&run.db, color, width());
    let mut out = String::new();
    if !quiet {
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
    if !run.suppressed.is_empty() {
        out.push_str(&format!(", {} suppressed", run.suppressed.len()));
    }
    if run.baselined > 0 {
        out.push_str(&format!(", {} in baseline", run.baselined));
    }
    out.push('\n');
    out
}

fn usage_error(message: &str, help: &str) {
    let db = SourceDb::new();
    let d = Diagnostic::new(Code::BadArgument, message.to_string()).help(help);
    emit_err(&human::Renderer::new(&db, false, width()).diagnostic(&d));
}
