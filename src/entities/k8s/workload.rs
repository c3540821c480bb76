//! `k8s.workloads`: objects that run pods, with their pod spec, pod labels and the
//! NetworkPolicies and Services that select them.

use super::index::Indexed;
use super::{selector, Object};
use crate::entities::extend::{list_at, map_or_empty, Entity};
use crate::value::{Map, Value};

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

pub(crate) fn entity(o: &Object, policies: &Indexed<'_>, services: &Indexed<'_>) -> Workload {
    let template = pod_template(&o.value, &o.kind);
    let pod_spec = template.field("spec");
    let pod_labels = map_or_empty(template.field("metadata").field("labels"));
    let empty = Map::new();
    let labels = pod_labels.as_map().unwrap_or(&empty);
    let ns = o.namespace.as_deref().unwrap_or("default");

    let selecting_policies: Vec<Value> = policies
        .get(ns)
        .map(|c| c.for_labels(labels))
        .unwrap_or_default()
        .into_iter()
        .filter(|p| selector::selects(&p.value.field("spec").field("podSelector"), labels))
        .map(|p| p.value.clone())
        .collect();
    let selecting_services: Vec<Value> = services
        .get(ns)
        .map(|c| c.for_labels(labels))
        .unwrap_or_default()
        .into_iter()
        .filter(|s| {
            let sel = s.value.field("spec").field("selector");
            sel.as_map()
                .is_some_and(|m| !m.is_empty() && selector::is_subset(m, labels))
        })
        .map(|s| s.value.clone())
        .collect();

    let span = o.value.span;
    let entity = Entity::from_node(&o.value)
        .set("pod_spec", pod_spec.clone())
        .set("pod_labels", pod_labels.clone())
        .set("network_policies", list_at(selecting_policies, span))
        .set("services", list_at(selecting_services, span))
        .build();
    Workload {
        entity,
        pod_spec,
        file: o.file.clone(),
    }
}
