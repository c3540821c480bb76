//! The semantics of operators on values (see `docs/language.md`, "Operators").

use std::cmp::Ordering;
use std::sync::Arc;

use crate::syntax::ast::BinOp;
use crate::value::{Kind, Value};

/// Applies a comparison or arithmetic operator. `Err` carries a message for the user.
pub(crate) fn binary(op: BinOp, a: &Value, b: &Value) -> Result<Value, String> {
    match op {
        BinOp::Eq => Ok(Value::bool(a.equals(b))),
        BinOp::Ne => Ok(Value::bool(!a.equals(b))),
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => order(op, a, b),
        BinOp::In => contains(b, a).map(Value::bool),
        BinOp::NotIn => contains(b, a).map(|r| Value::bool(!r)),
        BinOp::Add => add(a, b),
        BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem => arith(op, a, b),
        // And, Or, Coalesce, Matches and Like are evaluated lazily by the interpreter.
        _ => Err(format!("`{}` is not a value operator", op.as_str())),
    }
}

fn order(op: BinOp, a: &Value, b: &Value) -> Result<Value, String> {
    if a.is_missing() || b.is_missing() || a.is_null() || b.is_null() {
        return Ok(Value::bool(false));
    }
    let ord = match (&a.kind, &b.kind) {
        (Kind::Int(_) | Kind::Float(_), Kind::Int(_) | Kind::Float(_))
        | (Kind::Str(_), Kind::Str(_)) => a.compare(b),
        _ => {
            return Err(format!(
                "cannot order a {} and a {}",
                a.type_name(),
                b.type_name()
            ))
        }
    };
    if let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) {
        if x.is_nan() || y.is_nan() {
            return Ok(Value::bool(false));
        }
    }
    Ok(Value::bool(match op {
        BinOp::Lt => ord == Ordering::Less,
        BinOp::Le => ord != Ordering::Greater,
        BinOp::Gt => ord == Ordering::Greater,
        _ => ord != Ordering::Less,
    }))
}

/// `needle in haystack`.
fn contains(haystack: &Value, needle: &Value) -> Result<bool, String> {
    match &haystack.kind {
        Kind::Missing | Kind::Null => Ok(false),
        Kind::List(items) => Ok(items.iter().any(|i| i.equals(needle))),
        Kind::Map(m) => Ok(needle.as_str().is_some_and(|k| m.contains_key(k))),
        Kind::Str(s) => match &needle.kind {
            Kind::Str(n) => Ok(s.contains(&**n)),
            Kind::Missing => Ok(false),
            _ => Err(format!(
                "cannot look for a {} in a string",
                needle.type_name()
            )),
        },
        _ => Err(format!(
            "`in` needs a list, map or string on the right, found {}",
            haystack.type_name()
        )),
    }
}

fn add(a: &Value, b: &Value) -> Result<Value, String> {
    match (&a.kind, &b.kind) {
        (Kind::Missing, _) | (_, Kind::Missing) => Ok(Value::MISSING),
        (Kind::Str(x), Kind::Str(y)) => {
            let mut s = String::with_capacity(x.len() + y.len());
            s.push_str(x);
            s.push_str(y);
            Ok(Value::str(s))
        }
        // The same list, shared rather than copied, when the other is empty
        // (`(w.containers ?? []) + (w.initContainers ?? [])`).
        (Kind::List(x), Kind::List(y)) if y.is_empty() => Ok(Value::new(Kind::List(Arc::clone(x)))),
        (Kind::List(x), Kind::List(y)) if x.is_empty() => Ok(Value::new(Kind::List(Arc::clone(y)))),
        (Kind::List(x), Kind::List(y)) => {
            let mut l = Vec::with_capacity(x.len() + y.len());
            l.extend(x.iter().cloned());
            l.extend(y.iter().cloned());
            Ok(Value::list(l))
        }
        _ => arith(BinOp::Add, a, b),
    }
}

fn arith(op: BinOp, a: &Value, b: &Value) -> Result<Value, String> {
    if a.is_missing() || b.is_missing() {
        return Ok(Value::MISSING);
    }
    match (&a.kind, &b.kind) {
        (Kind::Int(x), Kind::Int(y)) if op != BinOp::Div => {
            let r = match op {
                BinOp::Add => x.checked_add(*y),
                BinOp::Sub => x.checked_sub(*y),
                BinOp::Mul => x.checked_mul(*y),
                _ => {
                    if *y == 0 {
                        return Err("remainder of division by zero".to_string());
                    }
                    x.checked_rem(*y)
                }
            };
            r.map(Value::int)
                .ok_or_else(|| format!("integer overflow in `{}`", op.as_str()))
        }
        (Kind::Int(_) | Kind::Float(_), Kind::Int(_) | Kind::Float(_)) => {
            let (x, y) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
            let r = match op {
                BinOp::Add => x + y,
                BinOp::Sub => x - y,
                BinOp::Mul => x * y,
                BinOp::Div => {
                    if y == 0.0 {
                        return Err("division by zero".to_string());
                    }
                    x / y
                }
                _ => {
                    if y == 0.0 {
                        return Err("remainder of division by zero".to_string());
                    }
                    x % y
                }
            };
            Ok(Value::float(r))
        }
        _ => Err(format!(
            "`{}` needs numbers, found {} and {}",
            op.as_str(),
            a.type_name(),
            b.type_name()
        )),
    }
}

/// Whether a condition holds. `missing` and `null` are false; other non-booleans are errors.
pub(crate) fn truth(v: &Value) -> Result<bool, String> {
    match v.kind {
        Kind::Bool(b) => Ok(b),
        Kind::Missing | Kind::Null => Ok(false),
        _ => Err(format!(
            "a condition must be a bool, found {}",
            v.type_name()
        )),
    }
}
