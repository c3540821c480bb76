//! The reader shared by the Cisco IOS and ASA adapters.
//!
//! Both dialects are read by one pass over blocks (a column-0 command and its indented lines)
//! that collects access lists, object groups, interfaces and attachments, then a second step
//! that resolves groups and turns each access-list entry into rules. The dialect decides how
//! `A B` addresses read (IOS wildcard, ASA netmask), what `any` means (IOS lists are one
//! family, ASA lists both), and whether a standard entry matches source (IOS) or destination
//! (ASA). Commands that do not filter (routing, AAA, crypto, NAT…) are skipped silently.

mod addr;
mod entry;
mod groups;
mod lines;
mod ports;
mod reader;
mod sniff;

pub(crate) use reader::parse;
pub(crate) use sniff::{looks_like_asa, looks_like_ios};

use crate::diag::{Code, Diagnostic};
use crate::source::Span;

/// Which Cisco syntax a file is in.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Dialect {
    Ios,
    Asa,
}

/// The warning for a construct that is not modelled (the caller marks the rule).
pub(crate) fn unsupported_warning(what: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::FirewallUnsupported,
        format!("{what} is not modelled; rules with it are treated conservatively"),
    )
    .at(span, "not modelled")
    .help("review this match by hand: analyses assume it may match more or less traffic")
}

/// The error for text that is malformed for the format (the line is skipped).
pub(crate) fn syntax(msg: &str, span: Span) -> Diagnostic {
    Diagnostic::new(Code::FirewallSyntax, msg.to_string())
        .at(span, "cannot be read")
        .help("fix the line; it is skipped, so the analysis misses what it does")
}
