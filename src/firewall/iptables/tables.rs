//! The state `iptables-restore` builds: tables of chains of rules, changed line by line by
//! `*table`, `:CHAIN POLICY`, `COMMIT` and the commands (`-A`, `-I`, `-N`, `-P`, `-D`, `-R`,
//! `-F`, `-X`, `-E`), in save format or as `iptables …` command lines.

use crate::diag::{Code, Diagnostic};
use crate::firewall::model::{Action, Ruleset};
use crate::source::{FileId, Span};

use super::lex::{self, Tok};
use super::rule::{self, Spec};
use super::values;

/// One chain as built so far.
struct Chain {
    name: String,
    span: Span,
    builtin: bool,
    policy: Option<(Action, Span)>,
    rules: Vec<Spec>,
}

struct Table {
    name: String,
    /// `ip6:` for the tables of `ip6tables …` command lines (kept apart from `iptables …`
    /// ones in the same script), else empty.
    prefix: &'static str,
    chains: Vec<Chain>,
    /// Problems that belong to this table (dropped with it when it is not reported).
    diags: Vec<Diagnostic>,
}

/// The whole file as read so far.
pub(super) struct Restore {
    file: FileId,
    tables: Vec<Table>,
    /// The table opened by the last `*table`, until `COMMIT`.
    current: Option<String>,
    /// Where that table was opened.
    opened: Option<Span>,
    pub(super) diags: Vec<Diagnostic>,
}

const COMMAND_WORDS: [&str; 6] = [
    "iptables",
    "ip6tables",
    "iptables-legacy",
    "ip6tables-legacy",
    "iptables-nft",
    "ip6tables-nft",
];

/// Whether `word` is the program name of an `iptables …` command line.
pub(super) fn is_command_word(word: &str) -> bool {
    let base = word.rsplit('/').next().unwrap_or(word);
    COMMAND_WORDS.contains(&base)
}

fn syntax(span: Span, message: String, label: &str) -> Diagnostic {
    Diagnostic::new(Code::FirewallSyntax, message)
        .at(span, label)
        .help("fix the line so that `iptables-restore` accepts it")
}

fn numeric(t: Option<&Tok>) -> Option<usize> {
    t.and_then(|t| t.text.parse().ok())
}

impl Restore {
    pub(super) fn new(file: FileId) -> Restore {
        Restore {
            file,
            tables: Vec::new(),
            current: None,
            opened: None,
            diags: Vec::new(),
        }
    }

    fn span(&self, t: &Tok) -> Span {
        Span::new(self.file, t.start, t.end)
    }

    /// Reads one line; `line` is trimmed and starts at byte `base`.
    pub(super) fn line(&mut self, line: &str, base: usize) {
        let span = Span::new(self.file, base, base + line.len());
        if line.is_empty() || line.starts_with('#') {
            return;
        }
        if let Some(name) = line.strip_prefix('*') {
            let name = name.trim();
            if values::builtin_chains(name).is_none() {
                let message = format!("unknown table `{name}`");
                self.diags
                    .push(syntax(span, message, "not an iptables table"));
            }
            self.table(name, false);
            self.current = Some(name.to_string());
            self.opened = Some(span);
            return;
        }
        if line == "COMMIT" {
            self.current = None;
            self.opened = None;
            return;
        }
        let toks = match lex::split(line, base) {
            Ok(t) => t,
            Err(at) => {
                let at = Span::new(self.file, at, at + 1);
                self.diags
                    .push(syntax(at, "quote is never closed".into(), "opened here"));
                return;
            }
        };
        if line.starts_with(':') {
            self.declare(&toks, span);
        } else {
            self.command(toks, span);
        }
    }

    /// The index of table `name`, created if new.
    fn table(&mut self, name: &str, six: bool) -> usize {
        let prefix = if six { "ip6:" } else { "" };
        if let Some(i) = self
            .tables
            .iter()
            .position(|t| t.name == name && t.prefix == prefix)
        {
            return i;
        }
        self.tables.push(Table {
            name: name.to_string(),
            prefix,
            chains: Vec::new(),
            diags: Vec::new(),
        });
        self.tables.len() - 1
    }

    fn find(&self, table: usize, chain: &str) -> Option<usize> {
        let t = self.tables.get(table)?;
        t.chains.iter().position(|c| c.name == chain)
    }

    fn chain_mut(&mut self, table: usize, chain: usize) -> Option<&mut Chain> {
        self.tables.get_mut(table)?.chains.get_mut(chain)
    }

    fn create(&mut self, table: usize, name: &str, span: Span) -> usize {
        let Some(t) = self.tables.get_mut(table) else {
            return 0;
        };
        let builtin = values::builtin_chains(&t.name).is_some_and(|b| b.contains(&name));
        t.chains.push(Chain {
            name: name.to_string(),
            span,
            builtin,
            policy: None,
            rules: Vec::new(),
        });
        t.chains.len() - 1
    }

