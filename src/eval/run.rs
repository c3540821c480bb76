//! Running every rule over the entities, in parallel, with deterministic output.
//!
//! The unit of parallel work is one rule on one item of its first `for` clause (usually one
//! entity). Each unit gets its own step budget and its own `catch_unwind`, so a runaway or
//! crashing rule costs one diagnostic, never the run.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diag::{Code, Diagnostic};
use crate::entities::Entities;
use crate::source::Span;
use crate::value::Value;

use super::early::{Early, FileUnits};
use super::interp::{iterate, Built, Fault, Interp};
use super::ir::IrClause;
use super::limits::Limits;
use super::memo::Memo;
use super::program::{Program, RuleDef, RuleMeta};

/// One violation: a rule's `deny` fired.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: Arc<RuleMeta>,
    pub message: String,
    /// The input value the finding points at (`deny at`, else the entity).
    pub span: Option<Span>,
    /// The item of the rule's first `for` clause (usually the entity checked), if any.
    pub entity: Option<Value>,
}

/// Findings and the diagnostics raised while evaluating.
#[derive(Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
    /// How long each phase of the evaluation took, when its limits carry a clock
    /// ([`Limits::clock`]): constants and set-up, the early results placed, the other units,
    /// the findings gathered and sorted.
    pub phases: Vec<(&'static str, std::time::Duration)>,
    /// What the evaluation worked with and no longer needs: empty but after
    /// [`evaluate_after_early`], whose caller (a check, which ends soon) leaves it to the
    /// process's exit.
    pub spent: Spent,
}

/// What an evaluation worked with and no longer needs (what the files' early units left, the
/// shared call table, the constants), handed back to be freed when it suits the caller: a
/// check leaves it to the process's exit with the value tree (`driver::cache`), where freeing
/// it took 4-7 ms of one core while evaluating the full pack at 10k
/// (`docs/benchmarks-history.md`, change 100).
#[derive(Default)]
pub struct Spent(Vec<Box<dyn std::any::Any + Send>>);

impl Spent {
    fn keep<T: Send + 'static>(&mut self, value: T) {
        self.0.push(Box::new(value));
    }
}

impl std::fmt::Debug for Spent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Spent({})", self.0.len())
    }
}

/// A rule after its set-up: the frame the clauses before its first `for` left, and the items
/// of that `for` (none when the rule has no `for`: the rule is then one unit).
struct Prepared<'p> {
    rule: &'p RuleDef,
    frame: Vec<Value>,
    /// Index of the first `for` clause and the items it binds, if the rule has one.
    items: Option<(usize, Arc<Vec<Value>>)>,
}

impl Prepared<'_> {
    /// Unit `i`: the index of the first `for` and its `i`-th item.
    fn item(&self, i: usize) -> Option<(usize, &Value)> {
        self.items
            .as_ref()
            .and_then(|(idx, items)| items.get(i).map(|v| (*idx, v)))
    }

    /// Runs unit `i` unless `scope` leaves it out: what it gave, if anything.
    fn run(
        &self,
        interp: &mut Interp<'_>,
        i: usize,
        scope: Option<&UnitScope>,
    ) -> Option<UnitResult> {
        let item = self.item(i);
        if scope.is_some_and(|s| !s.runs(&self.rule.meta.id, i + 1, item.map(|(_, v)| v))) {
            return None;
        }
        let result = run_unit(interp, self.rule, &self.frame, item);
        gave(&result).then_some(result)
    }
}

/// What one unit gave, when it gave anything.
/// (A failure is rare and large: boxed, so that the many results moved about at the end of a
/// run stay small.)
pub(super) type UnitResult = (Vec<Finding>, Option<Box<Failure>>);

// What `gather` gathers, in slots that take no more room than the items (it empties them of
// their `None`s in place, which needs the two the same size).
const _: () = assert!(size_of::<Option<Finding>>() == size_of::<Finding>());
const _: () = assert!(
    size_of::<Option<(usize, usize, UnitResult)>>() == size_of::<(usize, usize, UnitResult)>()
);

