//! Tokens of JunOS configuration text, shared by the hierarchical (`{ … }`) and the flat
//! (`set …`) syntax: words, quoted strings, braces, brackets, `;` and line ends.
//!
//! `# …` comments (at the start of a token) are dropped; `/* … */` annotations are kept as
//! tokens, so the statement they precede can carry them. A `"` only opens a
//! string at the start of a token; inside a word it is an ordinary character.

use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// What a token is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    /// A bare word or the content of a quoted string.
    Word(String),
    Open,
    Close,
    Semi,
    LBrack,
    RBrack,
    Newline,
    /// The text of a `/* … */` comment, whitespace and leading `*`s of its lines removed.
    Comment(String),
}

/// A token with its byte range.
#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// Splits `text` into tokens; unterminated comments and strings are reported.
pub(crate) fn lex(file: FileId, text: &str, diags: &mut Vec<Diagnostic>) -> Vec<Token> {
    let b = text.as_bytes();
    let at = |i: usize| b.get(i).copied();
    let mut out = Vec::new();
    let mut i = 0;
    let mut brackets = 0usize;
    while let Some(c) = at(i) {
        let start = i;
        let single = match c {
            b'\n' => Some(Tok::Newline),
            b'{' => Some(Tok::Open),
            b'}' => Some(Tok::Close),
            b';' => Some(Tok::Semi),
            b'[' => {
                brackets += 1;
                Some(Tok::LBrack)
            }
            b']' => {
                brackets = brackets.saturating_sub(1);
                Some(Tok::RBrack)
            }
            _ => None,
        };
        if let Some(tok) = single {
            i += 1;
            out.push(Token { tok, start, end: i });
            continue;
        }
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'#' {
            while at(i).is_some_and(|c| c != b'\n') {
                i += 1;
            }
            continue;
        }
        if c == b'/' && at(i + 1) == Some(b'*') {
            match text.get(i + 2..).and_then(|rest| rest.find("*/")) {
                Some(n) => {
                    let body = text.get(i + 2..i + 2 + n).unwrap_or_default();
                    i += n + 4;
                    out.push(Token {
                        tok: Tok::Comment(comment_text(body)),
                        start,
                        end: i,
                    });
                }
                None => {
                    diags.push(
                        Diagnostic::new(Code::FirewallSyntax, "unterminated `/*` comment")
                            .at(Span::new(file, i, i + 2), "this comment is never closed")
                            .help("close the comment with `*/`"),
                    );
                    i = b.len();
                }
            }
            continue;
        }
        if c == b'"' {
            if let Some((s, end)) = string(text, i) {
                out.push(Token {
                    tok: Tok::Word(s),
                    start,
                    end,
                });
                i = end;
                continue;
            }
            diags.push(
                Diagnostic::new(Code::FirewallSyntax, "unterminated string")
                    .at(Span::new(file, i, i + 1), "this quote is never closed")
                    .help("close the string with `\"`"),
            );
            // Read the rest as a bare word.
        }
        while let Some(c) = at(i) {
            let stop = c.is_ascii_whitespace()
                || matches!(c, b'{' | b'}' | b';')
                || (c == b']' && brackets > 0);
            if stop {
                break;
            }
            i += 1;
        }
        if i == start {
            // A lone `]` outside brackets.
            i += 1;
        }
        let word = text.get(start..i).unwrap_or_default().to_string();
        out.push(Token {
            tok: Tok::Word(word),
            start,
            end: i,
        });
    }
    out
}

/// The lines of a comment, trimmed of spaces and `*` decorations, joined by spaces.
fn comment_text(body: &str) -> String {
    body.lines()
        .map(|l| l.trim().trim_start_matches('*').trim())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A quoted string starting at `open`: its content (escapes resolved) and the end offset.
fn string(text: &str, open: usize) -> Option<(String, usize)> {
    let mut s = String::new();
    let mut chars = text.get(open + 1..)?.char_indices();
    while let Some((k, c)) = chars.next() {
        match c {
            '"' => return Some((s, open + 1 + k + 1)),
            '\\' => {
                if let Some((_, e)) = chars.next() {
                    s.push(e);
                }
            }
            c => s.push(c),
        }
    }
    None
}
