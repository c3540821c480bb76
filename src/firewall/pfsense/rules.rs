//! One filter rule, legacy (`<filter><rule>`, pfSense and OPNsense) or OPNsense MVC
//! (`<Firewall><Filter><rules><rule>`), turned into a [`Draft`]: the normalized rule plus
//! where it goes (interfaces, floating, direction, order).

use roxmltree::Node;

use crate::firewall::model::{protocol_number, Action, Rule};
use crate::firewall::sets::{AddrSet, PortSet, ProtoSet};
use crate::source::Span;

use super::{xml, Ctx};

/// Which way a rule applies on its interfaces.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(super) enum Dir {
    In,
    Out,
    Any,
}

/// A rule before placement into rulesets.
#[derive(Clone, Debug)]
pub(super) struct Draft {
    pub rule: Rule,
    /// The interfaces as written (`wan,lan` on floating rules); empty for none.
    pub ifaces: Vec<String>,
    /// Where the interfaces are written (or the rule, if nowhere).
    pub iface_span: Span,
    pub floating: bool,
    pub dir: Dir,
    /// Sort key within a ruleset: MVC rules (by `<sequence>`) precede legacy ones.
    pub order: (bool, i64),
    /// The start tag of the list the rule is in (`<filter>`, `<rules>`).
    pub container: Span,
}

/// Child elements that narrow or change a rule in ways the model cannot express.
const EXTRAS: &[(&str, &str)] = &[
    ("gateway", "policy routing (`<gateway>`)"),
    ("sched", "a schedule (`<sched>`)"),
    ("icmptype", "ICMP type matching (`<icmptype>`)"),
    ("icmp6-type", "ICMPv6 type matching (`<icmp6-type>`)"),
    ("tagged", "tag matching (`<tagged>`)"),
    ("os", "OS fingerprint matching (`<os>`)"),
    ("tcpflags1", "TCP flag matching (`<tcpflags1>`)"),
    ("tcpflags2", "TCP flag matching (`<tcpflags2>`)"),
    ("max", "a state limit (`<max>`)"),
    ("max-src-nodes", "a state limit (`<max-src-nodes>`)"),
    ("max-src-conn", "a state limit (`<max-src-conn>`)"),
    ("max-src-states", "a state limit (`<max-src-states>`)"),
    ("max-src-conn-rate", "a state limit (`<max-src-conn-rate>`)"),
    ("dscp", "DSCP matching (`<dscp>`)"),
    ("vlanprio", "VLAN priority matching (`<vlanprio>`)"),
    ("interfacenot", "an inverted interface (`<interfacenot>`)"),
];

/// A legacy `<filter><rule>`.
pub(super) fn legacy(cx: &mut Ctx<'_>, n: Node<'_, '_>, index: usize) -> Draft {
    let floating = xml::flag(n, "floating");
    let mut d = common(cx, n, "type", floating);
    d.order = (true, i64::try_from(index).unwrap_or(i64::MAX));
    d.rule.disabled = xml::flag(n, "disabled");
    d.rule.comment = xml::nonempty(n, "descr");
    d.rule.name = xml::nonempty(n, "tracker").or_else(|| n.attribute("uuid").map(str::to_string));
    let universe = d.rule.src.clone();
    let (src, sport) = legacy_end(cx, &mut d.rule, n, "source", &universe);
    let (dst, dport) = legacy_end(cx, &mut d.rule, n, "destination", &universe);
    finish(&mut d.rule, src, dst, sport, dport);
    d
}

/// An OPNsense MVC `<Filter><rules><rule>`.
pub(super) fn mvc(cx: &mut Ctx<'_>, n: Node<'_, '_>) -> Draft {
    let ifaces = xml::child_text(n, "interface").unwrap_or_default();
    let floating = ifaces.split(',').filter(|s| !s.trim().is_empty()).count() != 1;
    let mut d = common(cx, n, "action", floating);
    let seq = xml::nonempty(n, "sequence").and_then(|s| s.parse().ok());
    d.order = (false, seq.unwrap_or(0));
    d.rule.disabled = xml::child_text(n, "enabled").is_some_and(|t| t == "0");
    d.rule.comment = xml::nonempty(n, "description");
    d.rule.name = n.attribute("uuid").map(str::to_string);
    let universe = d.rule.src.clone();
    let end = |cx: &mut Ctx<'_>, rule: &mut Rule, side: &str| {
        let net = xml::child(n, &format!("{side}_net"));
        let not = xml::flag(n, &format!("{side}_not"));
        let port = xml::child(n, &format!("{side}_port"));
        endpoint(cx, rule, net, not, port, &universe)
    };
    let (src, sport) = end(cx, &mut d.rule, "source");
    let (dst, dport) = end(cx, &mut d.rule, "destination");
    finish(&mut d.rule, src, dst, sport, dport);
    d
}

