//! Interval sets: addresses (IPv4 and IPv6) and ports, the dimensions of the packet space.
//!
//! Sets are kept normalized (sorted, disjoint, non-adjacent ranges), so equality, union,
//! intersection, difference and subset tests are linear in the number of ranges.

use std::net::IpAddr;

use ipnet::IpNet;

/// A normalized set of closed ranges over an integer domain.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct RangeSet<T> {
    ranges: Vec<(T, T)>,
}

/// The integers a [`RangeSet`] can hold.
pub trait Bound: Copy + Ord + std::fmt::Debug {
    const MIN: Self;
    const MAX: Self;
    fn succ(self) -> Option<Self>;
    fn pred(self) -> Option<Self>;
}

macro_rules! bound {
    ($($t:ty),*) => {$(
        impl Bound for $t {
            const MIN: Self = <$t>::MIN;
            const MAX: Self = <$t>::MAX;
            fn succ(self) -> Option<Self> { self.checked_add(1) }
            fn pred(self) -> Option<Self> { self.checked_sub(1) }
        }
    )*};
}
bound!(u16, u32, u128, u8);

impl<T: Bound> RangeSet<T> {
    pub fn empty() -> Self {
        RangeSet { ranges: Vec::new() }
    }

    pub fn full() -> Self {
        RangeSet {
            ranges: vec![(T::MIN, T::MAX)],
        }
    }

