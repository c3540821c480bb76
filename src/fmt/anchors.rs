//! Anchors: the constructs that comments attach to, each printed on lines of its own.
//!
//! They are the package line, imports, consts, `fn`s in `= expr` form, and for the constructs
//! with a body (rules, tests, block `fn`s) the header line up to `{`, each statement of the
//! body (metadata entry, clause, `deny`, `let`, result expression, `input`, `expect`) and the
//! closing `}`. Anchors do not overlap and, sorted by start, follow the source order, which
//! is also the order the printer emits them in. Every token of the file lies in an anchor.

use crate::source::Span;
use crate::syntax::ast::{Clause, Expect, FnDecl, Item, Module, Path, TestDecl, TestInput};

use super::source::Src;

/// A byte range from a construct's first token to the end of its last one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Anchor {
    pub(super) start: usize,
    pub(super) end: usize,
}

impl Anchor {
    /// The anchor of a span whose end may include trailing whitespace and comments.
    pub(super) fn of(src: &Src<'_>, span: Span) -> Anchor {
        let start = span.start as usize;
        Anchor {
            start,
            end: src.trim_back(span.end as usize, start),
        }
    }
}

/// Every anchor of the module, sorted by start.
pub(super) fn collect(src: &Src<'_>, module: &Module) -> Vec<Anchor> {
    let mut out = Vec::new();
    if let Some(path) = &module.package {
        out.push(package(src, path));
    }
    for item in &module.items {
        match item {
            Item::Import(i) => out.push(Anchor::of(src, i.span)),
            Item::Const(c) => out.push(Anchor::of(src, c.span)),
            Item::Fn(f) if !f.block => out.push(Anchor::of(src, f.span)),
            Item::Fn(f) => {
                out.push(fn_header(src, f));
                out.extend(f.lets.iter().map(|l| Anchor::of(src, l.span)));
                out.push(Anchor::of(src, f.body.span));
                out.push(close(src, f.span));
            }
            Item::Rule(r) => {
                out.push(header(src, r.span, r.name.span));
                out.extend(r.meta.iter().map(|m| Anchor::of(src, m.span)));
                out.extend(r.clauses.iter().map(|c| clause(src, c)));
                out.push(Anchor::of(src, r.deny.span));
                out.push(close(src, r.span));
            }
            Item::Test(t) => {
                out.push(header(src, t.span, t.name.span));
                out.extend(test_stmts(t).iter().map(|s| Anchor::of(src, s.span())));
                out.push(close(src, t.span));
            }
            Item::Error(span) => out.push(Anchor::of(src, *span)),
        }
    }
    out.sort_by_key(|a| a.start);
    out
}

/// The `package` line: the AST records only the path.
pub(super) fn package(src: &Src<'_>, path: &Path) -> Anchor {
    let end = path.span.end as usize;
    Anchor {
        start: src.keyword_before(path.span.start as usize, "package"),
        end,
    }
}

/// A header from the item's keyword to just after the `{` that follows its name.
pub(super) fn header(src: &Src<'_>, item: Span, name: Span) -> Anchor {
    let brace = src.find_char(name.end as usize, b'{');
    Anchor {
        start: item.start as usize,
        end: brace.map_or(name.end as usize, |b| b + 1),
    }
}

/// The header of a block `fn`: its `{` comes after the parameter list.
pub(super) fn fn_header(src: &Src<'_>, f: &FnDecl) -> Anchor {
    let after_params = src
        .find_char(f.name.span.end as usize, b')')
        .map_or(f.name.span, |p| Span::new(f.span.file, p, p + 1));
    header(src, f.span, after_params)
}

/// The closing `}` of a body spanning `item`.
pub(super) fn close(src: &Src<'_>, item: Span) -> Anchor {
    let end = src.trim_back(item.end as usize, item.start as usize);
    Anchor {
        start: end.saturating_sub(1),
        end,
    }
}

/// A rule clause; `where` is not in the AST, so its start is found in the text.
pub(super) fn clause(src: &Src<'_>, clause: &Clause) -> Anchor {
    match clause {
        Clause::For { span, .. } => Anchor::of(src, *span),
        Clause::Let(l) => Anchor::of(src, l.span),
        Clause::Where(e) => {
            let start = src.keyword_before(e.span.start as usize, "where");
            Anchor {
                start,
                end: src.trim_back(e.span.end as usize, start),
            }
        }
    }
}

/// A statement of a test body.
#[derive(Clone, Copy)]
pub(super) enum TestStmt<'a> {
    Input(&'a TestInput),
    Expect(&'a Expect),
}

impl TestStmt<'_> {
    pub(super) fn span(&self) -> Span {
        match self {
            TestStmt::Input(TestInput::Inline { span, .. } | TestInput::File { span, .. }) => *span,
            TestStmt::Expect(Expect::Fires { span, .. } | Expect::None { span, .. }) => *span,
            TestStmt::Expect(Expect::Clean(span)) => *span,
        }
    }
}

/// The inputs and expectations of a test in source order (the AST keeps them apart).
pub(super) fn test_stmts(test: &TestDecl) -> Vec<TestStmt<'_>> {
    let mut stmts: Vec<TestStmt<'_>> = test.inputs.iter().map(TestStmt::Input).collect();
    stmts.extend(test.expects.iter().map(TestStmt::Expect));
    stmts.sort_by_key(|s| s.span().start);
    stmts
}
