//! Rule metadata: validation and normalization of `id`, `title`, `requirement`, `fr`, `level`,
//! `severity`, `rationale`, `remediation` and `tags`.

use std::sync::Arc;

use crate::diag::{Code, Diagnostic};
use crate::eval::{RuleMeta, RuleSeverity};
use crate::source::FileId;
use crate::syntax::ast::{MetaValue, RuleDecl};

use super::suggest::did_you_mean;

/// The metadata keys a rule may use.
pub const KEYS: &[(&str, &str)] = &[
    ("id", "stable identifier of the rule (defaults to its name)"),
    (
        "title",
        "one-line title (defaults to the first line of the doc comment)",
    ),
    (
        "requirement",
        "IEC 62443 references, e.g. \"SR 2.1\", \"SR 1.1 RE 1\"",
    ),
    (
        "fr",
        "foundational requirement FR1..FR7 (defaults to the first requirement's)",
    ),
    (
        "level",
        "security level 1..4 at which the rule applies (default 1)",
    ),
    ("severity", "low, medium, high or critical (default medium)"),
    (
        "rationale",
        "why this matters for an industrial control system",
    ),
    ("remediation", "how to fix a violation"),
    ("tags", "free-form labels"),
];

pub(crate) fn rule_meta(
    file: FileId,
    package: &str,
    rule: &RuleDecl,
    diags: &mut Vec<Diagnostic>,
) -> Arc<RuleMeta> {
    let mut meta = RuleMeta {
        id: rule.name.name.to_string(),
        name: rule.name.name.to_string(),
        package: package.to_string(),
        title: rule
            .doc
            .as_deref()
            .and_then(|d| d.lines().next())
            .map(|l| l.trim().trim_end_matches('.').to_string())
            .unwrap_or_else(|| rule.name.name.replace('_', " ")),
        doc: rule.doc.clone(),
        requirements: Vec::new(),
        fr: None,
        level: 1,
        severity: RuleSeverity::Medium,
        rationale: None,
        remediation: None,
        tags: Vec::new(),
        file,
        span: rule.span,
        name_span: rule.name.span,
    };
    let mut seen: Vec<&str> = Vec::new();
    for m in &rule.meta {
        let key = &*m.key.name;
        if !KEYS.iter().any(|(k, _)| *k == key) {
            let hint = did_you_mean(key, KEYS.iter().map(|(k, _)| *k));
            diags.push(
                Diagnostic::new(Code::BadMetadata, format!("unknown metadata `{key}`"))
                    .at(m.key.span, "not a metadata key")
                    .help(
                        format!(
                            "{hint} rule metadata keys are: {}",
                            KEYS.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ")
                        )
                        .trim()
                        .to_string(),
                    ),
            );
            continue;
        }
        if seen.contains(&key) {
            diags.push(
                Diagnostic::new(Code::BadMetadata, format!("`{key}` is given twice"))
                    .at(m.key.span, "repeated")
                    .help("give each metadata entry once; list several values with commas"),
            );
            continue;
        }
        seen.push(key);
        let single = |diags: &mut Vec<Diagnostic>| -> Option<&MetaValue> {
            if m.values.len() != 1 {
                diags.push(
                    Diagnostic::new(Code::BadMetadata, format!("`{key}` takes one value"))
                        .at(m.span, "several values")
                        .help("remove the extra values"),
                );
            }
            m.values.first()
        };
        match key {
            "id" | "title" | "rationale" | "remediation" => {
                let Some(v) = single(diags) else { continue };
                let Some(s) = string(v, key, diags) else {
                    continue;
                };
                match key {
                    "id" => meta.id = s,
                    "title" => meta.title = s,
                    "rationale" => meta.rationale = Some(s),
                    _ => meta.remediation = Some(s),
                }
            }
            "tags" => {
                for v in &m.values {
                    if let Some(s) = string(v, key, diags) {
                        meta.tags.push(s);
                    }
                }
            }
            "requirement" => {
                for v in &m.values {
                    let Some(s) = string(v, key, diags) else {
                        continue;
                    };
                    match normalize_requirement(&s) {
                        Some(r) if crate::catalogue::catalogue().get(&r).is_none() => diags.push(
                            Diagnostic::new(
                                Code::BadMetadata,
                                format!("`{r}` is not in the IEC 62443-3-3 catalogue"),
                            )
                            .at(v.span(), "no such requirement")
                            .help("`palisade requirements` lists every SR and RE; check the number"),
                        ),
                        Some(r) => meta.requirements.push(r),
                        None => diags.push(
                            Diagnostic::new(
                                Code::BadMetadata,
                                format!("`{s}` is not an IEC 62443-3-3 requirement reference"),
                            )
                            .at(v.span(), "not SR x.y or SR x.y RE n")
                            .help("write a system requirement like \"SR 5.1\" or an enhancement like \"SR 1.1 RE 2\""),
                        ),
                    }
                }
            }
            "fr" => {
                let Some(v) = single(diags) else { continue };
                let n = match v {
                    MetaValue::Int(n, _) => Some(*n),
                    MetaValue::Word(w) => w
                        .name
                        .strip_prefix("FR")
                        .and_then(|d| d.parse::<i64>().ok()),
                    MetaValue::Str(s, _) => s.strip_prefix("FR").and_then(|d| d.parse().ok()),
                    MetaValue::Float(..) => None,
                };
                match n.and_then(|n| u8::try_from(n).ok()).filter(|n| (1..=7).contains(n)) {
                    Some(n) => meta.fr = Some(n),
                    None => diags.push(
                        Diagnostic::new(Code::BadMetadata, "`fr` must be FR1 to FR7")
                            .at(v.span(), "not a foundational requirement")
                            .help("IEC 62443-3-3 has seven foundational requirements, FR1 (identification and authentication) to FR7 (resource availability)"),
                    ),
                }
            }
            "level" => {
                let Some(v) = single(diags) else { continue };
                match v {
                    MetaValue::Int(n, _) if (1..=4).contains(n) => {
                        meta.level = u8::try_from(*n).unwrap_or(1);
                    }
                    _ => diags.push(
                        Diagnostic::new(Code::BadMetadata, "`level` must be 1, 2, 3 or 4")
                            .at(v.span(), "not a security level")
                            .help("the security level (SL 1 to SL 4) at which the requirement first applies"),
                    ),
                }
            }
            _ => {
                // severity
                let Some(v) = single(diags) else { continue };
                let word = match v {
                    MetaValue::Word(w) => Some(w.name.to_string()),
                    MetaValue::Str(s, _) => Some(s.clone()),
                    _ => None,
                };
                match word.as_deref().and_then(RuleSeverity::parse) {
                    Some(s) => meta.severity = s,
                    None => diags.push(
                        Diagnostic::new(
                            Code::BadMetadata,
                            "`severity` must be low, medium, high or critical",
                        )
                        .at(v.span(), "not a severity")
                        .help("write e.g. `severity high`"),
                    ),
                }
            }
        }
    }
    if meta.fr.is_none() {
        meta.fr = meta.requirements.first().and_then(|r| fr_of(r));
    }
    Arc::new(meta)
}