    pub fn single(lo: T, hi: T) -> Self {
        let (lo, hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
        RangeSet {
            ranges: vec![(lo, hi)],
        }
    }

    pub fn from_ranges(ranges: impl IntoIterator<Item = (T, T)>) -> Self {
        let mut v: Vec<(T, T)> = ranges
            .into_iter()
            .map(|(a, b)| if a <= b { (a, b) } else { (b, a) })
            .collect();
        v.sort();
        let mut out: Vec<(T, T)> = Vec::with_capacity(v.len());
        for (lo, hi) in v {
            if let Some(last) = out.last_mut() {
                let touches = last.1.succ().is_none_or(|s| lo <= s);
                if touches {
                    if hi > last.1 {
                        last.1 = hi;
                    }
                    continue;
                }
            }
            out.push((lo, hi));
        }
        RangeSet { ranges: out }
    }

    pub fn ranges(&self) -> &[(T, T)] {
        &self.ranges
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    pub fn is_full(&self) -> bool {
        self.ranges == [(T::MIN, T::MAX)]
    }

    pub fn contains(&self, x: T) -> bool {
        self.ranges.iter().any(|(a, b)| *a <= x && x <= *b)
    }

    pub fn union(&self, other: &Self) -> Self {
        Self::from_ranges(self.ranges.iter().chain(other.ranges.iter()).copied())
    }

    pub fn intersect(&self, other: &Self) -> Self {
        let mut out = Vec::new();
        let (mut i, mut j) = (0, 0);
        while let (Some(a), Some(b)) = (self.ranges.get(i), other.ranges.get(j)) {
            let lo = a.0.max(b.0);
            let hi = a.1.min(b.1);
            if lo <= hi {
                out.push((lo, hi));
            }
            if a.1 < b.1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        RangeSet { ranges: out }
    }

    pub fn complement(&self) -> Self {
        let mut out = Vec::new();
        let mut next = Some(T::MIN);
        for (a, b) in &self.ranges {
            if let Some(n) = next {
                if n < *a {
                    if let Some(p) = a.pred() {
                        out.push((n, p));
                    }
                }
            }
            next = b.succ();
        }
        if let Some(n) = next {
            out.push((n, T::MAX));
        }
        RangeSet { ranges: out }
    }

    pub fn difference(&self, other: &Self) -> Self {
        self.intersect(&other.complement())
    }

    pub fn intersects(&self, other: &Self) -> bool {
        !self.intersect(other).is_empty()
    }

    /// Whether every element of `self` is in `other`.
    pub fn is_subset(&self, other: &Self) -> bool {
        self.difference(other).is_empty()
    }
}

/// A set of ports 0..=65535.
pub type PortSet = RangeSet<u16>;

/// A set of IP protocol numbers (6 tcp, 17 udp, 1 icmp, …).
pub type ProtoSet = RangeSet<u8>;

/// A set of addresses: IPv4 and IPv6 kept apart.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct AddrSet {
    pub v4: RangeSet<u32>,
    pub v6: RangeSet<u128>,
}

impl AddrSet {
    pub fn any() -> AddrSet {
        AddrSet {
            v4: RangeSet::full(),
            v6: RangeSet::full(),
        }
    }

    pub fn empty() -> AddrSet {
        AddrSet::default()
    }

    /// A CIDR block or a bare address (`10.0.0.0/8`, `10.1.2.3`, `fd00::/8`); `None` if invalid.
    pub fn parse(s: &str) -> Option<AddrSet> {
        let s = s.trim();
        if let Ok(net) = s.parse::<IpNet>() {
            return Some(AddrSet::from_net(net));
        }
        if let Ok(ip) = s.parse::<IpAddr>() {
            return Some(AddrSet::from_range(ip, ip));
        }
        if let Some((lo, hi)) = s.split_once('-') {
            let (lo, hi) = (
                lo.trim().parse::<IpAddr>().ok()?,
                hi.trim().parse::<IpAddr>().ok()?,
            );
            return AddrSet::try_range(lo, hi);
        }
        None
    }

    pub fn from_net(net: IpNet) -> AddrSet {
        AddrSet::from_range(net.network(), net.broadcast())
    }

    /// A netmask form: `10.0.0.0 255.0.0.0`; `None` if the mask is not contiguous.
    pub fn from_mask(addr: &str, mask: &str) -> Option<AddrSet> {
        let ip: std::net::Ipv4Addr = addr.parse().ok()?;
        let m: std::net::Ipv4Addr = mask.parse().ok()?;
        let prefix = ipnet::ipv4_mask_to_prefix(m).ok()?;
        ipnet::Ipv4Net::new(ip, prefix)
            .ok()
            .map(|n| AddrSet::from_net(IpNet::V4(n.trunc())))
    }

    /// A Cisco wildcard form: `10.0.0.0 0.0.255.255`; `None` if the wildcard is not contiguous.
    pub fn from_wildcard(addr: &str, wildcard: &str) -> Option<AddrSet> {
        let w: std::net::Ipv4Addr = wildcard.parse().ok()?;
        let mask = std::net::Ipv4Addr::from(!u32::from(w));
        AddrSet::from_mask(addr, &mask.to_string())
    }

    pub fn from_range(lo: IpAddr, hi: IpAddr) -> AddrSet {
        AddrSet::try_range(lo, hi).unwrap_or_default()
    }

    fn try_range(lo: IpAddr, hi: IpAddr) -> Option<AddrSet> {
        match (lo, hi) {
            (IpAddr::V4(a), IpAddr::V4(b)) => Some(AddrSet {
                v4: RangeSet::single(u32::from(a), u32::from(b)),
                v6: RangeSet::empty(),
            }),
            (IpAddr::V6(a), IpAddr::V6(b)) => Some(AddrSet {
                v4: RangeSet::empty(),
                v6: RangeSet::single(u128::from(a), u128::from(b)),
            }),
            _ => None,
        }
    }

    /// Only the IPv4 part of "any" (for iptables, which is IPv4 only).
    pub fn any_v4() -> AddrSet {
        AddrSet {
            v4: RangeSet::full(),
            v6: RangeSet::empty(),
        }
    }

    pub fn any_v6() -> AddrSet {
        AddrSet {
            v4: RangeSet::empty(),
            v6: RangeSet::full(),
        }
    }

    pub fn is_any(&self) -> bool {
        self.v4.is_full() && self.v6.is_full()
    }

    pub fn is_empty(&self) -> bool {
        self.v4.is_empty() && self.v6.is_empty()
    }

    pub fn union(&self, o: &AddrSet) -> AddrSet {
        AddrSet {
            v4: self.v4.union(&o.v4),
            v6: self.v6.union(&o.v6),
        }
    }

    pub fn intersect(&self, o: &AddrSet) -> AddrSet {
        AddrSet {
            v4: self.v4.intersect(&o.v4),
            v6: self.v6.intersect(&o.v6),
        }
    }

    pub fn difference(&self, o: &AddrSet) -> AddrSet {
        AddrSet {
            v4: self.v4.difference(&o.v4),
            v6: self.v6.difference(&o.v6),
        }
    }

    /// The complement within the given family universe (`v4`, `v6`).
    pub fn negate(&self, universe: &AddrSet) -> AddrSet {
        universe.difference(self)
    }

    pub fn is_subset(&self, o: &AddrSet) -> bool {
        self.v4.is_subset(&o.v4) && self.v6.is_subset(&o.v6)
    }

    pub fn intersects(&self, o: &AddrSet) -> bool {
        self.v4.intersects(&o.v4) || self.v6.intersects(&o.v6)
    }

    /// Number of IPv4 addresses, plus IPv6 addresses counted as a float.
    pub fn size(&self) -> f64 {
        let v4: f64 = self
            .v4
            .ranges()
            .iter()
            .map(|(a, b)| f64::from(b - a) + 1.0)
            .sum();
        let v6: f64 = self
            .v6
            .ranges()
            .iter()
            .map(|(a, b)| (b - a) as f64 + 1.0)
            .sum();
        v4 + v6
    }

    /// The set as CIDR blocks (`10.0.0.0/8`), or `a-b` ranges where a range is not a block.
    pub fn to_strings(&self) -> Vec<String> {
        if self.is_any() {
            return vec!["any".to_string()];
        }
        let mut out = Vec::new();
        for (a, b) in self.v4.ranges() {
            out.extend(cidrs_v4(*a, *b));
        }
        for (a, b) in self.v6.ranges() {
            out.extend(cidrs_v6(*a, *b));
        }
        out
    }
}

fn cidrs_v4(lo: u32, hi: u32) -> Vec<String> {
    if lo == 0 && hi == u32::MAX {
        return vec!["0.0.0.0/0".to_string()];
    }
    let mut out = Vec::new();
    let mut cur = u64::from(lo);
    let end = u64::from(hi);
    while cur <= end && out.len() < 16 {
        let mut size = cur.trailing_zeros().min(32);
        while size > 0 && cur + (1u64 << size) - 1 > end {
            size -= 1;
        }
        let ip = std::net::Ipv4Addr::from(u32::try_from(cur).unwrap_or(u32::MAX));
        out.push(format!("{ip}/{}", 32 - size));
        cur += 1u64 << size;
    }
    if cur <= end {
        // Too many blocks to list: show the range.
        out.clear();
        out.push(format!(
            "{}-{}",
            std::net::Ipv4Addr::from(lo),
            std::net::Ipv4Addr::from(hi)
        ));
    }
    out
}

fn cidrs_v6(lo: u128, hi: u128) -> Vec<String> {
    if lo == 0 && hi == u128::MAX {
        return vec!["::/0".to_string()];
    }
    let span = hi.wrapping_sub(lo).wrapping_add(1);
    if span.is_power_of_two() && lo % span == 0 {
        let prefix = 128 - span.trailing_zeros();
        return vec![format!("{}/{prefix}", std::net::Ipv6Addr::from(lo))];
    }
    if lo == hi {
        return vec![format!("{}/128", std::net::Ipv6Addr::from(lo))];
    }
    vec![format!(
        "{}-{}",
        std::net::Ipv6Addr::from(lo),
        std::net::Ipv6Addr::from(hi)
    )]
}
