//! `k8s.namespaces`: every namespace declared by a Namespace object or used by an object, with
//! its objects, workloads and NetworkPolicies and whether they deny all ingress or egress by
//! default.

use arcstr::literal;
use std::collections::HashMap;

use indexmap::IndexMap;

use super::network_policy::{denies_all_egress, denies_all_ingress};
use super::{ByNamespace, Object};
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
}

/// One entity per namespace, in order of first appearance (declaration or use).
pub(crate) fn entities(
    objects: &[Object],
    policies: &ByNamespace<'_>,
    workloads: &HashMap<&str, Vec<Value>>,
) -> Vec<Value> {
    let mut seen: IndexMap<ArcStr, Seen> = IndexMap::new();
    for o in objects {
        if &*o.kind == "Namespace" {
            if let Some(name) = &o.name {
                let name_value = o.value.field("metadata").field("name");
                let entry = seen.entry(name.clone()).or_insert_with(|| Seen {
                    name: name_value.clone(),
                    object: None,
                    objects: Vec::new(),
                });
                if entry.object.is_none() {
                    entry.name = name_value;
                    entry.object = Some(o.value.clone());
                }
            }
        }
        if let Some(ns) = &o.namespace {
            seen.entry(ns.clone())
                .or_insert_with(|| Seen {
                    name: o.namespace_value.clone(),
                    object: None,
                    objects: Vec::new(),
                })
                .objects
                .push(o.value.clone());
        }
    }

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
                .set(
                    literal!("workloads"),
                    list_at(workloads.get(&*name).cloned().unwrap_or_default(), span),
                )
                .build()
        })
        .collect()
}
