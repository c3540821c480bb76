//! Tests of the JunOS adapter (`palisade::firewall::junos`): snapshots of hand-written
//! fixtures in both syntaxes, exact rule spans, content detection, robustness on every
//! prefix, and the real-world corpus.

#![expect(clippy::unwrap_used, reason = "a failing test should stop loudly")]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use palisade::diag::{Code, Severity};
use palisade::firewall::junos::{parse, sniff};
use palisade::firewall::{dump::dump, Action, Parsed};
use palisade::source::{SourceDb, SourceFile};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/firewall/junos")
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixtures().join(name)).unwrap()
}

fn load(name: &str, text: &str) -> (SourceDb, Parsed) {
    let mut db = SourceDb::new();
    let id = db.add(SourceFile::new(name, text));
    (db, parse(id, text))
}

/// The model dump followed by the diagnostics, one per line.
fn render(name: &str, text: &str) -> String {
    let (db, parsed) = load(name, text);
    let mut out = dump(&db, &parsed.config);
    for d in &parsed.diagnostics {
        let at = d.span.map(|s| db.line_col(s.file, s.start));
        let (line, col) = at.map_or((0, 0), |p| (p.line, p.column));
        writeln!(out, "{}: {} @{line}:{col}", d.code, d.message).unwrap();
    }
    out
}

/// `render` without positions, to compare the two syntaxes.
fn without_positions(s: &str) -> String {
    let re = regex::Regex::new(r"\[\d+:\d+\]|@\d+:\d+").unwrap();
    re.replace_all(s, "").into_owned()
}

// ---------------------------------------------------------------- fixtures

#[test]
fn fixture_snapshots() {
    insta::glob!("fixtures/firewall/junos/*", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        insta::assert_snapshot!(render(&name, &text));
    });
}

#[test]
fn both_syntaxes_give_the_same_model() {
    for base in ["filter", "srx"] {
        let conf = render("conf", &fixture(&format!("{base}.conf")));
        let set = render("set", &fixture(&format!("{base}.set")));
        assert_eq!(
            without_positions(&conf),
            without_positions(&set),
            "{base}.conf and {base}.set differ"
        );
    }
}

#[test]
fn fixtures_have_no_errors() {
    for e in std::fs::read_dir(fixtures()).unwrap() {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(sniff(&text), "{name} is not recognised as JunOS");
        let (_, parsed) = load(&name, &text);
        let errors = parsed.diagnostics.iter().filter(|d| d.is_error()).count();
        if name == "syntax_errors.conf" {
            // Unbalanced brackets are recovered (warnings); other breakage is an error.
            let syntax = parsed
                .diagnostics
                .iter()
                .filter(|d| d.code == Code::FirewallSyntax)
                .count();
            assert!(
                syntax >= 5,
                "{name}: expected syntax diagnostics, got {syntax}"
            );
            assert!(
                errors >= 1,
                "{name}: expected some syntax errors, got {errors}"
            );
        } else {
            assert_eq!(errors, 0, "{name}: {:?}", parsed.diagnostics);
        }
    }
}

/// The text of each rule of ruleset `set`, as written.
fn rule_texts(db: &SourceDb, parsed: &Parsed, set: &str) -> Vec<String> {
    let rs = parsed
        .config
        .rulesets
        .iter()
        .find(|r| r.name == set)
        .unwrap();
    rs.rules
        .iter()
        .map(|r| db.slice(r.span).to_string())
        .collect()
}

#[test]
fn shadowed_term_and_telnet_have_exact_spans() {
    let text = fixture("shadow_telnet.conf");
    let (db, parsed) = load("shadow_telnet.conf", &text);
    let texts = rule_texts(&db, &parsed, "filter CELL-IN");
    assert_eq!(texts.len(), 3);
    for (t, name) in texts
        .iter()
        .zip(["PERMIT-OPS", "PERMIT-HMI-SSH", "PERMIT-TELNET"])
    {
        assert!(t.starts_with(&format!("term {name} {{")), "{t}");
        assert!(t.ends_with("then accept;\n            }"), "{t}");
    }
    let rules = &parsed.config.rulesets[0].rules;
    // The second term is inside the first: same action, narrower sets.
    assert!(rules[1].src.is_subset(&rules[0].src));
    assert!(rules[1].protocols.is_subset(&rules[0].protocols));
    assert_eq!(rules[1].action, Action::Accept);
    // The third accepts telnet.
    assert!(rules[2].dst_ports.contains(23) && rules[2].protocols.contains(6));
    assert!(rules.iter().all(|r| r.is_exact()));

    let text = fixture("shadow_telnet_srx.set");
    let (db, parsed) = load("shadow_telnet_srx.set", &text);
    let lines: Vec<&str> = text.lines().collect();
    let texts = rule_texts(&db, &parsed, "filter CELL-IN");
    assert_eq!(texts[2], lines[7..10].join("\n"));
    let texts = rule_texts(&db, &parsed, "from-zone ops to-zone cell");
    assert_eq!(texts[0], lines[10..14].join("\n"));
    assert_eq!(texts[1], lines[14..18].join("\n"));
    let telnet = &parsed.config.rulesets[1].rules[1];
    assert_eq!(telnet.dst_ports.ranges(), &[(23, 23)]);
    assert_eq!(telnet.action, Action::Accept);
}

