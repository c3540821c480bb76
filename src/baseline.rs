//! Baselines: the findings a team has accepted for now, so CI fails only on new ones.
//!
//! A baseline is a JSON file `{"version": 1, "findings": [{rule, file, fingerprint, message}]}`.
//! A finding is in the baseline when its (rule, file, fingerprint) is. The fingerprint is the
//! SARIF one (`report::fingerprint`): it hashes the rule, file, message and flagged text but no
//! line numbers, so lines inserted elsewhere in the file do not break the match.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::eval::Finding;
use crate::report::fingerprint::{finding_hash, Occurrences};
use crate::source::SourceDb;

/// Version of the baseline file format.
pub const VERSION: u32 = 1;

/// One accepted finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub rule: String,
    pub file: String,
    pub fingerprint: String,
    pub message: String,
}

/// A baseline file's contents.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

/// Why a baseline file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("not a palisade baseline: {0}")]
    Syntax(String),
    #[error("baseline version {0} is not supported (expected {VERSION})")]
    Version(u32),
}

/// The file a finding belongs to (its policy file when it has no place in an input).
fn file_of(db: &SourceDb, f: &Finding) -> String {
    db.name(f.span.unwrap_or(f.rule.name_span).file).to_string()
}

/// Fingerprints of `findings`, in order (repeats numbered `:1`, `:2`, …).
fn fingerprints<'f>(
    db: &SourceDb,
    findings: &'f [Finding],
) -> impl Iterator<Item = (&'f Finding, String)> + 'f {
    let mut occurrences = Occurrences::default();
    let hashes: Vec<u64> = findings.iter().map(|f| finding_hash(db, f)).collect();
    findings
        .iter()
        .zip(hashes)
        .map(move |(f, h)| (f, occurrences.fingerprint(h)))
}

impl Baseline {
    /// A baseline accepting every one of `findings`.
    pub fn of(db: &SourceDb, findings: &[Finding]) -> Baseline {
        Baseline {
            version: VERSION,
            findings: fingerprints(db, findings)
                .map(|(f, fingerprint)| Entry {
                    rule: f.rule.id.clone(),
                    file: file_of(db, f),
                    fingerprint,
                    message: f.message.clone(),
                })
                .collect(),
        }
    }

    /// Reads a baseline file's text.
    pub fn parse(text: &str) -> Result<Baseline, BaselineError> {
        let b: Baseline =
            serde_json::from_str(text).map_err(|e| BaselineError::Syntax(e.to_string()))?;
        if b.version != VERSION {
            return Err(BaselineError::Version(b.version));
        }
        Ok(b)
    }

    /// The file's text (pretty JSON with a final newline).
    pub fn to_json(&self) -> String {
        format!(
            "{}\n",
            serde_json::to_string_pretty(self).unwrap_or_default()
        )
    }

    /// Removes the findings the baseline accepts; returns the rest and how many were removed.
    pub fn filter(&self, db: &SourceDb, findings: Vec<Finding>) -> (Vec<Finding>, usize) {
        let known: HashSet<(&str, &str, &str)> = self
            .findings
            .iter()
            .map(|e| (e.rule.as_str(), e.file.as_str(), e.fingerprint.as_str()))
            .collect();
        let keep: Vec<bool> = fingerprints(db, &findings)
            .map(|(f, fp)| {
                !known.contains(&(f.rule.id.as_str(), file_of(db, f).as_str(), fp.as_str()))
            })
            .collect();
        let mut removed = 0;
        let kept = findings
            .into_iter()
            .zip(keep)
            .filter_map(|(f, k)| {
                if k {
                    Some(f)
                } else {
                    removed += 1;
                    None
                }
            })
            .collect();
        (kept, removed)
    }
}
