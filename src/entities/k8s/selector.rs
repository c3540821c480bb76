//! Kubernetes label selectors: `matchLabels` and `matchExpressions`, and Service selectors.
//!
//! Label values are compared as text, so a YAML `tier: 1` matches a selector `tier: "1"`.
//! A malformed selector (wrong types, unknown operator) selects nothing: a workload then looks
//! unprotected rather than wrongly protected.

use crate::entities::extend::scalar_text;
use crate::value::ArcStr;
use crate::value::{Kind, Map, Value};

/// Whether a `LabelSelector` (e.g. a NetworkPolicy's `spec.podSelector`) selects `labels`.
/// An absent, null or empty selector selects everything.
pub(crate) fn selects(selector: &Value, labels: &Map) -> bool {
    match &selector.kind {
        Kind::Missing | Kind::Null => true,
        Kind::Map(sel) => {
            match_labels(sel.get("matchLabels"), labels)
                && match_expressions(sel.get("matchExpressions"), labels)
        }
        _ => false,
    }
}

/// Whether a `LabelSelector` has no requirement at all (and so selects every pod).
pub(crate) fn is_empty(selector: &Value) -> bool {
    match &selector.kind {
        Kind::Missing | Kind::Null => true,
        Kind::Map(sel) => {
            let none = |key: &str| match sel.get(key).map(|v| &v.kind) {
                None | Some(Kind::Null) => true,
                Some(Kind::Map(m)) => m.is_empty(),
                Some(Kind::List(l)) => l.is_empty(),
                Some(_) => false,
            };
            none("matchLabels") && none("matchExpressions")
        }
        _ => false,
    }
}

/// Whether every `key: value` of `selector` is among `labels` (a Service's `spec.selector`).
/// An empty selector is a subset of anything; callers that need a non-empty one check first.
pub(crate) fn is_subset(selector: &Map, labels: &Map) -> bool {
    selector.iter().all(|(key, want)| {
        let want = scalar_text(want);
        want.is_some() && labels.get(key).and_then(scalar_text) == want
    })
}

fn match_labels(match_labels: Option<&Value>, labels: &Map) -> bool {
    match match_labels.map(|v| &v.kind) {
        None | Some(Kind::Null) => true,
        Some(Kind::Map(m)) => is_subset(m, labels),
        Some(_) => false,
    }
}

fn match_expressions(exprs: Option<&Value>, labels: &Map) -> bool {
    match exprs.map(|v| &v.kind) {
        None | Some(Kind::Null) => true,
        Some(Kind::List(l)) => l.iter().all(|e| expression(e, labels)),
        Some(_) => false,
    }
}

/// One `{key, operator, values}` requirement.
fn expression(expr: &Value, labels: &Map) -> bool {
    let Some(key) = expr.field("key").as_str().map(str::to_owned) else {
        return false;
    };
    let values: Vec<ArcStr> = expr
        .field("values")
        .as_list()
        .unwrap_or_default()
        .iter()
        .filter_map(scalar_text)
        .collect();
    let actual = labels.get(&key).and_then(scalar_text);
    match expr.field("operator").as_str() {
        Some("In") => actual.is_some_and(|a| values.contains(&a)),
        Some("NotIn") => actual.is_none_or(|a| !values.contains(&a)),
        Some("Exists") => labels.contains_key(&key),
        Some("DoesNotExist") => !labels.contains_key(&key),
        _ => false,
    }
}
