//! Escaping text for XML 1.0 documents (the JUnit writer).
//!
//! Everything that comes from inputs or policies goes through here. Characters XML 1.0 does
//! not allow at all (most C0 controls, U+FFFE, U+FFFF) and the C1 controls it discourages
//! become `�`, so the document always parses and never carries terminal escape sequences.

/// Escapes character data (the text between tags). A carriage return is written as `&#13;`
/// so parsers do not fold it into a line feed.
pub(crate) fn text(s: &str) -> String {
    escape(s, false)
}

/// Escapes an attribute value for use between double or single quotes. Line feeds, carriage
/// returns and tabs are written as character references, which survive attribute-value
/// normalization.
pub(crate) fn attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{attr, text};

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(text(r#"<&>"'"#), r#"&lt;&amp;&gt;"'"#);
        assert_eq!(attr(r#"<&>"'"#), "&lt;&amp;&gt;&quot;&apos;");
    }

    #[test]
    fn forbidden_characters_are_replaced() {
        assert_eq!(
            text("a\u{0}b\u{1b}[31mc\u{8}\u{b}\u{c}"),
            "a\u{fffd}b\u{fffd}[31mc\u{fffd}\u{fffd}\u{fffd}"
        );
        assert_eq!(
            text("\u{85}\u{9b}\u{7f}\u{fffe}\u{ffff}"),
            "\u{fffd}".repeat(5)
        );
        assert_eq!(text("é ✓ 𝄞"), "é ✓ 𝄞");
    }

    #[test]
    fn whitespace_survives() {
        assert_eq!(text("a\nb\tc\rd"), "a\nb\tc&#13;d");
        assert_eq!(attr("a\nb\tc\rd"), "a&#10;b&#9;c&#13;d");
    }
}
