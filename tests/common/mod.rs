//! Helpers shared by the integration tests.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code stops at the first broken expectation"
)]

use palisade::check;
use palisade::diag::Diagnostic;
use palisade::driver::{self, LoadedInput};
use palisade::eval::{self, Finding, Program};
use palisade::input;
use palisade::report::human::Renderer;
use palisade::source::{SourceDb, SourceFile};
use palisade::syntax;

/// Parses and compiles `policy` together with the embedded stdlib.
pub(crate) fn compile(db: &mut SourceDb, policy: &str) -> (Program, Vec<Diagnostic>) {
    let mut modules = Vec::new();
    let mut diags = Vec::new();
    for (path, text) in palisade::builtin::files("stdlib/", "pal") {
        let id = db.add(SourceFile::new(format!("<builtin>/{path}"), text));
        modules.push(syntax::parse(id, db.text(id)).module);
    }
    let id = db.add(SourceFile::new("policy.pal", policy));
    let parsed = syntax::parse(id, db.text(id));
    diags.extend(parsed.diagnostics);
    modules.push(parsed.module);
    let compiled = check::compile(&modules);
    diags.extend(compiled.diagnostics);
    (compiled.program, diags)
}

/// Loads inline inputs `(name, text)`.
pub(crate) fn inputs(db: &mut SourceDb, files: &[(&str, &str)]) -> Vec<LoadedInput> {
    files
        .iter()
        .map(|(name, text)| {
            let format = input::detect(std::path::Path::new(name), text).expect("format");
            let id = db.add(SourceFile::new(*name, *text));
            let loaded = input::load(id, db.text(id), format, &input::Limits::default());
            assert!(
                loaded.diagnostics.iter().all(|d| !d.is_error()),
                "input errors: {:?}",
                loaded.diagnostics
            );
            LoadedInput {
                file: id,
                format,
                documents: loaded.documents,
                firewall: loaded.firewall,
            }
        })
        .collect()
}

/// Compiles `policy` (which must be free of errors) and runs it on `files`.
pub(crate) fn run(
    policy: &str,
    files: &[(&str, &str)],
) -> (SourceDb, Vec<Finding>, Vec<Diagnostic>) {
    let mut db = SourceDb::new();
    let (program, diags) = compile(&mut db, policy);
    let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "policy errors: {errors:#?}");
    let loaded = inputs(&mut db, files);
    let outcome = driver::evaluate_inputs(&db, &program, &loaded, &eval::Limits::default());
    (db, outcome.findings, outcome.diagnostics)
}

/// Renders diagnostics without colour at width 80.
pub(crate) fn render(db: &SourceDb, diags: &[Diagnostic]) -> String {
    let r = Renderer::new(db, false, 80);
    diags
        .iter()
        .map(|d| r.diagnostic(d))
        .collect::<Vec<_>>()
        .join("\n")
}
