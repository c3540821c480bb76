//! Code actions on findings in checked files: insert a `palisade:ignore` comment above the
//! finding (in the file's comment syntax, with a reason to fill in), or show the rule's
//! documentation (`palisade.explain`). Hover over a finding shows the same documentation.

use std::collections::HashMap;

use lsp_server::{ErrorCode, Notification};
use lsp_types::notification::{Notification as _, ShowMessage};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, Command,
    ExecuteCommandParams, Hover, HoverContents, MarkupContent, MarkupKind, MessageType, Position,
    Range, ShowMessageParams, TextDocumentPositionParams, TextEdit, WorkspaceEdit,
};
use palisade::eval::{Finding, RuleMeta};
use palisade::suppress;
use serde_json::Value;

use super::{ok, Reply, EXPLAIN_COMMAND};
use crate::convert::LineIndex;
use crate::world::World;

/// The reason placeholder of an inserted suppression.
pub(crate) const REASON_PLACEHOLDER: &str = "TODO: why this finding is accepted";

/// Findings of an input document on the lines `range` covers (an editor asks for the
/// actions at the cursor, which may be anywhere on the finding's line).
fn findings_in(world: &mut World, uri: &lsp_types::Url, range: Range) -> Vec<(Finding, Range)> {
    let Some(file) = world.input_of(uri).map(|l| l.file) else {
        return Vec::new();
    };
    let findings = world
        .input_analysis()
        .findings
        .get(&file)
        .cloned()
        .unwrap_or_default();
    let text = world.db.text(file);
    let ix = LineIndex::new(text);
    findings
        .into_iter()
        .filter_map(|f| {
            let span = f.span?;
            let r = ix.range(span.start as usize, span.end as usize);
            let meets = r.start.line <= range.end.line && range.start.line <= r.end.line;
            meets.then_some((f, r))
        })
        .collect()
}

pub(crate) fn code_actions(world: &mut World, p: CodeActionParams) -> Reply {
    let uri = p.text_document.uri;
    let found = findings_in(world, &uri, p.range);
    let Some(l) = world.input_of(&uri) else {
        return ok(Vec::<CodeActionOrCommand>::new());
    };
    let (file, format) = (l.file, l.format);
    let text = world.db.text(file);
    let ix = LineIndex::new(text);
    let mut actions = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (f, range) in found {
        let id = f.rule.id.clone();
        if !seen.insert((id.clone(), range.start.line)) {
            continue;
        }
        let line = ix.line(range.start.line as usize);
        let indent: String = line.chars().take_while(|c| c.is_whitespace()).collect();
        let comment = suppress::line_comment(
            format,
            &format!("palisade:ignore {id} reason=\"{REASON_PLACEHOLDER}\""),
        );
        let at = Position::new(range.start.line, 0);
        let edit = TextEdit::new(Range::new(at, at), format!("{indent}{comment}\n"));
        let diagnostic = super::diagnostics::finding(&ix, &f);
        actions.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: format!("Suppress `{id}` here (palisade:ignore)"),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![diagnostic.clone()]),
            edit: Some(WorkspaceEdit::new(HashMap::from([(
                uri.clone(),
                vec![edit],
            )]))),
            ..CodeAction::default()
        }));
        actions.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: format!("Show the documentation of rule `{id}`"),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![diagnostic]),
            command: Some(Command::new(
                format!("Explain {id}"),
                EXPLAIN_COMMAND.into(),
                Some(vec![Value::String(id.clone())]),
            )),
            ..CodeAction::default()
        }));
    }
    ok(actions)
}

/// `palisade.explain RULE`: the rule's documentation as a message (and the result).
pub(crate) fn execute(
    world: &mut World,
    p: ExecuteCommandParams,
) -> Result<(Value, Vec<Notification>), (ErrorCode, String)> {
    if p.command != EXPLAIN_COMMAND {
        return Err((
            ErrorCode::InvalidParams,
            format!("unknown command `{}`", p.command),
        ));
    }
    let Some(id) = p.arguments.first().and_then(Value::as_str) else {
        return Err((
            ErrorCode::InvalidParams,
            "expected a rule id argument".into(),
        ));
    };
    world.policy_analysis();
    let Some(rule) = world.rule(id) else {
        return Err((ErrorCode::InvalidParams, format!("unknown rule `{id}`")));
    };
    let text = explain(world, &rule, false);
    let note = Notification::new(
        ShowMessage::METHOD.into(),
        ShowMessageParams {
            typ: MessageType::INFO,
            message: text.clone(),
        },
    );
    let location = super::location(world, rule.name_span);
    Ok((
        serde_json::json!({ "rule": id, "text": text, "location": location }),
        vec![note],
    ))
}

/// The documentation of a rule, as `palisade explain` gives it (Markdown when `markdown`).
fn explain(world: &World, rule: &RuleMeta, markdown: bool) -> String {
    let b = |s: &str| {
        if markdown {
            format!("**{s}**")
        } else {
            s.to_string()
        }
    };
    let mut out = format!("{} — {}\n", b(&rule.id), rule.title);
    out.push_str(&format!(
        "\n{} severity, SL {}{}",
        rule.severity.as_str(),
        rule.level,
        rule.fr.map(|f| format!(", FR{f}")).unwrap_or_default()
    ));
    if !rule.requirements.is_empty() {
        out.push_str(&format!("; IEC 62443-3-3 {}", rule.requirements.join(", ")));
    }
    out.push('\n');
    if let Some(doc) = &rule.doc {
        out.push_str(&format!("\n{}\n", doc.trim()));
    }
    if let Some(r) = &rule.rationale {
        out.push_str(&format!("\n{} {r}\n", b("Why:")));
    }
    if let Some(r) = &rule.remediation {
        out.push_str(&format!("\n{} {r}\n", b("Fix:")));
    }
    let path = world
        .policy_path(rule.file)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| world.name(rule.file).to_string());
    out.push_str(&format!(
        "\nDefined in {path}; `palisade explain {}` for more.",
        rule.id
    ));
    out
}

/// Hover over a finding in a checked file: the documentation of its rule(s).
pub(crate) fn finding_hover(world: &mut World, p: &TextDocumentPositionParams) -> Reply {
    let at = Range::new(p.position, p.position);
    let found = findings_in(world, &p.text_document.uri, at);
    let Some((_, range)) = found.first() else {
        return Ok(Value::Null);
    };
    let range = *range;
    let mut parts = Vec::new();
    for (f, _) in &found {
        parts.push(format!(
            "{}\n\n{}",
            f.message,
            explain(world, &f.rule, true)
        ));
    }
    ok(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: parts.join("\n\n---\n\n"),
        }),
        range: Some(range),
    })
}
