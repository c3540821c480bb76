//! Completion candidates at an offset.
//!
//! The text being typed rarely parses, so the context comes from the text before the cursor
//! (the word, the dotted chain before it, the line it is on), and the names from the
//! [`Index`] of the last parse: locals visible there, the package's functions and constants,
//! imports, the prelude, entity kinds and their fields, modules and requirement references.

use std::collections::BTreeSet;

use crate::catalogue::catalogue;
use crate::check::META_KEYS;
use crate::entities::{self as kinds, EntityKind};
use crate::natives::{self, PRELUDE};
use crate::source::FileId;

use super::hover::signature;
use super::index::{DefKind, Index, Target};

/// What a candidate is, for the editor's icon.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Keyword,
    Function,
    Constant,
    Variable,
    Module,
    Entity,
    Field,
    Requirement,
    Metadata,
}

/// One completion candidate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    /// A one-line signature or summary.
    pub detail: Option<String>,
    /// Markdown documentation.
    pub doc: Option<String>,
}

/// The keywords of the language.
pub const KEYWORDS: &[&str] = &[
    "package", "import", "as", "const", "fn", "rule", "test", "for", "in", "where", "let", "deny",
    "at", "if", "then", "else", "and", "or", "not", "any", "all", "none", "count", "matches",
    "like", "true", "false", "null", "input", "expect", "clean",
];

/// Candidates at byte `offset` of `text` (the current text of `file`).
pub fn complete(index: &Index, file: FileId, text: &str, offset: usize) -> Vec<Completion> {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = text.get(..offset).unwrap_or("");
    let line = before.rsplit('\n').next().unwrap_or("");
    let trimmed = line.trim_start();

    // Inside a string on a `requirement` line, or typing `SR`: requirement references.
    if trimmed.starts_with("requirement") && line.matches('"').count() % 2 == 1 {
        return requirements();
    }
    let word_start = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    let chain = dotted_chain(before.get(..word_start).unwrap_or(""));

    if let Some(rest) = trimmed.strip_prefix("import ") {
        return import_candidates(index, rest);
    }
    if let Some(chain) = chain {
        return member_candidates(index, file, text, offset, &chain);
    }
    let mut out = Vec::new();
    for k in KEYWORDS {
        out.push(item(k, CompletionKind::Keyword, None, None));
    }
    if in_rule_header(before) {
        for (k, doc) in META_KEYS {
            out.push(item(
                k,
                CompletionKind::Metadata,
                Some(format!("rule metadata: {doc}")),
                None,
            ));
        }
    }
    let offset32 = u32::try_from(offset).unwrap_or(u32::MAX);
    for d in index.locals_at(file, offset32) {
        out.push(item(
            &d.name,
            CompletionKind::Variable,
            Some(signature(d)),
            None,
        ));
    }
    if let Some(scope) = index.scope(file) {
        for id in index.package_members(&scope.package) {
            if let Some(d) = index.def(id) {
                out.push(def_item(d));
            }
        }
        for n in natives::in_module(&scope.package) {
            out.push(native_item(n));
        }
        for (name, target) in &scope.names {
            match target {
                Target::Def(id) => {
                    if let Some(d) = index.def(*id) {
                        out.push(def_item(d));
                    }
                }
                Target::Native(n) => out.push(native_item(n)),
                _ => out.push(item(name, CompletionKind::Variable, None, None)),
            }
        }
        for (alias, path) in &scope.modules {
            out.push(item(
                alias,
                CompletionKind::Module,
                Some(format!("import {path}")),
                None,
            ));
        }
    }
    for n in natives::in_module(PRELUDE) {
        out.push(native_item(n));
    }
    for id in index.package_members(PRELUDE) {
        if let Some(d) = index.def(id) {
            out.push(def_item(d));
        }
    }
    let mut roots = BTreeSet::new();
    for k in kinds::kinds() {
        match k.name.split_once('.') {
            Some((root, _)) => {
                roots.insert(root);
            }
            None => out.push(entity_item(k, k.name)),
        }
    }
    for root in roots {
        if !out.iter().any(|c| c.label == root) {
            out.push(item(
                root,
                CompletionKind::Module,
                Some(format!("entity kinds `{root}.*`")),
                None,
            ));
        }
    }
    dedup(out)
}

/// The dotted chain before a `.` that ends `before` (`k8s.` → `["k8s"]`).
fn dotted_chain(before: &str) -> Option<Vec<String>> {
    let before = before.strip_suffix('.')?;
    let start = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .map_or(0, |i| i + 1);
    let chain = before.get(start..)?;
    if chain.is_empty() || chain.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(chain.split('.').map(str::to_string).collect())
}

