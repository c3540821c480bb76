//! Hostile inputs: a catalogue of malformed, oversized, deeply nested, binary, aliased,
//! symlinked and unreadable files (`tests/hostile/inputs/`, plus special ones generated here
//! into a temporary directory), and of hostile policies (`tests/hostile/policies/`, plus
//! generated deep ones). Each case runs alone through the binary and its diagnostics are
//! snapshotted; the whole catalogue then runs at once and must end with exit 0-2, no panic, no
//! raw terminal escape, a diagnostic naming every malformed file, and the privileged container
//! in a file whose name holds an escape sequence still reported.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code stops at the first broken expectation"
)]

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value as Json;

const ESC_NAME: &str = "priv-\u{1b}[31mred\u{1b}[0m.yaml";

/// The cases that are well-formed (hostile only in their content or size).
const VALID: &[&str] = &["control-characters.yaml", "long-line.yaml"];

const PRIVILEGED_POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: escaped
spec:
  containers:
  - name: root-shell
    image: registry.example/shell:1.0
    securityContext:
      privileged: true
";

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn palisade(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "80")
        .output()
        .expect("run palisade")
}

fn json(o: &Output) -> Json {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

/// The generated cases: name → content. Kept out of the repository because of their size.
fn generated() -> Vec<(&'static str, Vec<u8>)> {
    let nest = |open: &str, close: &str, inner: &str, n: usize| {
        format!("{}{inner}{}", open.repeat(n), close.repeat(n)).into_bytes()
    };
    let mut block = String::new();
    for i in 0..1000 {
        block.push_str(&" ".repeat(i));
        block.push_str("a:\n");
    }
    let mut long_line = b"key: \"".to_vec();
    long_line.extend(std::iter::repeat_n(b'x', 2_000_000));
    long_line.extend(b"\"\n");
    vec![
        ("deep-10000.json", nest("[", "]", "", 10_000)),
        ("deep-10000-objects.json", nest("{\"a\":", "}", "1", 10_000)),
        ("deep-10000.yaml", nest("[", "]", "", 10_000)),
        ("deep-1000-block.yaml", block.into_bytes()),
        ("deep-10000.toml", {
            let mut v = b"a = ".to_vec();
            v.extend(nest("[", "]", "", 10_000));
            v
        }),
        ("deep-10000-inline-tables.toml", {
            let mut v = b"a = ".to_vec();
            v.extend(nest("{b = ", "}", "1", 10_000));
            v
        }),
        ("deep-10000.tf", {
            let mut v = b"locals {\n  x = ".to_vec();
            v.extend(nest("[", "]", "", 10_000));
            v.extend(b"\n}\n");
            v
        }),
        ("deep-10000-blocks.tf", nest("a {\n", "}\n", "", 10_000)),
        ("deep-10000-parens.tf", {
            let mut v = b"locals {\n  x = ".to_vec();
            v.extend(nest("(", ")", "1", 10_000));
            v.extend(b"\n}\n");
            v
        }),
        ("deep-10000.nft", {
            let mut v = b"table inet f {\n".to_vec();
            v.extend(nest("chain c {\n", "}\n", "", 10_000));
            v
        }),
        ("deep-10000.junos", {
            let mut v = b"firewall {\n    family inet {\n".to_vec();
            v.extend(nest("filter f {\n", "}\n", "", 10_000));
            v
        }),
        ("deep-10000.xml", {
            let mut v = b"<?xml version=\"1.0\"?>\n<pfsense><filter>".to_vec();
            v.extend(nest("<rule>", "</rule>", "", 10_000));
            v.extend(b"</filter></pfsense>\n");
            v
        }),
        (
            "documents.yaml",
            "---\nkind: A\n".repeat(12_000).into_bytes(),
        ),
        ("long-line.yaml", long_line),
        // A diagnostic past column 65,535: too far right for a snippet.
        (
            "long-line-duplicate.json",
            format!("{{\"a\": \"{}\", \"a\": 1}}\n", "x".repeat(70_000)).into_bytes(),
        ),
    ]
}

/// The catalogue's temporary directory; gives unreadable entries their permissions back
/// so that it can be removed.
struct Catalogue(tempfile::TempDir);

impl Drop for Catalogue {
    fn drop(&mut self) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let dir = self.0.path().join("catalogue");
            for name in ["unreadable.yaml", "unreadable-dir"] {
                let _ = fs::set_permissions(dir.join(name), fs::Permissions::from_mode(0o700));
            }
        }
    }
}

