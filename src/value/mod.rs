//! The value tree shared by loaded inputs and the evaluator.
//!
//! Every value may carry the [`Span`] it was read from, so a rule can point at any value it
//! touches. Lists and maps are reference-counted, so entities share subtrees of their documents
//! at no cost.
//!
//! **Missing vs null.** `null` is a value written in an input (`key: null`, `key: ~`, JSON
//! `null`). *Missing* is the result of looking up something that is not there: an absent map
//! key, an index out of range, or a field of a non-map. Looking further into a missing value
//! stays missing, so `c.securityContext.privileged` is safe on any container. A missing value
//! remembers the span of the deepest value that *was* present, so `deny at` a missing field
//! points at its parent.

mod intern;
mod map;

use std::fmt;
use std::sync::Arc;

pub use arcstr::ArcStr;

pub(crate) use intern::intern;
pub(crate) use map::KeysBelow;
pub use map::{take_unready, unready, Entries, Map, MapEntry};

use crate::source::Span;

/// A value with an optional source span.
#[derive(Clone, Debug)]
pub struct Value {
    pub kind: Kind,
    pub span: Option<Span>,
}

/// The shape of a value.
#[derive(Clone, Debug)]
pub enum Kind {
    Missing,
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(ArcStr),
    List(Arc<Vec<Value>>),
    Map(Arc<Map>),
}

/// The type name of a value, as shown to users.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum TypeName {
    Missing,
    Null,
    Bool,
    Int,
    Float,
    String,
    List,
    Map,
}

impl TypeName {
    /// The name as a static string: a copy costs no allocation and no reference count
    /// (`type_of` gives it on every call).
    pub fn name(self) -> ArcStr {
        match self {
            TypeName::Missing => arcstr::literal!("missing"),
            TypeName::Null => arcstr::literal!("null"),
            TypeName::Bool => arcstr::literal!("bool"),
            TypeName::Int => arcstr::literal!("int"),
            TypeName::Float => arcstr::literal!("float"),
            TypeName::String => arcstr::literal!("string"),
            TypeName::List => arcstr::literal!("list"),
            TypeName::Map => arcstr::literal!("map"),
        }
    }

    pub fn as_str(self) -> &'static str {
        // Every name is a literal, hence static.
        ArcStr::as_static(&self.name()).unwrap_or_default()
    }
}

impl fmt::Display for TypeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Value {
    pub const MISSING: Value = Value {
        kind: Kind::Missing,
        span: None,
    };
    pub const NULL: Value = Value {
        kind: Kind::Null,
        span: None,
    };

    pub fn new(kind: Kind) -> Value {
        Value { kind, span: None }
    }

    pub fn with_span(kind: Kind, span: Span) -> Value {
        Value {
            kind,
            span: Some(span),
        }
    }

    /// A missing value that remembers where its lookup started.
    pub fn missing_at(span: Option<Span>) -> Value {
        Value {
            kind: Kind::Missing,
            span,
        }
    }

    pub fn bool(b: bool) -> Value {
        Value::new(Kind::Bool(b))
    }

    pub fn int(i: i64) -> Value {
        Value::new(Kind::Int(i))
    }

    pub fn float(f: f64) -> Value {
        Value::new(Kind::Float(f))
    }

    pub fn str(s: impl Into<ArcStr>) -> Value {
        Value::new(Kind::Str(s.into()))
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::new(Kind::List(Arc::new(items)))
    }

    pub fn map(map: Map) -> Value {
        Value::new(Kind::Map(Arc::new(map)))
    }

    pub fn type_name(&self) -> TypeName {
        match self.kind {
            Kind::Missing => TypeName::Missing,
            Kind::Null => TypeName::Null,
            Kind::Bool(_) => TypeName::Bool,
            Kind::Int(_) => TypeName::Int,
            Kind::Float(_) => TypeName::Float,
            Kind::Str(_) => TypeName::String,
            Kind::List(_) => TypeName::List,
            Kind::Map(_) => TypeName::Map,
        }
    }

