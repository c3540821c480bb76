//! SRX security policies: one ruleset per zone pair (`from-zone A to-zone B`) and one for
//! `global` policies, each policy a rule (or several, when its applications are not one
//! protocol × ports box). `default-policy permit-all|deny-all` is the default of each.

use crate::firewall::model::{Action, Rule, Ruleset};
use crate::firewall::sets::AddrSet;

use super::apps::{application, simplify, AppBox};
use super::cx::Cx;
use super::objects::{book_address, books};
use super::tree::Node;

/// Zone-pair and global policies, as rulesets.
pub(crate) fn policies(cx: &mut Cx) -> Vec<Ruleset> {
    let root = cx.root;
    let mut out = Vec::new();
    let Some(pol) = root.get(&["security", "policies"]) else {
        return out;
    };
    let (default_action, default_span) = match pol.child("default-policy") {
        Some(d) if d.has("permit-all") => (Action::Accept, Some(d.span)),
        Some(d) => (Action::Drop, Some(d.span)),
        None => (Action::Drop, None),
    };
    for from in pol.child("from-zone").into_iter().flat_map(|n| n.kids()) {
        for to in from.child("to-zone").into_iter().flat_map(|n| n.kids()) {
            let mut rules = Vec::new();
            for p in to
                .child("policy")
                .into_iter()
                .flat_map(|n| n.children.iter())
            {
                rules.extend(policy(cx, p, Some(&from.word), Some(&to.word)));
            }
            out.push(Ruleset {
                name: format!("from-zone {} to-zone {}", from.word, to.word),
                span: to.span,
                attach: vec![format!("{} -> {}", from.word, to.word)],
                default_action: default_action.clone(),
                default_span,
                rules,
            });
        }
    }
    if let Some(global) = pol.child("global") {
        let mut rules = Vec::new();
        for p in global
            .child("policy")
            .into_iter()
            .flat_map(|n| n.children.iter())
        {
            rules.extend(policy(cx, p, None, None));
        }
        out.push(Ruleset {
            name: "global".to_string(),
            span: global.span,
            attach: vec!["global".to_string()],
            default_action,
            default_span,
            rules,
        });
    }
    out
}

/// The rules of one policy; `from`/`to` are the zones of its zone pair (`None` in global
/// policies, which may name zones in `match`).
fn policy(cx: &mut Cx, p: &Node, from: Option<&str>, to: Option<&str>) -> Vec<Rule> {
    let mut r = Rule::any(Action::Other("none".to_string()), p.span);
    r.name = Some(p.word.clone());
    r.disabled = p.inactive;
    r.in_iface = from.map(str::to_string);
    r.out_iface = to.map(str::to_string);
    r.comment = p
        .get(&["description"])
        .and_then(|d| d.value())
        .map(|d| d.word.clone())
        .or_else(|| p.comment.clone());
    let mut boxes = vec![AppBox::any()];
    if let Some(m) = p.child("match") {
        if from.is_none() {
            r.in_iface = zone(cx, &mut r, m, "from-zone");
            r.out_iface = zone(cx, &mut r, m, "to-zone");
        }
        let (src_zone, dst_zone) = (r.in_iface.clone(), r.out_iface.clone());
        for c in m.kids() {
            match c.word.as_str() {
                "source-address" => r.src = addresses(cx, &mut r, c, src_zone.as_deref()),
                "destination-address" => r.dst = addresses(cx, &mut r, c, dst_zone.as_deref()),
                "application" => boxes = applications(cx, &mut r, c),
                "source-address-excluded" | "destination-address-excluded" => {}
                "from-zone" | "to-zone" if from.is_none() => {}
                "dynamic-application" | "url-category" | "source-identity"
                    if c.kids().all(|v| v.word == "any" || v.word == "none") => {}
                other => cx.unsupported(&mut r, &format!("`match {other}`"), c.span),
            }
        }
        if m.has("source-address-excluded") {
            r.src = r.src.negate(&AddrSet::any());
        }
        if m.has("destination-address-excluded") {
            r.dst = r.dst.negate(&AddrSet::any());
        }
    }
    let mut action = None;
    for a in p.child("then").into_iter().flat_map(|n| n.kids()) {
        let act = match a.word.as_str() {
            "permit" => Some(Action::Accept),
            "deny" => Some(Action::Drop),
            "reject" => Some(Action::Reject),
            "log" => {
                r.log = true;
                None
            }
            "count" => None,
            other => {
                cx.unsupported(&mut r, &format!("`then {other}` action"), a.span);
                None
            }
        };
        if action.is_none() {
            action = act;
        }
    }
    match action {
        Some(a) => r.action = a,
        None => cx.unsupported(
            &mut r,
            "a policy with no `permit`, `deny` or `reject` action",
            p.span,
        ),
    }
    for key in ["scheduler-name"] {
        if let Some(s) = p.child(key) {
            cx.unsupported(&mut r, &format!("`{key}`"), s.span);
        }
    }
    split(r, simplify(boxes))
}

/// One rule per application box (all with the policy's span and name).
pub(crate) fn split(r: Rule, boxes: Vec<AppBox>) -> Vec<Rule> {
    if boxes.is_empty() {
        // An empty application set matches nothing; keep the rule, matching no protocol.
        let mut r = r;
        r.protocols = crate::firewall::sets::ProtoSet::empty();
        return vec![r];
    }
    boxes
        .into_iter()
        .map(|b| {
            let mut x = r.clone();
            x.protocols = b.protos;
            x.src_ports = b.sports;
            x.dst_ports = b.dports;
            x
        })
        .collect()
}

/// A global policy's `from-zone`/`to-zone`; several zones cannot be one rule's interface.
fn zone(cx: &mut Cx, r: &mut Rule, m: &Node, key: &str) -> Option<String> {
    let z = m.child(key)?;
    let mut zones = z.kids();
    let first = zones.next()?;
    if zones.next().is_some() {
        cx.unsupported(r, &format!("several zones in `{key}`"), z.span);
        return None;
    }
    Some(first.word.clone()).filter(|w| w != "any")
}

fn addresses(cx: &mut Cx, r: &mut Rule, c: &Node, zone: Option<&str>) -> AddrSet {
    let books = books(cx.root, zone);
    let mut out = AddrSet::empty();
    for v in c.kids() {
        let mut notes = Vec::new();
        match book_address(&books, &v.word, &mut notes) {
            Some(a) => out = out.union(&a),
            None => cx.unknown(Some(r), "address", &v.word, v.word_span),
        }
        cx.notes(r, notes);
    }
    out
}

fn applications(cx: &mut Cx, r: &mut Rule, c: &Node) -> Vec<AppBox> {
    let mut out = Vec::new();
    for v in c.kids() {
        let mut notes = Vec::new();
        match application(cx.root, &v.word, v.word_span, &mut notes) {
            Some(b) => out.extend(b),
            None => cx.unknown(Some(r), "application", &v.word, v.word_span),
        }
        cx.notes(r, notes);
    }
    out
}
