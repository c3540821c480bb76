//! The main loop: one thread, messages in arrival order, diagnostics when the queue is empty.
//!
//! Before `initialize` every request gets `ServerNotInitialized`; after `shutdown` every
//! request gets `InvalidRequest`; `exit` ends the loop (status 0 after `shutdown`, 1
//! otherwise, as the protocol says). Edits are applied as they come, but documents are
//! re-analysed and diagnostics published only once the queue is drained, so a burst of
//! keystrokes costs one analysis. A `$/cancelRequest` for a request still queued answers it
//! with `RequestCancelled` instead of running it. A panic in a handler is caught and answered
//! with `InternalError`; the server goes on.

use std::collections::{HashMap, HashSet, VecDeque};
use std::panic::{catch_unwind, AssertUnwindSafe};

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as notif, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{Diagnostic, PublishDiagnosticsParams, Url};
use serde_json::Value;

use crate::convert::{apply_change, path_of};
use crate::handlers;
use crate::transport::{Incoming, Outgoing, Transport};
use crate::world::World;

/// How the session ended.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Exit {
    /// `exit` after `shutdown`.
    Clean,
    /// `exit` without `shutdown`, or the input ended.
    Abrupt,
}

struct Server {
    out: crossbeam_channel::Sender<Outgoing>,
    world: Option<World>,
    shutdown: bool,
    cancelled: HashSet<RequestId>,
    published: HashMap<Url, Vec<Diagnostic>>,
    /// Open documents whose diagnostics may have changed.
    stale: bool,
    /// The client can register file watchers (`workspace/didChangeWatchedFiles`).
    can_watch: bool,
}

pub(crate) fn run(transport: Transport) -> Exit {
    let mut server = Server {
        out: transport.sender.clone(),
        world: None,
        shutdown: false,
        cancelled: HashSet::new(),
        published: HashMap::new(),
        stale: false,
        can_watch: false,
    };
    let mut queue: VecDeque<Incoming> = VecDeque::new();
    let exit = loop {
        if queue.is_empty() {
            // Cancellations of requests already answered are moot.
            server.cancelled.clear();
            if server.stale {
                server.publish_diagnostics();
            }
            match transport.receiver.recv() {
                Ok(m) => queue.push_back(m),
                Err(_) => break Exit::Abrupt,
            }
        }
        while let Ok(m) = transport.receiver.try_recv() {
            queue.push_back(m);
        }
        for m in &queue {
            if let Incoming::Message(Message::Notification(n)) = m {
                if n.method == notif::Cancel::METHOD {
                    if let Some(id) = cancel_id(&n.params) {
                        server.cancelled.insert(id);
                    }
                }
            }
        }
        let Some(next) = queue.pop_front() else {
            continue;
        };
        match next {
            Incoming::Closed => break Exit::Abrupt,
            Incoming::Message(Message::Request(r)) => server.request(r),
            Incoming::Message(Message::Response(_)) => {} // answers to our requests
            Incoming::Message(Message::Notification(n)) => {
                if n.method == notif::Exit::METHOD {
                    break if server.shutdown {
                        Exit::Clean
                    } else {
                        Exit::Abrupt
                    };
                }
                server.notification(n);
            }
        }
    };
    transport.finish();
    exit
}

fn cancel_id(params: &Value) -> Option<RequestId> {
    match params.get("id")? {
        Value::Number(n) => n
            .as_i64()
            .and_then(|i| i32::try_from(i).ok())
            .map(RequestId::from),
        Value::String(s) => Some(RequestId::from(s.clone())),
        _ => None,
    }
}

impl Server {
    fn send(&self, m: Message) {
        let _ = self.out.send(Outgoing::Message(m));
    }

    fn respond(&self, id: RequestId, result: Result<Value, (ErrorCode, String)>) {
        let response = match result {
            Ok(v) => Response::new_ok(id, v),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        };
        self.send(Message::Response(response));
    }

    fn request(&mut self, r: Request) {
        if self.cancelled.remove(&r.id) {
            self.respond(
                r.id,
                Err((ErrorCode::RequestCanceled, "request cancelled".into())),
            );
            return;
        }
        if r.method == req::Initialize::METHOD {
            if self.world.is_some() {
                self.respond(
                    r.id,
                    Err((ErrorCode::InvalidRequest, "already initialized".into())),
                );
                return;
            }
            let root = root_of(&r.params);
            self.can_watch = r
                .params
                .pointer("/capabilities/workspace/didChangeWatchedFiles/dynamicRegistration")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let shown = root.as_ref().map(|p| p.display().to_string());
            let loaded = catch_unwind(AssertUnwindSafe(|| World::new(root)));
            self.respond(r.id, Ok(handlers::capabilities()));
            self.world = Some(match loaded {
                Ok(w) => w,
                Err(_) => {
                    self.log(&format!(
                        "internal error while loading the workspace `{}`: only the built-in policies are loaded",
                        shown.unwrap_or_default()
                    ));
                    World::new(None)
                }
            });
            return;
        }
        if self.shutdown {
            self.respond(
                r.id,
                Err((
                    ErrorCode::InvalidRequest,
                    "the server is shutting down".into(),
                )),
            );
            return;
        }
        if r.method == req::Shutdown::METHOD {
            self.shutdown = true;
            self.respond(r.id, Ok(Value::Null));
            return;
        }
        let Some(world) = self.world.as_mut() else {
            self.respond(
                r.id,
                Err((
                    ErrorCode::ServerNotInitialized,
                    "the server has not been initialized".into(),
                )),
            );
            return;
        };
        let id = r.id.clone();
        let result = catch_unwind(AssertUnwindSafe(|| handlers::request(world, &r)));
        let (result, followups) = match result {
            Ok(handlers::Answer {
                result,
                notifications,
            }) => (result, notifications),
            Err(_) => (
                Err((
                    ErrorCode::InternalError,
                    format!("internal error while answering `{}`", r.method),
                )),
                Vec::new(),
            ),
        };
        self.respond(id, result);
        for n in followups {
            self.send(Message::Notification(n));
        }
    }

