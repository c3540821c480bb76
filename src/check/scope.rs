//! Symbol tables: what each package defines and what each module can see.

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::natives::{self, Native};
use crate::source::Span;

/// A function or constant defined in a `.pal` file.
#[derive(Debug)]
pub(crate) struct GlobalSig {
    /// Number of parameters (functions only).
    pub(crate) arity: usize,
    pub(crate) span: Span,
}

/// The definitions of one package (possibly spread over several files).
#[derive(Debug, Default)]
pub(crate) struct Package {
    pub(crate) fns: HashMap<Arc<str>, u32>,
    pub(crate) consts: HashMap<Arc<str>, u32>,
}

/// Everything defined anywhere in the policy set.
#[derive(Debug, Default)]
pub(crate) struct Globals {
    pub(crate) packages: BTreeMap<String, Package>,
    pub(crate) fns: Vec<GlobalSig>,
    pub(crate) consts: Vec<GlobalSig>,
}

/// What a name refers to at module level.
#[derive(Copy, Clone, Debug)]
pub(crate) enum Target {
    Fn(u32),
    Const(u32),
    Native(&'static Native),
}

impl Globals {
    pub(crate) fn module_exists(&self, path: &str) -> bool {
        self.packages.contains_key(path) || natives::is_module(path)
    }

    /// A member of a module: a `.pal` function or constant, or a native.
    pub(crate) fn member(&self, module: &str, name: &str) -> Option<Target> {
        if let Some(pkg) = self.packages.get(module) {
            if let Some(id) = pkg.fns.get(name) {
                return Some(Target::Fn(*id));
            }
            if let Some(id) = pkg.consts.get(name) {
                return Some(Target::Const(*id));
            }
        }
        natives::lookup(module, name).map(Target::Native)
    }

    /// Every member name of a module (for suggestions and completion).
    pub(crate) fn member_names(&self, module: &str) -> Vec<String> {
        let mut names: Vec<String> = natives::in_module(module)
            .map(|n| n.name.to_string())
            .collect();
        if let Some(pkg) = self.packages.get(module) {
            names.extend(pkg.fns.keys().map(|k| k.to_string()));
            names.extend(pkg.consts.keys().map(|k| k.to_string()));
        }
        names.sort();
        names.dedup();
        names
    }

    /// Every module path (packages and native modules).
    pub(crate) fn module_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.packages.keys().cloned().collect();
        names.extend(natives::all().map(|n| n.module.to_string()));
        names.sort();
        names.dedup();
        names
    }
}

/// A name brought in by `import m.{name}`.
#[derive(Debug)]
pub(crate) struct ImportedName {
    pub(crate) target: Target,
    pub(crate) span: Span,
    pub(crate) used: Cell<bool>,
}

/// A module brought in by `import m` or `import m as alias`.
#[derive(Debug)]
pub(crate) struct ImportedModule {
    pub(crate) path: String,
    pub(crate) span: Span,
    pub(crate) used: Cell<bool>,
}

/// What one module sees at top level besides its own package.
#[derive(Debug, Default)]
pub(crate) struct ModScope {
    pub(crate) package: String,
    pub(crate) names: HashMap<Arc<str>, ImportedName>,
    pub(crate) modules: HashMap<Arc<str>, ImportedModule>,
}
