//! Static checking and compilation: parsed modules in, an immutable [`Program`] out.
//!
//! Everything here runs before any input is read: unknown names, imports and entity kinds,
//! arity, obvious type errors, unused bindings and imports, rule metadata, duplicate
//! definitions, import cycles and constant cycles.
//!
//! **Invariant:** `check` never evaluates user code.

mod expr;
pub mod meta;
mod scope;
mod suggest;

pub use suggest::did_you_mean;

use std::collections::{BTreeMap, HashMap};

use crate::diag::{Code, Diagnostic};
use crate::eval::ir::IrClause;
use crate::eval::{ConstDef, FnDef, Program, RuleDef, TestCase};
use crate::syntax::ast::{Clause, Item, Module};
use crate::types::Ty;

use expr::Body;
use scope::{GlobalSig, Globals, ImportedModule, ImportedName, ModScope};

pub use meta::{fr_of, normalize_requirement, KEYS as META_KEYS};

/// The result of compiling a policy set.
#[derive(Debug)]
pub struct Compiled {
    pub program: Program,
    pub diagnostics: Vec<Diagnostic>,
}

/// The package a module belongs to (files without `package` get a private one).
pub fn package_of(module: &Module) -> String {
    module
        .package
        .as_ref()
        .map_or_else(|| format!("_file{}", module.file.0), |p| p.text())
}