/// Builds the catalogue in a fresh temporary directory: the committed cases, the generated
/// ones, and the special files (100 MB, symbolic links, unreadable, odd names).
fn catalogue() -> (Catalogue, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("catalogue");
    fs::create_dir(&dir).unwrap();
    for entry in fs::read_dir(manifest_dir().join("tests/hostile/inputs")).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    for (name, content) in generated() {
        fs::write(dir.join(name), content).unwrap();
    }
    // 100 MB, sparse: over the size limit, so it must be refused without being read.
    let big = fs::File::create(dir.join("huge-100mb.yaml")).unwrap();
    big.set_len(100 * 1024 * 1024).unwrap();
    fs::write(dir.join(ESC_NAME), PRIVILEGED_POD).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        use std::os::unix::fs::{symlink, PermissionsExt};
        let odd = std::ffi::OsStr::from_bytes(b"not-utf8-\xff\xfe-name.yaml");
        fs::write(dir.join(odd), "kind: ConfigMap\nmetadata:\n  name: odd\n").unwrap();
        fs::write(tmp.path().join("outside.yaml"), PRIVILEGED_POD).unwrap();
        symlink("link-loop-b", dir.join("link-loop-a")).unwrap();
        symlink("link-loop-a", dir.join("link-loop-b")).unwrap();
        symlink("..", dir.join("link-parent")).unwrap();
        symlink(".", dir.join("link-self")).unwrap();
        symlink("../outside.yaml", dir.join("link-outside.yaml")).unwrap();
        symlink("/", dir.join("link-root")).unwrap();
        symlink("missing.yaml", dir.join("link-dangling.yaml")).unwrap();
        symlink("duplicate-keys.yaml", dir.join("link-inside.yaml")).unwrap();
        // A named pipe: opening it would block the run forever.
        let fifo = Command::new("mkfifo")
            .arg(dir.join("pipe.yaml"))
            .status()
            .is_ok_and(|s| s.success());
        assert!(fifo, "mkfifo");
        fs::write(dir.join("unreadable.yaml"), "a: [\n").unwrap();
        fs::set_permissions(
            dir.join("unreadable.yaml"),
            fs::Permissions::from_mode(0o000),
        )
        .unwrap();
        fs::create_dir(dir.join("unreadable-dir")).unwrap();
        fs::write(dir.join("unreadable-dir/inner.yaml"), "a: [\n").unwrap();
        fs::set_permissions(
            dir.join("unreadable-dir"),
            fs::Permissions::from_mode(0o000),
        )
        .unwrap();
    }
    (Catalogue(tmp), dir)
}

/// Whether this process can read `path` despite its permissions (root can).
fn readable_anyway(path: &Path) -> bool {
    if path.is_dir() {
        fs::read_dir(path).is_ok()
    } else {
        fs::read(path).is_ok()
    }
}

/// The diagnostics of a JSON report, one per line: code, severity, file:line, message.
fn diagnostics_text(report: &Json) -> String {
    let mut out = String::new();
    for d in report["diagnostics"].as_array().unwrap() {
        let at = match (d.get("file"), d.get("line")) {
            (Some(f), Some(l)) => format!("{}:{l}", f.as_str().unwrap_or("?")),
            (Some(f), None) => f.as_str().unwrap_or("?").to_string(),
            _ => "-".to_string(),
        };
        writeln!(
            out,
            "{} {} {at}: {}",
            d["code"].as_str().unwrap(),
            d["severity"].as_str().unwrap(),
            d["message"].as_str().unwrap()
        )
        .unwrap();
    }
    out
}

fn snapshot_name(case: &str) -> String {
    case.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
}

