//! Helpers shared by the Cisco IOS and ASA adapter tests.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code stops at the first broken expectation"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use palisade::diag::{Code, Diagnostic};
use palisade::firewall::{dump::dump, Parsed};
use palisade::source::{FileId, SourceDb, SourceFile};

pub(crate) type Parser = fn(FileId, &str) -> Parsed;

/// Parses `text` as one file of a fresh database.
pub(crate) fn run(text: &str, parse: Parser) -> (SourceDb, Parsed) {
    let mut db = SourceDb::new();
    let id = db.add(SourceFile::new("config", text));
    let parsed = parse(id, db.text(id));
    (db, parsed)
}

pub(crate) fn diag_line(db: &SourceDb, d: &Diagnostic) -> String {
    let (line, col) = d.span.map_or((0, 0), |s| {
        let lc = db.line_col(s.file, s.start);
        (lc.line, lc.column)
    });
    format!("{}: {} @{}:{}", d.code, d.message, line, col)
}

/// The model dump followed by the diagnostics.
pub(crate) fn render(text: &str, parse: Parser) -> String {
    let (db, parsed) = run(text, parse);
    let mut out = dump(&db, &parsed.config);
    out.push_str("--- diagnostics\n");
    for d in &parsed.diagnostics {
        out.push_str(&diag_line(&db, d));
        out.push('\n');
    }
    out
}

fn corpus_root() -> PathBuf {
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if local.is_dir() {
        local
    } else {
        PathBuf::from("/work/shared/corpus")
    }
}

/// `(file name, text)` of every corpus file in `firewall/<folder>`, sorted by name.
pub(crate) fn corpus(folder: &str) -> Vec<(String, String)> {
    let dir = corpus_root().join("firewall").join(folder);
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "SOURCES.md"))
                .map(|p| {
                    let name = p.file_name().unwrap().to_string_lossy().to_string();
                    let text = String::from_utf8_lossy(&std::fs::read(&p).unwrap()).to_string();
                    (name, text)
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Whether a file defines an access list (so the adapter must give a ruleset).
pub(crate) fn has_filtering(text: &str) -> bool {
    text.lines().any(|l| {
        [
            "access-list ",
            "ip access-list ",
            "ipv6 access-list ",
            "ipv4 access-list ",
        ]
        .iter()
        .any(|p| l.starts_with(p))
    })
}

/// Zero errors in every file, then the warnings, deduplicated with counts, and totals.
pub(crate) fn corpus_report(files: &[(String, String)], parse: Parser) -> String {
    let mut warnings: BTreeMap<String, usize> = BTreeMap::new();
    let (mut rulesets, mut rules, mut ifaces) = (0, 0, 0);
    for (name, text) in files {
        let (db, parsed) = run(text, parse);
        let errors: Vec<String> = parsed
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| diag_line(&db, d))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        for d in &parsed.diagnostics {
            if matches!(d.code, Code::FirewallUnsupported | Code::UnknownObject) {
                *warnings
                    .entry(format!("{}: {}", d.code, d.message))
                    .or_default() += 1;
            }
        }
        rulesets += parsed.config.rulesets.len();
        rules += parsed
            .config
            .rulesets
            .iter()
            .map(|r| r.rules.len())
            .sum::<usize>();
        ifaces += parsed.config.interfaces.len();
    }
    let mut out = format!(
        "{} files, {rulesets} rulesets, {rules} rules, {ifaces} interfaces\n",
        files.len()
    );
    for (w, n) in warnings {
        out.push_str(&format!("{n:>4} {w}\n"));
    }
    out
}

/// Parses every prefix (at char boundaries) of every fixture in `dir`.
pub(crate) fn no_panic_on_prefixes(dir: &str, parse: Parser) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    for e in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        for (i, _) in text.char_indices() {
            let prefix = text.get(..i).unwrap();
            let _ = run(prefix, parse);
        }
    }
}
