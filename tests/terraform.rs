//! Tests of Terraform support: the HCL loader (values, spans, diagnostics, hostile and truncated
//! files, the real-world corpus) and the `tf.*` entities derived from it.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failing test should stop loudly"
)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use palisade::diag::Severity;
use palisade::input::{detect, load, Format, Limits, Loaded};
use palisade::source::{FileId, SourceFile, Span};
use palisade::value::{Kind, Value};

const FILE: FileId = FileId(0);

fn corpus_dir() -> Option<PathBuf> {
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    [local, PathBuf::from("/work/shared/corpus")]
        .into_iter()
        .find(|p| p.is_dir())
}

fn corpus_files() -> Vec<PathBuf> {
    let Some(dir) = corpus_dir() else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("terraform"))
        .map(|entries| entries.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|x| x == "tf" || x == "json"));
    files.sort();
    files
}

/// Corpus files that Terraform rejects too, each with the reason; they must give a syntax error.
const INVALID: &[(&str, &str)] = &[
    (
        "checkov__parser__resources__parser_scenarios__maze_of_variables__maze.tf",
        "`${` inside an interpolation (`\"${local.NAME[${module.b.name}]}\"`)",
    ),
    (
        "checkov__runner__resources__unbalanced_eval_brackets__main.tf",
        "a template missing its closing quote, on purpose",
    ),
    (
        "tfsec__test__testdata__badhcl__main.tf",
        "a block that is never closed, on purpose",
    ),
];

