//! The driver: discover → read and load in parallel → build entities → evaluate → sort.
//!
//! The only part of the library that touches the file system.

pub mod cache;
pub mod discover;
pub mod inputs;
pub mod policies;

use std::path::PathBuf;

use crate::diag::Diagnostic;
use crate::entities::{Entities, InputDoc};
use crate::eval::{self, Finding, Program};
use crate::input;
use crate::source::SourceDb;
use crate::suppress;

pub use discover::{discover, Candidate, Filters};
pub use inputs::{load_inputs, load_read, read_inputs, LoadedInput};
pub use policies::{display_path, load_policies, pal_files, LoadedPolicies, PolicySources};

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
    /// The result cache's directory (`None`: no cache); see [`cache`].
    pub cache_dir: Option<PathBuf>,
}

/// The result of a run: everything the reporters need.
#[derive(Debug)]
pub struct CheckRun {
    pub db: SourceDb,
    pub program: Program,
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
    let mut db = SourceDb::new();
    let loaded = load_policies(&mut db, &opts.policies);
    let mut diagnostics = loaded.compiled.diagnostics;
    let mut program = loaded.compiled.program;
    diagnostics.extend(opts.selection.apply(&mut program));
    if diagnostics.iter().any(Diagnostic::is_error) {
        // Broken policies would give misleading findings: report them and stop here.
        sort_diagnostics(&db, &mut diagnostics);
        return CheckRun {
            db,
            program,
            findings: Vec::new(),
            diagnostics,
            files: 0,
            zones: Vec::new(),
            suppressed: Vec::new(),
            baselined: 0,
        };
    }
    let candidates = discover(&opts.paths, &opts.filters, &mut diagnostics);
    let cache::Evaluated {
        files,
        outcome,
        zones,
    } = cache::load_and_evaluate(&mut db, &program, &candidates, opts, &mut diagnostics);
    diagnostics.extend(outcome.diagnostics);
    let mut suppressions = Vec::new();
    for &file in &files {
        let (found, diags) = suppress::scan(file, db.text(file));
        suppressions.extend(found);
        diagnostics.extend(diags);
    }
    let applied = suppress::apply(outcome.findings, &suppressions, opts.today);
    diagnostics.extend(applied.diagnostics);
    sort_diagnostics(&db, &mut diagnostics);
    CheckRun {
        db,
        program,
        findings: applied.kept,
        diagnostics,
        files: files.len(),
        zones,
        suppressed: applied.suppressed,
        baselined: 0,
    }
}

/// Builds the entities of loaded inputs and runs every rule over them.
pub fn evaluate_inputs(
    db: &SourceDb,
    program: &Program,
    inputs: &[LoadedInput],
    limits: &eval::Limits,
) -> eval::Outcome {
    evaluate_with_entities(db, program, inputs, limits).0
}

/// Like [`evaluate_inputs`], also returning the entities.
pub fn evaluate_with_entities(
    db: &SourceDb,
    program: &Program,
    inputs: &[LoadedInput],
    limits: &eval::Limits,
) -> (eval::Outcome, Entities) {
    let docs: Vec<InputDoc<'_>> = inputs
        .iter()
        .flat_map(|i| {
            i.documents.iter().map(move |d| InputDoc {
                file: i.file,
                path: db.name(i.file),
                format: i.format,
                doc: d,
                firewall: i.firewall.as_deref(),
            })
        })
        .collect();
    let entities = Entities::build(&docs);
    let outcome = eval::evaluate(program, &entities, limits);
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
