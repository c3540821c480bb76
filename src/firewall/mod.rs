//! Firewall rulesets: one adapter per vendor syntax, a normalized model over interval sets,
//! and the analyses rules need (first-match evaluation, shadowing, breadth, cleartext).
//!
//! **Invariant:** adapters never fail: a construct they do not understand becomes a warning
//! at its line and the rule is marked with `unsupported`, so analyses treat it conservatively.

pub mod analysis;
mod cisco;
pub mod cisco_asa;
pub mod cisco_ios;
pub mod dump;
pub mod iptables;
pub mod junos;
pub mod model;
pub mod nftables;
pub mod pfsense;
pub mod sets;
pub mod value;

pub use model::{Action, Config, Interface, Rule, Ruleset, Vendor};
pub use sets::{AddrSet, PortSet, ProtoSet, RangeSet};

use crate::diag::Diagnostic;

/// What an adapter returns.
#[derive(Debug)]
pub struct Parsed {
    pub config: Config,
    pub diagnostics: Vec<Diagnostic>,
}

/// The vendor whose syntax `text` is written in, if any adapter claims it.
pub fn sniff(text: &str) -> Option<Vendor> {
    if pfsense::sniff(text) {
        return Some(Vendor::Pfsense);
    }
    if iptables::sniff(text) {
        return Some(Vendor::Iptables);
    }
    if nftables::sniff(text) {
        return Some(Vendor::Nftables);
    }
    if junos::sniff(text) {
        return Some(Vendor::Junos);
    }
    if cisco_asa::sniff(text) {
        return Some(Vendor::CiscoAsa);
    }
    if cisco_ios::sniff(text) {
        return Some(Vendor::CiscoIos);
    }
    None
}

/// Parses `text` with the adapter of `vendor`.
pub fn parse(vendor: Vendor, file: crate::source::FileId, text: &str) -> Parsed {
    match vendor {
        Vendor::Pfsense => pfsense::parse(file, text),
        Vendor::Iptables => iptables::parse(file, text),
        Vendor::Nftables => nftables::parse(file, text),
        Vendor::Junos => junos::parse(file, text),
        Vendor::CiscoAsa => cisco_asa::parse(file, text),
        Vendor::CiscoIos => cisco_ios::parse(file, text),
    }
}
