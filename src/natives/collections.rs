//! `std.collections`: lists as sets, map surgery, counting, indexing and zipping.
//!
//! Set operations compare items like `==` (so `1` and `1.0` are equal), return each item once
//! and keep the order of their first argument. Items and map values keep their source locations.

use crate::types::Ty;
use crate::value::{Map, Value};

use super::args::{arity, count, first_missing, list, map, string, string_list};
use super::set::ValueSet;
use super::{Native, NativeError, Param};

const MODULE: &str = "std.collections";

const fn pair(a: &'static str, ta: Ty, b: &'static str, tb: Ty) -> [Param; 2] {
    [Param { name: a, ty: ta }, Param { name: b, ty: tb }]
}

const LIST_ITEMS: &[Param] = &pair("list", Ty::List, "items", Ty::List);
const A_B: &[Param] = &pair("a", Ty::List, "b", Ty::List);
const MAP_KEYS: &[Param] = &pair("m", Ty::Map, "keys", Ty::List);
const VALUE_KEYS: &[Param] = &pair("value", Ty::Any, "keys", Ty::List);

pub(crate) static NATIVES: &[Native] = &[
    Native {
        module: MODULE,
        name: "contains_all",
        params: LIST_ITEMS,
        returns: Ty::Bool,
        doc: "Whether every one of `items` is in `list`.\n\n\
              True when `items` is empty. A missing argument gives missing; non-lists are an \
              error.\n\n\
              Example: `contains_all([\"ALL\", \"NET_RAW\"], [\"ALL\"])` → `true`",
        func: contains_all,
    },
    Native {
        module: MODULE,
        name: "contains_any",
        params: LIST_ITEMS,
        returns: Ty::Bool,
        doc: "Whether at least one of `items` is in `list`.\n\n\
              False when `items` is empty. A missing argument gives missing; non-lists are an \
              error.\n\n\
              Example: `contains_any([\"SYS_ADMIN\"], [\"SYS_ADMIN\", \"NET_ADMIN\"])` → `true`",
        func: contains_any,
    },
    Native {
        module: MODULE,
        name: "intersection",
        params: A_B,
        returns: Ty::List,
        doc: "The items of `a` that are also in `b`, each once, in the order of `a`.\n\n\
              A missing argument gives missing; non-lists are an error.\n\n\
              Example: `intersection([1, 2, 3, 2], [2, 3, 4])` → `[2, 3]`",
        func: intersection,
    },
    Native {
        module: MODULE,
        name: "difference",
        params: A_B,
        returns: Ty::List,
        doc: "The items of `a` that are not in `b`, each once, in the order of `a`.\n\n\
              A missing argument gives missing; non-lists are an error.\n\n\
              Example: `difference([\"ALL\", \"NET_RAW\"], [\"NET_RAW\"])` → `[\"ALL\"]`",
        func: difference,
    },
    Native {
        module: MODULE,
        name: "union",
        params: A_B,
        returns: Ty::List,
        doc: "The items of `a` then those of `b` not already seen, each once.\n\n\
              A missing argument gives missing; non-lists are an error.\n\n\
              Example: `union([1, 2], [2, 3])` → `[1, 2, 3]`",
        func: union,
    },
    Native {
        module: MODULE,
        name: "merge",
        params: &pair("m1", Ty::Map, "m2", Ty::Map),
        returns: Ty::Map,
        doc: "The entries of `m1` and `m2`; where both have a key, `m2`'s value wins.\n\n\
              Keys keep `m1`'s order, then `m2`'s new keys follow. Shallow: nested maps are \
              replaced, not merged. A missing argument gives missing.\n\n\
              Example: `merge({\"a\": 1, \"b\": 2}, {\"b\": 3})` → `{\"a\": 1, \"b\": 3}`",
        func: merge,
    },
    Native {
        module: MODULE,
        name: "pick",
        params: MAP_KEYS,
        returns: Ty::Map,
        doc: "The entries of `m` whose keys are listed in `keys`, in the order of `keys`.\n\n\
              Keys absent from `m` are skipped. `keys` must be a list of strings; a missing \
              argument gives missing.\n\n\
              Example: `pick({\"a\": 1, \"b\": 2}, [\"b\", \"z\"])` → `{\"b\": 2}`",
        func: pick,
    },
    Native {
        module: MODULE,
        name: "omit",
        params: MAP_KEYS,
        returns: Ty::Map,
        doc: "The entries of `m` whose keys are not listed in `keys`, in the order of `m`.\n\n\
              `keys` must be a list of strings; a missing argument gives missing.\n\n\
              Example: `omit({\"a\": 1, \"b\": 2}, [\"a\"])` → `{\"b\": 2}`",
        func: omit,
    },
    Native {
        module: MODULE,
        name: "count_of",
        params: &pair("list", Ty::List, "value", Ty::Any),
        returns: Ty::Int,
        doc: "How many items of `list` equal `value`.\n\n\
              Items compare like `==`. A missing argument gives missing; a non-list is an \
              error.\n\n\
              Example: `count_of([\"tcp\", \"udp\", \"tcp\"], \"tcp\")` → `2`",
        func: count_of,
    },
    Native {
        module: MODULE,
        name: "index_by",
        params: &pair("list", Ty::List, "field", Ty::String),
        returns: Ty::Map,
        doc: "A map from each item's `field` (a string) to the item, the first item winning.\n\n\
              Items that are not maps, lack the field or have a non-string value there are \
              skipped. A missing argument gives missing.\n\n\
              Example: `index_by([{\"name\": \"a\", \"v\": 1}], \"name\")` → `{\"a\": {\"name\": \"a\", \"v\": 1}}`",
        func: index_by,
    },
    Native {
        module: MODULE,
        name: "group_by",
        params: &pair("list", Ty::List, "field", Ty::String),
        returns: Ty::Map,
        doc: "A map from each value of the items' `field` (a string) to the items that have it, \
              in list order; keys in order of first appearance.\n\n\
              Items that are not maps, lack the field or have a non-string value there are \
              skipped. A missing argument gives missing. One pass over the list: a constant \
              `group_by(k8s.objects, \"kind\")` serves every rule that wants the objects of \
              one kind.\n\n\
              Example: `group_by([{\"k\": \"a\", \"v\": 1}, {\"k\": \"b\"}, {\"k\": \"a\", \"v\": 2}], \"k\")` → \
              `{\"a\": [{\"k\": \"a\", \"v\": 1}, {\"k\": \"a\", \"v\": 2}], \"b\": [{\"k\": \"b\"}]}`",
        func: group_by,
    },
    Native {
        module: MODULE,
        name: "zip",
        params: A_B,
        returns: Ty::List,
        doc: "Pairs `[a[i], b[i]]` of items at the same position.\n\n\
              Stops at the end of the shorter list. A missing argument gives missing; non-lists \
              are an error.\n\n\
              Example: `zip([\"a\", \"b\"], [1, 2, 3])` → `[[\"a\", 1], [\"b\", 2]]`",
        func: zip,
    },
    Native {
        module: MODULE,
        name: "find_keys",
        params: VALUE_KEYS,
        returns: Ty::List,
        doc: "Every value stored under one of `keys` in any map inside `value`, at any depth.\n\n\
              Maps and lists are searched all the way down, the values found included; each \
              value keeps its source location, so a rule can point at it. For each map, its own \
              matches come first (in the order they are written), then those inside its values, in \
              document order. A value that is neither a map nor a list gives `[]`; missing \
              gives missing. Much cheaper than a recursive function over a large document, and \
              cheaper still on a YAML document's root (`d.value`), which knows whether any of \
              `keys` is in it at all.\n\n\
              Example: `find_keys({a: {insecure: true}, b: [{insecure: false}]}, [\"insecure\"])` \
              → `[true, false]`",
        func: find_keys,
    },
];

