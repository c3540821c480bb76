//! Terraform entities: `tf.resources`, `tf.data`, `tf.variables`, `tf.providers` and
//! `tf.modules`.
//!
//! A document is Terraform when it was read from a `.tf` file (HCL) or a `.tf.json` file (JSON).
//! Both have the same shape (see `input/hcl/mod.rs`): `resource.TYPE.NAME`, `data.TYPE.NAME`,
//! `variable.NAME`, `provider.NAME` and `module.NAME`. Terraform's JSON syntax may also write a
//! list of objects where a block would be, so at every level a list of maps counts as those maps.
//!
//! An entity is the block's own map (its attributes and nested blocks) plus the synthetic fields
//! `tf_type`, `tf_name`, `tf_address` and `file`. They carry a `tf_` prefix because `type` and
//! `name` are attributes of many resources (`aws_security_group_rule.type`, `aws_ebs_volume.type`,
//! and `name` almost everywhere), and a synthetic field never replaces an attribute.

use arcstr::literal;
use std::sync::Arc;

use super::extend::{str_at, Entity};
use super::InputDoc;
use crate::input::Format;
use crate::source::Span;
use crate::value::{ArcStr, Kind, Map, Value};

/// The entities of one Terraform file, in the order the file lists them.
#[derive(Default)]
pub(crate) struct Terraform {
    pub(crate) resources: Vec<Value>,
    pub(crate) data: Vec<Value>,
    pub(crate) variables: Vec<Value>,
    pub(crate) providers: Vec<Value>,
    pub(crate) modules: Vec<Value>,
}

/// Whether the document was read from a Terraform file.
fn is_terraform(d: &InputDoc<'_>) -> bool {
    match d.format {
        Format::Hcl => true,
        Format::Json => {
            let path = d.path.to_ascii_lowercase();
            path.ends_with(".tf.json")
        }
        _ => false,
    }
}

/// The Terraform entities of a document, or `None` when it is not a Terraform file.
pub(crate) fn derive(d: &InputDoc<'_>) -> Option<Terraform> {
    if !is_terraform(d) {
        return None;
    }
    let mut out = Terraform::default();
    for top in maps(&d.doc.value) {
        if let Some(section) = top.get("resource") {
            out.resources.extend(typed(section, d.path, ""));
        }
        if let Some(section) = top.get("data") {
            out.data.extend(typed(section, d.path, "data."));
        }
        if let Some(section) = top.get("variable") {
            out.variables
                .extend(named(section, d.path, |name, _| format!("var.{name}")));
        }
        if let Some(section) = top.get("provider") {
            out.providers
                .extend(named(section, d.path, provider_address));
        }
        if let Some(section) = top.get("module") {
            out.modules
                .extend(named(section, d.path, |name, _| format!("module.{name}")));
        }
    }
    Some(out)
}

/// `SECTION.TYPE.NAME` blocks (resources, data sources), addressed `{prefix}TYPE.NAME`.
fn typed(section: &Value, path: &ArcStr, prefix: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for types in maps(section) {
        for (ty, ty_entry) in types.entries() {
            for names in maps(&ty_entry.value) {
                for (name, entry) in names.entries() {
                    for body in bodies(&entry.value, entry.key_span()) {
                        let entity = Entity::from_node(&body);
                        let span = entity.span();
                        let address = format!("{prefix}{ty}.{name}");
                        out.push(
                            entity
                                .set(literal!("tf_type"), str_at(ty.clone(), ty_entry.key_span()))
                                .set(literal!("tf_name"), str_at(name.clone(), entry.key_span()))
                                .set(literal!("tf_address"), str_at(address, span))
                                .set(literal!("file"), str_at(path, span))
                                .build(),
                        );
                    }
                }
            }
        }
    }
    out
}

/// `SECTION.NAME` blocks (variables, providers, modules), with the address `address` gives
/// for a name and a body.
fn named(section: &Value, path: &ArcStr, address: fn(&str, &Value) -> String) -> Vec<Value> {
    let mut out = Vec::new();
    for names in maps(section) {
        for (name, entry) in names.entries() {
            for body in bodies(&entry.value, entry.key_span()) {
                let entity = Entity::from_node(&body);
                let span = entity.span();
                let address = address(name, &body);
                out.push(
                    entity
                        .set(literal!("tf_name"), str_at(name.clone(), entry.key_span()))
                        .set(literal!("tf_address"), str_at(address, span))
                        .set(literal!("file"), str_at(path, span))
                        .build(),
                );
            }
        }
    }
    out
}

/// How a provider configuration is referred to: `aws`, or `aws.ALIAS` for an aliased one.
fn provider_address(name: &str, body: &Value) -> String {
    match body.field("alias").as_str() {
        Some(alias) => format!("{name}.{alias}"),
        None => name.to_string(),
    }
}

/// A map, or the maps of a list (Terraform JSON may write a list where HCL has one block).
fn maps(value: &Value) -> Vec<&Map> {
    match &value.kind {
        Kind::Map(map) => vec![map],
        Kind::List(items) => items.iter().filter_map(Value::as_map).collect(),
        _ => Vec::new(),
    }
}

/// The block bodies under a name: a map, or each map of a list. A body written as something
/// else (`null`) becomes an empty map at the value's span, or the key's.
fn bodies(value: &Value, key_span: Option<Span>) -> Vec<Value> {
    match &value.kind {
        Kind::Map(_) => vec![value.clone()],
        Kind::List(items) => items
            .iter()
            .filter(|v| v.as_map().is_some())
            .cloned()
            .collect(),
        _ => vec![Value {
            kind: Kind::Map(Arc::new(Map::new())),
            span: value.span.or(key_span),
        }],
    }
}
