//! `std.core`: the prelude — sizes, presence, conversions and list basics, visible without import.

use crate::types::Ty;
use crate::value::{Kind, Value};

use super::args::{arity, count, first_missing, int, list, map, new_str, type_error};
use super::set;
use super::{Native, NativeError, Param};

const MODULE: &str = "std.core";

/// The most elements `range` builds.
const MAX_RANGE: i128 = 1_000_000;

const X: &[Param] = &[Param {
    name: "x",
    ty: Ty::Any,
}];
const LIST: &[Param] = &[Param {
    name: "list",
    ty: Ty::List,
}];
const MAP: &[Param] = &[Param {
    name: "m",
    ty: Ty::Map,
}];

pub(crate) static NATIVES: &[Native] = &[
    Native {
        module: MODULE,
        name: "len",
        params: X,
        returns: Ty::Int,
        doc: "The number of items in a list or map, or of characters in a string.\n\n\
              `missing` and `null` count as empty, so `len` of an absent field is `0`. \
              Other types are an error.\n\n\
              Example: `len([\"a\", \"b\"])` → `2`",
        func: len,
    },
    Native {
        module: MODULE,
        name: "present",
        params: X,
        returns: Ty::Bool,
        doc: "Whether a value is present, i.e. not missing.\n\n\
              `null` is present: it was written in the input. Use `default` to treat null as absent.\n\n\
              Example: `present(c.securityContext)` → `false` when the container has none",
        func: present,
    },
    Native {
        module: MODULE,
        name: "is_null",
        params: X,
        returns: Ty::Bool,
        doc: "Whether a value is `null` (written as `null`, `~` or an empty YAML value).\n\n\
              A missing value is not null, so `is_null` of an absent field is `false`.\n\n\
              Example: `is_null(null)` → `true`",
        func: is_null,
    },
    Native {
        module: MODULE,
        name: "default",
        params: &[
            Param {
                name: "x",
                ty: Ty::Any,
            },
            Param {
                name: "fallback",
                ty: Ty::Any,
            },
        ],
        returns: Ty::Any,
        doc: "`x` when it is present and not null, otherwise `fallback`.\n\n\
              `x` is returned unchanged, with its source location.\n\n\
              Example: `default(c.imagePullPolicy, \"IfNotPresent\")` → `\"IfNotPresent\"` when absent",
        func: default,
    },
    Native {
        module: MODULE,
        name: "type_of",
        params: X,
        returns: Ty::String,
        doc: "The type of a value: `missing`, `null`, `bool`, `int`, `float`, `string`, `list` or `map`.\n\n\
              Never fails; a missing argument gives `\"missing\"`.\n\n\
              Example: `type_of(502)` → `\"int\"`",
        func: type_of,
    },
    Native {
        module: MODULE,
        name: "keys",
        params: MAP,
        returns: Ty::List,
        doc: "The keys of a map, in document order.\n\n\
              Each key keeps the location where it was written. A missing map gives missing; \
              other types are an error.\n\n\
              Example: `keys({\"a\": 1, \"b\": 2})` → `[\"a\", \"b\"]`",
        func: keys,
    },
    Native {
        module: MODULE,
        name: "values",
        params: MAP,
        returns: Ty::List,
        doc: "The values of a map, in document order.\n\n\
              Values keep their source locations. A missing map gives missing; other types are \
              an error.\n\n\
              Example: `values({\"a\": 1, \"b\": 2})` → `[1, 2]`",
        func: values,
    },
    Native {
        module: MODULE,
        name: "to_string",
        params: X,
        returns: Ty::String,
        doc: "A value as a string: strings unchanged, everything else as JSON.\n\n\
              `null` gives `\"null\"`; a missing argument gives missing.\n\n\
              Example: `to_string(8080)` → `\"8080\"`",
        func: to_string,
    },
    Native {
        module: MODULE,
        name: "to_int",
        params: X,
        returns: Ty::Int,
        doc: "An int from an int, a float (truncated toward zero) or a numeric string.\n\n\
              Strings are trimmed first; `\"1.9\"` gives `1`. Non-numeric strings, non-finite or \
              out-of-range floats and other types are an error. Missing gives missing.\n\n\
              Example: `to_int(\"8080\")` → `8080`",
        func: to_int,
    },
    Native {
        module: MODULE,
        name: "to_float",
        params: X,
        returns: Ty::Float,
        doc: "A float from an int, a float or a numeric string.\n\n\
              Strings are trimmed first. Non-numeric strings and other types are an error. \
              Missing gives missing.\n\n\
              Example: `to_float(\"0.5\")` → `0.5`",
        func: to_float,
    },
    Native {
        module: MODULE,
        name: "sort",
        params: LIST,
        returns: Ty::List,
        doc: "The items of a list in ascending order.\n\n\
              Numbers compare numerically and strings by code point; mixed types are ordered \
              null < bool < number < string < list < map. The sort is stable and items keep \
              their source locations.\n\n\
              Example: `sort([3, 1, 2])` → `[1, 2, 3]`",
        func: sort,
    },
    Native {
        module: MODULE,
        name: "unique",
        params: LIST,
        returns: Ty::List,
        doc: "The items of a list without repeats, keeping first occurrences in order.\n\n\
              Items compare like `==` (so `1` and `1.0` are the same) and keep their source \
              locations.\n\n\
              Example: `unique([\"a\", \"b\", \"a\"])` → `[\"a\", \"b\"]`",
        func: unique,
    },
    Native {
        module: MODULE,
        name: "sum",
        params: LIST,
        returns: Ty::Number,
        doc: "The sum of a list of numbers.\n\n\
              An empty list sums to `0`. The result is an int when every item is an int, a float \
              otherwise; int overflow and non-numeric items are errors.\n\n\
              Example: `sum([1, 2, 3])` → `6`",
        func: sum,
    },
    Native {
        module: MODULE,
        name: "min",
        params: LIST,
        returns: Ty::Any,
        doc: "The smallest item of a list, in the order `sort` uses.\n\n\
              An empty list gives missing. The item keeps its source location.\n\n\
              Example: `min([3, 1, 2])` → `1`",
        func: min,
    },
    Native {
        module: MODULE,
        name: "max",
        params: LIST,
        returns: Ty::Any,
        doc: "The largest item of a list, in the order `sort` uses.\n\n\
              An empty list gives missing. The item keeps its source location.\n\n\
              Example: `max([3, 1, 2])` → `3`",
        func: max,
    },
    Native {
        module: MODULE,
        name: "abs",
        params: &[Param {
            name: "n",
            ty: Ty::Number,
        }],
        returns: Ty::Number,
        doc: "The absolute value of a number.\n\n\
              Ints stay ints (the smallest int is an overflow error); floats stay floats.\n\n\
              Example: `abs(-3)` → `3`",
        func: abs,
    },
    Native {
        module: MODULE,
        name: "flatten",
        params: LIST,
        returns: Ty::List,
        doc: "A list with its nested lists spliced in, one level deep.\n\n\
              Items that are not lists are kept as they are.\n\n\
              Example: `flatten([[1, 2], 3, [[4]]])` → `[1, 2, 3, [4]]`",
        func: flatten,
    },
    Native {
        module: MODULE,
        name: "concat",
        params: &[
            Param {
                name: "a",
                ty: Ty::List,
            },
            Param {
                name: "b",
                ty: Ty::List,
            },
        ],
        returns: Ty::List,
        doc: "The items of `a` followed by the items of `b`.\n\n\
              Missing gives missing; arguments other than lists are an error.\n\n\
              Example: `concat([1], [2, 3])` → `[1, 2, 3]`",
        func: concat,
    },
    Native {
        module: MODULE,
        name: "range",
        params: &[
            Param {
                name: "start",
                ty: Ty::Int,
            },
            Param {
                name: "end",
                ty: Ty::Int,
            },
        ],
        returns: Ty::List,
        doc: "The ints from `start` up to but not including `end`.\n\n\
              Empty when `end <= start`. More than 1,000,000 elements is an error.\n\n\
              Example: `range(1, 4)` → `[1, 2, 3]`",
        func: range,
    },
    Native {
        module: MODULE,
        name: "get",
        params: &[
            Param {
                name: "m",
                ty: Ty::Any,
            },
            Param {
                name: "key",
                ty: Ty::Any,
            },
            Param {
                name: "fallback",
                ty: Ty::Any,
            },
        ],
        returns: Ty::Any,
        doc: "The value at `key` in a map (or at an int index in a list), or `fallback` when absent.\n\n\
              A missing or null container also gives `fallback`; a key that is present with a \
              `null` value gives `null`. Negative list indexes count from the end. The value \
              keeps its source location.\n\n\
              Example: `get(labels, \"zone\", \"none\")` → `\"none\"` when there is no `zone` label",
        func: get,
    },
];

