//! One suppression directive: what it silences, where, why and until when.

use jiff::civil::Date;

use crate::eval::RuleMeta;
use crate::source::Span;

use super::Scope;

/// What a directive silences: one rule, or every rule citing a requirement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A rule id (or name).
    Rule(String),
    /// A normalized requirement such as `SR 2.1` or `SR 1.1 RE 1`.
    Requirement(String),
}

impl Target {
    /// Whether findings of `rule` are covered. `SR 2.1` also covers rules citing its
    /// enhancements (`SR 2.1 RE 1`); `SR 2.1 RE 1` covers only that enhancement.
    pub fn covers(&self, rule: &RuleMeta) -> bool {
        match self {
            Target::Rule(id) => rule.id == *id || rule.name == *id,
            Target::Requirement(req) => rule.cites(req),
        }
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Rule(id) | Target::Requirement(id) => f.write_str(id),
        }
    }
}

/// A well-formed `palisade:ignore` or `palisade:ignore-file` directive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    pub target: Target,
    pub reason: String,
    pub expires: Option<Date>,
    /// The region whose findings it covers.
    pub scope: Scope,
    /// The directive's text in its comment (or the entry in `palisade.toml`).
    pub span: Span,
    /// Who owns the exception (`owner` of a `[[suppress]]` entry).
    pub owner: Option<String>,
    /// Kept in `palisade.toml` rather than in the checked file.
    pub external: bool,
}
