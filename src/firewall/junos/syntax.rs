//! Statements of JunOS configuration text, in either syntax, before they are merged into the
//! configuration tree.
//!
//! A hierarchical statement is words (and `[ … ]` lists) ended by `;`, by a `{ … }` block or,
//! leniently, by the end of the line, a `}` or the end of the file. At the top level, a line
//! starting with `set`, `deactivate`, `activate` or `delete` is a flat command: its words are
//! the whole path from the root. Both forms may be mixed in one file.

use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};

use super::lexer::{lex, Tok, Token};

/// How deep a statement may sit in the tree (words from the root); deeper statements are
/// reported and skipped, so nothing downstream recurses without bound.
const MAX_DEPTH: usize = 256;

/// A word with where it is written.
#[derive(Clone, Debug)]
pub(crate) struct Word {
    pub(crate) text: String,
    pub(crate) span: Span,
}

/// One position of a statement: a word or a `[ … ]` list of alternatives.
#[derive(Clone, Debug)]
pub(crate) enum Elem {
    Word(Word),
    List(Vec<Word>),
}

/// What a statement does to the tree.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Verb {
    /// A hierarchical statement or `set`: add the path.
    Set,
    /// `deactivate PATH` or an `inactive:` prefix.
    Deactivate,
    Activate,
    /// `delete PATH` or a `delete:` prefix.
    Delete,
    /// Flat commands that do not change what the configuration means (`protect`, `annotate`).
    Ignore,
}

/// A parsed statement.
#[derive(Clone, Debug)]
pub(crate) struct Stmt {
    pub(crate) verb: Verb,
    /// An `inactive:` prefix: the statement is in the configuration but not in effect.
    pub(crate) inactive: bool,
    /// A `replace:` prefix: the statement replaces what was there.
    pub(crate) replace: bool,
    pub(crate) elems: Vec<Elem>,
    pub(crate) span: Span,
    pub(crate) body: Option<Vec<Stmt>>,
    /// The `/* … */` annotation written just before the statement.
    pub(crate) comment: Option<String>,
}

/// Parses the whole text into top-level statements.
pub(crate) fn parse(file: FileId, text: &str, diags: &mut Vec<Diagnostic>) -> Vec<Stmt> {
    let toks = lex(file, text, diags);
    let mut p = Parser {
        toks: &toks,
        pos: 0,
        note: None,
        file,
        diags,
    };
    let mut out = Vec::new();
    loop {
        out.extend(p.block(0));
        match p.peek() {
            Some(t) if t.tok == Tok::Close => {
                let span = p.span_of(t);
                p.diags.push(
                    Diagnostic::new(Code::FirewallSyntax, "unmatched `}`")
                        .at(span, "no block is open here")
                        .help("remove the `}` or add the `{` it closes; the rest of the configuration is still read")
                        // Unbalanced brackets are recovered from: a warning, so the file still counts.
                        .severity(crate::diag::Severity::Warning),
                );
                p.pos += 1;
            }
            _ => break,
        }
    }
    out
}

