//! The result cache of `palisade check`: a re-run on unchanged inputs and policies skips
//! loading and evaluation and reuses the findings and diagnostics of the last run.
//!
//! One entry per *scope*: the Palisade version (and the executable's size and time, so a rebuilt
//! binary never reuses results), the texts of every loaded policy file (the stdlib, the pack
//! when on, `--policy` files), the options that change results (rule selection, input and
//! evaluation limits, the part of the run reported) and the list of candidate input files.
//! Each scope has one file, so the cache does not grow with edits.
//!
//! The entry records, for every candidate, what reading it gave (its format and a BLAKE3 hash
//! of its text, or why it could not be read) and the file's *stamp* (size, modification and
//! change times, inode); then the run's results. A run reuses the results only when every
//! candidate reads the same as recorded; any difference re-evaluates everything and replaces
//! the entry. Evaluating everything again is what makes cross-document rules correct: a rule
//! about NetworkPolicies selecting pods reads several files, so no file's results are reused
//! alone.
//!
//! A file whose stamp is the recorded one is not read at all (as ruff and git do): its change
//! time moves with every write, and a file modified less than [`SETTLED`] before the recording
//! run read it is never trusted this way (git's "racily clean" guard: a second write within
//! the timestamps' resolution could leave them unchanged). Such a file is given to the
//! reports by its recorded line index ([`SourceFile::unread`]) when they need only line and
//! column numbers ([`CheckOptions::positions_only`]) and its text is ASCII without a
//! `palisade:ignore` in it; otherwise it is read, and its hash checked. When any candidate's
//! stamp differs, every file is read and hashed, and equal contents still reuse the results
//! (a `touch`, a fresh checkout); the entry is then rewritten with the new stamps.
//!
//! What is cached is what loading and evaluation produce (load diagnostics, findings, rule
//! diagnostics), and what the reports need of compiling the policies (the selected rules'
//! metadata, the diagnostics of compiling and selecting): a run whose every stamp is the
//! recorded one compiles nothing (`reuse`). Suppressions and baselines are recomputed on
//! every run, so `palisade:ignore`
//! comments and `--today` behave exactly as without the cache. The cache is best effort: a
//! missing, truncated or foreign entry is a miss; one that cannot be written is a
//! `palisade::cache-unavailable` warning. The directory is safe to delete at any time.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::diag::{Code, Diagnostic, Label, Severity};
use crate::entities::Deriver;
use crate::eval::{self, Finding, Outcome, Program, RuleMeta};
use crate::input::Format;
use crate::source::{FileId, SourceDb, SourceFile, Span};
use crate::value::{ArcStr, Value};

use super::discover::Candidate;
use super::inputs::{self, Read};
use super::policies::display_path;
use super::CheckOptions;

/// Bumped when the entry format changes; part of every file name.
const SCHEMA: &str = "r4";

/// The first bytes of every entry.
const MAGIC: [u8; 8] = *b"palisade";

/// How long before the recording run's reads a file must have last been modified for its
/// stamp to be trusted (covers filesystems with coarse timestamps).
pub const SETTLED: Duration = Duration::from_secs(2);

/// The marker of suppression comments: a file holding it is always read.
const MARKER: &[u8] = b"palisade:ignore";

/// What the result cache did in a run (`--verbose`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CacheUse {
    /// No cache (`--no-cache`, or no cache directory).
    #[default]
    Off,
    /// Evaluated (and the entry written, unless a warning says it could not be).
    Miss,
    /// The recorded results, every input unchanged; `unread` of them were not read at all.
    /// `compiled`: the policies were compiled (the stamps of some inputs had changed, so the
    /// run could not know beforehand that their texts had not).
    Hit { unread: usize, compiled: bool },
}

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
    pub cache: CacheUse,
    /// The parts of the work and their times, for `--verbose`: reading, parsing, entities,
    /// evaluation (those that ran), named to show indented under the whole.
    pub phases: Vec<(&'static str, std::time::Duration)>,
    /// What each rule and constant cost, with `--profile` (see [`eval::Profile`]).
    pub profile: Vec<eval::Cost>,
    /// How many input files had their values freed as they loaded (see
    /// [`super::CheckRun::released`]).
    pub released: usize,
    /// The entity kinds those files kept (see [`super::CheckRun::kept`]).
    pub kept: Vec<String>,
}

/// Where a run's entry lives, and the entry (with its results decoded) if there is a readable
/// one. Located before anything else, and read while the inputs are found.
pub(crate) struct Opened {
    dir: PathBuf,
    path: PathBuf,
    entry: Option<Box<(Stored, Restored)>>,
}

/// The directory and file of the run's entry, `None` when the cache is off. The file is named
/// by what is known before compiling and discovery: the schema, the executable, the options,
/// the working directory, the paths and filters given, the policy sources, and the files
/// already loaded (`palisade.toml`). The entry itself records the rest of the scope (the
/// policies' texts, the candidate files).
pub(crate) fn locate(db: &SourceDb, opts: &CheckOptions) -> Option<(PathBuf, PathBuf)> {
    let dir = opts.cache_dir.as_ref()?;
    let mut h = blake3::Hasher::new();
    field(&mut h, SCHEMA.as_bytes());
    field(&mut h, env!("CARGO_PKG_VERSION").as_bytes());
    field(&mut h, build_id()?.as_bytes());
    let options = format!(
        "{:?}|{:?}|{:?}|{:?}|{}|{:?}|{:?}|{:?}|{:?}",
        opts.selection,
        opts.input_limits,
        opts.eval_limits,
        opts.partition.shard,
        opts.partition.changed.is_some(),
        std::env::current_dir().ok(),
        opts.paths,
        opts.filters,
        opts.policies,
    );
    field(&mut h, options.as_bytes());
    for (_, file) in db.iter() {
        field(&mut h, file.name.as_bytes());
        field(&mut h, file.text.as_bytes());
    }
    let name = format!("{SCHEMA}-{}.bin", h.finalize().to_hex());
    Some((dir.clone(), dir.join(name)))
}

