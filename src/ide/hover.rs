//! Hover text: what a name at an offset is, in Markdown.

use crate::catalogue::catalogue;
use crate::check::META_KEYS;
use crate::entities::EntityKind;
use crate::natives::{self, Native};
use crate::source::{FileId, SourceDb, Span};

use super::index::{Def, DefKind, Index, Target};

/// Markdown for the name at an offset, and the span it describes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    pub markdown: String,
    pub span: Span,
}

/// The hover of the name at `offset` in `file`, if it names anything.
pub fn hover(index: &Index, db: &SourceDb, file: FileId, offset: u32) -> Option<Hover> {
    let r = index.at(file, offset)?;
    let markdown = match &r.target {
        Target::Def(id) => def_markdown(index, db, index.def(*id)?),
        Target::Native(n) => native_markdown(n),
        Target::Entity(k) => entity_markdown(k),
        Target::Field(k, f) => format!("```pal\n{}.{}\n```\n\n{}", k.name, f.name, f.doc),
        Target::Module(path) => module_markdown(index, path),
        Target::Requirement(id) => requirement_markdown(index, id),
        Target::MetaKey(key) => {
            let doc = META_KEYS
                .iter()
                .find(|(k, _)| *k == key)
                .map_or("unknown metadata key", |(_, d)| *d);
            format!("```pal\n{key}\n```\n\nRule metadata: {doc}.")
        }
    };
    Some(Hover {
        markdown,
        span: r.span,
    })
}

/// A native's signature and documentation.
pub fn native_markdown(n: &Native) -> String {
    format!(
        "```pal\n{}\n```\n\n`{}` (builtin)\n\n{}",
        n.signature(),
        n.module,
        n.doc.trim()
    )
}

fn entity_markdown(k: &EntityKind) -> String {
    let fields: Vec<String> = k
        .fields
        .iter()
        .map(|f| format!("- `{}`: {}", f.name, first_line(f.doc)))
        .collect();
    format!(
        "```pal\n{}\n```\n\nEntity kind: {}\n\nFields:\n{}",
        k.name,
        k.doc,
        fields.join("\n")
    )
}

fn module_markdown(index: &Index, path: &str) -> String {
    let mut members: Vec<String> = natives::in_module(path)
        .map(|n| format!("- `{}`", n.signature()))
        .collect();
    for id in index.package_members(path) {
        if let Some(d) = index.def(id) {
            members.push(format!("- `{}`", signature(d)));
        }
    }
    format!("```pal\nmodule {path}\n```\n\n{}", members.join("\n"))
}

/// The catalogue entry of a requirement and the rules citing it.
pub fn requirement_markdown(index: &Index, id: &str) -> String {
    let Some(req) = catalogue().get(id) else {
        return format!("`{id}` is not in the IEC 62443-3-3 catalogue");
    };
    let rules: Vec<String> = index
        .defs
        .iter()
        .filter(|d| d.kind == DefKind::Rule && cites(d, id))
        .map(|d| format!("`{}`", d.name))
        .collect();
    let coverage = match req.coverage.as_str() {
        "A" => "largely checkable from configurations",
        "P" => "partly checkable from configurations",
        _ => "organisational: evidence outside configurations",
    };
    let mut md = format!(
        "**IEC 62443-3-3 {}: {}**\n\nFR{} {} · SL {} · {coverage}\n\nEvidence: {}",
        req.id,
        req.title,
        req.fr,
        catalogue().fr_title(req.fr),
        req.level,
        req.evidence
    );
    if !rules.is_empty() {
        md.push_str(&format!("\n\nRules citing it: {}", rules.join(", ")));
    }
    md
}

fn cites(rule: &Def, id: &str) -> bool {
    rule.meta.iter().any(|(k, v)| {
        k == "requirement"
            && v.split(',').any(|s| {
                let s = s.trim().trim_matches('"');
                crate::check::normalize_requirement(s).as_deref() == Some(id)
            })
    })
}

/// How a definition reads in a signature line.
pub fn signature(d: &Def) -> String {
    match d.kind {
        DefKind::Function => {
            let params: Vec<&str> = d.params.iter().map(|p| &**p).collect();
            format!("fn {}({})", d.name, params.join(", "))
        }
        DefKind::Constant => format!("const {}", d.name),
        DefKind::Rule => format!("rule {}", d.name),
        DefKind::Test => format!("test {}", d.name),
        DefKind::Parameter => format!("{} (parameter)", d.name),
        DefKind::Variable => match d.entity {
            Some(k) => format!("{}: {}", d.name, k.name),
            None => d.name.to_string(),
        },
        DefKind::ModuleAlias => format!("import {}", d.module.as_deref().unwrap_or(&*d.name)),
    }
}

fn def_markdown(index: &Index, db: &SourceDb, d: &Def) -> String {
    let mut head = signature(d);
    if d.kind == DefKind::Constant {
        let text = db.slice(d.span);
        if let Some((_, value)) = text.split_once('=') {
            let value = value.trim();
            if value.len() <= 200 {
                head = format!("const {} = {value}", d.name);
            }
        }
    }
    let mut md = format!("```pal\n{head}\n```");
    if matches!(
        d.kind,
        DefKind::Function | DefKind::Constant | DefKind::Rule
    ) {
        md.push_str(&format!("\n\npackage `{}`", d.package));
    }
    if let Some(doc) = &d.doc {
        md.push_str("\n\n");
        md.push_str(doc.trim());
    }
    if d.kind == DefKind::Rule && !d.meta.is_empty() {
        md.push_str("\n\n");
        let lines: Vec<String> = d
            .meta
            .iter()
            .map(|(k, v)| format!("- **{k}** {v}"))
            .collect();
        md.push_str(&lines.join("\n"));
    }
    if let Some(k) = d.entity {
        md.push_str(&format!(
            "\n\nRanges over `{}`: {}",
            k.name,
            first_line(k.doc)
        ));
    }
    if d.kind == DefKind::ModuleAlias {
        if let Some(path) = &d.module {
            md = module_markdown(index, path);
        }
    }
    md
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}
