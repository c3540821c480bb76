//! What nftables selectors match and how their values read: addresses, ports, protocols,
//! connection states, interface names; and narrowing a [`Rule`] by a value.

use crate::firewall::model::{protocol_number, service_port, Rule};
use crate::firewall::sets::{AddrSet, PortSet, ProtoSet};

/// A selector the model describes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Sel {
    /// `ip saddr`, `ip6 daddr`…: `v6` gives the family.
    Addr { src: bool, v6: bool },
    /// `tcp dport`, `th sport`…
    Port { src: bool },
    /// `ip protocol`, `ip6 nexthdr`, `meta l4proto`.
    Proto,
    /// `iifname`, `oif`…
    Iface { input: bool },
    /// `ct state`.
    State,
    /// `meta nfproto` (`ipv4`/`ipv6`) and `meta protocol` (`ip`/`ip6`).
    Family,
}

/// A value of a selector, or several joined (a set).
#[derive(Clone, Debug)]
pub(super) enum Val {
    Addr(AddrSet),
    Ports(PortSet),
    Protos(ProtoSet),
    States(Vec<String>),
    Ifaces(Vec<String>),
    Family(AddrSet),
}

const STATES: [&str; 5] = ["new", "established", "related", "invalid", "untracked"];

fn number_or_name(text: &str) -> Option<u16> {
    if let Some(hex) = text.strip_prefix("0x") {
        return u16::from_str_radix(hex, 16).ok();
    }
    service_port(text)
}

fn proto(text: &str) -> Option<u8> {
    match text.to_ascii_lowercase().as_str() {
        "ipv6-icmp" | "icmp6" => Some(58),
        "sctp" => Some(132),
        "dccp" => Some(33),
        "udplite" => Some(136),
        "comp" => Some(108),
        other => protocol_number(other),
    }
}

/// One value (`10.0.0.0/8`, `22-25`, `"eth0"`, `established`) of `sel`; `None` if it does not
/// read as one.
pub(super) fn value(sel: &Sel, text: &str) -> Option<Val> {
    Some(match sel {
        Sel::Addr { .. } => Val::Addr(AddrSet::parse(text)?),
        Sel::Port { .. } => Val::Ports(match (number_or_name(text), text.split_once('-')) {
            (Some(p), _) => PortSet::single(p, p),
            (None, Some((lo, hi))) => PortSet::single(number_or_name(lo)?, number_or_name(hi)?),
            (None, None) => return None,
        }),
        Sel::Proto => Val::Protos(match (proto(text), text.split_once('-')) {
            (Some(p), _) => ProtoSet::single(p, p),
            (None, Some((lo, hi))) => ProtoSet::single(proto(lo)?, proto(hi)?),
            (None, None) => return None,
        }),
        Sel::Iface { .. } => Val::Ifaces(vec![text.to_string()]),
        Sel::State => {
            let lower = text.to_ascii_lowercase();
            STATES.contains(&lower.as_str()).then_some(())?;
            Val::States(vec![lower])
        }
        Sel::Family => Val::Family(match text {
            "ipv4" | "ip" => AddrSet::any_v4(),
            "ipv6" | "ip6" => AddrSet::any_v6(),
            _ => return None,
        }),
    })
}

/// What a value of `sel` is, for messages.
pub(super) fn kind(sel: &Sel) -> &'static str {
    match sel {
        Sel::Addr { .. } => "an address",
        Sel::Port { .. } => "a port",
        Sel::Proto => "a protocol",
        Sel::Iface { .. } => "an interface",
        Sel::State => "a connection state",
        Sel::Family => "an address family",
    }
}

/// `< 1024`, `>= 1024`… for ports and protocols.
pub(super) fn compare(sel: &Sel, op: &str, text: &str) -> Option<Val> {
    let n = match sel {
        Sel::Port { .. } => u32::from(number_or_name(text)?),
        Sel::Proto => u32::from(proto(text)?),
        _ => return None,
    };
    let max = if matches!(sel, Sel::Proto) {
        255
    } else {
        65535
    };
    let (lo, hi) = match op {
        "<" | "lt" => (0, n.checked_sub(1)?),
        "<=" | "le" => (0, n),
        ">" | "gt" => (n + 1, max),
        ">=" | "ge" => (n, max),
        _ => return None,
    };
    if lo > hi || hi > max {
        return None;
    }
    Some(match sel {
        Sel::Proto => Val::Protos(ProtoSet::single(
            u8::try_from(lo).ok()?,
            u8::try_from(hi).ok()?,
        )),
        _ => Val::Ports(PortSet::single(
            u16::try_from(lo).ok()?,
            u16::try_from(hi).ok()?,
        )),
    })
}

