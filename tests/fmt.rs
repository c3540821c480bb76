//! Tests of the formatter: snapshots of `tests/fixtures/fmt/*.pal`, and for every `.pal`
//! file of the repository, idempotence and an unchanged AST.
#![expect(clippy::panic, reason = "test helpers report failures by panicking")]

use std::path::{Path, PathBuf};

use palisade::fmt::{format, FormatOptions};
use palisade::source::FileId;
use palisade::syntax::ast::Item;
use palisade::syntax::parse;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The `.pal` files under `dir` (none if it does not exist), sorted.
fn pal_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(walkdir::DirEntry::into_path)
        .filter(|p| p.extension().is_some_and(|e| e == "pal"))
        .collect();
    files.sort();
    files
}

/// The module of `text` without spans: a debug dump with every `Span { … }` blanked out and
/// trailing whitespace removed from doc lines (the formatter trims comment lines).
fn ast(text: &str) -> String {
    let mut module = parse(FileId(0), text).module;
    for item in &mut module.items {
        let doc = match item {
            Item::Const(c) => &mut c.doc,
            Item::Fn(f) => &mut f.doc,
            Item::Rule(r) => &mut r.doc,
            Item::Test(t) => &mut t.doc,
            Item::Import(_) | Item::Error(_) => continue,
        };
        if let Some(doc) = doc {
            let lines: Vec<&str> = doc.lines().map(str::trim_end).collect();
            *doc = lines.join("\n");
        }
    }
    let spans = regex::Regex::new(
        r"Span \{\s*file: FileId\(\s*\d+,?\s*\),\s*start: \d+,\s*end: \d+,?\s*\}",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    spans.replace_all(&format!("{module:#?}"), "_").into_owned()
}

/// Formats `text`, checking that the result is a fixed point and parses to the same AST.
fn format_checked(name: &str, text: &str, options: &FormatOptions) -> Option<String> {
    let once = format(text, options)?;
    let twice = format(&once, options)
        .unwrap_or_else(|| panic!("{name}: the formatted text does not parse:\n{once}"));
    similar_asserts(name, "idempotence", &once, &twice);
    similar_asserts(name, "AST", &ast(text), &ast(&once));
    Some(once)
}

/// `assert_eq!` showing the lines around the first difference, easier to read on long texts.
fn similar_asserts(name: &str, what: &str, left: &str, right: &str) {
    if left == right {
        return;
    }
    let (a, b): (Vec<&str>, Vec<&str>) = (left.lines().collect(), right.lines().collect());
    let at = a
        .iter()
        .zip(&b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let window = |lines: &[&str]| -> String {
        let from = at.saturating_sub(5);
        let to = (at + 5).min(lines.len());
        lines.get(from..to).unwrap_or_default().join("\n")
    };
    panic!(
        "{name}: {what} differs at line {}:\n--- first\n{}\n--- second\n{}",
        at + 1,
        window(&a),
        window(&b)
    );
}

#[test]
fn fixtures_match_snapshots() {
    let files = pal_files(&root().join("tests/fixtures/fmt"));
    assert!(files.len() >= 7, "fixtures missing: {files:?}");
    for path in files {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = read(&path);
        let out = format_checked(&name, &text, &FormatOptions::default())
            .unwrap_or_else(|| panic!("{name}: syntax errors"));
        insta::assert_snapshot!(name, out);
    }
}

#[test]
fn formatted_file_is_unchanged() {
    let text = read(&root().join("tests/fixtures/fmt/formatted.pal"));
    let out = format(&text, &FormatOptions::default());
    assert_eq!(out.as_deref(), Some(text.as_str()));
}

#[test]
fn options_change_width_and_indent() {
    let text = read(&root().join("tests/fixtures/fmt/long_lines.pal"));
    let options = FormatOptions {
        indent: 4,
        max_width: 60,
    };
    let out = format_checked("long_lines (60, 4)", &text, &options)
        .unwrap_or_else(|| panic!("long_lines: syntax errors"));
    insta::assert_snapshot!("long_lines_width_60_indent_4", out);
}

#[test]
fn every_width_and_indent_is_stable() {
    for path in pal_files(&root().join("tests/fixtures/fmt")) {
        let text = read(&path);
        for max_width in [0, 20, 40, 60, 80, 120] {
            for indent in [0, 2, 4] {
                let options = FormatOptions { indent, max_width };
                let name = format!("{} ({max_width}, {indent})", path.display());
                assert!(format_checked(&name, &text, &options).is_some(), "{name}");
            }
        }
    }
}

#[test]
fn syntax_errors_give_none() {
    let options = FormatOptions::default();
    assert_eq!(format("rule r { severity high }", &options), None);
    assert_eq!(format("const A = 1\nconst = 2\n", &options), None);
    assert_eq!(format("const S = \"bad \\q escape\"", &options), None);
}

#[test]
fn empty_and_comment_only_files() {
    let options = FormatOptions::default();
    assert_eq!(format("", &options).as_deref(), Some(""));
    assert_eq!(format("\n\n  \n", &options).as_deref(), Some(""));
    assert_eq!(
        format("// one\n\n\n// two   \n", &options).as_deref(),
        Some("// one\n\n// two\n")
    );
}

#[test]
fn adds_newline_at_end_and_handles_crlf() {
    let options = FormatOptions::default();
    assert_eq!(
        format("const A = 1", &options).as_deref(),
        Some("const A = 1\n")
    );
    let crlf = "const A = 1 // c\r\n\r\nconst B = [1,\r\n 2]\r\n";
    let out = format_checked("crlf", crlf, &options);
    assert_eq!(
        out.as_deref(),
        Some("const A = 1 // c\n\nconst B = [1, 2]\n")
    );
}

#[test]
fn repository_pal_files_are_stable() {
    let mut formatted = 0;
    for dir in ["stdlib", "policies", "tests/fixtures", "examples"] {
        for path in pal_files(&root().join(dir)) {
            let text = read(&path);
            let name = path.display().to_string();
            // Files with syntax errors (parser fixtures) are left alone by the formatter.
            if format_checked(&name, &text, &FormatOptions::default()).is_some() {
                formatted += 1;
            }
        }
    }
    assert!(formatted >= 7, "only {formatted} files formatted");
}