/// Applies `f` to the two list arguments, or passes a missing argument through.
fn with_lists(
    args: &[Value],
    f: impl FnOnce(&[Value], &[Value]) -> Value,
) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [a, b] = arity(args)?;
    Ok(f(list(0, a)?, list(1, b)?))
}

fn contains_all(args: &[Value]) -> Result<Value, NativeError> {
    with_lists(args, |l, items| {
        let set = ValueSet::from_values(l);
        Value::bool(items.iter().all(|i| set.contains(i)))
    })
}

fn contains_any(args: &[Value]) -> Result<Value, NativeError> {
    with_lists(args, |l, items| {
        let set = ValueSet::from_values(l);
        Value::bool(items.iter().any(|i| set.contains(i)))
    })
}

fn intersection(args: &[Value]) -> Result<Value, NativeError> {
    with_lists(args, |a, b| {
        let other = ValueSet::from_values(b);
        let mut seen = ValueSet::new();
        Value::list(
            a.iter()
                .filter(|v| other.contains(v) && seen.insert(v))
                .cloned()
                .collect(),
        )
    })
}

fn difference(args: &[Value]) -> Result<Value, NativeError> {
    with_lists(args, |a, b| {
        let other = ValueSet::from_values(b);
        let mut seen = ValueSet::new();
        Value::list(
            a.iter()
                .filter(|v| !other.contains(v) && seen.insert(v))
                .cloned()
                .collect(),
        )
    })
}

