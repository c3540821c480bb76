//! Tests of the pfSense / OPNsense `config.xml` adapter (`palisade::firewall::pfsense`):
//! snapshots of the model and diagnostics per fixture, exact rule spans, sniffing, prefixes,
//! and the real-world corpus.

#![expect(clippy::unwrap_used, reason = "a failing test should stop loudly")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use palisade::diag::{Code, Severity};
use palisade::firewall::pfsense::{parse, sniff};
use palisade::firewall::{dump::dump, Action, Parsed};
use palisade::source::{SourceDb, SourceFile};

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/firewall/pfsense")
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixture_dir().join(name)).unwrap()
}

fn run(name: &str, text: &str) -> (SourceDb, Parsed) {
    let mut db = SourceDb::new();
    let file = db.add(SourceFile::new(name, text));
    let parsed = parse(file, text);
    (db, parsed)
}

/// The model dump followed by one line per diagnostic.
fn render(db: &SourceDb, parsed: &Parsed) -> String {
    let mut out = dump(db, &parsed.config);
    out.push_str("-- diagnostics\n");
    for d in &parsed.diagnostics {
        let (line, col) = d.span.map_or((0, 0), |s| {
            let lc = db.line_col(s.file, s.start);
            (lc.line, lc.column)
        });
        out.push_str(&format!("{}: {} @{}:{}\n", d.code, d.message, line, col));
    }
    out
}

fn snapshot(name: &str) {
    let text = fixture(name);
    let (db, parsed) = run(name, &text);
    insta::assert_snapshot!(name, render(&db, &parsed));
}

#[test]
fn basic_pfsense() {
    snapshot("basic.xml");
}

#[test]
fn opnsense_legacy_mvc_and_groups() {
    snapshot("opnsense.xml");
}

#[test]
fn shadow_and_telnet() {
    let text = fixture("shadow_telnet.xml");
    let (db, parsed) = run("shadow_telnet.xml", &text);
    insta::assert_snapshot!("shadow_telnet.xml", render(&db, &parsed));
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let lan = &parsed.config.rulesets[0];
    assert_eq!(lan.name, "pfsense lan");
    assert_eq!(lan.default_action, Action::Drop);
    let rules = &lan.rules;
    assert_eq!(rules.len(), 3);
    for r in rules {
        let s = &text[r.span.range()];
        assert!(s.starts_with("<rule>") && s.ends_with("</rule>"), "{s}");
        assert!(r.is_exact());
    }
    // A broad pass, then a narrower block it shadows.
    assert!(text[rules[0].span.range()].contains("allow everything"));
    assert_eq!(rules[0].action, Action::Accept);
    assert!(rules[0].src.is_subset(&rules[0].dst) && rules[0].protocols.is_full());
    assert_eq!(rules[1].action, Action::Drop);
    assert!(rules[1].src.is_subset(&rules[0].src) && rules[1].dst.is_subset(&rules[0].dst));
    assert_eq!(rules[1].name.as_deref(), Some("1002"));
    // Telnet.
    let telnet = &rules[2];
    assert!(text[telnet.span.range()].contains("<port>23</port>"));
    assert_eq!(telnet.action, Action::Accept);
    assert!(telnet.dst_ports.contains(23) && !telnet.dst_ports.contains(22));
    assert!(telnet.protocols.contains(6) && !telnet.protocols.contains(17));
}

#[test]
fn malformed_xml_is_one_syntax_error() {
    let text = "<?xml version=\"1.0\"?>\n<pfsense>\n  <filter>\n    <rule>\n  </filter>\n";
    let (db, parsed) = run("bad.xml", text);
    insta::assert_snapshot!("malformed", render(&db, &parsed));
    assert_eq!(parsed.diagnostics.len(), 1);
    assert_eq!(parsed.diagnostics[0].code, Code::FirewallSyntax);
}

#[test]
fn sniffing() {
    for yes in [
        "<?xml version=\"1.0\"?>\n<pfsense>\n</pfsense>\n",
        "\u{feff}<?xml version='1.0' encoding='UTF-8'?>\n<!-- backup -->\n<opnsense>",
        "<opnsense/>",
        "<pfsense version=\"1\">",
    ] {
        assert!(sniff(yes), "{yes:?}");
    }
    for no in [
        "",
        "{\"pfsense\": 1}",
        "pfsense:\n  filter: []\n",
        "*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n",
        "<?xml version=\"1.0\"?>\n<configuration><pfsense/></configuration>",
        "<pfsensex>",
        "<?xml version=\"1.0\"?",
        "[pfsense]\nkey = 1\n",
    ] {
        assert!(!sniff(no), "{no:?}");
    }
}

#[test]
fn no_panic_on_prefixes() {
    let mut names: Vec<_> = std::fs::read_dir(fixture_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    for name in names {
        let text = fixture(&name);
        for (i, _) in text.char_indices() {
            let prefix = &text[..i];
            let _ = sniff(prefix);
            let _ = parse(palisade::source::FileId(0), prefix);
        }
    }
}

fn corpus_dir() -> PathBuf {
    let near = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let base = if near.is_dir() {
        near
    } else {
        PathBuf::from("/work/shared/corpus")
    };
    base.join("firewall/pfsense")
}

#[test]
fn corpus() {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n != "SOURCES.md"))
        .collect();
    paths.sort();
    assert_eq!(paths.len(), 34, "corpus changed");
    let mut warnings: BTreeMap<String, usize> = BTreeMap::new();
    let mut rulesets = 0;
    for path in &paths {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(path).unwrap();
        assert!(sniff(&text), "{name} not claimed by sniff");
        let (db, parsed) = run(&name, &text);
        for d in &parsed.diagnostics {
            assert!(
                d.severity != Severity::Error,
                "{name}: {}",
                render(&db, &parsed)
            );
            *warnings
                .entry(format!("{}: {}", d.code, d.message))
                .or_default() += 1;
        }
        if text.contains("<rule>") || text.contains("<rule ") {
            assert!(!parsed.config.rulesets.is_empty(), "{name}: no ruleset");
        }
        rulesets += parsed.config.rulesets.len();
    }
    let mut out = format!("{} files, {rulesets} rulesets\n", paths.len());
    for (w, n) in &warnings {
        out.push_str(&format!("{n:>4} {w}\n"));
    }
    insta::assert_snapshot!("corpus_warnings", out);
}

#[test]
fn alias_cycles_and_blowup_stay_bounded() {
    let start = std::time::Instant::now();
    snapshot("alias_cycles.xml");
    assert!(start.elapsed().as_secs() < 5);
}
