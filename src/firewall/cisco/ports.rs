//! Cisco protocol keywords, port names and port operators (`eq`, `neq`, `lt`, `gt`, `range`).

use crate::firewall::model::{protocol_number, service_port};
use crate::firewall::sets::{PortSet, ProtoSet};

use super::lines::Tok;

/// Port keywords of IOS and ASA that [`service_port`] does not know, or knows with another
/// number (ASA's `radius` is 1645).
fn cisco_port(name: &str) -> Option<u16> {
    Some(match name {
        "echo" => 7,
        "discard" => 9,
        "daytime" => 13,
        "chargen" => 19,
        "time" => 37,
        "nameserver" => 42,
        "whois" => 43,
        "tacacs" => 49,
        "gopher" => 70,
        "finger" => 79,
        "kerberos" => 750,
        "hostname" => 101,
        "pop2" => 109,
        "ident" => 113,
        "nntp" => 119,
        "msrpc" => 135,
        "netbios-ss" => 139,
        "xdmcp" => 177,
        "irc" => 194,
        "dnsix" => 195,
        "mobile-ip" => 434,
        "pim-auto-rp" => 496,
        "exec" | "biff" => 512,
        "login" | "who" => 513,
        "cmd" | "rsh" => 514,
        "talk" => 517,
        "rip" => 520,
        "uucp" => 540,
        "klogin" => 543,
        "kshell" => 544,
        "lotusnotes" => 1352,
        "citrix-ica" => 1494,
        "sqlnet" => 1521,
        "radius" => 1645,
        "radius-acct" => 1646,
        "h323" => 1720,
        "pptp" => 1723,
        "nfs" => 2049,
        "ctiqbe" => 2748,
        "cifs" => 3020,
        "drip" => 3949,
        "non500-isakmp" => 4500,
        "vxlan" => 4789,
        "aol" => 5190,
        "secureid-udp" => 5510,
        "pcanywhere-data" => 5631,
        "pcanywhere-status" => 5632,
        _ => return None,
    })
}

/// A port by number or Cisco keyword.
pub(crate) fn port(name: &str) -> Option<u16> {
    let lower = name.to_ascii_lowercase();
    cisco_port(&lower).or_else(|| service_port(&lower))
}

/// A protocol keyword or number. `ip`/`ipv6` are every protocol; `icmp` in an IPv6 list is
/// ICMPv6; ASA's `tcp-udp` is both.
pub(crate) fn protocol(name: &str, v6: bool) -> Option<ProtoSet> {
    let one = |n: u8| Some(ProtoSet::single(n, n));
    match name.to_ascii_lowercase().as_str() {
        "ip" | "ipv4" | "ipv6" => Some(ProtoSet::full()),
        "icmp" if v6 => one(58),
        "tcp-udp" => Some(ProtoSet::from_ranges([(6, 6), (17, 17)])),
        "hbh" => one(0),
        "ahp" => one(51),
        "igrp" => one(9),
        "nos" => one(94),
        "pcp" => one(108),
        "snp" => one(109),
        "ipsec" => one(50),
        "pptp" => one(47),
        n => protocol_number(n).and_then(one),
    }
}

/// Whether `word` starts a port match.
pub(crate) fn is_port_op(word: &str) -> bool {
    matches!(
        word.to_ascii_lowercase().as_str(),
        "eq" | "neq" | "lt" | "gt" | "range"
    )
}

/// A port match read from tokens; `unknown` holds port names that are not known (the set is
/// then left full, and the caller marks the rule).
#[derive(Debug)]
pub(crate) struct PortMatch<'a> {
    pub(crate) set: PortSet,
    pub(crate) unknown: Vec<Tok<'a>>,
}

/// Reads `eq P [P…] | neq P | lt P | gt P | range P P` at `toks[*i]`. `multi` lets `eq` take
/// several ports (IOS). Errors are messages for a syntax diagnostic.
pub(crate) fn parse_ports<'a>(
    toks: &[Tok<'a>],
    i: &mut usize,
    multi: bool,
) -> Result<PortMatch<'a>, String> {
    let op = toks
        .get(*i)
        .map(|t| t.text.to_ascii_lowercase())
        .unwrap_or_default();
    *i += 1;
    let mut unknown = Vec::new();
    let mut value = |i: &mut usize| -> Result<Option<u16>, String> {
        let t = toks.get(*i).ok_or_else(|| format!("`{op}` needs a port"))?;
        *i += 1;
        let p = port(t.text);
        if p.is_none() {
            unknown.push(*t);
        }
        Ok(p)
    };
    let set = match op.as_str() {
        "eq" => {
            let first = value(i)?;
            let mut ports: Vec<u16> = first.into_iter().collect();
            while multi && first.is_some() {
                match toks.get(*i).and_then(|t| port(t.text)) {
                    Some(p) => {
                        ports.push(p);
                        *i += 1;
                    }
                    None => break,
                }
            }
            match first {
                Some(_) => PortSet::from_ranges(ports.into_iter().map(|p| (p, p))),
                None => PortSet::full(),
            }
        }
        "neq" => value(i)?.map_or_else(PortSet::full, |p| PortSet::single(p, p).complement()),
        "lt" => match value(i)? {
            Some(0) => PortSet::empty(),
            Some(p) => PortSet::single(0, p - 1),
            None => PortSet::full(),
        },
        "gt" => match value(i)? {
            Some(u16::MAX) => PortSet::empty(),
            Some(p) => PortSet::single(p + 1, u16::MAX),
            None => PortSet::full(),
        },
        "range" => match (value(i)?, value(i)?) {
            (Some(a), Some(b)) => PortSet::single(a, b),
            _ => PortSet::full(),
        },
        other => return Err(format!("`{other}` is not a port operator")),
    };
    Ok(PortMatch { set, unknown })
}