fn assert_sane(case: &str, o: &Output) {
    let code = o.status.code();
    assert!(
        matches!(code, Some(0..=2)),
        "{case}: exit {code:?}; stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains("panicked"), "{case}: {stderr}");
    assert!(!stderr.contains("overflow"), "{case}: {stderr}");
}

/// The committed and generated input cases, each alone, with their diagnostics snapshotted.
#[test]
fn each_input_case_gets_its_diagnostics() {
    let (_tmp, dir) = catalogue();
    let mut cases: Vec<String> = fs::read_dir(manifest_dir().join("tests/hostile/inputs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    cases.extend(generated().into_iter().map(|(n, _)| n.to_string()));
    cases.push("huge-100mb.yaml".to_string());
    cases.sort();
    for case in &cases {
        let o = palisade(&dir, &["check", "--no-builtin", case, "--format", "json"]);
        assert_sane(case, &o);
        let report = json(&o);
        let text = diagnostics_text(&report);
        insta::assert_snapshot!(format!("input_{}", snapshot_name(case)), text);
    }
}

/// The hostile policies: runaway recursion and loops, regular expressions, sandbox escapes,
/// and (generated) expressions nested or chained 10,000 deep.
#[test]
fn each_policy_case_is_a_diagnostic_and_other_rules_run() {
    let tmp = tempfile::tempdir().unwrap();
    let pod = manifest_dir().join("tests/hostile/input-pod.yaml");
    let mut cases: Vec<PathBuf> = fs::read_dir(manifest_dir().join("tests/hostile/policies"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let rule = |expr: String| {
        format!(
            "package hostile.deep\n\nrule deep {{\n  for c in k8s.containers\n  where {expr}\n  deny at c.name: \"x\"\n}}\n"
        )
    };
    let deep = [
        (
            "deep-parens.pal",
            rule(format!("{}true{}", "(".repeat(10_000), ")".repeat(10_000))),
        ),
        (
            "deep-lists.pal",
            rule(format!(
                "len({}{}) > 0",
                "[".repeat(10_000),
                "]".repeat(10_000)
            )),
        ),
        (
            "chain-and.pal",
            rule(vec!["c.name == \"a\""; 10_000].join(" and ")),
        ),
        (
            "chain-plus.pal",
            rule(format!("1{} == 0", " + 1".repeat(10_000))),
        ),
        (
            "chain-not.pal",
            rule(format!("{}true", "not ".repeat(10_000))),
        ),
        (
            "chain-minus.pal",
            rule(format!("1 == {}1", "-".repeat(10_000))),
        ),
        (
            "chain-fields.pal",
            rule(format!("c{} == 1", ".a".repeat(10_000))),
        ),
        (
            "chain-calls.pal",
            rule(format!("len{} == 1", "(1)".repeat(10_000))),
        ),
        (
            "chain-if.pal",
            rule(format!(
                "{}true{}",
                "if true then ".repeat(5_000),
                " else false".repeat(5_000)
            )),
        ),
    ];
    for (name, text) in deep {
        let path = tmp.path().join(name);
        fs::write(&path, text).unwrap();
        cases.push(path);
    }
    cases.sort_by_key(|p| p.file_name().map(std::ffi::OsStr::to_os_string));
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let o = palisade(
            manifest_dir(),
            &[
                "check",
                "--no-builtin",
                "--policy",
                case.to_str().unwrap(),
                pod.to_str().unwrap(),
                "--format",
                "json",
            ],
        );
        assert_sane(&name, &o);
        let report = json(&o);
        assert!(
            !report["diagnostics"].as_array().unwrap().is_empty(),
            "{name}: no diagnostic"
        );
        let mut text = diagnostics_text(&report)
            .replace(&format!("{}/", tmp.path().display()), "")
            .replace(&format!("{}/", manifest_dir().display()), "");
        for f in report["findings"].as_array().unwrap() {
            writeln!(text, "finding {}: {}", f["rule"], f["message"]).unwrap();
        }
        insta::assert_snapshot!(format!("policy_{}", snapshot_name(&name)), text);
    }
}

/// The file names the JSON report gives every diagnostic.
fn named_files(report: &Json) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d.get("file").and_then(Json::as_str).map(str::to_string))
        .collect()
}

/// The whole catalogue in one run, as the issue checks it.
#[test]
fn whole_catalogue_in_one_run() {
    let (_tmp, dir) = catalogue();
    // JSON: every malformed file named, the privileged container found.
    let o = palisade(&dir, &["check", ".", "--format", "json"]);
    assert_sane("catalogue json", &o);
    assert_eq!(o.status.code(), Some(2), "input errors make exit 2");
    let report = json(&o);
    let named = named_files(&report);
    let mut malformed: Vec<String> = fs::read_dir(manifest_dir().join("tests/hostile/inputs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    malformed.extend(generated().into_iter().map(|(n, _)| n.to_string()));
    // Well-formed, only unusual: checked like any other file.
    malformed.retain(|n| !VALID.contains(&n.as_str()));
    malformed.extend(
        [
            "huge-100mb.yaml",
            "link-loop-a",
            "link-loop-b",
            "link-parent",
            "link-self",
            "link-outside.yaml",
            "link-root",
            "link-dangling.yaml",
            "link-inside.yaml",
            "pipe.yaml",
        ]
        .map(String::from),
    );
    for (path, name) in [
        ("unreadable.yaml", "unreadable.yaml"),
        ("unreadable-dir", "unreadable-dir"),
    ] {
        if !readable_anyway(&dir.join(path)) {
            malformed.push(name.to_string());
        }
    }
    for m in &malformed {
        assert!(
            named
                .iter()
                .any(|n| n == m || n.starts_with(&format!("{m}/"))),
            "no diagnostic names `{m}`:\n{}",
            diagnostics_text(&report)
        );
    }
    // Nothing outside the tree was read: the outside file holds a privileged pod too.
    let findings = report["findings"].as_array().unwrap();
    let privileged: Vec<&str> = findings
        .iter()
        .filter(|f| f["rule"] == "privileged_container")
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert!(
        privileged.contains(&ESC_NAME),
        "privileged container in the escape-named file not reported: {privileged:?}"
    );
    assert!(
        privileged.iter().all(|f| !f.contains("outside")),
        "{privileged:?}"
    );
    // The odd-named file is checked under a lossy name.
    assert!(report["summary"]["files"].as_u64().unwrap() > 10);

    // Human: the same run, with no raw escape character on either stream.
    let o = palisade(&dir, &["check", "."]);
    assert_sane("catalogue human", &o);
    for (stream, bytes) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
        assert!(
            !bytes.contains(&0x1b) && !bytes.windows(2).any(|w| w == [0xc2, 0x9b]),
            "raw escape on {stream}"
        );
    }
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("privileged_container"), "{out}");
    assert!(
        out.contains("priv-\u{fffd}[31mred\u{fffd}[0m.yaml"),
        "{out}"
    );

    // The other formats escape input content too.
    for format in ["json", "sarif", "junit", "github"] {
        let o = palisade(&dir, &["check", ".", "--format", format]);
        assert_sane(format, &o);
        assert!(!o.stdout.contains(&0x1b), "raw escape in {format} output");
        // U+009B (CSI), written in UTF-8: a C1 control some terminals obey.
        assert!(
            !o.stdout.windows(2).any(|w| w == [0xc2, 0x9b]),
            "raw CSI in {format} output"
        );
        if format != "github" {
            assert!(
                String::from_utf8_lossy(&o.stdout).contains("privileged"),
                "{format}"
            );
        }
    }
}

/// `--follow-symlinks` follows the link that stays inside the tree, and only that one.
#[cfg(unix)]
#[test]
fn follow_symlinks_stays_inside_the_tree() {
    let (_tmp, dir) = catalogue();
    let o = palisade(
        &dir,
        &[
            "check",
            ".",
            "--no-builtin",
            "--follow-symlinks",
            "--format",
            "json",
        ],
    );
    assert_sane("follow", &o);
    let report = json(&o);
    let text = diagnostics_text(&report);
    let line = |name: &str| {
        text.lines()
            .find(|l| l.contains(&format!("{name}:")) || l.contains(&format!(" {name}")))
            .unwrap_or_else(|| panic!("no diagnostic for {name}:\n{text}"))
            .to_string()
    };
    assert!(line("link-outside.yaml").contains("leads outside the checked tree"));
    assert!(line("link-dangling.yaml").contains("cannot be followed"));
    assert!(line("link-loop-a").contains("cannot be followed"), "{text}");
    // Links to an ancestor (the root of the file system, the parent, the directory itself)
    // are loops of the walk.
    assert!(line("link-root").contains("loops back"), "{text}");
    assert!(line("link-parent").contains("loops back"), "{text}");
    assert!(line("link-self").contains("loops back"), "{text}");
    // The inside link is loaded: its duplicate key is reported under the link's name.
    assert!(
        text.lines()
            .any(|l| l.starts_with("palisade::duplicate-key") && l.contains("link-inside.yaml")),
        "{text}"
    );
}

/// A file removed between discovery and reading is a diagnostic; the rest is loaded.
#[test]
fn a_file_vanishing_during_the_run_is_a_diagnostic() {
    use palisade::driver::{discover, load_inputs, Filters};
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("a.yaml"), "a: 1\n").unwrap();
    fs::write(tmp.path().join("b.yaml"), "b: 1\n").unwrap();
    let mut diags = Vec::new();
    let found = discover(&[tmp.path().to_path_buf()], &Filters::default(), &mut diags);
    assert_eq!(found.len(), 2);
    fs::remove_file(tmp.path().join("a.yaml")).unwrap();
    let mut db = palisade::source::SourceDb::new();
    let loaded = load_inputs(
        &mut db,
        &found,
        &palisade::input::Limits::default(),
        &mut diags,
    );
    assert_eq!(loaded.len(), 1);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].code, palisade::diag::Code::IoError);
    assert!(diags[0].message.contains("a.yaml"), "{}", diags[0].message);
}

