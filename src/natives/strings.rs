//! `std.strings`: prefix/suffix tests, case, trimming, splitting and joining.
//!
//! Positions (`substring`, `index_of`) count Unicode characters, not bytes, so they agree with
//! `len`. Functions that build strings refuse results over 1 MiB.

use crate::types::Ty;
use crate::value::{Kind, Value};

use super::args::{
    arity, count, first_missing, int, list, new_str, string, strs, MAX_STRING_BYTES,
};
use super::{Native, NativeError, Param};

const MODULE: &str = "std.strings";

const S: Param = Param {
    name: "s",
    ty: Ty::String,
};
const ONE: &[Param] = &[S];

const fn two(second: &'static str) -> [Param; 2] {
    [
        S,
        Param {
            name: second,
            ty: Ty::String,
        },
    ]
}

const PREFIX: &[Param] = &two("prefix");
const SUFFIX: &[Param] = &two("suffix");
const SUB: &[Param] = &two("sub");

pub(crate) static NATIVES: &[Native] = &[
    Native {
        module: MODULE,
        name: "has_prefix",
        params: PREFIX,
        returns: Ty::Bool,
        doc: "Whether `s` starts with `prefix`.\n\n\
              Every string starts with `\"\"`. A missing argument gives missing; non-strings are \
              an error.\n\n\
              Example: `has_prefix(\"nginx:1.25\", \"nginx\")` → `true`",
        func: has_prefix,
    },
    Native {
        module: MODULE,
        name: "has_suffix",
        params: SUFFIX,
        returns: Ty::Bool,
        doc: "Whether `s` ends with `suffix`.\n\n\
              Every string ends with `\"\"`. A missing argument gives missing; non-strings are \
              an error.\n\n\
              Example: `has_suffix(\"nginx:latest\", \":latest\")` → `true`",
        func: has_suffix,
    },
    Native {
        module: MODULE,
        name: "contains",
        params: SUB,
        returns: Ty::Bool,
        doc: "Whether `sub` occurs anywhere in `s`.\n\n\
              Case-sensitive; use `lower` on both sides to ignore case. A missing argument gives \
              missing; non-strings are an error.\n\n\
              Example: `contains(\"--anonymous-auth=true\", \"anonymous\")` → `true`",
        func: contains,
    },
    Native {
        module: MODULE,
        name: "lower",
        params: ONE,
        returns: Ty::String,
        doc: "`s` in lower case (Unicode-aware).\n\n\
              A missing argument gives missing; non-strings are an error.\n\n\
              Example: `lower(\"Always\")` → `\"always\"`",
        func: lower,
    },
    Native {
        module: MODULE,
        name: "upper",
        params: ONE,
        returns: Ty::String,
        doc: "`s` in upper case (Unicode-aware).\n\n\
              A missing argument gives missing; non-strings are an error.\n\n\
              Example: `upper(\"net_admin\")` → `\"NET_ADMIN\"`",
        func: upper,
    },
    Native {
        module: MODULE,
        name: "trim",
        params: ONE,
        returns: Ty::String,
        doc: "`s` without leading and trailing whitespace.\n\n\
              A missing argument gives missing; non-strings are an error.\n\n\
              Example: `trim(\"  ssh \")` → `\"ssh\"`",
        func: trim,
    },
    Native {
        module: MODULE,
        name: "trim_prefix",
        params: PREFIX,
        returns: Ty::String,
        doc: "`s` without `prefix` at its start, removed once; `s` unchanged when it lacks it.\n\n\
              A missing argument gives missing; non-strings are an error.\n\n\
              Example: `trim_prefix(\"docker.io/nginx\", \"docker.io/\")` → `\"nginx\"`",
        func: trim_prefix,
    },
    Native {
        module: MODULE,
        name: "trim_suffix",
        params: SUFFIX,
        returns: Ty::String,
        doc: "`s` without `suffix` at its end, removed once; `s` unchanged when it lacks it.\n\n\
              A missing argument gives missing; non-strings are an error.\n\n\
              Example: `trim_suffix(\"502/tcp\", \"/tcp\")` → `\"502\"`",
        func: trim_suffix,
    },
    Native {
        module: MODULE,
        name: "split",
        params: &two("sep"),
        returns: Ty::List,
        doc: "The parts of `s` between occurrences of `sep`.\n\n\
              An empty `sep` splits into characters; `split(\"\", \",\")` is `[\"\"]`. A missing \
              argument gives missing; non-strings are an error.\n\n\
              Example: `split(\"a,b,c\", \",\")` → `[\"a\", \"b\", \"c\"]`",
        func: split,
    },
    Native {
        module: MODULE,
        name: "join",
        params: &[
            Param {
                name: "list",
                ty: Ty::List,
            },
            Param {
                name: "sep",
                ty: Ty::String,
            },
        ],
        returns: Ty::String,
        doc: "The items of a list joined into one string with `sep` between them.\n\n\
              Items may be strings, numbers or bools (shown as by `to_string`); null, lists and \
              maps are an error. A missing argument gives missing.\n\n\
              Example: `join([\"80\", 443], \",\")` → `\"80,443\"`",
        func: join,
    },
    Native {
        module: MODULE,
        name: "replace",
        params: &[
            S,
            Param {
                name: "old",
                ty: Ty::String,
            },
            Param {
                name: "new",
                ty: Ty::String,
            },
        ],
        returns: Ty::String,
        doc: "`s` with every occurrence of `old` replaced by `new`.\n\n\
              An empty `old` is an error, as is a result that grows past 1 MiB. A missing \
              argument gives missing.\n\n\
              Example: `replace(\"a-b-c\", \"-\", \"_\")` → `\"a_b_c\"`",
        func: replace,
    },
    Native {
        module: MODULE,
        name: "substring",
        params: &[
            S,
            Param {
                name: "start",
                ty: Ty::Int,
            },
            Param {
                name: "end",
                ty: Ty::Int,
            },
        ],
        returns: Ty::String,
        doc: "The characters of `s` from `start` up to but not including `end`.\n\n\
              Positions count characters and are clamped to `0..len(s)`; `end <= start` gives \
              `\"\"`. A missing argument gives missing.\n\n\
              Example: `substring(\"nginx:1.25\", 0, 5)` → `\"nginx\"`",
        func: substring,
    },
    Native {
        module: MODULE,
        name: "index_of",
        params: SUB,
        returns: Ty::Int,
        doc: "The character position of the first occurrence of `sub` in `s`, or `-1`.\n\n\
              An empty `sub` is found at `0`. A missing argument gives missing; non-strings are \
              an error.\n\n\
              Example: `index_of(\"nginx:1.25\", \":\")` → `5`",
        func: index_of,
    },
    Native {
        module: MODULE,
        name: "repeat",
        params: &[
            S,
            Param {
                name: "n",
                ty: Ty::Int,
            },
        ],
        returns: Ty::String,
        doc: "`s` repeated `n` times.\n\n\
              `n = 0` gives `\"\"`; a negative `n` or a result over 1 MiB is an error. A missing \
              argument gives missing.\n\n\
              Example: `repeat(\"ab\", 3)` → `\"ababab\"`",
        func: repeat,
    },
];

