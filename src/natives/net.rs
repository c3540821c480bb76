//! `std.net`: IP addresses and CIDR blocks, IPv4 and IPv6.
//!
//! **Invalid input.** Input data is untrusted, so a string that is not an address or a CIDR is
//! never an error: predicates (`is_*`, `cidr_contains`, `cidr_overlaps`) give `false`, and
//! functions that compute a value (`prefix_len`, `ip_version`, `cidr_size`, `network`,
//! `parse_cidr`) give missing. Pair them with `is_ip`/`is_cidr` to report malformed entries.
//! Arguments that are not strings at all are still errors.
//!
//! **Bare addresses.** `is_cidr` requires a `/prefix`; everywhere else a bare address stands for
//! its single-address block (`/32` or `/128`). Host bits after the prefix are accepted
//! (`10.0.0.1/8`) and dropped by `network`. Addresses follow the standard library's strict
//! syntax: no leading zeros in IPv4 octets, no zone ids (`%eth0`).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use crate::types::Ty;
use crate::value::{Map, Value};

use super::args::{new_str, strs};
use super::{Native, NativeError, Param};

const MODULE: &str = "std.net";

const S: &[Param] = &[Param {
    name: "s",
    ty: Ty::String,
}];
const CIDR: &[Param] = &[Param {
    name: "cidr",
    ty: Ty::String,
}];

pub(crate) static NATIVES: &[Native] = &[
    Native {
        module: MODULE,
        name: "is_ip",
        params: S,
        returns: Ty::Bool,
        doc: "Whether `s` is an IPv4 or IPv6 address (without a prefix).\n\n\
              A missing argument gives missing; a non-string is an error.\n\n\
              Example: `is_ip(\"10.0.0.1\")` → `true`",
        func: is_ip,
    },
    Native {
        module: MODULE,
        name: "is_cidr",
        params: S,
        returns: Ty::Bool,
        doc: "Whether `s` is a CIDR block written with a prefix, like `10.0.0.0/8`.\n\n\
              A bare address is not a CIDR here (other `net` functions accept one as `/32` or \
              `/128`). Host bits are allowed: `10.0.0.1/8` is valid.\n\n\
              Example: `is_cidr(\"10.0.0.1\")` → `false`",
        func: is_cidr,
    },
    Native {
        module: MODULE,
        name: "cidr_contains",
        params: &[
            Param {
                name: "cidr",
                ty: Ty::String,
            },
            Param {
                name: "ip_or_cidr",
                ty: Ty::String,
            },
        ],
        returns: Ty::Bool,
        doc: "Whether the block `cidr` contains the address or the whole block `ip_or_cidr`.\n\n\
              False when the IP versions differ or either string is invalid. A missing argument \
              gives missing.\n\n\
              Example: `cidr_contains(\"10.0.0.0/8\", \"10.1.2.0/24\")` → `true`",
        func: cidr_contains,
    },
    Native {
        module: MODULE,
        name: "cidr_overlaps",
        params: &[
            Param {
                name: "a",
                ty: Ty::String,
            },
            Param {
                name: "b",
                ty: Ty::String,
            },
        ],
        returns: Ty::Bool,
        doc: "Whether the blocks `a` and `b` share at least one address.\n\n\
              False when the IP versions differ or either string is invalid. A missing argument \
              gives missing.\n\n\
              Example: `cidr_overlaps(\"10.0.0.0/16\", \"10.0.128.0/17\")` → `true`",
        func: cidr_overlaps,
    },
    Native {
        module: MODULE,
        name: "is_private",
        params: &[Param {
            name: "ip_or_cidr",
            ty: Ty::String,
        }],
        returns: Ty::Bool,
        doc: "Whether an address, or every address of a block, is private: RFC 1918 \
              (`10/8`, `172.16/12`, `192.168/16`) or IPv6 unique-local (`fc00::/7`).\n\n\
              Loopback, link-local and carrier-grade NAT space are not private here. IPv4-mapped \
              IPv6 addresses are judged as IPv4. False for invalid strings.\n\n\
              Example: `is_private(\"192.168.10.0/24\")` → `true`",
        func: is_private,
    },
    Native {
        module: MODULE,
        name: "is_loopback",
        params: &[Param {
            name: "ip_or_cidr",
            ty: Ty::String,
        }],
        returns: Ty::Bool,
        doc: "Whether an address, or every address of a block, is loopback (`127/8` or `::1`).\n\n\
              IPv4-mapped IPv6 addresses are judged as IPv4. False for invalid strings.\n\n\
              Example: `is_loopback(\"127.0.0.1\")` → `true`",
        func: is_loopback,
    },
    Native {
        module: MODULE,
        name: "is_any",
        params: CIDR,
        returns: Ty::Bool,
        doc: "Whether a block covers every address of its version: prefix `/0`, like `0.0.0.0/0` or `::/0`.\n\n\
              A bare `0.0.0.0` is the single unspecified address, not \"any\", so it gives \
              `false`; so do invalid strings and words such as `any`.\n\n\
              Example: `is_any(\"0.0.0.0/0\")` → `true`",
        func: is_any,
    },
    Native {
        module: MODULE,
        name: "prefix_len",
        params: CIDR,
        returns: Ty::Int,
        doc: "The prefix length of a block; a bare address gives 32 or 128.\n\n\
              Missing for invalid strings or a missing argument.\n\n\
              Example: `prefix_len(\"10.0.0.0/8\")` → `8`",
        func: prefix_len,
    },
    Native {
        module: MODULE,
        name: "ip_version",
        params: S,
        returns: Ty::Int,
        doc: "`4` or `6` for an address or a block.\n\n\
              Missing when `s` is neither, or when the argument is missing.\n\n\
              Example: `ip_version(\"fd00::/8\")` → `6`",
        func: ip_version,
    },
    Native {
        module: MODULE,
        name: "cidr_size",
        params: CIDR,
        returns: Ty::Number,
        doc: "The number of addresses in a block.\n\n\
              An int when it fits (up to 2^62), otherwise a float (large IPv6 blocks). A bare \
              address gives `1`. Missing for invalid strings.\n\n\
              Example: `cidr_size(\"10.0.0.0/24\")` → `256`",
        func: cidr_size,
    },
    Native {
        module: MODULE,
        name: "network",
        params: CIDR,
        returns: Ty::String,
        doc: "The canonical form of a block: host bits cleared, prefix always written.\n\n\
              A bare address gets `/32` or `/128`; IPv6 is compressed and lower-case. Missing for \
              invalid strings.\n\n\
              Example: `network(\"10.1.2.3/8\")` → `\"10.0.0.0/8\"`",
        func: network,
    },
    Native {
        module: MODULE,
        name: "parse_cidr",
        params: S,
        returns: Ty::Map,
        doc: "The parts of a block or address: `{cidr, network, prefix, version}`.\n\n\
              `cidr` is the canonical block (as `network()` gives) and `network` its first \
              address. A bare address is accepted as `/32` or `/128`. Missing for invalid \
              strings.\n\n\
              Example: `parse_cidr(\"10.1.2.3/8\")` → `{\"cidr\": \"10.0.0.0/8\", \"network\": \"10.0.0.0\", \"prefix\": 8, \"version\": 4}`",
        func: parse_cidr,
    },
];

