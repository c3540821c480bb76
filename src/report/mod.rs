//! Reporters: one writer per output format. Only here are spans turned into lines and
//! columns and source text attached to diagnostics.

pub(crate) mod fingerprint;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
mod location;
pub mod merge;
pub mod sarif;
mod uri;
mod xml;

pub use location::Location;

/// Replaces terminal control characters (escape sequences from hostile inputs) with `�`.
pub fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}
