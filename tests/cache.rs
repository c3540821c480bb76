//! The result cache of `palisade check`: warm runs give the cold run's output, and any change to
//! inputs or policies is seen; a corrupt or unwritable cache never fails a run.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code stops at the first broken expectation"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

/// Runs `palisade check ARGS` in `dir` with `XDG_CACHE_HOME` set to `xdg`.
fn check(dir: &Path, xdg: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_palisade"))
        .arg("check")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "80")
        .env("XDG_CACHE_HOME", xdg)
        .output()
        .expect("run palisade")
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

/// The cache entries under `dir`.
fn entries(dir: &Path) -> Vec<PathBuf> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    read.map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "bin"))
        .collect()
}

/// A copy of the example plant in a temporary directory, and an empty XDG cache home.
fn plant() -> (tempfile::TempDir, tempfile::TempDir) {
    let repo = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/plant");
    copy_dir(&src, &repo.path().join("plant"));
    (repo, tempfile::tempdir().unwrap())
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn messages(v: &serde_json::Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

const JSON: &[&str] = &["plant", "--format", "json"];

#[test]
fn warm_run_gives_the_cold_output_from_the_default_cache_dir() {
    let (repo, xdg) = plant();
    let uncached = check(
        repo.path(),
        xdg.path(),
        &["plant", "--format", "json", "--no-cache"],
    );
    assert!(entries(&xdg.path().join("palisade")).is_empty());
    let cold = check(repo.path(), xdg.path(), JSON);
    assert_eq!(entries(&xdg.path().join("palisade")).len(), 1);
    let warm = check(repo.path(), xdg.path(), JSON);
    assert_eq!(cold.status.code(), Some(1));
    assert_eq!(warm.status.code(), Some(1));
    assert_eq!(cold.stdout, uncached.stdout);
    assert_eq!(warm.stdout, cold.stdout);
    // The human format (snippets rendered from the re-read text) is the same too.
    let human = check(repo.path(), xdg.path(), &["plant", "--no-cache"]);
    let human_warm = check(repo.path(), xdg.path(), &["plant"]);
    assert_eq!(human_warm.stdout, human.stdout);
    assert_eq!(json(&warm)["summary"]["findings"], 83);
}

/// Overwrites the first bytes of `text` where the (only) cache entry under `xdg` holds it
/// with `mark`, of the same length: what a run then reports from the entry shows it.
fn mark_entry(xdg: &Path, text: &str, mark: &[u8]) {
    let entry = entries(&xdg.join("palisade")).pop().unwrap();
    let mut bytes = std::fs::read(&entry).unwrap();
    let at = bytes
        .windows(text.len())
        .position(|w| w == text.as_bytes())
        .unwrap();
    bytes[at..at + mark.len()].copy_from_slice(mark);
    std::fs::write(&entry, bytes).unwrap();
}

#[test]
fn warm_run_reads_its_results_from_the_entry() {
    let (repo, xdg) = plant();
    let cold = json(&check(repo.path(), xdg.path(), JSON));
    // A message, as the entry stores it (UTF-8), overwritten by one of the same length.
    let message = messages(&cold).into_iter().find(|m| m.len() > 20).unwrap();
    mark_entry(xdg.path(), &message, b"FROM CACHE");
    let warm = json(&check(repo.path(), xdg.path(), JSON));
    assert!(
        messages(&warm).iter().any(|m| m.starts_with("FROM CACHE")),
        "{warm}"
    );
}

#[test]
fn editing_an_input_changes_its_findings() {
    let (repo, xdg) = plant();
    let before = json(&check(repo.path(), xdg.path(), JSON));
    let file = repo.path().join("plant/k8s/modbus-poller.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("privileged: true"));
    std::fs::write(&file, text.replace("privileged: true", "privileged: false")).unwrap();
    let after = check(repo.path(), xdg.path(), JSON);
    let fresh = check(
        repo.path(),
        xdg.path(),
        &["plant", "--format", "json", "--no-cache"],
    );
    assert_eq!(after.stdout, fresh.stdout);
    let privileged = |v: &serde_json::Value| {
        messages(v)
            .iter()
            .filter(|m| m.contains("`poller`") && m.contains("privileged"))
            .count()
    };
    assert_eq!(privileged(&before), 1);
    assert_eq!(privileged(&json(&after)), 0);
    // Still one entry: a changed input replaces the entry of the same scope.
    assert_eq!(entries(&xdg.path().join("palisade")).len(), 1);
}

#[test]
fn editing_a_policy_invalidates_the_cache() {
    let (repo, xdg) = plant();
    let policies = repo.path().join("policies");
    std::fs::create_dir_all(&policies).unwrap();
    let rule = |word: &str| {
        format!(
            "package mine\n\nrule named_workload {{\n  for w in k8s.workloads\n  deny: \"{word} {{w.name}}\"\n}}\n"
        )
    };
    std::fs::write(policies.join("mine.pal"), rule("first")).unwrap();
    let args = [
        "plant",
        "--no-builtin",
        "--policy",
        "policies",
        "--format",
        "json",
    ];
    let one = json(&check(repo.path(), xdg.path(), &args));
    assert!(messages(&one).iter().all(|m| m.starts_with("first ")));
    std::fs::write(policies.join("mine.pal"), rule("second")).unwrap();
    let two = json(&check(repo.path(), xdg.path(), &args));
    assert!(!messages(&two).is_empty());
    assert!(
        messages(&two).iter().all(|m| m.starts_with("second ")),
        "{two}"
    );
}

#[test]
fn rule_selection_is_part_of_the_key() {
    let (repo, xdg) = plant();
    let all = json(&check(repo.path(), xdg.path(), JSON));
    let one = json(&check(
        repo.path(),
        xdg.path(),
        &[
            "plant",
            "--format",
            "json",
            "--rule",
            "privileged_container",
        ],
    ));
    let again = json(&check(repo.path(), xdg.path(), JSON));
    assert!(all["findings"].as_array().unwrap().len() > 1);
    for f in one["findings"].as_array().unwrap() {
        assert_eq!(f["rule"], "privileged_container");
    }
    assert_eq!(again, all);
}

#[test]
fn a_corrupt_entry_is_ignored_and_replaced() {
    let (repo, xdg) = plant();
    let cold = check(repo.path(), xdg.path(), JSON);
    let entry = entries(&xdg.path().join("palisade")).pop().unwrap();
    let good = std::fs::read(&entry).unwrap();
    let truncated = good[..good.len() / 2].to_vec();
    let mut longer = good.clone();
    longer.push(0);
    for garbage in [
        b"{not json".to_vec(),
        Vec::new(),
        b"palisade".to_vec(),
        truncated,
        longer,
    ] {
        std::fs::write(&entry, &garbage).unwrap();
        let o = check(repo.path(), xdg.path(), JSON);
        assert_eq!(o.status.code(), Some(1));
        assert_eq!(
            o.stdout,
            cold.stdout,
            "after writing {} bytes",
            garbage.len()
        );
        assert!(o.stderr.is_empty());
        // The entry was rewritten whole.
        assert!(std::fs::read(&entry).unwrap().starts_with(b"palisade"));
    }
}

#[test]
fn an_unwritable_cache_is_a_warning_not_a_failure() {
    let (repo, xdg) = plant();
    // A file where the cache directory should be: nothing can be created under it.
    let blocker = repo.path().join("not-a-dir");
    std::fs::write(&blocker, "x").unwrap();
    let o = check(
        repo.path(),
        xdg.path(),
        &[
            "plant",
            "--format",
            "json",
            "--cache-dir",
            "not-a-dir/cache",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    let uncached = json(&check(
        repo.path(),
        xdg.path(),
        &["plant", "--format", "json", "--no-cache"],
    ));
    assert_eq!(v["findings"], uncached["findings"]);
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"palisade::cache-unavailable"), "{v}");
    assert_eq!(v["summary"]["errors"], uncached["summary"]["errors"]);
}

#[test]
fn no_cache_writes_nothing_and_cache_dir_overrides_the_default() {
    let (repo, xdg) = plant();
    check(repo.path(), xdg.path(), &["plant", "--no-cache"]);
    assert!(!xdg.path().join("palisade").exists());
    check(repo.path(), xdg.path(), &["plant", "--cache-dir", "here"]);
    assert_eq!(entries(&repo.path().join("here")).len(), 1);
    assert!(!xdg.path().join("palisade").exists());
}

#[test]
fn suppressions_and_their_expiry_apply_to_cached_results() {
    let (repo, xdg) = plant();
    let file = repo.path().join("plant/k8s/modbus-poller.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let ignore =
        "# palisade:ignore-file privileged_container reason=\"vendor image\" expires=2030-01-01\n";
    std::fs::write(&file, format!("{ignore}{text}")).unwrap();
    let args = |today: &'static str| ["plant", "--format", "json", "--today", today];
    let cold = check(repo.path(), xdg.path(), &args("2029-12-31"));
    let warm = check(repo.path(), xdg.path(), &args("2029-12-31"));
    assert_eq!(warm.stdout, cold.stdout);
    let v = json(&warm);
    assert_eq!(v["summary"]["suppressed"], 1, "{v}");
    // The same cached results, a later day: the directive has expired.
    let later = check(repo.path(), xdg.path(), &args("2030-06-01"));
    let fresh = check(
        repo.path(),
        xdg.path(),
        &[
            "plant",
            "--format",
            "json",
            "--today",
            "2030-06-01",
            "--no-cache",
        ],
    );
    assert_eq!(later.stdout, fresh.stdout);
    assert_eq!(json(&later)["summary"]["suppressed"], 0);
    assert_eq!(later.status.code(), Some(1));
}

// ---- unchanged files are not read

/// Sets the modification time of every file under `dir` to an hour ago: files the last run
/// read long after their last change, whose stamps the cache trusts.
fn age(dir: &Path) {
    set_all_modified(dir, SystemTime::now() - Duration::from_secs(3600));
}

fn set_all_modified(dir: &Path, time: SystemTime) {
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path.is_dir() {
            set_all_modified(&path, time);
        } else {
            set_modified(&path, time);
        }
    }
}

fn set_modified(path: &Path, time: SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(time)
        .unwrap();
}

/// The `result cache:` line of `--verbose`.
fn cache_line(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .find(|l| l.starts_with("result cache:"))
        .unwrap_or_else(|| panic!("no cache line in {}", String::from_utf8_lossy(&o.stderr)))
        .to_string()
}

const JSON_VERBOSE: &[&str] = &["plant", "--format", "json", "--verbose"];

#[test]
fn unchanged_files_are_not_read_when_the_report_quotes_none() {
    let (repo, xdg) = plant();
    age(&repo.path().join("plant"));
    let cold = check(repo.path(), xdg.path(), JSON_VERBOSE);
    assert_eq!(
        cache_line(&cold),
        "result cache: evaluated, no reusable entry"
    );
    let warm = check(repo.path(), xdg.path(), JSON_VERBOSE);
    assert_eq!(
        cache_line(&warm),
        "result cache: reused, inputs unchanged (15 of 15 not read); policies not compiled"
    );
    assert_eq!(warm.stdout, cold.stdout);
    // Formats that quote the inputs read them all (and check them against the entry).
    for format in ["human", "sarif"] {
        let args = ["plant", "--format", format, "--verbose"];
        let warm = check(repo.path(), xdg.path(), &args);
        assert_eq!(
            cache_line(&warm),
            "result cache: reused, inputs unchanged (0 of 15 not read); policies not compiled",
            "{format}"
        );
        let fresh = check(
            repo.path(),
            xdg.path(),
            &["plant", "--format", format, "--no-cache"],
        );
        assert_eq!(warm.stdout, fresh.stdout, "{format}");
    }
}

#[test]
fn a_rewrite_that_keeps_the_size_and_modification_time_is_seen() {
    let (repo, xdg) = plant();
    age(&repo.path().join("plant"));
    let before = json(&check(repo.path(), xdg.path(), JSON));
    let file = repo.path().join("plant/k8s/modbus-poller.yaml");
    let modified = std::fs::metadata(&file).unwrap().modified().unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("name: poller\n"));
    std::fs::write(&file, text.replace("name: poller\n", "name: pollex\n")).unwrap();
    // Same size, same modification time: only the change time tells.
    set_modified(&file, modified);
    let after = check(repo.path(), xdg.path(), JSON_VERBOSE);
    assert_eq!(
        cache_line(&after),
        "result cache: evaluated, no reusable entry"
    );
    let named =
        |v: &serde_json::Value, name: &str| messages(v).iter().filter(|m| m.contains(name)).count();
    assert!(named(&before, "`poller`") > 0);
    assert_eq!(named(&json(&after), "`poller`"), 0);
    assert_eq!(named(&json(&after), "`pollex`"), named(&before, "`poller`"));
}

#[test]
fn files_changed_just_before_a_run_are_read_until_they_settle() {
    let (repo, xdg) = plant();
    // Modified in the future as far as the runs can tell: never settled, however slow the
    // machine (a file modified less than two seconds before a run read it is not trusted).
    set_all_modified(
        &repo.path().join("plant"),
        SystemTime::now() + Duration::from_secs(3600),
    );
    let cold = check(repo.path(), xdg.path(), JSON_VERBOSE);
    let warm = check(repo.path(), xdg.path(), JSON_VERBOSE);
    assert_eq!(
        cache_line(&warm),
        "result cache: reused, inputs unchanged (0 of 15 not read)"
    );
    assert_eq!(warm.stdout, cold.stdout);
    // Touched, contents unchanged: read and hashed, results reused, the new stamps recorded.
    age(&repo.path().join("plant"));
    let touched = check(repo.path(), xdg.path(), JSON_VERBOSE);
    assert_eq!(
        cache_line(&touched),
        "result cache: reused, inputs unchanged (0 of 15 not read)"
    );
    let settled = check(repo.path(), xdg.path(), JSON_VERBOSE);
    assert_eq!(
        cache_line(&settled),
        "result cache: reused, inputs unchanged (15 of 15 not read); policies not compiled"
    );
    assert_eq!(settled.stdout, cold.stdout);
}

#[test]
fn a_file_with_suppression_comments_is_always_read() {
    let (repo, xdg) = plant();
    let file = repo.path().join("plant/k8s/modbus-poller.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let ignore = "# palisade:ignore-file privileged_container reason=\"vendor image\"\n";
    std::fs::write(&file, format!("{ignore}{text}")).unwrap();
    age(&repo.path().join("plant"));
    let cold = check(repo.path(), xdg.path(), JSON_VERBOSE);
    let warm = check(repo.path(), xdg.path(), JSON_VERBOSE);
    assert_eq!(
        cache_line(&warm),
        "result cache: reused, inputs unchanged (14 of 15 not read); policies not compiled"
    );
    assert_eq!(warm.stdout, cold.stdout);
    assert_eq!(json(&warm)["summary"]["suppressed"], 1);
}

#[test]
fn a_warm_run_takes_the_rules_from_the_entry_without_compiling() {
    let (repo, xdg) = plant();
    age(&repo.path().join("plant"));
    let cold = json(&check(repo.path(), xdg.path(), JSON));
    // A rule's title, as the entry records it with the rule, overwritten by one of the same
    // length: a run that compiled the policies would give the pack's title again.
    let title = cold["findings"][0]["title"].as_str().unwrap().to_string();
    assert!(title.len() > 10, "{title}");
    mark_entry(xdg.path(), &title, b"FROM ENTRY");
    let warm = check(repo.path(), xdg.path(), JSON_VERBOSE);
    assert_eq!(
        cache_line(&warm),
        "result cache: reused, inputs unchanged (15 of 15 not read); policies not compiled"
    );
    let warm = json(&warm);
    let marked_title = format!("FROM ENTRY{}", &title[10..]);
    let rule = &cold["findings"][0]["rule"];
    let of_rule: Vec<_> = warm["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| &f["rule"] == rule)
        .collect();
    assert!(!of_rule.is_empty(), "{warm}");
    for f in of_rule {
        assert_eq!(f["title"], marked_title.as_str());
    }
}

#[test]
fn a_warm_run_gives_the_policy_warnings_again() {
    let (repo, xdg) = plant();
    age(&repo.path().join("plant"));
    let policies = repo.path().join("policies");
    std::fs::create_dir_all(&policies).unwrap();
    // A comparison of a number with a string is always false: a warning of the checker.
    std::fs::write(
        policies.join("mine.pal"),
        "package mine\n\nrule odd {\n  for w in k8s.workloads\n  where 1 == \"one\"\n  deny: \"{w.name}\"\n}\n",
    )
    .unwrap();
    let args = |format: &'static str| {
        [
            "plant",
            "--no-builtin",
            "--policy",
            "policies",
            "--format",
            format,
            "--verbose",
        ]
    };
    for format in ["json", "human"] {
        let cold = check(repo.path(), xdg.path(), &args(format));
        let warm = check(repo.path(), xdg.path(), &args(format));
        assert!(
            cache_line(&warm).ends_with("; policies not compiled"),
            "{format}: {}",
            cache_line(&warm)
        );
        assert_eq!(warm.stdout, cold.stdout, "{format}");
        let out = String::from_utf8_lossy(&warm.stdout);
        assert!(out.contains("always false"), "{format}: {out}");
        // The human report quotes the policy's line, from its text (read, not compiled).
        if format == "human" {
            assert!(out.contains("where 1 == \"one\""), "{out}");
        }
    }
}
