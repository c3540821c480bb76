//! Diagnostics: problems found in policies, inputs, flags or configuration.
//!
//! A diagnostic holds spans, never source text; the reporters attach the text late.

mod codes;
mod diagnostic;

pub use codes::Code;
pub use diagnostic::{Diagnostic, Label, Severity};
