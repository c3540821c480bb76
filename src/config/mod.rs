//! `palisade.toml`: the project configuration, read into [`Config`] with every problem a
//! diagnostic pointing into the file.
//!
//! Pure: the driver finds and reads the file (see `driver/config.rs`) and passes its text in.
//! The file is loaded with the TOML input loader, so every key and value keeps its span.
//! Paths and globs in the file are relative to the file's directory.

mod refs;
mod starter;

use std::path::PathBuf;

use globset::Glob;

pub use refs::RuleRef;
pub use starter::STARTER;

use crate::check::did_you_mean;
use crate::diag::{Code, Diagnostic};
use crate::eval::RuleSeverity;
use crate::input::{self, Format};
use crate::source::{FileId, Span};
use crate::value::{Map, Value};

/// The file name looked for, from the checked path up to the file-system root.
pub const FILE_NAME: &str = "palisade.toml";

/// A validated configuration. `None` and empty lists mean "not set here".
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The directory holding the file; relative paths and globs start here.
    pub root: PathBuf,
    /// Load the built-in IEC 62443 pack.
    pub builtin: Option<bool>,
    /// Extra `.pal` files or directories, resolved against `root`.
    pub policies: Vec<PathBuf>,
    /// Target security level (rules that apply at SL 1 up to this run).
    pub level: Option<u8>,
    /// The lowest finding severity that makes the run fail.
    pub fail_on: Option<RuleSeverity>,
    /// Globs relative to `root`: only matching files are checked.
    pub include: Vec<String>,
    /// Globs relative to `root`: matching files and directories are skipped.
    pub exclude: Vec<String>,
    /// Honour `.gitignore` files (default true).
    pub gitignore: Option<bool>,
    /// Follow symbolic links that stay inside the checked tree (default false).
    pub follow_symlinks: Option<bool>,
    /// `[rules] select`: run only rules any of these covers.
    pub select: Vec<RuleRef>,
    /// `[rules] ignore`: never run rules any of these covers.
    pub ignore: Vec<RuleRef>,
    /// `[rules] severity`: run only rules of this severity or higher.
    pub severity: Option<RuleSeverity>,
    /// `[[overrides]]`: rules ignored under some paths.
    pub overrides: Vec<Override>,
    /// `[formats]`: the format of files whose type cannot be detected, by glob.
    pub formats: Vec<FormatOverride>,
    /// `[[suppress]]`: suppressions kept in the configuration.
    pub suppress: Vec<ConfigSuppression>,
    /// `[limits]`.
    pub limits: LimitOverrides,
}

/// `[[overrides]]`: findings of these rules in files matching these globs are not reported.
#[derive(Clone, Debug)]
pub struct Override {
    pub paths: Vec<String>,
    pub ignore: Vec<RuleRef>,
    pub span: Option<Span>,
}

/// One `[formats]` entry.
#[derive(Clone, Debug)]
pub struct FormatOverride {
    pub glob: String,
    pub format: Format,
    pub span: Option<Span>,
}

/// One `[[suppress]]` entry.
#[derive(Clone, Debug)]
pub struct ConfigSuppression {
    /// A glob relative to the configuration's directory.
    pub path: String,
    pub target: crate::suppress::Target,
    pub reason: String,
    pub expires: Option<jiff::civil::Date>,
    pub owner: Option<String>,
    /// The entry in `palisade.toml` (for unused and expired reports).
    pub span: Span,
}

/// `[limits]`.
#[derive(Clone, Debug, Default)]
pub struct LimitOverrides {
    pub max_file_size: Option<u64>,
    pub max_depth: Option<usize>,
    pub max_documents: Option<usize>,
    pub max_alias_nodes: Option<usize>,
    pub max_nodes: Option<usize>,
    pub max_steps: Option<u64>,
}

const TOP_KEYS: &[&str] = &[
    "builtin",
    "policies",
    "level",
    "fail-on",
    "include",
    "exclude",
    "gitignore",
    "follow-symlinks",
    "rules",
    "overrides",
    "formats",
    "suppress",
    "limits",
];
const RULES_KEYS: &[&str] = &["select", "ignore", "severity"];
const OVERRIDE_KEYS: &[&str] = &["paths", "ignore"];
const SUPPRESS_KEYS: &[&str] = &["path", "rule", "reason", "expires", "owner"];
const LIMIT_KEYS: &[&str] = &[
    "max-file-size",
    "max-depth",
    "max-documents",
    "max-alias-nodes",
    "max-nodes",
    "max-steps",
];

