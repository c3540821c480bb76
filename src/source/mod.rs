//! Source text and positions: one span type for every AST node and every loaded value.

mod db;
mod span;

pub use db::{LineCol, SourceDb, SourceFile};
pub use span::{FileId, Span};
