//! Sharing the results of user function calls across the units of one evaluation.
//!
//! Rules call the same helpers on the same entities: the pack's seven control-plane rules each
//! ask `component(c)` of every container, which splits the container's command line. Functions
//! are pure, so a call with the same arguments gives the same value; the table keeps the value
//! of calls to functions that loop over data (a comprehension or quantifier in their body) and
//! give scalars (a function that once gives a list or map is no longer looked up), keyed
//! by the function and its arguments: maps and lists by identity (the same shared node), other
//! values by content, and every argument by its span as well, since a result may carry it.
//!
//! **Results are exactly those of evaluating the call.** A call reused from the table costs the
//! steps its evaluation took, and is reused only when those steps and the call depth it reached
//! fit in the current unit's limits; otherwise it is evaluated again, so it fails exactly where
//! it would have. Calls that fail are not kept. The table lives for one evaluation and has one
//! shard per worker thread (no contention); a shard that reaches its capacity (a few calls
//! per entity, within fixed bounds) starts over.
//!
//! **Keeping must pay.** A function whose calls are rarely asked again (a helper one rule
//! calls once per container) would only cost a key, a hash and an insertion per call: once a
//! shard has kept [`TRIAL`] calls of a function and fewer than one in [`MIN_REUSE`] of them
//! were answered from the table, the function's calls are no longer kept or looked up. Which
//! calls are kept never changes a result, only the time it takes.

use foldhash::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::source::Span;
use crate::value::{ArcStr, Kind, Map, Value};

/// Calls kept per worker thread, at least: the rules over one list run before those over the
/// next (all workloads, then all containers), and a call made for a workload is reused for its
/// containers, so a shard holds more when there are more entities (see [`Memo::new`]).
const MIN_ENTRIES: usize = 64 * 1024;

/// Calls kept per worker thread, per entity of the run.
const ENTRIES_PER_ENTITY: usize = 4;

/// Calls kept per worker thread, at most (about 60 MB of table), whatever the input.
const MAX_ENTRIES: usize = 512 * 1024;

/// Calls of one function a shard keeps before judging whether keeping them pays.
const TRIAL: u32 = 2048;

/// A function's calls stay kept while the table answers at least one for this many kept.
const MIN_REUSE: u32 = 4;

/// The shared call table of one evaluation.
pub(crate) struct Memo {
    shards: Vec<Mutex<Shard>>,
    /// Calls kept per shard before it starts over.
    capacity: usize,
    /// Per function: set once a call gave a list or map (only scalar results are kept), or
    /// once keeping its calls did not pay; its calls are then neither looked up nor kept.
    /// Results do not depend on it.
    off: Vec<AtomicBool>,
    /// Per function: set once a call gave a scalar, or a list or map in too few steps to be
    /// worth keeping; its calls are then not kept by the interpreters for the next rules on
    /// the same item (`Interp::call_recent`), which share what they learn through this table.
    recent_off: Vec<AtomicBool>,
}

/// The table of one worker thread.
#[derive(Default)]
struct Shard {
    calls: HashMap<Key, Entry>,
    /// Per function: how many calls were kept, and how many lookups found one.
    uses: Vec<Uses>,
}

#[derive(Clone, Copy, Default)]
struct Uses {
    kept: u32,
    found: u32,
}

/// A kept call: its value, the steps its evaluation took and how much deeper than the call
/// itself its calls went.
#[derive(Clone)]
pub(crate) struct Entry {
    pub(crate) value: Value,
    pub(crate) steps: u64,
    pub(crate) depth: u32,
}

#[derive(PartialEq, Eq, Hash)]
pub(crate) struct Key {
    function: u32,
    args: Vec<Arg>,
}

/// One argument, by identity (maps, lists) or content (the rest), with its span.
enum Arg {
    Missing(Option<Span>),
    Null(Option<Span>),
    Bool(bool, Option<Span>),
    Int(i64, Option<Span>),
    Float(u64, Option<Span>),
    Str(ArcStr, Option<Span>),
    /// Held, so the node cannot be freed and its address reused while the table lives.
    List(Arc<Vec<Value>>, Option<Span>),
    Map(Arc<Map>, Option<Span>),
}

