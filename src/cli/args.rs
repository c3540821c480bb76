//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Palisade checks plant configuration against IEC 62443 security requirements.
#[derive(Debug, Parser)]
#[command(name = "palisade", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Check configuration files against the built-in IEC 62443 pack and your policies.
    Check(Box<CheckArgs>),
    /// Run the `test` blocks of policy files.
    Test(TestArgs),
    /// Format `.pal` policy files.
    Fmt(FmtArgs),
    /// Show the documentation of a rule, a requirement (`SR 5.2`), a diagnostic code or a
    /// builtin function.
    Explain(ExplainArgs),
    /// List the IEC 62443-3-3 requirements, the rules implementing each, and which need
    /// manual evidence.
    Requirements(RequirementsArgs),
    /// Assess the security level each zone of the zones model achieves, per foundational
    /// requirement, against its target.
    Assess(AssessArgs),
    /// Write a commented starter `palisade.toml`.
    Init(InitArgs),
    /// Combine the JSON or SARIF reports of sharded runs (`check --shard K/N`) into one.
    Merge(MergeArgs),
    /// Write the audit-readiness report: zones and conduits, SL-T against SL-A, the
    /// requirement matrix, findings and waivers, as JSON or one self-contained HTML page.
    Report(Box<ReportArgs>),
}

/// Which rules run.
#[derive(Debug, Args, Default, Clone)]
pub(crate) struct SelectArgs {
    /// Run only this rule (repeatable).
    #[arg(long = "rule", value_name = "ID")]
    pub(crate) rules: Vec<String>,
    /// Run only rules of this foundational requirement, e.g. `FR5` (repeatable).
    #[arg(long = "fr", value_name = "FR")]
    pub(crate) frs: Vec<String>,
    /// Run only rules citing this requirement, e.g. `SR 5.2` or `SR 1.1 RE 2`; `SR 5.2` also
    /// selects its enhancements (repeatable).
    #[arg(long = "sr", value_name = "SR")]
    pub(crate) srs: Vec<String>,
    /// Run only rules of this severity or higher.
    #[arg(long, value_name = "SEVERITY")]
    pub(crate) severity: Option<String>,
    /// Target security level: run the rules that apply at SL 1 up to this level.
    #[arg(long, value_name = "1-4")]
    pub(crate) level: Option<u8>,
    /// Do not run the rules this covers: a rule id, `FR5` or `SR 5.2` (repeatable; adds to
    /// `[rules] ignore` of palisade.toml).
    #[arg(long = "ignore", value_name = "RULE")]
    pub(crate) ignore: Vec<String>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Human,
    Json,
}

/// The formats `palisade check` writes.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum CheckFormat {
    /// Snippets with labels and help, and a summary line.
    Human,
    /// One JSON object (schema in `docs/output.md`).
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// JUnit XML: a test suite per rule, a test case per flagged file.
    Junit,
    /// GitHub Actions workflow commands (annotations).
    Github,
}

