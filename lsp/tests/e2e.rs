//! End-to-end test with an editor client nobody on the project wrote: `pytest-lsp` (on
//! pygls) drives the server binary through `lsp/tests/e2e/test_editor.py`.
//!
//! The Python interpreter is `PALISADE_E2E_PYTHON` (`.ci/run` points it at a venv where it
//! installed `pytest-lsp`), else `python3`. Without `pytest-lsp` the test is skipped with a
//! message, unless `PALISADE_REQUIRE_E2E=1` (set by `.ci/run`), which makes it a failure.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use std::path::Path;
use std::process::Command;

#[test]
fn pytest_lsp_client_sees_diagnostics_hover_and_completion() {
    let python = std::env::var("PALISADE_E2E_PYTHON").unwrap_or_else(|_| "python3".into());
    let required = std::env::var("PALISADE_REQUIRE_E2E").is_ok_and(|v| v == "1");
    let available = Command::new(&python)
        .args(["-c", "import pytest_lsp"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        assert!(
            !required,
            "PALISADE_REQUIRE_E2E=1 but `{python}` cannot import pytest_lsp"
        );
        eprintln!(
            "skipped: `{python}` has no pytest-lsp (`pip install pytest-lsp`, or run .ci/run)"
        );
        return;
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(&python)
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .arg(manifest.join("tests/e2e/test_editor.py"))
        .env("PALISADE_LSP", env!("CARGO_BIN_EXE_palisade-lsp"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PALISADE_REPO", manifest.parent().unwrap())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "pytest failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("2 passed"), "{stdout}");
}