impl Arg {
    fn of(v: &Value) -> Arg {
        let span = v.span;
        match &v.kind {
            Kind::Missing => Arg::Missing(span),
            Kind::Null => Arg::Null(span),
            Kind::Bool(b) => Arg::Bool(*b, span),
            Kind::Int(i) => Arg::Int(*i, span),
            Kind::Float(f) => Arg::Float(f.to_bits(), span),
            Kind::Str(s) => Arg::Str(s.clone(), span),
            Kind::List(l) => Arg::List(Arc::clone(l), span),
            Kind::Map(m) => Arg::Map(Arc::clone(m), span),
        }
    }

    fn tag(&self) -> (u8, Option<Span>) {
        match self {
            Arg::Missing(s) => (0, *s),
            Arg::Null(s) => (1, *s),
            Arg::Bool(_, s) => (2, *s),
            Arg::Int(_, s) => (3, *s),
            Arg::Float(_, s) => (4, *s),
            Arg::Str(_, s) => (5, *s),
            Arg::List(_, s) => (6, *s),
            Arg::Map(_, s) => (7, *s),
        }
    }
}

impl PartialEq for Arg {
    fn eq(&self, other: &Arg) -> bool {
        self.tag() == other.tag()
            && match (self, other) {
                (Arg::Bool(a, _), Arg::Bool(b, _)) => a == b,
                (Arg::Int(a, _), Arg::Int(b, _)) => a == b,
                (Arg::Float(a, _), Arg::Float(b, _)) => a == b,
                (Arg::Str(a, _), Arg::Str(b, _)) => a == b,
                (Arg::List(a, _), Arg::List(b, _)) => Arc::ptr_eq(a, b),
                (Arg::Map(a, _), Arg::Map(b, _)) => Arc::ptr_eq(a, b),
                _ => true,
            }
    }
}

impl Eq for Arg {}

/// Whether two calls' arguments are the same for a pure function, by the rule of [`Arg`]'s
/// equality (maps and lists the same node, other values equal, and the same spans), read off
/// the values without building keys: what `Interp::call_recent` compares.
pub(crate) fn same_args(a: &[Value], b: &[Value]) -> bool {
    a.iter().zip(b).all(|(x, y)| {
        x.span == y.span
            && match (&x.kind, &y.kind) {
                (Kind::List(p), Kind::List(q)) => Arc::ptr_eq(p, q),
                (Kind::Map(p), Kind::Map(q)) => Arc::ptr_eq(p, q),
                (Kind::Str(p), Kind::Str(q)) => p == q,
                (Kind::Missing, Kind::Missing) | (Kind::Null, Kind::Null) => true,
                (Kind::Bool(p), Kind::Bool(q)) => p == q,
                (Kind::Int(p), Kind::Int(q)) => p == q,
                (Kind::Float(p), Kind::Float(q)) => p.to_bits() == q.to_bits(),
                _ => false,
            }
    })
}

impl Hash for Arg {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.tag().hash(state);
        match self {
            Arg::Bool(b, _) => b.hash(state),
            Arg::Int(i, _) => i.hash(state),
            Arg::Float(f, _) => f.hash(state),
            Arg::Str(s, _) => s.hash(state),
            Arg::List(l, _) => std::ptr::hash(Arc::as_ptr(l), state),
            Arg::Map(m, _) => std::ptr::hash(Arc::as_ptr(m), state),
            Arg::Missing(_) | Arg::Null(_) => {}
        }
    }
}

impl Key {
    pub(crate) fn new(function: u32, args: &[Value]) -> Key {
        Key {
            function,
            args: args.iter().map(Arg::of).collect(),
        }
    }
}

impl Memo {
    /// A table for a program of `functions` functions evaluated over `entities` entities.
    pub(crate) fn new(functions: usize, entities: usize) -> Memo {
        let threads = rayon::current_num_threads() + 1;
        Memo {
            shards: (0..threads)
                .map(|_| {
                    Mutex::new(Shard {
                        calls: HashMap::default(),
                        uses: vec![Uses::default(); functions],
                    })
                })
                .collect(),
            capacity: entities
                .saturating_mul(ENTRIES_PER_ENTITY)
                .clamp(MIN_ENTRIES, MAX_ENTRIES),
            off: (0..functions).map(|_| AtomicBool::new(false)).collect(),
            recent_off: (0..functions).map(|_| AtomicBool::new(false)).collect(),
        }
    }

    /// Whether interpreters keep the last calls of function `id` for the next rules.
    pub(crate) fn keeps_recent(&self, id: u32) -> bool {
        !is_set(&self.recent_off, id)
    }

