//! Which part of a run this process reports: `--shard K/N` and `--changed-since REV`.
//!
//! Every process still loads every file (cross-document rules need them all); only the
//! evaluation units (a rule and one item of its first `for`) and the reported findings are
//! split. See `docs/ci.md`.

use std::collections::HashSet;
use std::path::PathBuf;

use crate::source::fnv1a64;

/// `--shard K/N`: the `K`th of `N` parts, 1-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Parses `K/N` with `1 <= K <= N`; the error is the help text.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let help =
            || format!("`{s}` is not a shard: write K/N with 1 <= K <= N, e.g. `--shard 1/4`");
        let (k, n) = s.split_once('/').ok_or_else(help)?;
        let index: u32 = k.trim().parse().map_err(|_| help())?;
        let count: u32 = n.trim().parse().map_err(|_| help())?;
        if count == 0 || index == 0 || index > count {
            return Err(help());
        }
        Ok(Shard { index, count })
    }

    /// Whether the file of this display name belongs to this shard: FNV-1a of the name
    /// modulo `count`, so the split is the same on every runner given the same paths.
    pub fn owns(&self, name: &str) -> bool {
        fnv1a64(&[name]) % u64::from(self.count) == u64::from(self.index - 1)
    }
}

/// The part of the run to report.
#[derive(Clone, Debug, Default)]
pub struct Partition {
    pub shard: Option<Shard>,
    /// Absolute paths of the files changed since `--changed-since REV`; `None`: all files.
    pub changed: Option<HashSet<PathBuf>>,
}

impl Partition {
    pub fn is_all(&self) -> bool {
        self.shard.is_none() && self.changed.is_none()
    }

    /// Whether findings and diagnostics in the input file `path` (shown as `name`) are
    /// reported by this process.
    pub fn owns(&self, path: &std::path::Path, name: &str) -> bool {
        self.shard.is_none_or(|s| s.owns(name))
            && self
                .changed
                .as_ref()
                .is_none_or(|c| c.contains(&super::config::absolute(path)))
    }
}
