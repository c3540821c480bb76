//! Cisco ASA (and PIX/FWSM) access lists.
//!
//! `access-list NAME extended|standard|remark …` with `object`/`object-group` references,
//! objects and object groups, interfaces (`nameif` is the zone, `security-level` kept),
//! `access-group NAME in|out interface IF` and `access-group NAME global`, and the
//! `ssh|telnet|http ADDR MASK IF` management access lists (rulesets `management ssh`… attached
//! to `input`). Addresses use netmasks; `any` is both families. Each list is a ruleset
//! `ACL NAME` with the implicit deny at its end. The reader is shared with IOS
//! (`src/firewall/cisco/`).

use crate::source::FileId;

use super::cisco::{self, Dialect};
use super::Parsed;

/// Whether `text` looks like an ASA configuration.
pub fn sniff(text: &str) -> bool {
    cisco::looks_like_asa(text)
}

/// Parses a whole file. Never fails, never panics.
pub fn parse(file: FileId, text: &str) -> Parsed {
    cisco::parse(file, text, Dialect::Asa)
}
