//! The formatter behind `palisade fmt`: prints a `.pal` file in its canonical layout.
//!
//! It pretty-prints from the AST (`items`, `expr`) into a `printer::Doc` that is laid
//! out in the configured width, and re-emits leaf tokens (numbers, strings, keys) from their
//! source text so that nothing changes meaning. The grammar drops comments, so `lexer`
//! finds them in the text and `comments` attaches each to an `anchors::Anchor` (an item,
//! a header, a statement of a body) that the printer places it with.
//!
//! **Invariant:** formatting is idempotent, and the formatted text parses to the same AST as
//! the input (modulo spans, and trailing whitespace at the end of comment lines).
//! **Invariant:** no comment is dropped.

mod anchors;
mod comments;
mod expr;
mod items;
mod lexer;
mod printer;
mod source;
#[cfg(test)]
mod tests;

use crate::source::FileId;
use crate::syntax::ast::Item;
use crate::syntax::parse;

/// Formatting options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatOptions {
    /// Spaces per indentation level (bodies of rules, tests and functions, broken lists).
    /// Default 2.
    pub indent: usize,
    /// Width in columns that lines should fit in; longer lists, calls, maps, comprehensions
    /// and operator chains are broken over lines. Strings and comments are never broken, so
    /// a line may still exceed it. Default 100.
    pub max_width: usize,
}

impl Default for FormatOptions {
    fn default() -> FormatOptions {
        FormatOptions {
            indent: 2,
            max_width: 100,
        }
    }
}

/// Formats a whole file. Returns `None` when the file has syntax errors (then the caller
/// leaves it untouched and reports the syntax errors).
pub fn format(text: &str, options: &FormatOptions) -> Option<String> {
    let parsed = parse(FileId(0), text);
    let broken = parsed
        .module
        .items
        .iter()
        .any(|i| matches!(i, Item::Error(_)));
    if parsed.has_errors() || broken {
        return None;
    }
    let src = source::Src::new(text);
    let anchors = anchors::collect(&src, &parsed.module);
    let comments = comments::attach(&src, &anchors);
    let cx = items::Cx {
        src: &src,
        comments: &comments,
    };
    let doc = items::module(&cx, &parsed.module);
    Some(printer::print(&doc, options.max_width, options.indent))
}