struct Parser<'a> {
    toks: &'a [Token],
    pos: usize,
    /// The last `/* … */` comment seen between statements.
    note: Option<String>,
    file: FileId,
    diags: &'a mut Vec<Diagnostic>,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&'a Token> {
        self.toks.get(self.pos)
    }

    fn span_of(&self, t: &Token) -> Span {
        Span::new(self.file, t.start, t.end)
    }

    fn word(&self, t: &Token) -> Option<Word> {
        match &t.tok {
            Tok::Word(w) => Some(Word {
                text: w.clone(),
                span: self.span_of(t),
            }),
            _ => None,
        }
    }

    fn skip_blank(&mut self) {
        while let Some(t) = self.peek() {
            match &t.tok {
                Tok::Newline | Tok::Semi => {}
                Tok::Comment(c) => self.note = Some(c.clone()),
                _ => break,
            }
            self.pos += 1;
        }
    }

    /// Statements up to a `}` (not consumed) or the end.
    fn block(&mut self, depth: usize) -> Vec<Stmt> {
        let mut out = Vec::new();
        loop {
            self.skip_blank();
            match self.peek() {
                None => break,
                Some(t) if t.tok == Tok::Close => {
                    self.note = None;
                    break;
                }
                Some(_) => {}
            }
            if let Some(s) = self.stmt(depth) {
                out.push(s);
            }
        }
        out
    }

    fn stmt(&mut self, depth: usize) -> Option<Stmt> {
        let first = self.peek()?;
        let start = first.start;
        let mut end = first.end;
        let mut comment = self.note.take();
        let (mut inactive, mut replace, mut delete) = (false, false, false);
        // Prefixes, possibly on their own line (`replace:` then a comment then the statement).
        while let Some(t) = self.peek() {
            match &t.tok {
                Tok::Word(w) if w == "inactive:" => inactive = true,
                Tok::Word(w) if w == "replace:" => replace = true,
                Tok::Word(w) if w == "delete:" => delete = true,
                Tok::Word(w) if w == "protect:" || w == "unprotect:" || w == "active:" => {}
                Tok::Newline => {}
                Tok::Comment(c) => comment = Some(c.clone()),
                _ => break,
            }
            end = t.end;
            self.pos += 1;
        }
        let mut verb = if delete { Verb::Delete } else { Verb::Set };
        let mut flat = false;
        if depth == 0 {
            if let Some(Tok::Word(w)) = self.peek().map(|t| &t.tok) {
                let v = match w.as_str() {
                    "set" => Some(Verb::Set),
                    "deactivate" => Some(Verb::Deactivate),
                    "activate" => Some(Verb::Activate),
                    "delete" => Some(Verb::Delete),
                    "protect" | "unprotect" | "annotate" | "insert" | "rename" | "copy" => {
                        Some(Verb::Ignore)
                    }
                    _ => None,
                };
                if let Some(v) = v {
                    verb = v;
                    flat = true;
                    end = self.peek().map_or(end, |t| t.end);
                    self.pos += 1;
                }
            }
        }
        let mut elems = Vec::new();
        let mut body = None;
        while let Some(t) = self.peek() {
            match &t.tok {
                Tok::Word(_) => {
                    if let Some(w) = self.word(t) {
                        elems.push(Elem::Word(w));
                    }
                    end = t.end;
                    self.pos += 1;
                }
                Tok::LBrack => {
                    let (list, list_end) = self.list();
                    elems.push(Elem::List(list));
                    end = list_end;
                }
                Tok::RBrack => {
                    let span = self.span_of(t);
                    self.diags.push(
                        Diagnostic::new(Code::FirewallSyntax, "unmatched `]`")
                            .at(span, "no list is open here")
                            .help("remove the `]` or add the `[` it closes; the rest of the configuration is still read")
                            // Unbalanced brackets are recovered from: a warning, so the file still counts.
                            .severity(crate::diag::Severity::Warning),
                    );
                    self.pos += 1;
                }
                Tok::Semi => {
                    end = t.end;
                    self.pos += 1;
                    break;
                }
                Tok::Comment(_) => self.pos += 1,
                Tok::Newline | Tok::Close => break,
                Tok::Open => {
                    let open = self.span_of(t);
                    if flat {
                        self.diags.push(
                            Diagnostic::new(Code::FirewallSyntax, "`{` in a flat command")
                                .at(open, "a `set` command ends at the end of its line")
                                .help(
                                    "write the statement either as `set …` or as a `{ … }` block",
                                ),
                        );
                    }
                    self.pos += 1;
                    if depth + elems.len() >= MAX_DEPTH {
                        self.skip_block();
                    } else {
                        body = Some(self.block(depth + elems.len() + 1));
                    }
                    match self.peek() {
                        Some(c) if c.tok == Tok::Close => {
                            end = c.end;
                            self.pos += 1;
                        }
                        _ => {
                            end = self.toks.last().map_or(end, |t| t.end);
                            self.diags.push(
                                Diagnostic::new(Code::FirewallSyntax, "missing `}`")
                                    .at(open, "this block is never closed")
                                    .help("close the block with `}`; the configuration is read as if it were closed at the end")
                                    // Unbalanced brackets are recovered from: a warning, so the file still counts.
                                    .severity(crate::diag::Severity::Warning),
                            );
                        }
                    }
                    break;
                }
            }
        }
        if depth + elems.len() >= MAX_DEPTH {
            self.diags.push(
                Diagnostic::new(Code::FirewallSyntax, "statement nested too deeply")
                    .at(Span::new(self.file, start, end), "skipped")
                    .help(format!(
                        "configurations nest at most {MAX_DEPTH} words deep"
                    )),
            );
            return None;
        }
        if elems.is_empty() && body.is_none() {
            return None;
        }
        Some(Stmt {
            verb,
            inactive,
            replace,
            elems,
            span: Span::new(self.file, start, end),
            body,
            comment,
        })
    }

    /// Skips to the `}` closing the block just opened (not consumed).
    fn skip_block(&mut self) {
        let mut open = 0usize;
        while let Some(t) = self.peek() {
            match t.tok {
                Tok::Open => open += 1,
                Tok::Close if open == 0 => return,
                Tok::Close => open -= 1,
                _ => {}
            }
            self.pos += 1;
        }
    }

    /// A `[ … ]` list (the `[` is next); lists may span lines.
    fn list(&mut self) -> (Vec<Word>, usize) {
        let mut out = Vec::new();
        let open = self.peek().map(|t| self.span_of(t));
        let mut end = self.peek().map_or(0, |t| t.end);
        self.pos += 1;
        while let Some(t) = self.peek() {
            match &t.tok {
                Tok::Word(_) => {
                    if let Some(w) = self.word(t) {
                        out.push(w);
                    }
                }
                Tok::Newline | Tok::Comment(_) => {}
                Tok::RBrack => {
                    self.pos += 1;
                    return (out, t.end);
                }
                _ => break,
            }
            end = t.end;
            self.pos += 1;
        }
        if let Some(open) = open {
            self.diags.push(
                Diagnostic::new(Code::FirewallSyntax, "missing `]`")
                    .at(open, "this list is never closed")
                    .help("close the list with `]`"),
            );
        }
        (out, end)
    }
}
