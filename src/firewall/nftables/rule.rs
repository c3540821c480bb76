//! One nftables rule (a token list) → [`Rule`]s.
//!
//! A rule usually gives one [`Rule`]. A verdict map (`oifname vmap { "a" : jump x, … }`), a
//! concatenated set (`ip saddr . tcp dport { 10.0.0.1 . 22, … }`) or a set of interfaces
//! gives one [`Rule`] per element, all with the rule's span: the keys are disjoint, so
//! first-match order among them does not matter. An empty verdict map gives none.

use crate::diag::{Code, Diagnostic};
use crate::firewall::model::{Action, Rule};
use crate::firewall::sets::AddrSet;
use crate::source::{FileId, Span};

use super::expr::{Cursor, Selector, Value};
use super::lex::{Kind, Tok};
use super::script::{Stmt, Table};
use super::values::Sel;

/// At most this many [`Rule`]s from one rule; beyond, the rule is treated conservatively.
pub(super) const MAX_EXPANSION: usize = 256;

/// What one rule gives.
pub(super) struct Built {
    pub(super) rules: Vec<Rule>,
    /// Chains the rule jumps or goes to.
    pub(super) targets: Vec<String>,
    pub(super) diags: Vec<Diagnostic>,
}

/// The rule being built: its alternatives (one, or one per element of an expanded set).
pub(super) struct B<'a> {
    pub(super) file: FileId,
    pub(super) table: &'a Table,
    pub(super) c: Cursor<'a>,
    pub(super) alts: Vec<Rule>,
    pub(super) targets: Vec<String>,
    pub(super) diags: Vec<Diagnostic>,
    pub(super) broken: bool,
}

/// Reads `stmt`, a rule of a chain of `table`.
pub(super) fn build(file: FileId, table: &Table, stmt: &Stmt) -> Built {
    let mut b = B {
        file,
        table,
        c: Cursor {
            toks: &stmt.toks,
            i: 0,
        },
        alts: vec![Rule::any(Action::Continue, stmt.span)],
        targets: Vec::new(),
        diags: Vec::new(),
        broken: false,
    };
    while let Some(t) = b.c.peek() {
        let start = b.c.i;
        if t.kind == Kind::Word {
            b.item(t);
        } else {
            b.c.bump();
            let span = b.span_of(t);
            b.syntax(span, format!("unexpected `{}` in a rule", t.text));
        }
        if b.c.i == start {
            b.c.bump();
        }
    }
    Built {
        rules: if b.broken { Vec::new() } else { b.alts },
        targets: b.targets,
        diags: b.diags,
    }
}

fn limitish(t: &Tok) -> bool {
    let w = t.text.as_str();
    t.kind == Kind::Str
        || w.starts_with(|c: char| c.is_ascii_digit())
        || w.contains('/')
        || matches!(
            w,
            "rate"
                | "over"
                | "until"
                | "burst"
                | "packets"
                | "bytes"
                | "kbytes"
                | "mbytes"
                | "used"
                | "name"
                | "second"
                | "minute"
                | "hour"
                | "day"
                | "week"
        )
}

impl<'a> B<'a> {
    pub(super) fn span_of(&self, t: &Tok) -> Span {
        Span::new(self.file, t.start, t.end)
    }

    /// The span of the tokens from index `start` to the cursor.
    pub(super) fn span_from(&self, start: usize) -> Span {
        let first = self.c.toks.get(start);
        let last = self.c.toks.get(self.c.i.saturating_sub(1).max(start));
        match (first, last) {
            (Some(a), Some(b)) => Span::new(self.file, a.start, b.end),
            _ => self
                .alts
                .first()
                .map_or(Span::new(self.file, 0, 0), |r| r.span),
        }
    }

    pub(super) fn syntax(&mut self, span: Span, message: String) {
        self.broken = true;
        self.diags.push(
            Diagnostic::new(Code::FirewallSyntax, message)
                .at(span, "not understood")
                .help("fix the rule so that `nft -f` accepts it"),
        );
    }

    /// Marks every alternative as not exactly modelled, with one warning.
    pub(super) fn unsupported(&mut self, what: &str, span: Span, message: Option<String>) {
        for r in &mut self.alts {
            r.unsupported.push((what.to_string(), span));
        }
        let message = message.unwrap_or_else(|| {
            format!("`{what}` is not modelled; the rule is treated conservatively")
        });
        self.diags.push(
            Diagnostic::new(Code::FirewallUnsupported, message)
                .at(span, "not modelled")
                .help("review this rule by hand: analyses assume it may match more or fewer packets than its addresses and ports say"),
        );
    }

