//! SRX host-inbound traffic: which services and routing protocols a zone (or one interface
//! of it) accepts for the device itself (`security zones security-zone Z host-inbound-traffic
//! { system-services { ssh; } protocols { bgp; } }`). Each is a ruleset `host-inbound-traffic
//! zone Z` attached to `Z -> junos-host`, one rule per service, `except` entries first.

use crate::firewall::model::{Action, Rule, Ruleset};

use super::apps::{simplify, AppBox};
use super::cx::Cx;
use super::policy::split;
use super::tree::Node;

/// The device itself, as JunOS names it in policies.
const HOST: &str = "junos-host";

/// Host-inbound rulesets of every zone and zone interface.
pub(crate) fn host_inbound(cx: &mut Cx) -> Vec<Ruleset> {
    let root = cx.root;
    let mut out = Vec::new();
    let zones = root.get(&["security", "zones", "security-zone"]);
    for z in zones.into_iter().flat_map(|n| n.kids()) {
        if let Some(h) = z.child("host-inbound-traffic") {
            out.push(ruleset(cx, h, format!("zone {}", z.word), &z.word));
        }
        for i in z.child("interfaces").into_iter().flat_map(|n| n.kids()) {
            if let Some(h) = i.child("host-inbound-traffic") {
                out.push(ruleset(cx, h, format!("interface {}", i.word), &i.word));
            }
        }
    }
    out
}

fn ruleset(cx: &mut Cx, h: &Node, what: String, from: &str) -> Ruleset {
    let mut rules = Vec::new();
    for except in [true, false] {
        for kind in ["system-services", "protocols"] {
            for s in h.child(kind).into_iter().flat_map(|n| n.kids()) {
                if s.has("except") != except {
                    continue;
                }
                let action = if except { Action::Drop } else { Action::Accept };
                let mut r = Rule::any(action, s.span);
                r.name = Some(s.word.clone());
                r.in_iface = Some(from.to_string());
                r.out_iface = Some(HOST.to_string());
                let boxes = if kind == "system-services" {
                    service(&s.word)
                } else {
                    protocol(&s.word)
                };
                let boxes = boxes.unwrap_or_else(|| {
                    let what = format!("an unknown host-inbound `{kind}` entry");
                    cx.unsupported_in(&mut r, &what, &format!("`{}`", s.word), s.span);
                    vec![AppBox::any()]
                });
                rules.extend(split(r, simplify(boxes)));
            }
        }
    }
    Ruleset {
        name: format!("host-inbound-traffic {what}"),
        span: h.span,
        attach: vec![format!("{from} -> {HOST}")],
        default_action: Action::Drop,
        default_span: None,
        rules,
    }
}

fn b(proto: u8, lo: u16, hi: u16) -> AppBox {
    AppBox {
        protos: crate::firewall::sets::ProtoSet::single(proto, proto),
        dports: crate::firewall::sets::PortSet::single(lo, hi),
        ..AppBox::any()
    }
}

fn p(proto: u8) -> AppBox {
    AppBox {
        protos: crate::firewall::sets::ProtoSet::single(proto, proto),
        ..AppBox::any()
    }
}

/// `system-services` names.
fn service(name: &str) -> Option<Vec<AppBox>> {
    let t = |lo: u16| b(6, lo, lo);
    let u = |lo: u16| b(17, lo, lo);
    Some(match name {
        "all" | "any-service" => vec![AppBox::any()],
        "ssh" | "reverse-ssh" => vec![t(22)],
        "telnet" | "reverse-telnet" => vec![t(23)],
        "ftp" => vec![t(21)],
        "tftp" => vec![u(69)],
        "http" => vec![t(80)],
        "https" => vec![t(443)],
        "web-management" => vec![t(80), t(443)],
        "netconf" => vec![t(830)],
        "ping" => vec![p(1), p(58)],
        "traceroute" => vec![p(1), b(17, 33434, 33523)],
        "snmp" => vec![u(161)],
        "snmp-trap" => vec![u(162)],
        "ntp" => vec![u(123)],
        "dns" => vec![u(53), t(53)],
        "dhcp" | "bootp" => vec![u(67)],
        "dhcpv6" => vec![u(547)],
        "ike" => vec![u(500), u(4500)],
        "finger" => vec![t(79)],
        "rlogin" => vec![t(513)],
        "rsh" => vec![t(514)],
        "ident-reset" => vec![t(113)],
        "xnm-clear-text" => vec![t(3221)],
        "xnm-ssl" => vec![t(3220)],
        "sip" => vec![u(5060), t(5060)],
        "r2cp" => vec![u(28672)],
        "lsping" => vec![u(3503)],
        "tcp-encap" => vec![t(6789)],
        _ => return None,
    })
}

/// `protocols` names (routing protocols the zone accepts).
fn protocol(name: &str) -> Option<Vec<AppBox>> {
    Some(match name {
        "all" => vec![AppBox::any()],
        "bgp" => vec![b(6, 179, 179)],
        "ospf" | "ospf3" => vec![p(89)],
        "rip" => vec![b(17, 520, 520)],
        "ripng" => vec![b(17, 521, 521)],
        "vrrp" => vec![p(112)],
        "pim" => vec![p(103)],
        "igmp" => vec![p(2)],
        "rsvp" => vec![p(46)],
        "ldp" => vec![b(6, 646, 646), b(17, 646, 646)],
        "msdp" => vec![b(6, 639, 639)],
        "bfd" => vec![b(17, 3784, 3785)],
        "router-discovery" | "ndp" => vec![p(1), p(58)],
        _ => return None,
    })
}
