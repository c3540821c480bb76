//! `Map`: an insertion-ordered string-keyed map whose keys keep their spans.
//!
//! Most maps read from configuration are small (a `securityContext`, a port, a label set), so
//! entries live in one vector in insertion order and a lookup compares keys one by one (each
//! entry keeps its key's length and first byte, so only the keys that can match are read);
//! only a map of more than [`INDEXED`] entries also gets a hash index. That keeps a small map
//! to one allocation and makes its lookups cheaper than hashing.
//!
//! An entity is a document's map plus a few derived fields. Rather than copy the document's
//! entries, a map can be an *overlay* ([`Map::extending`]): its own entries in front of a shared
//! base map. Looking up, iterating and counting see one map, exactly as if the base's entries had
//! been copied and the own entries inserted afterwards (an own entry with a key of the base
//! replaces that entry in place; the others follow the base's entries in insertion order).
//!
//! A field that is costly to build and rarely read (a workload's `network_policies`) can be
//! *deferred* ([`Map::defer`]): computed the first time anything reads it, then kept. Reads
//! cannot tell it from a stored entry; it comes after the own entries when iterating.
//!
//! A deferred entry may depend on what is not known yet: a workload's `network_policies` need
//! every document loaded, and a rule may run on a workload as soon as its file is loaded
//! (`eval::Early`). Read before it can be computed, the entry is passed over as if absent, and
//! the thread notes it ([`take_unready`]): whoever evaluated with it discards that result and
//! evaluates again once everything is known. Nothing is kept from such a read.

use foldhash::HashMap;
use std::cell::Cell;
use std::fmt;
use std::sync::{Arc, OnceLock};

use super::{ArcStr, Value};
use crate::source::Span;

/// Maps with more entries than this get a hash index.
const INDEXED: usize = 12;

/// One entry: the key's span (where the key was written) and the value.
#[derive(Clone)]
pub struct MapEntry {
    /// The key's span, [`NO_SPAN`] when it has none (an `Option<Span>` would take the four
    /// bytes the tag fits in).
    key_at: Span,
    /// The key's [`tag`]: a lookup reads only the keys whose tag is the one it wants.
    tag: u32,
    pub value: Value,
}

/// The key span of an entry whose key was written nowhere.
const NO_SPAN: Span = Span {
    file: crate::source::FileId(u32::MAX),
    start: 0,
    end: 0,
};

// An entry is as large as it was with an `Option<Span>` and no tag: the trees of 10,000 files
// hold millions of them.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<MapEntry>() == 48);

/// The bit of [`Map::tags`] that stands for `tag`.
fn tag_bit(tag: u32) -> u64 {
    1 << (tag.wrapping_mul(0x9e37_79b1) >> 26)
}

/// A key's length and first byte, kept in its entry: comparing keys one by one would read each
/// key's length through its pointer, memory a lookup otherwise does not touch.
fn tag(key: &str) -> u32 {
    let len = u32::try_from(key.len()).unwrap_or(u32::MAX) & 0x00ff_ffff;
    (len << 8) | u32::from(key.as_bytes().first().copied().unwrap_or(0))
}

impl MapEntry {
    fn new(key: &str, key_span: Option<Span>, value: Value) -> MapEntry {
        MapEntry {
            key_at: key_span.unwrap_or(NO_SPAN),
            tag: tag(key),
            value,
        }
    }

    /// Where the key was written, if anywhere.
    pub fn key_span(&self) -> Option<Span> {
        (self.key_at.file != NO_SPAN.file).then_some(self.key_at)
    }
}

impl fmt::Debug for MapEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapEntry")
            .field("key_span", &self.key_span())
            .field("value", &self.value)
            .finish()
    }
}

/// An ordered map from strings to values.
#[derive(Clone, Default)]
pub struct Map {
    entries: Vec<(ArcStr, MapEntry)>,
    /// One bit for each own entry's [`tag`] ([`tag_bit`]): a lookup of a key whose bit is not
    /// set passes over the map without reading its entries, which for a map not in the
    /// processor's cache is most of a lookup's cost. Most lookups in configuration are of
    /// fields the map does not have (an overlay's own entries are looked at first for every
    /// field of its base, a container without a `securityContext` is asked for one).
    tags: u64,
    /// What few maps have (a hash index, deferred entries). Boxed: a map is one of the most
    /// numerous things in memory.
    extra: Option<Box<Extra>>,
    /// The map this one extends, when it is an overlay. Never an overlay itself: extending an
    /// overlay copies its own entries and shares its base, so lookups go one level deep at most.
    base: Option<Arc<Map>>,
}

