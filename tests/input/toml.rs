//! TOML: values, exact spans of tables and keys, syntax errors, the depth limit.

use super::*;

#[test]
fn toml_values_and_spans() {
    let text = "\
title = \"Gerät\"
a.b.c = 1
when = 1979-05-27 07:32:00Z
day = 1979-05-27
[server]
host = 'h'
ports = [1, 2]
inline = { x = 1, y.z = \"q\" }

[[rule]]
name = \"one\"
[[rule]]
name = \"two\"
";
    let case = load_text(text, Format::Toml);
    case.assert_clean();
    assert_eq!(case.at(0, "title").as_str(), Some("Gerät"));
    assert_eq!(case.text_at(0, "title"), "\"Gerät\"");
    assert_eq!(case.lc(case.at(0, "title").span.unwrap()), "1:9-1:16");
    assert_eq!(case.at(0, "a.b.c").as_int(), Some(1));
    assert_eq!(case.text_at(0, "a.b.c"), "1");
    assert_eq!(case.key_text(0, "a.b"), "b");
    assert_eq!(case.text_at(0, "a"), "b.c = 1");
    // Datetimes are kept as written.
    assert_eq!(case.at(0, "when").as_str(), Some("1979-05-27 07:32:00Z"));
    assert_eq!(case.at(0, "day").as_str(), Some("1979-05-27"));
    assert_eq!(case.key_text(0, "server"), "server");
    assert_eq!(
        case.text_at(0, "server"),
        "[server]\nhost = 'h'\nports = [1, 2]\ninline = { x = 1, y.z = \"q\" }"
    );
    assert_eq!(case.text_at(0, "server.host"), "'h'");
    assert_eq!(case.text_at(0, "server.ports"), "[1, 2]");
    assert_eq!(case.text_at(0, "server.inline"), "{ x = 1, y.z = \"q\" }");
    assert_eq!(case.text_at(0, "server.inline.y"), "z = \"q\"");
    assert_eq!(case.at(0, "server.inline.y.z").as_str(), Some("q"));
    assert_eq!(case.at(0, "rule.1.name").as_str(), Some("two"));
    assert_eq!(case.text_at(0, "rule.0"), "[[rule]]\nname = \"one\"");
    assert_eq!(
        case.text_at(0, "rule"),
        "[[rule]]\nname = \"one\"\n[[rule]]\nname = \"two\""
    );
    assert_eq!(case.key_text(0, "rule"), "rule");
}

#[test]
fn toml_empty_file_is_one_empty_table() {
    for text in ["", "# only comments\n"] {
        let case = load_text(text, Format::Toml);
        case.assert_clean();
        assert_eq!(case.loaded.documents.len(), 1);
        assert_eq!(case.doc(0).as_map().map(|m| m.len()), Some(0));
    }
}

#[test]
fn toml_syntax_errors_have_positions() {
    for (text, line) in [
        ("a = \"unterminated\n", 1),
        ("a = 1\na = 2\n", 2),
        ("[table\nx = 1\n", 1),
        ("x = [1, 2\n", 1),
        ("ü = 1\nkey value\n", 2),
        ("a = {b = 1\n", 1),
    ] {
        let case = load_text(text, Format::Toml);
        assert!(case.loaded.documents.is_empty(), "{text:?}");
        let errors = case.errors();
        assert_eq!(errors.len(), 1, "{text:?}");
        assert_eq!(errors[0].code, Code::InputSyntax, "{text:?}");
        let span = errors[0].span.unwrap();
        assert_eq!(
            case.source.line_col(span.start).line,
            line,
            "{text:?}: {:?}",
            errors[0]
        );
        assert!(errors[0].message.starts_with("invalid toml: "));
    }
}

#[test]
fn toml_depth_limit() {
    let limits = Limits {
        max_depth: 2,
        ..Limits::default()
    };
    let case = load_with("a = [1]\n", Format::Toml, &limits);
    case.assert_clean();
    let case = load_with("a = [[1]]\n", Format::Toml, &limits);
    assert_eq!(case.codes(), [Code::InputLimit]);
    assert_eq!(case.text_at_span(0), "[1]");
}
