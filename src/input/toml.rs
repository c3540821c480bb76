//! The TOML loader, on `toml_edit`'s immutable parsed [`Document`] (which keeps spans).
//!
//! A TOML file is always one document whose root is a map, even when it is empty (an empty
//! TOML file is an empty table). Tables, arrays of tables, inline tables and dotted keys all
//! become maps and lists; datetimes become strings holding their text as written.
//!
//! Spans: a scalar, array or inline table covers its text; a key covers the key as written
//! (for `[a.b]` or `a.b = 1`, the segment); a `[table]` covers its header through its last
//! entry; a table made by dotted keys or implied by a deeper header, and an array of tables,
//! cover their entries from first to last.
//!
//! Nesting is bounded by `Limits::max_depth` and by the parser's own bound of 80 levels.

use std::sync::Arc;

use toml_edit::{Document, InlineTable, Item, Table, Value as TomlValue};

use super::report;
use super::{Document as Doc, Limits, Loaded};
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};
use crate::value::ArcStr;
use crate::value::{Kind, Map, Value};

/// Loads one TOML file.
pub(super) fn load(file: FileId, text: &str, limits: &Limits) -> Loaded {
    let mut loaded = Loaded::default();
    let document = match Document::parse(text) {
        Ok(document) => document,
        Err(error) => {
            loaded.diagnostics.push(syntax_error(file, text, &error));
            return loaded;
        }
    };
    let mut builder = Builder {
        file,
        text,
        limits,
        diagnostics: Vec::new(),
    };
    let whole = Span::new(file, 0, text.len());
    let root = builder.table(document.as_table(), 0);
    loaded.diagnostics = builder.diagnostics;
    if let Some(mut value) = root {
        value.span = Some(whole);
        loaded.documents.push(Doc {
            index: 0,
            value,
            span: whole,
        });
    }
    loaded
}

struct Builder<'a> {
    file: FileId,
    text: &'a str,
    limits: &'a Limits,
    diagnostics: Vec<Diagnostic>,
}

impl Builder<'_> {
    fn span(&self, range: Option<std::ops::Range<usize>>) -> Option<Span> {
        range.map(|r| Span::new(self.file, r.start, r.end))
    }

    /// Checks that a table or array at `depth` stays within the depth limit.
    fn enter(&mut self, at: Option<Span>, depth: usize) -> Option<()> {
        if depth >= self.limits.max_depth {
            let at = at.unwrap_or_else(|| Span::new(self.file, 0, 0));
            self.diagnostics
                .push(report::too_deep(at, self.limits.max_depth));
            return None;
        }
        Some(())
    }

    /// A table (`[header]`, dotted, implicit or the root). `None` when a limit was tripped.
    fn table(&mut self, table: &Table, depth: usize) -> Option<Value> {
        // A dotted or implicit table's own span is one of its key segments, not its text.
        let own = if table.is_dotted() || table.is_implicit() {
            None
        } else {
            self.span(table.span())
        };
        self.enter(own, depth)?;
        let mut map = Map::with_capacity(table.len());
        let mut span = own;
        for (key, item) in table.iter() {
            let key_span = self.span(table.key(key).and_then(|k| k.span()));
            let value = match item {
                Item::None => continue,
                Item::Value(value) => self.value(value, depth + 1)?,
                Item::Table(table) => self.table(table, depth + 1)?,
                Item::ArrayOfTables(array) => {
                    self.enter(key_span, depth + 1)?;
                    let mut items = Vec::with_capacity(array.len());
                    let mut list_span = None;
                    for table in array.iter() {
                        let item = self.table(table, depth + 2)?;
                        list_span = union(list_span, item.span);
                        items.push(item);
                    }
                    Value {
                        kind: Kind::List(Arc::new(items)),
                        span: list_span,
                    }
                }
            };
            span = union(union(span, key_span), value.span);
            // toml_edit rejects duplicate keys, so `insert` never replaces here.
            map.insert(key, key_span, value);
        }
        Some(Value {
            kind: Kind::Map(Arc::new(map)),
            span,
        })
    }

    fn inline_table(&mut self, table: &InlineTable, depth: usize) -> Option<Value> {
        let own = if table.is_dotted() {
            None
        } else {
            self.span(table.span())
        };
        self.enter(own, depth)?;
        let mut map = Map::with_capacity(table.len());
        let mut span = own;
        for (key, value) in table.iter() {
            let key_span = self.span(table.key(key).and_then(|k| k.span()));
            let value = self.value(value, depth + 1)?;
            if own.is_none() {
                span = union(union(span, key_span), value.span);
            }
            map.insert(key, key_span, value);
        }
        Some(Value {
            kind: Kind::Map(Arc::new(map)),
            span,
        })
    }

    fn value(&mut self, value: &TomlValue, depth: usize) -> Option<Value> {
        let span = self.span(value.span());
        let kind = match value {
            TomlValue::String(s) => Kind::Str(ArcStr::from(s.value().as_str())),
            TomlValue::Integer(i) => Kind::Int(*i.value()),
            TomlValue::Float(f) => Kind::Float(*f.value()),
            TomlValue::Boolean(b) => Kind::Bool(*b.value()),
            TomlValue::Datetime(d) => {
                let written = span.and_then(|s| self.text.get(s.range()));
                match written {
                    Some(text) => Kind::Str(ArcStr::from(text)),
                    None => Kind::Str(ArcStr::from(d.value().to_string())),
                }
            }
            TomlValue::Array(array) => {
                self.enter(span, depth)?;
                let mut items = Vec::with_capacity(array.len());
                for item in array.iter() {
                    items.push(self.value(item, depth + 1)?);
                }
                Kind::List(Arc::new(items))
            }
            TomlValue::InlineTable(table) => return self.inline_table(table, depth),
        };
        Some(Value { kind, span })
    }
}

/// The smallest span covering both, when there is any.
fn union(a: Option<Span>, b: Option<Span>) -> Option<Span> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.to(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

fn syntax_error(file: FileId, text: &str, error: &toml_edit::TomlError) -> Diagnostic {
    let range = error.span().unwrap_or(text.len()..text.len());
    let at = report::token(file, text, range.start, range.end);
    let mut what = report::tidy_message(error.message());
    if what == "duplicate key" {
        if let Some(key) = text.get(at.range()) {
            what = format!("duplicate key `{key}`");
        }
    }
    if what.contains("recursion") {
        return Diagnostic::new(
            Code::InputLimit,
            "toml nesting is deeper than the toml reader allows",
        )
        .at(at, "this value goes past the limit")
        .help(
            "flatten the structure; the toml reader stops at 80 nested arrays, tables or key parts",
        );
    }
    report::syntax(
        "toml",
        at,
        &what,
        "here",
        "fix the toml syntax at this position (check quotes, `=` signs, brackets and that no key is written twice)",
    )
}
