//! The stdlib and the IEC 62443 pack, embedded at build time (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/builtin_files.rs"));

/// Embedded files under `prefix` (`stdlib/` or `policies/`) with the given extension.
pub fn files(prefix: &str, ext: &str) -> Vec<(&'static str, &'static str)> {
    let ext = format!(".{ext}");
    FILES
        .iter()
        .filter(|(p, _)| p.starts_with(prefix) && p.ends_with(&ext))
        .copied()
        .collect()
}

/// One embedded file by its path, e.g. `policies/iec62443/fr2_use_control.md`.
pub fn file(path: &str) -> Option<&'static str> {
    FILES.iter().find(|(p, _)| *p == path).map(|(_, t)| *t)
}
