//! End-to-end tests of the `palisade` binary: exit codes, output formats, determinism.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code stops at the first broken expectation"
)]

use std::path::Path;
use std::process::{Command, Output};

fn palisade(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env("COLUMNS", "80")
        .output()
        .expect("run palisade")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

#[test]
fn check_example_plant_reports_findings_with_locations() {
    let o = palisade(&["check", "examples/plant"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    // rustc/miette style: `path:line:col` in the snippet header, rule id, requirement.
    assert!(out.contains("examples/plant/k8s/"), "{out}");
    let re = regex::Regex::new(r"examples/plant/[^\s\]]+:\d+:\d+").expect("regex");
    assert!(re.find_iter(&out).count() >= 10, "{out}");
    assert!(out.contains("privileged_container"), "{out}");
    assert!(out.contains("IEC 62443-3-3 SR 2.1"), "{out}");
    assert!(
        out.lines()
            .last()
            .is_some_and(|l| l.starts_with("checked ")),
        "{out}"
    );
}

#[test]
fn json_output_is_identical_across_thread_counts() {
    let one = palisade(&["check", "examples/plant", "--format", "json", "--jobs", "1"]);
    let two = palisade(&["check", "examples/plant", "--format", "json", "--jobs", "2"]);
    assert_eq!(one.status.code(), Some(1));
    assert_eq!(one.stdout, two.stdout);
    let v = json(&one);
    assert_eq!(v["version"], 1);
    let findings = v["findings"].as_array().expect("findings");
    assert!(!findings.is_empty());
    for f in findings {
        for key in [
            "rule",
            "severity",
            "requirements",
            "message",
            "file",
            "line",
            "column",
            "end_line",
            "end_column",
        ] {
            assert!(!f[key].is_null(), "finding without `{key}`: {f}");
        }
        assert!(f["line"].as_u64().is_some_and(|l| l >= 1));
        assert!(f["column"].as_u64().is_some_and(|c| c >= 1));
    }
}

#[test]
fn json_points_at_the_offending_value() {
    let o = palisade(&[
        "check",
        "tests/fixtures/cli/inputs/pod.yaml",
        "--format",
        "json",
    ]);
    let v = json(&o);
    let f = v["findings"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["rule"] == "privileged_container"))
        .cloned()
        .expect("privileged_container finding");
    // `privileged: true` is on line 10; `true` starts at column 21.
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(10), Some(21)),
        "{f}"
    );
    assert_eq!(
        (f["end_line"].as_u64(), f["end_column"].as_u64()),
        (Some(10), Some(25)),
        "{f}"
    );
    assert_eq!(f["requirements"][0], "SR 2.1");
}

#[test]
fn user_policy_is_added_to_the_builtin_pack() {
    let o = palisade(&[
        "check",
        "tests/fixtures/cli/inputs/pod.yaml",
        "--policy",
        "tests/fixtures/cli/user_policy",
        "--format",
        "json",
    ]);
    let v = json(&o);
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(rules.contains(&"workload_without_zone_prefix"), "{rules:?}");
    assert!(rules.contains(&"privileged_container"), "{rules:?}");
}

