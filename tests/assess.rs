//! The security-level assessment on a hand-checked model (`tests/fixtures/assess/`).
//!
//! Zone `cell` (SL-T 2 everywhere) holds a privileged container (`privileged_container`,
//! FR2, SL 1) and a writable root filesystem (`writable_root_filesystem`, FR3, SL 2):
//! FR2 reaches 0 (an SL 1 rule fails), FR3 reaches 1 (only an SL 2 rule fails), every other
//! FR reaches 4. Zone `office` (SL-T 1) has nothing: 4 everywhere, no gap.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code stops at the first broken expectation"
)]

use std::process::Command;

fn assess(format: &str) -> (Option<i32>, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(["assess", "tests/fixtures/assess", "--format", format])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("run palisade");
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

#[test]
fn achieved_levels_per_zone_and_fr() {
    let (code, out) = assess("json");
    assert_eq!(code, Some(1), "a zone below target exits 1: {out}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let zones = v["zones"].as_array().expect("zones");
    let zone = |n: &str| {
        zones
            .iter()
            .find(|z| z["name"] == n)
            .cloned()
            .expect("zone")
    };
    let cell = zone("cell");
    assert_eq!(cell["sl_target"], serde_json::json!([2, 2, 2, 2, 2, 2, 2]));
    assert_eq!(
        cell["sl_achieved"],
        serde_json::json!([4, 0, 1, 4, 4, 4, 4])
    );
    let gaps: Vec<(String, Vec<String>)> = cell["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["fr"].as_str().unwrap().to_string(),
                g["rules"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r["rule"].as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        gaps,
        vec![
            ("FR2".to_string(), vec!["privileged_container".to_string()]),
            (
                "FR3".to_string(),
                vec!["writable_root_filesystem".to_string()]
            ),
        ]
    );
    let office = zone("office");
    assert_eq!(
        office["sl_target"],
        serde_json::json!([1, 1, 1, 1, 1, 1, 1])
    );
    assert_eq!(
        office["sl_achieved"],
        serde_json::json!([4, 4, 4, 4, 4, 4, 4])
    );
    assert_eq!(office["gaps"], serde_json::json!([]));
}

#[test]
fn human_table_marks_gaps() {
    let (_, out) = assess("human");
    assert!(
        out.contains("FR2 below target (0 < 2): privileged_container (SL 1, 1 finding)"),
        "{out}"
    );
    assert!(
        out.contains("FR3 below target (1 < 2): writable_root_filesystem (SL 2, 1 finding)"),
        "{out}"
    );
}

#[test]
fn plant_shows_zones_at_and_below_target() {
    let o = Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(["assess", "examples/plant", "--format", "json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run palisade");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let zones = v["zones"].as_array().expect("zones");
    assert!(zones.len() >= 5);
    for z in zones {
        assert_eq!(z["sl_target"].as_array().map(Vec::len), Some(7));
        assert_eq!(z["sl_achieved"].as_array().map(Vec::len), Some(7));
    }
    assert!(
        zones
            .iter()
            .any(|z| z["gaps"].as_array().is_some_and(Vec::is_empty)),
        "some zone at target"
    );
    assert!(
        zones
            .iter()
            .any(|z| z["gaps"].as_array().is_some_and(|g| !g.is_empty())),
        "some zone below target"
    );
}

/// The rules in the gaps of `zone` for `fr`, in the example plant.
fn plant_gap_rules(zone: &str, fr: &str) -> Vec<String> {
    let o = Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(["assess", "examples/plant", "--format", "json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run palisade");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let z = v["zones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|z| z["name"] == zone)
        .cloned()
        .expect("zone");
    z["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["fr"] == fr)
        .flat_map(|g| g["rules"].as_array().unwrap().clone())
        .map(|r| r["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn firewall_findings_count_for_the_zones_the_firewall_protects() {
    // ot-boundary enforces dmz|supervisory and supervisory|control: it protects supervisory
    // (SL-T 3 > dmz's 2) and both of supervisory and control (a tie at 3).
    for zone in ["supervisory", "control"] {
        assert!(
            plant_gap_rules(zone, "FR2").contains(&"accept_not_logged".to_string()),
            "{zone}"
        );
    }
    // it-dmz enforces enterprise|dmz and internet|dmz: it protects the dmz, not the others.
    assert!(plant_gap_rules("dmz", "FR2").contains(&"accept_not_logged".to_string()));
    assert!(plant_gap_rules("enterprise", "FR2").is_empty());
    assert!(plant_gap_rules("internet", "FR2").is_empty());
}

#[test]
fn namespace_findings_count_for_the_zones_listing_the_namespace() {
    assert!(plant_gap_rules("dmz", "FR5").contains(&"namespace_without_default_deny".to_string()));
}
