//! JSON output: one object with a schema version, the findings and the diagnostics.
//!
//! The schema is documented in `docs/output.md`; bump [`SCHEMA_VERSION`] on any breaking change.

use serde_json::{json, Value as Json};
use std::io::Write as _;
use std::sync::Arc;

use crate::diag::Diagnostic;
use crate::eval::{Finding, RuleMeta};
use crate::source::SourceDb;

use super::Location;

/// Version of the JSON output schema.
pub const SCHEMA_VERSION: u32 = 1;

fn location(db: &SourceDb, span: Option<crate::source::Span>) -> Json {
    match span {
        Some(s) => {
            let l = Location::of(db, s);
            json!({
                "file": l.file,
                "line": l.line,
                "column": l.column,
                "end_line": l.end_line,
                "end_column": l.end_column,
            })
        }
        None => json!({}),
    }
}

fn merge(mut base: Json, extra: Json) -> Json {
    if let (Some(b), Json::Object(e)) = (base.as_object_mut(), extra) {
        b.extend(e);
    }
    base
}

pub fn finding(db: &SourceDb, f: &Finding) -> Json {
    let r = &f.rule;
    merge(
        json!({
            "rule": r.id,
            "title": r.title,
            "package": r.package,
            "severity": r.severity.as_str(),
            "requirements": r.requirements,
            "fr": r.fr.map(|n| format!("FR{n}")),
            "level": r.level,
            "message": f.message,
            "remediation": r.remediation,
        }),
        location(db, f.span),
    )
}

pub fn diagnostic(db: &SourceDb, d: &Diagnostic) -> Json {
    let mut v = merge(
        json!({
            "code": d.code.as_str(),
            "severity": d.severity.as_str(),
            "message": d.message,
            "help": d.help,
        }),
        location(db, d.span),
    );
    if d.span.is_none() {
        if let (Some(p), Some(obj)) = (&d.path, v.as_object_mut()) {
            obj.insert("file".to_string(), json!(p));
        }
    }
    v
}

/// The whole report.
pub fn report(
    db: &SourceDb,
    findings: &[Finding],
    diagnostics: &[Diagnostic],
    files: usize,
    rules: usize,
) -> Json {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    json!({
        "version": SCHEMA_VERSION,
        "tool": {"name": "palisade", "version": env!("CARGO_PKG_VERSION")},
        "summary": {
            "files": files,
            "rules": rules,
            "findings": findings.len(),
            "errors": errors,
            "warnings": diagnostics.len() - errors,
        },
        "findings": findings.iter().map(|f| finding(db, f)).collect::<Vec<_>>(),
        "diagnostics": diagnostics.iter().map(|d| diagnostic(db, d)).collect::<Vec<_>>(),
    })
}

/// One entry of `suppressed`: the finding, why and until when it is accepted, by whom, and
/// whether a comment (`palisade:ignore`) or the configuration (`[[suppress]]`) says so.
fn suppressed_entry(db: &SourceDb, s: &crate::suppress::Suppressed) -> Json {
    merge(
        finding(db, &s.finding),
        json!({
            "reason": s.reason,
            "expires": s.expires.map(|d| d.to_string()),
            "owner": s.owner,
            "source": if s.external { "config" } else { "comment" },
        }),
    )
}

/// Adds the adoption fields to a [`report`]: `summary.suppressed`, `summary.baseline` and the
/// `suppressed` findings (each with its `reason` and `expires`).
pub fn add_adoption(
    report: &mut Json,
    db: &SourceDb,
    suppressed: &[crate::suppress::Suppressed],
    baselined: usize,
) {
    if let Some(summary) = report.get_mut("summary").and_then(Json::as_object_mut) {
        summary.insert("suppressed".to_string(), json!(suppressed.len()));
        summary.insert("baseline".to_string(), json!(baselined));
    }
    let list: Vec<Json> = suppressed.iter().map(|s| suppressed_entry(db, s)).collect();
    if let Some(obj) = report.as_object_mut() {
        obj.insert("suppressed".to_string(), json!(list));
    }
}

/// Everything the JSON report of a run is made of.
pub struct Report<'a> {
    pub db: &'a SourceDb,
    pub findings: &'a [Finding],
    pub diagnostics: &'a [Diagnostic],
    pub files: usize,
    pub rules: usize,
    pub suppressed: &'a [crate::suppress::Suppressed],
    pub baselined: usize,
}

