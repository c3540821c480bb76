//! Splitting one iptables-restore line into words, the way `iptables-restore` does: blanks
//! separate words, double quotes group (with `\"` and `\\` escapes), single quotes group
//! literally. Every word keeps its byte range in the file.

/// One word of a line.
#[derive(Clone, Debug)]
pub(super) struct Tok {
    /// The word with quotes removed and escapes resolved.
    pub(super) text: String,
    /// Byte range of the raw word (quotes included) in the file.
    pub(super) start: usize,
    pub(super) end: usize,
    /// Whether any part of the word was quoted (a quoted `-x` is a value, not an option).
    pub(super) quoted: bool,
}

impl Tok {
    /// Whether the word is an option (`-s`, `--dport`), not a value.
    pub(super) fn is_option(&self) -> bool {
        !self.quoted && self.text.len() > 1 && self.text.starts_with('-')
    }

    /// Whether the word is a bare `!` (negation of the next option or value).
    pub(super) fn is_bang(&self) -> bool {
        !self.quoted && self.text == "!"
    }
}

/// Splits `line`, which starts at byte `base` of the file. `Err` carries the offset of a quote
/// that is never closed.
pub(super) fn split(line: &str, base: usize) -> Result<Vec<Tok>, usize> {
    let mut toks = Vec::new();
    let mut chars = line.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut text = String::new();
        let mut quoted = false;
        let mut end = start;
        while let Some(&(i, c)) = chars.peek() {
            if c.is_whitespace() {
                break;
            }
            chars.next();
            end = i + c.len_utf8();
            match c {
                '"' | '\'' => {
                    quoted = true;
                    let mut closed = false;
                    while let Some((j, d)) = chars.next() {
                        end = j + d.len_utf8();
                        if d == c {
                            closed = true;
                            break;
                        }
                        if c == '"' && d == '\\' {
                            if let Some(&(k, e)) = chars.peek() {
                                if e == '"' || e == '\\' {
                                    chars.next();
                                    end = k + e.len_utf8();
                                    text.push(e);
                                    continue;
                                }
                            }
                        }
                        text.push(d);
                    }
                    if !closed {
                        return Err(base + i);
                    }
                }
                _ => text.push(c),
            }
        }
        toks.push(Tok {
            text,
            start: base + start,
            end: base + end,
            quoted,
        });
    }
    Ok(toks)
}