/// Reads the entry [`locate`] found, if it is there and readable, and decodes its results
/// (before the run knows whether it can use them: this is done while the inputs are found).
pub(crate) fn open((dir, path): (PathBuf, PathBuf)) -> Opened {
    let entry = read_entry(&path).and_then(|stored| {
        let restored = restore(&stored)?;
        Some(Box::new((stored, restored)))
    });
    Opened { dir, path, entry }
}

/// A length-prefixed field of a hash.
fn field(h: &mut blake3::Hasher, bytes: &[u8]) {
    h.update(&(bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

/// What a run with an entry to compare against learns of its inputs without reading them,
/// while the entry is read: their names, the run's scope, and the files' stamps.
pub(crate) struct Probe {
    /// (Shared strings: each becomes the name of its file in the database as it is.)
    names: Vec<ArcStr>,
    scope: [u8; 32],
    stamps: Vec<Option<Stamp>>,
}

/// The [`Probe`] of `candidates`; `db` holds the policy files (and `palisade.toml`).
pub(crate) fn probe(db: &SourceDb, candidates: &[Candidate], opts: &CheckOptions) -> Probe {
    let names = display_names(candidates);
    let scope = scope_key(db, candidates, &names, opts);
    let stamps = stamps(candidates);
    Probe {
        names,
        scope,
        stamps,
    }
}

fn display_names(candidates: &[Candidate]) -> Vec<ArcStr> {
    candidates
        .par_iter()
        .map(|c| ArcStr::from(display_path(&c.path)))
        .collect()
}

/// What a run needs to look further than the stamps: where its entry goes, its scope, and the
/// recorded entry if it is one of this scope.
pub(crate) struct Lookup {
    dir: PathBuf,
    path: PathBuf,
    scope: [u8; 32],
    recorded: Option<Box<(Stored, Restored)>>,
}

/// The [`Lookup`] of a run that found no entry to open.
pub(crate) fn lookup(
    (dir, path): (PathBuf, PathBuf),
    db: &SourceDb,
    candidates: &[Candidate],
    opts: &CheckOptions,
) -> Lookup {
    let scope = scope_key(db, candidates, &display_names(candidates), opts);
    Lookup {
        dir,
        path,
        scope,
        recorded: None,
    }
}

/// A run's results taken whole from its entry: the policies need not be compiled.
pub(crate) struct Reused {
    /// The selected rules, as the recording run compiled them.
    pub rules: Vec<Arc<RuleMeta>>,
    /// The diagnostics of compiling the policies and selecting the rules.
    pub policy: Vec<Diagnostic>,
    pub evaluated: Evaluated,
}

/// The recorded results when the entry is of this run's scope and every candidate's stamp is
/// the recorded one (see [`unchanged`]), else what the run needs to go on (the entry is kept
/// when its scope is this run's, to be compared by content). Load diagnostics go to `diags`.
pub(crate) fn reuse(
    db: &mut SourceDb,
    candidates: &[Candidate],
    opts: &CheckOptions,
    diags: &mut Vec<Diagnostic>,
    opened: Opened,
    probe: Probe,
) -> Result<Reused, Lookup> {
    let Opened { dir, path, entry } = opened;
    let Probe {
        names,
        scope,
        stamps,
    } = probe;
    let entry = entry.filter(|e| e.0.header.scope == scope);
    let Some(recorded) = entry else {
        return Err(Lookup {
            dir,
            path,
            scope,
            recorded: None,
        });
    };
    let header = &recorded.0.header;
    if same_stamps(&header.inputs, header.read_at, &stamps) {
        if let Some((reads, unread)) = unchanged(&header.inputs, candidates, &names, opts) {
            let pending = inputs::admit(db, candidates, reads, diags);
            let (_, restored) = *recorded;
            diags.extend(restored.load);
            let cache = CacheUse::Hit {
                unread,
                compiled: false,
            };
            return Ok(Reused {
                rules: restored.rules,
                policy: restored.policy,
                evaluated: reused(db, &pending, opts, restored.outcome, cache),
            });
        }
    }
    Err(Lookup {
        dir,
        path,
        scope,
        recorded: Some(recorded),
    })
}

/// Every candidate read and hashed, for a run whose entry could not be reused by stamps.
pub(crate) struct Hashed {
    read_at: SystemTime,
    read: Vec<(Read, Option<Stamp>)>,
    records: Vec<Record>,
    took: Duration,
}

/// Reads and hashes every candidate.
pub(crate) fn read_and_hash(
    candidates: &[Candidate],
    opts: &CheckOptions,
    progress: Option<&dyn super::Progress>,
) -> Hashed {
    let clock = std::time::Instant::now();
    let read_at = SystemTime::now();
    let read = inputs::read_all(candidates, &opts.input_limits, progress);
    let records: Vec<Record> = read
        .par_iter()
        .map(|(r, stamp)| record(r, *stamp))
        .collect();
    Hashed {
        read_at,
        read,
        records,
        took: clock.elapsed(),
    }
}

/// What is known of the inputs before [`load_and_evaluate`].
pub(crate) enum Before {
    /// The cache is on: where its entry is, and the files read and hashed if that was done
    /// alongside compiling.
    Lookup((Lookup, Option<Hashed>)),
    /// The cache is off, and the files are read (one read per candidate).
    Read(Vec<inputs::Read>),
}

/// Reads `candidates` into `db` (unless `before` has them read), then loads and evaluates them
/// with `program`; with the cache on (`before` is a lookup), reuses the recorded results when
/// every file reads as recorded (`hashed`, read here if not given), and otherwise records the
/// new ones with the rules and the `policy` diagnostics (those of compiling the policies and
/// selecting the rules). Read and load diagnostics go to `diags`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn load_and_evaluate(
    db: &mut SourceDb,
    program: &Program,
    policy: &[Diagnostic],
    candidates: &[Candidate],
    opts: &CheckOptions,
    diags: &mut Vec<Diagnostic>,
    progress: Option<&dyn super::Progress>,
    before: Before,
) -> Evaluated {
    let (lookup, hashed) = match before {
        Before::Lookup(lookup) => lookup,
        Before::Read(reads) => {
            let pending = inputs::admit(db, candidates, reads, diags);
            return evaluate(db, program, &pending, opts, diags, progress);
        }
    };
    let Lookup {
        dir,
        path,
        scope,
        recorded,
    } = lookup;
    let Hashed {
        read_at,
        read,
        records,
        took,
    } = hashed.unwrap_or_else(|| read_and_hash(candidates, opts, progress));
    let reads = read.into_iter().map(|(r, _)| r).collect();
    let pending = inputs::admit(db, candidates, reads, diags);
    let recorded = recorded.filter(|r| same_contents(&r.0.header.inputs, &records));
    if let Some(recorded) = recorded {
        let (stored, restored) = *recorded;
        // A touched file, a fresh checkout, a file modified just before the last run: the
        // same texts. Record the new stamps, so that the next run need not read them.
        let old = &stored.header;
        let restamp = old
            .inputs
            .iter()
            .map(|r| r.stamp)
            .ne(records.iter().map(|r| r.stamp))
            || !old.inputs.iter().all(|r| r.settled(old.read_at));
        if restamp {
            // Best effort: the results are complete either way.
            if let (Some(head), Some(findings)) = (
                stored.restamped(nanos(read_at), records),
                stored.findings_bytes(),
            ) {
                let _ = write_entry(&dir, &path, &[&head, &findings]);
            }
        }
        diags.extend(restored.load);
        let cache = CacheUse::Hit {
            unread: 0,
            compiled: true,
        };
        return reused(db, &pending, opts, restored.outcome, cache);
    }
    let mut load_diags = Vec::new();
    let mut evaluated = evaluate(db, program, &pending, opts, &mut load_diags, progress);
    evaluated.phases.insert(0, ("  read and hash files", took));
    let recorded = Recording {
        scope,
        read_at: nanos(read_at),
        inputs: records,
        rules: program.rules(),
        policy,
        load: &load_diags,
        outcome: &evaluated.outcome,
    };
    let pieces = recorded.encode().unwrap_or_default();
    let pieces: Vec<&[u8]> = pieces.iter().map(Vec::as_slice).collect();
    if let Err(e) = write_entry(&dir, &path, &pieces) {
        diags.push(
            Diagnostic::new(
                Code::CacheUnavailable,
                format!("cannot write the result cache in `{}`: {e}", dir.display()),
            )
            .help("results are complete; point `--cache-dir` at a writable directory, or pass `--no-cache`"),
        );
    }
    diags.extend(load_diags);
    evaluated.cache = CacheUse::Miss;
    evaluated
}

/// The run's results from the cache.
fn reused(
    db: &SourceDb,
    pending: &[(FileId, Format)],
    opts: &CheckOptions,
    outcome: Outcome,
    cache: CacheUse,
) -> Evaluated {
    let files: Vec<FileId> = pending.iter().map(|(id, _)| *id).collect();
    let owned = super::owned_files(db, &files, &opts.partition);
    Evaluated {
        files,
        outcome,
        zones: Vec::new(),
        zone_model: super::ZoneModel::default(),
        owned,
        cache,
        phases: Vec::new(),
        profile: Vec::new(),
        released: 0,
        kept: Vec::new(),
    }
}

fn evaluate(
    db: &SourceDb,
    program: &Program,
    pending: &[(FileId, Format)],
    opts: &CheckOptions,
    diags: &mut Vec<Diagnostic>,
    progress: Option<&dyn super::Progress>,
) -> Evaluated {
    let files: Vec<FileId> = pending.iter().map(|(id, _)| *id).collect();
    let owned = super::owned_files(db, &files, &opts.partition);
    if let Some(p) = progress {
        p.phase("loading and evaluating", None);
    }
    let clock = std::time::Instant::now();
    let scope = eval::UnitScope {
        files: owned.clone(),
        shard: opts.partition.shard.map(|s| (s.index - 1, s.count)),
    };
    // Each file's entities are derived, and the rules that need nothing else run on them
    // (eval/early.rs), as soon as it is loaded: its values are still in the processor's cache.
    let wanted = super::wanted_by(program);
    let deriver = Deriver::new(&wanted);
    // With `--profile`, every evaluation adds what it cost to the tallies its limits carry.
    let profile = (opts.profile)
        .then(|| std::sync::Arc::new(eval::Profile::new(program, Some(std::time::Instant::now))));
    let limits = eval::Limits {
        profile: profile.clone(),
        clock: Some(std::time::Instant::now),
        ..opts.eval_limits.clone()
    };
    let early = eval::Early::plan(program, &limits, &scope, pending.len());
    let loaded = inputs::load_read_then(db, pending, &opts.input_limits, diags, |input| {
        let mut parts = deriver.documents(super::input_docs(db, input));
        let mut units = (early.as_ref()).map(|e| e.run(|kind| parts.list(kind, &deriver)));
        // When nothing after loading reads this file's values, they are freed now: the next
        // files reuse their memory, still in the processor's cache.
        if let (Some(e), Some(u)) = (&early, &mut units) {
            if !parts.read_across() && e.release(u) {
                parts.release(e.keep(), &deriver);
                input.documents = Vec::new();
            }
        }
        (parts, units)
    });
    let parsed_in = clock.elapsed();
    let clock = std::time::Instant::now();
    let kept: Vec<String> = (early.iter())
        .flat_map(|e| e.keep().iter().map(|k| k.to_string()))
        .collect();
    let mut inputs = Vec::with_capacity(loaded.len());
    let mut parts = Vec::with_capacity(loaded.len());
    let mut units = Vec::with_capacity(loaded.len());
    let mut released = 0;
    for (input, (p, u)) in loaded {
        inputs.push(input);
        parts.push(p);
        released += usize::from(u.as_ref().is_some_and(eval::FileUnits::released));
        units.extend(u);
    }
    let docs: Vec<_> = (inputs.iter())
        .flat_map(|i| super::input_docs(db, i))
        .collect();
    let entities = deriver.finish(&docs, parts);
    drop(docs);
    let entities_in = clock.elapsed();
    let mut outcome = match early {
        Some(early) => {
            eval::evaluate_after_early(program, &entities, &limits, &scope, early, units)
        }
        None => eval::evaluate_scoped(program, &entities, &limits, &scope),
    };
    let evaluated_in = clock.elapsed() - entities_in;
    let evaluated_phases = std::mem::take(&mut outcome.phases);
    let spent = std::mem::take(&mut outcome.spent);
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
    let tree = (inputs, entities, spent);
    if opts.process_exits {
        // Never used again, and the process ends soon: the operating system takes the memory
        // back at once, where freeing it would walk every node.
        std::mem::forget(tree);
    } else {
        // Freed now, before reporting, to keep the peak memory down, and on a thread of its
        // own: freeing the value tree of 10,000 files takes tens of milliseconds that the
        // report need not wait for (if no thread can be started, it is freed here).
        let _ = std::thread::Builder::new()
            .name("palisade-free".into())
            .spawn(move || drop(tree));
    }
    Evaluated {
        files,
        outcome,
        zones,
        zone_model,
        owned,
        cache: CacheUse::Off,
        phases: [
            ("  parse and early rules", parsed_in),
            ("  entities", entities_in),
            ("  evaluate", evaluated_in),
        ]
        .into_iter()
        .chain(evaluated_phases)
        .collect(),
        profile: profile.map(|p| p.costs(program)).unwrap_or_default(),
        released,
        kept: if released > 0 { kept } else { Vec::new() },
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

/// What the entry's file name leaves out of a run's scope: the texts of the policy files (and
/// of anything else loaded before the inputs), and the candidate input files.
fn scope_key(
    db: &SourceDb,
    candidates: &[Candidate],
    names: &[ArcStr],
    opts: &CheckOptions,
) -> [u8; 32] {
    let mut scope = blake3::Hasher::new();
    for (_, file) in db.iter() {
        field(&mut scope, file.name.as_bytes());
        field(&mut scope, file.text.as_bytes());
    }
    let all = opts.partition.is_all();
    for (c, name) in candidates.iter().zip(names) {
        field(&mut scope, name.as_bytes());
        // The part of the run evaluated (`--shard`, `--changed-since`) changes the results.
        let owned = all || opts.partition.owns(Path::new(name.as_str()), name);
        let flags = [u8::from(c.explicit), u8::from(c.sniff), u8::from(owned)];
        field(&mut scope, &flags);
        field(&mut scope, c.format.map_or("", Format::as_str).as_bytes());
    }
    *scope.finalize().as_bytes()
}

/// What identifies the state of a file without reading it: its size, modification and change
/// times (nanoseconds since the epoch), and on Unix its device and inode. A write moves the
/// change time, which nothing but the system clock can set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stamp {
    len: u64,
    modified: i128,
    changed: i128,
    device: u64,
    inode: u64,
}

impl Stamp {
    /// The file's size in bytes.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// The stamp of an open file.
    pub(crate) fn of_file(file: &std::fs::File) -> std::io::Result<Stamp> {
        #[cfg(unix)]
        {
            Ok(Stamp::of_stat(&rustix::fs::fstat(file)?))
        }
        #[cfg(not(unix))]
        {
            Ok(Stamp::of_metadata(&file.metadata()?))
        }
    }

    #[cfg(unix)]
    fn of_stat(st: &rustix::fs::Stat) -> Stamp {
        let time = |secs: i128, ns: i128| secs * 1_000_000_000 + ns;
        Stamp {
            len: u64::try_from(st.st_size).unwrap_or(0),
            modified: time(i128::from(st.st_mtime), i128::from(st.st_mtime_nsec)),
            changed: time(i128::from(st.st_ctime), i128::from(st.st_ctime_nsec)),
            device: st.st_dev,
            inode: st.st_ino,
        }
    }

    #[cfg(not(unix))]
    fn of_metadata(meta: &std::fs::Metadata) -> Stamp {
        let modified = meta.modified().map_or(i128::MIN, nanos);
        Stamp {
            len: meta.len(),
            modified,
            changed: modified,
            device: 0,
            inode: 0,
        }
    }
}

/// The stamps of the candidates' files now (`None` for one that cannot be looked up).
fn stamps(candidates: &[Candidate]) -> Vec<Option<Stamp>> {
    #[cfg(unix)]
    {
        use rustix::fs::{AtFlags, Mode, OFlags};
        // Siblings are adjacent in the sorted list: each directory is opened once and its files
        // looked up in it by name, which spares the kernel walking each path from the start.
        use std::os::unix::ffi::OsStrExt;
        /// A path's directory and name, as bytes before and after its last `/` (comparing
        /// parents as paths would parse both paths on every step).
        fn split(path: &Path) -> (&[u8], &[u8]) {
            let bytes = path.as_os_str().as_bytes();
            match memchr::memrchr(b'/', bytes) {
                Some(0) => (b"/", bytes.get(1..).unwrap_or_default()),
                Some(at) => (
                    bytes.get(..at).unwrap_or_default(),
                    bytes.get(at + 1..).unwrap_or_default(),
                ),
                None => (b".", bytes),
            }
        }
        let mut now = vec![None; candidates.len()];
        // Each run of siblings with the slots of its stamps (the list sized once).
        let mut runs: Vec<(&[Candidate], &mut [Option<Stamp>])> = Vec::new();
        let mut slots = now.as_mut_slice();
        for run in candidates.chunk_by(|a, b| split(&a.path).0 == split(&b.path).0) {
            let (these, rest) = std::mem::take(&mut slots).split_at_mut(run.len());
            runs.push((run, these));
            slots = rest;
        }
        runs.into_par_iter().for_each(|(run, slots)| {
            let dir = run.first().map_or(&b"."[..], |c| split(&c.path).0);
            let dir = std::ffi::OsStr::from_bytes(dir);
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
            let Ok(fd) = rustix::fs::open(dir, flags, Mode::empty()) else {
                return;
            };
            for (c, slot) in run.iter().zip(slots) {
                let name = std::ffi::OsStr::from_bytes(split(&c.path).1);
                if !name.is_empty() {
                    let st = rustix::fs::statat(&fd, name, AtFlags::empty());
                    *slot = st.ok().map(|st| Stamp::of_stat(&st));
                }
            }
        });
        now
    }
    #[cfg(not(unix))]
    {
        candidates
            .par_iter()
            .map(|c| {
                std::fs::metadata(&c.path)
                    .ok()
                    .map(|m| Stamp::of_metadata(&m))
            })
            .collect()
    }
}

fn nanos(t: SystemTime) -> i128 {
    match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => i128::try_from(d.as_nanos()).unwrap_or(i128::MAX),
        Err(e) => -i128::try_from(e.duration().as_nanos()).unwrap_or(i128::MAX),
    }
}

/// What reading one candidate gave, as an entry records it.
#[derive(Serialize, Deserialize)]
struct Record {
    /// The file's stamp when it was read (`None`: it could not be opened, or changed while
    /// read).
    stamp: Option<Stamp>,
    read: Recorded,
}

#[derive(Serialize, Deserialize)]
enum Recorded {
    Text {
        format: Option<Format>,
        #[serde(with = "serde_bytes")]
        hash: [u8; 32],
        /// The text's length in bytes.
        len: u32,
        /// The lengths of its lines, LEB128 (empty unless the text is ASCII).
        #[serde(with = "serde_bytes")]
        lines: Vec<u8>,
        ascii: bool,
        /// Holds a `palisade:ignore`.
        marker: bool,
    },
    /// Not an input: too large or not UTF-8 (the diagnostic, given again), or unreadable.
    /// (Boxed: an entry's header holds a record per candidate, decoded on every warm run.)
    Failed(Box<CachedDiagnostic>),
}

impl Record {
    /// Whether the file's stamp can be trusted: recorded, and the file modified well before the
    /// recording run started reading (`read_at`, in nanoseconds since the epoch).
    fn settled(&self, read_at: i128) -> bool {
        let settled = i128::try_from(SETTLED.as_nanos()).unwrap_or(i128::MAX);
        self.stamp
            .is_some_and(|s| s.modified.saturating_add(settled) < read_at)
    }
}

fn record(read: &Read, stamp: Option<Stamp>) -> Record {
    let read = match read {
        Read::Failed(d) => Recorded::Failed(Box::new(diagnostic_out(d))),
        Read::Text(file, format) => {
            let bytes = file.text.as_bytes();
            let ascii = file.is_ascii();
            let mut lines = Vec::new();
            if ascii {
                for pair in file.line_starts().windows(2) {
                    leb128(&mut lines, pair[1] - pair[0]);
                }
            }
            Recorded::Text {
                format: *format,
                hash: *blake3::hash(bytes).as_bytes(),
                len: u32::try_from(bytes.len()).unwrap_or(u32::MAX),
                lines,
                ascii,
                marker: memchr::memmem::find(bytes, MARKER).is_some(),
            }
        }
    };
    Record { stamp, read }
}

fn leb128(out: &mut Vec<u8>, mut n: u32) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Line starts from the recorded line lengths; `None` if they do not decode.
fn line_starts(lines: &[u8]) -> Option<Vec<u32>> {
    let mut starts = Vec::with_capacity(lines.len() + 1);
    starts.push(0u32);
    let (mut at, mut n, mut shift) = (0u32, 0u32, 0u32);
    for &b in lines {
        let part = u32::from(b & 0x7f);
        if shift > 28 || (shift == 28 && part > 0xf) {
            return None; // past 32 bits
        }
        n |= part << shift;
        if b & 0x80 == 0 {
            at = at.checked_add(n)?;
            starts.push(at);
            (n, shift) = (0, 0);
        } else {
            shift += 7;
        }
    }
    (shift == 0).then_some(starts)
}

/// Whether two runs read the same: the same formats and texts, the same candidates failing.
fn same_contents(old: &[Record], new: &[Record]) -> bool {
    old.len() == new.len()
        && old.iter().zip(new).all(|(a, b)| match (&a.read, &b.read) {
            (
                Recorded::Text {
                    format: f1,
                    hash: h1,
                    ..
                },
                Recorded::Text {
                    format: f2,
                    hash: h2,
                    ..
                },
            ) => f1 == f2 && h1 == h2,
            (Recorded::Failed(_), Recorded::Failed(_)) => true,
            _ => false,
        })
}

/// Whether every candidate's stamp (`now`) is the one `recorded` by a run that started reading
/// at `read_at`, and was settled then (see [`SETTLED`]).
fn same_stamps(recorded: &[Record], read_at: i128, now: &[Option<Stamp>]) -> bool {
    recorded.len() == now.len()
        && recorded
            .iter()
            .zip(now)
            .all(|(r, s)| s.is_some() && *s == r.stamp && r.settled(read_at))
}

/// The reads of `candidates` whose stamps are the `recorded` ones ([`same_stamps`]), and how
/// many of them were not read at all; `None` when a file read does not hash as recorded. A
/// file is still read, and its hash checked, when the reports need its text.
fn unchanged(
    recorded: &[Record],
    candidates: &[Candidate],
    names: &[ArcStr],
    opts: &CheckOptions,
) -> Option<(Vec<Read>, usize)> {
    // (Collected with a slot per file, so that the list is sized once.)
    let reads: Vec<Option<(Read, bool)>> = (candidates, names, recorded)
        .into_par_iter()
        .map(|(c, name, r)| {
            match &r.read {
                Recorded::Failed(d) => Some((
                    Read::Failed(Box::new(diagnostic_in(d.as_ref().clone())?)),
                    false,
                )),
                Recorded::Text {
                    format,
                    hash,
                    len,
                    lines,
                    ascii,
                    marker,
                } => {
                    if opts.positions_only && *ascii && !*marker {
                        let file = SourceFile::unread(name.clone(), *len, line_starts(lines)?);
                        // (A sniffed file no format claims is no input: not counted.)
                        let input = format.is_some() || !c.sniff;
                        return Some((Read::Text(file, *format), input));
                    }
                    let (text, _) = inputs::read(c, &opts.input_limits).ok()?;
                    (blake3::hash(text.as_bytes()).as_bytes() == hash).then(|| {
                        let file = SourceFile::new(name.clone(), text);
                        (Read::Text(file, *format), false)
                    })
                }
            }
        })
        .collect();
    let mut unread = 0;
    let mut out = Vec::with_capacity(reads.len());
    for read in reads {
        let (read, not_read) = read?;
        unread += usize::from(not_read);
        out.push(read);
    }
    Some((out, unread))
}

/// An entry's file: [`MAGIC`], the length of its [`Header`] (eight bytes, little-endian),
/// the header, then the findings in parts of [`PART`] (each a list of [`CachedFinding`]),
/// which are read and decoded in parallel.
#[derive(Serialize, Deserialize)]
struct Header {
    /// The rest of the scope (see [`scope_key`]).
    #[serde(with = "serde_bytes")]
    scope: [u8; 32],
    /// When the recording run started reading its inputs (nanoseconds since the epoch).
    read_at: i128,
    /// One per candidate input file, in order.
    #[serde(deserialize_with = "records")]
    inputs: Vec<Record>,
    /// The selected rules, in the program's order; findings refer to them by index.
    rules: Vec<RuleMeta>,
    /// Diagnostics of compiling the policies and selecting the rules.
    policy: Vec<CachedDiagnostic>,
    /// Diagnostics of loading the inputs.
    load: Vec<CachedDiagnostic>,
    /// Diagnostics of evaluating the rules.
    eval: Vec<CachedDiagnostic>,
    /// The number of findings: [`PART`] in each part but the last.
    findings: u64,
    /// The length in bytes of each part of the findings.
    parts: Vec<u64>,
}

/// An entry's records, in a list sized once by their number. (serde sizes a list by its
/// length only up to 1 MB and grows it from there: at 10,000 files the records were copied
/// twice, into memory the run had not touched yet.)
fn records<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Record>, D::Error> {
    struct Records;
    impl<'de> serde::de::Visitor<'de> for Records {
        type Value = Vec<Record>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of records")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Vec<Record>, A::Error> {
            // (Bounded: the length is read from a file, and reserving costs nothing until
            // the list is filled.)
            let mut records = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
            while let Some(r) = seq.next_element()? {
                records.push(r);
            }
            Ok(records)
        }
    }
    d.deserialize_seq(Records)
}

/// Findings per part of an entry.
const PART: usize = 4096;

/// An entry read back: its header, and the file, in which the findings' parts start at
/// `findings` and fill the rest. The parts are not read with the header: each is read where
/// it is decoded, into a buffer used again for the next, so that reading the entry takes
/// little fresh memory (on the full pack at 10,000 files the parts are 7 MB, and the memory a
/// process touches first costs it a page fault every 4 KB).
struct Stored {
    header: Header,
    file: std::fs::File,
    findings: u64,
    /// The file's length when it was opened.
    len: u64,
}

impl Stored {
    /// Where each part of the findings is in the file, and its length; `None` if the parts
    /// do not fill the rest of the file exactly.
    fn parts(&self) -> Option<Vec<(u64, usize)>> {
        let mut at = self.findings;
        let mut parts = Vec::with_capacity(self.header.parts.len());
        for &len in &self.header.parts {
            parts.push((at, usize::try_from(len).ok()?));
            at = at.checked_add(len)?;
        }
        (at == self.len).then_some(parts)
    }

    /// The header of the same entry with new stamps (its findings' parts are written again as
    /// they are: [`Stored::findings_bytes`]).
    fn restamped(&self, read_at: i128, inputs: Vec<Record>) -> Option<Vec<u8>> {
        let header = Header {
            scope: self.header.scope,
            read_at,
            inputs,
            rules: self.header.rules.clone(),
            policy: self.header.policy.clone(),
            load: self.header.load.clone(),
            eval: self.header.eval.clone(),
            findings: self.header.findings,
            parts: self.header.parts.clone(),
        };
        head_bytes(&header)
    }

    /// The bytes of the findings' parts, read from the file.
    fn findings_bytes(&self) -> Option<Vec<u8>> {
        let len = self.len.checked_sub(self.findings)?;
        let mut bytes = vec![0; usize::try_from(len).ok()?];
        read_exact_at(&self.file, &mut bytes, self.findings).ok()?;
        Some(bytes)
    }
}

/// The first piece of an entry: [`MAGIC`], the header's length and the header.
fn head_bytes(header: &Header) -> Option<Vec<u8>> {
    // The length's place is filled once the header is written after it.
    let start = [&MAGIC[..], &[0; 8]].concat();
    let at = start.len();
    let mut head = postcard::to_extend(header, start).ok()?;
    let len = (head.len() - at) as u64;
    head.get_mut(MAGIC.len()..at)?
        .copy_from_slice(&len.to_le_bytes());
    Some(head)
}

/// Fills `buf` from `file` at `offset`, without moving (or minding) the file's cursor, so
/// that parts of one file can be read on several threads at once.
fn read_exact_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
    }
    #[cfg(windows)]
    {
        let (mut buf, mut offset) = (buf, offset);
        while !buf.is_empty() {
            match std::os::windows::fs::FileExt::seek_read(file, buf, offset) {
                Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
                Ok(n) => {
                    buf = &mut buf[n..];
                    offset += n as u64;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = (file, buf, offset);
        Err(std::io::ErrorKind::Unsupported.into())
    }
}

/// What a run that evaluated records.
struct Recording<'a, R> {
    scope: [u8; 32],
    read_at: i128,
    inputs: Vec<Record>,
    rules: R,
    policy: &'a [Diagnostic],
    load: &'a [Diagnostic],
    outcome: &'a Outcome,
}

impl<'a, R: Iterator<Item = &'a Arc<RuleMeta>>> Recording<'a, R> {
    /// The entry's bytes, in pieces written one after the other (not first copied into one
    /// buffer, which would add its size to the run's peak memory); `None` if a finding's rule
    /// is not among the rules (no entry then).
    fn encode(self) -> Option<Vec<Vec<u8>>> {
        // Rules by address: findings share their rule's metadata.
        let mut index: std::collections::HashMap<usize, u32> = std::collections::HashMap::new();
        let mut rules = Vec::new();
        for r in self.rules {
            index.insert(Arc::as_ptr(r) as usize, rules.len() as u32);
            rules.push(RuleMeta::clone(r));
        }
        let parts: Vec<Vec<u8>> = self
            .outcome
            .findings
            .par_chunks(PART)
            .map(|part| {
                let part: Vec<CachedFinding> = part
                    .iter()
                    .map(|f| {
                        Some(CachedFinding {
                            rule: *index.get(&(Arc::as_ptr(&f.rule) as usize))?,
                            message: f.message.clone(),
                            span: f.span.map(span_out),
                        })
                    })
                    .collect::<Option<_>>()?;
                postcard::to_stdvec(&part).ok()
            })
            .collect::<Option<_>>()?;
        let header = Header {
            scope: self.scope,
            read_at: self.read_at,
            inputs: self.inputs,
            rules,
            policy: self.policy.iter().map(diagnostic_out).collect(),
            load: self.load.iter().map(diagnostic_out).collect(),
            eval: self
                .outcome
                .diagnostics
                .iter()
                .map(diagnostic_out)
                .collect(),
            findings: self.outcome.findings.len() as u64,
            parts: parts.iter().map(|p| p.len() as u64).collect(),
        };
        let mut pieces = Vec::with_capacity(parts.len() + 1);
        pieces.push(head_bytes(&header)?);
        pieces.extend(parts);
        Some(pieces)
    }
}

