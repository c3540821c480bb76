//! YAML: values, exact spans, anchors and merge keys, block scalars, diagnostics.

use super::*;

#[test]
fn yaml_nested_map_and_list() {
    let text = "\
metadata:
  name: web
spec:
  containers:
    - name: app
      securityContext:
        privileged: true
      ports: [80, 443]
    - name: \"side car\"
";
    let case = load_text(text, Format::Yaml);
    case.assert_clean();
    assert_eq!(case.loaded.documents.len(), 1);
    assert_eq!(case.at(0, "metadata.name").as_str(), Some("web"));
    let privileged = case.at(0, "spec.containers.0.securityContext.privileged");
    assert_eq!(privileged.as_bool(), Some(true));
    let span = privileged.span.unwrap();
    assert_eq!(case.slice(span), "true");
    assert_eq!(case.lc(span), "7:21-7:25");
    assert_eq!(
        case.key_text(0, "spec.containers.0.securityContext.privileged"),
        "privileged"
    );
    assert_eq!(
        case.lc(case
            .at(0, "spec.containers.0.securityContext")
            .span
            .unwrap()),
        "7:9-7:25"
    );
    assert_eq!(case.text_at(0, "spec.containers.0.ports"), "[80, 443]");
    assert_eq!(case.text_at(0, "spec.containers.0.ports.1"), "443");
    assert_eq!(case.text_at(0, "spec.containers.1.name"), "\"side car\"");
    assert_eq!(
        case.at(0, "spec.containers.1.name").as_str(),
        Some("side car")
    );
    // A block list runs from its first `-` to the end of its last value.
    assert!(case
        .text_at(0, "spec.containers")
        .starts_with("- name: app"));
    assert!(case.text_at(0, "spec.containers").ends_with("\"side car\""));
    // A block map runs from its first key.
    assert!(case.text_at(0, "").starts_with("metadata:"));
    let doc = &case.loaded.documents[0];
    assert_eq!(case.lc(doc.span), "1:1-9:23");
}

#[test]
fn yaml_indentless_list_starts_at_dash() {
    let case = load_text("ports:\n- port: 1\n- port: 2\n", Format::Yaml);
    case.assert_clean();
    assert_eq!(case.text_at(0, "ports"), "- port: 1\n- port: 2");
    assert_eq!(case.text_at(0, "ports.0"), "port: 1");
}

