//! `Map`: an insertion-ordered string-keyed map whose keys keep their spans.

use std::sync::Arc;

use indexmap::IndexMap;

use super::Value;
use crate::source::Span;

/// One entry: the key's span (where the key was written) and the value.
#[derive(Clone, Debug)]
pub struct MapEntry {
    pub key_span: Option<Span>,
    pub value: Value,
}

/// An ordered map from strings to values.
#[derive(Clone, Debug, Default)]
pub struct Map {
    entries: IndexMap<Arc<str>, MapEntry>,
}

impl Map {
    pub fn new() -> Map {
        Map::default()
    }

    pub fn with_capacity(n: usize) -> Map {
        Map {
            entries: IndexMap::with_capacity(n),
        }
    }

    /// Inserts or replaces; returns the previous entry when the key was already present.
    pub fn insert(
        &mut self,
        key: impl Into<Arc<str>>,
        key_span: Option<Span>,
        value: Value,
    ) -> Option<MapEntry> {
        self.entries
            .insert(key.into(), MapEntry { key_span, value })
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.get(key).map(|e| &e.value)
    }

    pub fn get_entry(&self, key: &str) -> Option<&MapEntry> {
        self.entries.get(key)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Arc<str>, &Value)> {
        self.entries.iter().map(|(k, e)| (k, &e.value))
    }

    pub fn entries(&self) -> impl Iterator<Item = (&Arc<str>, &MapEntry)> {
        self.entries.iter()
    }

    pub fn keys(&self) -> impl Iterator<Item = &Arc<str>> {
        self.entries.keys()
    }
}
