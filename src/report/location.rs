//! Turning a span into the 1-based start and end positions shown to users.

use crate::source::{SourceDb, Span};

/// Where a finding or diagnostic is: 1-based lines and columns; the end column is the
/// column just after the last character (exclusive), as in SARIF.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

impl Location {
    pub fn of(db: &SourceDb, span: Span) -> Location {
        let start = db.line_col(span.file, span.start);
        let end = db.line_col(span.file, span.end);
        Location {
            file: db.name(span.file).to_string(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}
