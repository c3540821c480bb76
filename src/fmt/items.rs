//! Printing the file: the package line, imports, consts, functions, rules and tests, each
//! with its comments.
//!
//! Layout: one blank line between items, except between consecutive imports and between
//! consecutive consts, which keep the user's choice (together or one blank line apart).
//! Bodies (`rule`, `test`, block `fn`) are indented one level with one statement per line;
//! inside them a single blank line is kept where the user had one (never right after `{`).

use crate::syntax::ast::{
    Clause, Const, Deny, Expect, FnDecl, Import, Item, Meta, Module, RuleDecl, TestDecl, TestInput,
};

use super::anchors::{self, TestStmt};
use super::comments::{Comments, Slot};
use super::expr::{delimited, expr};
use super::printer::{concat, group, indent, text, Doc};
use super::source::Src;

/// What the printer reads: the source text and the comments attached to anchors.
pub(super) struct Cx<'a> {
    pub(super) src: &'a Src<'a>,
    pub(super) comments: &'a Comments,
}

/// One line or more printed as a whole (a comment, a statement, an item), with whether a
/// blank line comes before it.
struct Unit {
    blank: bool,
    doc: Doc,
}

/// The kind of a top-level item, for the blank lines between items.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Package,
    Import,
    Const,
    Other,
}

/// The document of a whole file, ending in a newline (or empty for a file with nothing).
pub(super) fn module(cx: &Cx<'_>, module: &Module) -> Doc {
    let mut units = Vec::new();
    let mut prev = None;
    if let Some(path) = &module.package {
        let start = anchors::package(cx.src, path).start;
        let doc = text(format!("package {}", path.text()));
        push_item(
            &mut units,
            &mut prev,
            Kind::Package,
            anchored(cx, start, doc),
        );
    }
    for item in &module.items {
        let (kind, item_units) = self::item(cx, item);
        push_item(&mut units, &mut prev, kind, item_units);
    }
    units.extend(comment_units(&cx.comments.end));
    if units.is_empty() {
        return text("");
    }
    concat(vec![lines(units, false), Doc::HardLine])
}

/// Adds an item's units with the canonical blank line before them.
fn push_item(units: &mut Vec<Unit>, prev: &mut Option<Kind>, kind: Kind, mut item: Vec<Unit>) {
    if let Some(first) = item.first_mut() {
        first.blank = match (*prev, kind) {
            (None, _) => false,
            (Some(Kind::Import), Kind::Import) | (Some(Kind::Const), Kind::Const) => first.blank,
            _ => true,
        };
    }
    units.extend(item);
    *prev = Some(kind);
}

/// Units one after the other, each on a new line; the first starts the current line unless
/// `newline_first`.
fn lines(units: Vec<Unit>, newline_first: bool) -> Doc {
    let mut docs = Vec::with_capacity(units.len() * 3);
    for (i, unit) in units.into_iter().enumerate() {
        if i > 0 || newline_first {
            docs.push(Doc::HardLine);
            if unit.blank {
                docs.push(Doc::HardLine);
            }
        }
        docs.push(unit.doc);
    }
    concat(docs)
}

fn comment_units(comments: &[super::comments::Leading]) -> Vec<Unit> {
    comments
        .iter()
        .map(|c| Unit {
            blank: c.blank_before,
            doc: text(&c.text),
        })
        .collect()
}

/// `doc` followed by the trailing comments of its slot.
fn with_trailing(doc: Doc, slot: &Slot) -> Doc {
    if slot.trailing.is_empty() {
        return doc;
    }
    concat(vec![
        doc,
        Doc::Suffix(format!(" {}", slot.trailing.join(" "))),
    ])
}

/// The anchor starting at `start`, printed as `doc`, with its comments.
fn anchored(cx: &Cx<'_>, start: usize, doc: Doc) -> Vec<Unit> {
    let slot = cx.comments.slot(start);
    let mut units = comment_units(&slot.leading);
    units.push(Unit {
        blank: slot.blank_before_anchor,
        doc: with_trailing(doc, &slot),
    });
    units
}

/// `head {` + statements + `}` for an item whose header anchor starts at `start` and whose
/// closing `}` anchor starts at `close`.
fn braced(
    cx: &Cx<'_>,
    start: usize,
    head: Doc,
    stmts: Vec<(usize, Doc)>,
    close: usize,
) -> Vec<Unit> {
    let header = cx.comments.slot(start);
    let closing = cx.comments.slot(close);
    let mut body = Vec::new();
    for (stmt_start, doc) in stmts {
        body.extend(anchored(cx, stmt_start, doc));
    }
    body.extend(comment_units(&closing.leading));
    if let Some(first) = body.first_mut() {
        first.blank = false;
    }
    let mut docs = vec![with_trailing(concat(vec![head, text(" {")]), &header)];
    if body.is_empty() && header.trailing.is_empty() {
        docs.push(text("}"));
    } else {
        docs.push(indent(lines(body, true)));
        docs.push(Doc::HardLine);
        docs.push(text("}"));
    }
    let mut units = comment_units(&header.leading);
    units.push(Unit {
        blank: header.blank_before_anchor,
        doc: with_trailing(concat(docs), &closing),
    });
    units
}

