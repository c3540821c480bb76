//! Rules run on each file's entities as soon as the file is loaded, while its value tree is
//! still in the processor's cache.
//!
//! A check loads every file, derives the entities, then evaluates. By then the trees of the
//! first files left the cache long ago, and most of evaluating is reading them back from
//! memory. A rule whose first clause iterates a kind derived from one document alone
//! (`for c in k8s.containers`) and that reads no entity list anywhere else (not in the
//! functions it calls, not in the constants it reads: [`Program::early_kind`]) gives on an
//! entity what it would give once everything is loaded, so it runs on each file's entities
//! right after the file is loaded ([`Early::run`]).
//!
//! One thing such a rule can still read needs every document: a deferred field such as a
//! workload's `network_policies`. Read before the cross-document pass, that field is passed
//! over and the read is marked (`value::take_unready`); the unit's result is dropped and the
//! unit runs again with the other units ([`FileUnits::again`]), as do units whose item has no
//! span (their place in a shard is decided by their position in the whole list).
//!
//! A constant that is a list comprehension over such a kind, with no other entity list in it
//! (`const CONTROL_PLANE = [c for c in k8s.containers if …]`, [`Program::early_list_kind`]),
//! is built the same way: each file's part as the file loads, the parts put end to end after
//! loading ([`Early::built`], `Interp::eval_parallel`). A part that fails or reads an unready
//! field is built again after loading, from its own file's entities (the file keeps its
//! values), where the parts before it leave off.
//!
//! After loading, a file's values are read only through its entities of the kinds that the
//! rules not run early, and the constants not built in parts, read
//! (`Program::entity_kinds_after`), and through the parts built on it. When nothing after
//! loading reads `docs`, the driver may then free a file's documents as soon as its early
//! rules have run on them and its parts are built ([`Early::release`]),
//! keeping only its entities of those kinds (each holds its own part of the tree): the run's
//! memory is then a few files' trees and what those entities hold, instead of every file's
//! tree, and the next files reuse memory still in the processor's cache. A file with units
//! to run again or a part that could not be built keeps its values, as does one the
//! cross-document pass reads (a zones model, a firewall configuration:
//! `entities::Parts::read_across`). The file's other entities leave placeholders behind, so
//! the lists keep their lengths and the early results their places. (At 10,000 files the 10
//! checks of the benchmarks then hold 85 MB instead of 192 MB, and take a sixth less time:
//! docs/benchmarks-history.md, change 116.)
//!
//! **Results are exactly those of evaluating after loading**: the entities are the values
//! the finished lists hold, the units keep their (rule, position) order when the results are
//! put together (`run.rs`), and the shared call table of early units is their own, never
//! keeping a call made after an unready read.

use crate::entities::Entities;
use crate::value::{take_unready, Value};

use super::interp::{Built, Interp, Part};
use super::limits::Limits;
use super::memo::Memo;
use super::program::Program;
use super::run::{gave, run_unit, setup_limits, UnitResult, UnitScope};