/// The names `[formats]` accepts.
pub const FORMAT_NAMES: &[&str] = &[
    "yaml",
    "json",
    "toml",
    "hcl",
    "iptables",
    "nftables",
    "cisco-ios",
    "cisco-asa",
    "junos",
    "pfsense",
];

/// Parses a format name of `[formats]`.
pub fn format_named(name: &str) -> Option<Format> {
    use crate::firewall::Vendor;
    Some(match name {
        "yaml" => Format::Yaml,
        "json" => Format::Json,
        "toml" => Format::Toml,
        "hcl" | "terraform" => Format::Hcl,
        "iptables" => Format::Firewall(Vendor::Iptables),
        "nftables" => Format::Firewall(Vendor::Nftables),
        "cisco-ios" => Format::Firewall(Vendor::CiscoIos),
        "cisco-asa" => Format::Firewall(Vendor::CiscoAsa),
        "junos" => Format::Firewall(Vendor::Junos),
        "pfsense" | "opnsense" => Format::Firewall(Vendor::Pfsense),
        _ => return None,
    })
}

/// Parses `palisade.toml` (already in the source database as `file`). Problems are
/// diagnostics; what is valid is kept, so one bad value does not hide the others.
pub fn parse(file: FileId, text: &str, root: PathBuf) -> (Config, Vec<Diagnostic>) {
    let loaded = input::load(file, text, Format::Toml, &input::Limits::default());
    let mut p = Parser {
        diags: loaded.diagnostics,
        whole: Span::new(file, 0, text.len()),
    };
    let mut config = Config {
        root,
        ..Config::default()
    };
    let Some(doc) = loaded.documents.into_iter().next() else {
        return (config, p.diags);
    };
    let Some(top) = doc.value.as_map() else {
        return (config, p.diags);
    };
    p.unknown_keys(top, TOP_KEYS, "the top level");
    config.builtin = p.bool(top, "builtin");
    config.policies = p
        .strings(top, "policies")
        .into_iter()
        .map(|(s, _)| config.root.join(s))
        .collect();
    config.level = p.level(top);
    config.fail_on = p.severity(top, "fail-on");
    config.include = p.globs(top, "include");
    config.exclude = p.globs(top, "exclude");
    config.gitignore = p.bool(top, "gitignore");
    config.follow_symlinks = p.bool(top, "follow-symlinks");
    if let Some(rules) = p.table(top, "rules") {
        p.unknown_keys(rules, RULES_KEYS, "`[rules]`");
        config.select = p.refs(rules, "select", true);
        config.ignore = p.refs(rules, "ignore", true);
        config.severity = p.severity(rules, "severity");
    }
    for (entry, span) in p.tables(top, "overrides") {
        p.unknown_keys(entry, OVERRIDE_KEYS, "`[[overrides]]`");
        let paths = p.globs(entry, "paths");
        let ignore = p.refs(entry, "ignore", true);
        if paths.is_empty() || ignore.is_empty() {
            p.error(
                span,
                "an `[[overrides]]` entry needs `paths` and `ignore`",
                "write e.g. `paths = [\"legacy/**\"]` and `ignore = [\"SR 4.1\"]`",
            );
            continue;
        }
        config.overrides.push(Override {
            paths,
            ignore,
            span,
        });
    }
    if let Some(formats) = p.table(top, "formats") {
        for (glob, entry) in formats.entries() {
            let span = entry.key_span().or(entry.value.span);
            if !p.glob_ok(glob, span) {
                continue;
            }
            let Some(name) = p.string_value(&entry.value, "a format name") else {
                continue;
            };
            match format_named(&name) {
                Some(format) => config.formats.push(FormatOverride {
                    glob: glob.to_string(),
                    format,
                    span,
                }),
                None => p.error(
                    entry.value.span,
                    format!("unknown format `{name}`"),
                    format!(
                        "{} formats: {}",
                        did_you_mean(&name, FORMAT_NAMES.iter().copied()),
                        FORMAT_NAMES.join(", ")
                    )
                    .trim()
                    .to_string(),
                ),
            }
        }
    }
    for (entry, span) in p.tables(top, "suppress") {
        p.unknown_keys(entry, SUPPRESS_KEYS, "`[[suppress]]`");
        if let Some(s) = p.suppression(entry, span.unwrap_or(p.whole)) {
            config.suppress.push(s);
        }
    }
    if let Some(limits) = p.table(top, "limits") {
        p.unknown_keys(limits, LIMIT_KEYS, "`[limits]`");
        let l = &mut config.limits;
        l.max_file_size = p.positive(limits, "max-file-size");
        l.max_depth = p.positive(limits, "max-depth").map(|n| n as usize);
        l.max_documents = p.positive(limits, "max-documents").map(|n| n as usize);
        l.max_alias_nodes = p.positive(limits, "max-alias-nodes").map(|n| n as usize);
        l.max_nodes = p.positive(limits, "max-nodes").map(|n| n as usize);
        l.max_steps = p.positive(limits, "max-steps");
    }
    (config, p.diags)
}

