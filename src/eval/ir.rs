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
