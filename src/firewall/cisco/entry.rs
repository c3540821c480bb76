//! One access-list entry (`permit tcp any host 10.0.0.5 eq telnet log`) into rules.
//!
//! Extended entries read `PROTO SRC [PORTS] DST [PORTS] [OPTIONS…]`; standard ones `SRC [log]`
//! (the destination on ASA). A service group in the protocol position stands for several
//! protocol/port combinations: they are merged where possible, and otherwise the entry becomes
//! one rule per combination, all with the entry's span (first match is unchanged by this).

use std::collections::HashMap;
use std::net::IpAddr;

use crate::diag::{Code, Diagnostic};
use crate::firewall::model::{Action, Rule};
use crate::firewall::sets::{AddrSet, PortSet, ProtoSet};
use crate::source::{FileId, Span};

use super::addr::{self, MaskKind};
use super::groups::{Group, GroupKind, Svc};
use super::lines::{span_of, Tok};
use super::ports::{self, is_port_op};
use super::{syntax, unsupported_warning};

/// What the file defines, for resolving references.
pub(crate) struct Cx<'c> {
    pub(crate) file: FileId,
    pub(crate) asa: bool,
    pub(crate) groups: &'c HashMap<String, Group>,
    pub(crate) names: &'c HashMap<String, IpAddr>,
    /// The device's own addresses by `nameif` and by interface name (ASA `interface IF`).
    pub(crate) ifaces: &'c HashMap<String, AddrSet>,
}

/// How one access list reads addresses.
#[derive(Clone, Debug)]
pub(crate) struct AclCx {
    /// What `any` means.
    pub(crate) universe: AddrSet,
    pub(crate) mask: MaskKind,
    pub(crate) v6: bool,
}

/// The entry syntax.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Standard,
    Extended,
    /// ASA `ethertype`/`webtype`, IOS MAC or protocol-type numbered lists.
    Other(String),
}

/// One entry as written, from its action word on.
#[derive(Clone, Debug)]
pub(crate) struct Entry<'a> {
    pub(crate) toks: Vec<Tok<'a>>,
    pub(crate) span: Span,
    pub(crate) kind: Kind,
    pub(crate) comment: Option<String>,
    pub(crate) name: Option<String>,
    /// Constructs around the entry that are not modelled (IOS `dynamic` entries).
    pub(crate) notes: Vec<(String, Span)>,
}

/// What the protocol position named.
enum Proto {
    Set(ProtoSet),
    Services(Vec<Svc>),
}

type Fail = (String, Span);

struct P<'c, 'e, 'a> {
    cx: &'c Cx<'c>,
    acl: &'c AclCx,
    toks: &'e [Tok<'a>],
    i: usize,
    rule: Rule,
    diags: &'e mut Vec<Diagnostic>,
}

