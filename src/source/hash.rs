//! A stable hash (FNV-1a 64) for fingerprints and for partitioning work into shards: the
//! same on every machine, run and thread count.

const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a 64 of the parts, each followed by a NUL byte.
pub fn fnv1a64(parts: &[&str]) -> u64 {
    fnv1a(
        parts
            .iter()
            .flat_map(|p| p.bytes().chain(std::iter::once(0))),
    )
}

/// FNV-1a 64 of bytes.
pub fn fnv1a(bytes: impl Iterator<Item = u8>) -> u64 {
    bytes.fold(OFFSET_BASIS, |hash, b| {
        (hash ^ u64::from(b)).wrapping_mul(PRIME)
    })
}
