//! Diagnostics shared by the loaders: duplicate keys, tripped limits and syntax errors.

use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// A key written twice in one map; the later value wins.
pub(super) fn duplicate_key(key: &str, second: Span, first: Option<Span>) -> Diagnostic {
    let diag = Diagnostic::new(Code::DuplicateKey, format!("duplicate key `{key}`"))
        .at(second, "this value replaces the earlier one")
        .help("remove one of the two entries; only the last one is used");
    match first {
        Some(first) => diag.related(first, "first written here"),
        None => diag,
    }
}

/// Most lossy-number warnings per file: one is enough to act on, a million would drown the
/// report.
pub(super) const MAX_LOSSY: usize = 10;

/// A number that does not fit its type: `text` as written, `kind` as loaded. `None` when
/// nothing was lost.
pub(super) fn lossy_number(text: &str, kind: &crate::value::Kind, at: Span) -> Option<Diagnostic> {
    let crate::value::Kind::Float(f) = kind else {
        return None;
    };
    let lower = text.to_ascii_lowercase();
    if lower.contains("inf") || lower.contains("nan") {
        return None;
    }
    let hex_or_octal = lower.starts_with("0x") || lower.starts_with("0o");
    let mantissa = lower.split('e').next().unwrap_or("");
    let integral = hex_or_octal || !lower.contains(['.', 'e']);
    let read_as = if f.is_infinite() {
        "infinity"
    } else if *f == 0.0 && !hex_or_octal && mantissa.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        "zero"
    } else if integral && !fits_i64(&lower) {
        "a float, losing precision"
    } else {
        return None;
    };
    let shown: String = text.chars().take(40).collect();
    let ellipsis = if text.chars().count() > 40 { "…" } else { "" };
    Some(
        Diagnostic::new(
            Code::LossyNumber,
            format!("number `{shown}{ellipsis}` does not fit a 64-bit number; read as {read_as}"),
        )
        .at(at, "out of range")
        .help("quote the value if it is an identifier rather than a quantity"),
    )
}

/// Whether an integer as written (decimal with an optional sign, `0x` hex or `0o` octal)
/// fits in `i64`; an integer read as a float on purpose (`!!float 1`) lost nothing.
fn fits_i64(lower: &str) -> bool {
    let (negative, unsigned) = match lower.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, lower.strip_prefix('+').unwrap_or(lower)),
    };
    let (radix, digits) = if let Some(hex) = unsigned.strip_prefix("0x") {
        (16, hex)
    } else if let Some(oct) = unsigned.strip_prefix("0o") {
        (8, oct)
    } else {
        (10, unsigned)
    };
    let signed = if negative {
        format!("-{digits}")
    } else {
        digits.to_string()
    };
    i64::from_str_radix(&signed, radix).is_ok()
}

/// A map or list nested deeper than `Limits::max_depth`.
pub(super) fn too_deep(at: Span, max_depth: usize) -> Diagnostic {
    Diagnostic::new(
        Code::InputLimit,
        format!("nesting is deeper than the limit of {max_depth} levels"),
    )
    .at(at, "this value goes past the limit")
    .help("flatten the structure, or raise the depth limit if the file is trusted")
}

/// A syntax error at a byte range, with the parser's own description of it.
pub(super) fn syntax(
    format: &str,
    span: Span,
    what: &str,
    label: &str,
    help: impl Into<String>,
) -> Diagnostic {
    Diagnostic::new(Code::InputSyntax, format!("invalid {format}: {what}"))
        .at(span, label)
        .help(help)
}

/// A span at `offset` covering the character found there, or nothing at a line end or the
/// end of the text, so that a marker never straddles a line break.
pub(super) fn point(file: FileId, text: &str, offset: usize) -> Span {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let width = text
        .get(offset..)
        .and_then(|rest| rest.chars().next())
        .filter(|c| *c != '\n' && *c != '\r')
        .map_or(0, char::len_utf8);
    Span::new(file, offset, offset + width)
}

/// The span of a token a parser reported at `start..end`: the token itself when it is short
/// and on one line, else a [`point`] at its start.
pub(super) fn token(file: FileId, text: &str, start: usize, end: usize) -> Span {
    let start = floor_char_boundary(text, start);
    let end = floor_char_boundary(text, end.max(start));
    match text.get(start..end) {
        Some(token) if !token.is_empty() && token.len() <= 80 && !token.contains('\n') => {
            Span::new(file, start, end)
        }
        _ => point(file, text, start),
    }
}

/// The largest char boundary at or before `offset`.
pub(super) fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Makes a parser message read like ours: first letter lowercase (unless an acronym), no
/// trailing period, and single characters quoted as `'x'` shown in backticks.
pub(super) fn tidy_message(message: &str) -> String {
    let message = message.trim().trim_end_matches('.');
    let mut chars = message.chars();
    let lowered: String = match chars.next() {
        Some(first) => {
            let rest = chars.as_str();
            // Keep acronyms such as `TOML` as they are.
            if rest.chars().next().is_some_and(char::is_uppercase) {
                message.to_string()
            } else {
                first.to_lowercase().chain(rest.chars()).collect()
            }
        }
        None => String::new(),
    };
    backtick_quoted_chars(&lowered)
}

/// `'x'` → `` `x` `` for every single quoted character.
fn backtick_quoted_chars(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match (c, chars.get(i + 1), chars.get(i + 2)) {
            ('\'', Some(&quoted), Some('\'')) if quoted != '\'' => {
                out.push('`');
                out.push(quoted);
                out.push('`');
                i += 3;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}
