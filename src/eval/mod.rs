//! Evaluation: running a compiled [`Program`] over the entities of a run.
//!
//! **Invariant:** `eval` does no IO and reads no clock or environment; every evaluation is
//! bounded in steps, call depth and collection size ([`Limits`]).

mod early;
pub(crate) mod interp;
pub(crate) mod ir;
mod limits;
mod memo;
mod ops;
mod profile;
mod program;
mod run;

pub use early::{Early, FileUnits};
pub use limits::Limits;
pub use profile::{Cost, CostOf, Profile};
pub(crate) use program::{ConstDef, FnDef, RuleDef};
pub use program::{Program, RuleMeta, RuleSeverity, TestCase};
pub use run::{
    evaluate, evaluate_after_early, evaluate_scoped, Finding, Outcome, Spent, UnitScope,
};
