//! Entities: the collections rules iterate over (`k8s.containers`, `compose.services`, `docs`…),
//! derived from the loaded documents, with the cross-document indexes built once.
//!
//! An entity is a map [`Value`]. Entities derived from a node of a document (a Kubernetes
//! object, a container, a Compose service) are that node's map, with its entries and their spans
//! untouched, plus a few *synthetic* fields (`name`, `namespace`, `file`, `workload`…). A
//! synthetic field is only added when the node has no key of that name. The entity's own span is
//! the span of the node it was derived from, so `deny at c` points at the container.
//!
//! Building happens in two passes ([`Deriver`]):
//! 1. per document, in parallel (as each file loads, when a check runs rules early): the
//!    `docs` entity, the Kubernetes objects it holds (with `List` expansion), their workloads
//!    and containers, for Compose files its services, networks and volumes, for Terraform
//!    files its resources, data sources, variables, providers and modules, and for firewall
//!    configurations their rulesets and rules;
//! 2. across documents: each kind's list (the documents' lists end to end), indexes by
//!    namespace (network policies, services) for workloads' deferred fields, namespaces, and
//!    the zones model.
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
use crate::value::{ArcStr, Value};

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
    /// The file's path as shown to users; becomes the `file` field of entities (shared, not
    /// copied into each).
    pub path: &'a ArcStr,
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

/// What a run of consecutive documents (one file's, as it loads) contributes before the
/// cross-document pass ([`Deriver::documents`]): their entities of each wanted kind derived
/// per document ([`list`](Parts::list)), and what the cross-document pass needs of them.
pub struct Parts {
    /// The entities of every kind of [`Deriver::per_document`], kind after kind, each kind's
    /// in input order (one allocation for all: a run has tens of thousands of parts).
    items: Vec<Value>,
    /// Per kind of [`Deriver::per_document`]: where its entities end in `items`.
    ends: Vec<u32>,
    /// How many documents these are.
    docs: usize,
    /// The zones models among them, by position.
    models: Vec<usize>,
    /// Whether one of them is a firewall configuration whose zone flows the cross-document
    /// pass derives (when the zones model's kinds are wanted).
    firewalls: bool,
    /// The NetworkPolicies and Services (which workloads' deferred fields and the namespaces'
    /// default-deny fields read), when workloads or namespaces are wanted.
    objects: Vec<k8s::Object>,
    /// The namespaces of these documents' objects, when `k8s.namespaces` is wanted.
    namespaces: Option<k8s::Namespaces>,
}

impl Parts {
    /// Whether the cross-document pass reads these documents themselves: a zones model (the
    /// zones, conduits and assets) or a firewall configuration (the zone flows). Their values
    /// must then be kept.
    pub fn read_across(&self) -> bool {
        !self.models.is_empty() || self.firewalls
    }

    /// Lets go of these documents' entities of every kind but those in `keep`, once nothing
    /// will read them again (the rules over them all ran as the file loaded, and no rule or
    /// constant evaluated after loading reads their kinds: `eval::Early::release`). Each
    /// becomes a placeholder, so the finished lists keep their lengths and every other entity
    /// its place. The documents themselves are then no longer counted: the caller frees them
    /// (what the kept entities hold of them stays), and [`Deriver::finish`] gets the other
    /// files' documents only. The objects the cross-document pass reads (a workload's network
    /// policies, read by units run after loading) are kept, as are the namespaces' records.
    /// Not for documents that the cross-document pass reads ([`read_across`]).
    ///
    /// [`read_across`]: Parts::read_across
    pub fn release(&mut self, keep: &[&str], deriver: &Deriver) {
        debug_assert!(!self.read_across(), "the documents are read after loading");
        for (i, kind) in deriver.per_document.iter().enumerate() {
            if !keep.contains(kind) {
                let range = self.range(i);
                if let Some(items) = self.items.get_mut(range) {
                    items.fill(Value::MISSING);
                }
            }
        }
        self.docs = 0;
    }

    /// The entities of `kind` in these documents, in input order: empty for a kind that is
    /// not wanted or not derived per document ([`is_per_document`]).
    pub fn list(&self, kind: &str, deriver: &Deriver) -> &[Value] {
        let Some(i) = deriver.per_document.iter().position(|k| *k == kind) else {
            return &[];
        };
        self.items.get(self.range(i)).unwrap_or_default()
    }

