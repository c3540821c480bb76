//! `palisade fmt`: format `.pal` files, or check that they are formatted.

use palisade::diag::{Code, Diagnostic};
use palisade::driver::{display_path, pal_files};
use palisade::fmt::{format, FormatOptions};
use palisade::report::human::Renderer;
use palisade::source::{SourceDb, SourceFile};
use palisade::syntax;

use super::args::FmtArgs;
use super::output::{emit, emit_err, use_color, width, write_atomically};
use super::ExitStatus;

pub(crate) fn run(args: &FmtArgs) -> ExitStatus {
    let paths = super::output::paths_or_here(&args.paths);
    let mut db = SourceDb::new();
    let mut diags = Vec::new();
    let mut files = Vec::new();
    for p in &paths {
        files.extend(pal_files(p, &mut diags));
    }
    let options = FormatOptions::default();
    let mut unformatted = Vec::new();
    let mut reformatted = 0usize;
    for file in &files {
        let name = display_path(file);
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                diags.push(
                    Diagnostic::new(Code::IoError, format!("cannot read `{name}`: {e}"))
                        .path(name)
                        .help("check that the file exists and is readable UTF-8"),
                );
                continue;
            }
        };
        match format(&text, &options) {
            Some(formatted) if formatted == text => {}
            Some(formatted) => {
                if args.check {
                    unformatted.push(name);
                } else if let Err(e) = write_atomically(file, &formatted) {
                    diags.push(
                        Diagnostic::new(Code::IoError, format!("cannot write `{name}`: {e}"))
                            .path(name)
                            .help("check the permissions of the file"),
                    );
                } else {
                    reformatted += 1;
                }
            }
            None => {
                // Syntax errors: leave the file alone and say why.
                let id = db.add(SourceFile::new(name, text));
                diags.extend(
                    syntax::parse(id, db.text(id))
                        .diagnostics
                        .into_iter()
                        .filter(Diagnostic::is_error),
                );
            }
        }
    }
    let renderer = Renderer::new(&db, use_color(args.color), width());
    let mut err = String::new();
    for d in &diags {
        err.push_str(&renderer.diagnostic(d));
        err.push('\n');
    }
    for name in &unformatted {
        err.push_str(&format!("would reformat {name}\n"));
    }
    emit_err(&err);
    let summary = if args.check {
        format!(
            "{} file(s) checked, {} would be reformatted\n",
            files.len(),
            unformatted.len()
        )
    } else {
        format!(
            "{} file(s) checked, {reformatted} reformatted\n",
            files.len()
        )
    };
    emit(&summary);
    if diags.iter().any(Diagnostic::is_error) {
        ExitStatus::Error
    } else if !unformatted.is_empty() {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}
