//! Firewall rulesets: one adapter per vendor syntax, a normalized model over interval sets,
//! and the analyses rules need (first-match evaluation, shadowing, breadth, cleartext).
//!
//! **Invariant:** adapters never fail: a construct they do not understand becomes a warning
//! at its line and the rule is marked with `unsupported`, so analyses treat it conservatively.

mod cisco;
pub mod cisco_asa;
pub mod cisco_ios;
pub mod dump;
pub mod model;
pub mod sets;

pub use model::{Action, Config, Interface, Rule, Ruleset, Vendor};
pub use sets::{AddrSet, PortSet, ProtoSet, RangeSet};

use crate::diag::Diagnostic;

/// What an adapter returns.
#[derive(Debug)]
pub struct Parsed {
    pub config: Config,
    pub diagnostics: Vec<Diagnostic>,
}