struct Parser {
    diags: Vec<Diagnostic>,
    whole: Span,
}

impl Parser {
    fn error(&mut self, span: Option<Span>, message: impl Into<String>, help: impl Into<String>) {
        self.diags.push(
            Diagnostic::new(Code::BadConfig, message)
                .span(span.or(Some(self.whole)))
                .help(help),
        );
    }

    fn unknown_keys(&mut self, map: &Map, known: &[&str], place: &str) {
        for (key, entry) in map.entries() {
            if known.contains(&key.as_ref()) {
                continue;
            }
            let hint = if place != "the top level" && TOP_KEYS.contains(&key.as_ref()) {
                format!(
                    "`{key}` is a top-level key: move it above the first `[table]` header (in TOML, keys after a header belong to that table)."
                )
            } else {
                did_you_mean(key, known.iter().copied())
            };
            let d = Diagnostic::new(
                Code::BadConfig,
                format!("unknown key `{key}` in {place} of palisade.toml"),
            )
            .span(entry.key_span().or(entry.value.span).or(Some(self.whole)))
            .help(
                format!("{hint} known keys: {}", known.join(", "))
                    .trim()
                    .to_string(),
            );
            self.diags.push(d);
        }
    }

    fn mistyped(&mut self, value: &Value, key: &str, expected: &str) {
        self.error(
            value.span,
            format!(
                "`{key}` must be {expected}, not {}",
                value.type_name().as_str()
            ),
            format!("see the comments `palisade init` writes for `{key}`"),
        );
    }

    fn bool(&mut self, map: &Map, key: &str) -> Option<bool> {
        let v = map.get(key)?;
        let b = v.as_bool();
        if b.is_none() {
            self.mistyped(v, key, "true or false");
        }
        b
    }