#[derive(Serialize, Deserialize)]
struct CachedFinding {
    rule: u32,
    message: String,
    span: Option<[u32; 3]>,
}

#[derive(Clone, Serialize, Deserialize)]
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

/// The entry at `path`, if there is a readable one (its header read and decoded; the
/// findings are read by [`restore`]). Anything else is a miss.
fn read_entry(path: &Path) -> Option<Stored> {
    let file = std::fs::File::open(path).ok()?;
    let mut start = [0; MAGIC.len() + 8];
    read_exact_at(&file, &mut start, 0).ok()?;
    let (magic, len) = start.split_at(MAGIC.len());
    if magic != MAGIC {
        return None;
    }
    let head = u64::from_le_bytes(len.try_into().ok()?);
    let len = file.metadata().ok()?.len();
    // (Checked against the file's size before a buffer of that size is made.)
    if head > len {
        return None;
    }
    let mut bytes = vec![0; usize::try_from(head).ok()?];
    let findings = (start.len() as u64).checked_add(head)?;
    read_exact_at(&file, &mut bytes, start.len() as u64).ok()?;
    let header = postcard::from_bytes::<Header>(&bytes).ok()?;
    Some(Stored {
        header,
        file,
        findings,
        len,
    })
}

/// What an entry gives back.
struct Restored {
    rules: Vec<Arc<RuleMeta>>,
    policy: Vec<Diagnostic>,
    load: Vec<Diagnostic>,
    outcome: Outcome,
}

