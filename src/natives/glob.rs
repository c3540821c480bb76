//! `std.glob`: shell-style wildcard matching, e.g. image names against `registry.corp/*`.
//!
//! Patterns use globset syntax: `*` and `?` (which here also match `/`, since the strings are
//! names rather than paths), `**`, `[abc]`, `[!abc]`, `{a,b}`, and `\` to escape. The whole string
//! must match. Compiled matchers are cached per thread like regexes.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use globset::{GlobBuilder, GlobMatcher};

use crate::types::Ty;
use crate::value::Value;

use super::args::{arity, first_missing, string};
use super::{Native, NativeError, Param};

const MODULE: &str = "std.glob";

/// How many compiled patterns each thread keeps.
const CACHE_SIZE: usize = 256;

thread_local! {
    static CACHE: RefCell<HashMap<String, Result<Arc<GlobMatcher>, String>>> =
        RefCell::new(HashMap::new());
}

/// Compiles `pattern` (cached per thread), or says why it is invalid.
///
/// Used by the checker to compile constant `like` patterns once. Shared, not cloned: a cloned
/// matcher starts with an empty matching cache.
pub(crate) fn compile(pattern: &str) -> Result<Arc<GlobMatcher>, String> {
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(hit) = cache.get(pattern) {
            return hit.clone();
        }
        let compiled = GlobBuilder::new(pattern)
            .literal_separator(false)
            .backslash_escape(true)
            .build()
            .map(|g| Arc::new(g.compile_matcher()))
            .map_err(|e| e.kind().to_string());
        if cache.len() >= CACHE_SIZE {
            cache.clear();
        }
        cache.insert(pattern.to_string(), compiled.clone());
        compiled
    })
}

/// Whether the glob `pattern` matches all of `s`, or why the pattern is invalid.
///
/// Used by `std.glob.is_match` and by the evaluator's `like` operator.
pub(crate) fn is_match(pattern: &str, s: &str) -> Result<bool, String> {
    // A pattern without any of the syntax's special characters matches itself alone (as an
    // allow-list of registries mostly is): no matcher to find or run.
    if !pattern.contains(['*', '?', '[', ']', '{', '}', '\\']) {
        return Ok(pattern == s);
    }
    compile(pattern).map(|m| m.is_match(s))
}

pub(crate) static NATIVES: &[Native] = &[Native {
    module: MODULE,
    name: "is_match",
    params: &[
        Param {
            name: "s",
            ty: Ty::String,
        },
        Param {
            name: "pattern",
            ty: Ty::String,
        },
    ],
    returns: Ty::Bool,
    doc: "Whether the glob `pattern` matches the whole of `s`.\n\n\
          `*` matches any run of characters including `/`, `?` one character, `[a-z]` a class, \
          `{a,b}` either alternative. An invalid pattern is an error; a missing argument gives \
          missing.\n\n\
          Example: `is_match(\"registry.corp/ot/hmi:2.1\", \"registry.corp/*\")` → `true`",
    func: is_match_native,
}];

fn is_match_native(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [s, p] = arity(args)?;
    let (s, p) = (string(0, s)?, string(1, p)?);
    is_match(p, s)
        .map(Value::bool)
        .map_err(|e| NativeError::arg(1, format!("invalid glob `{p}`: {e}")))
}
