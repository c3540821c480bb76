//! Entities: the collections rules iterate over (`k8s.containers`, `compose.services`, `docs`…),
//! derived from the loaded documents, with the cross-document indexes built once.
//!
//! An entity is a map [`Value`]. Entities derived from a node of a document (a Kubernetes
//! object, a container, a Compose service) are that node's map, with its entries and their spans
//! untouched, plus a few *synthetic* fields (`name`, `namespace`, `file`, `workload`…). A
//! synthetic field is only added when the node has no key of that name. The entity's own span is
//! the span of the node it was derived from, so `deny at c` points at the container.
//!
//! Building happens in two passes:
//! 1. per document, in parallel: the `docs` entity, the Kubernetes objects it holds (with `List`
//!    expansion), for Compose files its services, networks and volumes, and for Terraform files
//!    its resources, data sources, variables, providers and modules;
//! 2. across documents: indexes by namespace (network policies, services), then workloads,
//!    containers and namespaces.
//!
//! **Invariant:** the output depends only on the input documents and their order, never on
//! thread scheduling: parallel stages collect in input order.
//!
//! The catalogue of kinds and fields, shown by the checker and the editor, is in [`kinds()`].

mod compose;
mod docs;
mod extend;
mod firewall;
mod k8s;
mod kinds;
mod terraform;
mod zones;

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

pub use kinds::{kind, kinds, EntityKind, Field};

use crate::input::{Document, Format};
use crate::source::FileId;
use crate::value::Value;

/// One loaded document, with the file it came from.
#[derive(Copy, Clone, Debug)]
pub struct InputDoc<'a> {
    pub file: FileId,
    /// The file's path as shown to users; becomes the `file` field of entities.
    pub path: &'a str,
    pub format: Format,
    pub doc: &'a Document,
    /// The normalized model, when the document is a firewall configuration.
    pub firewall: Option<&'a crate::firewall::Config>,
}

/// Every entity kind of a run, each a list in input order.
#[derive(Clone, Debug)]
pub struct Entities {
    by_kind: HashMap<&'static str, Arc<Vec<Value>>>,
}

/// What one document contributes before the cross-document pass.
struct PerDoc {
    doc: Value,
    firewall: firewall::Firewall,
    objects: Vec<k8s::Object>,
    compose: Option<compose::Compose>,
    terraform: Option<terraform::Terraform>,
}

impl Entities {
    /// Derives every entity kind from `docs`, which arrive sorted by (file, index). The order of
    /// each list follows the order of `docs`.
    pub fn build(docs: &[InputDoc<'_>]) -> Entities {
        let per_doc: Vec<PerDoc> = docs
            .par_iter()
            .map(|d| {
                let root = &d.doc.value;
                PerDoc {
                    doc: docs::entity(d),
                    firewall: firewall::derive(d),
                    objects: k8s::objects(root, d.path),
                    compose: compose::derive(root, d.path),
                    terraform: terraform::derive(d),
                }
            })
            .collect();

        let mut doc_list = Vec::with_capacity(per_doc.len());
        let mut objects = Vec::new();
        let mut compose_services = Vec::new();
        let mut compose_networks = Vec::new();
        let mut compose_volumes = Vec::new();
        let (mut fw_configs, mut fw_rulesets, mut fw_rules) = (Vec::new(), Vec::new(), Vec::new());
        let mut tf = terraform::Terraform::default();
        for p in per_doc {
            fw_configs.extend(p.firewall.configs);
            fw_rulesets.extend(p.firewall.rulesets);
            fw_rules.extend(p.firewall.rules);
            doc_list.push(p.doc);
            objects.extend(p.objects);
            if let Some(c) = p.compose {
                compose_services.extend(c.services);
                compose_networks.extend(c.networks);
                compose_volumes.extend(c.volumes);
            }
            if let Some(t) = p.terraform {
                tf.resources.extend(t.resources);
                tf.data.extend(t.data);
                tf.variables.extend(t.variables);
                tf.providers.extend(t.providers);
                tf.modules.extend(t.modules);
            }
        }

        let k8s = k8s::derive(&objects);
        let zones = zones::derive(docs);

        let mut by_kind = HashMap::with_capacity(kinds().len());
        let mut put = |name: &'static str, list: Vec<Value>| {
            by_kind.insert(name, Arc::new(list));
        };
        put("docs", doc_list);
        put("k8s.objects", k8s.objects);
        put("k8s.workloads", k8s.workloads);
        put("k8s.containers", k8s.containers);
        put("k8s.services", k8s.services);
        put("k8s.ingresses", k8s.ingresses);
        put("k8s.network_policies", k8s.network_policies);
        put("k8s.namespaces", k8s.namespaces);
        put("k8s.rbac", k8s.rbac);
        put("k8s.service_accounts", k8s.service_accounts);
        put("k8s.secrets", k8s.secrets);
        put("k8s.config_maps", k8s.config_maps);
        put("compose.services", compose_services);
        put("compose.networks", compose_networks);
        put("compose.volumes", compose_volumes);
        put("tf.resources", tf.resources);
        put("tf.data", tf.data);
        put("tf.variables", tf.variables);
        put("tf.providers", tf.providers);
        put("tf.modules", tf.modules);
        put("fw.configs", fw_configs);
        put("fw.rulesets", fw_rulesets);
        put("fw.rules", fw_rules);
        put("zones", zones.zones);
        put("conduits", zones.conduits);
        put("assets", zones.assets);
        put("zone_flows", zones.flows);
        put("zone_firewalls", zones.boundaries);
        Entities { by_kind }
    }

    /// The entities of `kind` (e.g. `"k8s.containers"`): `None` only for a kind that is not in
    /// the catalogue; a known kind with no entities gives an empty list.
    pub fn get(&self, kind: &str) -> Option<&Arc<Vec<Value>>> {
        self.by_kind.get(kind)
    }

    /// How many entities there are, over all kinds (an entity of several kinds counts once
    /// per kind).
    pub fn count(&self) -> usize {
        self.by_kind.values().map(|list| list.len()).sum()
    }
}
