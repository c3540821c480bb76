//! Cases for `std.regex` and `std.glob`.

use palisade::value::Value;

use crate::{b, case, err, i, is, l, missing, null, s, strs, Case, Want};

fn re(name: &'static str, args: Vec<Value>, want: Want) -> Case {
    case("std.regex", name, args, want)
}

fn glob(args: Vec<Value>, want: Want) -> Case {
    case("std.glob", "is_match", args, want)
}

pub(super) fn cases() -> Vec<Case> {
    // A catastrophic pattern for backtracking engines; linear here.
    let evil_input = format!("{}!", "a".repeat(5000));
    vec![
        // is_match
        re(
            "is_match",
            vec![s("nginx:1.25"), s("^nginx:[0-9.]+$")],
            is(b(true)),
        ),
        re("is_match", vec![s("xnginx"), s("nginx")], is(b(true))),
        re("is_match", vec![s("nginx"), s("^apache")], is(b(false))),
        re("is_match", vec![s(&evil_input), s("^(a+)+$")], is(b(false))),
        re("is_match", vec![missing(), s("(")], Want::Missing),
        re(
            "is_match",
            vec![s("a"), s("(a")],
            err(1, "invalid regular expression `(a`: unclosed group"),
        ),
        re(
            "is_match",
            vec![i(1), s("a")],
            err(0, "expected a string, found int"),
        ),
        // find
        re(
            "find",
            vec![s("image: nginx:1.25"), s("[0-9]+[.][0-9]+")],
            is(s("1.25")),
        ),
        re("find", vec![s("abc"), s("[0-9]+")], Want::Missing),
        re("find", vec![s("abc"), missing()], Want::Missing),
        re(
            "find",
            vec![s("abc"), s("[")],
            err(1, "invalid regular expression"),
        ),
        // find_all
        re(
            "find_all",
            vec![s("80,443,8080"), s("[0-9]+")],
            is(strs(&["80", "443", "8080"])),
        ),
        re("find_all", vec![s("abc"), s("[0-9]+")], is(strs(&[]))),
        re("find_all", vec![missing(), s("x")], Want::Missing),
        re(
            "find_all",
            vec![s("abc"), i(1)],
            err(1, "expected a string, found int"),
        ),
        // captures
        re(
            "captures",
            vec![s("nginx:1.25"), s("^(.+):(.+)$")],
            is(strs(&["nginx:1.25", "nginx", "1.25"])),
        ),
        re(
            "captures",
            vec![s("502"), s("^(?:([0-9.]+):)?([0-9]+)$")],
            is(l(vec![s("502"), null(), s("502")])),
        ),
        re("captures", vec![s("abc"), s("^([0-9]+)$")], Want::Missing),
        re("captures", vec![missing(), s("(")], Want::Missing),
        re(
            "captures",
            vec![s("a"), s("(?P<x")],
            err(1, "invalid regular expression"),
        ),
        // replace_all
        re(
            "replace_all",
            vec![s("a1b22"), s("[0-9]+"), s("#")],
            is(s("a#b#")),
        ),
        re(
            "replace_all",
            vec![s("nginx:1.25"), s("^(.+):(.+)$"), s("$2@$1")],
            is(s("1.25@nginx")),
        ),
        re(
            "replace_all",
            vec![s("ab"), s("x*"), s("-")],
            is(s("-a-b-")),
        ),
        re("replace_all", vec![s("ab"), s("z"), s("$$")], is(s("ab"))),
        re(
            "replace_all",
            vec![s("a"), s("a"), missing()],
            Want::Missing,
        ),
        re(
            "replace_all",
            vec![s(&"a".repeat(1 << 19)), s("a"), s("$0$0$0")],
            Want::Err(None, "exceed 1 MiB"),
        ),
        re(
            "replace_all",
            vec![s("a"), s("a"), null()],
            err(2, "found null"),
        ),
        // is_valid
        re("is_valid", vec![s("^a+$")], is(b(true))),
        re("is_valid", vec![s("(a")], is(b(false))),
        re("is_valid", vec![s("a(?=b)")], is(b(false))),
        re("is_valid", vec![missing()], Want::Missing),
        re(
            "is_valid",
            vec![i(1)],
            err(0, "expected a string, found int"),
        ),
        // glob.is_match
        glob(
            vec![s("registry.corp/ot/hmi:2.1"), s("registry.corp/*")],
            is(b(true)),
        ),
        glob(
            vec![s("docker.io/nginx"), s("registry.corp/*")],
            is(b(false)),
        ),
        glob(vec![s("eth0"), s("eth?")], is(b(true))),
        glob(vec![s("nginx:latest"), s("*:{latest,stable}")], is(b(true))),
        glob(vec![s("a*b"), s("a\\*b")], is(b(true))),
        glob(vec![s("axb"), s("a\\*b")], is(b(false))),
        glob(vec![s("prefix-nginx"), s("nginx")], is(b(false))),
        // A pattern without special characters is compared as it is: whole, case and all.
        glob(vec![s("docker.io"), s("docker.io")], is(b(true))),
        glob(vec![s("docker.iox"), s("docker.io")], is(b(false))),
        glob(vec![s("Docker.io"), s("docker.io")], is(b(false))),
        glob(vec![s(""), s("")], is(b(true))),
        glob(vec![s("a,b!"), s("a,b!")], is(b(true))),
        glob(vec![s("a}"), s("a}")], err(1, "invalid glob `a}`")),
        glob(vec![missing(), s("*")], Want::Missing),
        glob(vec![s("a"), s("[a")], err(1, "invalid glob `[a`")),
        glob(vec![s("a"), i(1)], err(1, "expected a string, found int")),
    ]
}
