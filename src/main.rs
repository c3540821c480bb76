//! The `palisade` command: parses arguments and dispatches to `cli`.

mod cli;

/// Loading builds millions of small values and evaluation many short-lived ones, on every
/// thread: mimalloc's thread-local free lists make that markedly cheaper than the system
/// allocator (see docs/benchmarks-history.md, changes 5, 12 and 105).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    palisade::fault::install_hook();
    cli::run().into()
}
