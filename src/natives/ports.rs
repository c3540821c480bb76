//! `std.ports`: port specs, range arithmetic and the well-known ICS/IT services.
//!
//! **Specs.** A port spec is an int (`502`), a string holding a port (`"502"`), a range
//! (`"8000-8080"`, or iptables-style `"8000:8080"`), a comma-separated string of those
//! (`"80,443,8000:8080"`, as in iptables `--dports`) or a list of any of these. Ports are
//! `0..=65535` inside specs (so `"0-65535"`, common in cloud rules, is "all ports"); `is_port`
//! alone insists on `1..=65535`. Note that `"8080:80"` is read as a range, not as a Compose
//! `host:container` mapping, and is invalid because it runs backwards; adapters split mappings
//! before asking here.
//!
//! **Invalid input.** A spec of the wrong *type* (bool, map, null, float) is an error; a spec of
//! the right type with bad content (`"http"`, `"70000"`, `"90-80"`) is invalid: predicates give
//! `false` and value functions give missing.
//!
//! **Services.** The table follows `shared/iec62443.md`: section 3 (industrial protocols) and
//! section 4 (cleartext / insecure management protocols), plus common IT services for naming.
//! A service is *cleartext* when that file lists it without authentication or encryption:
//! every section 4 entry except RDP (the file notes it is encrypted) and TeamViewer (encrypted,
//! listed there only as unmanaged remote access); every section 3 protocol whose secure variant
//! is "none" or runs on a separate port. OPC UA (4840) and CODESYS V3 carry optional security
//! inside the protocol, so their port says nothing and they are not cleartext. Port 102 is
//! shared by S7comm, IEC 61850 MMS and ICCP, so it is named by its IANA name, `iso-tsap`.

use crate::types::Ty;
use crate::value::{Kind, Value};

use super::args::{arity, count, first_missing, new_str, type_error};
use super::{Native, NativeError, Param};

const MODULE: &str = "std.ports";

/// The service table: `(first, last, name, cleartext)`, for the firewall analyses.
pub(crate) fn service_table() -> &'static [(u16, u16, &'static str, bool)] {
    SERVICES
}

