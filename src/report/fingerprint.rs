//! Stable finding fingerprints, so code-scanning services can follow a finding across commits.
//!
//! The fingerprint is FNV-1a 64 over the UTF-8 bytes of the rule id, the file path, the
//! message and the text of the flagged region, separated by NUL bytes, as 16 lowercase hex
//! digits. The line number is deliberately left out: adding or removing lines elsewhere in the
//! file does not change it. Findings that hash alike in one report get `:1`, `:2`, … in report
//! order (the scheme GitHub uses for `primaryLocationLineHash`).

use std::collections::HashMap;

use crate::eval::Finding;
use crate::source::fnv1a64;
use crate::source::SourceDb;

/// The hash of a finding: rule id, file, message and flagged text (no line numbers). A finding
/// with no place in an input is hashed at the rule's name in its policy file.
pub(crate) fn finding_hash(db: &SourceDb, f: &Finding) -> u64 {
    let span = f.span.unwrap_or(f.rule.name_span);
    fnv1a64(&[&f.rule.id, db.name(span.file), &f.message, db.slice(span)])
}

/// Numbers repeated hashes: the first `h` becomes `h:1`, the second `h:2`, and so on.
#[derive(Debug, Default)]
pub(crate) struct Occurrences {
    seen: HashMap<u64, u32>,
}

impl Occurrences {
    pub(crate) fn fingerprint(&mut self, hash: u64) -> String {
        let n = self.seen.entry(hash).or_insert(0);
        *n += 1;
        format!("{hash:016x}:{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::{fnv1a64, Occurrences};
    use crate::source::hash::fnv1a;

    #[test]
    fn matches_the_published_test_vectors() {
        assert_eq!(fnv1a("".bytes()), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a".bytes()), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a("foobar".bytes()), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn parts_are_separated() {
        assert_eq!(fnv1a64(&["a"]), fnv1a(b"a\0".iter().copied()));
        assert_ne!(fnv1a64(&["ab", "c"]), fnv1a64(&["a", "bc"]));
    }

    #[test]
    fn repeated_hashes_are_numbered() {
        let mut o = Occurrences::default();
        assert_eq!(o.fingerprint(0xab), "00000000000000ab:1");
        assert_eq!(o.fingerprint(0xcd), "00000000000000cd:1");
        assert_eq!(o.fingerprint(0xab), "00000000000000ab:2");
    }
}