#[derive(Clone, Default)]
struct Extra {
    /// Key → position in `entries`, once the map is larger than [`INDEXED`].
    index: Option<HashMap<ArcStr, usize>>,
    /// Entries computed when first read, after the own entries; their keys are in neither
    /// `entries` nor the base.
    deferred: Vec<(ArcStr, Arc<Deferred>)>,
    /// The keys of this map and of the maps below it, when known (the YAML loader records
    /// them for each document's root): a search for keys passes over a document that has none
    /// of them ([`Map::may_hold_below`]).
    below: Option<Box<KeysBelow>>,
}

/// A set of keys as a Bloom filter: 2,048 bits, two per key. It may answer that a key is
/// there when it is not (about one time in 300 for a set of 60 keys, one in 115 for 100),
/// never the reverse.
#[derive(Clone, Default)]
pub(crate) struct KeysBelow([u64; 32]);

impl KeysBelow {
    pub(crate) fn add(&mut self, key: &str) {
        for bit in key_bits(key) {
            if let Some(word) = self.0.get_mut(bit / 64) {
                *word |= 1 << (bit % 64);
            }
        }
    }

    pub(crate) fn may_hold(&self, key: &str) -> bool {
        key_bits(key).into_iter().all(|bit| {
            self.0
                .get(bit / 64)
                .is_some_and(|w| w & (1 << (bit % 64)) != 0)
        })
    }
}

/// The two bits of a key in [`KeysBelow`]: the same on every thread and in every run.
fn key_bits(key: &str) -> [usize; 2] {
    use std::hash::BuildHasher;
    let h = foldhash::fast::FixedState::with_seed(0x7061_6c69_7361_6465).hash_one(key);
    [(h & 2047) as usize, ((h >> 32) & 2047) as usize]
}

/// An entry computed the first time it is read, then kept (see [`Map::defer`]).
struct Deferred {
    entry: OnceLock<MapEntry>,
    /// `None` while what it needs is not known yet.
    make: Box<dyn Fn() -> Option<Value> + Send + Sync>,
}

thread_local! {
    /// Set when a deferred entry was read on this thread before it could be computed.
    static UNREADY: Cell<bool> = const { Cell::new(false) };
}

/// Whether a deferred entry was read on this thread before it could be computed, since the
/// last call; clears the mark. An evaluation that made such a read saw the map without that
/// entry, and its result must be discarded (see the module documentation).
pub fn take_unready() -> bool {
    UNREADY.with(|u| u.replace(false))
}

/// Like [`take_unready`], leaving the mark as it is.
pub fn unready() -> bool {
    UNREADY.with(Cell::get)
}

impl Deferred {
    /// The entry, computed if it was not yet; `None` (and the thread marked) when it cannot
    /// be computed yet.
    fn get(&self, key: &str) -> Option<&MapEntry> {
        if let Some(entry) = self.entry.get() {
            return Some(entry);
        }
        match (self.make)() {
            Some(value) => Some(self.entry.get_or_init(|| MapEntry::new(key, None, value))),
            None => {
                UNREADY.with(|u| u.set(true));
                None
            }
        }
    }
}

