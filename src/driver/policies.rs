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
    compile_parsed(parsed.into_iter())
}

/// Like [`compile_policies`], leaving out the stdlib modules no other file imports, directly or
/// through other stdlib modules, nor declares as its own package (the files of a package see
/// each other's names without an import). What a check compiles: a policy that imports
/// `std.strings` alone is not made to parse the whole stdlib first (five sixths of the 10
/// reference checks' compiling). The modules kept are compiled as [`compile_policies`]
/// compiles them, in the same order; a stdlib file's module is `std.` and its name
/// (`stdlib/k8s.pal` is `std.k8s`).
pub fn compile_imported(db: &SourceDb, files: &[FileId]) -> LoadedPolicies {
    let parse = |ids: &[(usize, FileId)]| -> Vec<(usize, syntax::Parsed)> {
        ids.par_iter()
            .map(|&(at, id)| (at, syntax::parse(id, db.text(id))))
            .collect()
    };
    // The stdlib files with their modules, and the other files; each with its place.
    let mut left = Vec::new();
    let mut others = Vec::new();
    for (at, &id) in files.iter().enumerate() {
        let module = db
            .get(id)
            .and_then(|f| f.name.strip_prefix("<builtin>/stdlib/"))
            .and_then(|name| name.strip_suffix(".pal"))
            .map(|stem| format!("std.{stem}"));
        match module {
            Some(module) => left.push((module, (at, id))),
            None => others.push((at, id)),
        }
    }
    let mut parsed = parse(&others);
    let mut wanted = std::collections::HashSet::new();
    let mut looked = 0;
    loop {
        for (_, p) in parsed.iter().skip(looked) {
            let m = &p.module;
            wanted.extend(m.package.iter().map(|p| p.text()));
            wanted.extend(m.items.iter().filter_map(|item| match item {
                syntax::ast::Item::Import(i) => Some(i.path.text()),
                _ => None,
            }));
        }
        looked = parsed.len();
        let (now, later): (Vec<_>, Vec<_>) = left
            .into_iter()
            .partition(|(module, _)| wanted.contains(module));
        left = later;
        if now.is_empty() {
            break;
        }
        let now: Vec<(usize, FileId)> = now.into_iter().map(|(_, file)| file).collect();
        parsed.extend(parse(&now));
    }
    parsed.sort_by_key(|(at, _)| *at);
    compile_parsed(parsed.into_iter().map(|(_, p)| p))
}

/// Compiles parsed files together, their syntax diagnostics first.
fn compile_parsed(parsed: impl Iterator<Item = syntax::Parsed>) -> LoadedPolicies {
    let mut diags = Vec::new();
    let mut modules = Vec::new();
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
    // (`to_str` first: it checks UTF-8 many bytes at a time, where `to_string_lossy` goes a
    // byte at a time; a run names every file found.)
    let s = path
        .to_str()
        .map_or_else(|| path.to_string_lossy(), std::borrow::Cow::Borrowed);
    let s = (s.strip_prefix("./"))
        .or_else(|| s.strip_prefix(".\\"))
        .unwrap_or(&s);
    s.replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_paths_have_forward_slashes_and_no_leading_dot() {
        for (path, shown) in [
            ("a/b.yaml", "a/b.yaml"),
            ("./a/b.yaml", "a/b.yaml"),
            (".\\a\\b.yaml", "a/b.yaml"),
            ("././a", "./a"),
            (".\\./a", "./a"),
            ("./\\a", "/a"),
            (".hidden/x", ".hidden/x"),
            ("", ""),
        ] {
            assert_eq!(display_path(Path::new(path)), shown, "{path}");
        }
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let bad = std::ffi::OsStr::from_bytes(b"./d\\\xffe.yaml");
            assert_eq!(display_path(Path::new(bad)), "d/\u{fffd}e.yaml");
        }
    }

    /// `policy` (a file of our own) compiled beside the stdlib as a check compiles it: the
    /// packages of the modules kept, in order, and the diagnostics, which must be those of
    /// compiling the whole stdlib, as must the rules.
    fn compiled_for_a_check(policy: &str) -> (Vec<String>, Vec<String>) {
        let mut db = SourceDb::new();
        let mut files: Vec<FileId> = builtin::files("stdlib/", "pal")
            .into_iter()
            .map(|(path, text)| db.add(SourceFile::new(format!("<builtin>/{path}"), text)))
            .collect();
        files.push(db.add(SourceFile::new("mine.pal", policy)));
        let outcome = |loaded: &LoadedPolicies| {
            let rules: Vec<String> = loaded
                .compiled
                .program
                .rules()
                .map(|r| r.id.clone())
                .collect();
            let diags: Vec<String> = loaded
                .compiled
                .diagnostics
                .iter()
                .map(|d| format!("{:?} {} {:?}", d.code, d.message, d.span))
                .collect();
            (rules, diags)
        };
        let lazy = compile_imported(&db, &files);
        let all = compile_policies(&db, &files);
        assert_eq!(all.modules.len(), files.len());
        assert_eq!(outcome(&lazy), outcome(&all));
        let packages = lazy.modules.iter().map(check::package_of).collect();
        (packages, outcome(&lazy).1)
    }

    #[test]
    fn stdlib_files_are_named_after_their_packages() {
        // `compile_imported` finds a stdlib module's file by this name.
        for (path, text) in builtin::files("stdlib/", "pal") {
            let stem = path
                .strip_prefix("stdlib/")
                .and_then(|p| p.strip_suffix(".pal"))
                .unwrap();
            let parsed = syntax::parse(FileId(0), text);
            let package = parsed.module.package.as_ref().map(|p| p.text());
            assert_eq!(package, Some(format!("std.{stem}")), "{path}");
        }
    }

    #[test]
    fn a_check_compiles_the_stdlib_modules_imported_and_no_others() {
        // `std.k8s` imports `std.strings`: both are compiled, through the import of one.
        let (packages, diags) = compiled_for_a_check(
            "package mine\n\nimport std.k8s\n\nrule pinned {\n  severity low\n  for c in k8s.containers\n  where not k8s.image_has_digest(c.image)\n  deny: \"not pinned\"\n}\n",
        );
        assert_eq!(packages, ["std.k8s", "std.strings", "mine"]);
        assert!(diags.is_empty(), "{diags:?}");
    }

    #[test]
    fn a_policy_in_a_stdlib_package_gets_that_module_without_importing_it() {
        let (packages, diags) = compiled_for_a_check(
            "package std.k8s\n\nrule pinned {\n  severity low\n  for c in k8s.containers\n  where not image_has_digest(c.image)\n  deny: \"not pinned\"\n}\n",
        );
        assert_eq!(packages, ["std.k8s", "std.strings", "std.k8s"]);
        assert!(diags.is_empty(), "{diags:?}");
    }

    #[test]
    fn a_policy_importing_no_stdlib_module_compiles_alone_and_is_diagnosed_alike() {
        // An unknown module, an unused import and a syntax error are reported as when the
        // whole stdlib is compiled.
        let (packages, diags) = compiled_for_a_check(
            "package mine\n\nimport std.nope\nimport std.zones\n\nrule r {\n  severity low\n  for w in k8s.workloads\n  where w.name == 1 +\n  deny: \"x\"\n}\n",
        );
        assert_eq!(packages, ["std.zones", "mine"]);
        assert!(!diags.is_empty());
    }
}
