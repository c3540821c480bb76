//! Protocol tests: start the `palisade-lsp` binary over stdio, drive it with JSON-RPC as an
//! editor would, and assert the answers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin};
use std::sync::mpsc::Receiver;
use std::time::Duration;

use serde_json::{json, Value};

#[path = "support/framing.rs"]
mod framing;

/// A running server and the messages it sent.
struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for responses.
    notes: Vec<Value>,
}

impl Client {
    fn start(root: &Path) -> Client {
        Client::start_with(root, json!({}))
    }

    fn start_with(root: &Path, capabilities: Value) -> Client {
        let (child, stdin, rx) = framing::spawn_server();
        let mut c = Client {
            child,
            stdin,
            rx,
            next_id: 0,
            notes: Vec::new(),
        };
        let root_uri = uri(root);
        let init = c.request(
            "initialize",
            json!({"processId": null, "rootUri": root_uri, "capabilities": capabilities,
                   "workspaceFolders": [{"uri": root_uri, "name": "ws"}]}),
        );
        assert!(init["result"]["capabilities"].is_object(), "{init}");
        c.notify("initialized", json!({}));
        c
    }

    fn send_raw(&mut self, body: &str) {
        framing::write_message(&mut self.stdin, body);
    }

    fn send(&mut self, v: &Value) {
        self.send_raw(&v.to_string());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn recv(&mut self) -> Value {
        self.rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the server answered within 60 s")
    }

    /// Sends a request and waits for its response (keeping notifications).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.response(&json!(id))
    }

    fn response(&mut self, id: &Value) -> Value {
        loop {
            let m = self.recv();
            if m.get("id") == Some(id) && m.get("method").is_none() {
                return m;
            }
            self.notes.push(m);
        }
    }

    /// Waits for the next `publishDiagnostics` for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        if let Some(i) = self.notes.iter().position(|n| is_diags_for(n, uri)) {
            let n = self.notes.remove(i);
            return n["params"]["diagnostics"].as_array().unwrap().clone();
        }
        loop {
            let m = self.recv();
            if is_diags_for(&m, uri) {
                return m["params"]["diagnostics"].as_array().unwrap().clone();
            }
            self.notes.push(m);
        }
    }

    fn open(&mut self, path: &Path, language: &str) -> String {
        let text = std::fs::read_to_string(path).unwrap();
        self.open_text(path, language, &text)
    }

    fn open_text(&mut self, path: &Path, language: &str, text: &str) -> String {
        let u = uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": u, "languageId": language, "version": 1, "text": text}}),
        );
        u
    }

    fn shutdown(mut self) -> i32 {
        let r = self.request("shutdown", Value::Null);
        assert!(r.get("error").is_none(), "{r}");
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        status.code().unwrap()
    }
}

fn is_diags_for(m: &Value, uri: &str) -> bool {
    m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A workspace like the one users have: the example plant and a policy of the pack in
/// `policies/`.
fn plant_workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples/plant"), dir.path());
    std::fs::create_dir_all(dir.path().join("policies")).unwrap();
    let policy = dir.path().join("policies/fr2_use_control.pal");
    std::fs::copy(
        repo().join("policies/iec62443/fr2_use_control.pal"),
        &policy,
    )
    .unwrap();
    (dir, policy)
}

fn copy_dir(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// The LSP position of the first occurrence of `needle` (ASCII text).
fn pos(text: &str, needle: &str) -> Value {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in text"));
    let before = &text[..at];
    let line = before.matches('\n').count();
    let col = at - before.rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": col})
}

fn errors(diags: &[Value]) -> Vec<&Value> {
    diags.iter().filter(|d| d["severity"] == 1).collect()
}

#[test]
fn second_initialize_and_bad_params_are_error_answers() {
    let (dir, _) = plant_workspace();
    let mut c = Client::start(dir.path());
    let again = c.request("initialize", json!({"capabilities": {}}));
    assert_eq!(again["error"]["code"], -32600, "{again}");
    let bad = c.request("textDocument/hover", json!({}));
    assert_eq!(bad["error"]["code"], -32602, "{bad}");
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn capabilities_include_hover_completion_definition_formatting() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, mut stdin, rx) = framing::spawn_server();
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"rootUri": uri(dir.path()), "capabilities": {}}})
    .to_string();
    let exit = json!({"jsonrpc": "2.0", "method": "exit"}).to_string();
    framing::write_message(&mut stdin, &body);
    framing::write_message(&mut stdin, &exit);
    drop(stdin);
    let v = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the initialize answer");
    // `exit` without `shutdown` ends with status 1, as the protocol says.
    assert_eq!(child.wait().unwrap().code(), Some(1));
    let caps = &v["result"]["capabilities"];
    assert_eq!(caps["hoverProvider"], true, "{caps}");
    assert!(caps["completionProvider"].is_object(), "{caps}");
    assert_eq!(caps["definitionProvider"], true, "{caps}");
    assert_eq!(caps["documentFormattingProvider"], true, "{caps}");
    assert!(caps["codeActionProvider"].is_object(), "{caps}");
}