fn len(args: &[Value]) -> Result<Value, NativeError> {
    let [x] = arity(args)?;
    match &x.kind {
        Kind::Missing | Kind::Null => Ok(Value::int(0)),
        Kind::List(l) => Ok(count(l.len())),
        Kind::Map(m) => Ok(count(m.len())),
        Kind::Str(s) => Ok(count(s.chars().count())),
        _ => Err(type_error(0, "a list, map or string", x)),
    }
}

fn present(args: &[Value]) -> Result<Value, NativeError> {
    let [x] = arity(args)?;
    Ok(Value::bool(!x.is_missing()))
}

fn is_null(args: &[Value]) -> Result<Value, NativeError> {
    let [x] = arity(args)?;
    Ok(Value::bool(x.is_null()))
}

fn default(args: &[Value]) -> Result<Value, NativeError> {
    let [x, fallback] = arity(args)?;
    if x.is_missing() || x.is_null() {
        Ok(fallback.clone())
    } else {
        Ok(x.clone())
    }
}

fn type_of(args: &[Value]) -> Result<Value, NativeError> {
    let [x] = arity(args)?;
    let name = x.type_name().name();
    Ok(Value::new(Kind::Str(name)))
}

fn keys(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [m] = arity(args)?;
    let m = map(0, m)?;
    Ok(Value::list(
        m.entries()
            .map(|(k, e)| Value {
                kind: Kind::Str(k.clone()),
                span: e.key_span(),
            })
            .collect(),
    ))
}