/// Applies `f` to the string arguments, or passes a missing argument through.
fn with_strings<const N: usize>(
    args: &[Value],
    f: impl FnOnce([&str; N]) -> Result<Value, NativeError>,
) -> Result<Value, NativeError> {
    match strs::<N>(args)? {
        Ok(s) => f(s),
        Err(missing) => Ok(missing),
    }
}

fn has_prefix(args: &[Value]) -> Result<Value, NativeError> {
    with_strings(args, |[s, p]| Ok(Value::bool(s.starts_with(p))))
}

fn has_suffix(args: &[Value]) -> Result<Value, NativeError> {
    with_strings(args, |[s, p]| Ok(Value::bool(s.ends_with(p))))
}

fn contains(args: &[Value]) -> Result<Value, NativeError> {
    with_strings(args, |[s, sub]| Ok(Value::bool(find(s, sub).is_some())))
}

/// The byte offset of the first `needle` in `hay`, as `str::find` gives it: with `memchr` for
/// a one-byte needle and `memmem` for a longer one. Rules search short strings once per
/// container (`contains(image, "@sha256:")`), where `str::find` spends more on setting up
/// its two-way searcher than on searching. A match of a whole UTF-8 needle always starts on
/// a character boundary.
fn find(hay: &str, needle: &str) -> Option<usize> {
    match needle.as_bytes() {
        [byte] => memchr::memchr(*byte, hay.as_bytes()),
        bytes => memchr::memmem::find(hay.as_bytes(), bytes),
    }
}

fn lower(args: &[Value]) -> Result<Value, NativeError> {
    with_strings(args, |[s]| Ok(new_str(s.to_lowercase())))
}

