//! `k8s.containers`: every container, init container and ephemeral container of a workload.

use super::workload::Workload;
use crate::entities::extend::{str_at, Entity};
use crate::value::{ArcStr, Value};
use arcstr::literal;

/// The pod spec lists that hold containers, with the `container_type` each gives.
const LISTS: &[(&str, ArcStr)] = &[
    ("containers", literal!("container")),
    ("initContainers", literal!("init")),
    ("ephemeralContainers", literal!("ephemeral")),
];

/// The container entities of one workload: `containers`, then `initContainers`, then
/// `ephemeralContainers`, each in pod spec order. Entries that are not maps are skipped.
pub(crate) fn entities(w: &Workload) -> impl Iterator<Item = Value> + '_ {
    LISTS.iter().flat_map(move |(list, container_type)| {
        let items = w.pod_spec.field(list);
        let items: Vec<Value> = items.as_list().unwrap_or_default().to_vec();
        items
            .into_iter()
            .filter(|c| c.as_map().is_some())
            .map(move |c| {
                let span = c.span;
                Entity::from_node(&c)
                    .set(literal!("workload"), w.entity.clone())
                    .set(literal!("pod_spec"), w.pod_spec.clone())
                    .set(
                        literal!("container_type"),
                        str_at(container_type.clone(), span),
                    )
                    .set(literal!("file"), w.file.clone())
                    .build()
            })
    })
}
