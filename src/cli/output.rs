//! Shared output helpers: colour choice, thread pool, writing to stdout and to files.

use std::io::{IsTerminal, Write};
use std::path::Path;

use super::args::ColorChoice;

/// Whether to colour human output.
pub(crate) fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

/// Terminal width for wrapping, 100 when unknown.
pub(crate) fn width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100)
}

/// Stack of each rayon worker. Policy expressions are bounded in depth when parsed, but the
/// checker and interpreter walk them recursively, and so do user functions; a roomy stack
/// (reserved, not committed) keeps hostile policies far from the edge.
const WORKER_STACK: usize = 32 * 1024 * 1024;

/// Sets up the rayon worker threads: `jobs` of them (default: one per core).
pub(crate) fn set_jobs(jobs: Option<usize>) -> Result<(), String> {
    let mut pool = rayon::ThreadPoolBuilder::new().stack_size(WORKER_STACK);
    if let Some(n) = jobs {
        if n == 0 {
            return Err("`--jobs` must be at least 1".to_string());
        }
        pool = pool.num_threads(n);
    }
    pool.build_global().map_err(|e| e.to_string())
}

/// Writes to stdout, ignoring a closed pipe.
pub(crate) fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// Writes to stderr.
pub(crate) fn emit_err(text: &str) {
    let mut out = std::io::stderr().lock();
    let _ = out.write_all(text.as_bytes());
}

/// Writes through a temporary file in the same directory, then renames it over the target,
/// so an interrupted run never leaves half a file and readers see the old or the new one.
pub(crate) fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut attempt = 0u32;
    let (tmp, mut file) = loop {
        let tmp = dir.join(format!(
            ".{name}.{}.{attempt}.palisade.tmp",
            std::process::id()
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => break (tmp, file),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    };
    let flushed = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_all());
    drop(file);
    let written = flushed.and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}
