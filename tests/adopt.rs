//! End-to-end tests of the adoption features: inline suppressions and baselines.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code stops at the first broken expectation"
)]

use std::path::Path;
use std::process::Output;

mod run;
use run::{json, palisade_in as palisade, stdout, tree};

const RENDER_POLICY: &str = "tests/fixtures/cli/render_policy";

const FW_POLICY: &str = r#"package adopt

/// Any-to-any accept
rule any_any {
  requirement "SR 5.2"
  severity high

  for r in fw.rules
  where r.any_any == true
  deny at r: "firewall rule accepts any to any"
}
"#;

fn render_policy() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(RENDER_POLICY)
        .display()
        .to_string()
}

/// A pod with two privileged containers, `a` and `b`; `comment` goes just above `- name: a`.
fn pod(comment: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n{comment}    - name: a\n      image: x:1\n      securityContext:\n        privileged: true\n    - name: b\n      image: x:1\n      securityContext:\n        privileged: true\n"
    )
}

/// Checks `file` in `dir` with the pod policy (critical rules only: `privileged`), as JSON
/// unless `extra` names another `--format`.
fn check_pod(dir: &Path, extra: &[&str]) -> (Output, serde_json::Value) {
    let policy = render_policy();
    let mut args = vec![
        "check",
        "pod.yaml",
        "--no-builtin",
        "--policy",
        &policy,
        "--severity",
        "critical",
    ];
    if !extra.contains(&"--format") {
        args.extend_from_slice(&["--format", "json"]);
    }
    args.extend_from_slice(extra);
    let o = palisade(dir, &args);
    let v = json(&o);
    (o, v)
}

