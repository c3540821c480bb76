//! Finding and reading `palisade.toml`.

use std::path::{Path, PathBuf};

use crate::config::{self, Config, FILE_NAME};
use crate::diag::{Code, Diagnostic};
use crate::source::{SourceDb, SourceFile};

use super::policies::display_path;

/// The `palisade.toml` that governs `start`: in its directory (or the directory itself) or
/// the nearest ancestor, like `Cargo.toml` and `ruff.toml`.
pub fn find(start: &Path) -> Option<PathBuf> {
    let start = absolute(start);
    let dir = if start.is_dir() {
        start.as_path()
    } else {
        start.parent()?
    };
    dir.ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|f| f.is_file())
}

/// Reads and parses `file` into `db`. An unreadable file is one diagnostic.
pub fn load(db: &mut SourceDb, file: &Path) -> (Option<Config>, Vec<Diagnostic>) {
    let name = display_path(&shown(file));
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            return (
                None,
                vec![
                    Diagnostic::new(Code::BadConfig, format!("cannot read `{name}`: {e}"))
                        .path(name)
                        .help("check the path given to `--config` and its permissions"),
                ],
            );
        }
    };
    let id = db.add(SourceFile::new(name, text));
    let root = absolute(file)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let (config, diags) = config::parse(id, db.text(id), root);
    (Some(config), diags)
}

/// `path` as shown to users: relative to the working directory when under it, as inputs are.
pub fn shown(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| absolute(path).strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
}

/// `path` made absolute against the working directory, without resolving symbolic links.
pub fn absolute(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    // Drop `.` components so prefixes compare equal.
    abs.components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect()
}

/// `path` relative to `root` (both made absolute), `/`-separated, for matching globs;
/// `None` when the path is outside `root`.
pub fn relative_to(path: &Path, root: &Path) -> Option<String> {
    let abs = absolute(path);
    let rel = abs.strip_prefix(absolute(root)).ok()?;
    Some(rel.to_string_lossy().replace('\\', "/"))
}