impl Report<'_> {
    /// Writes the report, pretty-printed and followed by a line break, with DEL and the C1
    /// controls escaped (see [`super::escape_json_controls`]), byte for byte what
    /// `serde_json::to_writer_pretty` gives for the whole tree. The report is never held whole
    /// in memory (at 60,000 findings it is about 45 MB of text): the skeleton is rendered with
    /// empty `findings` and `suppressed`, and the entries are spliced in, rendered in parallel
    /// a window at a time.
    pub fn write_pretty<W: std::io::Write>(&self, out: W) -> std::io::Result<()> {
        // The skeleton has every key (so it orders them as the full report would), with empty
        // lists where the findings go.
        let mut skeleton = report(self.db, &[], self.diagnostics, self.files, self.rules);
        add_adoption(&mut skeleton, self.db, &[], self.baselined);
        if let Some(summary) = skeleton.get_mut("summary").and_then(Json::as_object_mut) {
            summary.insert("findings".to_string(), json!(self.findings.len()));
            summary.insert("suppressed".to_string(), json!(self.suppressed.len()));
        }
        let text = serde_json::to_string_pretty(&skeleton).map_err(std::io::Error::other)?;
        let mut w = super::JsonControlEscaper::new(std::io::BufWriter::with_capacity(1 << 16, out));

        // Where each list goes: just after the `[` of `"key": []` at the top level.
        let mut lists: Vec<(usize, Entries<'_>)> = [
            ("findings", Entries::Findings(self.findings)),
            ("suppressed", Entries::Suppressed(self.suppressed)),
        ]
        .into_iter()
        .filter_map(|(key, entries)| super::empty_list_at(&text, key, 1).map(|at| (at, entries)))
        .collect();
        lists.sort_by_key(|(at, _)| *at);
        let mut written = 0;
        for (at, entries) in lists {
            w.write_all(text.get(written..at).unwrap_or_default().as_bytes())?;
            entries.write(self.db, &mut w)?;
            written = at;
        }
        w.write_all(text.get(written..).unwrap_or_default().as_bytes())?;
        w.write_all(b"\n")?;
        let mut buffered = w.into_inner()?;
        buffered.flush()
    }
}

/// The entries of one top-level list of the report.
enum Entries<'a> {
    Findings(&'a [Finding]),
    Suppressed(&'a [crate::suppress::Suppressed]),
}

impl Entries<'_> {
    /// Writes the entries between the `[` and `]` of the list; its key is at depth one.
    fn write<W: std::io::Write>(
        &self,
        db: &SourceDb,
        w: &mut super::JsonControlEscaper<W>,
    ) -> std::io::Result<()> {
        match self {
            Entries::Findings(findings) => {
                let parts = RuleParts::of_findings(findings, ENTRY_DEPTH + 1);
                super::write_laid_out_entries(w, findings.len(), 1, |i, out| {
                    if let Some(f) = findings.get(i) {
                        if let Some(p) = parts.get(&rule_key(f)) {
                            write_finding(out, db, f, p);
                        }
                    }
                })
            }
            Entries::Suppressed(s) => super::write_list_entries(w, s.len(), 1, |i| {
                let mut out = Vec::new();
                if let Some(s) = s.get(i) {
                    // Writing to a vector cannot fail.
                    let _ = serde_json::to_writer_pretty(&mut out, &suppressed_entry(db, s));
                }
                out
            }),
        }
    }
}

/// The depth of the entries of the report's top-level lists.
const ENTRY_DEPTH: usize = 2;

/// The lines of a finding's entry that depend only on its rule, pretty-printed once per rule
/// at the depth of the entry's fields: `head` holds `fr` and `level`, `tail` the fields from
/// `package` to `title`. Each is whole lines, indented, without a final comma or line break.
struct RuleParts {
    head: String,
    tail: String,
}

#[derive(serde::Serialize)]
struct Head {
    fr: Option<String>,
    level: u8,
}

#[derive(serde::Serialize)]
struct Tail<'a> {
    package: &'a str,
    remediation: Option<&'a str>,
    requirements: &'a [String],
    rule: &'a str,
    severity: &'a str,
    title: &'a str,
}

