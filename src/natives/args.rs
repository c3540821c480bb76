//! Argument helpers shared by the native families: arity, missing propagation, typed access.
//!
//! Every native starts with [`arity`] (destructuring its arguments without indexing), then
//! usually [`first_missing`] (the missing-propagation convention), then the typed accessors,
//! whose errors read `expected a string, found int`.

use crate::value::{Map, Value};

use super::NativeError;

/// The longest string a native may build (`repeat`, `replace`, `regex.replace_all`): 1 MiB.
pub(crate) const MAX_STRING_BYTES: usize = 1 << 20;

/// The arguments as an array of exactly `N`, or an error naming the expected count.
pub(crate) fn arity<const N: usize>(args: &[Value]) -> Result<&[Value; N], NativeError> {
    <&[Value; N]>::try_from(args).map_err(|_| {
        let plural = if N == 1 { "" } else { "s" };
        NativeError::new(format!(
            "expected {N} argument{plural}, found {}",
            args.len()
        ))
    })
}

/// The first missing argument, unchanged (it keeps the span of its deepest present ancestor),
/// so that `f(x.absent)` is missing wherever `x.absent` is.
pub(crate) fn first_missing(args: &[Value]) -> Option<Value> {
    args.iter().find(|a| a.is_missing()).cloned()
}

/// `expected a string, found int` for argument `i`.
pub(crate) fn type_error(i: usize, expected: &str, found: &Value) -> NativeError {
    NativeError::arg(
        i,
        format!("expected {expected}, found {}", found.type_name()),
    )
}

/// Checks missing and arity, then gives every argument as a string; `Ok(Err(missing))` passes
/// a missing argument through.
pub(crate) fn strs<const N: usize>(
    args: &[Value],
) -> Result<Result<[&str; N], Value>, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(Err(m));
    }
    let args: &[Value; N] = arity(args)?;
    let mut out = [""; N];
    for (i, (slot, v)) in out.iter_mut().zip(args.iter()).enumerate() {
        *slot = string(i, v)?;
    }
    Ok(Ok(out))
}

pub(crate) fn string(i: usize, v: &Value) -> Result<&str, NativeError> {
    v.as_str().ok_or_else(|| type_error(i, "a string", v))
}

pub(crate) fn int(i: usize, v: &Value) -> Result<i64, NativeError> {
    v.as_int().ok_or_else(|| type_error(i, "an int", v))
}

pub(crate) fn list(i: usize, v: &Value) -> Result<&[Value], NativeError> {
    v.as_list().ok_or_else(|| type_error(i, "a list", v))
}

pub(crate) fn map(i: usize, v: &Value) -> Result<&Map, NativeError> {
    v.as_map().ok_or_else(|| type_error(i, "a map", v))
}

/// A list whose items are all strings, e.g. the keys of `pick`.
pub(crate) fn string_list(i: usize, v: &Value) -> Result<Vec<&str>, NativeError> {
    list(i, v)?
        .iter()
        .enumerate()
        .map(|(n, item)| {
            item.as_str().ok_or_else(|| {
                NativeError::arg(
                    i,
                    format!(
                        "expected a list of strings, found {} at index {n}",
                        item.type_name()
                    ),
                )
            })
        })
        .collect()
}

/// A new string value without a span.
pub(crate) fn new_str(s: impl Into<crate::value::ArcStr>) -> Value {
    Value::str(s)
}

/// A count or index as an int value (saturating; lengths never reach `i64::MAX`).
pub(crate) fn count(n: usize) -> Value {
    Value::int(i64::try_from(n).unwrap_or(i64::MAX))
}
