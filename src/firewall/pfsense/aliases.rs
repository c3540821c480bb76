//! Aliases (`<aliases><alias>` and OPNsense's `<Firewall><Alias>`) and the resolution of the
//! address and port tokens rules use: IPs, CIDRs, ranges, interface keywords, aliases (nested,
//! with OPNsense's `!` exclusions), port numbers, ranges and port aliases.

use std::cell::RefCell;
use std::collections::HashMap;

use roxmltree::Node;

use crate::firewall::model::service_port;
use crate::firewall::sets::{AddrSet, PortSet};

use super::ifaces::Ifaces;
use super::{xml, Problem};

/// How deep aliases may nest (the recursion's stack depth).
const MAX_DEPTH: usize = 64;

/// pf tables pfSense and OPNsense fill at run time.
const TABLES: &[&str] = &[
    "bogons",
    "bogonsv6",
    "virusprot",
    "sshguard",
    "sshlockout",
    "webConfiguratorlockout",
];

#[derive(Clone, Debug)]
enum Kind {
    Addr,
    Port,
    /// Contents known only at run time (`url`, `urltable`, `geoip`…), with the type.
    Dynamic(String),
}

#[derive(Clone, Debug)]
struct Alias {
    kind: Kind,
    entries: Vec<String>,
}

/// A resolved alias: addresses (per family universe) or ports, with what was not exact.
#[derive(Clone, Debug)]
enum Memo {
    Addr(AddrSet, Vec<Problem>),
    Port(PortSet, Vec<Problem>),
}

#[derive(Debug, Default)]
pub(super) struct Aliases {
    map: HashMap<String, Alias>,
    /// Each alias is expanded once per universe (nesting cannot blow up).
    memo: RefCell<HashMap<(String, u8), Memo>>,
    /// Aliases being expanded, to catch cycles.
    open: RefCell<Vec<String>>,
}

/// A key for the family universe (`any_v4`, `any_v6`, `any`); 0 for ports.
fn family_key(u: &AddrSet) -> u8 {
    u8::from(!u.v4.is_empty()) + 2 * u8::from(!u.v6.is_empty()) + 1
}

fn dedup(problems: &mut Vec<Problem>) {
    let mut seen = Vec::new();
    problems.retain(|p| {
        let fresh = !seen.contains(p);
        if fresh {
            seen.push(p.clone());
        }
        fresh
    });
}

impl Aliases {
    pub(super) fn read(root: Node<'_, '_>) -> Aliases {
        let mut out = Aliases::default();
        let legacy = xml::child(root, "aliases");
        let mvc = xml::path(root, &["OPNsense", "Firewall", "Alias", "aliases"]);
        for list in [legacy, mvc].into_iter().flatten() {
            for a in xml::children(list, "alias") {
                let Some(name) = xml::nonempty(a, "name") else {
                    continue;
                };
                let ty = xml::child_text(a, "type").unwrap_or_default();
                let kind = match ty.as_str() {
                    "host" | "network" | "networkgroup" | "" => Kind::Addr,
                    "port" => Kind::Port,
                    _ => Kind::Dynamic(ty),
                };
                let content = xml::child_text(a, "address")
                    .or_else(|| xml::child_text(a, "content"))
                    .unwrap_or_default();
                let entries = content.split_whitespace().map(str::to_string).collect();
                out.map.insert(name, Alias { kind, entries });
            }
        }
        out
    }

    /// A comma- or space-separated list of address tokens, within `universe`.
    pub(super) fn addrs(
        &self,
        list: &str,
        universe: &AddrSet,
        ifaces: &Ifaces,
    ) -> (AddrSet, Vec<Problem>) {
        let mut set = AddrSet::empty();
        let mut problems = Vec::new();
        for tok in list.split([',', ' ', '\n']).filter(|t| !t.is_empty()) {
            let (s, p) = self.addr(tok, universe, ifaces, 0);
            set = set.union(&s);
            problems.extend(p);
        }
        dedup(&mut problems);
        (set, problems)
    }

