//! Native builtins: functions written in Rust, one file per family.
//!
//! Each native declares its module, name, signature and documentation in one place; the
//! registry feeds the checker (arity, types), the evaluator, `palisade explain`, hover and
//! completion. Natives see only their arguments: no IO, no clock, no environment.
//!
//! Conventions every native follows:
//! - a `missing` argument makes the result `missing` (so safe navigation carries through calls),
//!   unless the native exists to inspect missing values (`present`, `is_null`, `default`,
//!   `type_of`, `len`, and `get`'s container, which falls back like `default`);
//! - an argument of the wrong type is a [`NativeError`] naming the argument; the evaluator adds
//!   the call's span;
//! - malformed *data* of the right type (an address that does not parse, a date that does not
//!   exist) is not an error: predicates answer `false` and other functions give missing, as each
//!   family's module doc spells out;
//! - results carry no span, except a sub-value of an argument returned unchanged (`get`, `sort`,
//!   `min`, `values`, `pick`…), which keeps its own so findings point into the input.
//!
//! Families, one file each: `core.rs` (`std.core`, the prelude), `strings.rs`, `regex.rs`,
//! `glob.rs`, `collections.rs`, `net.rs`, `ports.rs`, `time.rs`, `k8s.rs` (`std.<file>`; `std.k8s`
//! has functions written in the language too); `args.rs` and `set.rs` hold the shared argument
//! and list-as-set helpers.

mod args;
mod collections;
mod core;
mod k8s;
mod net;
pub(crate) mod ports;
mod set;
mod strings;
mod time;

use std::collections::BTreeMap;
use std::sync::LazyLock;

pub(crate) mod glob;
pub(crate) mod regex;

use crate::types::Ty;
use crate::value::Value;

/// One parameter of a native.
#[derive(Debug)]
pub struct Param {
    pub name: &'static str,
    pub ty: Ty,
}

/// A native builtin.
pub struct Native {
    /// The module that exports it, e.g. `std.strings`; `std.core` is the prelude.
    pub module: &'static str,
    pub name: &'static str,
    pub params: &'static [Param],
    pub returns: Ty,
    /// Markdown: one summary line, then details and an example.
    pub doc: &'static str,
    pub func: fn(&[Value]) -> Result<Value, NativeError>,
}

impl std::fmt::Debug for Native {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.module, self.name)
    }
}

impl Native {
    /// `name(a: string, b: int) -> bool`
    pub fn signature(&self) -> String {
        let params: Vec<String> = self
            .params
            .iter()
            .map(|p| format!("{}: {}", p.name, p.ty))
            .collect();
        format!("{}({}) -> {}", self.name, params.join(", "), self.returns)
    }
}

/// Why a native call failed. The evaluator turns it into a diagnostic at the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NativeError {
    pub message: String,
    /// The 0-based argument at fault, when one is.
    pub arg: Option<usize>,
}

impl NativeError {
    pub fn new(message: impl Into<String>) -> NativeError {
        NativeError {
            message: message.into(),
            arg: None,
        }
    }

    pub fn arg(arg: usize, message: impl Into<String>) -> NativeError {
        NativeError {
            message: message.into(),
            arg: Some(arg),
        }
    }
}

/// The module every policy sees without an import.
pub const PRELUDE: &str = "std.core";

static REGISTRY: LazyLock<BTreeMap<(&'static str, &'static str), &'static Native>> =
    LazyLock::new(|| {
        let mut map = BTreeMap::new();
        for family in FAMILIES {
            for native in *family {
                map.insert((native.module, native.name), native);
            }
        }
        map
    });

const FAMILIES: &[&[Native]] = &[
    self::core::NATIVES,
    strings::NATIVES,
    self::regex::NATIVES,
    glob::NATIVES,
    collections::NATIVES,
    k8s::NATIVES,
    net::NATIVES,
    ports::NATIVES,
    time::NATIVES,
];

/// The native `module.name`, if there is one.
pub fn lookup(module: &str, name: &str) -> Option<&'static Native> {
    REGISTRY.get(&(module, name)).copied()
}

/// Whether any native lives in `module`.
pub fn is_module(module: &str) -> bool {
    REGISTRY.keys().any(|(m, _)| *m == module)
}

/// Every native, sorted by module then name.
pub fn all() -> impl Iterator<Item = &'static Native> {
    REGISTRY.values().copied()
}

/// The natives of one module, sorted by name.
pub fn in_module(module: &str) -> impl Iterator<Item = &'static Native> + '_ {
    REGISTRY
        .iter()
        .filter(move |((m, _), _)| *m == module)
        .map(|(_, n)| *n)
}
