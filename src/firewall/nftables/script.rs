//! Reads the statements of an nftables file into tables of chains, sets and maps: the
//! `table … { chain … { … } }` blocks of `nft list ruleset` here, the commands of `nft -f`
//! scripts in [`super::commands`]. Rules are kept as token lists; [`super::rule`] reads them
//! later, once every named set is known.

use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};

use super::lex::{Kind, Tok};

pub(super) const FAMILIES: [&str; 6] = ["ip", "ip6", "inet", "arp", "bridge", "netdev"];

/// One element of a set or map: the key (one token per component of a concatenation) and,
/// for a map, the value after `:`.
#[derive(Clone, Debug)]
pub(super) struct Element {
    pub(super) key: Vec<Tok>,
    pub(super) value: Vec<Tok>,
}

#[derive(Clone, Debug)]
pub(super) struct NamedSet {
    pub(super) name: String,
    /// Filled by rules at run time (`flags dynamic`): its elements are not known.
    pub(super) dynamic: bool,
    pub(super) elements: Vec<Element>,
}

/// A rule as written: its tokens and the span of the whole statement.
#[derive(Clone, Debug)]
pub(super) struct Stmt {
    pub(super) toks: Vec<Tok>,
    pub(super) span: Span,
}

#[derive(Clone, Debug)]
pub(super) struct Chain {
    pub(super) name: String,
    pub(super) span: Span,
    /// For a base chain: its type (`filter`, `nat`, `route`) and hook.
    pub(super) base: Option<(String, String)>,
    pub(super) policy: Option<(String, Span)>,
    pub(super) rules: Vec<Stmt>,
}

#[derive(Clone, Debug)]
pub(super) struct Table {
    pub(super) family: String,
    pub(super) name: String,
    pub(super) sets: Vec<NamedSet>,
    pub(super) chains: Vec<Chain>,
}

pub(super) struct Reader<'a> {
    pub(super) file: FileId,
    pub(super) toks: &'a [Tok],
    pub(super) i: usize,
    pub(super) tables: Vec<Table>,
    pub(super) diags: Vec<Diagnostic>,
}

impl<'a> Reader<'a> {
    pub(super) fn new(file: FileId, toks: &'a [Tok]) -> Reader<'a> {
        Reader {
            file,
            toks,
            i: 0,
            tables: Vec::new(),
            diags: Vec::new(),
        }
    }

    pub(super) fn peek(&self) -> Option<&'a Tok> {
        self.toks.get(self.i)
    }

