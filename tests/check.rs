//! Static checking: each `tests/fixtures/check/*.pal` file is compiled with the stdlib and
//! its diagnostics are rendered (no colour, width 80) into a snapshot.
//!
//! Files named `ok_*.pal` must compile without any diagnostic.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code stops at the first broken expectation"
)]

mod common;

use palisade::source::SourceDb;

#[test]
fn check_fixtures() {
    insta::glob!("fixtures/check/*.pal", |path| {
        let text = std::fs::read_to_string(path).expect("fixture");
        let mut db = SourceDb::new();
        let (_, diags) = common::compile(&mut db, &text);
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name.starts_with("ok_") {
            assert!(diags.is_empty(), "{name}:\n{}", common::render(&db, &diags));
        } else {
            assert!(!diags.is_empty(), "{name} should produce diagnostics");
        }
        insta::assert_snapshot!(common::render(&db, &diags));
    });
}
