//! The commands of `nft -f` scripts: `add`/`create`/`insert` of tables, chains, sets,
//! elements and rules, `flush`, `delete`, `rename`, and commands with no effect on the
//! ruleset (`list`, `reset`…).

use crate::diag::{Code, Diagnostic};

use super::lex::{Kind, Tok};
use super::script::{elements, Reader, Stmt};

/// Where a rule goes in its chain.
enum Place {
    Append,
    Prepend,
    At(usize),
}

impl<'a> Reader<'a> {
    /// `add …`, `insert …`, `flush …`, `delete …`, `rename …`, and commands with no effect on
    /// the ruleset (`list`, `reset`…).
    pub(super) fn command(&mut self) {
        let start = self.i;
        let Some(verb) = self.bump() else { return };
        let Some(what) = self.peek().filter(|t| t.kind == Kind::Word) else {
            self.collect();
            return;
        };
        let verb_text = verb.text.as_str();
        match (verb_text, what.text.as_str()) {
            ("add" | "create", "table") => {
                self.bump();
                self.table_decl(what);
            }
            ("add" | "create", "chain") => {
                self.bump();
                if let Some((t, name)) = self.table_and_name(verb) {
                    let span = self.span(verb, name);
                    let c = self.chain_index(t, &name.text, span);
                    if self.peek().is_some_and(|b| b.kind == Kind::LBrace) {
                        self.bump();
                        self.chain_body(t, c, verb);
                    }
                }
                self.collect();
            }
            ("add" | "create", "set" | "map") => {
                self.bump();
                if let Some((t, name)) = self.table_and_name(verb) {
                    if self.peek().is_some_and(|b| b.kind == Kind::LBrace) {
                        self.bump();
                        self.set_body(t, &name.text, verb);
                    }
                }
                self.collect();
            }
            ("add" | "create", "element") => {
                self.bump();
                let target = self.table_and_name(verb);
                let toks = self.collect();
                let inner = toks.get(1..toks.len().saturating_sub(1)).unwrap_or(&[]);
                let mut found = false;
                if let Some((t, name)) = target {
                    if let Some(set) = self
                        .tables
                        .get_mut(t)
                        .and_then(|tb| tb.sets.iter_mut().find(|s| s.name == name.text))
                    {
                        set.elements.extend(elements(inner));
                        found = true;
                    }
                    if !found {
                        self.unknown(name, "set");
                    }
                }
            }
            ("add" | "insert", "rule") => {
                self.bump();
                let append = verb_text == "add";
                self.rule_command(verb, append, start);
            }
            ("flush", "ruleset") => {
                self.tables.clear();
                self.collect();
            }
            ("flush" | "delete" | "destroy", "table") => {
                self.bump();
                if let Some((family, name)) = self.family_name() {
                    let flush = verb_text == "flush";
                    if flush {
                        for tb in self.tables.iter_mut() {
                            if tb.family == family && tb.name == name.text {
                                tb.chains.iter_mut().for_each(|c| c.rules.clear());
                            }
                        }
                    } else {
                        self.tables
                            .retain(|tb| !(tb.family == family && tb.name == name.text));
                    }
                }
                self.collect();
            }
            ("flush" | "delete" | "destroy", "chain" | "set" | "map") => {
                self.bump();
                let chain = what.is("chain");
                if let Some((t, name)) = self.table_and_name(verb) {
                    let flush = verb_text == "flush";
                    if let Some(tb) = self.tables.get_mut(t) {
                        match (chain, flush) {
                            (true, true) => tb
                                .chains
                                .iter_mut()
                                .filter(|c| c.name == name.text)
                                .for_each(|c| c.rules.clear()),
                            (true, false) => tb.chains.retain(|c| c.name != name.text),
                            (false, true) => tb
                                .sets
                                .iter_mut()
                                .filter(|s| s.name == name.text)
                                .for_each(|s| s.elements.clear()),
                            (false, false) => tb.sets.retain(|s| s.name != name.text),
                        }
                    }
                }
                self.collect();
            }
            ("rename", "chain") => {
                self.bump();
                if let Some((t, old)) = self.table_and_name(verb) {
                    if let (Some(new), Some(tb)) = (self.peek(), self.tables.get_mut(t)) {
                        if let Some(c) = tb.chains.iter_mut().find(|c| c.name == old.text) {
                            c.name.clone_from(&new.text);
                        }
                    }
                }
                self.collect();
            }
            ("list" | "reset" | "monitor" | "describe" | "export" | "import", _) => {
                self.collect();
            }
            _ => {
                let toks = self.collect();
                let last = toks.last().unwrap_or(what);
                let span = self.span(verb, last);
                self.diags.push(
                    Diagnostic::new(
                        Code::FirewallUnsupported,
                        format!("`{} {}` is not modelled; it is ignored", verb.text, what.text),
                    )
                    .at(span, "ignored")
                    .help("rules named by handle cannot be followed; check the result with `nft list ruleset`"),
                );
            }
        }
    }

