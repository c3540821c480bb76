//! `ValueSet`: membership by [`Value::equals`] in near-linear time for the common scalar case.
//!
//! List-as-set natives (`unique`, `union`, `contains_all`, …) must agree with `==`, which
//! compares ints and floats numerically. Strings, bools, null, missing and ints of magnitude
//! below 2^53 (and floats that are exactly such an int) hash to an exact key; everything else
//! (other floats, lists, maps) falls back to a linear scan with `equals`. A lookup checks both,
//! so the fast path never changes an answer.

use std::collections::HashSet;

use crate::value::{Kind, Value};

/// 2^53: below it every int is exactly representable as a float.
const EXACT: i64 = 1 << 53;

#[derive(Hash, PartialEq, Eq)]
enum Key<'a> {
    Missing,
    Null,
    Bool(bool),
    Int(i64),
    Str(&'a str),
}

fn key(v: &Value) -> Option<Key<'_>> {
    match &v.kind {
        Kind::Missing => Some(Key::Missing),
        Kind::Null => Some(Key::Null),
        Kind::Bool(b) => Some(Key::Bool(*b)),
        Kind::Int(i) if i.unsigned_abs() < EXACT.unsigned_abs() => Some(Key::Int(*i)),
        Kind::Float(f) if f.fract() == 0.0 && f.abs() < EXACT as f64 => {
            // Exact: integral and below 2^53, so the cast loses nothing.
            Some(Key::Int(*f as i64))
        }
        Kind::Str(s) => Some(Key::Str(s)),
        _ => None,
    }
}

/// A set of borrowed values under [`Value::equals`].
#[derive(Default)]
pub(crate) struct ValueSet<'a> {
    hashed: HashSet<Key<'a>>,
    others: Vec<&'a Value>,
}

impl<'a> ValueSet<'a> {
    pub(crate) fn new() -> ValueSet<'a> {
        ValueSet::default()
    }

    pub(crate) fn from_values(values: &'a [Value]) -> ValueSet<'a> {
        let mut set = ValueSet::new();
        for v in values {
            set.insert(v);
        }
        set
    }

    pub(crate) fn contains(&self, v: &Value) -> bool {
        let hashed = key(v).is_some_and(|k| self.hashed.contains(&k));
        hashed || self.others.iter().any(|o| o.equals(v))
    }

    /// Adds `v`; returns whether it was new.
    pub(crate) fn insert(&mut self, v: &'a Value) -> bool {
        if self.contains(v) {
            return false;
        }
        match key(v) {
            Some(k) => {
                self.hashed.insert(k);
            }
            None => self.others.push(v),
        }
        true
    }
}

/// The items of `values` without repeats, first occurrences kept in order.
pub(crate) fn unique(values: &[Value]) -> Vec<Value> {
    let mut seen = ValueSet::new();
    values.iter().filter(|v| seen.insert(v)).cloned().collect()
}
