//! Byte offsets from saphyr's markers, and the exact text of each node.
//!
//! saphyr counts positions in characters, not bytes. [`Offsets`] converts them with a cursor
//! that walks the text from the last position asked for; the parser asks in (nearly) rising
//! order, so a whole file costs one pass. ASCII text skips the walk entirely.
//!
//! saphyr's event spans also differ from the node text we want: a node's span starts at its
//! anchor or tag, a block scalar's span starts at its first content line and ends after its
//! last line break, and an empty scalar may borrow the span of the next token. The helpers
//! here narrow a span to the node itself.

use super::repair::Shifts;

/// Converts character indices to byte offsets in one text.
pub(super) struct Offsets<'t> {
    text: &'t str,
    /// When the parser reads a padded copy of the text: the way back to the original.
    shifts: Shifts,
    ascii: bool,
    /// A known pair (character index, byte offset) to walk from.
    char_at: usize,
    byte_at: usize,
}

impl<'t> Offsets<'t> {
    pub(super) fn new(text: &'t str, shifts: Shifts) -> Offsets<'t> {
        Offsets {
            text,
            shifts,
            ascii: text.is_ascii(),
            char_at: 0,
            byte_at: 0,
        }
    }

    /// The byte offset in the original text of character `index` of the parsed text (the
    /// text length past the end).
    pub(super) fn byte(&mut self, index: usize) -> usize {
        let index = self.shifts.original(index);
        if self.ascii {
            return index.min(self.text.len());
        }
        if index >= self.char_at {
            let rest = self.text.get(self.byte_at..).unwrap_or("");
            let steps = index - self.char_at;
            let (walked, byte) = match rest.char_indices().nth(steps) {
                Some((offset, _)) => (steps, self.byte_at + offset),
                None => (rest.chars().count(), self.text.len()),
            };
            self.char_at += walked;
            self.byte_at = byte;
        } else {
            let before = self.text.get(..self.byte_at).unwrap_or("");
            let steps = self.char_at - index;
            let (walked, byte) = match before.char_indices().rev().nth(steps - 1) {
                Some((offset, _)) => (steps, offset),
                None => (self.char_at, 0),
            };
            self.char_at -= walked;
            self.byte_at = byte;
        }
        self.byte_at
    }
}

/// The byte at `offset`, if any.
fn byte_at(text: &str, offset: usize) -> Option<u8> {
    text.as_bytes().get(offset).copied()
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Skips whitespace and comments from `offset`, stopping at `limit`.
fn skip_blank(text: &str, mut offset: usize, limit: usize) -> usize {
    while offset < limit {
        match byte_at(text, offset) {
            Some(b) if is_space(b) => offset += 1,
            Some(b'#') => {
                while offset < limit && !matches!(byte_at(text, offset), Some(b'\n') | None) {
                    offset += 1;
                }
            }
            _ => break,
        }
    }
    offset
}

/// Skips a node's properties (`&anchor`, `!tag`) and the blanks after them: the offset where
/// the node's content starts, at most `end`.
pub(super) fn skip_properties(text: &str, start: usize, end: usize) -> usize {
    let mut offset = skip_blank(text, start, end);
    while matches!(byte_at(text, offset), Some(b'&' | b'!')) && offset < end {
        while offset < end {
            match byte_at(text, offset) {
                Some(b) if is_space(b) || matches!(b, b',' | b'[' | b']' | b'{' | b'}') => break,
                Some(_) => offset += 1,
                None => break,
            }
        }
        offset = skip_blank(text, offset, end);
    }
    offset.min(end)
}

/// The end of the properties that start at `start`, without the blanks after them.
pub(super) fn properties_end(text: &str, start: usize, end: usize) -> usize {
    let content = skip_properties(text, start, end);
    trim_end(text, start, content)
}

/// Moves `end` back over whitespace, not before `start`.
pub(super) fn trim_end(text: &str, start: usize, mut end: usize) -> usize {
    while end > start && byte_at(text, end - 1).is_some_and(is_space) {
        end -= 1;
    }
    end
}

/// The end of the quoted scalar that starts at `start` (its quote): after the closing quote.
/// In single quotes `''` is a quote; in double quotes a backslash escapes the next character.
pub(super) fn quoted_end(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let quote = *bytes.get(start)?;
    let mut at = start + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' if quote == b'"' => at += 2,
            b if b == quote => {
                if quote == b'\'' && bytes.get(at + 1) == Some(&b'\'') {
                    at += 2;
                } else {
                    return Some(at + 1);
                }
            }
            _ => at += 1,
        }
    }
    None
}

/// The offset of the `-` that introduces a block list entry at `offset`: `offset` itself if
/// it is a `-`, else a `-` before it on the same line with only blanks between.
pub(super) fn dash_before(text: &str, offset: usize) -> usize {
    if byte_at(text, offset) == Some(b'-') {
        return offset;
    }
    let mut at = offset;
    while at > 0 && matches!(byte_at(text, at - 1), Some(b' ' | b'\t')) {
        at -= 1;
    }
    if at > 0 && byte_at(text, at - 1) == Some(b'-') {
        at - 1
    } else {
        offset
    }
}

/// Finds a block scalar's indicator (`|` or `>`) between the previous token (`from`) and the
/// scalar's content (`to`); only indicators, blanks and comments lie between them.
pub(super) fn block_indicator(text: &str, from: usize, to: usize) -> Option<usize> {
    let mut offset = from;
    while offset < to {
        match byte_at(text, offset)? {
            b'|' | b'>' => return Some(offset),
            b'#' => {
                while offset < to && !matches!(byte_at(text, offset), Some(b'\n') | None) {
                    offset += 1;
                }
            }
            _ => offset += 1,
        }
    }
    None
}