    /// After `add chain`/`add set`/`add element`…: `[family] table name`, the table created
    /// if new. The cursor is after the name.
    fn table_and_name(&mut self, verb: &Tok) -> Option<(usize, &'a Tok)> {
        let Some((family, table)) = self.family_name() else {
            let span = self.span(verb, verb);
            self.error(span, "a table name is missing".into(), "incomplete");
            return None;
        };
        let Some(name) = self.peek().filter(|t| t.is_value()) else {
            let span = self.span(verb, table);
            self.error(span, "a name is missing".into(), "incomplete");
            return None;
        };
        self.bump();
        Some((self.table_index(&family, &table.text), name))
    }

    /// After `add rule`/`insert rule`: `[family] table chain [position|handle|index N] rule`.
    fn rule_command(&mut self, verb: &Tok, append: bool, start: usize) {
        let Some((t, chain)) = self.table_and_name(verb) else {
            self.collect();
            return;
        };
        let mut place = if append {
            Place::Append
        } else {
            Place::Prepend
        };
        let mut by_handle = None;
        if let Some(kw) = self
            .peek()
            .filter(|k| k.is("position") || k.is("handle") || k.is("index"))
        {
            self.bump();
            let n = self.bump().and_then(|n| n.text.parse::<usize>().ok());
            match (kw.is("index"), n) {
                (true, Some(n)) => place = Place::At(n + usize::from(append)),
                _ => by_handle = Some(kw),
            }
        }
        let toks = self.collect();
        let first = self.toks.get(start).unwrap_or(verb);
        let span = toks
            .last()
            .map_or(self.span(first, chain), |l| self.span(first, l));
        if let Some(kw) = by_handle {
            self.diags.push(
                Diagnostic::new(
                    Code::FirewallUnsupported,
                    format!("rule `{}` numbers are not modelled; the rule is placed at the chain's {}", kw.text, if append { "end" } else { "start" }),
                )
                .at(span, "placed approximately")
                .help("rule handles are assigned at load time; check the order with `nft -a list ruleset`"),
            );
        }
        let exists = self
            .tables
            .get(t)
            .is_some_and(|tb| tb.chains.iter().any(|c| c.name == chain.text));
        if !exists {
            self.unknown(chain, "chain");
        }
        let cspan = self.span(chain, chain);
        let c = self.chain_index(t, &chain.text, cspan);
        if let Some(ch) = self.chain_mut(t, c) {
            let stmt = Stmt { toks, span };
            match place {
                Place::Append => ch.rules.push(stmt),
                Place::Prepend => ch.rules.insert(0, stmt),
                Place::At(n) => ch.rules.insert(n.min(ch.rules.len()), stmt),
            }
        }
    }

    fn unknown(&mut self, name: &Tok, what: &str) {
        let span = self.span(name, name);
        self.diags.push(
            Diagnostic::new(
                Code::UnknownObject,
                format!("{what} `{}` is not defined", name.text),
            )
            .at(span, "not defined before")
            .help(format!("add the {what} before using it")),
        );
    }
}
