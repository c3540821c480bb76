//! `k8s.namespaces`: every namespace declared by a Namespace object or used by an object, with
//! its objects, workloads and NetworkPolicies and whether they deny all ingress or egress by
//! default.

use arcstr::literal;
use indexmap::IndexMap;

use super::network_policy::{denies_all_egress, denies_all_ingress};
use super::{workload, ByNamespace, Object, Workload};
use crate::entities::extend::{bool_at, list_at, Entity};
use crate::value::ArcStr;
use crate::value::Value;

/// What is known about one namespace while scanning the objects.
struct Seen {
    /// The name, spanning where it was first written (the Namespace's `metadata.name` wins).
    name: Value,
    /// The Namespace object, when one is declared.
    object: Option<Value>,
    /// The namespaced objects in it, in input order.
    objects: Vec<Value>,
    /// The workload entities in it, in input order.
    workloads: Vec<Value>,
}

impl Seen {
    fn new(name: Value) -> Seen {
        Seen {
            name,
            object: None,
            objects: Vec::new(),
            workloads: Vec::new(),
        }
    }
}

/// The namespaces of a run of objects, in order of first appearance (declaration or use),
/// each with its objects and workloads. Each file's are gathered as it loads, while its
/// objects are in the processor's cache ([`Namespaces::add`]), and the files' put together in
/// input order ([`Namespaces::merge`]): the same as one pass over every object.
#[derive(Default)]
pub(crate) struct Namespaces {
    seen: IndexMap<ArcStr, Seen>,
}

impl Namespaces {
    /// Adds `objects` (which follow those added before) and their `workloads` (one per object
    /// that runs pods, in object order).
    pub(crate) fn add(&mut self, objects: &[Object], workloads: &[Workload]) {
        let mut workloads = workloads.iter();
        for o in objects {
            if &*o.kind == "Namespace" {
                if let Some(name) = &o.name {
                    let name_value = o.value.field("metadata").field("name");
                    let entry = (self.seen.entry(name.clone()))
                        .or_insert_with(|| Seen::new(name_value.clone()));
                    if entry.object.is_none() {
                        entry.name = name_value;
                        entry.object = Some(o.value.clone());
                    }
                }
            }
            let workload = if workload::is_workload(&o.kind) {
                workloads.next()
            } else {
                None
            };
            if let Some(ns) = &o.namespace {
                let entry = (self.seen.entry(ns.clone()))
                    .or_insert_with(|| Seen::new(o.namespace_value.clone()));
                entry.objects.push(o.value.clone());
                if let Some(w) = workload {
                    entry.workloads.push(w.entity.clone());
                }
            }
        }
    }

    /// Gives back the room made for more namespaces, objects and workloads than were added:
    /// called once a file's objects are all added, whose namespaces are kept until every
    /// file's are merged (growing made room for four of each, a file has one or two).
    pub(crate) fn compact(&mut self) {
        self.seen.shrink_to_fit();
        for s in self.seen.values_mut() {
            s.objects.shrink_to_fit();
            s.workloads.shrink_to_fit();
        }
    }

    /// Appends the namespaces of the objects that follow these: a namespace first seen here
    /// keeps its place, takes the first declaration, and its objects and workloads go on.
    pub(crate) fn merge(&mut self, next: Namespaces) {
        for (name, s) in next.seen {
            match self.seen.entry(name) {
                indexmap::map::Entry::Vacant(v) => {
                    v.insert(s);
                }
                indexmap::map::Entry::Occupied(mut o) => {
                    let entry = o.get_mut();
                    if entry.object.is_none() && s.object.is_some() {
                        // Within `next`, the name is the declaration's once there is one.
                        entry.name = s.name;
                        entry.object = s.object;
                    }
                    entry.objects.extend(s.objects);
                    entry.workloads.extend(s.workloads);
                }
            }
        }
    }

    /// One entity per namespace, in order of first appearance; `policies` are the run's
    /// NetworkPolicies by namespace.
    pub(crate) fn entities(self, policies: &ByNamespace<'_>) -> Vec<Value> {
        entities(self.seen, policies)
    }
}

/// The entities of the namespaces `seen`.
fn entities(seen: IndexMap<ArcStr, Seen>, policies: &ByNamespace<'_>) -> Vec<Value> {
    seen.into_iter()
        .map(|(name, s)| {
            let span = s.object.as_ref().map_or(s.name.span, |o| o.span);
            let in_ns: Vec<Value> = policies
                .get(&*name)
                .into_iter()
                .flatten()
                .map(|p| p.value.clone())
                .collect();
            let ingress = in_ns.iter().find(|p| denies_all_ingress(p));
            let egress = in_ns.iter().find(|p| denies_all_egress(p));
            Entity::synthetic(span)
                .set(literal!("name"), s.name)
                .set(literal!("object"), s.object.unwrap_or(Value::MISSING))
                .set(
                    literal!("default_deny_ingress"),
                    bool_at(ingress.is_some(), ingress.map_or(span, |p| p.span)),
                )
                .set(
                    literal!("default_deny_egress"),
                    bool_at(egress.is_some(), egress.map_or(span, |p| p.span)),
                )
                .set(literal!("network_policies"), list_at(in_ns, span))
                .set(literal!("objects"), list_at(s.objects, span))
                .set(literal!("workloads"), list_at(s.workloads, span))
                .build()
        })
        .collect()
}
