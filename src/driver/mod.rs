//! The driver: discover → read and load in parallel → build entities → evaluate → sort.
//!
//! The only part of the library that touches the file system.

pub mod cache;
pub mod config;
pub mod discover;
pub mod inputs;
pub mod partition;
pub mod policies;
mod project;

use std::path::PathBuf;
use std::sync::Arc;

use crate::diag::Diagnostic;
use crate::entities::{Entities, InputDoc};
use crate::eval::{self, Finding, Program, RuleMeta};
use crate::input;
use crate::source::{FileId, SourceDb};
use crate::suppress;

pub use discover::{discover, Candidate, Filters};
pub use inputs::{load_inputs, load_read, load_read_then, read_inputs, LoadedInput};
pub use partition::{Partition, Shard};
pub use policies::{display_path, load_policies, pal_files, LoadedPolicies, PolicySources};

/// Told what a run is doing, for a progress bar. Called from worker threads.
pub trait Progress: Send + Sync {
    /// A phase starts; `total` is the number of steps [`Progress::advance`] will count.
    fn phase(&self, name: &'static str, total: Option<u64>);
    fn advance(&self, n: u64);
}

/// A [`Progress`] in [`CheckOptions`].
#[derive(Clone)]
pub struct ProgressHook(pub std::sync::Arc<dyn Progress>);

impl std::fmt::Debug for ProgressHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressHook")
    }
}

/// How long each phase of a run took (`--verbose`).
pub type Timings = Vec<(&'static str, std::time::Duration)>;

/// What `palisade check` needs to know.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    pub policies: PolicySources,
    pub filters: Filters,
    pub input_limits: input::Limits,
    pub eval_limits: eval::Limits,
    /// Which rules run.
    pub selection: crate::select::Selection,
    /// Today's date, for `expires=` of suppressions (`None`: nothing expires). The library reads
    /// no clock: the CLI passes it in.
    pub today: Option<jiff::civil::Date>,
    /// The project configuration (its file already in the run's source database): its
    /// include/exclude globs, `[formats]`, `[[overrides]]` and `[[suppress]]` apply here;
    /// the rest is merged into the other options by the caller.
    pub config: Option<crate::config::Config>,
    /// Which part of the run to report (`--shard`, `--changed-since`).
    pub partition: Partition,
    /// Told of each phase and file, for a progress bar.
    pub progress: Option<ProgressHook>,
    /// The result cache's directory (`None`: no cache); see [`cache`].
    pub cache_dir: Option<PathBuf>,
    /// The caller's reports need only the names, lines and columns of input files, not their
    /// texts (no snippets, no fingerprints): a cached run may then leave unchanged files
    /// unread ([`crate::source::SourceFile::unread`]). Off by default.
    pub positions_only: bool,
    /// The process ends once the run is reported: the inputs' value trees and entities are
    /// left to the operating system instead of being freed node by node (as compilers do at
    /// exit; 30 ms of CPU at 10,000 files). Off by default: a caller that lives on (the
    /// language server, tests) gets them freed, on a thread of their own.
    pub process_exits: bool,
    /// Tally what each rule and constant costs (`--profile`), timed with the monotonic clock,
    /// into [`CheckRun::profile`]. Off by default.
    pub profile: bool,
}

