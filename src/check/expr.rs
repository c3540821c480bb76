//! Compiling expressions: name resolution, arity and type checks, and lowering to [`Ir`].

use std::sync::Arc;

use crate::diag::{Code, Diagnostic, Severity};
use crate::entities;
use crate::eval::ir::{Ir, IrComp, IrPart, Pattern};
use crate::natives::{self, Native, PRELUDE};
use crate::source::Span;
use crate::syntax::ast::{BinOp, CompClause, Expr, ExprKind, Ident, Quant, StrPart, UnOp};
use crate::types::Ty;
use crate::value::{ArcStr, Map, Value};

use super::scope::{Globals, ModScope, Target};
use super::suggest::did_you_mean;

struct Local {
    name: Arc<str>,
    slot: u32,
    span: Span,
    used: bool,
    /// Whether an unused binding deserves a warning.
    warn: bool,
}

/// Compiles the bodies of one item (a rule, function or constant).
pub(crate) struct Body<'a> {
    pub(crate) g: &'a Globals,
    pub(crate) scope: &'a ModScope,
    pub(crate) diags: &'a mut Vec<Diagnostic>,
    locals: Vec<Local>,
    next_slot: u32,
}

impl<'a> Body<'a> {
    pub(crate) fn new(g: &'a Globals, scope: &'a ModScope, diags: &'a mut Vec<Diagnostic>) -> Self {
        Body {
            g,
            scope,
            diags,
            locals: Vec::new(),
            next_slot: 0,
        }
    }

    pub(crate) fn frame_size(&self) -> u32 {
        self.next_slot
    }

    /// Binds a name to a fresh slot.
    pub(crate) fn bind(&mut self, ident: &Ident, warn: bool) -> u32 {
        let slot = self.next_slot;
        self.next_slot += 1;
        self.locals.push(Local {
            name: ident.name.clone(),
            slot,
            span: ident.span,
            used: false,
            warn: warn && !ident.name.starts_with('_'),
        });
        slot
    }

    pub(crate) fn mark(&self) -> usize {
        self.locals.len()
    }

    /// Leaves a scope, warning about bindings that were never read.
    pub(crate) fn unbind_to(&mut self, mark: usize) {
        while self.locals.len() > mark {
            if let Some(l) = self.locals.pop() {
                if l.warn && !l.used {
                    self.diags.push(
                        Diagnostic::new(Code::UnusedBinding, format!("`{}` is never used", l.name))
                            .at(l.span, "bound here")
                            .help(format!(
                                "remove the binding, or name it `_{}` to keep it",
                                l.name
                            )),
                    );
                }
            }
        }
    }

    fn err(&mut self, code: Code, span: Span, message: String, label: &str, help: String) {
        let mut d = Diagnostic::new(code, message).at(span, label);
        if !help.is_empty() {
            d = d.help(help);
        }
        self.diags.push(d);
    }

    fn type_err(&mut self, span: Span, message: String, help: &str) {
        self.err(
            Code::TypeMismatch,
            span,
            message,
            "type error",
            help.to_string(),
        );
    }

    /// Compiles an expression used as a condition and checks it can be a boolean.
    pub(crate) fn cond(&mut self, e: &Expr) -> Ir {
        let (ir, ty) = self.expr(e);
        if !ty.fits(Ty::Bool) && ty != Ty::Null {
            self.type_err(
                e.span,
                format!("condition is {}, not a bool", an(ty)),
                "write a comparison, e.g. `x == true` or `len(x) > 0`",
            );
        }
        ir
    }

