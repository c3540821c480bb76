//! Interfaces: `interfaces IF unit N family inet|inet6 address A/L` give `IF.N` with its
//! addresses, `security zones security-zone Z interfaces IF.N` its zone, and `family F filter
//! input|output|input-list|output-list NAME` attach filters (`IF.N in`). VLAN filters
//! (`vlans V filter input NAME`) attach as `vlan V in`, interface ranges as
//! `interface-range R.N in`.

use crate::firewall::model::{Interface, Ruleset};
use crate::firewall::sets::AddrSet;
use crate::source::Span;

use super::cx::Cx;
use super::filter::{filter_name, find_filter};
use super::tree::Node;
use super::values::{address, Addr};

/// The interfaces, and the filter attachments written on them (added to `rulesets`).
pub(crate) fn interfaces(cx: &mut Cx, rulesets: &mut [Ruleset]) -> Vec<Interface> {
    let root = cx.root;
    let mut zones: Vec<(String, String, Span)> = Vec::new();
    let sz = root.get(&["security", "zones", "security-zone"]);
    for z in sz.into_iter().flat_map(|n| n.kids()) {
        for i in z.child("interfaces").into_iter().flat_map(|n| n.kids()) {
            let name = if i.word.contains('.') {
                i.word.clone()
            } else {
                format!("{}.0", i.word)
            };
            zones.push((name, z.word.clone(), i.span));
        }
    }
    let mut out: Vec<Interface> = Vec::new();
    let ranges = root.get(&["interfaces", "interface-range"]);
    for r in ranges.into_iter().flat_map(|n| n.kids()) {
        for unit in r.child("unit").into_iter().flat_map(|n| n.kids()) {
            for fam in unit.child("family").into_iter().flat_map(|n| n.kids()) {
                if let Some(f) = fam.child("filter") {
                    let place = format!("interface-range {}.{}", r.word, unit.word);
                    attach(cx, rulesets, &fam.word, f, &place);
                }
            }
        }
    }
    for ifc in root.child("interfaces").into_iter().flat_map(|n| n.kids()) {
        let skip = ["interface-range", "apply-groups", "traceoptions"];
        if ifc.word.starts_with('<') || skip.contains(&ifc.word.as_str()) {
            continue;
        }
        for unit in ifc.child("unit").into_iter().flat_map(|n| n.kids()) {
            let name = format!("{}.{}", ifc.word, unit.word);
            let mut addresses = AddrSet::empty();
            for fam in unit.child("family").into_iter().flat_map(|n| n.kids()) {
                for a in fam.child("address").into_iter().flat_map(|n| n.kids()) {
                    if let Addr::Set(s) = address(&a.word) {
                        addresses = addresses.union(&s);
                    }
                }
                if let Some(f) = fam.child("filter") {
                    attach(cx, rulesets, &fam.word, f, &name);
                }
            }
            out.push(Interface {
                zone: zones.iter().find(|z| z.0 == name).map(|z| z.1.clone()),
                name,
                security_level: None,
                addresses,
                span: unit.span,
            });
        }
    }
    for (name, zone, span) in zones {
        if !out.iter().any(|i| i.name == name) {
            out.push(Interface {
                name,
                zone: Some(zone),
                security_level: None,
                addresses: AddrSet::empty(),
                span,
            });
        }
    }
    for v in root.child("vlans").into_iter().flat_map(|n| n.kids()) {
        for f in [v.child("filter"), v.get(&["forwarding-options", "filter"])]
            .into_iter()
            .flatten()
        {
            attach(
                cx,
                rulesets,
                "ethernet-switching",
                f,
                &format!("vlan {}", v.word),
            );
        }
    }
    out
}

/// `filter { input F; output-list [ G H ]; }` on `place`.
fn attach(cx: &mut Cx, rulesets: &mut [Ruleset], family: &str, f: &Node, place: &str) {
    for dir in f.kids() {
        let way = match dir.word.as_str() {
            "input" | "input-list" => "in",
            "output" | "output-list" => "out",
            _ => continue,
        };
        for name in dir.kids() {
            let target = filter_name(family, &name.word);
            match rulesets.iter_mut().find(|r| r.name == target) {
                Some(rs) => rs.attach.push(format!("{place} {way}")),
                None if find_filter(cx.root, family, &name.word).is_some() => {}
                None => cx.unknown(None, "filter", &name.word, name.word_span),
            }
        }
    }
}
