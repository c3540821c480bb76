//! `palisade report`: the JSON report of the example plant (snapshot), the requirement matrix's
//! statuses, waivers and their expiry, provenance, exit codes, and the HTML page's
//! self-containment and escaping (`tests/fixtures/report/` has a waived finding and a zone
//! whose name is markup).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code stops at the first broken expectation"
)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{json, Value};

fn palisade(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run palisade")
}

fn report_json(args: &[&str]) -> Value {
    let o = palisade(args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "report exits 0 when written: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("report is JSON")
}

fn is_sha256(v: &Value) -> bool {
    v.as_str().is_some_and(|s| {
        s.strip_prefix("sha256:")
            .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
    })
}

fn zone<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["zones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|z| z["name"] == name)
        .unwrap_or_else(|| panic!("zone {name}"))
}

fn cell<'a>(report: &'a Value, req: &str, zone: &str) -> &'a Value {
    let row = report["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == req)
        .unwrap_or_else(|| panic!("requirement {req}"));
    row["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["zone"] == zone)
        .unwrap_or_else(|| panic!("cell {req} × {zone}"))
}

#[test]
fn json_report_of_the_example_plant() {
    let mut v = report_json(&[
        "report",
        "--format",
        "json",
        "--date",
        "2026-01-15",
        "examples/plant",
    ]);
    // Hashes and the commit change with every policy or commit: check their shape, then fix
    // them for the snapshot. The input hash depends only on examples/plant and stays.
    let p = &mut v["provenance"];
    assert!(
        is_sha256(&p["policy_pack_hash"]),
        "{}",
        p["policy_pack_hash"]
    );
    assert!(is_sha256(&p["input_hash"]), "{}", p["input_hash"]);
    assert!(p["git_commit"].is_null() || p["git_commit"].as_str().is_some_and(|c| c.len() >= 40));
    p["policy_pack_hash"] = json!("[policy pack hash]");
    p["git_commit"] = json!("[git commit]");
    p["tool_version"] = json!("[version]");
    insta::assert_json_snapshot!("plant_report", v);
}

#[test]
fn zones_have_seven_levels_and_the_matrix_one_cell_per_zone() {
    let v = report_json(&["report", "--date", "2026-01-15", "examples/plant"]);
    assert_eq!(v["version"], 1);
    let zones = v["zones"].as_array().unwrap();
    assert_eq!(zones.len(), 6);
    for z in zones {
        assert_eq!(z["sl_target"].as_array().unwrap().len(), 7, "{}", z["name"]);
        assert_eq!(
            z["sl_achieved"].as_array().unwrap().len(),
            7,
            "{}",
            z["name"]
        );
    }
    let names: Vec<&Value> = zones.iter().map(|z| &z["name"]).collect();
    let mut counted = std::collections::BTreeMap::<String, u64>::new();
    let reqs = v["requirements"].as_array().unwrap();
    assert_eq!(reqs.len(), 100, "every SR and RE of IEC 62443-3-3");
    let findings = v["findings"].as_array().unwrap();
    for r in reqs {
        let cells = r["cells"].as_array().unwrap();
        let zs: Vec<&Value> = cells.iter().map(|c| &c["zone"]).collect();
        assert_eq!(zs, names, "cells follow the zones, in order ({})", r["id"]);
        let level = r["level"].as_u64().unwrap();
        let fr: usize = r["fr"].as_str().unwrap()[2..].parse().unwrap();
        for (c, z) in cells.iter().zip(zones) {
            let target = z["sl_target"][fr - 1].as_u64().unwrap();
            let status = c["status"].as_str().unwrap();
            let expected = if level > target {
                "not_applicable"
            } else if r["rules"].as_array().unwrap().is_empty() {
                "manual"
            } else if findings.iter().any(|f| {
                f["requirements"].as_array().unwrap().contains(&r["id"])
                    && f["zones"].as_array().unwrap().contains(&z["name"])
            }) {
                "fail"
            } else {
                "pass"
            };
            assert_eq!(status, expected, "{} × {}", r["id"], z["name"]);
            *counted.entry(status.to_string()).or_default() += 1;
        }
    }
    let summary: std::collections::BTreeMap<String, u64> =
        serde_json::from_value(v["summary"]["cells"].clone()).unwrap();
    assert_eq!(summary, counted, "summary counts the matrix");
    // The control zone has the undeclared Modbus flow from the enterprise (SR 5.1 / 5.2).
    let c = cell(&v, "SR 5.2", "control");
    assert_eq!(c["status"], "fail");
    let ids = c["findings"].as_array().unwrap();
    assert!(ids.iter().any(|id| findings
        .iter()
        .any(|f| f["id"] == *id && f["rule"] == "undeclared_zone_flow")));
    // Two undeclared flows, both into `control`, named after the model's firewall.
    let undeclared: Vec<(&str, &str, &str)> = v["flows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["declared"] == false)
        .map(|f| {
            (
                f["from"].as_str().unwrap(),
                f["to"].as_str().unwrap(),
                f["firewall"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        undeclared,
        [
            ("enterprise", "control", "ot-boundary"),
            ("supervisory", "control", "ot-boundary")
        ]
    );
    let conduit = v["conduits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "enterprise-to-dmz")
        .unwrap();
    assert_eq!(conduit["firewalls"], json!(["it-dmz"]));
}

#[test]
fn waivers_keep_their_reason_until_they_expire() {
    let v = report_json(&["report", "--date", "2027-01-31", "tests/fixtures/report"]);
    let w = &v["waivers"][0];
    assert_eq!(w["id"], "W1");
    assert_eq!(
        w["reason"],
        "vendor driver needs raw sockets <until firmware 2.0>"
    );
    assert_eq!(w["expires"], "2027-01-31");
    assert_eq!(w["finding"]["rule"], "privileged_container");
    assert_eq!(w["finding"]["zones"], json!(["cell"]));
    assert_eq!(cell(&v, "SR 2.1", "cell")["status"], "waived");
    assert_eq!(cell(&v, "SR 2.1", "cell")["waivers"], json!(["W1"]));
    assert_eq!(cell(&v, "SR 3.4", "cell")["status"], "fail");
    assert_eq!(cell(&v, "SR 2.1", "office")["status"], "pass");
    // SR 2.1 RE 1 applies from SL 2: above `office`'s target of 1.
    assert_eq!(
        cell(&v, "SR 2.1 RE 1", "office")["status"],
        "not_applicable"
    );
    // A waived finding does not lower the achieved level: FR2 stays at 4, FR3 is held by
    // the writable root filesystem (an SL 2 rule).
    assert_eq!(
        zone(&v, "cell")["sl_achieved"],
        json!([4, 4, 1, 4, 4, 4, 4])
    );
    assert_eq!(zone(&v, "cell")["waivers"], json!(["W1"]));

    // The day after expiry the finding is back and the expired waiver is reported.
    let v = report_json(&["report", "--date", "2027-02-01", "tests/fixtures/report"]);
    assert_eq!(v["waivers"], json!([]));
    assert_eq!(cell(&v, "SR 2.1", "cell")["status"], "fail");
    assert_eq!(
        zone(&v, "cell")["sl_achieved"],
        json!([4, 0, 1, 4, 4, 4, 4])
    );
    assert_eq!(v["diagnostics"][0]["code"], "palisade::expired-suppression");
    assert_eq!(v["provenance"]["date"], "2027-02-01");
}

#[test]
fn provenance_is_deterministic_and_the_date_can_come_from_source_date_epoch() {
    let a = palisade(&[
        "report",
        "-j",
        "1",
        "--date",
        "2026-01-15",
        "examples/plant",
    ]);
    let b = palisade(&[
        "report",
        "-j",
        "2",
        "--date",
        "2026-01-15",
        "examples/plant",
    ]);
    assert_eq!(a.stdout, b.stdout, "same report at any thread count");
    let o = Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(["report", "tests/fixtures/report"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("SOURCE_DATE_EPOCH", "1767225600") // 2026-01-01T00:00:00Z
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["provenance"]["date"], "2026-01-01");
    // Another input, another hash; another policy, another pack hash.
    let plant: Value = serde_json::from_slice(&a.stdout).unwrap();
    assert_ne!(
        plant["provenance"]["input_hash"],
        v["provenance"]["input_hash"]
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("extra.pal"),
        "package extra\n\nrule nothing_here {\n  requirement \"SR 5.1\"\n  for z in zones\n  where false\n  deny: \"never\"\n}\n",
    )
    .unwrap();
    let policy = dir.path().to_string_lossy().into_owned();
    let with = report_json(&[
        "report",
        "--date",
        "2026-01-01",
        "--policy",
        &policy,
        "tests/fixtures/report",
    ]);
    assert_ne!(
        with["provenance"]["policy_pack_hash"],
        v["provenance"]["policy_pack_hash"]
    );
    assert_eq!(
        with["provenance"]["policy_files"].as_u64().unwrap(),
        v["provenance"]["policy_files"].as_u64().unwrap() + 1
    );
    let bad = palisade(&["report", "tests/fixtures/report"]);
    assert_eq!(bad.status.code(), Some(0));
    let o = Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(["report", "tests/fixtures/report"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("palisade::bad-argument"));
}

#[test]
fn errors_write_no_report_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.pal"), "package broken\nrule {\n").unwrap();
    let out = dir.path().join("report.html");
    let o = palisade(&[
        "report",
        "--policy",
        &dir.path().to_string_lossy(),
        "--html",
        &out.to_string_lossy(),
        "tests/fixtures/report",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!out.exists(), "no report from a broken policy");
    assert!(String::from_utf8_lossy(&o.stderr).contains("no report written"));
    let o = palisade(&[
        "report",
        "--html",
        &out.to_string_lossy(),
        "--output",
        &dir.path().join("r.json").to_string_lossy(),
        "tests/fixtures/report",
    ]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "--output without --format beside --html"
    );
    assert!(!out.exists(), "a usage error writes nothing");
    assert!(String::from_utf8_lossy(&o.stderr).contains("palisade::bad-argument"));
    let o = palisade(&[
        "report",
        "--html",
        "/nonexistent-dir/report.html",
        "tests/fixtures/report",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("palisade::bad-path"));
}

/// Writes the HTML report of `input` and returns it.
fn html_report(input: &str, dir: &Path) -> String {
    let file = dir.join("report.html");
    let o = palisade(&[
        "report",
        "--date",
        "2026-01-15",
        "--html",
        &file.to_string_lossy(),
        input,
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.stdout.is_empty(), "only --html: nothing on stdout");
    std::fs::read_to_string(file).unwrap()
}

#[test]
fn html_is_self_contained() {
    let dir = tempfile::tempdir().unwrap();
    let html = html_report("examples/plant", dir.path());
    let lower = html.to_ascii_lowercase();
    for bad in [
        "src=\"http",
        "src='http",
        "href=\"http",
        "href='http",
        "url(http",
        "url(\"http",
        "url('http",
        "@import",
        "<link",
        "<iframe",
    ] {
        assert!(!lower.contains(bad), "external reference `{bad}`");
    }
    assert!(html.contains("<script type=\"application/json\" id=\"palisade-report\">"));
    assert!(
        html.contains("Licensed to the Apache Software Foundation"),
        "licence kept"
    );
    for z in [
        "internet",
        "enterprise",
        "dmz",
        "supervisory",
        "control",
        "remote-station",
    ] {
        assert!(
            html.contains(&format!("<h3 class=\"zone-name\">{z}</h3>")),
            "{z}"
        );
    }
    // Provenance in the header.
    assert!(html.contains("sha256:"));
    assert!(html.contains("<tr><th>Date</th><td>2026-01-15</td></tr>"));
    // The JSON form and the embedded data are the same model.
    let start = html.find("id=\"palisade-report\">").unwrap() + "id=\"palisade-report\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    let embedded: Value = serde_json::from_str(&html[start..end]).unwrap();
    let json = report_json(&["report", "--date", "2026-01-15", "examples/plant"]);
    assert_eq!(embedded, json);
}

#[test]
fn html_escapes_what_inputs_say() {
    let dir = tempfile::tempdir().unwrap();
    let html = html_report("tests/fixtures/report", dir.path());
    assert!(!html.contains("<img src=x"), "zone name markup escaped");
    assert!(html.contains("lab&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assert!(html.contains("vendor driver needs raw sockets &lt;until firmware 2.0&gt;"));
    assert!(html.contains("expires 2027-01-31"));
    // Inside the JSON script element no `<` survives: the only `</script` are the real ones.
    assert_eq!(html.matches("</script>").count(), 3);
    assert!(html.contains("lab\\u003c/script\\u003e\\u003cimg"));
    assert_eq!(
        palisade::audit::html::script_json("\"a</script>&\u{2028}\u{2029}\""),
        "\"a\\u003c/script\\u003e\\u0026\\u2028\\u2029\""
    );
    assert_eq!(
        palisade::audit::html::text("<a href='x'>&\"\u{1b}"),
        "&lt;a href=&#39;x&#39;&gt;&amp;&quot;\u{fffd}"
    );
}

#[test]
fn vendored_library_can_be_inlined() {
    let js = include_str!("../src/audit/vendor/echarts.min.js");
    assert!(!js.to_ascii_lowercase().contains("</script"));
    assert!(!js.contains("<!--"));
    assert!(js.starts_with("\n/*\n* Licensed to the Apache Software Foundation"));
}

#[test]
fn reports_follow_the_documented_schema() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::draft7::options()
        .build(&schema)
        .expect("the report schema compiles");
    for args in [
        ["report", "--date", "2026-01-15", "examples/plant"],
        // a waiver
        ["report", "--date", "2027-01-31", "tests/fixtures/report"],
        // an expired waiver: a diagnostic
        ["report", "--date", "2027-02-01", "tests/fixtures/report"],
    ] {
        let v = report_json(&args);
        let errors: Vec<String> = validator
            .iter_errors(&v)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{args:?}: {errors:#?}");
    }
    // The schema is strict enough to notice a missing or unknown key.
    let mut v = report_json(&["report", "--date", "2026-01-15", "tests/fixtures/report"]);
    v["zones"][0]["sl_target"] = json!([1, 2, 3]);
    assert!(!validator.is_valid(&v), "six-element SL-T accepted");
}
