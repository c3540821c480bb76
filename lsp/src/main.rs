//! `palisade-lsp`: the Palisade language server, over stdio.
//!
//! A thin translator (ruff's and rust-analyzer's shape): every answer comes from the core
//! library (`palisade::ide`, the checker, the formatter, the driver); this crate owns only the
//! protocol — the transport, the main loop, the workspace model and LSP conversions.

mod convert;
mod handlers;
mod main_loop;
mod transport;
mod world;

use std::process::ExitCode;

fn main() -> ExitCode {
    if std::env::args().any(|a| a == "--version" || a == "-V") {
        println!("palisade-lsp {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    // The loop runs on a thread with a large stack: parsing, checking and indexing recurse
    // over expressions, and a policy being typed can nest deeply.
    let main = std::thread::Builder::new()
        .name("palisade-lsp".into())
        .stack_size(64 * 1024 * 1024)
        .spawn(|| main_loop::run(transport::Transport::stdio()));
    match main.map(std::thread::JoinHandle::join) {
        Ok(Ok(main_loop::Exit::Clean)) => ExitCode::SUCCESS,
        _ => ExitCode::FAILURE,
    }
}