fn item(cx: &Cx<'_>, item: &Item) -> (Kind, Vec<Unit>) {
    match item {
        Item::Import(i) => (Kind::Import, anchored(cx, i.span.start as usize, import(i))),
        Item::Const(c) => (
            Kind::Const,
            anchored(cx, c.span.start as usize, constant(cx, c)),
        ),
        Item::Fn(f) => (Kind::Other, function(cx, f)),
        Item::Rule(r) => (Kind::Other, rule(cx, r)),
        Item::Test(t) => (Kind::Other, test(cx, t)),
        Item::Error(span) => {
            let anchor = anchors::Anchor::of(cx.src, *span);
            let doc = text(cx.src.get(anchor.start, anchor.end));
            (Kind::Other, anchored(cx, anchor.start, doc))
        }
    }
}

fn import(i: &Import) -> Doc {
    let mut docs = vec![text(format!("import {}", i.path.text()))];
    if !i.names.is_empty() {
        let names = i.names.iter().map(|n| text(&*n.name)).collect();
        docs.push(text("."));
        docs.push(delimited("{", names, "}"));
    }
    if let Some(alias) = &i.alias {
        docs.push(text(format!(" as {}", alias.name)));
    }
    concat(docs)
}

fn constant(cx: &Cx<'_>, c: &Const) -> Doc {
    concat(vec![
        text(format!("const {} = ", c.name.name)),
        expr(cx.src, &c.value),
    ])
}

fn function(cx: &Cx<'_>, f: &FnDecl) -> Vec<Unit> {
    let params = f.params.iter().map(|p| text(&*p.name)).collect();
    let head = concat(vec![
        text(format!("fn {}", f.name.name)),
        delimited("(", params, ")"),
    ]);
    let start = f.span.start as usize;
    if !f.block {
        let doc = concat(vec![head, text(" = "), expr(cx.src, &f.body)]);
        return anchored(cx, start, doc);
    }
    let mut stmts: Vec<(usize, Doc)> = f
        .lets
        .iter()
        .map(|l| (l.span.start as usize, binding(cx, &l.name.name, &l.value)))
        .collect();
    stmts.push((f.body.span.start as usize, expr(cx.src, &f.body)));
    let close = anchors::close(cx.src, f.span).start;
    braced(cx, start, head, stmts, close)
}

/// `let name = value`
fn binding(cx: &Cx<'_>, name: &str, value: &crate::syntax::ast::Expr) -> Doc {
    concat(vec![text(format!("let {name} = ")), expr(cx.src, value)])
}

fn rule(cx: &Cx<'_>, r: &RuleDecl) -> Vec<Unit> {
    let mut stmts: Vec<(usize, Doc)> = r
        .meta
        .iter()
        .map(|m| (m.span.start as usize, meta(cx, m)))
        .collect();
    for c in &r.clauses {
        let start = anchors::clause(cx.src, c).start;
        let doc = match c {
            Clause::For { var, iter, .. } => concat(vec![
                text(format!("for {} in ", var.name)),
                expr(cx.src, iter),
            ]),
            Clause::Let(l) => binding(cx, &l.name.name, &l.value),
            Clause::Where(cond) => concat(vec![text("where "), expr(cx.src, cond)]),
        };
        stmts.push((start, doc));
    }
    stmts.push((r.deny.span.start as usize, deny(cx, &r.deny)));
    let head = text(format!("rule {}", r.name.name));
    let close = anchors::close(cx.src, r.span).start;
    braced(cx, r.span.start as usize, head, stmts, close)
}

/// `key value, value`, each value as written.
fn meta(cx: &Cx<'_>, m: &Meta) -> Doc {
    let values: Vec<&str> = m.values.iter().map(|v| cx.src.slice(v.span())).collect();
    text(format!("{} {}", m.key.name, values.join(", ")))
}

/// `deny [at EXPR]: MESSAGE`, the message on the next line when the whole is too long.
fn deny(cx: &Cx<'_>, d: &Deny) -> Doc {
    let mut docs = vec![text("deny")];
    if let Some(at) = &d.at {
        docs.push(text(" at "));
        docs.push(expr(cx.src, at));
    }
    docs.push(text(":"));
    docs.push(indent(concat(vec![Doc::Line, expr(cx.src, &d.message)])));
    group(concat(docs))
}

fn test(cx: &Cx<'_>, t: &TestDecl) -> Vec<Unit> {
    let stmts = anchors::test_stmts(t)
        .into_iter()
        .map(|s| (s.span().start as usize, text(test_stmt(cx.src, s))))
        .collect();
    let head = text(format!("test {}", t.name.name));
    let close = anchors::close(cx.src, t.span).start;
    braced(cx, t.span.start as usize, head, stmts, close)
}

fn test_stmt(src: &Src<'_>, stmt: TestStmt<'_>) -> String {
    match stmt {
        TestStmt::Input(TestInput::Inline {
            name_span,
            text_span,
            ..
        }) => format!("input {} {}", src.slice(*name_span), src.slice(*text_span)),
        TestStmt::Input(TestInput::File { span, .. }) => {
            format!("input file {}", src.string_in(*span))
        }
        TestStmt::Expect(Expect::Clean(_)) => "expect clean".to_string(),
        TestStmt::Expect(Expect::None { rule, .. }) => format!("expect no {}", rule.text()),
        TestStmt::Expect(Expect::Fires {
            rule, count, at, ..
        }) => {
            let mut out = format!("expect {}", rule.text());
            if let Some(n) = count {
                out.push_str(&format!(" count {n}"));
            }
            for place in at {
                out.push_str(" at ");
                if place.file.is_some() {
                    out.push_str(src.string_in(place.span));
                    out.push(':');
                }
                out.push_str(&place.line.to_string());
                if let Some(col) = place.column {
                    out.push_str(&format!(":{col}"));
                }
            }
            out
        }
    }
}
