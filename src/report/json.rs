//! JSON output: one object with a schema version, the findings and the diagnostics.
//!
//! The schema is documented in `docs/output.md`; bump [`SCHEMA_VERSION`] on any breaking change.

use serde_json::{json, Value as Json};
use std::io::Write as _;

use crate::diag::Diagnostic;
use crate::eval::Finding;
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
    /// controls escaped (see [`super::escape_json_controls`]). Findings are converted one at a
    /// time as they are written, so the report is never held whole in memory: at 60,000
    /// findings it is about 45 MB of text.
    pub fn write_pretty<W: std::io::Write>(&self, out: W) -> std::io::Result<()> {
        // The skeleton has every key (so it orders them as the full report would), with empty
        // lists where the findings go.
        let mut skeleton = report(self.db, &[], self.diagnostics, self.files, self.rules);
        add_adoption(&mut skeleton, self.db, &[], self.baselined);
        if let Some(summary) = skeleton.get_mut("summary").and_then(Json::as_object_mut) {
            summary.insert("findings".to_string(), json!(self.findings.len()));
            summary.insert("suppressed".to_string(), json!(self.suppressed.len()));
        }
        let streamed = Streamed {
            skeleton: &skeleton,
            db: self.db,
            findings: self.findings,
            suppressed: self.suppressed,
        };
        let mut w = super::JsonControlEscaper::new(std::io::BufWriter::with_capacity(1 << 16, out));
        serde_json::to_writer_pretty(&mut w, &streamed).map_err(std::io::Error::other)?;
        w.write_all(b"\n")?;
        let mut buffered = w.into_inner()?;
        buffered.flush()
    }
}

/// The skeleton, with `findings` and `suppressed` written lazily.
struct Streamed<'a> {
    skeleton: &'a Json,
    db: &'a SourceDb,
    findings: &'a [Finding],
    suppressed: &'a [crate::suppress::Suppressed],
}

impl serde::Serialize for Streamed<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let Some(obj) = self.skeleton.as_object() else {
            return self.skeleton.serialize(s);
        };
        let mut map = s.serialize_map(Some(obj.len()))?;
        for (key, value) in obj {
            match key.as_str() {
                "findings" => map.serialize_entry(
                    key,
                    &Lazy(self.findings.len(), |i| {
                        self.findings.get(i).map(|f| finding(self.db, f))
                    }),
                )?,
                "suppressed" => map.serialize_entry(
                    key,
                    &Lazy(self.suppressed.len(), |i| {
                        self.suppressed
                            .get(i)
                            .map(|s: &crate::suppress::Suppressed| suppressed_entry(self.db, s))
                    }),
                )?,
                _ => map.serialize_entry(key, value)?,
            }
        }
        map.end()
    }
}

/// A list of `len` items made one at a time by the function.
struct Lazy<F>(usize, F);

impl<F: Fn(usize) -> Option<Json>> serde::Serialize for Lazy<F> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.0))?;
        for i in 0..self.0 {
            if let Some(item) = (self.1)(i) {
                seq.serialize_element(&item)?;
            }
        }
        seq.end()
    }
}
