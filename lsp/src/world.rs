//! The server's model of the workspace: policy files (built-in and the workspace's), checked
//! input files, the open documents, and the analyses derived from them.
//!
//! Everything is keyed by the core's `FileId`s in one `SourceDb`: built-in stdlib and pack
//! first, then the workspace's `.pal` files, then its inputs, then files opened later. An
//! edit replaces the text of its file in place (ids never move) and marks that file dirty;
//! the next query re-parses (or re-loads) only dirty files, then re-compiles the policy set
//! and re-evaluates the inputs only when something they depend on changed.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_types::Url;
use palisade::check;
use palisade::diag::Diagnostic;
use palisade::driver::{self, LoadedInput};
use palisade::eval::{Finding, Limits as EvalLimits, Program};
use palisade::ide::Index;
use palisade::input::{self, Limits as InputLimits};
use palisade::source::{FileId, SourceDb, SourceFile};
use palisade::syntax::ast::Item;
use palisade::syntax::{self, Module};
use palisade::{builtin, suppress};

use crate::convert::path_of;

/// One policy file.
pub(crate) struct Policy {
    pub(crate) file: FileId,
    pub(crate) path: Option<PathBuf>,
    /// Embedded stdlib or pack file.
    pub(crate) builtin: bool,
    /// Part of the embedded IEC 62443 pack (may be shadowed by a workspace copy).
    pub(crate) pack: bool,
    pub(crate) syntax: Vec<Diagnostic>,
    dirty: bool,
}

/// One checked input file.
pub(crate) struct Input {
    pub(crate) path: PathBuf,
    pub(crate) diagnostics: Vec<Diagnostic>,
    dirty: bool,
}

/// What an open document is to the server.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum DocKind {
    Policy(usize),
    Input(usize),
    /// Neither: no diagnostics, no features.
    Other,
}

/// An open document: the editor's text wins over the disk.
pub(crate) struct Doc {
    pub(crate) text: String,
    pub(crate) kind: DocKind,
}

/// The result of compiling the policy set.
pub(crate) struct PolicyAnalysis {
    /// Checker diagnostics by file.
    pub(crate) diagnostics: HashMap<FileId, Vec<Diagnostic>>,
    /// Policies compiled (built-in pack files a workspace copy shadows are left out).
    pub(crate) included: Vec<usize>,
    index: Option<Arc<Index>>,
}

/// The result of evaluating the inputs.
pub(crate) struct InputAnalysis {
    pub(crate) findings: HashMap<FileId, Vec<Finding>>,
    pub(crate) diagnostics: HashMap<FileId, Vec<Diagnostic>>,
}

pub(crate) struct World {
    /// The workspace folder, if the editor gave one.
    root: Option<PathBuf>,
    pub(crate) db: SourceDb,
    pub(crate) policies: Vec<Policy>,
    /// Parallel to `policies`.
    modules: Vec<Module>,
    pub(crate) inputs: Vec<Input>,
    /// Parallel to `inputs`.
    loaded: Vec<LoadedInput>,
    pub(crate) docs: HashMap<Url, Doc>,
    policy_analysis: Option<PolicyAnalysis>,
    input_analysis: Option<InputAnalysis>,
    /// The last policy set that compiled without errors (findings keep coming while a
    /// policy is being edited).
    program: Option<Arc<Program>>,
    input_limits: InputLimits,
    eval_limits: EvalLimits,
}

impl World {
    /// Loads the built-in policies and, under `root`, the workspace's policies and inputs.
    pub(crate) fn new(root: Option<PathBuf>) -> World {
        let mut w = World {
            root: root.clone(),
            db: SourceDb::new(),
            policies: Vec::new(),
            modules: Vec::new(),
            inputs: Vec::new(),
            loaded: Vec::new(),
            docs: HashMap::new(),
            policy_analysis: None,
            input_analysis: None,
            program: None,
            input_limits: InputLimits::default(),
            eval_limits: EvalLimits::default(),
        };
        for (dir, pack) in [("stdlib/", false), ("policies/", true)] {
            for (path, text) in builtin::files(dir, "pal") {
                let file = w.db.add(SourceFile::new(format!("<builtin>/{path}"), text));
                w.push_policy(file, None, true, pack);
            }
        }
        let Some(root) = root else { return w };
        let mut ignored = Vec::new();
        for path in driver::pal_files(&root, &mut ignored) {
            if let Ok(text) = std::fs::read_to_string(&path) {
                let file = w.db.add(SourceFile::new(driver::display_path(&path), text));
                w.push_policy(file, Some(path), false, false);
            }
        }
        let candidates = driver::discover(&[root], &driver::Filters::default(), &mut ignored);
        let mut diags = Vec::new();
        let loaded = driver::load_inputs(&mut w.db, &candidates, &w.input_limits, &mut diags);
        for l in loaded {
            let path = PathBuf::from(w.db.name(l.file));
            let diagnostics = diags
                .iter()
                .filter(|d| d.span.is_some_and(|s| s.file == l.file))
                .cloned()
                .collect();
            w.inputs.push(Input {
                path,
                diagnostics,
                dirty: false,
            });
            w.loaded.push(l);
        }
        w
    }

