//! Applying the parts of `palisade.toml` that act on files: include/exclude, `[formats]`,
//! `[[overrides]]` and `[[suppress]]`. Globs are matched against paths relative to the
//! directory of `palisade.toml`.

use std::path::Path;
use std::sync::Arc;

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::config::Config;
use crate::eval::Finding;
use crate::source::{FileId, SourceDb};
use crate::suppress::{Scope, Suppression};

use super::config::relative_to;
use super::discover::Candidate;

fn set(globs: &[String]) -> Option<GlobSet> {
    if globs.is_empty() {
        return None;
    }
    let mut b = GlobSetBuilder::new();
    for g in globs {
        // Validated when the configuration was read.
        if let Ok(g) = Glob::new(g) {
            b.add(g);
        }
    }
    b.build().ok()
}

/// Whether `rel` or one of its parent directories matches (so `vendor` excludes
/// `vendor/a/b.yaml`, like `--exclude`).
fn matches_path_or_parent(set: &GlobSet, rel: &str) -> bool {
    Path::new(rel)
        .ancestors()
        .filter(|a| !a.as_os_str().is_empty())
        .any(|a| set.is_match(a))
}

/// Applies `include`, `exclude` and `[formats]` to the discovered files. Files named on the
/// command line are always checked.
pub(super) fn filter_candidates(config: &Config, candidates: &mut Vec<Candidate>) {
    let include = set(&config.include);
    let exclude = set(&config.exclude);
    candidates.retain(|c| {
        if c.explicit {
            return true;
        }
        let Some(rel) = relative_to(&c.path, &config.root) else {
            return true;
        };
        include.as_ref().is_none_or(|i| i.is_match(&rel))
            && exclude
                .as_ref()
                .is_none_or(|x| !matches_path_or_parent(x, &rel))
    });
    if config.formats.is_empty() {
        return;
    }
    let formats: Vec<(GlobSet, crate::input::Format)> = config
        .formats
        .iter()
        .filter_map(|f| Some((set(std::slice::from_ref(&f.glob))?, f.format)))
        .collect();
    for c in candidates.iter_mut() {
        let Some(rel) = relative_to(&c.path, &config.root) else {
            continue;
        };
        if let Some((_, format)) = formats.iter().find(|(g, _)| g.is_match(&rel)) {
            c.format = Some(*format);
        }
    }
}

/// The file's path relative to the configuration's directory.
fn rel_of(config: &Config, db: &SourceDb, file: FileId) -> Option<String> {
    relative_to(Path::new(db.name(file)), &config.root)
}

/// Drops the findings that `[[overrides]]` switch off for their file.
pub(super) fn apply_overrides(
    config: &Config,
    db: &SourceDb,
    findings: Vec<Finding>,
) -> Vec<Finding> {
    if config.overrides.is_empty() {
        return findings;
    }
    let sets: Vec<Option<GlobSet>> = config.overrides.iter().map(|o| set(&o.paths)).collect();
    findings
        .into_iter()
        .filter(|f| {
            let Some(rel) = f.span.and_then(|s| rel_of(config, db, s.file)) else {
                return true;
            };
            !config.overrides.iter().zip(&sets).any(|(o, g)| {
                g.as_ref().is_some_and(|g| matches_path_or_parent(g, &rel))
                    && o.ignore.iter().any(|r| r.covers(&f.rule))
            })
        })
        .collect()
}

/// The `[[suppress]]` entries as suppressions of the files their `path` globs match.
pub(super) fn suppressions(config: &Config, db: &SourceDb, inputs: &[FileId]) -> Vec<Suppression> {
    config
        .suppress
        .iter()
        .map(|s| {
            let glob = set(std::slice::from_ref(&s.path));
            let files: Vec<FileId> = inputs
                .iter()
                .copied()
                .filter(|f| {
                    let rel = rel_of(config, db, *f);
                    matches!((&glob, rel), (Some(g), Some(r)) if matches_path_or_parent(g, &r))
                })
                .collect();
            Suppression {
                target: s.target.clone(),
                reason: s.reason.clone(),
                expires: s.expires,
                scope: Scope::Files(Arc::from(files)),
                span: s.span,
                owner: s.owner.clone(),
                external: true,
            }
        })
        .collect()
}
