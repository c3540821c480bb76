//! `k8s.workloads`: objects that run pods, with their pod spec, pod labels and the
//! NetworkPolicies and Services that select them.

use std::sync::Arc;

use super::index::Candidates;
use super::{selector, Object, Selection};
use crate::entities::extend::{list_at, map_or_empty, Entity};
use crate::source::Span;
use crate::value::{ArcStr, Map, Value};
use arcstr::literal;

/// The kinds that run pods.
const WORKLOAD_KINDS: &[&str] = &[
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
];

/// A workload entity and the parts its containers need.
pub(crate) struct Workload {
    pub(crate) entity: Value,
    pub(crate) pod_spec: Value,
    pub(crate) file: Value,
}

pub(crate) fn is_workload(kind: &str) -> bool {
    WORKLOAD_KINDS.contains(&kind)
}

/// The node holding the pod's `metadata` and `spec`: the Pod itself, `spec.template`, or for a
/// CronJob `spec.jobTemplate.spec.template`.
fn pod_template(object: &Value, kind: &str) -> Value {
    match kind {
        "Pod" => object.clone(),
        "CronJob" => object
            .field("spec")
            .field("jobTemplate")
            .field("spec")
            .field("template"),
        _ => object.field("spec").field("template"),
    }
}

/// The workload entity of `o`. Its `network_policies` and `services` are computed from
/// `selection` when first read, which is only once every document is loaded.
pub(crate) fn entity(o: &Object, selection: &Arc<Selection>) -> Workload {
    let template = pod_template(&o.value, &o.kind);
    let pod_spec = template.field("spec");
    let pod_labels = map_or_empty(template.field("metadata").field("labels"));
    let ns = o.namespace.clone().unwrap_or(literal!("default"));
    let span = o.value.span;

    // Which NetworkPolicies and Services select the workload is computed when a rule first
    // asks: the pairs grow with the square of a namespace's size, and few rules read them.
    let (known, ns_name, labels) = (
        Arc::clone(selection),
        ArcStr::clone(&ns),
        pod_labels.clone(),
    );
    let network_policies = move || {
        let policies = known.get()?.policies.get(&ns_name);
        Some(selecting(
            policies.map(|c| &**c),
            &labels,
            span,
            |p, labels| selector::selects(&p.field("spec").field("podSelector"), labels),
        ))
    };
    let (known, labels) = (Arc::clone(selection), pod_labels.clone());
    let services = move || {
        let services = known.get()?.services.get(&ns);
        Some(selecting(
            services.map(|c| &**c),
            &labels,
            span,
            |s, labels| {
                let sel = s.field("spec").field("selector");
                sel.as_map()
                    .is_some_and(|m| !m.is_empty() && selector::is_subset(m, labels))
            },
        ))
    };

    let entity = Entity::from_node(&o.value)
        .set(literal!("pod_spec"), pod_spec.clone())
        .set(literal!("pod_labels"), pod_labels.clone())
        .defer(literal!("network_policies"), network_policies)
        .defer(literal!("services"), services)
        .build();
    Workload {
        entity,
        pod_spec,
        file: o.file.clone(),
    }
}

/// The objects among `candidates` that `selects` a pod with `labels` (a map), in input order,
/// as a list at `span`.
fn selecting(
    candidates: Option<&Candidates>,
    labels: &Value,
    span: Option<Span>,
    selects: impl Fn(&Value, &Map) -> bool,
) -> Value {
    let empty = Map::new();
    let labels = labels.as_map().unwrap_or(&empty);
    let selected: Vec<Value> = candidates
        .map(|c| c.for_labels(labels))
        .unwrap_or_default()
        .into_iter()
        .filter(|o| selects(o, labels))
        .cloned()
        .collect();
    list_at(selected, span)
}
