//! Helpers shared by the iptables and nftables adapter tests: rendering, span and jump
//! checks, every-prefix robustness and the corpus run.

#![allow(dead_code, reason = "each test binary uses a subset")]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use palisade::diag::Severity;
use palisade::firewall::dump::dump;
use palisade::firewall::{Action, Parsed};
use palisade::source::{FileId, SourceDb, SourceFile, Span};

pub(crate) const FILE: FileId = FileId(0);

pub(crate) type ParseFn = fn(FileId, &str) -> Parsed;

/// The model dump followed by one line per diagnostic.
pub(crate) fn render(text: &str, parse: ParseFn) -> String {
    let parsed = parse(FILE, text);
    let mut db = SourceDb::new();
    let file = db.add(SourceFile::new("fixture", text));
    assert_eq!(file, FILE);
    let mut out = dump(&db, &parsed.config);
    out.push_str("-- diagnostics\n");
    for d in &parsed.diagnostics {
        let at = d.span.map(|s| db.line_col(FILE, s.start));
        let _ = writeln!(
            out,
            "{}: {} @{}:{}",
            d.code,
            d.message,
            at.map_or(0, |a| a.line),
            at.map_or(0, |a| a.column)
        );
    }
    out
}

pub(crate) fn slice(text: &str, span: Span) -> &str {
    text.get(span.range()).expect("span inside the text")
}

fn trimmed(text: &str, span: Span, what: &str) {
    let s = slice(text, span);
    assert!(!s.is_empty(), "empty {what} span at {span:?}");
    assert_eq!(s, s.trim(), "{what} span has surrounding blanks: {s:?}");
}

/// Every span is inside the text and trimmed; a rule's unsupported parts lie inside it; with
/// `whole_lines`, each rule span is exactly one (trimmed) line.
pub(crate) fn check_spans(text: &str, parsed: &Parsed, whole_lines: bool) {
    for rs in &parsed.config.rulesets {
        trimmed(text, rs.span, "ruleset");
        if let Some(s) = rs.default_span {
            trimmed(text, s, "default");
        }
        for r in &rs.rules {
            trimmed(text, r.span, "rule");
            let s = slice(text, r.span);
            if whole_lines {
                assert!(!s.contains('\n'), "rule spans lines: {s:?}");
                let start = r.span.start as usize;
                let before = text.get(..start).unwrap();
                let line_start = before.rfind('\n').map_or(0, |i| i + 1);
                assert!(
                    before.get(line_start..).unwrap().trim().is_empty(),
                    "rule does not start its line: {s:?}"
                );
                let after = text.get(r.span.end as usize..).unwrap();
                let line_end = after.find('\n').unwrap_or(after.len());
                assert!(
                    after.get(..line_end).unwrap().trim().is_empty(),
                    "rule does not end its line: {s:?}"
                );
            }
            for (what, u) in &r.unsupported {
                assert!(
                    u.start >= r.span.start && u.end <= r.span.end,
                    "unsupported `{what}` outside its rule {s:?}"
                );
            }
        }
    }
    for d in &parsed.diagnostics {
        if let Some(s) = d.span {
            assert!(s.end as usize <= text.len(), "diagnostic outside the text");
        }
    }
}

/// Every jump and goto names a ruleset of the configuration.
pub(crate) fn check_jumps(parsed: &Parsed) {
    let names: Vec<&str> = parsed
        .config
        .rulesets
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    for rs in &parsed.config.rulesets {
        for r in &rs.rules {
            if let Action::Jump(t) | Action::Goto(t) = &r.action {
                assert!(names.contains(&t.as_str()), "jump to missing `{t}`");
            }
        }
    }
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "SOURCES.md"))
        .collect();
    files.sort();
    files
}

/// Parses every prefix (at char boundaries) of every file in `dir`: no panic, spans inside.
pub(crate) fn every_prefix(dir: &Path, parse: ParseFn) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    for path in files_in(&dir) {
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let prefix = &text[..i];
            let parsed = parse(FILE, prefix);
            check_spans(prefix, &parsed, false);
        }
    }
}

pub(crate) fn corpus_dir(sub: &str) -> Option<PathBuf> {
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    [local, PathBuf::from("/work/shared/corpus")]
        .into_iter()
        .map(|p| p.join(sub))
        .find(|p| p.is_dir())
}

/// Runs the corpus: every file is claimed by `sniff`, parses without errors (but for the
/// listed files, which must have some), keeps its spans and jumps sound. Returns a summary
/// for a snapshot: counts, files without rulesets, and the distinct warnings with counts.
pub(crate) fn corpus(
    dir: &Path,
    sniff: fn(&str) -> bool,
    parse: ParseFn,
    allowed_errors: &[(&str, &str)],
    min_files: usize,
) -> String {
    let files = files_in(dir);
    assert!(
        files.len() >= min_files,
        "only {} corpus files",
        files.len()
    );
    let mut failures = Vec::new();
    let mut warnings: BTreeMap<String, usize> = BTreeMap::new();
    let mut empty = Vec::new();
    let (mut rulesets, mut rules) = (0, 0);
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(path).unwrap();
        if !sniff(&text) {
            failures.push(format!("{name}: not claimed by sniff"));
        }
        let parsed = parse(FILE, &text);
        check_spans(&text, &parsed, false);
        check_jumps(&parsed);
        let source = SourceFile::new(name.clone(), text.as_str());
        let allowed = allowed_errors.iter().any(|(n, _)| *n == name);
        let mut errors = 0;
        for d in &parsed.diagnostics {
            if d.severity == Severity::Error {
                errors += 1;
                if !allowed {
                    let at = d.span.map(|s| source.line_col(s.start));
                    failures.push(format!(
                        "{name}:{}: {}: {}",
                        at.map_or(0, |a| a.line),
                        d.code,
                        d.message
                    ));
                }
            } else {
                *warnings
                    .entry(format!("{}: {}", d.code, d.message))
                    .or_default() += 1;
            }
        }
        if allowed && errors == 0 {
            failures.push(format!("{name}: listed as erroneous but has no error"));
        }
        rulesets += parsed.config.rulesets.len();
        rules += parsed
            .config
            .rulesets
            .iter()
            .map(|r| r.rules.len())
            .sum::<usize>();
        if parsed.config.rulesets.is_empty() {
            empty.push(name);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let mut out = format!(
        "files: {}\nrulesets: {rulesets}\nrules: {rules}\nfiles without rulesets: {}\n",
        files.len(),
        empty.len()
    );
    for e in &empty {
        let _ = writeln!(out, "  {e}");
    }
    out.push_str("warnings:\n");
    for (message, count) in &warnings {
        let _ = writeln!(out, "  {count:>5}  {message}");
    }
    out
}
