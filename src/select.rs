//! Rule selection: which rules of a program run (`--rule`, `--fr`, `--sr`, `--severity`,
//! `--level`).

use crate::check::normalize_requirement;
use crate::config::RuleRef;
use crate::diag::{Code, Diagnostic};
use crate::eval::{Program, RuleMeta, RuleSeverity};

/// A validated selection. Empty lists select everything.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub rules: Vec<String>,
    pub frs: Vec<u8>,
    pub requirements: Vec<String>,
    pub min_severity: Option<RuleSeverity>,
    pub max_level: Option<u8>,
    /// `[rules] select` of `palisade.toml`: when not empty, only rules one of these covers.
    pub any_of: Vec<RuleRef>,
    /// `[rules] ignore` of `palisade.toml` and `--ignore`: rules none of these may cover.
    pub none_of: Vec<RuleRef>,
}

impl Selection {
    /// Builds a selection from command-line words; bad values are diagnostics.
    pub fn parse(
        rules: &[String],
        frs: &[String],
        srs: &[String],
        severity: Option<&str>,
        level: Option<u8>,
    ) -> Result<Selection, Vec<Diagnostic>> {
        let mut diags = Vec::new();
        let mut sel = Selection {
            rules: rules.to_vec(),
            ..Selection::default()
        };
        for f in frs {
            let n = f
                .trim()
                .trim_start_matches("FR")
                .trim_start_matches("fr")
                .parse::<u8>()
                .ok()
                .filter(|n| (1..=7).contains(n));
            match n {
                Some(n) => sel.frs.push(n),
                None => diags.push(
                    Diagnostic::new(
                        Code::BadArgument,
                        format!("`--fr {f}` is not a foundational requirement"),
                    )
                    .help("write FR1 to FR7"),
                ),
            }
        }
        for s in srs {
            let s = if s.trim_start().starts_with("SR") {
                s.clone()
            } else {
                format!("SR {s}")
            };
            match normalize_requirement(&s) {
                Some(r) => sel.requirements.push(r),
                None => diags.push(
                    Diagnostic::new(
                        Code::BadArgument,
                        format!("`--sr {s}` is not a requirement reference"),
                    )
                    .help("write e.g. `--sr \"SR 5.2\"` or `--sr \"SR 1.1 RE 2\"`"),
                ),
            }
        }
        if let Some(sev) = severity {
            match RuleSeverity::parse(sev) {
                Some(s) => sel.min_severity = Some(s),
                None => diags.push(
                    Diagnostic::new(
                        Code::BadArgument,
                        format!("`--severity {sev}` is not a severity"),
                    )
                    .help("write low, medium, high or critical"),
                ),
            }
        }
        if let Some(l) = level {
            if (1..=4).contains(&l) {
                sel.max_level = Some(l);
            } else {
                diags.push(
                    Diagnostic::new(
                        Code::BadArgument,
                        format!("`--level {l}` is not a security level"),
                    )
                    .help("write 1, 2, 3 or 4"),
                );
            }
        }
        if diags.is_empty() {
            Ok(sel)
        } else {
            Err(diags)
        }
    }

    /// Whether the rule runs.
    pub fn keeps(&self, r: &RuleMeta) -> bool {
        (self.rules.is_empty() || self.rules.iter().any(|id| *id == r.id || *id == r.name))
            && (self.frs.is_empty() || r.fr.is_some_and(|f| self.frs.contains(&f)))
            && (self.requirements.is_empty() || self.requirements.iter().any(|want| r.cites(want)))
            && self.min_severity.is_none_or(|s| r.severity >= s)
            && self.max_level.is_none_or(|l| r.level <= l)
            && (self.any_of.is_empty() || self.any_of.iter().any(|x| x.covers(r)))
            && !self.none_of.iter().any(|x| x.covers(r))
    }

    /// Applies the selection; rule ids that match no loaded rule are diagnostics.
    pub fn apply(&self, program: &mut Program) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        for id in &self.rules {
            if !program.rules().any(|r| r.id == *id || r.name == *id) {
                let ids: Vec<String> = program.rules().map(|r| r.id.clone()).collect();
                let hint = crate::check::did_you_mean(id, ids.iter().map(String::as_str));
                diags.push(
                    Diagnostic::new(Code::BadArgument, format!("no rule `{id}` is loaded")).help(
                        format!("{hint} `palisade requirements` lists the rules")
                            .trim()
                            .to_string(),
                    ),
                );
            }
        }
        diags.extend(unknown_rule_refs(
            self.any_of.iter().chain(&self.none_of),
            program,
        ));
        program.retain_rules(|r| self.keeps(r));
        diags
    }
}

/// A diagnostic for each reference to a rule id that no loaded rule has (at the reference
/// in `palisade.toml`, or as a bad argument when it came from the command line).
pub fn unknown_rule_refs<'a>(
    refs: impl IntoIterator<Item = &'a RuleRef>,
    program: &Program,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for r in refs {
        let Some(id) = r.rule_id() else { continue };
        if program.rules().any(|m| m.id == id || m.name == id) {
            continue;
        }
        let ids: Vec<String> = program.rules().map(|r| r.id.clone()).collect();
        let hint = crate::check::did_you_mean(id, ids.iter().map(String::as_str));
        let code = if r.span().is_some() {
            Code::BadConfig
        } else {
            Code::BadArgument
        };
        diags.push(
            Diagnostic::new(code, format!("no rule `{id}` is loaded"))
                .span(r.span())
                .help(
                    format!("{hint} `palisade requirements` lists the rules")
                        .trim()
                        .to_string(),
                ),
        );
    }
    diags
}
