//! Cases for `std.net`.

use palisade::value::Value;

use crate::{b, case, err, f, i, is, m, missing, s, Case, Want};

fn c(name: &'static str, args: Vec<Value>, want: Want) -> Case {
    case("std.net", name, args, want)
}

pub(super) fn cases() -> Vec<Case> {
    vec![
        // is_ip
        c("is_ip", vec![s("10.0.0.1")], is(b(true))),
        c("is_ip", vec![s("fe80::1")], is(b(true))),
        c("is_ip", vec![s("10.0.0.0/8")], is(b(false))),
        c("is_ip", vec![s("010.0.0.1")], is(b(false))),
        c("is_ip", vec![s("any")], is(b(false))),
        c("is_ip", vec![missing()], Want::Missing),
        c("is_ip", vec![i(10)], err(0, "expected a string, found int")),
        // is_cidr
        c("is_cidr", vec![s("10.0.0.0/8")], is(b(true))),
        c("is_cidr", vec![s("10.0.0.1/8")], is(b(true))),
        c("is_cidr", vec![s("10.0.0.1")], is(b(false))),
        c("is_cidr", vec![s("10.0.0.0/33")], is(b(false))),
        c("is_cidr", vec![s("::/0")], is(b(true))),
        c("is_cidr", vec![missing()], Want::Missing),
        c("is_cidr", vec![b(true)], err(0, "found bool")),
        // cidr_contains
        c(
            "cidr_contains",
            vec![s("10.0.0.0/8"), s("10.1.2.0/24")],
            is(b(true)),
        ),
        c(
            "cidr_contains",
            vec![s("10.0.0.0/8"), s("10.1.2.3")],
            is(b(true)),
        ),
        c(
            "cidr_contains",
            vec![s("10.1.2.0/24"), s("10.0.0.0/8")],
            is(b(false)),
        ),
        c(
            "cidr_contains",
            vec![s("10.0.0.1"), s("10.0.0.1")],
            is(b(true)),
        ),
        c(
            "cidr_contains",
            vec![s("::/0"), s("10.0.0.1")],
            is(b(false)),
        ),
        c(
            "cidr_contains",
            vec![s("10.0.0.0/8"), s("not-an-ip")],
            is(b(false)),
        ),
        c(
            "cidr_contains",
            vec![s("10.0.0.0/8"), missing()],
            Want::Missing,
        ),
        c(
            "cidr_contains",
            vec![s("10.0.0.0/8"), i(1)],
            err(1, "expected a string, found int"),
        ),
        // cidr_overlaps
        c(
            "cidr_overlaps",
            vec![s("10.0.0.0/16"), s("10.0.128.0/17")],
            is(b(true)),
        ),
        c(
            "cidr_overlaps",
            vec![s("10.0.128.0/17"), s("10.0.0.0/16")],
            is(b(true)),
        ),
        c(
            "cidr_overlaps",
            vec![s("10.0.0.0/24"), s("10.0.1.0/24")],
            is(b(false)),
        ),
        c(
            "cidr_overlaps",
            vec![s("fd00::/8"), s("fd12::1")],
            is(b(true)),
        ),
        c("cidr_overlaps", vec![s("x"), s("10.0.0.0/8")], is(b(false))),
        c(
            "cidr_overlaps",
            vec![missing(), s("10.0.0.0/8")],
            Want::Missing,
        ),
        c(
            "cidr_overlaps",
            vec![s("10.0.0.0/8"), f(1.0)],
            err(1, "found float"),
        ),
        // is_private
        c("is_private", vec![s("192.168.10.0/24")], is(b(true))),
        c("is_private", vec![s("172.31.255.255")], is(b(true))),
        c("is_private", vec![s("172.32.0.1")], is(b(false))),
        c("is_private", vec![s("10.0.0.0/7")], is(b(false))),
        c("is_private", vec![s("fd00::1")], is(b(true))),
        c("is_private", vec![s("::ffff:10.1.2.3")], is(b(true))),
        c("is_private", vec![s("127.0.0.1")], is(b(false))),
        c("is_private", vec![s("0.0.0.0/0")], is(b(false))),
        c("is_private", vec![s("internal")], is(b(false))),
        c("is_private", vec![missing()], Want::Missing),
        c("is_private", vec![i(10)], err(0, "found int")),
        // is_loopback
        c("is_loopback", vec![s("127.0.0.1")], is(b(true))),
        c("is_loopback", vec![s("127.0.0.0/8")], is(b(true))),
        c("is_loopback", vec![s("::1")], is(b(true))),
        c("is_loopback", vec![s("::ffff:127.0.0.1")], is(b(true))),
        c("is_loopback", vec![s("10.0.0.1")], is(b(false))),
        c("is_loopback", vec![s("localhost")], is(b(false))),
        c("is_loopback", vec![missing()], Want::Missing),
        c("is_loopback", vec![i(1)], err(0, "found int")),
        // is_any
        c("is_any", vec![s("0.0.0.0/0")], is(b(true))),
        c("is_any", vec![s("::/0")], is(b(true))),
        c("is_any", vec![s("0.0.0.0")], is(b(false))),
        c("is_any", vec![s("any")], is(b(false))),
        c("is_any", vec![s("10.0.0.0/8")], is(b(false))),
        c("is_any", vec![missing()], Want::Missing),
        c("is_any", vec![i(0)], err(0, "found int")),
        // prefix_len
        c("prefix_len", vec![s("10.0.0.0/8")], is(i(8))),
        c("prefix_len", vec![s("10.0.0.1")], is(i(32))),
        c("prefix_len", vec![s("2001:db8::/32")], is(i(32))),
        c("prefix_len", vec![s("fe80::1")], is(i(128))),
        c("prefix_len", vec![s("10.0.0.0/99")], Want::Missing),
        c("prefix_len", vec![missing()], Want::Missing),
        c("prefix_len", vec![i(8)], err(0, "found int")),
        // ip_version
        c("ip_version", vec![s("10.0.0.1")], is(i(4))),
        c("ip_version", vec![s("fd00::/8")], is(i(6))),
        c("ip_version", vec![s("eth0")], Want::Missing),
        c("ip_version", vec![missing()], Want::Missing),
        c("ip_version", vec![i(4)], err(0, "found int")),
        // cidr_size
        c("cidr_size", vec![s("10.0.0.0/24")], is(i(256))),
        c("cidr_size", vec![s("0.0.0.0/0")], is(i(4_294_967_296))),
        c("cidr_size", vec![s("10.0.0.1")], is(i(1))),
        c("cidr_size", vec![s("2001:db8::/66")], is(i(1 << 62))),
        c(
            "cidr_size",
            vec![s("2001:db8::/64")],
            is(f(18_446_744_073_709_551_616.0)),
        ),
        c("cidr_size", vec![s("::/0")], is(f(2f64.powi(128)))),
        c("cidr_size", vec![s("10.0.0.0/x")], Want::Missing),
        c("cidr_size", vec![missing()], Want::Missing),
        c("cidr_size", vec![i(24)], err(0, "found int")),
        // network
        c("network", vec![s("10.1.2.3/8")], is(s("10.0.0.0/8"))),
        c("network", vec![s("10.1.2.3")], is(s("10.1.2.3/32"))),
        c(
            "network",
            vec![s("2001:DB8:0:0::1/32")],
            is(s("2001:db8::/32")),
        ),
        c("network", vec![s("10.0.0.0/8 ")], Want::Missing),
        c("network", vec![missing()], Want::Missing),
        c("network", vec![i(1)], err(0, "found int")),
        // parse_cidr
        c(
            "parse_cidr",
            vec![s("10.1.2.3/8")],
            is(m(vec![
                ("cidr", s("10.0.0.0/8")),
                ("network", s("10.0.0.0")),
                ("prefix", i(8)),
                ("version", i(4)),
            ])),
        ),
        c(
            "parse_cidr",
            vec![s("fd00::1")],
            is(m(vec![
                ("cidr", s("fd00::1/128")),
                ("network", s("fd00::1")),
                ("prefix", i(128)),
                ("version", i(6)),
            ])),
        ),
        c("parse_cidr", vec![s("10.0.0.256")], Want::Missing),
        c("parse_cidr", vec![missing()], Want::Missing),
        c(
            "parse_cidr",
            vec![m(vec![])],
            err(0, "expected a string, found map"),
        ),
    ]
}
