//! Fuzzes the json loader: any text must load into documents and diagnostics, never panic,
//! overflow the stack or hang. `input::load` turns a panic into an internal-error diagnostic,
//! so one of those is a crash here too.

#![no_main]

use libfuzzer_sys::fuzz_target;
use palisade::input::Format;

fuzz_target!(|data: &[u8]| {
    palisade_fuzz::load_must_not_crash(data, Format::Json);
});
