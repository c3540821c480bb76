//! Building an entity map: a node's own map plus synthetic fields.

use std::sync::Arc;

use crate::source::Span;
use crate::value::ArcStr;
use crate::value::{Kind, Map, Value};

/// An entity under construction. The original entries (and their key spans) are kept; synthetic
/// fields never replace an entry the node already has.
pub(crate) struct Entity {
    map: Map,
    span: Option<Span>,
}

impl Entity {
    /// Starts from `node`'s entries (none when `node` is not a map) and its span. The entries
    /// are shared with the node, not copied (see [`Map::extending`]).
    pub(crate) fn from_node(node: &Value) -> Entity {
        let map = match &node.kind {
            Kind::Map(m) => Map::extending(m),
            _ => Map::new(),
        };
        Entity {
            map,
            span: node.span,
        }
    }

    /// A purely synthetic entity with the given span.
    pub(crate) fn synthetic(span: Option<Span>) -> Entity {
        Entity {
            map: Map::new(),
            span,
        }
    }

    /// Adds `key` unless the map already has it. Missing values are not stored: looking the
    /// field up yields missing either way.
    pub(crate) fn set(mut self, key: ArcStr, value: Value) -> Entity {
        if !value.is_missing() && !self.map.contains_key(&key) {
            self.map.insert(key, None, value);
        }
        self
    }

    /// Adds `key` unless the map already has it, its value computed by `make` when first read
    /// (see [`Map::defer`]). `make` must give a present value, or `None` while it cannot be
    /// computed yet.
    pub(crate) fn defer(
        mut self,
        key: ArcStr,
        make: impl Fn() -> Option<Value> + Send + Sync + 'static,
    ) -> Entity {
        self.map.defer(key, make);
        self
    }

    /// Sets `key`, replacing what the node wrote (for normalized fields such as `sl_target`).
    pub(crate) fn replace(mut self, key: ArcStr, value: Value) -> Entity {
        self.map.insert(key, None, value);
        self
    }

    pub(crate) fn span(&self) -> Option<Span> {
        self.span
    }

    pub(crate) fn build(self) -> Value {
        Value {
            kind: Kind::Map(Arc::new(self.map)),
            span: self.span,
        }
    }
}

/// A string value carrying `span`.
pub(crate) fn str_at(s: impl Into<ArcStr>, span: Option<Span>) -> Value {
    Value {
        kind: Kind::Str(s.into()),
        span,
    }
}

/// A bool value carrying `span`.
pub(crate) fn bool_at(b: bool, span: Option<Span>) -> Value {
    Value {
        kind: Kind::Bool(b),
        span,
    }
}

/// A list value carrying `span`.
pub(crate) fn list_at(items: Vec<Value>, span: Option<Span>) -> Value {
    Value {
        kind: Kind::List(Arc::new(items)),
        span,
    }
}

/// `value` if it is a map, otherwise an empty map at the span `value` carries (a missing value
/// carries the span of its deepest present ancestor).
pub(crate) fn map_or_empty(value: Value) -> Value {
    if value.as_map().is_some() {
        value
    } else {
        Value {
            kind: Kind::Map(Arc::new(Map::new())),
            span: value.span,
        }
    }
}

/// The text of a scalar as Kubernetes compares it (labels, selector values): strings as they
/// are, numbers and booleans as written.
pub(crate) fn scalar_text(value: &Value) -> Option<ArcStr> {
    match &value.kind {
        Kind::Str(s) => Some(s.clone()),
        Kind::Int(i) => Some(i.to_string().into()),
        Kind::Float(f) => Some(f.to_string().into()),
        Kind::Bool(b) => Some(b.to_string().into()),
        _ => None,
    }
}
