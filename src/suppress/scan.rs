//! Reading `palisade:ignore` directives out of one input file's text.
//!
//! Grammar, inside any comment: `palisade:ignore[-file] TARGET reason="…" [expires=YYYY-MM-DD]`
//! where `TARGET` is a rule id or a requirement (`SR 2.1`, `SR 1.1 RE 1`).

use crate::check::normalize_requirement;
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};

use super::{comment, scope, Scope, Suppression, Target};

const MARKER: &str = "palisade:ignore";

/// The directives of a file, and a `palisade::bad-suppression` error for each malformed one.
pub fn scan(file: FileId, text: &str) -> (Vec<Suppression>, Vec<Diagnostic>) {
    let mut found = Vec::new();
    let mut diags = Vec::new();
    // Most files have no directive: one search of the whole text settles it, with a searcher
    // built once for every file (building one per file cost more than most searches).
    static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(MARKER));
    if FINDER.find(text.as_bytes()).is_none() {
        return (found, diags);
    }
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        let Some(at) = line.find(MARKER) else {
            continue;
        };
        let before = line.get(..at).unwrap_or_default();
        if !comment::opens_comment(before) {
            continue;
        }
        let rest = line.get(at + MARKER.len()..).unwrap_or_default();
        let (whole_file, rest) = match rest.strip_prefix("-file") {
            Some(r) => (true, r),
            None => (false, rest),
        };
        if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
            continue; // e.g. `palisade:ignored`, not a directive
        }
        let body = comment::strip_closer(rest.trim_end_matches(['\n', '\r']));
        let marker_len = MARKER.len() + if whole_file { "-file".len() } else { 0 };
        let span = Span::new(
            file,
            line_start + at,
            line_start + at + marker_len + body.trim_end().len(),
        );
        let scope = if whole_file {
            Some(Scope::File(file))
        } else {
            scope::block_after(text, offset).map(|(start, end)| Scope::Block { file, start, end })
        };
        match parse(body) {
            Err(problem) => diags.push(bad(span, problem)),
            Ok((_, None, _)) => {
                diags.push(bad(span, "the suppression gives no `reason`".to_string()))
            }
            Ok((target, Some(reason), expires)) => match scope {
                None => diags.push(bad(
                    span,
                    "the suppression is followed by nothing to suppress".to_string(),
                )),
                Some(scope) => found.push(Suppression {
                    target,
                    reason,
                    expires,
                    scope,
                    span,
                    owner: None,
                    external: false,
                }),
            },
        }
    }
    (found, diags)
}

fn bad(span: Span, problem: String) -> Diagnostic {
    Diagnostic::new(Code::BadSuppression, format!("malformed suppression: {problem}"))
        .at(span, "this directive suppresses nothing")
        .help("write e.g. `# palisade:ignore RULE-ID reason=\"why\" expires=2026-12-31` (or `SR 2.1` for a requirement)")
}

type Parsed = (Target, Option<String>, Option<jiff::civil::Date>);

fn parse(body: &str) -> Result<Parsed, String> {
    let body = body.trim();
    let (target, mut rest) = if let Some(sr) = body.strip_prefix("SR") {
        // `SR x.y` with an optional `RE n`.
        let mut words = sr.split_whitespace();
        let num = words.next().unwrap_or_default();
        let mut text = format!("SR {num}");
        let after_num = sr.trim_start().get(num.len()..).unwrap_or_default();
        let mut rest = after_num;
        let trimmed = after_num.trim_start();
        if let Some(re) = trimmed.strip_prefix("RE") {
            let re_num = re.split_whitespace().next().unwrap_or_default();
            text = format!("{text} RE {re_num}");
            rest = re.trim_start().get(re_num.len()..).unwrap_or_default();
        }
        let req = normalize_requirement(&text)
            .ok_or_else(|| format!("`{}` is not a requirement reference", text.trim()))?;
        (Target::Requirement(req), rest)
    } else {
        let id = body.split_whitespace().next().unwrap_or_default();
        if id.is_empty() || id.contains('=') {
            return Err("the suppression names no rule or requirement".to_string());
        }
        (
            Target::Rule(id.to_string()),
            body.get(id.len()..).unwrap_or_default(),
        )
    };
    let mut reason = None;
    let mut expires = None;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let (key, value) = rest
            .split_once('=')
            .ok_or_else(|| format!("expected `key=value`, found `{}`", rest.trim()))?;
        let key = key.trim();
        let value = value.trim_start();
        let (value, after) = match value.strip_prefix('"') {
            Some(v) => {
                let close = v
                    .find('"')
                    .ok_or_else(|| format!("the value of `{key}` has no closing quote"))?;
                (
                    v.get(..close).unwrap_or_default(),
                    v.get(close + 1..).unwrap_or_default(),
                )
            }
            None => {
                let end = value.find(char::is_whitespace).unwrap_or(value.len());
                (
                    value.get(..end).unwrap_or_default(),
                    value.get(end..).unwrap_or_default(),
                )
            }
        };
        match key {
            "reason" if value.trim().is_empty() => return Err("the `reason` is empty".to_string()),
            "reason" => reason = Some(value.to_string()),
            "expires" => {
                let date = value
                    .parse::<jiff::civil::Date>()
                    .map_err(|_| format!("`expires={value}` is not a date (write YYYY-MM-DD)"))?;
                expires = Some(date);
            }
            other => {
                return Err(format!(
                    "unknown key `{other}` (expected `reason` or `expires`)"
                ))
            }
        }
        rest = after;
    }
    Ok((target, reason, expires))
}

