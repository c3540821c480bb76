//! The resolved intermediate form the evaluator runs: names are slots and ids, regexes and
//! globs with constant patterns are compiled, literals are values.

use std::sync::Arc;

use crate::natives::Native;
use crate::source::Span;
use crate::syntax::ast::{BinOp, Quant};
use crate::value::{ArcStr, Value};

#[derive(Debug)]
pub(crate) enum Ir {
    Lit(Value),
    /// A slot of the current frame.
    Local(u32),
    /// A top-level constant, by id.
    Const(u32),
    /// An entity kind, e.g. `k8s.containers`.
    Entity(ArcStr),
    Field(Box<Ir>, ArcStr),
    Index(Box<Ir>, Box<Ir>),
    Native(&'static Native, Vec<Ir>, Span),
    Call(u32, Vec<Ir>, Span),
    Not(Box<Ir>, Span),
    Neg(Box<Ir>, Span),
    And(Box<Ir>, Box<Ir>, Span),
    Or(Box<Ir>, Box<Ir>, Span),
    Coalesce(Box<Ir>, Box<Ir>),
    Bin(BinOp, Box<Ir>, Box<Ir>, Span),
    Matches(Box<Ir>, Pattern, Span),
    Like(Box<Ir>, Pattern, Span),
    Str(Vec<IrPart>),
    List(Vec<Ir>),
    Map(Vec<(ArcStr, Ir)>),
    ListComp(Box<Ir>, Vec<IrComp>, Span),
    MapComp(Box<Ir>, Box<Ir>, Vec<IrComp>, Span),
    Quant(Quant, u32, Box<Ir>, Box<Ir>, Span),
    If(Box<Ir>, Box<Ir>, Box<Ir>, Span),
}

impl Ir {
    /// Whether evaluating it may loop over data (a comprehension or quantifier anywhere in
    /// it): what makes a function worth keeping the results of (see `memo.rs`).
    pub(crate) fn loops(&self) -> bool {
        match self {
            Ir::ListComp(..) | Ir::MapComp(..) | Ir::Quant(..) => true,
            Ir::Lit(_) | Ir::Local(_) | Ir::Const(_) | Ir::Entity(_) => false,
            Ir::Field(a, _) | Ir::Not(a, _) | Ir::Neg(a, _) => a.loops(),
            Ir::Index(a, b)
            | Ir::And(a, b, _)
            | Ir::Or(a, b, _)
            | Ir::Coalesce(a, b)
            | Ir::Bin(_, a, b, _) => a.loops() || b.loops(),
            Ir::Native(_, args, _) | Ir::Call(_, args, _) | Ir::List(args) => {
                args.iter().any(Ir::loops)
            }
            Ir::Matches(a, p, _) | Ir::Like(a, p, _) => {
                a.loops() || matches!(p, Pattern::Dynamic(d) if d.loops())
            }
            Ir::Str(parts) => parts
                .iter()
                .any(|p| matches!(p, IrPart::Value(v) if v.loops())),
            Ir::Map(entries) => entries.iter().any(|(_, v)| v.loops()),
            Ir::If(a, b, c, _) => a.loops() || b.loops() || c.loops(),
        }
    }
}

#[derive(Debug)]
pub(crate) enum IrPart {
    Text(ArcStr),
    Value(Ir),
}

#[derive(Debug)]
pub(crate) enum IrComp {
    For(u32, Ir, Span),
    If(Ir, Span),
}

/// The right side of `matches` / `like`.
#[derive(Debug)]
pub(crate) enum Pattern {
    Regex(Arc<regex::Regex>),
    Glob(Arc<globset::GlobMatcher>),
    Dynamic(Box<Ir>),
}

/// One clause of a rule body.
#[derive(Debug)]
pub(crate) enum IrClause {
    For(u32, Ir, Span),
    Let(u32, Ir),
    Where(Ir, Span),
}