    /// Where the entities of the `i`th kind of [`Deriver::per_document`] lie in `items`.
    fn range(&self, i: usize) -> std::ops::Range<usize> {
        let start = i
            .checked_sub(1)
            .and_then(|j| self.ends.get(j))
            .copied()
            .unwrap_or(0);
        let end = self.ends.get(i).copied().unwrap_or(start);
        start as usize..end as usize
    }
}

/// What one document gives before its entities are gathered kind by kind.
struct Derived {
    model: bool,
    doc: Option<Value>,
    fw: firewall::Firewall,
    k8s: k8s::DocK8s,
    compose: Option<compose::Compose>,
    tf: Option<terraform::Terraform>,
}

impl Derived {
    /// Appends the document's entities of `kind` (derived per document) to `out`, in order;
    /// false for a kind that is not derived per document.
    fn items(&self, kind: &str, out: &mut Vec<Value>) -> bool {
        let (k8s, compose, tf, fw) = (&self.k8s, self.compose.as_ref(), self.tf.as_ref(), &self.fw);
        match kind {
            "docs" => out.extend(self.doc.iter().cloned()),
            "k8s.objects" => out.extend(k8s.objects.iter().map(|o| o.value.clone())),
            "k8s.workloads" => out.extend(k8s.workloads.iter().map(|w| w.entity.clone())),
            "k8s.containers" => out.extend(k8s.containers.iter().cloned()),
            "compose.services" => {
                out.extend(compose.into_iter().flat_map(|c| c.services.iter().cloned()))
            }
            "compose.networks" => {
                out.extend(compose.into_iter().flat_map(|c| c.networks.iter().cloned()))
            }
            "compose.volumes" => {
                out.extend(compose.into_iter().flat_map(|c| c.volumes.iter().cloned()))
            }
            "tf.resources" => out.extend(tf.into_iter().flat_map(|t| t.resources.iter().cloned())),
            "tf.data" => out.extend(tf.into_iter().flat_map(|t| t.data.iter().cloned())),
            "tf.variables" => out.extend(tf.into_iter().flat_map(|t| t.variables.iter().cloned())),
            "tf.providers" => out.extend(tf.into_iter().flat_map(|t| t.providers.iter().cloned())),
            "tf.modules" => out.extend(tf.into_iter().flat_map(|t| t.modules.iter().cloned())),
            "fw.configs" => out.extend(fw.configs.iter().cloned()),
            "fw.rulesets" => out.extend(fw.rulesets.iter().cloned()),
            "fw.rules" => out.extend(fw.rules.iter().cloned()),
            other => {
                let Some(kinds) = k8s::object_kinds(other) else {
                    return false;
                };
                out.extend(
                    (k8s.objects.iter())
                        .filter(|o| kinds.contains(&&*o.kind))
                        .map(|o| o.value.clone()),
                );
            }
        }
        true
    }
}

/// The kinds whose entities are derived from the cross-document pass, not from one document:
/// the zones model's and `k8s.namespaces`. Every other kind's list is its documents' lists
/// end to end, in input order.
fn is_cross_document(kind: &str) -> bool {
    kind == "k8s.namespaces" || ZONE_KINDS.contains(&kind)
}

/// Whether the entities of `kind` are each derived from one document alone, so that rules
/// over them can run on a file's entities as soon as it is loaded (`eval::Early`). A field
/// of such an entity may still need every document (a workload's `network_policies`): it is
/// a deferred entry that cannot be read until [`Deriver::finish`].
pub fn is_per_document(name: &str) -> bool {
    kind(name).is_some() && !is_cross_document(name)
}

/// Derives the entities of a run in two steps: [`documents`](Deriver::documents) for each
/// run of consecutive documents (in parallel, in any order: as each file loads), then
/// [`finish`](Deriver::finish) with all the parts in input order, for the cross-document
/// pass. The entities of the parts are the values the finished lists hold.
pub struct Deriver {
    wanted: Vec<&'static str>,
    /// The wanted kinds derived per document, in catalogue order.
    per_document: Vec<&'static str>,
    docs: bool,
    k8s: bool,
    workloads: bool,
    containers: bool,
    namespaces: bool,
    compose: bool,
    tf: bool,
    fw: bool,
    zones: bool,
    selection: Arc<k8s::Selection>,
}

