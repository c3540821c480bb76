//! `std.regex`: regular expressions with linear-time matching, compiled once and cached.
//!
//! The `regex` crate's engine has no backtracking, so no pattern can take exponential time on
//! hostile input. Compiled programs are capped at 1 MiB ([`compile`]), and each thread keeps a
//! small cache of compiled patterns, cleared when it reaches [`CACHE_SIZE`] entries. The syntax is
//! documented at <https://docs.rs/regex/latest/regex/#syntax>; `is_match` searches anywhere in the
//! string, so anchor with `^…$` to match the whole of it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use regex::{Regex, RegexBuilder};

use crate::types::Ty;
use crate::value::Value;

use super::args::{arity, first_missing, new_str, string, MAX_STRING_BYTES};
use super::{Native, NativeError, Param};

const MODULE: &str = "std.regex";

/// The largest compiled program accepted, in bytes.
const SIZE_LIMIT: usize = 1 << 20;

/// How many compiled patterns each thread keeps.
const CACHE_SIZE: usize = 256;

thread_local! {
    static CACHE: RefCell<HashMap<String, Result<Arc<Regex>, String>>> = RefCell::new(HashMap::new());
}

/// Compiles `pattern` (cached per thread), or says why it is invalid in one lowercase line.
///
/// Used by the `std.regex` natives and by the evaluator's `matches` operator. Shared, not
/// cloned: cloning a `Regex` gives it a new, empty matching cache, which every match would then
/// rebuild.
pub(crate) fn compile(pattern: &str) -> Result<Arc<Regex>, String> {
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(hit) = cache.get(pattern) {
            return hit.clone();
        }
        let compiled = RegexBuilder::new(pattern)
            .size_limit(SIZE_LIMIT)
            .build()
            .map(Arc::new)
            .map_err(|e| describe(&e));
        if cache.len() >= CACHE_SIZE {
            cache.clear();
        }
        cache.insert(pattern.to_string(), compiled.clone());
        compiled
    })
}

/// Whether `pattern` matches anywhere in `s`, or why the pattern is invalid.
///
/// Used by the evaluator's `matches` operator when the pattern is only known at run time.
pub(crate) fn is_match(pattern: &str, s: &str) -> Result<bool, String> {
    compile(pattern).map(|re| re.is_match(s))
}

/// One line for a regex error: the syntax error's last line (`unclosed group`) or the limit hit.
fn describe(error: &regex::Error) -> String {
    match error {
        regex::Error::Syntax(text) => {
            let last = text.lines().last().unwrap_or("syntax error").trim();
            last.strip_prefix("error: ").unwrap_or(last).to_string()
        }
        regex::Error::CompiledTooBig(limit) => {
            format!("the compiled pattern exceeds the size limit of {limit} bytes")
        }
        _ => error.to_string(),
    }
}

/// Compiles the pattern argument (always the second), turning a bad pattern into an error on it.
fn pattern(v: &Value) -> Result<Arc<Regex>, NativeError> {
    let p = string(1, v)?;
    compile(p).map_err(|e| invalid(p, &e))
}

/// The error for an invalid pattern, always the second argument.
fn invalid(p: &str, e: &str) -> NativeError {
    NativeError::arg(1, format!("invalid regular expression `{p}`: {e}"))
}

const S_PATTERN: &[Param] = &[
    Param {
        name: "s",
        ty: Ty::String,
    },
    Param {
        name: "pattern",
        ty: Ty::String,
    },
];

