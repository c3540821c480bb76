//! SARIF 2.1.0 output, for code-scanning services (GitHub, Azure DevOps, GitLab) and viewers.
//!
//! One run: `tool.driver.rules` describes every rule of the program, `results` holds one
//! result per finding with a stable partial fingerprint, and `invocations[0]` says whether the
//! run succeeded and carries the diagnostics as tool execution notifications. The mapping is
//! documented in `docs/output.md`.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{json, Map, Value as Json};

use crate::diag::{Diagnostic, Severity};
use crate::eval::{Finding, RuleMeta, RuleSeverity};
use crate::source::{SourceDb, Span};

use super::fingerprint::{finding_hash, Occurrences};
use super::{uri, Location};

/// The `$schema` written into every log: the OASIS SARIF 2.1.0 schema (errata 01).
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The key of the finding fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "palisadeFindingHash/v1";

/// The SARIF level of a rule severity.
pub fn level(severity: RuleSeverity) -> &'static str {
    match severity {
        RuleSeverity::Critical | RuleSeverity::High => "error",
        RuleSeverity::Medium => "warning",
        RuleSeverity::Low => "note",
    }
}

/// GitHub's `security-severity` score (0.0–10.0) for a rule severity, in the middle of the
/// band GitHub maps to the same name.
fn security_severity(severity: RuleSeverity) -> &'static str {
    match severity {
        RuleSeverity::Critical => "9.5",
        RuleSeverity::High => "8.0",
        RuleSeverity::Medium => "5.5",
        RuleSeverity::Low => "2.0",
    }
}

fn diagnostic_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The whole log. `rules` are the rules of the program, in the order `ruleIndex` refers to.
pub fn report(
    db: &SourceDb,
    rules: &[Arc<RuleMeta>],
    findings: &[Finding],
    diagnostics: &[Diagnostic],
) -> Json {
    report_with_suppressed(db, rules, findings, &[], diagnostics)
}