#[test]
fn syntax_error_in_policy_dir_exits_2_naming_the_file() {
    let o = palisade(&[
        "check",
        "tests/fixtures/cli/inputs",
        "--policy",
        "tests/fixtures/cli/bad_policy",
    ]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(out.contains("palisade::syntax-error"), "{out}");
    assert!(
        out.contains("tests/fixtures/cli/bad_policy/broken.pal:6:3"),
        "{out}"
    );
}

#[test]
fn missing_path_is_a_usage_error() {
    let o = palisade(&["check", "does/not/exist", "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    let v = json(&o);
    assert_eq!(v["diagnostics"][0]["code"], "palisade::bad-path");
}

#[test]
fn bad_flag_exits_2() {
    let o = palisade(&["check", "--format", "xml"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn test_command_summarises_and_fails_on_failures() {
    let ok = palisade(&["test", "tests/fixtures/cli/user_policy"]);
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    assert!(
        stdout(&ok).lines().any(|l| l == "2 passed, 0 failed"),
        "{}",
        stdout(&ok)
    );

    let bad = palisade(&["test", "tests/fixtures/cli/failing_tests"]);
    let out = stdout(&bad);
    assert_eq!(bad.status.code(), Some(1), "{out}");
    assert!(out.lines().any(|l| l == "1 passed, 1 failed"), "{out}");
    assert!(
        out.contains("expected `any_pod` at line 9, but it fired at pod.yaml:4:9"),
        "{out}"
    );
}

#[test]
fn builtin_pack_tests_pass_from_the_command_line() {
    let o = palisade(&["test", "policies"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.lines()
            .last()
            .is_some_and(|l| l.ends_with(" passed, 0 failed")),
        "{out}"
    );
}

#[test]
fn explain_a_rule_and_a_code() {
    let o = palisade(&["explain", "privileged_container"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("SR 2.1"));
    let o = palisade(&["explain", "palisade::unknown-name"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("unknown-name"));
    let o = palisade(&["explain", "no-such-thing"]);
    assert_eq!(o.status.code(), Some(2));
    // A user's rule, with the policies it lives in.
    let o = palisade(&[
        "explain",
        "workload_without_zone_prefix",
        "--policy",
        "tests/fixtures/cli/user_policy",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).contains("Workload names must say which zone"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn shared_corpus_loads_without_errors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let k8s = root.join("k8s");
    let compose = root.join("compose");
    let o = palisade(&[
        "check",
        &k8s.to_string_lossy(),
        &compose.to_string_lossy(),
        "--format",
        "json",
    ]);
    let v = json(&o);
    let errors: Vec<_> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(matches!(o.status.code(), Some(0 | 1)));
    assert!(v["summary"]["files"].as_u64().is_some_and(|n| n > 700));
}

#[test]
fn import_cycles_are_reported() {
    let o = palisade(&[
        "check",
        "tests/fixtures/cli/inputs",
        "--no-builtin",
        "--policy",
        "tests/fixtures/cli/cycle",
    ]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(out.contains("palisade::import-cycle"), "{out}");
    assert!(
        out.contains("import cycle: cycle.a → cycle.b → cycle.a"),
        "{out}"
    );
}

#[test]
fn user_modules_import_each_other() {
    let o = palisade(&[
        "check",
        "tests/fixtures/cli/inputs",
        "--no-builtin",
        "--policy",
        "tests/fixtures/cli/modules",
        "--format",
        "json",
    ]);
    let v = json(&o);
    assert_eq!(o.status.code(), Some(1), "{v}");
    assert_eq!(v["diagnostics"].as_array().map(Vec::len), Some(0), "{v}");
    let f = &v["findings"][0];
    assert_eq!(f["rule"], "unzoned_workload");
    assert_eq!(
        f["message"],
        "Pod `scada` runs in namespace `default`, which is in no zone (zones: [\"ot-supervisory\",\"scada\"])"
    );
}

#[test]
fn human_output_snapshot() {
    // A fixed policy, so the snapshot shows rendering, not the current size of the pack.
    let o = palisade(&[
        "check",
        "tests/fixtures/cli/inputs/pod.yaml",
        "--no-builtin",
        "--policy",
        "tests/fixtures/cli/render_policy",
        "--color",
        "never",
    ]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn discovery_honours_gitignore_hidden_dirs_and_globs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let pod = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cli/inputs/pod.yaml"),
    )
    .expect("pod");
    for rel in [
        "kept/a.yaml",
        "ignored/b.yaml",
        ".hidden/c.yaml",
        "vendor/d.yml",
        "notes.md",
    ] {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, &pod).expect("write");
    }
    std::fs::write(root.join(".gitignore"), "ignored/\n").expect("gitignore");
    let files = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["check", root.to_str().expect("utf-8"), "--format", "json"];
        args.extend_from_slice(extra);
        let v = json(&palisade(&args));
        let mut fs: Vec<String> = v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter_map(|f| f["file"].as_str())
            .map(|f| {
                f.rsplit_once(&format!("{}/", root.display()))
                    .map_or(f.to_string(), |(_, r)| r.to_string())
            })
            .collect();
        fs.dedup();
        fs
    };
    assert_eq!(files(&[]), vec!["kept/a.yaml", "vendor/d.yml"]);
    assert_eq!(files(&["--exclude", "vendor/**"]), vec!["kept/a.yaml"]);
    assert_eq!(
        files(&["--no-gitignore"]),
        vec!["ignored/b.yaml", "kept/a.yaml", "vendor/d.yml"]
    );
    assert_eq!(files(&["--include", "vendor/*"]), vec!["vendor/d.yml"]);
}

#[test]
fn malformed_input_is_a_diagnostic_and_other_files_are_still_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pod = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cli/inputs/pod.yaml"),
    )
    .expect("pod");
    std::fs::write(dir.path().join("good.yaml"), pod).expect("write");
    std::fs::write(dir.path().join("bad.yaml"), "a: [1, 2\nb: c\n").expect("write");
    std::fs::write(dir.path().join("binary.json"), [0xff, 0xfe, 0x00, 0x01]).expect("write");
    let o = palisade(&[
        "check",
        dir.path().to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let v = json(&o);
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .expect("diags")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(codes, vec!["palisade::input-syntax", "palisade::not-utf8"]);
    assert!(v["diagnostics"][0]["line"].as_u64().is_some());
    assert!(
        v["findings"].as_array().is_some_and(|f| !f.is_empty()),
        "good.yaml must still be checked"
    );
}

#[test]
fn shipped_policies_are_formatted() {
    let o = palisade(&[
        "fmt",
        "--check",
        "policies",
        "stdlib",
        "examples",
        "tests/fixtures/cli",
    ]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "bad_policy has a syntax error: fmt leaves it and reports it"
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("would reformat"), "{err}");
    let o = palisade(&["fmt", "--check", "policies", "stdlib"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn fmt_check_then_write() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("p.pal");
    std::fs::write(
        &file,
        "package p\nrule r {   for d in docs\n deny:   d.path }\n",
    )
    .expect("write");
    let path = file.to_str().expect("utf-8");
    let o = palisade(&["fmt", "--check", path]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("would reformat"));
    let o = palisade(&["fmt", path]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        "package p\n\nrule r {\n  for d in docs\n  deny: d.path\n}\n"
    );
    let o = palisade(&["fmt", "--check", path]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn shadowed_and_telnet_rules_in_three_firewall_formats() {
    let o = palisade(&["check", "tests/fixtures/firewall_check", "--format", "json"]);
    let v = json(&o);
    assert_eq!(o.status.code(), Some(1), "{v}");
    assert_eq!(v["summary"]["errors"], 0, "{v}");
    let findings = v["findings"].as_array().expect("findings");
    let at = |file: &str, rule: &str| -> Vec<(u64, String)> {
        findings
            .iter()
            .filter(|f| f["file"].as_str().is_some_and(|p| p.ends_with(file)) && f["rule"] == rule)
            .map(|f| {
                (
                    f["line"].as_u64().unwrap_or(0),
                    f["message"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    for (file, shadowed, telnet) in [
        ("boundary.rules", 6, 7),
        ("edge.nft", 7, 8),
        ("edge-router.cfg", 6, 7),
    ] {
        let s = at(file, "shadowed_firewall_rule");
        assert_eq!(s.len(), 1, "{file}: {s:?}");
        assert_eq!(s[0].0, shadowed, "{file}");
        assert!(
            s[0].1.contains("shadowed") && s[0].1.contains("unreachable"),
            "{file}: {}",
            s[0].1
        );
        let t = at(file, "cleartext_protocol_accepted");
        assert_eq!(t.len(), 1, "{file}: {t:?}");
        assert_eq!(t[0].0, telnet, "{file}");
        assert!(
            t[0].1.contains("telnet") && t[0].1.contains("cleartext"),
            "{file}: {}",
            t[0].1
        );
    }
}

#[test]
fn firewall_corpus_loads_without_errors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/firewall");
    let o = palisade(&["check", &root.to_string_lossy(), "--format", "json"]);
    let v = json(&o);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", v["summary"]);
    assert_eq!(v["summary"]["errors"], 0);
    // Every corpus file but the SOURCES.md indexes is recognised.
    assert!(
        v["summary"]["files"].as_u64().is_some_and(|n| n >= 1093),
        "{}",
        v["summary"]
    );
}

#[test]
fn plant_zone_model_reports_the_conduit_gap() {
    let o = palisade(&["check", "examples/plant", "--format", "json"]);
    let v = json(&o);
    let gaps: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "undeclared_zone_flow")
        .collect();
    assert!(!gaps.is_empty(), "{v}");
    assert!(gaps
        .iter()
        .any(|f| f["file"] == "examples/plant/firewall/ot-boundary.rules"
            && f["line"] == 13
            && f["message"]
                .as_str()
                .is_some_and(|m| m.contains("from zone `enterprise` to zone `control`")
                    && m.contains("no conduit"))));
}

#[test]
fn requirements_catalogue_is_complete() {
    let o = palisade(&["requirements", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v = json(&o);
    let reqs = v["requirements"].as_array().expect("requirements");
    assert_eq!(reqs.len(), 100, "51 SRs and 49 REs");
    let srs = reqs
        .iter()
        .filter(|r| !r["id"].as_str().unwrap_or("").contains(" RE "))
        .count();
    assert_eq!(srs, 51);
    for r in reqs {
        for key in ["id", "fr", "level", "title", "rules", "manual"] {
            assert!(!r[key].is_null(), "{r}");
        }
        let has_rules = r["rules"].as_array().is_some_and(|x| !x.is_empty());
        assert!(has_rules || r["manual"] == true, "{r}");
        assert_eq!(r["manual"], !has_rules, "{r}");
    }
    let sr52 = reqs
        .iter()
        .find(|r| r["id"] == "SR 5.2 RE 1")
        .expect("SR 5.2 RE 1");
    assert_eq!(sr52["fr"], "FR5");
    assert_eq!(sr52["level"], 2);
    assert!(sr52["rules"]
        .as_array()
        .is_some_and(|r| r.iter().any(|x| x == "firewall_default_allow")));
}

#[test]
fn explain_a_requirement() {
    let o = palisade(&["explain", "SR", "5.2"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("Zone boundary protection"), "{out}");
    assert!(out.contains("firewall_default_allow"), "{out}");
    let o = palisade(&["explain", "SR 2.10"]);
    assert!(stdout(&o).contains("manual evidence"), "{}", stdout(&o));
}

#[test]
fn rule_selection_flags() {
    let rules = |extra: &[&str]| -> Vec<String> {
        let mut args = vec![
            "check",
            "tests/fixtures/cli/inputs/pod.yaml",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let v = json(&palisade(&args));
        let mut r: Vec<String> = v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter_map(|f| f["rule"].as_str().map(str::to_string))
            .collect();
        r.sort();
        r.dedup();
        r
    };
    assert_eq!(
        rules(&["--rule", "privileged_container"]),
        vec!["privileged_container"]
    );
    assert!(rules(&["--fr", "FR2"]).iter().all(|r| [
        "privileged_container",
        "privilege_escalation_allowed",
        "container_may_run_as_root"
    ]
    .contains(&r.as_str())));
    assert_eq!(rules(&["--sr", "SR 5.4"]), vec!["privileged_container"]);
    assert_eq!(
        rules(&["--severity", "critical"]),
        vec!["privileged_container"]
    );
    // SL 1 only: the SL 2 rules (digest, writable root, capabilities) do not run.
    let sl1 = rules(&["--level", "1"]);
    assert!(
        !sl1.contains(&"image_without_digest".to_string())
            && sl1.contains(&"privileged_container".to_string()),
        "{sl1:?}"
    );
    let o = palisade(&[
        "check",
        "tests/fixtures/cli/inputs/pod.yaml",
        "--rule",
        "no_such_rule",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = palisade(&[
        "check",
        "tests/fixtures/cli/inputs/pod.yaml",
        "--level",
        "9",
    ]);
    assert_eq!(o.status.code(), Some(2));
}