fn string(v: &MetaValue, key: &str, diags: &mut Vec<Diagnostic>) -> Option<String> {
    match v {
        MetaValue::Str(s, _) => Some(s.clone()),
        _ => {
            diags.push(
                Diagnostic::new(Code::BadMetadata, format!("`{key}` takes a string"))
                    .at(v.span(), "not a string")
                    .help("put the value in double quotes"),
            );
            None
        }
    }
}

/// `"IEC 62443-3-3 SR 2.1"`, `"SR 2.1"`, `"SR2.1 RE1"`, `"SR 1.1 RE(2)"` → `SR 2.1`, `SR 1.1 RE 2`.
pub fn normalize_requirement(s: &str) -> Option<String> {
    let s = s.trim();
    let s = s
        .strip_prefix("IEC 62443-3-3")
        .map(str::trim_start)
        .unwrap_or(s);
    let rest = s.strip_prefix("SR")?.trim_start();
    let (sr, re) = match rest.find("RE") {
        Some(i) => (rest.get(..i)?.trim(), Some(rest.get(i + 2..)?.trim())),
        None => (rest.trim(), None),
    };
    let (major, minor) = sr.split_once('.')?;
    let major: u8 = major.parse().ok()?;
    let minor: u8 = minor.parse().ok()?;
    if !(1..=7).contains(&major) || minor == 0 {
        return None;
    }
    match re {
        None => Some(format!("SR {major}.{minor}")),
        Some(re) => {
            let re: u8 = re
                .trim_start_matches('(')
                .trim_end_matches(')')
                .trim()
                .parse()
                .ok()?;
            Some(format!("SR {major}.{minor} RE {re}"))
        }
    }
}

/// The foundational requirement of a normalized reference (`SR 5.1` → 5).
pub fn fr_of(requirement: &str) -> Option<u8> {
    requirement
        .strip_prefix("SR ")?
        .split('.')
        .next()?
        .parse()
        .ok()
}
