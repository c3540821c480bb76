//! Property tests of the firewall analyses against brute force over a small packet universe:
//! shadowing (indexed and naive) and first-match decisions agree with enumerating every
//! packet.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code stops at the first broken expectation"
)]

use palisade::firewall::analysis::{analyse, decide, shadowed_naive, PacketBox};
use palisade::firewall::sets::{AddrSet, PortSet, ProtoSet};
use palisade::firewall::{Action, Rule, Ruleset};
use palisade::source::{FileId, Span};

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn ip(x: u32) -> std::net::IpAddr {
    std::net::IpAddr::V4(std::net::Ipv4Addr::from(x))
}

const BASE: u32 = 0x0a00_0000; // 10.0.0.0
const ADDRS: u32 = 16;
const PORTS: u16 = 8;

fn addr_range(rng: &mut Rng) -> AddrSet {
    let a = u32::try_from(rng.below(u64::from(ADDRS))).unwrap();
    let b = u32::try_from(rng.below(u64::from(ADDRS))).unwrap();
    let (lo, hi) = (a.min(b), a.max(b));
    AddrSet::from_range(ip(BASE + lo), ip(BASE + hi))
}

fn rule(rng: &mut Rng, i: usize) -> Rule {
    let action = match rng.below(3) {
        0 => Action::Accept,
        1 => Action::Drop,
        _ => Action::Reject,
    };
    let mut r = Rule::any(action, Span::new(FileId(0), i, i + 1));
    r.src = addr_range(rng);
    r.dst = addr_range(rng);
    r.protocols = match rng.below(3) {
        0 => ProtoSet::single(6, 6),
        1 => ProtoSet::single(17, 17),
        _ => ProtoSet::from_ranges([(6, 6), (17, 17)]),
    };
    let p = u16::try_from(rng.below(u64::from(PORTS))).unwrap();
    let q = u16::try_from(rng.below(u64::from(PORTS))).unwrap();
    r.dst_ports = PortSet::single(p.min(q), p.max(q));
    r.src_ports = PortSet::single(0, 3);
    // Some broad rules, so that later rules get shadowed.
    if rng.below(4) == 0 {
        r.src = AddrSet::from_range(ip(BASE), ip(BASE + ADDRS - 1));
        r.dst_ports = PortSet::single(0, PORTS - 1);
    }
    r
}

fn ruleset(rng: &mut Rng) -> Ruleset {
    let n = 2 + usize::try_from(rng.below(10)).unwrap();
    Ruleset {
        name: "test".into(),
        span: Span::new(FileId(0), 0, 0),
        attach: vec!["forward".into()],
        default_action: Action::Drop,
        default_span: None,
        rules: (0..n).map(|i| rule(rng, i)).collect(),
    }
}

/// Every packet of the universe, as a one-point box.
fn packets() -> Vec<PacketBox> {
    let mut out = Vec::new();
    for s in 0..ADDRS {
        for d in 0..ADDRS {
            for proto in [6u8, 17] {
                for sport in 0..4u16 {
                    for dport in 0..PORTS {
                        let one = |x: u32| AddrSet::from_range(ip(BASE + x), ip(BASE + x));
                        out.push(PacketBox {
                            src: one(s),
                            dst: one(d),
                            protocols: ProtoSet::single(proto, proto),
                            src_ports: PortSet::single(sport, sport),
                            dst_ports: PortSet::single(dport, dport),
                        });
                    }
                }
            }
        }
    }
    out
}

fn matches(r: &Rule, p: &PacketBox) -> bool {
    p.intersect(&PacketBox::of(r)) == *p
}

#[test]
fn shadowing_agrees_with_brute_force() {
    let universe = packets();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut shadowed_seen = 0;
    for case in 0..60 {
        let rs = ruleset(&mut rng);
        // Brute force: rule j is shadowed when no packet it matches reaches it.
        let brute: Vec<bool> = (0..rs.rules.len())
            .map(|j| {
                let rj = &rs.rules[j];
                !universe
                    .iter()
                    .any(|p| matches(rj, p) && !rs.rules[..j].iter().any(|e| matches(e, p)))
            })
            .collect();
        let facts = analyse(&rs);
        let indexed: Vec<bool> = facts.iter().map(|f| f.shadowed).collect();
        assert_eq!(indexed, brute, "case {case}: {rs:#?}");
        assert_eq!(shadowed_naive(&rs), brute, "case {case} (naive)");
        // Redundant = shadowed only by rules with the same action.
        for (j, f) in facts.iter().enumerate() {
            if f.redundant {
                assert!(f
                    .covered_by
                    .iter()
                    .all(|i| rs.rules[*i].action == rs.rules[j].action));
            }
        }
        shadowed_seen += brute.iter().filter(|b| **b).count();
    }
    assert!(
        shadowed_seen > 10,
        "the generator must produce shadowed rules ({shadowed_seen})"
    );
}

#[test]
fn first_match_agrees_with_brute_force() {
    let universe = packets();
    let mut rng = Rng(0x1234_5678_9abc_def1);
    for case in 0..20 {
        let rs = ruleset(&mut rng);
        for p in universe.iter().step_by(7) {
            let expected = rs.rules.iter().position(|r| matches(r, p));
            let (got, action) = decide(&rs, p);
            assert_eq!(got, expected, "case {case}");
            let want = expected.map_or(Action::Drop, |i| rs.rules[i].action.clone());
            assert_eq!(action, want, "case {case}");
        }
    }
}

#[test]
fn effective_fragments_are_exactly_the_first_matched_packets() {
    let universe = packets();
    let mut rng = Rng(0xdead_beef_cafe_f00d);
    for case in 0..15 {
        let rs = ruleset(&mut rng);
        let facts = analyse(&rs);
        for (j, f) in facts.iter().enumerate() {
            for p in universe.iter().step_by(5) {
                let first = rs.rules.iter().position(|r| matches(r, p));
                let in_effective = f.effective.iter().any(|b| p.intersect(b) == *p);
                assert_eq!(in_effective, first == Some(j), "case {case}, rule {j}");
            }
        }
    }
}

#[test]
fn box_subtraction_is_exact() {
    let mut rng = Rng(42);
    let universe = packets();
    for _ in 0..30 {
        let a = PacketBox::of(&rule(&mut rng, 0));
        let b = PacketBox::of(&rule(&mut rng, 1));
        let parts = a.subtract(&b);
        for p in universe.iter().step_by(3) {
            let want = p.intersect(&a) == *p && p.intersect(&b) != *p;
            let got = parts.iter().filter(|x| p.intersect(x) == *p).count();
            assert_eq!(
                got,
                usize::from(want),
                "fragments must be disjoint and exact"
            );
        }
    }
}