fn union(args: &[Value]) -> Result<Value, NativeError> {
    with_lists(args, |a, b| {
        let mut seen = ValueSet::new();
        Value::list(
            a.iter()
                .chain(b.iter())
                .filter(|v| seen.insert(v))
                .cloned()
                .collect(),
        )
    })
}

fn merge(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [a, b] = arity(args)?;
    let (a, b) = (map(0, a)?, map(1, b)?);
    let mut out = a.clone();
    for (k, e) in b.entries() {
        out.insert(k.clone(), e.key_span(), e.value.clone());
    }
    Ok(Value::map(out))
}

fn pick(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [m, keys] = arity(args)?;
    let (m, keys) = (map(0, m)?, string_list(1, keys)?);
    let mut out = Map::with_capacity(keys.len());
    for k in keys {
        if let Some(e) = m.get_entry(k) {
            out.insert(k, e.key_span(), e.value.clone());
        }
    }
    Ok(Value::map(out))
}

fn omit(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [m, keys] = arity(args)?;
    let (m, keys) = (map(0, m)?, string_list(1, keys)?);
    let mut out = Map::new();
    for (k, e) in m.entries() {
        if !keys.contains(&&**k) {
            out.insert(k.clone(), e.key_span(), e.value.clone());
        }
    }
    Ok(Value::map(out))
}

fn count_of(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [l, v] = arity(args)?;
    Ok(count(list(0, l)?.iter().filter(|i| i.equals(v)).count()))
}

fn index_by(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [l, field] = arity(args)?;
    let (l, field) = (list(0, l)?, string(1, field)?);
    let mut out = Map::new();
    for item in l {
        let Some(entry) = item.as_map().and_then(|m| m.get_entry(field)) else {
            continue;
        };
        if let Some(key) = entry.value.as_str() {
            if !out.contains_key(key) {
                out.insert(key, entry.value.span, item.clone());
            }
        }
    }
    Ok(Value::map(out))
}

fn group_by(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [l, field] = arity(args)?;
    let (l, field) = (list(0, l)?, string(1, field)?);
    // A long list (every Kubernetes object of a run, say) is grouped in runs in parallel,
    // then the runs' groups merged in order: the same keys in the same order, the same items.
    let groups = if l.len() >= PARALLEL_GROUPING {
        use rayon::prelude::*;
        let runs: Vec<Groups<'_>> = l
            .par_chunks(GROUPING_RUN)
            .map(|run| Groups::of(run, field))
            .collect();
        let mut all = Groups::default();
        for run in runs {
            all.merge(run);
        }
        all
    } else {
        Groups::of(l, field)
    };
    let mut out = Map::with_capacity(groups.0.len());
    for (key, (span, items)) in groups.0 {
        out.insert(key, span, Value::list(items));
    }
    Ok(Value::map(out))
}