impl CheckFormat {
    /// Whether the format quotes input files (snippets, fingerprints of the text flagged),
    /// rather than only naming lines and columns.
    pub(crate) fn quotes_inputs(self) -> bool {
        match self {
            CheckFormat::Human | CheckFormat::Sarif => true,
            CheckFormat::Json | CheckFormat::Junit | CheckFormat::Github => false,
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub(crate) struct CommonArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub(crate) format: Format,
    /// When to use colours in human output (`auto`: on a terminal, unless NO_COLOR is set).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
    /// Number of worker threads (default: one per core).
    #[arg(long, short = 'j')]
    pub(crate) jobs: Option<usize>,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Files or directories to check (default: the current directory).
    pub(crate) paths: Vec<PathBuf>,
    /// A `.pal` file or directory of them to add to the built-in pack (repeatable).
    #[arg(long = "policy", value_name = "PATH")]
    pub(crate) policies: Vec<PathBuf>,
    /// Do not load the built-in IEC 62443 pack (only `--policy` rules run).
    #[arg(long)]
    pub(crate) no_builtin: bool,
    /// Only check paths matching this glob, relative to each checked directory (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub(crate) include: Vec<String>,
    /// Skip paths matching this glob, relative to each checked directory (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub(crate) exclude: Vec<String>,
    /// Check files that `.gitignore` files exclude.
    #[arg(long)]
    pub(crate) no_gitignore: bool,
    /// Follow symbolic links that stay inside the checked directory (loops and links leading
    /// outside it are reported and never followed).
    #[arg(long)]
    pub(crate) follow_symlinks: bool,
    /// Largest input file to read, in bytes [default: 33554432, or `[limits]` of palisade.toml].
    #[arg(long, value_name = "BYTES")]
    pub(crate) max_file_size: Option<u64>,
    /// Deepest nesting of lists and maps in an input [default: 256].
    #[arg(long, value_name = "N")]
    pub(crate) max_depth: Option<usize>,
    /// Most nodes YAML aliases may expand to in one file [default: 100000].
    #[arg(long, value_name = "N")]
    pub(crate) max_alias_nodes: Option<usize>,
    /// Most documents in one input file [default: 10000].
    #[arg(long, value_name = "N")]
    pub(crate) max_documents: Option<usize>,
    /// Most values in one input file (estimated before parsing from its lines, commas and
    /// brackets); bounds the memory one file can take [default: 1000000].
    #[arg(long, value_name = "N")]
    pub(crate) max_nodes: Option<usize>,
    /// Evaluation steps allowed for one rule on one entity [default: 1000000].
    #[arg(long, value_name = "N")]
    pub(crate) max_steps: Option<u64>,
    /// Print only the summary line (human format).
    #[arg(long, short, conflicts_with = "verbose")]
    pub(crate) quiet: bool,
    /// Print what runs, and how long each phase took, on standard error.
    #[arg(long, short)]
    pub(crate) verbose: bool,
    /// Print what the rules and constants that cost most took (time summed over threads,
    /// evaluation steps, units, findings) on standard error. Everything is evaluated: the
    /// result cache is neither read nor written.
    #[arg(long)]
    pub(crate) profile: bool,
    /// Use this configuration file instead of the `palisade.toml` found by walking up from
    /// the first checked path.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub(crate) config: Option<PathBuf>,
    /// Do not read any `palisade.toml`.
    #[arg(long)]
    pub(crate) no_config: bool,
    /// The lowest finding severity that fails the run (exit 1); lower ones are still
    /// reported [default: low, or `fail-on` of palisade.toml].
    #[arg(long, value_name = "SEVERITY")]
    pub(crate) fail_on: Option<String>,
    /// Report only findings in files changed since this git revision (committed, staged,
    /// unstaged or untracked). Every file is still loaded, for cross-document rules.
    #[arg(long, value_name = "REV")]
    pub(crate) changed_since: Option<String>,
    /// Evaluate and report only part K of N of the work, for a CI matrix; combine the parts
    /// with `palisade merge`.
    #[arg(long, value_name = "K/N")]
    pub(crate) shard: Option<String>,
    #[command(flatten)]
    pub(crate) select: SelectArgs,
    #[command(flatten)]
    pub(crate) output: CheckOutputArgs,
    /// When to use colours in human output (`auto`: on a terminal, unless NO_COLOR is set);
    /// never in files.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
    /// Number of worker threads (default: one per core).
    #[arg(long, short = 'j')]
    pub(crate) jobs: Option<usize>,
    /// Report only findings not in this baseline file (see `--write-baseline`).
    #[arg(long, value_name = "FILE")]
    pub(crate) baseline: Option<PathBuf>,
    /// Record every current finding in this baseline file; the run then counts them as in
    /// the baseline and exits 0 unless there are errors.
    #[arg(long, value_name = "FILE")]
    pub(crate) write_baseline: Option<PathBuf>,
    /// The date `expires=` of suppressions is compared with (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub(crate) today: Option<jiff::civil::Date>,
    /// Do not read or write the result cache (see docs/cache.md).
    #[arg(long)]
    pub(crate) no_cache: bool,
    /// The result cache's directory (default `$XDG_CACHE_HOME/palisade`, else
    /// `~/.cache/palisade`); safe to delete at any time.
    #[arg(long, value_name = "DIR")]
    pub(crate) cache_dir: Option<PathBuf>,
}

/// Where `palisade check` writes which format.
#[derive(Debug, Args, Default)]
pub(crate) struct CheckOutputArgs {
    /// Output format (default `human`). Repeatable, to write several formats in one run: each
    /// `--output` writes the `--format` given just before it; a `--format` without one goes to
    /// standard output (at most one may).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub(crate) format: Vec<CheckFormat>,
    /// Write the preceding `--format` to this file instead of standard output (repeatable).
    #[arg(long, value_name = "FILE")]
    pub(crate) output: Vec<PathBuf>,
    /// Where each `--format` and `--output` stood on the command line (filled after parsing).
    #[arg(skip)]
    pub(crate) format_positions: Vec<usize>,
    #[arg(skip)]
    pub(crate) output_positions: Vec<usize>,
}

#[derive(Debug, Args)]
pub(crate) struct RequirementsArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub(crate) format: Format,
    /// Also count the rules of these `.pal` files or directories.
    #[arg(long = "policy", value_name = "PATH")]
    pub(crate) policies: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct AssessArgs {
    /// Files or directories to check, including a zones model (default: the current directory).
    pub(crate) paths: Vec<PathBuf>,
    /// A `.pal` file or directory of them to add to the built-in pack (repeatable).
    #[arg(long = "policy", value_name = "PATH")]
    pub(crate) policies: Vec<PathBuf>,
    /// Use this configuration file instead of the `palisade.toml` found by walking up.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub(crate) config: Option<PathBuf>,
    /// Do not read any `palisade.toml`.
    #[arg(long)]
    pub(crate) no_config: bool,
    #[command(flatten)]
    pub(crate) common: CommonArgs,
}

/// The formats `palisade report` writes.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReportFormat {
    /// The report model (schema in `docs/report.md`).
    Json,
    /// One self-contained HTML page with the diagram and charts.
    Html,
}

#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// Files or directories to check, including a zones model (default: the current directory).
    pub(crate) paths: Vec<PathBuf>,
    /// Write the HTML report to this file (with `--format`, both are written).
    #[arg(long, value_name = "FILE")]
    pub(crate) html: Option<PathBuf>,
    /// Format written to `--output` or standard output (default `json`, or nothing when only
    /// `--html` is given).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub(crate) format: Option<ReportFormat>,
    /// Write `--format` to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// A `.pal` file or directory of them to add to the built-in pack (repeatable).
    #[arg(long = "policy", value_name = "PATH")]
    pub(crate) policies: Vec<PathBuf>,
    /// Do not load the built-in IEC 62443 pack (only `--policy` rules run).
    #[arg(long)]
    pub(crate) no_builtin: bool,
    /// Only check paths matching this glob, relative to each checked directory (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub(crate) include: Vec<String>,
    /// Skip paths matching this glob, relative to each checked directory (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub(crate) exclude: Vec<String>,
    /// Check files that `.gitignore` files exclude.
    #[arg(long)]
    pub(crate) no_gitignore: bool,
    /// Run the rules that apply at SL 1 up to this level.
    #[arg(long, value_name = "1-4")]
    pub(crate) level: Option<u8>,
    /// Use this configuration file instead of the `palisade.toml` found by walking up.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub(crate) config: Option<PathBuf>,
    /// Do not read any `palisade.toml`.
    #[arg(long)]
    pub(crate) no_config: bool,
    /// The report's date, also compared with waivers' `expires=` (default: SOURCE_DATE_EPOCH
    /// if set, else today, UTC).
    #[arg(long, alias = "today", value_name = "YYYY-MM-DD")]
    pub(crate) date: Option<jiff::civil::Date>,
    /// Number of worker threads (default: one per core).
    #[arg(long, short = 'j')]
    pub(crate) jobs: Option<usize>,
}

