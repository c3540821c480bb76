//! Rule references in `palisade.toml`: a rule id, a foundational requirement (`FR5`) or a
//! requirement (`SR 5.2`, `SR 1.1 RE 2`).

use crate::check::normalize_requirement;
use crate::eval::RuleMeta;
use crate::source::Span;

/// What `select`, `ignore` and `[[overrides]] ignore` name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleRef {
    /// A rule id (or rule name).
    Rule(String, Option<Span>),
    /// A foundational requirement, 1 to 7.
    Fr(u8, Option<Span>),
    /// A normalized requirement; `SR 5.2` also covers its enhancements.
    Requirement(String, Option<Span>),
}

impl RuleRef {
    /// Parses a reference; the error is help text.
    pub fn parse(text: &str, span: Option<Span>, allow_fr: bool) -> Result<RuleRef, String> {
        let t = text.trim();
        if let Some(n) = t.strip_prefix("FR").or_else(|| t.strip_prefix("fr")) {
            return match n.trim().parse::<u8>() {
                Ok(n @ 1..=7) if allow_fr => Ok(RuleRef::Fr(n, span)),
                Ok(1..=7) => Err("name a rule or a requirement here, not a whole FR".to_string()),
                _ => Err("foundational requirements are FR1 to FR7".to_string()),
            };
        }
        if t.starts_with("SR") {
            return normalize_requirement(t)
                .map(|r| RuleRef::Requirement(r, span))
                .ok_or_else(|| "write a requirement as `SR 5.2` or `SR 1.1 RE 2`".to_string());
        }
        let ok = !t.is_empty()
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.');
        if ok {
            Ok(RuleRef::Rule(t.to_string(), span))
        } else {
            Err("write a rule id (`privileged_container`), an FR (`FR5`) or a requirement (`SR 5.2`)".to_string())
        }
    }

    /// Whether the reference covers `rule`.
    pub fn covers(&self, rule: &RuleMeta) -> bool {
        match self {
            RuleRef::Rule(id, _) => rule.id == *id || rule.name == *id,
            RuleRef::Fr(n, _) => rule.fr == Some(*n),
            RuleRef::Requirement(req, _) => rule.cites(req),
        }
    }

    /// Where the reference was written.
    pub fn span(&self) -> Option<Span> {
        match self {
            RuleRef::Rule(_, s) | RuleRef::Fr(_, s) | RuleRef::Requirement(_, s) => *s,
        }
    }

    /// The rule id, for references to one rule.
    pub fn rule_id(&self) -> Option<&str> {
        match self {
            RuleRef::Rule(id, _) => Some(id),
            _ => None,
        }
    }
}