/// `(first, last, name, cleartext)`, sorted by port, never overlapping.
const SERVICES: &[(u16, u16, &str, bool)] = &[
    (20, 20, "ftp-data", true),
    (21, 21, "ftp", true),
    (22, 22, "ssh", false),
    (23, 23, "telnet", true),
    (25, 25, "smtp", false),
    (49, 49, "tacacs", false),
    (53, 53, "dns", false),
    (69, 69, "tftp", true),
    (79, 79, "finger", true),
    (80, 80, "http", true),
    (88, 88, "kerberos", false),
    (102, 102, "iso-tsap", true),
    (111, 111, "portmapper", true),
    (123, 123, "ntp", false),
    (135, 135, "msrpc", true),
    (137, 139, "netbios", true),
    (161, 161, "snmp", true),
    (162, 162, "snmp-trap", true),
    (177, 177, "xdmcp", true),
    (389, 389, "ldap", true),
    (443, 443, "https", false),
    (445, 445, "smb", true),
    (502, 502, "modbus", true),
    (512, 512, "rexec", true),
    (513, 513, "rlogin", true),
    (514, 514, "syslog", true),
    (623, 623, "ipmi", true),
    (636, 636, "ldaps", false),
    (789, 789, "crimson-v3", true),
    (802, 802, "modbus-tls", false),
    (990, 990, "ftps", false),
    (992, 992, "telnets", false),
    (1089, 1091, "ff-hse", true),
    (1200, 1200, "codesys", true),
    (1217, 1217, "codesys-gateway", false),
    (1433, 1433, "mssql", false),
    (1628, 1629, "lonworks", true),
    (1740, 1743, "codesys-v3", false),
    (1812, 1812, "radius", false),
    (1883, 1883, "mqtt", true),
    (1911, 1911, "niagara-fox", true),
    (1962, 1962, "pcworx", true),
    (2049, 2049, "nfs", true),
    (2221, 2221, "cip-security", false),
    (2222, 2222, "ethernet-ip-io", true),
    (2375, 2375, "docker", true),
    (2376, 2376, "docker-tls", false),
    (2379, 2379, "etcd", true),
    (2404, 2404, "iec-104", true),
    (2455, 2455, "codesys", true),
    (3306, 3306, "mysql", false),
    (3389, 3389, "rdp", false),
    (3622, 3622, "ff-lr", true),
    (3671, 3671, "knxnet-ip", true),
    (3819, 3819, "powerlink", true),
    (4786, 4786, "cisco-smart-install", true),
    (4800, 4800, "moxa-nport", true),
    (4840, 4840, "opc-ua", false),
    (4843, 4843, "opc-ua-tls", false),
    (4911, 4911, "niagara-fox-tls", false),
    (5006, 5007, "melsec", true),
    (5094, 5094, "hart-ip", true),
    (5413, 5413, "suitelink", true),
    (5432, 5432, "postgresql", false),
    (5450, 5450, "pi-data-archive", true),
    (5631, 5632, "pcanywhere", true),
    (5671, 5671, "amqps", false),
    (5672, 5672, "amqp", true),
    (5683, 5683, "coap", true),
    (5684, 5684, "coaps", false),
    (5800, 5800, "vnc-http", true),
    (5900, 5906, "vnc", true),
    (5938, 5938, "teamviewer", false),
    (5985, 5985, "winrm", true),
    (5986, 5986, "winrm-https", false),
    (6000, 6063, "x11", true),
    (6379, 6379, "redis", true),
    (6443, 6443, "kube-apiserver", false),
    (6514, 6514, "syslog-tls", false),
    (8000, 8000, "http-alt", true),
    (8080, 8081, "http-alt", true),
    (8443, 8443, "https-alt", false),
    (8883, 8883, "mqtt-tls", false),
    (9600, 9600, "fins", true),
    (10250, 10250, "kubelet", false),
    (10255, 10255, "kubelet-readonly", true),
    (11211, 11211, "memcached", true),
    (11740, 11740, "codesys-v3", false),
    (18245, 18246, "ge-srtp", true),
    (19998, 19998, "iec-104-tls", false),
    (19999, 19999, "dnp3-tls", false),
    (20000, 20000, "dnp3", true),
    (20547, 20547, "proconos", true),
    (27017, 27017, "mongodb", true),
    (34962, 34964, "profinet", true),
    (34980, 34980, "ethercat", true),
    (44818, 44818, "ethernet-ip", true),
    (47808, 47808, "bacnet", true),
];

const SPEC: &[Param] = &[Param {
    name: "spec",
    ty: Ty::Any,
}];
const PORT: &[Param] = &[Param {
    name: "port",
    ty: Ty::Any,
}];

