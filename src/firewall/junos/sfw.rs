//! MS-MPC / MX services stateful firewall: `services stateful-firewall rule R { term T {
//! from { … } then { accept|discard|reject; } } }`. Each rule is a ruleset (`stateful-firewall
//! rule R`, attached to the service sets naming it) with the implicit discard at the end.

use crate::firewall::model::{Action, Rule, Ruleset};
use crate::firewall::sets::AddrSet;

use super::apps::{application, simplify, AppBox};
use super::cx::Cx;
use super::objects::{longest_match, prefix_list};
use super::policy::split;
use super::tree::Node;
use super::values::{address, Addr};

/// Every stateful-firewall rule, as rulesets.
pub(crate) fn rules(cx: &mut Cx) -> Vec<Ruleset> {
    let root = cx.root;
    let mut out = Vec::new();
    let Some(sf) = root.get(&["services", "stateful-firewall"]) else {
        return out;
    };
    for rule in sf.child("rule").into_iter().flat_map(|n| n.kids()) {
        let attach = root
            .get(&["services", "service-set"])
            .into_iter()
            .flat_map(|n| n.kids())
            .filter(|s| s.get(&["stateful-firewall-rules", &rule.word]).is_some())
            .map(|s| format!("service-set {}", s.word))
            .collect();
        let mut rules = Vec::new();
        for t in rule
            .child("term")
            .into_iter()
            .flat_map(|n| n.children.iter())
        {
            rules.extend(term(cx, t));
        }
        out.push(Ruleset {
            name: format!("stateful-firewall rule {}", rule.word),
            span: rule.span,
            attach,
            default_action: Action::Drop,
            default_span: None,
            rules,
        });
    }
    out
}

fn term(cx: &mut Cx, t: &Node) -> Vec<Rule> {
    let root = cx.root;
    let mut r = Rule::any(Action::Accept, t.span);
    r.name = Some(t.word.clone());
    r.disabled = t.inactive;
    r.comment.clone_from(&t.comment);
    let (mut src, mut dst) = (None, None);
    let mut boxes: Option<Vec<AppBox>> = None;
    for c in t.child("from").into_iter().flat_map(|n| n.kids()) {
        match c.word.as_str() {
            "source-address" | "destination-address" => {
                let slot = if c.word == "source-address" {
                    &mut src
                } else {
                    &mut dst
                };
                let entries = slot.get_or_insert_with(Vec::new);
                for v in c.kids() {
                    let a = match v.word.as_str() {
                        "any-unicast" => Addr::Set(AddrSet::any()),
                        "any-ipv4" => Addr::Set(AddrSet::any_v4()),
                        "any-ipv6" => Addr::Set(AddrSet::any_v6()),
                        w => address(w),
                    };
                    match a {
                        Addr::Set(a) => entries.push((a, v.has("except"))),
                        _ => cx.unsupported_in(
                            &mut r,
                            "an address that is not a prefix",
                            &format!("`{}`", v.word),
                            v.span,
                        ),
                    }
                }
            }
            "source-prefix-list" | "destination-prefix-list" => {
                let slot = if c.word == "source-prefix-list" {
                    &mut src
                } else {
                    &mut dst
                };
                let entries = slot.get_or_insert_with(Vec::new);
                for v in c.kids() {
                    let mut notes = Vec::new();
                    match prefix_list(cx, &v.word, &mut notes) {
                        Some(l) => entries.extend(l.into_iter().map(|a| (a, v.has("except")))),
                        None => cx.unknown(Some(&mut r), "prefix-list", &v.word, v.word_span),
                    }
                    cx.notes(&mut r, notes);
                }
            }
            "applications" | "application-sets" => {
                let list = boxes.get_or_insert_with(Vec::new);
                for v in c.kids() {
                    let mut notes = Vec::new();
                    match application(root, &v.word, v.word_span, &mut notes) {
                        Some(b) => list.extend(b),
                        None => cx.unknown(Some(&mut r), "application", &v.word, v.word_span),
                    }
                    cx.notes(&mut r, notes);
                }
            }
            other => cx.unsupported(&mut r, &format!("`{other}` match"), c.span),
        }
    }
    r.src = src.map_or_else(AddrSet::any, longest_match);
    r.dst = dst.map_or_else(AddrSet::any, longest_match);
    let mut action = None;
    for a in t.child("then").into_iter().flat_map(|n| n.kids()) {
        let act = match a.word.as_str() {
            "accept" => Some(Action::Accept),
            "discard" => Some(Action::Drop),
            "reject" => Some(Action::Reject),
            "syslog" => {
                r.log = true;
                None
            }
            "allow-ip-options" | "save-rule" => None,
            other => {
                cx.unsupported(&mut r, &format!("`then {other}` action"), a.span);
                None
            }
        };
        if action.is_none() {
            action = act;
        }
    }
    r.action = action.unwrap_or(Action::Accept);
    split(r, simplify(boxes.unwrap_or_else(|| vec![AppBox::any()])))
}