impl RuleParts {
    fn of(r: &RuleMeta, depth: usize) -> RuleParts {
        RuleParts {
            head: fields_at(
                &Head {
                    fr: r.fr.map(|n| format!("FR{n}")),
                    level: r.level,
                },
                depth,
            ),
            tail: fields_at(
                &Tail {
                    package: &r.package,
                    remediation: r.remediation.as_deref(),
                    requirements: &r.requirements,
                    rule: &r.id,
                    severity: r.severity.as_str(),
                    title: &r.title,
                },
                depth,
            ),
        }
    }

    /// The parts of every rule among `findings`, by the rule's address (hashed with
    /// `foldhash`: a key is looked up twice per finding, and an address needs no protection
    /// from chosen collisions).
    fn of_findings(findings: &[Finding], depth: usize) -> foldhash::HashMap<usize, RuleParts> {
        let mut parts = foldhash::HashMap::default();
        for f in findings {
            parts
                .entry(rule_key(f))
                .or_insert_with(|| RuleParts::of(&f.rule, depth));
        }
        parts
    }
}

/// A finding's rule by address: findings of one rule share its metadata.
fn rule_key(f: &Finding) -> usize {
    Arc::as_ptr(&f.rule) as usize
}

/// The fields of `value` (a struct) pretty-printed as they appear inside an object at
/// `depth`: its lines without the braces, each indented to `depth`.
fn fields_at(value: &impl serde::Serialize, depth: usize) -> String {
    let pretty = serde_json::to_string_pretty(value).unwrap_or_default();
    let lines: Vec<&str> = pretty.lines().collect();
    let inner = lines
        .get(1..lines.len().saturating_sub(1))
        .unwrap_or_default();
    // The pretty printer indents a struct's fields one level; they belong `depth` levels in.
    let extra = "  ".repeat(depth.saturating_sub(1));
    inner
        .iter()
        .map(|l| format!("{extra}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Writes `s` as a JSON string, as `serde_json` does: most need no escape, and are copied whole.
fn string(out: &mut Vec<u8>, s: &str) {
    // (A fold, not `any`: without an early exit the test runs many bytes at a time.)
    let plain = s.bytes().fold(true, |plain, b| {
        plain & (b >= 0x20) & (b != b'"') & (b != b'\\')
    });
    if !plain {
        // Writing to a vector cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    } else {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    }
}

/// Writes a finding's entry as the pretty printer lays out [`finding`] for an entry at
/// [`ENTRY_DEPTH`] (the `{` unindented: the list writer puts it on its line), fields in key order:
/// the location's fields, `file`, the rule's head, `line`, `message`, the rule's tail.
/// `tests/adopt.rs` checks the layout against the pretty printer's for every shape.
fn write_finding(out: &mut Vec<u8>, db: &SourceDb, f: &Finding, rule: &RuleParts) {
    // Each field starts with a line break and the indentation of one level deeper than the
    // entry (six spaces).
    let mut number = itoa::Buffer::new();
    let mut number = |out: &mut Vec<u8>, key: &[u8], n: u32| {
        out.extend_from_slice(key);
        out.extend_from_slice(number.format(n).as_bytes());
        out.push(b',');
    };
    let start = f.span.map(|s| (s, db.line_cols(s)));
    out.push(b'{');
    if let Some((s, (start, end))) = &start {
        number(out, b"\n      \"column\": ", start.column);
        number(out, b"\n      \"end_column\": ", end.column);
        number(out, b"\n      \"end_line\": ", end.line);
        out.extend_from_slice(b"\n      \"file\": ");
        string(out, db.name(s.file));
        out.push(b',');
    }
    out.push(b'\n');
    out.extend_from_slice(rule.head.as_bytes());
    out.push(b',');
    if let Some((_, (start, _))) = &start {
        number(out, b"\n      \"line\": ", start.line);
    }
    out.extend_from_slice(b"\n      \"message\": ");
    string(out, &f.message);
    out.extend_from_slice(b",\n");
    out.extend_from_slice(rule.tail.as_bytes());
    // The entry's closing brace, at the entry's indentation.
    out.extend_from_slice(b"\n    }");
}
