//! Analyses over a ruleset's packet space: first-match evaluation, shadowed and redundant
//! rules, overly broad rules, accepted cleartext services, logging.
//!
//! A rule's match is a *box*: a product of five sets (source and destination addresses,
//! protocols, source and destination ports) plus interface and state constraints. The part
//! of a rule that first-match evaluation can actually reach is its box minus the boxes of
//! the terminal rules before it, kept as a list of disjoint fragments (box difference peels
//! one dimension at a time, so `A \ B` is at most five boxes).
//!
//! Candidates for the subtraction are found through an index on the destination IPv4
//! range (by /16, by /8, or in a list of wide rules), so a rule is compared only with
//! earlier rules that can intersect it. Worst case (every rule wide) that is O(n²) box
//! tests; typical rulesets are close to O(n · (w + k)) with w the wide rules and k the rules
//! sharing a bucket. Fragment lists are capped ([`MAX_FRAGMENTS`]); past the cap a rule is
//! reported as reachable (never a false "shadowed").

use super::model::{Action, Rule, Ruleset};
use super::sets::{AddrSet, PortSet, ProtoSet};

/// Most fragments kept while subtracting earlier rules from one rule.
pub const MAX_FRAGMENTS: usize = 256;

/// A region of packet space.
#[derive(Clone, Debug, PartialEq)]
pub struct PacketBox {
    pub src: AddrSet,
    pub dst: AddrSet,
    pub protocols: ProtoSet,
    pub src_ports: PortSet,
    pub dst_ports: PortSet,
}

