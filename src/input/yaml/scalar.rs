//! What a YAML scalar means: the YAML 1.2 core schema, and the standard tags.
//!
//! Plain scalars resolve by the core schema: `null`, `Null`, `NULL`, `~` and the empty scalar
//! are null; `true`/`false` (also `True`, `TRUE`, `False`, `FALSE`) are booleans; decimal,
//! `0o` octal and `0x` hex integers are ints; decimals with a point or exponent, `.inf`,
//! `-.inf` and `.nan` are floats; anything else is a string. YAML 1.1's `yes`, `no`, `on`,
//! `off`, `0777`-style octals and `1_000` are strings. Quoted and block scalars are always
//! strings.
//!
//! The standard tags `!!str`, `!!int`, `!!float`, `!!bool` and `!!null` force a type (a value
//! that does not fit the tag stays a string); `!` makes a string; any other tag (`!Ref`,
//! `!!binary`, `!!timestamp`) is ignored.

use saphyr_parser::{ScalarStyle, Tag};

use crate::value::Kind;

/// The value of a scalar with its style and tag.
pub(super) fn resolve(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Kind {
    let plain = matches!(style, ScalarStyle::Plain);
    if let Some(tag) = tag {
        if tag.is_yaml_core_schema() {
            let forced = match tag.suffix.as_str() {
                "str" => Some(string(text)),
                "int" => Some(int(text).unwrap_or_else(|| string(text))),
                "float" => Some(
                    float(text)
                        .or_else(|| int(text).map(to_float))
                        .unwrap_or_else(|| string(text)),
                ),
                "bool" => Some(bool(text).map_or_else(|| string(text), Kind::Bool)),
                "null" => Some(if null(text) { Kind::Null } else { string(text) }),
                _ => None,
            };
            if let Some(kind) = forced {
                return kind;
            }
        } else if tag.handle.is_empty() && tag.suffix == "!" {
            // The non-specific tag `!`: a string, whatever it looks like.
            return string(text);
        }
    }
    if !plain {
        return string(text);
    }
    core(text)
}

/// Whether a scalar is the merge key `<<` (plain, untagged or tagged `!!merge`).
pub(super) fn is_merge_key(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> bool {
    matches!(style, ScalarStyle::Plain)
        && text == "<<"
        && tag.is_none_or(|t| t.is_yaml_core_schema() && t.suffix == "merge")
}

/// Core-schema resolution of a plain scalar.
fn core(text: &str) -> Kind {
    if null(text) {
        return Kind::Null;
    }
    if let Some(b) = bool(text) {
        return Kind::Bool(b);
    }
    // Numbers start with a digit, a sign or a point; most scalars (keys above all) do not.
    if !matches!(
        text.as_bytes().first(),
        Some(b'0'..=b'9' | b'-' | b'+' | b'.')
    ) {
        return string(text);
    }
    if let Some(kind) = int(text) {
        return kind;
    }
    if let Some(kind) = float(text) {
        return kind;
    }
    string(text)
}

fn string(text: &str) -> Kind {
    Kind::Str(crate::value::intern(text))
}

fn to_float(kind: Kind) -> Kind {
    match kind {
        Kind::Int(i) => Kind::Float(i as f64),
        other => other,
    }
}

fn null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

fn bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// `[-+]?[0-9]+`, `0o[0-7]+` or `0x[0-9a-fA-F]+`. Too big for `i64`: a float.
fn int(text: &str) -> Option<Kind> {
    let (radix, digits) = if let Some(hex) = text.strip_prefix("0x") {
        (16, hex)
    } else if let Some(oct) = text.strip_prefix("0o") {
        (8, oct)
    } else {
        let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
        if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        return Some(match text.parse::<i64>() {
            Ok(i) => Kind::Int(i),
            Err(_) => Kind::Float(text.parse::<f64>().ok()?),
        });
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    Some(match i64::from_str_radix(digits, radix) {
        Ok(i) => Kind::Int(i),
        Err(_) => Kind::Float(u128::from_str_radix(digits, radix).ok()? as f64),
    })
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `[-+]?.inf` and `.nan` (in the
/// three spellings each).
fn float(text: &str) -> Option<Kind> {
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return Some(Kind::Float(if negative {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        }));
    }
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return Some(Kind::Float(f64::NAN));
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (unsigned.get(..at)?, Some(unsigned.get(at + 1..)?)),
        None => (unsigned, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (mantissa, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match fraction {
        // `.5`, `1.`, `1.5`, but not `.`
        Some(fraction) => {
            digits(whole) && digits(fraction) && !(whole.is_empty() && fraction.is_empty())
        }
        None => !whole.is_empty() && digits(whole),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    if !mantissa_ok || !exponent_ok {
        return None;
    }
    text.parse::<f64>().ok().map(Kind::Float)
}
