//! The pass over a Cisco configuration: access lists, groups, interfaces, attachments.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

use indexmap::IndexMap;

use crate::diag::{Code, Diagnostic};
use crate::firewall::model::{Action, Config, Interface, Ruleset, Vendor};
use crate::firewall::sets::AddrSet;
use crate::firewall::Parsed;
use crate::source::{FileId, Span};

use super::addr::MaskKind;
use super::entry::{self, AclCx, Cx, Entry, Kind};
use super::groups::{self, RawGroup, Resolver};
use super::lines::{self, rest_text, Block, Line, Tok};
use super::{syntax, Dialect};

mod attach;

/// Access-list namespaces: IPv4 (`access-list`, `ip access-list`) and IPv6.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
enum Ns {
    V4,
    V6,
}

struct Acl<'a> {
    cx: AclCx,
    span: Span,
    entries: Vec<Entry<'a>>,
    remarks: Vec<String>,
}

/// A reference to an access list from an interface, a line or an `access-group`.
struct Attach {
    ns: Ns,
    acl: String,
    at: String,
    span: Span,
}

struct Iface {
    span: Span,
    zone: Option<String>,
    nameif: Option<String>,
    level: Option<u8>,
    /// The connected networks.
    addrs: AddrSet,
    /// The interface's own addresses.
    own: AddrSet,
}

struct Reader<'a> {
    file: FileId,
    text: &'a str,
    dialect: Dialect,
    hostname: Option<String>,
    acls: IndexMap<(Ns, String), Acl<'a>>,
    groups: IndexMap<String, RawGroup<'a>>,
    names: HashMap<String, IpAddr>,
    ifaces: IndexMap<String, Iface>,
    attach: Vec<Attach>,
    management: IndexMap<String, Ruleset>,
    warned: HashSet<&'static str>,
    diags: Vec<Diagnostic>,
}

