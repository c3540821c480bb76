//! JUnit XML output, for CI systems that show test reports (GitLab, Jenkins, Azure DevOps).
//!
//! One `<testsuite>` per rule of the program. A rule with findings has one failing
//! `<testcase name="FILE" classname="RULE">` per file it flagged, whose `<failure>` lists each
//! finding as `path:line:col: message`; a rule without findings has one passing testcase
//! named `all files`. Diagnostics form a last suite named `palisade`: one testcase each,
//! errors carrying an `<error>`. No timestamps or durations, so the bytes depend only on the
//! inputs.

use std::sync::Arc;

use indexmap::IndexMap;

use crate::diag::Diagnostic;
use crate::eval::{Finding, RuleMeta};
use crate::source::SourceDb;

use super::{xml, Location};

/// The testcase name of a rule without findings.
pub const ALL_FILES: &str = "all files";

/// The testcase name for findings that point at no file.
pub const NO_FILE: &str = "(no file)";

/// The whole document.
pub fn report(
    db: &SourceDb,
    rules: &[Arc<RuleMeta>],
    findings: &[Finding],
    diagnostics: &[Diagnostic],
) -> String {
    let mut suites = Vec::new();
    for rule in rules {
        suites.push(rule_suite(db, rule, findings));
    }
    if !diagnostics.is_empty() {
        suites.push(diagnostic_suite(db, diagnostics));
    }
    let tests: usize = suites.iter().map(|s| s.tests).sum();
    let failures: usize = suites.iter().map(|s| s.failures).sum();
    let errors: usize = suites.iter().map(|s| s.errors).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"palisade\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n"
    ));
    for s in suites {
        out.push_str(&s.xml);
    }
    out.push_str("</testsuites>\n");
    out
}

/// A rendered `<testsuite>` with its counts.
struct Suite {
    tests: usize,
    failures: usize,
    errors: usize,
    xml: String,
}

fn rule_suite(db: &SourceDb, rule: &RuleMeta, findings: &[Finding]) -> Suite {
    // Findings are sorted by file, so grouping keeps the files in order.
    let mut by_file: IndexMap<String, Vec<&Finding>> = IndexMap::new();
    for f in findings.iter().filter(|f| f.rule.id == rule.id) {
        let file = f
            .span
            .map_or_else(|| NO_FILE.to_string(), |s| db.name(s.file).to_string());
        by_file.entry(file).or_default().push(f);
    }
    let classname = xml::attr(&rule.id);
    let mut body = properties(rule);
    if by_file.is_empty() {
        body.push_str(&format!(
            "    <testcase name=\"{ALL_FILES}\" classname=\"{classname}\"/>\n"
        ));
    }
    for (file, fs) in &by_file {
        body.push_str(&format!(
            "    <testcase name=\"{}\" classname=\"{classname}\">\n",
            xml::attr(file)
        ));
        body.push_str(&format!(
            "      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
            xml::attr(&failure_message(fs)),
            rule.severity.as_str(),
            xml::text(&failure_text(db, rule, fs)),
        ));
        body.push_str("    </testcase>\n");
    }
    let tests = by_file.len().max(1);
    let failures = by_file.len();
    Suite {
        tests,
        failures,
        errors: 0,
        xml: format!(
            "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">\n{body}  </testsuite>\n",
            xml::attr(&rule.id)
        ),
    }
}

/// The rule's title, severity, level, foundational requirement and requirements.
fn properties(rule: &RuleMeta) -> String {
    let mut props = vec![
        ("title", rule.title.clone()),
        ("severity", rule.severity.as_str().to_string()),
        ("level", rule.level.to_string()),
    ];
    props.extend(rule.fr.map(|n| ("fr", format!("FR{n}"))));
    if !rule.requirements.is_empty() {
        props.push(("requirements", rule.requirements.join(", ")));
    }
    let mut out = String::from("    <properties>\n");
    for (name, value) in props {
        out.push_str(&format!(
            "      <property name=\"{name}\" value=\"{}\"/>\n",
            xml::attr(&value)
        ));
    }
    out.push_str("    </properties>\n");
    out
}

/// The first finding's message, and how many more there are.
fn failure_message(findings: &[&Finding]) -> String {
    let first = findings.first().map_or("", |f| f.message.as_str());
    match findings.len() {
        0 | 1 => first.to_string(),
        n => format!("{first} (and {} more)", n - 1),
    }
}

/// `path:line:col: message` per finding, then the remediation and the rule's classification.
fn failure_text(db: &SourceDb, rule: &RuleMeta, findings: &[&Finding]) -> String {
    let mut lines: Vec<String> = findings
        .iter()
        .map(|f| match f.span {
            Some(s) => format!("{}: {}", Location::of(db, s), f.message),
            None => f.message.clone(),
        })
        .collect();
    lines.push(String::new());
    if let Some(fix) = &rule.remediation {
        lines.push(format!("help: {fix}"));
    }
    let reqs = if rule.requirements.is_empty() {
        String::new()
    } else {
        format!("IEC 62443-3-3 {}, ", rule.requirements.join(", "))
    };
    lines.push(format!(
        "rule `{}` ({reqs}{} severity, SL {}); `palisade explain {}` for details",
        rule.id,
        rule.severity.as_str(),
        rule.level,
        rule.id
    ));
    lines.join("\n")
}

fn diagnostic_suite(db: &SourceDb, diagnostics: &[Diagnostic]) -> Suite {
    let mut body = String::new();
    let mut errors = 0;
    for d in diagnostics {
        let place = match (d.span, &d.path) {
            (Some(s), _) => Location::of(db, s).to_string(),
            (None, Some(p)) => p.clone(),
            (None, None) => "palisade".to_string(),
        };
        let text = match &d.help {
            Some(h) => format!("{place}: {}\nhelp: {h}", d.message),
            None => format!("{place}: {}", d.message),
        };
        body.push_str(&format!(
            "    <testcase name=\"{}\" classname=\"{}\">\n",
            xml::attr(&place),
            xml::attr(d.code.as_str())
        ));
        if d.is_error() {
            errors += 1;
            body.push_str(&format!(
                "      <error message=\"{}\" type=\"{}\">{}</error>\n",
                xml::attr(&d.message),
                xml::attr(d.code.as_str()),
                xml::text(&text)
            ));
        } else {
            body.push_str(&format!(
                "      <system-out>{}: {}</system-out>\n",
                d.severity.as_str(),
                xml::text(&text)
            ));
        }
        body.push_str("    </testcase>\n");
    }
    let tests = diagnostics.len();
    Suite {
        tests,
        failures: 0,
        errors,
        xml: format!(
            "  <testsuite name=\"palisade\" tests=\"{tests}\" failures=\"0\" errors=\"{errors}\" skipped=\"0\">\n{body}  </testsuite>\n"
        ),
    }
}
