//! Firewall entities: `fw.configs`, `fw.rulesets`, `fw.rules`, from the model documents the
//! firewall adapters produce (see `src/firewall/value.rs` for the fields).

use crate::value::Value;
use arcstr::literal;

use super::extend::{str_at, Entity};
use super::InputDoc;

/// The firewall entities of one document (empty unless it is a firewall configuration).
#[derive(Default)]
pub(crate) struct Firewall {
    pub(crate) configs: Vec<Value>,
    pub(crate) rulesets: Vec<Value>,
    pub(crate) rules: Vec<Value>,
}

/// A short name for the firewall: its host name, else the file.
pub(crate) fn firewall_name(doc: &Value, path: &str) -> String {
    doc.field("hostname")
        .as_str()
        .map_or_else(|| path.to_string(), str::to_string)
}

pub(crate) fn derive(d: &InputDoc<'_>) -> Firewall {
    let mut out = Firewall::default();
    if d.firewall.is_none() {
        return out;
    }
    let root = &d.doc.value;
    let name = firewall_name(root, d.path);
    let vendor = root.field("vendor");
    out.configs.push(
        Entity::from_node(root)
            .set(literal!("file"), str_at(d.path, root.span))
            .set(literal!("name"), str_at(name.as_str(), root.span))
            .build(),
    );
    for rs in root.field("rulesets").as_list().unwrap_or(&[]) {
        let rs_entity = Entity::from_node(rs)
            .set(literal!("firewall"), str_at(name.as_str(), rs.span))
            .set(literal!("vendor"), vendor.clone())
            .set(literal!("file"), str_at(d.path, rs.span))
            .build();
        for rule in rs.field("rules").as_list().unwrap_or(&[]) {
            out.rules.push(
                Entity::from_node(rule)
                    .set(literal!("ruleset"), rs_entity.clone())
                    .set(literal!("firewall"), str_at(name.as_str(), rule.span))
                    .set(literal!("vendor"), vendor.clone())
                    .set(literal!("file"), str_at(d.path, rule.span))
                    .build(),
            );
        }
        out.rulesets.push(rs_entity);
    }
    out
}
