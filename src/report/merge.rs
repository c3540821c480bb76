//! Combining the reports of sharded runs (`palisade check --shard K/N`) into the report an
//! unsharded run writes.
//!
//! Each shard evaluates a disjoint part of the work, so findings (and suppressed findings)
//! are concatenated. Diagnostics about policies appear in every shard: a diagnostic is kept
//! as many times as the shard that has it most often. The result is sorted the way a run
//! sorts: by file (path components), position, rule and message.

use std::cmp::Ordering;
use std::collections::HashMap;

use serde_json::{json, Value as Json};

/// Why reports cannot be merged.
pub type MergeError = String;

fn components(file: Option<&str>) -> (bool, Vec<&str>) {
    match file {
        Some(f) => (false, f.split('/').collect()),
        None => (true, Vec::new()),
    }
}

fn num(v: &Json, key: &str) -> Option<u64> {
    v.get(key).and_then(Json::as_u64)
}

fn text<'a>(v: &'a Json, key: &str) -> &'a str {
    v.get(key).and_then(Json::as_str).unwrap_or("")
}

type Place<'a> = (
    (bool, Vec<&'a str>),
    Option<u64>,
    Option<u64>,
    Option<u64>,
    Option<u64>,
);

fn finding_place(f: &Json) -> Place<'_> {
    (
        components(f.get("file").and_then(Json::as_str)),
        num(f, "line"),
        num(f, "column"),
        num(f, "end_line"),
        num(f, "end_column"),
    )
}

/// The order of findings in a JSON report.
fn finding_order(a: &Json, b: &Json) -> Ordering {
    finding_place(a)
        .cmp(&finding_place(b))
        .then_with(|| text(a, "rule").cmp(text(b, "rule")))
        .then_with(|| text(a, "message").cmp(text(b, "message")))
}

/// The order of diagnostics in a JSON report.
fn diagnostic_order(a: &Json, b: &Json) -> Ordering {
    let key = |d: &'_ Json| {
        let place = num(d, "line").map(|l| {
            (
                l,
                num(d, "column"),
                num(d, "end_line"),
                num(d, "end_column"),
            )
        });
        (text(d, "file").to_string(), place)
    };
    key(a)
        .cmp(&key(b))
        .then_with(|| text(a, "code").cmp(text(b, "code")))
        .then_with(|| text(a, "message").cmp(text(b, "message")))
}

/// Items that appear in several reports are kept as often as the report that has them most.
fn union_by_max(lists: &[&Vec<Json>]) -> Vec<Json> {
    let mut best: HashMap<String, (usize, Json)> = HashMap::new();
    for list in lists {
        let mut counts: HashMap<String, (usize, &Json)> = HashMap::new();
        for item in *list {
            counts.entry(item.to_string()).or_insert((0, item)).0 += 1;
        }
        for (key, (n, item)) in counts {
            let e = best.entry(key).or_insert((0, item.clone()));
            e.0 = e.0.max(n);
        }
    }
    best.into_values()
        .flat_map(|(n, item)| std::iter::repeat_n(item, n))
        .collect()
}

fn array<'a>(v: &'a Json, key: &str) -> Result<&'a Vec<Json>, MergeError> {
    v.get(key)
        .and_then(Json::as_array)
        .ok_or_else(|| format!("has no `{key}` list"))
}

/// Merges JSON reports (schema version 1) of the shards of one run.
pub fn json_reports(reports: &[Json]) -> Result<Json, MergeError> {
    let first = reports.first().ok_or("no reports to merge")?;
    for (i, r) in reports.iter().enumerate() {
        if r.get("version").and_then(Json::as_u64) != Some(u64::from(super::json::SCHEMA_VERSION))
            || r.pointer("/tool/name").and_then(Json::as_str) != Some("palisade")
        {
            return Err(format!(
                "report {} is not a palisade JSON report of schema version {}",
                i + 1,
                super::json::SCHEMA_VERSION
            ));
        }
    }
    let mut findings = Vec::new();
    let mut suppressed = Vec::new();
    let mut diagnostic_lists = Vec::new();
    for r in reports {
        findings.extend(array(r, "findings")?.iter().cloned());
        if let Ok(s) = array(r, "suppressed") {
            suppressed.extend(s.iter().cloned());
        }
        diagnostic_lists.push(array(r, "diagnostics")?);
    }
    let mut diagnostics = union_by_max(&diagnostic_lists);
    findings.sort_by(finding_order);
    suppressed.sort_by(finding_order);
    diagnostics.sort_by(diagnostic_order);
    let errors = diagnostics
        .iter()
        .filter(|d| text(d, "severity") == "error")
        .count();
    let max = |key: &str| {
        reports
            .iter()
            .filter_map(|r| r.pointer(&format!("/summary/{key}")).and_then(Json::as_u64))
            .max()
            .unwrap_or(0)
    };
    let baseline: u64 = reports
        .iter()
        .filter_map(|r| r.pointer("/summary/baseline").and_then(Json::as_u64))
        .sum();
    let mut out = json!({
        "version": super::json::SCHEMA_VERSION,
        "tool": first.get("tool").cloned().unwrap_or(Json::Null),
        "summary": {
            "files": max("files"),
            "rules": max("rules"),
            "findings": findings.len(),
            "errors": errors,
            "warnings": diagnostics.len() - errors,
        },
        "findings": findings,
        "diagnostics": diagnostics,
    });
    if reports.iter().any(|r| r.get("suppressed").is_some()) {
        if let Some(summary) = out.get_mut("summary").and_then(Json::as_object_mut) {
            summary.insert("suppressed".to_string(), json!(suppressed.len()));
            summary.insert("baseline".to_string(), json!(baseline));
        }
        if let Some(obj) = out.as_object_mut() {
            obj.insert("suppressed".to_string(), json!(suppressed));
        }
    }
    Ok(out)
}