impl Deriver {
    /// A deriver of the kinds for which `wanted` is true (a check asks for those its rules
    /// read, [`Program::entity_kinds`]); the others are absent from the finished entities.
    ///
    /// [`Program::entity_kinds`]: crate::eval::Program::entity_kinds
    pub fn new(wanted: &dyn Fn(&str) -> bool) -> Deriver {
        let wanted: Vec<&'static str> = kinds()
            .iter()
            .map(|k| k.name)
            .filter(|k| wanted(k))
            .collect();
        let any = |prefix: &str| wanted.iter().any(|k| k.starts_with(prefix));
        let has = |kind: &str| wanted.contains(&kind);
        let containers = has("k8s.containers");
        let namespaces = has("k8s.namespaces");
        Deriver {
            per_document: (wanted.iter().copied())
                .filter(|k| !is_cross_document(k))
                .collect(),
            docs: has("docs"),
            k8s: any("k8s."),
            workloads: has("k8s.workloads") || containers || namespaces,
            containers,
            namespaces,
            compose: any("compose."),
            tf: any("tf."),
            fw: any("fw."),
            zones: ZONE_KINDS.iter().any(|k| has(k)),
            selection: Arc::default(),
            wanted,
        }
    }

    /// The entities derived from each of `docs` alone (consecutive documents, in input order).
    pub fn documents<'a>(&self, docs: impl IntoIterator<Item = InputDoc<'a>>) -> Parts {
        let mut firewalls = false;
        let derived: Vec<Derived> = (docs.into_iter())
            .map(|d| {
                firewalls |= self.zones && d.firewall.is_some();
                self.document(&d)
            })
            .collect();
        let mut parts = Parts {
            items: Vec::new(),
            ends: Vec::with_capacity(self.per_document.len()),
            docs: derived.len(),
            models: (derived.iter().enumerate())
                .filter_map(|(i, d)| d.model.then_some(i))
                .collect(),
            firewalls,
            objects: Vec::new(),
            namespaces: None,
        };
        for kind in &self.per_document {
            for d in &derived {
                // Every kind of `per_document` is one (tested below).
                let _ = d.items(kind, &mut parts.items);
            }
            parts
                .ends
                .push(u32::try_from(parts.items.len()).unwrap_or(u32::MAX));
        }
        parts.items.shrink_to_fit();
        // What the cross-document pass reads: the objects that can select workloads (the
        // NetworkPolicies and Services), when workloads or namespaces are wanted, and the
        // file's namespaces (gathered now, while its objects are in the processor's cache)
        // when namespaces are. The records of the other objects are not kept: their values
        // are in the namespaces' lists already.
        let mut namespaces = self.namespaces.then(k8s::Namespaces::default);
        for d in derived {
            if let Some(n) = &mut namespaces {
                n.add(&d.k8s.objects, &d.k8s.workloads);
            }
            if self.workloads || self.namespaces {
                let selecting =
                    (d.k8s.objects.into_iter()).filter(|o| k8s::selects_workloads(&o.kind));
                parts.objects.extend(selecting);
            }
        }
        if let Some(n) = &mut namespaces {
            n.compact();
        }
        parts.namespaces = namespaces;
        parts
    }

    fn document(&self, d: &InputDoc<'_>) -> Derived {
        let root = &d.doc.value;
        Derived {
            model: self.zones && zones::is_model(root),
            doc: self.docs.then(|| docs::entity(d)),
            fw: if self.fw {
                firewall::derive(d)
            } else {
                firewall::Firewall::default()
            },
            k8s: if self.k8s {
                k8s::per_doc(
                    root,
                    d.path,
                    self.workloads,
                    self.containers,
                    &self.selection,
                )
            } else {
                k8s::DocK8s::default()
            },
            compose: self
                .compose
                .then(|| compose::derive(root, d.path))
                .flatten(),
            tf: self.tf.then(|| terraform::derive(d)).flatten(),
        }
    }

    /// The entities of the run: those of `parts` (which cover `docs`, in the same order) and
    /// those of the cross-document pass.
    pub fn finish(self, docs: &[InputDoc<'_>], mut parts: Vec<Parts>) -> Entities {
        let mut by_kind = HashMap::with_capacity(self.wanted.len());
        let count = |i: usize| {
            let end = |p: &Parts, i: usize| p.ends.get(i).copied().unwrap_or(0) as usize;
            let len = |p: &Parts| end(p, i) - i.checked_sub(1).map_or(0, |j| end(p, j));
            parts.iter().map(len).sum()
        };
        let mut lists: Vec<Vec<Value>> = (0..self.per_document.len())
            .map(|i| Vec::with_capacity(count(i)))
            .collect();
        let mut objects = Vec::with_capacity(parts.iter().map(|p| p.objects.len()).sum());
        // The files' namespaces, put together in order on one core while the lists are put end
        // to end on the other (merging them is associative: the halves are merged in order).
        let files_namespaces: Vec<k8s::Namespaces> = (parts.iter_mut())
            .filter_map(|p| p.namespaces.take())
            .collect();
        let gather_namespaces = || {
            self.namespaces.then(|| {
                files_namespaces
                    .into_par_iter()
                    .with_min_len(NAMESPACE_FILES)
                    .reduce(k8s::Namespaces::default, |mut a, b| {
                        a.merge(b);
                        a
                    })
            })
        };
        let mut models = Vec::new();
        let mut first = 0;
        let join_lists = || {
            for p in parts {
                // Moved, kind after kind: the entities are not touched.
                let mut items = p.items.into_iter();
                let mut start = 0;
                for (all, end) in lists.iter_mut().zip(&p.ends) {
                    let end = *end as usize;
                    all.extend(items.by_ref().take(end.saturating_sub(start)));
                    start = end;
                }
                objects.extend(p.objects);
                models.extend(p.models.iter().map(|m| first + m));
                first += p.docs;
            }
        };
        let ((), namespaces) = rayon::join(join_lists, gather_namespaces);
        for (kind, list) in self.per_document.iter().zip(lists) {
            by_kind.insert(*kind, Arc::new(list));
        }
        let namespaces = k8s::derive(&objects, self.workloads, namespaces, &self.selection);
        if self.namespaces {
            by_kind.insert("k8s.namespaces", Arc::new(namespaces));
        }
        if self.zones {
            let zones = zones::derive(docs, &models);
            let mut put = |name: &'static str, list: Vec<Value>| {
                if self.wanted.contains(&name) {
                    by_kind.insert(name, Arc::new(list));
                }
            };
            put("zones", zones.zones);
            put("conduits", zones.conduits);
            put("assets", zones.assets);
            put("zone_flows", zones.flows);
            put("zone_firewalls", zones.boundaries);
        }
        Entities {
            by_kind,
            _held: Arc::new(Held(objects)),
        }
    }
}

