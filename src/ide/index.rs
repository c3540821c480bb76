//! Name resolution for editors: every definition and every use of a name in a policy set.
//!
//! The checker resolves names into slots and drops where they came from; editors need the
//! opposite (what does this name at this offset refer to, and where else is it used), so this
//! walk resolves the AST again with the checker's rules: locals, then the module's own package,
//! its natives, imported names, the prelude, entity kinds, imported modules. It never fails:
//! a name it cannot resolve simply has no reference (the checker reports it).

use std::collections::HashMap;
use std::sync::Arc;

use crate::check::package_of;
use crate::entities::{self as kinds, EntityKind, Field};
use crate::natives::{self, Native, PRELUDE};
use crate::source::{FileId, Span};
use crate::syntax::ast::{
    Clause, CompClause, Expect, Expr, ExprKind, Ident, Item, MetaValue, Module, StrPart,
};

/// Index of a [`Def`] in [`Index::defs`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DefId(pub u32);

/// What kind of thing a definition is.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum DefKind {
    Function,
    Constant,
    Rule,
    Test,
    Parameter,
    /// A `let`, `for`, quantifier or comprehension binding.
    Variable,
    /// An imported module's local name (`import std.k8s` binds `k8s`).
    ModuleAlias,
}

/// A name defined in a policy file.
#[derive(Clone, Debug)]
pub struct Def {
    pub name: Arc<str>,
    pub kind: DefKind,
    /// The span of the name where it is defined.
    pub name_span: Span,
    /// The whole item or binding.
    pub span: Span,
    /// The package of the defining module.
    pub package: String,
    /// The doc comment, for items.
    pub doc: Option<String>,
    /// Where a local binding is visible (its item, quantifier or comprehension).
    pub scope: Option<Span>,
    /// The offset from which a local binding is visible: after its name, or the start of
    /// its comprehension (whose body comes before the `for`).
    pub visible_from: u32,
    /// The entity kind a loop variable ranges over (`for c in k8s.containers`).
    pub entity: Option<&'static EntityKind>,
    /// Parameters of a function.
    pub params: Vec<Arc<str>>,
    /// The module path a module alias stands for.
    pub module: Option<String>,
    /// A rule's metadata entries as written (`severity` → `high`).
    pub meta: Vec<(String, String)>,
}

