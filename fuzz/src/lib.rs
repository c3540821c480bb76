//! What every loader target checks: any text must load into documents and diagnostics, never
//! panic, overflow the stack or hang. `input::load` turns a panic into an internal-error
//! diagnostic, so one of those is a crash here too.

use palisade::diag::Code;
use palisade::input::{self, Format, Limits};
use palisade::source::FileId;

/// Loads `data` (when it is UTF-8, as the driver requires) as `format`; panics on an
/// internal error, which libFuzzer reports as a crash.
pub fn load_must_not_crash(data: &[u8], format: Format) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let loaded = input::load(FileId(0), text, format, &Limits::default());
    if let Some(d) = loaded
        .diagnostics
        .iter()
        .find(|d| d.code == Code::InternalError)
    {
        panic!("internal error: {}", d.message);
    }
}

/// Loads `data` (when it is UTF-8) as YAML with the block reader and with saphyr alone;
/// panics when the two readings differ. The block reader must give saphyr's result or none.
pub fn yaml_readers_must_agree(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(difference) = input::yaml_readers_agree(text) {
        panic!("{difference}");
    }
}
