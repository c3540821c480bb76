//! Object groups and objects: IOS `object-group network|service|protocol|ip port`, ASA
//! `object network|service` and `object-group network|service|protocol|icmp-type`, NX-OS
//! `object-group ip address`, IOS-XR `object-group network ipv4|port`.
//!
//! Definitions are collected first (re-entering a group appends to it, as on the device), then
//! resolved into sets once, in file order, following `group-object` references. Problems in a
//! group (an undefined reference, an `fqdn`) are reported at the group when a rule uses it,
//! and every rule using the group carries them as `unsupported`.

use std::collections::HashMap;
use std::net::IpAddr;

use indexmap::IndexMap;

use crate::diag::{Code, Diagnostic};
use crate::firewall::sets::{AddrSet, PortSet, ProtoSet};
use crate::source::{FileId, Span};

use super::addr::{self, MaskKind};
use super::lines::{span_of, Line, Tok};
use super::ports::{self, is_port_op};
use super::{syntax, unsupported_warning};

/// How deep `group-object` references are followed.
const MAX_DEPTH: usize = 32;

/// One protocol/source-port/destination-port combination of a service group, with what
/// it matches that is not modelled (an ICMP type, an unknown port name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Svc {
    pub(crate) protos: ProtoSet,
    pub(crate) sports: PortSet,
    pub(crate) dports: PortSet,
    pub(crate) unsupported: Vec<(String, Span)>,
}

impl Svc {
    fn new(protos: ProtoSet) -> Svc {
        Svc {
            protos,
            sports: PortSet::full(),
            dports: PortSet::full(),
            unsupported: Vec::new(),
        }
    }
}

/// What a group holds.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum GroupKind {
    Network,
    Service,
    Protocol,
    Port,
    IcmpType,
    Other,
}

/// A group as written: its kind, header and lines.
#[derive(Debug)]
pub(crate) struct RawGroup<'a> {
    pub(crate) kind: GroupKind,
    pub(crate) mask: MaskKind,
    /// ASA `object-group service NAME tcp`: the protocols of its `port-object`s.
    pub(crate) typed: Option<ProtoSet>,
    pub(crate) lines: Vec<Line<'a>>,
}

/// A group resolved into sets.
#[derive(Clone, Debug)]
pub(crate) struct Group {
    pub(crate) kind: GroupKind,
    pub(crate) addrs: AddrSet,
    pub(crate) services: Vec<Svc>,
    pub(crate) protos: ProtoSet,
    pub(crate) unsupported: Vec<(String, Span)>,
    /// Warnings about the group's content, given where the group is used (an unused group
    /// filters nothing, so it is not reported).
    pub(crate) diags: Vec<Diagnostic>,
}

impl Group {
    /// The ports of a port or service group (destination ports of its entries), with what
    /// its entries match that is not modelled.
    pub(crate) fn ports(&self) -> (PortSet, Vec<(String, Span)>) {
        let set = self
            .services
            .iter()
            .fold(PortSet::empty(), |acc, s| acc.union(&s.dports));
        let unsupported = self
            .services
            .iter()
            .flat_map(|s| s.unsupported.iter().cloned())
            .collect();
        (set, unsupported)
    }
}

