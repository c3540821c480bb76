//! Loading policies: the embedded stdlib, the embedded IEC 62443 pack and user directories.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::builtin;
use crate::check::{self, Compiled};
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, SourceDb, SourceFile};
use crate::syntax::{self, Module};

/// Where policies come from.
#[derive(Clone, Debug, Default)]
pub struct PolicySources {
    /// Include the built-in IEC 62443 pack.
    pub builtin_pack: bool,
    /// With the pack, also its tests (`policies/*/tests/`): `palisade test --with-builtin`
    /// runs them; a check has no use for them, and they are a third of the pack's text.
    pub builtin_tests: bool,
    /// Extra `.pal` files or directories of them.
    pub paths: Vec<PathBuf>,
}

/// Policies parsed and compiled, with every diagnostic found on the way.
pub struct LoadedPolicies {
    pub compiled: Compiled,
    pub modules: Vec<Module>,
}

/// Adds the policy files to `db`, parses them in parallel and compiles them together.
pub fn load_policies(db: &mut SourceDb, sources: &PolicySources) -> LoadedPolicies {
    let read = read_policies(db, sources);
    let mut loaded = compile_policies(db, &read.files);
    let mut diags = read.diagnostics;
    diags.append(&mut loaded.compiled.diagnostics);
    loaded.compiled.diagnostics = diags;
    loaded
}

/// The policy files a run reads, added to its source database, and the diagnostics of reading
/// them; [`compile_policies`] parses and compiles them.
pub struct ReadPolicies {
    pub files: Vec<FileId>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Adds the policy files of `sources` to `db` (the embedded ones, then those under `paths`),
/// without parsing them.
pub fn read_policies(db: &mut SourceDb, sources: &PolicySources) -> ReadPolicies {
    let mut diags = Vec::new();
    let mut files = Vec::new();
    for (path, text) in builtin::files("stdlib/", "pal") {
        files.push(db.add(SourceFile::new(format!("<builtin>/{path}"), text)));
    }
    if sources.builtin_pack {
        for (path, text) in builtin::files("policies/", "pal") {
            if !sources.builtin_tests && is_test_file(path) {
                continue;
            }
            files.push(db.add(SourceFile::new(format!("<builtin>/{path}"), text)));
        }
    }
    for path in &sources.paths {
        for file in pal_files(path, &mut diags) {
            let name = display_path(&file);
            match std::fs::read(&file) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => files.push(db.add(SourceFile::new(name, text))),
                    Err(_) => diags.push(
                        Diagnostic::new(
                            Code::NotUtf8,
                            format!("policy file `{name}` is not UTF-8 text"),
                        )
                        .path(name)
                        .help("save the policy as UTF-8"),
                    ),
                },
                Err(e) => diags.push(
                    Diagnostic::new(
                        Code::IoError,
                        format!("cannot read policy file `{name}`: {e}"),
                    )
                    .path(name)
                    .help("check that the file exists and is readable"),
                ),
            }
        }
    }
    ReadPolicies {
        files,
        diagnostics: diags,
    }
}

/// Parses the policy files [`read_policies`] added to `db` in parallel and compiles them
/// together; the diagnostics are those of parsing and compiling.
pub fn compile_policies(db: &SourceDb, files: &[FileId]) -> LoadedPolicies {
    let parsed: Vec<syntax::Parsed> = files
        .par_iter()
        .map(|id| syntax::parse(*id, db.text(*id)))
        .collect();
    let mut diags = Vec::new();
    let mut modules = Vec::with_capacity(parsed.len());
    for p in parsed {
        diags.extend(p.diagnostics);
        modules.push(p.module);
    }
    let mut compiled = check::compile(&modules);
    diags.append(&mut compiled.diagnostics);
    compiled.diagnostics = diags;
    LoadedPolicies { compiled, modules }
}

/// Whether an embedded pack file holds tests (it lies under a `tests/` directory).
fn is_test_file(path: &str) -> bool {
    path.split('/').any(|part| part == "tests")
}

/// Every `.pal` file at `path` (a file, or a directory walked recursively), sorted.
pub fn pal_files(path: &Path, diags: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    if !path.is_dir() {
        diags.push(
            Diagnostic::new(
                Code::BadPath,
                format!("policy path `{}` does not exist", display_path(path)),
            )
            .path(display_path(path))
            .help("pass a `.pal` file or a directory containing them"),
        );
        return Vec::new();
    }
    // Policy directories are walked without following symbolic links, so a policy root
    // never reaches past itself; links, unreadable directories and vanished entries are
    // reported, not skipped in silence.
    let mut out = Vec::new();
    for entry in WalkDir::new(path).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let at = e.path().map_or_else(|| display_path(path), display_path);
                diags.push(
                    Diagnostic::new(Code::IoError, format!("cannot read `{at}`: {e}"))
                        .path(at)
                        .help("check the permissions of the policy directory"),
                );
                continue;
            }
        };
        if entry.file_type().is_symlink() {
            let at = display_path(entry.path());
            diags.push(
                Diagnostic::new(
                    Code::SymlinkSkipped,
                    format!("symbolic link `{at}` in a policy directory is not followed"),
                )
                .severity(crate::diag::Severity::Warning)
                .path(at)
                .help("policies are read only from inside the given directories; pass the target with another `--policy`"),
            );
            continue;
        }
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|x| x == "pal") {
            out.push(entry.into_path());
        }
    }
    out.sort();
    out
}

/// A path as shown to users: as given, with `/` separators and no leading `./`.
pub fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}
