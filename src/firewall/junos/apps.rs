//! SRX and MS-MPC applications: `applications application NAME { protocol tcp;
//! destination-port 502; }` (or with `term`s), `application-set`, and the predefined
//! `junos-*` applications. An application is a list of boxes (protocols × ports), because an
//! application set such as `tcp/502` + `udp/161` is not one box.

use crate::firewall::sets::{PortSet, ProtoSet};
use crate::source::Span;

use super::cx::Note;
use super::tree::Node;
use super::values::{ports, protocols};

const MAX_DEPTH: usize = 16;

/// One protocol × source ports × destination ports box.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct AppBox {
    pub(crate) protos: ProtoSet,
    pub(crate) sports: PortSet,
    pub(crate) dports: PortSet,
}

impl AppBox {
    pub(crate) fn any() -> AppBox {
        AppBox {
            protos: ProtoSet::full(),
            sports: PortSet::full(),
            dports: PortSet::full(),
        }
    }

    fn of(proto: u8, lo: u16, hi: u16) -> AppBox {
        AppBox {
            protos: ProtoSet::single(proto, proto),
            sports: PortSet::full(),
            dports: PortSet::single(lo, hi),
        }
    }

    fn is_subset(&self, o: &AppBox) -> bool {
        self.protos.is_subset(&o.protos)
            && self.sports.is_subset(&o.sports)
            && self.dports.is_subset(&o.dports)
    }
}

/// The boxes of an application or application set, or `None` if the name is not defined.
pub(crate) fn application(
    root: &Node,
    name: &str,
    span: Span,
    notes: &mut Vec<Note>,
) -> Option<Vec<AppBox>> {
    resolve(root, name, span, notes, 0)
}

fn resolve(
    root: &Node,
    name: &str,
    span: Span,
    notes: &mut Vec<Note>,
    depth: usize,
) -> Option<Vec<AppBox>> {
    if depth > MAX_DEPTH {
        return Some(Vec::new());
    }
    if name == "any" {
        return Some(vec![AppBox::any()]);
    }
    let apps = root.child("applications");
    if let Some(a) = apps.and_then(|a| a.get(&["application", name])) {
        return Some(defined(a, notes));
    }
    if let Some(s) = apps.and_then(|a| a.get(&["application-set", name])) {
        let mut out = Vec::new();
        for kind in ["application", "application-set"] {
            for m in s.child(kind).into_iter().flat_map(|n| n.kids()) {
                match resolve(root, &m.word, m.word_span, notes, depth + 1) {
                    Some(b) => out.extend(b),
                    None => notes.push(Note::Unknown {
                        kind: "application",
                        name: m.word.clone(),
                        span: m.word_span,
                    }),
                }
            }
        }
        return Some(out);
    }
    predefined(name, span, notes)
}

/// A user-defined application: its own statements, or one box per `term`.
fn defined(a: &Node, notes: &mut Vec<Note>) -> Vec<AppBox> {
    match a.child("term") {
        Some(terms) => terms.kids().map(|t| one(t, &a.word, notes)).collect(),
        None => vec![one(a, &a.word, notes)],
    }
}

/// `protocol tcp destination-port 25 …`, nested or written on one line.
fn one(n: &Node, app: &str, notes: &mut Vec<Note>) -> AppBox {
    let mut b = AppBox::any();
    let mut pairs = Vec::new();
    collect_pairs(n, &mut pairs);
    for (k, v) in pairs {
        match k.word.as_str() {
            "protocol" => match protocols([v.word.as_str()]) {
                Ok(p) => b.protos = p,
                Err(w) => notes.push(Note::unsupported(
                    "an unknown protocol name",
                    format!("`{w}` in application `{app}`"),
                    k.span,
                )),
            },
            "source-port" | "destination-port" => match ports([v.word.as_str()]) {
                Ok(p) if k.word == "source-port" => b.sports = p,
                Ok(p) => b.dports = p,
                Err(w) => notes.push(Note::unsupported(
                    "an unknown port name",
                    format!("`{w}` in application `{app}`"),
                    k.span,
                )),
            },
            "inactivity-timeout"
            | "description"
            | "application-protocol"
            | "alg"
            | "ttl-threshold"
            | "term" => {}
            other => notes.push(Note::unsupported(
                format!("`{other}` in an application"),
                format!("application `{app}`"),
                k.span,
            )),
        }
    }
    b
}

/// Key/value pairs below `n`, following chains (`protocol icmp icmp-type 5`).
fn collect_pairs<'n>(n: &'n Node, out: &mut Vec<(&'n Node, &'n Node)>) {
    for k in n.kids() {
        for v in k.kids() {
            out.push((k, v));
            collect_pairs(v, out);
        }
    }
}

