//! Kubernetes entities: objects, workloads, containers, namespaces and the per-kind lists.

mod container;
mod index;
mod namespace;
mod network_policy;
mod object;
mod scope;
mod selector;
mod workload;

use std::collections::HashMap;

use rayon::prelude::*;

pub(crate) use object::{objects, Object};

use crate::value::Value;

/// Objects of one kind grouped by namespace, each group in input order.
pub(crate) type ByNamespace<'a> = HashMap<&'a str, Vec<&'a Object>>;

/// Every Kubernetes entity list of a run.
pub(crate) struct K8s {
    pub(crate) objects: Vec<Value>,
    pub(crate) workloads: Vec<Value>,
    pub(crate) containers: Vec<Value>,
    pub(crate) services: Vec<Value>,
    pub(crate) ingresses: Vec<Value>,
    pub(crate) network_policies: Vec<Value>,
    pub(crate) namespaces: Vec<Value>,
    pub(crate) rbac: Vec<Value>,
    pub(crate) service_accounts: Vec<Value>,
    pub(crate) secrets: Vec<Value>,
    pub(crate) config_maps: Vec<Value>,
}

/// The RBAC kinds gathered in `k8s.rbac`.
const RBAC_KINDS: &[&str] = &["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"];

/// Derives the cross-document entities from all objects, which are in input order: the
/// kinds for which `wanted` is true, the others left empty.
pub(crate) fn derive(objects: &[Object], wanted: &(dyn Fn(&str) -> bool + Sync)) -> K8s {
    let wants_containers = wanted("k8s.containers");
    let wants_namespaces = wanted("k8s.namespaces");
    let wants_workloads = wanted("k8s.workloads") || wants_containers || wants_namespaces;

    let policies = by_namespace(objects, "NetworkPolicy");
    let workloads: Vec<workload::Workload> = if wants_workloads {
        let services = by_namespace(objects, "Service");
        let policy_index = index::index(&policies, index::policy_labels);
        let service_index = index::index(&services, index::service_labels);
        objects
            .par_iter()
            .filter(|o| workload::is_workload(&o.kind))
            .map(|o| workload::entity(o, &policy_index, &service_index))
            .collect()
    } else {
        Vec::new()
    };
    let containers: Vec<Value> = if wants_containers {
        workloads
            .par_iter()
            .flat_map_iter(container::entities)
            .collect()
    } else {
        Vec::new()
    };

    let of_kinds = |name: &str, kinds: &[&str]| -> Vec<Value> {
        if !wanted(name) {
            return Vec::new();
        }
        objects
            .iter()
            .filter(|o| kinds.contains(&&*o.kind))
            .map(|o| o.value.clone())
            .collect()
    };

    let namespaces = if wants_namespaces {
        // The workloads of each namespace: in input order, as the workload entities are.
        let mut workloads_by_ns: HashMap<&str, Vec<Value>> = HashMap::new();
        for (o, w) in objects
            .iter()
            .filter(|o| workload::is_workload(&o.kind))
            .zip(&workloads)
        {
            if let Some(ns) = o.namespace.as_deref() {
                workloads_by_ns
                    .entry(ns)
                    .or_default()
                    .push(w.entity.clone());
            }
        }
        namespace::entities(objects, &policies, &workloads_by_ns)
    } else {
        Vec::new()
    };

    K8s {
        namespaces,
        services: of_kinds("k8s.services", &["Service"]),
        ingresses: of_kinds("k8s.ingresses", &["Ingress"]),
        network_policies: of_kinds("k8s.network_policies", &["NetworkPolicy"]),
        rbac: of_kinds("k8s.rbac", RBAC_KINDS),
        service_accounts: of_kinds("k8s.service_accounts", &["ServiceAccount"]),
        secrets: of_kinds("k8s.secrets", &["Secret"]),
        config_maps: of_kinds("k8s.config_maps", &["ConfigMap"]),
        objects: if wanted("k8s.objects") {
            objects.iter().map(|o| o.value.clone()).collect()
        } else {
            Vec::new()
        },
        workloads: workloads.into_iter().map(|w| w.entity).collect(),
        containers,
    }
}

/// The objects of `kind`, grouped by namespace (cluster-scoped objects are left out).
fn by_namespace<'a>(objects: &'a [Object], kind: &str) -> ByNamespace<'a> {
    let mut index: ByNamespace<'a> = HashMap::new();
    for o in objects.iter().filter(|o| &*o.kind == kind) {
        if let Some(ns) = o.namespace.as_deref() {
            index.entry(ns).or_default().push(o);
        }
    }
    index
}