fn values(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [m] = arity(args)?;
    let m = map(0, m)?;
    Ok(Value::list(m.iter().map(|(_, v)| v.clone()).collect()))
}

fn to_string(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [x] = arity(args)?;
    // A string is its own text: shared, not copied.
    Ok(match &x.kind {
        Kind::Str(s) => Value::str(s.clone()),
        _ => new_str(x.display()),
    })
}

/// Whether `f` truncates to an `i64` (the bounds are exactly -2^63 and 2^63).
fn float_fits_int(f: f64) -> bool {
    (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f)
}

fn to_int(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [x] = arity(args)?;
    let from_float = |f: f64| {
        if float_fits_int(f) {
            Ok(Value::int(f.trunc() as i64))
        } else {
            Err(NativeError::arg(0, format!("`{f}` does not fit in an int")))
        }
    };
    match &x.kind {
        Kind::Int(i) => Ok(Value::int(*i)),
        Kind::Float(f) => from_float(*f),
        Kind::Str(s) => {
            let t = s.trim();
            if let Ok(i) = t.parse::<i64>() {
                return Ok(Value::int(i));
            }
            match t.parse::<f64>() {
                Ok(f) if f.is_finite() => from_float(f),
                _ => Err(NativeError::arg(
                    0,
                    format!("cannot convert `{s}` to an int"),
                )),
            }
        }
        _ => Err(type_error(0, "a number or a numeric string", x)),
    }
}

fn to_float(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [x] = arity(args)?;
    match &x.kind {
        Kind::Int(i) => Ok(Value::float(*i as f64)),
        Kind::Float(f) => Ok(Value::float(*f)),
        Kind::Str(s) => match s.trim().parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::float(f)),
            _ => Err(NativeError::arg(
                0,
                format!("cannot convert `{s}` to a float"),
            )),
        },
        _ => Err(type_error(0, "a number or a numeric string", x)),
    }
}