/// The rules, diagnostics and outcome of `stored`, the findings' parts read and decoded in
/// parallel; `None` if any of it does not read or decode.
fn restore(stored: &Stored) -> Option<Restored> {
    let header = &stored.header;
    let rules: Vec<Arc<RuleMeta>> = header.rules.iter().cloned().map(Arc::new).collect();
    let count = usize::try_from(header.findings).ok()?;
    let parts = stored.parts()?;
    // A finding takes some bytes of its part: a count larger than the parts' bytes is a
    // corrupt entry, found before the list is made for it.
    let bytes: usize = parts.iter().map(|&(_, len)| len).sum();
    if parts.len() != count.div_ceil(PART) || count > bytes {
        return None;
    }
    // The list is made whole and each part decoded into its slots: decoding parts into lists
    // of their own and joining them would take the list's memory twice (and growing lists by
    // doubling costs more than the decoding). The slots hold a finding of no cost until then.
    let mut findings = match rules.first() {
        Some(rule) => vec![
            Finding {
                rule: Arc::clone(rule),
                message: String::new(),
                span: None,
                entity: None,
            };
            count
        ],
        None if count == 0 => Vec::new(),
        None => return None,
    };
    let decoded = findings
        .par_chunks_mut(PART)
        .zip(parts)
        .map_init(Vec::new, |buf: &mut Vec<u8>, (slots, (at, len))| {
            // (Grown, never cleared: the parts are of about one size, and zeroing each
            // before reading into it would cost as much as the reading.)
            if buf.len() < len {
                buf.resize(len, 0);
            }
            let Some(buf) = buf.get_mut(..len) else {
                return false;
            };
            read_exact_at(&stored.file, buf, at).is_ok() && decode_part(buf, slots, &rules)
        })
        .all(|ok| ok);
    if !decoded {
        return None;
    }
    let diagnostics = |list: &[CachedDiagnostic]| -> Option<Vec<Diagnostic>> {
        list.iter().cloned().map(diagnostic_in).collect()
    };
    Some(Restored {
        policy: diagnostics(&header.policy)?,
        load: diagnostics(&header.load)?,
        outcome: eval::Outcome {
            findings,
            diagnostics: diagnostics(&header.eval)?,
            phases: Vec::new(),
            spent: eval::Spent::default(),
        },
        rules,
    })
}

