//! A small lexer over `.pal` text that finds the comments and the ends of string literals.
//!
//! The grammar skips comments, so the formatter recovers them from the text. The lexer must
//! step over string literals (`"…"` with escapes and `{…}` interpolations, which may nest
//! strings of their own, `r"…"` and `"""…"""`) so that a `//` inside a string, such as a URL,
//! is not taken for a comment. Comments inside an interpolation belong to the string literal,
//! which the formatter re-emits verbatim, so they are not reported.

/// The byte range of one `//` (or `///`) comment, from the slashes to the last non-blank
/// character of its line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct CommentSpan {
    pub(super) start: usize,
    pub(super) end: usize,
}

/// Every comment outside string literals, in source order.
pub(super) fn comments(text: &str) -> Vec<CommentSpan> {
    let mut out = Vec::new();
    skip_code(text.as_bytes(), 0, false, Some(&mut out));
    out
}

/// The end (exclusive) of the string literal that starts at `start` (`"`, `"""` or `r"`).
pub(super) fn string_end(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    match bytes.get(start) {
        Some(b'r') => raw_end(bytes, start + 2),
        _ => quoted_end(bytes, start),
    }
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Steps over code from `i`. With `in_interp`, stops after the `}` that closes the current
/// interpolation; otherwise runs to the end. Records comments into `out` when given.
fn skip_code(
    bytes: &[u8],
    mut i: usize,
    in_interp: bool,
    mut out: Option<&mut Vec<CommentSpan>>,
) -> usize {
    let mut depth = 0usize;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let line_end = find_byte(bytes, i, b'\n');
                if let Some(out) = out.as_deref_mut() {
                    let mut end = line_end;
                    while end > i + 2 && bytes.get(end - 1).is_some_and(u8::is_ascii_whitespace) {
                        end -= 1;
                    }
                    out.push(CommentSpan { start: i, end });
                }
                i = line_end;
            }
            b'"' => i = quoted_end(bytes, i),
            b'r' if bytes.get(i + 1) == Some(&b'"')
                && (i == 0 || !bytes.get(i - 1).is_some_and(|p| is_ident_byte(*p))) =>
            {
                i = raw_end(bytes, i + 2);
            }
            b'{' if in_interp => {
                depth += 1;
                i += 1;
            }
            b'}' if in_interp => {
                if depth == 0 {
                    return i + 1;
                }
                depth -= 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The first `needle` at or after `from`, or the end of the text.
fn find_byte(bytes: &[u8], from: usize, needle: u8) -> usize {
    let rest = bytes.get(from..).unwrap_or(&[]);
    rest.iter()
        .position(|b| *b == needle)
        .map_or(bytes.len(), |p| from + p)
}

/// End of a raw string whose body starts at `body`: just after the next `"`.
fn raw_end(bytes: &[u8], body: usize) -> usize {
    (find_byte(bytes, body, b'"') + 1).min(bytes.len())
}

/// End of a `"…"` or `"""…"""` literal starting at `start`.
fn quoted_end(bytes: &[u8], start: usize) -> usize {
    if bytes.get(start..start + 3) == Some(b"\"\"\"") {
        let mut i = start + 3;
        while i < bytes.len() {
            if bytes.get(i..i + 3) == Some(b"\"\"\"") {
                return i + 3;
            }
            i += 1;
        }
        return bytes.len();
    }
    let mut i = start + 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => return i + 1,
            b'{' => i = skip_code(bytes, i + 1, true, None),
            _ => i += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<&str> {
        comments(src)
            .iter()
            .map(|c| src.get(c.start..c.end).unwrap_or("?"))
            .collect()
    }

    #[test]
    fn finds_comments_outside_strings() {
        let src = "a // one  \r\n\"http://x\" r\"//\" \"\"\"\n// no\n\"\"\" /// two\n// three";
        assert_eq!(texts(src), ["// one", "/// two", "// three"]);
    }

    #[test]
    fn steps_over_interpolations() {
        let src = "\"{f(\"}\" + \"//\")} // no\" // yes\n\"a\\\"//\" //\n";
        assert_eq!(texts(src), ["// yes", "//"]);
    }

    #[test]
    fn ident_ending_in_r_is_not_a_raw_string() {
        let src = "xr\"\\\"//\" // c";
        assert_eq!(texts(src), ["// c"]);
    }

    #[test]
    fn string_ends() {
        assert_eq!(string_end("\"a\\\"b\" x", 0), 6);
        assert_eq!(string_end("r\"a\\\" x", 0), 5);
        assert_eq!(string_end("\"\"\"a\"b\"\"\" x", 0), 9);
        assert_eq!(string_end("\"unterminated", 0), 13);
    }
}
