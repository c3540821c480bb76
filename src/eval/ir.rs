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
    /// Fields read in a row from a value (`c.securityContext.privileged`): the root, then
    /// the names (at least one), outermost last.
    Path(Box<Ir>, Box<[ArcStr]>),
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
        let mut loops = false;
        self.walk(&mut |ir| {
            loops |= matches!(ir, Ir::ListComp(..) | Ir::MapComp(..) | Ir::Quant(..));
        });
        loops
    }

    /// Calls `visit` on this node and every node under it (comprehension clauses and dynamic
    /// patterns included), parents before children.
    pub(crate) fn walk<'a>(&'a self, visit: &mut impl FnMut(&'a Ir)) {
        visit(self);
        match self {
            Ir::Lit(_) | Ir::Local(_) | Ir::Const(_) | Ir::Entity(_) => {}
            Ir::Path(a, _) | Ir::Not(a, _) | Ir::Neg(a, _) => a.walk(visit),
            Ir::Index(a, b)
            | Ir::And(a, b, _)
            | Ir::Or(a, b, _)
            | Ir::Coalesce(a, b)
            | Ir::Bin(_, a, b, _)
            | Ir::Quant(_, _, a, b, _) => {
                a.walk(visit);
                b.walk(visit);
            }
            Ir::Native(_, args, _) | Ir::Call(_, args, _) | Ir::List(args) => {
                args.iter().for_each(|a| a.walk(visit));
            }
            Ir::Matches(a, p, _) | Ir::Like(a, p, _) => {
                a.walk(visit);
                if let Pattern::Dynamic(d) = p {
                    d.walk(visit);
                }
            }
            Ir::Str(parts) => parts.iter().for_each(|p| {
                if let IrPart::Value(v) = p {
                    v.walk(visit);
                }
            }),
            Ir::Map(entries) => entries.iter().for_each(|(_, v)| v.walk(visit)),
            Ir::ListComp(a, comps, _) => {
                a.walk(visit);
                comps.iter().for_each(|c| c.ir().walk(visit));
            }
            Ir::MapComp(a, b, comps, _) => {
                a.walk(visit);
                b.walk(visit);
                comps.iter().for_each(|c| c.ir().walk(visit));
            }
            Ir::If(a, b, c, _) => {
                a.walk(visit);
                b.walk(visit);
                c.walk(visit);
            }
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

impl IrComp {
    /// The list a `for` iterates, or the condition of an `if`.
    pub(crate) fn ir(&self) -> &Ir {
        match self {
            IrComp::For(_, ir, _) | IrComp::If(ir, _) => ir,
        }
    }
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

impl IrClause {
    /// The list a `for` iterates, the value of a `let`, or the condition of a `where`.
    pub(crate) fn ir(&self) -> &Ir {
        match self {
            IrClause::For(_, ir, _) | IrClause::Let(_, ir) | IrClause::Where(ir, _) => ir,
        }
    }
}
