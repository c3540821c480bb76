//! The case tables, one file per native family.

mod collections;
mod core_natives;
mod k8s;
mod net;
mod ports;
mod regex_glob;
mod strings;
mod time;

use crate::Case;

/// Every case of every family.
pub(crate) fn all() -> Vec<Case> {
    [
        core_natives::cases(),
        strings::cases(),
        regex_glob::cases(),
        collections::cases(),
        k8s::cases(),
        net::cases(),
        ports::cases(),
        time::cases(),
    ]
    .into_iter()
    .flatten()
    .collect()
}
