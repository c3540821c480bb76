//! Stateless firewall filters: `firewall [family F] filter NAME term T { from { … } then
//! { … } }`. Each filter is a ruleset (`filter NAME` for IPv4, `inet6 filter NAME`, …) with
//! one rule per term and the implicit `discard` at the end.

use crate::firewall::model::{Action, Rule, Ruleset};
use crate::firewall::sets::{AddrSet, PortSet, ProtoSet};

use super::cx::Cx;
use super::objects::{longest_match, prefix_list};
use super::tree::Node;
use super::values::{address, ports, protocols, tcp_udp, Addr};

/// The ruleset name of filter `name` in `family`.
pub(crate) fn filter_name(family: &str, name: &str) -> String {
    match family {
        "inet" => format!("filter {name}"),
        f => format!("{f} filter {name}"),
    }
}

/// The filter node `name` of `family`, if defined (active or not).
pub(crate) fn find_filter<'t>(root: &'t Node, family: &str, name: &str) -> Option<&'t Node> {
    let fw = root.child("firewall")?;
    let in_family = fw
        .get(&["family", family, "filter"])
        .and_then(|f| f.any_child(name));
    let plain = (family == "inet")
        .then(|| fw.child("filter").and_then(|f| f.any_child(name)))
        .flatten();
    in_family.or(plain)
}

/// Every active filter, as rulesets.
pub(crate) fn filters(cx: &mut Cx) -> Vec<Ruleset> {
    let root = cx.root;
    let mut out = Vec::new();
    let Some(fw) = root.child("firewall") else {
        return out;
    };
    for f in fw.child("filter").into_iter().flat_map(|n| n.kids()) {
        out.push(filter(cx, "inet", f));
    }
    for fam in fw.child("family").into_iter().flat_map(|n| n.kids()) {
        for f in fam.child("filter").into_iter().flat_map(|n| n.kids()) {
            out.push(filter(cx, &fam.word, f));
        }
        for kind in ["service-filter", "simple-filter", "dialer-filter"] {
            for f in fam.child(kind).into_iter().flat_map(|n| n.kids()) {
                cx.warn_unsupported(&format!("`{kind}`"), &format!("`{}`", f.word), f.span);
            }
        }
    }
    out
}

fn filter(cx: &mut Cx, family: &str, f: &Node) -> Ruleset {
    let mut rules = Vec::new();
    for t in f.child("term").into_iter().flat_map(|n| n.children.iter()) {
        let mut r = term(cx, family, t);
        r.disabled = t.inactive;
        rules.push(r);
    }
    Ruleset {
        name: filter_name(family, &f.word),
        span: f.span,
        attach: Vec::new(),
        default_action: Action::Drop,
        default_span: None,
        rules,
    }
}

fn universe(family: &str) -> AddrSet {
    match family {
        "inet" => AddrSet::any_v4(),
        "inet6" => AddrSet::any_v6(),
        _ => AddrSet::any(),
    }
}

/// What the `from` conditions of a term collect before they become the rule's sets.
#[derive(Default)]
struct Match {
    src: Option<Vec<(AddrSet, bool)>>,
    dst: Option<Vec<(AddrSet, bool)>>,
    protos: Option<ProtoSet>,
    sports: Option<PortSet>,
    dports: Option<PortSet>,
    any_port: bool,
    tcp_only: bool,
}

fn term(cx: &mut Cx, family: &str, t: &Node) -> Rule {
    let mut r = Rule::any(Action::Accept, t.span);
    r.name = Some(t.word.clone());
    r.comment.clone_from(&t.comment);
    let universe = universe(family);
    let mut m = Match::default();
    for c in t.child("from").into_iter().flat_map(|n| n.kids()) {
        condition(cx, &mut r, &mut m, c);
    }
    r.src = m.src.map_or_else(|| universe.clone(), longest_match);
    r.dst = m.dst.map_or_else(|| universe.clone(), longest_match);
    let ported = m.sports.is_some() || m.dports.is_some() || m.any_port;
    r.src_ports = m.sports.unwrap_or_else(PortSet::full);
    r.dst_ports = m.dports.unwrap_or_else(PortSet::full);
    r.protocols = match m.protos {
        Some(p) => p,
        None if ported => tcp_udp(),
        None => ProtoSet::full(),
    };
    if m.tcp_only {
        r.protocols = r.protocols.intersect(&ProtoSet::single(6, 6));
    }
    let mut action = None;
    for a in t.child("then").into_iter().flat_map(|n| n.kids()) {
        let act = match a.word.as_str() {
            "accept" => Some(Action::Accept),
            "discard" => Some(Action::Drop),
            "reject" => Some(Action::Reject),
            "next" if a.value().is_some_and(|v| v.word == "term") => Some(Action::Continue),
            // Terminating actions that forward the packet somewhere: it passes the filter.
            "routing-instance" | "next-ip" | "next-ip6" | "next-interface" | "topology"
            | "logical-system" | "decapsulate" => Some(Action::Accept),
            "log" | "syslog" => {
                r.log = true;
                None
            }
            "count"
            | "sample"
            | "policer"
            | "three-color-policer"
            | "hierarchical-policer"
            | "forwarding-class"
            | "loss-priority"
            | "dscp"
            | "traffic-class"
            | "traffic-class-count"
            | "port-mirror"
            | "port-mirror-instance"
            | "analyzer"
            | "service-accounting"
            | "packet-mode"
            | "prefix-action"
            | "service-filter-hit"
            | "virtual-channel"
            | "source-class"
            | "destination-class" => None,
            other => {
                cx.unsupported(&mut r, &format!("`then {other}` action"), a.span);
                None
            }
        };
        if action.is_none() {
            action = act;
        }
    }
    if let Some(f) = t.child("filter").and_then(|f| f.value()) {
        if find_filter(cx.root, family, &f.word).is_none() {
            cx.unknown(Some(&mut r), "filter", &f.word, f.word_span);
        }
        action = Some(Action::Jump(filter_name(family, &f.word)));
    }
    // Only action modifiers (`count`, `log`): the packet is accepted.
    r.action = action.unwrap_or(Action::Accept);
    r
}