/// The result of a run: everything the reporters need.
#[derive(Debug)]
pub struct CheckRun {
    pub db: SourceDb,
    /// The rules of the run (those selected), in the program's order.
    pub rules: Vec<Arc<RuleMeta>>,
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
    /// Input files loaded.
    pub files: usize,
    /// The zones of the zones model, if one was loaded (for the assessment).
    pub zones: Vec<crate::value::Value>,
    /// Findings silenced by `palisade:ignore` comments (not in `findings`).
    pub suppressed: Vec<crate::suppress::Suppressed>,
    /// How many findings a baseline removed (see [`CheckRun::apply_baseline`]).
    pub baselined: usize,
    /// How long each phase took (discovery runs alongside compilation).
    pub timings: Timings,
    /// How long the whole run took.
    pub elapsed: std::time::Duration,
    /// The rest of the zones model (conduits, firewalls, permitted flows), for the audit report.
    pub zone_model: ZoneModel,
    /// The input files of the run, in load order; the other files of `db` are policies.
    pub input_files: Vec<crate::source::FileId>,
    /// What the result cache did.
    pub cache: cache::CacheUse,
    /// With [`CheckOptions::profile`], what each rule and constant that ran cost, the most
    /// expensive first (empty when nothing was evaluated, say when the results came from the
    /// cache).
    pub profile: Vec<eval::Cost>,
    /// How many input files had their values freed as soon as their rules had run on them,
    /// as they loaded: every rule that does not read one document at a time, and every
    /// constant, reads only entities of the kinds in [`CheckRun::kept`], which the files
    /// keep (`eval::Early::release`). Shown by `--verbose`.
    pub released: usize,
    /// The entity kinds the files freed as they loaded kept, in name order: those read
    /// after loading (empty when every rule reads one document at a time).
    pub kept: Vec<String>,
}

/// The entities of the zones model besides `zones`, as the audit report draws them.
#[derive(Clone, Debug, Default)]
pub struct ZoneModel {
    pub conduits: Vec<crate::value::Value>,
    /// The model's `firewalls` entries (`zone_firewalls`).
    pub firewalls: Vec<crate::value::Value>,
    /// Every permitted inter-zone flow (`zone_flows`).
    pub flows: Vec<crate::value::Value>,
}

impl CheckRun {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Removes the findings `baseline` accepts, counting them in `baselined`.
    pub fn apply_baseline(&mut self, baseline: &crate::baseline::Baseline) {
        let (kept, removed) = baseline.filter(&self.db, std::mem::take(&mut self.findings));
        self.findings = kept;
        self.baselined += removed;
    }
}

/// Runs a whole check. Never fails: problems are diagnostics.
pub fn check(opts: &CheckOptions) -> CheckRun {
    check_in(SourceDb::new(), opts)
}

