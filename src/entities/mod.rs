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

/// The kinds of the zones model, derived together.
pub(crate) const ZONE_KINDS: &[&str] = &[
    "zones",
    "conduits",
    "assets",
    "zone_flows",
    "zone_firewalls",
];

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
    /// What building them read out of the documents, held until the entities are freed:
    /// freeing it is work no rule waits for, and the driver frees the entities on a thread of
    /// their own, or leaves them to the operating system when the process ends.
    _held: Arc<Held>,
}

/// The Kubernetes objects read out of the documents (see [`Entities`]).
struct Held(Vec<k8s::Object>);

impl std::fmt::Debug for Held {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} objects", self.0.len())
    }
}

/// What one document contributes before the cross-document pass.
struct PerDoc {
    /// Whether the document is a zones model.
    model: bool,
    doc: Option<Value>,
    firewall: firewall::Firewall,
    objects: Vec<k8s::Object>,
    compose: Option<compose::Compose>,
    terraform: Option<terraform::Terraform>,
}

impl Entities {
    /// Derives every entity kind from `docs`, which arrive sorted by (file, index). The order of
    /// each list follows the order of `docs`.
    pub fn build(docs: &[InputDoc<'_>]) -> Entities {
        Entities::build_only(docs, &|_| true)
    }

    /// Like [`build`](Entities::build), deriving only the kinds for which `wanted` is true
    /// (a check asks for those its rules read, [`Program::entity_kinds`]); the others are
    /// absent, and [`get`](Entities::get) gives `None` for them. A kind's list is the same
    /// whatever else is wanted.
    ///
    /// [`Program::entity_kinds`]: crate::eval::Program::entity_kinds
    pub fn build_only(docs: &[InputDoc<'_>], wanted: &(dyn Fn(&str) -> bool + Sync)) -> Entities {
        let any = |prefix: &str| {
            kinds()
                .iter()
                .any(|k| k.name.starts_with(prefix) && wanted(k.name))
        };
        let (want_docs, want_k8s, want_compose) = (wanted("docs"), any("k8s."), any("compose."));
        let (want_tf, want_fw) = (any("tf."), any("fw."));
        let want_zones = ZONE_KINDS.iter().any(|k| wanted(k));
        let per_doc: Vec<PerDoc> = docs
            .par_iter()
            .map(|d| {
                let root = &d.doc.value;
                PerDoc {
                    model: want_zones && zones::is_model(root),
                    doc: want_docs.then(|| docs::entity(d)),
                    firewall: if want_fw {
                        firewall::derive(d)
                    } else {
                        firewall::Firewall::default()
                    },
                    objects: if want_k8s {
                        k8s::objects(root, d.path)
                    } else {
                        Vec::new()
                    },
                    compose: want_compose
                        .then(|| compose::derive(root, d.path))
                        .flatten(),
                    terraform: want_tf.then(|| terraform::derive(d)).flatten(),
                }
            })
            .collect();

        let mut doc_list = Vec::with_capacity(per_doc.len());
        let mut objects = Vec::with_capacity(per_doc.iter().map(|p| p.objects.len()).sum());
        let models: Vec<usize> = (per_doc.iter().enumerate())
            .filter_map(|(i, p)| p.model.then_some(i))
            .collect();
        let mut compose_services = Vec::new();
        let mut compose_networks = Vec::new();
        let mut compose_volumes = Vec::new();
        let (mut fw_configs, mut fw_rulesets, mut fw_rules) = (Vec::new(), Vec::new(), Vec::new());
        let mut tf = terraform::Terraform::default();
        for p in per_doc {
            fw_configs.extend(p.firewall.configs);
            fw_rulesets.extend(p.firewall.rulesets);
            fw_rules.extend(p.firewall.rules);
            doc_list.extend(p.doc);
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

        let k8s = k8s::derive(&objects, wanted);
        let zones = if want_zones {
            zones::derive(docs, &models)
        } else {
            zones::Zones::default()
        };

        let mut by_kind = HashMap::with_capacity(kinds().len());
        let mut put = |name: &'static str, list: Vec<Value>| {
            if wanted(name) {
                by_kind.insert(name, Arc::new(list));
            }
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
        Entities {
            by_kind,
            _held: Arc::new(Held(objects)),
        }
    }

    /// The entities of `kind` (e.g. `"k8s.containers"`): `None` for a kind that is not in the
    /// catalogue or was not wanted ([`build_only`](Entities::build_only)); a derived kind with
    /// no entities gives an empty list.
    pub fn get(&self, kind: &str) -> Option<&Arc<Vec<Value>>> {
        self.by_kind.get(kind)
    }

    /// How many entities there are, over all kinds (an entity of several kinds counts once
    /// per kind).
    pub fn count(&self) -> usize {
        self.by_kind.values().map(|list| list.len()).sum()
    }
}
