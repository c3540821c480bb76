//! `Ty`: the static types the checker reasons with and native signatures declare.

use std::fmt;

/// A static type. `Any` is unknown and agrees with everything; the checker only reports an
/// error when two known types can never work together.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ty {
    Any,
    Null,
    Bool,
    Int,
    Float,
    /// Int or float.
    Number,
    String,
    List,
    Map,
}

impl Ty {
    pub fn as_str(self) -> &'static str {
        match self {
            Ty::Any => "any",
            Ty::Null => "null",
            Ty::Bool => "bool",
            Ty::Int => "int",
            Ty::Float => "float",
            Ty::Number => "number",
            Ty::String => "string",
            Ty::List => "list",
            Ty::Map => "map",
        }
    }

    /// Whether a value of type `self` may be used where `expected` is wanted.
    pub fn fits(self, expected: Ty) -> bool {
        match (self, expected) {
            (Ty::Any, _) | (_, Ty::Any) => true,
            (Ty::Int | Ty::Float | Ty::Number, Ty::Number) => true,
            (Ty::Number, Ty::Int | Ty::Float) => true,
            (a, b) => a == b,
        }
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, Ty::Int | Ty::Float | Ty::Number)
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