    /// The chain a command names: existing, or created (a built-in chain exists implicitly;
    /// an undeclared user chain is created with a warning).
    fn chain(&mut self, table: usize, tok: &Tok, line: Span) -> usize {
        if let Some(i) = self.find(table, &tok.text) {
            return i;
        }
        let builtin = self
            .tables
            .get(table)
            .and_then(|t| values::builtin_chains(&t.name))
            .is_some_and(|b| b.contains(&tok.text.as_str()));
        if !builtin {
            let span = self.span(tok);
            self.table_diag(
                table,
                Diagnostic::new(
                    Code::UnknownObject,
                    format!("chain `{}` is not defined", tok.text),
                )
                .at(span, "used before `-N`")
                .help(format!(
                    "declare the chain with `-N {}` or `:{} - [0:0]` first",
                    tok.text, tok.text
                )),
            );
        }
        self.create(table, &tok.text, line)
    }

    fn table_diag(&mut self, table: usize, d: Diagnostic) {
        if let Some(t) = self.tables.get_mut(table) {
            t.diags.push(d);
        }
    }

    /// `:NAME POLICY [packets:bytes]`.
    fn declare(&mut self, toks: &[Tok], span: Span) {
        let table = self.current.clone().unwrap_or_else(|| "filter".to_string());
        let table = self.table(&table, false);
        let (Some(name), Some(policy)) = (toks.first(), toks.get(1)) else {
            let message = "a chain declaration needs a name and a policy".to_string();
            self.diags
                .push(syntax(span, message, "expected `:NAME POLICY`"));
            return;
        };
        let name = name.text.trim_start_matches(':').to_string();
        let action = match policy.text.as_str() {
            "-" => None,
            "ACCEPT" => Some(Action::Accept),
            "DROP" => Some(Action::Drop),
            other => {
                let message = format!("invalid chain policy `{other}`");
                let at = self.span(policy);
                self.diags
                    .push(syntax(at, message, "expected `ACCEPT`, `DROP` or `-`"));
                None
            }
        };
        let i = match self.find(table, &name) {
            Some(i) => i,
            None => self.create(table, &name, span),
        };
        if let Some(c) = self.chain_mut(table, i) {
            c.span = span;
            c.policy = action.map(|a| (a, span));
        }
    }

    /// A command line: `-A CHAIN spec`, `iptables -t nat -I CHAIN 2 spec`, `-P CHAIN DROP`….
    fn command(&mut self, mut toks: Vec<Tok>, span: Span) {
        if toks.first().is_some_and(|t| t.text == "sudo") {
            toks.remove(0);
        }
        let mut six = false;
        if toks.first().is_some_and(|t| is_command_word(&t.text)) {
            six = toks
                .remove(0)
                .text
                .rsplit('/')
                .next()
                .is_some_and(|w| w.starts_with("ip6"));
        }
        if toks
            .first()
            .is_some_and(|t| t.text.starts_with('[') && t.text.ends_with(']'))
        {
            toks.remove(0); // `[packets:bytes]` from `iptables-save -c`
        }
        let mut table = self.current.clone();
        if let Some(i) = toks
            .iter()
            .position(|t| !t.quoted && (t.text == "-t" || t.text == "--table"))
        {
            if let Some(name) = toks.get(i + 1) {
                table = Some(name.text.clone());
            }
            toks.drain(i..(i + 2).min(toks.len()));
        }
        let table = self.table(table.as_deref().unwrap_or("filter"), six);
        let Some(cmd) = toks.first().filter(|t| t.is_option()) else {
            // Text that is not a command at all (tools paste verbatim text into rule
            // files): skipped and said so, as a warning, so the rest of the file counts.
            self.diags.push(
                syntax(
                    span,
                    format!("unrecognised line `{}` is skipped", clip(&toks)),
                    "not an iptables-restore line",
                )
                .severity(crate::diag::Severity::Warning)
                .help("iptables-restore would reject this file; remove the line or make it a `#` comment"),
            );
            return;
        };
        let cmd_span = self.span(cmd);
        let args = toks.get(1..).unwrap_or(&[]);
        match cmd.text.as_str() {
            "-A" | "--append" | "-I" | "--insert" | "-R" | "--replace" => {
                let insert = matches!(cmd.text.as_str(), "-I" | "--insert");
                let replace = matches!(cmd.text.as_str(), "-R" | "--replace");
                self.add(table, args, span, insert, replace, cmd_span);
            }
            "-D" | "--delete" => self.delete(table, args, span, cmd_span),
            "-N" | "--new-chain" => match args.first() {
                Some(name) if self.find(table, &name.text).is_none() => {
                    self.create(table, &name.text, span);
                }
                Some(_) => {}
                None => self.needs(cmd_span, "a chain name"),
            },
            "-P" | "--policy" => self.policy(table, args, span, cmd_span),
            "-F" | "--flush" => {
                let name = args.first().map(|t| t.text.clone());
                if let Some(t) = self.tables.get_mut(table) {
                    for c in &mut t.chains {
                        if name.as_ref().is_none_or(|n| *n == c.name) {
                            c.rules.clear();
                        }
                    }
                }
            }
            "-X" | "--delete-chain" => {
                let name = args.first().map(|t| t.text.clone());
                if let Some(t) = self.tables.get_mut(table) {
                    t.chains
                        .retain(|c| c.builtin || name.as_ref().is_some_and(|n| *n != c.name));
                }
            }
            "-E" | "--rename-chain" => self.rename(table, args, cmd_span),
            "-Z" | "--zero" | "-L" | "--list" | "-S" | "--list-rules" | "-C" | "--check" | "-h"
            | "--help" | "-V" | "--version" => {}
            other => {
                let message = format!("unknown command `{other}`");
                self.diags.push(syntax(
                    cmd_span,
                    message,
                    "expected `-A`, `-I`, `-N`, `-P`…",
                ));
            }
        }
    }