/// Like [`check`], into a source database that may already hold files (`palisade.toml`, so
/// that its spans stay valid in the run's diagnostics).
///
/// With the cache on and an entry recorded for the run's options, the inputs are found and
/// their stamps taken while the entry is read; when all is as recorded, the recorded rules and
/// results are the run's, and the policies are not compiled. Otherwise the policies are
/// compiled while the inputs are found (or, with a stale entry, while they are read).
pub fn check_in(mut db: SourceDb, opts: &CheckOptions) -> CheckRun {
    let progress = opts.progress.as_ref().map(|p| &*p.0);
    let mut timings = Timings::new();
    let mut clock = std::time::Instant::now();
    let started = clock;
    let mut lap = |name: &'static str, timings: &mut Timings| {
        let now = std::time::Instant::now();
        timings.push((name, now - clock));
        clock = now;
    };
    if let Some(p) = progress {
        p.phase("compiling policies", None);
    }
    let cache_at = cache::locate(&db, opts);
    let policies::ReadPolicies {
        files: policy_files,
        mut diagnostics,
    } = policies::read_policies(&mut db, &opts.policies);
    let db_ref = &db;
    let discover_all = || {
        let clock = std::time::Instant::now();
        let mut diags = Vec::new();
        let mut candidates = discover(&opts.paths, &opts.filters, &mut diags);
        if let Some(config) = &opts.config {
            project::filter_candidates(config, &mut candidates);
        }
        (candidates, diags, clock.elapsed())
    };
    let warm = cache_at.as_ref().is_some_and(|(_, path)| path.is_file())
        && !diagnostics.iter().any(Diagnostic::is_error);
    // Reads the files found (one read per candidate), and how long that took.
    let read_files = |found: &[Candidate]| {
        if let Some(p) = progress {
            p.phase("reading files", Some(found.len() as u64));
        }
        let clock = std::time::Instant::now();
        let read = inputs::read_all(found, &opts.input_limits, progress);
        let reads: Vec<inputs::Read> = read.into_iter().map(|(r, _)| r).collect();
        (reads, clock.elapsed())
    };
    // The files, when they were read alongside compiling.
    let mut early_read = None;
    let (compiled, (candidates, found_diags, discovered_in), looked) = match cache_at {
        Some(at) if warm => {
            let ((found, probe), opened) = rayon::join(
                || {
                    let found = discover_all();
                    let probe = cache::probe(db_ref, &found.0, opts);
                    (found, probe)
                },
                || cache::open(at),
            );
            (None, found, Some(Looked::Opened(opened, probe)))
        }
        at => {
            // With the cache off nothing is looked up before reading: the files are read
            // as soon as they are found, while the policies compile.
            let read_now = at.is_none();
            let (compiled, (found, read)) = rayon::join(
                || compile_selected(db_ref, &policy_files, opts),
                || {
                    let found = discover_all();
                    let read = read_now.then(|| read_files(&found.0));
                    (found, read)
                },
            );
            early_read = read;
            (Some(compiled), found, at.map(Looked::Located))
        }
    };
    let lookup = match looked {
        Some(Looked::Opened(opened, probe)) => {
            let mut load = Vec::new();
            match cache::reuse(&mut db, &candidates, opts, &mut load, opened, probe) {
                Ok(reused) => {
                    lap("discover and look up the result cache", &mut timings);
                    timings.push(("  discover", discovered_in));
                    diagnostics.extend(reused.policy);
                    diagnostics.extend(found_diags);
                    diagnostics.extend(load);
                    let run = Ran {
                        rules: reused.rules,
                        evaluated: reused.evaluated,
                        candidates,
                        timings,
                        started,
                    };
                    return finish(db, opts, run, diagnostics);
                }
                Err(lookup) => Some(lookup),
            }
        }
        Some(Looked::Located(at)) => Some(cache::lookup(at, &db, &candidates, opts)),
        None => None,
    };
    // The policies, compiled alongside discovery, or now: while the inputs are read and
    // hashed when a stale entry may yet be reused by content.
    let ((program, policy), lookup) = match (compiled, lookup) {
        (Some(compiled), lookup) => (compiled, lookup.map(|l| (l, None))),
        (None, Some(lookup)) => {
            if let Some(p) = progress {
                p.phase("reading files", Some(candidates.len() as u64));
            }
            let (compiled, hashed) = rayon::join(
                || compile_selected(&db, &policy_files, opts),
                || cache::read_and_hash(&candidates, opts, progress),
            );
            (compiled, Some((lookup, Some(hashed))))
        }
        (None, None) => (compile_selected(&db, &policy_files, opts), None),
    };
    let rules: Vec<_> = program.rules().cloned().collect();
    lap("compile policies", &mut timings);
    diagnostics.extend(policy.iter().cloned());
    if diagnostics.iter().any(Diagnostic::is_error) {
        // Broken policies would give misleading findings: report them and stop here.
        sort_diagnostics(&db, &mut diagnostics);
        return CheckRun {
            db,
            rules,
            findings: Vec::new(),
            diagnostics,
            files: 0,
            zones: Vec::new(),
            suppressed: Vec::new(),
            baselined: 0,
            timings,
            zone_model: ZoneModel::default(),
            input_files: Vec::new(),
            cache: cache::CacheUse::Off,
            elapsed: started.elapsed(),
            profile: Vec::new(),
            released: 0,
            kept: Vec::new(),
        };
    }
    timings.push(("discover (alongside compiling)", discovered_in));
    diagnostics.extend(found_diags);
    let before = match (lookup, early_read) {
        (Some(lookup), _) => {
            if let Some(p) = progress {
                p.phase("reading files", Some(candidates.len() as u64));
            }
            cache::Before::Lookup(lookup)
        }
        (None, Some((reads, read_in))) => {
            timings.push(("read files (alongside compiling)", read_in));
            cache::Before::Read(reads)
        }
        // With the cache off the files were read alongside compiling: only a guard.
        (None, None) => {
            let (reads, read_in) = read_files(&candidates);
            timings.push(("read files", read_in));
            cache::Before::Read(reads)
        }
    };
    let evaluated = cache::load_and_evaluate(
        &mut db,
        &program,
        &policy,
        &candidates,
        opts,
        &mut diagnostics,
        progress,
        before,
    );
    lap("read, parse and evaluate", &mut timings);
    let run = Ran {
        rules,
        evaluated,
        candidates,
        timings,
        started,
    };
    finish(db, opts, run, diagnostics)
}

