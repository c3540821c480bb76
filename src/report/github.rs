//! GitHub Actions workflow commands: one `::error`, `::warning` or `::notice` line per
//! diagnostic and per finding, which the runner turns into annotations on the pull request.
//!
//! Escaping follows GitHub's toolkit (`@actions/core` `command.ts`): in the message `%`, `\r`
//! and `\n` become `%25`, `%0D` and `%0A`; in property values `:` and `,` are escaped too.
//! Other control characters become `�`, so nothing from an input can start a command of its
//! own or reach the log as a terminal escape sequence.

use crate::diag::{Diagnostic, Severity};
use crate::eval::{Finding, RuleSeverity};
use crate::source::{SourceDb, Span};

use super::Location;

/// The command name of a rule severity.
fn command(severity: RuleSeverity) -> &'static str {
    match severity {
        RuleSeverity::Critical | RuleSeverity::High => "error",
        RuleSeverity::Medium => "warning",
        RuleSeverity::Low => "notice",
    }
}

fn diagnostic_command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// Every diagnostic, then every finding, one line each.
pub fn report(db: &SourceDb, findings: &[Finding], diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&diagnostic(db, d));
        out.push('\n');
    }
    for f in findings {
        out.push_str(&finding(db, f));
        out.push('\n');
    }
    out
}

/// One finding; the message is followed by the rule's remediation on its own line.
pub fn finding(db: &SourceDb, f: &Finding) -> String {
    let mut props = position(db, f.span, None);
    props.push(("title", f.rule.id.clone()));
    let mut message = f.message.clone();
    if let Some(fix) = &f.rule.remediation {
        message = format!("{message}\n{fix}");
    }
    line(command(f.rule.severity), &props, &message)
}

/// One diagnostic, titled with its code.
pub fn diagnostic(db: &SourceDb, d: &Diagnostic) -> String {
    let mut props = position(db, d.span, d.path.as_deref());
    props.push(("title", d.code.as_str().to_string()));
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message = format!("{message}\n{help}");
    }
    line(diagnostic_command(d.severity), &props, &message)
}

/// `file`, `line`, `col`, `endLine`, `endColumn`. Columns only for a span on one line: GitHub
/// refuses them when the start and end lines differ.
fn position(db: &SourceDb, span: Option<Span>, path: Option<&str>) -> Vec<(&'static str, String)> {
    let Some(span) = span else {
        return path
            .map(|p| vec![("file", p.to_string())])
            .unwrap_or_default();
    };
    let l = Location::of(db, span);
    let mut props = vec![("file", l.file.clone()), ("line", l.line.to_string())];
    let one_line = l.line == l.end_line;
    if one_line {
        props.push(("col", l.column.to_string()));
    }
    props.push(("endLine", l.end_line.to_string()));
    if one_line {
        props.push(("endColumn", l.end_column.to_string()));
    }
    props
}

fn line(command: &str, props: &[(&str, String)], message: &str) -> String {
    let props = props
        .iter()
        .map(|(k, v)| format!("{k}={}", escape_property(v)))
        .collect::<Vec<_>>()
        .join(",");
    let sep = if props.is_empty() { "" } else { " " };
    format!("::{command}{sep}{props}::{}", escape_data(message))
}

/// Escapes a message.
pub fn escape_data(s: &str) -> String {
    escape(s, false)
}

/// Escapes a property value.
pub fn escape_property(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, property: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            '\t' => out.push(c),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{escape_data, escape_property, line};

    #[test]
    fn data_escapes_percent_and_line_breaks() {
        assert_eq!(escape_data("100% a\r\nb: c, d"), "100%25 a%0D%0Ab: c, d");
        assert_eq!(escape_data("\u{1b}[31mred\u{7}"), "\u{fffd}[31mred\u{fffd}");
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(escape_property("a:b,c%d\ne"), "a%3Ab%2Cc%25d%0Ae");
    }

    #[test]
    fn a_message_cannot_start_a_command() {
        let l = line("error", &[], "x\n::set-env name=A::1");
        assert_eq!(l, "::error::x%0A::set-env name=A::1");
        assert_eq!(l.lines().count(), 1);
    }
}