/// Decodes one part of an entry's findings (a list of [`CachedFinding`], its rules given by
/// index in `rules`) into `slots`; false unless the part is exactly as many findings as
/// there are slots, with nothing after them.
fn decode_part(bytes: &[u8], slots: &mut [Finding], rules: &[Arc<RuleMeta>]) -> bool {
    use serde::de::{DeserializeSeed, Error, SeqAccess, Visitor};
    struct Slots<'a> {
        slots: &'a mut [Finding],
        rules: &'a [Arc<RuleMeta>],
    }
    impl<'de> DeserializeSeed<'de> for Slots<'_> {
        type Value = ();
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_seq(self)
        }
    }
    impl<'de> Visitor<'de> for Slots<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            write!(f, "{} findings", self.slots.len())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            if seq.size_hint() != Some(self.slots.len()) {
                return Err(A::Error::invalid_length(
                    seq.size_hint().unwrap_or(0),
                    &self,
                ));
            }
            for slot in self.slots.iter_mut() {
                let f: CachedFinding = seq
                    .next_element()?
                    .ok_or_else(|| A::Error::custom("a part ends early"))?;
                let rule = (self.rules.get(f.rule as usize))
                    .ok_or_else(|| A::Error::custom("a finding of no recorded rule"))?;
                *slot = Finding {
                    rule: Arc::clone(rule),
                    message: f.message,
                    span: f.span.map(span_in),
                    entity: None,
                };
            }
            Ok(())
        }
    }
    let mut de = postcard::Deserializer::from_bytes(bytes);
    (Slots { slots, rules }.deserialize(&mut de)).is_ok()
        && de.finalize().is_ok_and(|rest| rest.is_empty())
}