    /// Stops the interpreters keeping the calls of function `id` for the next rules.
    pub(crate) fn stop_keeping_recent(&self, id: u32) {
        set(&self.recent_off, id);
    }

    /// Whether calls of function `id` are looked up and kept.
    pub(crate) fn keeps(&self, id: u32) -> bool {
        !is_set(&self.off, id)
    }

    /// Stops looking up and keeping the calls of function `id`: one gave a list or map, or
    /// keeping them did not pay.
    pub(crate) fn stop_keeping(&self, id: u32) {
        set(&self.off, id);
    }

    /// The shard of the calling thread (the last one for threads outside the pool).
    fn shard(&self) -> Option<&Mutex<Shard>> {
        let i = rayon::current_thread_index().unwrap_or(self.shards.len() - 1);
        self.shards.get(i).or(self.shards.last())
    }

    /// Drops the calls the calling thread's shard keeps (what it learned of which functions
    /// are worth keeping stays): their arguments no longer pin the values they were made on.
    pub(crate) fn forget_thread(&self) {
        if let Some(Ok(mut shard)) = self.shard().map(Mutex::lock) {
            shard.calls.clear();
        }
    }

    pub(crate) fn get(&self, key: &Key) -> Option<Entry> {
        let mut shard = self.shard()?.lock().ok()?;
        let found = shard.calls.get(key).cloned()?;
        if let Some(uses) = shard.uses.get_mut(key.function as usize) {
            uses.found = uses.found.saturating_add(1);
        }
        Some(found)
    }

    pub(crate) fn put(&self, key: Key, entry: Entry) {
        let Some(Ok(mut shard)) = self.shard().map(Mutex::lock) else {
            return;
        };
        if let Some(uses) = shard.uses.get_mut(key.function as usize) {
            uses.kept = uses.kept.saturating_add(1);
            if uses.kept >= TRIAL && uses.found < uses.kept / MIN_REUSE {
                drop(shard);
                self.stop_keeping(key.function);
                return;
            }
        }
        if shard.calls.len() >= self.capacity {
            // Start over rather than stop keeping: units run entity by entity, so the
            // calls worth keeping are the recent ones.
            shard.calls.clear();
        }
        shard.calls.insert(key, entry);
    }
}

/// Whether the flag of function `id` is set (a function out of range counts as set: nothing
/// is kept for it).
fn is_set(flags: &[AtomicBool], id: u32) -> bool {
    flags
        .get(id as usize)
        .is_none_or(|g| g.load(Ordering::Relaxed))
}

/// Sets the flag of function `id`.
fn set(flags: &[AtomicBool], id: u32) {
    if let Some(g) = flags.get(id as usize) {
        g.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(i: i64) -> Entry {
        Entry {
            value: Value::int(i),
            steps: 1,
            depth: 0,
        }
    }

    #[test]
    fn a_full_shard_starts_over_and_keeps_the_latest_calls() {
        let memo = Memo::new(1, 0);
        let key = |i: i64| Key::new(0, &[Value::int(i)]);
        let n = i64::try_from(MIN_ENTRIES).unwrap_or(i64::MAX);
        for i in 0..n {
            memo.put(key(i), entry(i));
            // Asked again, so keeping pays.
            assert!(memo.get(&key(i)).is_some());
        }
        assert!(memo.get(&key(0)).is_some(), "kept while not full");
        memo.put(key(n), entry(n));
        assert!(memo.get(&key(0)).is_none(), "started over");
        assert_eq!(memo.get(&key(n)).map(|e| e.value.as_int()), Some(Some(n)));
    }

    #[test]
    fn a_function_whose_calls_are_not_asked_again_is_no_longer_kept() {
        let memo = Memo::new(2, 0);
        let key = |f: u32, i: i64| Key::new(f, &[Value::int(i)]);
        for i in 0..i64::from(TRIAL) * 2 {
            // Function 0: every call asked again; function 1: never.
            memo.put(key(0, i), entry(i));
            assert!(memo.get(&key(0, i)).is_some());
            memo.put(key(1, i), entry(i));
        }
        assert!(memo.keeps(0));
        assert!(!memo.keeps(1));
        // Its calls kept during the trial stay answerable, and give what they gave.
        assert_eq!(
            memo.get(&key(1, 0)).map(|e| e.value.as_int()),
            Some(Some(0))
        );
    }
}
