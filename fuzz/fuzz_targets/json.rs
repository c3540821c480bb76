//! Fuzzes the json loader: any text must load into documents and diagnostics, never panic,
//! overflow the stack or hang. `input::load` turns a panic into an internal-error diagnostic,
//! so one of those is a crash here too.

#![no_main]

use libfuzzer_sys::fuzz_target;
use palisade::diag::Code;
use palisade::input::{self, Format, Limits};
use palisade::source::FileId;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let loaded = input::load(FileId(0), text, Format::Json, &Limits::default());
    if let Some(d) = loaded
        .diagnostics
        .iter()
        .find(|d| d.code == Code::InternalError)
    {
        panic!("internal error: {}", d.message);
    }
});
