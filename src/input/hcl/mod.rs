//! The HCL loader (Terraform `.tf` files), on `hcl-edit`'s parsed [`Body`] (which keeps spans).
//!
//! A file is one document whose root is a map. Top-level blocks are grouped the way Terraform
//! addresses them: a block with labels nests one map per label
//! (`resource "aws_s3_bucket" "logs" {…}` → `resource.aws_s3_bucket.logs`), `locals` and
//! `terraform` blocks merge into one map each, and other unlabelled blocks (`moved`, `import`…)
//! collect into a list under their name. A top-level attribute (a `.tfvars` file) is a root entry.
//!
//! `provider` blocks, which repeat once per `alias`, give a list per provider name
//! (`provider.aws: [{…}, {alias: "eu", …}]`).
//!
//! Inside a block, an attribute becomes its value and nested blocks become a list of maps under
//! the block name, in the order written (`ingress {…}` twice → `ingress: [{…}, {…}]`). A nested
//! block with labels nests one map per label before that list
//! (`dynamic "ingress" {…}` → `dynamic.ingress: [{…}]`).
//!
//! Values: `null`, booleans, numbers and strings are values (`-1` and `!true` too); lists and
//! objects are lists and maps. A string with interpolations or directives, or a heredoc, is its
//! text (escapes decoded, `<<-` indentation removed) with each `${…}`/`%{…}` kept as written.
//! Every other expression (a reference, a function call such as `jsonencode(…)`, a conditional,
//! an operation, a `for`) is the string of its source text, so rules can still read it.
//!
//! Spans: an attribute's value spans its expression; its key the attribute name. A block's map
//! spans the whole block (from its name to its closing brace); the key of a label level spans the
//! label. A map or list that groups several blocks spans them from the first to the last; its key
//! is the first block's name (or label).
//!
//! A syntax error gives an `input-syntax` diagnostic at the position the parser reports, and no
//! document. Text that Terraform accepts but the parser rejects (line breaks inside an object
//! `for` expression) is repaired first, without moving a byte (see `scan.rs`). Nesting of
//! brackets and blocks is bounded by `Limits::max_depth` (at most 64) and checked before
//! parsing, as the parser recurses.

use std::sync::Arc;

use hcl_edit::expr::{Expression, ObjectKey, UnaryOperator};
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::template::{Element, Template};
use hcl_edit::Span as _;

use super::report;
use super::{Document, Limits, Loaded};
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};
use crate::value::ArcStr;
use crate::value::{Kind, Map, Value};

mod scan;

/// The deepest bracket and block nesting read, whatever `Limits::max_depth` says: the parser
/// stops at 64 levels on its own (it recurses).
const PARSER_DEPTH: usize = 64;

/// How many object `for` expressions one file may need repaired before its error stands.
const REPAIRS: usize = 32;

/// Top-level blocks without labels whose bodies merge into one map.
const MERGED: &[&str] = &["locals", "terraform"];

/// Top-level blocks that may repeat with the same labels, so their innermost level is a list
/// (as in Terraform's JSON syntax): `provider "aws"` once per `alias`.
const LISTED: &[&str] = &["provider"];

/// Loads one HCL file.
pub(super) fn load(file: FileId, text: &str, limits: &Limits) -> Loaded {
    let mut loaded = Loaded::default();
    let bound = limits.max_depth.min(PARSER_DEPTH);
    let scanned = scan::scan(text, bound);
    if let Some(offset) = scanned.too_deep {
        loaded.diagnostics.push(
            Diagnostic::new(
                Code::InputLimit,
                format!("hcl nesting is deeper than the limit of {bound} levels"),
            )
            .at(
                report::point(file, text, offset),
                "this bracket goes past the limit",
            )
            .help("flatten the structure, or raise the depth limit if the file is trusted"),
        );
        return loaded;
    }
    let body = match parse(text, &scanned) {
        Ok(body) => body,
        Err(error) => {
            let unterminated = scanned
                .unterminated
                .filter(|&at| at >= error.location().offset());
            let diagnostic = match unterminated {
                Some(at) => unterminated_string(file, text, at),
                None => syntax_error(file, text, &error),
            };
            loaded.diagnostics.push(diagnostic);
            return loaded;
        }
    };
    let mut builder = Builder {
        file,
        text,
        diagnostics: Vec::new(),
    };
    let root = builder.root(&body);
    loaded.diagnostics = builder.diagnostics;
    let whole = Span::new(file, 0, text.len());
    loaded.documents.push(Document {
        index: 0,
        value: Value::with_span(Kind::Map(Arc::new(root)), whole),
        span: whole,
    });
    loaded
}

