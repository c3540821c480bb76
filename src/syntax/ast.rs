//! The abstract syntax tree of a `.pal` file. Every node carries its [`Span`].

use std::sync::Arc;

use crate::source::{FileId, Span};

/// A name with its place.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: Arc<str>,
    pub span: Span,
}

/// A dotted path such as `std.strings`.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    pub segments: Vec<Ident>,
    pub span: Span,
}

impl Path {
    pub fn text(&self) -> String {
        let parts: Vec<&str> = self.segments.iter().map(|s| &*s.name).collect();
        parts.join(".")
    }
}

/// One parsed file.
#[derive(Clone, Debug)]
pub struct Module {
    pub file: FileId,
    pub package: Option<Path>,
    pub items: Vec<Item>,
}

#[derive(Clone, Debug)]
pub enum Item {
    Import(Import),
    Const(Const),
    Fn(FnDecl),
    Rule(RuleDecl),
    Test(TestDecl),
    /// Text that failed to parse (its diagnostic is in the parse result).
    Error(Span),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Import(i) => i.span,
            Item::Const(c) => c.span,
            Item::Fn(f) => f.span,
            Item::Rule(r) => r.span,
            Item::Test(t) => t.span,
            Item::Error(s) => *s,
        }
    }
}

/// `import path`, `import path.{a, b}`, `import path as alias`
#[derive(Clone, Debug)]
pub struct Import {
    pub path: Path,
    pub names: Vec<Ident>,
    pub alias: Option<Ident>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Const {
    pub doc: Option<String>,
    pub name: Ident,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct FnDecl {
    pub doc: Option<String>,
    pub name: Ident,
    pub params: Vec<Ident>,
    pub lets: Vec<Let>,
    pub body: Expr,
    /// Whether the body was written as a block `{ … }` rather than `= expr`.
    pub block: bool,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Let {
    pub name: Ident,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct RuleDecl {
    pub doc: Option<String>,
    pub name: Ident,
    pub meta: Vec<Meta>,
    pub clauses: Vec<Clause>,
    pub deny: Deny,
    pub span: Span,
}

/// A metadata entry: `severity high`.
#[derive(Clone, Debug)]
pub struct Meta {
    pub key: Ident,
    pub values: Vec<MetaValue>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum MetaValue {
    Str(String, Span),
    Int(i64, Span),
    Float(f64, Span),
    Word(Ident),
}

impl MetaValue {
    pub fn span(&self) -> Span {
        match self {
            MetaValue::Str(_, s) | MetaValue::Int(_, s) | MetaValue::Float(_, s) => *s,
            MetaValue::Word(i) => i.span,
        }
    }
}

#[derive(Clone, Debug)]
pub enum Clause {
    For { var: Ident, iter: Expr, span: Span },
    Let(Let),
    Where(Expr),
}

#[derive(Clone, Debug)]
pub struct Deny {
    pub at: Option<Expr>,
    pub message: Expr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct TestDecl {
    pub doc: Option<String>,
    pub name: Ident,
    pub inputs: Vec<TestInput>,
    pub expects: Vec<Expect>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum TestInput {
    /// `input "name.yaml" """text"""`
    Inline {
        name: String,
        name_span: Span,
        text: String,
        text_span: Span,
        /// Line of the text's first character in the policy file (0-based), used to map
        /// positions in the inline document back to the test.
        span: Span,
    },
    /// `input file "path"` (relative to the test's file)
    File { path: String, span: Span },
}

#[derive(Clone, Debug)]
pub enum Expect {
    Fires {
        rule: Path,
        count: Option<u32>,
        at: Vec<ExpectAt>,
        span: Span,
    },
    None {
        rule: Path,
        span: Span,
    },
    Clean(Span),
}

#[derive(Clone, Debug)]
pub struct ExpectAt {
    pub file: Option<String>,
    pub line: u32,
    pub column: Option<u32>,
    pub span: Span,
}

/// An expression.
#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// A string; interpolated parts are expressions.
    Str(Vec<StrPart>),
    Name(Ident),
    Field(Box<Expr>, Ident),
    Index(Box<Expr>, Box<Expr>),
    Call(Box<Expr>, Vec<Expr>),
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    List(Vec<Expr>),
    Map(Vec<(String, Span, Expr)>),
    ListComp(Box<Expr>, Vec<CompClause>),
    MapComp(Box<Expr>, Box<Expr>, Vec<CompClause>),
    Quant(Quant, Ident, Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Paren(Box<Expr>),
}

#[derive(Clone, Debug)]
pub enum StrPart {
    Text(String),
    Interp(Expr),
}

#[derive(Clone, Debug)]
pub enum CompClause {
    For(Ident, Expr),
    If(Expr),
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum UnOp {
    Not,
    Neg,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Matches,
    Like,
    Coalesce,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

impl BinOp {
    pub fn as_str(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::In => "in",
            BinOp::NotIn => "not in",
            BinOp::Matches => "matches",
            BinOp::Like => "like",
            BinOp::Coalesce => "??",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Rem => "%",
        }
    }

    /// Binding power: higher binds tighter.
    pub fn precedence(self) -> u8 {
        match self {
            BinOp::Or => 1,
            BinOp::And => 2,
            BinOp::Eq
            | BinOp::Ne
            | BinOp::Lt
            | BinOp::Le
            | BinOp::Gt
            | BinOp::Ge
            | BinOp::In
            | BinOp::NotIn
            | BinOp::Matches
            | BinOp::Like => 4,
            BinOp::Coalesce => 5,
            BinOp::Add | BinOp::Sub => 6,
            BinOp::Mul | BinOp::Div | BinOp::Rem => 7,
        }
    }
}

impl Quant {
    pub fn as_str(self) -> &'static str {
        match self {
            Quant::Any => "any",
            Quant::All => "all",
            Quant::None => "none",
            Quant::Count => "count",
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Quant {
    Any,
    All,
    None,
    Count,
}