pub(crate) static NATIVES: &[Native] = &[
    Native {
        module: MODULE,
        name: "parse_ports",
        params: SPEC,
        returns: Ty::List,
        doc: "A port spec as sorted, merged `[first, last]` ranges.\n\n\
              Accepts `502`, `\"502\"`, `\"8000-8080\"`, `\"8000:8080\"`, `\"80,443\"` or a list of \
              these; overlapping and adjacent ranges merge. Invalid content gives missing; a \
              bool, float, map or null is an error.\n\n\
              Example: `parse_ports([\"80\", \"81-90\", 443])` → `[[80, 90], [443, 443]]`",
        func: parse_ports,
    },
    Native {
        module: MODULE,
        name: "port_in",
        params: &[
            Param {
                name: "port",
                ty: Ty::Any,
            },
            Param {
                name: "spec",
                ty: Ty::Any,
            },
        ],
        returns: Ty::Bool,
        doc: "Whether the single port `port` (an int or numeric string) is covered by `spec`.\n\n\
              False when either is invalid. A missing argument gives missing.\n\n\
              Example: `port_in(502, \"1-1024\")` → `true`",
        func: port_in,
    },
    Native {
        module: MODULE,
        name: "ports_overlap",
        params: &[
            Param {
                name: "a",
                ty: Ty::Any,
            },
            Param {
                name: "b",
                ty: Ty::Any,
            },
        ],
        returns: Ty::Bool,
        doc: "Whether the specs `a` and `b` cover at least one common port.\n\n\
              False when either is invalid. A missing argument gives missing.\n\n\
              Example: `ports_overlap(\"8000:8100\", [8080, 9090])` → `true`",
        func: ports_overlap,
    },
    Native {
        module: MODULE,
        name: "port_count",
        params: SPEC,
        returns: Ty::Int,
        doc: "How many distinct ports a spec covers.\n\n\
              Overlaps count once. Missing for an invalid spec.\n\n\
              Example: `port_count(\"8000-8009,8005\")` → `10`",
        func: port_count,
    },
    Native {
        module: MODULE,
        name: "is_port",
        params: PORT,
        returns: Ty::Bool,
        doc: "Whether `port` is a single valid port, 1 to 65535, as an int or numeric string.\n\n\
              Never an error: any other value gives `false` (a missing one gives missing).\n\n\
              Example: `is_port(\"502\")` → `true`",
        func: is_port,
    },
    Native {
        module: MODULE,
        name: "service_name",
        params: PORT,
        returns: Ty::String,
        doc: "The well-known service on a port, e.g. `modbus`, `dnp3`, `ssh`, or missing.\n\n\
              Covers the ICS and cleartext protocols of the IEC 62443 notes and common IT \
              services; transport is ignored. Port 102 (S7comm, MMS, ICCP) is `iso-tsap`.\n\n\
              Example: `service_name(502)` → `\"modbus\"`",
        func: service_name,
    },
    Native {
        module: MODULE,
        name: "is_cleartext",
        params: SPEC,
        returns: Ty::Bool,
        doc: "Whether a spec covers any port of a cleartext or unauthenticated protocol.\n\n\
              Telnet, FTP, TFTP, HTTP, SNMP, VNC, Modbus, S7 (102), DNP3, IEC-104, BACnet, \
              EtherNet/IP, MQTT 1883 and the other insecure services of the IEC 62443 notes. A \
              range counts when any port in it does, so `\"1-1024\"` is cleartext. False for an \
              invalid spec.\n\n\
              Example: `is_cleartext(23)` → `true`",
        func: is_cleartext,
    },
    Native {
        module: MODULE,
        name: "services",
        params: SPEC,
        returns: Ty::List,
        doc: "The names of the well-known services whose ports a spec covers, in port order.\n\n\
              Each name appears once. Missing for an invalid spec.\n\n\
              Example: `services(\"20-23\")` → `[\"ftp-data\", \"ftp\", \"ssh\", \"telnet\"]`",
        func: services,
    },
];

/// Sorted, merged, inclusive ranges.
type Ranges = Vec<(u16, u16)>;

/// A decimal port `0..=65535`: ASCII digits only (no sign, no spaces inside).
fn number(s: &str) -> Option<u16> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// One piece of a string spec: `80`, `80-90` or `80:90`.
fn piece(s: &str) -> Option<(u16, u16)> {
    let s = s.trim();
    let (lo, hi) = match s.split_once(['-', ':']) {
        Some((lo, hi)) => (number(lo.trim())?, number(hi.trim())?),
        None => {
            let n = number(s)?;
            (n, n)
        }
    };
    (lo <= hi).then_some((lo, hi))
}

/// Adds the ranges of one int or string to `out`; `None` if it is invalid.
fn scalar(v: &Value, out: &mut Ranges) -> Option<()> {
    match &v.kind {
        Kind::Int(i) => {
            let n = u16::try_from(*i).ok()?;
            out.push((n, n));
        }
        Kind::Str(s) => {
            for p in s.split(',') {
                out.push(piece(p)?);
            }
        }
        _ => return None,
    }
    Some(())
}

/// The spec as merged ranges: `Ok(None)` when its content is invalid, `Err` for a wrong type.
fn spec(i: usize, v: &Value) -> Result<Option<Ranges>, NativeError> {
    let mut out = Ranges::new();
    let valid = match &v.kind {
        Kind::Int(_) | Kind::Str(_) => scalar(v, &mut out),
        Kind::List(items) => items.iter().try_for_each(|item| scalar(item, &mut out)),
        _ => return Err(type_error(i, "a port spec (an int, a string or a list)", v)),
    };
    Ok(valid.map(|()| merge(out)))
}