/// A block from `a.b.c.d/n`, or a bare address as its single-address block.
fn parse_net(s: &str) -> Option<IpNet> {
    if s.contains('/') {
        s.parse::<IpNet>().ok()
    } else {
        s.parse::<IpAddr>().ok().map(IpNet::from)
    }
}

/// An IPv4-mapped IPv6 block (`::ffff:10.0.0.0/104`) as the IPv4 block it stands for.
fn unmap(net: IpNet) -> IpNet {
    if let IpNet::V6(v6) = net {
        let mapped = Ipv6Net::new(Ipv6Addr::new(0, 0, 0, 0, 0, 0xffff, 0, 0), 96);
        if let (Ok(mapped), Some(v4)) = (mapped, v6.addr().to_ipv4_mapped()) {
            if mapped.contains(&v6) {
                if let Ok(v4net) = Ipv4Net::new(v4, v6.prefix_len().saturating_sub(96)) {
                    return IpNet::V4(v4net);
                }
            }
        }
    }
    net
}

/// Whether `net` lies entirely inside one of the blocks `within`.
fn inside(net: IpNet, within: &[(IpAddr, u8)]) -> bool {
    let net = unmap(net);
    within
        .iter()
        .any(|&(addr, len)| IpNet::new(addr, len).is_ok_and(|block| block.contains(&net)))
}