/// Joins two values of the same selector.
pub(super) fn union(a: Val, b: Val) -> Val {
    match (a, b) {
        (Val::Addr(x), Val::Addr(y)) => Val::Addr(x.union(&y)),
        (Val::Ports(x), Val::Ports(y)) => Val::Ports(x.union(&y)),
        (Val::Protos(x), Val::Protos(y)) => Val::Protos(x.union(&y)),
        (Val::Family(x), Val::Family(y)) => Val::Family(x.union(&y)),
        (Val::States(mut x), Val::States(y)) => {
            x.extend(y);
            Val::States(x)
        }
        (Val::Ifaces(mut x), Val::Ifaces(y)) => {
            x.extend(y);
            Val::Ifaces(x)
        }
        (a, _) => a,
    }
}

/// The empty value of `sel` (a set with no elements).
pub(super) fn empty(sel: &Sel) -> Val {
    match sel {
        Sel::Addr { .. } => Val::Addr(AddrSet::empty()),
        Sel::Port { .. } => Val::Ports(PortSet::empty()),
        Sel::Proto => Val::Protos(ProtoSet::empty()),
        Sel::Iface { .. } => Val::Ifaces(Vec::new()),
        Sel::State => Val::States(Vec::new()),
        Sel::Family => Val::Family(AddrSet::empty()),
    }
}

/// `!= value`; `None` if the model cannot say it (a negated set of interfaces).
pub(super) fn negate(sel: &Sel, v: Val) -> Option<Val> {
    Some(match v {
        Val::Addr(a) => {
            let universe = match sel {
                Sel::Addr { v6: true, .. } => AddrSet::any_v6(),
                _ => AddrSet::any_v4(),
            };
            Val::Addr(a.negate(&universe))
        }
        Val::Ports(p) => Val::Ports(p.complement()),
        Val::Protos(p) => Val::Protos(p.complement()),
        Val::Family(f) => Val::Family(AddrSet::any().difference(&f)),
        Val::States(s) => Val::States(
            STATES
                .iter()
                .filter(|k| !s.iter().any(|x| x == *k))
                .map(|k| (*k).to_string())
                .collect(),
        ),
        Val::Ifaces(names) => match names.as_slice() {
            [one] => Val::Ifaces(vec![format!("!{one}")]),
            _ => return None,
        },
    })
}

/// Narrows `rule` to packets with value `v` for `sel`; `Err` with the reason if the model
/// cannot say it (two different interfaces, several interfaces at once).
pub(super) fn narrow(rule: &mut Rule, sel: &Sel, v: &Val) -> Result<(), String> {
    match (sel, v) {
        (Sel::Addr { src: true, .. }, Val::Addr(a)) => rule.src = rule.src.intersect(a),
        (Sel::Addr { src: false, .. }, Val::Addr(a)) => rule.dst = rule.dst.intersect(a),
        (Sel::Port { src: true }, Val::Ports(p)) => rule.src_ports = rule.src_ports.intersect(p),
        (Sel::Port { src: false }, Val::Ports(p)) => rule.dst_ports = rule.dst_ports.intersect(p),
        (Sel::Proto, Val::Protos(p)) => rule.protocols = rule.protocols.intersect(p),
        (Sel::Family, Val::Family(f)) => {
            rule.src = rule.src.intersect(f);
            rule.dst = rule.dst.intersect(f);
        }
        (Sel::State, Val::States(s)) => {
            let mut s: Vec<String> = s.clone();
            if !rule.states.is_empty() {
                s.retain(|x| rule.states.contains(x));
                if s.is_empty() {
                    return Err("contradicts an earlier state match".into());
                }
            }
            s.sort_by_key(|x| STATES.iter().position(|k| k == x));
            s.dedup();
            rule.states = s;
        }
        (Sel::Iface { input }, Val::Ifaces(names)) => {
            let [name] = names.as_slice() else {
                return Err("matches several interfaces".into());
            };
            let slot = if *input {
                &mut rule.in_iface
            } else {
                &mut rule.out_iface
            };
            match slot {
                Some(old) if old != name => return Err("a second interface match".into()),
                _ => *slot = Some(name.clone()),
            }
        }
        _ => return Err("value of another kind".into()),
    }
    Ok(())
}

/// The protocols that have ports, for `th dport` without a protocol.
pub(super) fn port_protocols() -> ProtoSet {
    ProtoSet::from_ranges([(6, 6), (17, 17), (33, 33), (132, 132), (136, 136)])
}
