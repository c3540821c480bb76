//! Kubernetes entities: objects, workloads, containers, namespaces and the per-kind lists.
//!
//! Everything but `k8s.namespaces` and workloads' `network_policies` and `services` comes
//! from one document alone ([`per_doc`]); those come from the cross-document pass ([`derive`]).

mod container;
mod index;
mod namespace;
mod network_policy;
mod object;
mod scope;
mod selector;
mod workload;

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

pub(crate) use namespace::Namespaces;
pub(crate) use object::{objects, Object};
pub(crate) use workload::Workload;

use crate::value::{ArcStr, Value};

/// Objects of one kind grouped by namespace, each group in input order.
pub(crate) type ByNamespace<'a> = HashMap<&'a str, Vec<&'a Object>>;

/// The cross-document indexes that workloads' `network_policies` and `services` read: known
/// once every document is loaded ([`derive`] sets them). A workload built before that (as each
/// file loads) holds the same `Selection` and computes those fields when first read after.
pub(crate) type Selection = OnceLock<Selectors>;

/// The NetworkPolicies and Services of each namespace, to be matched against pod labels.
pub(crate) struct Selectors {
    pub(crate) policies: index::Indexed,
    pub(crate) services: index::Indexed,
}

/// The Kubernetes entities of one document, in document order.
#[derive(Default)]
pub(crate) struct DocK8s {
    pub(crate) objects: Vec<Object>,
    /// One per object that runs pods, in object order (when workloads or what is derived from
    /// them is wanted).
    pub(crate) workloads: Vec<Workload>,
    /// The containers of those workloads, in workload order (when wanted).
    pub(crate) containers: Vec<Value>,
}

/// The RBAC kinds gathered in `k8s.rbac`.
const RBAC_KINDS: &[&str] = &["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"];

/// The object kinds of the Kubernetes lists that are objects filtered by kind.
pub(crate) fn object_kinds(list: &str) -> Option<&'static [&'static str]> {
    Some(match list {
        "k8s.services" => &["Service"],
        "k8s.ingresses" => &["Ingress"],
        "k8s.network_policies" => &["NetworkPolicy"],
        "k8s.rbac" => RBAC_KINDS,
        "k8s.service_accounts" => &["ServiceAccount"],
        "k8s.secrets" => &["Secret"],
        "k8s.config_maps" => &["ConfigMap"],
        _ => return None,
    })
}

/// The Kubernetes entities of the document `root` of the file at `path`: its objects, and
/// when `workloads` (or `containers`) its workloads (and their containers), whose
/// cross-document fields read `selection`.
pub(crate) fn per_doc(
    root: &Value,
    path: &ArcStr,
    workloads: bool,
    containers: bool,
    selection: &Arc<Selection>,
) -> DocK8s {
    let objects = objects(root, path);
    let workloads: Vec<Workload> = if workloads || containers {
        objects
            .iter()
            .filter(|o| workload::is_workload(&o.kind))
            .map(|o| workload::entity(o, selection))
            .collect()
    } else {
        Vec::new()
    };
    let containers = if containers {
        workloads.iter().flat_map(container::entities).collect()
    } else {
        Vec::new()
    };
    DocK8s {
        objects,
        workloads,
        containers,
    }
}

/// Whether objects of `kind` can select workloads (NetworkPolicies and Services): the
/// objects workloads' deferred fields read.
pub(crate) fn selects_workloads(kind: &str) -> bool {
    kind == "NetworkPolicy" || kind == "Service"
}

/// The cross-document pass over the objects (in input order, at least those that
/// [`selects_workloads`]; it reads no other): sets `selection` when
/// workloads were derived (`workloads_derived`), and gives `k8s.namespaces` from the
/// namespaces the files gathered (else an empty list).
pub(crate) fn derive(
    objects: &[Object],
    workloads_derived: bool,
    namespaces: Option<Namespaces>,
    selection: &Selection,
) -> Vec<Value> {
    let policies = by_namespace(objects, "NetworkPolicy");
    if workloads_derived {
        let services = by_namespace(objects, "Service");
        let _ = selection.set(Selectors {
            policies: index::index(&policies, index::policy_labels),
            services: index::index(&services, index::service_labels),
        });
    }
    namespaces.map_or_else(Vec::new, |n| n.entities(&policies))
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
