//! Policy unit tests: the `test` blocks of `.pal` files, run by `palisade test` and by the
//! project's own test suite.
//!
//! A test names its inputs (inline text or files next to the policy) and states which rules
//! fire, how often and where. Every rule of the program runs on the test's inputs.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::builtin;
use crate::diag::Diagnostic;
use crate::driver::{evaluate_inputs, LoadedInput};
use crate::eval::{self, Finding, Program, TestCase};
use crate::input;
use crate::report::Location;
use crate::source::{SourceDb, SourceFile, Span};
use crate::syntax::ast::{Expect, TestInput};

/// The result of one test.
#[derive(Debug, Clone)]
pub struct TestResult {
    pub name: String,
    /// Where the test is written.
    pub location: Location,
    /// Why it failed; empty when it passed.
    pub failures: Vec<String>,
}

impl TestResult {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

struct Prepared {
    inputs: Vec<LoadedInput>,
    failures: Vec<String>,
}

/// Runs the tests of `program` whose name contains `filter`. Inputs are added to `db`.
pub fn run_tests(
    db: &mut SourceDb,
    program: &Program,
    filter: Option<&str>,
    limits: &eval::Limits,
) -> Vec<TestResult> {
    let tests: Vec<&TestCase> = program
        .tests
        .iter()
        .filter(|t| filter.is_none_or(|f| t.decl.name.name.contains(f)))
        .collect();
    // Reading inputs mutates the database: do it first, in order.
    let prepared: Vec<Prepared> = tests.iter().map(|t| prepare(db, t)).collect();
    let db_ref = &*db;
    tests
        .par_iter()
        .zip(prepared.par_iter())
        .map(|(t, p)| {
            let mut failures = p.failures.clone();
            if failures.is_empty() {
                let outcome = evaluate_inputs(db_ref, program, &p.inputs, limits);
                failures.extend(
                    outcome
                        .diagnostics
                        .iter()
                        .filter(|d| d.is_error())
                        .map(|d| describe(db_ref, d)),
                );
                failures.extend(check_expectations(
                    db_ref,
                    t,
                    &p.inputs,
                    &outcome.findings,
                    program,
                ));
            }
            TestResult {
                name: t.decl.name.name.to_string(),
                location: Location::of(db_ref, t.decl.name.span),
                failures,
            }
        })
        .collect()
}

fn describe(db: &SourceDb, d: &Diagnostic) -> String {
    match d.span {
        Some(s) => format!("{}: {} [{}]", Location::of(db, s), d.message, d.code),
        None => format!("{} [{}]", d.message, d.code),
    }
}

/// Loads a test's inputs into `db`.
fn prepare(db: &mut SourceDb, t: &TestCase) -> Prepared {
    let mut out = Prepared {
        inputs: Vec::new(),
        failures: Vec::new(),
    };
    if t.decl.inputs.is_empty() {
        out.failures.push("the test has no `input`".to_string());
    }
    let policy_name = db.name(t.file).to_string();
    for i in &t.decl.inputs {
        let (name, text) = match i {
            TestInput::Inline { name, text, .. } => (name.clone(), Ok(text.clone())),
            TestInput::File { path, .. } => (path.clone(), read_fixture(&policy_name, path)),
        };
        let text = match text {
            Ok(t) => t,
            Err(e) => {
                out.failures.push(e);
                continue;
            }
        };
        let Some(format) = input::detect(Path::new(&name), &text) else {
            out.failures.push(format!(
                "cannot tell the format of input `{name}`; give it a .yaml, .json, .toml or .tf name"
            ));
            continue;
        };
        let id = db.add(SourceFile::new(name, text));
        let loaded = input::load(id, db.text(id), format, &input::Limits::default());
        out.failures.extend(
            loaded
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .map(|d| describe(db, d)),
        );
        out.inputs.push(LoadedInput {
            file: id,
            format,
            documents: loaded.documents,
            firewall: loaded.firewall,
        });
    }
    out
}

/// Reads `input file "path"` relative to the policy file (embedded files for the built-in pack).
fn read_fixture(policy: &str, path: &str) -> Result<String, String> {
    if let Some(rel) = policy.strip_prefix("<builtin>/") {
        let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
        let full = normalize(&format!("{dir}/{path}"));
        return builtin::file(&full)
            .map(str::to_string)
            .ok_or_else(|| format!("no embedded fixture `{full}`"));
    }
    let base = Path::new(policy)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let full: PathBuf = base.join(path);
    std::fs::read_to_string(&full)
        .map_err(|e| format!("cannot read fixture `{}`: {e}", full.display()))
}

/// Resolves `.` and `..` segments of a `/`-separated path.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

fn check_expectations(
    db: &SourceDb,
    t: &TestCase,
    inputs: &[LoadedInput],
    findings: &[Finding],
    program: &Program,
) -> Vec<String> {
    let mut failures = Vec::new();
    let known = |r: &str| {
        program
            .rules()
            .any(|m| m.id == r || m.name == r || format!("{}.{}", m.package, m.name) == r)
    };
    let of_rule = |r: &str| -> Vec<&Finding> {
        findings
            .iter()
            .filter(|f| {
                f.rule.id == r
                    || f.rule.name == r
                    || format!("{}.{}", f.rule.package, f.rule.name) == r
            })
            .collect()
    };
    let show = |fs: &[&Finding]| -> String {
        if fs.is_empty() {
            return "it did not fire".to_string();
        }
        let locs: Vec<String> = fs
            .iter()
            .map(|f| f.span.map_or("(no location)".to_string(), |s| short(db, s)))
            .collect();
        format!("it fired at {}", locs.join(", "))
    };
    for e in &t.decl.expects {
        match e {
            Expect::Clean(_) => {
                if !findings.is_empty() {
                    let rules: Vec<String> = findings
                        .iter()
                        .map(|f| {
                            format!(
                                "{} at {}",
                                f.rule.id,
                                f.span.map_or("?".into(), |s| short(db, s))
                            )
                        })
                        .collect();
                    failures.push(format!("expected no findings, got: {}", rules.join(", ")));
                }
            }
            Expect::None { rule, .. } => {
                let r = rule.text();
                if !known(&r) {
                    failures.push(format!("`expect no {r}`: no rule `{r}` is loaded"));
                    continue;
                }
                let fs = of_rule(&r);
                if !fs.is_empty() {
                    failures.push(format!("expected `{r}` not to fire, but {}", show(&fs)));
                }
            }
            Expect::Fires {
                rule, count, at, ..
            } => {
                let r = rule.text();
                if !known(&r) {
                    failures.push(format!("`expect {r}`: no rule `{r}` is loaded"));
                    continue;
                }
                let fs = of_rule(&r);
                match count {
                    Some(n) if fs.len() != *n as usize => {
                        failures.push(format!(
                            "expected `{r}` to fire {n} time(s), but {} ({} times)",
                            show(&fs),
                            fs.len()
                        ));
                    }
                    None if fs.is_empty() => {
                        failures.push(format!("expected `{r}` to fire, but it did not"))
                    }
                    _ => {}
                }
                for a in at {
                    let hit = fs.iter().any(|f| {
                        let Some(s) = f.span else { return false };
                        let l = Location::of(db, s);
                        let file_ok = match &a.file {
                            Some(name) => l.file == *name,
                            None => inputs.iter().any(|i| i.file == s.file),
                        };
                        file_ok && l.line == a.line && a.column.is_none_or(|c| c == l.column)
                    });
                    if !hit {
                        let want = match (&a.file, a.column) {
                            (Some(f), Some(c)) => format!("{f}:{}:{c}", a.line),
                            (Some(f), None) => format!("{f}:{}", a.line),
                            (None, Some(c)) => format!("{}:{c}", a.line),
                            (None, None) => format!("line {}", a.line),
                        };
                        failures.push(format!("expected `{r}` at {want}, but {}", show(&fs)));
                    }
                }
            }
        }
    }
    failures
}

fn short(db: &SourceDb, s: Span) -> String {
    let l = Location::of(db, s);
    format!("{}:{}:{}", l.file, l.line, l.column)
}
