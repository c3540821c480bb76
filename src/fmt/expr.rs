//! Printing expressions.
//!
//! Leaf tokens (numbers, strings of every kind, map keys) are re-emitted from their source
//! text, so nothing is re-escaped or re-dedented. No parentheses are added or removed: the
//! parser records the user's parentheses as [`ExprKind::Paren`] and the tree mirrors the
//! token order, so printing the tokens back in order gives the same tree. Lists, calls, maps,
//! comprehensions, quantifiers, `if` and `and`/`or` chains are groups that break over lines
//! when they do not fit.

use crate::syntax::ast::{BinOp, CompClause, Expr, ExprKind, UnOp};

use super::printer::{concat, group, indent, text, Doc};
use super::source::Src;

/// The document of an expression.
pub(super) fn expr(src: &Src<'_>, e: &Expr) -> Doc {
    match &e.kind {
        ExprKind::Null => text("null"),
        ExprKind::Bool(b) => text(if *b { "true" } else { "false" }),
        ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Str(_) => text(src.slice(e.span)),
        ExprKind::Name(name) => text(&*name.name),
        ExprKind::Field(base, name) => concat(vec![expr(src, base), text("."), text(&*name.name)]),
        ExprKind::Index(base, index) => concat(vec![
            expr(src, base),
            text("["),
            expr(src, index),
            text("]"),
        ]),
        ExprKind::Call(callee, args) => {
            let args = args.iter().map(|a| expr(src, a)).collect();
            concat(vec![expr(src, callee), delimited("(", args, ")")])
        }
        ExprKind::Unary(op, operand) => {
            let op = match (op, &operand.kind) {
                (UnOp::Not, _) => "not ",
                // `- -x`, not `--x`, which reads like a decrement.
                (UnOp::Neg, ExprKind::Unary(UnOp::Neg, _)) => "- ",
                (UnOp::Neg, _) => "-",
            };
            concat(vec![text(op), expr(src, operand)])
        }
        ExprKind::Binary(op, _, _) => binary(src, e, *op),
        ExprKind::List(items) => delimited("[", items.iter().map(|i| expr(src, i)).collect(), "]"),
        ExprKind::Map(entries) => {
            let entries = entries
                .iter()
                .map(|(_, key, value)| {
                    concat(vec![text(src.slice(*key)), text(": "), expr(src, value)])
                })
                .collect();
            delimited("{", entries, "}")
        }
        ExprKind::ListComp(elem, clauses) => comprehension(src, "[", expr(src, elem), clauses, "]"),
        ExprKind::MapComp(key, value, clauses) => {
            let entry = concat(vec![expr(src, key), text(": "), expr(src, value)]);
            comprehension(src, "{", entry, clauses, "}")
        }
        ExprKind::Quant(quant, var, iter, body) => group(concat(vec![
            text(format!("{} {} in ", quant.as_str(), var.name)),
            expr(src, iter),
            text(":"),
            indent(concat(vec![Doc::Line, expr(src, body)])),
        ])),
        ExprKind::If(cond, then, otherwise) => group(concat(vec![
            text("if "),
            // A broken condition goes deeper than `then` and `else`.
            indent(expr(src, cond)),
            indent(concat(vec![
                Doc::Line,
                text("then "),
                expr(src, then),
                Doc::Line,
                text("else "),
                expr(src, otherwise),
            ])),
        ])),
        ExprKind::Paren(inner) => concat(vec![text("("), expr(src, inner), text(")")]),
    }
}

/// `open a, b close`, or one element per line with a trailing comma when too long.
pub(super) fn delimited(open: &str, items: Vec<Doc>, close: &str) -> Doc {
    if items.is_empty() {
        return text(format!("{open}{close}"));
    }
    let mut inner = Vec::with_capacity(items.len() * 3 + 2);
    inner.push(Doc::SoftLine);
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            inner.push(text(","));
            inner.push(Doc::Line);
        }
        inner.push(item);
    }
    inner.push(Doc::IfBreak(","));
    group(concat(vec![
        text(open),
        indent(concat(inner)),
        Doc::SoftLine,
        text(close),
    ]))
}

/// A chain of operators of one precedence, `a and b and c`. Chains of `and` and `or` break
/// before each operator when too long; other operators stay on the line (their operands may
/// still break inside brackets), so that a broken line always starts with `and` or `or`.
fn binary(src: &Src<'_>, e: &Expr, op: BinOp) -> Doc {
    let precedence = op.precedence();
    let mut rest = Vec::new();
    let mut first = e;
    // The tree is left-associative: walk down the left operands of the chain.
    while let ExprKind::Binary(op, lhs, rhs) = &first.kind {
        if op.precedence() != precedence {
            break;
        }
        rest.push((*op, rhs));
        first = lhs;
    }
    let breaks = matches!(op, BinOp::And | BinOp::Or);
    let mut docs = vec![expr(src, first)];
    let mut tail = Vec::with_capacity(rest.len() * 3);
    for (op, rhs) in rest.iter().rev() {
        tail.push(if breaks { Doc::Line } else { text(" ") });
        tail.push(text(format!("{} ", op.as_str())));
        tail.push(expr(src, rhs));
    }
    if !breaks {
        docs.extend(tail);
        return concat(docs);
    }
    docs.push(indent(concat(tail)));
    group(concat(docs))
}

/// `[elem for x in xs if cond]`, broken before each clause when too long.
fn comprehension(src: &Src<'_>, open: &str, elem: Doc, clauses: &[CompClause], close: &str) -> Doc {
    let mut inner = vec![Doc::SoftLine, elem];
    for clause in clauses {
        inner.push(Doc::Line);
        inner.push(match clause {
            CompClause::For(var, iter) => {
                concat(vec![text(format!("for {} in ", var.name)), expr(src, iter)])
            }
            CompClause::If(cond) => concat(vec![text("if "), expr(src, cond)]),
        });
    }
    group(concat(vec![
        text(open),
        indent(concat(inner)),
        Doc::SoftLine,
        text(close),
    ]))
}