/// The rules of a program that run as each file loads, the constants built so, and what they
/// need.
pub struct Early<'p> {
    prog: &'p Program,
    limits: Limits,
    scope: UnitScope,
    /// The constants that read no entity list (the others are missing: no early rule reads
    /// them).
    consts: Vec<Value>,
    memo: Memo,
    none: Entities,
    /// The kinds early rules iterate, in order of first rule, each with its rules' indexes in
    /// rule order.
    pub(super) groups: Vec<(&'p str, Vec<usize>)>,
    /// Per rule: its group, when it runs early.
    pub(super) group_of: Vec<Option<usize>>,
    /// Per rule: its frame before its first clause.
    frames: Vec<Vec<Value>>,
    /// The constants built in parts as each file loads ([`Program::early_list_kind`]): id
    /// and kind.
    lists: Vec<(u32, &'p str)>,
    /// The limits of constants (those of the run's set-up).
    setup: Limits,
    /// Whether nothing after loading reads `docs`: the values of a file whose units all ran
    /// and whose parts were all built are then read after loading only through its entities
    /// of the kinds in `keep` ([`Early::release`]).
    releases: bool,
    /// The entity kinds derived per document that are read after loading: by the rules that
    /// do not run early, and by the constants but those built in parts. A released file
    /// keeps its entities of these kinds. (What a cross-document kind such as
    /// `k8s.namespaces` reads, its records hold.)
    keep: Vec<&'p str>,
}

/// What the early rules gave on one file.
#[derive(Default)]
pub struct FileUnits {
    /// Per group of [`Early`]: how many entities of its kind the file has.
    pub(super) counts: Vec<usize>,
    /// The units that gave findings or a failure: rule, position among the file's entities of
    /// the rule's kind, result.
    pub(super) done: Vec<(usize, usize, UnitResult)>,
    /// The units to run once everything is loaded (rule, position among the file's entities).
    pub(super) again: Vec<(usize, usize)>,
    /// Per constant of [`Early`]'s `lists`: the part the file's entities give, or how many
    /// entities it covers when it could not be built.
    lists: Vec<Result<Part, usize>>,
    /// Whether the file's values were freed once these units ran ([`Early::release`]).
    pub(super) released: bool,
}

impl FileUnits {
    /// Whether the file's values were freed once these units ran ([`Early::release`]).
    pub fn released(&self) -> bool {
        self.released
    }
}

impl<'p> Early<'p> {
    /// The early rules of `prog`, or `None` when it has none. Units outside `scope` do not
    /// run; `files` (how many files the run loads) sizes the shared call table.
    pub fn plan(
        prog: &'p Program,
        limits: &Limits,
        scope: &UnitScope,
        files: usize,
    ) -> Option<Early<'p>> {
        let mut groups: Vec<(&'p str, Vec<usize>)> = Vec::new();
        let mut group_of = vec![None; prog.rules.len()];
        for (r, rule) in prog.rules.iter().enumerate() {
            let Some(kind) = prog.early_kind(rule) else {
                continue;
            };
            let g = match groups.iter().position(|(k, _)| *k == &**kind) {
                Some(g) => g,
                None => {
                    groups.push((&**kind, Vec::new()));
                    groups.len() - 1
                }
            };
            if let (Some(slot), Some((_, members))) = (group_of.get_mut(r), groups.get_mut(g)) {
                *slot = Some(g);
                members.push(r);
            }
        }
        // Only the constants a rule reads are evaluated (see `run::eval_consts`).
        let read = &prog.read;
        let lists: Vec<(u32, &'p str)> = (prog.consts.iter().enumerate())
            .filter(|(id, _)| read.get(*id).copied().unwrap_or(false))
            .filter_map(|(id, def)| Some((u32::try_from(id).ok()?, &**prog.early_list_kind(def)?)))
            .collect();
        if groups.is_empty() && lists.is_empty() {
            return None;
        }
        let keep: Vec<&'p str> = prog
            .entity_kinds_after(
                |r| group_of.get(r).is_some_and(Option::is_none),
                |c| !lists.iter().any(|(id, _)| *id as usize == c),
            )
            .into_iter()
            .filter(|k| crate::entities::is_per_document(k))
            .collect();
        let releases = !keep.contains(&"docs");
        let none = Entities::none();
        let free: Vec<bool> = (prog.consts.iter().zip(read))
            .map(|(c, read)| *read && !prog.reads_entities(vec![&c.value]))
            .collect();
        let consts = super::run::eval_consts_where(prog, &none, limits, &free);
        let frames = (prog.rules.iter())
            .map(|r| vec![Value::MISSING; r.frame_size as usize])
            .collect();
        Some(Early {
            prog,
            limits: limits.clone(),
            scope: scope.clone(),
            consts,
            memo: Memo::new(prog.fns.len(), files.saturating_mul(4)),
            none,
            groups,
            group_of,
            frames,
            lists,
            setup: setup_limits(limits),
            releases,
            keep,
        })
    }

    /// Whether the values of the file that `units` ran on may be freed now: nothing after
    /// loading reads `docs`, none of the file's units must run again, and its parts of the
    /// constants built as the files load were all built. Marks `units` so; the caller then
    /// frees the file's documents and leaves placeholders for its entities, but for those of
    /// the kinds read after loading ([`Early::keep`], `entities::Parts::release`).
    pub fn release(&self, units: &mut FileUnits) -> bool {
        units.released =
            self.releases && units.again.is_empty() && units.lists.iter().all(Result::is_ok);
        units.released
    }

    /// The entity kinds derived per document that are read after loading, which a released
    /// file keeps: by the rules that do not run early and by the constants but those built in
    /// parts, in name order.
    pub fn keep(&self) -> &[&'p str] {
        &self.keep
    }

    /// The parts of the constants built as the files loaded, by constant id, taken from
    /// `files` (what [`Early::run`] gave on each, in input order): `None` for a constant that
    /// is not built so.
    pub(super) fn built(&self, files: &mut [FileUnits]) -> Vec<Option<Built>> {
        let mut built: Vec<Option<Built>> = (0..self.prog.consts.len()).map(|_| None).collect();
        let released = files.iter().any(|f| f.released);
        for (n, (id, _)) in self.lists.iter().enumerate() {
            let parts: Option<Vec<Result<Part, usize>>> = (files.iter_mut())
                .map(|f| Some(std::mem::replace(f.lists.get_mut(n)?, Err(0))))
                .collect();
            if let Some(slot) = built.get_mut(*id as usize) {
                *slot = parts.map(|parts| Built { parts, released });
            }
        }
        built
    }

    /// The ids of the early rules, in rule order.
    pub fn rules(&self) -> Vec<&str> {
        (self.prog.rules.iter().zip(&self.group_of))
            .filter(|(_, g)| g.is_some())
            .map(|(r, _)| r.meta.id.as_str())
            .collect()
    }

    /// The names of the constants built in parts as each file loads, in id order.
    pub fn lists(&self) -> Vec<&str> {
        (self.lists.iter())
            .filter_map(|(id, _)| Some(self.prog.consts.get(*id as usize)?.name.as_str()))
            .collect()
    }

    /// Runs the early rules on one file's entities: `list(kind)` gives the file's entities of
    /// `kind`, in input order.
    pub fn run<'v>(&self, list: impl Fn(&str) -> &'v [Value]) -> FileUnits {
        let mut out = FileUnits::default();
        let mut interp =
            Interp::new(self.prog, &self.none, &self.consts, &self.limits).with_memo(&self.memo);
        let scoped = self.scope.files.is_some() || self.scope.shard.is_some();
        let _ = take_unready();
        for (kind, members) in &self.groups {
            let list = list(kind);
            out.counts.push(list.len());
            for (i, item) in list.iter().enumerate() {
                for &r in members {
                    let (Some(rule), Some(frame)) = (self.prog.rules.get(r), self.frames.get(r))
                    else {
                        continue;
                    };
                    if item.span.is_none() {
                        out.again.push((r, i));
                        continue;
                    }
                    // With a span, whether the unit runs depends on its file alone.
                    if scoped && !self.scope.runs(&rule.meta.id, 0, Some(item)) {
                        continue;
                    }
                    let result = run_unit(&mut interp, rule, frame, Some((0, item)));
                    if take_unready() {
                        out.again.push((r, i));
                    } else if gave(&result) {
                        out.done.push((r, i, result));
                    }
                }
            }
        }
        if self.releases {
            // The calls kept for this file's units hold its maps and lists (keys by
            // identity, which no other file's units pass): forgetting them lets the file's
            // values go. What the table learned of which functions pay stays.
            self.memo.forget_thread();
        }
        out.lists.reserve_exact(self.lists.len());
        for (id, kind) in &self.lists {
            let part = self.prog.consts.get(*id as usize).and_then(|def| {
                let mut interp = Interp::new(self.prog, &self.none, &self.consts, &self.setup);
                let mut frame = vec![Value::MISSING; def.frame_size as usize];
                let started = self.setup.profile.as_ref().map(|p| p.start());
                let part = interp.build_part(&def.value, list(kind), &mut frame);
                // The part's time; its steps are the constant's when the parts are put
                // together (`Interp::eval_parallel`).
                if let (Some(p), Some(started)) = (&self.setup.profile, started) {
                    p.constant(*id as usize, started, 0);
                }
                // A field read before every document is loaded: built once they are.
                let unready = take_unready();
                part.filter(|_| !unready)
            });
            out.lists.push(part.ok_or(list(kind).len()));
        }
        out
    }
}