    pub(crate) fn expr(&mut self, e: &Expr) -> (Ir, Ty) {
        match &e.kind {
            ExprKind::Null => (Ir::Lit(Value::NULL), Ty::Null),
            ExprKind::Bool(b) => (Ir::Lit(Value::bool(*b)), Ty::Bool),
            ExprKind::Int(i) => (Ir::Lit(Value::int(*i)), Ty::Int),
            ExprKind::Float(f) => (Ir::Lit(Value::float(*f)), Ty::Float),
            ExprKind::Str(parts) => (self.string(parts), Ty::String),
            ExprKind::Paren(inner) => self.expr(inner),
            ExprKind::Name(id) => self.name(id),
            ExprKind::Field(base, field) => self.field(e, base, field),
            ExprKind::Index(base, index) => {
                let (b, _) = self.expr(base);
                let (i, ity) = self.expr(index);
                if !(ity.fits(Ty::Int) || ity.fits(Ty::String)) {
                    self.type_err(
                        index.span,
                        format!("index is {}", an(ity)),
                        "index lists with an int and maps with a string",
                    );
                }
                (Ir::Index(Box::new(b), Box::new(i)), Ty::Any)
            }
            ExprKind::Call(callee, args) => self.call(e.span, callee, args),
            ExprKind::Unary(op, inner) => {
                let (ir, ty) = self.expr(inner);
                match op {
                    UnOp::Not => {
                        if !ty.fits(Ty::Bool) && ty != Ty::Null {
                            self.type_err(
                                inner.span,
                                format!("`not` needs a bool, found {ty}"),
                                "compare the value first, e.g. `not (x == 1)`",
                            );
                        }
                        (Ir::Not(Box::new(ir), e.span), Ty::Bool)
                    }
                    UnOp::Neg => {
                        if !ty.fits(Ty::Number) {
                            self.type_err(
                                inner.span,
                                format!("`-` needs a number, found {ty}"),
                                "negate ints and floats only",
                            );
                        }
                        (
                            Ir::Neg(Box::new(ir), e.span),
                            if ty == Ty::Any { Ty::Number } else { ty },
                        )
                    }
                }
            }
            ExprKind::Binary(op, l, r) => self.binary(e.span, *op, l, r),
            ExprKind::List(items) => {
                let irs: Vec<Ir> = items.iter().map(|i| self.expr(i).0).collect();
                (fold_list(irs), Ty::List)
            }
            ExprKind::Map(entries) => {
                let mut irs = Vec::new();
                for (k, kspan, v) in entries {
                    if irs.iter().any(|(name, _): &(ArcStr, Ir)| &**name == k) {
                        self.err(
                            Code::DuplicateDefinition,
                            *kspan,
                            format!("key `{k}` appears twice"),
                            "repeated key",
                            "remove one of the entries".into(),
                        );
                    }
                    irs.push((ArcStr::from(k.as_str()), self.expr(v).0));
                }
                (fold_map(irs), Ty::Map)
            }
            ExprKind::ListComp(elem, clauses) => {
                let mark = self.mark();
                let comps = self.comp_clauses(clauses);
                let (ir, _) = self.expr(elem);
                self.unbind_to(mark);
                (Ir::ListComp(Box::new(ir), comps, e.span), Ty::List)
            }
            ExprKind::MapComp(k, v, clauses) => {
                let mark = self.mark();
                let comps = self.comp_clauses(clauses);
                let (kir, kty) = self.expr(k);
                if !kty.fits(Ty::String) {
                    self.type_err(
                        k.span,
                        format!("map keys are strings, found {kty}"),
                        "convert the key with `to_string`",
                    );
                }
                let (vir, _) = self.expr(v);
                self.unbind_to(mark);
                (
                    Ir::MapComp(Box::new(kir), Box::new(vir), comps, e.span),
                    Ty::Map,
                )
            }
            ExprKind::Quant(q, var, iter, body) => {
                let (it, ity) = self.expr(iter);
                self.check_iterable(iter.span, ity);
                let mark = self.mark();
                let slot = self.bind(var, true);
                let b = self.cond(body);
                self.unbind_to(mark);
                let ty = if *q == Quant::Count {
                    Ty::Int
                } else {
                    Ty::Bool
                };
                (Ir::Quant(*q, slot, Box::new(it), Box::new(b), e.span), ty)
            }
            ExprKind::If(c, t, f) => {
                let c = self.cond(c);
                let (t, tt) = self.expr(t);
                let (f, ft) = self.expr(f);
                let ty = if tt == ft { tt } else { Ty::Any };
                (Ir::If(Box::new(c), Box::new(t), Box::new(f), e.span), ty)
            }
        }
    }