impl PacketBox {
    pub fn of(rule: &Rule) -> PacketBox {
        PacketBox {
            src: rule.src.clone(),
            dst: rule.dst.clone(),
            protocols: rule.protocols.clone(),
            src_ports: rule.src_ports.clone(),
            dst_ports: rule.dst_ports.clone(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.src.is_empty()
            || self.dst.is_empty()
            || self.protocols.is_empty()
            || self.src_ports.is_empty()
            || self.dst_ports.is_empty()
    }

    pub fn intersect(&self, o: &PacketBox) -> PacketBox {
        PacketBox {
            src: self.src.intersect(&o.src),
            dst: self.dst.intersect(&o.dst),
            protocols: self.protocols.intersect(&o.protocols),
            src_ports: self.src_ports.intersect(&o.src_ports),
            dst_ports: self.dst_ports.intersect(&o.dst_ports),
        }
    }

    /// `self \ o` as disjoint boxes (at most five).
    pub fn subtract(&self, o: &PacketBox) -> Vec<PacketBox> {
        if self.intersect(o).is_empty() {
            return vec![self.clone()];
        }
        let mut out = Vec::new();
        let mut keep = self.clone();
        // Peel dimension by dimension: the part outside `o` in this dimension, with the
        // dimensions already peeled restricted to `o`.
        let part = PacketBox {
            src: keep.src.difference(&o.src),
            ..keep.clone()
        };
        if !part.is_empty() {
            out.push(part);
        }
        keep.src = keep.src.intersect(&o.src);
        let part = PacketBox {
            dst: keep.dst.difference(&o.dst),
            ..keep.clone()
        };
        if !part.is_empty() {
            out.push(part);
        }
        keep.dst = keep.dst.intersect(&o.dst);
        let part = PacketBox {
            protocols: keep.protocols.difference(&o.protocols),
            ..keep.clone()
        };
        if !part.is_empty() {
            out.push(part);
        }
        keep.protocols = keep.protocols.intersect(&o.protocols);
        let part = PacketBox {
            src_ports: keep.src_ports.difference(&o.src_ports),
            ..keep.clone()
        };
        if !part.is_empty() {
            out.push(part);
        }
        keep.src_ports = keep.src_ports.intersect(&o.src_ports);
        let part = PacketBox {
            dst_ports: keep.dst_ports.difference(&o.dst_ports),
            ..keep.clone()
        };
        if !part.is_empty() {
            out.push(part);
        }
        out
    }
}

/// Whether rule `earlier` matches every packet `later` matches in the dimensions the box
/// does not hold (interfaces and connection states).
fn context_covers(earlier: &Rule, later: &Rule) -> bool {
    let iface = |a: &Option<String>, b: &Option<String>| a.is_none() || a == b;
    let states = earlier.states.is_empty()
        || (!later.states.is_empty() && later.states.iter().all(|s| earlier.states.contains(s)));
    iface(&earlier.in_iface, &later.in_iface)
        && iface(&earlier.out_iface, &later.out_iface)
        && states
}

/// Whether the bounding ranges of two sets meet (no allocation).
fn bounds_meet<T: super::sets::Bound>(
    a: &super::sets::RangeSet<T>,
    b: &super::sets::RangeSet<T>,
) -> bool {
    match (
        a.ranges().first(),
        a.ranges().last(),
        b.ranges().first(),
        b.ranges().last(),
    ) {
        (Some(a0), Some(a1), Some(b0), Some(b1)) => a0.0 <= b1.1 && b0.0 <= a1.1,
        _ => false,
    }
}

/// Cheap test on bounding ranges: false only when the boxes certainly do not intersect.
fn may_intersect(a: &Rule, b: &Rule) -> bool {
    (bounds_meet(&a.dst.v4, &b.dst.v4) || bounds_meet(&a.dst.v6, &b.dst.v6))
        && (bounds_meet(&a.src.v4, &b.src.v4) || bounds_meet(&a.src.v6, &b.src.v6))
        && bounds_meet(&a.dst_ports, &b.dst_ports)
        && bounds_meet(&a.protocols, &b.protocols)
}

/// What the analysis found for one rule.
#[derive(Clone, Debug, Default)]
pub struct RuleFacts {
    /// The reachable part of the rule (empty when shadowed). Capped at [`MAX_FRAGMENTS`].
    pub effective: Vec<PacketBox>,
    /// Whether no packet can reach the rule.
    pub shadowed: bool,
    /// Earlier terminal rules that take part of this rule's packets (indices).
    pub covered_by: Vec<usize>,
    /// Shadowed only by rules with the same action: removing the rule changes nothing.
    pub redundant: bool,
    /// The fragment cap was reached: `effective` over-approximates.
    pub approximate: bool,
}

/// Earlier rules indexed by their destination IPv4 range: by /16 when the range lies in one
/// /16, by /8 when it lies in one /8, else in a list of wide rules.
struct DstIndex {
    by16: std::collections::HashMap<u32, Vec<usize>>,
    by8: Vec<Vec<usize>>,
    wide: Vec<usize>,
}

impl DstIndex {
    fn new() -> DstIndex {
        DstIndex {
            by16: std::collections::HashMap::new(),
            by8: vec![Vec::new(); 256],
            wide: Vec::new(),
        }
    }

    fn insert(&mut self, i: usize, dst: &AddrSet) {
        match v4_bounds(dst) {
            Some((lo, hi)) if lo >> 16 == hi >> 16 => {
                self.by16.entry(lo >> 16).or_default().push(i)
            }
            Some((lo, hi)) if lo >> 24 == hi >> 24 => {
                if let Some(b) = self.by8.get_mut((lo >> 24) as usize) {
                    b.push(i);
                }
            }
            _ => self.wide.push(i),
        }
    }

    /// Earlier rules whose destination may meet `dst`, sorted by index.
    fn candidates(&self, dst: &AddrSet, out: &mut Vec<usize>) {
        out.clear();
        out.extend_from_slice(&self.wide);
        match v4_bounds(dst) {
            Some((lo, hi)) => {
                for b in self
                    .by8
                    .get((lo >> 24) as usize..=(hi >> 24) as usize)
                    .unwrap_or(&[])
                {
                    out.extend_from_slice(b);
                }
                if (hi >> 16) - (lo >> 16) <= 4096 {
                    for k in (lo >> 16)..=(hi >> 16) {
                        if let Some(b) = self.by16.get(&k) {
                            out.extend_from_slice(b);
                        }
                    }
                } else {
                    for b in self.by16.values() {
                        out.extend_from_slice(b);
                    }
                }
            }
            None => {
                for b in &self.by8 {
                    out.extend_from_slice(b);
                }
                for b in self.by16.values() {
                    out.extend_from_slice(b);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
    }
}

/// The lowest and highest IPv4 address of a set without IPv6 part.
fn v4_bounds(a: &AddrSet) -> Option<(u32, u32)> {
    if !a.v6.is_empty() {
        return None;
    }
    Some((a.v4.ranges().first()?.0, a.v4.ranges().last()?.1))
}

/// Per-rule facts for a ruleset, in rule order.
pub fn analyse(ruleset: &Ruleset) -> Vec<RuleFacts> {
    let rules = &ruleset.rules;
    let mut facts: Vec<RuleFacts> = Vec::with_capacity(rules.len());
    let mut index = DstIndex::new();
    let mut candidates: Vec<usize> = Vec::new();
    for (j, rule) in rules.iter().enumerate() {
        let mut f = RuleFacts::default();
        if rule.disabled {
            facts.push(f);
            continue;
        }
        let mut frags = vec![PacketBox::of(rule)];
        index.candidates(&rule.dst, &mut candidates);
        for &i in &candidates {
            if frags.is_empty() {
                break;
            }
            let Some(earlier) = rules.get(i) else {
                continue;
            };
            if !may_intersect(earlier, rule) || !context_covers(earlier, rule) {
                continue;
            }
            let ebox = PacketBox::of(earlier);
            let mut next = Vec::with_capacity(frags.len());
            let mut touched = false;
            for fr in &frags {
                if fr.intersect(&ebox).is_empty() {
                    next.push(fr.clone());
                } else {
                    touched = true;
                    next.extend(fr.subtract(&ebox));
                }
            }
            if touched {
                f.covered_by.push(i);
            }
            if next.len() > MAX_FRAGMENTS {
                f.approximate = true;
                break;
            }
            frags = next;
        }
        f.shadowed = frags.is_empty() && !f.approximate;
        if f.shadowed {
            f.redundant = f
                .covered_by
                .iter()
                .all(|i| rules.get(*i).is_some_and(|r| r.action == rule.action));
        }
        f.effective = if f.approximate {
            vec![PacketBox::of(rule)]
        } else {
            frags
        };
        // Only exact terminal rules decide packets for the rules after them.
        if rule.action.is_terminal() && rule.is_exact() && rule.states.is_empty() {
            index.insert(j, &rule.dst);
        }
        facts.push(f);
    }
    facts
}

/// The naive reference: a rule is shadowed when the union of the earlier terminal rules
/// covers it, computed by subtracting every earlier rule in turn. Used by the tests and
/// the benchmark as the baseline.
pub fn shadowed_naive(ruleset: &Ruleset) -> Vec<bool> {
    let rules = &ruleset.rules;
    rules
        .iter()
        .enumerate()
        .map(|(j, rule)| {
            if rule.disabled {
                return false;
            }
            let mut frags = vec![PacketBox::of(rule)];
            for earlier in rules.iter().take(j) {
                if !(earlier.action.is_terminal()
                    && earlier.is_exact()
                    && earlier.states.is_empty()
                    && !earlier.disabled)
                {
                    continue;
                }
                if !context_covers(earlier, rule) {
                    continue;
                }
                let ebox = PacketBox::of(earlier);
                frags = frags.iter().flat_map(|f| f.subtract(&ebox)).collect();
                if frags.is_empty() || frags.len() > MAX_FRAGMENTS {
                    break;
                }
            }
            frags.is_empty()
        })
        .collect()
}

/// First-match decision for one packet: the index of the deciding rule (or `None` for the
/// default action) and the action taken. Jumps and non-terminal rules are passed over.
pub fn decide(ruleset: &Ruleset, packet: &PacketBox) -> (Option<usize>, Action) {
    for (i, r) in ruleset.rules.iter().enumerate() {
        if r.disabled || !r.action.is_terminal() || !r.states.is_empty() {
            continue;
        }
        if packet.intersect(&PacketBox::of(r)) == *packet {
            return (Some(i), r.action.clone());
        }
    }
    (None, ruleset.default_action.clone())
}

/// Whether a rule starts no new flows: it matches only loopback traffic, or only the return
/// traffic of established connections.
pub fn starts_no_flow(rule: &Rule) -> bool {
    let loopback = |i: &Option<String>| i.as_deref().is_some_and(|n| n == "lo" || n == "lo0");
    let return_only = !rule.states.is_empty()
        && rule
            .states
            .iter()
            .all(|s| matches!(s.to_ascii_lowercase().as_str(), "established" | "related"));
    loopback(&rule.in_iface) || loopback(&rule.out_iface) || return_only
}

/// Whether an accept rule lets anything from anywhere to anywhere through (rules that start
/// no flows excepted).
pub fn is_any_any(rule: &Rule) -> bool {
    rule.action.permits()
        && !starts_no_flow(rule)
        && (rule.src.is_any() || rule.src.v4.is_full())
        && (rule.dst.is_any() || rule.dst.v4.is_full())
        && rule.dst_ports.is_full()
}

/// The largest prefix (smallest number) that a source or destination of the rule spans,
/// as a prefix length; `None` for "any" or empty.
pub fn widest_prefix(a: &AddrSet) -> Option<u8> {
    if a.is_any() || a.v4.is_full() || a.is_empty() {
        return None;
    }
    let n =
        a.v4.ranges()
            .iter()
            .map(|(x, y)| u64::from(y - x) + 1)
            .max()?;
    let bits = 64 - (n.max(1) - 1).leading_zeros().min(64);
    Some(u8::try_from(32u32.saturating_sub(bits)).unwrap_or(0))
}
