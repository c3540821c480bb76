//! `palisade report`: the audit-readiness report as JSON or one self-contained HTML page.
//!
//! Runs `driver::check` once, adds what only the CLI knows (the date, the git commit of the
//! checked tree) and writes [`palisade::audit`]'s model. Exit codes: 0 when the report was
//! written, whatever it found (the report is a document; `palisade check` is the gate); 2 on
//! usage, policy or input errors, or when a file cannot be written.

use std::path::{Path, PathBuf};
use std::process::Command;

use palisade::audit::{self, html, ProvenanceInput};
use palisade::diag::{Code, Diagnostic};
use palisade::driver;
use palisade::report::human::Renderer;
use palisade::source::SourceDb;

use super::args::{ReportArgs, ReportFormat};
use super::output::{emit, emit_err, set_jobs, width, write_atomically};
use super::ExitStatus;

pub(crate) fn run(args: &ReportArgs) -> ExitStatus {
    if let Err(e) = set_jobs(args.jobs) {
        return usage_error(&e, "see `palisade report --help`");
    }
    let format = match (args.format, &args.html) {
        (Some(f), _) => Some(f),
        (None, None) => Some(ReportFormat::Json),
        (None, Some(_)) => None,
    };
    if format.is_none() && args.output.is_some() {
        return usage_error(
            "`--output` with `--html` needs a `--format`",
            "e.g. `palisade report --html report.html --format json --output report.json`",
        );
    }
    let selection = match palisade::select::Selection::parse(&[], &[], &[], None, args.level) {
        Ok(s) => s,
        Err(diags) => {
            let db = SourceDb::new();
            let r = Renderer::new(&db, false, width());
            emit_err(&diags.iter().map(|d| r.diagnostic(d)).collect::<String>());
            return ExitStatus::Error;
        }
    };
    let date = match args.date.map_or_else(date_from_env, |d| Ok(Some(d))) {
        Ok(d) => d.unwrap_or_else(|| {
            jiff::tz::TimeZone::UTC
                .to_datetime(jiff::Timestamp::now())
                .date()
        }),
        Err(e) => {
            return usage_error(
                &e,
                "SOURCE_DATE_EPOCH must be a number of seconds since 1970-01-01 UTC; or pass `--date YYYY-MM-DD`",
            )
        }
    };
    let paths = super::output::paths_or_here(&args.paths);
    let mut db = SourceDb::new();
    let config = match super::project::load_config(
        args.config.as_deref(),
        args.no_config,
        &paths,
        &mut db,
        super::args::ColorChoice::Auto,
    ) {
        Ok(c) => c,
        Err(status) => return status,
    };
    // The file first, then the flags over it.
    let mut opts = super::project::configured_options(config, paths.clone(), &args.policies);
    opts.today = Some(date);
    opts.selection.max_level = selection.max_level.or(opts.selection.max_level);
    if args.no_builtin {
        opts.policies.builtin_pack = false;
    }
    opts.filters.include = args.include.clone();
    opts.filters.exclude = args.exclude.clone();
    opts.filters.no_gitignore |= args.no_gitignore;
    let run = driver::check_in(db, &opts);
    // An expired waiver is a finding of the report (its finding counts as failing), not an
    // error; anything else that is an error would make the report misleading.
    let errors: Vec<&Diagnostic> = run
        .diagnostics
        .iter()
        .filter(|d| d.is_error() && d.code != Code::ExpiredSuppression)
        .collect();
    if !errors.is_empty() {
        let r = Renderer::new(&run.db, false, width());
        emit_err(&errors.iter().map(|d| r.diagnostic(d)).collect::<String>());
        emit_err("error: no report written: fix the errors above first\n");
        return ExitStatus::Error;
    }
    let provenance = ProvenanceInput {
        date: Some(date),
        git_commit: git_commit(&paths),
        paths: paths.iter().map(|p| driver::display_path(p)).collect(),
    };
    let report = audit::build(&run, &provenance);
    let mut status = ExitStatus::Success;
    if let Some(file) = &args.html {
        status = write(file, &html::render(&report), status);
    }
    if let Some(format) = format {
        let text = match format {
            ReportFormat::Json => format!(
                "{}\n",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            ),
            ReportFormat::Html => html::render(&report),
        };
        match &args.output {
            Some(file) => status = write(file, &text, status),
            None => emit(&text),
        }
    }
    status
}

fn write(file: &Path, text: &str, status: ExitStatus) -> ExitStatus {
    match write_atomically(file, text) {
        Ok(()) => {
            emit_err(&format!("wrote {}\n", file.display()));
            status
        }
        Err(e) => {
            let d = Diagnostic::new(
                Code::BadPath,
                format!("cannot write `{}`: {e}", file.display()),
            )
            .help("check that the directory exists and is writable");
            emit_err(&Renderer::new(&SourceDb::new(), false, width()).diagnostic(&d));
            ExitStatus::Error
        }
    }
}

/// The date `SOURCE_DATE_EPOCH` gives (reproducible builds' convention), if set.
fn date_from_env() -> Result<Option<jiff::civil::Date>, String> {
    let Some(v) = std::env::var_os("SOURCE_DATE_EPOCH") else {
        return Ok(None);
    };
    let s = v.to_string_lossy();
    let secs: i64 = s
        .trim()
        .parse()
        .map_err(|_| format!("SOURCE_DATE_EPOCH `{s}` is not a number of seconds"))?;
    let ts =
        jiff::Timestamp::from_second(secs).map_err(|e| format!("SOURCE_DATE_EPOCH `{s}`: {e}"))?;
    Ok(Some(jiff::tz::TimeZone::UTC.to_datetime(ts).date()))
}

/// `git rev-parse HEAD` in the first checked path (its directory for a file); `None` when
/// git is missing or the path is not in a work tree.
fn git_commit(paths: &[PathBuf]) -> Option<String> {
    let first = paths.first()?;
    let dir = if first.is_dir() {
        first.as_path()
    } else {
        first.parent().filter(|p| !p.as_os_str().is_empty())?
    };
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "HEAD"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let commit = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !commit.is_empty()).then_some(commit)
}

fn usage_error(message: &str, help: &str) -> ExitStatus {
    let d = Diagnostic::new(Code::BadArgument, message.to_string()).help(help);
    emit_err(&Renderer::new(&SourceDb::new(), false, width()).diagnostic(&d));
    ExitStatus::Error
}
