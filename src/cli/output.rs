//! Shared output helpers: colour choice, thread pool, writing to stdout.

use std::io::{IsTerminal, Write};

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

/// Sets the number of rayon worker threads.
pub(crate) fn set_jobs(jobs: Option<usize>) -> Result<(), String> {
    if let Some(n) = jobs {
        if n == 0 {
            return Err("`--jobs` must be at least 1".to_string());
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .map_err(|e| e.to_string())?;
    }
    Ok(())
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
