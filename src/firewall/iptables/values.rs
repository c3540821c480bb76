//! Values of iptables options: addresses, ports, protocols, connection states, and the
//! targets iptables knows besides user chains.

use crate::firewall::model::{protocol_number, service_port};
use crate::firewall::sets::{AddrSet, PortSet, ProtoSet};

/// `10.0.0.0/8`, `10.0.0.1`, `10.0.0.0/255.0.0.0`, `fd00::/8`, or a comma list of them.
/// `None` if any item is not an address (a host name, say).
pub(super) fn addresses(text: &str) -> Option<AddrSet> {
    let mut set = AddrSet::empty();
    for item in text.split(',') {
        let one = match item.split_once('/') {
            Some((addr, mask)) if mask.contains('.') => AddrSet::from_mask(addr, mask)?,
            _ => AddrSet::parse(item)?,
        };
        set = set.union(&one);
    }
    Some(set)
}

/// The family universe a set of addresses lives in: IPv6 if it holds only IPv6 addresses.
pub(super) fn universe(set: &AddrSet) -> AddrSet {
    if set.v4.is_empty() && !set.v6.is_empty() {
        AddrSet::any_v6()
    } else {
        AddrSet::any_v4()
    }
}

fn port(text: &str) -> Option<u16> {
    service_port(text)
}

/// `22`, `ssh`, `1024:65535`, `:1023`, `1024:`.
pub(super) fn port_range(text: &str) -> Option<PortSet> {
    match text.split_once(':') {
        Some((lo, hi)) => {
            let lo = if lo.is_empty() { 0 } else { port(lo)? };
            let hi = if hi.is_empty() { u16::MAX } else { port(hi)? };
            Some(PortSet::single(lo, hi))
        }
        None => port(text).map(|p| PortSet::single(p, p)),
    }
}

/// A multiport list: `22,80,8000:8080`.
pub(super) fn port_list(text: &str) -> Option<PortSet> {
    let mut set = PortSet::empty();
    for item in text.split(',') {
        set = set.union(&port_range(item)?);
    }
    Some(set)
}

/// `tcp`, `6`, `all`. `None` for an unknown name.
pub(super) fn protocols(text: &str) -> Option<ProtoSet> {
    let lower = text.to_ascii_lowercase();
    if lower == "all" || lower == "0" {
        return Some(ProtoSet::full());
    }
    let n = match lower.as_str() {
        "ipv6-icmp" | "icmp6" => 58,
        "sctp" => 132,
        "dccp" => 33,
        "udplite" => 136,
        "mh" | "ipv6-mh" => 135,
        _ => protocol_number(&lower)?,
    };
    Some(ProtoSet::single(n, n))
}

/// The protocols that have ports, for a port match without a protocol.
pub(super) fn port_protocols() -> ProtoSet {
    ProtoSet::from_ranges([(6, 6), (17, 17)])
}

/// Connection states in a stable order; the complement of a negated list is taken within
/// these.
pub(super) const STATES: [&str; 5] = ["new", "established", "related", "invalid", "untracked"];

/// `NEW,ESTABLISHED` → `["new", "established"]`; `None` if a name is unknown.
pub(super) fn states(text: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for item in text.split(',') {
        let lower = item.to_ascii_lowercase();
        if !STATES.contains(&lower.as_str()) && lower != "snat" && lower != "dnat" {
            return None;
        }
        out.push(lower);
    }
    Some(out)
}

/// Sorts states in [`STATES`] order (other names last) and drops duplicates.
pub(super) fn normalize_states(states: &mut Vec<String>) {
    states.sort_by_key(|s| STATES.iter().position(|k| k == s).unwrap_or(STATES.len()));
    states.dedup();
}

/// What a built-in (extension) target does to filtering.
pub(super) enum TargetKind {
    /// Lets evaluation go on without changing the verdict (`MARK`, `CT`, `TCPMSS`…).
    Continue,
    /// Logs and goes on (`LOG`, `NFLOG`, `ULOG`).
    Log,
    /// Has an effect the model does not describe (`NFQUEUE`, NAT targets…).
    Other,
}

/// The extension targets iptables ships, other than `ACCEPT`, `DROP`, `REJECT`, `RETURN`.
pub(super) fn extension_target(name: &str) -> Option<TargetKind> {
    Some(match name {
        "LOG" | "NFLOG" | "ULOG" => TargetKind::Log,
        "MARK" | "CONNMARK" | "CT" | "NOTRACK" | "TCPMSS" | "DSCP" | "TOS" | "TTL" | "HL"
        | "CLASSIFY" | "CHECKSUM" | "TRACE" | "SET" | "AUDIT" | "CONNSECMARK" | "SECMARK"
        | "IDLETIMER" | "LED" | "TEE" | "HMARK" | "RATEEST" | "ECN" | "TCPOPTSTRIP" => {
            TargetKind::Continue
        }
        "QUEUE" | "NFQUEUE" | "DNAT" | "SNAT" | "MASQUERADE" | "REDIRECT" | "NETMAP" | "TPROXY"
        | "SYNPROXY" | "TARPIT" | "CLUSTERIP" | "MIRROR" | "DNPT" | "SNPT" => TargetKind::Other,
        _ => return None,
    })
}

/// The built-in chains of a table, in `iptables-save` order; `None` for an unknown table.
pub(super) fn builtin_chains(table: &str) -> Option<&'static [&'static str]> {
    Some(match table {
        "filter" | "security" => &["INPUT", "FORWARD", "OUTPUT"],
        "nat" => &["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
        "mangle" => &["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
        "raw" => &["PREROUTING", "OUTPUT"],
        _ => return None,
    })
}
