//! Interfaces (`<interfaces>`), interface groups (`<ifgroups>`) and virtual IPs, and the
//! interface keywords rules use as networks: `lan` (its subnet), `lanip` (its address) and
//! `(self)` (every address of the firewall).

use std::net::IpAddr;

use ipnet::IpNet;
use roxmltree::Node;

use crate::firewall::model::Interface;
use crate::firewall::sets::AddrSet;
use crate::source::{FileId, Span};

use super::{xml, Problem};

/// How one address family of an interface is configured.
#[derive(Clone, Debug)]
pub(super) enum Addr {
    /// No address of this family (`<ipaddr>` absent or empty).
    Absent,
    Static(IpNet),
    /// Assigned at run time: `dhcp`, `pppoe`, `track6`, `slaac`…
    Dynamic(String),
}

impl Addr {
    fn read(n: Node<'_, '_>, addr: &str, bits: &str) -> Addr {
        let Some(a) = xml::nonempty(n, addr) else {
            return Addr::Absent;
        };
        let Ok(ip) = a.parse::<IpAddr>() else {
            return Addr::Dynamic(a);
        };
        let max = if ip.is_ipv4() { 32 } else { 128 };
        let prefix = xml::nonempty(n, bits)
            .and_then(|b| b.parse::<u8>().ok())
            .filter(|b| *b <= max)
            .unwrap_or(max);
        IpNet::new(ip, prefix).map_or(Addr::Absent, Addr::Static)
    }
}

#[derive(Clone, Debug)]
pub(super) struct Iface {
    pub name: String,
    pub descr: Option<String>,
    pub v4: Addr,
    pub v6: Addr,
    pub span: Span,
    /// `lo0`: pf skips it, so it gets no ruleset.
    pub loopback: bool,
}

#[derive(Clone, Debug)]
pub(super) struct Group {
    pub name: String,
    pub members: Vec<String>,
    pub seq: i64,
    pub span: Span,
}

/// Interface names that exist without an `<interfaces>` entry.
const BUILTIN: &[&str] = &["openvpn", "ipsec", "enc0", "l2tp", "pppoe", "wireguard"];

#[derive(Debug, Default)]
pub(super) struct Ifaces {
    pub list: Vec<Iface>,
    pub groups: Vec<Group>,
    /// Virtual IP addresses (part of `(self)`).
    vips: AddrSet,
}

impl Ifaces {
    pub(super) fn read(file: FileId, root: Node<'_, '_>) -> Ifaces {
        let mut out = Ifaces::default();
        if let Some(ifs) = xml::child(root, "interfaces") {
            for n in ifs.children().filter(|c| c.is_element()) {
                let name = n.tag_name().name().to_string();
                let dev = xml::child_text(n, "if").unwrap_or_default();
                out.list.push(Iface {
                    loopback: name == "lo0" || dev == "lo0",
                    descr: xml::nonempty(n, "descr"),
                    v4: Addr::read(n, "ipaddr", "subnet"),
                    v6: Addr::read(n, "ipaddrv6", "subnetv6"),
                    span: xml::span(file, n),
                    name,
                });
            }
        }
        if let Some(groups) = xml::child(root, "ifgroups") {
            for g in xml::children(groups, "ifgroupentry") {
                let Some(name) = xml::nonempty(g, "ifname") else {
                    continue;
                };
                out.groups.push(Group {
                    name,
                    members: xml::child_text(g, "members")
                        .unwrap_or_default()
                        .split([' ', ','])
                        .filter(|m| !m.is_empty())
                        .map(str::to_string)
                        .collect(),
                    seq: xml::nonempty(g, "sequence")
                        .and_then(|s| s.parse().ok())
                        .unwrap_or(0),
                    span: xml::span(file, g),
                });
            }
        }
        if let Some(vips) = xml::child(root, "virtualip") {
            for v in xml::children(vips, "vip") {
                let addr = xml::nonempty(v, "subnet").unwrap_or_default();
                if let Ok(ip) = addr.parse::<IpAddr>() {
                    out.vips = out.vips.union(&AddrSet::from_range(ip, ip));
                }
            }
        }
        out
    }

