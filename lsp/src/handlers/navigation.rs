//! Hover, go to definition, find references, rename, document and workspace symbols.

use std::collections::HashMap;

use lsp_server::ErrorCode;
use lsp_types::{
    DocumentSymbol, DocumentSymbolParams, GotoDefinitionParams, GotoDefinitionResponse, Hover,
    HoverContents, HoverParams, MarkupContent, MarkupKind, PrepareRenameResponse, ReferenceParams,
    RenameParams, SymbolInformation, SymbolKind, TextDocumentPositionParams, TextEdit,
    WorkspaceEdit, WorkspaceSymbolParams,
};
use palisade::ide::{self, DefKind, Target};
use serde_json::Value;

use super::{location, offset_in, ok, Reply};
use crate::convert::LineIndex;
use crate::world::World;

/// The file and byte offset of a position in a policy document.
fn locate(
    world: &World,
    p: &TextDocumentPositionParams,
) -> Option<(palisade::source::FileId, u32)> {
    let file = world.policy_of(&p.text_document.uri)?.file;
    Some((file, offset_in(world, &p.text_document.uri, p.position)?))
}

pub(crate) fn hover(world: &mut World, p: HoverParams) -> Reply {
    let index = world.index();
    let p = p.text_document_position_params;
    if let Some((file, offset)) = locate(world, &p) {
        if let Some(h) = ide::hover(&index, &world.db, file, offset) {
            let ix = LineIndex::new(world.db.text(file));
            return ok(Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: h.markdown,
                }),
                range: Some(ix.range(h.span.start as usize, h.span.end as usize)),
            });
        }
        return Ok(Value::Null);
    }
    // In a checked input: the rule behind a finding under the cursor.
    super::code_action::finding_hover(world, &p)
}

pub(crate) fn definition(world: &mut World, p: GotoDefinitionParams) -> Reply {
    let index = world.index();
    let Some((file, offset)) = locate(world, &p.text_document_position_params) else {
        return Ok(Value::Null);
    };
    let target = ide::definition(&index, file, offset).or_else(|| {
        // A rule id in a test expectation, or a builtin rule: its definition.
        match &index.at(file, offset)?.target {
            Target::Def(id) => index.def(*id).map(|d| d.name_span),
            _ => None,
        }
    });
    match target.and_then(|span| location(world, span)) {
        Some(loc) => ok(GotoDefinitionResponse::Scalar(loc)),
        None => Ok(Value::Null),
    }
}

pub(crate) fn references(world: &mut World, p: ReferenceParams) -> Reply {
    let index = world.index();
    let Some((file, offset)) = locate(world, &p.text_document_position) else {
        return Ok(Value::Null);
    };
    let spans = ide::references(&index, file, offset, p.context.include_declaration);
    let locations: Vec<lsp_types::Location> = spans
        .into_iter()
        .filter_map(|s| location(world, s))
        .collect();
    ok(locations)
}

pub(crate) fn prepare_rename(world: &mut World, p: TextDocumentPositionParams) -> Reply {
    let index = world.index();
    let Some((file, offset)) = locate(world, &p) else {
        return Ok(Value::Null);
    };
    let Some(r) = index.at(file, offset) else {
        return Ok(Value::Null);
    };
    let Target::Def(id) = r.target else {
        return Err((
            ErrorCode::RequestFailed,
            "only names defined in policies can be renamed".into(),
        ));
    };
    if index
        .def(id)
        .is_some_and(|d| world.is_builtin(d.name_span.file))
    {
        return Err((
            ErrorCode::RequestFailed,
            "built-in definitions cannot be renamed".into(),
        ));
    }
    let ix = LineIndex::new(world.db.text(file));
    ok(PrepareRenameResponse::Range(
        ix.range(r.span.start as usize, r.span.end as usize),
    ))
}

pub(crate) fn rename(world: &mut World, p: RenameParams) -> Reply {
    let index = world.index();
    let Some((file, offset)) = locate(world, &p.text_document_position) else {
        return Ok(Value::Null);
    };
    let Some(id) = ide::def_at(&index, file, offset) else {
        return Err((ErrorCode::RequestFailed, "no renamable name here".into()));
    };
    let valid = p
        .new_name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && p.new_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !ide::completion::KEYWORDS.contains(&p.new_name.as_str());
    if !valid {
        return Err((
            ErrorCode::InvalidParams,
            format!("`{}` is not a valid name", p.new_name),
        ));
    }
    let refs = index.references(id);
    if refs.iter().any(|r| world.is_builtin(r.span.file)) {
        return Err((
            ErrorCode::RequestFailed,
            "built-in definitions cannot be renamed".into(),
        ));
    }
    let mut changes: HashMap<lsp_types::Url, Vec<TextEdit>> = HashMap::new();
    for r in refs {
        // A test's `expect fires pkg.rule` references the whole path: rename its last segment.
        let text = world.db.slice(r.span);
        let start = r.span.start as usize + text.rfind('.').map_or(0, |i| i + 1);
        if let Some(loc) = location(world, r.span) {
            let ix = LineIndex::new(world.db.text(r.span.file));
            changes.entry(loc.uri).or_default().push(TextEdit::new(
                ix.range(start, r.span.end as usize),
                p.new_name.clone(),
            ));
        }
    }
    ok(WorkspaceEdit::new(changes))
}

fn symbol_kind(kind: DefKind) -> SymbolKind {
    match kind {
        DefKind::Function => SymbolKind::FUNCTION,
        DefKind::Constant => SymbolKind::CONSTANT,
        DefKind::Rule => SymbolKind::CLASS,
        DefKind::Test => SymbolKind::METHOD,
        DefKind::Parameter | DefKind::Variable => SymbolKind::VARIABLE,
        DefKind::ModuleAlias => SymbolKind::MODULE,
    }
}

#[expect(deprecated, reason = "DocumentSymbol::deprecated is a required field")]
pub(crate) fn document_symbols(world: &mut World, p: DocumentSymbolParams) -> Reply {
    let index = world.index();
    let Some(file) = world.policy_of(&p.text_document.uri).map(|x| x.file) else {
        return Ok(Value::Null);
    };
    let ix = LineIndex::new(world.db.text(file));
    let symbols: Vec<DocumentSymbol> = ide::file_symbols(&index, file)
        .into_iter()
        .map(|d| DocumentSymbol {
            name: d.name.to_string(),
            detail: Some(ide::hover::signature(d)),
            kind: symbol_kind(d.kind),
            tags: None,
            deprecated: None,
            range: ix.range(d.span.start as usize, d.span.end as usize),
            selection_range: ix.range(d.name_span.start as usize, d.name_span.end as usize),
            children: None,
        })
        .collect();
    ok(symbols)
}

#[expect(
    deprecated,
    reason = "SymbolInformation::deprecated is a required field"
)]
pub(crate) fn workspace_symbols(world: &mut World, p: WorkspaceSymbolParams) -> Reply {
    let index = world.index();
    let symbols: Vec<SymbolInformation> = ide::workspace_symbols(&index, &p.query)
        .into_iter()
        .filter_map(|d| {
            Some(SymbolInformation {
                name: d.name.to_string(),
                kind: symbol_kind(d.kind),
                tags: None,
                deprecated: None,
                location: location(world, d.name_span)?,
                container_name: Some(d.package.clone()),
            })
        })
        .collect();
    ok(symbols)
}