    pub(crate) fn check_iterable(&mut self, span: Span, ty: Ty) {
        if !(ty.fits(Ty::List) || ty.fits(Ty::Map) || ty == Ty::Null) {
            self.type_err(
                span,
                format!("cannot iterate over {}", an(ty)),
                "iterate over a list (or a map, which yields its keys)",
            );
        }
    }

    fn comp_clauses(&mut self, clauses: &[CompClause]) -> Vec<IrComp> {
        let mut out = Vec::new();
        for c in clauses {
            match c {
                CompClause::For(var, iter) => {
                    let (it, ity) = self.expr(iter);
                    self.check_iterable(iter.span, ity);
                    let slot = self.bind(var, true);
                    out.push(IrComp::For(slot, it, iter.span));
                }
                CompClause::If(cond) => {
                    let ir = self.cond(cond);
                    out.push(IrComp::If(ir, cond.span));
                }
            }
        }
        out
    }

    fn string(&mut self, parts: &[StrPart]) -> Ir {
        if let [StrPart::Text(t)] = parts {
            return Ir::Lit(Value::str(t.as_str()));
        }
        let irs = parts
            .iter()
            .map(|p| match p {
                StrPart::Text(t) => IrPart::Text(ArcStr::from(t.as_str())),
                StrPart::Interp(e) => IrPart::Value(self.expr(e).0),
            })
            .collect();
        Ir::Str(irs)
    }

    fn lookup_local(&mut self, name: &str) -> Option<u32> {
        let local = self.locals.iter_mut().rev().find(|l| &*l.name == name)?;
        local.used = true;
        Some(local.slot)
    }

    /// A module-level name: own package, imported names, then the prelude.
    fn lookup_global(&self, name: &str) -> Option<Target> {
        if let Some(pkg) = self.g.packages.get(&self.scope.package) {
            if let Some(id) = pkg.fns.get(name) {
                return Some(Target::Fn(*id));
            }
            if let Some(id) = pkg.consts.get(name) {
                return Some(Target::Const(*id));
            }
        }
        if let Some(n) = natives::lookup(&self.scope.package, name) {
            return Some(Target::Native(n));
        }
        if let Some(imp) = self.scope.names.get(name) {
            imp.used.set(true);
            return Some(imp.target);
        }
        self.g.member(PRELUDE, name)
    }