/// Files whose namespaces one task merges, at least, when they are put together.
const NAMESPACE_FILES: usize = 256;

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
        let deriver = Deriver::new(wanted);
        // A part per file: the documents of a file are consecutive.
        let files: Vec<&[InputDoc<'_>]> = docs.chunk_by(|a, b| a.file == b.file).collect();
        let parts: Vec<Parts> = files
            .par_iter()
            .map(|f| deriver.documents(f.iter().copied()))
            .collect();
        deriver.finish(docs, parts)
    }

    /// No entities: what evaluating reads when it reads no entity list.
    pub fn none() -> Entities {
        Entities {
            by_kind: HashMap::new(),
            _held: Arc::new(Held(Vec::new())),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_derived_per_document_is_gathered_from_each_document() {
        let none = Derived {
            model: false,
            doc: None,
            fw: firewall::Firewall::default(),
            k8s: k8s::DocK8s::default(),
            compose: None,
            tf: None,
        };
        let per_document: Vec<&str> = (kinds().iter().map(|k| k.name))
            .filter(|k| is_per_document(k))
            .collect();
        assert!(per_document.contains(&"k8s.workloads") && per_document.contains(&"docs"));
        assert!(!per_document.contains(&"k8s.namespaces") && !per_document.contains(&"zones"));
        for kind in per_document {
            assert!(
                none.items(kind, &mut Vec::new()),
                "`{kind}` is not gathered"
            );
        }
        assert!(!none.items("k8s.namespaces", &mut Vec::new()));
    }
}