/// Reads a group or object header: its name and [`RawGroup`] (without lines).
pub(crate) fn declare<'a>(head: &Line<'a>) -> Option<(String, RawGroup<'a>)> {
    let w: Vec<String> = (0..head.toks.len()).map(|i| head.word(i)).collect();
    let words: Vec<&str> = w.iter().map(String::as_str).collect();
    let name_at = |i: usize| head.toks.get(i).map(|t| t.text.to_string());
    let tcp_udp = |s: &str| ports::protocol(s, false);
    let (kind, mask, name, typed) = match words.as_slice() {
        ["object", "network", ..] => (GroupKind::Network, MaskKind::Netmask, name_at(2), None),
        ["object", "service", ..] => (GroupKind::Service, MaskKind::Netmask, name_at(2), None),
        ["object-group", "group", "network", ..]
        | ["object-group", "network", "ipv4" | "ipv6", ..] => {
            (GroupKind::Network, MaskKind::Netmask, name_at(3), None)
        }
        ["object-group", "network", ..] => {
            (GroupKind::Network, MaskKind::Netmask, name_at(2), None)
        }
        ["object-group", "ip" | "ipv6", "address", ..] => {
            (GroupKind::Network, MaskKind::Wildcard, name_at(3), None)
        }
        ["object-group", "ip", "port", ..] => {
            (GroupKind::Port, MaskKind::Netmask, name_at(3), None)
        }
        ["object-group", "port", ..] => (GroupKind::Port, MaskKind::Netmask, name_at(2), None),
        ["object-group", "group", "service", _, rest @ ..] => (
            GroupKind::Service,
            MaskKind::Netmask,
            name_at(3),
            rest.first().and_then(|p| tcp_udp(p)),
        ),
        ["object-group", "service", _, rest @ ..] => (
            GroupKind::Service,
            MaskKind::Netmask,
            name_at(2),
            rest.first().and_then(|p| tcp_udp(p)),
        ),
        ["object-group", "protocol", ..] => {
            (GroupKind::Protocol, MaskKind::Netmask, name_at(2), None)
        }
        ["object-group", "icmp-type", ..] => {
            (GroupKind::IcmpType, MaskKind::Netmask, name_at(2), None)
        }
        ["object-group", _, ..] => (GroupKind::Other, MaskKind::Netmask, name_at(2), None),
        _ => return None,
    };
    let raw = RawGroup {
        kind,
        mask,
        typed,
        lines: Vec::new(),
    };
    name.map(|n| (n, raw))
}

/// Resolves every group once, in definition order.
pub(crate) struct Resolver<'r, 'a> {
    raws: &'r IndexMap<String, RawGroup<'a>>,
    names: &'r HashMap<String, IpAddr>,
    file: FileId,
    out: HashMap<String, Group>,
    visiting: Vec<String>,
    pub(crate) diags: Vec<Diagnostic>,
}

impl<'r, 'a> Resolver<'r, 'a> {
    pub(crate) fn run(
        raws: &'r IndexMap<String, RawGroup<'a>>,
        names: &'r HashMap<String, IpAddr>,
        file: FileId,
    ) -> (HashMap<String, Group>, Vec<Diagnostic>) {
        let mut r = Resolver {
            raws,
            names,
            file,
            out: HashMap::new(),
            visiting: Vec::new(),
            diags: Vec::new(),
        };
        for name in raws.keys() {
            r.get(name);
        }
        (r.out, r.diags)
    }

    fn get(&mut self, name: &str) -> Option<Group> {
        if let Some(g) = self.out.get(name) {
            return Some(g.clone());
        }
        let raw = self.raws.get(name)?;
        self.visiting.push(name.to_string());
        let mut g = Group {
            kind: raw.kind,
            addrs: AddrSet::empty(),
            services: Vec::new(),
            protos: ProtoSet::empty(),
            unsupported: Vec::new(),
            diags: Vec::new(),
        };
        for line in &raw.lines {
            self.line(&mut g, raw, line);
        }
        self.visiting.pop();
        self.out.insert(name.to_string(), g.clone());
        Some(g)
    }

    fn unsupported(&mut self, g: &mut Group, what: String, span: Span) {
        g.diags.push(unsupported_warning(&what, span));
        g.unsupported.push((what, span));
    }

    /// Like [`Self::unsupported`], for one entry of a service group only.
    fn svc_unsupported(&mut self, g: &mut Group, svc: &mut Svc, what: String, span: Span) {
        g.diags.push(unsupported_warning(&what, span));
        svc.unsupported.push((what, span));
    }

