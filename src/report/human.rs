//! Human output: rustc/ruff-style snippets rendered by miette, and a summary line.

use std::fmt;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

use crate::diag::{Diagnostic, Severity};
use crate::eval::{Finding, RuleSeverity};
use crate::source::{SourceDb, Span};

use super::{sanitize, sanitize_source, Location};

/// Renders diagnostics and findings for a terminal.
pub struct Renderer<'a> {
    db: &'a SourceDb,
    handler: GraphicalReportHandler,
}

impl<'a> Renderer<'a> {
    /// `color` turns on ANSI colours; `width` wraps text.
    pub fn new(db: &'a SourceDb, color: bool, width: usize) -> Renderer<'a> {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        Renderer {
            db,
            handler: GraphicalReportHandler::new_themed(theme)
                .with_width(width)
                .with_links(false)
                .with_context_lines(1),
        }
    }

    pub fn diagnostic(&self, d: &Diagnostic) -> String {
        let mut help = d.help.clone();
        let mut labels = Vec::new();
        if let Some(span) = d.span {
            labels.push((span, d.label.clone(), true));
        }
        for r in &d.related {
            if d.span.is_none_or(|s| s.file == r.span.file) {
                labels.push((r.span, Some(r.text.clone()), false));
            } else {
                let loc = Location::of(self.db, r.span);
                let extra = format!("{}: {loc}", r.text);
                help = Some(match help {
                    Some(h) => format!("{h}\n{extra}"),
                    None => extra,
                });
            }
        }
        let mut message = d.message.clone();
        if d.span.is_none() {
            if let Some(p) = &d.path {
                if !message.contains(p.as_str()) {
                    message = format!("{p}: {message}");
                }
            }
        }
        let severity = match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        };
        self.render(Draft {
            message,
            code: d.code.as_str().to_string(),
            severity,
            help,
            labels,
        })
    }

    pub fn finding(&self, f: &Finding) -> String {
        let r = &f.rule;
        let reqs = if r.requirements.is_empty() {
            String::new()
        } else {
            format!("IEC 62443-3-3 {}", r.requirements.join(", "))
        };
        let label = if reqs.is_empty() {
            r.title.clone()
        } else {
            reqs.clone()
        };
        let mut help = r.remediation.clone().unwrap_or_default();
        let meta = format!(
            "rule `{}` ({} severity, SL {}{}); `palisade explain {}` for details",
            r.id,
            r.severity.as_str(),
            r.level,
            r.fr.map(|n| format!(", FR{n}")).unwrap_or_default(),
            r.id
        );
        help = if help.is_empty() {
            meta
        } else {
            format!("{help}\n{meta}")
        };
        let severity = match r.severity {
            RuleSeverity::Critical | RuleSeverity::High => miette::Severity::Error,
            RuleSeverity::Medium => miette::Severity::Warning,
            RuleSeverity::Low => miette::Severity::Advice,
        };
        self.render(Draft {
            message: f.message.clone(),
            code: r.id.clone(),
            severity,
            help: Some(help),
            labels: f
                .span
                .map(|s| vec![(s, Some(label), true)])
                .unwrap_or_default(),
        })
    }

    fn render(&self, view: Draft) -> String {
        let view = View::build(self.db, view);
        let mut out = String::new();
        // Should the renderer fail, or panic on a snippet it cannot draw, the message still
        // goes out, plainly, and the report goes on.
        let drawn = crate::fault::catch(|| self.handler.render_report(&mut out, &view).is_ok());
        if !matches!(drawn, Ok(true)) {
            out = format!("{}: {}\n", view.code, view.message);
        }
        out
    }
}

/// What a diagnostic or finding says, before the source is attached.
struct Draft {
    message: String,
    code: String,
    severity: miette::Severity,
    help: Option<String>,
    labels: Vec<(Span, Option<String>, bool)>,
}

/// A [`Draft`] with its source attached, ready for miette.
struct View {
    message: String,
    code: String,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<NamedSource<Arc<String>>>,
    labels: Vec<LabeledSpan>,
}

