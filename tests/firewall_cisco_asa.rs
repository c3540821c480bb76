//! Cisco ASA adapter: fixtures, corpus coverage, sniffing and robustness.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code stops at the first broken expectation"
)]

mod cisco_common;

use cisco_common::{corpus, corpus_report, has_filtering, no_panic_on_prefixes, render, run};
use palisade::firewall::cisco_asa::{parse, sniff};
use palisade::firewall::Parsed;
use palisade::source::FileId;

fn parser(f: FileId, t: &str) -> Parsed {
    parse(f, t)
}

#[test]
fn fixtures() {
    insta::glob!("fixtures/firewall/cisco-asa/*.cfg", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        assert!(sniff(&text), "{} not sniffed as ASA", path.display());
        insta::assert_snapshot!(render(&text, parser));
    });
}

#[test]
fn shadowed_rule_and_telnet() {
    let text = include_str!("fixtures/firewall/cisco-asa/shadow_telnet.cfg");
    let (db, parsed) = run(text, parser);
    let rs = parsed
        .config
        .rulesets
        .iter()
        .find(|r| r.name == "ACL outside_in")
        .unwrap();
    let slice = |i: usize| db.slice(rs.rules[i].span).to_string();
    assert_eq!(
        slice(0),
        "access-list outside_in extended permit ip any any"
    );
    assert_eq!(
        slice(1),
        "access-list outside_in extended permit tcp any host 10.0.0.5 eq telnet"
    );
    assert!(rs.rules[1].dst_ports.contains(23));
    assert!(rs.rules[1].dst.is_subset(&rs.rules[0].dst));
    assert_eq!(rs.attach, vec!["outside in".to_string()]);
    assert!(rs.default_span.is_none());
}

#[test]
fn corpus_files() {
    let files = corpus("cisco-asa");
    assert!(files.len() >= 30, "corpus not found: {} files", files.len());
    for (name, text) in &files {
        assert!(sniff(text), "{name}: not sniffed as ASA");
        assert!(
            !palisade::firewall::cisco_ios::sniff(text),
            "{name}: sniffed as IOS"
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
    no_panic_on_prefixes("tests/fixtures/firewall/cisco-asa", parser);
}
