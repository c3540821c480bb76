//! The normalized firewall model every vendor adapter produces.
//!
//! A file gives one [`Config`]: named rulesets (iptables/nftables chains, Cisco ACLs, JunOS
//! filters and zone policies, pfSense interface rule lists), each an ordered list of
//! [`Rule`]s evaluated first-match, with a default action. Object groups, named sets and
//! aliases are resolved by the adapter, so a rule's matches are plain interval sets.

use crate::source::Span;

use super::sets::{AddrSet, PortSet, ProtoSet};

/// Which syntax a configuration was written in.
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Vendor {
    Iptables,
    Nftables,
    CiscoIos,
    CiscoAsa,
    Junos,
    Pfsense,
}

impl Vendor {
    pub fn as_str(self) -> &'static str {
        match self {
            Vendor::Iptables => "iptables",
            Vendor::Nftables => "nftables",
            Vendor::CiscoIos => "cisco-ios",
            Vendor::CiscoAsa => "cisco-asa",
            Vendor::Junos => "junos",
            Vendor::Pfsense => "pfsense",
        }
    }
}

/// What a rule does with a packet it matches.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// accept / permit / pass / ACCEPT.
    Accept,
    /// drop / deny / block / DROP: silently discarded.
    Drop,
    /// reject / REJECT: discarded with an answer.
    Reject,
    /// Continue in another ruleset (iptables `-j CHAIN`, nft `jump`); named target.
    Jump(String),
    /// nft `goto`: like jump, without return.
    Goto(String),
    /// Return to the calling ruleset.
    Return,
    /// A rule that only logs, counts or marks and lets evaluation go on (iptables `-j LOG`).
    Continue,
    /// Anything else (NAT targets, vendor actions); treated conservatively.
    Other(String),
}

impl Action {
    /// Whether the rule ends evaluation (first match wins).
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Action::Accept | Action::Drop | Action::Reject | Action::Goto(_)
        )
    }

    pub fn permits(&self) -> bool {
        matches!(self, Action::Accept)
    }

    pub fn denies(&self) -> bool {
        matches!(self, Action::Drop | Action::Reject)
    }

    pub fn as_str(&self) -> &str {
        match self {
            Action::Accept => "accept",
            Action::Drop => "drop",
            Action::Reject => "reject",
            Action::Jump(_) => "jump",
            Action::Goto(_) => "goto",
            Action::Return => "return",
            Action::Continue => "continue",
            Action::Other(s) => s,
        }
    }
}

/// One rule, with every match resolved to sets. A dimension the rule does not constrain is
/// the full set ("any").
#[derive(Clone, Debug)]
pub struct Rule {
    /// The whole rule as written (one line, or the block of a JunOS term / pfSense rule).
    pub span: Span,
    pub action: Action,
    pub src: AddrSet,
    pub dst: AddrSet,
    pub protocols: ProtoSet,
    pub src_ports: PortSet,
    pub dst_ports: PortSet,
    /// Input and output interfaces or zones (`-i eth0`, `iifname`, JunOS from-zone…).
    pub in_iface: Option<String>,
    pub out_iface: Option<String>,
    /// Connection states the rule requires (`established`, `related`, `new`…), if any.
    pub states: Vec<String>,
    /// Whether the rule logs matches.
    pub log: bool,
    /// Comment, remark, description or JunOS term name.
    pub comment: Option<String>,
    /// A name the vendor gives the rule (JunOS term, ASA line number, pfSense tracker), if any.
    pub name: Option<String>,
    pub disabled: bool,
    /// Matches the adapter did not understand, with where they are. A rule with any is
    /// treated conservatively: it may match more or less than its resolved sets say.
    pub unsupported: Vec<(String, Span)>,
}

impl Rule {
    /// A rule matching everything with `action`, at `span`; adapters narrow it.
    pub fn any(action: Action, span: Span) -> Rule {
        Rule {
            span,
            action,
            src: AddrSet::any(),
            dst: AddrSet::any(),
            protocols: ProtoSet::full(),
            src_ports: PortSet::full(),
            dst_ports: PortSet::full(),
            in_iface: None,
            out_iface: None,
            states: Vec::new(),
            log: false,
            comment: None,
            name: None,
            disabled: false,
            unsupported: Vec::new(),
        }
    }

