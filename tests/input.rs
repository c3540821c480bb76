//! Tests of the input loaders (`palisade::input`): values, exact spans, diagnostics, hostile
//! files, and the real-world corpus.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failing test should stop loudly"
)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use palisade::diag::{Code, Diagnostic, Severity};
use palisade::input::{detect, load, Format, Limits, Loaded};
use palisade::source::{FileId, SourceFile, Span};
use palisade::value::{Kind, Value};

#[path = "input/corpus.rs"]
mod corpus;
#[path = "input/hostile.rs"]
mod hostile;
#[path = "input/json.rs"]
mod json;
#[path = "input/repair.rs"]
mod repair;
#[path = "input/toml.rs"]
mod toml;
#[path = "input/yaml.rs"]
mod yaml;

// ---------------------------------------------------------------- helpers

const FILE: FileId = FileId(0);

struct Case {
    source: SourceFile,
    loaded: Loaded,
}

fn load_with(text: &str, format: Format, limits: &Limits) -> Case {
    Case {
        source: SourceFile::new("test", text),
        loaded: load(FILE, text, format, limits),
    }
}

fn load_text(text: &str, format: Format) -> Case {
    load_with(text, format, &Limits::default())
}

fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/input")
        .join(name)
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixture_path(name)).unwrap()
}

impl Case {
    /// `line:col-line:col` of a span (1-based, columns in characters).
    fn lc(&self, span: Span) -> String {
        let a = self.source.line_col(span.start);
        let b = self.source.line_col(span.end);
        format!("{}:{}-{}:{}", a.line, a.column, b.line, b.column)
    }

    /// The text a span covers.
    fn slice(&self, span: Span) -> &str {
        &self.source.text[span.range()]
    }

    fn doc(&self, index: usize) -> &Value {
        &self.loaded.documents[index].value
    }

    /// The value at a path of map keys and list indexes (`"spec.ports.0.port"`).
    fn at(&self, doc: usize, path: &str) -> Value {
        let mut value = self.doc(doc).clone();
        for part in path.split('.').filter(|p| !p.is_empty()) {
            value = match part.parse::<i64>() {
                Ok(i) if value.as_list().is_some() => value.index(&Value::int(i)),
                _ => value.field(part),
            };
            assert!(!value.is_missing(), "no `{part}` in path `{path}`");
        }
        value
    }

    /// The text under the span of the `diagnostic`th diagnostic.
    fn text_at_span(&self, diagnostic: usize) -> &str {
        self.slice(self.loaded.diagnostics[diagnostic].span.unwrap())
    }

    /// The text of the value at a path.
    fn text_at(&self, doc: usize, path: &str) -> &str {
        let span = self.at(doc, path).span.expect("value has a span");
        self.slice(span)
    }

    /// The text of the key of the entry at a path.
    fn key_text(&self, doc: usize, path: &str) -> &str {
        let (parent, key) = path.rsplit_once('.').unwrap_or(("", path));
        let map = self.at(doc, parent);
        let span = map
            .as_map()
            .unwrap()
            .get_entry(key)
            .unwrap()
            .key_span()
            .unwrap();
        self.slice(span)
    }

    fn codes(&self) -> Vec<Code> {
        self.loaded.diagnostics.iter().map(|d| d.code).collect()
    }

    fn errors(&self) -> Vec<&Diagnostic> {
        self.loaded
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .collect()
    }

    fn assert_clean(&self) {
        assert!(
            self.loaded.diagnostics.is_empty(),
            "unexpected diagnostics: {:#?}",
            self.loaded.diagnostics
        );
    }

    /// Every diagnostic on one line each, with its position.
    fn render_diagnostics(&self) -> String {
        let mut out = String::new();
        for d in &self.loaded.diagnostics {
            let at = d.span.map_or("-".to_string(), |s| self.lc(s));
            writeln!(
                out,
                "{} {} at {at}: {} [{}]",
                d.severity.as_str(),
                d.code,
                d.message,
                d.label.as_deref().unwrap_or("")
            )
            .unwrap();
            for r in &d.related {
                writeln!(out, "  related {}: {}", self.lc(r.span), r.text).unwrap();
            }
            if let Some(help) = &d.help {
                writeln!(out, "  help: {help}").unwrap();
            }
        }
        out
    }

