//! The interpretation context: the tree and the diagnostics, with the two ways a rule
//! becomes inexact (an unmodelled construct, an undefined reference).

use crate::diag::{Code, Diagnostic};
use crate::firewall::model::Rule;
use crate::source::Span;

use super::tree::Node;

/// Something found while resolving a name that makes the rule using it inexact.
#[derive(Clone, Debug)]
pub(crate) enum Note {
    /// `what` (a kind of construct, the same for every occurrence) is not modelled;
    /// `detail` says which one.
    Unsupported {
        what: String,
        detail: String,
        span: Span,
    },
    /// A reference to an undefined `kind` named `name`.
    Unknown {
        kind: &'static str,
        name: String,
        span: Span,
    },
}

impl Note {
    pub(crate) fn unsupported(
        what: impl Into<String>,
        detail: impl Into<String>,
        span: Span,
    ) -> Note {
        Note::Unsupported {
            what: what.into(),
            detail: detail.into(),
            span,
        }
    }
}

pub(crate) struct Cx<'t> {
    pub(crate) root: &'t Node,
    pub(crate) diags: Vec<Diagnostic>,
}

impl<'t> Cx<'t> {
    pub(crate) fn new(root: &'t Node, diags: Vec<Diagnostic>) -> Cx<'t> {
        Cx { root, diags }
    }

    /// `what` (e.g. "`icmp-type` match") is not modelled: the rule is marked and a warning
    /// is given at `span`.
    pub(crate) fn unsupported(&mut self, rule: &mut Rule, what: &str, span: Span) {
        self.unsupported_in(rule, what, "", span);
    }

    /// Like [`Cx::unsupported`], with `detail` naming the occurrence (`` `X` ``).
    pub(crate) fn unsupported_in(&mut self, rule: &mut Rule, what: &str, detail: &str, span: Span) {
        let desc = if detail.is_empty() {
            what.to_string()
        } else {
            format!("{what}: {detail}")
        };
        rule.unsupported.push((desc, span));
        self.warn_unsupported(what, detail, span);
    }

    /// A warning for an unmodelled construct that belongs to no single rule.
    pub(crate) fn warn_unsupported(&mut self, what: &str, detail: &str, span: Span) {
        let label = if detail.is_empty() {
            "not modelled".to_string()
        } else {
            format!("{detail} is not modelled")
        };
        self.diags.push(
            Diagnostic::new(
                Code::FirewallUnsupported,
                format!("{what} is not modelled; the rule is treated conservatively"),
            )
            .at(span, label)
            .help("check what this construct matches by hand; analyses treat the rule as inexact"),
        );
    }

    /// A reference to an undefined `kind` named `name`; the rule, if any, is marked.
    pub(crate) fn unknown(&mut self, rule: Option<&mut Rule>, kind: &str, name: &str, span: Span) {
        if let Some(r) = rule {
            r.unsupported
                .push((format!("undefined {kind} `{name}`"), span));
        }
        self.diags.push(
            Diagnostic::new(
                Code::UnknownObject,
                format!("{kind} `{name}` is not defined"),
            )
            .at(span, "not defined")
            .help(format!("define the {kind} or correct the name")),
        );
    }

    /// Reports the notes of a name resolution against `rule`.
    pub(crate) fn notes(&mut self, rule: &mut Rule, notes: Vec<Note>) {
        for n in notes {
            match n {
                Note::Unsupported { what, detail, span } => {
                    self.unsupported_in(rule, &what, &detail, span);
                }
                Note::Unknown { kind, name, span } => self.unknown(Some(rule), kind, &name, span),
            }
        }
    }
}
