//! File paths as URI references for SARIF `artifactLocation.uri`.
//!
//! SARIF requires a valid RFC 3986 URI reference. Paths shown to users already use forward
//! slashes; here every byte other than an unreserved character or `/` is percent-encoded
//! (which also keeps a `:` in a relative path from reading as a scheme). Absolute paths become
//! `file:` URIs; relative ones stay relative (to the directory `palisade` ran in, normally the
//! repository root, which is what code-scanning services expect).

/// The URI of a file as named in the source database (e.g. `examples/plant/k8s/x.yaml`).
pub(crate) fn from_path(path: &str) -> String {
    let path = path.replace('\\', "/");
    if path.starts_with('/') {
        return format!("file://{}", encode(&path));
    }
    if let Some(rest) = drive_path(&path) {
        return format!("file:///{}", rest);
    }
    encode(&path)
}

/// A Windows path such as `C:/x/y`, as `C:/x/y` with the rest encoded.
fn drive_path(path: &str) -> Option<String> {
    let mut chars = path.chars();
    let drive = chars.next().filter(char::is_ascii_alphabetic)?;
    let rest = chars.as_str().strip_prefix(":/")?;
    Some(format!("{drive}:/{}", encode(rest)))
}

fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::from_path;

    #[test]
    fn relative_paths_stay_relative() {
        assert_eq!(
            from_path("examples/plant/k8s/a.yaml"),
            "examples/plant/k8s/a.yaml"
        );
        assert_eq!(from_path("dir\\file.yaml"), "dir/file.yaml");
    }

    #[test]
    fn reserved_and_non_ascii_bytes_are_encoded() {
        assert_eq!(from_path("my dir/a#b?.yaml"), "my%20dir/a%23b%3F.yaml");
        assert_eq!(from_path("<builtin>/fr1.pal"), "%3Cbuiltin%3E/fr1.pal");
        assert_eq!(from_path("c:d/x"), "c%3Ad/x");
        assert_eq!(from_path("ü/100%.yaml"), "%C3%BC/100%25.yaml");
    }

    #[test]
    fn absolute_paths_become_file_uris() {
        assert_eq!(
            from_path("/srv/plant/a b.yaml"),
            "file:///srv/plant/a%20b.yaml"
        );
        assert_eq!(from_path("C:\\plant\\a.yaml"), "file:///C:/plant/a.yaml");
    }
}