/// Reads a whole file in `dialect`. Never fails.
pub(crate) fn parse(file: FileId, text: &str, dialect: Dialect) -> Parsed {
    let mut r = Reader {
        file,
        text,
        dialect,
        hostname: None,
        acls: IndexMap::new(),
        groups: IndexMap::new(),
        names: HashMap::new(),
        ifaces: IndexMap::new(),
        attach: Vec::new(),
        management: IndexMap::new(),
        warned: HashSet::new(),
        diags: Vec::new(),
    };
    for b in lines::blocks(text, dialect == Dialect::Ios) {
        r.block(&b);
    }
    r.finish()
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

impl<'a> Reader<'a> {
    fn block(&mut self, b: &Block<'a>) {
        let h = &b.head;
        let w: Vec<String> = (0..4).map(|i| h.word(i)).collect();
        let word = |i: usize| w.get(i).map_or("", String::as_str);
        let span = h.span(self.file);
        match (word(0), word(1)) {
            ("hostname", _) => self.hostname = h.toks.get(1).map(|t| t.text.to_string()),
            ("interface", _) => self.interface(b),
            ("access-list", _) => self.access_list(b),
            ("ip" | "ipv4" | "ipv6", "access-list") => self.named_acl(b),
            ("object-group", _) | ("object", "network" | "service") => self.group(b),
            ("access-group", _) => self.access_group(h),
            ("no", _) => self.no(h, 1),
            ("clear", "configure") => self.no(h, 2),
            ("line", _) => self.line(b),
            ("name", _) => {
                if let (Some(a), Some(n)) = (h.toks.get(1), h.toks.get(2)) {
                    if let Ok(ip) = a.text.parse::<IpAddr>() {
                        self.names.insert(n.text.to_string(), ip);
                    }
                }
            }
            ("ssh" | "telnet" | "http", _) if self.dialect == Dialect::Asa => self.management(h),
            ("zone-pair", _) => self.warn_once("zone-based firewall policy (`zone-pair`)", span),
            ("policy-map", "type") if word(2) == "inspect" => {
                self.warn_once(
                    "zone-based firewall action (`policy-map type inspect`)",
                    span,
                );
            }
            ("class-map", "type") if word(2) == "inspect" => {
                self.warn_once("zone-based firewall class (`class-map type inspect`)", span);
            }
            ("ip", "inspect") => self.warn_once("stateful inspection (`ip inspect`)", span),
            ("same-security-traffic", _) => {
                self.warn_once("security-level exemption (`same-security-traffic`)", span);
            }
            ("mac", "access-list") => self.warn_once("MAC access list (`mac access-list`)", span),
            _ => {}
        }
    }

    /// One warning per kind of construct that is not modelled and is not part of a rule.
    fn warn_once(&mut self, what: &'static str, span: Span) {
        if self.warned.insert(what) {
            self.diags.push(
                Diagnostic::new(
                    Code::FirewallUnsupported,
                    format!("{what} is not modelled; the traffic it controls is not analysed"),
                )
                .at(span, "not modelled")
                .help("review this part of the configuration by hand"),
            );
        }
    }

    fn acl(&mut self, ns: Ns, name: &str, span: Span) -> &mut Acl<'a> {
        let (universe, v6) = match (ns, self.dialect) {
            (Ns::V6, _) => (AddrSet::any_v6(), true),
            (Ns::V4, Dialect::Ios) => (AddrSet::any_v4(), false),
            (Ns::V4, Dialect::Asa) => (AddrSet::any(), false),
        };
        let mask = match self.dialect {
            Dialect::Ios => MaskKind::Wildcard,
            Dialect::Asa => MaskKind::Netmask,
        };
        let acl = self
            .acls
            .entry((ns, name.to_string()))
            .or_insert_with(|| Acl {
                cx: AclCx { universe, mask, v6 },
                span,
                entries: Vec::new(),
                remarks: Vec::new(),
            });
        acl.span = acl.span.to(span);
        acl
    }

    /// `access-list NAME …` (numbered IOS lists, IOS/ASA named lists with a type word).
    fn access_list(&mut self, b: &Block<'a>) {
        let h = &b.head;
        let Some(name) = h.toks.get(1).map(|t| t.text) else {
            return;
        };
        let mut i = 2;
        let mut seq = None;
        if h.word(2) == "line" && is_number(&h.word(3)) {
            seq = Some(format!("line {}", h.word(3)));
            i = 4;
        }
        let numbered = match self.dialect {
            Dialect::Ios => name.parse::<u32>().ok(),
            Dialect::Asa => None,
        };
        let (kind, from) = match (h.word(i).as_str(), numbered) {
            ("remark", _) => (Kind::Extended, i),
            ("standard", _) => (Kind::Standard, i + 1),
            ("extended", _) => (Kind::Extended, i + 1),
            (w @ ("webtype" | "ethertype"), _) => {
                (Kind::Other(format!("an `{w}` access-list entry")), i + 1)
            }
            ("permit" | "deny" | "dynamic" | "evaluate", Some(n)) => (
                match n {
                    1..=99 | 1300..=1999 => Kind::Standard,
                    100..=199 | 2000..=2699 => Kind::Extended,
                    _ => Kind::Other(format!("access list number `{n}` (not an IP list)")),
                },
                i,
            ),
            ("permit" | "deny" | "dynamic" | "evaluate", None) => (Kind::Extended, i),
            _ => return,
        };
        let span = h.span(self.file);
        let key = (Ns::V4, name.to_string());
        self.acl(Ns::V4, name, span);
        let rest = h.toks.get(from..).unwrap_or(&[]);
        if !rest.is_empty() {
            self.acl_line(&key, rest, &kind, span, seq);
        }
        for c in &b.children {
            self.acl_line(&key, &c.toks, &kind, c.span(self.file), None);
        }
    }

    /// `ip access-list [standard|extended] NAME`, `ipv6 access-list NAME`, NX-OS and IOS-XR
    /// `ip|ipv4 access-list NAME`, with entries below (or inline, as old ASA IPv6 lists).
    fn named_acl(&mut self, b: &Block<'a>) {
        let h = &b.head;
        let ns = if h.word(0) == "ipv6" { Ns::V6 } else { Ns::V4 };
        let (kind, at) = match h.word(2).as_str() {
            "standard" => (Kind::Standard, 3),
            "extended" => (Kind::Extended, 3),
            "role-based" => {
                self.warn_once(
                    "role-based access list (`ip access-list role-based`)",
                    h.span(self.file),
                );
                return;
            }
            "logging"
            | "resequence"
            | "log-update"
            | "persistent"
            | "match-local-traffic"
            | "counters"
            | "" => return,
            _ => (Kind::Extended, 2),
        };
        let Some(name) = h.toks.get(at).map(|t| t.text) else {
            return;
        };
        let span = h.span(self.file);
        let key = (ns, name.to_string());
        self.acl(ns, name, span);
        let mut rest = h.toks.get(at + 1..).unwrap_or(&[]);
        let mut seq = None;
        if h.word(at + 1) == "line" && is_number(&h.word(at + 2)) {
            seq = Some(format!("line {}", h.word(at + 2)));
            rest = rest.get(2..).unwrap_or(&[]);
        }
        if !rest.is_empty() {
            self.acl_line(&key, rest, &kind, span, seq);
        }
        for c in &b.children {
            self.acl_line(&key, &c.toks, &kind, c.span(self.file), None);
        }
    }

    /// One entry, remark or list subcommand.
    fn acl_line(
        &mut self,
        key: &(Ns, String),
        toks: &[Tok<'a>],
        kind: &Kind,
        span: Span,
        seq: Option<String>,
    ) {
        let file = self.file;
        let text = self.text;
        let mut toks = toks;
        let mut name = seq;
        let word = |t: &[Tok<'_>], i: usize| {
            t.get(i)
                .map(|t| t.text.to_ascii_lowercase())
                .unwrap_or_default()
        };
        if word(toks, 0) == "sequence" && is_number(&word(toks, 1)) {
            name = Some(word(toks, 1));
            toks = toks.get(2..).unwrap_or(&[]);
        } else if is_number(&word(toks, 0)) && toks.len() > 1 {
            name = Some(word(toks, 0));
            toks = toks.get(1..).unwrap_or(&[]);
        }
        let mut notes = Vec::new();
        if word(toks, 0) == "dynamic" {
            let n = if word(toks, 2) == "timeout" { 4 } else { 2 };
            let dynamic = toks.get(..n.min(toks.len())).unwrap_or(&[]);
            notes.push((
                "a `dynamic` (lock-and-key) entry".to_string(),
                lines::span_of(file, dynamic),
            ));
            toks = toks.get(n..).unwrap_or(&[]);
        }
        let Some(acl) = self.acls.get_mut(key) else {
            return;
        };
        acl.span = acl.span.to(span);
        match word(toks, 0).as_str() {
            "remark" => {
                let t = rest_text(text, toks.get(1..).unwrap_or(&[])).trim();
                if !t.is_empty() {
                    acl.remarks.push(t.to_string());
                }
            }
            "permit" | "deny" | "evaluate" => {
                let comment = (!acl.remarks.is_empty()).then(|| acl.remarks.join("\n"));
                acl.remarks.clear();
                acl.entries.push(Entry {
                    toks: toks.to_vec(),
                    span,
                    kind: kind.clone(),
                    comment,
                    name,
                    notes,
                });
            }
            "no" => {
                let seq = word(toks, 1);
                if is_number(&seq) {
                    acl.entries
                        .retain(|e| e.name.as_deref() != Some(seq.as_str()));
                }
            }
            "statistics" | "exit" | "end" | "description" | "ignore" | "fragments" => {}
            _ => self
                .diags
                .push(syntax("expected `permit`, `deny` or `remark`", span)),
        }
    }

    fn group(&mut self, b: &Block<'a>) {
        let Some((name, raw)) = groups::declare(&b.head) else {
            return;
        };
        let g = self.groups.entry(name).or_insert(raw);
        g.lines.extend(b.children.iter().cloned());
    }

    /// `no ip access-list extended X`, `no access-list X`, `clear configure access-list X`:
    /// the list is removed (aerleon output starts with these).
    fn no(&mut self, h: &Line<'a>, at: usize) {
        let (ns, name_at) = match (
            h.word(at).as_str(),
            h.word(at + 1).as_str(),
            h.word(at + 2).as_str(),
        ) {
            ("access-list", _, _) => (Ns::V4, at + 1),
            ("ip" | "ipv4" | "ipv6", "access-list", "standard" | "extended") => (Ns::V4, at + 3),
            ("ip" | "ipv4" | "ipv6", "access-list", _) => (Ns::V4, at + 2),
            _ => return,
        };
        let ns = if h.word(at) == "ipv6" { Ns::V6 } else { ns };
        if let Some(n) = h.toks.get(name_at) {
            if h.toks.len() == name_at + 1 {
                self.acls.shift_remove(&(ns, n.text.to_string()));
            }
        }
    }

    fn finish(mut self) -> Parsed {
        let (groups, gdiags) = Resolver::run(&self.groups, &self.names, self.file);
        self.diags.extend(gdiags);
        let mut iface_addrs = HashMap::new();
        let mut interfaces = Vec::new();
        for (name, i) in &self.ifaces {
            iface_addrs.insert(name.clone(), i.own.clone());
            if let Some(n) = &i.nameif {
                iface_addrs.insert(n.clone(), i.own.clone());
            }
            interfaces.push(Interface {
                name: name.clone(),
                zone: i.nameif.clone().or_else(|| i.zone.clone()),
                security_level: i.level,
                addresses: i.addrs.clone(),
                span: i.span,
            });
        }
        let cx = Cx {
            file: self.file,
            asa: self.dialect == Dialect::Asa,
            groups: &groups,
            names: &self.names,
            ifaces: &iface_addrs,
        };
        let v4: HashSet<&str> = self
            .acls
            .keys()
            .filter(|(ns, _)| *ns == Ns::V4)
            .map(|(_, n)| n.as_str())
            .collect();
        let mut rulesets = Vec::new();
        for ((ns, name), acl) in &self.acls {
            let name = match ns {
                Ns::V6 if v4.contains(name.as_str()) => format!("ACL {name} (ipv6)"),
                _ => format!("ACL {name}"),
            };
            let rules = acl
                .entries
                .iter()
                .flat_map(|e| entry::build(&cx, &acl.cx, e, &mut self.diags))
                .collect();
            rulesets.push(Ruleset {
                name,
                span: acl.span,
                attach: Vec::new(),
                default_action: Action::Drop,
                default_span: None,
                rules,
            });
        }
        for a in &self.attach {
            match self.acls.get_index_of(&(a.ns, a.acl.clone())).and_then(|i| rulesets.get_mut(i)) {
                Some(rs) if !rs.attach.contains(&a.at) => rs.attach.push(a.at.clone()),
                Some(_) => {}
                None => self.diags.push(
                    Diagnostic::new(Code::UnknownObject, format!("access list `{}` is not defined", a.acl))
                        .at(a.span, "not defined in this file")
                        .help("define the access list or remove the reference; an undefined list filters nothing"),
                ),
            }
        }
        rulesets.extend(self.management.into_values());
        rulesets.sort_by_key(|r| r.span.start);
        // Group warnings are given at each use: keep one of each.
        self.diags
            .sort_by(|a, b| (a.span, &a.message).cmp(&(b.span, &b.message)));
        self.diags.dedup();
        Parsed {
            config: Config {
                vendor: match self.dialect {
                    Dialect::Ios => Vendor::CiscoIos,
                    Dialect::Asa => Vendor::CiscoAsa,
                },
                rulesets,
                interfaces,
                hostname: self.hostname,
            },
            diagnostics: self.diags,
        }
    }
}