impl View {
    fn build(db: &SourceDb, mut d: Draft) -> View {
        // A snippet of a very long line would be as long as the line (and miette cannot
        // draw labels past column 65,535): say where instead.
        if let Some((span, _, _)) = d.labels.iter().find(|(s, _, _)| !snippet_fits(db, *s)) {
            d.message = format!("{}: {}", Location::of(db, *span), d.message);
            d.labels.clear();
        }
        let source = d
            .labels
            .first()
            .and_then(|(span, _, _)| db.get(span.file))
            .map(|file| {
                // File names and contents come from the checked tree: neither may carry a
                // terminal escape sequence to the screen.
                let text = match sanitize_source(&file.text) {
                    std::borrow::Cow::Borrowed(_) => Arc::clone(&file.text),
                    std::borrow::Cow::Owned(clean) => Arc::new(clean),
                };
                NamedSource::new(sanitize(&file.name), text)
            });
        let labels = d
            .labels
            .iter()
            .map(|(s, text, primary)| {
                let len = shown_len(db, *s);
                let span = SourceSpan::new((s.start as usize).into(), len);
                let text = text.as_deref().map(sanitize);
                if *primary {
                    LabeledSpan::new_primary_with_span(text, span)
                } else {
                    LabeledSpan::new_with_span(text, span)
                }
            })
            .collect();
        View {
            message: sanitize(&d.message),
            code: d.code,
            severity: d.severity,
            help: d.help.as_deref().map(sanitize),
            source,
            labels,
        }
    }
}

/// Longest line (bytes) drawn in a snippet.
const MAX_SNIPPET_LINE: usize = 2_000;

/// Whether the lines a label's snippet shows (its own, and one of context each side) are all
/// short enough to draw.
fn snippet_fits(db: &SourceDb, span: Span) -> bool {
    let text = db.get(span.file).map(|f| f.text.as_str()).unwrap_or("");
    let start = (span.start as usize).min(text.len());
    let end = (start + shown_len(db, span)).min(text.len());
    let before = text.get(..start).unwrap_or("");
    let from = before
        .rfind('\n')
        .and_then(|i| before.get(..i))
        .map_or(0, |b| b.rfind('\n').map_or(0, |j| j + 1));
    let after = text.get(end..).unwrap_or("");
    let to = after
        .find('\n')
        .and_then(|i| after.get(i + 1..).map(|rest| (i, rest)))
        .map_or(text.len(), |(i, rest)| {
            end + i + 1 + rest.find('\n').unwrap_or(rest.len())
        });
    text.get(from..to)
        .unwrap_or("")
        .split('\n')
        .all(|line| line.len() <= MAX_SNIPPET_LINE)
}

/// Most lines a label may cover; a longer span (a block never closed, a whole file) is shown
/// by its first line only, so a hostile file cannot make the report as long as itself.
const MAX_LABEL_LINES: usize = 8;

/// The length of `span` as drawn: the whole span, or up to the end of its first line when it
/// covers more than [`MAX_LABEL_LINES`] lines.
fn shown_len(db: &SourceDb, span: Span) -> usize {
    let text = db.get(span.file).map(|f| f.text.as_str()).unwrap_or("");
    let covered = text
        .get(span.start as usize..span.end as usize)
        .unwrap_or("");
    if covered
        .bytes()
        .filter(|b| *b == b'\n')
        .take(MAX_LABEL_LINES + 1)
        .count()
        > MAX_LABEL_LINES
    {
        covered.find('\n').unwrap_or(covered.len())
    } else {
        span.len()
    }
}

impl fmt::Debug for View {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for View {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for View {}

impl miette::Diagnostic for View {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }
}

/// The closing summary line.
pub fn summary(
    findings: &[Finding],
    files: usize,
    rules: usize,
    errors: usize,
    warnings: usize,
) -> String {
    let mut counts = Vec::new();
    for sev in RuleSeverity::ALL.iter().rev() {
        let n = findings.iter().filter(|f| f.rule.severity == *sev).count();
        if n > 0 {
            counts.push(format!("{n} {}", sev.as_str()));
        }
    }
    let plural = |n: usize, w: &str| {
        if n == 1 {
            format!("{n} {w}")
        } else {
            format!("{n} {w}s")
        }
    };
    let detail = if counts.is_empty() {
        String::new()
    } else {
        format!(" ({})", counts.join(", "))
    };
    format!(
        "checked {} with {}: {}{detail}, {}, {}",
        plural(files, "file"),
        plural(rules, "rule"),
        plural(findings.len(), "finding"),
        plural(errors, "error"),
        plural(warnings, "warning"),
    )
}