    pub(super) fn set_action(&mut self, action: Action) {
        for r in &mut self.alts {
            r.action = action.clone();
        }
    }

    /// One statement or expression starting at word `t`.
    fn item(&mut self, t: &'a Tok) {
        let start = self.c.i;
        match t.text.as_str() {
            "counter" => {
                self.c.bump();
                while self.c.peek_is("packets") || self.c.peek_is("bytes") || self.c.peek_is("name")
                {
                    self.c.i += 2;
                }
            }
            "log" => {
                self.c.bump();
                self.alts.iter_mut().for_each(|r| r.log = true);
                loop {
                    let opt = self.c.peek().map(|o| o.text.as_str());
                    match opt {
                        Some("prefix" | "level" | "group" | "snaplen" | "queue-threshold") => {
                            self.c.i += 2;
                        }
                        Some("flags") => {
                            self.c.bump();
                            self.c.skip_while(|f| {
                                f.kind == Kind::Comma
                                    || matches!(
                                        f.text.as_str(),
                                        "tcp"
                                            | "ip"
                                            | "sequence"
                                            | "options"
                                            | "skuid"
                                            | "ether"
                                            | "all"
                                    )
                            });
                        }
                        _ => break,
                    }
                }
            }
            "limit" | "quota" => {
                self.c.bump();
                self.c.skip_while(limitish);
                let span = self.span_from(start);
                self.unsupported(&t.text, span, None);
            }
            "comment" => {
                self.c.bump();
                if let Some(text) = self.c.peek().filter(|s| s.is_value()) {
                    self.c.bump();
                    self.alts
                        .iter_mut()
                        .for_each(|r| r.comment = Some(text.text.clone()));
                }
            }
            "accept" | "drop" | "return" | "continue" | "reject" => {
                self.c.bump();
                if t.text == "reject" && self.c.peek_is("with") {
                    self.c.bump();
                    let kind = self.c.bump().map(|k| k.text.as_str());
                    if kind == Some("tcp") {
                        self.c.skip_while(|r| r.is("reset"));
                    } else {
                        self.c.skip_while(|r| r.is("type"));
                        self.c.bump();
                    }
                }
                let action = verdict_word(&t.text).unwrap_or(Action::Continue);
                self.set_action(action);
            }
            "jump" | "goto" => {
                self.c.bump();
                match self.c.peek().filter(|n| n.is_value()) {
                    Some(name) => {
                        self.c.bump();
                        let (action, problem) = self.jump(name, t.text == "goto");
                        self.set_action(action);
                        if let Some((what, span)) = problem {
                            self.alts
                                .iter_mut()
                                .for_each(|r| r.unsupported.push((what.clone(), span)));
                        }
                    }
                    None => {
                        let span = self.span_of(t);
                        self.syntax(span, format!("`{}` needs a chain name", t.text));
                    }
                }
            }
            "queue" | "dnat" | "snat" | "masquerade" | "redirect" | "tproxy" | "synproxy"
            | "fwd" => {
                self.c.bump();
                // The arguments (`ip to 10.0.0.1:80`, `num 1 bypass`) run to the end of the
                // rule or to its `comment`.
                self.c.skip_while(|a| !a.is("comment"));
                self.set_action(Action::Other(t.text.clone()));
                let span = self.span_from(start);
                self.unsupported(&t.text, span, None);
            }
            "notrack" => {
                self.c.bump();
            }
            "dup" => {
                self.c.bump();
                self.c.skip_unknown();
            }
            "add" | "update" | "delete"
                if self.c.peek_at(1).is_some_and(|s| s.text.starts_with('@')) =>
            {
                // Adds the packet to a dynamic set: no effect on this rule's verdict.
                self.c.i += 2;
                if self.c.peek().is_some_and(|g| g.kind == Kind::LBrace) {
                    self.c.group();
                }
            }
            _ => self.expression(t, start),
        }
    }

