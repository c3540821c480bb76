//! Asking git which files changed (`--changed-since REV`).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use palisade::diag::{Code, Diagnostic};
use palisade::driver::config::absolute;

/// The absolute paths of the files that differ from `rev` in the work tree holding the first
/// checked path: committed since, staged, unstaged, and untracked (not ignored) files.
pub(crate) fn changed_since(
    rev: &str,
    paths: &[PathBuf],
) -> Result<HashSet<PathBuf>, Box<Diagnostic>> {
    let start = paths.first().map(|p| absolute(p)).unwrap_or_default();
    let dir = if start.is_dir() {
        start
    } else {
        start.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let top = git(&dir, &["rev-parse", "--show-toplevel"], rev)?;
    let top = PathBuf::from(top.trim_end_matches(['\n', '\r']));
    let mut files = HashSet::new();
    // `REV --` makes git read REV as a revision, never as a path.
    let diff = git(
        &top,
        &["diff", "--name-only", "--no-renames", "-z", rev, "--"],
        rev,
    )?;
    let untracked = git(
        &top,
        &["ls-files", "--others", "--exclude-standard", "-z"],
        rev,
    )?;
    for name in diff.split('\0').chain(untracked.split('\0')) {
        if !name.is_empty() {
            files.insert(absolute(&top.join(name)));
        }
    }
    Ok(files)
}

fn git(dir: &Path, args: &[&str], rev: &str) -> Result<String, Box<Diagnostic>> {
    let fail = |problem: String, help: &str| {
        Box::new(
            Diagnostic::new(
                Code::GitError,
                format!("`--changed-since {rev}`: {problem}"),
            )
            .help(help.to_string()),
        )
    };
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| {
            fail(
                format!("cannot run git: {e}"),
                "install git, or drop `--changed-since`",
            )
        })?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first = stderr
            .lines()
            .next()
            .unwrap_or("git failed")
            .trim()
            .to_string();
        return Err(fail(
            palisade::report::sanitize(&first),
            "check that the path is inside a git work tree and that the revision exists (in CI, fetch enough history, e.g. `fetch-depth: 0`)",
        ));
    }
    String::from_utf8(out.stdout).map_err(|_| {
        fail(
            "git printed a path that is not UTF-8".to_string(),
            "rename the file",
        )
    })
}
