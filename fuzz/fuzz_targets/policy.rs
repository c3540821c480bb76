//! Fuzzes the policy language front end: any text must parse (with error items and
//! diagnostics) and compile against the standard library without panicking, overflowing the
//! stack or hanging.

#![no_main]

use libfuzzer_sys::fuzz_target;
use palisade::builtin;
use palisade::source::{FileId, SourceDb, SourceFile};
use palisade::syntax;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut db = SourceDb::new();
    let mut modules = Vec::new();
    for (path, src) in builtin::files("stdlib/", "pal") {
        let id = db.add(SourceFile::new(path, src));
        modules.push(syntax::parse(id, src).module);
    }
    let id: FileId = db.add(SourceFile::new("fuzz.pal", text));
    let parsed = syntax::parse(id, text);
    modules.push(parsed.module);
    let _ = palisade::check::compile(&modules);
});
