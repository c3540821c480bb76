//! Lowering pest pairs to the AST. The only module that touches `Pairs`.

use std::sync::Arc;

use pest::iterators::{Pair, Pairs};

use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};

use super::ast::*;
use super::parser::Rule;

/// Deepest operator nesting the lowering follows before giving up on an expression.
const MAX_DEPTH: usize = 256;

struct Lower<'a> {
    file: FileId,
    text: &'a str,
    diags: &'a mut Vec<Diagnostic>,
    /// Expressions already reported too deep: one report per expression, not one per level.
    too_deep: Vec<Span>,
    /// An operand of the expression being lowered was past [`MAX_DEPTH`].
    deeper: bool,
}

pub(super) fn lower_file(
    file: FileId,
    text: &str,
    mut pairs: Pairs<'_, Rule>,
    diags: &mut Vec<Diagnostic>,
) -> Module {
    let mut lw = Lower {
        file,
        text,
        diags,
        too_deep: Vec::new(),
        deeper: false,
    };
    let mut module = Module {
        file,
        package: None,
        items: Vec::new(),
    };
    let Some(root) = pairs.next() else {
        return module;
    };
    for pair in root.into_inner() {
        match pair.as_rule() {
            Rule::package_decl => {
                module.package = pair
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::module_path)
                    .map(|p| lw.path(p));
            }
            Rule::import_decl => module.items.push(Item::Import(lw.import(pair))),
            Rule::const_decl => module.items.push(lw.const_decl(pair)),
            Rule::fn_decl => module.items.push(lw.fn_decl(pair)),
            Rule::rule_decl => module.items.push(lw.rule_decl(pair)),
            Rule::test_decl => module.items.push(lw.test_decl(pair)),
            Rule::error_item => module.items.push(Item::Error(lw.span(&pair))),
            _ => {}
        }
    }
    module
}

/// Children of a pair without the keyword tokens.
fn children(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
    pair.into_inner().filter(|p| !is_keyword(p.as_rule()))
}

fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_package
            | Rule::kw_import
            | Rule::kw_as
            | Rule::kw_const
            | Rule::kw_fn
            | Rule::kw_rule
            | Rule::kw_test
            | Rule::kw_for
            | Rule::kw_in
            | Rule::kw_where
            | Rule::kw_let
            | Rule::kw_deny
            | Rule::kw_at
            | Rule::kw_if
            | Rule::kw_then
            | Rule::kw_else
            | Rule::kw_input
            | Rule::kw_file
            | Rule::kw_expect
            | Rule::kw_clean
            | Rule::kw_no
            | Rule::kw_count
    )
}

enum Tok {
    Not(Span),
    Neg(Span),
    Operand(Expr),
    Infix(BinOp),
}