impl fmt::Debug for Map {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Entries<'a>(&'a Map);
        impl fmt::Debug for Entries<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_map().entries(self.0.entries()).finish()
            }
        }
        f.debug_struct("Map")
            .field("entries", &Entries(self))
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
            tags: 0,
            extra: None,
            base: None,
        }
    }

    /// An overlay of `base`: the same entries, without copying them; entries inserted into it
    /// shadow or follow the base's.
    pub fn extending(base: &Arc<Map>) -> Map {
        match &base.base {
            // `base` is an overlay itself: keep its own entries, share its base.
            Some(root) => Map {
                entries: base.entries.clone(),
                tags: base.tags,
                extra: base.extra.clone(),
                base: Some(Arc::clone(root)),
            },
            None => Map {
                entries: Vec::new(),
                tags: 0,
                extra: None,
                base: Some(Arc::clone(base)),
            },
        }
    }

    /// Records `keys`: every key of this map and of the maps below it, lists included. Any
    /// later insertion forgets them.
    pub(crate) fn set_keys_below(&mut self, keys: KeysBelow) {
        self.extra.get_or_insert_with(Box::default).below = Some(Box::new(keys));
    }

    /// Whether `key` may be a key of this map or of a map below it: `false` only when the
    /// map knows the keys below it ([`Map::set_keys_below`]) and `key` is not among them.
    pub(crate) fn may_hold_below(&self, key: &str) -> bool {
        match self.extra.as_ref().and_then(|e| e.below.as_ref()) {
            Some(below) => below.may_hold(key),
            None => true,
        }
    }

    fn forget_keys_below(&mut self) {
        if let Some(extra) = self.extra.as_mut() {
            extra.below = None;
        }
    }

    /// The position of `key` among this map's own entries (not the base's).
    fn position(&self, key: &str) -> Option<usize> {
        // A map has an index exactly when it has more than `INDEXED` entries: knowing that
        // from the length spares a small map's lookups the read of its `extra`.
        let index = if self.entries.len() > INDEXED {
            self.extra.as_ref().and_then(|e| e.index.as_ref())
        } else {
            None
        };
        match index {
            Some(index) => index.get(key).copied(),
            None => {
                let wanted = tag(key);
                if self.tags & tag_bit(wanted) == 0 {
                    return None;
                }
                self.entries
                    .iter()
                    .position(|(k, e)| e.tag == wanted && **k == *key)
            }
        }
    }

    /// Inserts or replaces; returns the previous entry when the key was already present.
    /// A replaced entry keeps its position (a replaced deferred entry becomes an own entry).
    pub fn insert(
        &mut self,
        key: impl Into<ArcStr>,
        key_span: Option<Span>,
        value: Value,
    ) -> Option<MapEntry> {
        let key: ArcStr = key.into();
        self.forget_keys_below();
        let entry = MapEntry::new(&key, key_span, value);
        if let Some(i) = self.position(&key) {
            return self
                .entries
                .get_mut(i)
                .map(|slot| std::mem::replace(&mut slot.1, entry));
        }
        let replaced = self.take_deferred(&key);
        let len = self.entries.len();
        match self.extra.as_mut().and_then(|e| e.index.as_mut()) {
            Some(index) => {
                index.insert(ArcStr::clone(&key), len);
            }
            None if len == INDEXED => {
                let mut index = HashMap::with_capacity_and_hasher(INDEXED * 2, Default::default());
                for (i, (k, _)) in self.entries.iter().enumerate() {
                    index.insert(ArcStr::clone(k), i);
                }
                index.insert(ArcStr::clone(&key), len);
                self.extra.get_or_insert_with(Box::default).index = Some(index);
            }
            None => {}
        }
        self.tags |= tag_bit(entry.tag);
        self.entries.push((key, entry));
        replaced
    }

    /// Adds `key`, its value computed by `make` the first time anything reads it (a lookup,
    /// an iteration, a comparison), then kept; nothing when the map already has `key`. For a
    /// field costly to build that few readers need. `make` must not give a missing value; it
    /// gives `None` while the value cannot be computed yet (see the module documentation).
    pub fn defer(
        &mut self,
        key: impl Into<ArcStr>,
        make: impl Fn() -> Option<Value> + Send + Sync + 'static,
    ) {
        let key: ArcStr = key.into();
        if self.contains_key(&key) {
            return;
        }
        self.forget_keys_below();
        let deferred = Arc::new(Deferred {
            entry: OnceLock::new(),
            make: Box::new(make),
        });
        self.extra
            .get_or_insert_with(Box::default)
            .deferred
            .push((key, deferred));
    }

    /// Removes the deferred entry of `key`, giving its value.
    fn take_deferred(&mut self, key: &str) -> Option<MapEntry> {
        let deferred = &mut self.extra.as_mut()?.deferred;
        let i = deferred.iter().position(|(k, _)| **k == *key)?;
        let (k, d) = deferred.remove(i);
        d.get(&k).cloned()
    }

    /// The deferred entry of `key`, computed if it was not yet.
    fn deferred(&self, key: &str) -> Option<&MapEntry> {
        self.extra
            .as_ref()?
            .deferred
            .iter()
            .find(|(k, _)| **k == *key)
            .and_then(|(k, d)| d.get(k))
    }

    fn deferred_slice(&self) -> &[(ArcStr, Arc<Deferred>)] {
        self.extra
            .as_ref()
            .map_or(&[][..], |e| e.deferred.as_slice())
    }

    fn deferred_count(&self) -> usize {
        self.extra.as_ref().map_or(0, |e| e.deferred.len())
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.get_entry(key).map(|e| &e.value)
    }

    pub fn get_entry(&self, key: &str) -> Option<&MapEntry> {
        match self.position(key) {
            Some(i) => self.entries.get(i).map(|(_, e)| e),
            None => self
                .deferred(key)
                .or_else(|| self.base.as_ref()?.get_entry(key)),
        }
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
            || self
                .extra
                .as_ref()
                .is_some_and(|e| e.deferred.iter().any(|(k, _)| **k == *key))
            || self.base.as_ref().is_some_and(|b| b.contains_key(key))
    }

    pub fn len(&self) -> usize {
        let own = match &self.base {
            None => self.entries.len(),
            Some(base) => {
                base.len()
                    + self
                        .entries
                        .iter()
                        .filter(|(k, _)| !base.contains_key(k))
                        .count()
            }
        };
        own + self.deferred_count()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
            && self.deferred_count() == 0
            && self.base.as_ref().is_none_or(|b| b.is_empty())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&ArcStr, &Value)> {
        self.entries().map(|(k, e)| (k, &e.value))
    }

    /// Every entry in order (see the module documentation for overlays).
    pub fn entries(&self) -> Entries<'_> {
        Entries {
            map: self,
            base: self.base.as_deref().map(|b| b.entries.iter()),
            base_deferred: self
                .base
                .as_deref()
                .map_or(&[][..], Map::deferred_slice)
                .iter(),
            own: self.entries.iter(),
            deferred: self.deferred_slice().iter(),
        }
    }

    pub fn keys(&self) -> impl Iterator<Item = &ArcStr> {
        self.entries().map(|(k, _)| k)
    }
}