/// The rules of one entry; syntax errors are pushed to `diags` and give no rule.
pub(crate) fn build(
    cx: &Cx<'_>,
    acl: &AclCx,
    e: &Entry<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Rule> {
    let mut p = P {
        cx,
        acl,
        toks: &e.toks,
        i: 0,
        rule: Rule::any(Action::Accept, e.span),
        diags,
    };
    p.rule.src = acl.universe.clone();
    p.rule.dst = acl.universe.clone();
    p.rule.comment = e.comment.clone();
    p.rule.name = e.name.clone();
    for (what, span) in &e.notes {
        p.unsupported(what.clone(), *span);
    }
    match p.entry(&e.kind) {
        Ok(rules) => rules,
        Err((msg, span)) => {
            p.diags.push(syntax(&msg, span));
            Vec::new()
        }
    }
}

impl<'a> P<'_, '_, 'a> {
    fn word(&self, at: usize) -> String {
        self.toks
            .get(at)
            .map(|t| t.text.to_ascii_lowercase())
            .unwrap_or_default()
    }

    fn next(&mut self, what: &str) -> Result<Tok<'a>, Fail> {
        let t = self.toks.get(self.i).copied().ok_or_else(|| {
            let end = self
                .toks
                .last()
                .map_or(self.rule.span.end as usize, |t| t.end);
            let at = Span::new(self.rule.span.file, end, end);
            (format!("incomplete entry: expected {what}"), at)
        })?;
        self.i += 1;
        Ok(t)
    }

    fn span(&self, from: usize) -> Span {
        span_of(self.cx.file, self.toks.get(from..self.i).unwrap_or(&[]))
    }

    fn unsupported(&mut self, what: String, span: Span) {
        self.diags.push(unsupported_warning(&what, span));
        self.rule.unsupported.push((what, span));
    }

    /// A group by name, or a warning and an `unsupported` mark.
    fn group(&mut self, tok: Tok<'_>) -> Option<Group> {
        let span = tok.span(self.cx.file);
        match self.cx.groups.get(tok.text) {
            Some(g) => {
                self.rule.unsupported.extend(g.unsupported.iter().cloned());
                self.diags.extend(g.diags.iter().cloned());
                Some(g.clone())
            }
            None => {
                self.diags.push(
                    Diagnostic::new(
                        Code::UnknownObject,
                        format!("object `{}` is not defined", tok.text),
                    )
                    .at(span, "not defined in this file")
                    .help("define the object or object group, or fix the name"),
                );
                self.rule
                    .unsupported
                    .push((format!("undefined object `{}`", tok.text), span));
                None
            }
        }
    }

    fn entry(&mut self, kind: &Kind) -> Result<Vec<Rule>, Fail> {
        let act = self.next("`permit` or `deny`")?;
        self.rule.action = match act.text.to_ascii_lowercase().as_str() {
            "permit" => Action::Accept,
            "deny" => Action::Drop,
            _ => {
                // IOS reflexive `evaluate NAME`.
                self.rule.action = Action::Other(act.text.to_string());
                let span = self.rule.span;
                self.unsupported(format!("`{}`", act.text), span);
                return Ok(vec![self.rule.clone()]);
            }
        };
        match kind {
            Kind::Standard => self.standard(),
            Kind::Extended => self.extended(),
            Kind::Other(what) => {
                let span = self.rule.span;
                self.unsupported(what.clone(), span);
                Ok(vec![self.rule.clone()])
            }
        }
    }

    fn standard(&mut self) -> Result<Vec<Rule>, Fail> {
        let set = self.addr()?;
        if self.cx.asa {
            self.rule.dst = set;
        } else {
            self.rule.src = set;
        }
        self.options(false)?;
        Ok(vec![self.rule.clone()])
    }

    fn extended(&mut self) -> Result<Vec<Rule>, Fail> {
        let proto = self.protocol()?;
        self.rule.src = self.addr()?;
        if let Some(p) = self.ports()? {
            self.rule.src_ports = p;
        }
        self.rule.dst = self.addr()?;
        if let Some(p) = self.ports()? {
            self.rule.dst_ports = p;
        }
        let icmp = match &proto {
            Proto::Set(p) => {
                self.rule.protocols = p.clone();
                *p == ProtoSet::single(1, 1) || *p == ProtoSet::single(58, 58)
            }
            Proto::Services(_) => false,
        };
        self.options(icmp)?;
        Ok(match proto {
            Proto::Set(_) => vec![self.rule.clone()],
            Proto::Services(svcs) => expand(&self.rule, svcs),
        })
    }

    fn protocol(&mut self) -> Result<Proto, Fail> {
        let t = self.next("a protocol")?;
        if t.is("object-group") || t.is("object") {
            let name = self.next("an object name")?;
            return Ok(match self.group(name) {
                Some(g) if g.kind == GroupKind::Protocol => Proto::Set(g.protos),
                Some(g) => Proto::Services(g.services),
                None => Proto::Set(ProtoSet::full()),
            });
        }
        ports::protocol(t.text, self.acl.v6)
            .map(Proto::Set)
            .ok_or_else(|| {
                (
                    format!("unknown protocol `{}`", t.text),
                    t.span(self.cx.file),
                )
            })
    }

    /// A port match at the current position, if there is one.
    fn ports(&mut self) -> Result<Option<PortSet>, Fail> {
        let w = self.word(self.i);
        if is_port_op(&w) {
            let from = self.i;
            let m = ports::parse_ports(self.toks, &mut self.i, !self.cx.asa)
                .map_err(|msg| (msg, self.span(from)))?;
            for t in m.unknown {
                self.unsupported(format!("port name `{}`", t.text), t.span(self.cx.file));
            }
            return Ok(Some(m.set));
        }
        let named = matches!(w.as_str(), "portgroup" | "port-group");
        let asa_group = w == "object-group"
            && self.toks.get(self.i + 1).is_some_and(|t| {
                self.cx
                    .groups
                    .get(t.text)
                    .is_some_and(|g| matches!(g.kind, GroupKind::Service | GroupKind::Port))
            });
        if named || asa_group {
            self.i += 1;
            let name = self.next("a port group name")?;
            let Some(g) = self.group(name) else {
                return Ok(Some(PortSet::full()));
            };
            let (set, unsupported) = g.ports();
            self.rule.unsupported.extend(unsupported);
            return Ok(Some(set));
        }
        Ok(None)
    }

    /// ASA identity and TrustSec matches before an address (`user`, `security-group`…).
    fn identity(&mut self) -> Result<(), Fail> {
        loop {
            let from = self.i;
            let w = self.word(self.i);
            let args = match w.as_str() {
                "user" | "user-group" | "object-group-user" | "object-group-security" => 1,
                "security-group" => 2,
                _ => return Ok(()),
            };
            self.i += 1;
            for _ in 0..args {
                self.next("a name")?;
            }
            self.unsupported(format!("`{w}`"), self.span(from));
        }
    }

    fn addr(&mut self) -> Result<AddrSet, Fail> {
        if self.cx.asa {
            self.identity()?;
        }
        let from = self.i;
        let t = self.next("an address")?;
        let w = t.text.to_ascii_lowercase();
        let names = self.cx.names;
        match w.as_str() {
            "any" => return Ok(self.acl.universe.clone()),
            "any4" => return Ok(AddrSet::any_v4()),
            "any6" => return Ok(AddrSet::any_v6()),
            "host" => {
                let a = self.next("an address after `host`")?;
                return addr::ip_or_name(a.text, names)
                    .map(addr::host)
                    .ok_or_else(|| {
                        (
                            format!("`{}` is not an address", a.text),
                            a.span(self.cx.file),
                        )
                    });
            }
            "object-group" | "object" | "addrgroup" | "net-group" => {
                let name = self.next("an object name")?;
                let set = self.group(name).map_or_else(AddrSet::any, |g| g.addrs);
                return Ok(set.intersect(&self.acl.universe));
            }
            "interface" => {
                let name = self.next("an interface name")?;
                if let Some(a) = self.cx.ifaces.get(name.text) {
                    return Ok(a.clone());
                }
                let span = name.span(self.cx.file);
                self.diags.push(
                    Diagnostic::new(
                        Code::UnknownObject,
                        format!("interface `{}` is not defined", name.text),
                    )
                    .at(span, "no interface with this `nameif`")
                    .help(
                        "define the interface with this `nameif` and an address, or fix the name",
                    ),
                );
                self.rule.unsupported.push((
                    format!("address of undefined interface `{}`", name.text),
                    span,
                ));
                return Ok(self.acl.universe.clone());
            }
            _ => {}
        }
        if w.contains('/') {
            return AddrSet::parse(&w).ok_or_else(|| {
                (
                    format!("`{}` is not a prefix", t.text),
                    t.span(self.cx.file),
                )
            });
        }
        if let Some(a) = addr::ip_or_name(t.text, names) {
            let mask = self
                .toks
                .get(self.i)
                .filter(|m| addr::is_v4(m.text))
                .copied();
            let Some(m) = mask.filter(|_| a.is_ipv4()) else {
                return Ok(addr::host(a));
            };
            self.i += 1;
            let (set, exact) = addr::with_mask(a, m.text, self.acl.mask).unwrap_or_default();
            if !exact {
                self.unsupported(
                    "a wildcard with many scattered bits".to_string(),
                    self.span(from),
                );
            }
            return Ok(set);
        }
        // A bare group name (accepted leniently, as Batfish does).
        if let Some(g) = self
            .cx
            .groups
            .get(t.text)
            .filter(|g| g.kind == GroupKind::Network)
        {
            self.rule.unsupported.extend(g.unsupported.iter().cloned());
            self.diags.extend(g.diags.iter().cloned());
            return Ok(g.addrs.intersect(&self.acl.universe));
        }
        Err((
            format!("expected an address, found `{}`", t.text),
            t.span(self.cx.file),
        ))
    }

    /// Trailing keywords: logging, state, and matches that are not modelled.
    fn options(&mut self, icmp: bool) -> Result<(), Fail> {
        let mut icmp_type_seen = false;
        while let Some(t) = self.toks.get(self.i).copied() {
            let from = self.i;
            self.i += 1;
            let w = t.text.to_ascii_lowercase();
            match w.as_str() {
                "log" | "log-input" => {
                    self.rule.log = true;
                    self.log_args();
                }
                "established" => self.rule.states = vec!["established".to_string()],
                "inactive" => self.rule.disabled = true,
                "sequence" => {
                    self.rule.name = Some(self.next("a sequence number")?.text.to_string());
                }
                "dscp" | "precedence" | "tos" | "time-range" | "option" | "flow-label"
                | "reflect" | "qos-group" => {
                    self.next("a value")?;
                    if w == "reflect" && self.word(self.i) == "timeout" {
                        self.i += 2;
                    }
                    self.unsupported(format!("`{w}`"), self.span(from));
                }
                "ttl" | "packet-length" => {
                    let op = self.next("an operator")?;
                    self.i += if op.is("range") { 2 } else { 1 };
                    self.i = self.i.min(self.toks.len());
                    self.unsupported(format!("`{w}`"), self.span(from));
                }
                "match-all" | "match-any" => {
                    while self
                        .toks
                        .get(self.i)
                        .is_some_and(|t| t.text.starts_with(['+', '-']))
                    {
                        self.i += 1;
                    }
                    self.unsupported("a tcp flag match".to_string(), self.span(from));
                }
                "ack" | "fin" | "psh" | "rst" | "syn" | "urg" => {
                    self.unsupported("a tcp flag match".to_string(), self.span(from));
                }
                "object-group" if icmp => {
                    self.next("an icmp-type group name")?;
                    self.unsupported("an icmp type match".to_string(), self.span(from));
                }
                _ if icmp && !icmp_type_seen => {
                    icmp_type_seen = true;
                    if self
                        .toks
                        .get(self.i)
                        .is_some_and(|t| t.text.bytes().all(|b| b.is_ascii_digit()))
                    {
                        self.i += 1;
                    }
                    self.unsupported("an icmp type match".to_string(), self.span(from));
                }
                _ => self.unsupported(format!("`{w}`"), self.span(from)),
            }
        }
        Ok(())
    }

    /// ASA `log [LEVEL] [interval N] | log disable | log default`; IOS `log [COOKIE]` is left
    /// alone (it cannot be told from the next keyword).
    fn log_args(&mut self) {
        const LEVELS: [&str; 9] = [
            "emergencies",
            "alerts",
            "critical",
            "errors",
            "warnings",
            "notifications",
            "informational",
            "debugging",
            "default",
        ];
        loop {
            let w = self.word(self.i);
            if w == "disable" {
                self.rule.log = false;
                self.i += 1;
            } else if w == "interval" {
                self.i = (self.i + 2).min(self.toks.len());
            } else if LEVELS.contains(&w.as_str())
                || (!w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()))
            {
                self.i += 1;
            } else {
                break;
            }
        }
    }
}