/// Checks and compiles modules that were parsed together.
pub fn compile(modules: &[Module]) -> Compiled {
    let mut diags = Vec::new();
    let mut g = Globals::default();

    // Pass 1: every package's functions and constants.
    for m in modules {
        let package = package_of(m);
        for item in &m.items {
            let (name, arity, span, is_fn) = match item {
                Item::Fn(f) => (&f.name, f.params.len(), f.span, true),
                Item::Const(c) => (&c.name, 0, c.span, false),
                _ => continue,
            };
            let pkg = g.packages.entry(package.clone()).or_default();
            let previous = pkg
                .fns
                .get(&name.name)
                .map(|id| g.fns.get(*id as usize).map(|s| s.span))
                .or_else(|| {
                    pkg.consts
                        .get(&name.name)
                        .map(|id| g.consts.get(*id as usize).map(|s| s.span))
                })
                .flatten();
            if let Some(prev) = previous {
                diags.push(
                    Diagnostic::new(
                        Code::DuplicateDefinition,
                        format!("`{}` is defined twice in package `{package}`", name.name),
                    )
                    .at(name.span, "defined again here")
                    .related(prev, "first defined here")
                    .help("rename one of them"),
                );
                continue;
            }
            let sig = GlobalSig { arity, span };
            if is_fn {
                pkg.fns.insert(name.name.clone(), id_of(g.fns.len()));
                g.fns.push(sig);
            } else {
                pkg.consts.insert(name.name.clone(), id_of(g.consts.len()));
                g.consts.push(sig);
            }
        }
        g.packages.entry(package).or_default();
    }

    // Pass 2: imports.
    let mut scopes = Vec::with_capacity(modules.len());
    let mut edges: BTreeMap<String, Vec<(String, crate::source::Span)>> = BTreeMap::new();
    for m in modules {
        let scope = resolve_imports(&g, m, &mut diags);
        for item in &m.items {
            if let Item::Import(i) = item {
                let target = i.path.text();
                if g.packages.contains_key(&target) {
                    edges
                        .entry(scope.package.clone())
                        .or_default()
                        .push((target, i.span));
                }
            }
        }
        scopes.push(scope);
    }
    report_cycles(&edges, &mut diags);

    // Pass 3: bodies.
    let mut program = Program::default();
    let mut fns: Vec<Option<FnDef>> = (0..g.fns.len()).map(|_| None).collect();
    let mut consts: Vec<Option<ConstDef>> = (0..g.consts.len()).map(|_| None).collect();
    let mut rule_ids: HashMap<String, crate::source::Span> = HashMap::new();
    for (m, scope) in modules.iter().zip(&scopes) {
        let package = &scope.package;
        let pkg = g.packages.get(package);
        for item in &m.items {
            match item {
                Item::Fn(f) => {
                    let Some(id) = pkg.and_then(|p| p.fns.get(&f.name.name)).copied() else {
                        continue;
                    };
                    if g.fns.get(id as usize).is_none_or(|s| s.span != f.span) {
                        continue; // a duplicate, already reported
                    }
                    let mut b = Body::new(&g, scope, &mut diags);
                    for p in &f.params {
                        b.bind(p, true);
                    }
                    let lets: Vec<(u32, crate::eval::ir::Ir)> = f
                        .lets
                        .iter()
                        .map(|l| {
                            let (ir, _) = b.expr(&l.value);
                            (b.bind(&l.name, true), ir)
                        })
                        .collect();
                    let (body, ty) = b.expr(&f.body);
                    b.unbind_to(0);
                    if let Some(slot) = fns.get_mut(id as usize) {
                        let memo = body.loops() || lets.iter().any(|(_, ir)| ir.loops());
                        *slot = Some(FnDef {
                            name: f.name.name.to_string(),
                            package: package.clone(),
                            frame_size: b.frame_size(),
                            lets,
                            body,
                            memo,
                            collection: ty.fits(Ty::List) || ty.fits(Ty::Map),
                        });
                    }
                }
                Item::Const(c) => {
                    let Some(id) = pkg.and_then(|p| p.consts.get(&c.name.name)).copied() else {
                        continue;
                    };
                    if g.consts.get(id as usize).is_none_or(|s| s.span != c.span) {
                        continue;
                    }
                    let mut b = Body::new(&g, scope, &mut diags);
                    let (value, _) = b.expr(&c.value);
                    let frame_size = b.frame_size();
                    if let Some(slot) = consts.get_mut(id as usize) {
                        *slot = Some(ConstDef {
                            name: c.name.name.to_string(),
                            frame_size,
                            value,
                            span: c.name.span,
                        });
                    }
                }
                Item::Rule(r) => {
                    let meta = meta::rule_meta(m.file, package, r, &mut diags);
                    if let Some(prev) = rule_ids.get(&meta.id) {
                        diags.push(
                            Diagnostic::new(
                                Code::DuplicateDefinition,
                                format!("rule id `{}` is used twice", meta.id),
                            )
                            .at(r.name.span, "used again here")
                            .related(*prev, "first used here")
                            .help("rule ids must be unique across all loaded policies; rename the rule or set `id \"…\"`"),
                        );
                        continue;
                    }
                    rule_ids.insert(meta.id.clone(), r.name.span);
                    let mut b = Body::new(&g, scope, &mut diags);
                    let mut clauses = Vec::new();
                    for c in &r.clauses {
                        match c {
                            Clause::For { var, iter, span } => {
                                let (ir, ty) = b.expr(iter);
                                b.check_iterable(iter.span, ty);
                                // A rule's loop variable locates its findings, so it is
                                // never reported as unused.
                                let slot = b.bind(var, false);
                                clauses.push(IrClause::For(slot, ir, *span));
                            }
                            Clause::Let(l) => {
                                let (ir, _) = b.expr(&l.value);
                                let slot = b.bind(&l.name, true);
                                clauses.push(IrClause::Let(slot, ir));
                            }
                            Clause::Where(e) => {
                                let ir = b.cond(e);
                                clauses.push(IrClause::Where(ir, e.span));
                            }
                        }
                    }
                    let at = r.deny.at.as_ref().map(|e| b.expr(e).0);
                    let (message, _) = b.expr(&r.deny.message);
                    b.unbind_to(0);
                    program.rules.push(RuleDef {
                        index: program.rules.len(),
                        meta,
                        frame_size: b.frame_size(),
                        clauses,
                        at,
                        message,
                    });
                }
                Item::Test(t) => program.tests.push(TestCase {
                    file: m.file,
                    package: package.clone(),
                    decl: t.clone(),
                }),
                Item::Import(_) | Item::Error(_) => {}
            }
        }
    }
    for scope in &scopes {
        report_unused_imports(scope, &mut diags);
    }

    program.fns = fns
        .into_iter()
        .map(|f| {
            f.unwrap_or(FnDef {
                name: String::new(),
                package: String::new(),
                frame_size: 0,
                lets: Vec::new(),
                body: crate::eval::ir::Ir::Lit(crate::value::Value::MISSING),
                memo: false,
                collection: false,
            })
        })
        .collect();
    program.consts = consts
        .into_iter()
        .map(|c| {
            c.unwrap_or_else(|| ConstDef {
                name: String::new(),
                frame_size: 0,
                value: crate::eval::ir::Ir::Lit(crate::value::Value::MISSING),
                span: crate::source::Span::new(crate::source::FileId(0), 0, 0),
            })
        })
        .collect();
    // What each constant reads, itself or through the functions it calls.
    let deps: Vec<Vec<u32>> = (0..program.consts.len())
        .map(|i| program.const_reads(id_of(i)))
        .collect();
    program.const_order = const_order(&program.consts, &deps, &mut diags);
    program.analyse_rules();
    Compiled {
        program,
        diagnostics: diags,
    }
}