/// Every input limit trips on the catalogue case built for it, and its flag raises it.
#[test]
fn limits_trip_and_their_flags_raise_them() {
    let tmp = tempfile::tempdir().unwrap();
    let mut many = "[".to_string();
    many.push_str(&"1,".repeat(1_100_000));
    many.push_str("1]");
    fs::write(tmp.path().join("many-values.json"), many).unwrap();
    fs::write(
        tmp.path().join("documents.yaml"),
        "---\nkind: A\n".repeat(12_000),
    )
    .unwrap();
    let inputs = manifest_dir().join("tests/hostile/inputs");
    fs::copy(
        inputs.join("alias-bomb.yaml"),
        tmp.path().join("alias-bomb.yaml"),
    )
    .unwrap();
    let mut deep = String::new();
    for i in 0..300 {
        deep.push_str(&" ".repeat(i));
        deep.push_str("a:\n");
    }
    deep.push_str(&" ".repeat(300));
    deep.push_str("b: 1\n");
    fs::write(tmp.path().join("deep-300.yaml"), deep).unwrap();
    let big = fs::File::create(tmp.path().join("big.yaml")).unwrap();
    big.set_len(40 * 1024 * 1024).unwrap();
    drop(big);
    let cases = [
        ("many-values.json", "--max-nodes", "2000000"),
        ("documents.yaml", "--max-documents", "20000"),
        ("alias-bomb.yaml", "--max-alias-nodes", "1000000000"),
        ("deep-300.yaml", "--max-depth", "400"),
        ("big.yaml", "--max-file-size", "50000000"),
    ];
    for (case, flag, value) in cases {
        let limited = |extra: &[&str]| {
            let mut args = vec!["check", "--no-builtin", case, "--format", "json"];
            args.extend_from_slice(extra);
            let o = palisade(tmp.path(), &args);
            assert_sane(case, &o);
            json(&o)["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["code"] == "palisade::input-limit")
        };
        assert!(limited(&[]), "{case}: the default limit does not trip");
        assert!(
            !limited(&[flag, value]),
            "{case}: `{flag} {value}` does not raise it"
        );
    }
}