    /// Whether the rule's sets describe it exactly.
    pub fn is_exact(&self) -> bool {
        self.unsupported.is_empty()
    }
}

/// An ordered list of rules with a default action.
#[derive(Clone, Debug)]
pub struct Ruleset {
    /// `filter/INPUT`, `inet filter input`, `ACL 101`, `outside_access_in`,
    /// `from-zone trust to-zone untrust`, `filter term-list`, `pfsense wan`.
    pub name: String,
    /// The definition (chain line, ACL header, policy block).
    pub span: Span,
    /// Where the ruleset is attached: a netfilter hook (`input`, `forward`, `output`), an
    /// interface and direction (`GigabitEthernet0/1 in`), a zone pair; empty if nowhere
    /// (a user chain, an unbound ACL).
    pub attach: Vec<String>,
    /// What happens to a packet no rule matches, and where that is written (`None` for an
    /// implicit default, such as the implicit deny at the end of a Cisco ACL).
    pub default_action: Action,
    pub default_span: Option<Span>,
    pub rules: Vec<Rule>,
}

impl Ruleset {
    /// Whether the ruleset filters traffic, as opposed to netfilter's `mangle`, `raw`, `nat`
    /// and `security` tables, which mark, rewrite or label packets.
    pub fn is_filtering(&self) -> bool {
        let table = self.name.trim_start_matches("ip6:");
        !["mangle/", "raw/", "nat/", "security/"]
            .iter()
            .any(|t| table.starts_with(t))
    }
}

/// A named interface with its zone or security level (ASA `nameif`/`security-level`, JunOS
/// zone interfaces, pfSense interfaces).
#[derive(Clone, Debug)]
pub struct Interface {
    pub name: String,
    pub zone: Option<String>,
    pub security_level: Option<u8>,
    pub addresses: AddrSet,
    pub span: Span,
}

/// One parsed configuration file.
#[derive(Clone, Debug)]
pub struct Config {
    pub vendor: Vendor,
    pub rulesets: Vec<Ruleset>,
    pub interfaces: Vec<Interface>,
    /// Host name, if the configuration states one.
    pub hostname: Option<String>,
}

/// IP protocol numbers by name (`tcp` → 6).
pub fn protocol_number(name: &str) -> Option<u8> {
    Some(match name.to_ascii_lowercase().as_str() {
        "icmp" => 1,
        "igmp" => 2,
        "ipip" | "ipinip" => 4,
        "tcp" => 6,
        "egp" => 8,
        "udp" => 17,
        "gre" => 47,
        "esp" => 50,
        "ah" => 51,
        "icmpv6" | "ipv6-icmp" | "icmp6" => 58,
        "eigrp" => 88,
        "ospf" | "ospfigp" => 89,
        "pim" => 103,
        "vrrp" => 112,
        "l2tp" => 115,
        "sctp" => 132,
        n => return n.parse().ok(),
    })
}

/// Well-known service names used in firewall configs (`ssh`, `www`, `telnet`…) → port.
pub fn service_port(name: &str) -> Option<u16> {
    Some(match name.to_ascii_lowercase().as_str() {
        "ftp-data" => 20,
        "ftp" => 21,
        "ssh" => 22,
        "telnet" => 23,
        "smtp" => 25,
        "domain" | "dns" => 53,
        "bootps" => 67,
        "bootpc" => 68,
        "tftp" => 69,
        "www" | "http" => 80,
        "pop3" => 110,
        "sunrpc" => 111,
        "ntp" => 123,
        "netbios-ns" => 137,
        "netbios-dgm" => 138,
        "netbios-ssn" => 139,
        "imap" | "imap4" => 143,
        "snmp" => 161,
        "snmptrap" | "snmp-trap" => 162,
        "bgp" => 179,
        "ldap" => 389,
        "https" => 443,
        "isakmp" => 500,
        "syslog" => 514,
        "lpd" => 515,
        "rtsp" => 554,
        "ldaps" => 636,
        "imaps" => 993,
        "pop3s" => 995,
        "ms-sql-s" | "mssql" => 1433,
        "radius" => 1812,
        "radius-acct" => 1813,
        "mysql" => 3306,
        "rdp" | "ms-wbt-server" => 3389,
        "sip" => 5060,
        "postgresql" | "postgres" => 5432,
        "vnc" => 5900,
        n => return n.parse().ok(),
    })
}