    fn needs(&mut self, at: Span, what: &str) {
        let message = format!("the command needs {what}");
        self.diags.push(syntax(at, message, "incomplete"));
    }

    /// `-A CHAIN spec`, `-I CHAIN [N] spec`, `-R CHAIN N spec`.
    fn add(
        &mut self,
        table: usize,
        args: &[Tok],
        span: Span,
        insert: bool,
        replace: bool,
        at: Span,
    ) {
        let Some(name) = args.first() else {
            return self.needs(at, "a chain name");
        };
        let num = if insert || replace {
            numeric(args.get(1))
        } else {
            None
        };
        if replace && num.is_none() {
            return self.needs(at, "a rule number");
        }
        let spec_toks = args.get(1 + usize::from(num.is_some())..).unwrap_or(&[]);
        let spec = rule::parse(self.file, spec_toks, span);
        let chain = self.chain(table, name, span);
        if spec.broken {
            // The line cannot be loaded: report it, keep the chain, leave the rule out.
            return self.diags.extend(spec.diags);
        }
        let missing = Diagnostic::new(
            Code::UnknownObject,
            format!("chain `{}` has no rule {}", name.text, num.unwrap_or(0)),
        )
        .at(at, "no such rule")
        .help("number rules from 1, up to the length of the chain");
        let Some(c) = self.chain_mut(table, chain) else {
            return;
        };
        let pos = num.unwrap_or(1).saturating_sub(1);
        if replace {
            match c.rules.get_mut(pos) {
                Some(slot) => *slot = spec,
                None => self.table_diag(table, missing),
            }
        } else if insert {
            if pos <= c.rules.len() {
                c.rules.insert(pos, spec);
            } else {
                self.table_diag(table, missing);
            }
        } else {
            c.rules.push(spec);
        }
    }

    /// `-D CHAIN N` or `-D CHAIN spec`.
    fn delete(&mut self, table: usize, args: &[Tok], span: Span, at: Span) {
        let Some(name) = args.first() else {
            return self.needs(at, "a chain name");
        };
        let rest = args.get(1..).unwrap_or(&[]);
        let chain = self.chain(table, name, span);
        let Some(c) = self.chain_mut(table, chain) else {
            return;
        };
        let pos = match (rest.len(), numeric(rest.first())) {
            (1, Some(n)) => n.checked_sub(1).filter(|&p| p < c.rules.len()),
            _ => {
                let key: Vec<&str> = rest.iter().map(|t| t.text.as_str()).collect();
                c.rules.iter().position(|r| r.key == key)
            }
        };
        match pos {
            Some(p) => {
                c.rules.remove(p);
            }
            None => {
                let d = Diagnostic::new(
                    Code::UnknownObject,
                    format!("chain `{}` has no such rule to delete", name.text),
                )
                .at(span, "nothing deleted")
                .help("delete a rule that exists, written as it was appended");
                self.table_diag(table, d);
            }
        }
    }

