//! The zones & conduits model (`kind: ZoneModel` documents, see `docs/zones.md`) and the
//! flows each firewall permits between zones.
//!
//! Entities: `zones`, `conduits`, `assets`, and `zone_flows`: for every accept rule (and
//! every accepting default policy) of every firewall, the part first-match evaluation lets
//! through, split by (source zone, destination zone), with whether a conduit declares it.

use arcstr::literal;
use std::sync::Arc;

use crate::firewall::analysis::{self, PacketBox};
use crate::firewall::sets::{AddrSet, PortSet, ProtoSet};
use crate::firewall::{Action, Config, Ruleset};
use crate::source::Span;
use crate::value::{Kind, Map, Value};

use super::extend::{str_at, Entity};
use super::firewall::firewall_name;
use super::InputDoc;

/// A zone with its resolved address space.
struct Zone {
    name: String,
    value: Value,
    space: AddrSet,
}

/// A conduit's allowed traffic.
struct Conduit {
    name: String,
    from: String,
    to: String,
    both_ways: bool,
    services: Vec<(ProtoSet, PortSet)>,
}

/// A firewall the model says enforces some zone boundaries.
struct Enforcer {
    /// Matches the configuration's host name…
    hostname: Option<String>,
    /// …or the end of its path.
    file: Option<String>,
    boundaries: Vec<(String, String)>,
}

impl Enforcer {
    fn matches(&self, hostname: Option<&str>, path: &str) -> bool {
        self.hostname
            .as_deref()
            .is_some_and(|h| Some(h) == hostname)
            || self
                .file
                .as_deref()
                .is_some_and(|f| !f.is_empty() && path.ends_with(f))
    }

    fn guards(&self, a: &str, b: &str) -> bool {
        self.boundaries
            .iter()
            .any(|(x, y)| (x == a && y == b) || (x == b && y == a))
    }
}

/// The model entities.
#[derive(Default)]
pub(crate) struct Zones {
    pub(crate) zones: Vec<Value>,
    pub(crate) conduits: Vec<Value>,
    pub(crate) assets: Vec<Value>,
    pub(crate) flows: Vec<Value>,
    /// The model's `firewalls` entries.
    pub(crate) boundaries: Vec<Value>,
}

/// Whether a document is a zones model.
pub(crate) fn is_model(root: &Value) -> bool {
    root.field("kind").as_str() == Some("ZoneModel")
}

fn strings(v: &Value) -> Vec<String> {
    match v.as_list() {
        Some(items) => items.iter().map(|i| i.display()).collect(),
        None if v.is_missing() || v.is_null() => Vec::new(),
        None => vec![v.display()],
    }
}

/// `tcp/502`, `udp/47808`, `tcp/8000-8080`, `icmp`, `any`, or a map `{protocol, ports}`.
fn service(v: &Value) -> Option<(ProtoSet, PortSet)> {
    let (proto, ports): (String, Vec<String>) = if let Some(m) = v.as_map() {
        let p = m.get("protocol").map_or("any".to_string(), Value::display);
        let ports = m
            .get("ports")
            .or_else(|| m.get("port"))
            .map(strings)
            .unwrap_or_default();
        (p, ports)
    } else {
        let s = v.display();
        match s.split_once('/') {
            Some((p, ports)) => (p.to_string(), vec![ports.to_string()]),
            None => (s, Vec::new()),
        }
    };
    let protos = if proto == "any" {
        ProtoSet::full()
    } else {
        let n = crate::firewall::model::protocol_number(&proto)?;
        ProtoSet::single(n, n)
    };
    let mut ranges = Vec::new();
    for p in &ports {
        for piece in p.split(',') {
            let piece = piece.trim();
            if piece == "any" {
                ranges.push((0, u16::MAX));
                continue;
            }
            let (a, b) = piece.split_once('-').unwrap_or((piece, piece));
            ranges.push((a.trim().parse().ok()?, b.trim().parse().ok()?));
        }
    }
    let ports = if ranges.is_empty() {
        PortSet::full()
    } else {
        PortSet::from_ranges(ranges)
    };
    Some((protos, ports))
}