/// Whether a unit gave anything (findings or a failure): only those results are kept.
pub(super) fn gave(result: &UnitResult) -> bool {
    !result.0.is_empty() || result.1.is_some()
}

/// A fault, with the entity it happened on.
pub(super) struct Failure {
    rule: Arc<RuleMeta>,
    fault: Fault,
    entity: Option<Span>,
}

/// Which evaluation units run: all of them, or those of some files and one shard
/// (`--changed-since`, `--shard`). A unit is a rule and the item of its first `for`.
#[derive(Clone, Debug, Default)]
pub struct UnitScope {
    /// Indexed by file id: whether the units whose item comes from that file run. `None`:
    /// every file's.
    pub files: Option<Vec<bool>>,
    /// `(k, n)`, 0-based: of the units whose item has no file, run those whose rule id and
    /// position hash to `k` modulo `n`.
    pub shard: Option<(u32, u32)>,
}

impl UnitScope {
    /// Whether the unit of `rule` on `item`, the `position`-th (from 1) of its list, runs.
    pub(super) fn runs(&self, rule: &str, position: usize, item: Option<&Value>) -> bool {
        match item.and_then(|v| v.span) {
            Some(span) => self
                .files
                .as_ref()
                .is_none_or(|f| f.get(span.file.0 as usize).copied().unwrap_or(false)),
            None => self.shard.is_none_or(|(k, n)| {
                let h = crate::source::fnv1a64(&[rule, &position.to_string()]);
                h % u64::from(n.max(1)) == u64::from(k)
            }),
        }
    }
}

/// Evaluates all rules of `prog` over `entities`.
pub fn evaluate(prog: &Program, entities: &Entities, limits: &Limits) -> Outcome {
    evaluate_scoped(prog, entities, limits, &UnitScope::default())
}

/// Evaluates the units of `scope`: the findings of the units that run are all kept.
pub fn evaluate_scoped(
    prog: &Program,
    entities: &Entities,
    limits: &Limits,
    scope: &UnitScope,
) -> Outcome {
    let mut outcome = evaluate_rest(prog, entities, limits, scope, None);
    // Freed now: an outcome may be kept long after (by an editor's session, say).
    drop(std::mem::take(&mut outcome.spent));
    outcome
}

/// Like [`evaluate_scoped`], after `early` ran its rules on each file as it loaded: `files`
/// holds what they gave, one per loaded file, in input order. Runs every other unit (and the
/// early units that must run again), and puts all results together as one evaluation would.
/// What the evaluation worked with comes back in [`Outcome::spent`], for the caller to free
/// when it suits it (a check: at exit, with the value tree).
pub fn evaluate_after_early(
    prog: &Program,
    entities: &Entities,
    limits: &Limits,
    scope: &UnitScope,
    early: Early<'_>,
    files: Vec<FileUnits>,
) -> Outcome {
    evaluate_rest(prog, entities, limits, scope, Some((early, files)))
}

/// Early results in the terms of the whole run: per prepared rule, whether it ran early;
/// the results early units gave and the units to run again, by (prepared rule, position).
struct Merged {
    ran_early: Vec<bool>,
    done: Vec<(usize, usize, UnitResult)>,
    again: Vec<(usize, usize)>,
}