#[test]
fn policy_diagnostics_follow_edits() {
    let (dir, policy) = plant_workspace();
    let mut c = Client::start(dir.path());
    let u = c.open(&policy, "palisade");
    let diags = c.diagnostics(&u);
    assert!(
        errors(&diags).is_empty(),
        "a copy of a pack policy is clean: {diags:?}"
    );

    let text = std::fs::read_to_string(&policy).unwrap();
    let end = text.matches('\n').count();
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u, "version": 2},
               "contentChanges": [{"range": {"start": {"line": end, "character": 0},
                                             "end": {"line": end, "character": 0}},
                                   "text": "rule broken {\n  for x in\n}\n"}]}),
    );
    let diags = c.diagnostics(&u);
    let errs = errors(&diags);
    assert_eq!(errs.len(), 1, "{diags:?}");
    assert_eq!(errs[0]["code"], "palisade::syntax-error");
    assert_eq!(errs[0]["source"], "palisade");
    assert!(errs[0]["range"]["start"]["line"].as_u64().unwrap() >= end as u64);

    // A checker error, with the CLI's code: an unknown function.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u, "version": 3},
               "contentChanges": [{"text": text.replace("k8s.runs_as_non_root(c)", "k8s.runs_as_nonroot(c)")}]}),
    );
    let diags = c.diagnostics(&u);
    let codes: Vec<&Value> = errors(&diags).iter().map(|d| &d["code"]).collect();
    assert_eq!(codes, vec!["palisade::unknown-function"], "{diags:?}");

    // Back to the original text: clean again.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u, "version": 4}, "contentChanges": [{"text": text}]}),
    );
    assert!(errors(&c.diagnostics(&u)).is_empty());
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn hover_definition_completion_formatting_on_a_policy() {
    let (dir, _) = plant_workspace();
    std::fs::write(
        dir.path().join("policies/lib.pal"),
        "package site.lib\n\n/// Zone prefixes\nconst PREFIXES = [\"ot-\", \"dmz-\"]\n\n/// Whether a name has a zone prefix\nfn zoned(n) = any p in PREFIXES: n like \"{p}*\"\n",
    )
    .unwrap();
    let own = dir.path().join("policies/naming.pal");
    let own_text = "package site.naming\n\nimport site.lib\n\n/// Workload without zone prefix\nrule workload_without_zone_prefix {\n  requirement \"SR 5.1\"\n  severity low\n\n  for w in k8s.workloads\n  where not lib.zoned(w.name)\n  deny at w.metadata.name: \"{w.kind} `{w.name}` has no zone prefix\"\n}\n";
    std::fs::write(&own, own_text).unwrap();
    let mut c = Client::start(dir.path());
    let u = c.open(&own, "palisade");
    assert!(errors(&c.diagnostics(&u)).is_empty());

    // Hover: a function of another module, an entity kind, a requirement, a builtin.
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": pos(own_text, "zoned(")}),
    );
    let md = h["result"]["contents"]["value"].as_str().unwrap();
    assert!(
        md.contains("fn zoned(n)") && md.contains("zone prefix"),
        "{md}"
    );
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": pos(own_text, "workloads")}),
    );
    assert!(h["result"]["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("k8s.workloads"));
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": pos(own_text, "SR 5.1")}),
    );
    let md = h["result"]["contents"]["value"].as_str().unwrap();
    assert!(
        md.contains("SR 5.1") && md.contains("Network segmentation"),
        "{md}"
    );

    // Definition across modules.
    let d = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": u}, "position": pos(own_text, "zoned(")}),
    );
    assert!(
        d["result"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("policies/lib.pal"),
        "{d}"
    );
    assert_eq!(d["result"]["range"]["start"]["line"], 6);
    // References from the definition site.
    let lib_uri = uri(&dir.path().join("policies/lib.pal"));
    let lib_text = std::fs::read_to_string(dir.path().join("policies/lib.pal")).unwrap();
    c.open_text(&dir.path().join("policies/lib.pal"), "palisade", &lib_text);
    let r = c.request("textDocument/references", json!({"textDocument": {"uri": lib_uri}, "position": pos(&lib_text, "PREFIXES ="), "context": {"includeDeclaration": true}}));
    assert_eq!(r["result"].as_array().unwrap().len(), 2, "{r}");

    // Completion: fields of the loop variable's entity kind.
    let at = pos(own_text, "w.name)");
    let at = json!({"line": at["line"], "character": at["character"].as_u64().unwrap() + 2});
    let comp = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": u}, "position": at}),
    );
    let labels: Vec<&str> = comp["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"namespace") && labels.contains(&"kind"),
        "{labels:?}"
    );
    // Anywhere in a body: keywords, names in scope, builtins.
    let comp = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": u}, "position": pos(own_text, "  deny")}),
    );
    let labels: Vec<&str> = comp["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(labels.len() >= 5);
    for want in ["deny", "w", "lib", "len", "k8s"] {
        assert!(labels.contains(&want), "{want} in {labels:?}");
    }

    // Formatting: the badly laid out file comes back in `palisade fmt`'s layout.
    let messy = own_text.replace("  severity low", "        severity     low");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u, "version": 2}, "contentChanges": [{"text": messy}]}),
    );
    let f = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": u}, "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    let edits = f["result"].as_array().unwrap();
    assert_eq!(edits.len(), 1, "{f}");
    assert_eq!(edits[0]["newText"], own_text);

    // Document symbols, rename.
    let s = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": lib_uri}}),
    );
    let names: Vec<&str> = s["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["PREFIXES", "zoned"]);
    let rn = c.request("textDocument/rename", json!({"textDocument": {"uri": lib_uri}, "position": pos(&lib_text, "zoned(n)"), "newName": "has_zone"}));
    let changes = rn["result"]["changes"].as_object().unwrap();
    assert_eq!(
        changes.len(),
        2,
        "definition in lib.pal and use in naming.pal: {rn}"
    );
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn findings_in_a_manifest_with_code_actions() {
    let (dir, _) = plant_workspace();
    let manifest = dir.path().join("k8s/modbus-poller.yaml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let mut c = Client::start(dir.path());
    let u = c.open(&manifest, "yaml");
    let diags = c.diagnostics(&u);
    let privileged: Vec<&Value> = diags
        .iter()
        .filter(|d| d["code"] == "privileged_container")
        .collect();
    assert_eq!(privileged.len(), 1, "{diags:?}");
    let d = privileged[0].clone();
    let line = text
        .lines()
        .position(|l| l.contains("privileged: true"))
        .unwrap();
    assert_eq!(d["range"]["start"]["line"], line, "{d}");

    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    let list = actions["result"].as_array().unwrap();
    let suppress = list
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap()
                .contains("Suppress `privileged_container`")
        })
        .expect("a suppression action");
    let edit = &suppress["edit"]["changes"][&u][0];
    let inserted = edit["newText"].as_str().unwrap();
    assert!(
        inserted
            .trim_start()
            .starts_with("# palisade:ignore privileged_container reason=\""),
        "{inserted}"
    );
    assert!(list
        .iter()
        .any(|a| a["command"]["command"] == "palisade.explain"));

    // Applying the edit (as the editor would) silences the finding.
    let line = edit["range"]["start"]["line"].as_u64().unwrap() as usize;
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    lines.insert(line, inserted);
    let suppressed = lines.concat();
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u, "version": 2}, "contentChanges": [{"text": suppressed}]}),
    );
    let diags = c.diagnostics(&u);
    assert!(
        diags.iter().all(|d| d["code"] != "privileged_container"),
        "{diags:?}"
    );

    // The explain command answers with the rule's documentation.
    let ex = c.request(
        "workspace/executeCommand",
        json!({"command": "palisade.explain", "arguments": ["privileged_container"]}),
    );
    assert!(
        ex["result"]["text"].as_str().unwrap().contains("SR 2.1"),
        "{ex}"
    );
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn bad_input_never_stops_the_server() {
    let (dir, policy) = plant_workspace();
    let mut c = Client::start(dir.path());
    // Unknown method: an error answer.
    let r = c.request("palisade/unknown", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    // Malformed JSON: a parse error with a null id.
    c.send_raw("{\"jsonrpc\": \"2.0\", \"id\": 99, \"method\": ");
    let m = c.recv();
    assert_eq!(m["error"]["code"], -32700, "{m}");
    assert!(m["id"].is_null());
    // Valid JSON that is not a message: invalid request, with its id.
    c.send_raw("{\"jsonrpc\": \"2.0\", \"id\": 7, \"method\": 5}");
    let m = c.recv();
    assert_eq!(m["error"]["code"], -32600, "{m}");
    assert_eq!(m["id"], 7);
    c.send_raw("[1, 2]");
    let m = c.recv();
    assert_eq!(m["error"]["code"], -32600, "{m}");
    // A header without a length, then an unknown notification, then a change before open.
    c.stdin.write_all(b"X-Nothing: 1\r\n\r\n").unwrap();
    let m = c.recv();
    assert_eq!(m["error"]["code"], -32700, "{m}");
    c.notify("palisade/whatever", json!({"x": 1}));
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": "file:///nowhere.pal", "version": 2}, "contentChanges": [{"text": "x"}]}));
    // A huge document that does not parse.
    let huge = format!("package big\n{}", "rule ( {{ ] \n".repeat(50_000));
    let big = dir.path().join("policies/huge.pal");
    let u = c.open_text(&big, "palisade", &huge);
    let diags = c.diagnostics(&u);
    assert!(!errors(&diags).is_empty());
    // A manifest that is not YAML.
    let bad = dir.path().join("k8s/broken.yaml");
    let bu = c.open_text(&bad, "yaml", "a: [1, 2\n  b: {\n");
    let diags = c.diagnostics(&bu);
    assert!(!diags.is_empty(), "a load error");
    // Requests on positions past the end, on unknown documents.
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&policy)}, "position": {"line": 99999, "character": 5}}),
    );
    assert!(h.get("error").is_none(), "{h}");
    let h = c.request("textDocument/definition", json!({"textDocument": {"uri": "file:///nowhere.pal"}, "position": {"line": 0, "character": 0}}));
    assert!(h["result"].is_null(), "{h}");
    // Still answering.
    let r = c.request("workspace/symbol", json!({"query": "privileged_container"}));
    assert!(r["result"].is_array(), "{r}");
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn requests_before_initialize_and_after_shutdown_are_refused() {
    let (mut child, mut stdin, rx) = framing::spawn_server();
    let mut msgs = vec![
        json!({"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover", "params": {}}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "initialize", "params": {"capabilities": {}}}),
        json!({"jsonrpc": "2.0", "id": 3, "method": "shutdown"}),
        json!({"jsonrpc": "2.0", "id": 4, "method": "textDocument/hover", "params": {}}),
        json!({"jsonrpc": "2.0", "method": "exit"}),
    ];
    for m in msgs.drain(..) {
        framing::write_message(&mut stdin, &m.to_string());
    }
    drop(stdin);
    assert_eq!(child.wait().unwrap().code(), Some(0));
    // The reader ends with the server's output, so this collects everything it wrote.
    let bodies: Vec<Value> = rx.iter().collect();
    assert_eq!(bodies.len(), 4, "{bodies:#?}");
    assert_eq!(bodies[0]["error"]["code"], -32002);
    assert!(bodies[1]["result"]["capabilities"].is_object());
    assert!(bodies[2]["result"].is_null() && bodies[2].get("error").is_none());
    assert_eq!(bodies[3]["error"]["code"], -32600);
}

