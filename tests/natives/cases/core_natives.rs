//! Cases for `std.core`.

use crate::{b, case, err, f, i, ints, is, l, m, missing, null, s, strs, Case, Want};

fn c(name: &'static str, args: Vec<palisade::value::Value>, want: Want) -> Case {
    case("std.core", name, args, want)
}

pub(super) fn cases() -> Vec<Case> {
    vec![
        // len
        c("len", vec![ints(&[1, 2, 3])], is(i(3))),
        c("len", vec![m(vec![("a", i(1))])], is(i(1))),
        c("len", vec![s("héllo")], is(i(5))),
        c("len", vec![missing()], is(i(0))),
        c("len", vec![null()], is(i(0))),
        c(
            "len",
            vec![i(5)],
            err(0, "expected a list, map or string, found int"),
        ),
        // present
        c("present", vec![i(0)], is(b(true))),
        c("present", vec![null()], is(b(true))),
        c("present", vec![missing()], is(b(false))),
        // is_null
        c("is_null", vec![null()], is(b(true))),
        c("is_null", vec![missing()], is(b(false))),
        c("is_null", vec![s("")], is(b(false))),
        // default
        c("default", vec![s("x"), s("y")], is(s("x"))),
        c("default", vec![missing(), s("y")], is(s("y"))),
        c("default", vec![null(), i(1)], is(i(1))),
        c("default", vec![b(false), b(true)], is(b(false))),
        // type_of
        c("type_of", vec![missing()], is(s("missing"))),
        c("type_of", vec![null()], is(s("null"))),
        c("type_of", vec![f(1.5)], is(s("float"))),
        c("type_of", vec![m(vec![])], is(s("map"))),
        c("type_of", vec![strs(&[])], is(s("list"))),
        // keys / values
        c(
            "keys",
            vec![m(vec![("b", i(1)), ("a", i(2))])],
            is(strs(&["b", "a"])),
        ),
        c("keys", vec![m(vec![])], is(strs(&[]))),
        c("keys", vec![missing()], Want::Missing),
        c(
            "keys",
            vec![ints(&[1])],
            err(0, "expected a map, found list"),
        ),
        c(
            "values",
            vec![m(vec![("b", i(1)), ("a", s("x"))])],
            is(l(vec![i(1), s("x")])),
        ),
        c("values", vec![missing()], Want::Missing),
        c(
            "values",
            vec![s("m")],
            err(0, "expected a map, found string"),
        ),
        // to_string
        c("to_string", vec![i(8080)], is(s("8080"))),
        c("to_string", vec![s("x")], is(s("x"))),
        c("to_string", vec![b(true)], is(s("true"))),
        c("to_string", vec![null()], is(s("null"))),
        c("to_string", vec![ints(&[1, 2])], is(s("[1,2]"))),
        c("to_string", vec![missing()], Want::Missing),
        // to_int
        c("to_int", vec![s("8080")], is(i(8080))),
        c("to_int", vec![s(" -3 ")], is(i(-3))),
        c("to_int", vec![s("1.9")], is(i(1))),
        c("to_int", vec![f(-2.7)], is(i(-2))),
        c("to_int", vec![i(4)], is(i(4))),
        c("to_int", vec![missing()], Want::Missing),
        c(
            "to_int",
            vec![s("http")],
            err(0, "cannot convert `http` to an int"),
        ),
        c("to_int", vec![f(1e300)], err(0, "does not fit in an int")),
        c(
            "to_int",
            vec![f(f64::NAN)],
            err(0, "does not fit in an int"),
        ),
        c(
            "to_int",
            vec![b(true)],
            err(0, "expected a number or a numeric string, found bool"),
        ),
        // to_float
        c("to_float", vec![s("0.5")], is(f(0.5))),
        c("to_float", vec![i(2)], is(f(2.0))),
        c("to_float", vec![missing()], Want::Missing),
        c("to_float", vec![s("inf")], err(0, "cannot convert")),
        c("to_float", vec![null()], err(0, "found null")),
        // sort
        c("sort", vec![ints(&[3, 1, 2])], is(ints(&[1, 2, 3]))),
        c(
            "sort",
            vec![strs(&["b", "a", "C"])],
            is(strs(&["C", "a", "b"])),
        ),
        c(
            "sort",
            vec![l(vec![s("a"), i(2), f(1.5), null()])],
            is(l(vec![null(), f(1.5), i(2), s("a")])),
        ),
        c("sort", vec![missing()], Want::Missing),
        c(
            "sort",
            vec![s("cba")],
            err(0, "expected a list, found string"),
        ),
        // unique
        c(
            "unique",
            vec![strs(&["a", "b", "a"])],
            is(strs(&["a", "b"])),
        ),
        c(
            "unique",
            vec![l(vec![
                i(1),
                f(1.0),
                f(1.5),
                f(1.5),
                i(9_007_199_254_740_993),
            ])],
            is(l(vec![i(1), f(1.5), i(9_007_199_254_740_993)])),
        ),
        c(
            "unique",
            vec![l(vec![
                ints(&[1]),
                ints(&[1]),
                m(vec![("a", i(1))]),
                m(vec![("a", f(1.0))]),
            ])],
            is(l(vec![ints(&[1]), m(vec![("a", i(1))])])),
        ),
        c("unique", vec![missing()], Want::Missing),
        c(
            "unique",
            vec![m(vec![])],
            err(0, "expected a list, found map"),
        ),
        // sum
        c("sum", vec![ints(&[1, 2, 3])], is(i(6))),
        c("sum", vec![l(vec![i(1), f(0.5)])], is(f(1.5))),
        c("sum", vec![ints(&[])], is(i(0))),
        c("sum", vec![missing()], Want::Missing),
        c(
            "sum",
            vec![l(vec![i(1), s("2")])],
            err(0, "expected a list of numbers, found string at index 1"),
        ),
        c(
            "sum",
            vec![ints(&[i64::MAX, 1])],
            err(0, "integer overflow"),
        ),
        // min / max
        c("min", vec![ints(&[3, 1, 2])], is(i(1))),
        c("min", vec![strs(&["b", "a"])], is(s("a"))),
        c("min", vec![ints(&[])], Want::Missing),
        c("min", vec![missing()], Want::Missing),
        c("min", vec![i(1)], err(0, "expected a list, found int")),
        c("max", vec![ints(&[3, 1, 2])], is(i(3))),
        c("max", vec![l(vec![i(2), f(2.5)])], is(f(2.5))),
        c("max", vec![ints(&[])], Want::Missing),
        c("max", vec![missing()], Want::Missing),
        c("max", vec![s("x")], err(0, "expected a list, found string")),
        // abs
        c("abs", vec![i(-3)], is(i(3))),
        c("abs", vec![f(-0.5)], is(f(0.5))),
        c("abs", vec![missing()], Want::Missing),
        c("abs", vec![i(i64::MIN)], err(0, "integer overflow")),
        c(
            "abs",
            vec![s("-1")],
            err(0, "expected a number, found string"),
        ),
        // flatten
        c(
            "flatten",
            vec![l(vec![ints(&[1, 2]), i(3), l(vec![ints(&[4])])])],
            is(l(vec![i(1), i(2), i(3), ints(&[4])])),
        ),
        c("flatten", vec![ints(&[])], is(ints(&[]))),
        c("flatten", vec![missing()], Want::Missing),
        c(
            "flatten",
            vec![s("x")],
            err(0, "expected a list, found string"),
        ),
        // concat
        c(
            "concat",
            vec![ints(&[1]), ints(&[2, 3])],
            is(ints(&[1, 2, 3])),
        ),
        c("concat", vec![ints(&[]), ints(&[])], is(ints(&[]))),
        c("concat", vec![ints(&[1]), missing()], Want::Missing),
        c(
            "concat",
            vec![ints(&[1]), i(2)],
            err(1, "expected a list, found int"),
        ),
        // range
        c("range", vec![i(1), i(4)], is(ints(&[1, 2, 3]))),
        c("range", vec![i(4), i(1)], is(ints(&[]))),
        c(
            "range",
            vec![i(0), i(1_000_000)],
            Want::Is(palisade::value::Value::list(
                (0..1_000_000).map(i).collect(),
            )),
        ),
        c("range", vec![missing(), i(3)], Want::Missing),
        c(
            "range",
            vec![i(0), i(1_000_001)],
            Want::Err(None, "the limit is 1000000"),
        ),
        c(
            "range",
            vec![i(i64::MIN), i(i64::MAX)],
            Want::Err(None, "the limit is 1000000"),
        ),
        c(
            "range",
            vec![i(0), s("3")],
            err(1, "expected an int, found string"),
        ),
        // get
        c(
            "get",
            vec![m(vec![("zone", s("ot"))]), s("zone"), s("none")],
            is(s("ot")),
        ),
        c("get", vec![m(vec![]), s("zone"), s("none")], is(s("none"))),
        c(
            "get",
            vec![m(vec![("zone", null())]), s("zone"), s("none")],
            is(null()),
        ),
        c("get", vec![missing(), s("zone"), s("none")], is(s("none"))),
        c("get", vec![ints(&[10, 20]), i(-1), i(0)], is(i(20))),
        c("get", vec![ints(&[10, 20]), i(5), i(0)], is(i(0))),
        c("get", vec![m(vec![]), missing(), i(0)], Want::Missing),
        c(
            "get",
            vec![m(vec![]), i(1), i(0)],
            err(1, "expected a string key for a map, found int"),
        ),
        c(
            "get",
            vec![s("x"), s("k"), i(0)],
            err(0, "expected a map or a list, found string"),
        ),
    ]
}
