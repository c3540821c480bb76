//! The built-in IEC 62443 pack: every rule's `test` blocks pass, through the same runner
//! as `palisade test`, and every rule has at least one test that makes it fire and one
//! where it stays silent.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code stops at the first broken expectation"
)]

use std::collections::BTreeSet;

use palisade::driver::{load_policies, PolicySources};
use palisade::eval::Limits;
use palisade::source::SourceDb;
use palisade::syntax::ast::Expect;
use palisade::testing::run_tests;

#[test]
fn builtin_pack_tests_pass() {
    let mut db = SourceDb::new();
    let loaded = load_policies(
        &mut db,
        &PolicySources {
            builtin_pack: true,
            builtin_tests: true,
            paths: Vec::new(),
        },
    );
    let diags = &loaded.compiled.diagnostics;
    assert!(
        diags.is_empty(),
        "the built-in pack has diagnostics: {diags:#?}"
    );
    let program = &loaded.compiled.program;
    assert!(!program.tests.is_empty(), "the pack has no tests");
    let results = run_tests(&mut db, program, None, &Limits::default());
    let failed: Vec<_> = results.iter().filter(|r| !r.passed()).collect();
    assert!(failed.is_empty(), "failing pack tests: {failed:#?}");

    // Coverage: every rule is expected to fire somewhere and to stay silent somewhere.
    let mut fires = BTreeSet::new();
    let mut silent = BTreeSet::new();
    for t in &program.tests {
        for e in &t.decl.expects {
            match e {
                Expect::Fires { rule, .. } => {
                    fires.insert(rule.text());
                }
                Expect::None { rule, .. } => {
                    silent.insert(rule.text());
                }
                // `expect clean` on a test input: every rule stays silent there.
                Expect::Clean(_) => silent.extend(program.rules().map(|r| r.id.clone())),
            }
        }
    }
    for rule in program.rules() {
        assert!(
            fires.contains(&rule.id),
            "rule `{}` has no test where it fires",
            rule.id
        );
        assert!(
            silent.contains(&rule.id),
            "rule `{}` has no test where it stays silent",
            rule.id
        );
    }
    // At least two tests name every rule.
    let mut thin = Vec::new();
    for rule in program.rules() {
        let naming = program
            .tests
            .iter()
            .filter(|t| {
                t.decl.expects.iter().any(|e| match e {
                    Expect::Fires { rule: r, .. } | Expect::None { rule: r, .. } => {
                        r.text() == rule.id
                    }
                    Expect::Clean(_) => false,
                })
            })
            .count();
        if naming < 2 {
            thin.push(format!("{} ({naming})", rule.id));
        }
    }
    assert!(
        thin.is_empty(),
        "rules named by fewer than two tests: {}",
        thin.join(", ")
    );
}

#[test]
fn every_builtin_rule_is_documented() {
    let mut db = SourceDb::new();
    let loaded = load_policies(
        &mut db,
        &PolicySources {
            builtin_pack: true,
            builtin_tests: true,
            paths: Vec::new(),
        },
    );
    for rule in loaded.compiled.program.rules() {
        assert!(
            !rule.requirements.is_empty(),
            "`{}` cites no requirement",
            rule.id
        );
        assert!(
            rule.fr.is_some(),
            "`{}` has no foundational requirement",
            rule.id
        );
        assert!(rule.doc.is_some(), "`{}` has no doc comment", rule.id);
        assert!(rule.rationale.is_some(), "`{}` has no rationale", rule.id);
        assert!(
            rule.remediation.is_some(),
            "`{}` has no remediation",
            rule.id
        );
    }
}
