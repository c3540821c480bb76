//! `palisade test`: run the `test` blocks of policy files.

use palisade::driver::{self, PolicySources};
use palisade::eval;
use palisade::report::human::Renderer;
use palisade::source::SourceDb;
use palisade::testing::run_tests;
use serde_json::json;

use super::args::{Format, TestArgs};
use super::output::{emit, set_jobs, use_color, width};
use super::ExitStatus;

pub(crate) fn run(args: &TestArgs) -> ExitStatus {
    if let Err(e) = set_jobs(args.common.jobs) {
        emit(&format!("error: {e}\n"));
        return ExitStatus::Error;
    }
    let paths = super::output::paths_or_here(&args.paths);
    let mut db = SourceDb::new();
    let loaded = driver::load_policies(
        &mut db,
        &PolicySources {
            builtin_pack: args.with_builtin,
            builtin_tests: args.with_builtin,
            paths,
        },
    );
    let mut diags = loaded.compiled.diagnostics;
    driver::sort_diagnostics(&db, &mut diags);
    if !diags.is_empty() {
        let r = Renderer::new(&db, use_color(args.common.color), width());
        let text: String = diags
            .iter()
            .map(|d| format!("{}\n", r.diagnostic(d)))
            .collect();
        emit(&text);
    }
    if diags.iter().any(|d| d.is_error()) {
        emit("0 passed, 0 failed (the policies have errors)\n");
        return ExitStatus::Error;
    }
    let program = loaded.compiled.program;
    let results = run_tests(
        &mut db,
        &program,
        args.filter.as_deref(),
        &eval::Limits::default(),
    );
    let passed = results.iter().filter(|r| r.passed()).count();
    let failed = results.len() - passed;
    match args.common.format {
        Format::Json => {
            let tests: Vec<_> = results
                .iter()
                .map(|r| json!({"name": r.name, "file": r.location.file, "line": r.location.line, "passed": r.passed(), "failures": r.failures}))
                .collect();
            let out = json!({"version": 1, "passed": passed, "failed": failed, "tests": tests});
            emit(&format!(
                "{}\n",
                serde_json::to_string_pretty(&out).unwrap_or_default()
            ));
        }
        Format::Human => {
            let mut out = String::new();
            for r in &results {
                if r.passed() {
                    out.push_str(&format!("PASS {} ({})\n", r.name, r.location));
                } else {
                    out.push_str(&format!("FAIL {} ({})\n", r.name, r.location));
                    for f in &r.failures {
                        out.push_str(&format!("  - {}\n", palisade::report::sanitize(f)));
                    }
                }
            }
            out.push_str(&format!("{passed} passed, {failed} failed\n"));
            emit(&out);
        }
    }
    if failed > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}