/// Merges boxes that differ in one dimension and drops boxes inside others.
pub(crate) fn simplify(mut boxes: Vec<AppBox>) -> Vec<AppBox> {
    loop {
        let before = boxes.len();
        boxes = group(
            boxes,
            |b| (b.sports.clone(), b.dports.clone()),
            |a, b| {
                a.protos = a.protos.union(&b.protos);
            },
        );
        boxes = group(
            boxes,
            |b| (b.protos.clone(), b.sports.clone()),
            |a, b| {
                a.dports = a.dports.union(&b.dports);
            },
        );
        boxes = group(
            boxes,
            |b| (b.protos.clone(), b.dports.clone()),
            |a, b| {
                a.sports = a.sports.union(&b.sports);
            },
        );
        if boxes.len() == before {
            break;
        }
    }
    let mut out: Vec<AppBox> = Vec::new();
    for (i, b) in boxes.iter().enumerate() {
        let inside = boxes
            .iter()
            .enumerate()
            .any(|(j, o)| j != i && b.is_subset(o) && (b != o || j < i));
        if !inside {
            out.push(b.clone());
        }
    }
    out
}

/// Boxes with the same `key`, folded together with `join`, in first-seen order.
fn group<K: std::hash::Hash + Eq>(
    boxes: Vec<AppBox>,
    key: impl Fn(&AppBox) -> K,
    join: impl Fn(&mut AppBox, &AppBox),
) -> Vec<AppBox> {
    let mut index: std::collections::HashMap<K, usize> = std::collections::HashMap::new();
    let mut out: Vec<AppBox> = Vec::new();
    for b in boxes {
        let k = key(&b);
        match index.get(&k).and_then(|&i| out.get_mut(i)) {
            Some(a) => join(a, &b),
            None => {
                index.insert(k, out.len());
                out.push(b);
            }
        }
    }
    out
}

const TCP: u8 = 6;
const UDP: u8 = 17;

