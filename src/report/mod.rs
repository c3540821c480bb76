//! Reporters: one writer per output format. Only here are spans turned into lines and
//! columns and source text attached to diagnostics.

pub(crate) mod fingerprint;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
mod location;
pub mod merge;
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

/// Escapes, in serialized JSON, the characters JSON itself leaves raw but a terminal may obey:
/// DEL and the C1 controls (U+0080 to U+009F, among them CSI, U+009B). JSON writers escape only
/// what is below U+0020; these can appear only inside strings, where `\u00XX` means the same.
pub fn escape_json_controls(json: String) -> String {
    if !json.chars().any(|c| ('\u{7f}'..='\u{9f}').contains(&c)) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if ('\u{7f}'..='\u{9f}').contains(&c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
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
    fn json_escapes_del_and_c1_controls() {
        let json = serde_json::to_string("a\u{9b}31m\u{7f}b\u{1b}").unwrap_or_default();
        let escaped = super::escape_json_controls(json);
        assert_eq!(escaped, r#""a\u009b31m\u007fb\u001b""#);
        let back: String = serde_json::from_str(&escaped).unwrap_or_default();
        assert_eq!(back, "a\u{9b}31m\u{7f}b\u{1b}");
    }

    #[test]
    fn messages_lose_escape_characters() {
        assert_eq!(sanitize("x\u{1b}]0;t\u{7}y"), "x\u{fffd}]0;t\u{fffd}y");
    }
}