    /// The action of `jump NAME`/`goto NAME`, and the unsupported entry if the chain does not
    /// exist.
    pub(super) fn jump(&mut self, name: &Tok, goto: bool) -> (Action, Option<(String, Span)>) {
        if self.table.chains.iter().any(|c| c.name == name.text) {
            self.targets.push(name.text.clone());
            let full = format!("{} {} {}", self.table.family, self.table.name, name.text);
            return (
                if goto {
                    Action::Goto(full)
                } else {
                    Action::Jump(full)
                },
                None,
            );
        }
        let span = self.span_of(name);
        self.diags.push(
            Diagnostic::new(
                Code::UnknownObject,
                format!("chain `{}` is not defined", name.text),
            )
            .at(span, "no such chain in this table")
            .help(format!(
                "add the chain `{}` to table `{}`",
                name.text, self.table.name
            )),
        );
        let kw = if goto { "goto" } else { "jump" };
        (
            Action::Other(name.text.clone()),
            Some((format!("{kw} {}", name.text), span)),
        )
    }

    /// A match (`selector [op] value`), a verdict map, or a statement that sets a field.
    fn expression(&mut self, t: &Tok, start: usize) {
        let mut sels: Vec<Selector> = Vec::new();
        loop {
            match self.c.selector() {
                Some(s) => sels.push(s),
                None if sels.is_empty() => {
                    // An expression the model does not know: skip to the next one.
                    self.c.bump();
                    self.c.skip_unknown();
                    let span = self.span_from(start);
                    self.unsupported(&t.text, span, None);
                    if self.c.peek_is("vmap") {
                        self.c.bump();
                        self.c.value();
                        self.set_action(Action::Other("vmap".into()));
                    }
                    return;
                }
                None => break,
            }
            if self.c.peek_is(".") {
                self.c.bump();
            } else {
                break;
            }
        }
        let what: Vec<&str> = sels.iter().map(|s| s.what.as_str()).collect();
        let what = what.join(" . ");
        if self.c.peek_is("set") {
            // `meta mark set 1`, `ct mark set meta mark`: changes the packet, matches nothing.
            self.c.bump();
            if self.c.selector().is_none() {
                self.c.value();
            }
            while self.c.bitwise() {
                self.c.bump();
                self.c.value();
            }
            return;
        }
        self.implied(&sels);
        if self.c.bitwise() {
            while self.c.bitwise() {
                self.c.bump();
                self.c.value();
            }
            self.c.operator();
            self.c.value();
            let span = self.span_from(start);
            return self.unsupported(&what, span, None);
        }
        let op = self.c.operator();
        let vmap = self.c.peek_is("vmap");
        let map = self.c.peek_is("map");
        if vmap || map {
            self.c.bump();
        }
        let value = self.c.value();
        let span = self.span_from(start);
        if matches!(value, Value::Missing) {
            return self.syntax(span, format!("`{what}` needs a value"));
        }
        let known: Option<Vec<Sel>> = sels.iter().map(|s| s.sel.clone()).collect();
        let (Some(known), false) = (known, map) else {
            if vmap {
                self.set_action(Action::Other("vmap".into()));
            }
            return self.unsupported(&what, span, None);
        };
        let Some(elems) = self.resolve(&value, &what, span) else {
            if vmap {
                self.set_action(Action::Other("vmap".into()));
            }
            return;
        };
        if vmap {
            self.expand(&known, &elems, true, span);
        } else if let Some(op) = op
            .as_deref()
            .filter(|o| !matches!(*o, "==" | "eq" | "!=" | "ne"))
        {
            self.compare(&known, op, &elems, &what, span);
        } else {
            let neg = op.is_some_and(|o| o == "!=" || o == "ne");
            self.equal(&known, neg, &elems, &what, span);
        }
    }

    /// What the selectors imply whatever the value: the family (`ip …`) and the protocol
    /// (`tcp dport`).
    fn implied(&mut self, sels: &[Selector]) {
        for s in sels {
            if let Some(v6) = s.v6 {
                let same = self.table.family == if v6 { "ip6" } else { "ip" };
                if !same {
                    let u = if v6 {
                        AddrSet::any_v6()
                    } else {
                        AddrSet::any_v4()
                    };
                    for r in &mut self.alts {
                        r.src = r.src.intersect(&u);
                        r.dst = r.dst.intersect(&u);
                    }
                }
            }
            if let Some(p) = &s.protos {
                for r in &mut self.alts {
                    r.protocols = r.protocols.intersect(p);
                }
            }
        }
    }
}

pub(super) fn verdict_word(w: &str) -> Option<Action> {
    Some(match w {
        "accept" => Action::Accept,
        "drop" => Action::Drop,
        "reject" => Action::Reject,
        "return" => Action::Return,
        "continue" => Action::Continue,
        _ => return None,
    })
}