/// How far a cached run got before compiling: its entry located (none recorded yet), or
/// opened, with the stamps of the inputs to compare with it.
enum Looked {
    Located((PathBuf, PathBuf)),
    Opened(cache::Opened, cache::Probe),
}

/// The policy files compiled and the rules selected: the program, and the diagnostics of
/// compiling (reading them is not included) and of selecting.
fn compile_selected(
    db: &SourceDb,
    files: &[crate::source::FileId],
    opts: &CheckOptions,
) -> (Program, Vec<Diagnostic>) {
    let loaded = policies::compile_imported(db, files);
    let mut diagnostics = loaded.compiled.diagnostics;
    let mut program = loaded.compiled.program;
    if let Some(config) = &opts.config {
        // Before the selection drops rules: an override may name a rule not selected.
        let suppressed: Vec<crate::config::RuleRef> = config
            .suppress
            .iter()
            .filter_map(|s| match &s.target {
                suppress::Target::Rule(id) => {
                    Some(crate::config::RuleRef::Rule(id.clone(), Some(s.span)))
                }
                suppress::Target::Requirement(_) => None,
            })
            .collect();
        let refs = config
            .overrides
            .iter()
            .flat_map(|o| &o.ignore)
            .chain(&suppressed);
        diagnostics.extend(crate::select::unknown_rule_refs(refs, &program));
    }
    diagnostics.extend(opts.selection.apply(&mut program));
    (program, diagnostics)
}

/// A run's results before suppressions, partition and sorting.
struct Ran {
    rules: Vec<Arc<RuleMeta>>,
    evaluated: cache::Evaluated,
    candidates: Vec<Candidate>,
    timings: Timings,
    started: std::time::Instant,
}

/// Applies the partition, suppressions and overrides to a run's results, and sorts them.
fn finish(
    db: SourceDb,
    opts: &CheckOptions,
    run: Ran,
    mut diagnostics: Vec<Diagnostic>,
) -> CheckRun {
    let Ran {
        rules,
        evaluated,
        candidates,
        mut timings,
        started,
    } = run;
    let clock = std::time::Instant::now();
    let cache::Evaluated {
        files,
        outcome,
        zones,
        zone_model,
        owned,
        cache,
        phases,
        profile,
        released,
        kept,
    } = evaluated;
    timings.extend(phases);
    diagnostics.extend(outcome.diagnostics);
    let mut findings = outcome.findings;
    if opts.partition.changed.is_some() {
        // `--changed-since`: report only what lands in a changed file.
        if let Some(owned) = &owned {
            findings.retain(|f| {
                f.span
                    .is_none_or(|s| owned.get(s.file.0 as usize).copied().unwrap_or(true))
            });
        }
    }
    let mut suppressions = Vec::new();
    let scanned: Vec<_> = {
        use rayon::prelude::*;
        files
            .par_iter()
            .map(|&file| suppress::scan(file, db.text(file)))
            .collect()
    };
    for (found, diags) in scanned {
        suppressions.extend(found);
        diagnostics.extend(diags);
    }
    if let Some(config) = &opts.config {
        findings = project::apply_overrides(config, &db, findings);
        suppressions.extend(project::suppressions(config, &db, &files));
    }
    let applied = suppress::apply(findings, &suppressions, opts.today);
    diagnostics.extend(applied.diagnostics);
    if let Some(owned) = &owned {
        // Problems in files another process reports on are left to it.
        let not_owned: std::collections::HashSet<String> = candidates
            .iter()
            .map(|c| (c, policies::display_path(&c.path)))
            .filter(|(c, name)| !opts.partition.owns(&c.path, name))
            .map(|(_, name)| name)
            .collect();
        diagnostics.retain(|d| match d.span {
            Some(s) => owned.get(s.file.0 as usize).copied().unwrap_or(true),
            None => d.path.as_deref().is_none_or(|p| !not_owned.contains(p)),
        });
    }
    sort_diagnostics(&db, &mut diagnostics);
    timings.push(("suppressions and sorting", clock.elapsed()));
    CheckRun {
        db,
        rules,
        findings: applied.kept,
        diagnostics,
        files: files.len(),
        zones,
        suppressed: applied.suppressed,
        baselined: 0,
        timings,
        zone_model,
        input_files: files,
        cache,
        elapsed: started.elapsed(),
        profile,
        released,
        kept,
    }
}

