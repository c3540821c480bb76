//! Cisco IOS adapter: fixtures, corpus coverage, sniffing and robustness.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code stops at the first broken expectation"
)]

mod cisco_common;

use cisco_common::{corpus, corpus_report, has_filtering, no_panic_on_prefixes, render, run};
use palisade::firewall::cisco_ios::{parse, sniff};
use palisade::firewall::Parsed;
use palisade::source::FileId;

fn parser(f: FileId, t: &str) -> Parsed {
    parse(f, t)
}

#[test]
fn fixtures() {
    insta::glob!("fixtures/firewall/cisco-ios/*.cfg", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        assert!(sniff(&text), "{} not sniffed as IOS", path.display());
        insta::assert_snapshot!(render(&text, parser));
    });
}

#[test]
fn shadowed_rule_and_telnet() {
    let text = include_str!("fixtures/firewall/cisco-ios/shadow_telnet.cfg");
    let (db, parsed) = run(text, parser);
    let rs = parsed
        .config
        .rulesets
        .iter()
        .find(|r| r.name == "ACL EDGE_IN")
        .unwrap();
    let slice = |i: usize| db.slice(rs.rules[i].span).to_string();
    assert_eq!(slice(0), "10 permit ip any any");
    assert_eq!(slice(1), "20 permit tcp any host 10.0.0.5 eq telnet");
    assert!(rs.rules[1].dst_ports.contains(23));
    assert!(rs.rules[1].src.is_subset(&rs.rules[0].src));
    assert_eq!(rs.attach, vec!["GigabitEthernet0/1 in".to_string()]);
    assert!(rs.default_span.is_none());
}

#[test]
fn corpus_files() {
    // Every file in the folder is IOS-like; batfish fixtures with NX-OS/IOS-XR style lists are
    // read leniently by the same adapter.
    let files = corpus("cisco-ios");
    assert!(
        files.len() >= 190,
        "corpus not found: {} files",
        files.len()
    );
    for (name, text) in &files {
        assert!(sniff(text), "{name}: not sniffed as IOS");
        assert!(
            !palisade::firewall::cisco_asa::sniff(text),
            "{name}: sniffed as ASA"
        );
        let (_, parsed) = run(text, parser);
        if has_filtering(text) {
            assert!(!parsed.config.rulesets.is_empty(), "{name}: no ruleset");
        }
    }
    insta::assert_snapshot!(corpus_report(&files, parser));
}

#[test]
fn prefixes_do_not_panic() {
    no_panic_on_prefixes("tests/fixtures/firewall/cisco-ios", parser);
}

#[test]
fn other_vendors_are_not_claimed() {
    for folder in ["iptables", "juniper", "nftables", "pfsense"] {
        for (name, text) in corpus(folder) {
            assert!(!sniff(&text), "{folder}/{name}: sniffed as IOS");
            assert!(
                !palisade::firewall::cisco_asa::sniff(&text),
                "{folder}/{name}: sniffed as ASA"
            );
        }
    }
    // YAML, JSON, TOML inputs and policies of this repository.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let others = [
        "tests/fixtures/input",
        "tests/fixtures/cli",
        "tests/input",
        "policies",
    ];
    for e in others.iter().flat_map(|d| walkdir(&root.join(d))) {
        let text = std::fs::read_to_string(&e).unwrap_or_default();
        assert!(!sniff(&text), "{}: sniffed as IOS", e.display());
        assert!(
            !palisade::firewall::cisco_asa::sniff(&text),
            "{}: sniffed as ASA",
            e.display()
        );
    }
}

/// Every file under `dir`.
fn walkdir(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walkdir(&p));
        } else {
            out.push(p);
        }
    }
    out
}