/// Like [`report`], with the suppressed findings as results carrying `suppressions` (kind
/// `inSource` for a `palisade:ignore` comment, `external` for `palisade.toml`), after the
/// others.
pub fn report_with_suppressed(
    db: &SourceDb,
    rules: &[Arc<RuleMeta>],
    findings: &[Finding],
    suppressed: &[crate::suppress::Suppressed],
    diagnostics: &[Diagnostic],
) -> Json {
    let index: HashMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let fingerprints = fingerprints(db, findings, suppressed);
    let results: Vec<Json> = (0..findings.len() + suppressed.len())
        .filter_map(|i| result_at(db, &index, findings, suppressed, &fingerprints, i))
        .collect();
    let mut invocation = Map::new();
    invocation.insert(
        "executionSuccessful".to_string(),
        json!(!diagnostics.iter().any(Diagnostic::is_error)),
    );
    if !diagnostics.is_empty() {
        invocation.insert(
            "toolExecutionNotifications".to_string(),
            Json::Array(diagnostics.iter().map(|d| notification(db, d)).collect()),
        );
    }
    let mut driver = Map::new();
    driver.insert("name".to_string(), json!("palisade"));
    driver.insert(
        "fullName".to_string(),
        json!(concat!("palisade ", env!("CARGO_PKG_VERSION"))),
    );
    driver.insert("version".to_string(), json!(env!("CARGO_PKG_VERSION")));
    driver.insert(
        "semanticVersion".to_string(),
        json!(env!("CARGO_PKG_VERSION")),
    );
    if let Some(home) = information_uri() {
        driver.insert("informationUri".to_string(), json!(home));
    }
    driver.insert(
        "rules".to_string(),
        Json::Array(rules.iter().map(|r| descriptor(r)).collect()),
    );
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "invocations": [invocation],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

/// The fingerprint of each result, findings then suppressed ones: a finding's hash and its
/// occurrence among the findings with that hash so far (so counting is sequential).
fn fingerprints(
    db: &SourceDb,
    findings: &[Finding],
    suppressed: &[crate::suppress::Suppressed],
) -> Vec<String> {
    use rayon::prelude::*;
    let all: Vec<&Finding> = findings
        .iter()
        .chain(suppressed.iter().map(|s| &s.finding))
        .collect();
    let hashes: Vec<u64> = all.par_iter().map(|f| finding_hash(db, f)).collect();
    let mut occurrences = Occurrences::default();
    hashes
        .into_iter()
        .map(|h| occurrences.fingerprint(h))
        .collect()
}

/// Result `i`: a finding, or past them a suppressed finding with its `suppressions`.
fn result_at(
    db: &SourceDb,
    index: &HashMap<&str, usize>,
    findings: &[Finding],
    suppressed: &[crate::suppress::Suppressed],
    fingerprints: &[String],
    i: usize,
) -> Option<Json> {
    let fingerprint = fingerprints.get(i)?.clone();
    if let Some(f) = findings.get(i) {
        return Some(result(
            db,
            f,
            index.get(f.rule.id.as_str()).copied(),
            fingerprint,
        ));
    }
    let s = suppressed.get(i - findings.len())?;
    let mut r = result(
        db,
        &s.finding,
        index.get(s.finding.rule.id.as_str()).copied(),
        fingerprint,
    );
    if let Json::Object(obj) = &mut r {
        obj.insert("suppressions".to_string(), json!([suppression(s)]));
    }
    Some(r)
}

/// [`report_with_suppressed`] written to `out` (pretty-printed, a line break after, DEL and
/// C1 controls escaped), byte for byte, without holding the results: the log is rendered with
/// no results and they are spliced in, rendered in parallel a window at a time.
pub fn write_with_suppressed(
    db: &SourceDb,
    rules: &[Arc<RuleMeta>],
    findings: &[Finding],
    suppressed: &[crate::suppress::Suppressed],
    diagnostics: &[Diagnostic],
    out: impl std::io::Write,
) -> std::io::Result<()> {
    use std::io::Write;
    let skeleton = report_with_suppressed(db, rules, &[], &[], diagnostics);
    let text = serde_json::to_string_pretty(&skeleton).map_err(std::io::Error::other)?;
    // `results` is a key of the run: depth three.
    let Some(at) = super::empty_list_at(&text, "results", 3) else {
        return super::write_json_pretty(
            &report_with_suppressed(db, rules, findings, suppressed, diagnostics),
            out,
        );
    };
    let index: HashMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let fingerprints = fingerprints(db, findings, suppressed);
    let mut w = super::JsonControlEscaper::new(std::io::BufWriter::with_capacity(1 << 16, out));
    w.write_all(text.get(..at).unwrap_or_default().as_bytes())?;
    super::write_list_entries(&mut w, findings.len() + suppressed.len(), 3, |i| {
        let mut pretty = Vec::new();
        if let Some(r) = result_at(db, &index, findings, suppressed, &fingerprints, i) {
            // Writing to a vector cannot fail.
            let _ = serde_json::to_writer_pretty(&mut pretty, &r);
        }
        pretty
    })?;
    w.write_all(text.get(at..).unwrap_or_default().as_bytes())?;
    w.write_all(b"\n")?;
    w.into_inner()?.flush()
}

/// The project's home page, when the package declares one.
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")]
        .into_iter()
        .find(|u| !u.is_empty())
}

/// The reporting descriptor of one rule.
fn descriptor(r: &RuleMeta) -> Json {
    let mut d = Map::new();
    d.insert("id".to_string(), json!(r.id));
    // SARIF wants `name` to differ from the opaque `id`; a one-word rule has no better name.
    let name = pascal_case(&r.name);
    if !name.eq_ignore_ascii_case(&r.id) {
        d.insert("name".to_string(), json!(name));
    }
    d.insert("shortDescription".to_string(), json!({"text": r.title}));
    let full = r
        .doc
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .unwrap_or(&r.title);
    d.insert("fullDescription".to_string(), json!({"text": full}));
    d.insert(
        "help".to_string(),
        json!({"text": help_text(r), "markdown": help_markdown(r)}),
    );
    d.insert(
        "defaultConfiguration".to_string(),
        json!({"level": level(r.severity)}),
    );
    d.insert(
        "properties".to_string(),
        json!({
            "tags": tags(r),
            "security-severity": security_severity(r.severity),
        }),
    );
    Json::Object(d)
}