    /// Names visible here, for suggestions.
    fn visible_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.locals.iter().map(|l| l.name.to_string()).collect();
        names.extend(self.g.member_names(&self.scope.package));
        names.extend(self.scope.names.keys().map(|k| k.to_string()));
        names.extend(self.scope.modules.keys().map(|k| k.to_string()));
        names.extend(self.g.member_names(PRELUDE));
        names.extend(entities::kinds().iter().map(|k| k.name.to_string()));
        names
    }

    fn name(&mut self, id: &Ident) -> (Ir, Ty) {
        if let Some(slot) = self.lookup_local(&id.name) {
            return (Ir::Local(slot), Ty::Any);
        }
        match self.lookup_global(&id.name) {
            Some(Target::Const(c)) => return (Ir::Const(c), Ty::Any),
            Some(Target::Fn(_) | Target::Native(_)) => {
                self.err(
                    Code::TypeMismatch,
                    id.span,
                    format!("`{}` is a function", id.name),
                    "not a value",
                    format!("call it: `{}(…)`", id.name),
                );
                return (Ir::Lit(Value::MISSING), Ty::Any);
            }
            None => {}
        }
        if entities::kind(&id.name).is_some() {
            return (Ir::Entity(ArcStr::from(&*id.name)), Ty::List);
        }
        if let Some(m) = self.scope.modules.get(&*id.name) {
            m.used.set(true);
            self.err(
                Code::UnknownName,
                id.span,
                format!("`{}` is a module", id.name),
                "not a value",
                format!("use a member of it, e.g. `{}.NAME`", id.name),
            );
            return (Ir::Lit(Value::MISSING), Ty::Any);
        }
        if is_entity_root(&id.name) {
            let kinds = entity_kinds_under(&id.name);
            self.err(
                Code::UnknownEntity,
                id.span,
                format!("`{}` is a group of entity kinds", id.name),
                "not a value",
                format!("use one of: {}", kinds.join(", ")),
            );
            return (Ir::Lit(Value::MISSING), Ty::Any);
        }
        let names = self.visible_names();
        let hint = did_you_mean(&id.name, names.iter().map(String::as_str));
        self.err(Code::UnknownName, id.span, format!("unknown name `{}`", id.name), "not defined", format!("{hint} a name must be a `let`/`for` binding, a constant, an import or an entity kind").trim().to_string());
        (Ir::Lit(Value::MISSING), Ty::Any)
    }

    fn field(&mut self, e: &Expr, base: &Expr, field: &Ident) -> (Ir, Ty) {
        // `module.CONST`, `k8s.containers`
        if let ExprKind::Name(root) = &base.kind {
            let shadowed = self.locals.iter().any(|l| l.name == root.name);
            if !shadowed && self.lookup_global(&root.name).is_none() {
                if let Some(m) = self.scope.modules.get(&*root.name) {
                    m.used.set(true);
                    let path = m.path.clone();
                    return match self.g.member(&path, &field.name) {
                        Some(Target::Const(c)) => (Ir::Const(c), Ty::Any),
                        Some(_) => {
                            self.err(
                                Code::TypeMismatch,
                                e.span,
                                format!("`{}.{}` is a function", root.name, field.name),
                                "not a value",
                                "call it with `(…)`".into(),
                            );
                            (Ir::Lit(Value::MISSING), Ty::Any)
                        }
                        // `import std.k8s` sits beside the `k8s.*` entity kinds: a name the
                        // module does not define may still be an entity kind.
                        None if entities::kind(&format!("{}.{}", root.name, field.name))
                            .is_some() =>
                        {
                            let full = format!("{}.{}", root.name, field.name);
                            (Ir::Entity(ArcStr::from(full.as_str())), Ty::List)
                        }
                        None => {
                            let names = self.g.member_names(&path);
                            let hint = did_you_mean(&field.name, names.iter().map(String::as_str));
                            self.err(
                                Code::UnknownName,
                                field.span,
                                format!("module `{path}` has no member `{}`", field.name),
                                "not defined",
                                hint,
                            );
                            (Ir::Lit(Value::MISSING), Ty::Any)
                        }
                    };
                }
                if is_entity_root(&root.name) && entities::kind(&root.name).is_none() {
                    let full = format!("{}.{}", root.name, field.name);
                    if entities::kind(&full).is_some() {
                        return (Ir::Entity(ArcStr::from(full.as_str())), Ty::List);
                    }
                    let kinds = entity_kinds_under(&root.name);
                    let hint = did_you_mean(&full, kinds.iter().map(String::as_str));
                    self.err(
                        Code::UnknownEntity,
                        e.span,
                        format!("unknown entity kind `{full}`"),
                        "not provided by the engine",
                        format!("{hint} entity kinds here: {}", kinds.join(", "))
                            .trim()
                            .to_string(),
                    );
                    return (Ir::Lit(Value::list(Vec::new())), Ty::List);
                }
            }
        }
        let (b, _) = self.expr(base);
        let name = ArcStr::from(&*field.name);
        // A chain of fields is one node: its names read in a row from the value it starts at.
        let ir = match b {
            Ir::Path(root, names) => {
                let mut names = names.into_vec();
                names.push(name);
                Ir::Path(root, names.into_boxed_slice())
            }
            b => Ir::Path(Box::new(b), Box::new([name])),
        };
        (ir, Ty::Any)
    }

    fn call(&mut self, span: Span, callee: &Expr, args: &[Expr]) -> (Ir, Ty) {
        let target = match &callee.kind {
            ExprKind::Name(id) => {
                if self.locals.iter().any(|l| l.name == id.name) {
                    self.err(
                        Code::TypeMismatch,
                        id.span,
                        format!("`{}` is a value, not a function", id.name),
                        "not callable",
                        String::new(),
                    );
                    None
                } else {
                    match self.lookup_global(&id.name) {
                        Some(t @ (Target::Fn(_) | Target::Native(_))) => {
                            Some((t, id.name.to_string()))
                        }
                        Some(Target::Const(_)) => {
                            self.err(
                                Code::TypeMismatch,
                                id.span,
                                format!("`{}` is a constant, not a function", id.name),
                                "not callable",
                                String::new(),
                            );
                            None
                        }
                        None => {
                            let mut names: Vec<String> = self.g.member_names(&self.scope.package);
                            names.extend(self.scope.names.keys().map(|k| k.to_string()));
                            names.extend(self.g.member_names(PRELUDE));
                            let hint = did_you_mean(&id.name, names.iter().map(String::as_str));
                            let help = if hint.is_empty() {
                                unknown_fn_help(&id.name)
                            } else {
                                hint
                            };
                            self.err(
                                Code::UnknownFunction,
                                id.span,
                                format!("unknown function `{}`", id.name),
                                "not defined",
                                help,
                            );
                            None
                        }
                    }
                }
            }
            ExprKind::Field(base, name) => match &base.kind {
                ExprKind::Name(m) if self.scope.modules.contains_key(&*m.name) => {
                    let path = self.scope.modules.get(&*m.name).map(|im| {
                        im.used.set(true);
                        im.path.clone()
                    });
                    let path = path.unwrap_or_default();
                    match self.g.member(&path, &name.name) {
                        Some(t @ (Target::Fn(_) | Target::Native(_))) => {
                            Some((t, format!("{}.{}", m.name, name.name)))
                        }
                        Some(Target::Const(_)) => {
                            self.err(
                                Code::TypeMismatch,
                                callee.span,
                                format!("`{}.{}` is a constant, not a function", m.name, name.name),
                                "not callable",
                                String::new(),
                            );
                            None
                        }
                        None => {
                            let names = self.g.member_names(&path);
                            let hint = did_you_mean(&name.name, names.iter().map(String::as_str));
                            self.err(
                                Code::UnknownFunction,
                                name.span,
                                format!("module `{path}` has no function `{}`", name.name),
                                "not defined",
                                hint,
                            );
                            None
                        }
                    }
                }
                _ => {
                    self.err(Code::UnknownFunction, callee.span, "only functions can be called".into(), "not a function", "call a function by name, e.g. `len(x)` or `strings.lower(x)`; methods do not exist".into());
                    None
                }
            },
            _ => {
                self.err(
                    Code::UnknownFunction,
                    callee.span,
                    "only functions can be called".into(),
                    "not a function",
                    "call a function by name, e.g. `len(x)`".into(),
                );
                None
            }
        };
        let compiled: Vec<(Ir, Ty, Span)> = args
            .iter()
            .map(|a| {
                let (ir, ty) = self.expr(a);
                (ir, ty, a.span)
            })
            .collect();
        let Some((target, shown)) = target else {
            return (Ir::Lit(Value::MISSING), Ty::Any);
        };
        match target {
            Target::Native(n) => {
                self.check_arity(span, &shown, n.params.len(), compiled.len(), Some(n));
                for ((_, ty, aspan), p) in compiled.iter().zip(n.params.iter()) {
                    if !ty.fits(p.ty) && *ty != Ty::Null {
                        self.type_err(
                            *aspan,
                            format!(
                                "argument `{}` of `{shown}` must be a {}, found {ty}",
                                p.name, p.ty
                            ),
                            "",
                        );
                    }
                }
                let irs = compiled.into_iter().map(|(ir, _, _)| ir).collect();
                (Ir::Native(n, irs, span), n.returns)
            }
            Target::Fn(id) => {
                let arity = self.g.fns.get(id as usize).map_or(0, |f| f.arity);
                self.check_arity(span, &shown, arity, compiled.len(), None);
                let irs = compiled.into_iter().map(|(ir, _, _)| ir).collect();
                (Ir::Call(id, irs, span), Ty::Any)
            }
            Target::Const(_) => (Ir::Lit(Value::MISSING), Ty::Any),
        }
    }

    fn check_arity(
        &mut self,
        span: Span,
        name: &str,
        want: usize,
        got: usize,
        native: Option<&Native>,
    ) {
        if want != got {
            let sig = native
                .map(|n| format!("the signature is `{}`", n.signature()))
                .unwrap_or_default();
            let plural = if want == 1 { "" } else { "s" };
            self.err(
                Code::WrongArity,
                span,
                format!("`{name}` takes {want} argument{plural}, {got} given"),
                "wrong number of arguments",
                sig,
            );
        }
    }

    fn binary(&mut self, span: Span, op: BinOp, l: &Expr, r: &Expr) -> (Ir, Ty) {
        match op {
            BinOp::And | BinOp::Or => {
                let a = self.cond(l);
                let b = self.cond(r);
                let ir = if op == BinOp::And {
                    Ir::And(Box::new(a), Box::new(b), span)
                } else {
                    Ir::Or(Box::new(a), Box::new(b), span)
                };
                return (ir, Ty::Bool);
            }
            BinOp::Matches | BinOp::Like => {
                let (a, aty) = self.expr(l);
                if !aty.fits(Ty::String) && aty != Ty::Null {
                    self.type_err(
                        l.span,
                        format!("`{}` needs a string on the left, found {aty}", op.as_str()),
                        "",
                    );
                }
                let pattern = self.pattern(op, r);
                let ir = if op == BinOp::Matches {
                    Ir::Matches(Box::new(a), pattern, span)
                } else {
                    Ir::Like(Box::new(a), pattern, span)
                };
                return (ir, Ty::Bool);
            }
            _ => {}
        }
        let (a, at) = self.expr(l);
        let (b, bt) = self.expr(r);
        let known = at != Ty::Any && bt != Ty::Any;
        let ty = match op {
            BinOp::Eq | BinOp::Ne => {
                if known && !(at.fits(bt) || at == Ty::Null || bt == Ty::Null) {
                    self.diags.push(
                        Diagnostic::new(
                            Code::TypeMismatch,
                            format!(
                                "comparing {} with {} is always {}",
                                an(at),
                                an(bt),
                                op == BinOp::Ne
                            ),
                        )
                        .at(span, "mismatched types")
                        .help("values of different types are never equal")
                        .severity(Severity::Warning),
                    );
                }
                Ty::Bool
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let ok = |t: Ty| t.fits(Ty::Number) || t.fits(Ty::String) || t == Ty::Null;
                if !ok(at) || !ok(bt) || (known && !(at.fits(bt))) {
                    self.type_err(
                        span,
                        format!("cannot order {} and {}", an(at), an(bt)),
                        "`<`, `<=`, `>`, `>=` compare two numbers or two strings",
                    );
                }
                Ty::Bool
            }
            BinOp::In | BinOp::NotIn => {
                if !(bt.fits(Ty::List) || bt.fits(Ty::Map) || bt.fits(Ty::String) || bt == Ty::Null)
                {
                    self.type_err(
                        r.span,
                        format!(
                            "`{}` needs a list, map or string on the right, found {bt}",
                            op.as_str()
                        ),
                        "",
                    );
                }
                Ty::Bool
            }
            BinOp::Coalesce => {
                if at == bt {
                    at
                } else {
                    Ty::Any
                }
            }
            BinOp::Add => match (at, bt) {
                (Ty::Int, Ty::Int) => Ty::Int,
                (Ty::String, Ty::String) => Ty::String,
                (Ty::List, Ty::List) => Ty::List,
                (x, y) if x.is_numeric() && y.is_numeric() => Ty::Number,
                (x, y) if known && x != y => {
                    self.type_err(span, format!("cannot add {} and {}", an(x), an(y)), "`+` adds numbers and joins two strings or two lists; use interpolation `\"{a}{b}\"` to build strings");
                    Ty::Any
                }
                (Ty::Any, y) | (y, Ty::Any) => {
                    if matches!(y, Ty::Bool | Ty::Map | Ty::Null) {
                        self.type_err(
                            span,
                            format!("cannot add {}", an(y)),
                            "`+` adds numbers and joins two strings or two lists",
                        );
                    }
                    Ty::Any
                }
                _ => Ty::Any,
            },
            _ => {
                for (t, s) in [(at, l.span), (bt, r.span)] {
                    if !t.fits(Ty::Number) {
                        self.type_err(s, format!("`{}` needs numbers, found {t}", op.as_str()), "");
                    }
                }
                match (op, at, bt) {
                    (BinOp::Div, _, _) => Ty::Float,
                    (_, Ty::Int, Ty::Int) => Ty::Int,
                    _ => Ty::Number,
                }
            }
        };
        let ir = if op == BinOp::Coalesce {
            Ir::Coalesce(Box::new(a), Box::new(b))
        } else {
            Ir::Bin(op, Box::new(a), Box::new(b), span)
        };
        (ir, ty)
    }

    /// The right side of `matches`/`like`: compiled now when it is a constant string.
    fn pattern(&mut self, op: BinOp, r: &Expr) -> Pattern {
        if let ExprKind::Str(parts) = &r.kind {
            if let [StrPart::Text(text)] = parts.as_slice() {
                if op == BinOp::Matches {
                    match natives::regex::compile(text) {
                        Ok(re) => return Pattern::Regex(re),
                        Err(msg) => {
                            self.err(Code::BadRegex, r.span, format!("invalid regular expression: {msg}"), "does not compile", "the syntax is Rust's `regex` crate (no look-around or backreferences); write patterns as r\"…\" so `{` and `\\` are taken literally".into());
                        }
                    }
                } else {
                    match natives::glob::compile(text) {
                        Ok(g) => return Pattern::Glob(g),
                        Err(msg) => {
                            self.err(
                                Code::BadRegex,
                                r.span,
                                format!("invalid glob pattern: {msg}"),
                                "does not compile",
                                "globs use `*`, `?`, `[abc]` and `{a,b}`".into(),
                            );
                        }
                    }
                }
                return Pattern::Dynamic(Box::new(Ir::Lit(Value::str(text.as_str()))));
            }
        }
        let (ir, ty) = self.expr(r);
        if !ty.fits(Ty::String) {
            self.type_err(
                r.span,
                format!("a pattern must be a string, found {}", an(ty)),
                "",
            );
        }
        Pattern::Dynamic(Box::new(ir))
    }
}