fn merge(mut ranges: Ranges) -> Ranges {
    ranges.sort_unstable();
    let mut out: Ranges = Vec::with_capacity(ranges.len());
    for (lo, hi) in ranges {
        match out.last_mut() {
            Some(last) if u32::from(lo) <= u32::from(last.1) + 1 => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

/// A single port from an int or string; `Ok(None)` when out of range or not a number.
fn single(i: usize, v: &Value) -> Result<Option<u16>, NativeError> {
    match &v.kind {
        Kind::Int(n) => Ok(u16::try_from(*n).ok()),
        Kind::Str(s) => Ok(number(s.trim())),
        _ => Err(type_error(i, "a port (an int or a string)", v)),
    }
}

fn overlaps(a: &[(u16, u16)], b: &[(u16, u16)]) -> bool {
    a.iter()
        .any(|&(alo, ahi)| b.iter().any(|&(blo, bhi)| alo <= bhi && blo <= ahi))
}

/// The known services whose ports meet `ranges`.
fn known(
    ranges: &[(u16, u16)],
) -> impl Iterator<Item = &'static (u16, u16, &'static str, bool)> + '_ {
    SERVICES
        .iter()
        .filter(move |(lo, hi, _, _)| overlaps(ranges, &[(*lo, *hi)]))
}

fn parse_ports(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [v] = arity(args)?;
    Ok(match spec(0, v)? {
        Some(ranges) => Value::list(
            ranges
                .into_iter()
                .map(|(lo, hi)| {
                    Value::list(vec![Value::int(i64::from(lo)), Value::int(i64::from(hi))])
                })
                .collect(),
        ),
        None => Value::missing_at(v.span),
    })
}

fn port_in(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [port, s] = arity(args)?;
    let (port, ranges) = (single(0, port)?, spec(1, s)?);
    Ok(Value::bool(match (port, ranges) {
        (Some(p), Some(r)) => overlaps(&r, &[(p, p)]),
        _ => false,
    }))
}

fn ports_overlap(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [a, b] = arity(args)?;
    let (a, b) = (spec(0, a)?, spec(1, b)?);
    Ok(Value::bool(match (a, b) {
        (Some(a), Some(b)) => overlaps(&a, &b),
        _ => false,
    }))
}

fn port_count(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [v] = arity(args)?;
    Ok(match spec(0, v)? {
        Some(ranges) => count(
            ranges
                .iter()
                .map(|&(lo, hi)| usize::from(hi - lo) + 1)
                .sum(),
        ),
        None => Value::missing_at(v.span),
    })
}

fn is_port(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [v] = arity(args)?;
    let port = match &v.kind {
        Kind::Int(_) | Kind::Str(_) => single(0, v)?,
        _ => None,
    };
    Ok(Value::bool(port.is_some_and(|p| p >= 1)))
}

fn service_name(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [v] = arity(args)?;
    let name = single(0, v)?.and_then(|p| known(&[(p, p)]).next().map(|s| s.2));
    Ok(name.map_or_else(|| Value::missing_at(v.span), new_str))
}

fn is_cleartext(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [v] = arity(args)?;
    let ranges = spec(0, v)?;
    Ok(Value::bool(ranges.is_some_and(|r| known(&r).any(|s| s.3))))
}

fn services(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [v] = arity(args)?;
    Ok(match spec(0, v)? {
        Some(ranges) => {
            let mut names: Vec<&str> = Vec::new();
            for s in known(&ranges) {
                if !names.contains(&s.2) {
                    names.push(s.2);
                }
            }
            Value::list(names.into_iter().map(new_str).collect())
        }
        None => Value::missing_at(v.span),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn services_are_sorted_and_disjoint() {
        for pair in super::SERVICES.windows(2) {
            if let [(lo1, hi1, ..), (lo2, ..)] = pair {
                assert!(lo1 <= hi1 && hi1 < lo2, "{pair:?}");
            }
        }
    }
}
