//! Unit tests that need the formatter's internals: no comment is lost or added.

use std::path::Path;

use super::{format, lexer, FormatOptions};

/// The text of every comment of `text`, sorted.
fn comment_texts(text: &str) -> Vec<String> {
    let mut texts: Vec<String> = lexer::comments(text)
        .iter()
        .map(|c| text.get(c.start..c.end).unwrap_or("").to_string())
        .collect();
    texts.sort();
    texts
}

fn pal_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            pal_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "pal") {
            out.push(path);
        }
    }
}

#[test]
fn comments_are_kept_in_every_pal_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["stdlib", "policies", "tests/fixtures", "examples"] {
        pal_files(&root.join(dir), &mut files);
    }
    assert!(!files.is_empty());
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for max_width in [30, 100] {
            let options = FormatOptions {
                indent: 2,
                max_width,
            };
            if let Some(out) = format(&text, &options) {
                assert_eq!(
                    comment_texts(&text),
                    comment_texts(&out),
                    "{}",
                    path.display()
                );
            }
        }
    }
}

/// The module of `text` as a debug dump without spans.
fn ast(text: &str) -> String {
    let module = crate::syntax::parse(crate::source::FileId(0), text).module;
    let mut out = String::new();
    let dump = format!("{module:?}");
    let mut rest = dump.as_str();
    while let Some(at) = rest.find("Span {") {
        out.push_str(rest.get(..at).unwrap_or(""));
        let after = rest.get(at..).unwrap_or("");
        let close = after.find('}').map_or(after.len(), |c| c + 1);
        out.push('_');
        rest = after.get(close..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// Inserts comments at pseudo-random token boundaries of every fixture (a fixed seed, so
/// the test is deterministic) and checks that formatting keeps them all and stays stable.
#[test]
fn comments_inserted_anywhere_are_kept() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fmt");
    let mut files = Vec::new();
    pal_files(&dir, &mut files);
    files.sort();
    let mut seed: u64 = 0x5eed;
    let mut checked = 0;
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let spaces: Vec<usize> = text
            .char_indices()
            .filter(|(_, c)| c.is_whitespace())
            .map(|(i, _)| i)
            .collect();
        for round in 0..40 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let Some(&at) = spaces.get((seed >> 33) as usize % spaces.len().max(1)) else {
                continue;
            };
            let comment = match round % 3 {
                0 => " // inserted\n",
                1 => "\n// inserted own line\n",
                _ => "\n/// inserted doc\n",
            };
            let mutated = format!("{}{comment}{}", &text[..at], &text[at..]);
            // Inside a string literal the insertion is not a comment: skip those.
            if comment_texts(&mutated).len() != comment_texts(&text).len() + 1 {
                continue;
            }
            let options = FormatOptions {
                indent: 2,
                max_width: if round % 2 == 0 { 100 } else { 30 },
            };
            let Some(once) = format(&mutated, &options) else {
                continue;
            };
            let name = format!("{} + comment at {at}", path.display());
            assert_eq!(comment_texts(&mutated), comment_texts(&once), "{name}");
            assert_eq!(ast(&mutated), ast(&once), "{name}:\n{mutated}\n---\n{once}");
            assert_eq!(
                format(&once, &options).as_deref(),
                Some(once.as_str()),
                "{name}"
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} mutations checked");
}
