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
    match main_loop::run(transport::Transport::stdio()) {
        main_loop::Exit::Clean => ExitCode::SUCCESS,
        main_loop::Exit::Abrupt => ExitCode::FAILURE,
    }
}
