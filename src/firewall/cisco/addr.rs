//! Cisco address forms: `host A`, `A WILDCARD` (IOS), `A MASK` (ASA and object groups),
//! `A/len`, ranges, and ASA `name` aliases.
//!
//! Wildcards and masks need not be contiguous (`192.168.0.64 0.0.255.31` is valid IOS): the
//! matching addresses are expanded into ranges, up to [`MAX_WILDCARD_BITS`] scattered bits.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};

use crate::firewall::sets::{AddrSet, RangeSet};

/// How the second word of `A B` is read.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum MaskKind {
    /// IOS access lists: set bits are "don't care".
    Wildcard,
    /// ASA and IOS object groups: set bits must match.
    Netmask,
}

/// At most 2^12 ranges are produced for a discontiguous wildcard.
pub(crate) const MAX_WILDCARD_BITS: u32 = 12;

/// Addresses equal to `ip` on the bits that are clear in `wild`. The flag is false when the
/// wildcard scatters too many bits and the set was widened to its covering range.
pub(crate) fn wildcard(ip: Ipv4Addr, wild: u32) -> (AddrSet, bool) {
    let base = u32::from(ip) & !wild;
    let low = wild.trailing_ones();
    let block: u64 = 1u64 << low;
    let high = if low >= 32 {
        0
    } else {
        wild & !((1u32 << low) - 1)
    };
    let v4 = if high.count_ones() > MAX_WILDCARD_BITS {
        return (
            AddrSet {
                v4: RangeSet::single(base, base | wild),
                v6: RangeSet::empty(),
            },
            false,
        );
    } else {
        let mut ranges = Vec::new();
        let mut sub = high;
        loop {
            let start = base | sub;
            let end = u64::from(start) + block - 1;
            ranges.push((start, u32::try_from(end).unwrap_or(u32::MAX)));
            if sub == 0 {
                break;
            }
            sub = (sub - 1) & high;
        }
        RangeSet::from_ranges(ranges)
    };
    (
        AddrSet {
            v4,
            v6: RangeSet::empty(),
        },
        true,
    )
}

/// `addr` with a wildcard or netmask written as a dotted quad; `None` if `mask` is not one or
/// `addr` is not IPv4.
pub(crate) fn with_mask(addr: IpAddr, mask: &str, kind: MaskKind) -> Option<(AddrSet, bool)> {
    let IpAddr::V4(ip) = addr else { return None };
    let m: Ipv4Addr = mask.parse().ok()?;
    let bits = match kind {
        MaskKind::Wildcard => u32::from(m),
        MaskKind::Netmask => !u32::from(m),
    };
    Some(wildcard(ip, bits))
}

/// A single address.
pub(crate) fn host(ip: IpAddr) -> AddrSet {
    AddrSet::from_range(ip, ip)
}

/// An address literal or an ASA `name` alias.
pub(crate) fn ip_or_name(word: &str, names: &HashMap<String, IpAddr>) -> Option<IpAddr> {
    word.parse::<IpAddr>()
        .ok()
        .or_else(|| names.get(word).copied())
}

/// Whether `word` is a dotted-quad IPv4 address (a mask or wildcard candidate).
pub(crate) fn is_v4(word: &str) -> bool {
    word.parse::<Ipv4Addr>().is_ok()
}
