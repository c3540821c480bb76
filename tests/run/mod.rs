//! Running the `palisade` binary from the integration tests, and the temporary trees they
//! check. Output is plain (`NO_COLOR`) and 80 columns wide, so snapshots do not depend on the
//! terminal.

#![allow(
    dead_code,
    clippy::expect_used,
    clippy::panic,
    reason = "each test binary uses some of these; test code stops at the first broken expectation"
)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs `palisade ARGS` in `dir`.
pub(crate) fn palisade_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "80")
        .output()
        .expect("run palisade")
}

/// Runs `palisade ARGS` at the root of the repository.
pub(crate) fn palisade(args: &[&str]) -> Output {
    palisade_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Standard output as JSON; a failure shows both streams.
pub(crate) fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", stdout(o), stderr(o)))
}

/// Writes `files` (relative path, content) into a fresh directory.
pub(crate) fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (rel, text) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, text).expect("write");
    }
    dir
}
