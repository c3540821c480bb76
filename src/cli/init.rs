//! `palisade init`: writes a commented starter `palisade.toml`.

use std::path::PathBuf;

use palisade::config::{FILE_NAME, STARTER};
use palisade::diag::{Code, Diagnostic};
use palisade::report::human;
use palisade::source::SourceDb;

use super::args::InitArgs;
use super::output::{emit, emit_err, width, write_atomically};
use super::ExitStatus;

pub(crate) fn run(args: &InitArgs) -> ExitStatus {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let file = dir.join(FILE_NAME);
    let fail = |d: Diagnostic| {
        emit_err(&human::Renderer::new(&SourceDb::new(), false, width()).diagnostic(&d));
        ExitStatus::Error
    };
    if !dir.is_dir() {
        return fail(
            Diagnostic::new(
                Code::BadPath,
                format!("`{}` is not a directory", dir.display()),
            )
            .help("give the directory of the repository to configure"),
        );
    }
    if file.exists() && !args.force {
        return fail(
            Diagnostic::new(
                Code::BadPath,
                format!("`{}` already exists", file.display()),
            )
            .help("edit it, or pass `--force` to replace it with the starter"),
        );
    }
    if let Err(e) = write_atomically(&file, STARTER) {
        return fail(
            Diagnostic::new(
                Code::BadPath,
                format!("cannot write `{}`: {e}", file.display()),
            )
            .help("check that the directory is writable"),
        );
    }
    emit(&format!(
        "wrote {}: every key is commented out, so it behaves like no file; uncomment what you need\n",
        file.display()
    ));
    ExitStatus::Success
}