    fn push_policy(&mut self, file: FileId, path: Option<PathBuf>, builtin: bool, pack: bool) {
        self.policies.push(Policy {
            file,
            path,
            builtin,
            pack,
            syntax: Vec::new(),
            dirty: true,
        });
        self.modules.push(Module {
            file,
            package: None,
            items: Vec::new(),
        });
    }

    /// An editor opened a document.
    pub(crate) fn open(&mut self, uri: Url, text: String) {
        let kind = match path_of(&uri) {
            Some(p) => self.kind_of(&p, &text),
            None => DocKind::Other,
        };
        self.docs.insert(uri.clone(), Doc { text, kind });
        self.sync(&uri);
    }

    /// What a file is: a known policy or input, or a new one (added), or neither.
    fn kind_of(&mut self, p: &Path, text: &str) -> DocKind {
        if p.extension().is_some_and(|e| e == "pal") {
            let builtin = p
                .strip_prefix(builtin_dir())
                .ok()
                .map(|rel| format!("<builtin>/{}", driver::display_path(rel)));
            let known = self.policies.iter().position(|x| {
                x.path.as_deref() == Some(p)
                    || (x.builtin && builtin.as_deref() == Some(self.db.name(x.file)))
            });
            let i = match known {
                Some(i) => i,
                None => {
                    let file = self
                        .db
                        .add(SourceFile::new(driver::display_path(p), String::new()));
                    self.push_policy(file, Some(p.to_path_buf()), false, false);
                    self.policies.len() - 1
                }
            };
            return DocKind::Policy(i);
        }
        if let Some(i) = self.inputs.iter().position(|x| x.path == p) {
            return DocKind::Input(i);
        }
        let Some(format) = input::detect(p, text) else {
            return DocKind::Other;
        };
        let file = self
            .db
            .add(SourceFile::new(driver::display_path(p), String::new()));
        self.inputs.push(Input {
            path: p.to_path_buf(),
            diagnostics: Vec::new(),
            dirty: true,
        });
        self.loaded.push(LoadedInput {
            file,
            format,
            documents: Vec::new(),
            firewall: None,
        });
        DocKind::Input(self.inputs.len() - 1)
    }

    /// A file changed, appeared or disappeared on disk (`workspace/didChangeWatchedFiles`).
    /// Open documents keep the editor's text; a deleted file is kept as an empty one.
    pub(crate) fn disk_changed(&mut self, uri: &Url) {
        let Some(path) = path_of(uri) else { return };
        if self
            .docs
            .keys()
            .any(|u| path_of(u).as_deref() == Some(path.as_path()))
        {
            return;
        }
        let text = std::fs::read_to_string(&path);
        let known = self
            .policies
            .iter()
            .any(|p| p.path.as_deref() == Some(path.as_path()))
            || self.inputs.iter().any(|i| i.path == path);
        let text = match text {
            Ok(t) => t,
            Err(_) if known => String::new(),
            Err(_) => return,
        };
        let in_workspace = self.root.as_ref().is_some_and(|r| path.starts_with(r));
        if !known && !in_workspace {
            return;
        }
        let kind = self.kind_of(&path, &text);
        self.set_text(kind, text);
    }

    /// The editor's text of `uri` changed (already applied to `docs`).
    pub(crate) fn sync(&mut self, uri: &Url) {
        let Some(doc) = self.docs.get(uri) else {
            return;
        };
        let text = doc.text.clone();
        self.set_text(doc.kind, text);
    }

    fn set_text(&mut self, kind: DocKind, text: String) {
        match kind {
            DocKind::Policy(i) => {
                if let Some(p) = self.policies.get_mut(i) {
                    let name = self.db.name(p.file).to_string();
                    self.db.replace(p.file, SourceFile::new(name, text));
                    p.dirty = true;
                    self.policy_analysis = None;
                    self.input_analysis = None;
                }
            }
            DocKind::Input(i) => {
                if let (Some(inp), Some(l)) = (self.inputs.get_mut(i), self.loaded.get(i)) {
                    let name = self.db.name(l.file).to_string();
                    self.db.replace(l.file, SourceFile::new(name, text));
                    inp.dirty = true;
                    self.input_analysis = None;
                }
            }
            DocKind::Other => {}
        }
    }

