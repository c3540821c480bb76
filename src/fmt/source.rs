//! The source text as the formatter sees it: slices by span and the few questions about
//! layout that the AST cannot answer (where a construct really ends, whether a line was
//! blank, where a keyword that the AST does not record starts).

use crate::source::Span;

use super::lexer::{self, CommentSpan};

/// The text of the file being formatted and its comments.
pub(super) struct Src<'a> {
    pub(super) text: &'a str,
    pub(super) comments: Vec<CommentSpan>,
}

impl<'a> Src<'a> {
    pub(super) fn new(text: &'a str) -> Src<'a> {
        Src {
            text,
            comments: lexer::comments(text),
        }
    }

    /// The text of a byte range (empty if the range is not valid).
    pub(super) fn get(&self, start: usize, end: usize) -> &'a str {
        self.text.get(start..end).unwrap_or("")
    }

    /// The source text of a span: how leaf tokens (numbers, strings, keys) are re-emitted.
    pub(super) fn slice(&self, span: Span) -> &'a str {
        self.text.get(span.range()).unwrap_or("")
    }

    /// Moves `pos` back over whitespace and comments, not below `floor`. pest spans of rules
    /// that end in a repetition include the whitespace and comments after them; this gives
    /// where the construct's last token ends.
    pub(super) fn trim_back(&self, mut pos: usize, floor: usize) -> usize {
        loop {
            let before = self.get(floor, pos);
            pos = floor + before.trim_end().len();
            match self.comment_ending_at(pos) {
                Some(c) if c.start >= floor && c.start < pos => pos = c.start,
                _ => return pos,
            }
        }
    }

    fn comment_ending_at(&self, pos: usize) -> Option<CommentSpan> {
        let i = self.comments.partition_point(|c| c.end < pos);
        self.comments.get(i).copied().filter(|c| c.end == pos)
    }

    /// Whether only whitespace precedes `pos` on its line.
    pub(super) fn own_line(&self, pos: usize) -> bool {
        let before = self.get(0, pos);
        let line = before.rsplit('\n').next().unwrap_or("");
        line.trim().is_empty()
    }

    /// Whether `pos` starts its line and the line above it is blank.
    pub(super) fn blank_before(&self, pos: usize) -> bool {
        if !self.own_line(pos) {
            return false;
        }
        let before = self.get(0, pos);
        let Some(newline) = before.rfind('\n') else {
            return false;
        };
        let above = before.get(..newline).unwrap_or("");
        above.rsplit('\n').next().unwrap_or("").trim().is_empty()
    }

    /// The start of keyword `kw` written before `pos` (with only whitespace and comments in
    /// between), or `pos` itself when it is not there.
    pub(super) fn keyword_before(&self, pos: usize, kw: &str) -> usize {
        let end = self.trim_back(pos, 0);
        if self.get(0, end).ends_with(kw) {
            end - kw.len()
        } else {
            pos
        }
    }

    /// The first `ch` at or after `from` outside comments.
    pub(super) fn find_char(&self, from: usize, ch: u8) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let mut i = from;
        while let Some(&b) = bytes.get(i) {
            if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
                let rest = bytes.get(i..).unwrap_or(&[]);
                i += rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
            } else if b == ch {
                return Some(i);
            } else {
                i += 1;
            }
        }
        None
    }

    /// The source text of the first string literal inside `span`.
    pub(super) fn string_in(&self, span: Span) -> &'a str {
        let (start, end) = (span.start as usize, span.end as usize);
        match self.find_char(start, b'"') {
            Some(open) if open < end => {
                let close = lexer::string_end(self.text, open).min(end);
                self.get(open, close)
            }
            _ => "\"\"",
        }
    }
}
