//! Leniency for two indentation slips that strict YAML 1.2 rejects but common readers
//! (libyaml, go-yaml, so kubectl and docker compose) accept:
//!
//! - the continuation lines of a multi-line quoted string indented less than its key or
//!   list entry (`- "exec a \` / `  --flag"`);
//! - a line inside a multi-line `[...]` or `{...}` indented at or left of its key (a closing
//!   `]` under the key).
//!
//! Indentation carries no meaning in either place (a quoted string folds leading blanks away;
//! a flow collection ignores them), so the loader pads the offending lines with spaces and
//! parses again; the file is then read as those readers read it, with a warning. Only the
//! parser sees the padded text: [`Shifts`] maps its positions back to the original, so every
//! span still points into the file as written.

use std::collections::BTreeMap;

use crate::diag::{Code, Diagnostic, Severity};
use crate::source::{FileId, Span};

/// Most repairs tried on one file before its syntax error is reported as it is.
pub(super) const MAX_REPAIRS: usize = 16;

/// Spaces to insert at the start of lines (by the line's byte offset in the original text).
#[derive(Default)]
pub(super) struct Repairs {
    pads: BTreeMap<usize, usize>,
    pub(super) warnings: Vec<Diagnostic>,
}

/// A character-index map from the padded text back to the original.
#[derive(Default)]
pub(super) struct Shifts {
    lines: Vec<Shift>,
}

/// One padded line, in characters.
struct Shift {
    /// Where the line starts in the padded text.
    padded_start: usize,
    /// Where the line starts in the original text.
    original_start: usize,
    /// Spaces inserted at its start.
    pad: usize,
    /// Spaces inserted up to and including this line.
    total: usize,
}

impl Shifts {
    /// The character index in the original text of character `index` of the padded text
    /// (inserted spaces map to the start of their line).
    pub(super) fn original(&self, index: usize) -> usize {
        let after = self.lines.partition_point(|l| l.padded_start <= index);
        match after.checked_sub(1).and_then(|i| self.lines.get(i)) {
            None => index,
            Some(line) if index < line.padded_start + line.pad => line.original_start,
            Some(line) => index - line.total,
        }
    }
}

impl Repairs {
    pub(super) fn is_empty(&self) -> bool {
        self.pads.is_empty()
    }

    /// The padded text, and the map back to the original.
    pub(super) fn apply(&self, text: &str) -> (String, Shifts) {
        let mut padded = String::with_capacity(text.len() + self.pads.values().sum::<usize>());
        let mut shifts = Shifts::default();
        let (mut copied, mut chars, mut total) = (0, 0, 0);
        for (&line, &pad) in &self.pads {
            let Some(chunk) = text.get(copied..line) else {
                continue;
            };
            padded.push_str(chunk);
            chars += chunk.chars().count();
            copied = line;
            shifts.lines.push(Shift {
                padded_start: chars + total,
                original_start: chars,
                pad,
                total: total + pad,
            });
            total += pad;
            padded.extend(std::iter::repeat_n(' ', pad));
        }
        padded.push_str(text.get(copied..).unwrap_or(""));
        (padded, shifts)
    }

    /// Pads the continuation lines of the quoted string whose opening quote is at byte
    /// `quote` so that they start at least at the quote's column. Whether anything changed.
    pub(super) fn quoted(&mut self, file: FileId, text: &str, quote: usize) -> bool {
        let single = text.as_bytes().get(quote) == Some(&b'\'');
        let Some(body) = text.get(quote + 1..) else {
            return false;
        };
        let end = quote + 1 + closing_quote(body, single).unwrap_or(body.len());
        let column = self.column(text, quote);
        let mut changed = false;
        let mut line = next_line(text, quote);
        while let Some(start) = line.filter(|l| *l <= end) {
            changed |= self.pad_to(text, start, column);
            line = next_line(text, start);
        }
        if changed {
            self.warnings.push(
                Diagnostic::new(
                    Code::InputSyntax,
                    "quoted string continues on lines indented less than the string",
                )
                .severity(Severity::Warning)
                .at(Span::new(file, quote, quote + 1), "this string")
                .help("indent the continuation lines further than the key or `-` the string belongs to; strict YAML readers reject this file"),
            );
        }
        changed
    }