    fn notification(&mut self, n: Notification) {
        if n.method == notif::Cancel::METHOD {
            return; // recorded when queued
        }
        let Some(world) = self.world.as_mut() else {
            return; // before initialize, notifications are dropped
        };
        let done =
            catch_unwind(AssertUnwindSafe(|| -> Option<()> {
                match n.method.as_str() {
                    notif::DidOpenTextDocument::METHOD => {
                        let p: lsp_types::DidOpenTextDocumentParams =
                            serde_json::from_value(n.params).ok()?;
                        world.open(p.text_document.uri, p.text_document.text);
                    }
                    notif::DidChangeTextDocument::METHOD => {
                        let p: lsp_types::DidChangeTextDocumentParams =
                            serde_json::from_value(n.params).ok()?;
                        let uri = p.text_document.uri;
                        let doc = world.docs.get_mut(&uri)?; // a change before its open: ignored
                        for c in p.content_changes {
                            apply_change(&mut doc.text, c.range, &c.text);
                        }
                        world.sync(&uri);
                    }
                    notif::DidCloseTextDocument::METHOD => {
                        let p: lsp_types::DidCloseTextDocumentParams =
                            serde_json::from_value(n.params).ok()?;
                        world.close(&p.text_document.uri);
                        self.published.remove(&p.text_document.uri);
                        let clear =
                            PublishDiagnosticsParams::new(p.text_document.uri, Vec::new(), None);
                        let _ = self.out.send(Outgoing::Message(Message::Notification(
                            Notification::new(notif::PublishDiagnostics::METHOD.into(), clear),
                        )));
                    }
                    notif::DidChangeWatchedFiles::METHOD => {
                        let p: lsp_types::DidChangeWatchedFilesParams =
                            serde_json::from_value(n.params).ok()?;
                        for change in p.changes {
                            world.disk_changed(&change.uri);
                        }
                    }
                    notif::Initialized::METHOD if self.can_watch => {
                        let watchers = ["**/*.pal", "**/*.{yaml,yml,json,toml,tf}"]
                            .into_iter()
                            .map(|g| lsp_types::FileSystemWatcher {
                                glob_pattern: lsp_types::GlobPattern::String(g.into()),
                                kind: None,
                            })
                            .collect();
                        let options =
                            lsp_types::DidChangeWatchedFilesRegistrationOptions { watchers };
                        let params = lsp_types::RegistrationParams {
                            registrations: vec![lsp_types::Registration {
                                id: "palisade-watch".into(),
                                method: notif::DidChangeWatchedFiles::METHOD.into(),
                                register_options: serde_json::to_value(options).ok(),
                            }],
                        };
                        let _ = self
                            .out
                            .send(Outgoing::Message(Message::Request(Request::new(
                                RequestId::from("palisade-watch".to_string()),
                                req::RegisterCapability::METHOD.into(),
                                params,
                            ))));
                    }
                    _ => {} // didSave, configuration changes, unknown ones
                }
                Some(())
            }));
        if done.is_err() {
            self.log(&format!("internal error while handling `{}`", n.method));
        }
        self.stale = true;
    }

    fn log(&self, message: &str) {
        let params = lsp_types::LogMessageParams {
            typ: lsp_types::MessageType::ERROR,
            message: message.to_string(),
        };
        self.send(Message::Notification(Notification::new(
            notif::LogMessage::METHOD.into(),
            params,
        )));
    }

    /// Sends the diagnostics of every open document whose diagnostics changed.
    fn publish_diagnostics(&mut self) {
        self.stale = false;
        let Some(world) = self.world.as_mut() else {
            return;
        };
        let computed = catch_unwind(AssertUnwindSafe(|| handlers::diagnostics::all_open(world)));
        let Ok(all) = computed else {
            self.log("internal error while computing diagnostics");
            return;
        };
        for (uri, diags) in all {
            if self.published.get(&uri) == Some(&diags) {
                continue;
            }
            self.published.insert(uri.clone(), diags.clone());
            let params = PublishDiagnosticsParams::new(uri, diags, None);
            self.send(Message::Notification(Notification::new(
                notif::PublishDiagnostics::METHOD.into(),
                params,
            )));
        }
    }
}

/// The workspace root from `initialize` (first workspace folder, else `rootUri`, else
/// `rootPath`).
fn root_of(params: &Value) -> Option<std::path::PathBuf> {
    let folder = params
        .get("workspaceFolders")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(|f| f.get("uri"))
        .and_then(Value::as_str);
    let uri = folder.or_else(|| params.get("rootUri").and_then(Value::as_str));
    if let Some(path) = uri
        .and_then(|u| Url::parse(u).ok())
        .and_then(|u| path_of(&u))
    {
        return Some(path);
    }
    params
        .get("rootPath")
        .and_then(Value::as_str)
        .map(std::path::PathBuf::from)
}
