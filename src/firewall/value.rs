//! The firewall model as a [`Value`] document, with the analysis facts attached, so rules
//! in the language can read it (`fw.rules`, `fw.rulesets`; see `docs/firewalls.md`).

use std::sync::Arc;

use crate::source::Span;
use crate::value::ArcStr;
use crate::value::{Kind, Map, Value};

use super::analysis::{self, PacketBox, RuleFacts};
use super::model::{Action, Config, Rule, Ruleset};
use super::sets::{AddrSet, PortSet, ProtoSet};

fn s(text: impl Into<ArcStr>, span: Span) -> Value {
    Value::with_span(Kind::Str(text.into()), span)
}

fn list(items: Vec<Value>, span: Span) -> Value {
    Value::with_span(Kind::List(Arc::new(items)), span)
}

fn map(m: Map, span: Span) -> Value {
    Value::with_span(Kind::Map(Arc::new(m)), span)
}

fn put(m: &mut Map, k: &str, v: Value) {
    m.insert(k, None, v);
}

fn addrs(a: &AddrSet, span: Span) -> Value {
    list(
        a.to_strings().into_iter().map(|x| s(x, span)).collect(),
        span,
    )
}

fn ports(p: &PortSet, span: Span) -> Value {
    if p.is_full() {
        return list(vec![s("any", span)], span);
    }
    list(
        p.ranges()
            .iter()
            .map(|(a, b)| {
                if a == b {
                    s(a.to_string(), span)
                } else {
                    s(format!("{a}-{b}"), span)
                }
            })
            .collect(),
        span,
    )
}

pub(crate) fn proto_name(n: u8) -> String {
    match n {
        1 => "icmp".to_string(),
        6 => "tcp".to_string(),
        17 => "udp".to_string(),
        58 => "icmpv6".to_string(),
        n => n.to_string(),
    }
}

fn protos(p: &ProtoSet, span: Span) -> Value {
    if p.is_full() {
        return list(vec![s("any", span)], span);
    }
    let mut out = Vec::new();
    for (a, b) in p.ranges() {
        for n in *a..=*b {
            out.push(s(proto_name(n), span));
            if out.len() > 32 {
                break;
            }
        }
    }
    list(out, span)
}

/// Industrial protocols: cleartext by design, judged by the zone and conduit rules rather
/// than as insecure management services.
const ICS_SERVICES: &[&str] = &[
    "iso-tsap",
    "modbus",
    "crimson-v3",
    "ff-hse",
    "codesys",
    "lonworks",
    "niagara-fox",
    "pcworx",
    "ethernet-ip-io",
    "iec-104",
    "ff-lr",
    "knxnet-ip",
    "powerlink",
    "moxa-nport",
    "melsec",
    "hart-ip",
    "suitelink",
    "pi-data-archive",
    "fins",
    "ge-srtp",
    "dnp3",
    "proconos",
    "profinet",
    "ethercat",
    "ethernet-ip",
    "bacnet",
    "mqtt",
    "coap",
    "amqp",
];

/// Cleartext management services (by name, section 4 of the IEC 62443 reference) whose ports
/// the reachable part of an accept rule lets through over TCP or UDP. Industrial protocols
/// are left to the zone and conduit rules.
pub(crate) fn cleartext_services(effective: &[PacketBox]) -> Vec<&'static str> {
    let mut names = Vec::new();
    for b in effective {
        if !(b.protocols.contains(6) || b.protocols.contains(17)) {
            continue;
        }
        for (lo, hi, name, clear) in crate::natives::ports::service_table() {
            if *clear
                && !ICS_SERVICES.contains(name)
                && b.dst_ports.intersects(&PortSet::single(*lo, *hi))
                && !names.contains(name)
            {
                names.push(*name);
            }
        }
    }
    // A rule open to every port is reported as broad, not as a list of every service.
    if effective.iter().any(|b| b.dst_ports.is_full()) {
        return Vec::new();
    }
    names
}

/// 1-based line numbers of byte offsets, for messages that name other rules.
pub(crate) struct Lines(Vec<u32>);

impl Lines {
    pub(crate) fn new(text: &str) -> Lines {
        let mut starts = vec![0u32];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        Lines(starts)
    }

    fn line(&self, offset: u32) -> i64 {
        let i = match self.0.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        };
        i64::try_from(i).unwrap_or(0)
    }
}