/// Parses `text`. Where the parser stops inside an object `for` expression, the line breaks
/// Terraform ignores there are blanked out (see [`scan::repair`]) and the text parsed again,
/// up to [`REPAIRS`] times; the first error is the one reported when that does not help.
fn parse(text: &str, scanned: &scan::Scan) -> Result<Body, hcl_edit::parser::Error> {
    let first = match hcl_edit::parser::parse_body(text) {
        Ok(body) => return Ok(body),
        Err(error) => error,
    };
    let mut bytes = text.as_bytes().to_vec();
    let mut repaired: Vec<std::ops::Range<usize>> = Vec::new();
    let mut offset = first.location().offset();
    for _ in 0..REPAIRS {
        if repaired.iter().any(|r| r.contains(&offset)) {
            break;
        }
        let Some(region) = scan::repair(&mut bytes, scanned, offset) else {
            break;
        };
        repaired.push(region);
        let Ok(fixed) = std::str::from_utf8(&bytes) else {
            break;
        };
        match hcl_edit::parser::parse_body(fixed) {
            Ok(body) => return Ok(body),
            Err(error) => offset = error.location().offset(),
        }
    }
    Err(first)
}

/// A map under construction whose entries may still grow (a group of blocks).
struct Group {
    key_span: Option<Span>,
    span: Option<Span>,
    node: Node,
}

enum Node {
    Map(Vec<(ArcStr, Group)>),
    List(Vec<Value>),
    Leaf(Value),
}

impl Group {
    fn new(key_span: Option<Span>, node: Node) -> Group {
        Group {
            key_span,
            span: None,
            node,
        }
    }

    fn into_value(self) -> Value {
        let kind = match self.node {
            Node::Map(entries) => {
                let mut map = Map::with_capacity(entries.len());
                for (key, group) in entries {
                    let key_span = group.key_span;
                    map.insert(key, key_span, group.into_value());
                }
                Kind::Map(Arc::new(map))
            }
            Node::List(items) => Kind::List(Arc::new(items)),
            Node::Leaf(value) => return value,
        };
        Value {
            kind,
            span: self.span,
        }
    }
}

struct Builder<'a> {
    file: FileId,
    text: &'a str,
    diagnostics: Vec<Diagnostic>,
}