/// Lists at least this long are grouped in parallel runs by `group_by`: two runs. (The full
/// pack groups its 7,536 unzoned workloads at 10k by namespace in a wave of constants of its
/// own; at 8,192 that took one core 3-4 ms while the other waited.)
const PARALLEL_GROUPING: usize = 2 * GROUPING_RUN;

/// Items per run of a parallel `group_by`.
const GROUPING_RUN: usize = 2048;

/// The groups of `group_by`: keys in order of first appearance, each with the span of its
/// first value and its items in list order.
#[derive(Default)]
struct Groups<'a>(
    indexmap::IndexMap<
        &'a str,
        (Option<crate::source::Span>, Vec<Value>),
        foldhash::fast::RandomState,
    >,
);

impl<'a> Groups<'a> {
    /// The groups of `items` by the string value of their `field`.
    fn of(items: &'a [Value], field: &str) -> Groups<'a> {
        let mut out = Groups::default();
        for item in items {
            let Some(entry) = item.as_map().and_then(|m| m.get_entry(field)) else {
                continue;
            };
            let Some(key) = entry.value.as_str() else {
                continue;
            };
            out.add(key, entry.value.span, [item.clone()]);
        }
        out
    }

    /// Adds `items` to `key`'s group, which starts (with `span`) if it is new.
    fn add(
        &mut self,
        key: &'a str,
        span: Option<crate::source::Span>,
        items: impl IntoIterator<Item = Value>,
    ) {
        self.0
            .entry(key)
            .or_insert_with(|| (span, Vec::new()))
            .1
            .extend(items);
    }

    /// Appends the groups of the items that follow these.
    fn merge(&mut self, next: Groups<'a>) {
        for (key, (span, items)) in next.0 {
            self.add(key, span, items);
        }
    }
}

fn zip(args: &[Value]) -> Result<Value, NativeError> {
    with_lists(args, |a, b| {
        Value::list(
            a.iter()
                .zip(b.iter())
                .map(|(x, y)| Value::list(vec![x.clone(), y.clone()]))
                .collect(),
        )
    })
}

fn find_keys(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [value, keys] = arity(args)?;
    let keys = string_list(1, keys)?;
    let mut found = Vec::new();
    // A document's root knows the keys below it: most documents hold none of those asked.
    if let Some(m) = value.as_map() {
        if !keys.iter().any(|k| m.may_hold_below(k)) {
            return Ok(Value::list(found));
        }
    }
    // Depth first, with an explicit stack of the containers being read (documents may be
    // deeply nested) and no allocation per node. A map's matching values are taken when the
    // walk enters it, before its children: in document order.
    let mut stack: Vec<Open<'_>> = Vec::new();
    open(value, &keys, &mut stack, &mut found);
    while let Some(top) = stack.last_mut() {
        let next = match top {
            Open::Map(entries) => entries.next().map(|(_, e)| &e.value),
            Open::List(items) => items.next(),
        };
        match next {
            Some(child) => open(child, &keys, &mut stack, &mut found),
            None => {
                stack.pop();
            }
        }
    }
    Ok(Value::list(found))
}

/// A container [`find_keys`] is reading.
enum Open<'a> {
    Map(crate::value::Entries<'a>),
    List(std::slice::Iter<'a, Value>),
}

/// Enters `v` for [`find_keys`]: takes a map's values under `keys`, and stacks a map or list
/// so that its children are read next.
fn open<'a>(v: &'a Value, keys: &[&str], stack: &mut Vec<Open<'a>>, found: &mut Vec<Value>) {
    if let Some(m) = v.as_map() {
        found.extend(
            m.iter()
                .filter(|(k, _)| keys.contains(&&***k))
                .map(|(_, v)| v.clone()),
        );
        stack.push(Open::Map(m.entries()));
    } else if let Some(items) = v.as_list() {
        stack.push(Open::List(items.iter()));
    }
}
