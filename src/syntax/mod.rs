//! Policy syntax: the pest grammar, the AST and the lowering from pest pairs to the AST.
//!
//! **Invariant:** parsing never fails. [`parse`] returns a [`Module`] (with `Item::Error` nodes
//! where text did not parse) and the syntax diagnostics.
//! **Invariant:** `lower.rs` is the only user of pest's `Pairs`.

pub mod ast;
mod errors;
mod lower;
mod parser;

pub use ast::Module;
pub use parser::{parse, Parsed, MAX_NESTING};