    fn string_value(&mut self, v: &Value, expected: &str) -> Option<String> {
        match v.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                self.error(
                    v.span,
                    format!("expected {expected}, found {}", v.type_name().as_str()),
                    "write a quoted string",
                );
                None
            }
        }
    }

    /// A list of strings (a single string is taken as a list of one).
    fn strings(&mut self, map: &Map, key: &str) -> Vec<(String, Option<Span>)> {
        let Some(v) = map.get(key) else {
            return Vec::new();
        };
        if let Some(s) = v.as_str() {
            return vec![(s.to_string(), v.span)];
        }
        let Some(items) = v.as_list() else {
            self.mistyped(v, key, "a list of strings");
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            match item.as_str() {
                Some(s) => out.push((s.to_string(), item.span)),
                None => self.mistyped(item, key, "a list of strings"),
            }
        }
        out
    }

    fn glob_ok(&mut self, glob: &str, span: Option<Span>) -> bool {
        match Glob::new(glob) {
            Ok(_) => true,
            Err(e) => {
                self.error(
                    span,
                    format!("`{glob}` is not a valid glob: {}", e.kind()),
                    "globs use `*`, `**`, `?`, `[abc]` and `{a,b}`, relative to the directory of palisade.toml",
                );
                false
            }
        }
    }

    fn globs(&mut self, map: &Map, key: &str) -> Vec<String> {
        self.strings(map, key)
            .into_iter()
            .filter(|(g, span)| self.glob_ok(g, *span))
            .map(|(g, _)| g)
            .collect()
    }

    fn refs(&mut self, map: &Map, key: &str, allow_fr: bool) -> Vec<RuleRef> {
        let mut out = Vec::new();
        for (s, span) in self.strings(map, key) {
            match RuleRef::parse(&s, span, allow_fr) {
                Ok(r) => out.push(r),
                Err(help) => self.error(span, format!("`{s}` is not a rule reference"), help),
            }
        }
        out
    }

    fn level(&mut self, map: &Map) -> Option<u8> {
        let v = map.get("level")?;
        match v.as_int() {
            Some(n @ 1..=4) => Some(n as u8),
            _ => {
                self.error(
                    v.span,
                    "`level` must be a security level, 1 to 4",
                    "rules that apply at SL 1 up to this level run",
                );
                None
            }
        }
    }

    fn severity(&mut self, map: &Map, key: &str) -> Option<RuleSeverity> {
        let v = map.get(key)?;
        let s = v.as_str().unwrap_or_default();
        match RuleSeverity::parse(s) {
            Some(sev) => Some(sev),
            None => {
                self.error(
                    v.span,
                    format!("`{key}` must be a severity"),
                    "write \"low\", \"medium\", \"high\" or \"critical\"",
                );
                None
            }
        }
    }

    fn positive(&mut self, map: &Map, key: &str) -> Option<u64> {
        let v = map.get(key)?;
        match v.as_int() {
            Some(n) if n > 0 => Some(n as u64),
            _ => {
                self.error(
                    v.span,
                    format!("`{key}` must be a positive integer"),
                    "limits can be raised or lowered, not switched off",
                );
                None
            }
        }
    }

    fn table<'m>(&mut self, map: &'m Map, key: &str) -> Option<&'m Map> {
        let v = map.get(key)?;
        let m = v.as_map();
        if m.is_none() {
            self.mistyped(v, key, "a table");
        }
        m
    }

    /// An array of tables (`[[key]]`); a single table is taken as one entry.
    fn tables<'m>(&mut self, map: &'m Map, key: &str) -> Vec<(&'m Map, Option<Span>)> {
        let Some(v) = map.get(key) else {
            return Vec::new();
        };
        if let Some(m) = v.as_map() {
            return vec![(m, v.span)];
        }
        let Some(items) = v.as_list() else {
            self.mistyped(v, key, "an array of tables");
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            match item.as_map() {
                Some(m) => out.push((m, item.span)),
                None => self.mistyped(item, key, "an array of tables"),
            }
        }
        out
    }

    fn suppression(&mut self, entry: &Map, span: Span) -> Option<ConfigSuppression> {
        let required = |p: &mut Parser, key: &str| -> Option<(String, Option<Span>)> {
            match entry.get(key) {
                None => {
                    p.error(
                        Some(span),
                        format!("a `[[suppress]]` entry needs `{key}`"),
                        "each entry needs `path`, `rule` and a `reason`; `expires` and `owner` are optional",
                    );
                    None
                }
                Some(v) => p.string_value(v, "a string").map(|s| (s, v.span)),
            }
        };
        let path = required(self, "path");
        let rule = required(self, "rule");
        let reason = required(self, "reason");
        let (path, pspan) = path?;
        if !self.glob_ok(&path, pspan) {
            return None;
        }
        let (rule, rspan) = rule?;
        let target = match RuleRef::parse(&rule, rspan, false) {
            Ok(RuleRef::Rule(id, _)) => crate::suppress::Target::Rule(id),
            Ok(RuleRef::Requirement(r, _)) => crate::suppress::Target::Requirement(r),
            Ok(RuleRef::Fr(..)) | Err(_) => {
                self.error(
                    rspan,
                    format!("`{rule}` is not a rule id or requirement"),
                    "write a rule id such as `privileged_container`, or a requirement such as `SR 2.1` or `SR 1.1 RE 2`",
                );
                return None;
            }
        };
        let (reason, reason_span) = reason?;
        if reason.trim().is_empty() {
            self.error(
                reason_span,
                "the reason of a suppression must not be empty",
                "say why the finding is accepted, for the next reader and the auditor",
            );
            return None;
        }
        let expires = match entry.get("expires") {
            None => None,
            Some(v) => {
                let text = v.as_str().unwrap_or_default();
                match text.parse::<jiff::civil::Date>() {
                    Ok(d) => Some(d),
                    Err(_) => {
                        self.error(
                            v.span,
                            "`expires` must be a date",
                            "write `expires = 2027-03-31` (YYYY-MM-DD)",
                        );
                        return None;
                    }
                }
            }
        };
        let owner = match entry.get("owner") {
            None => None,
            Some(v) => Some(self.string_value(v, "a string")?),
        };
        Some(ConfigSuppression {
            path,
            target,
            reason,
            expires,
            owner,
            span,
        })
    }
}
