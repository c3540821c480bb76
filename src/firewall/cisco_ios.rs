//! Cisco IOS and IOS-XE access lists (also NX-OS and IOS-XR style lists, read leniently).
//!
//! Numbered standard (1-99, 1300-1999) and extended (100-199, 2000-2699) lists, `ip access-list
//! standard|extended NAME` blocks with sequence numbers and remarks, `ipv6 access-list`,
//! object groups, `ip access-group` on interfaces and `access-class` on lines. Each list is a
//! ruleset `ACL NAME` with the implicit deny at its end. Zone-based firewall policies are
//! reported as not modelled. The reader is shared with ASA (`src/firewall/cisco/`).

use crate::source::FileId;

use super::cisco::{self, Dialect};
use super::Parsed;

/// Whether `text` looks like an IOS configuration (and not an ASA one).
pub fn sniff(text: &str) -> bool {
    cisco::looks_like_ios(text)
}

/// Parses a whole file. Never fails, never panics.
pub fn parse(file: FileId, text: &str) -> Parsed {
    cisco::parse(file, text, Dialect::Ios)
}
