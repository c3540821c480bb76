//! Tests of the nftables adapter: hand-written fixtures (model dump and diagnostics
//! snapshotted), spans, robustness on every prefix, and the real-world corpus.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failing test should stop loudly"
)]

#[path = "netfilter_common/mod.rs"]
mod common;

use std::path::Path;

use palisade::firewall::nftables::{parse, sniff};
use palisade::firewall::{Action, Parsed};

const FIXTURES: &str = "tests/fixtures/firewall/nftables";

#[test]
fn fixtures() {
    insta::glob!("fixtures/firewall/nftables/*", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        assert!(sniff(&text), "{} not claimed", path.display());
        insta::assert_snapshot!(common::render(&text, parse));
    });
}

fn fixture(name: &str) -> (String, Parsed) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(FIXTURES)
        .join(name);
    let text = std::fs::read_to_string(path).unwrap();
    let parsed = parse(common::FILE, &text);
    (text, parsed)
}

#[test]
fn spans_are_trimmed_and_inside() {
    for name in [
        "ruleset_basic.nft",
        "vmap.nft",
        "script.nft",
        "unsupported.nft",
    ] {
        let (text, parsed) = fixture(name);
        common::check_spans(&text, &parsed, true);
    }
}

#[test]
fn shadowed_rule_and_telnet() {
    let (text, parsed) = fixture("shadow_telnet.nft");
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let input = &parsed.config.rulesets[0];
    assert_eq!(input.name, "inet filter input");
    assert_eq!(input.attach, ["input"]);
    assert_eq!(input.default_action, Action::Drop);
    assert_eq!(
        common::slice(&text, input.default_span.unwrap()),
        "policy drop"
    );
    assert_eq!(common::slice(&text, input.span), "chain input");
    let [broad, narrow, telnet] = &input.rules[..] else {
        panic!("expected 3 rules, got {:?}", input.rules);
    };
    assert_eq!(
        common::slice(&text, broad.span),
        "ip saddr 10.0.0.0/8 meta l4proto tcp accept"
    );
    assert_eq!(
        common::slice(&text, narrow.span),
        "ip saddr 10.1.0.0/16 tcp dport 22 accept"
    );
    assert!(narrow.src.is_subset(&broad.src) && narrow.protocols.is_subset(&broad.protocols));
    assert_eq!(common::slice(&text, telnet.span), "tcp dport 23 accept");
    assert!(telnet.dst_ports.contains(23) && telnet.protocols.contains(6));
    assert!(telnet.action.permits() && telnet.is_exact());
}

#[test]
fn verdict_maps_expand_per_element() {
    let (text, parsed) = fixture("vmap.nft");
    let fwd = &parsed.config.rulesets[0];
    let oif: Vec<_> = fwd
        .rules
        .iter()
        .filter(|r| common::slice(&text, r.span).starts_with("oifname vmap"))
        .collect();
    assert_eq!(oif.len(), 2);
    assert_eq!(
        oif[0].action,
        Action::Jump("ip docker-bridges filter-forward-in__br-a".into())
    );
    assert_eq!(oif[0].out_iface.as_deref(), Some("br-a"));
    assert_eq!(oif[1].action, Action::Drop);
    // The empty map gives no rule at all.
    assert!(!fwd
        .rules
        .iter()
        .any(|r| common::slice(&text, r.span).contains("empty-jumps")));
}

#[test]
fn jumps_name_existing_rulesets() {
    for name in [
        "ruleset_basic.nft",
        "vmap.nft",
        "script.nft",
        "unsupported.nft",
    ] {
        let (_, parsed) = fixture(name);
        common::check_jumps(&parsed);
    }
}

#[test]
fn no_panic_on_any_prefix() {
    common::every_prefix(Path::new(FIXTURES), parse);
}

#[test]
fn sniff_separates_formats() {
    let yes = [
        "table inet filter {\n\tchain input {\n\t}\n}\n",
        "table ip6 nat {\n}\n",
        "table filter {\n}\n",
        "#!/usr/sbin/nft -f\nflush ruleset\n",
        "# Translated by iptables-restore-translate\nadd table ip filter\n",
        "add rule inet fw input accept\n",
        "define lan = 10.0.0.0/8\n",
        "include \"/etc/nft.d/a.nft\"\n",
    ];
    let no = [
        "",
        "# only a comment\n",
        "*filter\n:INPUT ACCEPT [0:0]\n",
        "-A INPUT -j ACCEPT\n",
        "table: users\n",
        "table:\n  name: x\n",
        "- table\n",
        "{\"table\": 1}\n",
        "[table]\nname = 1\n",
        "add user bob\n",
        "table of contents\n",
    ];
    for t in yes {
        assert!(sniff(t), "should claim {t:?}");
    }
    for t in no {
        assert!(!sniff(t), "should not claim {t:?}");
    }
}

#[test]
fn corpus() {
    let Some(dir) = common::corpus_dir("firewall/nftables") else {
        eprintln!("corpus not found; skipping");
        return;
    };
    let summary = common::corpus(&dir, sniff, parse, &[], 300);
    insta::assert_snapshot!(summary);
}