    fn addr(
        &self,
        tok: &str,
        universe: &AddrSet,
        ifaces: &Ifaces,
        depth: usize,
    ) -> (AddrSet, Vec<Problem>) {
        let tok = tok.trim();
        if tok == "any" {
            return (universe.clone(), Vec::new());
        }
        if let Some(r) = ifaces.keyword(tok, universe) {
            return r;
        }
        if let Some(a) = AddrSet::parse(tok) {
            return (a.intersect(universe), Vec::new());
        }
        let unsupported = |what: String| (universe.clone(), vec![Problem::Unsupported(what)]);
        if TABLES.contains(&tok) {
            return unsupported(format!("the run-time table `{tok}`"));
        }
        let Some(alias) = self.map.get(tok) else {
            if depth > 0 && tok.contains('.') {
                let what = format!("the host name `{tok}` (resolved at run time)");
                return (AddrSet::empty(), vec![Problem::Unsupported(what)]);
            }
            let what = format!("alias or network `{tok}`");
            return (universe.clone(), vec![Problem::Unknown(what)]);
        };
        let key = (tok.to_string(), family_key(universe));
        if let Some(Memo::Addr(s, p)) = self.memo.borrow().get(&key) {
            return (s.clone(), p.clone());
        }
        if depth >= MAX_DEPTH || self.open.borrow().iter().any(|o| o == tok) {
            return unsupported(format!("the self-containing alias `{tok}`"));
        }
        let out = match &alias.kind {
            Kind::Port => unsupported(format!("the port alias `{tok}` used as an address")),
            Kind::Dynamic(ty) => unsupported(format!("the `{ty}` alias `{tok}`")),
            Kind::Addr => {
                self.open.borrow_mut().push(tok.to_string());
                let (mut set, mut excluded) = (AddrSet::empty(), AddrSet::empty());
                let mut problems = Vec::new();
                for e in &alias.entries {
                    let (neg, e) = e
                        .strip_prefix('!')
                        .map_or((false, e.as_str()), |r| (true, r));
                    let (s, p) = self.addr(e, universe, ifaces, depth + 1);
                    if neg {
                        excluded = excluded.union(&s);
                    } else {
                        set = set.union(&s);
                    }
                    problems.extend(p);
                }
                self.open.borrow_mut().pop();
                dedup(&mut problems);
                (set.difference(&excluded), problems)
            }
        };
        let memo = Memo::Addr(out.0.clone(), out.1.clone());
        self.memo.borrow_mut().insert(key, memo);
        out
    }

    /// A comma-separated list of port tokens.
    pub(super) fn ports(&self, list: &str) -> (PortSet, Vec<Problem>) {
        let mut set = PortSet::empty();
        let mut problems = Vec::new();
        for tok in list.split([',', ' ']).filter(|t| !t.is_empty()) {
            let (s, p) = self.port(tok, 0);
            set = set.union(&s);
            problems.extend(p);
        }
        dedup(&mut problems);
        if set.is_empty() && problems.is_empty() {
            return (PortSet::full(), problems);
        }
        (set, problems)
    }

    fn port(&self, tok: &str, depth: usize) -> (PortSet, Vec<Problem>) {
        if tok == "any" {
            return (PortSet::full(), Vec::new());
        }
        let unsupported = |what: String| (PortSet::full(), vec![Problem::Unsupported(what)]);
        let Some(alias) = self.map.get(tok) else {
            if let Some(p) = port_range(tok) {
                return (p, Vec::new());
            }
            let what = format!("port or port alias `{tok}`");
            return (PortSet::full(), vec![Problem::Unknown(what)]);
        };
        let key = (tok.to_string(), 0);
        if let Some(Memo::Port(s, p)) = self.memo.borrow().get(&key) {
            return (s.clone(), p.clone());
        }
        if depth >= MAX_DEPTH || self.open.borrow().iter().any(|o| o == tok) {
            return unsupported(format!("the self-containing alias `{tok}`"));
        }
        let out = match &alias.kind {
            Kind::Addr => unsupported(format!("the address alias `{tok}` used as a port")),
            Kind::Dynamic(ty) => unsupported(format!("the `{ty}` alias `{tok}`")),
            Kind::Port => {
                self.open.borrow_mut().push(tok.to_string());
                let mut set = PortSet::empty();
                let mut problems = Vec::new();
                for e in &alias.entries {
                    let (s, p) = self.port(e, depth + 1);
                    set = set.union(&s);
                    problems.extend(p);
                }
                self.open.borrow_mut().pop();
                dedup(&mut problems);
                (set, problems)
            }
        };
        let memo = Memo::Port(out.0.clone(), out.1.clone());
        self.memo.borrow_mut().insert(key, memo);
        out
    }
}

/// `80`, `http`, `1000-2000`, `1000:2000`.
fn port_range(tok: &str) -> Option<PortSet> {
    let one = |s: &str| service_port(s.trim());
    if let Some(p) = one(tok) {
        return Some(PortSet::single(p, p));
    }
    let (lo, hi) = tok.split_once('-').or_else(|| tok.split_once(':'))?;
    Some(PortSet::single(one(lo)?, one(hi)?))
}
