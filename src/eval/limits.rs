//! The bounds every evaluation runs under.

use std::sync::Arc;

use super::profile::Profile;

/// Evaluation bounds. A rule that exceeds one gets a `palisade::limit-exceeded` diagnostic
/// for the entity being checked; the other entities and rules still run.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Steps (expression nodes evaluated) allowed for one rule on one entity.
    pub max_steps: u64,
    /// Deepest chain of user function calls.
    pub max_call_depth: u32,
    /// Largest list or map a comprehension may build.
    pub max_collection: usize,
    /// Not a bound: when set, what each rule and constant costs is added to it
    /// (`--profile`).
    pub profile: Option<Arc<Profile>>,
    /// Not a bound: when set, the clock the phases of an evaluation after loading are timed
    /// with ([`Outcome::phases`](super::Outcome::phases), shown by `--verbose`). `eval` reads
    /// no clock of its own.
    pub clock: Option<fn() -> std::time::Instant>,
    /// Not a bound: whether each finding keeps the item it was made on
    /// ([`Finding::entity`](super::Finding::entity), which `assess` reads). A caller that
    /// never reads it (a check's reports) turns it off, so that a finding does not hold its
    /// file's values: those of a file whose rules all ran as it loaded are then freed at once
    /// (see `Early::release`). On by default.
    pub finding_entities: bool,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_steps: 1_000_000,
            max_call_depth: 64,
            max_collection: 1_000_000,
            profile: None,
            clock: None,
            finding_entities: true,
        }
    }
}
