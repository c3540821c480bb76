//! iptables adapter: `iptables-save` / `ip6tables-save` output, `iptables -S` listings and
//! `iptables …` command lines.
//!
//! Every chain of the `filter`, `mangle`, `raw` and `security` tables becomes a ruleset named
//! `table/CHAIN` (`filter/INPUT`); built-in chains are attached to their hook (`input`) and
//! default to their policy, user chains default to `return`. The `nat` table is read but not
//! reported: it rewrites addresses and does not filter.
//!
//! Modelled: `-s`/`-d` (CIDR, netmask, comma lists, `!`), `-p`, `-i`/`-o` (a negated
//! interface is written `!eth0`), `--sport`/`--dport`, `-m multiport`, `-m state`/`-m
//! conntrack --ctstate`, `-m iprange`, `-m comment`, `-4`/`-6`, and the targets `ACCEPT`,
//! `DROP`, `REJECT`, `RETURN`, user chains (`-j`, `-g`), `LOG`/`NFLOG` (continue and log)
//! and the targets that do not decide (`MARK`, `CT`…: continue). Every other match (`-m
//! recent`, `--tcp-flags`, `--icmp-type`…) is recorded in `Rule::unsupported` with a warning:
//! the rule may match fewer packets than its sets say.
//!
//! Decisions:
//! - `-m limit` is recorded as unsupported, with a warning, like any other unmodelled match:
//!   over the rate the rule does not match, so its sets say too much.
//! - Addresses negate within their own family (`! -s 10.0.0.0/8` is every other IPv4
//!   address, `! -s fd00::/8` every other IPv6 one), so `iptables-save` and `ip6tables-save`
//!   output read alike. An address dimension the rule does not constrain is "any".
//! - A jump names the ruleset: `-j DOCKER` in `*filter` is `Action::Jump("filter/DOCKER")`.
//!   A target that is neither a chain of the table nor an iptables target gets an
//!   `unknown-object` warning and `Action::Other`.
//! - Commands are replayed as `iptables-restore` would: `-I` inserts, `-D`/`-R`/`-F`/`-X`/`-E`
//!   change what earlier lines built; `-L`, `-S`, `-C`, `-Z` change nothing. A line with a
//!   syntax error is reported and left out. `ip6tables …` command lines fill separate
//!   tables, named `ip6:filter/INPUT`.

mod lex;
mod rule;
mod tables;
mod values;

use crate::firewall::model::{Config, Vendor};
use crate::firewall::Parsed;
use crate::source::FileId;

/// Whether `text` looks like iptables input: its first significant line is a `*table`
/// header, a `:CHAIN POLICY` declaration, an iptables command (`-A`, `-P`, `-N`…) or an
/// `iptables …` command line.
pub fn sniff(text: &str) -> bool {
    let Some(line) = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
    else {
        return false;
    };
    if let Some(table) = line.strip_prefix('*') {
        return values::builtin_chains(table.trim()).is_some();
    }
    let mut words = line.split_whitespace();
    let first = words.next().unwrap_or_default();
    let second = words.next().unwrap_or_default();
    if let Some(chain) = first.strip_prefix(':') {
        return !chain.is_empty() && matches!(second, "ACCEPT" | "DROP" | "-");
    }
    if tables::is_command_word(first) {
        return second.starts_with('-');
    }
    let command = matches!(
        first,
        "-A" | "--append"
            | "-I"
            | "--insert"
            | "-N"
            | "--new-chain"
            | "-P"
            | "--policy"
            | "-F"
            | "--flush"
            | "-X"
            | "--delete-chain"
            | "-D"
            | "--delete"
            | "-R"
            | "--replace"
            | "-E"
            | "--rename-chain"
            | "-t"
            | "--table"
    );
    command && !second.is_empty() && !second.starts_with('-')
}

/// Parses a whole file. Never fails, never panics.
pub fn parse(file: FileId, text: &str) -> Parsed {
    let mut restore = tables::Restore::new(file);
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let body = raw.trim_end_matches(['\n', '\r']);
        let lead = body.len() - body.trim_start().len();
        restore.line(body.trim(), offset + lead);
        offset += raw.len();
    }
    let (rulesets, diagnostics) = restore.finish();
    Parsed {
        config: Config {
            vendor: Vendor::Iptables,
            rulesets,
            interfaces: Vec::new(),
            hostname: None,
        },
        diagnostics,
    }
}
