//! The entry point: text in, [`Parsed`] out.

use pest::Parser;

use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};

use super::ast::{Item, Module};
use super::{errors, lower};

#[derive(pest_derive::Parser)]
#[grammar = "grammar/palisade.pest"]
pub(crate) struct PalisadeParser;

/// Deepest bracket nesting a policy may use; deeper text is refused before parsing so that
/// a hostile policy cannot exhaust the stack.
pub const MAX_NESTING: usize = 128;

/// A parsed file: the tree (possibly with error items) and the syntax diagnostics.
#[derive(Debug)]
pub struct Parsed {
    pub module: Module,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parses one `.pal` file.
pub fn parse(file: FileId, text: &str) -> Parsed {
    let empty = Module {
        file,
        package: None,
        items: Vec::new(),
    };
    if let Some(offset) = too_deep(text) {
        let span = Span::new(file, offset, offset + 1);
        return Parsed {
            module: empty,
            diagnostics: vec![Diagnostic::new(
                Code::SyntaxError,
                format!("brackets nested deeper than {MAX_NESTING} levels"),
            )
            .at(span, "too deep")
            .help("split the expression with `let` bindings or functions")],
        };
    }
    let pairs = match PalisadeParser::parse(Rule::file, text) {
        Ok(pairs) => pairs,
        Err(err) => {
            return Parsed {
                module: empty,
                diagnostics: vec![errors::from_pest(file, 0, text, &err)],
            }
        }
    };
    let mut diagnostics = Vec::new();
    let module = lower::lower_file(file, text, pairs, &mut diagnostics);
    for item in &module.items {
        if let Item::Error(span) = item {
            diagnostics.push(explain_error_item(file, text, *span));
        }
    }
    diagnostics.sort_by_key(|d| d.span.map(|s| s.start));
    Parsed {
        module,
        diagnostics,
    }
}

/// Re-parses the text of a broken item on its own to find where and why it breaks.
fn explain_error_item(file: FileId, text: &str, span: Span) -> Diagnostic {
    let chunk = text.get(span.range()).unwrap_or("");
    match PalisadeParser::parse(Rule::item_only, chunk) {
        Err(err) => errors::from_pest(file, span.start as usize, chunk, &err),
        // The item parses alone: the problem is what surrounds it.
        Ok(_) => Diagnostic::new(Code::SyntaxError, "unexpected item")
            .at(span, "not expected here")
            .help("a `package` declaration must come first in the file"),
    }
}

/// The offset of the first bracket nested deeper than [`MAX_NESTING`], ignoring strings and
/// comments only roughly (a false alarm needs more than 128 brackets in a string).
fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}
