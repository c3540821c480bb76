//! Comment syntaxes of the input formats, as far as suppressions need them.
//!
//! `#` (YAML, TOML, HCL, iptables, nftables, JunOS set), `//` and `/* */` (HCL, JunOS), `!`
//! (Cisco) and `<!-- -->` (pfSense/OPNsense XML).

/// Openers that may precede a directive on its line (`!` only at the start of a line).
const OPENERS: &[&str] = &["#", "//", "/*", "<!--"];

/// Whether a line (without its indentation) is a comment.
pub(super) fn is_comment(trimmed: &str) -> bool {
    trimmed.starts_with('!') || OPENERS.iter().any(|o| trimmed.starts_with(o))
}

/// The closer a line leaves open, if it starts a block comment it does not close.
pub(super) fn open_block(trimmed: &str) -> Option<&'static str> {
    if trimmed.starts_with("/*") && !trimmed.contains("*/") {
        Some("*/")
    } else if trimmed.starts_with("<!--") && !trimmed.contains("-->") {
        Some("-->")
    } else {
        None
    }
}

/// Whether the text before a directive on its line opens a comment.
pub(super) fn opens_comment(before: &str) -> bool {
    before.trim_start().starts_with('!') || OPENERS.iter().any(|o| before.contains(o))
}

/// Cuts a comment closer (`*/`, `-->`) and what follows from a directive's text.
pub(super) fn strip_closer(text: &str) -> &str {
    let end = ["*/", "-->"]
        .iter()
        .filter_map(|c| text.find(c))
        .min()
        .unwrap_or(text.len());
    text.get(..end).unwrap_or(text)
}

/// `body` as a whole-line comment in the comment syntax of `format`, e.g. `# body` for YAML,
/// `// body` for JSON (JSONC), `! body` for Cisco and `<!-- body -->` for pfSense XML. Used by
/// the language server's "suppress this finding" action, so what it inserts is a directive
/// [`scan`](super::scan) reads back.
pub fn line_comment(format: crate::input::Format, body: &str) -> String {
    use crate::firewall::Vendor;
    use crate::input::Format;
    match format {
        Format::Json => format!("// {body}"),
        Format::Firewall(Vendor::CiscoIos | Vendor::CiscoAsa) => format!("! {body}"),
        Format::Firewall(Vendor::Pfsense) => format!("<!-- {body} -->"),
        Format::Yaml
        | Format::Toml
        | Format::Hcl
        | Format::Firewall(Vendor::Iptables | Vendor::Nftables | Vendor::Junos) => {
            format!("# {body}")
        }
    }
}
