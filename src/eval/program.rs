//! A compiled policy set: rules with their metadata, functions, constants and tests.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::source::{FileId, Span};
use crate::syntax::ast::TestDecl;
use crate::value::ArcStr;

use super::ir::{Ir, IrClause, IrComp};

/// How bad a rule's violation is.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RuleSeverity {
    Low,
    Medium,
    High,
    Critical,
}

impl RuleSeverity {
    pub const ALL: [RuleSeverity; 4] = [
        RuleSeverity::Low,
        RuleSeverity::Medium,
        RuleSeverity::High,
        RuleSeverity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleSeverity::Low => "low",
            RuleSeverity::Medium => "medium",
            RuleSeverity::High => "high",
            RuleSeverity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<RuleSeverity> {
        RuleSeverity::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// Everything a rule says about itself; read by reports, `explain` and the language server
/// (and kept in the result cache, so that a re-run need not compile the policies).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RuleMeta {
    /// Stable id (the `id` entry, or the rule's name).
    pub id: String,
    pub name: String,
    pub package: String,
    pub title: String,
    /// The doc comment above the rule.
    pub doc: Option<String>,
    /// Normalized references such as `SR 2.1` or `SR 1.1 RE 1`.
    pub requirements: Vec<String>,
    /// Foundational requirement 1..=7.
    pub fr: Option<u8>,
    /// Security level 1..=4 at which the rule applies.
    pub level: u8,
    pub severity: RuleSeverity,
    pub rationale: Option<String>,
    pub remediation: Option<String>,
    pub tags: Vec<String>,
    pub file: FileId,
    pub span: Span,
    /// The span of the rule's name.
    pub name_span: Span,
}

impl RuleMeta {
    /// Whether the rule cites the normalized requirement `req`; `SR 2.1` also matches the
    /// rule's citations of its enhancements (`SR 2.1 RE 1`), `SR 2.1 RE 1` only itself.
    pub fn cites(&self, req: &str) -> bool {
        self.requirements
            .iter()
            .any(|r| r == req || r.strip_prefix(req).is_some_and(|t| t.starts_with(" RE ")))
    }
}

#[derive(Debug)]
pub(crate) struct RuleDef {
    /// Its position in [`Program::rules`].
    pub(crate) index: usize,
    pub(crate) meta: Arc<RuleMeta>,
    pub(crate) frame_size: u32,
    pub(crate) clauses: Vec<IrClause>,
    pub(crate) at: Option<Ir>,
    pub(crate) message: Ir,
}

#[derive(Debug)]
pub(crate) struct FnDef {
    pub(crate) name: String,
    /// The package it is defined in (`--profile` names functions by both).
    pub(crate) package: String,
    pub(crate) frame_size: u32,
    pub(crate) lets: Vec<(u32, Ir)>,
    pub(crate) body: Ir,
    /// Whether calls are kept for reuse within an evaluation (the body loops over data).
    pub(crate) memo: bool,
    /// Whether it may give a list or map (as far as the checker knows its body's type).
    pub(crate) collection: bool,
}

#[derive(Debug)]
pub(crate) struct ConstDef {
    pub(crate) name: String,
    pub(crate) frame_size: u32,
    pub(crate) value: Ir,
    pub(crate) span: Span,
}

/// A test block and the file it was written in.
#[derive(Clone, Debug)]
pub struct TestCase {
    pub file: FileId,
    pub package: String,
    pub decl: TestDecl,
}

/// A compiled, immutable policy set. `Send + Sync`: shared by all worker threads.
#[derive(Debug, Default)]
pub struct Program {
    pub(crate) rules: Vec<RuleDef>,
    pub(crate) fns: Vec<FnDef>,
    pub(crate) consts: Vec<ConstDef>,
    /// Constants in an order where each comes after those it uses.
    pub(crate) const_order: Vec<u32>,
    /// Per function: whether more than one rule calls it, directly or not, and it may give a
    /// list or map ([`Program::mark_shared`]): the calls whose values an interpreter keeps for
    /// the next rules on the same item (`Interp::call_recent`).
    pub(crate) shared: Vec<bool>,
    /// Per constant: whether a rule reads it ([`Program::read_consts`]); only those are
    /// evaluated.
    pub(crate) read: Vec<bool>,
    pub tests: Vec<TestCase>,
}

impl Program {
    /// The metadata of every rule, in a stable order (package, then source order).
    pub fn rules(&self) -> impl Iterator<Item = &Arc<RuleMeta>> {
        self.rules.iter().map(|r| &r.meta)
    }

    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    /// Keeps only the rules for which `keep` is true.
    pub fn retain_rules(&mut self, mut keep: impl FnMut(&RuleMeta) -> bool) {
        self.rules.retain(|r| keep(&r.meta));
        for (i, r) in self.rules.iter_mut().enumerate() {
            r.index = i;
        }
        self.analyse_rules();
    }

    /// What depends on which rules the program holds: [`Program::shared`] and
    /// [`Program::read`]. Run once the rules are known, and again when some are left out.
    pub(crate) fn analyse_rules(&mut self) {
        self.mark_shared();
        self.read = self.read_consts();
    }

    /// Sets [`Program::shared`]: which functions that may give a list or map more than one rule
    /// calls, directly or through other functions.
    fn mark_shared(&mut self) {
        let direct = |roots: &mut dyn Iterator<Item = &Ir>| {
            let mut calls = Vec::new();
            for ir in roots {
                ir.walk(&mut |node| {
                    if let Ir::Call(id, _, _) = node {
                        calls.push(*id as usize);
                    }
                });
            }
            calls
        };
        let callees: Vec<Vec<usize>> = self
            .fns
            .iter()
            .map(|f| direct(&mut f.lets.iter().map(|(_, ir)| ir).chain([&f.body])))
            .collect();
        let mut callers = vec![0u32; self.fns.len()];
        // The rule (from 1) that last reached each function, so each rule counts once.
        let mut reached_by = vec![0usize; self.fns.len()];
        for (n, rule) in self.rules.iter().enumerate() {
            let mut pending = direct(
                &mut rule
                    .clauses
                    .iter()
                    .map(IrClause::ir)
                    .chain(rule.at.iter())
                    .chain([&rule.message]),
            );
            while let Some(id) = pending.pop() {
                let Some(by) = reached_by.get_mut(id) else {
                    continue;
                };
                if *by == n + 1 {
                    continue;
                }
                *by = n + 1;
                if let Some(c) = callers.get_mut(id) {
                    *c += 1;
                }
                pending.extend(callees.get(id).into_iter().flatten());
            }
        }
        self.shared = callers
            .iter()
            .zip(&self.fns)
            .map(|(&c, f)| c > 1 && f.collection)
            .collect();
    }

    /// The entity kinds an evaluation can read (e.g. `k8s.workloads`): those named in the
    /// rules, in every constant (all are evaluated), and in the functions these call, directly
    /// or not. A run derives only these ([`Entities::build_only`]); a function nothing calls
    /// does not count.
    ///
    /// [`Entities::build_only`]: crate::entities::Entities::build_only
    pub fn entity_kinds(&self) -> BTreeSet<&str> {
        self.entity_kinds_after(|_| true, |_| true)
    }

    /// The entity kinds read by the rules for which `late_rule(index)` holds, and by the
    /// constants the rules read for which `late_const(id)` holds: in their expressions and in
    /// the functions they call, directly or not. (The constants an early rule reads read no
    /// entity list, [`Program::early_kind`], so they add nothing; a constant another reads is
    /// counted as itself.)
    pub(crate) fn entity_kinds_after(
        &self,
        late_rule: impl Fn(usize) -> bool,
        late_const: impl Fn(usize) -> bool,
    ) -> BTreeSet<&str> {
        let mut roots = self.rule_roots(late_rule);
        roots.extend(
            (self.consts.iter().zip(&self.read).enumerate())
                .filter(|(id, (_, read))| **read && late_const(*id))
                .map(|(_, (c, _))| &c.value),
        );
        let mut kinds = BTreeSet::new();
        self.reach(roots, |node| {
            if let Ir::Entity(kind) = node {
                kinds.insert(&**kind);
            }
        });
        kinds
    }

    /// Every expression of the rules for which `which(rule index)` holds.
    fn rule_roots(&self, which: impl Fn(usize) -> bool) -> Vec<&Ir> {
        let mut roots: Vec<&Ir> = Vec::new();
        for (_, rule) in self.rules.iter().enumerate().filter(|(r, _)| which(*r)) {
            roots.extend(rule.clauses.iter().map(IrClause::ir));
            roots.extend(&rule.at);
            roots.push(&rule.message);
        }
        roots
    }

    /// By constant id: whether a rule reads it, directly or through functions and other
    /// constants (kept in [`Program::read`]). Only those are evaluated: a run of a few rules
    /// (`--rule`, `--fr`) does not build the constants of the others, nor derive the entities
    /// only they read.
    fn read_consts(&self) -> Vec<bool> {
        let mut read = vec![false; self.consts.len()];
        let mut roots = self.rule_roots(|_| true);
        while !roots.is_empty() {
            let mut found = Vec::new();
            self.reach(roots, |node| {
                if let Ir::Const(c) = node {
                    if let Some(r) = read.get_mut(*c as usize) {
                        if !*r {
                            *r = true;
                            found.push(*c);
                        }
                    }
                }
            });
            roots = (found.iter())
                .filter_map(|c| self.consts.get(*c as usize))
                .map(|c| &c.value)
                .collect();
        }
        read
    }

    /// The constants in waves, by id: each constant comes after every constant it reads
    /// ([`Program::const_reads`]), so the constants of one wave can be evaluated side by side
    /// once the earlier waves are.
    pub(crate) fn const_waves(&self) -> Vec<Vec<u32>> {
        let mut wave_of: Vec<Option<usize>> = vec![None; self.consts.len()];
        let mut waves: Vec<Vec<u32>> = Vec::new();
        for &id in &self.const_order {
            let wave = self
                .const_reads(id)
                .iter()
                .filter_map(|dep| wave_of.get(*dep as usize).copied().flatten())
                .map(|w| w + 1)
                .max()
                .unwrap_or(0);
            if let Some(slot) = wave_of.get_mut(id as usize) {
                *slot = Some(wave);
            }
            if waves.len() <= wave {
                waves.resize_with(wave + 1, Vec::new);
            }
            if let Some(w) = waves.get_mut(wave) {
                w.push(id);
            }
        }
        waves
    }

    /// Whether evaluating `roots` can read an entity list: an [`Ir::Entity`] in them, in the
    /// functions they call or in the constants they read, directly or not.
    pub(crate) fn reads_entities<'p>(&'p self, roots: Vec<&'p Ir>) -> bool {
        let mut seen = vec![false; self.consts.len()];
        let mut pending = roots;
        let mut found = false;
        while !pending.is_empty() && !found {
            let mut consts = Vec::new();
            self.reach(std::mem::take(&mut pending), |node| match node {
                Ir::Entity(_) => found = true,
                Ir::Const(c) => consts.push(*c as usize),
                _ => {}
            });
            for c in consts {
                if let (Some(seen), Some(def)) = (seen.get_mut(c), self.consts.get(c)) {
                    if !*seen {
                        *seen = true;
                        pending.push(&def.value);
                    }
                }
            }
        }
        found
    }

    /// The kind a rule can run over as each file loads (see `early.rs`): its first clause
    /// iterates a kind derived per document (`for w in k8s.workloads`), and nothing else in it,
    /// in the functions it calls or in the constants it reads, reads an entity list.
    pub(crate) fn early_kind<'p>(&'p self, rule: &'p RuleDef) -> Option<&'p ArcStr> {
        let (IrClause::For(_, Ir::Entity(kind), _), rest) = rule.clauses.split_first()? else {
            return None;
        };
        if !crate::entities::is_per_document(kind) {
            return None;
        }
        let mut roots: Vec<&Ir> = rest.iter().map(IrClause::ir).collect();
        roots.extend(&rule.at);
        roots.push(&rule.message);
        (!self.reads_entities(roots)).then_some(kind)
    }

    /// The kind a constant can be built over as each file loads (see `early.rs`): its value is
    /// a list comprehension whose first `for` iterates a kind derived per document
    /// (`[c for c in k8s.containers if …]`), and nothing else in it, in the functions it calls
    /// or in the constants it reads, reads an entity list. The list is then the parts built on
    /// each file's entities, put end to end in input order.
    pub(crate) fn early_list_kind<'p>(&'p self, def: &'p ConstDef) -> Option<&'p ArcStr> {
        let Ir::ListComp(elem, clauses, _) = &def.value else {
            return None;
        };
        let (IrComp::For(_, Ir::Entity(kind), _), rest) = clauses.split_first()? else {
            return None;
        };
        if !crate::entities::is_per_document(kind) {
            return None;
        }
        let mut roots: Vec<&Ir> = rest.iter().map(IrComp::ir).collect();
        roots.push(elem);
        (!self.reads_entities(roots)).then_some(kind)
    }

    /// The constants that constant `id` reads, in its own value or in the functions it calls,
    /// directly or not.
    pub(crate) fn const_reads(&self, id: u32) -> Vec<u32> {
        let mut reads = Vec::new();
        if let Some(def) = self.consts.get(id as usize) {
            self.reach([&def.value], |node| {
                if let Ir::Const(c) = node {
                    reads.push(*c);
                }
            });
        }
        reads
    }

    /// Calls `visit` on every node of `roots` and of the functions they call, directly or
    /// not (each function once).
    fn reach<'p>(&'p self, roots: impl IntoIterator<Item = &'p Ir>, mut visit: impl FnMut(&'p Ir)) {
        let mut seen = vec![false; self.fns.len()];
        let mut pending: Vec<&Ir> = roots.into_iter().collect();
        while let Some(ir) = pending.pop() {
            ir.walk(&mut |node| {
                visit(node);
                if let Ir::Call(id, _, _) = node {
                    let id = *id as usize;
                    if let (Some(seen), Some(f)) = (seen.get_mut(id), self.fns.get(id)) {
                        if !*seen {
                            *seen = true;
                            pending.extend(f.lets.iter().map(|(_, ir)| ir));
                            pending.push(&f.body);
                        }
                    }
                }
            });
        }
    }
}
