//! The result cache of `palisade check`: a re-run on unchanged inputs and policies skips
//! loading and evaluation and reuses the findings and diagnostics of the last run.
//!
//! One entry per *scope*: the Palisade version (and the executable's size and time, so a rebuilt
//! binary never reuses results), the texts of every loaded policy file (the
//! stdlib, the pack when on, `--policy` files), the options that change results (rule
//! selection, input and evaluation limits) and the list of input files with their formats. The
//! entry records a hash of the inputs' *contents* (BLAKE3) and the run's results. A run whose
//! scope and contents both match reuses them; any difference re-evaluates everything and
//! replaces the entry. Evaluating everything again is what makes cross-document rules correct:
//! a rule about NetworkPolicies selecting pods reads several files, so no file's results are
//! reused alone. Each scope has one file, so the cache does not grow with edits.
//!
//! What is cached is what loading and evaluation produce (load diagnostics, findings, rule
//! diagnostics). Reading files, suppressions and baselines are recomputed on every run, so
//! `palisade:ignore` comments and `--today` behave exactly as without the cache. The cache is
//! best effort: a missing, truncated or foreign entry is a miss; one that cannot be written is a
//! `palisade::cache-unavailable` warning. The directory is safe to delete at any time.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::diag::{Code, Diagnostic, Label, Severity};
use crate::eval::{self, Finding, Outcome, Program, RuleMeta};
use crate::input::Format;
use crate::source::{FileId, SourceDb, Span};
use crate::value::Value;

use super::discover::Candidate;
use super::{inputs, CheckOptions};

/// Bumped when the entry format changes; part of every file name.
const SCHEMA: &str = "r1";

/// What loading and evaluating the inputs gave, from the cache or not.
pub(crate) struct Evaluated {
    /// The input files, in order.
    pub files: Vec<FileId>,
    pub outcome: Outcome,
    /// The zones of the zones model (empty when the results came from the cache).
    pub zones: Vec<Value>,
    /// The rest of the zones model (empty when the results came from the cache).
    pub zone_model: super::ZoneModel,
    /// Which input files this process reports on (see `--shard`, `--changed-since`).
    pub owned: Option<Vec<bool>>,
}

/// Reads `candidates` into `db`, then loads and evaluates them, or reuses the cached results of
/// an identical run when `opts.cache_dir` is set. Read and load diagnostics go to `diags`.
pub(crate) fn load_and_evaluate(
    db: &mut SourceDb,
    program: &Program,
    candidates: &[Candidate],
    opts: &CheckOptions,
    diags: &mut Vec<Diagnostic>,
    progress: Option<&dyn super::Progress>,
) -> Evaluated {
    let first_input = db.len();
    let pending = inputs::read_inputs(db, candidates, &opts.input_limits, diags, progress);
    let files: Vec<FileId> = pending.iter().map(|(id, _)| *id).collect();
    let owned = super::owned_files(db, &files, &opts.partition);
    if let Some(p) = progress {
        p.phase("loading and evaluating", None);
    }
    let (Some(dir), Some(build)) = (&opts.cache_dir, build_id()) else {
        return evaluate(db, program, &pending, opts, diags, files, owned);
    };
    let keys = Keys::of(db, first_input, &pending, opts, &owned, &build);
    let path = dir.join(format!("{SCHEMA}-{}.json", keys.scope));
    if let Some((load, outcome)) = read_entry(&path, &keys.content, program) {
        diags.extend(load);
        return Evaluated {
            files,
            outcome,
            zones: Vec::new(),
            zone_model: super::ZoneModel::default(),
            owned,
        };
    }
    let mut load_diags = Vec::new();
    let evaluated = evaluate(db, program, &pending, opts, &mut load_diags, files, owned);
    if let Err(e) = write_entry(dir, &path, &keys.content, &load_diags, &evaluated.outcome) {
        diags.push(
            Diagnostic::new(
                Code::CacheUnavailable,
                format!("cannot write the result cache in `{}`: {e}", dir.display()),
            )
            .help("results are complete; point `--cache-dir` at a writable directory, or pass `--no-cache`"),
        );
    }
    diags.extend(load_diags);
    evaluated
}

