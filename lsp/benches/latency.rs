//! Change-to-diagnostics latency of `palisade-lsp` on a generated workspace of 200 policy
//! files (plus the built-in stdlib and pack), and on a manifest of the example plant checked
//! by all of those policies.
//!
//! `cargo bench -p palisade-lsp --bench latency` prints, for each scenario, the median, the
//! 95th percentile and the maximum over 60 edits of the time from sending `didChange` to
//! receiving the `publishDiagnostics` it causes. Each edit toggles an error, so every edit
//! changes the diagnostics and is published. Figures are in `docs/benchmarks.md`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "bench"
)]

use std::path::Path;
use std::process::ChildStdin;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

#[path = "../tests/support/framing.rs"]
mod framing;

const FILES: usize = 200;
const EDITS: usize = 60;

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    generate(root);
    let mut c = Client::start(root);

    let first = root.join("policies/p000.pal");
    let text = std::fs::read_to_string(&first).unwrap();
    let u = c.open(&first, &text, "palisade");
    c.wait_diagnostics(&u);
    let broken = text.replace("len(w.name) > LIMIT", "len(w.name) > LIMITT");
    let samples = c.edits(&u, &[broken.as_str(), text.as_str()]);
    report(&format!("policy edit, {FILES}-file workspace"), &samples);
    // Hover right after an edit: pays for re-parsing, re-compiling and re-indexing.
    let at = text.find("too_long(n)").unwrap();
    let line = text[..at].matches('\n').count();
    let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    let mut hovers = Vec::new();
    for i in 0..EDITS {
        c.version += 1;
        let edited = format!("{text}// edit {i}\n");
        c.send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange",
            "params": {"textDocument": {"uri": u, "version": c.version},
                       "contentChanges": [{"text": edited}]}}));
        let id = 1000 + i as i64;
        let start = Instant::now();
        c.send(
            json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover",
            "params": {"textDocument": {"uri": u}, "position": {"line": line, "character": col}}}),
        );
        let r = c.wait(|m| m["id"] == id);
        hovers.push(start.elapsed());
        assert!(r["result"]["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("too_long"));
    }
    report(
        &format!("hover after an edit, {FILES}-file workspace"),
        &hovers,
    );

    let manifest = root.join("k8s/modbus-poller.yaml");
    let mtext = std::fs::read_to_string(&manifest).unwrap();
    let mu = c.open(&manifest, &mtext, "yaml");
    c.wait_diagnostics(&mu);
    let fixed = mtext.replace("privileged: true", "privileged: false");
    let samples = c.edits(&mu, &[fixed.as_str(), mtext.as_str()]);
    report(
        &format!("manifest edit, example plant checked by {FILES} policies + pack"),
        &samples,
    );
    c.shutdown();
}

fn report(name: &str, samples: &[Duration]) {
    let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{name}: median {:.1} ms, p95 {:.1} ms, max {:.1} ms ({} edits)",
        at(0.5),
        at(0.95),
        at(1.0),
        ms.len()
    );
}

/// `FILES` policy files in 20 packages, each importing a shared library package, with
/// functions, constants and rules; the example plant as inputs.
fn generate(root: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    copy_dir(&repo.join("examples/plant"), root);
    let dir = root.join("policies");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("lib.pal"),
        "package bench.lib\n\n/// Longest name\nconst MAX = 40\n\n/// Whether a name is too long\nfn too_long(n) = len(n) > MAX\n",
    )
    .unwrap();
    for i in 0..FILES {
        let pkg = i % 20;
        let text = format!(
            "package bench.p{pkg}\n\nimport bench.lib\n\nconst LIMIT{i} = {n}\nconst LIMIT = {n}\n\n\
             /// Name of workload {i}\nfn name_{i}(w) = w.name ?? \"\"\n\n\
             /// Rule {i}\nrule rule_{i} {{\n  requirement \"SR 5.1\"\n  severity low\n\n  \
             for w in k8s.workloads\n  let n = name_{i}(w)\n  where len(w.name) > LIMIT and lib.too_long(n)\n  \
             deny at w.metadata.name: \"{{w.kind}} `{{w.name}}` is long\"\n}}\n",
            n = 30 + i % 7,
        );
        // `LIMIT` is defined once per package: only the first file of a package keeps it.
        let text = if i >= 20 {
            text.replace(&format!("const LIMIT = {}\n", 30 + i % 7), "")
        } else {
            text
        };
        std::fs::write(dir.join(format!("p{i:03}.pal")), text).unwrap();
    }
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

struct Client {
    stdin: ChildStdin,
    rx: Receiver<Value>,
    child: std::process::Child,
    version: i64,
}

impl Client {
    fn start(root: &Path) -> Client {
        let (child, stdin, rx) = framing::spawn_server();
        let mut c = Client {
            stdin,
            rx,
            child,
            version: 1,
        };
        let root_uri = format!("file://{}", root.display());
        c.send(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"rootUri": root_uri, "capabilities": {}}}));
        c.wait(|m| m["id"] == 1);
        c.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
        c
    }

    fn send(&mut self, v: Value) {
        framing::write_message(&mut self.stdin, &v.to_string());
    }

    fn wait(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            let m = self.rx.recv_timeout(Duration::from_secs(120)).unwrap();
            if pred(&m) {
                return m;
            }
        }
    }

    fn wait_diagnostics(&mut self, uri: &str) {
        self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
    }

    fn open(&mut self, path: &Path, text: &str, language: &str) -> String {
        let uri = format!("file://{}", path.display());
        self.send(json!({"jsonrpc": "2.0", "method": "textDocument/didOpen",
            "params": {"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}}));
        uri
    }

    /// Sends `EDITS` whole-text changes cycling through `texts`, timing each round trip.
    fn edits(&mut self, uri: &str, texts: &[&str]) -> Vec<Duration> {
        let mut out = Vec::new();
        for i in 0..EDITS {
            self.version += 1;
            let text = texts[i % texts.len()];
            let start = Instant::now();
            self.send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange",
                "params": {"textDocument": {"uri": uri, "version": self.version},
                           "contentChanges": [{"text": text}]}}));
            self.wait_diagnostics(uri);
            out.push(start.elapsed());
        }
        out
    }

    fn shutdown(mut self) {
        self.send(json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}));
        self.wait(|m| m["id"] == 2);
        self.send(json!({"jsonrpc": "2.0", "method": "exit"}));
        self.child.wait().unwrap();
    }
}