fn upper(args: &[Value]) -> Result<Value, NativeError> {
    with_strings(args, |[s]| Ok(new_str(s.to_uppercase())))
}

fn trim(args: &[Value]) -> Result<Value, NativeError> {
    with_strings(args, |[s]| Ok(new_str(s.trim())))
}

fn trim_prefix(args: &[Value]) -> Result<Value, NativeError> {
    with_strings(args, |[s, p]| Ok(new_str(s.strip_prefix(p).unwrap_or(s))))
}

fn trim_suffix(args: &[Value]) -> Result<Value, NativeError> {
    with_strings(args, |[s, p]| Ok(new_str(s.strip_suffix(p).unwrap_or(s))))
}

fn split(args: &[Value]) -> Result<Value, NativeError> {
    with_strings(args, |[s, sep]| {
        let mut chars = sep.chars();
        let parts: Vec<Value> = match (chars.next(), chars.next()) {
            (None, _) => s.chars().map(|c| new_str(c.to_string())).collect(),
            // One character: `str::split` looks for it with `memchr`.
            (Some(c), None) => s.split(c).map(new_str).collect(),
            // Longer: the non-overlapping matches `str::split` would take, found by `memmem`
            // (see `find`).
            _ => {
                let mut parts = Vec::new();
                let mut from = 0;
                for at in memchr::memmem::find_iter(s.as_bytes(), sep.as_bytes()) {
                    parts.push(new_str(s.get(from..at).unwrap_or_default()));
                    from = at + sep.len();
                }
                parts.push(new_str(s.get(from..).unwrap_or_default()));
                parts
            }
        };
        Ok(Value::list(parts))
    })
}

fn join(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [items, sep] = arity(args)?;
    let (items, sep) = (list(0, items)?, string(1, sep)?);
    let mut out = String::new();
    for (n, item) in items.iter().enumerate() {
        if n > 0 {
            out.push_str(sep);
        }
        match &item.kind {
            Kind::Str(s) => out.push_str(s),
            Kind::Int(_) | Kind::Float(_) | Kind::Bool(_) => out.push_str(&item.display()),
            _ => {
                return Err(NativeError::arg(
                    0,
                    format!(
                        "expected a list of strings, numbers or bools, found {} at index {n}",
                        item.type_name()
                    ),
                ))
            }
        }
        if out.len() > MAX_STRING_BYTES {
            return Err(too_long("join"));
        }
    }
    Ok(new_str(out))
}

fn too_long(name: &str) -> NativeError {
    NativeError::new(format!("the result of `{name}` would exceed 1 MiB"))
}

fn replace(args: &[Value]) -> Result<Value, NativeError> {
    with_strings(args, |[s, old, new]| {
        if old.is_empty() {
            return Err(NativeError::arg(
                1,
                "the string to replace must not be empty",
            ));
        }
        if new.len() > old.len() {
            let n = s.matches(old).count();
            let grown = s.len() + n.saturating_mul(new.len() - old.len());
            if grown > s.len().max(MAX_STRING_BYTES) {
                return Err(too_long("replace"));
            }
        }
        Ok(new_str(s.replace(old, new)))
    })
}

/// Clamps a character position into `0..=len`.
fn clamp(pos: i64, len: usize) -> usize {
    usize::try_from(pos.max(0)).unwrap_or(usize::MAX).min(len)
}

fn substring(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [s, start, end] = arity(args)?;
    let (s, start, end) = (string(0, s)?, int(1, start)?, int(2, end)?);
    let len = s.chars().count();
    let (start, end) = (clamp(start, len), clamp(end, len));
    let out: String = s
        .chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect();
    Ok(new_str(out))
}

fn index_of(args: &[Value]) -> Result<Value, NativeError> {
    with_strings(args, |[s, sub]| {
        Ok(match find(s, sub) {
            Some(byte) => count(s.get(..byte).map_or(0, |head| head.chars().count())),
            None => Value::int(-1),
        })
    })
}

fn repeat(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [s, n] = arity(args)?;
    let (s, n) = (string(0, s)?, int(1, n)?);
    let n = usize::try_from(n)
        .map_err(|_| NativeError::arg(1, format!("expected a count of 0 or more, found {n}")))?;
    if s.len().saturating_mul(n) > MAX_STRING_BYTES {
        return Err(too_long("repeat"));
    }
    Ok(new_str(s.repeat(n)))
}
