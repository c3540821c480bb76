//! The machine-readable formats of `palisade check`: SARIF (validated against the OASIS
//! schema), JUnit XML (parsed back), GitHub workflow commands, and `--output` files.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code stops at the first broken expectation"
)]

use std::path::Path;
use std::process::Output;

mod run;
use run::{palisade, palisade_in, stderr, stdout, tree};

use serde_json::Value as Json;

/// The small fixed run the snapshots show: one pod, two rules.
fn fixture(format: &str) -> Output {
    palisade(&[
        "check",
        "tests/fixtures/cli/inputs/pod.yaml",
        "--no-builtin",
        "--policy",
        "tests/fixtures/cli/render_policy",
        "--format",
        format,
    ])
}

const RENDER_POLICY: &str = "tests/fixtures/cli/render_policy";

fn pod(name: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: {name}\n      image: x:1\n      securityContext:\n        privileged: true\n"
    )
}

// ---- SARIF

fn sarif_validator() -> jsonschema::Validator {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(path).expect("schema");
    // The draft-07 schema's two `language` patterns have a stray `]`, which ECMA-262 regexes
    // accept and the `regex` crate refuses. Apply OASIS's own fix (errata 01) in memory, so
    // the shipped file stays byte-identical to the published one.
    let broken = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert_eq!(
        text.matches(broken).count(),
        2,
        "the schema changed: revisit this fix"
    );
    let text = text.replace(broken, r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#);
    let schema: Json = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn assert_valid_sarif(o: &Output) -> Json {
    let log: Json = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)));
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF: {errors:#?}");
    log
}

#[test]
fn sarif_snapshot() {
    let o = fixture("sarif");
    assert_eq!(o.status.code(), Some(1));
    assert_valid_sarif(&o);
    // The version is redacted so a release does not churn the snapshot.
    insta::assert_snapshot!(stdout(&o).replace(env!("CARGO_PKG_VERSION"), "[VERSION]"));
}

