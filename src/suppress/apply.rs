//! Applying suppressions to findings: kept, suppressed, and what is wrong with the directives.

use jiff::civil::Date;

use crate::diag::{Code, Diagnostic};
use crate::eval::Finding;

use super::Suppression;

/// A finding silenced by a directive.
#[derive(Debug)]
pub struct Suppressed {
    pub finding: Finding,
    pub reason: String,
    pub expires: Option<Date>,
    /// Who owns the exception, when the configuration says.
    pub owner: Option<String>,
    /// Suppressed by `palisade.toml` rather than by a comment in the file.
    pub external: bool,
}

/// The result of [`apply`].
#[derive(Debug, Default)]
pub struct Applied {
    pub kept: Vec<Finding>,
    pub suppressed: Vec<Suppressed>,
    /// `palisade::expired-suppression` errors and `palisade::unused-suppression` warnings.
    pub diagnostics: Vec<Diagnostic>,
}

/// Splits `findings` by `suppressions`. A directive whose `expires` date is before `today`
/// suppresses nothing and becomes an error; with `today` unknown (`None`) nothing expires. A
/// live directive that covers no finding is a warning. Findings without a span are never
/// suppressed. Order is kept.
pub fn apply(findings: Vec<Finding>, suppressions: &[Suppression], today: Option<Date>) -> Applied {
    let expired = |s: &Suppression| matches!((s.expires, today), (Some(e), Some(t)) if e < t);
    let mut used = vec![false; suppressions.len()];
    let mut out = Applied::default();
    if suppressions.is_empty() {
        // (Most runs: the findings are kept as they are, not moved one by one.)
        out.kept = findings;
        return out;
    }
    out.kept.reserve(findings.len());
    for f in findings {
        let hit = f.span.and_then(|span| {
            suppressions.iter().enumerate().find(|(_, s)| {
                !expired(s) && s.target.covers(&f.rule) && s.scope.covers(span.file, span.start)
            })
        });
        match hit {
            Some((i, s)) => {
                if let Some(u) = used.get_mut(i) {
                    *u = true;
                }
                out.suppressed.push(Suppressed {
                    reason: s.reason.clone(),
                    expires: s.expires,
                    owner: s.owner.clone(),
                    external: s.external,
                    finding: f,
                });
            }
            None => out.kept.push(f),
        }
    }
    for (s, used) in suppressions.iter().zip(used) {
        if expired(s) {
            let date = s.expires.map(|d| d.to_string()).unwrap_or_default();
            out.diagnostics.push(
                Diagnostic::new(
                    Code::ExpiredSuppression,
                    format!("suppression of `{}` expired on {date}", s.target),
                )
                .at(s.span, "expired: this no longer suppresses anything")
                .help(format!(
                    "fix what it hides, or renew the exception with a later `expires` (reason given: {}{})",
                    s.reason,
                    s.owner.as_deref().map(|o| format!("; owner: {o}")).unwrap_or_default()
                )),
            );
        } else if !used {
            out.diagnostics.push(
                Diagnostic::new(
                    Code::UnusedSuppression,
                    format!("suppression of `{}` suppresses nothing", s.target),
                )
                .at(s.span, "no finding here")
                .help(if s.external {
                    "remove the `[[suppress]]` entry, or check its `rule` and that its `path` glob matches the flagged file"
                } else {
                    "remove the comment, or check the rule id and that it sits just above the flagged node"
                }),
            );
        }
    }
    out
}
