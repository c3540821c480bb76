//! Which NetworkPolicies and Services of a namespace may select a workload, without testing
//! every one against every workload.
//!
//! A selector with a non-empty `matchLabels` (a Service's `spec.selector`) can only select pods
//! that carry its first `key: value` pair, so it is filed under that pair; a workload looks up
//! each of its own labels. Anything else (empty selectors, `matchExpressions` only, malformed
//! ones) is a candidate for every workload. Candidates are then tested with the full selector,
//! in input order, so the result is exactly that of testing every object: only the number of
//! tests changes, from workloads × objects per namespace to about the number of matches.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use crate::entities::extend::scalar_text;
use crate::value::ArcStr;
use crate::value::{Kind, Map, Value};

use super::ByNamespace;

/// The labels an object's selector requires (all of them must be on the pod), or `None` when
/// the object must be tested against every workload.
type Required = fn(&Value) -> Option<&Map>;

/// The objects of one kind in one namespace, in input order, indexed by a selector pair when
/// a workload first asks (most runs never do: few rules read `network_policies` or
/// `services`). Owned (the entities share their values), so deferred fields can keep it.
pub(crate) struct Candidates {
    objects: Vec<Value>,
    required: Required,
    index: OnceLock<Index>,
}

#[derive(Default)]
struct Index {
    /// Positions (in `objects`) to test for every workload.
    always: Vec<usize>,
    /// Label key → label value → positions whose selector requires that pair.
    by_pair: HashMap<ArcStr, HashMap<ArcStr, Vec<usize>>>,
}

/// [`Candidates`] for every namespace.
pub(crate) type Indexed = HashMap<ArcStr, Arc<Candidates>>;

/// The candidates of each namespace of `by_ns`, to be indexed by `required`.
pub(crate) fn index(by_ns: &ByNamespace<'_>, required: Required) -> Indexed {
    by_ns
        .iter()
        .map(|(ns, objects)| {
            let c = Candidates {
                objects: objects.iter().map(|o| o.value.clone()).collect(),
                required,
                index: OnceLock::new(),
            };
            (ArcStr::from(*ns), Arc::new(c))
        })
        .collect()
}

impl Candidates {
    /// The objects that may select a pod with `labels`, in input order.
    pub(crate) fn for_labels(&self, labels: &Map) -> Vec<&Value> {
        let index = self.index.get_or_init(|| self.build());
        let mut positions = index.always.clone();
        for (key, value) in labels.iter() {
            let Some(text) = scalar_text(value) else {
                continue;
            };
            if let Some(hits) = index.by_pair.get(key).and_then(|m| m.get(&text)) {
                positions.extend_from_slice(hits);
            }
        }
        positions.sort_unstable();
        positions.dedup();
        positions
            .into_iter()
            .filter_map(|i| self.objects.get(i))
            .collect()
    }

    /// Files each object under the first pair its selector requires.
    fn build(&self) -> Index {
        let mut index = Index::default();
        for (i, o) in self.objects.iter().enumerate() {
            let first = (self.required)(o)
                .and_then(|m| m.iter().next())
                .and_then(|(k, v)| scalar_text(v).map(|t| (ArcStr::clone(k), t)));
            match first {
                Some((key, text)) => index
                    .by_pair
                    .entry(key)
                    .or_default()
                    .entry(text)
                    .or_default()
                    .push(i),
                None => index.always.push(i),
            }
        }
        index
    }
}

/// The `matchLabels` a NetworkPolicy's `spec.podSelector` requires, when it has some.
pub(crate) fn policy_labels(policy: &Value) -> Option<&Map> {
    let selector = policy.as_map()?.get("spec")?.as_map()?.get("podSelector")?;
    match &selector.kind {
        Kind::Map(sel) => sel.get("matchLabels")?.as_map().filter(|m| !m.is_empty()),
        _ => None,
    }
}

/// A Service's non-empty `spec.selector`.
pub(crate) fn service_labels(service: &Value) -> Option<&Map> {
    service
        .as_map()?
        .get("spec")?
        .as_map()?
        .get("selector")?
        .as_map()
        .filter(|m| !m.is_empty())
}
