//! Palisade: a policy-as-code engine for IEC 62443.
//!
//! The core takes text and values in and gives findings and diagnostics back; it does no IO
//! except in [`driver`], which finds and reads the files of a run.

pub mod assess;
pub mod audit;
pub mod baseline;
pub mod builtin;
pub mod catalogue;
pub mod check;
pub mod config;
pub mod diag;
pub mod driver;
pub mod entities;
pub mod eval;
pub mod fault;
pub mod firewall;
pub mod fmt;
pub mod ide;
pub mod input;
pub mod natives;
pub mod report;
pub mod select;
pub mod source;
pub mod suppress;
pub mod syntax;
pub mod testing;
pub mod types;
pub mod value;
