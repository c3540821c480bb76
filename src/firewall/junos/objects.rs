//! Named addresses: `policy-options prefix-list` (with `apply-path`) for filters, and SRX
//! address books (`security address-book`, global or attached to zones, and the older
//! per-zone `security zones security-zone Z address-book`).

use crate::firewall::sets::AddrSet;

use super::cx::{Cx, Note};
use super::groups::wildcard;
use super::tree::Node;
use super::values::{address, Addr};

/// How deep address sets may nest.
const MAX_DEPTH: usize = 16;

/// A JunOS address list (`{ 10.0.0.0/8 except; 0.0.0.0/0; }`): the longest matching
/// prefix decides, and an address no entry covers does not match.
pub(crate) fn longest_match(mut entries: Vec<(AddrSet, bool)>) -> AddrSet {
    entries.sort_by(|a, b| b.0.size().total_cmp(&a.0.size()));
    entries
        .into_iter()
        .fold(AddrSet::empty(), |acc, (a, except)| {
            if except {
                acc.difference(&a)
            } else {
                acc.union(&a)
            }
        })
}

/// The prefixes of `policy-options prefix-list NAME`, or `None` if it is not defined.
pub(crate) fn prefix_list(cx: &mut Cx, name: &str, notes: &mut Vec<Note>) -> Option<Vec<AddrSet>> {
    let pl = cx.root.get(&["policy-options", "prefix-list", name])?;
    let mut out = Vec::new();
    for e in pl.kids() {
        match e.word.as_str() {
            "description" | "apply-groups" => {}
            "apply-path" => {
                for p in e.kids() {
                    out.extend(apply_path(cx.root, &p.word));
                }
            }
            w => match address(w) {
                Addr::Set(a) => out.push(a),
                _ => notes.push(Note::unsupported(
                    "a prefix-list entry that is not a prefix",
                    format!("`{w}`"),
                    e.span,
                )),
            },
        }
    }
    Some(out)
}

/// The addresses an `apply-path "interfaces <*> unit <*> family inet address <*>"` names.
fn apply_path(root: &Node, pattern: &str) -> Vec<AddrSet> {
    let mut nodes = vec![root];
    for w in pattern.split_whitespace() {
        nodes = nodes
            .into_iter()
            .flat_map(|n| n.kids().filter(|c| c.word == w || wildcard(w, &c.word)))
            .collect();
    }
    nodes
        .into_iter()
        .filter_map(|n| AddrSet::parse(&n.word))
        .collect()
}

/// The address books a policy between zones may use: the zone's own, then the global one.
pub(crate) fn books<'t>(root: &'t Node, zone: Option<&str>) -> Vec<&'t Node> {
    let mut out = Vec::new();
    let named = root.get(&["security", "address-book"]);
    if let Some(zone) = zone {
        for b in named.into_iter().flat_map(|n| n.kids()) {
            if b.get(&["attach", "zone", zone]).is_some() {
                out.push(b);
            }
        }
        if let Some(b) = root.get(&["security", "zones", "security-zone", zone, "address-book"]) {
            out.push(b);
        }
    }
    if let Some(g) = named.and_then(|n| n.child("global")) {
        out.push(g);
    }
    out
}

/// A book address or address set by name, or `None` if no book defines it.
pub(crate) fn book_address(books: &[&Node], name: &str, notes: &mut Vec<Note>) -> Option<AddrSet> {
    match name {
        "any" => return Some(AddrSet::any()),
        "any-ipv4" => return Some(AddrSet::any_v4()),
        "any-ipv6" => return Some(AddrSet::any_v6()),
        _ => {}
    }
    lookup(books, name, notes, 0)
}

fn lookup(books: &[&Node], name: &str, notes: &mut Vec<Note>, depth: usize) -> Option<AddrSet> {
    if depth > MAX_DEPTH {
        return Some(AddrSet::empty());
    }
    for b in books {
        if let Some(a) = b.get(&["address", name]) {
            return Some(entry(a, notes));
        }
        if let Some(s) = b.get(&["address-set", name]) {
            let mut out = AddrSet::empty();
            for kind in ["address", "address-set"] {
                for m in s.child(kind).into_iter().flat_map(|n| n.kids()) {
                    match lookup(books, &m.word, notes, depth + 1) {
                        Some(a) => out = out.union(&a),
                        None => notes.push(Note::Unknown {
                            kind: "address",
                            name: m.word.clone(),
                            span: m.word_span,
                        }),
                    }
                }
            }
            return Some(out);
        }
    }
    None
}

/// The value of `address NAME …`: a prefix, a `range-address`, a `wildcard-address`; a
/// `dns-name` is not modelled.
fn entry(a: &Node, notes: &mut Vec<Note>) -> AddrSet {
    let mut out = AddrSet::empty();
    for v in a.kids() {
        match v.word.as_str() {
            "description" => {}
            "range-address" => {
                let lo = v.value();
                let hi = lo.and_then(|l| l.get(&["to"])).and_then(|t| t.value());
                let range = lo
                    .zip(hi)
                    .and_then(|(l, h)| AddrSet::parse(&format!("{}-{}", l.word, h.word)));
                match range {
                    Some(r) => out = out.union(&r),
                    None => notes.push(Note::unsupported(
                        "a `range-address` that is not an address range",
                        format!("address `{}`", a.word),
                        v.span,
                    )),
                }
            }
            "wildcard-address" | "ip-prefix" => {
                for w in v.kids() {
                    match address(&w.word) {
                        Addr::Set(s) => out = out.union(&s),
                        Addr::NonContiguous(s) => {
                            out = out.union(&s);
                            notes.push(Note::unsupported(
                                format!("a non-contiguous `{}`", v.word),
                                format!("`{}`", w.word),
                                v.span,
                            ));
                        }
                        Addr::Invalid => notes.push(Note::unsupported(
                            format!("a `{}` that is not an address", v.word),
                            format!("`{}`", w.word),
                            v.span,
                        )),
                    }
                }
            }
            "dns-name" => notes.push(Note::unsupported(
                "a `dns-name` address",
                format!("address `{}`", a.word),
                v.span,
            )),
            w => match address(w) {
                Addr::Set(s) => out = out.union(&s),
                _ => notes.push(Note::unsupported(
                    "an address-book value that is not a prefix",
                    format!("`{w}`"),
                    v.span,
                )),
            },
        }
    }
    out
}
