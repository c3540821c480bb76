//! Finding input files: walkdir over the given paths, honouring `.gitignore` files, hidden
//! directories and include/exclude globs. Output is sorted, so runs are deterministic.
//!
//! A checked tree may come from anyone (a pull request): symbolic links are not followed
//! unless asked, and even then never out of the tree nor round a loop; every link skipped,
//! every unreadable directory and every entry that vanished during the walk is a diagnostic.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use walkdir::WalkDir;

use crate::diag::{Code, Diagnostic, Severity};

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
    /// Follow symbolic links whose targets stay inside the walked directory (loops and links
    /// leading outside are reported, never followed). Off by default: every link found in a
    /// walk is reported and skipped.
    pub follow_symlinks: bool,
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
        if !root.is_dir() && std::fs::metadata(root).is_ok() {
            diags.push(special_file(root).severity(Severity::Error));
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
        // The `.gitignore` of each directory from the root down to the entry being filtered:
        // `ignores[d]` is that of its ancestor at depth `d` (the walk is depth first).
        let mut ignores: Vec<Option<Gitignore>> = vec![gitignore_of(root)];
        let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.clone());
        let skipped_links: RefCell<Vec<Diagnostic>> = RefCell::new(Vec::new());
        let walker = WalkDir::new(root)
            .follow_links(filters.follow_symlinks)
            // As `sort_by_file_name`, without parsing both paths on every comparison.
            .sort_by(|a, b| file_name(a.path()).cmp(file_name(b.path())))
            .into_iter();
        let walker = walker.filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            if e.path_is_symlink() || e.file_type().is_symlink() {
                if let Some(d) = symlink_refused(e.path(), &canonical_root, filters) {
                    skipped_links.borrow_mut().push(d);
                    return false;
                }
            }
            let name = file_name(e.path());
            let name = std::str::from_utf8(name).map_or_else(
                |_| String::from_utf8_lossy(name),
                std::borrow::Cow::Borrowed,
            );
            if e.file_type().is_dir()
                && (name.starts_with('.') || name == "target" || name == "node_modules")
            {
                return false;
            }
            let rel = || e.path().strip_prefix(root).unwrap_or(e.path());
            if exclude.as_ref().is_some_and(|x| x.is_match(rel())) {
                return false;
            }
            if filters.no_gitignore {
                return true;
            }
            ignores.truncate(e.depth());
            let kept = kept_by_gitignore(&ignores, e.path(), e.file_type().is_dir());
            if kept && e.file_type().is_dir() {
                ignores.push(gitignore_of(e.path()));
            }
            kept
        });
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    diags.push(walk_error(root, &e));
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                if !entry.file_type().is_dir() && !entry.file_type().is_symlink() {
                    diags.push(special_file(entry.path()));
                }
                continue;
            }
            let path = entry.path();
            let name = file_name(path);
            let extension = extension(name);
            let among = |list: &[&str]| {
                extension.is_some_and(|x| list.iter().any(|l| l.eq_ignore_ascii_case(x)))
            };
            let known = among(INPUT_EXTENSIONS);
            let skip = among(NOT_INPUTS);
            if (!known && skip) || name == FILE_NAME.as_bytes() {
                // Palisade's own configuration is not an input.
                continue;
            }
            let rel = || path.strip_prefix(root).unwrap_or(path);
            if include.as_ref().is_some_and(|i| !i.is_match(rel())) {
                continue;
            }
            out.push(Candidate {
                path: path.to_path_buf(),
                explicit: false,
                sniff: !known,
                format: None,
            });
        }
        diags.append(&mut skipped_links.into_inner());
    }
    if paths.len() > 1 {
        // One walk yields each path once, in this order already (by name, depth first).
        out.sort();
        out.dedup_by(|a, b| a.path == b.path);
    }
    out
}

/// A FIFO, socket or device: never opened, since reading it could block or never end.
fn special_file(path: &Path) -> Diagnostic {
    let name = display_path(path);
    Diagnostic::new(
        Code::SpecialFile,
        format!("`{name}` is not a regular file (a pipe, socket or device); not read"),
    )
    .path(name)
    .help("only regular files are checked")
}

/// Why the symbolic link at `path` is not followed, or `None` to follow it.
fn symlink_refused(path: &Path, canonical_root: &Path, filters: &Filters) -> Option<Diagnostic> {
    let name = display_path(path);
    let target = std::fs::read_link(path)
        .map(|t| display_path(&t))
        .unwrap_or_default();
    let refused = |message: String, severity: Severity, help: &str| {
        Some(
            Diagnostic::new(Code::SymlinkSkipped, message)
                .severity(severity)
                .path(name.clone())
                .help(help.to_string()),
        )
    };
    if !filters.follow_symlinks {
        return refused(
            format!("symbolic link `{name}` (to `{target}`) is not followed"),
            Severity::Info,
            "pass `--follow-symlinks` to follow links that stay inside the checked tree, or name the target on the command line",
        );
    }
    match std::fs::canonicalize(path) {
        Err(e) => refused(
            format!("symbolic link `{name}` (to `{target}`) cannot be followed: {e}"),
            Severity::Warning,
            "remove the dangling link, or exclude it with `--exclude`",
        ),
        Ok(resolved) if !resolved.starts_with(canonical_root) => refused(
            format!("symbolic link `{name}` leads outside the checked tree, to `{target}`"),
            Severity::Warning,
            "links out of the checked tree are never followed; name the target on the command line to check it",
        ),
        Ok(_) => None,
    }
}

