//! Finding input files: walkdir over the given paths, honouring `.gitignore` files, hidden
//! directories and include/exclude globs. Output is sorted, so runs are deterministic.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use walkdir::WalkDir;

use crate::diag::{Code, Diagnostic};

use super::policies::display_path;
use crate::config::FILE_NAME;

/// One input file to load.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    pub path: PathBuf,
    /// Named on the command line (so loaded even without a known extension).
    pub explicit: bool,
    /// Found in a walk without a data extension: kept only if its content is recognised
    /// (firewall configurations often have no extension).
    pub sniff: bool,
    /// The format `[formats]` of `palisade.toml` gives it, overriding detection.
    pub format: Option<crate::input::Format>,
}

/// Filters for the walk.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    /// Only paths matching one of these globs (relative to the walked root) are checked.
    pub include: Vec<String>,
    /// Paths matching one of these globs are skipped.
    pub exclude: Vec<String>,
    /// Do not read `.gitignore` files.
    pub no_gitignore: bool,
}

/// Extensions always checked when found in a directory walk.
pub const INPUT_EXTENSIONS: &[&str] = &["yaml", "yml", "json", "toml", "tf"];

/// Extensions never read in a directory walk: documentation, code, images, archives. Other
/// files are read and kept if their content is a recognised format.
pub const NOT_INPUTS: &[&str] = &[
    "md", "markdown", "rst", "adoc", "html", "htm", "css", "pal", "rs", "py", "go", "js", "ts",
    "java", "c", "h", "cc", "cpp", "rb", "sh", "bash", "ps1", "bat", "lock", "png", "jpg", "jpeg",
    "gif", "svg", "ico", "pdf", "zip", "gz", "tgz", "bz2", "xz", "zst", "tar", "jar", "class",
    "exe", "dll", "so", "dylib", "a", "o", "wasm", "bin", "woff", "woff2", "ttf", "otf", "mp3",
    "mp4", "csv", "tsv", "parquet", "sqlite", "db", "snap", "pyc",
];

fn globset(patterns: &[String], flag: &str, diags: &mut Vec<Diagnostic>) -> Option<GlobSet> {
    if patterns.is_empty() {
        return None;
    }
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        match Glob::new(p) {
            Ok(g) => {
                b.add(g);
            }
            Err(e) => diags.push(
                Diagnostic::new(
                    Code::BadArgument,
                    format!("invalid glob `{p}` in `{flag}`: {e}"),
                )
                .help("globs use `*`, `**`, `?`, `[abc]` and `{a,b}`"),
            ),
        }
    }
    b.build().ok()
}

/// Lists the input files under `paths`.
pub fn discover(
    paths: &[PathBuf],
    filters: &Filters,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Candidate> {
    let include = globset(&filters.include, "--include", diags);
    let exclude = globset(&filters.exclude, "--exclude", diags);
    let mut out = Vec::new();
    for root in paths {
        if root.is_file() {
            out.push(Candidate {
                path: root.clone(),
                explicit: true,
                sniff: false,
                format: None,
            });
            continue;
        }
        if !root.is_dir() {
            diags.push(
                Diagnostic::new(
                    Code::BadPath,
                    format!("path `{}` does not exist", display_path(root)),
                )
                .path(display_path(root))
                .help("pass files or directories to check"),
            );
            continue;
        }
        let mut ignores: HashMap<PathBuf, Option<Gitignore>> = HashMap::new();
        let walker = WalkDir::new(root).sort_by_file_name().into_iter();
        let walker = walker.filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            let name = e.file_name().to_string_lossy();
            if e.file_type().is_dir()
                && (name.starts_with('.') || name == "target" || name == "node_modules")
            {
                return false;
            }
            let rel = e.path().strip_prefix(root).unwrap_or(e.path());
            if exclude.as_ref().is_some_and(|x| x.is_match(rel)) {
                return false;
            }
            filters.no_gitignore
                || kept_by_gitignore(root, e.path(), e.file_type().is_dir(), &mut ignores)
        });
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let path = e
                        .path()
                        .map(display_path)
                        .unwrap_or_else(|| display_path(root));
                    diags.push(
                        Diagnostic::new(Code::IoError, format!("cannot read `{path}`: {e}"))
                            .path(path)
                            .help("check the permissions of the directory"),
                    );
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            let path = entry.path();
            let known = path
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| INPUT_EXTENSIONS.contains(&x.to_ascii_lowercase().as_str()));
            let skip = path
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| NOT_INPUTS.contains(&x.to_ascii_lowercase().as_str()));
            if (!known && skip) || path.file_name() == Some(std::ffi::OsStr::new(FILE_NAME)) {
                // Palisade's own configuration is not an input.
                continue;
            }
            let rel = path.strip_prefix(root).unwrap_or(path);
            if include.as_ref().is_some_and(|i| !i.is_match(rel)) {
                continue;
            }
            out.push(Candidate {
                path: path.to_path_buf(),
                explicit: false,
                sniff: !known,
                format: None,
            });
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.path == b.path);
    out
}

/// Whether `path` survives the `.gitignore` files from `root` down to its directory
/// (true = keep).
fn kept_by_gitignore(
    root: &Path,
    path: &Path,
    is_dir: bool,
    cache: &mut HashMap<PathBuf, Option<Gitignore>>,
) -> bool {
    let mut keep = true;
    let mut dirs: Vec<&Path> = path
        .ancestors()
        .skip(1)
        .take_while(|a| a.starts_with(root))
        .collect();
    dirs.reverse();
    for dir in dirs {
        let gi = cache.entry(dir.to_path_buf()).or_insert_with(|| {
            let file = dir.join(".gitignore");
            if !file.is_file() {
                return None;
            }
            let mut b = GitignoreBuilder::new(dir);
            b.add(file);
            b.build().ok()
        });
        if let Some(gi) = gi {
            let m = gi.matched(path, is_dir);
            if m.is_ignore() {
                keep = false;
            } else if m.is_whitelist() {
                keep = true;
            }
        }
    }
    keep
}