    pub(super) fn bump(&mut self) -> Option<&'a Tok> {
        let t = self.toks.get(self.i);
        self.i += 1;
        t
    }

    pub(super) fn span(&self, a: &Tok, b: &Tok) -> Span {
        Span::new(self.file, a.start, b.end.max(a.start))
    }

    pub(super) fn skip_ends(&mut self) {
        while self.peek().is_some_and(|t| t.kind == Kind::End) {
            self.i += 1;
        }
    }

    pub(super) fn error(&mut self, span: Span, message: String, label: &str) {
        self.diags.push(
            Diagnostic::new(Code::FirewallSyntax, message)
                .at(span, label)
                .help("fix the statement so that `nft -f` accepts it"),
        );
    }

    pub(super) fn unexpected(&mut self, t: &Tok, context: &str) {
        let span = self.span(t, t);
        self.error(
            span,
            format!("unexpected `{}` {context}", t.text),
            "not expected here",
        );
    }

    /// The tokens up to the end of the statement (`;`, line end, or the `}` closing the
    /// enclosing block, which is not consumed). Line ends inside braces do not end it.
    pub(super) fn collect(&mut self) -> Vec<Tok> {
        let mut out = Vec::new();
        let mut depth = 0usize;
        while let Some(t) = self.peek() {
            match t.kind {
                Kind::End if depth == 0 => {
                    self.i += 1;
                    break;
                }
                Kind::End => {
                    self.i += 1;
                    continue;
                }
                Kind::RBrace | Kind::RParen if depth == 0 => break,
                Kind::LBrace | Kind::LParen => depth += 1,
                Kind::RBrace | Kind::RParen => depth -= 1,
                _ => {}
            }
            out.push(t.clone());
            self.i += 1;
        }
        out
    }

    /// Reads the whole file.
    pub(super) fn run(&mut self) {
        let mut last = None;
        loop {
            // A turn that consumed nothing would repeat forever (found by fuzzing: a stray
            // `)` at the top level): step over one token.
            if last == Some(self.i) {
                self.i += 1;
            }
            last = Some(self.i);
            self.skip_ends();
            let Some(t) = self.peek() else { break };
            match t.text.as_str() {
                _ if t.kind == Kind::RBrace => {
                    self.bump();
                    self.unexpected(t, "outside a block");
                }
                "table" if t.kind == Kind::Word => {
                    self.bump();
                    self.table_decl(t);
                }
                "add" | "create" | "insert" | "replace" | "delete" | "destroy" | "flush"
                | "rename" | "list" | "reset" | "monitor" | "describe" | "export" | "import"
                    if t.kind == Kind::Word =>
                {
                    self.command();
                }
                "include" if t.kind == Kind::Word => {
                    let toks = self.collect();
                    let last = toks.last().unwrap_or(t);
                    let span = self.span(t, last);
                    self.diags.push(
                        Diagnostic::new(
                            Code::FirewallUnsupported,
                            "`include` is not followed; the included rules are not checked",
                        )
                        .at(span, "not read")
                        .help("check the included file on its own, or inline it"),
                    );
                }
                _ => {
                    self.unexpected(t, "at the top level");
                    self.collect();
                }
            }
        }
    }

    /// `[family] name`: the family (default `ip`) and the name; the cursor is after them.
    pub(super) fn family_name(&mut self) -> Option<(String, &'a Tok)> {
        let first = self.peek().filter(|t| t.is_value())?;
        let second_is_name = self.toks.get(self.i + 1).is_some_and(Tok::is_value);
        if first.kind == Kind::Word && FAMILIES.contains(&first.text.as_str()) && second_is_name {
            self.i += 2;
            return self.toks.get(self.i - 1).map(|n| (first.text.clone(), n));
        }
        self.i += 1;
        Some(("ip".to_string(), first))
    }

    pub(super) fn table_index(&mut self, family: &str, name: &str) -> usize {
        if let Some(i) = self
            .tables
            .iter()
            .position(|t| t.family == family && t.name == name)
        {
            return i;
        }
        self.tables.push(Table {
            family: family.to_string(),
            name: name.to_string(),
            sets: Vec::new(),
            chains: Vec::new(),
        });
        self.tables.len() - 1
    }

    /// After `table`: `[family] name [{ body }]`.
    pub(super) fn table_decl(&mut self, kw: &Tok) {
        let Some((family, name)) = self.family_name() else {
            let span = self.span(kw, kw);
            self.error(span, "`table` needs a name".into(), "name missing");
            self.collect();
            return;
        };
        let t = self.table_index(&family, &name.text);
        if self.peek().is_some_and(|t| t.kind == Kind::LBrace) {
            self.bump();
            self.table_body(t, kw);
        }
    }

    fn table_body(&mut self, t: usize, open: &Tok) {
        let mut last = None;
        loop {
            // A turn that consumed nothing would repeat forever (found by fuzzing: a stray
            // `)` at the top level): step over one token.
            if last == Some(self.i) {
                self.i += 1;
            }
            last = Some(self.i);
            self.skip_ends();
            let Some(tok) = self.peek() else {
                let span = self.span(open, open);
                return self.error(span, "block is never closed".into(), "opened here");
            };
            if tok.kind == Kind::RBrace {
                self.bump();
                return;
            }
            match tok.text.as_str() {
                "chain" if tok.kind == Kind::Word => {
                    self.bump();
                    match self.bump().filter(|n| n.is_value()) {
                        Some(name) => {
                            let span = self.span(tok, name);
                            let c = self.chain_index(t, &name.text, span);
                            if self.peek().is_some_and(|b| b.kind == Kind::LBrace) {
                                self.bump();
                                self.chain_body(t, c, tok);
                            }
                        }
                        None => {
                            let span = self.span(tok, tok);
                            self.error(span, "`chain` needs a name".into(), "name missing");
                            self.collect();
                        }
                    }
                }
                "set" | "map" if tok.kind == Kind::Word => {
                    self.bump();
                    let name = self.bump().filter(|n| n.is_value());
                    match (name, self.peek().filter(|b| b.kind == Kind::LBrace)) {
                        (Some(name), Some(_)) => {
                            self.bump();
                            self.set_body(t, &name.text, tok);
                        }
                        _ => {
                            let span = self.span(tok, tok);
                            let message =
                                format!("`{}` needs a name and a `{{ … }}` body", tok.text);
                            self.error(span, message, "incomplete");
                            self.collect();
                        }
                    }
                }
                _ => {
                    // `flags`, `comment`, and objects that do not filter (`counter NAME { … }`,
                    // `flowtable`, `quota`, `ct helper`…).
                    self.collect();
                }
            }
        }
    }

    pub(super) fn chain_index(&mut self, t: usize, name: &str, span: Span) -> usize {
        let Some(table) = self.tables.get_mut(t) else {
            return 0;
        };
        if let Some(i) = table.chains.iter().position(|c| c.name == name) {
            return i;
        }
        table.chains.push(Chain {
            name: name.to_string(),
            span,
            base: None,
            policy: None,
            rules: Vec::new(),
        });
        table.chains.len() - 1
    }

    pub(super) fn chain_mut(&mut self, t: usize, c: usize) -> Option<&mut Chain> {
        self.tables.get_mut(t)?.chains.get_mut(c)
    }

    /// The statements of a chain, up to its closing `}`.
    pub(super) fn chain_body(&mut self, t: usize, c: usize, open: &Tok) {
        let mut last = None;
        loop {
            // A turn that consumed nothing would repeat forever (found by fuzzing: a stray
            // `)` at the top level): step over one token.
            if last == Some(self.i) {
                self.i += 1;
            }
            last = Some(self.i);
            self.skip_ends();
            let Some(tok) = self.peek() else {
                let span = self.span(open, open);
                return self.error(span, "block is never closed".into(), "opened here");
            };
            if tok.kind == Kind::RBrace {
                self.bump();
                return;
            }
            let toks = self.collect();
            let (Some(first), Some(last)) = (toks.first(), toks.last()) else {
                // A stray `)`.
                if let Some(t) = self.bump() {
                    self.unexpected(t, "in a chain");
                }
                continue;
            };
            let span = self.span(first, last);
            match first.text.as_str() {
                "type" if first.kind == Kind::Word => {
                    let word = |k: &str| {
                        toks.iter()
                            .position(|t| t.is(k))
                            .and_then(|i| toks.get(i + 1))
                            .map(|t| t.text.clone())
                    };
                    let kind = toks.get(1).map(|t| t.text.clone()).unwrap_or_default();
                    let hook = word("hook").unwrap_or_default();
                    if let Some(chain) = self.chain_mut(t, c) {
                        chain.base = Some((kind, hook));
                    }
                }
                "policy" if first.kind == Kind::Word => {
                    let policy = toks.get(1).map(|t| t.text.clone()).unwrap_or_default();
                    if let Some(chain) = self.chain_mut(t, c) {
                        chain.policy = Some((policy, span));
                    }
                }
                "comment" | "devices" | "device" | "flags" if first.kind == Kind::Word => {}
                _ => {
                    if let Some(chain) = self.chain_mut(t, c) {
                        chain.rules.push(Stmt { toks, span });
                    }
                }
            }
        }
    }

    /// The statements of a set or map, up to its closing `}`.
    pub(super) fn set_body(&mut self, t: usize, name: &str, open: &Tok) {
        let mut set = NamedSet {
            name: name.to_string(),
            dynamic: false,
            elements: Vec::new(),
        };
        let mut last = None;
        loop {
            // A turn that consumed nothing would repeat forever (found by fuzzing: a stray
            // `)` at the top level): step over one token.
            if last == Some(self.i) {
                self.i += 1;
            }
            last = Some(self.i);
            self.skip_ends();
            let Some(tok) = self.peek() else {
                let span = self.span(open, open);
                self.error(span, "block is never closed".into(), "opened here");
                break;
            };
            if tok.kind == Kind::RBrace {
                self.bump();
                break;
            }
            let toks = self.collect();
            if toks.first().is_some_and(|f| f.is("flags")) {
                set.dynamic |= toks.iter().any(|t| t.is("dynamic"));
            }
            if toks.first().is_some_and(|f| f.is("elements")) {
                let inner = toks.get(3..toks.len().saturating_sub(1)).unwrap_or(&[]);
                set.elements.extend(elements(inner));
            }
        }
        if let Some(table) = self.tables.get_mut(t) {
            table.sets.retain(|s| s.name != set.name);
            table.sets.push(set);
        }
    }
}