#[test]
fn cancelled_requests_are_answered_as_cancelled() {
    let (dir, policy) = plant_workspace();
    let mut c = Client::start(dir.path());
    let u = c.open(&policy, "palisade");
    // Hover and its cancellation sent back to back, before the server reads either: the
    // hover is answered as cancelled (or, if it already ran, normally — never lost).
    let hover = json!({"jsonrpc": "2.0", "id": 500, "method": "textDocument/hover",
        "params": {"textDocument": {"uri": u}, "position": {"line": 0, "character": 0}}});
    let cancel = json!({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 500}});
    let (h, cl) = (hover.to_string(), cancel.to_string());
    write!(
        c.stdin,
        "Content-Length: {}\r\n\r\n{h}Content-Length: {}\r\n\r\n{cl}",
        h.len(),
        cl.len()
    )
    .unwrap();
    c.stdin.flush().unwrap();
    let r = c.response(&json!(500));
    assert!(
        r["error"]["code"] == -32800 || r.get("result").is_some(),
        "{r}"
    );
    assert_eq!(c.shutdown(), 0);
}

/// The acceptance scenario of the language server, step by step: a copy of the example plant
/// with a pack policy in `policies/`.
#[test]
fn acceptance_scenario() {
    let (dir, policy) = plant_workspace();
    let text = std::fs::read_to_string(&policy).unwrap();
    let mut c = Client::start(dir.path());
    let u = c.open(&policy, "palisade");
    assert!(errors(&c.diagnostics(&u)).is_empty());

    // Hover and definition on the policy's identifiers: a stdlib function, a loop variable,
    // an entity kind, a rule name.
    let at = pos(&text, "runs_as_non_root(c)");
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": at}),
    );
    let md = h["result"]["contents"]["value"].as_str().unwrap();
    assert!(md.contains("runs_as_non_root"), "{md}");
    let d = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": u}, "position": at}),
    );
    let target = d["result"]["uri"].as_str().unwrap();
    assert!(target.ends_with("stdlib/k8s.pal"), "{d}");
    let copy = std::fs::read_to_string(target.strip_prefix("file://").unwrap()).unwrap();
    let line = d["result"]["range"]["start"]["line"].as_u64().unwrap() as usize;
    assert!(
        copy.lines()
            .nth(line)
            .unwrap()
            .contains("fn runs_as_non_root"),
        "{d}"
    );

    let at = pos(&text, "c.securityContext.privileged ==");
    let d = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": u}, "position": at}),
    );
    assert_eq!(d["result"]["uri"], u);
    assert_eq!(
        d["result"]["range"]["start"],
        pos(&text, "c in k8s.containers")
    );
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": pos(&text, "privileged_container")}),
    );
    let md = h["result"]["contents"]["value"].as_str().unwrap();
    assert!(
        md.contains("rule privileged_container") && md.contains("critical"),
        "{md}"
    );

    // Completion inside the file.
    let comp = c.request("textDocument/completion", json!({"textDocument": {"uri": u}, "position": pos(&text, "  where c.securityContext.privileged")}));
    assert!(comp["result"].as_array().unwrap().len() >= 5);
    // Formatting answers (a pack file is already formatted: no edits).
    let f = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": u}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert!(f["result"].is_array(), "{f}");

    // A syntax error appended.
    let lines = text.matches('\n').count();
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u, "version": 2},
               "contentChanges": [{"range": {"start": {"line": lines, "character": 0}, "end": {"line": lines, "character": 0}},
                                   "text": "rule oops {{\n"}]}),
    );
    assert!(!errors(&c.diagnostics(&u)).is_empty());

    // A manifest with a privileged container: its findings, and a code action on one.
    let manifest = dir.path().join("k8s/modbus-poller.yaml");
    let mu = c.open(&manifest, "yaml");
    let diags = c.diagnostics(&mu);
    let d = diags
        .iter()
        .find(|d| d["code"] == "privileged_container")
        .expect("the finding")
        .clone();
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": mu}, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    assert!(!actions["result"].as_array().unwrap().is_empty());

    // Unknown method and malformed message: still answering.
    let r = c.request("palisade/nope", json!({}));
    assert_eq!(r["error"]["code"], -32601);
    c.send_raw("not json at all");
    assert_eq!(c.recv()["error"]["code"], -32700);
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": pos(&text, "k8s.containers")}),
    );
    assert!(h["result"]["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("k8s.containers"));
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn files_changed_on_disk_are_picked_up() {
    let (dir, _) = plant_workspace();
    let caps = json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
    let mut c = Client::start_with(dir.path(), caps);
    // The server asks to watch policies and inputs.
    let reg = loop {
        let m = c.recv();
        if m["method"] == "client/registerCapability" {
            break m;
        }
        c.notes.push(m);
    };
    assert_eq!(
        reg["params"]["registrations"][0]["method"],
        "workspace/didChangeWatchedFiles"
    );
    c.send(&json!({"jsonrpc": "2.0", "id": reg["id"], "result": null}));

    let manifest = dir.path().join("k8s/modbus-poller.yaml");
    let mu = c.open(&manifest, "yaml");
    let before = c.diagnostics(&mu);
    assert!(before.iter().all(|d| d["code"] != "poller_named"));
    // A new policy written to disk (not opened in the editor).
    let new = dir.path().join("policies/naming.pal");
    std::fs::write(&new, "package site.naming\n\n/// Poller\nrule poller_named {\n  requirement \"SR 5.1\"\n  severity low\n\n  for c in k8s.containers\n  where c.name == \"poller\"\n  deny at c.name: \"a poller\"\n}\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&new), "type": 1}]}),
    );
    let after = c.diagnostics(&mu);
    assert!(
        after.iter().any(|d| d["code"] == "poller_named"),
        "{after:?}"
    );
    // Deleted again: the finding goes.
    std::fs::remove_file(&new).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&new), "type": 3}]}),
    );
    let gone = c.diagnostics(&mu);
    assert!(gone.iter().all(|d| d["code"] != "poller_named"), "{gone:?}");
    assert_eq!(c.shutdown(), 0);
}