/// A walk error (unreadable directory, symbolic link loop, entry removed during the walk) as
/// a diagnostic naming the path.
fn walk_error(root: &Path, e: &walkdir::Error) -> Diagnostic {
    let path = e
        .path()
        .map(display_path)
        .unwrap_or_else(|| display_path(root));
    if let Some(ancestor) = e.loop_ancestor() {
        return Diagnostic::new(
            Code::SymlinkSkipped,
            format!(
                "symbolic link `{path}` loops back to `{}`; not followed",
                display_path(ancestor)
            ),
        )
        .severity(Severity::Warning)
        .path(path)
        .help("remove the link, or exclude it with `--exclude`");
    }
    let reason = e
        .io_error()
        .map_or_else(|| e.to_string(), std::string::ToString::to_string);
    let is_link = e
        .path()
        .and_then(|p| std::fs::symlink_metadata(p).ok())
        .is_some_and(|m| m.file_type().is_symlink());
    if is_link {
        return Diagnostic::new(
            Code::SymlinkSkipped,
            format!("symbolic link `{path}` cannot be followed: {reason}"),
        )
        .severity(Severity::Warning)
        .path(path)
        .help("remove the link, or exclude it with `--exclude`");
    }
    Diagnostic::new(Code::IoError, format!("cannot read `{path}`: {reason}"))
        .path(path)
        .help("check the permissions of the directory; the rest of the tree is still checked")
}

/// Whether `path` is kept by the `.gitignore` files of its directories, `ignores` (from the
/// walked root down to its parent): the deepest file that matches decides, a `!pattern`
/// keeping what an outer file ignored.
fn kept_by_gitignore(ignores: &[Option<Gitignore>], path: &Path, is_dir: bool) -> bool {
    let mut keep = true;
    for gi in ignores.iter().flatten() {
        let m = gi.matched(path, is_dir);
        if m.is_ignore() {
            keep = false;
        } else if m.is_whitelist() {
            keep = true;
        }
    }
    keep
}

/// The `.gitignore` of a directory, if it has a readable one.
fn gitignore_of(dir: &Path) -> Option<Gitignore> {
    let file = dir.join(".gitignore");
    if !file.is_file() {
        return None;
    }
    let mut b = GitignoreBuilder::new(dir);
    b.add(file);
    b.build().ok()
}

/// The last component of a path the walk yielded (a child's name, never `.` or `..`), as the
/// bytes of [`Path::file_name`] there, found without parsing the path into components: the
/// walk sorts by it, tens of thousands of comparisons on a large tree. (`OsStr`s order as
/// their encoded bytes.)
fn file_name(path: &Path) -> &[u8] {
    let bytes = path.as_os_str().as_encoded_bytes();
    #[cfg(windows)]
    let last = memchr::memrchr2(b'/', b'\\', bytes);
    #[cfg(not(windows))]
    let last = memchr::memrchr(b'/', bytes);
    match last {
        Some(at) if at + 1 < bytes.len() => bytes.get(at + 1..).unwrap_or_default(),
        _ => path
            .file_name()
            .unwrap_or(path.as_os_str())
            .as_encoded_bytes(),
    }
}

/// The extension of a file name, as [`Path::extension`] gives it: after the last dot, unless
/// that dot starts the name.
fn extension(name: &[u8]) -> Option<&str> {
    let dot = name.iter().rposition(|&b| b == b'.').filter(|&at| at > 0)?;
    std::str::from_utf8(name.get(dot + 1..)?).ok()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn file_names_and_extensions_are_those_of_std() {
        for p in [
            "a/b.yaml",
            "./x.YML",
            "x.json",
            "dir/.hidden",
            "dir/.hidden.yaml",
            "dir/noext",
            "dir/trailing.",
            "dir/a.b.c",
            "dir/sub/",
            "dir/ünï.tf",
            ".",
            "/",
        ] {
            let path = Path::new(p);
            let std_name = path.file_name().unwrap_or(path.as_os_str());
            assert_eq!(super::file_name(path), std_name.as_encoded_bytes(), "{p}");
            assert_eq!(
                super::extension(super::file_name(path)),
                Path::new(std_name).extension().and_then(|x| x.to_str()),
                "{p}"
            );
        }
    }
}
