//! Telling Cisco configurations apart from other formats, and ASA from IOS.
//!
//! ASA has telling markers (`ASA Version`, `nameif`, `access-group … interface`, `object
//! network`, `clear configure access-list`). Everything else that looks like Cisco CLI
//! (`hostname`, `interface`, `access-list`, `ip access-list`, `router`…) is read as IOS,
//! including NX-OS and IOS-XR style access lists and the `access-list NAME extended` form.

/// Lines at column 0 that only Cisco CLI configurations start with.
const IOS_MARKERS: &[&str] = &[
    "hostname ",
    "access-list ",
    "ip access-list ",
    "ipv4 access-list ",
    "ipv6 access-list ",
    "no ip access-list ",
    "no ipv6 access-list ",
    "no access-list ",
    "interface ",
    "object-group ",
    "router ",
    "route-map ",
    "ip route ",
    "ip prefix-list ",
    "line vty ",
    "class-map ",
    "policy-map ",
    "zone security ",
    "zone-pair ",
    "service timestamps ",
];

/// Whether the text is JSON, YAML flow, XML or a brace-structured configuration.
fn other_format(text: &str) -> bool {
    let first = text.trim_start().chars().next();
    if matches!(first, Some('{' | '[' | '<')) {
        return true;
    }
    text.lines().any(|l| {
        let t = l.trim_end();
        !l.starts_with(char::is_whitespace)
            && (t.ends_with(" {") || t.starts_with("*filter") || t.starts_with("-A "))
    })
}

fn asa_marker(line: &str) -> bool {
    let t = line.trim_start();
    let indented = t.len() != line.len();
    if indented {
        let level = t.strip_prefix("security-level ").map(str::trim_end);
        return t.starts_with("nameif ") || level.is_some_and(|l| l.parse::<u8>().is_ok());
    }
    t.starts_with("ASA Version")
        || t.starts_with("PIX Version")
        || t.starts_with("FWSM Version")
        || t.starts_with("clear configure ")
        || t.starts_with("object network ")
        || t.starts_with("object service ")
        || t.starts_with("same-security-traffic ")
        || (t.starts_with("access-group ") && (t.contains(" interface ") || t.ends_with(" global")))
}

/// Whether `text` is a Cisco ASA configuration.
pub(crate) fn looks_like_asa(text: &str) -> bool {
    !other_format(text) && text.lines().any(asa_marker)
}

/// Whether `text` is a Cisco IOS (or IOS-like: IOS-XE, NX-OS, IOS-XR) configuration.
pub(crate) fn looks_like_ios(text: &str) -> bool {
    if other_format(text) || text.lines().any(asa_marker) {
        return false;
    }
    text.lines().any(|l| {
        IOS_MARKERS.iter().any(|m| l.starts_with(m))
            || (l.starts_with("version ") && !l.trim_end().ends_with(';'))
    })
}
