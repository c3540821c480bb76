//! The JSON loader, on `jsonc-parser`'s AST (which keeps byte ranges).
//!
//! The accepted language is JSON plus `//` and `/* */` comments and trailing commas (JSONC,
//! as written in editor and tool configuration files). Everything else JSON5 would allow
//! (single quotes, bare keys, hex numbers, `Infinity`) is rejected, so that a file which loads
//! here means the same to every other JSON reader. Integers that do not fit in 64 bits become
//! floats. A key written twice gives a warning and the last value wins.
//!
//! Nesting is bounded by `Limits::max_depth` and, whatever that limit says, by the parser's own
//! bound (it recurses): 256 nested objects or 512 nested arrays.

use std::sync::Arc;

use jsonc_parser::ast::{self, ObjectPropName};
use jsonc_parser::common::{Range, Ranged};
use jsonc_parser::errors::{ParseError, ParseErrorKind};
use jsonc_parser::{parse_to_ast, CollectOptions, ParseOptions};

use super::report;
use super::{Document, Limits, Loaded};
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};
use crate::value::ArcStr;
use crate::value::{Kind, Map, Value};

/// The parser options: JSON with comments and trailing commas.
pub(super) fn options() -> ParseOptions {
    ParseOptions {
        allow_comments: true,
        allow_loose_object_property_names: false,
        allow_trailing_commas: true,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

/// Loads one JSON file: one document, or none when the file holds no value at all.
pub(super) fn load(file: FileId, text: &str, limits: &Limits) -> Loaded {
    let mut loaded = Loaded::default();
    let parsed = match parse_to_ast(text, &CollectOptions::default(), &options()) {
        Ok(parsed) => parsed,
        Err(error) => {
            loaded.diagnostics.push(syntax_error(file, text, &error));
            return loaded;
        }
    };
    if let Some((at, what)) = jsonc_extension(text) {
        loaded.diagnostics.push(
            Diagnostic::new(
                Code::JsoncExtension,
                format!("{what} is not standard JSON"),
            )
            .at(Span::new(file, at, at + 1), "JSONC only")
            .help("Palisade reads comments and trailing commas, but strict JSON readers reject them; remove it if other tools read this file"),
        );
    }
    let Some(root) = parsed.value else {
        return loaded;
    };
    let mut builder = Builder {
        file,
        limits,
        diagnostics: Vec::new(),
        lossy: 0,
    };
    let value = builder.value(&root, 0);
    loaded.diagnostics.append(&mut builder.diagnostics);
    if let Some(value) = value {
        let span = value.span.unwrap_or_else(|| Span::new(file, 0, text.len()));
        loaded.documents.push(Document {
            index: 0,
            value,
            span,
        });
    }
    loaded
}

struct Builder<'l> {
    file: FileId,
    limits: &'l Limits,
    diagnostics: Vec<Diagnostic>,
    /// Lossy numbers reported so far (at most [`report::MAX_LOSSY`]).
    lossy: usize,
}

impl Builder<'_> {
    fn span(&self, range: Range) -> Span {
        Span::new(self.file, range.start, range.end)
    }

    /// Converts a node at `depth` (the number of lists and maps around it); `None` when a
    /// limit was tripped, which abandons the document.
    fn value(&mut self, node: &ast::Value<'_>, depth: usize) -> Option<Value> {
        let span = self.span(node.range());
        let kind = match node {
            ast::Value::StringLit(s) => Kind::Str(ArcStr::from(s.value.as_ref())),
            ast::Value::NumberLit(n) => {
                let kind = number(n.value);
                if self.lossy < report::MAX_LOSSY {
                    if let Some(d) = report::lossy_number(n.value, &kind, span) {
                        self.diagnostics.push(d);
                        self.lossy += 1;
                    }
                }
                kind
            }
            ast::Value::BooleanLit(b) => Kind::Bool(b.value),
            ast::Value::NullKeyword(_) => Kind::Null,
            ast::Value::Array(array) => {
                self.enter(span, depth)?;
                let mut items = Vec::with_capacity(array.elements.len());
                for element in &array.elements {
                    items.push(self.value(element, depth + 1)?);
                }
                Kind::List(Arc::new(items))
            }
            ast::Value::Object(object) => {
                self.enter(span, depth)?;
                let mut map = Map::with_capacity(object.properties.len());
                for prop in &object.properties {
                    let (key, key_range) = match &prop.name {
                        ObjectPropName::String(s) => (s.value.as_ref(), s.range),
                        ObjectPropName::Word(w) => (w.value, w.range),
                    };
                    let key_span = self.span(key_range);
                    let value = self.value(&prop.value, depth + 1)?;
                    if let Some(previous) = map.insert(key, Some(key_span), value) {
                        self.diagnostics.push(report::duplicate_key(
                            key,
                            key_span,
                            previous.key_span(),
                        ));
                    }
                }
                Kind::Map(Arc::new(map))
            }
        };
        Some(Value::with_span(kind, span))
    }

    /// Checks that a list or map at `depth` stays within the depth limit.
    fn enter(&mut self, span: Span, depth: usize) -> Option<()> {
        if depth >= self.limits.max_depth {
            let at = Span::new(self.file, span.start as usize, span.start as usize + 1);
            self.diagnostics
                .push(report::too_deep(at, self.limits.max_depth));
            return None;
        }
        Some(())
    }
}

