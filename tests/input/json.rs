//! JSON: values, exact spans, duplicate keys, syntax errors, the depth limit.

use super::*;

#[test]
fn json_values_and_spans() {
    let text = "{\"ü\": \"日本\", \"n\": -12, \"f\": 1.5e3, \"l\": [true, null], \"o\": {}}";
    let case = load_text(text, Format::Json);
    case.assert_clean();
    assert_eq!(case.at(0, "ü").as_str(), Some("日本"));
    assert_eq!(case.text_at(0, "ü"), "\"日本\"");
    assert_eq!(case.key_text(0, "ü"), "\"ü\"");
    assert_eq!(case.lc(case.at(0, "ü").span.unwrap()), "1:7-1:11");
    assert_eq!(case.at(0, "n").as_int(), Some(-12));
    assert_eq!(case.text_at(0, "f"), "1.5e3");
    assert!(matches!(case.at(0, "f").kind, Kind::Float(f) if f == 1500.0));
    assert_eq!(case.text_at(0, "l"), "[true, null]");
    assert_eq!(case.text_at(0, "l.1"), "null");
    assert_eq!(case.text_at(0, "o"), "{}");
    assert_eq!(case.slice(case.loaded.documents[0].span), text);
}

#[test]
fn json_big_integers_become_floats() {
    let case = load_text(
        "[9223372036854775807, 9223372036854775808, -9223372036854775809]",
        Format::Json,
    );
    // Precision is lost: a warning for each of the two that do not fit.
    assert_eq!(case.codes(), [Code::LossyNumber, Code::LossyNumber]);
    assert_eq!(case.at(0, "0").as_int(), Some(i64::MAX));
    assert!(matches!(case.at(0, "1").kind, Kind::Float(f) if f == 9223372036854775808.0));
    assert!(matches!(case.at(0, "2").kind, Kind::Float(_)));
}

#[test]
fn json_duplicate_key() {
    let case = load_text("{\"a\": 1, \"a\": 2}", Format::Json);
    assert_eq!(case.at(0, "a").as_int(), Some(2));
    assert_eq!(case.codes(), [Code::DuplicateKey]);
    let d = &case.loaded.diagnostics[0];
    assert_eq!(case.lc(d.span.unwrap()), "1:10-1:13");
    assert_eq!(case.lc(d.related[0].span), "1:2-1:5");
}

#[test]
fn json_comments_and_trailing_commas() {
    let case = load_text("// c\n{\"a\": [1, 2,], /* b */ \"b\": 1,}\n", Format::Json);
    // Read, with one note that strict JSON readers would not.
    assert_eq!(case.codes(), [Code::JsoncExtension]);
    assert!(case.errors().is_empty());
    assert_eq!(case.at(0, "a.1").as_int(), Some(2));
    let case = load_text("{'a': 1}", Format::Json);
    assert_eq!(
        case.codes(),
        [Code::InputSyntax],
        "single quotes are not JSON"
    );
}

#[test]
fn json_empty_file_has_no_documents() {
    for text in ["", "  \n", "// nothing\n"] {
        let case = load_text(text, Format::Json);
        assert!(case.errors().is_empty());
        assert!(case.loaded.documents.is_empty());
    }
}

#[test]
fn json_syntax_errors_have_positions() {
    for (text, at) in [
        ("{\"a\": 1", "1:8-1:8"),
        ("[1, 2", "1:6-1:6"),
        ("{\"a\" 1}", "1:6-1:7"),
        ("{\"a\": 1} x", "1:10-1:11"),
        ("{\"ü\": tru}", "1:7-1:10"),
        ("[1,,2]", "1:4-1:5"),
        ("{\"a\": \"x", "1:7-1:9"),
    ] {
        let case = load_text(text, Format::Json);
        assert!(case.loaded.documents.is_empty(), "{text:?}");
        let errors = case.errors();
        assert_eq!(errors.len(), 1, "{text:?}");
        assert_eq!(errors[0].code, Code::InputSyntax, "{text:?}");
        let span = errors[0].span.unwrap();
        assert_eq!(case.lc(span), at, "{text:?}: {:?}", errors[0]);
        assert!(errors[0].message.starts_with("invalid json: "));
    }
}

#[test]
fn json_depth_limit() {
    let limits = Limits {
        max_depth: 3,
        ..Limits::default()
    };
    let case = load_with("[[[1]]]", Format::Json, &limits);
    case.assert_clean();
    let case = load_with("{\"a\": [[[1]]]}", Format::Json, &limits);
    assert_eq!(case.codes(), [Code::InputLimit]);
    assert!(case.loaded.documents.is_empty());
    assert_eq!(
        case.lc(case.loaded.diagnostics[0].span.unwrap()),
        "1:9-1:10"
    );
}