/// The elements of `{ … }` (the tokens between the braces): comma-separated items, each a key
/// (components joined by ` . `), options to skip (`counter …`, `comment "…"`, `timeout …`),
/// and for a map ` : value`.
pub(super) fn elements(inner: &[Tok]) -> Vec<Element> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut item: Vec<Tok> = Vec::new();
    for t in inner.iter().chain(std::iter::once(&Tok {
        kind: Kind::Comma,
        text: ",".into(),
        start: 0,
        end: 0,
    })) {
        match t.kind {
            Kind::Comma if depth == 0 => {
                if let Some(e) = element(&item) {
                    out.push(e);
                }
                item.clear();
                continue;
            }
            Kind::LBrace | Kind::LParen => depth += 1,
            Kind::RBrace | Kind::RParen => depth = depth.saturating_sub(1),
            Kind::End => continue,
            _ => {}
        }
        item.push(t.clone());
    }
    out
}

fn element(item: &[Tok]) -> Option<Element> {
    let first = item.first()?;
    let mut key = vec![first.clone()];
    let mut i = 1;
    while item.get(i).is_some_and(|t| t.is(".")) {
        if let Some(next) = item.get(i + 1) {
            key.push(next.clone());
        }
        i += 2;
    }
    let value = item
        .iter()
        .skip(i)
        .position(|t| t.is(":"))
        .map(|p| item.get(i + p + 1..).unwrap_or(&[]).to_vec())
        .unwrap_or_default();
    Some(Element { key, value })
}