/// What a use of a name refers to.
#[derive(Clone, Debug)]
pub enum Target {
    Def(DefId),
    Native(&'static Native),
    Entity(&'static EntityKind),
    /// A field of an entity kind, read from a loop variable over that kind.
    Field(&'static EntityKind, &'static Field),
    /// A module path (`std.k8s` in an import).
    Module(String),
    /// An IEC 62443 reference in a `requirement` entry, normalized (`SR 5.2`).
    Requirement(String),
    /// A rule metadata key (`severity`).
    MetaKey(String),
}

/// One occurrence of a name (definitions included, as references to themselves).
#[derive(Clone, Debug)]
pub struct Reference {
    pub span: Span,
    pub target: Target,
    /// Whether this occurrence is the definition itself.
    pub is_def: bool,
}

/// The definitions and references of a policy set.
#[derive(Debug, Default)]
pub struct Index {
    pub defs: Vec<Def>,
    /// Per file, sorted by span start.
    refs: HashMap<FileId, Vec<Reference>>,
    /// Package → name → function or constant.
    globals: HashMap<String, HashMap<Arc<str>, DefId>>,
    /// Rule name → rule.
    rules: HashMap<Arc<str>, DefId>,
    /// Per file: the package and the module aliases and imported names in scope.
    scopes: HashMap<FileId, FileScope>,
}

/// What one file sees at top level besides its package.
#[derive(Debug, Default, Clone)]
pub struct FileScope {
    pub package: String,
    /// Alias → module path.
    pub modules: HashMap<Arc<str>, String>,
    /// Imported name → its target.
    pub names: HashMap<Arc<str>, Target>,
}

impl Index {
    /// Indexes modules that are compiled together.
    pub fn build(modules: &[Module]) -> Index {
        let mut ix = Index::default();
        for m in modules {
            let package = package_of(m);
            for item in &m.items {
                match item {
                    Item::Fn(f) => {
                        let id = ix.push(Def {
                            params: f.params.iter().map(|p| p.name.clone()).collect(),
                            doc: f.doc.clone(),
                            ..Def::new(&f.name, DefKind::Function, f.span, &package)
                        });
                        ix.globals
                            .entry(package.clone())
                            .or_default()
                            .entry(f.name.name.clone())
                            .or_insert(id);
                    }
                    Item::Const(c) => {
                        let id = ix.push(Def {
                            doc: c.doc.clone(),
                            ..Def::new(&c.name, DefKind::Constant, c.span, &package)
                        });
                        ix.globals
                            .entry(package.clone())
                            .or_default()
                            .entry(c.name.name.clone())
                            .or_insert(id);
                    }
                    Item::Rule(r) => {
                        let meta = r
                            .meta
                            .iter()
                            .map(|m| {
                                let values: Vec<String> = m.values.iter().map(meta_text).collect();
                                (m.key.name.to_string(), values.join(", "))
                            })
                            .collect();
                        let id = ix.push(Def {
                            doc: r.doc.clone(),
                            meta,
                            ..Def::new(&r.name, DefKind::Rule, r.span, &package)
                        });
                        ix.rules.entry(r.name.name.clone()).or_insert(id);
                    }
                    Item::Test(t) => {
                        ix.push(Def {
                            doc: t.doc.clone(),
                            ..Def::new(&t.name, DefKind::Test, t.span, &package)
                        });
                    }
                    Item::Import(_) | Item::Error(_) => {}
                }
            }
        }
        let item_defs: Vec<(Span, DefId)> = ix
            .defs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.name_span, DefId(u32::try_from(i).unwrap_or(u32::MAX))))
            .collect();
        for (span, id) in item_defs {
            ix.add_ref(span, Target::Def(id), true);
        }
        for m in modules {
            let scope = ix.file_scope(m);
            let mut w = Walker {
                ix: &mut ix,
                scope: &scope,
                locals: Vec::new(),
                in_comp: false,
            };
            for item in &m.items {
                w.item(item);
            }
            ix.scopes.insert(m.file, scope);
        }
        for refs in ix.refs.values_mut() {
            refs.sort_by_key(|r| (r.span.start, std::cmp::Reverse(r.span.end)));
        }
        ix
    }

    fn push(&mut self, def: Def) -> DefId {
        let id = DefId(u32::try_from(self.defs.len()).unwrap_or(u32::MAX));
        self.defs.push(def);
        id
    }

    fn add_ref(&mut self, span: Span, target: Target, is_def: bool) {
        self.refs.entry(span.file).or_default().push(Reference {
            span,
            target,
            is_def,
        });
    }

    /// Resolves the imports of a module into a scope (recording references on the way).
    fn file_scope(&mut self, m: &Module) -> FileScope {
        let mut scope = FileScope {
            package: package_of(m),
            ..FileScope::default()
        };
        for item in &m.items {
            let Item::Import(imp) = item else { continue };
            let path = imp.path.text();
            if !self.module_exists(&path) {
                continue;
            }
            self.add_ref(imp.path.span, Target::Module(path.clone()), false);
            if imp.names.is_empty() {
                let alias = imp.alias.as_ref().or(imp.path.segments.last());
                if let Some(alias) = alias {
                    let id = self.push(Def {
                        module: Some(path.clone()),
                        ..Def::new(alias, DefKind::ModuleAlias, imp.span, &scope.package)
                    });
                    if imp.alias.is_some() {
                        self.add_ref(alias.span, Target::Def(id), true);
                    }
                    scope.modules.insert(alias.name.clone(), path.clone());
                }
                continue;
            }
            for name in &imp.names {
                if let Some(target) = self.member(&path, &name.name) {
                    self.add_ref(name.span, target.clone(), false);
                    scope.names.insert(name.name.clone(), target);
                }
            }
        }
        scope
    }

