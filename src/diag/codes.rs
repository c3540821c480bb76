//! Every diagnostic code, declared once with its severity and documentation.
//!
//! Codes are stable: they appear in JSON output and users match on them. The summary of each
//! is what `palisade explain CODE` prints.

use super::Severity;

macro_rules! codes {
    ($( $(#[doc = $doc:literal])* $variant:ident = $name:literal, $sev:ident; )*) => {
        /// A stable diagnostic code such as `palisade::unknown-function`.
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The code as users see it, e.g. `palisade::syntax-error`.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => concat!("palisade::", $name), )* }
            }

            pub fn default_severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$sev, )* }
            }

            /// The documentation of the code.
            pub fn doc(self) -> &'static str {
                match self { $( Code::$variant => concat!($($doc, "\n"),*), )* }
            }
        }
    };
}

codes! {
    // ---- policy syntax and modules
    /// The policy text does not follow the grammar. The parser recovers at the next top-level
    /// item (`rule`, `fn`, `const`, `import`, `test`), so several syntax errors are reported at once.
    SyntaxError = "syntax-error", Error;
    /// A `package` declaration is missing or malformed.
    BadPackage = "bad-package", Error;
    /// An `import` names a module that no loaded policy, stdlib module or native family provides.
    UnknownImport = "unknown-import", Error;
    /// An imported name is not defined by the imported module.
    UnknownImportedName = "unknown-imported-name", Error;
    /// Modules import each other in a cycle.
    ImportCycle = "import-cycle", Error;
    /// Two items in one package (or two rules anywhere) share a name.
    DuplicateDefinition = "duplicate-definition", Error;
    /// An import that nothing in the module uses.
    UnusedImport = "unused-import", Warning;

    // ---- static checks
    /// A name that is not a local binding, constant, function, import or entity kind.
    UnknownName = "unknown-name", Error;
    /// A call to a function that does not exist.
    UnknownFunction = "unknown-function", Error;
    /// An entity kind the engine does not provide (e.g. `k8s.containerz`).
    UnknownEntity = "unknown-entity", Error;
    /// A call with the wrong number of arguments.
    WrongArity = "wrong-arity", Error;
    /// An operation whose operand types can never work, found before anything runs.
    TypeMismatch = "type-mismatch", Error;
    /// A `let` or loop binding that is never used. Prefix the name with `_` to keep it.
    UnusedBinding = "unused-binding", Warning;
    /// A rule metadata entry is unknown, repeated or has a bad value.
    BadMetadata = "bad-metadata", Error;
    /// A regular expression literal does not compile.
    BadRegex = "bad-regex", Error;
    /// A test block is malformed (unknown rule, missing input, bad location).
    BadTest = "bad-test", Error;

    // ---- evaluation
    /// An operation failed at run time for one rule and one entity; the other entities and
    /// rules still run.
    EvalError = "eval-error", Error;
    /// A rule exceeded an evaluation bound (steps, recursion depth, collection size).
    LimitExceeded = "limit-exceeded", Error;
    /// An internal error was caught while evaluating; please report it.
    InternalError = "internal-error", Error;

    // ---- inputs
    /// An input file could not be read.
    IoError = "io-error", Error;
    /// An input file is not valid YAML, JSON or TOML.
    InputSyntax = "input-syntax", Error;
    /// An input file is not UTF-8 text.
    NotUtf8 = "not-utf8", Error;
    /// A map in an input has the same key twice; the last value is used.
    DuplicateKey = "duplicate-key", Warning;
    /// A `.json` file uses what only JSONC allows (comments, trailing commas). Palisade reads
    /// it, but strict JSON readers, and so the tools that consume the file, may not. A note,
    /// since editor and compiler configuration files are often written so on purpose.
    JsoncExtension = "jsonc-extension", Info;
    /// A number too large (or too small) for a 64-bit integer or float: it is read as the
    /// nearest float (or infinity, or zero), so comparisons with it may not be what was meant.
    LossyNumber = "lossy-number", Warning;
    /// An input exceeds a loader limit (size, depth, aliases, documents).
    InputLimit = "input-limit", Error;
    /// A symbolic link in a checked directory that was not followed: by default no link is
    /// (`--follow-symlinks` follows those that stay inside the checked tree), and a link that
    /// leads outside the tree, loops back on its own ancestors or points nowhere never is.
    /// Name a file on the command line to check it wherever it is.
    SymlinkSkipped = "symlink-skipped", Info;
    /// A FIFO, socket or device found in a walk or named on the command line: never read (it
    /// could block or never end).
    SpecialFile = "special-file", Info;
    /// An input file holds no document (it is empty, or only whitespace and comments).
    EmptyInput = "empty-input", Warning;
    /// A YAML alias refers to an anchor that was never defined.
    UnknownAnchor = "unknown-anchor", Error;

    /// A firewall construct the adapter does not model; the rule it is in is treated
    /// conservatively and reports say so.
    FirewallUnsupported = "firewall-unsupported", Warning;
    /// A firewall line that cannot be read at all (it is skipped).
    FirewallSyntax = "firewall-syntax", Error;
    /// A reference to an object group, alias, named set or chain that is not defined.
    UnknownObject = "unknown-object", Warning;

    // ---- suppressions and baselines
    /// A `palisade:ignore` comment is malformed: no rule or requirement, no `reason`, an
    /// unknown key or a bad `expires` date. It suppresses nothing.
    BadSuppression = "bad-suppression", Error;
    /// A `palisade:ignore` comment whose `expires` date has passed. It no longer suppresses,
    /// and the run fails until the finding is fixed or the exception renewed.
    ExpiredSuppression = "expired-suppression", Error;
    /// A `palisade:ignore` comment that covers no finding (fixed, moved, or a wrong rule id).
    UnusedSuppression = "unused-suppression", Warning;
    /// The `--baseline` file is missing or is not a palisade baseline.
    BadBaseline = "bad-baseline", Error;

    // ---- configuration
    /// `palisade.toml` has an unknown key, a value of the wrong type, or a bad glob, rule
    /// reference or format name. The run stops before checking anything.
    BadConfig = "bad-config", Error;
    /// `--changed-since REV` could not ask git which files changed.
    GitError = "git-error", Error;
    /// `palisade merge` was given a file that is not a palisade JSON or SARIF report.
    BadReport = "bad-report", Error;

    // ---- result cache
    /// The result cache of `palisade check` could not be written (a read-only or full disk, a
    /// file where the cache directory should be). The run's results are complete and correct;
    /// the next run just cannot reuse them. Point `--cache-dir` elsewhere or pass `--no-cache`.
    CacheUnavailable = "cache-unavailable", Warning;

    // ---- command line
    /// A path given on the command line does not exist or cannot be used.
    BadPath = "bad-path", Error;
    /// A command-line value is not valid.
    BadArgument = "bad-argument", Error;
    /// A `.pal` file is not formatted (from `palisade fmt --check`).
    Unformatted = "unformatted", Error;
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
