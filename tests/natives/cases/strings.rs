//! Cases for `std.strings`.

use palisade::value::Value;

use crate::{b, case, err, i, is, l, missing, null, s, strs, Case, Want};

fn c(name: &'static str, args: Vec<Value>, want: Want) -> Case {
    case("std.strings", name, args, want)
}

pub(super) fn cases() -> Vec<Case> {
    let mib = "x".repeat(1 << 20);
    vec![
        // has_prefix / has_suffix / contains
        c("has_prefix", vec![s("nginx:1.25"), s("nginx")], is(b(true))),
        c("has_prefix", vec![s("nginx"), s("")], is(b(true))),
        c("has_prefix", vec![s("ngin"), s("nginx")], is(b(false))),
        c("has_prefix", vec![missing(), s("x")], Want::Missing),
        c(
            "has_prefix",
            vec![s("x"), i(1)],
            err(1, "expected a string, found int"),
        ),
        c(
            "has_suffix",
            vec![s("nginx:latest"), s(":latest")],
            is(b(true)),
        ),
        c("has_suffix", vec![s("a"), s("b")], is(b(false))),
        c("has_suffix", vec![s("a"), missing()], Want::Missing),
        c(
            "has_suffix",
            vec![null(), s("b")],
            err(0, "expected a string, found null"),
        ),
        c(
            "contains",
            vec![s("--anonymous-auth=true"), s("anonymous")],
            is(b(true)),
        ),
        c("contains", vec![s("ABC"), s("b")], is(b(false))),
        c("contains", vec![s("abc"), s("")], is(b(true))),
        c("contains", vec![s("naïve"), s("ï")], is(b(true))),
        c(
            "contains",
            vec![s("nginx@sha256:ab"), s("@sha256:")],
            is(b(true)),
        ),
        c(
            "contains",
            vec![s("nginx@sha25"), s("@sha256:")],
            is(b(false)),
        ),
        c("contains", vec![missing(), missing()], Want::Missing),
        c(
            "contains",
            vec![strs(&["a"]), s("a")],
            err(0, "expected a string, found list"),
        ),
        // lower / upper / trim
        c("lower", vec![s("Always")], is(s("always"))),
        c("lower", vec![s("ÄÖ")], is(s("äö"))),
        c("lower", vec![missing()], Want::Missing),
        c("lower", vec![i(1)], err(0, "expected a string, found int")),
        c("upper", vec![s("net_admin")], is(s("NET_ADMIN"))),
        c("upper", vec![s("")], is(s(""))),
        c("upper", vec![missing()], Want::Missing),
        c("upper", vec![b(true)], err(0, "found bool")),
        c("trim", vec![s("  ssh \n")], is(s("ssh"))),
        c("trim", vec![s("x")], is(s("x"))),
        c("trim", vec![missing()], Want::Missing),
        c("trim", vec![i(1)], err(0, "expected a string")),
        // trim_prefix / trim_suffix
        c(
            "trim_prefix",
            vec![s("docker.io/nginx"), s("docker.io/")],
            is(s("nginx")),
        ),
        c("trim_prefix", vec![s("aab"), s("a")], is(s("ab"))),
        c(
            "trim_prefix",
            vec![s("nginx"), s("quay.io/")],
            is(s("nginx")),
        ),
        c("trim_prefix", vec![missing(), s("a")], Want::Missing),
        c("trim_prefix", vec![s("a"), null()], err(1, "found null")),
        c("trim_suffix", vec![s("502/tcp"), s("/tcp")], is(s("502"))),
        c("trim_suffix", vec![s("502"), s("/tcp")], is(s("502"))),
        c("trim_suffix", vec![s("a"), missing()], Want::Missing),
        c("trim_suffix", vec![i(502), s("/tcp")], err(0, "found int")),
        // split / join
        c(
            "split",
            vec![s("a,b,c"), s(",")],
            is(strs(&["a", "b", "c"])),
        ),
        c("split", vec![s(""), s(",")], is(strs(&[""]))),
        c("split", vec![s("aé"), s("")], is(strs(&["a", "é"]))),
        c("split", vec![s("a::b"), s("::")], is(strs(&["a", "b"]))),
        // Matches do not overlap, and a separator at either end leaves an empty part.
        c("split", vec![s("aaa"), s("aa")], is(strs(&["", "a"]))),
        c("split", vec![s("::a::"), s("::")], is(strs(&["", "a", ""]))),
        c(
            "split",
            vec![s("aébéc"), s("é")],
            is(strs(&["a", "b", "c"])),
        ),
        c("split", vec![s("x→y→→z"), s("→→")], is(strs(&["x→y", "z"]))),
        c("split", vec![missing(), s(",")], Want::Missing),
        c(
            "split",
            vec![s("a"), i(1)],
            err(1, "expected a string, found int"),
        ),
        c(
            "join",
            vec![l(vec![s("80"), i(443), b(true)]), s(",")],
            is(s("80,443,true")),
        ),
        c("join", vec![strs(&[]), s(",")], is(s(""))),
        c("join", vec![missing(), s(",")], Want::Missing),
        c(
            "join",
            vec![l(vec![s("a"), null()]), s(",")],
            err(0, "found null at index 1"),
        ),
        c(
            "join",
            vec![s("a"), s(",")],
            err(0, "expected a list, found string"),
        ),
        // replace
        c("replace", vec![s("a-b-c"), s("-"), s("_")], is(s("a_b_c"))),
        c("replace", vec![s("abc"), s("x"), s("y")], is(s("abc"))),
        c("replace", vec![s("aaa"), s("a"), s("")], is(s(""))),
        c("replace", vec![missing(), s("a"), s("b")], Want::Missing),
        c(
            "replace",
            vec![s("abc"), s(""), s("x")],
            err(1, "must not be empty"),
        ),
        c(
            "replace",
            vec![s(&mib), s("x"), s("yy")],
            Want::Err(None, "exceed 1 MiB"),
        ),
        c(
            "replace",
            vec![s(&mib), s("x"), s("y")],
            is(s(&"y".repeat(1 << 20))),
        ),
        c("replace", vec![s("a"), s("a"), i(1)], err(2, "found int")),
        // substring
        c(
            "substring",
            vec![s("nginx:1.25"), i(0), i(5)],
            is(s("nginx")),
        ),
        c("substring", vec![s("héllo"), i(1), i(3)], is(s("él"))),
        c("substring", vec![s("abc"), i(-5), i(99)], is(s("abc"))),
        c("substring", vec![s("abc"), i(2), i(1)], is(s(""))),
        c("substring", vec![s("abc"), missing(), i(1)], Want::Missing),
        c(
            "substring",
            vec![s("abc"), s("0"), i(1)],
            err(1, "expected an int, found string"),
        ),
        // index_of
        c("index_of", vec![s("nginx:1.25"), s(":")], is(i(5))),
        c("index_of", vec![s("é:x"), s(":")], is(i(1))),
        c("index_of", vec![s("abc"), s("z")], is(i(-1))),
        c("index_of", vec![s("abc"), s("")], is(i(0))),
        c("index_of", vec![s("éé::x::"), s("::")], is(i(2))),
        c("index_of", vec![missing(), s("")], Want::Missing),
        c("index_of", vec![s("abc"), i(1)], err(1, "found int")),
        // repeat
        c("repeat", vec![s("ab"), i(3)], is(s("ababab"))),
        c("repeat", vec![s("ab"), i(0)], is(s(""))),
        c("repeat", vec![s("ab"), missing()], Want::Missing),
        c(
            "repeat",
            vec![s("ab"), i(-1)],
            err(1, "expected a count of 0 or more, found -1"),
        ),
        c(
            "repeat",
            vec![s("ab"), i(1 << 20)],
            Want::Err(None, "exceed 1 MiB"),
        ),
        c(
            "repeat",
            vec![s("ab"), i(i64::MAX)],
            Want::Err(None, "exceed 1 MiB"),
        ),
        c("repeat", vec![i(1), i(2)], err(0, "found int")),
    ]
}
