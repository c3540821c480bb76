//! End-to-end tests of what CI pipelines use: `palisade.toml`, `palisade init`, `--fail-on`,
//! `--changed-since`, `--shard` with `palisade merge`, `--verbose` and `--profile`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code stops at the first broken expectation"
)]

use std::path::Path;
use std::process::{Command, Output};

mod run;
use run::{json, palisade_in as palisade, stderr, stdout, tree};

use serde_json::Value as Json;

fn privileged_pod(name: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: apps\nspec:\n  containers:\n    - name: c\n      image: registry.local/app@sha256:0123\n      securityContext:\n        privileged: true\n"
    )
}

/// The files with findings of `rule` in a JSON report.
fn files_with(report: &Json, key: &str, rule: &str) -> Vec<String> {
    let mut files: Vec<String> = report[key]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| f["file"].as_str().unwrap().to_string())
        .collect();
    files.sort();
    files.dedup();
    files
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

fn plant_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/plant"),
        dir.path(),
    );
    dir
}

// ---- palisade.toml and init

#[test]
fn the_starter_configuration_changes_nothing() {
    let dir = plant_copy();
    let before = palisade(dir.path(), &["check", "--format", "json"]);
    assert_eq!(before.status.code(), Some(1), "{}", stderr(&before));
    let init = palisade(dir.path(), &["init"]);
    assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
    assert!(dir.path().join("palisade.toml").is_file());
    let after = palisade(dir.path(), &["check", "--format", "json"]);
    assert_eq!(
        json(&before),
        json(&after),
        "the starter must parse to the defaults"
    );
    // The configuration is not itself an input.
    assert_eq!(
        json(&after)["summary"]["files"],
        json(&before)["summary"]["files"]
    );
    // A second `init` does not clobber the file.
    let again = palisade(dir.path(), &["init"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    assert_eq!(
        palisade(dir.path(), &["init", "--force"]).status.code(),
        Some(0)
    );
}

#[test]
fn configuration_errors_point_into_the_file() {
    let dir = tree(&[
        ("k8s/pod.yaml", &privileged_pod("p")),
        (
            "palisade.toml",
            r#"levle = 2
fail-on = "hihg"
include = ["[unclosed"]

[rules]
select = ["FR9"]
fail-on = "high"

[formats]
"net/*.conf" = "iptabels"

[[suppress]]
path = "k8s/*.yaml"
rule = "privileged_container"
reason = ""

[limits]
max-depth = 0
"#,
        ),
    ]);
    let o = palisade(dir.path(), &["check", "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "a bad configuration stops the run"
    );
    assert!(o.stdout.is_empty(), "nothing is checked: {}", stdout(&o));
    insta::assert_snapshot!(stderr(&o));
}

#[test]
fn an_unknown_rule_in_the_configuration_is_reported_at_its_place() {
    let dir = tree(&[
        ("k8s/pod.yaml", &privileged_pod("p")),
        (
            "palisade.toml",
            "[rules]\nignore = [\"privileged_containr\"]\n",
        ),
    ]);
    let o = palisade(dir.path(), &["check"]);
    assert_eq!(o.status.code(), Some(2));
    let out = stdout(&o);
    assert!(
        out.contains("no rule `privileged_containr` is loaded"),
        "{out}"
    );
    assert!(
        out.contains("did you mean `privileged_container`?"),
        "{out}"
    );
    assert!(out.contains("palisade.toml:2:11"), "{out}");
}

#[test]
fn configuration_keys_apply() {
    let config = r#"
exclude = ["vendor"]

[rules]
select = ["privileged_container"]

[[overrides]]
paths = ["legacy/**"]
ignore = ["FR2"]

[formats]
"k8s/*.cfg" = "yaml"

[[suppress]]
path = "k8s/accepted.yaml"
rule = "SR 2.1"
reason = "needs raw sockets until the Q3 upgrade"
expires = 2030-01-01
owner = "ot-platform"

[[suppress]]
path = "k8s/lapsed.yaml"
rule = "privileged_container"
reason = "was accepted for the pilot"
expires = 2020-01-01

[[suppress]]
path = "nowhere/*.yaml"
rule = "privileged_container"
reason = "matches no file"
"#;
    let flow = "{apiVersion: v1, kind: Pod, metadata: {name: flow, namespace: apps}, spec: {containers: [{name: c, image: 'r/a@sha256:01', securityContext: {privileged: true}}]}}\n";
    let dir = tree(&[
        ("palisade.toml", config),
        ("k8s/plain.yaml", &privileged_pod("plain")),
        ("k8s/accepted.yaml", &privileged_pod("accepted")),
        ("k8s/lapsed.yaml", &privileged_pod("lapsed")),
        ("k8s/flow.cfg", flow),
        ("legacy/old.yaml", &privileged_pod("old")),
        ("vendor/chart.yaml", &privileged_pod("chart")),
    ]);
    let o = palisade(
        dir.path(),
        &["check", "--format", "json", "--today", "2026-06-01"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let r = json(&o);
    // `[formats]` loaded the flow-style file, `exclude` dropped vendor/, the override
    // silenced legacy/, the suppressions took accepted.yaml but not the lapsed one.
    assert_eq!(
        files_with(&r, "findings", "privileged_container"),
        ["k8s/flow.cfg", "k8s/lapsed.yaml", "k8s/plain.yaml"]
    );
    // `select` ran only the rules it names.
    let rules: std::collections::BTreeSet<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules.into_iter().collect::<Vec<_>>(),
        ["privileged_container"]
    );
    let suppressed = r["suppressed"].as_array().unwrap();
    assert_eq!(suppressed.len(), 1, "{suppressed:#?}");
    assert_eq!(suppressed[0]["file"], "k8s/accepted.yaml");
    assert_eq!(
        suppressed[0]["reason"],
        "needs raw sockets until the Q3 upgrade"
    );
    assert_eq!(suppressed[0]["owner"], "ot-platform");
    assert_eq!(suppressed[0]["source"], "config");
    let diags = r["diagnostics"].as_array().unwrap();
    let by_code = |code: &str| -> Vec<&Json> {
        diags
            .iter()
            .filter(|d| d["code"] == format!("palisade::{code}"))
            .collect()
    };
    let expired = by_code("expired-suppression");
    assert_eq!(expired.len(), 1, "{diags:#?}");
    assert_eq!(expired[0]["file"], "palisade.toml");
    let line_of = |text: &str| config.lines().position(|l| l == text).unwrap() + 1;
    assert_eq!(
        expired[0]["line"],
        line_of("path = \"k8s/lapsed.yaml\"") - 1,
        "points at the `[[suppress]]` entry, from its header"
    );
    let unused = by_code("unused-suppression");
    assert_eq!(unused.len(), 1, "{diags:#?}");
    assert_eq!(unused[0]["file"], "palisade.toml");
    assert_eq!(unused[0]["line"], line_of("path = \"nowhere/*.yaml\"") - 1);
    // The SARIF marks the accepted finding as suppressed, externally.
    let sarif = palisade(
        dir.path(),
        &["check", "--format", "sarif", "--today", "2026-06-01"],
    );
    let log: Json = serde_json::from_slice(&sarif.stdout).unwrap();
    let with_suppressions: Vec<&Json> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(with_suppressions.len(), 1);
    assert_eq!(
        with_suppressions[0]["suppressions"][0]["kind"], "external",
        "{with_suppressions:#?}"
    );
    assert_eq!(
        with_suppressions[0]["suppressions"][0]["justification"],
        "needs raw sockets until the Q3 upgrade"
    );
    // A file named on the command line is checked even when excluded.
    let named = palisade(
        dir.path(),
        &["check", "--format", "json", "vendor/chart.yaml"],
    );
    assert_eq!(
        files_with(&json(&named), "findings", "privileged_container"),
        ["vendor/chart.yaml"]
    );
    // `--no-config` ignores the file.
    let bare = palisade(dir.path(), &["check", "--format", "json", "--no-config"]);
    assert!(files_with(&json(&bare), "findings", "privileged_container")
        .contains(&"vendor/chart.yaml".to_string()));
}

#[test]
fn the_configuration_is_found_from_a_subdirectory_and_paths_are_relative_to_it() {
    let dir = tree(&[
        (
            "palisade.toml",
            "builtin = false\npolicies = [\"rules\"]\nexclude = [\"k8s/skip\"]\n",
        ),
        (
            "rules/mine.pal",
            "package mine\n\n/// Any pod\nrule any_pod {\n  requirement \"SR 2.1\"\n  severity low\n  for p in k8s.objects\n  where p.kind == \"Pod\"\n  deny at p: \"a pod\"\n}\n",
        ),
        ("k8s/pod.yaml", &privileged_pod("p")),
        ("k8s/skip/pod.yaml", &privileged_pod("q")),
    ]);
    let o = palisade(&dir.path().join("k8s"), &["check", ".", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let r = json(&o);
    assert_eq!(r["summary"]["rules"], 1, "only the configured policy runs");
    assert_eq!(files_with(&r, "findings", "any_pod"), ["pod.yaml"]);
}

#[test]
fn fail_on_sets_the_threshold_of_the_exit_status() {
    let policy = "package t\n\n/// Low\nrule low_pod {\n  requirement \"SR 2.1\"\n  severity low\n  for p in k8s.objects\n  deny at p: \"a pod\"\n}\n";
    let dir = tree(&[
        ("t.pal", policy),
        ("pod.yaml", &privileged_pod("p")),
        (
            "palisade.toml",
            "builtin = false\npolicies = [\"t.pal\"]\nfail-on = \"high\"\n",
        ),
    ]);
    let o = palisade(dir.path(), &["check", "pod.yaml", "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "a low finding under `fail-on = high`"
    );
    assert_eq!(json(&o)["summary"]["findings"], 1, "still reported");
    let o = palisade(dir.path(), &["check", "pod.yaml", "--fail-on", "low"]);
    assert_eq!(o.status.code(), Some(1), "the flag wins over the file");
    let o = palisade(dir.path(), &["check", "pod.yaml", "--fail-on", "severe"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("`--fail-on severe` is not a severity"));
    // `merge` gates the same way, on JSON and on SARIF.
    let out = tempfile::tempdir().unwrap();
    for format in ["json", "sarif"] {
        let o = palisade(
            dir.path(),
            &["check", "pod.yaml", "--format", format, "--shard", "1/1"],
        );
        let part = write(out.path(), &format!("part.{format}"), &o);
        let merge = |extra: &[&str]| {
            let mut args = vec!["merge", "--format", format, part.as_str()];
            args.extend(extra);
            palisade(dir.path(), &args).status.code()
        };
        assert_eq!(
            merge(&[]),
            Some(1),
            "{format}: a low finding fails by default"
        );
        assert_eq!(merge(&["--fail-on", "high"]), Some(0), "{format}");
        assert_eq!(merge(&["--fail-on", "low"]), Some(1), "{format}");
    }
}

#[test]
fn cli_selection_replaces_the_configured_selection() {
    let dir = plant_copy();
    std::fs::write(
        dir.path().join("palisade.toml"),
        "[rules]\nselect = [\"FR5\"]\n",
    )
    .unwrap();
    let fr5 = json(&palisade(dir.path(), &["check", "--format", "json"]));
    let findings = fr5["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    assert!(findings.iter().all(|f| f["fr"] == "FR5"), "{findings:#?}");
    let one = json(&palisade(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--rule",
            "privileged_container",
        ],
    ));
    let rules: Vec<&str> = one["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(!rules.is_empty());
    assert!(
        rules.iter().all(|r| *r == "privileged_container"),
        "{rules:?}"
    );
    let ignored = json(&palisade(
        dir.path(),
        &["check", "--format", "json", "--ignore", "SR 5.1"],
    ));
    assert!(ignored["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| !f["requirements"].to_string().contains("SR 5.1")));
}

// ---- --changed-since

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args(["-c", "user.email=ci@example.com", "-c", "user.name=ci"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(o.status.success(), "git {args:?}: {}", stderr(&o));
}

#[test]
fn changed_since_reports_only_changed_files() {
    let dir = tree(&[
        ("k8s/a.yaml", &privileged_pod("a")),
        ("k8s/b.yaml", &privileged_pod("b")),
        ("k8s/c.yaml", &privileged_pod("c")),
    ]);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "base"]);
    git(dir.path(), &["tag", "base"]);
    // Modified (unstaged), and a new untracked file; c.yaml unchanged.
    std::fs::write(
        dir.path().join("k8s/a.yaml"),
        privileged_pod("a").replace("name: c", "name: changed"),
    )
    .unwrap();
    std::fs::write(dir.path().join("k8s/new.yaml"), privileged_pod("new")).unwrap();
    let all = json(&palisade(dir.path(), &["check", "--format", "json"]));
    assert_eq!(
        files_with(&all, "findings", "privileged_container"),
        ["k8s/a.yaml", "k8s/b.yaml", "k8s/c.yaml", "k8s/new.yaml"]
    );
    let o = palisade(
        dir.path(),
        &["check", "--format", "json", "--changed-since", "base"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let changed = json(&o);
    let files: std::collections::BTreeSet<&str> = changed["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files.into_iter().collect::<Vec<_>>(),
        ["k8s/a.yaml", "k8s/new.yaml"]
    );
    assert_eq!(changed["summary"]["files"], 4, "every file is still loaded");
    // Committed changes count too, from a subdirectory as well.
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "change"]);
    let o = palisade(
        &dir.path().join("k8s"),
        &["check", ".", "--format", "json", "--changed-since", "base"],
    );
    assert_eq!(
        files_with(&json(&o), "findings", "privileged_container"),
        ["a.yaml", "new.yaml"]
    );
    // Nothing changed since HEAD: clean.
    let o = palisade(dir.path(), &["check", "--changed-since", "HEAD"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // A revision that does not exist is a git error, not a clean run.
    let o = palisade(dir.path(), &["check", "--changed-since", "no-such-rev"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("palisade::git-error"), "{}", stderr(&o));
}

// ---- --shard and merge

fn write(dir: &Path, name: &str, o: &Output) -> String {
    let p = dir.join(name);
    std::fs::write(&p, &o.stdout).unwrap();
    p.display().to_string()
}

#[test]
fn the_union_of_shards_is_the_unsharded_run() {
    let plant = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/plant");
    let plant = plant.to_str().unwrap();
    let out = tempfile::tempdir().unwrap();
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    for format in ["json", "sarif"] {
        let whole = palisade(here, &["check", plant, "--format", format]);
        assert_eq!(whole.status.code(), Some(1));
        for n in [2, 3] {
            let mut parts = Vec::new();
            let mut counts = Vec::new();
            for k in 1..=n {
                let shard = format!("{k}/{n}");
                let o = palisade(
                    here,
                    &["check", plant, "--format", format, "--shard", &shard],
                );
                assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
                let v: Json = serde_json::from_slice(&o.stdout).unwrap();
                counts.push(if format == "json" {
                    v["findings"].as_array().unwrap().len()
                } else {
                    v["runs"][0]["results"].as_array().unwrap().len()
                });
                parts.push(write(out.path(), &format!("{format}-{k}-of-{n}"), &o));
            }
            assert!(
                counts.iter().filter(|c| **c > 0).count() >= 2,
                "the work is split: {counts:?}"
            );
            let mut args = vec!["merge", "--format", format];
            args.extend(parts.iter().map(String::as_str));
            let merged = palisade(here, &args);
            assert_eq!(merged.status.code(), Some(1), "{}", stderr(&merged));
            assert_eq!(
                stdout(&merged),
                stdout(&whole),
                "merging {n} {format} shards gives the unsharded report"
            );
        }
    }
}

#[test]
fn shards_of_a_repository_with_load_errors_report_each_error_once() {
    let dir = tree(&[
        ("a.yaml", &privileged_pod("a")),
        ("b.yaml", &privileged_pod("b")),
        ("c.yaml", "key: [unclosed\n"),
        ("d.yaml", &privileged_pod("d")),
        ("e.json", "{\"a\": }"),
    ]);
    let whole = palisade(dir.path(), &["check", "--format", "json"]);
    assert_eq!(whole.status.code(), Some(2));
    let out = tempfile::tempdir().unwrap();
    let mut parts = Vec::new();
    for k in 1..=2 {
        let o = palisade(
            dir.path(),
            &["check", "--format", "json", "--shard", &format!("{k}/2")],
        );
        parts.push(write(out.path(), &format!("part{k}.json"), &o));
    }
    let mut args = vec!["merge"];
    args.extend(parts.iter().map(String::as_str));
    let merged = palisade(dir.path(), &args);
    assert_eq!(merged.status.code(), Some(2));
    assert_eq!(json(&merged), json(&whole));
}

#[test]
fn bad_shards_and_bad_merges_are_usage_errors() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    for bad in ["0/2", "3/2", "1/0", "a/b", "2"] {
        let o = palisade(here, &["check", "examples/plant", "--shard", bad]);
        assert_eq!(o.status.code(), Some(2), "--shard {bad}");
        assert!(stderr(&o).contains("is not a shard"), "{}", stderr(&o));
    }
    let dir = tree(&[("x.json", "{\"not\": \"a report\"}"), ("y.txt", "nope")]);
    let o = palisade(dir.path(), &["merge", "x.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("palisade::bad-report"),
        "{}",
        stderr(&o)
    );
    let o = palisade(dir.path(), &["merge", "y.txt"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not JSON"), "{}", stderr(&o));
}

// ---- --verbose

#[test]
fn verbose_prints_the_phases_and_their_times() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = palisade(
        here,
        &[
            "check",
            "examples/plant",
            "--verbose",
            "--no-cache",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    // Without the cache, so that the parts of the work are there whatever ran before (a run
    // that reuses the cache's results has none).
    for phase in [
        "config: none",
        "140 rules, 15 input files",
        "compile policies",
        "read files (alongside compiling)",
        "read, parse and evaluate",
        "    parse and early rules",
        "    entities",
        "    evaluate",
        // The evaluation's own phases, under it.
        "      constants and set-up",
        "      early results placed",
        "      other units",
        "      findings gathered and sorted",
        "total",
        "write the report (after the total)",
    ] {
        assert!(err.contains(phase), "missing `{phase}` in:\n{err}");
    }
    let at = |phase: &str| err.find(phase).unwrap_or(usize::MAX);
    assert!(
        at("    evaluate") < at("      constants and set-up")
            && at("      other units") < at("      findings gathered and sorted")
            && at("      findings gathered and sorted") < at("suppressions and sorting"),
        "the evaluation's phases are not under it, in order:\n{err}"
    );
    json(&o); // standard output is still the report
}

#[test]
fn verbose_tells_how_many_files_were_freed_as_they_loaded() {
    // The 10 checks of the benchmarks each read one document at a time, so every file's
    // values are freed once its rules have run on it, but the zones model's and the two
    // firewall configurations', which the cross-document pass reads. A rule that reads every RBAC object runs after loading: the
    // files are still freed, keeping their RBAC objects. The built-in pack's rules that run
    // after loading read workloads and objects of every kind, among others.
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let verbose = |extra: &[&str]| {
        let mut args = vec!["check", "examples/plant", "--verbose", "--no-cache"];
        args.extend(extra);
        stderr(&palisade(here, &args))
    };
    let err = verbose(&["--no-builtin", "--policy", "benches/peer-checks"]);
    assert!(
        err.contains(
            "12 of 15 input files freed as they loaded (every rule reads one document at a time)"
        ),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    let rbac = dir.path().join("rbac.pal");
    std::fs::write(
        &rbac,
        "package t\nrule undefined_role {\n  for b in k8s.rbac\n  where b.kind == \"RoleBinding\"\n  \
         where none r in k8s.rbac: r.name == b.roleRef.name\n  deny: \"{b.name}\"\n}\n",
    )
    .unwrap();
    let rbac = rbac.to_string_lossy();
    let err = verbose(&[
        "--no-builtin",
        "--policy",
        "benches/peer-checks",
        "--policy",
        &rbac,
    ]);
    assert!(
        err.contains(
            "12 of 15 input files freed as they loaded (keeping their k8s.rbac, read after loading)"
        ),
        "{err}"
    );
    let err = verbose(&[]);
    let line = (err.lines())
        .find(|l| l.starts_with("12 of 15 input files freed as they loaded (keeping their "))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(
        line.contains(" k8s.objects, ") && line.contains(" k8s.workloads, "),
        "{line}"
    );
}

// ---- --profile

/// Three containers, two of them privileged, and a rule and a constant over them.
fn profiled_tree() -> tempfile::TempDir {
    let pod = |name: &str, privileged: bool| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n    - name: c\n      image: nginx\n      securityContext:\n        privileged: {privileged}\n"
        )
    };
    tree(&[
        ("in/a.yaml", &pod("a", true)),
        ("in/b.yaml", &pod("b", false)),
        ("in/c.yaml", &pod("c", true)),
        (
            "policy/p.pal",
            "package t.profiled\n\nconst NAMES = [c.name for c in k8s.containers]\n\n\
             rule privileged_here {\n  severity high\n  for c in k8s.containers\n  \
             where c.securityContext.privileged == true and len(NAMES) > 0\n  \
             deny: \"container `{c.name}` is privileged\"\n}\n\n\
             rule never_here {\n  severity low\n  for w in k8s.workloads\n  where false\n  \
             deny: \"never\"\n}\n",
        ),
    ])
}

/// The row of `name` in a `--profile` table: its steps, units and findings columns.
fn profile_row<'a>(err: &'a str, name: &str) -> Vec<&'a str> {
    let row = err
        .lines()
        .find(|l| l.ends_with(&format!("  {name}")))
        .unwrap_or_else(|| panic!("no row for `{name}` in:\n{err}"));
    // time, "ms", share, steps, units, findings, name…
    row.split_whitespace().skip(3).take(3).collect()
}

#[test]
fn profile_tallies_each_rule_and_constant_and_leaves_the_report_alone() {
    let dir = profiled_tree();
    let args = |profile: bool| {
        let mut a = vec![
            "check",
            "in",
            "--no-builtin",
            "--policy",
            "policy",
            "--format",
            "json",
            "--no-cache",
        ];
        if profile {
            a.push("--profile");
        }
        a
    };
    let plain = palisade(dir.path(), &args(false));
    let profiled = palisade(dir.path(), &args(true));
    assert_eq!(plain.status.code(), Some(1), "{}", stderr(&plain));
    assert_eq!(profiled.status.code(), Some(1));
    assert_eq!(plain.stdout, profiled.stdout, "the report does not change");
    assert!(!stderr(&plain).contains("profile:"));
    let err = stderr(&profiled);
    assert!(
        err.contains("profile: 2 rules and 1 constant evaluated in "),
        "{err}"
    );
    // Three units (one per container), two findings; the rule that never fires ran on the
    // three Pods and found nothing; the constant is no unit.
    let rule = profile_row(&err, "privileged_here");
    assert_eq!(&rule[1..], ["3", "2"], "{err}");
    assert_ne!(rule[0], "0", "{err}");
    assert_eq!(&profile_row(&err, "never_here")[1..], ["3", "0"], "{err}");
    assert_eq!(&profile_row(&err, "const NAMES")[1..], ["-", "-"], "{err}");
    // Steps depend on the program and the inputs only: the same on one thread and two.
    let steps = |jobs: &str| {
        let mut a = args(true);
        a.extend(["--jobs", jobs]);
        let err = stderr(&palisade(dir.path(), &a));
        ["privileged_here", "never_here", "const NAMES"]
            .map(|n| profile_row(&err, n)[0].to_string())
    };
    assert_eq!(steps("1"), steps("2"));
    // A run of the rule that reads no constant builds none.
    let mut only = args(true);
    only.extend(["--rule", "never_here"]);
    let err = stderr(&palisade(dir.path(), &only));
    assert!(
        err.contains("profile: 1 rule and 0 constants evaluated in "),
        "{err}"
    );
    assert!(!err.contains("const NAMES"), "{err}");
}

/// The row of function `name` in a `--profile` table: its steps and calls columns.
fn function_row<'a>(err: &'a str, name: &str) -> Vec<&'a str> {
    let row = err
        .lines()
        .skip_while(|l| !l.contains("function"))
        .find(|l| l.ends_with(&format!("  {name}")))
        .unwrap_or_else(|| panic!("no function row for `{name}` in:\n{err}"));
    // steps, share, calls, name
    let cols: Vec<&str> = row.split_whitespace().collect();
    vec![cols[0], cols[2]]
}

#[test]
fn profile_tallies_each_function_with_the_steps_of_what_it_calls() {
    let dir = tree(&[
        (
            "in/a.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n    - {name: x, image: nginx}\n    - {name: y, image: nginx}\n",
        ),
        (
            "policy/p.pal",
            "package t.fns\n\n\
             fn named(c) = c.name != \"\"\n\n\
             fn countdown(n) = if n <= 0 then 0 else 1 + countdown(n - 1)\n\n\
             fn deep(c) = named(c) and countdown(3) == 3\n\n\
             rule all_named {\n  severity low\n  for c in k8s.containers\n  \
             where deep(c)\n  deny: \"`{c.name}`\"\n}\n\n\
             fn unused(x) = x\n",
        ),
    ]);
    let args = |jobs: &'static str| {
        [
            "check",
            "in",
            "--no-builtin",
            "--policy",
            "policy",
            "--no-cache",
            "--profile",
            "--jobs",
            jobs,
        ]
    };
    let o = palisade(dir.path(), &args("1"));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("3 functions called 12 times; steps include those of the functions they call"),
        "{err}"
    );
    // Named by package and name; one call of `deep` and `named` per container, and four of
    // `countdown` per container (3, 2, 1, 0), of which only the outermost counts steps.
    let [deep, named, countdown] =
        ["t.fns.deep", "t.fns.named", "t.fns.countdown"].map(|n| function_row(&err, n));
    assert_eq!(deep[1], "2", "{err}");
    assert_eq!(named[1], "2", "{err}");
    assert_eq!(countdown[1], "8", "{err}");
    let steps = |row: &[&str]| row[0].replace(',', "").parse::<u64>().unwrap();
    // `deep` holds the steps of both functions it calls, and a few of its own.
    assert!(steps(&deep) > steps(&named) + steps(&countdown), "{err}");
    // A function never called has no row.
    assert!(!err.contains("t.fns.unused"), "{err}");
    // Deterministic: the same table on one thread and two.
    let tables = |jobs: &'static str| {
        let err = stderr(&palisade(dir.path(), &args(jobs)));
        let from = err.find("3 functions called").unwrap();
        err[from..].to_string()
    };
    assert_eq!(tables("1"), tables("2"));
}

#[test]
fn profile_evaluates_even_when_the_cache_holds_the_run() {
    let dir = profiled_tree();
    let cache = dir.path().join("cache");
    let cache = cache.to_str().unwrap();
    let args = [
        "check",
        "in",
        "--no-builtin",
        "--policy",
        "policy",
        "--cache-dir",
        cache,
    ];
    // The first run records its results, the second would reuse them.
    assert_eq!(palisade(dir.path(), &args).status.code(), Some(1));
    let mut profiled = args.to_vec();
    profiled.extend(["--profile", "--verbose"]);
    let o = palisade(dir.path(), &profiled);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("result cache: off"), "{err}");
    assert_eq!(
        &profile_row(&err, "privileged_here")[1..],
        ["3", "2"],
        "{err}"
    );
}

// ---- the files CI systems read

fn yaml(rel: &str) -> palisade::value::Value {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap();
    let loaded = palisade::input::load(
        palisade::source::FileId(0),
        &text,
        palisade::input::Format::Yaml,
        &palisade::input::Limits::default(),
    );
    assert!(
        loaded.diagnostics.is_empty(),
        "{rel}: {:?}",
        loaded.diagnostics
    );
    loaded.documents.into_iter().next().unwrap().value
}

#[test]
fn the_action_and_the_pre_commit_hooks_are_well_formed() {
    let action = yaml("action.yml");
    assert_eq!(
        action.field("runs").field("using").as_str(),
        Some("composite")
    );
    let inputs = action.field("inputs");
    for key in ["path", "args", "changed-since", "shard", "sarif"] {
        assert!(!inputs.field(key).is_missing(), "action input `{key}`");
    }
    let steps = action.field("runs").field("steps");
    let runs: Vec<String> = steps
        .as_list()
        .unwrap()
        .iter()
        .filter_map(|s| s.field("run").as_str().map(str::to_string))
        .collect();
    assert!(runs.iter().any(|r| r.contains("palisade check")
        && r.contains("--format sarif --output")
        && r.contains("--changed-since")
        && r.contains("--shard")));
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hooks = hooks.as_list().unwrap();
    let ids: Vec<String> = hooks
        .iter()
        .filter_map(|h| h.field("id").as_str().map(str::to_string))
        .collect();
    assert_eq!(ids, ["palisade", "palisade-fmt"]);
    for h in hooks {
        assert!(h.field("entry").as_str().unwrap().starts_with("palisade "));
        assert_eq!(h.field("language").as_str(), Some("rust"));
    }
}

#[test]
fn assess_reads_the_configuration() {
    let dir = plant_copy();
    let gaps_of = |o: &Output| -> Vec<(String, usize)> {
        json(o)["zones"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|z| z["gaps"].as_array().unwrap().clone())
            .map(|g| {
                (
                    g["fr"].as_str().unwrap().to_string(),
                    g["rules"].as_array().unwrap().len(),
                )
            })
            .collect()
    };
    let before = gaps_of(&palisade(dir.path(), &["assess", "--format", "json"]));
    assert!(
        before.iter().any(|(fr, n)| fr == "FR5" && *n > 0),
        "{before:?}"
    );
    std::fs::write(
        dir.path().join("palisade.toml"),
        "[rules]\nignore = [\"FR5\"]\n",
    )
    .unwrap();
    let after = gaps_of(&palisade(dir.path(), &["assess", "--format", "json"]));
    assert!(
        after.iter().all(|(fr, n)| fr != "FR5" || *n == 0),
        "{after:?}"
    );
    std::fs::write(dir.path().join("palisade.toml"), "levle = 2\n").unwrap();
    let o = palisade(dir.path(), &["assess"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `level`?"),
        "{}",
        stderr(&o)
    );
    let o = palisade(dir.path(), &["assess", "--no-config", "--format", "json"]);
    assert_eq!(gaps_of(&o), before);
}
