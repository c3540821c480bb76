//! `Map`: an insertion-ordered string-keyed map whose keys keep their spans.
//!
//! Most maps read from configuration are small (a `securityContext`, a port, a label set), so
//! entries live in one vector in insertion order and a lookup compares keys one by one; only a
//! map of more than [`INDEXED`] entries also gets a hash index. That keeps a small map to one
//! allocation and makes its lookups cheaper than hashing.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use super::Value;
use crate::source::Span;

/// Maps with more entries than this get a hash index.
const INDEXED: usize = 12;

/// One entry: the key's span (where the key was written) and the value.
#[derive(Clone, Debug)]
pub struct MapEntry {
    pub key_span: Option<Span>,
    pub value: Value,
}

/// An ordered map from strings to values.
#[derive(Clone, Default)]
pub struct Map {
    entries: Vec<(Arc<str>, MapEntry)>,
    /// Key → position in `entries`, once the map is larger than [`INDEXED`].
    index: Option<HashMap<Arc<str>, usize>>,
}

impl fmt::Debug for Map {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Entries<'a>(&'a [(Arc<str>, MapEntry)]);
        impl fmt::Debug for Entries<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_map()
                    .entries(self.0.iter().map(|(k, e)| (k, e)))
                    .finish()
            }
        }
        f.debug_struct("Map")
            .field("entries", &Entries(&self.entries))
            .finish()
    }
}

impl Map {
    pub fn new() -> Map {
        Map::default()
    }

    pub fn with_capacity(n: usize) -> Map {
        Map {
            entries: Vec::with_capacity(n),
            index: None,
        }
    }

    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self
                .entries
                .iter()
                .position(|(k, _)| k.len() == key.len() && **k == *key),
        }
    }

    /// Inserts or replaces; returns the previous entry when the key was already present.
    /// A replaced entry keeps its position.
    pub fn insert(
        &mut self,
        key: impl Into<Arc<str>>,
        key_span: Option<Span>,
        value: Value,
    ) -> Option<MapEntry> {
        let key: Arc<str> = key.into();
        let entry = MapEntry { key_span, value };
        if let Some(i) = self.position(&key) {
            return self
                .entries
                .get_mut(i)
                .map(|slot| std::mem::replace(&mut slot.1, entry));
        }
        if let Some(index) = &mut self.index {
            index.insert(Arc::clone(&key), self.entries.len());
        } else if self.entries.len() == INDEXED {
            let mut index = HashMap::with_capacity(INDEXED * 2);
            for (i, (k, _)) in self.entries.iter().enumerate() {
                index.insert(Arc::clone(k), i);
            }
            index.insert(Arc::clone(&key), self.entries.len());
            self.index = Some(index);
        }
        self.entries.push((key, entry));
        None
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.get_entry(key).map(|e| &e.value)
    }

    pub fn get_entry(&self, key: &str) -> Option<&MapEntry> {
        let i = self.position(key)?;
        self.entries.get(i).map(|(_, e)| e)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
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
        self.entries.iter().map(|(k, e)| (k, e))
    }

    pub fn keys(&self) -> impl Iterator<Item = &Arc<str>> {
        self.entries.iter().map(|(k, _)| k)
    }
}