impl Builder<'_> {
    fn span(&self, range: Option<std::ops::Range<usize>>) -> Option<Span> {
        range.map(|r| Span::new(self.file, r.start, r.end))
    }

    /// The text a span covers.
    fn source(&self, range: Option<std::ops::Range<usize>>) -> &str {
        range.and_then(|r| self.text.get(r)).unwrap_or("")
    }

    /// The root map: top-level blocks grouped by name and labels, plus top-level attributes.
    fn root(&mut self, body: &Body) -> Map {
        let mut entries: Vec<(ArcStr, Group)> = Vec::new();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attribute) => {
                    let key_span = self.span(attribute.key.span());
                    let value = self.expression(&attribute.value);
                    self.put(&mut entries, attribute.key.as_str(), key_span, value);
                }
                Structure::Block(block) => {
                    let name = block.ident.as_str();
                    if block.labels.is_empty() && MERGED.contains(&name) {
                        self.merge(&mut entries, block);
                    } else {
                        let list = block.labels.is_empty() || LISTED.contains(&name);
                        self.add_block(&mut entries, block, list);
                    }
                }
            }
        }
        finish(entries)
    }

    /// A block's body: attributes as values, nested blocks grouped by name.
    fn body(&mut self, body: &Body) -> Vec<(ArcStr, Group)> {
        let mut entries: Vec<(ArcStr, Group)> = Vec::new();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attribute) => {
                    let key_span = self.span(attribute.key.span());
                    let value = self.expression(&attribute.value);
                    self.put(&mut entries, attribute.key.as_str(), key_span, value);
                }
                Structure::Block(block) => self.add_block(&mut entries, block, true),
            }
        }
        entries
    }

    /// A block's own map, spanning the block.
    fn block_value(&mut self, block: &Block) -> Value {
        let entries = self.body(&block.body);
        Value {
            kind: Kind::Map(Arc::new(finish(entries))),
            span: self.span(block.span()),
        }
    }

    /// Adds an attribute value; a second attribute of the same name replaces the first.
    fn put(
        &mut self,
        entries: &mut Vec<(ArcStr, Group)>,
        key: &str,
        key_span: Option<Span>,
        value: Value,
    ) {
        let span = value.span;
        let group = Group {
            key_span,
            span,
            node: Node::Leaf(value),
        };
        if let Some(slot) = entries.iter_mut().find(|(k, _)| &**k == key) {
            if let Some(at) = key_span {
                self.diagnostics
                    .push(report::duplicate_key(key, at, slot.1.key_span));
            }
            slot.1 = group;
        } else {
            entries.push((ArcStr::from(key), group));
        }
    }

    /// Adds a block: under its name, then one map level per label. The innermost level is a
    /// list of the blocks' maps when `list`, else the block's map itself (a later block with the
    /// same name and labels replaces it).
    fn add_block(&mut self, entries: &mut Vec<(ArcStr, Group)>, block: &Block, list: bool) {
        let span = self.span(block.span());
        let ident_span = self.span(block.ident.span());
        let mut path: Vec<(&str, Option<Span>)> = vec![(block.ident.as_str(), ident_span)];
        for label in &block.labels {
            path.push((label.as_str(), self.span(label.span())));
        }
        let value = self.block_value(block);
        let mut level = entries;
        let mut rest = path.as_slice();
        while let Some(((key, key_span), tail)) = rest.split_first() {
            let last = tail.is_empty();
            let position = level.iter().position(|(k, _)| &**k == *key);
            let index = match position {
                Some(index) => index,
                None => {
                    let node = if last && list {
                        Node::List(Vec::new())
                    } else if last {
                        Node::Leaf(Value::NULL)
                    } else {
                        Node::Map(Vec::new())
                    };
                    level.push((ArcStr::from(*key), Group::new(*key_span, node)));
                    level.len() - 1
                }
            };
            let Some((_, group)) = level.get_mut(index) else {
                return;
            };
            group.span = union(group.span, span);
            if last {
                match &mut group.node {
                    Node::List(items) if list => items.push(value),
                    node => {
                        if position.is_some() {
                            if let Some(at) = *key_span {
                                self.diagnostics
                                    .push(duplicate_block(&path, at, group.key_span));
                            }
                        }
                        group.key_span = *key_span;
                        group.span = span;
                        *node = Node::Leaf(value);
                    }
                }
                return;
            }
            if !matches!(group.node, Node::Map(_)) {
                // An attribute or a block without labels of the same name: the block wins.
                if let Some(at) = *key_span {
                    self.diagnostics
                        .push(report::duplicate_key(key, at, group.key_span));
                }
                group.node = Node::Map(Vec::new());
                group.span = span;
            }
            let Node::Map(children) = &mut group.node else {
                return;
            };
            level = children;
            rest = tail;
        }
    }

    /// Merges a `locals` or `terraform` block into the map of that name.
    fn merge(&mut self, entries: &mut Vec<(ArcStr, Group)>, block: &Block) {
        let name = block.ident.as_str();
        let span = self.span(block.span());
        let key_span = self.span(block.ident.span());
        let index = match entries.iter().position(|(k, _)| &**k == name) {
            Some(index) => index,
            None => {
                entries.push((
                    ArcStr::from(name),
                    Group::new(key_span, Node::Map(Vec::new())),
                ));
                entries.len() - 1
            }
        };
        let body = self.body(&block.body);
        let Some((_, group)) = entries.get_mut(index) else {
            return;
        };
        if !matches!(group.node, Node::Map(_)) {
            group.node = Node::Map(Vec::new());
        }
        group.span = union(group.span, span);
        let Node::Map(children) = &mut group.node else {
            return;
        };
        for (key, item) in body {
            if let Some(slot) = children.iter_mut().find(|(k, _)| *k == key) {
                if let Some(at) = item.key_span {
                    self.diagnostics
                        .push(report::duplicate_key(&key, at, slot.1.key_span));
                }
                slot.1 = item;
            } else {
                children.push((key, item));
            }
        }
    }

    /// The value of an expression.
    fn expression(&mut self, expr: &Expression) -> Value {
        let range = expr.span();
        let span = self.span(range.clone());
        let kind = match expr {
            Expression::Null(_) => Kind::Null,
            Expression::Bool(b) => Kind::Bool(*b.value()),
            Expression::Number(n) => number(n.value()),
            Expression::String(s) => Kind::Str(ArcStr::from(s.value().as_str())),
            Expression::Array(array) => {
                Kind::List(Arc::new(array.iter().map(|e| self.expression(e)).collect()))
            }
            Expression::Object(object) => {
                let mut map = Map::with_capacity(object.len());
                for (key, value) in object.iter() {
                    let key_span = self.span(key.span());
                    let key = self.object_key(key);
                    let value = self.expression(value.expr());
                    if let Some(previous) = map.insert(key.clone(), key_span, value) {
                        if let Some(at) = key_span {
                            self.diagnostics.push(report::duplicate_key(
                                &key,
                                at,
                                previous.key_span(),
                            ));
                        }
                    }
                }
                Kind::Map(Arc::new(map))
            }
            Expression::StringTemplate(template) => Kind::Str(self.template(template)),
            Expression::HeredocTemplate(heredoc) => Kind::Str(self.template(&heredoc.template)),
            Expression::Parenthesis(inner) => {
                let value = self.expression(inner.inner());
                match value.kind {
                    Kind::Null | Kind::Bool(_) | Kind::Int(_) | Kind::Float(_) => value.kind,
                    _ => Kind::Str(ArcStr::from(self.source(range))),
                }
            }
            Expression::UnaryOp(op) => {
                let operand = self.expression(&op.expr);
                match (op.operator.value(), operand.kind) {
                    (UnaryOperator::Neg, Kind::Int(i)) if i != i64::MIN => Kind::Int(-i),
                    (UnaryOperator::Neg, Kind::Float(f)) => Kind::Float(-f),
                    (UnaryOperator::Not, Kind::Bool(b)) => Kind::Bool(!b),
                    _ => Kind::Str(ArcStr::from(self.source(range))),
                }
            }
            Expression::Variable(_)
            | Expression::ForExpr(_)
            | Expression::Conditional(_)
            | Expression::FuncCall(_)
            | Expression::Traversal(_)
            | Expression::BinaryOp(_) => Kind::Str(ArcStr::from(self.source(range))),
        };
        Value { kind, span }
    }

    /// An object key: a bare name or a string as its text, any other expression as its
    /// source text.
    fn object_key(&mut self, key: &ObjectKey) -> ArcStr {
        match key {
            ObjectKey::Ident(ident) => ArcStr::from(ident.as_str()),
            ObjectKey::Expression(Expression::String(s)) => ArcStr::from(s.value().as_str()),
            ObjectKey::Expression(expr) => match self.expression(expr).kind {
                Kind::Str(s) => s,
                _ => ArcStr::from(self.source(expr.span())),
            },
        }
    }

    /// A template's text: literal parts decoded, interpolations and directives as written.
    fn template(&self, template: &Template) -> ArcStr {
        let mut out = String::new();
        for element in template.iter() {
            match element {
                Element::Literal(literal) => out.push_str(literal.value()),
                Element::Interpolation(_) | Element::Directive(_) => {
                    out.push_str(self.source(element.span()));
                }
            }
        }
        ArcStr::from(out)
    }
}

