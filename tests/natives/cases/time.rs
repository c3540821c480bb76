//! Cases for `std.time`.

use palisade::value::Value;

use crate::{b, case, err, i, is, missing, s, Case, Want};

fn c(name: &'static str, args: Vec<Value>, want: Want) -> Case {
    case("std.time", name, args, want)
}

pub(super) fn cases() -> Vec<Case> {
    vec![
        // parse_date
        c("parse_date", vec![s("2024-05-01")], is(s("2024-05-01"))),
        c(
            "parse_date",
            vec![s("2024-05-01T23:30:00-02:00")],
            is(s("2024-05-02")),
        ),
        c(
            "parse_date",
            vec![s("2024-05-01T10:00:00Z")],
            is(s("2024-05-01")),
        ),
        c(
            "parse_date",
            vec![s("2024-05-01T10:00:00.123+00:00")],
            is(s("2024-05-01")),
        ),
        c("parse_date", vec![s("2024-05-01T10:00:00")], Want::Missing),
        c("parse_date", vec![s("20240501")], Want::Missing),
        c("parse_date", vec![s("2024-5-1")], Want::Missing),
        c("parse_date", vec![s("yesterday")], Want::Missing),
        c("parse_date", vec![missing()], Want::Missing),
        c(
            "parse_date",
            vec![i(2024)],
            err(0, "expected a string, found int"),
        ),
        // is_date
        c("is_date", vec![s("2024-02-29")], is(b(true))),
        c("is_date", vec![s("2023-02-29")], is(b(false))),
        c("is_date", vec![s("2024-13-01")], is(b(false))),
        c("is_date", vec![s("2024-01-01T00:00:00Z")], is(b(true))),
        c("is_date", vec![missing()], Want::Missing),
        c("is_date", vec![i(1)], err(0, "found int")),
        // days_between
        c(
            "days_between",
            vec![s("2024-01-01"), s("2024-03-01")],
            is(i(60)),
        ),
        c(
            "days_between",
            vec![s("2024-03-01"), s("2024-01-01")],
            is(i(-60)),
        ),
        c(
            "days_between",
            vec![s("2024-01-01T23:00:00-05:00"), s("2024-01-02")],
            is(i(0)),
        ),
        c(
            "days_between",
            vec![s("0001-01-01"), s("9999-12-31")],
            is(i(3_652_058)),
        ),
        c(
            "days_between",
            vec![s("-0001-01-01"), s("2024-01-01")],
            Want::Missing,
        ),
        c(
            "days_between",
            vec![s("2024-01-01"), s("soon")],
            Want::Missing,
        ),
        c(
            "days_between",
            vec![missing(), s("2024-01-01")],
            Want::Missing,
        ),
        c(
            "days_between",
            vec![s("2024-01-01"), i(5)],
            err(1, "found int"),
        ),
        // add_days
        c("add_days", vec![s("2024-02-28"), i(2)], is(s("2024-03-01"))),
        c(
            "add_days",
            vec![s("2024-01-01"), i(-1)],
            is(s("2023-12-31")),
        ),
        c(
            "add_days",
            vec![s("2024-01-01T12:00:00Z"), i(0)],
            is(s("2024-01-01")),
        ),
        c("add_days", vec![s("nope"), i(1)], Want::Missing),
        c("add_days", vec![s("2024-01-01"), missing()], Want::Missing),
        c(
            "add_days",
            vec![s("9999-12-31"), i(1)],
            Want::Err(None, "out of the supported range"),
        ),
        c(
            "add_days",
            vec![s("0000-01-01"), i(-1)],
            Want::Err(None, "out of the supported range"),
        ),
        c(
            "add_days",
            vec![s("2024-01-01"), i(i64::MAX)],
            Want::Err(None, "out of the supported range"),
        ),
        c(
            "add_days",
            vec![s("2024-01-01"), s("1")],
            err(1, "expected an int, found string"),
        ),
        // before
        c(
            "before",
            vec![s("2024-12-31"), s("2025-01-01")],
            is(b(true)),
        ),
        c(
            "before",
            vec![s("2025-01-01"), s("2025-01-01")],
            is(b(false)),
        ),
        c(
            "before",
            vec![s("2025-01-01T00:30:00+01:00"), s("2025-01-01")],
            is(b(true)),
        ),
        c("before", vec![s("bad"), s("2025-01-01")], is(b(false))),
        c("before", vec![s("2025-01-01"), missing()], Want::Missing),
        c(
            "before",
            vec![i(2024), s("2025-01-01")],
            err(0, "found int"),
        ),
        // year
        c("year", vec![s("2024-05-01")], is(i(2024))),
        c("year", vec![s("2024-12-31T23:00:00-02:00")], is(i(2025))),
        c("year", vec![s("May 2024")], Want::Missing),
        c("year", vec![missing()], Want::Missing),
        c("year", vec![i(2024)], err(0, "found int")),
    ]
}