#[cfg(test)]
mod tests {
    use super::scan;
    use crate::diag::Code;
    use crate::source::FileId;
    use crate::suppress::{Scope, Target};

    const F: FileId = FileId(0);

    #[test]
    fn every_comment_syntax_is_read() {
        for text in [
            "# palisade:ignore r1 reason=\"x\"\nk: v\n",
            "// palisade:ignore r1 reason=\"x\"\nk = v\n",
            "/* palisade:ignore r1 reason=\"x\" */\nk = v\n",
            "! palisade:ignore r1 reason=\"x\"\npermit ip any any\n",
            "<!-- palisade:ignore r1 reason=\"x\" -->\n<rule/>\n",
            "k: v # palisade:ignore r1 reason=\"x\"\nk2: v\n",
        ] {
            let (found, diags) = scan(F, text);
            assert!(diags.is_empty(), "{text}: {diags:?}");
            let s = found.first().unwrap_or_else(|| panic!("{text}"));
            assert_eq!(s.target, Target::Rule("r1".to_string()), "{text}");
            assert_eq!(s.reason, "x", "{text}");
        }
    }

    #[test]
    fn line_comments_of_every_format_are_read_back() {
        use crate::firewall::Vendor;
        use crate::input::Format;
        for format in [
            Format::Yaml,
            Format::Json,
            Format::Toml,
            Format::Hcl,
            Format::Firewall(Vendor::Iptables),
            Format::Firewall(Vendor::Nftables),
            Format::Firewall(Vendor::CiscoIos),
            Format::Firewall(Vendor::CiscoAsa),
            Format::Firewall(Vendor::Junos),
            Format::Firewall(Vendor::Pfsense),
        ] {
            let comment = crate::suppress::line_comment(format, "palisade:ignore r1 reason=\"x\"");
            let text = format!("  {comment}\n  k: v\n");
            let (found, diags) = scan(F, &text);
            assert!(diags.is_empty(), "{text}: {diags:?}");
            let s = found.first().unwrap_or_else(|| panic!("{text}"));
            assert_eq!(s.target, Target::Rule("r1".to_string()), "{text}");
        }
    }

    #[test]
    fn requirements_dates_and_whole_files() {
        let text = "# palisade:ignore-file SR 1.1 RE 2 reason=\"lab\" expires=2026-03-01\nk: v\n";
        let (found, diags) = scan(F, text);
        assert!(diags.is_empty(), "{diags:?}");
        let s = found.first().unwrap_or_else(|| panic!("none"));
        assert_eq!(s.target, Target::Requirement("SR 1.1 RE 2".to_string()));
        assert_eq!(
            s.expires.map(|d| d.to_string()).as_deref(),
            Some("2026-03-01")
        );
        assert_eq!(s.scope, Scope::File(F));
    }

    #[test]
    fn malformed_directives_are_errors() {
        for text in [
            "# palisade:ignore r1\nk: v\n",
            "# palisade:ignore reason=\"x\"\nk: v\n",
            "# palisade:ignore r1 reason=\"x\" expires=soon\nk: v\n",
            "# palisade:ignore r1 reason=\"x\" until=2026-01-01\nk: v\n",
            "# palisade:ignore SR 9.9 reason=\"x\"\nk: v\n",
            "# palisade:ignore r1 reason=\"\"\nk: v\n",
        ] {
            let (found, diags) = scan(F, text);
            assert!(found.is_empty(), "{text}");
            assert_eq!(diags.len(), 1, "{text}");
            assert!(
                diags.iter().all(|d| d.code == Code::BadSuppression),
                "{text}"
            );
        }
    }

    #[test]
    fn text_that_is_not_a_comment_is_ignored() {
        let (found, diags) = scan(F, "k: palisade:ignore r1\nk2: palisade:ignored\n");
        assert!(found.is_empty() && diags.is_empty());
    }
}