/// The entries of a finished group level, as a map.
fn finish(entries: Vec<(ArcStr, Group)>) -> Map {
    let mut map = Map::with_capacity(entries.len());
    for (key, group) in entries {
        let key_span = group.key_span;
        map.insert(key, key_span, group.into_value());
    }
    map
}

/// An HCL number: an integer when it fits in `i64`, else a float.
fn number(n: &hcl_edit::Number) -> Kind {
    match (n.as_i64(), n.as_f64()) {
        (Some(i), _) => Kind::Int(i),
        (None, Some(f)) => Kind::Float(f),
        (None, None) => Kind::Str(ArcStr::from(n.to_string())),
    }
}

/// The smallest span covering both, when there is any.
fn union(a: Option<Span>, b: Option<Span>) -> Option<Span> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.to(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

/// A block whose name and labels repeat an earlier block's: the later one is kept.
fn duplicate_block(path: &[(&str, Option<Span>)], second: Span, first: Option<Span>) -> Diagnostic {
    let address: Vec<&str> = path.iter().map(|(k, _)| *k).collect();
    let address = address.join(".");
    let diag = Diagnostic::new(Code::DuplicateKey, format!("duplicate block `{address}`"))
        .at(second, "this block replaces the earlier one")
        .help("give each block a unique label; only the last one is used");
    match first {
        Some(first) => diag.related(first, "first written here"),
        None => diag,
    }
}

/// A quoted string that a line break ends: the parser reports it at the start of its line or
/// block, without saying what is wrong.
fn unterminated_string(file: FileId, text: &str, at: usize) -> Diagnostic {
    report::syntax(
        "hcl",
        report::point(file, text, at),
        "unterminated string",
        "this string is not closed on its line",
        "close the string with `\"`; text that spans lines is written as a heredoc (`<<EOT`)",
    )
}

fn syntax_error(file: FileId, text: &str, error: &hcl_edit::parser::Error) -> Diagnostic {
    let offset = report::floor_char_boundary(text, error.location().offset());
    let at = report::point(file, text, offset);
    let what = report::tidy_message(error.message());
    if what.contains("nesting depth") || what.contains("chained binary") {
        return Diagnostic::new(
            Code::InputLimit,
            "hcl nesting is deeper than the hcl reader allows",
        )
        .at(at, "this expression goes past the limit")
        .help("flatten the expression; the hcl reader stops at 64 nested levels or 128 chained operators");
    }
    report::syntax(
        "hcl",
        at,
        &what,
        "here",
        "fix the hcl syntax at this position (check quotes, `=` signs, braces and brackets)",
    )
}