/// Which input files this process reports on: `None` for all (no `--shard`, no
/// `--changed-since`), else a flag per file id.
pub(crate) fn owned_files(
    db: &SourceDb,
    files: &[FileId],
    partition: &Partition,
) -> Option<Vec<bool>> {
    if partition.is_all() {
        return None;
    }
    let mut owned = vec![true; db.len()];
    for &file in files {
        let name = db.name(file);
        if let Some(o) = owned.get_mut(file.0 as usize) {
            *o = partition.owns(std::path::Path::new(name), name);
        }
    }
    Some(owned)
}

/// Builds the entities of loaded inputs that `program` reads, and runs every rule over them.
pub fn evaluate_inputs(
    db: &SourceDb,
    program: &Program,
    inputs: &[LoadedInput],
    limits: &eval::Limits,
) -> eval::Outcome {
    let entities = build_entities_for(db, inputs, program);
    eval::evaluate(program, &entities, limits)
}

/// Like [`evaluate_inputs`], also returning the entities, all of them.
pub fn evaluate_with_entities(
    db: &SourceDb,
    program: &Program,
    inputs: &[LoadedInput],
    limits: &eval::Limits,
) -> (eval::Outcome, Entities) {
    evaluate_scoped_with_entities(db, program, inputs, limits, &eval::UnitScope::default())
}

/// The entities (and cross-document indexes) of loaded inputs.
pub fn build_entities(db: &SourceDb, inputs: &[LoadedInput]) -> Entities {
    build_entities_only(db, inputs, &|_| true)
}

/// The entities a check of `program` reads ([`Program::entity_kinds`]), and the zones model
/// its report draws ([`ZoneModel`]); the other kinds are not derived.
pub fn build_entities_for(db: &SourceDb, inputs: &[LoadedInput], program: &Program) -> Entities {
    build_entities_only(db, inputs, &wanted_by(program))
}

/// Whether a check of `program` derives entities of a kind: those its rules read, and the
/// zones model, which its report draws ([`ZoneModel`]).
pub(crate) fn wanted_by(program: &Program) -> impl Fn(&str) -> bool + Sync + '_ {
    let read = program.entity_kinds();
    move |kind| read.contains(kind) || crate::entities::ZONE_KINDS.contains(&kind)
}

fn build_entities_only(
    db: &SourceDb,
    inputs: &[LoadedInput],
    wanted: &(dyn Fn(&str) -> bool + Sync),
) -> Entities {
    let docs: Vec<InputDoc<'_>> = inputs.iter().flat_map(|i| input_docs(db, i)).collect();
    Entities::build_only(&docs, wanted)
}

/// The documents of one loaded input, for deriving entities.
pub(crate) fn input_docs<'a>(
    db: &'a SourceDb,
    input: &'a LoadedInput,
) -> impl Iterator<Item = InputDoc<'a>> + 'a {
    input.documents.iter().map(move |d| InputDoc {
        file: input.file,
        path: db.shared_name(input.file),
        format: input.format,
        doc: d,
        firewall: input.firewall.as_deref(),
    })
}

/// Like [`evaluate_with_entities`], running only the units of `scope`.
pub fn evaluate_scoped_with_entities(
    db: &SourceDb,
    program: &Program,
    inputs: &[LoadedInput],
    limits: &eval::Limits,
    scope: &eval::UnitScope,
) -> (eval::Outcome, Entities) {
    let entities = build_entities(db, inputs);
    let outcome = eval::evaluate_scoped(program, &entities, limits, scope);
    (outcome, entities)
}

/// Orders diagnostics by file name, position, code and message.
pub fn sort_diagnostics(db: &SourceDb, diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            let name = d
                .span
                .map(|s| db.name(s.file).to_string())
                .or_else(|| d.path.clone())
                .unwrap_or_default();
            (
                name,
                d.span.map(|s| (s.start, s.end)),
                d.code,
                d.message.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
}