/// Places the early units of `files` in the lists of the whole run: a unit's position is the
/// file's offset in its kind's list plus its position in the file. `None` when the files'
/// counts do not add up to the lists' lengths (a unit would be misplaced): everything then
/// runs as if nothing had run early.
fn merge_early(
    prepared: &[Prepared<'_>],
    rule_index: &[Option<usize>],
    early: &Early<'_>,
    mut files: Vec<FileUnits>,
    spent: &mut Spent,
) -> Option<Merged> {
    let groups = early.groups.len();
    let mut totals = vec![0usize; groups];
    for f in &files {
        if f.counts.len() != groups {
            return None;
        }
        for (t, c) in totals.iter_mut().zip(&f.counts) {
            *t += c;
        }
    }
    let mut ran_early = vec![false; prepared.len()];
    for (r, g) in early.group_of.iter().enumerate() {
        let Some(g) = g else { continue };
        let p = rule_index.get(r).copied().flatten()?;
        let len = prepared
            .get(p)?
            .items
            .as_ref()
            .map(|(_, items)| items.len());
        if len != totals.get(*g).copied() {
            return None;
        }
        *ran_early.get_mut(p)? = true;
    }
    // Each file's offset in each list (its counts become its offsets), then its units placed
    // in parallel.
    let mut at = vec![0usize; groups];
    for f in &mut files {
        for (o, c) in at.iter_mut().zip(&mut f.counts) {
            (*o, *c) = (*o + *c, *o);
        }
    }
    let place = |offsets: &[usize], r: usize, i: usize| -> Option<(usize, usize)> {
        let g = early.group_of.get(r).copied().flatten()?;
        Some((rule_index.get(r).copied().flatten()?, offsets.get(g)? + i))
    };
    let mut again = Vec::new();
    for f in &files {
        for &(r, i) in &f.again {
            again.push(place(&f.counts, r, i)?);
        }
    }
    let misplaced = AtomicBool::new(false);
    files.par_iter_mut().for_each(|f| {
        for (r, i, _) in &mut f.done {
            match place(&f.counts, *r, *i) {
                Some((p, at)) => (*r, *i) = (p, at),
                None => misplaced.store(true, Ordering::Relaxed),
            }
        }
    });
    if misplaced.into_inner() {
        return None;
    }
    let done = gather(&mut files, |f| &mut f.done);
    spent.keep(files);
    Some(Merged {
        ran_early,
        done,
        again,
    })
}

fn evaluate_rest(
    prog: &Program,
    entities: &Entities,
    limits: &Limits,
    scope: &UnitScope,
    early: Option<(Early<'_>, Vec<FileUnits>)>,
) -> Outcome {
    let mut outcome = Outcome::default();
    let mut laps = super::profile::Laps::start(limits.clock);
    let setup_limits = setup_limits(limits);
    let mut early = early;
    let built = match &mut early {
        Some((early, files)) => early.built(files),
        None => Vec::new(),
    };
    let consts = eval_consts(
        prog,
        entities,
        &setup_limits,
        built,
        &mut outcome.diagnostics,
    );
    // Calls of looping functions are shared by every unit of this evaluation (see memo.rs).
    let memo_table = Memo::new(prog.fns.len(), entities.count());
    let memo = &memo_table;

    // Set-up, per rule and in parallel: run the clauses before the first `for` and list its
    // items.
    let mut failures: Vec<Failure> = Vec::new();
    let prefixes: Vec<(Vec<Value>, PrefixResult)> = prog
        .rules
        .par_iter()
        .map(|rule| {
            let mut interp = Interp::new(prog, entities, &consts, &setup_limits).with_memo(memo);
            let mut frame = vec![Value::MISSING; rule.frame_size as usize];
            let started = limits.profile.as_ref().map(|p| p.start());
            let result = prefix(&mut interp, rule, &mut frame);
            if let (Some(p), Some(started)) = (&limits.profile, started) {
                p.setup(rule.index, started, interp.taken());
            }
            (frame, result)
        })
        .collect();
    let mut prepared: Vec<Prepared<'_>> = Vec::with_capacity(prog.rules.len());
    // Per rule of the program: its index in `prepared`.
    let mut rule_index = vec![None; prog.rules.len()];
    for ((rule, (frame, result)), index) in prog.rules.iter().zip(prefixes).zip(&mut rule_index) {
        match result {
            Ok(items) => {
                *index = Some(prepared.len());
                prepared.push(Prepared { rule, frame, items });
            }
            Err(Some(fault)) => failures.push(Failure {
                rule: Arc::clone(&rule.meta),
                fault,
                entity: None,
            }),
            Err(None) => {} // a `where` before the first `for` did not hold
        }
    }

    laps.lap("    constants and set-up");
    // The units, rule by rule and item by item, are never materialized: a run has about
    // (rules × entities) of them and most give nothing, so only the results that hold a
    // finding or a failure are kept. They run item by item across the rules that iterate the
    // same list (every rule over `k8s.workloads`, say): an entity's maps are then read by all
    // those rules while they are in the processor's cache, rather than once per rule in a pass
    // over the whole corpus each time. The results are put back in rule order, item by item,
    // so the output does not depend on this order or on the thread count.
    // (The early rules' call table is freed here, before the other units fill their own.)
    let spent = &mut outcome.spent;
    let released = early
        .as_ref()
        .is_some_and(|(_, files)| files.iter().any(|f| f.released));
    let merged =
        early.and_then(|(early, files)| merge_early(&prepared, &rule_index, &early, files, spent));
    let (ran_early, early_done, again) = match merged {
        Some(m) => {
            laps.lap("    early results placed");
            (m.ran_early, m.done, m.again)
        }
        None if released => {
            // Files whose values were freed as they loaded left placeholders: running their
            // units now would check nothing. (Their counts always add up: not reached.)
            outcome.diagnostics.push(
                Diagnostic::new(
                    Code::InternalError,
                    "the results of the rules run as each file loaded could not be placed",
                )
                .help(
                    "this is a bug in Palisade: please report it with the policies that caused it",
                ),
            );
            outcome.phases = laps.phases();
            return outcome;
        }
        None => (vec![false; prepared.len()], Vec::new(), Vec::new()),
    };
    let scoped = scope.files.is_some() || scope.shard.is_some();
    let const_values = consts;
    let consts = &const_values;
    let prepared = &prepared;
    let late = |r: &usize| !ran_early.get(*r).copied().unwrap_or(false);
    let mut results: Vec<(usize, usize, UnitResult)> = groups(prepared, late)
        .par_iter()
        .flat_map(|(members, len)| {
            // One interpreter for all the units a worker takes of this list, so the frames
            // of their calls are allocated once; each unit starts from its initial state.
            (0..*len)
                .into_par_iter()
                .with_max_len(MAX_RUN)
                .map_init(
                    || Interp::new(prog, entities, consts, limits).with_memo(memo),
                    move |interp, i| {
                        let mut out = Vec::new();
                        for &r in members {
                            let Some(p) = prepared.get(r) else { continue };
                            if let Some(result) = p.run(interp, i, scoped.then_some(scope)) {
                                out.push((r, i, result));
                            }
                        }
                        out
                    },
                )
                .flat_map_iter(|out| out)
        })
        .collect();
    // The early units that must run again, then the results of the others.
    let rerun: Vec<(usize, usize, UnitResult)> = again
        .par_iter()
        .map_init(
            || Interp::new(prog, entities, consts, limits).with_memo(memo),
            |interp, &(r, i)| {
                let result = prepared.get(r)?.run(interp, i, scoped.then_some(scope))?;
                Some((r, i, result))
            },
        )
        .flatten()
        .collect();
    laps.lap("    other units");
    results.reserve_exact(rerun.len() + early_done.len());
    results.par_extend(rerun);
    results.par_extend(early_done);
    results.par_sort_unstable_by_key(|(r, i, _)| (*r, *i));
    failures.extend((results.iter_mut()).filter_map(|(_, _, (_, failure))| Some(*failure.take()?)));
    outcome.findings = gather(&mut results, |(_, _, (findings, _))| findings);
    drop(results);
    outcome.diagnostics.extend(report_failures(failures));
    sort_findings(&mut outcome.findings);
    laps.lap("    findings gathered and sorted");
    outcome.phases = laps.phases();
    outcome.spent.keep(memo_table);
    outcome.spent.keep(const_values);
    outcome
}

/// Sorts findings by location (those without one last), then rule, then message; ties keep
/// their order (rule, then item), so the order is the same on any thread count. The order is
/// found on small keys, a finding's location and position, which decide most comparisons,
/// and the findings are then put in that order in place: sorting the findings themselves
/// moved tens of thousands of them at every merge, through a buffer of half their size.
fn sort_findings(findings: &mut Vec<Finding>) {
    /// The order of `(span.is_none(), span)`, the file and start in one number, and the
    /// finding's position.
    type Key = (bool, u64, u32, usize);
    fn key((i, f): (usize, &Finding)) -> Key {
        match f.span {
            Some(s) => (
                false,
                (u64::from(s.file.0) << 32) | u64::from(s.start),
                s.end,
                i,
            ),
            None => (true, 0, 0, i),
        }
    }
    let mut keys: Vec<Key> = findings.par_iter().enumerate().map(key).collect();
    let all: &[Finding] = findings;
    let rest = |k: &Key| all.get(k.3).map(|f| (&f.rule.id, &f.message, k.3));
    keys.par_sort_unstable_by(|a, b| {
        (a.0, a.1, a.2)
            .cmp(&(b.0, b.1, b.2))
            .then_with(|| rest(a).cmp(&rest(b)))
    });
    // Position `j` takes the finding at `keys[j].3`: each cycle of that permutation is
    // followed once, with swaps (a position done is marked in its key).
    for i in 0..keys.len() {
        let mut j = i;
        while let Some(k) = keys.get_mut(j) {
            let from = std::mem::replace(&mut k.3, usize::MAX);
            if from == usize::MAX || from == i {
                break;
            }
            findings.swap(j, from);
            j = from;
        }
    }
}

/// Most items of one list a task runs the units of in a row. rayon splits a range in halves
/// only until every thread has work, and a thread in the middle of a long run cannot give any
/// of it away, so the last runs of a list could end far apart, as the loading's did (see
/// `driver::inputs::MAX_RUN`). (Each task starts an interpreter of its own: next to 64 units
/// that costs nothing.)
const MAX_RUN: usize = 64;

/// The items of each of `parts` (the list `items` gives of it), moved out in order and put
/// together in parallel into one vector of exactly the size needed (tens of thousands of
/// results are gathered so at the end of a run, when its memory is at its peak).
///
/// Each task moves its parts' items straight to their places in the one vector: the vector is
/// made of empty slots first (in parallel), cut into one run of slots per task, and emptied of
/// its `None`s in place at the end. (Gathering each task's items into a vector of its own,
/// then those vectors into one, copied everything twice, the second time on one core.)
#[expect(
    clippy::filter_map_identity,
    reason = "`filter_map` collects in place, into the slots' own memory; `flatten` does not"
)]
fn gather<P: Send, T: Send>(
    parts: &mut [P],
    items: impl Fn(&mut P) -> &mut Vec<T> + Sync,
) -> Vec<T> {
    /// Parts per job.
    const CHUNK: usize = 1024;
    let counts: Vec<usize> = parts
        .par_chunks_mut(CHUNK)
        .map(|chunk| chunk.iter_mut().map(|p| items(p).len()).sum())
        .collect();
    let total = counts.iter().sum();
    let mut slots: Vec<Option<T>> = Vec::with_capacity(total);
    slots.par_extend((0..total).into_par_iter().map(|_| None));
    let mut runs = Vec::with_capacity(counts.len());
    let mut rest: &mut [Option<T>] = &mut slots;
    for n in counts {
        let n = n.min(rest.len());
        let (run, after) = std::mem::take(&mut rest).split_at_mut(n);
        runs.push(run);
        rest = after;
    }
    parts
        .par_chunks_mut(CHUNK)
        .zip(runs)
        .for_each(|(chunk, run)| {
            // The run has a slot for each item: they were counted above.
            let taken = chunk.iter_mut().flat_map(|p| std::mem::take(items(p)));
            for (slot, item) in run.iter_mut().zip(taken) {
                *slot = Some(item);
            }
        });
    slots.into_iter().filter_map(|item| item).collect()
}

