//! The `Diagnostic` type: code, severity, message, labelled spans and help.

use crate::source::Span;

use super::Code;

/// How serious a diagnostic or finding is.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A secondary span with its own text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub text: String,
}

/// One problem, with everything needed to render it once the source text is attached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// What is wrong: lowercase, no final period, user input in backticks.
    pub message: String,
    /// Where, when the problem has a place in a file.
    pub span: Option<Span>,
    /// The text under the primary span.
    pub label: Option<String>,
    /// Why it matters and what to do.
    pub help: Option<String>,
    /// Further places that explain the problem.
    pub related: Vec<Label>,
    /// A file the problem concerns when there is no span (an unreadable file, say).
    pub path: Option<String>,
}

impl Diagnostic {
    pub fn new(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: code.default_severity(),
            code,
            message: message.into(),
            span: None,
            label: None,
            help: None,
            related: Vec::new(),
            path: None,
        }
    }

    pub fn at(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.span = Some(span);
        self.label = Some(label.into());
        self
    }

    pub fn span(mut self, span: Option<Span>) -> Diagnostic {
        self.span = span;
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn related(mut self, span: Span, text: impl Into<String>) -> Diagnostic {
        self.related.push(Label {
            span,
            text: text.into(),
        });
        self
    }

    pub fn path(mut self, path: impl Into<String>) -> Diagnostic {
        self.path = Some(path.into());
        self
    }

    pub fn severity(mut self, severity: Severity) -> Diagnostic {
        self.severity = severity;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}
