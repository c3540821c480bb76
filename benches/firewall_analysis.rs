//! Shadowed-rule analysis on generated rulesets of 1k, 10k and 100k rules: the indexed
//! analysis against the naive O(n²) pairwise reference, measured in the same run.
//!
//! Run with `cargo bench --bench firewall_analysis`. Prints one line per size. Given files
//! (`cargo bench --bench firewall_analysis -- FILE…`, e.g. the rulesets of
//! `benches/gen_rulesets.py` in each syntax), it reads each with its adapter and measures
//! its largest ruleset instead, one line per file.

use std::time::Instant;

use palisade::firewall::analysis::{analyse, shadowed_naive};
use palisade::firewall::sets::{AddrSet, PortSet, ProtoSet};
use palisade::firewall::{Action, Rule, Ruleset};
use palisade::source::{FileId, Span};

/// Rulesets above this size skip the naive reference: it is quadratic (minutes at 100k).
const NAIVE_MAX: usize = 10_000;

/// A deterministic ruleset shaped like a real boundary: mostly host-to-host service rules
/// spread over a /8, some subnet rules, a few broad ones, and duplicates (shadowed rules).
fn ruleset(n: usize) -> Ruleset {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut rules = Vec::with_capacity(n);
    let ports = [22u16, 80, 443, 502, 102, 4840, 20000, 44818, 3389, 5432];
    for i in 0..n {
        let r = next();
        let action = if r % 5 == 0 {
            Action::Drop
        } else {
            Action::Accept
        };
        let mut rule = Rule::any(action, Span::new(FileId(0), i, i + 1));
        let host = |x: u64| {
            let ip = std::net::Ipv4Addr::from(
                0x0a00_0000u32 | u32::try_from(x & 0x00ff_ffff).unwrap_or(0),
            );
            AddrSet::from_range(ip.into(), ip.into())
        };
        match r % 100 {
            0..=79 => {
                rule.src = host(next());
                rule.dst = host(next());
            }
            80..=94 => {
                let net = format!("10.{}.{}.0/24", next() % 256, next() % 256);
                rule.src = AddrSet::parse(&net).unwrap_or_else(AddrSet::any);
                rule.dst = host(next());
            }
            _ => {
                let net = format!("10.{}.0.0/16", next() % 256);
                rule.dst = AddrSet::parse(&net).unwrap_or_else(AddrSet::any);
            }
        }
        rule.protocols = ProtoSet::single(6, 6);
        let p = ports[usize::try_from(next() % 10).unwrap_or(0)];
        rule.dst_ports = PortSet::single(p, p);
        rules.push(rule);
        // Every 50th rule repeats an earlier one: a shadowed or redundant rule.
        if i % 50 == 49 {
            if let Some(prev) = rules.get(i / 2).cloned() {
                rules.push(prev);
            }
        }
    }
    rules.truncate(n);
    Ruleset {
        name: "FORWARD".into(),
        span: Span::new(FileId(0), 0, 0),
        attach: vec!["forward".into()],
        default_action: Action::Drop,
        default_span: None,
        rules,
    }
}

fn main() {
    // `cargo bench` passes `--bench` to the program.
    let files: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    println!("rules     indexed      naive        ratio   shadowed");
    if files.is_empty() {
        for n in [1_000usize, 10_000, 100_000] {
            measure(&ruleset(n), "");
        }
    }
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let Some(vendor) = palisade::firewall::sniff(&text) else {
            println!("{path}: not a firewall configuration");
            continue;
        };
        let parsed = palisade::firewall::parse(vendor, FileId(0), &text);
        match parsed
            .config
            .rulesets
            .iter()
            .max_by_key(|rs| rs.rules.len())
        {
            Some(rs) => measure(rs, path),
            None => println!("{path}: no ruleset"),
        }
    }
}

/// One line: the indexed analysis against the naive reference on `rs`, then `note`.
fn measure(rs: &Ruleset, note: &str) {
    let n = rs.rules.len();
    let t = Instant::now();
    let facts = analyse(rs);
    let indexed = t.elapsed();
    let shadowed = facts.iter().filter(|f| f.shadowed).count();
    if n <= NAIVE_MAX {
        let t = Instant::now();
        let naive = shadowed_naive(rs);
        let naive_time = t.elapsed();
        let agree = naive.iter().zip(&facts).all(|(a, f)| *a == f.shadowed);
        println!(
            "{n:>6} {:>9.1} ms {:>9.1} ms {:>8.1}x   {shadowed} (agree: {agree})  {note}",
            indexed.as_secs_f64() * 1e3,
            naive_time.as_secs_f64() * 1e3,
            naive_time.as_secs_f64() / indexed.as_secs_f64().max(1e-9),
        );
    } else {
        println!(
            "{n:>6} {:>9.1} ms {:>12}            {shadowed}  {note}",
            indexed.as_secs_f64() * 1e3,
            "(skipped)"
        );
    }
}