#[test]
fn spans_in_srx_policies_cover_the_block() {
    let text = fixture("srx.conf");
    let (db, parsed) = load("srx.conf", &text);
    let texts = rule_texts(&db, &parsed, "from-zone ops to-zone cell");
    assert!(texts[0].starts_with("policy HMI-TO-PLC {"));
    assert!(texts[0].ends_with("}"));
    let inactive = texts.iter().find(|t| t.contains("OLD-ANY")).unwrap();
    assert!(
        inactive.starts_with("inactive: policy OLD-ANY {"),
        "{inactive}"
    );
    let rs = parsed
        .config
        .rulesets
        .iter()
        .find(|r| r.name == "global")
        .unwrap();
    assert_eq!(
        db.slice(rs.default_span.unwrap()),
        "default-policy {\n            permit-all;\n        }"
    );
}

// ---------------------------------------------------------------- detection

#[test]
fn sniff_rejects_other_formats() {
    for text in [
        "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n",
        "table inet filter {\n  chain input {\n    type filter hook input priority 0;\n  }\n}\n",
        "hostname r1\ninterface GigabitEthernet0/1\n ip access-group 101 in\naccess-list 101 permit tcp any any eq 22\n",
        "route-map X permit 10\n set local-preference 200\n",
        "ASA Version 9.8\nnameif outside\nsecurity-level 0\n",
        "<?xml version=\"1.0\"?>\n<pfsense>\n<filter><rule/></filter>\n</pfsense>\n",
        "firewall:\n  rules:\n    - allow\n",
        "{\"firewall\": {\"filter\": []}}\n",
        "[firewall]\nfilter = \"x\"\n",
        "",
    ] {
        assert!(!sniff(text), "claimed: {text}");
    }
    assert!(sniff("set system host-name r1\n"));
    assert!(sniff("security {\n    policies {\n    }\n}\n"));
    assert!(sniff("replace: applications {\n}\n"));
}

// ---------------------------------------------------------------- robustness

#[test]
fn no_panic_on_any_prefix() {
    for e in std::fs::read_dir(fixtures()).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        for (i, _) in text.char_indices() {
            let _ = load("prefix", &text[..i]);
        }
    }
    for text in [
        "{",
        "}",
        "[",
        "]",
        ";",
        "\"",
        "/*",
        "inactive:",
        "set",
        "set [ ]",
        "a [ b {",
    ] {
        let _ = load("odd", text);
    }
}

#[test]
fn hostile_inputs_are_bounded() {
    let start = std::time::Instant::now();
    let deep = format!("{}{}", "a {".repeat(100_000), "}".repeat(100_000));
    let (_, parsed) = load("deep", &deep);
    assert!(parsed
        .diagnostics
        .iter()
        .any(|d| d.message.contains("nested too deeply")));
    let long = format!("set {}\n", "w ".repeat(100_000));
    let _ = load("long", &long);
    let lists = format!("firewall {} {{ }}\n", "[ a b c d e f g h ] ".repeat(40));
    let _ = load("lists", &lists);
    let nested = "x [ a b c d e f g h i j ] { ".repeat(30) + &"}".repeat(30);
    let _ = load("nested-lists", &nested);
    let stars = format!(
        "set groups g interfaces <{}b> unit 0 family inet address 1.1.1.1/32\nset interfaces {} unit 0\nset apply-groups g\n",
        "*a".repeat(200),
        "a".repeat(5000)
    );
    let _ = load("stars", &stars);
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
}