    fn include(&mut self, g: &mut Group, tok: Option<&Tok<'_>>) {
        let Some(tok) = tok else { return };
        let span = tok.span(self.file);
        if self.visiting.len() > MAX_DEPTH || self.visiting.iter().any(|v| v == tok.text) {
            let what = format!("object group `{}` nested in itself or too deeply", tok.text);
            self.unsupported(g, what, span);
            return;
        }
        match self.get(tok.text) {
            Some(inner) => {
                g.addrs = g.addrs.union(&inner.addrs);
                g.services.extend(inner.services);
                g.protos = g.protos.union(&inner.protos);
                g.unsupported.extend(inner.unsupported);
                g.diags.extend(inner.diags);
            }
            None => {
                g.diags.push(
                    Diagnostic::new(
                        Code::UnknownObject,
                        format!("object group `{}` is not defined", tok.text),
                    )
                    .at(span, "not defined in this file")
                    .help("define the object group, or fix the name"),
                );
                // Unknown content may be anything.
                let what = (format!("undefined object group `{}`", tok.text), span);
                match g.kind {
                    GroupKind::Network => g.addrs = AddrSet::any(),
                    GroupKind::Protocol => g.protos = ProtoSet::full(),
                    GroupKind::Service | GroupKind::Port => {
                        let mut svc = Svc::new(ProtoSet::full());
                        svc.unsupported.push(what.clone());
                        g.services.push(svc);
                    }
                    GroupKind::IcmpType | GroupKind::Other => {}
                }
                g.unsupported.push(what);
            }
        }
    }

    fn line(&mut self, g: &mut Group, raw: &RawGroup<'_>, line: &Line<'_>) {
        let mut toks: &[Tok<'_>] = &line.toks;
        // NX-OS sequence numbers: `10 host 1.1.1.1`.
        if toks.len() > 1
            && toks
                .first()
                .is_some_and(|t| t.text.bytes().all(|b| b.is_ascii_digit()))
        {
            toks = toks.get(1..).unwrap_or(&[]);
        }
        let word = |i: usize| {
            toks.get(i)
                .map(|t| t.text.to_ascii_lowercase())
                .unwrap_or_default()
        };
        let rest = toks.get(1..).unwrap_or(&[]);
        match word(0).as_str() {
            "description" | "nat" | "exit" => {}
            "group-object" => self.include(g, toks.get(1)),
            "network-object" => self.network(g, raw, rest),
            "port-object" => {
                let protos = raw
                    .typed
                    .clone()
                    .unwrap_or_else(|| ProtoSet::from_ranges([(6, 6), (17, 17)]));
                self.port_line(g, protos, rest);
            }
            "service-object" if word(1) == "object" => self.include(g, toks.get(2)),
            "service-object" | "service" => self.service(g, rest),
            "protocol-object" => self.protocol(g, toks.get(1)),
            "icmp-object" => {}
            _ => match raw.kind {
                GroupKind::Network => self.network(g, raw, toks),
                GroupKind::Service => self.service(g, toks),
                GroupKind::Protocol => self.protocol(g, toks.first()),
                GroupKind::Port => self.port_line(g, ProtoSet::full(), toks),
                GroupKind::IcmpType | GroupKind::Other => {}
            },
        }
    }

    fn network(&mut self, g: &mut Group, raw: &RawGroup<'_>, toks: &[Tok<'_>]) {
        let span = span_of(self.file, toks);
        let text = |i: usize| toks.get(i).map(|t| t.text).unwrap_or("");
        let ip = |i: usize| addr::ip_or_name(text(i), self.names);
        let set = match text(0).to_ascii_lowercase().as_str() {
            "host" => ip(1).map(addr::host),
            "object" => {
                self.include(g, toks.get(1));
                return;
            }
            "range" => ip(1).zip(ip(2)).map(|(a, b)| AddrSet::from_range(a, b)),
            "any" => Some(AddrSet::any()),
            "fqdn" => {
                self.unsupported(g, "an `fqdn` object".to_string(), span);
                Some(AddrSet::any())
            }
            "subnet" if text(1).contains('/') => AddrSet::parse(text(1)),
            "subnet" => ip(1).and_then(|a| self.masked(g, a, text(2), MaskKind::Netmask, span)),
            w if w.contains('/') => AddrSet::parse(w),
            _ => match ip(0) {
                Some(a) if addr::is_v4(text(1)) => self.masked(g, a, text(1), raw.mask, span),
                Some(a) => Some(addr::host(a)),
                None => {
                    let what = format!("`{}` in a network group", text(0));
                    self.unsupported(g, what, span);
                    return;
                }
            },
        };
        match set {
            Some(s) => g.addrs = g.addrs.union(&s),
            None => self.diags.push(syntax("expected an address", span)),
        }
    }

