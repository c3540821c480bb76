//! Every ```pal block of `docs/language.md` compiles without diagnostics and its tests pass.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code stops at the first broken expectation"
)]

use palisade::check;
use palisade::eval::Limits;
use palisade::source::{SourceDb, SourceFile};
use palisade::syntax;
use palisade::testing::run_tests;

fn pal_blocks(markdown: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in markdown.lines().enumerate() {
        let fence = line.trim();
        if current.is_none() {
            if fence == "```pal" {
                current = Some((i + 2, String::new()));
            }
        } else if fence == "```" {
            blocks.extend(current.take());
        } else if let Some((_, text)) = current.as_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    blocks
}

#[test]
fn language_examples_run() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/language.md"))
        .expect("docs");
    let blocks = pal_blocks(&doc);
    assert!(
        blocks.len() >= 7,
        "expected the examples, found {}",
        blocks.len()
    );
    for (line, text) in blocks {
        let mut db = SourceDb::new();
        let mut modules = Vec::new();
        for (path, t) in palisade::builtin::files("stdlib/", "pal") {
            let id = db.add(SourceFile::new(format!("<builtin>/{path}"), t));
            modules.push(syntax::parse(id, db.text(id)).module);
        }
        let id = db.add(SourceFile::new(
            format!("docs/language.md:{line}"),
            text.as_str(),
        ));
        let parsed = syntax::parse(id, db.text(id));
        assert!(
            parsed.diagnostics.is_empty(),
            "block at line {line}: {:#?}",
            parsed.diagnostics
        );
        modules.push(parsed.module);
        let compiled = check::compile(&modules);
        assert!(
            compiled.diagnostics.is_empty(),
            "block at line {line}: {:#?}",
            compiled.diagnostics
        );
        assert!(
            !compiled.program.tests.is_empty(),
            "block at line {line} has no test"
        );
        let results = run_tests(&mut db, &compiled.program, None, &Limits::default());
        for r in results {
            assert!(
                r.passed(),
                "block at line {line}, test {}: {:#?}",
                r.name,
                r.failures
            );
        }
    }
}
