//! Recognising Kubernetes objects in a document and adding their synthetic fields.
//!
//! An object is a map with a string `apiVersion` and a string `kind`. A `kind: List` (or any
//! `…List` kind with an `items` list, as `kubectl get -o yaml` writes) is not an object itself:
//! its items are.

use super::scope::is_cluster_scoped;
use crate::entities::extend::{map_or_empty, str_at, Entity};
use crate::value::ArcStr;
use crate::value::{Kind, Value};
use arcstr::literal;

/// How deep `List`s may nest inside `List`s.
const MAX_LIST_DEPTH: usize = 8;

/// One Kubernetes object with what the cross-document pass needs, already read out.
pub(crate) struct Object {
    pub(crate) kind: ArcStr,
    /// `metadata.name`, when it is a string.
    pub(crate) name: Option<ArcStr>,
    /// The effective namespace; `None` for cluster-scoped kinds.
    pub(crate) namespace: Option<ArcStr>,
    /// The synthetic `namespace` value (written, defaulted or null), with its span.
    pub(crate) namespace_value: Value,
    /// The synthetic `file` value.
    pub(crate) file: Value,
    /// The `k8s.objects` entity.
    pub(crate) value: Value,
}

/// The objects of one document, in document order.
pub(crate) fn objects(root: &Value, path: &ArcStr) -> Vec<Object> {
    let mut out = Vec::new();
    collect(root, path, 0, &mut out);
    out
}

fn collect(node: &Value, path: &ArcStr, depth: usize, out: &mut Vec<Object>) {
    let Some(kind) = object_kind(node) else {
        return;
    };
    let items = node.field("items");
    let is_list = &*kind == "List" || (kind.ends_with("List") && items.as_list().is_some());
    if !is_list {
        out.push(object(node, kind, path));
        return;
    }
    if depth >= MAX_LIST_DEPTH {
        return;
    }
    for item in items.as_list().unwrap_or_default() {
        collect(item, path, depth + 1, out);
    }
}

/// The `kind` of `node` when it is a Kubernetes object.
fn object_kind(node: &Value) -> Option<ArcStr> {
    let map = node.as_map()?;
    map.get("apiVersion")?.as_str()?;
    match &map.get("kind")?.kind {
        Kind::Str(k) => Some(k.clone()),
        _ => None,
    }
}

fn object(node: &Value, kind: ArcStr, path: &ArcStr) -> Object {
    let metadata = node.field("metadata");
    let name_value = metadata.field("name");
    let name = str_of(&name_value);

    let written = metadata.field("namespace");
    let (namespace, namespace_value) = if is_cluster_scoped(&kind) {
        (
            None,
            Value {
                kind: Kind::Null,
                span: node.span,
            },
        )
    } else {
        match str_of(&written) {
            Some(ns) if !ns.is_empty() => (Some(ns), written.clone()),
            // Unset (or not a string): the API server puts the object in `default`. A missing
            // value carries the span of `metadata` (or of the object when that is missing too).
            _ => (
                Some(literal!("default")),
                str_at(literal!("default"), written.span),
            ),
        }
    };

    let file = str_at(path, node.span);
    let value = Entity::from_node(node)
        .set(literal!("name"), name_value)
        .set(literal!("namespace"), namespace_value.clone())
        .set(literal!("file"), file.clone())
        .set(literal!("labels"), map_or_empty(metadata.field("labels")))
        .build();
    Object {
        kind,
        name,
        namespace,
        namespace_value,
        file,
        value,
    }
}

/// The string of a string value, shared rather than copied.
fn str_of(value: &Value) -> Option<ArcStr> {
    match &value.kind {
        Kind::Str(s) => Some(ArcStr::clone(s)),
        _ => None,
    }
}
