//! Cisco configuration text as lines of whitespace-separated tokens with byte offsets, grouped
//! into blocks: a command at column 0 with the indented lines under it.
//!
//! `!` and `:` lines are comments. IOS `banner` text (between delimiters, possibly over
//! several lines) is skipped. Access-list entries written at column 0 (`permit …` after an
//! `ip access-list` header) stay in the block above them, as IOS reads them.

use crate::source::{FileId, Span};

/// One token and where it is.
#[derive(Copy, Clone, Debug)]
pub(crate) struct Tok<'a> {
    pub(crate) text: &'a str,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Tok<'_> {
    pub(crate) fn span(&self, file: FileId) -> Span {
        Span::new(file, self.start, self.end)
    }

    pub(crate) fn is(&self, word: &str) -> bool {
        self.text.eq_ignore_ascii_case(word)
    }
}

/// One non-empty line: its tokens and its indentation in bytes.
#[derive(Clone, Debug)]
pub(crate) struct Line<'a> {
    pub(crate) indent: usize,
    pub(crate) toks: Vec<Tok<'a>>,
}

impl<'a> Line<'a> {
    /// The text from the first token to the end of the last one.
    pub(crate) fn span(&self, file: FileId) -> Span {
        span_of(file, &self.toks)
    }

    /// The lowercased word at `i`, or `""`.
    pub(crate) fn word(&self, i: usize) -> String {
        self.toks
            .get(i)
            .map(|t| t.text.to_ascii_lowercase())
            .unwrap_or_default()
    }
}

/// The span covering `toks` (empty at 0 if there are none).
pub(crate) fn span_of(file: FileId, toks: &[Tok<'_>]) -> Span {
    match (toks.first(), toks.last()) {
        (Some(a), Some(b)) => Span::new(file, a.start, b.end),
        _ => Span::new(file, 0, 0),
    }
}

/// The original text from the start of `toks[0]` to the end of the last token.
pub(crate) fn rest_text<'a>(text: &'a str, toks: &[Tok<'a>]) -> &'a str {
    match (toks.first(), toks.last()) {
        (Some(a), Some(b)) => text.get(a.start..b.end).unwrap_or(""),
        _ => "",
    }
}

/// A top-level command and the lines under it.
#[derive(Clone, Debug)]
pub(crate) struct Block<'a> {
    pub(crate) head: Line<'a>,
    pub(crate) children: Vec<Line<'a>>,
}

impl Block<'_> {
    /// From the head's first token to the end of the last child.
    pub(crate) fn span(&self, file: FileId) -> Span {
        let head = self.head.span(file);
        match self.children.last() {
            Some(c) => head.to(c.span(file)),
            None => head,
        }
    }
}

fn tokenize(line: &str, offset: usize) -> Vec<Tok<'_>> {
    let mut toks = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in line.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                toks.push(tok(line, s, i, offset));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        toks.push(tok(line, s, line.len(), offset));
    }
    toks
}

fn tok(line: &str, s: usize, e: usize, offset: usize) -> Tok<'_> {
    Tok {
        text: line.get(s..e).unwrap_or(""),
        start: offset + s,
        end: offset + e,
    }
}

/// Every non-empty, non-comment line with its tokens.
fn lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let toks = tokenize(raw, offset);
        offset += raw.len();
        let Some(first) = toks.first() else { continue };
        if first.text.starts_with('!') || first.text.starts_with(':') {
            continue;
        }
        let indent = first.start - (offset - raw.len());
        out.push(Line { indent, toks });
    }
    out
}

/// Whether a column-0 line is an access-list entry rather than a global command.
fn is_entry(line: &Line<'_>) -> bool {
    let entry_word = |w: &str| matches!(w, "permit" | "deny" | "remark");
    let w0 = line.word(0);
    entry_word(&w0) || (w0.bytes().all(|b| b.is_ascii_digit()) && entry_word(&line.word(1)))
}

/// The delimiter of an IOS `banner TYPE <d>text<d>` and the text after the opening one.
fn banner_open<'a>(line: &Line<'a>) -> Option<(String, &'a str)> {
    let t = line.toks.get(2)?;
    if t.text.starts_with("^C") {
        return Some(("^C".to_string(), t.text.get(2..).unwrap_or("")));
    }
    let c = t.text.chars().next()?;
    Some((c.to_string(), t.text.get(c.len_utf8()..).unwrap_or("")))
}

/// Groups lines into blocks. `multiline_banners` is IOS's delimited `banner` syntax (ASA
/// banners are one line per command).
pub(crate) fn blocks(text: &str, multiline_banners: bool) -> Vec<Block<'_>> {
    let mut out: Vec<Block<'_>> = Vec::new();
    let mut banner_delim: Option<String> = None;
    for line in lines(text) {
        if let Some(d) = &banner_delim {
            let first = line.toks.first().map_or(0, |t| t.start);
            let last = line.toks.last().map_or(0, |t| t.end);
            if text
                .get(first..last)
                .is_some_and(|s| s.contains(d.as_str()))
            {
                banner_delim = None;
            }
            continue;
        }
        if multiline_banners && line.indent == 0 && line.word(0) == "banner" {
            if let Some((d, after)) = banner_open(&line) {
                let rest_toks = line.toks.get(3..).unwrap_or(&[]);
                let closed = after.contains(d.as_str())
                    || rest_toks.iter().any(|t| t.text.contains(d.as_str()));
                if !closed {
                    banner_delim = Some(d);
                }
            }
            out.push(Block {
                head: line,
                children: Vec::new(),
            });
            continue;
        }
        let child = line.indent > 0 || is_entry(&line);
        match out.last_mut() {
            Some(b) if child => b.children.push(line),
            _ => out.push(Block {
                head: line,
                children: Vec::new(),
            }),
        }
    }
    out
}