#[test]
fn sarif_of_the_plant_example_is_valid() {
    let o = palisade(&["check", "examples/plant", "--format", "sarif"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let log = assert_valid_sarif(&o);
    let run = &log["runs"][0];
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(run["tool"]["driver"]["name"], "palisade");
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for r in results {
        let i = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[i]["id"], r["ruleId"], "{r}");
        let level = rules[i]["defaultConfiguration"]["level"].clone();
        assert_eq!(r["level"], level, "{r}");
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .expect("uri");
        assert!(uri.starts_with("examples/plant/"), "{uri}");
    }
    let privileged = rules
        .iter()
        .find(|r| r["id"] == "privileged_container")
        .expect("privileged_container");
    assert_eq!(privileged["defaultConfiguration"]["level"], "error");
    let tags = privileged["properties"]["tags"].as_array().expect("tags");
    for t in ["SR 2.1", "FR2", "SL 1"] {
        assert!(tags.iter().any(|x| x == t), "{t} in {tags:?}");
    }
}

#[test]
fn sarif_reports_diagnostics_as_notifications() {
    let o = palisade(&[
        "check",
        "tests/fixtures/cli/inputs",
        "--policy",
        "tests/fixtures/cli/bad_policy",
        "--format",
        "sarif",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let log = assert_valid_sarif(&o);
    let inv = &log["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let n = &inv["toolExecutionNotifications"][0];
    assert_eq!(n["level"], "error");
    assert_eq!(n["descriptor"]["id"], "palisade::syntax-error");
    assert_eq!(
        n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "tests/fixtures/cli/bad_policy/broken.pal"
    );
}

#[test]
fn sarif_uris_are_encoded() {
    let dir = tree(&[("my dir/a#1.yaml", &pod("c"))]);
    let o = palisade(&[
        "check",
        dir.path().to_str().expect("utf-8"),
        "--no-builtin",
        "--policy",
        RENDER_POLICY,
        "--format",
        "sarif",
    ]);
    let log = assert_valid_sarif(&o);
    let uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"]
        .as_str()
        .expect("uri")
        .to_string();
    assert!(uri.starts_with("file:///"), "{uri}");
    assert!(uri.ends_with("/my%20dir/a%231.yaml"), "{uri}");
}

/// The `privileged` finding's fingerprint and start line after writing `text` to `dir/name`.
fn fingerprint(dir: &Path, name: &str, text: &str) -> (String, u64) {
    let file = dir.join(name);
    std::fs::write(&file, text).expect("write");
    let o = palisade(&[
        "check",
        file.to_str().expect("utf-8"),
        "--no-builtin",
        "--policy",
        RENDER_POLICY,
        "--rule",
        "privileged",
        "--format",
        "sarif",
    ]);
    let log = assert_valid_sarif(&o);
    let r = &log["runs"][0]["results"][0];
    (
        r["partialFingerprints"]["palisadeFindingHash/v1"]
            .as_str()
            .expect("fingerprint")
            .to_string(),
        r["locations"][0]["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .expect("line"),
    )
}

#[test]
fn sarif_fingerprints_survive_line_shifts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dir = dir.path();
    let text = pod("scada");
    let (before, line) = fingerprint(dir, "pod.yaml", &text);
    assert!(before.ends_with(":1"), "{before}");
    let shifted = format!("# one\n# two\n{text}");
    let (after, shifted_line) = fingerprint(dir, "pod.yaml", &shifted);
    assert_eq!(shifted_line, line + 2);
    assert_eq!(
        before, after,
        "unrelated lines must not change the fingerprint"
    );
    let (renamed, _) = fingerprint(dir, "pod.yaml", &pod("hmi"));
    assert_ne!(
        before, renamed,
        "a different message is a different finding"
    );
    let (moved, _) = fingerprint(dir, "other.yaml", &text);
    assert_ne!(before, moved, "another file is another finding");
    let reformatted = text.replace("privileged: true", "privileged: True");
    let (changed, _) = fingerprint(dir, "pod.yaml", &reformatted);
    assert_ne!(before, changed, "other flagged text is another finding");
}

#[test]
fn the_schema_check_catches_mistakes() {
    let validator = sarif_validator();
    let mut log: Json = serde_json::from_slice(&fixture("sarif").stdout).expect("json");
    assert!(validator.is_valid(&log));
    log["runs"][0]["results"][0]["level"] = Json::from("fatal");
    assert!(!validator.is_valid(&log));
    log["runs"][0]["results"][0]["level"] = Json::from("error");
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        Json::from("a b/c d.yaml");
    assert!(
        !validator.is_valid(&log),
        "an unencoded space is not a URI reference"
    );
}

#[test]
fn sarif_findings_without_a_place_point_at_the_rule() {
    let dir = tree(&[(
        "p.pal",
        "package noplace\n\n/// Always fires\nrule always_fires {\n  severity medium\n  deny: \"no place\"\n}\n",
    )]);
    let o = palisade(&[
        "check",
        "tests/fixtures/cli/inputs",
        "--no-builtin",
        "--policy",
        dir.path().to_str().expect("utf-8"),
        "--format",
        "sarif",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let log = assert_valid_sarif(&o);
    let loc = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    let uri = loc["artifactLocation"]["uri"].as_str().expect("uri");
    assert!(
        uri.starts_with("file:///") && uri.ends_with("/p.pal"),
        "{uri}"
    );
    assert_eq!(loc["region"]["startLine"], 4, "{loc}");
    assert_eq!(loc["region"]["startColumn"], 6, "{loc}");
}

// ---- JUnit

#[test]
fn junit_snapshot() {
    let o = fixture("junit");
    assert_eq!(o.status.code(), Some(1));
    roxmltree::Document::parse(&stdout(&o)).expect("well-formed XML");
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn junit_of_the_plant_example_is_well_formed_and_counts_add_up() {
    let o = palisade(&["check", "examples/plant", "--format", "junit"]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let count = |node: roxmltree::Node<'_, '_>, tag: &str| {
        node.descendants()
            .filter(|n| n.has_tag_name(tag))
            .count()
            .to_string()
    };
    assert_eq!(
        root.attribute("tests"),
        Some(count(root, "testcase").as_str())
    );
    assert_eq!(
        root.attribute("failures"),
        Some(count(root, "failure").as_str())
    );
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    let json: Json =
        serde_json::from_slice(&palisade(&["check", "examples/plant", "--format", "json"]).stdout)
            .expect("json");
    assert_eq!(
        suites.len() as u64,
        json["summary"]["rules"].as_u64().expect("rules"),
        "one suite per rule"
    );
    for s in &suites {
        assert_eq!(s.attribute("tests"), Some(count(*s, "testcase").as_str()));
        assert_eq!(s.attribute("failures"), Some(count(*s, "failure").as_str()));
    }
    // Every finding appears as `path:line:col: message` in its rule's failure.
    let failures: String = root
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("\n");
    for f in json["findings"].as_array().expect("findings") {
        let line = format!(
            "{}:{}:{}: {}",
            f["file"].as_str().unwrap(),
            f["line"],
            f["column"],
            f["message"].as_str().unwrap()
        );
        assert!(failures.contains(&line), "{line}");
    }
    // Rules without findings pass as `all files`.
    assert!(root
        .descendants()
        .any(|n| n.has_tag_name("testcase") && n.attribute("name") == Some("all files")));
}

#[test]
fn junit_escapes_hostile_input() {
    let name = "\"a<b>&c'd\\e[31m\\x07\"";
    let dir = tree(&[("x&y.yaml", &pod(name))]);
    let o = palisade(&[
        "check",
        dir.path().to_str().expect("utf-8"),
        "--no-builtin",
        "--policy",
        RENDER_POLICY,
        "--rule",
        "privileged",
        "--format",
        "junit",
    ]);
    let text = stdout(&o);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text}"
    );
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .expect("failure");
    let expected = "container `a<b>&c'd\u{fffd}[31m\u{fffd}` runs privileged";
    assert_eq!(failure.attribute("message"), Some(expected), "{text}");
    assert!(failure.text().unwrap_or("").contains(expected), "{text}");
    let case = failure.parent().expect("testcase");
    assert!(
        case.attribute("name")
            .is_some_and(|n| n.ends_with("/x&y.yaml")),
        "{text}"
    );
}

#[test]
fn junit_reports_diagnostics_as_errors() {
    let o = palisade(&[
        "check",
        "tests/fixtures/cli/inputs",
        "--policy",
        "tests/fixtures/cli/bad_policy",
        "--format",
        "junit",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let text = stdout(&o);
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    assert_eq!(doc.root_element().attribute("errors"), Some("1"), "{text}");
    let error = doc
        .descendants()
        .find(|n| n.has_tag_name("error"))
        .expect("error");
    assert_eq!(error.attribute("type"), Some("palisade::syntax-error"));
    assert_eq!(
        error.parent().and_then(|c| c.attribute("name")),
        Some("tests/fixtures/cli/bad_policy/broken.pal:6:3")
    );
}

// ---- GitHub

#[test]
fn github_snapshot() {
    let o = fixture("github");
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn github_escapes_data_and_properties() {
    let name = "\"50% a\\nb\\r::error::x\"";
    let dir = tree(&[("a,b:c.yaml", &pod(name))]);
    let o = palisade(&[
        "check",
        dir.path().to_str().expect("utf-8"),
        "--no-builtin",
        "--policy",
        RENDER_POLICY,
        "--rule",
        "privileged",
        "--format",
        "github",
    ]);
    let text = stdout(&o);
    assert_eq!(text.lines().count(), 1, "{text}");
    let line = text.trim_end();
    assert!(line.starts_with("::error file="), "{line}");
    assert!(
        line.contains("/a%2Cb%3Ac.yaml,line=10,col=21,endLine=10,endColumn=25,title=privileged::"),
        "{line}"
    );
    assert!(line.ends_with("::container `50%25 a%0Ab%0D::error::x` runs privileged%0ARemove `securityContext.privileged: true`."), "{line}");
}

#[test]
fn github_annotates_diagnostics() {
    let o = palisade(&[
        "check",
        "tests/fixtures/cli/inputs",
        "--policy",
        "tests/fixtures/cli/bad_policy",
        "--format",
        "github",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let text = stdout(&o);
    assert!(
        text.lines().any(|l| l.starts_with(
            "::error file=tests/fixtures/cli/bad_policy/broken.pal,line=6,col=3,endLine=6,endColumn=7,title=palisade%3A%3Asyntax-error::expected an expression"
        )),
        "{text}"
    );
}

// ---- --output

#[test]
fn output_writes_several_formats_in_one_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sarif = dir.path().join("report.sarif");
    let junit = dir.path().join("report.xml");
    std::fs::write(&junit, "stale").expect("write");
    let o = palisade(&[
        "check",
        "tests/fixtures/cli/inputs/pod.yaml",
        "--no-builtin",
        "--policy",
        RENDER_POLICY,
        "--format",
        "human",
        "--format",
        "sarif",
        "--output",
        sarif.to_str().expect("utf-8"),
        "--format",
        "junit",
        "--output",
        junit.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // The unpaired `human` went to stdout.
    assert!(stdout(&o).ends_with(
        "checked 1 file with 2 rules: 2 findings (1 critical, 1 low), 0 errors, 0 warnings\n"
    ));
    assert_eq!(
        std::fs::read_to_string(&sarif).expect("sarif"),
        stdout(&fixture("sarif"))
    );
    assert_eq!(
        std::fs::read_to_string(&junit).expect("junit"),
        stdout(&fixture("junit"))
    );
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec!["report.sarif", "report.xml"],
        "no temporary files left"
    );
}

#[test]
fn output_pairing_mistakes_are_usage_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join("a");
    let a = a.to_str().expect("utf-8");
    let b = dir.path().join("b");
    let b = b.to_str().expect("utf-8");
    let base = [
        "check",
        "tests/fixtures/cli/inputs/pod.yaml",
        "--no-builtin",
        "--policy",
        RENDER_POLICY,
    ];
    for (extra, message) in [
        (vec!["--output", a], "has no `--format` before it"),
        (
            vec!["--output", a, "--format", "json"],
            "has no `--format` before it",
        ),
        (
            vec!["--format", "json", "--format", "sarif"],
            "more than one `--format` would go to standard output",
        ),
        (
            vec!["--format", "json", "--output", a, "--output", b],
            "one `--format` has two outputs",
        ),
        (
            vec![
                "--format", "json", "--output", a, "--format", "sarif", "--output", a,
            ],
            "is given twice",
        ),
    ] {
        let mut args = base.to_vec();
        args.extend(extra.iter().copied());
        let o = palisade(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(message), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "nothing runs: {}", stdout(&o));
    }
    assert!(std::fs::read_dir(dir.path()).expect("dir").next().is_none());
}

#[test]
fn an_unwritable_output_is_an_error_but_the_others_are_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = dir.path().join("ok.json");
    let bad = dir.path().join("missing/dir/x.sarif");
    let o = palisade(&[
        "check",
        "tests/fixtures/cli/inputs/pod.yaml",
        "--no-builtin",
        "--policy",
        RENDER_POLICY,
        "--format",
        "sarif",
        "--output",
        bad.to_str().expect("utf-8"),
        "--format",
        "json",
        "--output",
        good.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot write"), "{}", stderr(&o));
    assert!(good.exists());
}

#[test]
fn sarif_suppressed_results_are_valid_and_say_how() {
    let dir = tree(&[
        (
            "k8s/commented.yaml",
            &format!(
                "# palisade:ignore-file privileged_container reason=\"lab rig\" expires=2030-01-01\n{}",
                pod("a")
            ),
        ),
        ("k8s/configured.yaml", &pod("b")),
        (
            "palisade.toml",
            "[[suppress]]\npath = \"k8s/configured.yaml\"\nrule = \"SR 2.1\"\nreason = \"vendor appliance\"\nowner = \"ot-team\"\n",
        ),
    ]);
    let o = palisade_in(
        dir.path(),
        &[
            "check",
            ".",
            "--format",
            "sarif",
            "--rule",
            "privileged_container",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let log = assert_valid_sarif(&o);
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 2, "{results:#?}");
    let kinds: Vec<(&str, &str)> = results
        .iter()
        .map(|r| {
            let s = &r["suppressions"][0];
            (
                s["kind"].as_str().expect("kind"),
                s["justification"].as_str().expect("justification"),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [("inSource", "lab rig"), ("external", "vendor appliance")]
    );
    assert_eq!(
        results[0]["suppressions"][0]["properties"]["expires"],
        "2030-01-01"
    );
    assert_eq!(
        results[1]["suppressions"][0]["properties"]["owner"],
        "ot-team"
    );
}