fn evaluate(
    db: &SourceDb,
    program: &Program,
    pending: &[(FileId, Format)],
    opts: &CheckOptions,
    diags: &mut Vec<Diagnostic>,
    files: Vec<FileId>,
    owned: Option<Vec<bool>>,
) -> Evaluated {
    let loaded = inputs::load_read(db, pending, &opts.input_limits, diags);
    let scope = eval::UnitScope {
        files: owned.clone(),
        shard: opts.partition.shard.map(|s| (s.index - 1, s.count)),
    };
    let (outcome, entities) =
        super::evaluate_scoped_with_entities(db, program, &loaded, &opts.eval_limits, &scope);
    let entity = |kind: &str| {
        entities
            .get(kind)
            .map(|z| z.as_ref().clone())
            .unwrap_or_default()
    };
    let zones = entity("zones");
    let zone_model = super::ZoneModel {
        conduits: entity("conduits"),
        firewalls: entity("zone_firewalls"),
        flows: entity("zone_flows"),
    };
    // Freed now, before reporting, to keep the peak memory down, and on a thread of its own:
    // freeing the value tree of 10,000 files takes tens of milliseconds that the report
    // need not wait for (if no thread can be started, it is freed here).
    let tree = (loaded, entities);
    let _ = std::thread::Builder::new()
        .name("palisade-free".into())
        .spawn(move || drop(tree));
    Evaluated {
        files,
        outcome,
        zones,
        zone_model,
        owned,
    }
}

/// The running executable's size and modification time: a rebuilt binary (say with changed
/// natives or entities but the same version number) never reads its predecessor's results.
/// `None` (no cache) when they cannot be known.
fn build_id() -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(exe).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some(format!("{}:{}", meta.len(), modified.as_nanos()))
}

/// The two keys of a run, as hex.
struct Keys {
    /// Everything but the inputs' contents: names the entry's file.
    scope: String,
    /// The inputs' contents: must match the entry's.
    content: String,
}