fn result_place(r: &Json) -> (bool, Place<'_>) {
    let loc = r.pointer("/locations/0/physicalLocation");
    let uri = loc
        .and_then(|l| l.pointer("/artifactLocation/uri"))
        .and_then(Json::as_str);
    let region = |k: &str| {
        loc.and_then(|l| l.pointer(&format!("/region/{k}")))
            .and_then(Json::as_u64)
    };
    (
        r.get("suppressions").is_some(),
        (
            components(uri),
            region("startLine"),
            region("startColumn"),
            region("endLine"),
            region("endColumn"),
        ),
    )
}

/// The order of results in a SARIF log: unsuppressed first, then by place, rule, message.
fn result_order(a: &Json, b: &Json) -> Ordering {
    let message = |r: &Json| {
        r.pointer("/message/text")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string()
    };
    result_place(a)
        .cmp(&result_place(b))
        .then_with(|| text(a, "ruleId").cmp(text(b, "ruleId")))
        .then_with(|| message(a).cmp(&message(b)))
}

/// The order of notifications (diagnostics) in a SARIF log: the order of [`diagnostic_order`].
fn notification_order(a: &Json, b: &Json) -> Ordering {
    let key = |n: &'_ Json| {
        let loc = n.pointer("/locations/0/physicalLocation");
        let uri = loc
            .and_then(|l| l.pointer("/artifactLocation/uri"))
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string();
        let region = |k: &str| {
            loc.and_then(|l| l.pointer(&format!("/region/{k}")))
                .and_then(Json::as_u64)
        };
        let place = region("startLine").map(|l| {
            (
                l,
                region("startColumn"),
                region("endLine"),
                region("endColumn"),
            )
        });
        let code = n
            .pointer("/descriptor/id")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string();
        let message = n
            .pointer("/message/text")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string();
        (uri, place, code, message)
    };
    key(a).cmp(&key(b))
}

/// Merges SARIF logs written by the shards of one run into one log with one run.
pub fn sarif_logs(logs: &[Json]) -> Result<Json, MergeError> {
    let first = logs.first().ok_or("no reports to merge")?;
    let run_of = |i: usize, l: &Json| -> Result<Json, MergeError> {
        let runs = l
            .get("runs")
            .and_then(Json::as_array)
            .filter(|_| l.get("version").and_then(Json::as_str) == Some("2.1.0"))
            .ok_or_else(|| format!("report {} is not a SARIF 2.1.0 log", i + 1))?;
        match runs.as_slice() {
            [run]
                if run.pointer("/tool/driver/name").and_then(Json::as_str) == Some("palisade") =>
            {
                Ok(run.clone())
            }
            _ => Err(format!(
                "report {} is not a palisade SARIF log with one run",
                i + 1
            )),
        }
    };
    let runs: Vec<Json> = logs
        .iter()
        .enumerate()
        .map(|(i, l)| run_of(i, l))
        .collect::<Result<_, _>>()?;
    let mut merged = runs.first().cloned().ok_or("no reports to merge")?;
    let rules = |r: &Json| {
        r.pointer("/tool/driver/rules")
            .cloned()
            .unwrap_or(Json::Null)
    };
    if runs.iter().any(|r| rules(r) != rules(&merged)) {
        return Err("the reports were written with different rules: merge the shards of one run (same policies, configuration and flags)".to_string());
    }
    let mut results = Vec::new();
    let mut notification_lists = Vec::new();
    let mut successful = true;
    for run in &runs {
        results.extend(array(run, "results")?.iter().cloned());
        let inv = run.pointer("/invocations/0");
        successful &= inv
            .and_then(|i| i.get("executionSuccessful"))
            .and_then(Json::as_bool)
            .unwrap_or(true);
        if let Some(n) = inv
            .and_then(|i| i.get("toolExecutionNotifications"))
            .and_then(Json::as_array)
        {
            notification_lists.push(n);
        }
    }
    results.sort_by(result_order);
    // Fingerprints number repeated hashes in report order: number them again.
    let mut seen: HashMap<String, u32> = HashMap::new();
    for r in &mut results {
        let key = super::sarif::FINGERPRINT_KEY;
        if let Some(fp) = r.pointer_mut(&format!("/partialFingerprints/{}", key.replace('/', "~1")))
        {
            if let Some(hash) = fp
                .as_str()
                .and_then(|s| s.split(':').next())
                .map(str::to_string)
            {
                let n = seen.entry(hash.clone()).or_insert(0);
                *n += 1;
                *fp = json!(format!("{hash}:{n}"));
            }
        }
    }
    let mut notifications = union_by_max(&notification_lists);
    notifications.sort_by(notification_order);
    if let Some(obj) = merged.as_object_mut() {
        obj.insert("results".to_string(), json!(results));
        let mut inv = serde_json::Map::new();
        inv.insert("executionSuccessful".to_string(), json!(successful));
        if !notifications.is_empty() {
            inv.insert(
                "toolExecutionNotifications".to_string(),
                json!(notifications),
            );
        }
        obj.insert("invocations".to_string(), json!([inv]));
    }
    let mut out = first.clone();
    if let Some(obj) = out.as_object_mut() {
        obj.insert("runs".to_string(), json!([merged]));
    }
    Ok(out)
}