/// Writes an entry's bytes, given in pieces, atomically (a temporary file renamed over the old
/// entry); no pieces (it could not be encoded) write nothing.
fn write_entry(dir: &Path, path: &Path, pieces: &[&[u8]]) -> std::io::Result<()> {
    use std::io::Write as _;
    if pieces.is_empty() {
        return Ok(());
    }
    std::fs::create_dir_all(dir)?;
    let tmp: PathBuf = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ));
    let written = std::fs::File::create(&tmp)
        .and_then(|mut file| pieces.iter().try_for_each(|piece| file.write_all(piece)));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::{leb128, line_starts};
    use crate::source::SourceFile;

    /// A rule of no consequence, named `id`.
    fn rule(id: &str) -> std::sync::Arc<crate::eval::RuleMeta> {
        let span = crate::source::Span {
            file: crate::source::FileId(0),
            start: 0,
            end: 0,
        };
        std::sync::Arc::new(crate::eval::RuleMeta {
            id: id.into(),
            name: id.into(),
            package: "p".into(),
            title: id.into(),
            doc: None,
            requirements: Vec::new(),
            fr: None,
            level: 1,
            severity: crate::eval::RuleSeverity::Low,
            rationale: None,
            remediation: None,
            tags: Vec::new(),
            file: crate::source::FileId(0),
            span,
            name_span: span,
        })
    }

    /// An entry of `n` findings of two rules, written as a run records it.
    fn entry(dir: &std::path::Path, n: usize) -> std::path::PathBuf {
        let rules = [rule("a"), rule("b")];
        let findings = (0..n)
            .map(|i| crate::eval::Finding {
                rule: std::sync::Arc::clone(&rules[i % 2]),
                message: format!("finding {i}"),
                span: (i % 3 > 0).then_some(crate::source::Span {
                    file: crate::source::FileId(i as u32),
                    start: 1,
                    end: i as u32,
                }),
                entity: None,
            })
            .collect();
        let outcome = crate::eval::Outcome {
            findings,
            ..Default::default()
        };
        let recording = super::Recording {
            scope: [7; 32],
            read_at: 0,
            inputs: Vec::new(),
            rules: rules.iter(),
            policy: &[],
            load: &[],
            outcome: &outcome,
        };
        let pieces = recording.encode().unwrap();
        let pieces: Vec<&[u8]> = pieces.iter().map(Vec::as_slice).collect();
        let path = dir.join("entry.bin");
        super::write_entry(dir, &path, &pieces).unwrap();
        path
    }

    #[test]
    fn findings_in_several_parts_come_back_in_order() {
        let dir = tempfile::tempdir().unwrap();
        // Three parts, the last one short.
        let n = 2 * super::PART + 808;
        let path = entry(dir.path(), n);
        let stored = super::read_entry(&path).unwrap();
        assert_eq!(stored.header.parts.len(), 3);
        let restored = super::restore(&stored).unwrap();
        let findings = &restored.outcome.findings;
        assert_eq!(findings.len(), n);
        for (i, f) in findings.iter().enumerate() {
            assert_eq!(f.message, format!("finding {i}"));
            assert_eq!(f.rule.id, ["a", "b"][i % 2]);
            assert_eq!(
                f.span.map(|s| (s.file.0, s.end)),
                (i % 3 > 0).then_some((i as u32, i as u32))
            );
        }
        // A restamped entry keeps its findings.
        let head = stored.restamped(1, Vec::new()).unwrap();
        let rest = stored.findings_bytes().unwrap();
        super::write_entry(dir.path(), &path, &[&head, &rest]).unwrap();
        let again = super::restore(&super::read_entry(&path).unwrap()).unwrap();
        assert_eq!(again.outcome.findings.len(), n);
        assert_eq!(
            again.outcome.findings[n - 1].message,
            format!("finding {}", n - 1)
        );
    }

    #[test]
    fn an_entry_whose_counts_disagree_with_its_parts_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let path = entry(dir.path(), super::PART + 1);
        let good = super::read_entry(&path).unwrap();
        // One finding more or fewer than the parts hold; a header longer than the file.
        for count in [super::PART as u64, super::PART as u64 + 2] {
            let mut stored = super::read_entry(&path).unwrap();
            stored.header.findings = count;
            assert!(super::restore(&stored).is_none(), "{count}");
        }
        assert!(super::restore(&good).is_some());
        // Parts of no bytes claiming billions of findings: refused before any list is made
        // for them.
        let mut stored = super::read_entry(&path).unwrap();
        let other = tempfile::tempdir().unwrap();
        let mut empty = super::read_entry(&entry(other.path(), 0)).unwrap();
        empty.header.parts = vec![0; 1 << 20];
        empty.header.findings = (super::PART as u64) << 20;
        assert!(super::restore(&empty).is_none());
        stored.header.findings = 0;
        assert!(super::restore(&stored).is_none());
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[8..16].copy_from_slice(&u64::MAX.to_le_bytes());
        std::fs::write(&path, bytes).unwrap();
        assert!(super::read_entry(&path).is_none());
    }

    #[test]
    fn line_tables_round_trip_and_reject_garbage() {
        let text = format!("a\n\nbc\n{}\nlast", "x".repeat(300));
        let file = SourceFile::new("f", text.as_str());
        let mut lines = Vec::new();
        for pair in file.line_starts().windows(2) {
            leb128(&mut lines, pair[1] - pair[0]);
        }
        // A 301-byte line takes two bytes.
        assert_eq!(lines.len(), file.line_starts().len() - 1 + 1);
        assert_eq!(line_starts(&lines).as_deref(), Some(file.line_starts()));
        // A length cut short, and one too large for a 32-bit offset.
        assert_eq!(line_starts(&[0x85]), None);
        assert_eq!(line_starts(&[0xff, 0xff, 0xff, 0xff, 0x7f]), None);
        assert_eq!(line_starts(&[]).as_deref(), Some(&[0u32][..]));
    }
}
