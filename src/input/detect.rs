//! Which format a file is in: by extension, else by content.
//!
//! `.yaml`/`.yml`, `.json`, `.toml` and `.tf` (HCL; in any letter case) decide by themselves.
//! A Terraform JSON file (`.tf.json`) is JSON. Any other
//! file is sniffed, in this order:
//!
//! 1. JSON: the first non-blank character is `{` or `[` and the whole text parses as JSON
//!    (with comments and trailing commas, as the JSON loader accepts).
//! 2. YAML: the first line that is not blank or a comment is `---`, a `%` directive, or
//!    starts a block mapping (`key:` or `key: value`, also after `- `), and the whole text
//!    parses as YAML.
//! 3. TOML: that first line is a `[table]` / `[[array]]` header or a `key = value` pair, and
//!    the whole text parses as TOML. (Configuration files of tools such as Telegraf are TOML
//!    under a `.conf` name.)
//!
//! Anything else (prose, scripts, a YAML file of bare scalars) is `None`: the caller skips it.

use std::path::Path;

use super::{json, yaml, Format};

/// The format of the file at `path` with contents `text`, if it is one Palisade reads.
pub fn detect(path: &Path, text: &str) -> Option<Format> {
    if let Some(format) = by_extension(path) {
        return Some(format);
    }
    let body = text.trim_start_matches('\u{feff}');
    if let Some(vendor) = crate::firewall::sniff(body) {
        return Some(Format::Firewall(vendor));
    }
    let first = first_line(body)?;
    if first.starts_with(['{', '[']) && is_json(body) {
        return Some(Format::Json);
    }
    if looks_like_yaml(first) && yaml::parses(body) {
        return Some(Format::Yaml);
    }
    if looks_like_toml(first) && toml_edit::Document::parse(body).is_ok() {
        return Some(Format::Toml);
    }
    None
}

fn by_extension(path: &Path) -> Option<Format> {
    let extension = path.extension()?.to_str()?;
    [
        ("yaml", Format::Yaml),
        ("yml", Format::Yaml),
        ("json", Format::Json),
        ("toml", Format::Toml),
        ("tf", Format::Hcl),
    ]
    .into_iter()
    .find(|(ext, _)| extension.eq_ignore_ascii_case(ext))
    .map(|(_, format)| format)
}

/// The first line that is neither blank nor a `#` comment, trimmed.
fn first_line(text: &str) -> Option<&str> {
    text.lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with('#'))
}

fn is_json(text: &str) -> bool {
    let options = json::options();
    matches!(
        jsonc_parser::parse_to_ast(text, &jsonc_parser::CollectOptions::default(), &options),
        Ok(parsed) if parsed.value.is_some()
    )
}

fn looks_like_yaml(line: &str) -> bool {
    if line == "---" || line.starts_with("--- ") || line.starts_with('%') {
        return true;
    }
    let line = line.strip_prefix("- ").map_or(line, str::trim_start);
    let Some((key, rest)) = line.split_once(':') else {
        return false;
    };
    let key = key.trim_end();
    let quoted = key.len() >= 2
        && ((key.starts_with('"') && key.ends_with('"'))
            || (key.starts_with('\'') && key.ends_with('\'')));
    let plain = !key.is_empty()
        && !key.contains(char::is_whitespace)
        && !key.starts_with(['-', '[', '{', '&', '*', '!', '|', '>', '%', '@', '`']);
    (quoted || plain) && (rest.is_empty() || rest.starts_with([' ', '\t']))
}

fn looks_like_toml(line: &str) -> bool {
    if line.starts_with('[') {
        return line.ends_with(']') || line.contains("] ") || line.contains("]#");
    }
    match line.split_once('=') {
        Some((key, _)) => {
            let key = key.trim();
            !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '"' | '\'' | ' '))
        }
        None => false,
    }
}
