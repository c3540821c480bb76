//! The audit-readiness report (`palisade report`): the zones and conduits, achieved against
//! target security levels, the IEC 62443-3-3 requirement matrix per zone, findings with their
//! source and waivers with their justification, with the run's provenance.
//!
//! [`model::build`] turns a [`crate::driver::CheckRun`] into an [`AuditReport`] (pure: no IO,
//! no clock); [`html::render`] writes it as one self-contained page, and the JSON form is the
//! model serialized. Documented in `docs/report.md`.

pub mod html;
pub mod model;

pub use model::{build, AuditReport, ProvenanceInput, Status, SCHEMA_VERSION};
