//! A light scan of HCL text before parsing: where the brackets, comments and heredocs are.
//!
//! It serves two ends. The parser recurses, so [`Scan::too_deep`] bounds bracket nesting before
//! the parser sees the text. And [`repair`] makes text that Terraform accepts but the parser
//! rejects parseable, without moving a byte: inside an object `for` expression
//! (`{ for k in x : k => … }`) Terraform ignores line breaks, while the parser only ignores them
//! in some places (it rejects a conditional broken after its `:`). The repair turns those line
//! breaks, and the comments before them, into spaces, so every span still points at the original
//! text.
//!
//! The scan follows comments, quoted strings, heredocs and `${…}`/`%{…}` interpolations the way
//! the parser does; unbalanced text is left for the parser to report.

use std::ops::Range;

/// One opening bracket, brace, parenthesis or interpolation.
#[derive(Debug)]
struct Bracket {
    open: usize,
    /// The offset of the closing character, when there is one.
    close: Option<usize>,
    /// `{`, `[`, `(` or `$` (an interpolation).
    kind: u8,
    /// A `{` whose first word is `for`: an object `for` expression.
    for_object: bool,
}

/// What the scan found.
#[derive(Debug, Default)]
pub(super) struct Scan {
    /// In order of their opening offsets.
    brackets: Vec<Bracket>,
    comments: Vec<Range<usize>>,
    /// Heredoc bodies, from the line after `<<EOT` to the end of the closing line.
    heredocs: Vec<Range<usize>>,
    /// The first opening nested deeper than the bound.
    pub(super) too_deep: Option<usize>,
    /// The opening quote of the first string that a line break ends (Terraform rejects those).
    pub(super) unterminated: Option<usize>,
}

/// Where the scanner is: code (the file's body, or an interpolation), a quoted string, or a
/// heredoc ending at a line holding `delim`. Code frames hold the indexes of their open brackets.
enum Frame<'t> {
    Code {
        interpolation: Option<usize>,
        open: Vec<usize>,
    },
    Quoted {
        start: usize,
    },
    Heredoc {
        start: usize,
        delim: &'t [u8],
    },
}

/// Scans `text`, noting the first bracket nested deeper than `bound`.
pub(super) fn scan(text: &str, bound: usize) -> Scan {
    let bytes = text.as_bytes();
    let at = |i: usize| bytes.get(i).copied();
    let mut out = Scan::default();
    let mut stack = vec![Frame::Code {
        interpolation: None,
        open: Vec::new(),
    }];
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(b) = at(i) {
        let next = at(i + 1);
        let escape = matches!(b, b'$' | b'%') && next == Some(b) && at(i + 2) == Some(b'{');
        let interpolation = matches!(b, b'$' | b'%') && next == Some(b'{');
        let Some(frame) = stack.last_mut() else {
            break;
        };
        match frame {
            Frame::Code {
                interpolation: inside,
                open,
            } => match b {
                b'#' => {
                    let end = line_end(bytes, i);
                    out.comments.push(i..end);
                    i = end;
                }
                b'/' if next == Some(b'/') => {
                    let end = line_end(bytes, i);
                    out.comments.push(i..end);
                    i = end;
                }
                b'/' if next == Some(b'*') => {
                    let mut end = i + 2;
                    while end < bytes.len() && !(at(end) == Some(b'*') && at(end + 1) == Some(b'/'))
                    {
                        end += 1;
                    }
                    end = (end + 2).min(bytes.len());
                    out.comments.push(i..end);
                    i = end;
                }
                b'"' => {
                    stack.push(Frame::Quoted { start: i });
                    i += 1;
                }
                b'<' if next == Some(b'<') => match heredoc_start(bytes, i + 2) {
                    Some((delim, body)) => {
                        stack.push(Frame::Heredoc { start: body, delim });
                        i = body;
                    }
                    None => i += 2,
                },
                b'{' | b'[' | b'(' => {
                    open.push(out.brackets.len());
                    out.brackets.push(Bracket {
                        open: i,
                        close: None,
                        kind: b,
                        for_object: b == b'{' && starts_with_for(bytes, i + 1),
                    });
                    depth += 1;
                    if depth > bound && out.too_deep.is_none() {
                        out.too_deep = Some(i);
                        return out;
                    }
                    i += 1;
                }
                b'}' | b']' | b')' => {
                    if let Some(index) = open.pop() {
                        if let Some(bracket) = out.brackets.get_mut(index) {
                            bracket.close = Some(i);
                        }
                        depth = depth.saturating_sub(1);
                    } else if let (Some(index), b'}') = (*inside, b) {
                        if let Some(bracket) = out.brackets.get_mut(index) {
                            bracket.close = Some(i);
                        }
                        stack.pop();
                        depth = depth.saturating_sub(1);
                    }
                    i += 1;
                }
                _ => i += 1,
            },
            Frame::Quoted { start } => match b {
                b'\\' => i += 2,
                b'"' | b'\n' => {
                    if b == b'\n' && out.unterminated.is_none() {
                        out.unterminated = Some(*start);
                    }
                    stack.pop();
                    i += 1;
                }
                _ if escape => i += 3,
                _ if interpolation => {
                    if open_interpolation(&mut out, &mut stack, &mut depth, i, bound) {
                        return out;
                    }
                    i += 2;
                }
                _ => i += 1,
            },
            Frame::Heredoc { start, delim } => {
                let line_start = i == 0 || at(i - 1) == Some(b'\n');
                let end = if line_start { line_end(bytes, i) } else { i };
                let line = bytes.get(i..end).unwrap_or_default();
                if line_start && line.trim_ascii() == *delim {
                    out.heredocs.push(*start..end);
                    stack.pop();
                    i = end;
                } else if escape {
                    i += 3;
                } else if interpolation {
                    if open_interpolation(&mut out, &mut stack, &mut depth, i, bound) {
                        return out;
                    }
                    i += 2;
                } else {
                    i += 1;
                }
            }
        }
    }
    // An unterminated heredoc runs to the end of the text.
    for frame in stack {
        match frame {
            Frame::Heredoc { start, .. } => out.heredocs.push(start..bytes.len()),
            Frame::Quoted { start } if out.unterminated.is_none() => {
                out.unterminated = Some(start);
            }
            _ => {}
        }
    }
    out
}

