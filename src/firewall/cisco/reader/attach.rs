//! Where access lists apply: interfaces (`ip access-group`, `ipv6 traffic-filter`, ASA
//! `nameif` and `security-level`), `line vty` `access-class`, ASA `access-group`, and ASA
//! `ssh|telnet|http ADDR MASK IF` management access, read as rulesets of their own.

use std::net::IpAddr;

use crate::firewall::model::{Action, Rule, Ruleset};
use crate::firewall::sets::{AddrSet, PortSet, ProtoSet};

use super::{Attach, Iface, Ns, Reader};
use crate::firewall::cisco::addr::{self, MaskKind};
use crate::firewall::cisco::lines::{rest_text, Block, Line};

impl<'a> Reader<'a> {
    /// ASA `access-group NAME in|out interface IF` and `access-group NAME global`.
    pub(super) fn access_group(&mut self, h: &Line<'a>) {
        let Some(acl) = h.toks.get(1) else { return };
        let at = match (h.word(2).as_str(), h.word(3).as_str()) {
            ("global", _) => "global".to_string(),
            (dir @ ("in" | "out"), "interface") => match h.toks.get(4) {
                Some(i) => format!("{} {dir}", i.text),
                None => return,
            },
            _ => return,
        };
        self.attach.push(Attach {
            ns: Ns::V4,
            acl: acl.text.to_string(),
            at,
            span: acl.span(self.file),
        });
    }

    pub(super) fn interface(&mut self, b: &Block<'a>) {
        let name = rest_text(self.text, b.head.toks.get(1..).unwrap_or(&[])).to_string();
        if name.is_empty() {
            return;
        }
        let span = b.span(self.file);
        let mut attach = Vec::new();
        let mut inspect = None;
        let file = self.file;
        let iface = self.ifaces.entry(name.clone()).or_insert(Iface {
            span,
            zone: None,
            nameif: None,
            level: None,
            addrs: AddrSet::empty(),
            own: AddrSet::empty(),
        });
        for c in &b.children {
            let w: Vec<String> = (0..4).map(|i| c.word(i)).collect();
            let t = |i: usize| c.toks.get(i).map_or("", |t| t.text);
            match (
                w.first().map_or("", String::as_str),
                w.get(1).map_or("", String::as_str),
            ) {
                ("nameif", _) => iface.nameif = Some(t(1).to_string()),
                ("security-level", l) => iface.level = l.parse().ok(),
                ("zone-member", "security") => iface.zone = Some(t(2).to_string()),
                ("ip" | "ipv6", "address") => {
                    let (a, len) = t(2).split_once('/').unwrap_or((t(2), ""));
                    let Ok(ip) = a.parse::<IpAddr>() else {
                        continue;
                    };
                    let net = match len.parse::<u8>() {
                        Ok(l) => ipnet::IpNet::new(ip, l)
                            .ok()
                            .map(|n| AddrSet::from_net(n.trunc())),
                        Err(_) => addr::with_mask(ip, t(3), MaskKind::Netmask).map(|(s, _)| s),
                    };
                    if let Some(net) = net {
                        iface.addrs = iface.addrs.union(&net);
                        iface.own = iface.own.union(&addr::host(ip));
                    }
                }
                ("ip" | "ipv6", "access-group" | "traffic-filter") => {
                    let dir = w.get(3).map_or("", String::as_str);
                    if let (Some(acl), "in" | "out") = (c.toks.get(2), dir) {
                        let ns = if w.first().is_some_and(|w| w == "ipv6") {
                            Ns::V6
                        } else {
                            Ns::V4
                        };
                        attach.push(Attach {
                            ns,
                            acl: acl.text.to_string(),
                            at: format!("{name} {dir}"),
                            span: acl.span(file),
                        });
                    }
                }
                ("ip", "inspect") => inspect = inspect.or(Some(c.span(file))),
                _ => {}
            }
        }
        self.attach.extend(attach);
        if let Some(span) = inspect {
            self.warn_once("stateful inspection (`ip inspect`)", span);
        }
    }

    /// `line vty 0 4` with `access-class NAME in`: management access to the device.
    pub(super) fn line(&mut self, b: &Block<'a>) {
        let at = rest_text(self.text, &b.head.toks);
        for c in &b.children {
            let (ns, i) = match (c.word(0).as_str(), c.word(1).as_str()) {
                ("access-class", _) => (Ns::V4, 1),
                ("ipv6", "access-class") => (Ns::V6, 2),
                _ => continue,
            };
            let dir = c.word(i + 1);
            if let (Some(acl), "in" | "out") = (c.toks.get(i), dir.as_str()) {
                self.attach.push(Attach {
                    ns,
                    acl: acl.text.to_string(),
                    at: format!("{at} {dir}"),
                    span: acl.span(self.file),
                });
            }
        }
    }

    /// ASA `ssh|telnet|http ADDR MASK IF`: who may reach the device's management services.
    pub(super) fn management(&mut self, h: &Line<'a>) {
        let t = |i: usize| h.toks.get(i).map_or("", |t| t.text);
        let (set, iface) = match t(1).parse::<IpAddr>() {
            Ok(a) => match addr::with_mask(a, t(2), MaskKind::Netmask) {
                Some((s, _)) => (s, t(3)),
                None => return,
            },
            Err(_) if t(1).contains(':') && t(1).contains('/') => match AddrSet::parse(t(1)) {
                Some(s) => (s, t(2)),
                None => return,
            },
            Err(_) => return,
        };
        if iface.is_empty() {
            return;
        }
        let service = h.word(0);
        let port = match service.as_str() {
            "ssh" => 22,
            "telnet" => 23,
            _ => 443,
        };
        let span = h.span(self.file);
        let mut rule = Rule::any(Action::Accept, span);
        rule.src = set;
        rule.protocols = ProtoSet::single(6, 6);
        rule.dst_ports = PortSet::single(port, port);
        rule.in_iface = Some(iface.to_string());
        let rs = self
            .management
            .entry(service.clone())
            .or_insert_with(|| Ruleset {
                name: format!("management {service}"),
                span,
                attach: vec!["input".to_string()],
                default_action: Action::Drop,
                default_span: None,
                rules: Vec::new(),
            });
        rs.span = rs.span.to(span);
        rs.rules.push(rule);
    }
}