impl<'a> Lower<'a> {
    /// The pair's span without the whitespace pest leaves at the end of rules that finish
    /// with an optional or repeated part.
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        let end = s.start() + pair.as_str().trim_end().len();
        Span::new(self.file, s.start(), end.max(s.start()))
    }

    fn error(&mut self, span: Span, message: impl Into<String>, label: &str, help: &str) {
        self.diags.push(
            Diagnostic::new(Code::SyntaxError, message)
                .at(span, label)
                .help(help),
        );
    }

    /// The `///` lines right above byte `start`.
    fn doc_before(&self, start: usize) -> Option<String> {
        let before = self.text.get(..start)?;
        let mut lines: Vec<&str> = Vec::new();
        let mut iter = before.lines().rev();
        // The text before `start` ends with the indentation of the item's own line.
        if !before.ends_with('\n') {
            let last = iter.next().unwrap_or("");
            if !last.trim().is_empty() {
                return None;
            }
        }
        for line in iter {
            let t = line.trim_start();
            if let Some(rest) = t.strip_prefix("///") {
                lines.push(rest.strip_prefix(' ').unwrap_or(rest));
            } else {
                break;
            }
        }
        if lines.is_empty() {
            return None;
        }
        lines.reverse();
        Some(lines.join("\n"))
    }

    fn ident(&self, pair: Pair<'_, Rule>) -> Ident {
        Ident {
            name: Arc::from(pair.as_str()),
            span: self.span(&pair),
        }
    }

    fn path(&self, pair: Pair<'_, Rule>) -> Path {
        let span = self.span(&pair);
        Path {
            segments: pair.into_inner().map(|p| self.ident(p)).collect(),
            span,
        }
    }

    fn placeholder(&self, span: Span) -> Expr {
        Expr {
            kind: ExprKind::Null,
            span,
        }
    }

    fn import(&mut self, pair: Pair<'_, Rule>) -> Import {
        let span = self.span(&pair);
        let mut import = Import {
            path: Path {
                segments: Vec::new(),
                span,
            },
            names: Vec::new(),
            alias: None,
            span,
        };
        for p in children(pair) {
            match p.as_rule() {
                Rule::module_path => import.path = self.path(p),
                Rule::import_names => import.names = children(p).map(|i| self.ident(i)).collect(),
                Rule::import_alias => import.alias = children(p).next().map(|i| self.ident(i)),
                _ => {}
            }
        }
        import
    }

    fn const_decl(&mut self, pair: Pair<'_, Rule>) -> Item {
        let span = self.span(&pair);
        let doc = self.doc_before(span.start as usize);
        let mut it = children(pair);
        let (Some(name), Some(value)) = (it.next(), it.next()) else {
            return Item::Error(span);
        };
        Item::Const(Const {
            doc,
            name: self.ident(name),
            value: self.expr(value, 0),
            span,
        })
    }

    fn let_clause(&mut self, pair: Pair<'_, Rule>) -> Option<Let> {
        let span = self.span(&pair);
        let mut it = children(pair);
        let (name, value) = (it.next()?, it.next()?);
        Some(Let {
            name: self.ident(name),
            value: self.expr(value, 0),
            span,
        })
    }

    fn fn_decl(&mut self, pair: Pair<'_, Rule>) -> Item {
        let span = self.span(&pair);
        let doc = self.doc_before(span.start as usize);
        let mut name = None;
        let mut params = Vec::new();
        let mut lets = Vec::new();
        let mut body = None;
        let mut block = false;
        for p in children(pair) {
            match p.as_rule() {
                Rule::ident => name = Some(self.ident(p)),
                Rule::params => params = p.into_inner().map(|i| self.ident(i)).collect(),
                Rule::fn_expr_body => body = p.into_inner().next().map(|e| self.expr(e, 0)),
                Rule::block => {
                    block = true;
                    for q in p.into_inner() {
                        match q.as_rule() {
                            Rule::let_clause => lets.extend(self.let_clause(q)),
                            Rule::expr => body = Some(self.expr(q, 0)),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        let (Some(name), Some(body)) = (name, body) else {
            return Item::Error(span);
        };
        Item::Fn(FnDecl {
            doc,
            name,
            params,
            lets,
            body,
            block,
            span,
        })
    }

    fn rule_decl(&mut self, pair: Pair<'_, Rule>) -> Item {
        let span = self.span(&pair);
        let doc = self.doc_before(span.start as usize);
        let mut name = None;
        let mut meta = Vec::new();
        let mut clauses = Vec::new();
        let mut deny = None;
        for p in children(pair) {
            match p.as_rule() {
                Rule::ident => name = Some(self.ident(p)),
                Rule::meta => meta.push(self.meta(p)),
                Rule::for_clause => {
                    let cspan = self.span(&p);
                    let mut it = children(p);
                    if let (Some(var), Some(iter)) = (it.next(), it.next()) {
                        clauses.push(Clause::For {
                            var: self.ident(var),
                            iter: self.expr(iter, 0),
                            span: cspan,
                        });
                    }
                }
                Rule::let_clause => {
                    if let Some(l) = self.let_clause(p) {
                        clauses.push(Clause::Let(l));
                    }
                }
                Rule::where_clause => {
                    if let Some(e) = children(p).next() {
                        clauses.push(Clause::Where(self.expr(e, 0)));
                    }
                }
                Rule::deny_clause => {
                    let dspan = self.span(&p);
                    let mut at = None;
                    let mut message = None;
                    for q in children(p) {
                        match q.as_rule() {
                            Rule::deny_at => {
                                at = children(q).next().map(|e| self.expr(e, 0));
                            }
                            Rule::expr => message = Some(self.expr(q, 0)),
                            _ => {}
                        }
                    }
                    let message = message.unwrap_or_else(|| self.placeholder(dspan));
                    deny = Some(Deny {
                        at,
                        message,
                        span: dspan,
                    });
                }
                _ => {}
            }
        }
        let (Some(name), Some(deny)) = (name, deny) else {
            return Item::Error(span);
        };
        Item::Rule(RuleDecl {
            doc,
            name,
            meta,
            clauses,
            deny,
            span,
        })
    }

    fn meta(&mut self, pair: Pair<'_, Rule>) -> Meta {
        let span = self.span(&pair);
        let mut it = pair.into_inner();
        let key = it.next().map(|k| self.ident(k)).unwrap_or(Ident {
            name: Arc::from(""),
            span,
        });
        let mut values = Vec::new();
        for v in it {
            let vspan = self.span(&v);
            values.push(match v.as_rule() {
                Rule::string | Rule::tstring => MetaValue::Str(self.plain_string(v), vspan),
                Rule::int => MetaValue::Int(self.int(&v), vspan),
                Rule::float => MetaValue::Float(v.as_str().parse().unwrap_or(0.0), vspan),
                _ => MetaValue::Word(self.ident(v)),
            });
        }
        Meta { key, values, span }
    }

    fn test_decl(&mut self, pair: Pair<'_, Rule>) -> Item {
        let span = self.span(&pair);
        let doc = self.doc_before(span.start as usize);
        let mut name = None;
        let mut inputs = Vec::new();
        let mut expects = Vec::new();
        for p in children(pair) {
            match p.as_rule() {
                Rule::ident => name = Some(self.ident(p)),
                Rule::test_input => {
                    if let Some(i) = self.test_input(p) {
                        inputs.push(i);
                    }
                }
                Rule::test_expect => {
                    if let Some(e) = self.test_expect(p) {
                        expects.push(e);
                    }
                }
                _ => {}
            }
        }
        let Some(name) = name else {
            return Item::Error(span);
        };
        Item::Test(TestDecl {
            doc,
            name,
            inputs,
            expects,
            span,
        })
    }

    fn test_input(&mut self, pair: Pair<'_, Rule>) -> Option<TestInput> {
        let span = self.span(&pair);
        let mut it = children(pair);
        let first = it.next()?;
        if first.as_rule() == Rule::input_file {
            let path = children(first).next()?;
            return Some(TestInput::File {
                path: self.plain_string(path),
                span,
            });
        }
        let name_span = self.span(&first);
        let name = self.plain_string(first);
        let body = it.next()?;
        let text_span = self.span(&body);
        let text = self.plain_string(body);
        Some(TestInput::Inline {
            name,
            name_span,
            text,
            text_span,
            span,
        })
    }

    fn test_expect(&mut self, pair: Pair<'_, Rule>) -> Option<Expect> {
        let span = self.span(&pair);
        let body = children(pair).next()?;
        match body.as_rule() {
            Rule::expect_clean => Some(Expect::Clean(span)),
            Rule::expect_none => {
                let rule = children(body).next()?;
                Some(Expect::None {
                    rule: self.path(rule),
                    span,
                })
            }
            _ => {
                let mut rule = None;
                let mut count = None;
                let mut at = Vec::new();
                for p in children(body) {
                    match p.as_rule() {
                        Rule::rule_ref => rule = Some(self.path(p)),
                        Rule::expect_count => {
                            count = children(p)
                                .next()
                                .map(|n| u32::try_from(self.int(&n)).unwrap_or(u32::MAX));
                        }
                        Rule::expect_at => {
                            let aspan = self.span(&p);
                            let mut file = None;
                            let mut nums = Vec::new();
                            for q in children(p) {
                                match q.as_rule() {
                                    Rule::string => file = Some(self.plain_string(q)),
                                    _ => nums.push(u32::try_from(self.int(&q)).unwrap_or(0)),
                                }
                            }
                            at.push(ExpectAt {
                                file,
                                line: nums.first().copied().unwrap_or(0),
                                column: nums.get(1).copied(),
                                span: aspan,
                            });
                        }
                        _ => {}
                    }
                }
                Some(Expect::Fires {
                    rule: rule?,
                    count,
                    at,
                    span,
                })
            }
        }
    }

    fn int(&mut self, pair: &Pair<'_, Rule>) -> i64 {
        let digits: String = pair.as_str().chars().filter(|c| *c != '_').collect();
        match digits.parse::<i64>() {
            Ok(n) => n,
            Err(_) => {
                let span = self.span(pair);
                self.error(
                    span,
                    format!("integer `{}` is too large", pair.as_str()),
                    "does not fit in 64 bits",
                    "integers range from -9223372036854775808 to 9223372036854775807",
                );
                0
            }
        }
    }

    /// A string literal whose text must be constant (metadata, test inputs).
    fn plain_string(&mut self, pair: Pair<'_, Rule>) -> String {
        let span = self.span(&pair);
        match self.string(pair, 0) {
            ExprKind::Str(parts) => {
                let mut out = String::new();
                for part in parts {
                    match part {
                        StrPart::Text(t) => out.push_str(&t),
                        StrPart::Interp(e) => {
                            self.error(
                                e.span,
                                "interpolation is not allowed here",
                                "not a constant",
                                "write `\\{` for a literal brace",
                            );
                        }
                    }
                }
                out
            }
            _ => {
                self.error(
                    span,
                    "expected a string",
                    "here",
                    "write a string in quotes",
                );
                String::new()
            }
        }
    }

    fn string(&mut self, pair: Pair<'_, Rule>, depth: usize) -> ExprKind {
        let mut parts: Vec<StrPart> = Vec::new();
        let mut text = String::new();
        match pair.as_rule() {
            Rule::rstring => {
                text.push_str(pair.into_inner().next().map_or("", |p| p.as_str()));
            }
            Rule::tstring => {
                text = dedent(pair.into_inner().next().map_or("", |p| p.as_str()));
            }
            _ => {
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::str_text => text.push_str(p.as_str()),
                        Rule::str_escape => {
                            if let Some(c) = self.escape(&p) {
                                text.push(c);
                            }
                        }
                        Rule::str_interp => {
                            if let Some(e) = p.into_inner().next() {
                                if !text.is_empty() {
                                    parts.push(StrPart::Text(std::mem::take(&mut text)));
                                }
                                parts.push(StrPart::Interp(self.expr(e, depth + 1)));
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        if !text.is_empty() || parts.is_empty() {
            parts.push(StrPart::Text(text));
        }
        ExprKind::Str(parts)
    }

    fn escape(&mut self, pair: &Pair<'_, Rule>) -> Option<char> {
        let s = pair.as_str();
        let c = match s {
            "\\n" => '\n',
            "\\t" => '\t',
            "\\r" => '\r',
            "\\0" => '\0',
            "\\\\" => '\\',
            "\\\"" => '"',
            "\\{" => '{',
            "\\}" => '}',
            _ => {
                if let Some(hex) = s.strip_prefix("\\u{").and_then(|h| h.strip_suffix('}')) {
                    if let Some(c) = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                        return Some(c);
                    }
                }
                let span = self.span(pair);
                self.error(
                    span,
                    format!("unknown escape `{s}`"),
                    "not an escape",
                    "escapes are \\n \\t \\r \\0 \\\\ \\\" \\{ \\} and \\u{HEX}; use r\"…\" for regular expressions",
                );
                return None;
            }
        };
        Some(c)
    }

    /// Reports an expression deeper than [`MAX_DEPTH`] (once, however many of its levels
    /// notice) and stands a placeholder in for it.
    fn too_deep(&mut self, span: Span) -> Expr {
        let overlaps = |s: &Span| s.start < span.end && span.start < s.end;
        if !self.too_deep.iter().any(overlaps) {
            self.too_deep.push(span);
            self.error(
                span,
                format!("expression has more than {MAX_DEPTH} levels of operators and nesting"),
                "too deep",
                "split the expression with `let` bindings or functions",
            );
        }
        self.placeholder(span)
    }

    fn expr(&mut self, pair: Pair<'_, Rule>, depth: usize) -> Expr {
        let span = self.span(&pair);
        if depth > MAX_DEPTH {
            // Reported once by the outermost expression, not by each of its operands.
            self.deeper = true;
            return self.placeholder(span);
        }
        let mut toks: Vec<Tok> = Vec::new();
        let flat: Vec<Pair<'_, Rule>> = pair
            .into_inner()
            .flat_map(|p| {
                if p.as_rule() == Rule::operand {
                    p.into_inner().collect::<Vec<_>>()
                } else {
                    vec![p]
                }
            })
            .collect();
        // Every operator and postfix (field, index, call) of the flat list may add a level to
        // the tree: `a and b and c` is as deep as three nested parentheses. Counting them
        // keeps long chains, which later passes walk recursively, inside the same bound.
        let ops = flat
            .iter()
            .filter(|p| {
                let r = p.as_rule();
                binop(r).is_some()
                    || matches!(
                        r,
                        Rule::op_not | Rule::op_neg | Rule::field | Rule::index | Rule::call
                    )
            })
            .count();
        if depth + ops > 4 * MAX_DEPTH {
            return self.too_deep(span);
        }
        for p in flat {
            let pspan = self.span(&p);
            match p.as_rule() {
                Rule::op_not => toks.push(Tok::Not(pspan)),
                Rule::op_neg => toks.push(Tok::Neg(pspan)),
                Rule::field | Rule::index | Rule::call => {
                    if let Some(Tok::Operand(base)) = toks.pop() {
                        let e = self.postfix(base, p, depth);
                        toks.push(Tok::Operand(e));
                    }
                }
                r => {
                    if let Some(op) = binop(r) {
                        toks.push(Tok::Infix(op));
                    } else {
                        let e = self.primary(p, depth);
                        toks.push(Tok::Operand(e));
                    }
                }
            }
        }
        let mut pos = 0;
        let e = climb(&toks, &mut pos, 0, 0);
        let operand_too_deep = std::mem::take(&mut self.deeper);
        match e {
            // `climb` gives up (None) only past its own depth bound.
            Some(e) if !operand_too_deep && depth + tree_depth(&e) <= MAX_DEPTH => e,
            // The outermost expression reports, so one deep expression is one diagnostic.
            _ if depth == 0 => self.too_deep(span),
            _ => {
                self.deeper = true;
                self.placeholder(span)
            }
        }
    }

    fn postfix(&mut self, base: Expr, p: Pair<'_, Rule>, depth: usize) -> Expr {
        let pspan = self.span(&p);
        let span = base.span.to(pspan);
        let kind = match p.as_rule() {
            Rule::field => match p.into_inner().next() {
                Some(i) => ExprKind::Field(Box::new(base), self.ident(i)),
                None => return base,
            },
            Rule::index => match p.into_inner().next() {
                Some(i) => ExprKind::Index(Box::new(base), Box::new(self.expr(i, depth + 1))),
                None => return base,
            },
            _ => {
                let args = p.into_inner().map(|a| self.expr(a, depth + 1)).collect();
                ExprKind::Call(Box::new(base), args)
            }
        };
        Expr { kind, span }
    }

    fn primary(&mut self, p: Pair<'_, Rule>, depth: usize) -> Expr {
        let span = self.span(&p);
        let d = depth + 1;
        let kind = match p.as_rule() {
            Rule::kw_null => ExprKind::Null,
            Rule::kw_true => ExprKind::Bool(true),
            Rule::kw_false => ExprKind::Bool(false),
            Rule::int => ExprKind::Int(self.int(&p)),
            Rule::float => ExprKind::Float(p.as_str().parse().unwrap_or(0.0)),
            Rule::string | Rule::rstring | Rule::tstring => self.string(p, d),
            Rule::ident => ExprKind::Name(self.ident(p)),
            Rule::paren => match p.into_inner().next() {
                Some(e) => ExprKind::Paren(Box::new(self.expr(e, d))),
                None => ExprKind::Null,
            },
            Rule::if_expr => {
                let mut it = children(p).map(|e| self.expr(e, d));
                match (it.next(), it.next(), it.next()) {
                    (Some(c), Some(t), Some(e)) => {
                        ExprKind::If(Box::new(c), Box::new(t), Box::new(e))
                    }
                    _ => ExprKind::Null,
                }
            }
            Rule::quantifier => {
                let mut it = children(p);
                let q = match it.next().map(|k| k.as_str()) {
                    Some("any") => Quant::Any,
                    Some("all") => Quant::All,
                    Some("none") => Quant::None,
                    _ => Quant::Count,
                };
                match (it.next(), it.next(), it.next()) {
                    (Some(var), Some(iter), Some(body)) => ExprKind::Quant(
                        q,
                        self.ident(var),
                        Box::new(self.expr(iter, d)),
                        Box::new(self.expr(body, d)),
                    ),
                    _ => ExprKind::Null,
                }
            }
            Rule::list_lit => ExprKind::List(p.into_inner().map(|e| self.expr(e, d)).collect()),
            Rule::list_comp => {
                let mut it = p.into_inner();
                let elem = it.next().map(|e| self.expr(e, d));
                let clauses = it.map(|c| self.comp_clause(c, d)).collect();
                match elem {
                    Some(e) => ExprKind::ListComp(Box::new(e), clauses),
                    None => ExprKind::Null,
                }
            }
            Rule::map_lit => {
                let mut entries = Vec::new();
                for entry in p.into_inner() {
                    let mut it = entry.into_inner();
                    if let (Some(k), Some(v)) = (it.next(), it.next()) {
                        let kspan = self.span(&k);
                        let key = if k.as_rule() == Rule::field_name {
                            k.as_str().to_string()
                        } else {
                            self.plain_string(k)
                        };
                        entries.push((key, kspan, self.expr(v, d)));
                    }
                }
                ExprKind::Map(entries)
            }
            Rule::map_comp => {
                let mut it = p.into_inner();
                match (it.next(), it.next()) {
                    (Some(k), Some(v)) => {
                        let k = self.expr(k, d);
                        let v = self.expr(v, d);
                        let clauses = it.map(|c| self.comp_clause(c, d)).collect();
                        ExprKind::MapComp(Box::new(k), Box::new(v), clauses)
                    }
                    _ => ExprKind::Null,
                }
            }
            _ => ExprKind::Null,
        };
        Expr { kind, span }
    }

    fn comp_clause(&mut self, c: Pair<'_, Rule>, depth: usize) -> CompClause {
        let cspan = self.span(&c);
        if c.as_rule() == Rule::comp_for {
            let mut it = children(c);
            if let (Some(var), Some(iter)) = (it.next(), it.next()) {
                return CompClause::For(self.ident(var), self.expr(iter, depth));
            }
        } else if let Some(e) = children(c).next() {
            return CompClause::If(self.expr(e, depth));
        }
        CompClause::If(self.placeholder(cspan))
    }
}

fn binop(rule: Rule) -> Option<BinOp> {
    Some(match rule {
        Rule::op_or => BinOp::Or,
        Rule::op_and => BinOp::And,
        Rule::op_eq => BinOp::Eq,
        Rule::op_ne => BinOp::Ne,
        Rule::op_le => BinOp::Le,
        Rule::op_ge => BinOp::Ge,
        Rule::op_lt => BinOp::Lt,
        Rule::op_gt => BinOp::Gt,
        Rule::op_not_in => BinOp::NotIn,
        Rule::op_in => BinOp::In,
        Rule::op_matches => BinOp::Matches,
        Rule::op_like => BinOp::Like,
        Rule::op_coalesce => BinOp::Coalesce,
        Rule::op_add => BinOp::Add,
        Rule::op_sub => BinOp::Sub,
        Rule::op_mul => BinOp::Mul,
        Rule::op_div => BinOp::Div,
        Rule::op_rem => BinOp::Rem,
        _ => return None,
    })
}

/// The depth of an expression tree, counted without recursion (the tree may be deep).
fn tree_depth(e: &Expr) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(e, 1usize)];
    while let Some((e, d)) = stack.pop() {
        deepest = deepest.max(d);
        let d = d + 1;
        match &e.kind {
            ExprKind::Null
            | ExprKind::Bool(_)
            | ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Name(_) => {}
            ExprKind::Str(parts) => stack.extend(parts.iter().filter_map(|p| match p {
                StrPart::Interp(e) => Some((e, d)),
                StrPart::Text(_) => None,
            })),
            ExprKind::Field(a, _) | ExprKind::Unary(_, a) | ExprKind::Paren(a) => {
                stack.push((a, d));
            }
            ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) | ExprKind::Quant(_, _, a, b) => {
                stack.extend([(&**a, d), (&**b, d)]);
            }
            ExprKind::Call(f, args) => {
                stack.push((f, d));
                stack.extend(args.iter().map(|a| (a, d)));
            }
            ExprKind::List(items) => stack.extend(items.iter().map(|a| (a, d))),
            ExprKind::Map(entries) => stack.extend(entries.iter().map(|(_, _, a)| (a, d))),
            ExprKind::ListComp(a, clauses) => {
                stack.push((a, d));
                stack.extend(clauses.iter().map(|c| (clause_expr(c), d)));
            }
            ExprKind::MapComp(a, b, clauses) => {
                stack.extend([(&**a, d), (&**b, d)]);
                stack.extend(clauses.iter().map(|c| (clause_expr(c), d)));
            }
            ExprKind::If(a, b, c) => stack.extend([(&**a, d), (&**b, d), (&**c, d)]),
        }
    }
    deepest
}

fn clause_expr(c: &CompClause) -> &Expr {
    match c {
        CompClause::For(_, e) | CompClause::If(e) => e,
    }
}

/// Precedence of `not`: it applies to a whole comparison (`not a == b` is `not (a == b)`).
const NOT_OPERAND: u8 = 4;

/// Precedence climbing over the flat token list of one `expr`.
fn climb(toks: &[Tok], pos: &mut usize, min: u8, depth: usize) -> Option<Expr> {
    if depth > MAX_DEPTH {
        return None;
    }
    let mut lhs = unary(toks, pos, depth)?;
    while let Some(Tok::Infix(op)) = toks.get(*pos) {
        let prec = op.precedence();
        if prec < min {
            break;
        }
        *pos += 1;
        let rhs = climb(toks, pos, prec + 1, depth + 1)?;
        let span = lhs.span.to(rhs.span);
        lhs = Expr {
            kind: ExprKind::Binary(*op, Box::new(lhs), Box::new(rhs)),
            span,
        };
    }
    Some(lhs)
}

fn unary(toks: &[Tok], pos: &mut usize, depth: usize) -> Option<Expr> {
    let tok = toks.get(*pos)?;
    *pos += 1;
    match tok {
        Tok::Not(span) => {
            let inner = climb(toks, pos, NOT_OPERAND, depth + 1)?;
            let span = span.to(inner.span);
            Some(Expr {
                kind: ExprKind::Unary(UnOp::Not, Box::new(inner)),
                span,
            })
        }
        Tok::Neg(span) => {
            let inner = unary(toks, pos, depth + 1)?;
            let span = span.to(inner.span);
            Some(Expr {
                kind: ExprKind::Unary(UnOp::Neg, Box::new(inner)),
                span,
            })
        }
        Tok::Operand(e) => Some(e.clone()),
        Tok::Infix(_) => None,
    }
}

/// Removes the common indentation of a `"""` block, and its first and last line when blank.
pub(crate) fn dedent(body: &str) -> String {
    let mut lines: Vec<&str> = body.split('\n').collect();
    if lines.first().is_some_and(|l| l.trim().is_empty()) {
        lines.remove(0);
    }
    if lines.len() > 1 && lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out = String::new();
    for line in lines {
        out.push_str(line.get(indent..).unwrap_or(line.trim_start()));
        out.push('\n');
    }
    out
}