#[test]
fn yaml_quoted_scalars_and_flow_lists_end_at_their_closing_mark() {
    // A comment after a quoted scalar or a flow list is not part of it, nor the blanks after
    // `[` (saphyr's spans run on over them); the same with escapes, which saphyr reads alone.
    let text = "\
a: 'it s'  # why
b: 'it''s'  # why
c: \"q\\\"r\"  # why
d: [ x, \"y\" ]  # why
e:
- [1]   # why
";
    let case = load_text(text, Format::Yaml);
    case.assert_clean();
    assert_eq!(case.text_at(0, "a"), "'it s'");
    assert_eq!(case.text_at(0, "b"), "'it''s'");
    assert_eq!(case.at(0, "b").as_str(), Some("it's"));
    assert_eq!(case.text_at(0, "c"), "\"q\\\"r\"");
    assert_eq!(case.text_at(0, "d"), "[ x, \"y\" ]");
    assert_eq!(case.text_at(0, "d.1"), "\"y\"");
    assert_eq!(case.text_at(0, "e.0"), "[1]");
}

#[test]
fn yaml_multi_document() {
    let text = "---\na: 1\n---\n# only a comment\n---\n- x\n...\n---\nb: 2\n---\n";
    let case = load_text(text, Format::Yaml);
    case.assert_clean();
    let docs = &case.loaded.documents;
    assert_eq!(docs.len(), 3, "empty documents are skipped");
    assert_eq!(docs.iter().map(|d| d.index).collect::<Vec<_>>(), [0, 1, 2]);
    assert_eq!(case.slice(docs[0].span), "---\na: 1");
    assert_eq!(case.slice(docs[1].span), "---\n- x");
    assert_eq!(case.slice(docs[2].span), "---\nb: 2");
    assert_eq!(case.at(2, "b").as_int(), Some(2));
    // A document that is just `null` is not empty.
    let case = load_text("--- null\n", Format::Yaml);
    assert_eq!(case.loaded.documents.len(), 1);
    assert!(case.doc(0).is_null());
}

#[test]
fn yaml_empty_inputs_have_no_documents() {
    for text in [
        "",
        "\n\n",
        "# comment\n",
        "---\n",
        "---\n...\n---\n",
        "\u{feff}",
    ] {
        let case = load_text(text, Format::Yaml);
        assert!(case.loaded.documents.is_empty(), "{text:?}");
        case.assert_clean();
    }
}

#[test]
fn yaml_anchors_aliases_and_merge_keys() {
    let text = "\
base: &base
  image: nginx
  pull: Always
extra: &extra
  pull: Never
  user: root
svc:
  <<: [*base, *extra]
  image: httpd
copy: *base
single:
  <<: *extra
name: &n web
again: *n
";
    let case = load_text(text, Format::Yaml);
    case.assert_clean();
    // Explicit keys win over merged ones; earlier merged maps win over later ones.
    assert_eq!(case.at(0, "svc.image").as_str(), Some("httpd"));
    assert_eq!(case.at(0, "svc.pull").as_str(), Some("Always"));
    assert_eq!(case.at(0, "svc.user").as_str(), Some("root"));
    assert!(!case
        .doc(0)
        .field("svc")
        .as_map()
        .unwrap()
        .contains_key("<<"));
    let keys: Vec<_> = case
        .at(0, "svc")
        .as_map()
        .unwrap()
        .keys()
        .map(|k| k.to_string())
        .collect();
    // Merged keys take the place of `<<`.
    assert_eq!(keys, ["pull", "user", "image"]);
    // Merged values keep the span of the anchored text; their keys too.
    assert_eq!(case.lc(case.at(0, "svc.user").span.unwrap()), "6:9-6:13");
    assert_eq!(case.key_text(0, "svc.user"), "user");
    assert_eq!(case.key_text(0, "svc.image"), "image");
    assert_eq!(case.lc(case.at(0, "svc.image").span.unwrap()), "9:10-9:15");
    // An alias's copy is located at the alias; its insides at the anchor.
    assert_eq!(case.text_at(0, "copy"), "*base");
    assert_eq!(case.at(0, "copy.image").as_str(), Some("nginx"));
    assert_eq!(case.lc(case.at(0, "copy.image").span.unwrap()), "2:10-2:15");
    assert_eq!(case.at(0, "single.user").as_str(), Some("root"));
    assert_eq!(case.at(0, "again").as_str(), Some("web"));
    assert_eq!(case.text_at(0, "again"), "*n");
    // The anchored scalar's span excludes its anchor.
    assert_eq!(case.text_at(0, "name"), "web");
    // The anchored map's span starts at its first key, not at the anchor.
    assert_eq!(case.text_at(0, "base"), "image: nginx\n  pull: Always");
}

#[test]
fn yaml_merge_key_edge_cases() {
    // A quoted `"<<"` is an ordinary key.
    let case = load_text("a: &a {x: 1}\nb:\n  \"<<\": *a\n", Format::Yaml);
    case.assert_clean();
    assert_eq!(case.at(0, "b.<<.x").as_int(), Some(1));
    // A merge of something that is not a map warns and keeps the key.
    let case = load_text("b:\n  <<: 3\n  c: 1\n", Format::Yaml);
    assert_eq!(case.codes(), [Code::InputSyntax]);
    assert_eq!(case.loaded.diagnostics[0].severity, Severity::Warning);
    assert_eq!(case.at(0, "b.<<").as_int(), Some(3));
}

#[test]
fn yaml_block_scalars() {
    let text = "\
literal: |
  line 1
  line 2
folded: >-
  folded
  text

keep: |+ # comment
  kept

tagged: !!str |
  tagged
list:
  - |
    in list
  - >
    x
empty: |
next: 1
";
    let case = load_text(text, Format::Yaml);
    case.assert_clean();
    assert_eq!(case.at(0, "literal").as_str(), Some("line 1\nline 2\n"));
    assert_eq!(case.text_at(0, "literal"), "|\n  line 1\n  line 2");
    assert_eq!(case.lc(case.at(0, "literal").span.unwrap()), "1:10-3:9");
    assert_eq!(case.at(0, "folded").as_str(), Some("folded text"));
    assert_eq!(case.text_at(0, "folded"), ">-\n  folded\n  text");
    assert_eq!(case.at(0, "keep").as_str(), Some("kept\n\n"));
    assert_eq!(case.text_at(0, "keep"), "|+ # comment\n  kept");
    assert_eq!(case.text_at(0, "tagged"), "|\n  tagged");
    assert_eq!(case.text_at(0, "list.0"), "|\n    in list");
    assert_eq!(case.text_at(0, "list.1"), ">\n    x");
    assert_eq!(case.at(0, "empty").as_str(), Some(""));
    assert_eq!(case.text_at(0, "empty"), "|");
    assert_eq!(case.at(0, "next").as_int(), Some(1));
}

#[test]
fn yaml_non_ascii_before_values() {
    let text = "# ü日本 comment\nnäme: \"wert ü\"\n日本: [ä, {ö: 語}]\nkey: value\nblock: |\n  ü\nlast: 1 # é\n";
    let case = load_text(text, Format::Yaml);
    case.assert_clean();
    assert_eq!(case.text_at(0, "näme"), "\"wert ü\"");
    assert_eq!(case.lc(case.at(0, "näme").span.unwrap()), "2:7-2:15");
    assert_eq!(case.key_text(0, "日本"), "日本");
    assert_eq!(case.text_at(0, "日本"), "[ä, {ö: 語}]");
    assert_eq!(case.text_at(0, "日本.1.ö"), "語");
    assert_eq!(case.lc(case.at(0, "日本.1.ö").span.unwrap()), "3:13-3:14");
    assert_eq!(case.text_at(0, "key"), "value");
    assert_eq!(case.lc(case.at(0, "key").span.unwrap()), "4:6-4:11");
    assert_eq!(case.text_at(0, "block"), "|\n  ü");
    assert_eq!(case.text_at(0, "last"), "1");
}

#[test]
fn yaml_crlf_line_endings() {
    let case = load_text("a: 1\r\nb:\r\n  - x\r\n  - \"y\"\r\n", Format::Yaml);
    case.assert_clean();
    assert_eq!(case.text_at(0, "b"), "- x\r\n  - \"y\"");
    assert_eq!(case.text_at(0, "b.1"), "\"y\"");
}

#[test]
fn yaml_core_schema_scalars() {
    let text = "\
- null
- Null
- ~
-
- true
- True
- FALSE
- yes
- off
- 42
- -17
- +3
- 0x1F
- 0o17
- 017
- 1_000
- 3.5
- .5
- -1e3
- 1.
- .inf
- -.Inf
- .nan
- 99999999999999999999
- '42'
- \"true\"
- 1.2.3
- v1
- 0.0.0.0
";
    let case = load_text(text, Format::Yaml);
    // 99999999999999999999 does not fit in 64 bits: read as a float, with a warning.
    assert_eq!(case.codes(), [Code::LossyNumber]);
    let items = case.doc(0).as_list().unwrap().to_vec();
    let shown: Vec<String> = items
        .iter()
        .map(|v| match &v.kind {
            Kind::Null => "null".to_string(),
            Kind::Bool(b) => format!("bool {b}"),
            Kind::Int(i) => format!("int {i}"),
            Kind::Float(f) => format!("float {f}"),
            Kind::Str(s) => format!("str {s}"),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        shown,
        [
            "null",
            "null",
            "null",
            "null",
            "bool true",
            "bool true",
            "bool false",
            "str yes",
            "str off",
            "int 42",
            "int -17",
            "int 3",
            "int 31",
            "int 15",
            "int 17",
            "str 1_000",
            "float 3.5",
            "float 0.5",
            "float -1000",
            "float 1",
            "float inf",
            "float -inf",
            "float NaN",
            "float 100000000000000000000",
            "str 42",
            "str true",
            "str 1.2.3",
            "str v1",
            "str 0.0.0.0",
        ]
    );
    // The empty entry's span is empty; the others cover their token.
    assert!(items[3].span.unwrap().is_empty());
    assert_eq!(case.slice(items[24].span.unwrap()), "'42'");
}

#[test]
fn yaml_tags() {
    let text = "\
a: !!str 12
b: !!int \"12\"
c: !!float 1
d: !!bool \"true\"
e: !!null ''
f: !Ref bucket
g: ! 12
h: !!int nope
i: !custom 7
j: &anc !!str 5
";
    let case = load_text(text, Format::Yaml);
    case.assert_clean();
    assert_eq!(case.at(0, "a").as_str(), Some("12"));
    assert_eq!(case.text_at(0, "a"), "12");
    assert_eq!(case.at(0, "b").as_int(), Some(12));
    assert_eq!(case.text_at(0, "b"), "\"12\"");
    assert!(matches!(case.at(0, "c").kind, Kind::Float(f) if f == 1.0));
    assert_eq!(case.at(0, "d").as_bool(), Some(true));
    assert!(case.at(0, "e").is_null());
    assert_eq!(case.at(0, "f").as_str(), Some("bucket"));
    assert_eq!(case.text_at(0, "f"), "bucket");
    assert_eq!(case.at(0, "g").as_str(), Some("12"));
    assert_eq!(case.at(0, "h").as_str(), Some("nope"));
    assert_eq!(case.at(0, "i").as_int(), Some(7));
    assert_eq!(case.at(0, "j").as_str(), Some("5"));
    assert_eq!(case.text_at(0, "j"), "5");
}

#[test]
fn yaml_non_string_keys() {
    let case = load_text(
        "80: http\ntrue: yes\n~: nothing\n[a, b]: list\n",
        Format::Yaml,
    );
    case.assert_clean();
    assert_eq!(case.at(0, "80").as_str(), Some("http"));
    assert_eq!(case.at(0, "true").as_str(), Some("yes"));
    assert_eq!(case.at(0, "~").as_str(), Some("nothing"));
    assert_eq!(case.doc(0).field("[\"a\",\"b\"]").as_str(), Some("list"));
}

#[test]
fn yaml_duplicate_key_warns_and_last_wins() {
    let case = load_text("a: 1\nb: 2\na: 3\n", Format::Yaml);
    assert_eq!(case.at(0, "a").as_int(), Some(3));
    assert_eq!(case.codes(), [Code::DuplicateKey]);
    let d = &case.loaded.diagnostics[0];
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(d.message, "duplicate key `a`");
    assert_eq!(case.lc(d.span.unwrap()), "3:1-3:2");
    assert_eq!(case.lc(d.related[0].span), "1:1-1:2");
    assert!(d.help.is_some());
}

#[test]
fn yaml_unknown_anchor() {
    let case = load_text("a: 1\nb: *nope\n", Format::Yaml);
    assert_eq!(case.codes(), [Code::UnknownAnchor]);
    let d = &case.loaded.diagnostics[0];
    assert_eq!(d.message, "unknown anchor `nope`");
    assert_eq!(case.slice(d.span.unwrap()), "*nope");
    // An alias inside its own anchored node.
    let case = load_text("a: &x [1, *x]\n", Format::Yaml);
    assert_eq!(case.codes(), [Code::UnknownAnchor]);
    assert_eq!(case.slice(case.loaded.diagnostics[0].span.unwrap()), "*x");
}

#[test]
fn yaml_syntax_error_keeps_earlier_documents() {
    let text = "a: 1\n---\nb: 2\n---\nc: [1, 2\nd: ü\n";
    let case = load_text(text, Format::Yaml);
    assert_eq!(case.loaded.documents.len(), 2);
    assert_eq!(case.at(1, "b").as_int(), Some(2));
    assert_eq!(case.codes(), [Code::InputSyntax]);
    let d = &case.loaded.diagnostics[0];
    assert!(d.message.starts_with("invalid yaml: "), "{}", d.message);
    let span = d.span.unwrap();
    assert!(span.len() <= 1);
    assert_eq!(case.source.line_col(span.start).line, 6);
    assert!(d.label.is_some() && d.help.is_some());
}

#[test]
fn yaml_syntax_errors_have_positions() {
    for (text, line) in [
        ("a: \"unterminated\n", 1),
        ("a: b: c\n", 1),
        ("a:\n  - b\n - c\n", 3),
        ("key: [1, 2\n", 2),
        ("a:\n\tb: 1\n", 2),
        ("- a\nb: c\n", 2),
        ("{a: 1", 1),
        ("ü: ö\n  ä: [\n", 2),
    ] {
        let case = load_text(text, Format::Yaml);
        let errors = case.errors();
        assert_eq!(errors.len(), 1, "{text:?}: {:#?}", case.loaded.diagnostics);
        let d = errors[0];
        assert_eq!(d.code, Code::InputSyntax, "{text:?}");
        let span = d.span.unwrap();
        assert!(span.len() <= 4, "{text:?}");
        assert_eq!(
            case.source.line_col(span.start).line,
            line,
            "{text:?}: {d:?}"
        );
        assert!(!d.message.ends_with('.'));
    }
}

#[test]
fn yaml_too_many_documents() {
    let limits = Limits {
        max_documents: 2,
        ..Limits::default()
    };
    let case = load_with(
        "a: 1\n---\nb: 2\n---\nc: 3\n---\nd: 4\n",
        Format::Yaml,
        &limits,
    );
    assert_eq!(case.loaded.documents.len(), 2);
    assert_eq!(case.codes(), [Code::InputLimit]);
    assert_eq!(
        case.source
            .line_col(case.loaded.diagnostics[0].span.unwrap().start)
            .line,
        4
    );
}

#[test]
fn yaml_byte_order_mark_and_complex_keys() {
    let case = load_text(
        "\u{feff}a: 1\n? |\n  block key\n: v\n? [x, y]\n: z\n",
        Format::Yaml,
    );
    case.assert_clean();
    assert_eq!(case.text_at(0, "a"), "1");
    assert_eq!(case.lc(case.at(0, "a").span.unwrap()), "1:5-1:6");
    let map = case.doc(0).as_map().unwrap();
    let keys: Vec<&str> = map.keys().map(|k| k.as_ref()).collect();
    assert_eq!(keys, ["a", "block key\n", "[\"x\",\"y\"]"]);
    let block = map.get_entry("block key\n").unwrap();
    assert_eq!(case.slice(block.key_span().unwrap()), "|\n  block key");
}