#[test]
fn corpus_loads_without_errors() {
    let files = corpus_files();
    if files.is_empty() {
        eprintln!("corpus not found; skipping");
        return;
    }
    assert!(files.len() > 300, "only {} corpus files", files.len());
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let format = detect(path, &text);
        assert_eq!(format, Some(Format::Hcl), "{}", path.display());
        let loaded = load(FILE, &text, Format::Hcl, &Limits::default());
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if let Some((_, why)) = INVALID.iter().find(|(n, _)| *n == name) {
            assert!(
                loaded
                    .diagnostics
                    .iter()
                    .any(|d| d.code.as_str() == "palisade::input-syntax"),
                "{name} should not load: {why}"
            );
            continue;
        }
        for doc in &loaded.documents {
            check_spans(&text, &doc.value);
        }
        let source = SourceFile::new(path.display().to_string(), text.as_str());
        for d in &loaded.diagnostics {
            let at = d.span.map(|s| source.line_col(s.start));
            let line = format!(
                "{}:{}:{}: {} {}: {}",
                path.display(),
                at.map_or(0, |a| a.line),
                at.map_or(0, |a| a.column),
                d.severity.as_str(),
                d.code,
                d.message
            );
            if d.severity == Severity::Error {
                failures.push(line);
            } else {
                eprintln!("{line}");
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------- helpers

struct Case {
    source: SourceFile,
    loaded: Loaded,
}

fn load_text(text: &str) -> Case {
    Case {
        source: SourceFile::new("test.tf", text),
        loaded: load(FILE, text, Format::Hcl, &Limits::default()),
    }
}

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/terraform")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

impl Case {
    fn lc(&self, span: Span) -> String {
        let a = self.source.line_col(span.start);
        let b = self.source.line_col(span.end);
        format!("{}:{}-{}:{}", a.line, a.column, b.line, b.column)
    }

    fn slice(&self, span: Span) -> &str {
        &self.source.text[span.range()]
    }

    fn root(&self) -> &Value {
        &self.loaded.documents[0].value
    }

    /// The value at a dotted path of keys and list indexes.
    fn at(&self, path: &str) -> Value {
        let mut value = self.root().clone();
        for part in path.split('.') {
            value = match part.parse::<i64>() {
                Ok(i) if value.as_list().is_some() => value.index(&Value::int(i)),
                _ => value.field(part),
            };
            assert!(!value.is_missing(), "no `{part}` in `{path}`");
        }
        value
    }

    fn text_at(&self, path: &str) -> &str {
        self.slice(self.at(path).span.expect("a span"))
    }

    fn key_text(&self, path: &str) -> &str {
        let (parent, key) = path.rsplit_once('.').unwrap();
        let map = self.at(parent);
        let span = map
            .as_map()
            .unwrap()
            .get_entry(key)
            .unwrap()
            .key_span()
            .unwrap();
        self.slice(span)
    }

    fn render_diagnostics(&self) -> String {
        let mut out = String::new();
        for d in &self.loaded.diagnostics {
            let at = d.span.map_or("-".to_string(), |s| self.lc(s));
            writeln!(
                out,
                "{} {} at {at}: {} [{}]",
                d.severity.as_str(),
                d.code,
                d.message,
                d.label.as_deref().unwrap_or("")
            )
            .unwrap();
            for r in &d.related {
                writeln!(out, "  related {}: {}", self.lc(r.span), r.text).unwrap();
            }
        }
        out
    }

    fn dump(&self) -> String {
        let mut out = String::new();
        for doc in &self.loaded.documents {
            writeln!(out, "document {} {}", doc.index, self.lc(doc.span)).unwrap();
            self.dump_value(&mut out, &doc.value, 1);
        }
        out.push_str(&self.render_diagnostics());
        out
    }

    fn dump_value(&self, out: &mut String, value: &Value, depth: usize) {
        let at = value.span.map_or("-".to_string(), |s| self.lc(s));
        match &value.kind {
            Kind::List(items) => {
                writeln!(out, "list {at}").unwrap();
                for item in items.iter() {
                    write!(out, "{}- ", "  ".repeat(depth)).unwrap();
                    self.dump_value(out, item, depth + 1);
                }
            }
            Kind::Map(map) => {
                writeln!(out, "map {at}").unwrap();
                for (key, entry) in map.entries() {
                    let key_at = entry.key_span().map_or("-".to_string(), |s| self.lc(s));
                    write!(out, "{}{key:?} {key_at}: ", "  ".repeat(depth)).unwrap();
                    self.dump_value(out, &entry.value, depth + 1);
                }
            }
            Kind::Str(s) => writeln!(out, "str {s:?} {at}").unwrap(),
            Kind::Int(i) => writeln!(out, "int {i} {at}").unwrap(),
            Kind::Float(f) => writeln!(out, "float {f:?} {at}").unwrap(),
            Kind::Bool(b) => writeln!(out, "bool {b} {at}").unwrap(),
            Kind::Null => writeln!(out, "null {at}").unwrap(),
            Kind::Missing => writeln!(out, "missing {at}").unwrap(),
        }
    }
}

/// Every span in a value tree lies on char boundaries inside the text, and every value and key
/// has one.
fn check_spans(text: &str, value: &Value) {
    let span = value.span.expect("every value has a span");
    assert!(span.start <= span.end && span.end as usize <= text.len());
    assert!(text.is_char_boundary(span.start as usize) && text.is_char_boundary(span.end as usize));
    match &value.kind {
        Kind::List(items) => items.iter().for_each(|v| check_spans(text, v)),
        Kind::Map(map) => {
            for (_, entry) in map.entries() {
                assert!(entry.key_span().is_some(), "a key without a span");
                check_spans(text, &entry.value);
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------- loader

#[test]
fn snapshot_fixture() {
    let case = load_text(&fixture("main.tf"));
    insta::assert_snapshot!(case.dump());
}

#[test]
fn every_value_and_key_has_a_span() {
    let text = fixture("main.tf");
    let case = load_text(&text);
    assert!(
        case.loaded.diagnostics.is_empty(),
        "{}",
        case.render_diagnostics()
    );
    check_spans(&text, case.root());
}

#[test]
fn values_and_spans() {
    let case = load_text(&fixture("main.tf"));
    let sg = "resource.aws_security_group.gateway";
    assert_eq!(
        case.text_at(&format!("{sg}.ingress.0.cidr_blocks.0")),
        "\"0.0.0.0/0\""
    );
    assert_eq!(
        case.at(&format!("{sg}.ingress.1.from_port")).as_int(),
        Some(-1)
    );
    assert_eq!(case.key_text(&format!("{sg}.ingress")), "ingress");
    assert!(case
        .text_at(sg)
        .starts_with("resource \"aws_security_group\" \"gateway\" {"));
    assert_eq!(
        case.key_text("resource.aws_security_group.gateway"),
        "\"gateway\""
    );
    // A reference is its source text.
    assert_eq!(
        case.at(&format!("{sg}.vpc_id")).as_str(),
        Some("aws_vpc.plant.id")
    );
    // Two providers of one name: a list.
    assert_eq!(
        case.at("provider.aws").as_list().map(<[Value]>::len),
        Some(2)
    );
    // Two locals blocks merge.
    assert_eq!(case.at("locals.zone").as_str(), Some("cell-1"));
    assert_eq!(case.at("locals.tags.owner").as_str(), Some("ot"));
}

#[test]
fn top_level_attributes_load_as_root_entries() {
    let case = load_text("region = \"eu-west-1\"\ncidrs = [\"10.0.0.0/8\"]\n");
    assert_eq!(case.at("region").as_str(), Some("eu-west-1"));
    assert_eq!(case.text_at("cidrs.0"), "\"10.0.0.0/8\"");
}

#[test]
fn empty_and_comment_only_files_are_empty_maps() {
    for text in ["", "\n", "# nothing\n", "/* a\n b */\n"] {
        let case = load_text(text);
        assert!(case.loaded.diagnostics.is_empty(), "{text:?}");
        assert_eq!(case.root().as_map().map(palisade::value::Map::len), Some(0));
    }
}

/// A block written twice is a warning (Terraform rejects it, but linters' fixtures do it); an
/// attribute written twice in one body is a syntax error, as in Terraform.
#[test]
fn duplicates() {
    let case = load_text("resource \"a\" \"b\" {\n  x = 1\n  x = 2\n}\n");
    assert!(case.loaded.documents.is_empty());
    assert!(case.render_diagnostics().contains("redefined attribute"));
    let case = load_text(
        "resource \"a\" \"b\" {\n  x = 1\n}\nresource \"a\" \"b\" {\n  y = 3\n}\nx = { a = 1, \"a\" = 2 }\n",
    );
    insta::assert_snapshot!(case.render_diagnostics(), @r#"
    warning palisade::duplicate-key at 4:14-4:17: duplicate block `resource.a.b` [this block replaces the earlier one]
      related 1:14-1:17: first written here
    warning palisade::duplicate-key at 7:14-7:17: duplicate key `a` [this value replaces the earlier one]
      related 7:7-7:8: first written here
    "#);
    assert_eq!(case.at("resource.a.b.y").as_int(), Some(3));
}

/// Terraform ignores line breaks inside an object `for` expression; the parser does not after a
/// conditional's `:`. The loader repairs that without moving a byte (cloudposse/terraform-null-label).
#[test]
fn line_breaks_inside_object_for_expressions() {
    let text = "locals {\n  labels = { for k in local.names : k => local.case == \"none\" ? local.l[k] :\n    # upper or lower\n    local.case == \"upper\" ? upper(local.l[k]) : lower(local.l[k])\n  }\n  other = { a = 1\n    b = 2 }\n}\n";
    let case = load_text(text);
    assert!(
        case.loaded.diagnostics.is_empty(),
        "{}",
        case.render_diagnostics()
    );
    assert!(case
        .at("locals.labels")
        .as_str()
        .unwrap()
        .contains("# upper or lower"));
    assert_eq!(case.text_at("locals.other.b"), "2");
    check_spans(text, case.root());
}

#[test]
fn syntax_errors() {
    let mut out = String::new();
    for text in [
        "resource \"a\" \"b\" {\n",
        "resource \"a\" \"b\" {\n  x = \n}\n",
        "a = \"unterminated\n",
        "a = [1, 2\n",
        "a = 1 +\n  2\n",
        "a = { for k in x : k => v\n",
        "x = <<EOT\nnever closed\n",
        "é = 1\n",
        "a = \"${local.NAME[${x}]}\"\n",
    ] {
        let case = load_text(text);
        writeln!(out, "--- {text:?}").unwrap();
        out.push_str(&case.render_diagnostics());
        assert!(case.loaded.documents.is_empty() || case.loaded.diagnostics.is_empty());
    }
    insta::assert_snapshot!(out);
}

#[test]
fn nesting_limits() {
    let deep = format!("a = {}1{}\n", "[".repeat(200), "]".repeat(200));
    let blocks = format!("{}{}", "a {\n".repeat(200), "}\n".repeat(200));
    let ops = format!("a = 1{}\n", " + 1".repeat(1000));
    let nots = format!("a = {}x\n", "!".repeat(1000));
    let interpolations = format!("a = \"{}x{}\"\n", "${\"".repeat(200), "\"}".repeat(200));
    for text in [deep, blocks, ops, nots, interpolations] {
        let case = load_text(&text);
        let codes: Vec<_> = case
            .loaded
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .collect();
        assert_eq!(codes, ["palisade::input-limit"], "{}", &text[..40]);
        assert!(case.loaded.documents.is_empty());
    }
    // Within the limits, a deep file still loads.
    let ok = format!("a = {}1{}\n", "[".repeat(30), "]".repeat(30));
    load_text(&ok).loaded.documents.first().expect("a document");
    let small = Limits {
        max_depth: 3,
        ..Limits::default()
    };
    let loaded = load(FILE, "a = [[[[1]]]]\n", Format::Hcl, &small);
    assert_eq!(loaded.diagnostics.len(), 1);
}

/// Every prefix of a file (a file cut short while being written) loads without a panic, and
/// whatever loads has sound spans.
#[test]
fn prefixes_never_panic() {
    let mut texts = vec![fixture("main.tf")];
    texts.extend(
        corpus_files()
            .iter()
            .take(40)
            .map(|p| std::fs::read_to_string(p).unwrap()),
    );
    for text in &texts {
        let step = (text.len() / 300).max(1);
        for end in (0..=text.len()).step_by(step) {
            if !text.is_char_boundary(end) {
                continue;
            }
            let prefix = &text[..end];
            let loaded = load(FILE, prefix, Format::Hcl, &Limits::default());
            for doc in &loaded.documents {
                check_spans(prefix, &doc.value);
            }
            for d in &loaded.diagnostics {
                let span = d.span.expect("diagnostics have spans");
                assert!(span.end as usize <= prefix.len());
            }
        }
    }
}

#[test]
fn detection() {
    assert_eq!(detect(Path::new("main.tf"), ""), Some(Format::Hcl));
    assert_eq!(detect(Path::new("MAIN.TF"), ""), Some(Format::Hcl));
    assert_eq!(detect(Path::new("main.tf.json"), "{}"), Some(Format::Json));
}

// ---------------------------------------------------------------- entities

/// `(kind, tf_address, the entity's first line, tf_name's text)` for every `tf.*` entity of
/// `files`.
fn entities(files: &[(&str, &str)]) -> Vec<String> {
    use palisade::entities::{Entities, InputDoc};
    let sources: Vec<SourceFile> = files.iter().map(|(p, t)| SourceFile::new(*p, *t)).collect();
    let loaded: Vec<(Format, Loaded)> = files
        .iter()
        .enumerate()
        .map(|(i, (path, text))| {
            let format = detect(Path::new(path), text).unwrap();
            let file = FileId(u32::try_from(i).unwrap());
            (format, load(file, text, format, &Limits::default()))
        })
        .collect();
    let sources_ref = &sources;
    let docs: Vec<InputDoc<'_>> = loaded
        .iter()
        .enumerate()
        .flat_map(|(i, (format, l))| {
            l.documents.iter().map(move |doc| InputDoc {
                file: FileId(u32::try_from(i).unwrap()),
                path: &sources_ref[i].name,
                format: *format,
                doc,
                firewall: None,
            })
        })
        .collect();
    let built = Entities::build(&docs);
    let mut out = Vec::new();
    for kind in [
        "tf.resources",
        "tf.data",
        "tf.variables",
        "tf.providers",
        "tf.modules",
    ] {
        for e in built.get(kind).unwrap().iter() {
            let span = e.span.unwrap();
            let source = &sources[span.file.0 as usize];
            let line = source.line_col(span.start).line;
            let name = e.field("tf_name");
            let name_text = &source.text[name.span.unwrap().range()];
            out.push(format!(
                "{kind} {} {}:{line} name={name_text} type={} file={}",
                e.field("tf_address"),
                source.name,
                e.field("tf_type"),
                e.field("file"),
            ));
        }
    }
    out
}

#[test]
fn entities_of_a_tf_file() {
    let text = fixture("main.tf");
    insta::assert_snapshot!(entities(&[("main.tf", &text)]).join("\n"), @r#"
    tf.resources aws_security_group.gateway main.tf:36 name="gateway" type=aws_security_group file=main.tf
    tf.resources aws_s3_bucket.exports main.tf:63 name="exports" type=aws_s3_bucket file=main.tf
    tf.data data.aws_iam_policy_document.admin main.tf:80 name="admin" type=aws_iam_policy_document file=main.tf
    tf.variables var.region main.tf:23 name="region" type=<missing> file=main.tf
    tf.providers aws main.tf:14 name="aws" type=<missing> file=main.tf
    tf.providers aws.eu main.tf:18 name="aws" type=<missing> file=main.tf
    tf.modules module.vpc main.tf:87 name="vpc" type=<missing> file=main.tf
    "#);
}

#[test]
fn entities_keep_attributes_named_like_synthetic_fields() {
    let text =
        "resource \"aws_security_group_rule\" \"in\" {\n  type = \"ingress\"\n  name = \"x\"\n}\n";
    let case = load_text(text);
    let value = case.at("resource.aws_security_group_rule.in");
    assert_eq!(value.field("type").as_str(), Some("ingress"));
    assert_eq!(
        entities(&[("sg.tf", text)]),
        ["tf.resources aws_security_group_rule.in sg.tf:1 name=\"in\" type=aws_security_group_rule file=sg.tf"]
    );
}

#[test]
fn entities_of_a_tf_json_file() {
    let json = r#"{
  "resource": {
    "aws_s3_bucket": {
      "logs": {"bucket": "plant-logs"},
      "twice": [{"bucket": "a"}, {"bucket": "b"}]
    }
  },
  "variable": {"region": {"default": "eu-west-1"}},
  "provider": {"aws": [{"region": "eu-west-1"}, {"alias": "us", "region": "us-east-1"}]},
  "module": {"vpc": {"source": "./vpc"}}
}"#;
    // `other.json` is not a Terraform file: it gives no entities.
    insta::assert_snapshot!(entities(&[("main.tf.json", json), ("other.json", json)]).join("\n"), @r#"
    tf.resources aws_s3_bucket.logs main.tf.json:4 name="logs" type=aws_s3_bucket file=main.tf.json
    tf.resources aws_s3_bucket.twice main.tf.json:5 name="twice" type=aws_s3_bucket file=main.tf.json
    tf.resources aws_s3_bucket.twice main.tf.json:5 name="twice" type=aws_s3_bucket file=main.tf.json
    tf.variables var.region main.tf.json:8 name="region" type=<missing> file=main.tf.json
    tf.providers aws main.tf.json:9 name="aws" type=<missing> file=main.tf.json
    tf.providers aws.us main.tf.json:9 name="aws" type=<missing> file=main.tf.json
    tf.modules module.vpc main.tf.json:10 name="vpc" type=<missing> file=main.tf.json
    "#);
}
