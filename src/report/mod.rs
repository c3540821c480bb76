//! Reporters: one writer per output format. Only here are spans turned into lines and
//! columns and source text attached to diagnostics.

pub(crate) mod fingerprint;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
mod location;
pub mod sarif;
mod uri;
mod xml;

pub use location::Location;

/// Replaces terminal control characters (escape sequences from hostile inputs) with `�`.
pub fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

/// Source text safe to print: each terminal control character (other than line breaks and
/// tabs) becomes as many `?` as it has bytes, so every byte offset, hence every span, still
/// points at the same place. Borrows the text when it holds no control character.
pub fn sanitize_source(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |(i, c): (usize, char)| {
        c.is_control()
            && c != '\n'
            && c != '\t'
            && !(c == '\r' && text.as_bytes().get(i + 1) == Some(&b'\n'))
    };
    if !text.char_indices().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if unsafe_char((i, c)) {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::{sanitize, sanitize_source};

    #[test]
    fn source_keeps_offsets_and_line_breaks() {
        let text = "a: \u{1b}[31m\r\nb: \u{9b}x\rc\t\n";
        let clean = sanitize_source(text);
        assert_eq!(clean.len(), text.len());
        assert_eq!(clean, "a: ?[31m\r\nb: ??x?c\t\n");
        assert!(matches!(
            sanitize_source("plain\n"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn messages_lose_escape_characters() {
        assert_eq!(sanitize("x\u{1b}]0;t\u{7}y"), "x\u{fffd}]0;t\u{fffd}y");
    }
}