    pub(super) fn get(&self, name: &str) -> Option<&Iface> {
        self.list.iter().find(|i| i.name == name)
    }

    pub(super) fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// Whether `name` is an interface, a group, or a built-in interface.
    pub(super) fn exists(&self, name: &str) -> bool {
        self.get(name).is_some() || self.group(name).is_some() || BUILTIN.contains(&name)
    }

    /// The model's interfaces: each with its connected subnets.
    pub(super) fn model(&self) -> Vec<Interface> {
        self.list
            .iter()
            .map(|i| {
                let mut addresses = AddrSet::empty();
                for a in [&i.v4, &i.v6] {
                    if let Addr::Static(net) = a {
                        addresses = addresses.union(&AddrSet::from_net(net.trunc()));
                    }
                }
                Interface {
                    name: i.name.clone(),
                    zone: i.descr.clone(),
                    security_level: None,
                    addresses,
                    span: i.span,
                }
            })
            .collect()
    }

    /// A network keyword (`lan`, `lanip`, `(self)`, `__lan_network`) within `universe`, or
    /// `None` if `token` is not one.
    pub(super) fn keyword(
        &self,
        token: &str,
        universe: &AddrSet,
    ) -> Option<(AddrSet, Vec<Problem>)> {
        if token == "(self)" || token == "self" {
            return Some(self.own_addresses(universe));
        }
        let net = token
            .strip_prefix("__")
            .and_then(|t| t.strip_suffix("_network"))
            .unwrap_or(token);
        if let Some(i) = self.get(net) {
            return Some(family(i, universe, true));
        }
        let ip = token.strip_suffix("ip")?;
        self.get(ip).map(|i| family(i, universe, false))
    }

    /// `(self)`: every interface address, the virtual IPs and loopback.
    fn own_addresses(&self, universe: &AddrSet) -> (AddrSet, Vec<Problem>) {
        let mut set = self.vips.clone();
        for lo in ["127.0.0.1", "::1"] {
            if let Some(a) = AddrSet::parse(lo) {
                set = set.union(&a);
            }
        }
        let mut problems = Vec::new();
        for i in &self.list {
            let (s, p) = family(i, universe, false);
            // Only the known addresses: "any" would say nothing about the firewall.
            if p.is_empty() {
                set = set.union(&s);
            } else {
                problems.push(format!("`{}`", i.name));
                for a in [&i.v4, &i.v6] {
                    if let Addr::Static(net) = a {
                        set = set.union(&AddrSet::from_range(net.addr(), net.addr()));
                    }
                }
            }
        }
        let problems = if problems.is_empty() {
            Vec::new()
        } else {
            vec![Problem::Unsupported(format!(
                "`(self)` with run-time addresses (on {})",
                problems.join(", ")
            ))]
        };
        (set.intersect(universe), problems)
    }
}

/// An interface's subnet (`subnet`) or address within `universe`.
fn family(i: &Iface, universe: &AddrSet, subnet: bool) -> (AddrSet, Vec<Problem>) {
    let mut set = AddrSet::empty();
    let mut problems = Vec::new();
    let wanted = [(AddrSet::any_v4(), &i.v4), (AddrSet::any_v6(), &i.v6)];
    for (fam, addr) in wanted {
        if !fam.intersects(universe) {
            continue;
        }
        match addr {
            Addr::Absent => {}
            Addr::Static(net) => {
                let part = if subnet {
                    AddrSet::from_net(net.trunc())
                } else {
                    AddrSet::from_range(net.addr(), net.addr())
                };
                set = set.union(&part);
            }
            Addr::Dynamic(how) => {
                // Unknown until run time: any address of the family.
                set = set.union(&fam);
                problems.push(Problem::Unsupported(format!(
                    "the run-time {} (`{how}`) of `{}`",
                    if subnet { "subnet" } else { "address" },
                    i.name
                )));
            }
        }
    }
    (set.intersect(universe), problems)
}
