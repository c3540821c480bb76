//! Cases for `std.ports`.

use palisade::value::Value;

use crate::{b, case, err, f, i, ints, is, l, m, missing, null, s, strs, Case, Want};

fn c(name: &'static str, args: Vec<Value>, want: Want) -> Case {
    case("std.ports", name, args, want)
}

fn ranges(rs: &[(i64, i64)]) -> Value {
    l(rs.iter().map(|(lo, hi)| ints(&[*lo, *hi])).collect())
}

pub(super) fn cases() -> Vec<Case> {
    vec![
        // parse_ports
        c("parse_ports", vec![i(502)], is(ranges(&[(502, 502)]))),
        c(
            "parse_ports",
            vec![s("8000-8080")],
            is(ranges(&[(8000, 8080)])),
        ),
        c(
            "parse_ports",
            vec![s("8000:8080")],
            is(ranges(&[(8000, 8080)])),
        ),
        c(
            "parse_ports",
            vec![s(" 80 , 443,8000 - 8001")],
            is(ranges(&[(80, 80), (443, 443), (8000, 8001)])),
        ),
        c(
            "parse_ports",
            vec![l(vec![s("80"), s("81-90"), i(443), i(85)])],
            is(ranges(&[(80, 90), (443, 443)])),
        ),
        c("parse_ports", vec![s("0-65535")], is(ranges(&[(0, 65535)]))),
        c("parse_ports", vec![l(vec![])], is(ranges(&[]))),
        c("parse_ports", vec![s("8080:80")], Want::Missing),
        c("parse_ports", vec![s("http")], Want::Missing),
        c("parse_ports", vec![i(70000)], Want::Missing),
        c("parse_ports", vec![s("+80")], Want::Missing),
        c("parse_ports", vec![s("80,")], Want::Missing),
        c("parse_ports", vec![l(vec![i(80), b(true)])], Want::Missing),
        c("parse_ports", vec![missing()], Want::Missing),
        c(
            "parse_ports",
            vec![b(true)],
            err(
                0,
                "expected a port spec (an int, a string or a list), found bool",
            ),
        ),
        c("parse_ports", vec![f(80.0)], err(0, "found float")),
        // port_in
        c("port_in", vec![i(502), s("1-1024")], is(b(true))),
        c(
            "port_in",
            vec![s("8080"), l(vec![i(80), s("8000:8100")])],
            is(b(true)),
        ),
        c("port_in", vec![i(2000), s("1-1024")], is(b(false))),
        c("port_in", vec![i(70000), s("0-65535")], is(b(false))),
        c("port_in", vec![i(80), s("bogus")], is(b(false))),
        c("port_in", vec![missing(), i(80)], Want::Missing),
        c(
            "port_in",
            vec![b(true), i(80)],
            err(0, "expected a port (an int or a string), found bool"),
        ),
        c("port_in", vec![i(80), m(vec![])], err(1, "found map")),
        // ports_overlap
        c(
            "ports_overlap",
            vec![s("8000:8100"), l(vec![i(8080), i(9090)])],
            is(b(true)),
        ),
        c(
            "ports_overlap",
            vec![s("1-1023"), s("1024-2000")],
            is(b(false)),
        ),
        c("ports_overlap", vec![i(22), i(22)], is(b(true))),
        c("ports_overlap", vec![s("x"), i(22)], is(b(false))),
        c("ports_overlap", vec![i(22), missing()], Want::Missing),
        c("ports_overlap", vec![i(22), null()], err(1, "found null")),
        // port_count
        c("port_count", vec![s("8000-8009,8005")], is(i(10))),
        c("port_count", vec![s("0:65535")], is(i(65536))),
        c("port_count", vec![l(vec![])], is(i(0))),
        c("port_count", vec![s("99999")], Want::Missing),
        c("port_count", vec![missing()], Want::Missing),
        c("port_count", vec![m(vec![])], err(0, "found map")),
        // is_port
        c("is_port", vec![s("502")], is(b(true))),
        c("is_port", vec![i(65535)], is(b(true))),
        c("is_port", vec![i(0)], is(b(false))),
        c("is_port", vec![i(65536)], is(b(false))),
        c("is_port", vec![s("80-90")], is(b(false))),
        c("is_port", vec![b(true)], is(b(false))),
        c("is_port", vec![missing()], Want::Missing),
        // service_name
        c("service_name", vec![i(502)], is(s("modbus"))),
        c("service_name", vec![s("102")], is(s("iso-tsap"))),
        c("service_name", vec![i(34963)], is(s("profinet"))),
        c("service_name", vec![i(44818)], is(s("ethernet-ip"))),
        c("service_name", vec![i(2222)], is(s("ethernet-ip-io"))),
        c("service_name", vec![i(47808)], is(s("bacnet"))),
        c("service_name", vec![i(4840)], is(s("opc-ua"))),
        c("service_name", vec![i(20000)], is(s("dnp3"))),
        c("service_name", vec![i(5006)], is(s("melsec"))),
        c("service_name", vec![i(12345)], Want::Missing),
        c("service_name", vec![i(-1)], Want::Missing),
        c("service_name", vec![missing()], Want::Missing),
        c("service_name", vec![strs(&["22"])], err(0, "found list")),
        // is_cleartext
        c("is_cleartext", vec![i(23)], is(b(true))),
        c("is_cleartext", vec![s("502")], is(b(true))),
        c("is_cleartext", vec![i(102)], is(b(true))),
        c("is_cleartext", vec![i(1883)], is(b(true))),
        c("is_cleartext", vec![i(8883)], is(b(false))),
        c("is_cleartext", vec![i(22)], is(b(false))),
        c("is_cleartext", vec![i(443)], is(b(false))),
        c("is_cleartext", vec![i(3389)], is(b(false))),
        c("is_cleartext", vec![i(4840)], is(b(false))),
        c("is_cleartext", vec![s("1-1024")], is(b(true))),
        c("is_cleartext", vec![l(vec![i(22), i(443)])], is(b(false))),
        c("is_cleartext", vec![i(12345)], is(b(false))),
        c("is_cleartext", vec![s("telnet")], is(b(false))),
        c("is_cleartext", vec![missing()], Want::Missing),
        c("is_cleartext", vec![null()], err(0, "found null")),
        // services
        c(
            "services",
            vec![s("20-23")],
            is(strs(&["ftp-data", "ftp", "ssh", "telnet"])),
        ),
        c(
            "services",
            vec![l(vec![i(2455), i(1200), i(443)])],
            is(strs(&["https", "codesys"])),
        ),
        c("services", vec![i(12345)], is(strs(&[]))),
        c("services", vec![s("1-")], Want::Missing),
        c("services", vec![missing()], Want::Missing),
        c("services", vec![b(false)], err(0, "found bool")),
    ]
}