    /// An editor closed a document: its file goes back to the disk's text.
    pub(crate) fn close(&mut self, uri: &Url) {
        let Some(doc) = self.docs.remove(uri) else {
            return;
        };
        let disk = path_of(uri)
            .and_then(|p| std::fs::read_to_string(p).ok())
            .unwrap_or_default();
        self.set_text(doc.kind, disk);
    }

    /// The policy file of a document, if it is one.
    pub(crate) fn policy_of(&self, uri: &Url) -> Option<&Policy> {
        match self.docs.get(uri)?.kind {
            DocKind::Policy(i) => self.policies.get(i),
            _ => None,
        }
    }

    /// The loaded input of a document, if it is one.
    pub(crate) fn input_of(&self, uri: &Url) -> Option<&LoadedInput> {
        match self.docs.get(uri)?.kind {
            DocKind::Input(i) => self.loaded.get(i),
            _ => None,
        }
    }

    /// The URI of a file, when it is on disk. Built-in policies are written once to a
    /// read-only copy under the temporary directory, so that "go to definition" can open a
    /// stdlib function or a pack rule.
    pub(crate) fn uri_of_file(&self, file: FileId) -> Option<Url> {
        if self.is_builtin(file) {
            return crate::convert::uri_of(&builtin_copy(self.db.name(file), self.db.text(file))?);
        }
        let path = self
            .policies
            .iter()
            .find(|p| p.file == file)
            .and_then(|p| p.path.clone())
            .or_else(|| {
                self.loaded
                    .iter()
                    .position(|l| l.file == file)
                    .and_then(|i| self.inputs.get(i))
                    .map(|i| i.path.clone())
            })?;
        crate::convert::uri_of(&path)
    }

    /// Whether a file is an embedded (read-only) policy.
    pub(crate) fn is_builtin(&self, file: FileId) -> bool {
        self.policies.iter().any(|p| p.file == file && p.builtin)
    }

    /// Re-parses dirty policies and re-compiles the policy set if anything changed.
    pub(crate) fn policy_analysis(&mut self) -> &PolicyAnalysis {
        let mut changed = false;
        for (p, m) in self.policies.iter_mut().zip(self.modules.iter_mut()) {
            if p.dirty {
                let parsed = syntax::parse(p.file, self.db.text(p.file));
                *m = parsed.module;
                p.syntax = parsed.diagnostics;
                p.dirty = false;
                changed = true;
            }
        }
        if changed || self.policy_analysis.is_none() {
            self.input_analysis = None;
            let included = self.included();
            let compiled = if included.len() == self.modules.len() {
                check::compile(&self.modules)
            } else {
                let modules: Vec<Module> = included
                    .iter()
                    .filter_map(|i| self.modules.get(*i).cloned())
                    .collect();
                check::compile(&modules)
            };
            let broken = self
                .policies
                .iter()
                .any(|p| p.syntax.iter().any(Diagnostic::is_error))
                || compiled.diagnostics.iter().any(Diagnostic::is_error);
            let mut diagnostics: HashMap<FileId, Vec<Diagnostic>> = HashMap::new();
            for d in compiled.diagnostics {
                if let Some(span) = d.span {
                    diagnostics.entry(span.file).or_default().push(d);
                }
            }
            if !broken {
                self.program = Some(Arc::new(compiled.program));
            }
            self.policy_analysis = Some(PolicyAnalysis {
                diagnostics,
                included,
                index: None,
            });
        }
        self.policy_analysis.get_or_insert_with(|| PolicyAnalysis {
            diagnostics: HashMap::new(),
            included: Vec::new(),
            index: None,
        })
    }

    /// The name index of the compiled policy set (built on first use after a change).
    pub(crate) fn index(&mut self) -> Arc<Index> {
        self.policy_analysis();
        let modules = &self.modules;
        match self.policy_analysis.as_mut() {
            Some(a) => a
                .index
                .get_or_insert_with(|| {
                    let included: Vec<Module> = a
                        .included
                        .iter()
                        .filter_map(|i| modules.get(*i).cloned())
                        .collect();
                    Arc::new(Index::build(&included))
                })
                .clone(),
            None => Arc::new(Index::default()),
        }
    }