impl Keys {
    fn of(
        db: &SourceDb,
        first_input: usize,
        pending: &[(FileId, Format)],
        opts: &CheckOptions,
        owned: &Option<Vec<bool>>,
        build: &str,
    ) -> Keys {
        let mut scope = blake3::Hasher::new();
        let field = |h: &mut blake3::Hasher, bytes: &[u8]| {
            h.update(&(bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        };
        field(&mut scope, SCHEMA.as_bytes());
        field(&mut scope, env!("CARGO_PKG_VERSION").as_bytes());
        field(&mut scope, build.as_bytes());
        // The part of the run evaluated (`--shard`, `--changed-since`) changes the results too.
        let options = format!(
            "{:?}|{:?}|{:?}|{:?}|{:?}",
            opts.selection, opts.input_limits, opts.eval_limits, opts.partition.shard, owned
        );
        field(&mut scope, options.as_bytes());
        // Policy files (and anything else loaded before the inputs), names and texts.
        for (_, file) in db.iter().take(first_input) {
            field(&mut scope, file.name.as_bytes());
            field(&mut scope, file.text.as_bytes());
        }
        for (id, format) in pending {
            field(&mut scope, db.name(*id).as_bytes());
            field(&mut scope, format!("{format:?}").as_bytes());
        }
        let texts: Vec<[u8; 32]> = pending
            .par_iter()
            .map(|(id, _)| *blake3::hash(db.text(*id).as_bytes()).as_bytes())
            .collect();
        let mut content = blake3::Hasher::new();
        for t in &texts {
            content.update(t);
        }
        Keys {
            scope: scope.finalize().to_hex().to_string(),
            content: content.finalize().to_hex().to_string(),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Entry {
    content: String,
    /// Rule ids; findings refer to them by index.
    rules: Vec<String>,
    findings: Vec<CachedFinding>,
    /// Diagnostics of loading the inputs.
    load: Vec<CachedDiagnostic>,
    /// Diagnostics of evaluating the rules.
    eval: Vec<CachedDiagnostic>,
}

#[derive(Serialize, Deserialize)]
struct CachedFinding {
    rule: u32,
    message: String,
    span: Option<[u32; 3]>,
}

#[derive(Serialize, Deserialize)]
struct CachedDiagnostic {
    code: String,
    severity: String,
    message: String,
    span: Option<[u32; 3]>,
    label: Option<String>,
    help: Option<String>,
    related: Vec<([u32; 3], String)>,
    path: Option<String>,
}

fn span_out(s: Span) -> [u32; 3] {
    [s.file.0, s.start, s.end]
}

fn span_in([file, start, end]: [u32; 3]) -> Span {
    Span {
        file: FileId(file),
        start,
        end,
    }
}

fn diagnostic_out(d: &Diagnostic) -> CachedDiagnostic {
    CachedDiagnostic {
        code: d.code.as_str().to_string(),
        severity: d.severity.as_str().to_string(),
        message: d.message.clone(),
        span: d.span.map(span_out),
        label: d.label.clone(),
        help: d.help.clone(),
        related: d
            .related
            .iter()
            .map(|l| (span_out(l.span), l.text.clone()))
            .collect(),
        path: d.path.clone(),
    }
}

fn diagnostic_in(d: CachedDiagnostic) -> Option<Diagnostic> {
    let code = *Code::ALL.iter().find(|c| c.as_str() == d.code)?;
    let severity = [Severity::Info, Severity::Warning, Severity::Error]
        .into_iter()
        .find(|s| s.as_str() == d.severity)?;
    Some(Diagnostic {
        code,
        severity,
        message: d.message,
        span: d.span.map(span_in),
        label: d.label,
        help: d.help,
        related: d
            .related
            .into_iter()
            .map(|(span, text)| Label {
                span: span_in(span),
                text,
            })
            .collect(),
        path: d.path,
    })
}

/// The cached load diagnostics and outcome, if `path` holds an entry for `content` that this
/// program can read back (every rule id known). Anything else is a miss.
fn read_entry(path: &Path, content: &str, program: &Program) -> Option<(Vec<Diagnostic>, Outcome)> {
    let bytes = std::fs::read(path).ok()?;
    let entry: Entry = serde_json::from_slice(&bytes).ok()?;
    if entry.content != content {
        return None;
    }
    let known: std::collections::HashMap<&str, &Arc<RuleMeta>> =
        program.rules().map(|r| (r.id.as_str(), r)).collect();
    let rules: Vec<Arc<RuleMeta>> = entry
        .rules
        .iter()
        .map(|id| known.get(id.as_str()).map(|r| Arc::clone(r)))
        .collect::<Option<_>>()?;
    let findings = entry
        .findings
        .into_iter()
        .map(|f| {
            Some(Finding {
                rule: Arc::clone(rules.get(f.rule as usize)?),
                message: f.message,
                span: f.span.map(span_in),
                entity: None,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let load = entry
        .load
        .into_iter()
        .map(diagnostic_in)
        .collect::<Option<Vec<_>>>()?;
    let diagnostics = entry
        .eval
        .into_iter()
        .map(diagnostic_in)
        .collect::<Option<Vec<_>>>()?;
    Some((
        load,
        eval::Outcome {
            findings,
            diagnostics,
        },
    ))
}

/// Writes the entry atomically (a temporary file renamed over the old entry).
fn write_entry(
    dir: &Path,
    path: &Path,
    content: &str,
    load: &[Diagnostic],
    outcome: &Outcome,
) -> std::io::Result<()> {
    let mut rules: Vec<String> = Vec::new();
    let mut index: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
    let findings = outcome
        .findings
        .iter()
        .map(|f| {
            let next = rules.len() as u32;
            let rule = *index.entry(f.rule.id.as_str()).or_insert_with(|| {
                rules.push(f.rule.id.clone());
                next
            });
            CachedFinding {
                rule,
                message: f.message.clone(),
                span: f.span.map(span_out),
            }
        })
        .collect();
    let entry = Entry {
        content: content.to_string(),
        rules,
        findings,
        load: load.iter().map(diagnostic_out).collect(),
        eval: outcome.diagnostics.iter().map(diagnostic_out).collect(),
    };
    let bytes = serde_json::to_vec(&entry).map_err(std::io::Error::other)?;
    std::fs::create_dir_all(dir)?;
    let tmp: PathBuf = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