/// `[1, 2]` of literals becomes one literal value.
fn fold_list(irs: Vec<Ir>) -> Ir {
    if irs.iter().all(|i| matches!(i, Ir::Lit(_))) {
        let values = irs
            .into_iter()
            .filter_map(|i| match i {
                Ir::Lit(v) => Some(v),
                _ => None,
            })
            .collect();
        return Ir::Lit(Value::list(values));
    }
    Ir::List(irs)
}

fn fold_map(irs: Vec<(ArcStr, Ir)>) -> Ir {
    if irs.iter().all(|(_, i)| matches!(i, Ir::Lit(_))) {
        let mut map = Map::with_capacity(irs.len());
        for (k, i) in irs {
            if let Ir::Lit(v) = i {
                map.insert(k, None, v);
            }
        }
        return Ir::Lit(Value::map(map));
    }
    Ir::Map(irs)
}

fn is_entity_root(name: &str) -> bool {
    entities::kinds()
        .iter()
        .any(|k| k.name.split_once('.').is_some_and(|(root, _)| root == name))
}

fn entity_kinds_under(root: &str) -> Vec<String> {
    entities::kinds()
        .iter()
        .filter(|k| k.name.split_once('.').is_some_and(|(r, _)| r == root))
        .map(|k| k.name.to_string())
        .collect()
}

/// Help for an unknown function: where a native of that name lives, if anywhere.
fn unknown_fn_help(name: &str) -> String {
    let homes: Vec<&str> = natives::all()
        .filter(|n| n.name == name)
        .map(|n| n.module)
        .collect();
    match homes.first() {
        Some(m) => format!("`{name}` is in `{m}`: add `import {m}.{{{name}}}`"),
        None => "define it with `fn` or import it from a module".to_string(),
    }
}

/// A type with its article: `an int`, `a string`.
fn an(ty: Ty) -> String {
    match ty.as_str().chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {ty}"),
        _ => format!("a {ty}"),
    }
}
