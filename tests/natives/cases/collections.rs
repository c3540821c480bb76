//! Cases for `std.collections`.

use palisade::value::Value;

use crate::{b, case, err, f, i, ints, is, l, m, missing, null, s, strs, Case, Want};

fn c(name: &'static str, args: Vec<Value>, want: Want) -> Case {
    case("std.collections", name, args, want)
}

pub(super) fn cases() -> Vec<Case> {
    let caps = strs(&["ALL", "NET_RAW"]);
    let pod_a = m(vec![("name", s("a")), ("v", i(1))]);
    let pod_a2 = m(vec![("name", s("a")), ("v", i(2))]);
    let pod_b = m(vec![("name", s("b"))]);
    vec![
        // contains_all / contains_any
        c(
            "contains_all",
            vec![caps.clone(), strs(&["ALL"])],
            is(b(true)),
        ),
        c(
            "contains_all",
            vec![caps.clone(), strs(&["ALL", "SYS_ADMIN"])],
            is(b(false)),
        ),
        c("contains_all", vec![caps.clone(), strs(&[])], is(b(true))),
        c(
            "contains_all",
            vec![ints(&[1, 2]), l(vec![f(2.0)])],
            is(b(true)),
        ),
        c(
            "contains_all",
            vec![missing(), strs(&["ALL"])],
            Want::Missing,
        ),
        c(
            "contains_all",
            vec![caps.clone(), s("ALL")],
            err(1, "expected a list, found string"),
        ),
        c(
            "contains_any",
            vec![strs(&["SYS_ADMIN"]), strs(&["SYS_ADMIN", "NET_ADMIN"])],
            is(b(true)),
        ),
        c("contains_any", vec![caps.clone(), strs(&[])], is(b(false))),
        c(
            "contains_any",
            vec![l(vec![ints(&[1])]), l(vec![ints(&[1])])],
            is(b(true)),
        ),
        c("contains_any", vec![caps.clone(), missing()], Want::Missing),
        c(
            "contains_any",
            vec![s("ALL"), caps.clone()],
            err(0, "expected a list, found string"),
        ),
        // intersection / difference / union
        c(
            "intersection",
            vec![ints(&[1, 2, 3, 2]), ints(&[2, 3, 4])],
            is(ints(&[2, 3])),
        ),
        c("intersection", vec![ints(&[1]), ints(&[])], is(ints(&[]))),
        c(
            "intersection",
            vec![l(vec![null(), s("a")]), l(vec![null()])],
            is(l(vec![null()])),
        ),
        c("intersection", vec![missing(), ints(&[])], Want::Missing),
        c(
            "intersection",
            vec![ints(&[]), m(vec![])],
            err(1, "expected a list, found map"),
        ),
        c(
            "difference",
            vec![caps.clone(), strs(&["NET_RAW"])],
            is(strs(&["ALL"])),
        ),
        c(
            "difference",
            vec![ints(&[1, 1, 2]), ints(&[])],
            is(ints(&[1, 2])),
        ),
        c(
            "difference",
            vec![l(vec![f(0.5), f(1.0)]), l(vec![i(1)])],
            is(l(vec![f(0.5)])),
        ),
        c("difference", vec![ints(&[]), missing()], Want::Missing),
        c(
            "difference",
            vec![i(1), ints(&[])],
            err(0, "expected a list, found int"),
        ),
        c(
            "union",
            vec![ints(&[1, 2]), ints(&[2, 3])],
            is(ints(&[1, 2, 3])),
        ),
        c(
            "union",
            vec![strs(&["a", "a"]), strs(&[])],
            is(strs(&["a"])),
        ),
        c("union", vec![missing(), missing()], Want::Missing),
        c(
            "union",
            vec![ints(&[]), null()],
            err(1, "expected a list, found null"),
        ),
        // merge
        c(
            "merge",
            vec![
                m(vec![("a", i(1)), ("b", i(2))]),
                m(vec![("b", i(3)), ("c", i(4))]),
            ],
            is(m(vec![("a", i(1)), ("b", i(3)), ("c", i(4))])),
        ),
        c("merge", vec![m(vec![]), m(vec![])], is(m(vec![]))),
        c(
            "merge",
            vec![
                m(vec![("a", m(vec![("x", i(1))]))]),
                m(vec![("a", m(vec![("y", i(2))]))]),
            ],
            is(m(vec![("a", m(vec![("y", i(2))]))])),
        ),
        c("merge", vec![m(vec![]), missing()], Want::Missing),
        c(
            "merge",
            vec![m(vec![]), ints(&[])],
            err(1, "expected a map, found list"),
        ),
        // find_keys: pre-order, a map's own matches in written order, then inside its values
        c(
            "find_keys",
            vec![
                m(vec![
                    ("x", m(vec![("k", i(1)), ("j", i(2))])),
                    ("j", l(vec![m(vec![("k", m(vec![("k", i(3))]))])])),
                    ("k", i(4)),
                ]),
                strs(&["k", "j"]),
            ],
            is(l(vec![
                l(vec![m(vec![("k", m(vec![("k", i(3))]))])]),
                i(4),
                i(1),
                i(2),
                m(vec![("k", i(3))]),
                i(3),
            ])),
        ),
        c("find_keys", vec![s("k"), strs(&["k"])], is(l(vec![]))),
        c("find_keys", vec![missing(), strs(&["k"])], Want::Missing),
        c(
            "find_keys",
            vec![m(vec![]), l(vec![i(1)])],
            err(1, "expected a list of strings, found int at index 0"),
        ),
        // pick / omit
        c(
            "pick",
            vec![m(vec![("a", i(1)), ("b", i(2))]), strs(&["b", "z"])],
            is(m(vec![("b", i(2))])),
        ),
        c(
            "pick",
            vec![m(vec![("a", i(1)), ("b", i(2))]), strs(&["b", "a"])],
            is(m(vec![("b", i(2)), ("a", i(1))])),
        ),
        c("pick", vec![missing(), strs(&["a"])], Want::Missing),
        c(
            "pick",
            vec![m(vec![]), l(vec![s("a"), i(1)])],
            err(1, "expected a list of strings, found int at index 1"),
        ),
        c(
            "omit",
            vec![m(vec![("a", i(1)), ("b", i(2))]), strs(&["a"])],
            is(m(vec![("b", i(2))])),
        ),
        c(
            "omit",
            vec![m(vec![("a", i(1))]), strs(&[])],
            is(m(vec![("a", i(1))])),
        ),
        c("omit", vec![m(vec![]), missing()], Want::Missing),
        c(
            "omit",
            vec![strs(&["a"]), strs(&["a"])],
            err(0, "expected a map, found list"),
        ),
        // count_of
        c(
            "count_of",
            vec![strs(&["tcp", "udp", "tcp"]), s("tcp")],
            is(i(2)),
        ),
        c(
            "count_of",
            vec![l(vec![i(1), f(1.0), s("1")]), i(1)],
            is(i(2)),
        ),
        c("count_of", vec![ints(&[]), missing()], Want::Missing),
        c(
            "count_of",
            vec![s("tcp"), s("t")],
            err(0, "expected a list, found string"),
        ),
        // index_by
        c(
            "index_by",
            vec![
                l(vec![pod_a.clone(), pod_b.clone(), pod_a2.clone()]),
                s("name"),
            ],
            is(m(vec![("a", pod_a.clone()), ("b", pod_b.clone())])),
        ),
        c(
            "index_by",
            vec![
                l(vec![
                    i(1),
                    m(vec![("name", i(5))]),
                    m(vec![]),
                    pod_b.clone(),
                ]),
                s("name"),
            ],
            is(m(vec![("b", pod_b.clone())])),
        ),
        c("index_by", vec![missing(), s("name")], Want::Missing),
        c(
            "index_by",
            vec![l(vec![pod_a.clone()]), i(1)],
            err(1, "expected a string, found int"),
        ),
        // group_by
        c(
            "group_by",
            vec![
                l(vec![pod_a.clone(), pod_b.clone(), pod_a2.clone()]),
                s("name"),
            ],
            is(m(vec![
                ("a", l(vec![pod_a.clone(), pod_a2.clone()])),
                ("b", l(vec![pod_b.clone()])),
            ])),
        ),
        c(
            "group_by",
            vec![
                l(vec![
                    i(1),
                    m(vec![("name", i(5))]),
                    m(vec![]),
                    pod_b.clone(),
                ]),
                s("name"),
            ],
            is(m(vec![("b", l(vec![pod_b.clone()]))])),
        ),
        c("group_by", vec![strs(&[]), s("name")], is(m(vec![]))),
        c("group_by", vec![missing(), s("name")], Want::Missing),
        c(
            "group_by",
            vec![m(vec![]), s("name")],
            err(0, "expected a list, found map"),
        ),
        // zip
        c(
            "zip",
            vec![strs(&["a", "b"]), ints(&[1, 2, 3])],
            is(l(vec![l(vec![s("a"), i(1)]), l(vec![s("b"), i(2)])])),
        ),
        c("zip", vec![strs(&[]), ints(&[1])], is(l(vec![]))),
        c("zip", vec![missing(), ints(&[1])], Want::Missing),
        c(
            "zip",
            vec![strs(&["a"]), m(vec![])],
            err(1, "expected a list, found map"),
        ),
    ]
}