/// One rule per service combination (after merging), all at the entry's span.
fn expand(rule: &Rule, svcs: Vec<Svc>) -> Vec<Rule> {
    let svcs = merge(svcs);
    if svcs.is_empty() {
        let mut r = rule.clone();
        r.protocols = ProtoSet::empty();
        return vec![r];
    }
    svcs.into_iter()
        .map(|s| {
            let mut r = rule.clone();
            r.protocols = s.protos;
            r.src_ports = r.src_ports.intersect(&s.sports);
            r.dst_ports = r.dst_ports.intersect(&s.dports);
            r.unsupported.extend(s.unsupported);
            r
        })
        .collect()
}

/// Unions combinations that differ in one dimension only, until none do.
fn merge(mut v: Vec<Svc>) -> Vec<Svc> {
    v.dedup();
    'outer: loop {
        for i in 0..v.len() {
            for j in (i + 1)..v.len() {
                let (Some(a), Some(b)) = (v.get(i), v.get(j)) else {
                    continue;
                };
                let same = [
                    a.protos == b.protos,
                    a.sports == b.sports,
                    a.dports == b.dports,
                ];
                if same.iter().filter(|s| **s).count() < 2 {
                    continue;
                }
                let mut unsupported = a.unsupported.clone();
                unsupported.extend(
                    b.unsupported
                        .iter()
                        .filter(|u| !a.unsupported.contains(u))
                        .cloned(),
                );
                let m = Svc {
                    protos: a.protos.union(&b.protos),
                    sports: a.sports.union(&b.sports),
                    dports: a.dports.union(&b.dports),
                    unsupported,
                };
                v.remove(j);
                if let Some(slot) = v.get_mut(i) {
                    *slot = m;
                }
                continue 'outer;
            }
        }
        return v;
    }
}
