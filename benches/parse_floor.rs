//! The parse floor of the benchmark suite: the same walk, read and load as `palisade check`
//! (discover → read → detect → load into Palisade's spanned `Value` trees, in parallel), and no
//! rules. What a check costs above this is the price of the rules.
//!
//! usage: `parse_floor [--jobs N] [--entities] PATH…` (built by `benches/run.py` with
//! `cargo build --release --example parse_floor`). `--entities` also derives the entity lists
//! and cross-document indexes, as a check does before its first rule. Prints one JSON line;
//! `rules` counts the rules of the firewall models loaded (to check generated rulesets).

#![allow(
    clippy::print_stdout,
    reason = "a benchmark program prints its figures"
)]

use std::path::PathBuf;
use std::process::ExitCode;

use palisade::driver::{self, Filters};
use palisade::input;
use palisade::source::SourceDb;

/// The same allocator as the `palisade` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let mut jobs = None;
    let mut entities = false;
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--jobs" => jobs = args.next().and_then(|v| v.parse::<usize>().ok()),
            "--entities" => entities = true,
            _ if a.starts_with("--") => {
                eprintln!("usage: parse_floor [--jobs N] [--entities] PATH…");
                return ExitCode::from(2);
            }
            _ => paths.push(PathBuf::from(a)),
        }
    }
    if let Some(n) = jobs {
        if let Err(e) = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
        {
            eprintln!("cannot start {n} threads: {e}");
            return ExitCode::from(2);
        }
    }
    if paths.is_empty() {
        paths.push(PathBuf::from("."));
    }
    let mut diagnostics = Vec::new();
    let mut db = SourceDb::new();
    let candidates = driver::discover(&paths, &Filters::default(), &mut diagnostics);
    let inputs = driver::load_inputs(
        &mut db,
        &candidates,
        &input::Limits::default(),
        &mut diagnostics,
    );
    let docs: usize = inputs.iter().map(|i| i.documents.len()).sum();
    let rules: usize = inputs
        .iter()
        .filter_map(|i| i.firewall.as_deref())
        .flat_map(|c| &c.rulesets)
        .map(|rs| rs.rules.len())
        .sum();
    let mut entity_count = 0;
    if entities {
        let built = palisade::driver::build_entities(&db, &inputs);
        entity_count = ["k8s.objects", "compose.services", "docs"]
            .iter()
            .filter_map(|k| built.get(k))
            .map(|v| v.len())
            .sum();
    }
    println!(
        "{{\"files\": {}, \"docs\": {docs}, \"entities\": {entity_count}, \"rules\": {rules}, \"diagnostics\": {}}}",
        inputs.len(),
        diagnostics.len()
    );
    // The process ends here: its value trees are left to the operating system, not freed one
    // node at a time (as `palisade check` leaves them, `CheckOptions::process_exits`). Freeing
    // them took 70 ms of the floor's 0.29 s at 10k; a floor is what a check cannot avoid.
    std::mem::forget((db, inputs));
    ExitCode::SUCCESS
}