fn import_candidates(index: &Index, rest: &str) -> Vec<Completion> {
    // `import m.{a, ` → members of m
    if let Some((path, _)) = rest.split_once(".{") {
        let path = path.trim();
        let mut out: Vec<Completion> = natives::in_module(path).map(native_item).collect();
        for id in index.package_members(path) {
            if let Some(d) = index.def(id) {
                out.push(def_item(d));
            }
        }
        return dedup(out);
    }
    let mut modules: BTreeSet<String> = index.packages().into_iter().map(str::to_string).collect();
    modules.extend(natives::all().map(|n| n.module.to_string()));
    let typed = rest.trim();
    // Offer whole paths; editors filter by the word typed after the last dot, so give the
    // remaining segments too.
    let prefix = typed.rsplit_once('.').map(|(p, _)| format!("{p}."));
    let mut out = Vec::new();
    for m in modules {
        let label = match &prefix {
            Some(p) => match m.strip_prefix(p.as_str()) {
                Some(rest) => rest.to_string(),
                None => continue,
            },
            None => m.clone(),
        };
        out.push(item(
            &label,
            CompletionKind::Module,
            Some(format!("module {m}")),
            None,
        ));
    }
    dedup(out)
}

fn member_candidates(
    index: &Index,
    file: FileId,
    text: &str,
    offset: usize,
    chain: &[String],
) -> Vec<Completion> {
    let mut out = Vec::new();
    let offset32 = u32::try_from(offset).unwrap_or(u32::MAX);
    let Some(first) = chain.first() else {
        return out;
    };
    if chain.len() == 1 {
        // A loop variable over an entity kind: its fields.
        let local = index
            .locals_at(file, offset32)
            .into_iter()
            .find(|d| d.name.as_ref() == first.as_str());
        let kind = match local {
            Some(d) => d.entity,
            None => loop_kind_in_text(text.get(..offset).unwrap_or(""), first),
        };
        if let Some(k) = kind {
            for f in k.fields {
                out.push(item(
                    f.name,
                    CompletionKind::Field,
                    Some(format!("{}.{}", k.name, f.name)),
                    Some(f.doc.to_string()),
                ));
            }
            return out;
        }
        // An imported module's members.
        if let Some(path) = index
            .scope(file)
            .and_then(|s| s.modules.get(first.as_str()))
        {
            for n in natives::in_module(path) {
                out.push(native_item(n));
            }
            for id in index.package_members(path) {
                if let Some(d) = index.def(id) {
                    out.push(def_item(d));
                }
            }
        }
    }
    // Entity kinds under a root (`k8s.` → `containers`, …).
    let root = chain.join(".");
    for k in kinds::kinds() {
        if let Some(rest) = k.name.strip_prefix(&format!("{root}.")) {
            out.push(entity_item(k, rest));
        }
    }
    dedup(out)
}

/// `for NAME in KIND` or `any NAME in KIND` written before the cursor (for text that does
/// not parse yet).
fn loop_kind_in_text(before: &str, name: &str) -> Option<&'static EntityKind> {
    for pat in [format!("for {name} in "), format!(" {name} in ")] {
        if let Some(i) = before.rfind(&pat) {
            let rest = before.get(i + pat.len()..)?;
            let path: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
                .collect();
            if let Some(k) = kinds::kind(&path) {
                return Some(k);
            }
        }
    }
    None
}

fn requirements() -> Vec<Completion> {
    catalogue()
        .requirements
        .iter()
        .map(|r| {
            item(
                &r.id,
                CompletionKind::Requirement,
                Some(r.title.clone()),
                Some(format!("FR{} · SL {}\n\n{}", r.fr, r.level, r.evidence)),
            )
        })
        .collect()
}

/// Whether the cursor is in a rule before its first clause (where metadata goes).
fn in_rule_header(before: &str) -> bool {
    let Some(i) = before.rfind("rule ") else {
        return false;
    };
    let after = before.get(i..).unwrap_or("");
    after.contains('{')
        && !after.contains('}')
        && !after.lines().any(|l| {
            matches!(
                l.split_whitespace().next(),
                Some("for" | "let" | "where" | "deny")
            )
        })
}

fn item(
    label: &str,
    kind: CompletionKind,
    detail: Option<String>,
    doc: Option<String>,
) -> Completion {
    Completion {
        label: label.to_string(),
        kind,
        detail,
        doc,
    }
}

fn native_item(n: &natives::Native) -> Completion {
    item(
        n.name,
        CompletionKind::Function,
        Some(n.signature()),
        Some(n.doc.trim().to_string()),
    )
}

fn def_item(d: &super::index::Def) -> Completion {
    let kind = match d.kind {
        DefKind::Function => CompletionKind::Function,
        DefKind::Constant => CompletionKind::Constant,
        DefKind::ModuleAlias => CompletionKind::Module,
        _ => CompletionKind::Variable,
    };
    item(&d.name, kind, Some(signature(d)), d.doc.clone())
}

fn entity_item(k: &EntityKind, label: &str) -> Completion {
    item(
        label,
        CompletionKind::Entity,
        Some(format!("entity kind {}", k.name)),
        Some(k.doc.to_string()),
    )
}

/// Keeps the first candidate of each label.
fn dedup(items: Vec<Completion>) -> Vec<Completion> {
    let mut seen = BTreeSet::new();
    items
        .into_iter()
        .filter(|c| seen.insert(c.label.clone()))
        .collect()
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}
