//! `palisade check`: load policies and inputs, evaluate, report.

use std::path::PathBuf;
use std::sync::Arc;

use palisade::baseline::Baseline;
use palisade::config::RuleRef;
use palisade::diag::{Code, Diagnostic, Severity};
use palisade::driver::{self, CheckOptions, CheckRun, ProgressHook, Shard};
use palisade::eval::{RuleMeta, RuleSeverity};
use palisade::report::{github, human, json, junit, sarif};
use palisade::source::SourceDb;

use super::args::{CheckArgs, CheckFormat};
use super::output::{
    emit_err, set_jobs, use_color, width, write_atomically, write_atomically_with,
};
use super::targets::{self, Target};
use super::ExitStatus;
use palisade::driver::cache::CacheUse;

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
    let paths = super::output::paths_or_here(&args.paths);
    let mut db = SourceDb::new();
    let config = match super::project::load_config(
        args.config.as_deref(),
        args.no_config,
        &paths,
        &mut db,
        args.color,
    ) {
        Ok(c) => c,
        Err(status) => return status,
    };
    // The file first, then the flags over it.
    let mut opts = super::project::configured_options(config, paths, &args.policies);
    let mut problems = Vec::new();
    let fail_on = match args.fail_on.as_deref() {
        None => opts.config.as_ref().and_then(|c| c.fail_on),
        Some(s) => match RuleSeverity::parse(s) {
            Some(sev) => Some(sev),
            None => {
                problems.push(
                    Diagnostic::new(
                        Code::BadArgument,
                        format!("`--fail-on {s}` is not a severity"),
                    )
                    .help("write low, medium, high or critical"),
                );
                None
            }
        },
    };
    match palisade::select::Selection::parse(
        &args.select.rules,
        &args.select.frs,
        &args.select.srs,
        args.select.severity.as_deref(),
        args.select.level,
    ) {
        Ok(cli) => {
            let sel = &mut opts.selection;
            if !cli.rules.is_empty() || !cli.frs.is_empty() || !cli.requirements.is_empty() {
                // `--rule`, `--fr` and `--sr` replace the configured `select`.
                sel.any_of.clear();
                (sel.rules, sel.frs, sel.requirements) = (cli.rules, cli.frs, cli.requirements);
            }
            sel.min_severity = cli.min_severity.or(sel.min_severity);
            sel.max_level = cli.max_level.or(sel.max_level);
        }
        Err(diags) => problems.extend(diags),
    }
    for word in &args.select.ignore {
        match RuleRef::parse(word, None, true) {
            Ok(r) => opts.selection.none_of.push(r),
            Err(help) => problems.push(
                Diagnostic::new(
                    Code::BadArgument,
                    format!("`--ignore {word}` is not a rule reference"),
                )
                .help(help),
            ),
        }
    }
    if let Some(s) = &args.shard {
        match Shard::parse(s) {
            Ok(shard) => opts.partition.shard = Some(shard),
            Err(help) => problems.push(
                Diagnostic::new(Code::BadArgument, format!("`--shard {s}` is not valid"))
                    .help(help),
            ),
        }
    }
    if let Some(rev) = &args.changed_since {
        match super::git::changed_since(rev, &opts.paths) {
            Ok(files) => opts.partition.changed = Some(files),
            Err(d) => problems.push(*d),
        }
    }
    if !problems.is_empty() {
        let r = human::Renderer::new(&db, false, width());
        emit_err(&problems.iter().map(|d| r.diagnostic(d)).collect::<String>());
        return ExitStatus::Error;
    }
    opts.today = Some(args.today.unwrap_or_else(|| {
        jiff::tz::TimeZone::UTC
            .to_datetime(jiff::Timestamp::now())
            .date()
    }));
    let baseline = args.baseline.as_deref().map(read_baseline);
    if args.no_builtin {
        opts.policies.builtin_pack = false;
    }
    opts.filters.include = args.include.clone();
    opts.filters.exclude = args.exclude.clone();
    opts.filters.no_gitignore |= args.no_gitignore;
    opts.filters.follow_symlinks |= args.follow_symlinks;
    let limits = &mut opts.input_limits;
    limits.max_file_size = args.max_file_size.unwrap_or(limits.max_file_size);
    limits.max_depth = args.max_depth.unwrap_or(limits.max_depth);
    limits.max_alias_nodes = args.max_alias_nodes.unwrap_or(limits.max_alias_nodes);
    limits.max_documents = args.max_documents.unwrap_or(limits.max_documents);
    limits.max_nodes = args.max_nodes.unwrap_or(limits.max_nodes);
    opts.eval_limits.max_steps = args.max_steps.unwrap_or(opts.eval_limits.max_steps);
    opts.cache_dir = cache_dir(args);
    // Baselines fingerprint the text of each finding.
    opts.positions_only = args.baseline.is_none()
        && args.write_baseline.is_none()
        && targets.iter().all(|t| !t.format.quotes_inputs());
    // The process ends after reporting (and forgets the run itself, below).
    opts.process_exits = true;
    // No report reads the entity a finding was made on: findings then do not hold their
    // files' values, which can be freed as the files load (eval/early.rs).
    opts.eval_limits.finding_entities = false;
    opts.profile = args.profile;
    let progress = super::progress::Bar::start(args.quiet || args.verbose);
    opts.progress = progress.as_ref().map(|p| ProgressHook(p.hook()));
    let mut run = driver::check_in(db, &opts);
    if let Some(p) = progress {
        p.finish();
    }
    if args.verbose {
        emit_err(&verbose_report(&run, &opts));
    }
    if args.profile {
        emit_err(&profile_report(&run.profile));
    }
    // Record before filtering, so `--write-baseline` with `--baseline` re-records everything;
    // a run with errors (say a broken policy, hence no findings) must not clobber the file.
    let clean = exit_status(&run, None) != ExitStatus::Error;
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
    let mut status = exit_status(&run, fail_on);
    let reporting = std::time::Instant::now();
    for target in &targets {
        let written = match &target.file {
            None => {
                let stdout = std::io::stdout().lock();
                render_to(args, &run, &run.rules, target, stdout)
            }
            Some(file) => {
                write_atomically_with(file, |f| render_to(args, &run, &run.rules, target, f))
            }
        };
        if let Err(e) = written {
            if let Some(file) = &target.file {
                let d = Diagnostic::new(
                    Code::BadPath,
                    format!("cannot write `{}`: {e}", file.display()),
                )
                .help("check that the directory exists and is writable");
                emit_err(&human::Renderer::new(&run.db, false, width()).diagnostic(&d));
                status = ExitStatus::Error;
            }
            // A closed standard output (`| head`) is not an error of the run.
        }
    }
    if args.verbose {
        // After the phases above and their total: the reports are written once they are shown.
        let ms = reporting.elapsed().as_secs_f64() * 1000.0;
        emit_err(&format!(
            "{ms:>9.1} ms  write the report (after the total)\n"
        ));
    }
    // The process ends now: freeing every source text and finding one by one would only
    // delay the exit.
    std::mem::forget(run);
    status
}