fn rule_value(index: usize, r: &Rule, f: &RuleFacts, all: &[Rule], lines: &Lines) -> Value {
    let sp = r.span;
    let mut m = Map::new();
    put(
        &mut m,
        "line",
        Value::with_span(Kind::Int(lines.line(sp.start)), sp),
    );
    put(
        &mut m,
        "index",
        Value::with_span(Kind::Int(i64::try_from(index).unwrap_or(0)), sp),
    );
    put(&mut m, "action", s(r.action.as_str(), sp));
    if let Action::Jump(t) | Action::Goto(t) = &r.action {
        put(&mut m, "target", s(t.as_str(), sp));
    }
    put(&mut m, "src", addrs(&r.src, sp));
    put(&mut m, "dst", addrs(&r.dst, sp));
    put(&mut m, "protocols", protos(&r.protocols, sp));
    put(&mut m, "src_ports", ports(&r.src_ports, sp));
    put(&mut m, "dst_ports", ports(&r.dst_ports, sp));
    put(
        &mut m,
        "in_iface",
        r.in_iface.as_deref().map_or(Value::NULL, |x| s(x, sp)),
    );
    put(
        &mut m,
        "out_iface",
        r.out_iface.as_deref().map_or(Value::NULL, |x| s(x, sp)),
    );
    put(
        &mut m,
        "states",
        list(r.states.iter().map(|x| s(x.as_str(), sp)).collect(), sp),
    );
    put(&mut m, "log", Value::with_span(Kind::Bool(r.log), sp));
    put(
        &mut m,
        "comment",
        r.comment.as_deref().map_or(Value::NULL, |x| s(x, sp)),
    );
    put(
        &mut m,
        "name",
        r.name.as_deref().map_or(Value::NULL, |x| s(x, sp)),
    );
    put(
        &mut m,
        "disabled",
        Value::with_span(Kind::Bool(r.disabled), sp),
    );
    put(
        &mut m,
        "exact",
        Value::with_span(Kind::Bool(r.is_exact()), sp),
    );
    put(
        &mut m,
        "unsupported",
        list(
            r.unsupported
                .iter()
                .map(|(w, at)| s(w.as_str(), *at))
                .collect(),
            sp,
        ),
    );
    put(
        &mut m,
        "shadowed",
        Value::with_span(Kind::Bool(f.shadowed), sp),
    );
    put(
        &mut m,
        "redundant",
        Value::with_span(Kind::Bool(f.redundant), sp),
    );
    let covering: Vec<Value> = f
        .covered_by
        .iter()
        .filter_map(|i| all.get(*i).map(|c| (i, c)))
        .map(|(i, c)| {
            let mut cm = Map::new();
            put(
                &mut cm,
                "index",
                Value::with_span(Kind::Int(i64::try_from(*i).unwrap_or(0)), c.span),
            );
            put(&mut cm, "action", s(c.action.as_str(), c.span));
            put(
                &mut cm,
                "line",
                Value::with_span(Kind::Int(lines.line(c.span.start)), c.span),
            );
            map(cm, c.span)
        })
        .collect();
    put(&mut m, "covered_by", list(covering, sp));
    put(
        &mut m,
        "any_any",
        Value::with_span(Kind::Bool(analysis::is_any_any(r)), sp),
    );
    let widest = analysis::widest_prefix(&r.src)
        .into_iter()
        .chain(analysis::widest_prefix(&r.dst))
        .min();
    put(
        &mut m,
        "widest_prefix",
        widest.map_or(Value::NULL, |p| {
            Value::with_span(Kind::Int(i64::from(p)), sp)
        }),
    );
    let port_count: u32 = r
        .dst_ports
        .ranges()
        .iter()
        .map(|(a, b)| u32::from(b - a) + 1)
        .sum();
    put(
        &mut m,
        "dst_port_count",
        Value::with_span(Kind::Int(i64::from(port_count)), sp),
    );
    let clear = if r.action.permits() && !f.shadowed {
        cleartext_services(&f.effective)
    } else {
        Vec::new()
    };
    put(
        &mut m,
        "cleartext",
        list(clear.into_iter().map(|n| s(n, sp)).collect(), sp),
    );
    map(m, sp)
}

fn ruleset_value(rs: &Ruleset, lines: &Lines) -> Value {
    let sp = rs.span;
    let facts = analysis::analyse(rs);
    let mut m = Map::new();
    put(&mut m, "name", s(rs.name.as_str(), sp));
    put(
        &mut m,
        "attach",
        list(rs.attach.iter().map(|a| s(a.as_str(), sp)).collect(), sp),
    );
    put(
        &mut m,
        "filtering",
        Value::with_span(Kind::Bool(rs.is_filtering()), sp),
    );
    let dsp = rs.default_span.unwrap_or(sp);
    put(&mut m, "default_action", s(rs.default_action.as_str(), dsp));
    put(
        &mut m,
        "default_explicit",
        Value::with_span(Kind::Bool(rs.default_span.is_some()), dsp),
    );
    let rules: Vec<Value> = rs
        .rules
        .iter()
        .zip(facts.iter())
        .enumerate()
        .map(|(i, (r, f))| rule_value(i, r, f, &rs.rules, lines))
        .collect();
    put(&mut m, "rules", list(rules, sp));
    map(m, sp)
}

/// The document for one firewall configuration file.
pub fn to_value(config: &Config, text: &str, span: Span) -> Value {
    let lines = Lines::new(text);
    let mut m = Map::new();
    put(&mut m, "kind", s("Firewall", span));
    put(&mut m, "vendor", s(config.vendor.as_str(), span));
    put(
        &mut m,
        "hostname",
        config
            .hostname
            .as_deref()
            .map_or(Value::NULL, |h| s(h, span)),
    );
    let ifaces: Vec<Value> = config
        .interfaces
        .iter()
        .map(|i| {
            let mut im = Map::new();
            put(&mut im, "name", s(i.name.as_str(), i.span));
            put(
                &mut im,
                "zone",
                i.zone.as_deref().map_or(Value::NULL, |z| s(z, i.span)),
            );
            put(
                &mut im,
                "security_level",
                i.security_level.map_or(Value::NULL, |l| {
                    Value::with_span(Kind::Int(i64::from(l)), i.span)
                }),
            );
            put(&mut im, "addresses", addrs(&i.addresses, i.span));
            map(im, i.span)
        })
        .collect();
    put(&mut m, "interfaces", list(ifaces, span));
    put(
        &mut m,
        "rulesets",
        list(
            config
                .rulesets
                .iter()
                .map(|rs| ruleset_value(rs, &lines))
                .collect(),
            span,
        ),
    );
    map(m, span)
}