const PRIVATE: &[(IpAddr, u8)] = &[
    (IpAddr::V4(Ipv4Addr::new(10, 0, 0, 0)), 8),
    (IpAddr::V4(Ipv4Addr::new(172, 16, 0, 0)), 12),
    (IpAddr::V4(Ipv4Addr::new(192, 168, 0, 0)), 16),
    (IpAddr::V6(Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0)), 7),
];

const LOOPBACK: &[(IpAddr, u8)] = &[
    (IpAddr::V4(Ipv4Addr::new(127, 0, 0, 0)), 8),
    (IpAddr::V6(Ipv6Addr::LOCALHOST), 128),
];

/// A one-string predicate: missing passes through, invalid gives `false`.
fn predicate(args: &[Value], f: impl FnOnce(&str) -> bool) -> Result<Value, NativeError> {
    Ok(match strs::<1>(args)? {
        Ok([s]) => Value::bool(f(s)),
        Err(missing) => missing,
    })
}

/// A one-block function: missing passes through, invalid gives missing (at the argument).
fn on_net(args: &[Value], f: impl FnOnce(IpNet) -> Value) -> Result<Value, NativeError> {
    let [s] = match strs::<1>(args)? {
        Ok(s) => s,
        Err(missing) => return Ok(missing),
    };
    let span = args.first().and_then(|a| a.span);
    Ok(parse_net(s).map_or_else(|| Value::missing_at(span), f))
}

fn is_ip(args: &[Value]) -> Result<Value, NativeError> {
    predicate(args, |s| s.parse::<IpAddr>().is_ok())
}

fn is_cidr(args: &[Value]) -> Result<Value, NativeError> {
    predicate(args, |s| s.contains('/') && s.parse::<IpNet>().is_ok())
}

fn two_nets(args: &[Value], f: impl FnOnce(IpNet, IpNet) -> bool) -> Result<Value, NativeError> {
    Ok(match strs::<2>(args)? {
        Ok([a, b]) => Value::bool(match (parse_net(a), parse_net(b)) {
            (Some(a), Some(b)) => f(a, b),
            _ => false,
        }),
        Err(missing) => missing,
    })
}

fn cidr_contains(args: &[Value]) -> Result<Value, NativeError> {
    two_nets(args, |a, b| a.contains(&b))
}

fn cidr_overlaps(args: &[Value]) -> Result<Value, NativeError> {
    // Aligned blocks overlap exactly when one contains the other.
    two_nets(args, |a, b| a.contains(&b) || b.contains(&a))
}

fn is_private(args: &[Value]) -> Result<Value, NativeError> {
    predicate(args, |s| parse_net(s).is_some_and(|n| inside(n, PRIVATE)))
}

fn is_loopback(args: &[Value]) -> Result<Value, NativeError> {
    predicate(args, |s| parse_net(s).is_some_and(|n| inside(n, LOOPBACK)))
}

fn is_any(args: &[Value]) -> Result<Value, NativeError> {
    predicate(args, |s| parse_net(s).is_some_and(|n| n.prefix_len() == 0))
}

fn prefix_len(args: &[Value]) -> Result<Value, NativeError> {
    on_net(args, |n| Value::int(i64::from(n.prefix_len())))
}

fn version(n: IpNet) -> i64 {
    match n {
        IpNet::V4(_) => 4,
        IpNet::V6(_) => 6,
    }
}

fn ip_version(args: &[Value]) -> Result<Value, NativeError> {
    on_net(args, |n| Value::int(version(n)))
}

fn cidr_size(args: &[Value]) -> Result<Value, NativeError> {
    on_net(args, |n| {
        let host_bits = n.max_prefix_len().saturating_sub(n.prefix_len());
        if host_bits <= 62 {
            Value::int(1_i64 << host_bits)
        } else {
            Value::float(2_f64.powi(i32::from(host_bits)))
        }
    })
}

fn network(args: &[Value]) -> Result<Value, NativeError> {
    on_net(args, |n| new_str(n.trunc().to_string()))
}

fn parse_cidr(args: &[Value]) -> Result<Value, NativeError> {
    on_net(args, |n| {
        let mut m = Map::with_capacity(4);
        m.insert("cidr", None, new_str(n.trunc().to_string()));
        m.insert("network", None, new_str(n.network().to_string()));
        m.insert("prefix", None, Value::int(i64::from(n.prefix_len())));
        m.insert("version", None, Value::int(version(n)));
        Value::map(m)
    })
}
