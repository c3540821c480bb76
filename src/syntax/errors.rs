//! Turning pest errors into diagnostics with user words instead of rule names.

use pest::error::{Error, ErrorVariant, InputLocation};

use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};

use super::parser::Rule;

/// A diagnostic for a pest error in `chunk`, which starts at byte `base` of the file.
pub(super) fn from_pest(file: FileId, base: usize, chunk: &str, err: &Error<Rule>) -> Diagnostic {
    let pos = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    // An unterminated string is reported at its opening quote, not at the end of the file.
    let unterminated = matches!(&err.variant, ErrorVariant::ParsingError { positives, .. }
        if positives.contains(&Rule::str_text) || positives.contains(&Rule::rstring_body) || positives.contains(&Rule::tstring_body));
    if unterminated {
        if let Some(q) = chunk.get(..pos).and_then(|c| c.rfind('"')) {
            let start = base + q;
            return Diagnostic::new(Code::SyntaxError, "unterminated string")
                .at(
                    Span::new(file, start, start + 1),
                    "this string is never closed",
                )
                .help("close the string with `\"`; write `\\{` for a literal brace");
        }
    }
    let found = found_at(chunk, pos);
    let start = base + pos;
    let span = Span::new(
        file,
        start,
        start
            + found
                .len()
                .max(1)
                .min(chunk.len().saturating_sub(pos).max(1)),
    );
    let expected = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => describe(positives),
        ErrorVariant::CustomError { message } => message.clone(),
    };
    let label = if found.is_empty() {
        "unexpected end of file".to_string()
    } else {
        format!("unexpected `{found}`")
    };
    let message = if expected.is_empty() {
        "syntax error".to_string()
    } else {
        format!("expected {expected}")
    };
    let help = if is_keyword(&found) && expected.contains("a name") {
        format!("`{found}` is a reserved word; choose another name")
    } else {
        help_for(err)
    };
    Diagnostic::new(Code::SyntaxError, message)
        .at(span, label)
        .help(help)
}

fn is_keyword(word: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "package", "import", "as", "const", "fn", "rule", "test", "for", "in", "where", "let",
        "deny", "at", "if", "then", "else", "and", "or", "not", "any", "all", "none", "matches",
        "like", "true", "false", "null",
    ];
    KEYWORDS.contains(&word)
}

/// The token at `pos`: a word, or one character.
fn found_at(chunk: &str, pos: usize) -> String {
    let rest = chunk.get(pos..).unwrap_or("");
    let word: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .take(24)
        .collect();
    if word.is_empty() {
        rest.chars().next().map(String::from).unwrap_or_default()
    } else {
        word
    }
}

fn describe(rules: &[Rule]) -> String {
    // Everything that can start an operand: say "an expression" rather than list them. The
    // kinds of operand are tried only when the next character can start them, but a prefix
    // operator is tried wherever an operand can start.
    if rules.contains(&Rule::op_neg)
        || (rules.contains(&Rule::ident)
            && (rules.contains(&Rule::int) || rules.contains(&Rule::string)))
    {
        return "an expression".to_string();
    }
    let mut words: Vec<&str> = rules.iter().filter_map(|r| rule_word(*r)).collect();
    words.sort_unstable();
    words.dedup();
    match words.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The user's word for a grammar rule, or `None` for rules too internal to mention.
fn rule_word(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "end of file",
        Rule::package_decl | Rule::kw_package => "`package`",
        Rule::import_decl | Rule::kw_import => "`import`",
        Rule::const_decl | Rule::kw_const => "`const`",
        Rule::fn_decl | Rule::kw_fn => "`fn`",
        Rule::rule_decl | Rule::kw_rule => "`rule`",
        Rule::test_decl | Rule::kw_test => "`test`",
        Rule::ident | Rule::rule_ref | Rule::field_name => "a name",
        Rule::module_path => "a module path",
        Rule::expr | Rule::operand => "an expression",
        Rule::meta => "a metadata entry",
        Rule::for_clause | Rule::kw_for => "`for`",
        Rule::let_clause | Rule::kw_let => "`let`",
        Rule::where_clause | Rule::kw_where => "`where`",
        Rule::deny_clause | Rule::kw_deny => "`deny`",
        Rule::deny_at | Rule::kw_at => "`at`",
        Rule::kw_in => "`in`",
        Rule::kw_then => "`then`",
        Rule::kw_else => "`else`",
        Rule::kw_as => "`as`",
        Rule::import_names => "`.{`",
        Rule::import_alias => "`as`",
        Rule::params => "parameters",
        Rule::fn_expr_body => "`=`",
        Rule::block => "`{`",
        Rule::test_input | Rule::kw_input => "`input`",
        Rule::test_expect | Rule::kw_expect => "`expect`",
        Rule::input_file | Rule::kw_file => "`file`",
        Rule::expect_at => "`at`",
        Rule::expect_count | Rule::kw_count => "`count`",
        Rule::string | Rule::tstring | Rule::rstring => "a string",
        Rule::int => "an integer",
        Rule::float => "a number",
        Rule::field => "`.`",
        Rule::index => "`[`",
        Rule::call => "`(`",
        Rule::op_or
        | Rule::op_and
        | Rule::op_eq
        | Rule::op_ne
        | Rule::op_le
        | Rule::op_ge
        | Rule::op_lt
        | Rule::op_gt
        | Rule::op_not_in
        | Rule::op_in
        | Rule::op_matches
        | Rule::op_like
        | Rule::op_coalesce
        | Rule::op_add
        | Rule::op_sub
        | Rule::op_mul
        | Rule::op_div
        | Rule::op_rem
        | Rule::op_expected => "an operator",
        Rule::str_text | Rule::str_escape | Rule::str_interp => "string text or `\"`",
        Rule::comp_for => "`for`",
        Rule::comp_if | Rule::kw_if => "`if`",
        Rule::map_entry => "a map entry",
        _ => return None,
    })
}

fn help_for(err: &Error<Rule>) -> String {
    if let ErrorVariant::ParsingError { positives, .. } = &err.variant {
        if positives.contains(&Rule::deny_clause) || positives.contains(&Rule::kw_deny) {
            return "a rule body is metadata, then `for`/`let`/`where` clauses, then one `deny [at EXPR]: MESSAGE`".to_string();
        }
        if positives.contains(&Rule::EOI) {
            return "top-level items are `import`, `const`, `fn`, `rule` and `test`".to_string();
        }
        if positives.contains(&Rule::str_text) {
            return "close the string with `\"`; write `\\{` for a literal brace".to_string();
        }
    }
    "see docs/language.md for the syntax".to_string()
}
