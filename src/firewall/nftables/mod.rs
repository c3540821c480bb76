//! nftables adapter: `nft list ruleset` output and `nft -f` scripts.
//!
//! Every chain becomes a ruleset named `family table chain` (`inet filter input`). A base
//! chain is attached to its hook and defaults to its policy (accept if none is written); a
//! regular chain defaults to `return`. Chains of type `nat`, and the regular chains only
//! they reach, are read but not reported: they rewrite addresses and do not filter.
//!
//! Modelled: `ip`/`ip6 saddr`/`daddr`, `tcp`/`udp`/`sctp`/`dccp`/`th sport`/`dport`, `ip
//! protocol`, `ip6 nexthdr`, `meta l4proto`, `meta nfproto`, `ct state`, `iifname`/`oifname`/
//! `iif`/`oif` (a negated interface is written `!eth0`), with `==`/`!=`, comparisons on
//! ports, prefixes, ranges, anonymous sets and named sets of the same table; verdicts
//! (`accept`, `drop`, `reject`, `return`, `continue`, `jump`, `goto`), `log` (a rule with
//! `log` and no verdict continues), `counter` and `comment`; verdict maps and concatenated
//! sets (expanded to one rule per element). Anything else (`fib`, `icmp type`, `tcp flags`,
//! `meta mark`, NAT and `queue` statements…) is recorded in `Rule::unsupported` with a
//! warning.
//!
//! Decisions:
//! - `limit rate` and `quota` are recorded as unsupported, with a warning: over the rate the
//!   rule does not match, so its sets say too much.
//! - A selector implies its family and protocol: `ip saddr …` in an `inet` table narrows the
//!   rule to IPv4 (its addresses become `0.0.0.0/0`, not "any"), `tcp dport` to tcp, `th
//!   dport` to tcp/udp/udplite/sctp/dccp. `!=` complements within the selector's family.
//! - A jump names the ruleset: `jump web` in `table inet filter` is
//!   `Action::Jump("inet filter web")`. A missing chain, set or variable gets an
//!   `unknown-object` warning and makes the rule unsupported.
//! - `define` variables are substituted; `include` is reported and not followed; rules
//!   placed by handle (`add rule … handle 4 …`) are appended, with a warning.
//! - A statement that only changes the packet (`meta mark set`, `ct mark set`, `notrack`,
//!   `counter`, adding to a set) neither matches nor decides, so it is ignored.

mod apply;
mod commands;
mod expr;
mod lex;
mod rule;
mod script;
mod values;

use crate::diag::{Code, Diagnostic};
use crate::firewall::model::{Action, Config, Ruleset, Vendor};
use crate::firewall::Parsed;
use crate::source::{FileId, Span};

/// Whether `text` looks like nftables: its first significant line opens a `table`, is an
/// `nft -f` command (`add table`, `add rule`, `flush ruleset`…), a `define` or an
/// `include`.
pub fn sniff(text: &str) -> bool {
    let Some(line) = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
    else {
        return false;
    };
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        ["table", fam, _name, ..] if script::FAMILIES.contains(fam) => true,
        ["table", _name, "{", ..] => true,
        ["add" | "create" | "insert" | "flush" | "delete" | "destroy", what, ..] => matches!(
            *what,
            "table"
                | "chain"
                | "rule"
                | "set"
                | "map"
                | "element"
                | "ruleset"
                | "counter"
                | "quota"
                | "flowtable"
        ),
        ["define", _name, "=", ..] => true,
        ["include", path, ..] => path.starts_with('"'),
        _ => false,
    }
}

/// Parses a whole file. Never fails, never panics.
pub fn parse(file: FileId, text: &str) -> Parsed {
    let (toks, errors) = lex::tokens(text);
    let toks = lex::substitute(toks);
    let mut reader = script::Reader::new(file, &toks);
    reader.run();
    let mut diagnostics: Vec<Diagnostic> = errors
        .into_iter()
        .map(|(start, end, message)| {
            Diagnostic::new(Code::FirewallSyntax, message)
                .at(Span::new(file, start, end), "opened here")
                .help("close the string with `\"` on the same line")
        })
        .collect();
    diagnostics.append(&mut reader.diags);
    let mut rulesets = Vec::new();
    for table in &reader.tables {
        rulesets.extend(table_rulesets(file, table, &mut diagnostics));
    }
    diagnostics.sort_by_key(|d| d.span.map(|s| (s.start, s.end)));
    Parsed {
        config: Config {
            vendor: Vendor::Nftables,
            rulesets,
            interfaces: Vec::new(),
            hostname: None,
        },
        diagnostics,
    }
}

/// The chains of `table` as rulesets, but for the NAT chains and those only they reach.
fn table_rulesets(
    file: FileId,
    table: &script::Table,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Ruleset> {
    let built: Vec<Vec<rule::Built>> = table
        .chains
        .iter()
        .map(|c| {
            c.rules
                .iter()
                .map(|s| rule::build(file, table, s))
                .collect()
        })
        .collect();
    let targets = |i: usize| -> Vec<usize> {
        built
            .get(i)
            .into_iter()
            .flatten()
            .flat_map(|b| b.targets.iter())
            .filter_map(|name| table.chains.iter().position(|c| c.name == *name))
            .collect()
    };
    let closure = |roots: Vec<usize>| -> Vec<bool> {
        let mut seen = vec![false; table.chains.len()];
        let mut todo = roots;
        while let Some(i) = todo.pop() {
            if let Some(slot) = seen.get_mut(i).filter(|s| !**s) {
                *slot = true;
                todo.extend(targets(i));
            }
        }
        seen
    };
    let is_nat = |i: usize| {
        table
            .chains
            .get(i)
            .and_then(|c| c.base.as_ref())
            .is_some_and(|(kind, _)| kind == "nat")
    };
    let nat = closure((0..table.chains.len()).filter(|&i| is_nat(i)).collect());
    let kept = closure(
        (0..table.chains.len())
            .filter(|&i| !nat.get(i).copied().unwrap_or(false))
            .collect(),
    );
    let mut out = Vec::new();
    for ((i, chain), built) in table.chains.iter().enumerate().zip(built) {
        if !kept.get(i).copied().unwrap_or(true) {
            continue;
        }
        let mut rules = Vec::new();
        for b in built {
            rules.extend(b.rules);
            diags.extend(b.diags);
        }
        let (default_action, default_span) = match (&chain.base, &chain.policy) {
            (Some(_), Some((p, span))) => (
                if p == "drop" {
                    Action::Drop
                } else {
                    Action::Accept
                },
                Some(*span),
            ),
            (Some(_), None) => (Action::Accept, None),
            (None, _) => (Action::Return, None),
        };
        out.push(Ruleset {
            name: format!("{} {} {}", table.family, table.name, chain.name),
            span: chain.span,
            attach: chain
                .base
                .iter()
                .filter(|(_, hook)| !hook.is_empty())
                .map(|(_, hook)| hook.clone())
                .collect(),
            default_action,
            default_span,
            rules,
        });
    }
    out
}
