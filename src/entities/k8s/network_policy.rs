//! Default-deny NetworkPolicies: an empty `podSelector` and no rules for a direction.

use super::selector;
use crate::value::{Kind, Value};

/// Whether `policy` denies all ingress to every pod of its namespace: an empty `podSelector`,
/// `policyTypes` unset, empty or listing `Ingress`, and no `ingress` rules.
pub(crate) fn denies_all_ingress(policy: &Value) -> bool {
    let spec = policy.field("spec");
    selector::is_empty(&spec.field("podSelector"))
        && policy_types(&spec).is_none_or(|t| t.contains(&"Ingress"))
        && no_rules(&spec.field("ingress"))
}

/// Whether `policy` denies all egress from every pod of its namespace: an empty `podSelector`,
/// `policyTypes` listing `Egress`, and no `egress` rules. (With `policyTypes` unset, Kubernetes
/// only enforces egress when there are egress rules, so such a policy never denies all egress.)
pub(crate) fn denies_all_egress(policy: &Value) -> bool {
    let spec = policy.field("spec");
    selector::is_empty(&spec.field("podSelector"))
        && policy_types(&spec).is_some_and(|t| t.contains(&"Egress"))
        && no_rules(&spec.field("egress"))
}

/// The listed `policyTypes`; `None` when unset or empty (Kubernetes then defaults them).
fn policy_types(spec: &Value) -> Option<Vec<&str>> {
    let types = spec.as_map()?.get("policyTypes")?.as_list()?;
    let names: Vec<&str> = types.iter().filter_map(Value::as_str).collect();
    (!types.is_empty()).then_some(names)
}

/// Absent, null or an empty list: no traffic is allowed in that direction.
fn no_rules(rules: &Value) -> bool {
    match &rules.kind {
        Kind::Missing | Kind::Null => true,
        Kind::List(l) => l.is_empty(),
        _ => false,
    }
}