/// A filter of 25,000 terms (about 375,000 words, past the 200,000-word write budget that
/// bounds what `[ … ]` lists multiply) is read whole in both syntaxes: the budget grows with
/// the words the file holds. Writing each term used to scan every earlier one as well
/// (quadratic: 13 s for 100,000 terms, `benches/gen_rulesets.py --format junos`).
#[test]
fn a_filter_of_many_terms_is_read_whole() {
    const TERMS: usize = 25_000;
    let (mut curly, mut set) = (
        String::from("firewall { family inet { filter EDGE {\n"),
        String::new(),
    );
    for i in 0..TERMS {
        let (a, b) = (i / 250, i % 250 + 1);
        let then = if i % 5 == 0 { "discard" } else { "accept" };
        writeln!(
            curly,
            "term t{i} {{ from {{ source-address 10.1.{a}.{b}/32; destination-address 10.2.{a}.{b}/32; protocol tcp; destination-port 502; }} then {then}; }}"
        )
        .unwrap();
        let term = format!("set firewall family inet filter EDGE term t{i}");
        writeln!(
            set,
            "{term} from source-address 10.1.{a}.{b}/32\n{term} from destination-address 10.2.{a}.{b}/32\n{term} from protocol tcp\n{term} from destination-port 502\n{term} then {then}"
        )
        .unwrap();
    }
    curly.push_str("} } }\n");
    for (name, text) in [("edge.conf", &curly), ("edge.set", &set)] {
        let (_, parsed) = load(name, text);
        let errors: Vec<_> = parsed
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| &d.message)
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
        let rules = &parsed.config.rulesets[0].rules;
        assert_eq!(rules.len(), TERMS, "{name}");
        assert_eq!(rules[TERMS - 1].name.as_deref(), Some("t24999"), "{name}");
        assert_eq!(rules[TERMS - 5].action, Action::Drop, "{name}");
    }
}

// ---------------------------------------------------------------- corpus

fn corpus_dir() -> PathBuf {
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/firewall/juniper");
    if local.is_dir() {
        local
    } else {
        PathBuf::from("/work/shared/corpus/firewall/juniper")
    }
}

/// Corpus files that are not configurations, or are broken on purpose.
const NOT_CONFIG: &[(&str, &str)] = &[("SOURCES.md", "the corpus index, not a configuration")];
/// Files broken on purpose: they must give warnings (recovered), never errors.
const MALFORMED: &[(&str, &str)] = &[(
    "batfish__misbraced",
    "a batfish fixture of deliberately unbalanced braces: recovered, with warnings",
)];

fn has_filtering(text: &str) -> bool {
    let re = regex::Regex::new(
        r"(?m)firewall (family \S+ )?filter |^\s*(replace: )?filter \S+ \{|security policies |^\s*(replace: )?policies \{|stateful-firewall|host-inbound-traffic",
    )
    .unwrap();
    re.is_match(text)
}

#[test]
fn corpus() {
    let dir = corpus_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() > 300, "corpus not found at {}", dir.display());
    let mut warnings: BTreeMap<String, usize> = BTreeMap::new();
    let (mut rulesets, mut rules) = (0, 0);
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if NOT_CONFIG.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        assert!(sniff(&text), "{name} is not recognised as JunOS");
        let (_, parsed) = load(&name, &text);
        let errors: Vec<_> = parsed.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
        if MALFORMED.iter().any(|(n, _)| *n == name) {
            assert!(
                parsed
                    .diagnostics
                    .iter()
                    .any(|d| d.code == Code::FirewallSyntax),
                "{name} should give syntax warnings"
            );
        }
        if has_filtering(&text) {
            assert!(!parsed.config.rulesets.is_empty(), "{name}: no ruleset");
        }
        rulesets += parsed.config.rulesets.len();
        rules += parsed
            .config
            .rulesets
            .iter()
            .map(|r| r.rules.len())
            .sum::<usize>();
        for d in &parsed.diagnostics {
            if d.severity == Severity::Warning
                && matches!(d.code, Code::FirewallUnsupported | Code::UnknownObject)
            {
                *warnings
                    .entry(format!("{}: {}", d.code, d.message))
                    .or_default() += 1;
            }
        }
    }
    let mut out = format!("{rulesets} rulesets, {rules} rules\n");
    for (m, n) in &warnings {
        writeln!(out, "{n:4} {m}").unwrap();
    }
    insta::assert_snapshot!(out);
}