fn sort(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [l] = arity(args)?;
    let mut items = list(0, l)?.to_vec();
    items.sort_by(Value::compare);
    Ok(Value::list(items))
}

fn unique(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [l] = arity(args)?;
    Ok(Value::list(set::unique(list(0, l)?)))
}

fn sum(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [l] = arity(args)?;
    let mut int_total: Option<i64> = Some(0);
    let mut float_total = 0.0;
    for (n, item) in list(0, l)?.iter().enumerate() {
        match item.kind {
            Kind::Int(i) => {
                int_total = match int_total {
                    Some(t) => Some(
                        t.checked_add(i)
                            .ok_or_else(|| NativeError::arg(0, "integer overflow in `sum`"))?,
                    ),
                    None => None,
                };
                float_total += i as f64;
            }
            Kind::Float(f) => {
                int_total = None;
                float_total += f;
            }
            _ => {
                return Err(NativeError::arg(
                    0,
                    format!(
                        "expected a list of numbers, found {} at index {n}",
                        item.type_name()
                    ),
                ))
            }
        }
    }
    Ok(int_total.map_or(Value::float(float_total), Value::int))
}

fn extreme(args: &[Value], want: std::cmp::Ordering) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [l] = arity(args)?;
    let mut best: Option<&Value> = None;
    for item in list(0, l)? {
        best = match best {
            Some(b) if item.compare(b) != want => Some(b),
            _ => Some(item),
        };
    }
    Ok(best.cloned().unwrap_or_else(|| Value::missing_at(l.span)))
}

fn min(args: &[Value]) -> Result<Value, NativeError> {
    extreme(args, std::cmp::Ordering::Less)
}

fn max(args: &[Value]) -> Result<Value, NativeError> {
    extreme(args, std::cmp::Ordering::Greater)
}

fn abs(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [n] = arity(args)?;
    match n.kind {
        Kind::Int(i) => i
            .checked_abs()
            .map(Value::int)
            .ok_or_else(|| NativeError::arg(0, "integer overflow in `abs`")),
        Kind::Float(f) => Ok(Value::float(f.abs())),
        _ => Err(type_error(0, "a number", n)),
    }
}

fn flatten(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [l] = arity(args)?;
    let mut out = Vec::new();
    for item in list(0, l)? {
        match item.as_list() {
            Some(inner) => out.extend(inner.iter().cloned()),
            None => out.push(item.clone()),
        }
    }
    Ok(Value::list(out))
}

fn concat(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [a, b] = arity(args)?;
    let (a, b) = (list(0, a)?, list(1, b)?);
    let mut out = Vec::with_capacity(a.len() + b.len());
    out.extend(a.iter().cloned());
    out.extend(b.iter().cloned());
    Ok(Value::list(out))
}

fn range(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [start, end] = arity(args)?;
    let (start, end) = (int(0, start)?, int(1, end)?);
    let n = i128::from(end) - i128::from(start);
    if n > MAX_RANGE {
        return Err(NativeError::new(format!(
            "`range` would build {n} elements; the limit is {MAX_RANGE}"
        )));
    }
    Ok(Value::list((start..end).map(Value::int).collect()))
}

fn get(args: &[Value]) -> Result<Value, NativeError> {
    let [container, key, fallback] = arity(args)?;
    if key.is_missing() {
        return Ok(key.clone());
    }
    let found = match (&container.kind, &key.kind) {
        (Kind::Missing | Kind::Null, Kind::Str(_) | Kind::Int(_)) => None,
        (Kind::Map(m), Kind::Str(k)) => m.get(k).cloned(),
        (Kind::List(_), Kind::Int(_)) => Some(container.index(key)).filter(|v| !v.is_missing()),
        (Kind::Map(_), _) => return Err(type_error(1, "a string key for a map", key)),
        (Kind::List(_), _) => return Err(type_error(1, "an int index for a list", key)),
        (Kind::Missing | Kind::Null, _) => return Err(type_error(1, "a string or an int", key)),
        _ => return Err(type_error(0, "a map or a list", container)),
    };
    Ok(found.unwrap_or_else(|| fallback.clone()))
}
