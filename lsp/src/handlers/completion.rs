//! Completion in policy documents.

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionParams, CompletionResponse, Documentation,
    MarkupContent, MarkupKind,
};
use palisade::ide::{self, CompletionKind};
use serde_json::Value;

use super::{offset_in, ok, Reply};
use crate::world::World;

pub(crate) fn completion(world: &mut World, p: CompletionParams) -> Reply {
    let index = world.index();
    let uri = &p.text_document_position.text_document.uri;
    let Some(file) = world.policy_of(uri).map(|x| x.file) else {
        return Ok(Value::Null);
    };
    let Some(offset) = offset_in(world, uri, p.text_document_position.position) else {
        return Ok(Value::Null);
    };
    let text = world.db.text(file);
    let items: Vec<CompletionItem> = ide::complete(&index, file, text, offset as usize)
        .into_iter()
        .map(|c| CompletionItem {
            kind: Some(match c.kind {
                CompletionKind::Keyword => CompletionItemKind::KEYWORD,
                CompletionKind::Function => CompletionItemKind::FUNCTION,
                CompletionKind::Constant => CompletionItemKind::CONSTANT,
                CompletionKind::Variable => CompletionItemKind::VARIABLE,
                CompletionKind::Module => CompletionItemKind::MODULE,
                CompletionKind::Entity => CompletionItemKind::CLASS,
                CompletionKind::Field => CompletionItemKind::FIELD,
                CompletionKind::Requirement => CompletionItemKind::REFERENCE,
                CompletionKind::Metadata => CompletionItemKind::PROPERTY,
            }),
            detail: c.detail,
            documentation: c.doc.map(|d| {
                Documentation::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: d,
                })
            }),
            label: c.label,
            ..CompletionItem::default()
        })
        .collect();
    ok(CompletionResponse::Array(items))
}