/// The zones model of `docs`, whose zones models are the documents at `models` (in order).
pub(crate) fn derive(docs: &[InputDoc<'_>], models: &[usize]) -> Zones {
    let mut out = Zones::default();
    let mut zones: Vec<Zone> = Vec::new();
    let mut conduits: Vec<Conduit> = Vec::new();
    let mut enforcers: Vec<Enforcer> = Vec::new();
    for d in models.iter().filter_map(|&i| docs.get(i)) {
        let root = &d.doc.value;
        for z in root.field("zones").as_list().unwrap_or(&[]) {
            let name = z.field("name").display();
            let nets = strings(&z.field("networks"));
            let mut space = AddrSet::empty();
            for n in &nets {
                if n == "any" {
                    space = space.union(&AddrSet::any());
                } else if let Some(a) = AddrSet::parse(n) {
                    space = space.union(&a);
                }
            }
            let sl = sl_vector(&z.field("sl_target"));
            let entity = Entity::from_node(z)
                .replace(
                    literal!("sl_target"),
                    Value::list(sl.into_iter().map(Value::int).collect()),
                )
                .set(literal!("purdue"), z.field("purdue"))
                .set(literal!("file"), str_at(d.path, z.span))
                .build();
            for a in z.field("assets").as_list().unwrap_or(&[]) {
                out.assets.push(
                    Entity::from_node(a)
                        .set(literal!("zone"), str_at(name.as_str(), a.span))
                        .set(literal!("file"), str_at(d.path, a.span))
                        .build(),
                );
            }
            out.zones.push(entity.clone());
            zones.push(Zone {
                name,
                value: entity,
                space,
            });
        }
        for c in root.field("conduits").as_list().unwrap_or(&[]) {
            let between = strings(&c.field("between"));
            let (from, to, both) = match between.as_slice() {
                [a, b] => (a.clone(), b.clone(), true),
                _ => (
                    c.field("from").display(),
                    c.field("to").display(),
                    c.field("direction").as_str() == Some("bidirectional"),
                ),
            };
            let services: Vec<(ProtoSet, PortSet)> = c
                .field("services")
                .as_list()
                .unwrap_or(&[])
                .iter()
                .filter_map(service)
                .collect();
            let name = c.field("name").display();
            out.conduits.push(
                Entity::from_node(c)
                    .set(literal!("from"), str_at(from.as_str(), c.span))
                    .set(literal!("to"), str_at(to.as_str(), c.span))
                    .set(literal!("bidirectional"), Value::bool(both))
                    .replace(
                        literal!("sl_target"),
                        Value::list(
                            sl_vector(&c.field("sl_target"))
                                .into_iter()
                                .map(Value::int)
                                .collect(),
                        ),
                    )
                    .set(literal!("file"), str_at(d.path, c.span))
                    .build(),
            );
            conduits.push(Conduit {
                name,
                from,
                to,
                both_ways: both,
                services,
            });
        }
        for f in root.field("firewalls").as_list().unwrap_or(&[]) {
            let boundaries: Vec<(String, String)> = f
                .field("boundaries")
                .as_list()
                .unwrap_or(&[])
                .iter()
                .filter_map(|b| match strings(b).as_slice() {
                    [x, y] => Some((x.clone(), y.clone())),
                    _ => None,
                })
                .collect();
            out.boundaries.push(
                Entity::from_node(f)
                    .set(literal!("file"), str_at(d.path, f.span))
                    .build(),
            );
            enforcers.push(Enforcer {
                hostname: f.field("hostname").as_str().map(str::to_string),
                file: f.field("config").as_str().map(str::to_string),
                boundaries,
            });
        }
    }
    if zones.is_empty() {
        return out;
    }
    // Zones that cover everything (the internet, "any") keep only what no other zone holds.
    let specific = zones
        .iter()
        .filter(|z| !z.space.is_any())
        .fold(AddrSet::empty(), |acc, z| acc.union(&z.space));
    for z in zones.iter_mut().filter(|z| z.space.is_any()) {
        z.space = z.space.difference(&specific);
    }
    for d in docs {
        let Some(config) = d.firewall else { continue };
        out.flows
            .extend(flows_of(d, config, &zones, &conduits, &enforcers));
    }
    out
}

/// `1` → [1,1,1,1,1,1,1]; a list of seven is kept; anything else → zeros.
fn sl_vector(v: &Value) -> Vec<i64> {
    if let Some(n) = v.as_int() {
        return vec![n; 7];
    }
    let items: Vec<i64> = v
        .as_list()
        .unwrap_or(&[])
        .iter()
        .filter_map(Value::as_int)
        .collect();
    if items.len() == 7 {
        items
    } else {
        vec![0; 7]
    }
}

fn ports_value(p: &PortSet, span: Option<Span>) -> Value {
    let items = if p.is_full() {
        vec![str_at("any", span)]
    } else {
        p.ranges()
            .iter()
            .map(|(a, b)| {
                if a == b {
                    str_at(a.to_string(), span)
                } else {
                    str_at(format!("{a}-{b}"), span)
                }
            })
            .collect()
    };
    Value {
        kind: Kind::List(Arc::new(items)),
        span,
    }
}

fn protos_value(p: &ProtoSet, span: Option<Span>) -> Value {
    let items = if p.is_full() {
        vec![str_at("any", span)]
    } else {
        p.ranges()
            .iter()
            .flat_map(|(a, b)| (*a..=*b).take(16))
            .map(|n| str_at(crate::firewall::value::proto_name(n), span))
            .collect()
    };
    Value {
        kind: Kind::List(Arc::new(items)),
        span,
    }
}

/// The conduit declaring traffic from `a` to `b`, if one allows all of it: for every
/// protocol of the flow, its ports must lie in the union of the ports the conduit's services
/// allow for that protocol.
fn declaring<'c>(
    conduits: &'c [Conduit],
    a: &str,
    b: &str,
    protos: &ProtoSet,
    ports: &PortSet,
) -> Option<&'c Conduit> {
    conduits.iter().find(|c| {
        let joins = (c.from == a && c.to == b) || (c.both_ways && c.from == b && c.to == a);
        joins
            && protos.ranges().iter().all(|(lo, hi)| {
                (*lo..=*hi).all(|p| {
                    let allowed = c
                        .services
                        .iter()
                        .filter(|(sp, _)| sp.contains(p))
                        .fold(PortSet::empty(), |acc, (_, sports)| acc.union(sports));
                    ports.is_subset(&allowed)
                })
            })
    })
}