/// What both schemas share: action, interfaces, direction, quick, family, protocol, log.
fn common(cx: &mut Ctx<'_>, n: Node<'_, '_>, action_tag: &str, floating: bool) -> Draft {
    let span = xml::span(cx.file, n);
    let action_text = xml::child_text(n, action_tag).unwrap_or_default();
    let action = match action_text.to_ascii_lowercase().as_str() {
        "pass" | "" => Action::Accept,
        "block" => Action::Drop,
        "reject" => Action::Reject,
        "match" => Action::Continue,
        other => Action::Other(other.to_string()),
    };
    let mut rule = Rule::any(action, span);
    if let Action::Other(a) = &rule.action {
        let what = format!("the action `{a}`");
        let at = xml::child(n, action_tag).map_or(span, |c| xml::span(cx.file, c));
        cx.unsupported(&mut rule, what, at);
    }
    rule.log = xml::flag(n, "log");

    let iface_node = xml::child(n, "interface");
    let ifaces: Vec<String> = iface_node
        .map(xml::text)
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let iface_span = iface_node.map_or(span, |c| xml::span(cx.file, c));
    let dir = match xml::child_text(n, "direction").as_deref() {
        Some("in") => Dir::In,
        Some("out") => Dir::Out,
        Some("any") => Dir::Any,
        _ if floating && !cx.opnsense => Dir::Any,
        _ => Dir::In,
    };
    let quick = match xml::child_text(n, "quick") {
        Some(q) => !matches!(q.as_str(), "0" | "no"),
        None => !floating,
    };
    if !quick && rule.action.is_terminal() {
        let at = xml::child(n, "quick").map_or(span, |c| xml::span(cx.file, c));
        let what = "a rule without `quick` (the last matching rule wins)".to_string();
        cx.unsupported(&mut rule, what, at);
    }

    let family = xml::child(n, "ipprotocol");
    let universe = match family.map(xml::text).as_deref() {
        None | Some("" | "inet") => AddrSet::any_v4(),
        Some("inet6") => AddrSet::any_v6(),
        Some("inet46") => AddrSet::any(),
        Some(other) => {
            let what = format!("the address family `{other}`");
            let at = family.map_or(span, |c| xml::span(cx.file, c));
            cx.unsupported(&mut rule, what, at);
            AddrSet::any()
        }
    };
    if let Some(p) = xml::child(n, "protocol") {
        rule.protocols = protocols(
            cx,
            &mut rule,
            &xml::text(p),
            xml::span(cx.file, p),
            &universe,
        );
    }
    for (tag, what) in EXTRAS {
        if let Some(c) = xml::child(n, tag) {
            let t = xml::text(c);
            if !matches!(t.as_str(), "" | "0" | "any") {
                cx.unsupported(&mut rule, (*what).to_string(), xml::span(cx.file, c));
            }
        }
    }
    // The family universe travels in `src` until the endpoints are resolved.
    rule.src = universe;
    Draft {
        rule,
        ifaces,
        iface_span,
        floating,
        dir,
        order: (true, 0),
        container: n
            .parent_element()
            .map_or(span, |p| xml::start_tag(cx.file, cx.text, p)),
    }
}

/// `tcp`, `udp`, `tcp/udp`, `icmp` (per family), `any`, names and numbers.
fn protocols(cx: &mut Ctx<'_>, rule: &mut Rule, text: &str, at: Span, u: &AddrSet) -> ProtoSet {
    let lower = text.to_ascii_lowercase();
    let one = |p: u8| ProtoSet::single(p, p);
    match lower.as_str() {
        "" | "any" => ProtoSet::full(),
        "tcp/udp" => one(6).union(&one(17)),
        "icmp" => {
            let mut set = ProtoSet::empty();
            if !u.v4.is_empty() {
                set = set.union(&one(1));
            }
            if !u.v6.is_empty() {
                set = set.union(&one(58));
            }
            set
        }
        "carp" => one(112),
        "pfsync" => one(240),
        "ipv6" => one(41),
        name => match protocol_number(name) {
            Some(p) => one(p),
            None => {
                cx.unsupported(rule, format!("the protocol `{text}`"), at);
                ProtoSet::full()
            }
        },
    }
}

/// A legacy `<source>` or `<destination>`: `<any/>`, `<network>`, `<address>`, `<port>`,
/// `<not/>`.
fn legacy_end(
    cx: &mut Ctx<'_>,
    rule: &mut Rule,
    n: Node<'_, '_>,
    side: &str,
    universe: &AddrSet,
) -> (AddrSet, PortSet) {
    let Some(e) = xml::child(n, side) else {
        return (universe.clone(), PortSet::full());
    };
    let net = if xml::child(e, "any").is_some() {
        None
    } else {
        xml::child(e, "network").or_else(|| xml::child(e, "address"))
    };
    let not = xml::child(e, "not").is_some();
    endpoint(cx, rule, net, not, xml::child(e, "port"), universe)
}

/// Resolves one side of a rule: addresses (negated if `not`) and ports.
fn endpoint(
    cx: &mut Ctx<'_>,
    rule: &mut Rule,
    net: Option<Node<'_, '_>>,
    not: bool,
    port: Option<Node<'_, '_>>,
    universe: &AddrSet,
) -> (AddrSet, PortSet) {
    let mut addrs = universe.clone();
    if let Some(net) = net {
        let text = xml::text(net);
        if !text.is_empty() {
            let (set, problems) = cx.aliases.addrs(&text, universe, &cx.ifaces);
            let exact = problems.is_empty();
            cx.problems(rule, problems, xml::span(cx.file, net));
            addrs = match (exact, not) {
                (true, true) => set.negate(universe),
                (true, false) => set,
                (false, _) if not => universe.clone(),
                (false, _) => set,
            };
        }
    }
    let mut ports = PortSet::full();
    if let Some(port) = port {
        let text = xml::text(port);
        if !text.is_empty() {
            let (set, problems) = cx.aliases.ports(&text);
            cx.problems(rule, problems, xml::span(cx.file, port));
            ports = set;
        }
    }
    (addrs, ports)
}

/// Stores the endpoints; ports imply TCP or UDP when no protocol is given.
fn finish(rule: &mut Rule, src: AddrSet, dst: AddrSet, sport: PortSet, dport: PortSet) {
    rule.src = src;
    rule.dst = dst;
    if (!sport.is_full() || !dport.is_full()) && rule.protocols.is_full() {
        rule.protocols = ProtoSet::single(6, 6).union(&ProtoSet::single(17, 17));
    }
    rule.src_ports = sport;
    rule.dst_ports = dport;
}