    /// A compact dump of every document: one line per value, with `line:col-line:col` spans.
    fn dump(&self) -> String {
        let mut out = String::new();
        for doc in &self.loaded.documents {
            writeln!(out, "document {} {}", doc.index, self.lc(doc.span)).unwrap();
            self.dump_value(&mut out, &doc.value, 1);
        }
        out.push_str(&self.render_diagnostics());
        out
    }

    fn dump_value(&self, out: &mut String, value: &Value, depth: usize) {
        let at = value.span.map_or("-".to_string(), |s| self.lc(s));
        match &value.kind {
            Kind::List(items) => {
                writeln!(out, "list {at}").unwrap();
                for item in items.iter() {
                    write!(out, "{}- ", "  ".repeat(depth)).unwrap();
                    self.dump_value(out, item, depth + 1);
                }
            }
            Kind::Map(map) => {
                writeln!(out, "map {at}").unwrap();
                for (key, entry) in map.entries() {
                    let key_at = entry.key_span().map_or("-".to_string(), |s| self.lc(s));
                    write!(out, "{}{key:?} {key_at}: ", "  ".repeat(depth)).unwrap();
                    self.dump_value(out, &entry.value, depth + 1);
                }
            }
            Kind::Str(s) => writeln!(out, "str {s:?} {at}").unwrap(),
            Kind::Int(i) => writeln!(out, "int {i} {at}").unwrap(),
            Kind::Float(f) => writeln!(out, "float {f:?} {at}").unwrap(),
            Kind::Bool(b) => writeln!(out, "bool {b} {at}").unwrap(),
            Kind::Null => writeln!(out, "null {at}").unwrap(),
            Kind::Missing => writeln!(out, "missing {at}").unwrap(),
        }
    }
}

// ---------------------------------------------------------------- snapshots

#[test]
fn snapshot_yaml_fixture() {
    let case = load_text(&fixture("deployment.yaml"), Format::Yaml);
    insta::assert_snapshot!(case.dump());
}

#[test]
fn snapshot_json_fixture() {
    let case = load_text(&fixture("config.json"), Format::Json);
    insta::assert_snapshot!(case.dump());
}

#[test]
fn snapshot_toml_fixture() {
    let case = load_text(&fixture("telegraf.toml"), Format::Toml);
    insta::assert_snapshot!(case.dump());
}

/// Every span in a value tree lies on char boundaries inside the text.
fn check_spans(text: &str, value: &Value) {
    if let Some(span) = value.span {
        assert!(
            span.start <= span.end && span.end as usize <= text.len(),
            "{span:?} in {text:?}"
        );
        assert!(
            text.is_char_boundary(span.start as usize) && text.is_char_boundary(span.end as usize)
        );
    }
    match &value.kind {
        Kind::List(items) => items.iter().for_each(|v| check_spans(text, v)),
        Kind::Map(map) => map.iter().for_each(|(_, v)| check_spans(text, v)),
        _ => {}
    }
}

// ---------------------------------------------------------------- diagnostics snapshot

#[test]
fn snapshot_syntax_diagnostics() {
    let mut out = String::new();
    for (format, text) in [
        (Format::Yaml, "a: [1, 2\nb: 3\n"),
        (Format::Yaml, "a: b: c\n"),
        (Format::Yaml, "x: *missing\n"),
        (Format::Json, "{\"a\": 1,\n \"b\": [1, 2}\n"),
        (Format::Json, "{\"a\": 1\n"),
        (Format::Toml, "[a]\nb = 1\nb = 2\n"),
        (Format::Toml, "a = \n"),
    ] {
        let case = load_text(text, format);
        writeln!(out, "--- {} {text:?}", format.as_str()).unwrap();
        out.push_str(&case.render_diagnostics());
    }
    insta::assert_snapshot!(out);
}
