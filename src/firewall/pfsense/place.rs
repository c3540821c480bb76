//! Placement of drafts into rulesets: one per interface (default drop), `pfsense floating`
//! and one per interface group (default return), with jumps from every interface ruleset to
//! the floating and group rulesets that pf evaluates before the interface's own rules.

use crate::diag::{Code, Diagnostic};
use crate::firewall::model::{Action, Rule, Ruleset};
use crate::source::Span;

use super::rules::{Dir, Draft};
use super::Ctx;

const FLOATING: &str = "pfsense floating";

fn ruleset_name(iface: &str) -> String {
    format!("pfsense {iface}")
}

/// Drafts grouped by the interface or group they are written on, in first-seen order.
type ByName = Vec<(String, Span, Vec<Draft>)>;

fn push(list: &mut ByName, name: &str, span: Span, d: Draft) {
    match list.iter_mut().find(|(n, _, _)| n == name) {
        Some((_, _, v)) => v.push(d),
        None => list.push((name.to_string(), span, vec![d])),
    }
}

pub(super) fn rulesets(cx: &mut Ctx<'_>, mut drafts: Vec<Draft>) -> Vec<Ruleset> {
    drafts.sort_by_key(|d| d.order);
    let mut floating: Vec<Draft> = Vec::new();
    let mut groups: ByName = Vec::new();
    let mut by_iface: ByName = Vec::new();
    for mut d in drafts {
        for name in d.ifaces.clone() {
            if !cx.ifaces.exists(&name) {
                cx.unknown(&mut d.rule, format!("interface `{name}`"), d.iface_span);
            }
        }
        if d.floating || d.ifaces.len() > 1 {
            floating.push(d);
        } else if let Some(name) = d.ifaces.first().cloned() {
            if cx.ifaces.group(&name).is_some() {
                push(&mut groups, &name, d.iface_span, d);
            } else {
                push(&mut by_iface, &name, d.iface_span, d);
            }
        } else {
            cx.diags.push(
                Diagnostic::new(
                    Code::FirewallUnsupported,
                    "a rule without `<interface>` is not loaded; it is ignored",
                )
                .at(d.rule.span, "no interface")
                .help("give the rule an interface or delete it"),
            );
        }
    }

    let mut out = Vec::new();
    let floating_span = floating.first().map(|d| d.container);
    if let Some(span) = floating_span {
        let mut attach: Vec<String> = Vec::new();
        let mut rules = Vec::new();
        for d in &floating {
            if d.ifaces.is_empty() {
                rules.extend(expand(d, None));
            }
            for i in &d.ifaces {
                rules.extend(expand(d, Some(i)));
                if !attach.contains(i) {
                    attach.push(i.clone());
                }
            }
        }
        if floating.iter().any(|d| d.ifaces.is_empty()) {
            attach = iface_names(cx, &by_iface)
                .into_iter()
                .map(|n| n.0)
                .collect();
        }
        out.push(Ruleset {
            name: FLOATING.to_string(),
            span,
            attach,
            default_action: Action::Return,
            default_span: None,
            rules,
        });
    }

    // Group rulesets, in the order pf evaluates them (`<sequence>`).
    let mut jumps: Vec<(i64, String, Vec<String>, Span)> = Vec::new();
    for (name, _, drafts) in &groups {
        let Some(g) = cx.ifaces.group(name) else {
            continue;
        };
        let members = if g.members.is_empty() {
            vec![name.clone()]
        } else {
            g.members.clone()
        };
        let rules = drafts
            .iter()
            .flat_map(|d| members.iter().flat_map(move |m| expand(d, Some(m))))
            .collect();
        jumps.push((g.seq, ruleset_name(name), g.members.clone(), g.span));
        out.push(Ruleset {
            name: ruleset_name(name),
            span: g.span,
            attach: g.members.clone(),
            default_action: Action::Return,
            default_span: None,
            rules,
        });
    }
    jumps.sort_by_key(|j| j.0);

    for (name, span) in iface_names(cx, &by_iface) {
        let mut rules = Vec::new();
        let jump = |target: &str, at: Span| {
            let mut r = Rule::any(Action::Jump(target.to_string()), at);
            r.in_iface = Some(name.clone());
            r
        };
        if let Some(at) = floating_span {
            rules.push(jump(FLOATING, at));
        }
        for (_, target, members, at) in &jumps {
            if members.contains(&name) {
                rules.push(jump(target, *at));
            }
        }
        if let Some((_, _, drafts)) = by_iface.iter().find(|(n, _, _)| *n == name) {
            rules.extend(drafts.iter().flat_map(|d| expand(d, Some(&name))));
        }
        out.push(Ruleset {
            name: ruleset_name(&name),
            span,
            attach: vec![name],
            default_action: Action::Drop,
            default_span: None,
            rules,
        });
    }
    out.sort_by_key(|r| r.span.start);
    out
}

/// Interfaces that get a ruleset: every defined one but loopback, then those only rules name.
fn iface_names(cx: &Ctx<'_>, by_iface: &ByName) -> Vec<(String, Span)> {
    let mut names: Vec<(String, Span)> = cx
        .ifaces
        .list
        .iter()
        .filter(|i| !i.loopback)
        .map(|i| (i.name.clone(), i.span))
        .collect();
    for (name, span, _) in by_iface {
        if !names.iter().any(|(n, _)| n == name) {
            names.push((name.clone(), *span));
        }
    }
    names
}

/// The draft as rules on `iface` (`None`: any interface), one per direction.
fn expand(d: &Draft, iface: Option<&str>) -> Vec<Rule> {
    let on = |inbound: bool| {
        let mut r = d.rule.clone();
        let name = iface.map(str::to_string);
        if inbound {
            r.in_iface = name;
        } else {
            r.out_iface = name;
        }
        r
    };
    match (d.dir, iface) {
        (_, None) => vec![d.rule.clone()],
        (Dir::In, _) => vec![on(true)],
        (Dir::Out, _) => vec![on(false)],
        (Dir::Any, _) => vec![on(true), on(false)],
    }
}