/// Rulesets that only see traffic to or from the firewall itself (not between zones).
fn local_only(rs: &Ruleset) -> bool {
    !rs.attach.is_empty()
        && rs.attach.iter().all(|a| {
            matches!(
                a.to_ascii_lowercase().as_str(),
                "input" | "output" | "prerouting" | "postrouting"
            )
        })
}

fn flows_of(
    d: &InputDoc<'_>,
    config: &Config,
    zones: &[Zone],
    conduits: &[Conduit],
    enforcers: &[Enforcer],
) -> Vec<Value> {
    let fw = firewall_name(&d.doc.value, d.path);
    let declared_by: Vec<&Enforcer> = enforcers
        .iter()
        .filter(|e| e.matches(config.hostname.as_deref(), d.path))
        .collect();
    let rulesets = d.doc.value.field("rulesets");
    let mut out = Vec::new();
    for (ri, rs) in config.rulesets.iter().enumerate() {
        if local_only(rs) || !rs.is_filtering() {
            continue;
        }
        let rs_value = rulesets.index(&Value::int(i64::try_from(ri).unwrap_or(0)));
        let facts = analysis::analyse(rs);
        let mut sources: Vec<(Vec<PacketBox>, Value, Option<Span>)> = Vec::new();
        for (i, (rule, f)) in rs.rules.iter().zip(facts.iter()).enumerate() {
            if rule.action.permits() && !f.shadowed && !analysis::starts_no_flow(rule) {
                let rule_value = rs_value
                    .field("rules")
                    .index(&Value::int(i64::try_from(i).unwrap_or(0)));
                sources.push((f.effective.clone(), rule_value, Some(rule.span)));
            }
        }
        if rs.default_action == Action::Accept {
            let rest = default_space(rs);
            let span = rs.default_span.or(Some(rs.span));
            sources.push((rest, rs_value.field("default_action"), span));
        }
        for (boxes, at, span) in sources {
            for (a, za) in zones.iter().enumerate() {
                for (b, zb) in zones.iter().enumerate() {
                    if a == b {
                        continue;
                    }
                    let mut protos = ProtoSet::empty();
                    let mut ports = PortSet::empty();
                    for bx in &boxes {
                        if bx.src.intersects(&za.space) && bx.dst.intersects(&zb.space) {
                            protos = protos.union(&bx.protocols);
                            ports = ports.union(&bx.dst_ports);
                        }
                    }
                    if protos.is_empty() {
                        continue;
                    }
                    let conduit = declaring(conduits, &za.name, &zb.name, &protos, &ports);
                    let mut m = Map::new();
                    m.insert("firewall", None, str_at(fw.as_str(), span));
                    m.insert("file", None, str_at(d.path, span));
                    m.insert("ruleset", None, str_at(rs.name.as_str(), span));
                    m.insert("rule", None, at.clone());
                    m.insert("default", None, Value::bool(at.as_map().is_none()));
                    m.insert("from", None, str_at(za.name.as_str(), span));
                    m.insert("to", None, str_at(zb.name.as_str(), span));
                    m.insert("from_zone", None, za.value.clone());
                    m.insert("to_zone", None, zb.value.clone());
                    m.insert("protocols", None, protos_value(&protos, span));
                    m.insert("ports", None, ports_value(&ports, span));
                    m.insert("declared", None, Value::bool(conduit.is_some()));
                    m.insert(
                        "conduit",
                        None,
                        conduit.map_or(Value::NULL, |c| str_at(c.name.as_str(), span)),
                    );
                    // Whether the model names this firewall as enforcing this boundary; null
                    // when the model lists no firewalls at all.
                    let enforcing = if enforcers.is_empty() {
                        Value::NULL
                    } else {
                        Value::bool(declared_by.iter().any(|e| e.guards(&za.name, &zb.name)))
                    };
                    m.insert("enforcing", None, enforcing);
                    out.push(Value {
                        kind: Kind::Map(Arc::new(m)),
                        span,
                    });
                }
            }
        }
    }
    out
}

/// The packets no terminal rule decides (they meet the default action), as fragments.
fn default_space(rs: &Ruleset) -> Vec<PacketBox> {
    let mut frags = vec![PacketBox {
        src: AddrSet::any(),
        dst: AddrSet::any(),
        protocols: ProtoSet::full(),
        src_ports: PortSet::full(),
        dst_ports: PortSet::full(),
    }];
    for r in &rs.rules {
        if r.disabled
            || !r.action.is_terminal()
            || !r.is_exact()
            || !r.states.is_empty()
            || r.in_iface.is_some()
            || r.out_iface.is_some()
        {
            continue;
        }
        let b = PacketBox::of(r);
        frags = frags.iter().flat_map(|f| f.subtract(&b)).collect();
        if frags.is_empty() || frags.len() > analysis::MAX_FRAGMENTS {
            break;
        }
    }
    frags
}
