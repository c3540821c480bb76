//! JunOS values: protocol and port names, port ranges, addresses with prefix or mask.

use crate::firewall::model::{protocol_number, service_port};
use crate::firewall::sets::{AddrSet, PortSet, ProtoSet};

/// A protocol by JunOS name or number (`tcp`, `icmp6`, `hop-by-hop`, `50`).
pub(crate) fn protocol(name: &str) -> Option<u8> {
    Some(match name {
        "hop-by-hop" => 0,
        "ipv6" => 41,
        "routing" => 43,
        "fragment" => 44,
        "rsvp" => 46,
        "no-next-header" => 59,
        "dstopts" => 60,
        "mobility" => 135,
        n => return protocol_number(n),
    })
}

/// A set of protocols from JunOS names; `None` if a name is unknown.
pub(crate) fn protocols<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<ProtoSet, &'a str> {
    let mut out = Vec::new();
    for n in names {
        let (lo, hi) = match n
            .split_once('-')
            .map(|(a, b)| (a.parse::<u8>(), b.parse::<u8>()))
        {
            Some((Ok(a), Ok(b))) => (a, b),
            _ => {
                let p = protocol(n).ok_or(n)?;
                (p, p)
            }
        };
        out.push((lo, hi));
    }
    Ok(ProtoSet::from_ranges(out))
}

/// A port by JunOS name or number (`ssh`, `bgp`, `8080`).
pub(crate) fn port(name: &str) -> Option<u16> {
    Some(match name {
        "echo" => 7,
        "discard" => 9,
        "chargen" => 19,
        "whois" => 43,
        "tacacs" => 49,
        "tacacs-ds" => 65,
        "dhcp" => 67,
        "gopher" => 70,
        "finger" => 79,
        "http" => 80,
        "kerberos-sec" => 88,
        "hostname" => 101,
        "ident" => 113,
        "nntp" => 119,
        "xdmcp" => 177,
        "mobileip-agent" => 434,
        "mobilip-mn" => 435,
        "snpp" => 444,
        "biff" | "exec" => 512,
        "login" | "who" => 513,
        "cmd" => 514,
        "printer" => 515,
        "talk" => 517,
        "ntalk" => 518,
        "rip" => 520,
        "timed" => 525,
        "uucp" => 540,
        "klogin" => 543,
        "kshell" => 544,
        "msdp" => 639,
        "ldp" => 646,
        "krb-prop" => 754,
        "krbupdate" => 760,
        "kpasswd" => 761,
        "socks" => 1080,
        "afs" => 1483,
        "radacct" => 1813,
        "nfsd" => 2049,
        "zephyr-srv" => 2102,
        "zephyr-clt" => 2103,
        "zephyr-hm" => 2104,
        "eklogin" => 2105,
        "ekshell" => 2106,
        "rkinit" => 2108,
        "cvspserver" => 2401,
        n => return service_port(n),
    })
}

/// A port or port range (`22`, `ssh`, `1024-65535`).
pub(crate) fn port_range(s: &str) -> Option<(u16, u16)> {
    if let Some(p) = port(s) {
        return Some((p, p));
    }
    let (a, b) = s.split_once('-')?;
    Some((port(a)?, port(b)?))
}

/// A set of ports from JunOS values; `Err` with the first value that is not a port.
pub(crate) fn ports<'a>(values: impl IntoIterator<Item = &'a str>) -> Result<PortSet, &'a str> {
    let mut out = Vec::new();
    for v in values {
        out.push(port_range(v).ok_or(v)?);
    }
    Ok(PortSet::from_ranges(out))
}

/// What an address value is.
pub(crate) enum Addr {
    Set(AddrSet),
    /// `a.b.c.d/m.m.m.m` with a mask that is not a prefix; the set is the prefix of the
    /// mask's leading ones, which contains every address the mask matches.
    NonContiguous(AddrSet),
    Invalid,
}

/// An address, prefix or `address/netmask` (`10.0.0.0/8`, `1.2.3.4`, `10.0.0.0/255.0.0.0`).
pub(crate) fn address(s: &str) -> Addr {
    if let Some(a) = AddrSet::parse(s) {
        return Addr::Set(a);
    }
    // JunOS pads abbreviated IPv4 addresses: `10/8` is `10.0.0.0/8`, `10` is `10.0.0.0/32`.
    let (ip, len) = s.split_once('/').map_or((s, None), |(a, l)| (a, Some(l)));
    let octets = ip.split('.').count();
    if (1..4).contains(&octets)
        && ip
            .split('.')
            .all(|o| !o.is_empty() && o.bytes().all(|b| b.is_ascii_digit()))
    {
        let padded = format!("{ip}{}", ".0".repeat(4 - octets));
        let full = len.map_or(padded.clone(), |l| format!("{padded}/{l}"));
        if let Some(a) = AddrSet::parse(&full) {
            return Addr::Set(a);
        }
    }
    if let Some((ip, mask)) = s.split_once('/') {
        if mask.contains('.') {
            return match (
                AddrSet::from_mask(ip, mask),
                mask.parse::<std::net::Ipv4Addr>(),
            ) {
                (Some(a), _) => Addr::Set(a),
                (None, Ok(m)) => {
                    let len = u32::from(m).leading_ones();
                    AddrSet::parse(&format!("{ip}/{len}"))
                        .map_or(Addr::Invalid, Addr::NonContiguous)
                }
                (None, Err(_)) => Addr::Invalid,
            };
        }
    }
    Addr::Invalid
}

/// A TCP and UDP set, for port matches written without a protocol.
pub(crate) fn tcp_udp() -> ProtoSet {
    ProtoSet::from_ranges([(6, 6), (17, 17)])
}
