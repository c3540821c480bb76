//! Source text and positions: one span type for every AST node and every loaded value.

mod db;
pub mod hash;
mod span;

pub use db::{LineCol, SourceDb, SourceFile};
pub use hash::fnv1a64;
pub use span::{FileId, Span};
