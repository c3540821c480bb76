//! Editor queries over a policy set: symbols, definition, references, hover, completion.
//!
//! Editor-agnostic in the rust-analyzer manner: answers are plain data in byte spans (no LSP
//! types, no UTF-16, no JSON); the language server (`lsp/`) converts them. The [`Index`] is
//! built from parsed modules (the same that [`check::compile`](crate::check::compile) takes)
//! and never fails.

pub mod completion;
pub mod hover;
pub mod index;

pub use completion::{complete, Completion, CompletionKind};
pub use hover::{hover, Hover};
pub use index::{Def, DefId, DefKind, Index, Reference, Target};

use crate::source::{FileId, Span};

/// Where the name at `offset` is defined (`None` for builtins and unknown names).
pub fn definition(index: &Index, file: FileId, offset: u32) -> Option<Span> {
    match &index.at(file, offset)?.target {
        Target::Def(id) => index.def(*id).map(|d| d.name_span),
        _ => None,
    }
}

/// The definition under `offset`, if the name there is one defined in a policy file.
pub fn def_at(index: &Index, file: FileId, offset: u32) -> Option<DefId> {
    match index.at(file, offset)?.target {
        Target::Def(id) => Some(id),
        _ => None,
    }
}

/// Every occurrence of the name at `offset` (with its definition when `include_def`).
pub fn references(index: &Index, file: FileId, offset: u32, include_def: bool) -> Vec<Span> {
    let Some(id) = def_at(index, file, offset) else {
        return Vec::new();
    };
    index
        .references(id)
        .into_iter()
        .filter(|r| include_def || !r.is_def)
        .map(|r| r.span)
        .collect()
}

/// The top-level items of a file (rules, functions, constants, tests), in source order.
pub fn file_symbols(index: &Index, file: FileId) -> Vec<&Def> {
    let mut out: Vec<&Def> = index
        .defs
        .iter()
        .filter(|d| d.name_span.file == file && is_item(d.kind))
        .collect();
    out.sort_by_key(|d| d.span.start);
    out
}

/// Top-level items of every file whose name contains `query` (case-insensitive).
pub fn workspace_symbols<'a>(index: &'a Index, query: &str) -> Vec<&'a Def> {
    let q = query.to_lowercase();
    index
        .defs
        .iter()
        .filter(|d| is_item(d.kind) && d.name.to_lowercase().contains(&q))
        .collect()
}

fn is_item(kind: DefKind) -> bool {
    matches!(
        kind,
        DefKind::Function | DefKind::Constant | DefKind::Rule | DefKind::Test
    )
}

#[cfg(test)]
mod tests;