    /// Pads the lines of an open flow collection, from the one holding byte `at` (rejected
    /// for its indentation) to the one that closes the collection, past the indentation of the
    /// line where the outermost open `[` or `{` (at byte `open`, `depth` levels deep) starts.
    /// Whether anything changed.
    pub(super) fn flow(
        &mut self,
        file: FileId,
        text: &str,
        at: usize,
        open: usize,
        depth: usize,
    ) -> bool {
        let first = line_start(text, at);
        let opening_line = line_start(text, open);
        let target = (self.indentation(text, opening_line) + 1).max(self.column(text, at) + 1);
        let last = line_start(text, flow_end(text, at, depth));
        let mut changed = false;
        let mut line = Some(first);
        while let Some(start) = line.filter(|l| *l <= last) {
            changed |= self.pad_to(text, start, target);
            line = next_line(text, start);
        }
        if changed {
            self.warnings.push(
                Diagnostic::new(
                    Code::InputSyntax,
                    "lines inside `[...]` or `{...}` are indented too little",
                )
                .severity(Severity::Warning)
                .at(
                    crate::input::report::point(file, text, at),
                    "indented at or left of the line that opens the brackets",
                )
                .help("indent the lines of a multi-line `[...]` or `{...}` further than its key; strict YAML readers reject this file"),
            );
        }
        changed
    }

    /// Pads the line starting at `start` so that its content starts at column `target` or
    /// later (counting the padding already planned). Whether the padding grew.
    fn pad_to(&mut self, text: &str, start: usize, target: usize) -> bool {
        let have = self.indentation(text, start);
        if have >= target || is_blank_line(text, start) {
            return false;
        }
        *self.pads.entry(start).or_insert(0) += target - have;
        true
    }

    /// The column (in characters, padding included) of byte `at`.
    fn column(&self, text: &str, at: usize) -> usize {
        let start = line_start(text, at);
        let pad = self.pads.get(&start).copied().unwrap_or(0);
        pad + text.get(start..at).map_or(0, |s| s.chars().count())
    }

    /// The blanks at the start of the line at `start`, padding included.
    fn indentation(&self, text: &str, start: usize) -> usize {
        let pad = self.pads.get(&start).copied().unwrap_or(0);
        let rest = text.get(start..).unwrap_or("");
        pad + rest.chars().take_while(|c| *c == ' ' || *c == '\t').count()
    }
}

/// The offset of the bracket that closes `depth` open flow collections, scanning from `from`
/// (quotes and comments skipped); the text length if they never close.
fn flow_end(text: &str, from: usize, depth: usize) -> usize {
    let bytes = text.as_bytes();
    let mut depth = depth;
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i;
                }
            }
            b'"' | b'\'' => {
                let body = text.get(i + 1..).unwrap_or("");
                match closing_quote(body, b == b'\'') {
                    Some(close) => i += close + 1,
                    None => return text.len(),
                }
            }
            b'#' if i == 0 || bytes.get(i - 1).is_some_and(|p| p.is_ascii_whitespace()) => {
                i += text
                    .get(i..)
                    .and_then(|rest| rest.find('\n'))
                    .unwrap_or(text.len() - i);
            }
            _ => {}
        }
        i += 1;
    }
    text.len()
}

/// The offset of the closing quote in `body` (the text after the opening quote).
fn closing_quote(body: &str, single: bool) -> Option<usize> {
    let bytes = body.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match (b, single) {
            (b'\\', false) => i += 2,
            (b'\'', true) if bytes.get(i + 1) == Some(&b'\'') => i += 2,
            (b'\'', true) | (b'"', false) => return Some(i),
            _ => i += 1,
        }
    }
    None
}

fn line_start(text: &str, at: usize) -> usize {
    text.get(..at)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |nl| nl + 1)
}

/// The start of the line after the one holding `at`.
fn next_line(text: &str, at: usize) -> Option<usize> {
    let nl = text.get(at..)?.find('\n')?;
    let start = at + nl + 1;
    (start < text.len()).then_some(start)
}

fn is_blank_line(text: &str, start: usize) -> bool {
    text.get(start..)
        .map(|rest| rest.split('\n').next().unwrap_or(""))
        .is_none_or(|line| line.trim().is_empty())
}