    /// Indices of the policies compiled together: all but the built-in pack files that a
    /// workspace policy shadows (same package, and a rule, function or constant of the same
    /// name, as when a pack policy is copied into the workspace to be adapted).
    fn included(&self) -> Vec<usize> {
        let mut workspace: HashSet<(String, String)> = HashSet::new();
        for (p, m) in self.policies.iter().zip(&self.modules) {
            if !p.builtin {
                let package = check::package_of(m);
                for name in item_names(m) {
                    workspace.insert((package.clone(), name));
                }
            }
        }
        self.policies
            .iter()
            .zip(&self.modules)
            .enumerate()
            .filter(|(_, (p, m))| {
                !p.pack || {
                    let package = check::package_of(m);
                    !item_names(m).any(|n| workspace.contains(&(package.clone(), n)))
                }
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// Re-loads dirty inputs and re-evaluates the inputs if anything changed.
    pub(crate) fn input_analysis(&mut self) -> &InputAnalysis {
        self.policy_analysis();
        let mut changed = false;
        for (inp, l) in self.inputs.iter_mut().zip(self.loaded.iter_mut()) {
            if inp.dirty {
                let text = self.db.text(l.file);
                let format = input::detect(&inp.path, text).unwrap_or(l.format);
                let loaded = input::load(l.file, text, format, &self.input_limits);
                *l = LoadedInput {
                    file: l.file,
                    format,
                    documents: loaded.documents,
                    firewall: loaded.firewall,
                };
                inp.diagnostics = loaded.diagnostics;
                inp.dirty = false;
                changed = true;
            }
        }
        if changed || self.input_analysis.is_none() {
            self.input_analysis = Some(self.evaluate());
        }
        self.input_analysis.get_or_insert_with(|| InputAnalysis {
            findings: HashMap::new(),
            diagnostics: HashMap::new(),
        })
    }

    fn evaluate(&self) -> InputAnalysis {
        let mut out = InputAnalysis {
            findings: HashMap::new(),
            diagnostics: HashMap::new(),
        };
        for (inp, l) in self.inputs.iter().zip(&self.loaded) {
            if !inp.diagnostics.is_empty() {
                out.diagnostics
                    .entry(l.file)
                    .or_default()
                    .extend(inp.diagnostics.iter().cloned());
            }
        }
        let Some(program) = &self.program else {
            return out;
        };
        let outcome = driver::evaluate_inputs(&self.db, program, &self.loaded, &self.eval_limits);
        let mut suppressions = Vec::new();
        for l in &self.loaded {
            let (found, diags) = suppress::scan(l.file, self.db.text(l.file));
            suppressions.extend(found);
            for d in diags {
                out.diagnostics.entry(l.file).or_default().push(d);
            }
        }
        let applied = suppress::apply(outcome.findings, &suppressions, Some(today()));
        for d in outcome.diagnostics.into_iter().chain(applied.diagnostics) {
            if let Some(span) = d.span {
                out.diagnostics.entry(span.file).or_default().push(d);
            }
        }
        for f in applied.kept {
            if let Some(span) = f.span {
                out.findings.entry(span.file).or_default().push(f);
            }
        }
        out
    }

    /// The workspace-relative or absolute path shown for a file.
    pub(crate) fn name(&self, file: FileId) -> &str {
        self.db.name(file)
    }

    /// The rule metadata of a rule id in the last good program.
    pub(crate) fn rule(&self, id: &str) -> Option<Arc<palisade::eval::RuleMeta>> {
        self.program.as_ref()?.rules().find(|r| r.id == id).cloned()
    }

    /// The path of a policy file, if it is on disk.
    pub(crate) fn policy_path(&self, file: FileId) -> Option<&Path> {
        self.policies
            .iter()
            .find(|p| p.file == file)
            .and_then(|p| p.path.as_deref())
    }
}

/// Where built-in files are copied for editors to open.
fn builtin_dir() -> PathBuf {
    std::env::temp_dir().join(format!("palisade-lsp-{}", env!("CARGO_PKG_VERSION")))
}

/// The on-disk copy of a built-in file (`<builtin>/stdlib/k8s.pal`), written if missing or
/// different.
fn builtin_copy(name: &str, text: &str) -> Option<PathBuf> {
    let rel = name.strip_prefix("<builtin>/")?;
    if rel.split('/').any(|s| s == ".." || s.is_empty()) {
        return None;
    }
    let path = builtin_dir().join(rel);
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text) {
        std::fs::create_dir_all(path.parent()?).ok()?;
        // Write beside, then rename: another server may be reading the same copy.
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, text).ok()?;
        std::fs::rename(&tmp, &path).ok()?;
    }
    Some(path)
}

fn item_names(m: &Module) -> impl Iterator<Item = String> + '_ {
    m.items.iter().filter_map(|i| match i {
        Item::Rule(r) => Some(r.name.name.to_string()),
        Item::Fn(f) => Some(f.name.name.to_string()),
        Item::Const(c) => Some(c.name.name.to_string()),
        _ => None,
    })
}

/// Today's UTC date, for the expiry of suppressions (as the CLI does).
fn today() -> jiff::civil::Date {
    jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date()
}
