//! Shared output helpers: colour choice, thread pool, writing to stdout and to files.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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

/// Temporary files being written by [`write_atomically`], removed if the run is interrupted.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// On Ctrl-C (SIGINT) or SIGTERM: remove the temporary files of outputs being written and
/// exit at once with 128 + the signal number (130 for Ctrl-C). Outputs already renamed into
/// place are whole; those not yet written are left as they were.
pub(crate) fn stop_on_interrupt() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
        // Without a handler the default action still stops the run promptly.
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            let pending = PENDING
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            for tmp in pending.iter() {
                let _ = std::fs::remove_file(tmp);
            }
            std::process::exit(128 + signal);
        }
    });
}

fn pending(tmp: &Path, add: bool) {
    let mut pending = PENDING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if add {
        pending.push(tmp.to_path_buf());
    } else {
        pending.retain(|p| p != tmp);
    }
}

/// Writes through a temporary file in the same directory, then renames it over the target,
/// so an interrupted run never leaves half a file and readers see the old or the new one.
pub(crate) fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    write_atomically_with(path, |file| file.write_all(text.as_bytes()))
}

/// [`write_atomically`], the contents written by `write` (which may stream them).
pub(crate) fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> std::io::Result<()> {
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
        // Registered before it exists, so an interrupt never leaves it behind.
        pending(&tmp, true);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => break (tmp, file),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                pending(&tmp, false);
                attempt += 1;
            }
            Err(e) => {
                pending(&tmp, false);
                return Err(e);
            }
        }
    };
    let flushed = write(&mut file).and_then(|()| file.sync_all());
    drop(file);
    let written = flushed.and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    pending(&tmp, false);
    written
}

/// The paths given, or the current directory when none is.
pub(crate) fn paths_or_here(paths: &[std::path::PathBuf]) -> Vec<std::path::PathBuf> {
    if paths.is_empty() {
        vec![std::path::PathBuf::from(".")]
    } else {
        paths.to_vec()
    }
}