#[derive(Debug, Args)]
pub(crate) struct TestArgs {
    /// Policy files or directories whose `test` blocks to run (default: the current directory).
    pub(crate) paths: Vec<PathBuf>,
    /// Also load the built-in IEC 62443 pack (its rules can then be named in `expect`).
    #[arg(long)]
    pub(crate) with_builtin: bool,
    /// Only run tests whose name contains this text.
    #[arg(long, value_name = "TEXT")]
    pub(crate) filter: Option<String>,
    #[command(flatten)]
    pub(crate) common: CommonArgs,
}

#[derive(Debug, Args)]
pub(crate) struct FmtArgs {
    /// Policy files or directories to format (default: the current directory).
    pub(crate) paths: Vec<PathBuf>,
    /// Do not write; exit 1 if any file would change.
    #[arg(long)]
    pub(crate) check: bool,
    /// When to use colours in diagnostics.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
}

#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    /// A rule id (`privileged_container`), a requirement (`SR 5.2`, `SR 1.1 RE 2`), a diagnostic
    /// code (`palisade::unknown-name`) or a builtin function (`has_prefix`).
    #[arg(required = true, num_args = 1..)]
    pub(crate) what: Vec<String>,
    /// Also look in these `.pal` files or directories (for your own rules).
    #[arg(long = "policy", value_name = "PATH")]
    pub(crate) policies: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// The directory to write `palisade.toml` into (default: the current directory).
    pub(crate) dir: Option<PathBuf>,
    /// Replace an existing `palisade.toml`.
    #[arg(long)]
    pub(crate) force: bool,
}

/// The formats `palisade merge` writes.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum MergeFormat {
    /// The JSON report of `check --format json`.
    Json,
    /// SARIF 2.1.0 (inputs must be SARIF reports of `check --format sarif`).
    Sarif,
}

#[derive(Debug, Args)]
pub(crate) struct MergeArgs {
    /// Reports written by `palisade check --shard K/N --format json` (or `--format sarif`).
    #[arg(required = true, num_args = 1..)]
    pub(crate) reports: Vec<PathBuf>,
    /// Output format; it must be the format of the inputs.
    #[arg(long, value_enum, default_value_t = MergeFormat::Json)]
    pub(crate) format: MergeFormat,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// The lowest finding severity that makes the exit status 1, as `check --fail-on`
    /// [default: low].
    #[arg(long, value_name = "SEVERITY")]
    pub(crate) fail_on: Option<String>,
}