    fn module_exists(&self, path: &str) -> bool {
        self.globals.contains_key(path) || natives::is_module(path)
    }

    /// A member of a module: a function or constant of that package, or a native.
    pub fn member(&self, module: &str, name: &str) -> Option<Target> {
        if let Some(id) = self.globals.get(module).and_then(|p| p.get(name)) {
            return Some(Target::Def(*id));
        }
        natives::lookup(module, name).map(Target::Native)
    }

    /// The functions and constants a package defines.
    pub fn package_members(&self, package: &str) -> Vec<DefId> {
        let mut ids: Vec<DefId> = self
            .globals
            .get(package)
            .map(|p| p.values().copied().collect())
            .unwrap_or_default();
        ids.sort();
        ids
    }

    /// Every package with `.pal` definitions.
    pub fn packages(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.globals.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }

    pub fn def(&self, id: DefId) -> Option<&Def> {
        self.defs.get(id.0 as usize)
    }

    /// The scope of a file that was indexed.
    pub fn scope(&self, file: FileId) -> Option<&FileScope> {
        self.scopes.get(&file)
    }

    /// The innermost reference covering `offset` in `file` (an offset just after a name
    /// counts, so a cursor at the end of a word finds it).
    pub fn at(&self, file: FileId, offset: u32) -> Option<&Reference> {
        let refs = self.refs.get(&file)?;
        refs.iter()
            .filter(|r| r.span.start <= offset && offset <= r.span.end)
            .min_by_key(|r| (r.span.len(), std::cmp::Reverse(r.span.start)))
    }

    /// Every occurrence of a definition (its own name included), in file and offset order.
    pub fn references(&self, id: DefId) -> Vec<&Reference> {
        let mut out: Vec<&Reference> = self
            .refs
            .values()
            .flatten()
            .filter(|r| matches!(r.target, Target::Def(d) if d == id))
            .collect();
        out.sort_by_key(|r| r.span);
        out
    }

    /// Every reference in one file, sorted by start.
    pub fn file_refs(&self, file: FileId) -> &[Reference] {
        self.refs.get(&file).map_or(&[], Vec::as_slice)
    }

    /// Local bindings of `file` visible at `offset`.
    pub fn locals_at(&self, file: FileId, offset: u32) -> Vec<&Def> {
        let mut out: Vec<&Def> = self
            .defs
            .iter()
            .filter(|d| {
                matches!(d.kind, DefKind::Parameter | DefKind::Variable)
                    && d.name_span.file == file
                    && d.visible_from <= offset
                    && d.scope
                        .is_some_and(|s| s.start <= offset && offset <= s.end)
            })
            .collect();
        // Innermost (latest) first, one per name.
        out.reverse();
        let mut seen = std::collections::HashSet::new();
        out.retain(|d| seen.insert(d.name.clone()));
        out
    }

    /// The rule called `name`.
    pub fn rule(&self, name: &str) -> Option<DefId> {
        self.rules.get(name).copied()
    }
}

impl Def {
    fn new(name: &Ident, kind: DefKind, span: Span, package: &str) -> Def {
        Def {
            name: name.name.clone(),
            kind,
            name_span: name.span,
            span,
            package: package.to_string(),
            doc: None,
            scope: None,
            visible_from: name.span.end,
            entity: None,
            params: Vec::new(),
            module: None,
            meta: Vec::new(),
        }
    }
}

fn meta_text(v: &MetaValue) -> String {
    match v {
        MetaValue::Str(s, _) => format!("{s:?}"),
        MetaValue::Int(i, _) => i.to_string(),
        MetaValue::Float(f, _) => f.to_string(),
        MetaValue::Word(w) => w.name.to_string(),
    }
}

/// Walks one module's items, resolving names.
struct Walker<'a> {
    ix: &'a mut Index,
    scope: &'a FileScope,
    /// Visible local bindings, innermost last.
    locals: Vec<(Arc<str>, DefId)>,
    /// Binding the variables of a comprehension.
    in_comp: bool,
}