    fn masked(
        &mut self,
        g: &mut Group,
        a: IpAddr,
        m: &str,
        k: MaskKind,
        span: Span,
    ) -> Option<AddrSet> {
        let (set, exact) = addr::with_mask(a, m, k)?;
        if !exact {
            self.unsupported(g, "a wildcard with many scattered bits".to_string(), span);
        }
        Some(set)
    }

    fn protocol(&mut self, g: &mut Group, tok: Option<&Tok<'_>>) {
        let Some(tok) = tok else { return };
        match ports::protocol(tok.text, false) {
            Some(p) => g.protos = g.protos.union(&p),
            None => self.diags.push(syntax(
                &format!("unknown protocol `{}`", tok.text),
                tok.span(self.file),
            )),
        }
    }

    fn port_line(&mut self, g: &mut Group, protos: ProtoSet, toks: &[Tok<'_>]) {
        let mut svc = Svc::new(protos);
        let mut i = 0;
        if let Some(dports) = self.ports(g, &mut svc, toks, &mut i) {
            svc.dports = dports;
            g.services.push(svc);
        }
    }

    fn ports(
        &mut self,
        g: &mut Group,
        svc: &mut Svc,
        toks: &[Tok<'_>],
        i: &mut usize,
    ) -> Option<PortSet> {
        match ports::parse_ports(toks, i, true) {
            Ok(m) => {
                for t in m.unknown {
                    let what = format!("port name `{}`", t.text);
                    self.svc_unsupported(g, svc, what, t.span(self.file));
                }
                Some(m.set)
            }
            Err(msg) => {
                self.diags.push(syntax(&msg, span_of(self.file, toks)));
                None
            }
        }
    }

    /// `PROTO [source OP…] [destination OP…] [OP…]`, or an ICMP type after `icmp`.
    fn service(&mut self, g: &mut Group, toks: &[Tok<'_>]) {
        let Some(p) = toks.first() else { return };
        let Some(protos) = ports::protocol(p.text, p.is("icmp6")) else {
            self.diags.push(syntax(
                &format!("unknown protocol `{}`", p.text),
                p.span(self.file),
            ));
            return;
        };
        let icmp = protos == ProtoSet::single(1, 1) || protos == ProtoSet::single(58, 58);
        let mut svc = Svc::new(protos);
        let mut i = 1;
        while let Some(t) = toks.get(i) {
            let w = t.text.to_ascii_lowercase();
            let src = w == "source";
            if src || w == "destination" {
                i += 1;
            }
            if toks.get(i).is_some_and(|t| is_port_op(t.text)) {
                let Some(set) = self.ports(g, &mut svc, toks, &mut i) else {
                    return;
                };
                if src {
                    svc.sports = set;
                } else {
                    svc.dports = set;
                }
            } else if let (Some(n), false) = (ports::port(&w), icmp) {
                svc.dports = PortSet::single(n, n);
                i += 1;
            } else {
                let rest = toks.get(i..).unwrap_or(&[]);
                let what = if icmp {
                    "an icmp type match".to_string()
                } else {
                    format!("`{w}`")
                };
                self.svc_unsupported(g, &mut svc, what, span_of(self.file, rest));
                break;
            }
        }
        g.services.push(svc);
    }
}