/// Opens a `${` or `%{` at `i`; true when that goes past the bound.
fn open_interpolation(
    out: &mut Scan,
    stack: &mut Vec<Frame<'_>>,
    depth: &mut usize,
    i: usize,
    bound: usize,
) -> bool {
    stack.push(Frame::Code {
        interpolation: Some(out.brackets.len()),
        open: Vec::new(),
    });
    out.brackets.push(Bracket {
        open: i,
        close: None,
        kind: b'$',
        for_object: false,
    });
    *depth += 1;
    if *depth > bound {
        out.too_deep = Some(i);
        return true;
    }
    false
}

/// Whether the first word after `from` (past blanks) is the keyword `for`.
fn starts_with_for(bytes: &[u8], from: usize) -> bool {
    let rest = bytes.get(from..).unwrap_or_default();
    let start = rest
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(rest.len());
    let word = rest.get(start..).unwrap_or_default();
    word.starts_with(b"for")
        && word
            .get(3)
            .is_some_and(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-')))
}

/// After `<<`: an optional `-`, a name and the end of the line give the delimiter and the
/// offset where the heredoc's text starts.
fn heredoc_start(bytes: &[u8], from: usize) -> Option<(&[u8], usize)> {
    let from = if bytes.get(from) == Some(&b'-') {
        from + 1
    } else {
        from
    };
    let rest = bytes.get(from..)?;
    let len = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-')))
        .unwrap_or(rest.len());
    let delim = rest.get(..len).filter(|d| !d.is_empty())?;
    let mut i = from + len;
    if bytes.get(i) == Some(&b'\r') {
        i += 1;
    }
    (bytes.get(i) == Some(&b'\n')).then_some((delim, i + 1))
}

/// The offset of the line break ending the line that `from` is on (or the end of the text).
fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes
        .get(from..)
        .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
        .map_or(bytes.len(), |n| from + n)
}

/// Turns the line breaks and comments of the object `for` expression around `offset` into
/// spaces in `bytes` (a copy of the scanned text, maybe repaired before). Returns the region
/// repaired, or `None` when there is no such expression or it holds a heredoc (whose lines
/// matter). Line breaks inside a nested object constructor (`{ a = 1 ⏎ b = 2 }`) separate its
/// items and are kept. Only ASCII bytes replace whole characters, so `bytes` stays UTF-8.
pub(super) fn repair(bytes: &mut [u8], scan: &Scan, offset: usize) -> Option<Range<usize>> {
    let (index, region) = scan
        .brackets
        .iter()
        .enumerate()
        .filter(|(_, b)| b.for_object)
        .filter_map(|(i, b)| b.close.map(|close| (i, b.open..close + 1)))
        .filter(|(_, r)| r.contains(&offset))
        .max_by_key(|(_, r)| r.start)?;
    if scan
        .heredocs
        .iter()
        .any(|h| h.start < region.end && region.start < h.end)
    {
        return None;
    }
    // Where line breaks must stay: plain nested objects, merged into disjoint ranges in order.
    let mut keep: Vec<Range<usize>> = Vec::new();
    let nested = scan.brackets.iter().skip(index + 1);
    for b in nested.take_while(|b| b.open < region.end) {
        if b.kind != b'{' || b.for_object {
            continue;
        }
        let range = b.open..b.close.map_or(region.end, |c| c + 1);
        match keep.last_mut() {
            Some(last) if range.start < last.end => last.end = last.end.max(range.end),
            _ => keep.push(range),
        }
    }
    let mut blank = vec![false; region.len()];
    let mut kept = keep.iter().peekable();
    for (i, flag) in region.clone().zip(blank.iter_mut()) {
        while kept.peek().is_some_and(|k| k.end <= i) {
            kept.next();
        }
        let inside_kept = kept.peek().is_some_and(|k| k.contains(&i));
        *flag = !inside_kept && matches!(bytes.get(i), Some(b'\n' | b'\r'));
    }
    let comments = scan
        .comments
        .iter()
        .filter(|c| c.start >= region.start && c.end <= region.end);
    for comment in comments {
        let first = comment.start - region.start;
        let after = keep.partition_point(|k| k.end <= comment.start);
        if keep.get(after).is_some_and(|k| k.contains(&comment.start)) {
            continue;
        }
        for flag in blank
            .get_mut(first..first + comment.len())
            .unwrap_or_default()
        {
            *flag = true;
        }
    }
    let target = bytes.get_mut(region.clone()).unwrap_or_default();
    for (byte, flag) in target.iter_mut().zip(blank) {
        if flag {
            *byte = b' ';
        }
    }
    Some(region)
}
