//! Differential fuzzing of the YAML block reader (`src/input/yaml/block.rs`) against saphyr:
//! for any text, both readings must load the same documents, values, spans and diagnostics,
//! or the block reader must decline.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    palisade_fuzz::yaml_readers_must_agree(data);
});