impl Walker<'_> {
    fn item(&mut self, item: &Item) {
        match item {
            Item::Fn(f) => {
                for p in &f.params {
                    self.bind(p, DefKind::Parameter, f.span, None);
                }
                for l in &f.lets {
                    self.expr(&l.value);
                    self.bind(&l.name, DefKind::Variable, f.span, None);
                }
                self.expr(&f.body);
            }
            Item::Const(c) => self.expr(&c.value),
            Item::Rule(r) => {
                for m in &r.meta {
                    self.ix
                        .add_ref(m.key.span, Target::MetaKey(m.key.name.to_string()), false);
                    if &*m.key.name == "requirement" {
                        for v in &m.values {
                            if let MetaValue::Str(s, span) = v {
                                let id = crate::check::normalize_requirement(s)
                                    .unwrap_or_else(|| s.clone());
                                self.ix.add_ref(*span, Target::Requirement(id), false);
                            }
                        }
                    }
                }
                for c in &r.clauses {
                    match c {
                        Clause::For { var, iter, .. } => {
                            self.expr(iter);
                            let entity = self.entity_of(iter);
                            self.bind(var, DefKind::Variable, r.span, entity);
                        }
                        Clause::Let(l) => {
                            self.expr(&l.value);
                            let entity = self.entity_of(&l.value);
                            self.bind(&l.name, DefKind::Variable, r.span, entity);
                        }
                        Clause::Where(e) => self.expr(e),
                    }
                }
                if let Some(at) = &r.deny.at {
                    self.expr(at);
                }
                self.expr(&r.deny.message);
            }
            Item::Test(t) => {
                for e in &t.expects {
                    if let Expect::Fires { rule, .. } | Expect::None { rule, .. } = e {
                        let last = rule.segments.last();
                        if let Some(id) = last.and_then(|s| self.ix.rule(&s.name)) {
                            self.ix.add_ref(rule.span, Target::Def(id), false);
                        }
                    }
                }
            }
            Item::Import(_) | Item::Error(_) => {}
        }
        self.locals.clear();
    }

    fn bind(
        &mut self,
        name: &Ident,
        kind: DefKind,
        scope: Span,
        entity: Option<&'static EntityKind>,
    ) {
        let id = self.ix.push(Def {
            scope: Some(scope),
            visible_from: if self.in_comp {
                scope.start
            } else {
                name.span.end
            },
            entity,
            ..Def::new(name, kind, name.span, &self.scope.package)
        });
        self.ix.add_ref(name.span, Target::Def(id), true);
        self.locals.push((name.name.clone(), id));
    }

    /// The entity kind an expression lists, when it is one (`k8s.containers`), or the kind of
    /// a loop variable it names.
    fn entity_of(&self, e: &Expr) -> Option<&'static EntityKind> {
        match &e.kind {
            ExprKind::Name(id) if !self.is_local(&id.name) => kinds::kind(&id.name),
            ExprKind::Field(base, f) => match &base.kind {
                ExprKind::Name(root) if !self.is_local(&root.name) => {
                    kinds::kind(&format!("{}.{}", root.name, f.name))
                }
                _ => None,
            },
            ExprKind::Paren(inner) => self.entity_of(inner),
            _ => None,
        }
    }

    fn is_local(&self, name: &str) -> bool {
        self.locals.iter().any(|(n, _)| &**n == name)
    }

    fn local(&self, name: &str) -> Option<DefId> {
        self.locals
            .iter()
            .rev()
            .find(|(n, _)| &**n == name)
            .map(|(_, id)| *id)
    }

    /// A module-level name, in the checker's order.
    fn global(&self, name: &str) -> Option<Target> {
        if let Some(id) = self
            .ix
            .globals
            .get(&self.scope.package)
            .and_then(|p| p.get(name))
        {
            return Some(Target::Def(*id));
        }
        if let Some(n) = natives::lookup(&self.scope.package, name) {
            return Some(Target::Native(n));
        }
        if let Some(t) = self.scope.names.get(name) {
            return Some(t.clone());
        }
        self.ix.member(PRELUDE, name)
    }

    fn name(&mut self, id: &Ident) {
        if let Some(local) = self.local(&id.name) {
            self.ix.add_ref(id.span, Target::Def(local), false);
        } else if let Some(t) = self.global(&id.name) {
            self.ix.add_ref(id.span, t, false);
        } else if let Some(k) = kinds::kind(&id.name) {
            self.ix.add_ref(id.span, Target::Entity(k), false);
        } else if let Some(path) = self.scope.modules.get(&*id.name) {
            self.ix
                .add_ref(id.span, Target::Module(path.clone()), false);
        }
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Null | ExprKind::Bool(_) | ExprKind::Int(_) | ExprKind::Float(_) => {}
            ExprKind::Str(parts) => {
                for p in parts {
                    if let StrPart::Interp(x) = p {
                        self.expr(x);
                    }
                }
            }
            ExprKind::Name(id) => self.name(id),
            ExprKind::Field(base, field) => self.field(e, base, field),
            ExprKind::Index(a, b) => {
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Call(callee, args) => {
                self.expr(callee);
                for a in args {
                    self.expr(a);
                }
            }
            ExprKind::Unary(_, x) | ExprKind::Paren(x) => self.expr(x),
            ExprKind::Binary(_, l, r) => {
                self.expr(l);
                self.expr(r);
            }
            ExprKind::List(items) => {
                for x in items {
                    self.expr(x);
                }
            }
            ExprKind::Map(entries) => {
                for (_, _, x) in entries {
                    self.expr(x);
                }
            }
            ExprKind::ListComp(body, clauses) => {
                let mark = self.locals.len();
                self.comp(e.span, clauses);
                self.expr(body);
                self.locals.truncate(mark);
            }
            ExprKind::MapComp(k, v, clauses) => {
                let mark = self.locals.len();
                self.comp(e.span, clauses);
                self.expr(k);
                self.expr(v);
                self.locals.truncate(mark);
            }
            ExprKind::Quant(_, var, iter, cond) => {
                self.expr(iter);
                let entity = self.entity_of(iter);
                let mark = self.locals.len();
                self.bind(var, DefKind::Variable, e.span, entity);
                self.expr(cond);
                self.locals.truncate(mark);
            }
            ExprKind::If(c, t, f) => {
                self.expr(c);
                self.expr(t);
                self.expr(f);
            }
        }
    }

    fn comp(&mut self, span: Span, clauses: &[CompClause]) {
        for c in clauses {
            match c {
                CompClause::For(var, iter) => {
                    self.expr(iter);
                    let entity = self.entity_of(iter);
                    self.in_comp = true;
                    self.bind(var, DefKind::Variable, span, entity);
                    self.in_comp = false;
                }
                CompClause::If(cond) => self.expr(cond),
            }
        }
    }

    fn field(&mut self, e: &Expr, base: &Expr, field: &Ident) {
        if let ExprKind::Name(root) = &base.kind {
            if !self.is_local(&root.name) && self.global(&root.name).is_none() {
                if let Some(path) = self.scope.modules.get(&*root.name).cloned() {
                    if let Some(t) = self.ix.member(&path, &field.name) {
                        self.ix.add_ref(root.span, Target::Module(path), false);
                        self.ix.add_ref(field.span, t, false);
                        return;
                    }
                }
                if let Some(k) = kinds::kind(&format!("{}.{}", root.name, field.name)) {
                    self.ix.add_ref(e.span, Target::Entity(k), false);
                    return;
                }
            }
            if let Some(kind) = self
                .local(&root.name)
                .and_then(|id| self.ix.def(id).and_then(|d| d.entity))
            {
                self.name(root);
                if let Some(f) = kind.fields.iter().find(|f| f.name == &*field.name) {
                    self.ix.add_ref(field.span, Target::Field(kind, f), false);
                }
                return;
            }
        }
        self.expr(base);
    }
}
