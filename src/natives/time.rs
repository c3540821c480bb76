//! `std.time`: calendar dates, purely functional — nothing here reads the clock.
//!
//! A policy that needs "today" receives it as data (a parameter or an input), which keeps runs
//! reproducible. Dates are accepted as `YYYY-MM-DD` or as timestamps with an offset
//! (RFC 3339, e.g. `2024-05-01T23:30:00-02:00`), which are reduced to their date in UTC
//! (`2024-05-02` there). A date-time without an offset is refused: its UTC date is unknown.
//! Years run from 0000 to 9999.
//!
//! **Invalid input.** Strings that are not dates never cause an error: `is_date` and `before`
//! give `false`, the other functions give missing. Non-string arguments are errors.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};

use crate::types::Ty;
use crate::value::Value;

use super::args::{arity, first_missing, int, new_str, string, strs};
use super::{Native, NativeError, Param};

const MODULE: &str = "std.time";

const D: &[Param] = &[Param {
    name: "date",
    ty: Ty::String,
}];
const A_B: &[Param] = &[
    Param {
        name: "a",
        ty: Ty::String,
    },
    Param {
        name: "b",
        ty: Ty::String,
    },
];

pub(crate) static NATIVES: &[Native] = &[
    Native {
        module: MODULE,
        name: "parse_date",
        params: &[Param {
            name: "s",
            ty: Ty::String,
        }],
        returns: Ty::String,
        doc: "A date or timestamp normalized to `YYYY-MM-DD` (timestamps in UTC), or missing.\n\n\
              Timestamps need an offset (`Z` or `+02:00`). Missing when `s` is not a date.\n\n\
              Example: `parse_date(\"2024-05-01T23:30:00-02:00\")` → `\"2024-05-02\"`",
        func: parse_date,
    },
    Native {
        module: MODULE,
        name: "is_date",
        params: &[Param {
            name: "s",
            ty: Ty::String,
        }],
        returns: Ty::Bool,
        doc: "Whether `s` is a valid `YYYY-MM-DD` date or a timestamp with an offset.\n\n\
              Impossible dates such as `2023-02-29` are not valid. A missing argument gives \
              missing.\n\n\
              Example: `is_date(\"2023-02-29\")` → `false`",
        func: is_date,
    },
    Native {
        module: MODULE,
        name: "days_between",
        params: A_B,
        returns: Ty::Int,
        doc: "The number of days from date `a` to date `b` (`b - a`, negative when `b` is earlier).\n\n\
              Timestamps count by their UTC date. Missing when either is not a date.\n\n\
              Example: `days_between(\"2024-01-01\", \"2024-03-01\")` → `60`",
        func: days_between,
    },
    Native {
        module: MODULE,
        name: "add_days",
        params: &[
            Param {
                name: "date",
                ty: Ty::String,
            },
            Param {
                name: "n",
                ty: Ty::Int,
            },
        ],
        returns: Ty::String,
        doc: "The date `n` days after `date` (before it when `n` is negative), as `YYYY-MM-DD`.\n\n\
              Missing when `date` is not a date; a result outside the years 0000 to 9999 is \
              an error.\n\n\
              Example: `add_days(\"2024-02-28\", 2)` → `\"2024-03-01\"`",
        func: add_days,
    },
    Native {
        module: MODULE,
        name: "before",
        params: A_B,
        returns: Ty::Bool,
        doc: "Whether date `a` is strictly earlier than date `b`.\n\n\
              Compares whole days (timestamps by their UTC date). False when either is not a \
              date; a missing argument gives missing.\n\n\
              Example: `before(cert.notAfter, \"2025-01-01\")` → `true` for a certificate expiring in 2024",
        func: before,
    },
    Native {
        module: MODULE,
        name: "year",
        params: D,
        returns: Ty::Int,
        doc: "The year of a date.\n\n\
              Timestamps count by their UTC date. Missing when `date` is not a date.\n\n\
              Example: `year(\"2024-05-01\")` → `2024`",
        func: year,
    },
];

/// Whether `s` has the exact shape `YYYY-MM-DD` (digits and dashes; validity comes later).
fn date_shaped(s: &str) -> bool {
    s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        })
}

/// A `YYYY-MM-DD` date, or the UTC date of a timestamp with an offset.
fn parse(s: &str) -> Option<Date> {
    if date_shaped(s) {
        return s.parse::<Date>().ok();
    }
    let ts = s.parse::<Timestamp>().ok()?;
    Some(ts.to_zoned_datetime(TimeZone::UTC).date())
}

/// The first argument parsed, or missing at its span when it is not a date.
fn one_date(args: &[Value], f: impl FnOnce(Date) -> Value) -> Result<Value, NativeError> {
    let [s] = match strs::<1>(args)? {
        Ok(s) => s,
        Err(missing) => return Ok(missing),
    };
    let span = args.first().and_then(|a| a.span);
    Ok(parse(s).map_or_else(|| Value::missing_at(span), f))
}

fn show(d: Date) -> Value {
    new_str(d.to_string())
}

fn parse_date(args: &[Value]) -> Result<Value, NativeError> {
    one_date(args, show)
}

fn is_date(args: &[Value]) -> Result<Value, NativeError> {
    Ok(match strs::<1>(args)? {
        Ok([s]) => Value::bool(parse(s).is_some()),
        Err(missing) => missing,
    })
}

fn days_between(args: &[Value]) -> Result<Value, NativeError> {
    let [a, b] = match strs::<2>(args)? {
        Ok(s) => s,
        Err(missing) => return Ok(missing),
    };
    Ok(match (parse(a), parse(b)) {
        // Between two valid dates the span always fits, in days.
        (Some(a), Some(b)) => match a.until(b) {
            Ok(span) => Value::int(i64::from(span.get_days())),
            Err(e) => return Err(NativeError::new(format!("cannot count days: {e}"))),
        },
        _ => Value::MISSING,
    })
}

fn add_days(args: &[Value]) -> Result<Value, NativeError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let [d, n] = arity(args)?;
    let (s, n) = (string(0, d)?, int(1, n)?);
    let Some(date) = parse(s) else {
        return Ok(Value::missing_at(d.span));
    };
    Span::new()
        .try_days(n)
        .and_then(|span| date.checked_add(span))
        .ok()
        .filter(|d| d.year() >= 0)
        .map(show)
        .ok_or_else(|| {
            NativeError::new(format!("`{s}` plus {n} days is out of the supported range"))
        })
}

fn before(args: &[Value]) -> Result<Value, NativeError> {
    Ok(match strs::<2>(args)? {
        Ok([a, b]) => Value::bool(match (parse(a), parse(b)) {
            (Some(a), Some(b)) => a < b,
            _ => false,
        }),
        Err(missing) => missing,
    })
}

fn year(args: &[Value]) -> Result<Value, NativeError> {
    one_date(args, |d| Value::int(i64::from(d.year())))
}
