//! Juniper JunOS: stateless firewall filters (`firewall family inet filter`), SRX security
//! policies (`security policies from-zone A to-zone B`), MS-MPC stateful-firewall rules and
//! zone host-inbound traffic, in the hierarchical (`{ … }`) or the flat (`set …`) syntax.
//!
//! Both syntaxes are read into one configuration tree (`tree`), groups are inherited
//! (`groups`), and the tree is interpreted once. Hierarchy that has nothing to do with
//! filtering (routing, class of service, …) is ignored without a word.

mod apps;
mod cx;
mod filter;
mod groups;
mod hostin;
mod interfaces;
mod lexer;
mod objects;
mod policy;
mod sfw;
mod syntax;
mod tree;
mod values;

use crate::source::FileId;

use super::model::{Action, Config, Interface, Ruleset, Vendor};
use super::Parsed;

/// Top-level JunOS hierarchy words, for content detection.
const TOP: &[&str] = &[
    "access",
    "accounting-options",
    "applications",
    "apply-groups",
    "bridge-domains",
    "chassis",
    "class-of-service",
    "event-options",
    "firewall",
    "forwarding-options",
    "groups",
    "interfaces",
    "logical-systems",
    "multi-chassis",
    "policy-options",
    "protocols",
    "routing-instances",
    "routing-options",
    "security",
    "services",
    "snmp",
    "switch-options",
    "system",
    "version",
    "vlans",
];

/// Whether `text` looks like a JunOS configuration: a `set` line or a top-level `word {`
/// block naming JunOS hierarchy, or a RANCID juniper header.
pub fn sniff(text: &str) -> bool {
    text.lines().take(2000).any(|line| {
        if line.starts_with("#RANCID-CONTENT-TYPE: juniper") {
            return true;
        }
        let mut words = line.split_whitespace();
        let (first, second) = (words.next(), words.next());
        if line.starts_with("set ") {
            return second.is_some_and(|w| TOP.contains(&w));
        }
        if line.starts_with(char::is_whitespace) {
            return false;
        }
        let first = match first {
            Some("replace:" | "inactive:" | "delete:") => second,
            w => w,
        };
        let rest = line.trim_end();
        first.is_some_and(|w| TOP.contains(&w.trim_end_matches('{')))
            && (rest.ends_with('{') || rest.ends_with(';'))
    })
}

/// Parses a whole file. Never fails, never panics.
pub fn parse(file: FileId, text: &str) -> Parsed {
    let mut diagnostics = Vec::new();
    let stmts = syntax::parse(file, text, &mut diagnostics);
    let (mut root, truncated) = tree::build(file, &stmts);
    if let Some(limit) = truncated {
        diagnostics.push(
            crate::diag::Diagnostic::new(
                crate::diag::Code::FirewallSyntax,
                format!(
                    "the configuration expands to more than {limit} words of statements; the rest is not read"
                ),
            )
            .span(Some(crate::source::Span::new(file, 0, 0)))
            .help("`[ … ]` lists in nested blocks multiply; look for an unclosed `[` or `{`"),
        );
    }
    groups::inherit(&mut root);
    let mut cx = cx::Cx::new(&root, diagnostics);
    let (mut rulesets, mut interfaces) = interpret(&mut cx);
    // A logical system is a router of its own: its rulesets are named after it.
    for ls in root
        .child("logical-systems")
        .into_iter()
        .flat_map(|n| n.kids())
    {
        let mut inner = cx::Cx::new(ls, std::mem::take(&mut cx.diags));
        let (sets, ifaces) = interpret(&mut inner);
        cx.diags = inner.diags;
        let prefix = format!("logical-system {} ", ls.word);
        for mut rs in sets {
            rs.name.insert_str(0, &prefix);
            for r in &mut rs.rules {
                if let Action::Jump(t) | Action::Goto(t) = &mut r.action {
                    t.insert_str(0, &prefix);
                }
            }
            rulesets.push(rs);
        }
        interfaces.extend(ifaces);
    }
    let hostname = root
        .get(&["system", "host-name"])
        .and_then(|h| h.value())
        .map(|h| h.word.clone());
    Parsed {
        config: Config {
            vendor: Vendor::Junos,
            rulesets,
            interfaces,
            hostname,
        },
        diagnostics: cx.diags,
    }
}

/// The rulesets (in file order) and interfaces of the configuration at `cx.root`.
fn interpret(cx: &mut cx::Cx) -> (Vec<Ruleset>, Vec<Interface>) {
    let mut rulesets = filter::filters(cx);
    rulesets.extend(policy::policies(cx));
    rulesets.extend(sfw::rules(cx));
    rulesets.extend(hostin::host_inbound(cx));
    rulesets.sort_by_key(|r| r.span.start);
    let interfaces = interfaces::interfaces(cx, &mut rulesets);
    (rulesets, interfaces)
}