fn id_of(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn resolve_imports(g: &Globals, m: &Module, diags: &mut Vec<Diagnostic>) -> ModScope {
    let mut scope = ModScope {
        package: package_of(m),
        ..ModScope::default()
    };
    for item in &m.items {
        let Item::Import(imp) = item else { continue };
        let path = imp.path.text();
        if !g.module_exists(&path) {
            let names = g.module_names();
            let hint = did_you_mean(&path, names.iter().map(String::as_str));
            diags.push(
                Diagnostic::new(Code::UnknownImport, format!("unknown module `{path}`"))
                    .at(imp.path.span, "no such module")
                    .help(
                        format!("{hint} modules are the stdlib (`std.strings`, `std.net`, …) and the `package` of each loaded policy file")
                            .trim()
                            .to_string(),
                    ),
            );
            continue;
        }
        if imp.names.is_empty() {
            let alias = imp.alias.as_ref().map_or_else(
                || imp.path.segments.last().map(|s| s.name.clone()),
                |a| Some(a.name.clone()),
            );
            if let Some(alias) = alias {
                scope.modules.insert(
                    alias,
                    ImportedModule {
                        path,
                        span: imp.span,
                        used: Default::default(),
                    },
                );
            }
            continue;
        }
        for name in &imp.names {
            match g.member(&path, &name.name) {
                Some(target) => {
                    scope.names.insert(
                        name.name.clone(),
                        ImportedName {
                            target,
                            span: name.span,
                            used: Default::default(),
                        },
                    );
                }
                None => {
                    let names = g.member_names(&path);
                    let hint = did_you_mean(&name.name, names.iter().map(String::as_str));
                    diags.push(
                        Diagnostic::new(
                            Code::UnknownImportedName,
                            format!("module `{path}` has no member `{}`", name.name),
                        )
                        .at(name.span, "not in the module")
                        .help(if hint.is_empty() {
                            format!("its members are: {}", names.join(", "))
                        } else {
                            hint
                        }),
                    );
                }
            }
        }
    }
    scope
}

fn report_unused_imports(scope: &ModScope, diags: &mut Vec<Diagnostic>) {
    let mut unused: Vec<(crate::source::Span, String)> = Vec::new();
    for (name, imp) in &scope.names {
        if !imp.used.get() {
            unused.push((imp.span, name.to_string()));
        }
    }
    for (name, imp) in &scope.modules {
        if !imp.used.get() {
            unused.push((imp.span, name.to_string()));
        }
    }
    unused.sort();
    for (span, name) in unused {
        diags.push(
            Diagnostic::new(
                Code::UnusedImport,
                format!("`{name}` is imported but never used"),
            )
            .at(span, "unused import")
            .help("remove it from the import"),
        );
    }
}

/// Reports each cycle in the package import graph once, at the import that closes it.
fn report_cycles(
    edges: &BTreeMap<String, Vec<(String, crate::source::Span)>>,
    diags: &mut Vec<Diagnostic>,
) {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Visiting,
        Done,
    }
    fn visit(
        node: &str,
        edges: &BTreeMap<String, Vec<(String, crate::source::Span)>>,
        state: &mut HashMap<String, State>,
        stack: &mut Vec<String>,
        diags: &mut Vec<Diagnostic>,
    ) {
        state.insert(node.to_string(), State::Visiting);
        stack.push(node.to_string());
        for (next, span) in edges.get(node).map(Vec::as_slice).unwrap_or(&[]) {
            match state.get(next.as_str()) {
                Some(State::Visiting) => {
                    let start = stack.iter().position(|p| p == next).unwrap_or(0);
                    let mut cycle: Vec<String> = stack.get(start..).unwrap_or(&[]).to_vec();
                    cycle.push(next.clone());
                    diags.push(
                        Diagnostic::new(
                            Code::ImportCycle,
                            format!("import cycle: {}", cycle.join(" → ")),
                        )
                        .at(*span, "this import closes the cycle")
                        .help(
                            "move what both modules need into a third module that imports neither",
                        ),
                    );
                }
                Some(State::Done) => {}
                None => visit(next, edges, state, stack, diags),
            }
        }
        stack.pop();
        state.insert(node.to_string(), State::Done);
    }
    let mut state = HashMap::new();
    for node in edges.keys() {
        if !state.contains_key(node) {
            visit(node, edges, &mut state, &mut Vec::new(), diags);
        }
    }
}

/// A topological order of constants; a constant that depends on itself is reported.
fn const_order(defs: &[ConstDef], deps: &[Vec<u32>], diags: &mut Vec<Diagnostic>) -> Vec<u32> {
    let mut order = Vec::with_capacity(defs.len());
    let mut state = vec![0u8; defs.len()]; // 0 new, 1 visiting, 2 done
    fn visit(
        i: usize,
        defs: &[ConstDef],
        deps: &[Vec<u32>],
        state: &mut [u8],
        order: &mut Vec<u32>,
        diags: &mut Vec<Diagnostic>,
    ) {
        match state.get(i) {
            Some(1) => {
                if let Some(d) = defs.get(i) {
                    diags.push(
                        Diagnostic::new(
                            Code::DuplicateDefinition,
                            format!("constant `{}` depends on itself", d.name),
                        )
                        .at(d.span, "defined in terms of itself")
                        .help("a constant's value cannot refer back to it; break the cycle"),
                    );
                }
                return;
            }
            Some(2) | None => return,
            _ => {}
        }
        if let Some(s) = state.get_mut(i) {
            *s = 1;
        }
        for d in deps.get(i).map(Vec::as_slice).unwrap_or(&[]) {
            visit(*d as usize, defs, deps, state, order, diags);
        }
        if let Some(s) = state.get_mut(i) {
            *s = 2;
        }
        order.push(id_of(i));
    }
    for i in 0..defs.len() {
        visit(i, defs, deps, &mut state, &mut order, diags);
    }
    order
}