/// The prepared rules for which `keep` is true, grouped by the list their first `for`
/// iterates (the same list, not an equal one), in order of first appearance: each group's
/// member indexes and its item count. A rule without a `for` is a group of its own, of one
/// unit.
fn groups(prepared: &[Prepared<'_>], keep: impl Fn(&usize) -> bool) -> Vec<(Vec<usize>, usize)> {
    let mut groups: Vec<(Vec<usize>, usize)> = Vec::new();
    let mut by_list: HashMap<*const Vec<Value>, usize> = HashMap::new();
    for (r, p) in prepared.iter().enumerate().filter(|(r, _)| keep(r)) {
        let Some((_, items)) = &p.items else {
            groups.push((vec![r], 1));
            continue;
        };
        match by_list.entry(Arc::as_ptr(items)) {
            Entry::Occupied(g) => {
                if let Some((members, _)) = groups.get_mut(*g.get()) {
                    members.push(r);
                }
            }
            Entry::Vacant(v) => {
                v.insert(groups.len());
                groups.push((vec![r], items.len()));
            }
        }
    }
    groups
}

/// Evaluates every constant a rule reads ([`Program::read`]; the others are missing): a
/// wave at a time (see [`Program::const_waves`]), the constants of a wave side by side, each
/// long list comprehension in parallel parts ([`Interp::eval_parallel`]). Values and faults
/// are those of evaluating them one by one.
fn eval_consts(
    prog: &Program,
    entities: &Entities,
    limits: &Limits,
    built: Vec<Option<Built>>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Value> {
    eval_consts_of(prog, entities, limits, Some(&prog.read), built, diags)
}

/// The constants whose entry in `which` is true, evaluated as [`eval_consts`] does; the others
/// are missing, and so are those that fail (without a diagnostic). They must not read the
/// others.
pub(super) fn eval_consts_where(
    prog: &Program,
    entities: &Entities,
    limits: &Limits,
    which: &[bool],
) -> Vec<Value> {
    eval_consts_of(
        prog,
        entities,
        limits,
        Some(which),
        Vec::new(),
        &mut Vec::new(),
    )
}

/// `built` holds, by constant id, the parts of the constants built as each file loaded
/// (`early.rs`).
fn eval_consts_of(
    prog: &Program,
    entities: &Entities,
    limits: &Limits,
    which: Option<&[bool]>,
    mut built: Vec<Option<Built>>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Value> {
    let mut values = vec![Value::MISSING; prog.consts.len()];
    for wave in prog.const_waves() {
        let known = &values;
        let jobs: Vec<(u32, Option<Built>)> = (wave.iter())
            .filter(|&&id| which.is_none_or(|w| w.get(id as usize).copied().unwrap_or(false)))
            .map(|&id| (id, built.get_mut(id as usize).and_then(Option::take)))
            .collect();
        let results: Vec<(u32, Result<Value, Fault>)> = jobs
            .into_par_iter()
            .filter_map(|(id, parts)| {
                let def = prog.consts.get(id as usize)?;
                let mut interp = Interp::new(prog, entities, known, limits);
                let mut frame = vec![Value::MISSING; def.frame_size as usize];
                let started = limits.profile.as_ref().map(|p| p.start());
                let value = interp.eval_parallel(&def.value, &mut frame, def.span, parts);
                if let (Some(p), Some(started)) = (&limits.profile, started) {
                    p.constant(id as usize, started, interp.taken());
                }
                Some((id, value))
            })
            .collect();
        for (id, result) in results {
            match result {
                Ok(v) => {
                    if let Some(slot) = values.get_mut(id as usize) {
                        *slot = v;
                    }
                }
                Err(fault) => {
                    let Some(def) = prog.consts.get(id as usize) else {
                        continue;
                    };
                    let (code, message, span) = split(&fault);
                    diags.push(
                        Diagnostic::new(code, format!("constant `{}` failed: {message}", def.name))
                            .at(span, "here")
                            .help("the constant is treated as missing"),
                    );
                }
            }
        }
    }
    values
}

/// The index of a rule's first `for` clause and the items it iterates.
type FirstFor = (usize, Arc<Vec<Value>>);

/// What the clauses before the first `for` gave (see [`prefix`]).
type PrefixResult = Result<Option<FirstFor>, Option<Fault>>;

/// How many units' worth of steps the once-per-run set-up (constants, the clauses before a
/// rule's first `for`) may take.
const SETUP_BUDGET_FACTOR: u64 = 64;

/// The limits of the once-per-run set-up: constants and the clauses before a rule's first
/// `for` run once for all entities (they usually build the list the rule iterates), so they
/// get the budget of many units.
pub(super) fn setup_limits(limits: &Limits) -> Limits {
    Limits {
        max_steps: limits.max_steps.saturating_mul(SETUP_BUDGET_FACTOR),
        ..limits.clone()
    }
}

/// Runs the clauses before the first `for`. `Ok(Some)` gives the first `for`'s items,
/// `Ok(None)` means the rule has no `for`, `Err(None)` that a `where` did not hold.
fn prefix(
    interp: &mut Interp<'_>,
    rule: &RuleDef,
    frame: &mut [Value],
) -> Result<Option<FirstFor>, Option<Fault>> {
    for (idx, clause) in rule.clauses.iter().enumerate() {
        match clause {
            IrClause::For(_, iter, span) => {
                let coll = interp.eval(iter, frame, *span).map_err(Some)?;
                let items = iterate(&coll).map_err(|m| {
                    Some(Fault::Error {
                        message: m,
                        span: *span,
                    })
                })?;
                return Ok(Some((idx, items)));
            }
            IrClause::Let(slot, ir) => {
                let v = interp.eval(ir, frame, rule.meta.span).map_err(Some)?;
                if let Some(s) = frame.get_mut(*slot as usize) {
                    *s = v;
                }
            }
            IrClause::Where(ir, span) => {
                if !interp.truth(ir, frame, *span).map_err(Some)? {
                    return Err(None);
                }
            }
        }
    }
    Ok(None)
}

/// Runs `rule` from `init`, the frame its clauses before the first `for` left, on `item`
/// (the index of that `for` and the value it binds), or as a whole when it has no `for`.
pub(super) fn run_unit(
    interp: &mut Interp<'_>,
    rule: &RuleDef,
    init: &[Value],
    item: Option<(usize, &Value)>,
) -> UnitResult {
    let mut findings = Vec::new();
    let mut frame = interp.frame_from(init);
    let (start, loc) = match item {
        Some((idx, item)) => {
            if let Some(IrClause::For(slot, _, _)) = rule.clauses.get(idx) {
                if let Some(s) = frame.get_mut(*slot as usize) {
                    *s = item.clone();
                }
            }
            (idx + 1, item.span)
        }
        None => (rule.clauses.len(), None),
    };
    interp.restart();
    let started = interp.limits.profile.as_ref().map(|p| p.start());
    let result = crate::fault::catch(|| exec(interp, rule, start, &mut frame, loc, &mut findings));
    if let (Some(p), Some(started)) = (&interp.limits.profile, started) {
        p.unit(rule.index, started, interp.taken(), findings.len());
    }
    interp.recycle(frame);
    if let Some((_, item)) = item.filter(|_| interp.limits.finding_entities) {
        for f in &mut findings {
            f.entity = Some(item.clone());
        }
    }
    let failure = match result {
        Ok(Ok(())) => None,
        Ok(Err(fault)) => Some(fault),
        Err(cause) => Some(Fault::Error {
            message: format!("internal error: evaluation panicked ({cause})"),
            span: rule.meta.span,
        }),
    };
    let failure = failure.map(|fault| {
        Box::new(Failure {
            rule: Arc::clone(&rule.meta),
            fault,
            entity: loc,
        })
    });
    (findings, failure)
}

/// Runs clauses from `idx` on, emitting a finding for every binding that reaches `deny`.
fn exec(
    interp: &mut Interp<'_>,
    rule: &RuleDef,
    idx: usize,
    frame: &mut [Value],
    loc: Option<Span>,
    out: &mut Vec<Finding>,
) -> Result<(), Fault> {
    let Some(clause) = rule.clauses.get(idx) else {
        return deny(interp, rule, frame, loc, out);
    };
    match clause {
        IrClause::For(slot, iter, span) => {
            let coll = interp.eval(iter, frame, *span)?;
            let items = iterate(&coll).map_err(|m| Fault::Error {
                message: m,
                span: *span,
            })?;
            for item in items.iter() {
                if let Some(s) = frame.get_mut(*slot as usize) {
                    *s = item.clone();
                }
                exec(interp, rule, idx + 1, frame, item.span.or(loc), out)?;
            }
            Ok(())
        }
        IrClause::Let(slot, ir) => {
            let v = interp.eval(ir, frame, rule.meta.span)?;
            if let Some(s) = frame.get_mut(*slot as usize) {
                *s = v;
            }
            exec(interp, rule, idx + 1, frame, loc, out)
        }
        IrClause::Where(ir, span) => {
            if interp.truth(ir, frame, *span)? {
                exec(interp, rule, idx + 1, frame, loc, out)
            } else {
                Ok(())
            }
        }
    }
}

fn deny(
    interp: &mut Interp<'_>,
    rule: &RuleDef,
    frame: &mut [Value],
    loc: Option<Span>,
    out: &mut Vec<Finding>,
) -> Result<(), Fault> {
    let span = match &rule.at {
        Some(at) => interp.eval(at, frame, rule.meta.span)?.span.or(loc),
        None => loc,
    };
    let message = interp.display(&rule.message, frame, rule.meta.span)?;
    // Most units deny once: room for one (a first push would make room for four, and the
    // findings of tens of thousands of units are kept until the end of the run).
    if out.is_empty() {
        out.reserve_exact(1);
    }
    out.push(Finding {
        rule: Arc::clone(&rule.meta),
        message,
        span,
        entity: None,
    });
    Ok(())
}

fn split(fault: &Fault) -> (Code, &str, Span) {
    match fault {
        Fault::Error { message, span } => (Code::EvalError, message, *span),
        Fault::Limit { message, span } => (Code::LimitExceeded, message, *span),
    }
}

/// One diagnostic per (rule, place, message), counting the entities it happened on.
fn report_failures(failures: Vec<Failure>) -> Vec<Diagnostic> {
    type Groups = BTreeMap<(String, Span, String), (Code, Vec<Option<Span>>)>;
    let mut grouped = Groups::new();
    for f in failures {
        let (code, message, span) = split(&f.fault);
        grouped
            .entry((f.rule.id.clone(), span, message.to_string()))
            .or_insert_with(|| (code, Vec::new()))
            .1
            .push(f.entity);
    }
    grouped
        .into_iter()
        .map(|((rule, span, message), (code, entities))| {
            let n = entities.len();
            let mut d = Diagnostic::new(code, format!("rule `{rule}` failed: {message}"))
                .at(span, "while evaluating this");
            if let Some(Some(first)) = entities.iter().min() {
                let more = if n > 1 {
                    format!(" (and {} more)", n - 1)
                } else {
                    String::new()
                };
                d = d.related(*first, format!("on this input{more}"));
            }
            let help = if code == Code::LimitExceeded {
                "the rule was skipped for this input; simplify it or raise the limit"
            } else {
                "the rule was skipped for this input; guard the expression (e.g. with `??` or a type check) so it handles this data"
            };
            d.help(help)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::gather;

    /// Parts that give no item, one or several, over more parts than one task takes: every
    /// item comes back once and in order, and the parts are left empty.
    #[test]
    fn gather_gives_every_item_in_order() {
        let mut parts: Vec<Vec<String>> = (0..5000)
            .map(|p| (0..p % 4).map(|k| format!("{p}.{k}")).collect())
            .collect();
        let want: Vec<String> = parts.iter().flatten().cloned().collect();
        assert_eq!(want.len(), 7500);
        let got = gather(&mut parts, |p| p);
        assert_eq!(got, want);
        assert!(parts.iter().all(Vec::is_empty));
        // Nothing to gather.
        let mut none: Vec<Vec<String>> = vec![Vec::new(); 3];
        assert!(gather(&mut none, |p| p).is_empty());
    }
}
