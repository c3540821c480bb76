//! Diagnostics of the open documents: syntax and checker diagnostics for policies (the same
//! codes and messages as `palisade check`), findings and load errors for checked inputs.

use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, NumberOrString, Url,
};
use palisade::diag::{Diagnostic as CoreDiagnostic, Severity};
use palisade::eval::{Finding, RuleSeverity};
use palisade::source::FileId;

use crate::convert::LineIndex;
use crate::world::{DocKind, World};

/// The `source` of every diagnostic the server publishes.
pub(crate) const SOURCE: &str = "palisade";

/// The diagnostics of every open document.
pub(crate) fn all_open(world: &mut World) -> Vec<(Url, Vec<Diagnostic>)> {
    let open: Vec<(Url, DocKind)> = world
        .docs
        .iter()
        .map(|(u, d)| (u.clone(), d.kind))
        .collect();
    let any_input = open.iter().any(|(_, k)| matches!(k, DocKind::Input(_)));
    world.policy_analysis();
    if any_input {
        world.input_analysis();
    }
    let mut out = Vec::new();
    for (uri, kind) in open {
        let diags = match kind {
            DocKind::Policy(i) => policy(world, i),
            DocKind::Input(_) => world
                .input_of(&uri)
                .map(|l| l.file)
                .map(|file| input(world, file))
                .unwrap_or_default(),
            DocKind::Other => Vec::new(),
        };
        out.push((uri, diags));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn policy(world: &mut World, i: usize) -> Vec<Diagnostic> {
    let Some(p) = world.policies.get(i) else {
        return Vec::new();
    };
    let file = p.file;
    let mut core: Vec<CoreDiagnostic> = p.syntax.clone();
    if let Some(checked) = world.policy_analysis().diagnostics.get(&file) {
        core.extend(checked.iter().cloned());
    }
    let text = world.db.text(file);
    let ix = LineIndex::new(text);
    core.iter().map(|d| convert(world, &ix, file, d)).collect()
}

fn input(world: &mut World, file: FileId) -> Vec<Diagnostic> {
    let analysis = world.input_analysis();
    let core: Vec<CoreDiagnostic> = analysis.diagnostics.get(&file).cloned().unwrap_or_default();
    let findings: Vec<Finding> = analysis.findings.get(&file).cloned().unwrap_or_default();
    let text = world.db.text(file);
    let ix = LineIndex::new(text);
    let mut out: Vec<Diagnostic> = core.iter().map(|d| convert(world, &ix, file, d)).collect();
    out.extend(findings.iter().map(|f| finding(&ix, f)));
    out
}

/// A core diagnostic as an LSP diagnostic in `file`.
pub(crate) fn convert(
    world: &World,
    ix: &LineIndex<'_>,
    file: FileId,
    d: &CoreDiagnostic,
) -> Diagnostic {
    let range = match d.span {
        Some(s) if s.file == file => ix.range(s.start as usize, s.end as usize),
        _ => ix.range(0, 0),
    };
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|l| {
            Some(DiagnosticRelatedInformation {
                location: super::location(world, l.span)?,
                message: l.text.clone(),
            })
        })
        .collect();
    Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(d.code.as_str().to_string())),
        source: Some(SOURCE.to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Diagnostic::default()
    }
}

/// A finding as a diagnostic: code = rule id; `data` carries the rule id for code actions.
pub(crate) fn finding(ix: &LineIndex<'_>, f: &Finding) -> Diagnostic {
    let range = f.span.map_or_else(
        || ix.range(0, 0),
        |s| ix.range(s.start as usize, s.end as usize),
    );
    let rule = &f.rule;
    let mut message = f.message.clone();
    if !rule.requirements.is_empty() {
        message.push_str(&format!("\nIEC 62443-3-3 {}", rule.requirements.join(", ")));
    }
    if let Some(fix) = &rule.remediation {
        message.push_str("\nhelp: ");
        message.push_str(fix);
    }
    Diagnostic {
        range,
        severity: Some(match rule.severity {
            RuleSeverity::Critical | RuleSeverity::High => DiagnosticSeverity::ERROR,
            RuleSeverity::Medium => DiagnosticSeverity::WARNING,
            _ => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(rule.id.clone())),
        source: Some(SOURCE.to_string()),
        message,
        data: Some(serde_json::json!({ "rule": rule.id })),
        ..Diagnostic::default()
    }
}