fn condition(cx: &mut Cx, r: &mut Rule, m: &mut Match, c: &Node) {
    let key = c.word.as_str();
    let (base, except) = match key.strip_suffix("-except") {
        Some(b) => (b, true),
        None => (key, false),
    };
    let values = || c.kids().map(|v| v.word.as_str());
    match base {
        "source-address" | "ip-source-address" => {
            addresses(cx, r, c, m.src.get_or_insert_with(Vec::new));
        }
        "destination-address" | "ip-destination-address" => {
            addresses(cx, r, c, m.dst.get_or_insert_with(Vec::new));
        }
        "source-prefix-list" | "ip-source-prefix-list" => {
            prefix_lists(cx, r, c, m.src.get_or_insert_with(Vec::new));
        }
        "destination-prefix-list" | "ip-destination-prefix-list" => {
            prefix_lists(cx, r, c, m.dst.get_or_insert_with(Vec::new));
        }
        "address" | "prefix-list" | "ip-address" | "ip-prefix-list" => {
            cx.unsupported(r, &format!("`{key}` match (source or destination)"), c.span);
        }
        "protocol" | "next-header" | "payload-protocol" | "ip-protocol" => {
            match protocols(values()) {
                Ok(p) => {
                    let p = if except { p.complement() } else { p };
                    m.protos = Some(m.protos.take().map_or(p.clone(), |q| q.intersect(&p)));
                }
                Err(w) => {
                    cx.unsupported_in(r, "an unknown protocol name", &format!("`{w}`"), c.span)
                }
            }
        }
        "source-port" | "destination-port" => match ports(values()) {
            Ok(p) => {
                let p = if except { p.complement() } else { p };
                let slot = if base == "source-port" {
                    &mut m.sports
                } else {
                    &mut m.dports
                };
                *slot = Some(slot.take().map_or(p.clone(), |q| q.intersect(&p)));
            }
            Err(w) => cx.unsupported_in(r, "an unknown port name", &format!("`{w}`"), c.span),
        },
        "port" => {
            m.any_port = true;
            cx.unsupported(r, &format!("`{key}` match (source or destination)"), c.span);
        }
        "tcp-established" => {
            r.states.push("established".to_string());
            m.tcp_only = true;
        }
        "tcp-initial" => {
            r.states.push("new".to_string());
            m.tcp_only = true;
        }
        "source-port-range-optimize" | "destination-port-range-optimize" => {}
        _ => cx.unsupported(r, &format!("`{key}` match"), c.span),
    }
}

fn addresses(cx: &mut Cx, r: &mut Rule, c: &Node, out: &mut Vec<(AddrSet, bool)>) {
    for v in c.kids() {
        match address(&v.word) {
            Addr::Set(a) => out.push((a, v.has("except"))),
            Addr::NonContiguous(a) => {
                // The superset keeps the rule broader than written; an excluded superset
                // would narrow it, so an `except` entry is dropped instead.
                if !v.has("except") {
                    out.push((a, false));
                }
                let w = format!("`{}`", v.word);
                cx.unsupported_in(r, "a non-contiguous address mask", &w, v.span);
            }
            Addr::Invalid => {
                let w = format!("`{}`", v.word);
                cx.unsupported_in(r, "an address that is not a prefix", &w, v.span);
            }
        }
    }
}

fn prefix_lists(cx: &mut Cx, r: &mut Rule, c: &Node, out: &mut Vec<(AddrSet, bool)>) {
    for v in c.kids() {
        let mut notes = Vec::new();
        match prefix_list(cx, &v.word, &mut notes) {
            Some(list) => {
                let except = v.has("except");
                out.extend(list.into_iter().map(|a| (a, except)));
            }
            None => cx.unknown(Some(r), "prefix-list", &v.word, v.word_span),
        }
        cx.notes(r, notes);
    }
}
