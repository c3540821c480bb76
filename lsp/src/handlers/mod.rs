//! Request handlers, one module per feature; this module routes a request to its handler.
//!
//! Handlers only translate: positions to byte offsets, the core's answers (`palisade::ide`,
//! the formatter, the driver's findings) to LSP types.

pub(crate) mod code_action;
pub(crate) mod completion;
pub(crate) mod diagnostics;
pub(crate) mod formatting;
pub(crate) mod navigation;
pub(crate) mod semantic_tokens;

use lsp_server::{ErrorCode, Notification, Request};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions,
    ExecuteCommandOptions, HoverProviderCapability, OneOf, RenameOptions,
    SemanticTokensFullOptions, SemanticTokensOptions, SemanticTokensServerCapabilities,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind, Url,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::convert::LineIndex;
use crate::world::World;

/// The command behind the "show the rule's documentation" code action.
pub(crate) const EXPLAIN_COMMAND: &str = "palisade.explain";

/// A handler's result and the notifications to send after it.
pub(crate) struct Answer {
    pub(crate) result: Result<Value, (ErrorCode, String)>,
    pub(crate) notifications: Vec<Notification>,
}

type Reply = Result<Value, (ErrorCode, String)>;

/// The `initialize` result.
pub(crate) fn capabilities() -> Value {
    let caps = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(
            TextDocumentSyncKind::INCREMENTAL,
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".into(), "\"".into(), "{".into()]),
            ..CompletionOptions::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![EXPLAIN_COMMAND.into()],
            ..ExecuteCommandOptions::default()
        }),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: semantic_tokens::legend(),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                range: None,
                ..SemanticTokensOptions::default()
            },
        )),
        ..ServerCapabilities::default()
    };
    serde_json::json!({
        "capabilities": caps,
        "serverInfo": ServerInfo {
            name: "palisade-lsp".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        },
    })
}

/// Routes one request.
pub(crate) fn request(world: &mut World, r: &Request) -> Answer {
    let mut notifications = Vec::new();
    let result = match r.method.as_str() {
        req::HoverRequest::METHOD => with(r, |p| navigation::hover(world, p)),
        req::GotoDefinition::METHOD => with(r, |p| navigation::definition(world, p)),
        req::References::METHOD => with(r, |p| navigation::references(world, p)),
        req::PrepareRenameRequest::METHOD => with(r, |p| navigation::prepare_rename(world, p)),
        req::Rename::METHOD => with(r, |p| navigation::rename(world, p)),
        req::DocumentSymbolRequest::METHOD => with(r, |p| navigation::document_symbols(world, p)),
        req::WorkspaceSymbolRequest::METHOD => with(r, |p| navigation::workspace_symbols(world, p)),
        req::Completion::METHOD => with(r, |p| completion::completion(world, p)),
        req::Formatting::METHOD => with(r, |p| formatting::format(world, p)),
        req::CodeActionRequest::METHOD => with(r, |p| code_action::code_actions(world, p)),
        req::ExecuteCommand::METHOD => with(r, |p| {
            let (v, n) = code_action::execute(world, p)?;
            notifications.extend(n);
            Ok(v)
        }),
        req::SemanticTokensFullRequest::METHOD => with(r, |p| semantic_tokens::full(world, p)),
        other => Err((
            ErrorCode::MethodNotFound,
            format!("unknown method `{other}`"),
        )),
    };
    Answer {
        result,
        notifications,
    }
}

/// Decodes the params and runs `f`, answering `InvalidParams` when they do not decode.
fn with<P: DeserializeOwned>(r: &Request, f: impl FnOnce(P) -> Reply) -> Reply {
    match serde_json::from_value::<P>(r.params.clone()) {
        Ok(p) => f(p),
        Err(e) => Err((
            ErrorCode::InvalidParams,
            format!("invalid params for `{}`: {e}", r.method),
        )),
    }
}

/// A serialized result.
fn ok(v: impl serde::Serialize) -> Reply {
    serde_json::to_value(v).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}

/// The text of an open document (or of a workspace file), with the file id behind it.
fn text_of(world: &World, uri: &Url) -> Option<String> {
    world.docs.get(uri).map(|d| d.text.clone())
}

/// The byte offset of an LSP position in an open document.
fn offset_in(world: &World, uri: &Url, pos: lsp_types::Position) -> Option<u32> {
    let text = world.docs.get(uri).map(|d| d.text.as_str())?;
    u32::try_from(LineIndex::new(text).offset(pos)).ok()
}

/// The LSP location of a span, when its file is on disk.
fn location(world: &World, span: palisade::source::Span) -> Option<lsp_types::Location> {
    let uri = world.uri_of_file(span.file)?;
    let text = world.db.text(span.file);
    let range = LineIndex::new(text).range(span.start as usize, span.end as usize);
    Some(lsp_types::Location::new(uri, range))
}