/// The predefined `junos-*` applications (protocol, destination ports).
fn predefined(name: &str, span: Span, notes: &mut Vec<Note>) -> Option<Vec<AppBox>> {
    let t = |lo: u16, hi: u16| AppBox::of(TCP, lo, hi);
    let u = |lo: u16, hi: u16| AppBox::of(UDP, lo, hi);
    let p = |proto: u8| AppBox::of(proto, 0, u16::MAX);
    Some(match name {
        "junos-aol" => vec![t(5190, 5193)],
        "junos-bgp" => vec![t(179, 179)],
        "junos-biff" => vec![u(512, 512)],
        "junos-bootpc" | "junos-dhcp-client" => vec![u(68, 68)],
        "junos-bootps" | "junos-dhcp-relay" | "junos-dhcp-server" => vec![u(67, 67)],
        "junos-chargen" => vec![u(19, 19)],
        "junos-cifs" | "junos-smb" => vec![t(139, 139), t(445, 445)],
        "junos-cvspserver" => vec![t(2401, 2401)],
        "junos-discard" => vec![u(9, 9)],
        "junos-dns-tcp" => vec![t(53, 53)],
        "junos-dns-udp" => vec![u(53, 53)],
        "junos-echo" => vec![u(7, 7)],
        "junos-finger" => vec![t(79, 79)],
        "junos-ftp" => vec![t(21, 21)],
        "junos-ftp-data" => vec![t(20, 20)],
        "junos-gnutella" => vec![u(6346, 6347)],
        "junos-gopher" => vec![t(70, 70)],
        "junos-gprs-gtp-c" => vec![u(2123, 2123), t(2123, 2123)],
        "junos-gprs-gtp-u" => vec![u(2152, 2152), t(2152, 2152)],
        "junos-gprs-gtp-v0" => vec![u(3386, 3386), t(3386, 3386)],
        "junos-gtp" => vec![u(2123, 2123), u(2152, 2152), u(3386, 3386)],
        "junos-gprs-sctp" | "junos-sctp-any" => vec![p(132)],
        "junos-gre" => vec![p(47)],
        "junos-h323" => vec![
            t(1720, 1720),
            u(1719, 1719),
            t(1503, 1503),
            t(389, 389),
            t(522, 522),
            t(1731, 1731),
        ],
        "junos-http" => vec![t(80, 80)],
        "junos-http-ext" => vec![t(7001, 7001)],
        "junos-https" => vec![t(443, 443)],
        "junos-icmp-all" | "junos-icmp-ping" | "junos-ping" => vec![p(1)],
        "junos-icmp6-all" | "junos-pingv6" => vec![p(58)],
        n if n.starts_with("junos-icmp6-") => vec![p(58)],
        "junos-ident" => vec![t(113, 113)],
        "junos-ike" => vec![u(500, 500)],
        "junos-ike-nat" => vec![u(4500, 4500)],
        "junos-imap" => vec![t(143, 143)],
        "junos-imaps" => vec![t(993, 993)],
        "junos-internet-locator-service" | "junos-ldap" => vec![t(389, 389)],
        "junos-irc" => vec![t(6660, 6669)],
        "junos-l2tp" => vec![u(1701, 1701)],
        "junos-ldp-tcp" => vec![t(646, 646)],
        "junos-ldp-udp" => vec![u(646, 646)],
        "junos-lpr" | "junos-printer" => vec![t(515, 515)],
        "junos-mail" | "junos-smtp" => vec![t(25, 25)],
        "junos-smtps" => vec![t(465, 465)],
        "junos-mgcp-ca" => vec![u(2727, 2727)],
        "junos-mgcp-ua" => vec![u(2427, 2427)],
        "junos-mgcp" => vec![u(2427, 2427), u(2727, 2727)],
        "junos-ms-sql" => vec![t(1433, 1433)],
        "junos-msn" => vec![t(1863, 1863)],
        "junos-nbds" => vec![u(138, 138)],
        "junos-nbname" => vec![u(137, 137)],
        "junos-netbios-session" => vec![t(139, 139)],
        "junos-nfsd-tcp" => vec![t(2049, 2049)],
        "junos-nfsd-udp" => vec![u(2049, 2049)],
        "junos-nntp" => vec![t(119, 119)],
        "junos-ns-global" | "junos-ns-global-pro" => vec![t(15397, 15397)],
        "junos-nsm" => vec![u(69, 69)],
        "junos-ntalk" => vec![u(518, 518)],
        "junos-ntp" => vec![u(123, 123)],
        "junos-ospf" => vec![p(89)],
        "junos-pc-anywhere" => vec![u(5632, 5632)],
        "junos-pop3" => vec![t(110, 110)],
        "junos-pptp" => vec![t(1723, 1723)],
        "junos-r2cp" => vec![u(28672, 28672)],
        "junos-radacct" => vec![u(1813, 1813)],
        "junos-radius" => vec![u(1812, 1812)],
        "junos-realaudio" | "junos-rtsp" => vec![t(554, 554)],
        "junos-rip" => vec![u(520, 520)],
        "junos-rsh" => vec![t(514, 514)],
        "junos-sccp" => vec![t(2000, 2000)],
        "junos-sip" => vec![u(5060, 5060), t(5060, 5060)],
        "junos-smb-session" => vec![t(445, 445)],
        "junos-snmp-agentx" => vec![t(705, 705)],
        "junos-snpp" => vec![t(444, 444)],
        "junos-sql-monitor" => vec![u(1434, 1434)],
        "junos-sqlnet-v1" => vec![t(1525, 1525)],
        "junos-sqlnet-v2" => vec![t(1521, 1521)],
        "junos-ssh" => vec![t(22, 22)],
        "junos-stun" => vec![u(3478, 3479), t(3478, 3479)],
        "junos-stun-udp" => vec![u(3478, 3479)],
        "junos-stun-tcp" => vec![t(3478, 3479)],
        // Persistent NAT matches any traffic the NAT rule covers.
        "junos-persistent-nat" => vec![AppBox::any()],
        "junos-syslog" => vec![u(514, 514)],
        "junos-tacacs" => vec![t(49, 49)],
        "junos-tacacs-ds" => vec![t(65, 65)],
        "junos-talk" => vec![u(517, 517)],
        "junos-tcp-any" => vec![p(TCP)],
        "junos-telnet" => vec![t(23, 23)],
        "junos-tftp" => vec![u(69, 69)],
        "junos-udp-any" => vec![p(UDP)],
        "junos-uucp" => vec![u(540, 540)],
        "junos-vdo-live" => vec![u(7000, 7010)],
        "junos-vnc" => vec![t(5800, 5800), t(5900, 5900)],
        "junos-wais" => vec![t(210, 210)],
        "junos-who" => vec![u(513, 513)],
        "junos-whois" => vec![t(43, 43)],
        "junos-winframe" => vec![t(1494, 1494)],
        "junos-wxcontrol" => vec![t(3578, 3578)],
        "junos-x-windows" => vec![t(6000, 6063)],
        "junos-xnm-clear-text" => vec![t(3221, 3221)],
        "junos-xnm-ssl" => vec![t(3220, 3220)],
        "junos-ymsg" => vec![t(5000, 5010)],
        "junos-rdp" => vec![t(3389, 3389)],
        "junos-routing-inbound" => vec![t(179, 179), p(89), u(520, 520), t(646, 646), u(646, 646)],
        n if n.starts_with("junos-sun-rpc")
            || n.starts_with("junos-ms-rpc")
            || n == "junos-nfs" =>
        {
            notes.push(Note::unsupported(
                "an RPC application (dynamic ports)",
                format!("`{n}`"),
                span,
            ));
            vec![p(TCP), p(UDP)]
        }
        _ => return None,
    })
}