/// `privileged_container` → `PrivilegedContainer`: SARIF suggests a readable identifier.
fn pascal_case(name: &str) -> String {
    name.split(['_', '-', '.'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_uppercase().chain(cs).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// The requirement ids, `FRn`, `SL n`, `security` and the rule's own tags, without repeats.
fn tags(r: &RuleMeta) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    let candidates = r
        .requirements
        .iter()
        .cloned()
        .chain(r.fr.map(|n| format!("FR{n}")))
        .chain([format!("SL {}", r.level), "security".to_string()])
        .chain(r.tags.iter().cloned());
    for t in candidates {
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    tags
}

/// `IEC 62443-3-3 SR 2.1, SR 5.4 (FR2, SL 1, critical severity)`.
fn classification(r: &RuleMeta) -> String {
    let mut facts = Vec::new();
    facts.extend(r.fr.map(|n| format!("FR{n}")));
    facts.push(format!("SL {}", r.level));
    facts.push(format!("{} severity", r.severity.as_str()));
    let facts = facts.join(", ");
    if r.requirements.is_empty() {
        format!("Rule `{}` ({facts})", r.id)
    } else {
        format!("IEC 62443-3-3 {} ({facts})", r.requirements.join(", "))
    }
}

fn help_text(r: &RuleMeta) -> String {
    let mut parts = Vec::new();
    parts.extend(r.rationale.clone());
    parts.extend(r.remediation.as_ref().map(|m| format!("Remediation: {m}")));
    parts.push(format!("Requirements: {}", classification(r)));
    parts.push(format!("Run `palisade explain {}` for details.", r.id));
    parts.join("\n\n")
}

fn help_markdown(r: &RuleMeta) -> String {
    let mut parts = Vec::new();
    parts.extend(r.rationale.clone());
    parts.extend(
        r.remediation
            .as_ref()
            .map(|m| format!("**Remediation:** {m}")),
    );
    parts.push(format!("**Requirements:** {}", classification(r)));
    parts.push(format!("Run `palisade explain {}` for details.", r.id));
    parts.join("\n\n")
}

/// A SARIF `suppression` object for a suppressed finding.
fn suppression(s: &crate::suppress::Suppressed) -> Json {
    let mut o = Map::new();
    o.insert(
        "kind".to_string(),
        json!(if s.external { "external" } else { "inSource" }),
    );
    o.insert("status".to_string(), json!("accepted"));
    o.insert("justification".to_string(), json!(s.reason));
    let mut props = Map::new();
    if let Some(e) = s.expires {
        props.insert("expires".to_string(), json!(e.to_string()));
    }
    if let Some(owner) = &s.owner {
        props.insert("owner".to_string(), json!(owner));
    }
    if !props.is_empty() {
        o.insert("properties".to_string(), Json::Object(props));
    }
    Json::Object(o)
}

fn result(db: &SourceDb, f: &Finding, rule_index: Option<usize>, fingerprint: String) -> Json {
    let mut r = Map::new();
    r.insert("ruleId".to_string(), json!(f.rule.id));
    if let Some(i) = rule_index {
        r.insert("ruleIndex".to_string(), json!(i));
    }
    r.insert("level".to_string(), json!(level(f.rule.severity)));
    r.insert("message".to_string(), json!({"text": f.message}));
    // Code scanning requires a location: a finding with no place in an input points at the
    // rule's name in its policy file.
    let span = f.span.unwrap_or(f.rule.name_span);
    r.insert("locations".to_string(), json!([location(db, span)]));
    r.insert(
        "partialFingerprints".to_string(),
        json!({ FINGERPRINT_KEY: fingerprint }),
    );
    Json::Object(r)
}

fn location(db: &SourceDb, span: Span) -> Json {
    let l = Location::of(db, span);
    json!({
        "physicalLocation": {
            "artifactLocation": {"uri": uri::from_path(&l.file)},
            "region": {
                "startLine": l.line,
                "startColumn": l.column,
                "endLine": l.end_line,
                "endColumn": l.end_column,
            },
        },
    })
}

fn notification(db: &SourceDb, d: &Diagnostic) -> Json {
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text = format!("{text} (help: {help})");
    }
    let mut n = Map::new();
    n.insert("level".to_string(), json!(diagnostic_level(d.severity)));
    n.insert("message".to_string(), json!({"text": text}));
    n.insert("descriptor".to_string(), json!({"id": d.code.as_str()}));
    if let Some(span) = d.span {
        n.insert("locations".to_string(), json!([location(db, span)]));
    } else if let Some(path) = &d.path {
        n.insert(
            "locations".to_string(),
            json!([{"physicalLocation": {"artifactLocation": {"uri": uri::from_path(path)}}}]),
        );
    }
    Json::Object(n)
}
