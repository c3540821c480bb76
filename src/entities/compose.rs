//! Docker Compose entities: `compose.services`, `compose.networks` and `compose.volumes`.
//!
//! A document is a Compose file when it is a map with a `services` map whose values are all
//! maps, and no `apiVersion` or `kind` key (which would make it a Kubernetes object).

use arcstr::literal;
use std::sync::Arc;

use super::extend::{str_at, Entity};
use crate::value::{ArcStr, Kind, Map, Value};

/// The entities of one Compose file, in the order the file lists them.
pub(crate) struct Compose {
    pub(crate) services: Vec<Value>,
    pub(crate) networks: Vec<Value>,
    pub(crate) volumes: Vec<Value>,
}

/// The Compose entities of `root`, or `None` when it is not a Compose file.
pub(crate) fn derive(root: &Value, path: &ArcStr) -> Option<Compose> {
    let top = root.as_map()?;
    if top.contains_key("apiVersion") || top.contains_key("kind") {
        return None;
    }
    let services = top.get("services")?.as_map()?;
    if !services.iter().all(|(_, v)| v.as_map().is_some()) {
        return None;
    }
    let project = top.get("name").filter(|v| v.as_str().is_some()).cloned();
    let project = project.unwrap_or(Value::MISSING);
    Some(Compose {
        services: entries(services, path, &project),
        networks: top
            .get("networks")
            .and_then(Value::as_map)
            .map_or_else(Vec::new, |m| entries(m, path, &project)),
        volumes: top
            .get("volumes")
            .and_then(Value::as_map)
            .map_or_else(Vec::new, |m| entries(m, path, &project)),
    })
}

/// One entity per entry of a top-level section. An entry written without a body
/// (`volumes: {data: }`) becomes an entity with only the synthetic fields, spanning its key.
fn entries(section: &Map, path: &ArcStr, project: &Value) -> Vec<Value> {
    section
        .entries()
        .map(|(key, entry)| {
            let node = match entry.value.kind {
                Kind::Map(_) => entry.value.clone(),
                _ => Value {
                    kind: Kind::Map(Arc::new(Map::new())),
                    span: entry.value.span.or(entry.key_span()),
                },
            };
            let entity = Entity::from_node(&node);
            let span = entity.span();
            entity
                .set(literal!("name"), str_at(key.clone(), entry.key_span()))
                .set(literal!("file"), str_at(path, span))
                .set(literal!("project"), project.clone())
                .build()
        })
        .collect()
}