/// The result cache's directory: `--cache-dir`, else `$XDG_CACHE_HOME/palisade`, else
/// `$HOME/.cache/palisade`; none with `--no-cache` or when none of these is set.
fn cache_dir(args: &CheckArgs) -> Option<PathBuf> {
    if args.no_cache || args.profile {
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

/// 2 on errors (an expired suppression counts as a failure, not an error), 1 on findings at
/// or above `fail_on`.
fn exit_status(run: &CheckRun, fail_on: Option<RuleSeverity>) -> ExitStatus {
    let expired = |d: &Diagnostic| d.code == Code::ExpiredSuppression;
    let failing = |f: &&palisade::eval::Finding| fail_on.is_none_or(|t| f.rule.severity >= t);
    if run.diagnostics.iter().any(|d| d.is_error() && !expired(d)) {
        ExitStatus::Error
    } else if !run.findings.iter().any(|f| failing(&f)) && !run.diagnostics.iter().any(expired) {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    }
}

/// Rows of each `--profile` table; the rest are summed on one line.
const PROFILE_ROWS: usize = 25;

/// The `--profile` tables: the rules and constants that cost most, then the others summed;
/// then the functions whose calls took most steps.
fn profile_report(costs: &[palisade::eval::Cost]) -> String {
    use palisade::eval::CostOf;
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    let (fns, evaluated): (Vec<_>, Vec<_>) = costs.iter().partition(|c| c.item == CostOf::Function);
    let total: std::time::Duration = evaluated.iter().map(|c| c.time).sum();
    let steps: u64 = evaluated.iter().map(|c| c.steps).sum();
    let rules = evaluated.iter().filter(|c| c.item == CostOf::Rule).count();
    let consts = evaluated.len() - rules;
    let plural = |n: usize, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    let mut out = format!(
        "profile: {} and {} evaluated in {:.1} ms (summed over threads), {} steps\n",
        plural(rules, "rule"),
        plural(consts, "constant"),
        ms(total),
        grouped(steps),
    );
    if evaluated.is_empty() {
        out.push_str("  nothing was evaluated\n");
        return out;
    }
    out.push_str("      time  share        steps     units  findings  rule or constant\n");
    let share = |d: std::time::Duration| {
        if total.is_zero() {
            0.0
        } else {
            100.0 * d.as_secs_f64() / total.as_secs_f64()
        }
    };
    for c in evaluated.iter().take(PROFILE_ROWS) {
        let (units, findings, name) = match c.item {
            CostOf::Rule => (grouped(c.units), grouped(c.findings), c.name.clone()),
            // (Functions are not among these: they have their own table below.)
            CostOf::Constant | CostOf::Function => {
                ("-".into(), "-".into(), format!("const {}", c.name))
            }
        };
        out.push_str(&format!(
            "{:>7.1} ms {:>5.1}% {:>12} {:>9} {:>9}  {name}\n",
            ms(c.time),
            share(c.time),
            grouped(c.steps),
            units,
            findings,
        ));
    }
    if let Some(rest) = evaluated.get(PROFILE_ROWS..).filter(|r| !r.is_empty()) {
        let time: std::time::Duration = rest.iter().map(|c| c.time).sum();
        out.push_str(&format!(
            "{:>7.1} ms {:>5.1}% {:>12} {:>9} {:>9}  ({} more)\n",
            ms(time),
            share(time),
            grouped(rest.iter().map(|c| c.steps).sum()),
            grouped(rest.iter().map(|c| c.units).sum()),
            grouped(rest.iter().map(|c| c.findings).sum()),
            rest.len(),
        ));
    }
    if fns.is_empty() {
        return out;
    }
    // A function's steps hold those of the functions it calls: its share of all steps is
    // what calling it cost, and the shares overlap.
    out.push_str(&format!(
        "{} called {} times; steps include those of the functions they call\n",
        plural(fns.len(), "function"),
        grouped(fns.iter().map(|c| c.units).sum()),
    ));
    out.push_str("        steps  share       calls  function\n");
    for c in fns.iter().take(PROFILE_ROWS) {
        let share = if steps == 0 {
            0.0
        } else {
            100.0 * c.steps as f64 / steps as f64
        };
        out.push_str(&format!(
            "{:>13} {:>5.1}% {:>11}  {}\n",
            grouped(c.steps),
            share,
            grouped(c.units),
            c.name,
        ));
    }
    if let Some(rest) = fns.get(PROFILE_ROWS..).filter(|r| !r.is_empty()) {
        out.push_str(&format!(
            "{:>13} {:>6} {:>11}  ({} more)\n",
            "",
            "",
            grouped(rest.iter().map(|c| c.units).sum()),
            rest.len(),
        ));
    }
    out
}

/// A count with thousands separated by commas.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// `--verbose`: the configuration used, what ran, and the time of each phase.
fn verbose_report(run: &CheckRun, opts: &CheckOptions) -> String {
    let mut out = String::new();
    match &opts.config {
        Some(c) => {
            let file = c.root.join(palisade::config::FILE_NAME);
            let shown = driver::config::shown(&file);
            out.push_str(&format!("config: {}\n", shown.display()));
        }
        None => out.push_str("config: none (defaults)\n"),
    }
    out.push_str(&format!(
        "{} rules, {} input files, {} threads\n",
        run.rules.len(),
        run.files,
        rayon::current_num_threads()
    ));
    if let Some(s) = opts.partition.shard {
        out.push_str(&format!("shard {}/{}\n", s.index, s.count));
    }
    if let Some(c) = &opts.partition.changed {
        out.push_str(&format!("{} files changed since the revision\n", c.len()));
    }
    out.push_str(&match run.cache {
        CacheUse::Off => "result cache: off\n".to_string(),
        CacheUse::Miss => "result cache: evaluated, no reusable entry\n".to_string(),
        CacheUse::Hit { unread, compiled } => format!(
            "result cache: reused, inputs unchanged ({unread} of {} not read){}\n",
            run.files,
            if compiled {
                ""
            } else {
                "; policies not compiled"
            }
        ),
    });
    if run.released > 0 {
        let why = if run.kept.is_empty() {
            "every rule reads one document at a time".to_string()
        } else {
            format!("keeping their {}, read after loading", run.kept.join(", "))
        };
        out.push_str(&format!(
            "{} of {} input files freed as they loaded ({why})\n",
            run.released, run.files
        ));
    }
    for (phase, d) in &run.timings {
        out.push_str(&format!("{:>9.1} ms  {phase}\n", d.as_secs_f64() * 1000.0));
    }
    out.push_str(&format!(
        "{:>9.1} ms  total\n",
        run.elapsed.as_secs_f64() * 1000.0
    ));
    out
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

/// Writes one format of the run's results. JSON and SARIF are streamed: the report of a large
/// run is never held whole in memory.
fn render_to(
    args: &CheckArgs,
    run: &CheckRun,
    rules: &[Arc<RuleMeta>],
    target: &Target,
    mut out: impl std::io::Write,
) -> std::io::Result<()> {
    let (db, findings, diagnostics) = (&run.db, &run.findings, &run.diagnostics);
    let text = match target.format {
        CheckFormat::Json => {
            let report = json::Report {
                db,
                findings,
                diagnostics,
                files: run.files,
                rules: rules.len(),
                suppressed: &run.suppressed,
                baselined: run.baselined,
            };
            return report.write_pretty(out);
        }
        CheckFormat::Sarif => {
            return sarif::write_with_suppressed(
                db,
                rules,
                findings,
                &run.suppressed,
                diagnostics,
                out,
            );
        }
        CheckFormat::Junit => junit::report(db, rules, findings, diagnostics),
        CheckFormat::Github => github::report(db, findings, diagnostics),
        CheckFormat::Human => {
            let color = target.file.is_none() && use_color(args.color);
            human_report(run, rules.len(), color, args.quiet)
        }
    };
    out.write_all(text.as_bytes())?;
    out.flush()
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
