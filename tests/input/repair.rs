//! YAML indentation slips that common readers forgive: read with a warning, spans intact.

use super::*;

#[test]
fn yaml_forgives_indentation_inside_quotes_and_brackets() {
    let text = "\
spec:
  command:
    - \"exec ü \\
  --flag
 more\"
    - next
  args: [
    \"x\",
  ]
  single: 'a
 b'
  after: ü
";
    let case = load_text(text, Format::Yaml);
    assert!(case.errors().is_empty(), "{}", case.render_diagnostics());
    assert_eq!(case.codes(), [Code::InputSyntax; 3]);
    assert!(case
        .loaded
        .diagnostics
        .iter()
        .all(|d| d.severity == Severity::Warning));
    assert_eq!(
        case.at(0, "spec.command.0").as_str(),
        Some("exec ü --flag more")
    );
    assert_eq!(
        case.text_at(0, "spec.command.0"),
        "\"exec ü \\\n  --flag\n more\""
    );
    assert_eq!(case.text_at(0, "spec.command.1"), "next");
    assert_eq!(case.text_at(0, "spec.args"), "[\n    \"x\",\n  ]");
    assert_eq!(case.at(0, "spec.single").as_str(), Some("a b"));
    assert_eq!(case.text_at(0, "spec.after"), "ü");
    assert_eq!(
        case.lc(case.at(0, "spec.after").span.unwrap()),
        "12:10-12:11"
    );
    // A real indentation error in block style is still an error.
    let case = load_text("a:\n  b: 1\n c: 2\n", Format::Yaml);
    assert_eq!(case.errors().len(), 1);
}

#[test]
fn yaml_forgives_a_whole_flow_collection_at_low_indentation() {
    let text = "\
spec:
  command: [
\"java\", \"-jar\",
[nested,
 \"x]\"], # a ] in a comment
{k: v}
]
  after: 1
";
    let case = load_text(text, Format::Yaml);
    assert!(case.errors().is_empty(), "{}", case.render_diagnostics());
    assert_eq!(
        case.codes(),
        [Code::InputSyntax],
        "one warning for the whole collection"
    );
    assert_eq!(case.at(0, "spec.command.2.1").as_str(), Some("x]"));
    assert_eq!(case.at(0, "spec.command.3.k").as_str(), Some("v"));
    assert_eq!(case.text_at(0, "spec.command.3"), "{k: v}");
    assert_eq!(case.text_at(0, "spec.after"), "1");
}