/// The entries of a [`Map`]: for an overlay, the base's entries (each replaced by the overlay's
/// own entry of the same key, if any), then the own entries whose keys the base does not have,
/// then the deferred entries (computed as they are reached).
pub struct Entries<'a> {
    map: &'a Map,
    base: Option<std::slice::Iter<'a, (ArcStr, MapEntry)>>,
    base_deferred: std::slice::Iter<'a, (ArcStr, Arc<Deferred>)>,
    own: std::slice::Iter<'a, (ArcStr, MapEntry)>,
    deferred: std::slice::Iter<'a, (ArcStr, Arc<Deferred>)>,
}

impl<'a> Iterator for Entries<'a> {
    type Item = (&'a ArcStr, &'a MapEntry);

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(base) = &mut self.base {
            let next = base.next().map(|(k, e)| (k, e)).or_else(|| {
                self.base_deferred
                    .by_ref()
                    .find_map(|(k, d)| Some((k, d.get(k)?)))
            });
            if let Some((k, e)) = next {
                let own = self
                    .map
                    .position(k)
                    .and_then(|i| self.map.entries.get(i))
                    .map_or(e, |(_, own)| own);
                return Some((k, own));
            }
            self.base = None;
        }
        let base = self.map.base.as_deref();
        if let Some((k, e)) = self
            .own
            .by_ref()
            .find(|(k, _)| base.is_none_or(|b| !b.contains_key(k)))
        {
            return Some((k, e));
        }
        self.deferred.find_map(|(k, d)| Some((k, d.get(k)?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_with_the_same_length_and_first_byte_are_told_apart() {
        let file = crate::source::FileId(3);
        let mut m = Map::new();
        m.insert("ab", Some(Span::new(file, 1, 3)), Value::int(1));
        m.insert("ac", None, Value::int(2));
        m.insert("", None, Value::int(3));
        assert_eq!(m.get("ab").and_then(Value::as_int), Some(1));
        assert_eq!(m.get("ac").and_then(Value::as_int), Some(2));
        assert_eq!(m.get("").and_then(Value::as_int), Some(3));
        assert!(m.get("ad").is_none() && m.get("a").is_none());
        // The key span, or none, comes back as it was given.
        assert_eq!(
            m.get_entry("ab").and_then(MapEntry::key_span),
            Some(Span::new(file, 1, 3))
        );
        assert_eq!(m.get_entry("ac").and_then(MapEntry::key_span), None);
        // Replacing keeps the place and takes the new span.
        m.insert("ac", Some(Span::new(file, 5, 7)), Value::int(4));
        let keys: Vec<&str> = m.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["ab", "ac", ""]);
        assert_eq!(
            m.get_entry("ac").and_then(MapEntry::key_span),
            Some(Span::new(file, 5, 7))
        );
    }

    fn map(entries: &[(&str, i64)]) -> Map {
        let mut m = Map::new();
        for (k, v) in entries {
            m.insert(*k, None, Value::int(*v));
        }
        m
    }

    fn listing(m: &Map) -> Vec<(String, i64)> {
        m.iter()
            .map(|(k, v)| (k.to_string(), v.as_int().unwrap_or(-1)))
            .collect()
    }

    #[test]
    fn keys_below_never_miss_a_key_and_are_forgotten_on_insertion() {
        let present: Vec<String> = (0..100).map(|i| format!("key-{i}")).collect();
        let mut below = KeysBelow::default();
        present.iter().for_each(|k| below.add(k));
        assert!(present.iter().all(|k| below.may_hold(k)));
        let absent = (0..1000)
            .filter(|i| below.may_hold(&format!("other-{i}")))
            .count();
        assert!(absent < 30, "{absent} of 1000 absent keys pass");
        assert!(!KeysBelow::default().may_hold("key-0"));

        let mut m = map(&[("a", 1)]);
        assert!(
            m.may_hold_below("anything"),
            "unknown: every key may be there"
        );
        m.set_keys_below(below);
        assert!(m.may_hold_below("key-7") && !m.may_hold_below("insecure"));
        m.insert("insecure", None, Value::int(2));
        assert!(m.may_hold_below("insecure"));
    }

    #[test]
    fn an_overlay_reads_as_the_copy_it_replaces() {
        let base = Arc::new(map(&[("a", 1), ("b", 2), ("c", 3)]));
        let mut copy = (*base).clone();
        let mut overlay = Map::extending(&base);
        for m in [&mut copy, &mut overlay] {
            m.insert("d", None, Value::int(4));
            m.insert("b", None, Value::int(20));
            m.insert("e", None, Value::int(5));
        }
        let want = [("a", 1), ("b", 20), ("c", 3), ("d", 4), ("e", 5)];
        let want: Vec<(String, i64)> = want.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        assert_eq!(listing(&copy), want);
        assert_eq!(listing(&overlay), want);
        assert_eq!(overlay.len(), 5);
        assert_eq!(overlay.get("b").and_then(Value::as_int), Some(20));
        assert_eq!(overlay.get("c").and_then(Value::as_int), Some(3));
        assert!(overlay.contains_key("a") && !overlay.contains_key("z"));
        // The base is untouched.
        assert_eq!(listing(&base).len(), 3);
    }

    #[test]
    fn lookups_find_every_key_and_no_other_at_every_size() {
        // Sizes below and above the hash index; absent keys that share a length, a first byte
        // or a bit of `tags` with present ones.
        for n in 0..=(INDEXED + 3) {
            let mut m = Map::new();
            for i in 0..n {
                m.insert(format!("key{i}"), None, Value::int(i as i64));
            }
            for i in 0..n {
                assert_eq!(
                    m.get(&format!("key{i}")).and_then(Value::as_int),
                    Some(i as i64)
                );
            }
            for probe in (n..200)
                .map(|i| format!("key{i}"))
                .chain(["", "k", "kex0", "yek0"].map(String::from))
            {
                assert!(m.get(&probe).is_none(), "{probe} in a map of {n}");
                assert!(!m.contains_key(&probe));
            }
        }
    }

    #[test]
    fn extending_an_overlay_stays_one_level_deep() {
        let base = Arc::new(map(&[("a", 1)]));
        let mut first = Map::extending(&base);
        first.insert("b", None, Value::int(2));
        let first = Arc::new(first);
        let mut second = Map::extending(&first);
        second.insert("c", None, Value::int(3));
        assert!(second.base.as_ref().is_some_and(|b| Arc::ptr_eq(b, &base)));
        // The copied own entries are found by lookup, not only by iteration.
        assert_eq!(second.get("b").and_then(Value::as_int), Some(2));
        assert_eq!(second.get("a").and_then(Value::as_int), Some(1));
        assert!(second.get("d").is_none());
        assert_eq!(
            listing(&second),
            [("a", 1), ("b", 2), ("c", 3)]
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect::<Vec<_>>()
        );
        assert!(!second.is_empty());
        assert!(Map::extending(&Arc::new(Map::new())).is_empty());
    }

    #[test]
    fn overlays_of_large_maps_use_the_index() {
        let entries: Vec<(String, i64)> = (0..40).map(|i| (format!("k{i}"), i)).collect();
        let mut big = Map::new();
        for (k, v) in &entries {
            big.insert(k.as_str(), None, Value::int(*v));
        }
        let base = Arc::new(big);
        let mut overlay = Map::extending(&base);
        for i in 0..20 {
            overlay.insert(format!("n{i}"), None, Value::int(100 + i));
        }
        overlay.insert("k7", None, Value::int(-7));
        assert_eq!(overlay.len(), 60);
        assert_eq!(overlay.get("k7").and_then(Value::as_int), Some(-7));
        assert_eq!(overlay.get("n19").and_then(Value::as_int), Some(119));
        assert_eq!(overlay.keys().nth(7).map(|k| &**k), Some("k7"));
        assert_eq!(
            overlay.iter().nth(7).and_then(|(_, v)| v.as_int()),
            Some(-7)
        );
    }

    #[test]
    fn a_deferred_entry_reads_as_a_stored_one_and_is_computed_once() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let calls = Arc::new(AtomicUsize::new(0));
        let base = Arc::new(map(&[("a", 1)]));
        let mut overlay = Map::extending(&base);
        overlay.insert("b", None, Value::int(2));
        let counter = Arc::clone(&calls);
        overlay.defer("c", move || {
            counter.fetch_add(1, Ordering::Relaxed);
            Some(Value::int(3))
        });
        // Already present: not deferred.
        overlay.defer("a", || Some(Value::int(-1)));
        assert_eq!(
            calls.load(Ordering::Relaxed),
            0,
            "not computed before it is read"
        );
        assert!(overlay.contains_key("c"));
        assert_eq!(overlay.len(), 3);
        assert_eq!(calls.load(Ordering::Relaxed), 0);
        let want: Vec<(String, i64)> = [("a", 1), ("b", 2), ("c", 3)]
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect();
        assert_eq!(listing(&overlay), want);
        assert_eq!(overlay.get("c").and_then(Value::as_int), Some(3));
        // An overlay of the overlay shares the computed entry.
        let shared = Arc::new(overlay);
        let again = Map::extending(&shared);
        assert_eq!(again.get("c").and_then(Value::as_int), Some(3));
        assert_eq!(calls.load(Ordering::Relaxed), 1, "computed once");
        // Inserting the key replaces the deferred entry.
        let mut replaced = Map::extending(&shared);
        let old = replaced.insert("c", None, Value::int(30));
        assert_eq!(old.and_then(|e| e.value.as_int()), Some(3));
        assert_eq!(replaced.len(), 3);
        assert_eq!(replaced.get("c").and_then(Value::as_int), Some(30));
    }

    #[test]
    fn a_deferred_entry_read_before_it_can_be_computed_is_passed_over_and_marked() {
        use std::sync::atomic::{AtomicBool, Ordering};
        let ready = Arc::new(AtomicBool::new(false));
        let base = Arc::new(map(&[("a", 1)]));
        let mut overlay = Map::extending(&base);
        let known = Arc::clone(&ready);
        overlay.defer("c", move || {
            known.load(Ordering::Relaxed).then(|| Value::int(3))
        });
        let overlay = Arc::new(overlay);
        let again = Map::extending(&overlay);
        let _ = take_unready();
        assert!(overlay.get("c").is_none());
        assert!(take_unready(), "the read is marked");
        assert!(!take_unready(), "taking the mark clears it");
        // Iterating passes over it, on the map and on an overlay of it.
        assert_eq!(overlay.keys().count(), 1);
        assert_eq!(again.keys().count(), 1);
        assert!(unready());
        assert!(take_unready());
        // Nothing was kept: once it can be computed, it is.
        ready.store(true, Ordering::Relaxed);
        assert_eq!(overlay.get("c").and_then(Value::as_int), Some(3));
        assert_eq!(again.get("c").and_then(Value::as_int), Some(3));
        assert_eq!(listing(&again).len(), 2);
        assert!(!take_unready(), "no read was early");
    }
}
