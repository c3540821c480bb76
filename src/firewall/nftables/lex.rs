//! Tokens of the nftables language (`nft list ruleset` output and `nft -f` scripts), with
//! byte spans, and `define` variables substituted.

/// What a token is.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// A keyword, name, number, address, prefix or range (`saddr`, `10.0.0.0/8`, `1-2`,
    /// `@set`, `$var`, `.`, `:`).
    Word,
    /// A quoted string; `text` is without the quotes.
    Str,
    /// `==`, `!=`, `<`, `>`, `<=`, `>=`, `&`, `|`, `^`, `!`, `=`.
    Op,
    LBrace,
    RBrace,
    LParen,
    RParen,
    Comma,
    /// `;` or a line end: both end a statement.
    End,
}

#[derive(Clone, Debug)]
pub(super) struct Tok {
    pub(super) kind: Kind,
    pub(super) text: String,
    pub(super) start: usize,
    pub(super) end: usize,
}

impl Tok {
    pub(super) fn is(&self, word: &str) -> bool {
        self.kind == Kind::Word && self.text == word
    }

    pub(super) fn is_value(&self) -> bool {
        matches!(self.kind, Kind::Word | Kind::Str)
    }
}

/// A problem found while reading tokens: byte offset and message.
pub(super) type LexError = (usize, usize, String);

fn punct(c: char) -> Option<Kind> {
    Some(match c {
        '{' => Kind::LBrace,
        '}' => Kind::RBrace,
        '(' => Kind::LParen,
        ')' => Kind::RParen,
        ',' => Kind::Comma,
        ';' | '\n' => Kind::End,
        _ => return None,
    })
}

fn is_op(c: char) -> bool {
    matches!(c, '=' | '!' | '<' | '>' | '&' | '|' | '^')
}

/// Splits `text` into tokens; an unterminated string is reported and ends at the line end.
pub(super) fn tokens(text: &str) -> (Vec<Tok>, Vec<LexError>) {
    let mut toks = Vec::new();
    let mut errors = Vec::new();
    let mut it = text.char_indices().peekable();
    while let Some((start, c)) = it.next() {
        let tok = |kind, end: usize, t: &str| Tok {
            kind,
            text: t.to_string(),
            start,
            end,
        };
        if c == '\\' && it.peek().is_some_and(|&(_, n)| n == '\n' || n == '\r') {
            // A line continuation.
            while it.peek().is_some_and(|&(_, n)| n == '\r') {
                it.next();
            }
            it.next();
        } else if c == '#' {
            while it.peek().is_some_and(|&(_, n)| n != '\n') {
                it.next();
            }
        } else if let Some(kind) = punct(c) {
            toks.push(tok(
                kind,
                start + 1,
                text.get(start..start + 1).unwrap_or(""),
            ));
        } else if c.is_whitespace() {
        } else if c == '"' {
            let mut end = None;
            while let Some(&(i, n)) = it.peek() {
                if n == '\n' {
                    break;
                }
                it.next();
                if n == '"' {
                    end = Some(i);
                    break;
                }
            }
            match end {
                Some(e) => toks.push(tok(Kind::Str, e + 1, text.get(start + 1..e).unwrap_or(""))),
                None => {
                    let e = it.peek().map_or(text.len(), |&(i, _)| i);
                    let body = text.get(start..e).unwrap_or("");
                    let e = start + body.trim_end().len();
                    errors.push((start, e, "string is never closed".to_string()));
                    toks.push(tok(Kind::Str, e, text.get(start + 1..e).unwrap_or("")));
                }
            }
        } else if is_op(c) {
            let mut end = start + c.len_utf8();
            while let Some(&(i, n)) = it.peek() {
                if !is_op(n) || end - start >= 2 {
                    break;
                }
                it.next();
                end = i + n.len_utf8();
            }
            toks.push(tok(Kind::Op, end, text.get(start..end).unwrap_or("")));
        } else {
            let mut end = start + c.len_utf8();
            while let Some(&(i, n)) = it.peek() {
                if n.is_whitespace() || punct(n).is_some() || is_op(n) || n == '"' || n == '#' {
                    break;
                }
                it.next();
                end = i + n.len_utf8();
            }
            toks.push(tok(Kind::Word, end, text.get(start..end).unwrap_or("")));
        }
    }
    (toks, errors)
}

/// Removes `define NAME = VALUE` statements and replaces each `$NAME` by the value's tokens,
/// which keep the span of the `$NAME` they replace. Undefined variables are left in place.
pub(super) fn substitute(toks: Vec<Tok>) -> Vec<Tok> {
    let mut defs: Vec<(String, Vec<Tok>)> = Vec::new();
    let mut out: Vec<Tok> = Vec::with_capacity(toks.len());
    let mut i = 0;
    let mut at_start = true;
    while let Some(t) = toks.get(i) {
        let name = toks.get(i + 1).filter(|n| n.kind == Kind::Word);
        let eq = toks
            .get(i + 2)
            .is_some_and(|e| e.kind == Kind::Op && e.text == "=");
        if at_start && t.is("define") && name.is_some() && eq {
            let name = name.map(|n| n.text.clone()).unwrap_or_default();
            let mut depth = 0usize;
            let mut value = Vec::new();
            i += 3;
            while let Some(v) = toks.get(i) {
                match v.kind {
                    Kind::End if depth == 0 => break,
                    Kind::LBrace | Kind::LParen => depth += 1,
                    Kind::RBrace | Kind::RParen => depth = depth.saturating_sub(1),
                    _ => {}
                }
                value.push(v.clone());
                i += 1;
            }
            let value = expand(&value, &defs, None);
            defs.retain(|(n, _)| *n != name);
            defs.push((name, value));
            continue;
        }
        at_start = matches!(t.kind, Kind::End | Kind::LBrace | Kind::RBrace);
        out.extend(expand(std::slice::from_ref(t), &defs, Some(t)));
        i += 1;
    }
    out
}

/// `toks` with every defined `$NAME` replaced; replacements take the span of `at` (or of the
/// `$NAME` token when `at` is `None`).
fn expand(toks: &[Tok], defs: &[(String, Vec<Tok>)], at: Option<&Tok>) -> Vec<Tok> {
    let mut out = Vec::new();
    for t in toks {
        let def = t
            .text
            .strip_prefix('$')
            .filter(|_| t.kind == Kind::Word)
            .and_then(|n| defs.iter().find(|(d, _)| d == n));
        match def {
            Some((_, value)) => {
                let at = at.unwrap_or(t);
                out.extend(value.iter().map(|v| Tok {
                    start: at.start,
                    end: at.end,
                    ..v.clone()
                }));
            }
            None => out.push(t.clone()),
        }
    }
    out
}