    pub fn is_missing(&self) -> bool {
        matches!(self.kind, Kind::Missing)
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind, Kind::Null)
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.kind {
            Kind::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self.kind {
            Kind::Int(i) => Some(i),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self.kind {
            Kind::Int(i) => Some(i as f64),
            Kind::Float(f) => Some(f),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Value]> {
        match &self.kind {
            Kind::List(l) => Some(l),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&Map> {
        match &self.kind {
            Kind::Map(m) => Some(m),
            _ => None,
        }
    }

    /// `self.key`: missing when `self` is not a map or has no such key.
    pub fn field(&self, key: &str) -> Value {
        match &self.kind {
            Kind::Map(m) => match m.get(key) {
                Some(v) => v.clone(),
                None => Value::missing_at(self.span),
            },
            // A missing value keeps the span of the deepest present ancestor.
            Kind::Missing => self.clone(),
            _ => Value::missing_at(self.span),
        }
    }

    /// `names` read in a row, as a field path in the language reads them (`field` after
    /// `field`, without the values on the way cloned): missing with the span of the deepest
    /// value present when a name is absent or read from what is not a map.
    pub fn path<S: AsRef<str>>(&self, names: &[S]) -> Value {
        let mut node = self;
        for name in names {
            match &node.kind {
                Kind::Map(m) => match m.get(name.as_ref()) {
                    Some(v) => node = v,
                    None => return Value::missing_at(node.span),
                },
                // A missing value keeps the span of the deepest present ancestor.
                Kind::Missing => break,
                _ => return Value::missing_at(node.span),
            }
        }
        node.clone()
    }

    /// `self[i]` for lists (negative counts from the end) and strings keys for maps.
    pub fn index(&self, index: &Value) -> Value {
        match (&self.kind, &index.kind) {
            (Kind::List(l), Kind::Int(i)) => {
                let len = i64::try_from(l.len()).unwrap_or(i64::MAX);
                let i = if *i < 0 { len + i } else { *i };
                usize::try_from(i)
                    .ok()
                    .and_then(|i| l.get(i))
                    .cloned()
                    .unwrap_or_else(|| Value::missing_at(self.span))
            }
            (Kind::Map(_), Kind::Str(k)) => self.field(k),
            (Kind::Missing, _) => self.clone(),
            _ => Value::missing_at(self.span),
        }
    }

    /// Structural equality, ignoring spans. Ints and floats compare numerically.
    pub fn equals(&self, other: &Value) -> bool {
        match (&self.kind, &other.kind) {
            (Kind::Missing, Kind::Missing) | (Kind::Null, Kind::Null) => true,
            (Kind::Bool(a), Kind::Bool(b)) => a == b,
            (Kind::Int(a), Kind::Int(b)) => a == b,
            (Kind::Int(_) | Kind::Float(_), Kind::Int(_) | Kind::Float(_)) => {
                self.as_f64() == other.as_f64()
            }
            (Kind::Str(a), Kind::Str(b)) => a == b,
            (Kind::List(a), Kind::List(b)) => {
                a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.equals(y))
            }
            (Kind::Map(a), Kind::Map(b)) => {
                a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| v.equals(w)))
            }
            _ => false,
        }
    }

    /// A total order used by `sort` and by comparisons of same-typed values: by type, then value.
    pub fn compare(&self, other: &Value) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        fn rank(k: &Kind) -> u8 {
            match k {
                Kind::Missing => 0,
                Kind::Null => 1,
                Kind::Bool(_) => 2,
                Kind::Int(_) | Kind::Float(_) => 3,
                Kind::Str(_) => 4,
                Kind::List(_) => 5,
                Kind::Map(_) => 6,
            }
        }
        match (&self.kind, &other.kind) {
            (Kind::Bool(a), Kind::Bool(b)) => a.cmp(b),
            (Kind::Int(a), Kind::Int(b)) => a.cmp(b),
            (Kind::Int(_) | Kind::Float(_), Kind::Int(_) | Kind::Float(_)) => {
                let (a, b) = (self.as_f64().unwrap_or(0.0), other.as_f64().unwrap_or(0.0));
                a.total_cmp(&b)
            }
            (Kind::Str(a), Kind::Str(b)) => a.cmp(b),
            (Kind::List(a), Kind::List(b)) => {
                for (x, y) in a.iter().zip(b.iter()) {
                    let o = x.compare(y);
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                a.len().cmp(&b.len())
            }
            (Kind::Map(a), Kind::Map(b)) => {
                for ((ka, va), (kb, vb)) in a.iter().zip(b.iter()) {
                    let o = ka.cmp(kb).then_with(|| va.compare(vb));
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                a.len().cmp(&b.len())
            }
            (a, b) => rank(a).cmp(&rank(b)),
        }
    }

    /// How a value is shown inside an interpolated message: strings bare, the rest as JSON.
    pub fn display(&self) -> String {
        match &self.kind {
            Kind::Str(s) => s.to_string(),
            Kind::Missing => "<missing>".to_string(),
            // Written straight from the value (as `to_json` lays it out), without building
            // a `serde_json::Value` tree first.
            _ => serde_json::to_string(&AsJson(self)).unwrap_or_default(),
        }
    }

    /// Conversion to JSON (missing becomes null).
    pub fn to_json(&self) -> serde_json::Value {
        match &self.kind {
            Kind::Missing | Kind::Null => serde_json::Value::Null,
            Kind::Bool(b) => serde_json::Value::Bool(*b),
            Kind::Int(i) => serde_json::Value::from(*i),
            Kind::Float(f) => serde_json::Number::from_f64(*f)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Kind::Str(s) => serde_json::Value::String(s.to_string()),
            Kind::List(l) => serde_json::Value::Array(l.iter().map(Value::to_json).collect()),
            Kind::Map(m) => serde_json::Value::Object(
                m.iter()
                    .map(|(k, v)| (k.to_string(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

/// A value serialized as [`Value::to_json`] gives it, without building that tree: missing and
/// non-finite floats as `null`, a map's keys in byte order (a key written twice keeps its last
/// value).
struct AsJson<'a>(&'a Value);

impl serde::Serialize for AsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match &self.0.kind {
            Kind::Missing | Kind::Null => s.serialize_unit(),
            Kind::Bool(b) => s.serialize_bool(*b),
            Kind::Int(i) => s.serialize_i64(*i),
            Kind::Float(f) if f.is_finite() => s.serialize_f64(*f),
            Kind::Float(_) => s.serialize_unit(),
            Kind::Str(t) => s.serialize_str(t),
            Kind::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items.iter() {
                    seq.serialize_element(&AsJson(item))?;
                }
                seq.end()
            }
            Kind::Map(m) => {
                let mut entries: Vec<(&str, &Value)> = m.iter().map(|(k, v)| (&**k, v)).collect();
                // Stable: of the entries of one key, the last one written stays last.
                entries.sort_by(|a, b| a.0.cmp(b.0));
                let mut map = s.serialize_map(None)?;
                for (i, (k, v)) in entries.iter().enumerate() {
                    if entries.get(i + 1).is_some_and(|next| next.0 == *k) {
                        continue;
                    }
                    map.serialize_entry(k, &AsJson(v))?;
                }
                map.end()
            }
        }
    }
}