pub(crate) static NATIVES: &[Native] = &[
    Native {
        module: MODULE,
        name: "is_match",
        params: S_PATTERN,
        returns: Ty::Bool,
        doc: "Whether `pattern` matches anywhere in `s`.\n\n\
              Anchor with `^…$` to match the whole string. An invalid pattern is an error; a \
              missing argument gives missing.\n\n\
              Example: `is_match(\"nginx:1.25\", \"^nginx:[0-9.]+$\")` → `true`",
        func: is_match_native,
    },
    Native {
        module: MODULE,
        name: "find",
        params: S_PATTERN,
        returns: Ty::String,
        doc: "The first substring of `s` that `pattern` matches, or missing when none does.\n\n\
              An invalid pattern is an error; a missing argument gives missing.\n\n\
              Example: `find(\"image: nginx:1.25\", \"[0-9]+[.][0-9]+\")` → `\"1.25\"`",
        func: find,
    },
    Native {
        module: MODULE,
        name: "find_all",
        params: S_PATTERN,
        returns: Ty::List,
        doc: "Every non-overlapping substring of `s` that `pattern` matches, in order.\n\n\
              No match gives `[]`. An invalid pattern is an error; a missing argument gives \
              missing.\n\n\
              Example: `find_all(\"80,443,8080\", \"[0-9]+\")` → `[\"80\", \"443\", \"8080\"]`",
        func: find_all,
    },
    Native {
        module: MODULE,
        name: "captures",
        params: S_PATTERN,
        returns: Ty::List,
        doc: "The groups of the first match of `pattern` in `s`: item 0 is the whole match, item \
              `i` is group `i`.\n\n\
              A group that took no part in the match is `null`; no match at all gives missing. An \
              invalid pattern is an error.\n\n\
              Example: `captures(\"nginx:1.25\", \"^(.+):(.+)$\")` → `[\"nginx:1.25\", \"nginx\", \"1.25\"]`",
        func: captures,
    },
    Native {
        module: MODULE,
        name: "replace_all",
        params: &[
            Param {
                name: "s",
                ty: Ty::String,
            },
            Param {
                name: "pattern",
                ty: Ty::String,
            },
            Param {
                name: "repl",
                ty: Ty::String,
            },
        ],
        returns: Ty::String,
        doc: "`s` with every match of `pattern` replaced by `repl`.\n\n\
              In `repl`, `$1` or `${name}` insert a group and `$$` a literal `$`. An invalid \
              pattern or a result over 1 MiB is an error; a missing argument gives missing.\n\n\
              Example: `replace_all(\"a1b22\", \"[0-9]+\", \"#\")` → `\"a#b#\"`",
        func: replace_all,
    },
    Native {
        module: MODULE,
        name: "is_valid",
        params: &[Param {
            name: "pattern",
            ty: Ty::String,
        }],
        returns: Ty::Bool,
        doc: "Whether `pattern` is a valid regular expression within the size limit.\n\n\
              Never an error for a string; a missing argument gives missing.\n\n\
              Example: `is_valid(\"(a\")` → `false`",
        func: is_valid,
    },
];

fn is_match_native(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [s, p] = arity(args)?;
    let (s, p) = (string(0, s)?, string(1, p)?);
    is_match(p, s).map(Value::bool).map_err(|e| invalid(p, &e))
}

fn find(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [sv, p] = arity(args)?;
    let s = string(0, sv)?;
    Ok(match pattern(p)?.find(s) {
        Some(m) => new_str(m.as_str()),
        None => Value::missing_at(sv.span),
    })
}

fn find_all(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [s, p] = arity(args)?;
    let s = string(0, s)?;
    let re = pattern(p)?;
    Ok(Value::list(
        re.find_iter(s).map(|m| new_str(m.as_str())).collect(),
    ))
}

fn captures(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [sv, p] = arity(args)?;
    let s = string(0, sv)?;
    let re = pattern(p)?;
    Ok(match re.captures(s) {
        Some(caps) => Value::list(
            caps.iter()
                .map(|g| g.map_or(Value::NULL, |g| new_str(g.as_str())))
                .collect(),
        ),
        None => Value::missing_at(sv.span),
    })
}

fn replace_all(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [s, p, repl] = arity(args)?;
    let (s, repl) = (string(0, s)?, string(2, repl)?);
    let re = pattern(p)?;
    let limit = s.len().max(MAX_STRING_BYTES);
    let mut out = String::new();
    let mut last = 0;
    for caps in re.captures_iter(s) {
        let Some(whole) = caps.get(0) else { continue };
        out.push_str(s.get(last..whole.start()).unwrap_or_default());
        caps.expand(repl, &mut out);
        last = whole.end();
        if out.len() > limit {
            return Err(NativeError::new(
                "the result of `replace_all` would exceed 1 MiB",
            ));
        }
    }
    out.push_str(s.get(last..).unwrap_or_default());
    if out.len() > limit {
        return Err(NativeError::new(
            "the result of `replace_all` would exceed 1 MiB",
        ));
    }
    Ok(new_str(out))
}

fn is_valid(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [p] = arity(args)?;
    Ok(Value::bool(compile(string(0, p)?).is_ok()))
}