    /// `-P CHAIN ACCEPT|DROP`.
    fn policy(&mut self, table: usize, args: &[Tok], span: Span, at: Span) {
        let (Some(name), Some(target)) = (args.first(), args.get(1)) else {
            return self.needs(at, "a chain name and a policy");
        };
        let action = match target.text.as_str() {
            "ACCEPT" => Action::Accept,
            "DROP" => Action::Drop,
            other => {
                let message = format!("invalid chain policy `{other}`");
                let at = self.span(target);
                self.diags
                    .push(syntax(at, message, "expected `ACCEPT` or `DROP`"));
                return;
            }
        };
        let chain = self.chain(table, name, span);
        let name_span = self.span(name);
        let Some(c) = self.chain_mut(table, chain) else {
            return;
        };
        if c.builtin {
            c.policy = Some((action, span));
        } else {
            let d = Diagnostic::new(
                Code::FirewallUnsupported,
                format!(
                    "a policy on user-defined chain `{}` has no effect",
                    name.text
                ),
            )
            .at(name_span, "not a built-in chain")
            .help("only built-in chains have a policy; end the chain with an explicit rule");
            self.table_diag(table, d);
        }
    }

    /// `-E OLD NEW`: the chain and every jump to it.
    fn rename(&mut self, table: usize, args: &[Tok], at: Span) {
        let (Some(old), Some(new)) = (args.first(), args.get(1)) else {
            return self.needs(at, "the old and the new chain name");
        };
        let Some(i) = self.find(table, &old.text) else {
            let span = self.span(old);
            let d = Diagnostic::new(
                Code::UnknownObject,
                format!("chain `{}` is not defined", old.text),
            )
            .at(span, "nothing renamed")
            .help("rename a chain that exists");
            return self.table_diag(table, d);
        };
        let Some(t) = self.tables.get_mut(table) else {
            return;
        };
        if let Some(c) = t.chains.get_mut(i) {
            c.name.clone_from(&new.text);
        }
        for c in &mut t.chains {
            for r in &mut c.rules {
                if let Some(p) = r.target.as_mut().filter(|p| p.name == old.text) {
                    p.name.clone_from(&new.text);
                }
            }
        }
    }

    /// The rulesets of every table but `nat` (which does not filter), with jumps resolved.
    pub(super) fn finish(mut self) -> (Vec<Ruleset>, Vec<Diagnostic>) {
        let mut out = Vec::new();
        let mut diags = std::mem::take(&mut self.diags);
        if let (Some(name), Some(span)) = (&self.current, self.opened) {
            // A truncated file: `iptables-restore` applies nothing of a table never committed.
            diags.push(
                Diagnostic::new(
                    Code::FirewallSyntax,
                    format!("table `{name}` is never committed: no `COMMIT` line follows it"),
                )
                .at(span, "opened here")
                .help("`iptables-restore` refuses a table without `COMMIT`; the file may be truncated. Its rules are still checked"),
            );
        }
        for t in self.tables {
            if t.name == "nat" || values::builtin_chains(&t.name).is_none() {
                // `nat` does not filter; an unknown table was reported when it was opened.
                diags.extend(
                    t.diags
                        .into_iter()
                        .filter(|d| d.code == Code::FirewallSyntax),
                );
                continue;
            }
            diags.extend(t.diags);
            let names: Vec<String> = t.chains.iter().map(|c| c.name.clone()).collect();
            for c in t.chains {
                let mut rules = Vec::new();
                for spec in c.rules {
                    let mut r = spec.rule;
                    diags.extend(spec.diags);
                    if let Some(p) = spec.target {
                        let full = format!("{}{}/{}", t.prefix, t.name, p.name);
                        if names.contains(&p.name) {
                            r.action = if p.goto {
                                Action::Goto(full)
                            } else {
                                Action::Jump(full)
                            };
                        } else {
                            let flag = if p.goto { "-g" } else { "-j" };
                            r.unsupported.push((format!("{flag} {}", p.name), p.span));
                            r.action = Action::Other(p.name.clone());
                            diags.push(
                                Diagnostic::new(
                                    Code::UnknownObject,
                                    format!("chain `{}` is not defined", p.name),
                                )
                                .at(p.span, "no such chain or target")
                                .help(format!(
                                    "declare the chain with `-N {}`, or fix the target name",
                                    p.name
                                )),
                            );
                        }
                    }
                    rules.push(r);
                }
                let default = match (&c.policy, c.builtin) {
                    (Some((a, _)), _) => a.clone(),
                    (None, true) => Action::Accept,
                    (None, false) => Action::Return,
                };
                out.push(Ruleset {
                    name: format!("{}{}/{}", t.prefix, t.name, c.name),
                    span: c.span,
                    attach: if c.builtin {
                        vec![c.name.to_ascii_lowercase()]
                    } else {
                        Vec::new()
                    },
                    default_action: default,
                    default_span: c.policy.map(|(_, s)| s),
                    rules,
                });
            }
        }
        diags.sort_by_key(|d| d.span.map(|s| (s.start, s.end)));
        (out, diags)
    }
}

/// The start of a line for a message.
fn clip(toks: &[Tok]) -> String {
    let text: Vec<&str> = toks.iter().map(|t| t.text.as_str()).collect();
    let text = text.join(" ");
    match text.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", text.get(..i).unwrap_or_default()),
        None => text,
    }
}