/// A JSON number: an integer when written without fraction or exponent and within `i64`,
/// a float otherwise.
fn number(text: &str) -> Kind {
    let integral = !text.contains(['.', 'e', 'E']);
    if integral {
        if let Ok(i) = text.parse::<i64>() {
            return Kind::Int(i);
        }
    }
    match text.parse::<f64>() {
        Ok(f) => Kind::Float(f),
        Err(_) => Kind::Str(ArcStr::from(text)),
    }
}

/// The first comment or trailing comma of a text that parsed as JSONC: its offset and what it
/// is. One pass over the bytes, aware of strings.
fn jsonc_extension(text: &str) -> Option<(usize, &'static str)> {
    let bytes = text.as_bytes();
    let mut in_string = false;
    let mut escaped = false;
    let mut last_comma: Option<usize> = None;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else {
            match b {
                b'"' => {
                    in_string = true;
                    last_comma = None;
                }
                b'/' if matches!(bytes.get(i + 1), Some(b'/' | b'*')) => {
                    return Some((i, "a comment"));
                }
                b',' => last_comma = Some(i),
                b']' | b'}' => {
                    if let Some(at) = last_comma {
                        return Some((at, "a trailing comma"));
                    }
                }
                b' ' | b'\t' | b'\n' | b'\r' => {}
                _ => last_comma = None,
            }
        }
        i += 1;
    }
    None
}

fn syntax_error(file: FileId, text: &str, error: &ParseError) -> Diagnostic {
    let range = error.range();
    let what = report::tidy_message(&error.kind().to_string());
    match error.kind() {
        ParseErrorKind::NestingDepthExceeded => Diagnostic::new(
            Code::InputLimit,
            "json nesting is deeper than the json reader allows",
        )
        .at(
            report::point(file, text, range.start),
            "this value goes past the limit",
        )
        .help("flatten the structure; the json reader stops at 256 nested objects or 512 nested arrays"),
        ParseErrorKind::UnterminatedObject | ParseErrorKind::UnterminatedArray => {
            let close = if matches!(error.kind(), ParseErrorKind::UnterminatedObject) {
                '}'
            } else {
                ']'
            };
            report::syntax(
                "json",
                Span::new(file, text.len(), text.len()),
                &what,
                "the text ends here",
                format!(
                    "add the missing `{close}`, or remove the text after the last complete value"
                ),
            )
            .related(report::point(file, text, range.start), "opened here")
        }
        ParseErrorKind::MultipleRootJsonValues => report::syntax(
            "json",
            report::point(file, text, range.start),
            &what,
            "a second value starts here",
            "a json file holds a single value; wrap the values in a list or remove the extra one",
        ),
        _ => report::syntax(
            "json",
            report::token(file, text, range.start, range.end),
            &what,
            "here",
            "fix the json syntax at this position (check quotes, commas, colons and brackets)",
        ),
    }
}
