//! `palisade fmt`: format `.pal` files, or check that they are formatted.

use super::args::FmtArgs;
use super::output::emit_err;
use super::ExitStatus;

pub(crate) fn run(_args: &FmtArgs) -> ExitStatus {
    emit_err("error[palisade::bad-argument]: `palisade fmt` is not available in this build yet\n");
    ExitStatus::Error
}