fn messages(v: &serde_json::Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .expect("array")
        .iter()
        .map(|f| f["message"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn codes(v: &serde_json::Value) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

// ---- suppressions

/// A pod with one privileged container suppressed by a comment and one not.
fn partly_suppressed_pod() -> tempfile::TempDir {
    tree(&[(
        "pod.yaml",
        &pod("    # palisade:ignore privileged reason=\"vendor image needs it\"\n"),
    )])
}

/// The output is byte for byte the pretty-printed tree it parses to: reports are streamed
/// (entries spliced into the rest, rendered in parallel), and must still read as one tree,
/// with DEL and the C1 controls escaped.
fn assert_laid_out_as_pretty_printed(o: &Output, v: &serde_json::Value) {
    let pretty = serde_json::to_string_pretty(v).unwrap_or_default();
    let want = format!("{}\n", palisade::report::escape_json_controls(pretty));
    assert_eq!(stdout(o), want);
}

#[test]
fn sarif_log_is_laid_out_as_the_pretty_printer_would() {
    let dir = partly_suppressed_pod();
    let (o, v) = check_pod(dir.path(), &["--format", "sarif"]);
    let results = v["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(results.len(), 2, "{v}");
    assert!(results[1]["suppressions"].is_array(), "{v}");
    assert_laid_out_as_pretty_printed(&o, &v);
}

#[test]
fn json_report_is_laid_out_as_the_pretty_printer_would() {
    let dir = partly_suppressed_pod();
    let (o, v) = check_pod(dir.path(), &[]);
    assert_eq!(v["summary"]["suppressed"], 1, "{v}");
    assert_eq!(v["summary"]["findings"], 1, "{v}");
    assert_laid_out_as_pretty_printed(&o, &v);
    // And with both lists empty.
    let clean = tree(&[(
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n",
    )]);
    let (o, v) = check_pod(clean.path(), &[]);
    assert_eq!(v["findings"], serde_json::json!([]), "{v}");
    assert_laid_out_as_pretty_printed(&o, &v);
}

#[test]
fn findings_of_every_shape_are_laid_out_as_the_pretty_printer_would() {
    // Findings are written from per-rule pieces rendered once: cover a rule without `fr`,
    // remediation or requirements, one with several, a finding without a location, and
    // messages the writer must escape (quotes, a line break, a C1 control, non-ASCII).
    let dir = tree(&[
        (
            "shapes.pal",
            r#"package shapes

/// Bare
rule bare {
  severity low
  deny: "no location, \"quoted\"\nsecond line"
}

/// Cited
rule cited {
  requirement "SR 5.1", "SR 5.2"
  severity high
  remediation "Do \"this\"."

  for d in docs
  deny: "in {d.path}: caf\u{e9} \u{9b}31m"
}
"#,
        ),
        (
            "a.yaml", "x: 1
",
        ),
    ]);
    let o = palisade(
        dir.path(),
        &[
            "check",
            "a.yaml",
            "--no-builtin",
            "--policy",
            "shapes.pal",
            "--format",
            "json",
        ],
    );
    let v = json(&o);
    assert_laid_out_as_pretty_printed(&o, &v);
    let findings = v["findings"].as_array().cloned().unwrap_or_default();
    assert_eq!(findings.len(), 2, "{v}");
    let (cited, bare) = (&findings[0], &findings[1]);
    assert_eq!(cited["rule"], "cited");
    assert_eq!(
        cited["requirements"],
        serde_json::json!(["SR 5.1", "SR 5.2"])
    );
    assert_eq!(cited["fr"], "FR5");
    assert_eq!(cited["remediation"], "Do \"this\".");
    assert_eq!(cited["message"], "in a.yaml: caf\u{e9} \u{9b}31m");
    assert_eq!(cited["line"], 1);
    assert_eq!(cited["file"], "a.yaml");
    assert!(stdout(&o).contains("\\u009b31m"), "C1 control escaped");
    assert_eq!(bare["rule"], "bare");
    assert_eq!(bare["requirements"], serde_json::json!([]));
    assert_eq!(bare["fr"], serde_json::Value::Null);
    assert_eq!(bare["remediation"], serde_json::Value::Null);
    assert_eq!(bare["message"], "no location, \"quoted\"\nsecond line");
    assert!(
        bare.get("line").is_none() && bare.get("file").is_none(),
        "{bare}"
    );
}

#[test]
fn ignore_by_rule_id_covers_the_next_node_and_its_block() {
    let dir = tree(&[(
        "pod.yaml",
        &pod("    # palisade:ignore privileged reason=\"vendor image needs it\" expires=2099-01-01\n"),
    )]);
    let (o, v) = check_pod(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1), "{v}");
    assert_eq!(messages(&v, "findings"), ["container `b` runs privileged"]);
    assert_eq!(
        messages(&v, "suppressed"),
        ["container `a` runs privileged"]
    );
    let s = &v["suppressed"][0];
    assert_eq!(s["rule"], "privileged");
    assert_eq!(s["reason"], "vendor image needs it");
    assert_eq!(s["expires"], "2099-01-01");
    assert_eq!(s["line"], 11);
    assert_eq!(v["summary"]["suppressed"], 1);
    assert!(codes(&v).is_empty(), "{v}");
}

#[test]
fn ignore_by_requirement_covers_rules_citing_it() {
    let dir = tree(&[(
        "pod.yaml",
        &pod("    # palisade:ignore SR 2.1 reason=\"accepted risk\"\n"),
    )]);
    let (o, v) = check_pod(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1), "{v}");
    assert_eq!(messages(&v, "findings"), ["container `b` runs privileged"]);
    assert_eq!(v["suppressed"][0]["expires"], serde_json::Value::Null);
}

#[test]
fn ignore_file_covers_the_whole_file_and_the_summary_counts_it() {
    let text = format!(
        "# palisade:ignore-file privileged reason=\"test cluster\"\n{}",
        pod("")
    );
    let dir = tree(&[("pod.yaml", &text)]);
    let (o, v) = check_pod(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{v}");
    assert_eq!(v["summary"]["findings"], 0);
    assert_eq!(v["summary"]["suppressed"], 2);
    let policy = render_policy();
    let h = palisade(
        dir.path(),
        &[
            "check",
            "pod.yaml",
            "--no-builtin",
            "--policy",
            &policy,
            "--severity",
            "critical",
        ],
    );
    let out = stdout(&h);
    assert!(out.trim_end().ends_with("2 suppressed"), "{out}");
}

#[test]
fn a_suppression_without_reason_is_an_error() {
    let dir = tree(&[("pod.yaml", &pod("    # palisade:ignore privileged\n"))]);
    let (o, v) = check_pod(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2), "{v}");
    assert_eq!(codes(&v), ["palisade::bad-suppression"]);
    assert_eq!(v["diagnostics"][0]["line"], 7);
    assert_eq!(
        v["summary"]["findings"], 2,
        "a bad directive suppresses nothing"
    );
}

#[test]
fn an_expired_suppression_fails_the_run_and_suppresses_nothing() {
    let dir = tree(&[(
        "pod.yaml",
        &pod("    # palisade:ignore privileged reason=\"until the upgrade\" expires=2025-12-31\n"),
    )]);
    let (o, v) = check_pod(dir.path(), &["--today", "2026-01-01"]);
    assert_eq!(o.status.code(), Some(1), "{v}");
    assert_eq!(codes(&v), ["palisade::expired-suppression"]);
    let d = &v["diagnostics"][0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["line"], 7);
    assert!(
        d["message"]
            .as_str()
            .unwrap_or_default()
            .contains("expired on 2025-12-31"),
        "{d}"
    );
    assert_eq!(v["summary"]["findings"], 2);
    // The day it expires it still holds.
    let (o, v) = check_pod(dir.path(), &["--today", "2025-12-31"]);
    assert_eq!(o.status.code(), Some(1), "{v}");
    assert!(codes(&v).is_empty(), "{v}");
    assert_eq!(v["summary"]["suppressed"], 1);
}

#[test]
fn an_unused_suppression_is_a_warning() {
    let dir = tree(&[(
        "pod.yaml",
        &pod("    # palisade:ignore memory_limit reason=\"not flagged here\"\n"),
    )]);
    let (o, v) = check_pod(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1), "{v}");
    assert_eq!(codes(&v), ["palisade::unused-suppression"]);
    assert_eq!(v["diagnostics"][0]["severity"], "warning");
    assert_eq!(v["summary"]["findings"], 2);
}

fn check_fw(file: &str, text: &str) -> serde_json::Value {
    let dir = tree(&[(file, text), ("pol/fw.pal", FW_POLICY)]);
    let o = palisade(
        dir.path(),
        &[
            "check",
            file,
            "--no-builtin",
            "--policy",
            "pol",
            "--format",
            "json",
        ],
    );
    let v = json(&o);
    assert!(codes(&v).is_empty(), "{v}");
    assert_eq!(v["summary"]["suppressed"], 1, "{v}");
    v
}

#[test]
fn iptables_hash_comment_covers_the_next_rule_line_only() {
    let v = check_fw(
        "fw.rules",
        "*filter\n:INPUT DROP [0:0]\n# palisade:ignore any_any reason=\"lab network\"\n-A INPUT -j ACCEPT\n-A FORWARD -j ACCEPT\nCOMMIT\n",
    );
    assert_eq!(v["suppressed"][0]["line"], 4);
    assert_eq!(v["findings"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["findings"][0]["line"], 5);
}

#[test]
fn cisco_bang_comment() {
    let v = check_fw(
        "edge.cfg",
        "hostname edge\n!\nip access-list extended EDGE_IN\n ! palisade:ignore SR 5.2 reason=\"migration window\"\n 10 permit ip any any\n 20 permit ip any any log\n!\ninterface GigabitEthernet0/1\n ip access-group EDGE_IN in\n!\nend\n",
    );
    assert_eq!(v["suppressed"][0]["line"], 5);
    assert_eq!(v["findings"][0]["line"], 6);
}

#[test]
fn pfsense_xml_comment_covers_the_element_block() {
    let rule = |descr: &str| {
        format!("\t\t<rule>\n\t\t\t<type>pass</type>\n\t\t\t<interface>lan</interface>\n\t\t\t<ipprotocol>inet</ipprotocol>\n\t\t\t<source><any/></source>\n\t\t\t<destination><any/></destination>\n\t\t\t<descr>{descr}</descr>\n\t\t</rule>\n")
    };
    let text = format!(
        "<?xml version=\"1.0\"?>\n<pfsense>\n\t<interfaces>\n\t\t<lan>\n\t\t\t<if>em1</if>\n\t\t\t<ipaddr>10.1.1.1</ipaddr>\n\t\t\t<subnet>24</subnet>\n\t\t</lan>\n\t</interfaces>\n\t<filter>\n\t\t<!-- palisade:ignore any_any reason=\"commissioning\" -->\n{}{}\t</filter>\n</pfsense>\n",
        rule("first"),
        rule("second")
    );
    let v = check_fw("pf.xml", &text);
    assert_eq!(v["findings"].as_array().map(Vec::len), Some(1), "{v}");
    let kept = v["findings"][0]["line"].as_u64().unwrap_or(0);
    let gone = v["suppressed"][0]["line"].as_u64().unwrap_or(0);
    assert!((12..20).contains(&gone) && kept >= 20, "{v}");
}

// ---- baselines

#[test]
fn baseline_life_cycle() {
    let policy = render_policy();
    let dir = tree(&[("cfg/old.yaml", &pod(""))]);
    let run = |extra: &[&str]| {
        let mut args = vec![
            "check",
            "cfg",
            "--no-builtin",
            "--policy",
            &policy,
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let o = palisade(dir.path(), &args);
        let v = json(&o);
        (o.status.code(), v)
    };
    // Without a baseline the existing findings fail the run.
    let (code, v) = run(&[]);
    assert_eq!(code, Some(1), "{v}");
    let existing = v["summary"]["findings"].as_u64().unwrap_or(0);
    assert!(existing >= 2, "{v}");

    // Writing the baseline accepts them.
    let (code, v) = run(&["--write-baseline", "palisade-baseline.json"]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["summary"]["baseline"], existing);
    let text =
        std::fs::read_to_string(dir.path().join("palisade-baseline.json")).expect("baseline");
    let b: serde_json::Value = serde_json::from_str(&text).expect("baseline JSON");
    assert_eq!(b["version"], 1);
    let entry = &b["findings"][0];
    for key in ["rule", "file", "fingerprint", "message"] {
        assert!(entry[key].is_string(), "{b}");
    }

    // Same tree: nothing new.
    let (code, v) = run(&["--baseline", "palisade-baseline.json"]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["summary"]["findings"], 0);
    assert_eq!(v["summary"]["baseline"], existing);

    // Lines inserted at the top shift every finding: still matched.
    let shifted = format!("# a comment\n# and another\n\n{}", pod(""));
    std::fs::write(dir.path().join("cfg/old.yaml"), shifted).expect("write");
    let (code, v) = run(&["--baseline", "palisade-baseline.json"]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["summary"]["baseline"], existing);

    // A new violating file: only its findings are reported.
    std::fs::write(dir.path().join("cfg/new.yaml"), pod("")).expect("write");
    let (code, v) = run(&["--baseline", "palisade-baseline.json"]);
    assert_eq!(code, Some(1), "{v}");
    let files: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["file"].as_str())
        .collect();
    assert!(
        !files.is_empty() && files.iter().all(|f| f.ends_with("new.yaml")),
        "{v}"
    );
    assert_eq!(v["summary"]["baseline"], existing);

    // The human summary says how many the baseline held back.
    let h = palisade(
        dir.path(),
        &[
            "check",
            "cfg",
            "--no-builtin",
            "--policy",
            &policy,
            "--baseline",
            "palisade-baseline.json",
        ],
    );
    let out = stdout(&h);
    assert!(
        out.trim_end().ends_with(&format!("{existing} in baseline")),
        "{out}"
    );
}

#[test]
fn a_corrupt_or_missing_baseline_is_an_error() {
    let policy = render_policy();
    let dir = tree(&[
        ("pod.yaml", &pod("")),
        ("bad.json", "{\"version\": 1, \"findings\": ["),
    ]);
    for file in ["bad.json", "missing.json"] {
        let o = palisade(
            dir.path(),
            &[
                "check",
                "pod.yaml",
                "--no-builtin",
                "--policy",
                &policy,
                "--baseline",
                file,
                "--format",
                "json",
            ],
        );
        let v = json(&o);
        assert_eq!(o.status.code(), Some(2), "{v}");
        assert_eq!(codes(&v), ["palisade::bad-baseline"]);
    }
}
