//! `palisade.toml` for the commands that check a tree (`check`, `assess`, `report`).

use std::path::{Path, PathBuf};

use palisade::config::Config;
use palisade::diag::Diagnostic;
use palisade::driver::{self, CheckOptions, Filters, PolicySources};
use palisade::report::human;
use palisade::source::SourceDb;
use palisade::{eval, input};

use super::args::ColorChoice;
use super::output::{emit_err, use_color, width};
use super::ExitStatus;

/// Finds and reads `palisade.toml` (or `--config FILE`) into `db`. A configuration with
/// errors stops the command: they are printed and the status is returned.
pub(crate) fn load_config(
    explicit: Option<&Path>,
    no_config: bool,
    paths: &[PathBuf],
    db: &mut SourceDb,
    color: ColorChoice,
) -> Result<Option<Config>, ExitStatus> {
    if no_config {
        return Ok(None);
    }
    let file = match explicit {
        Some(f) => f.to_path_buf(),
        None => match paths.first().and_then(|p| driver::config::find(p)) {
            Some(f) => f,
            None => return Ok(None),
        },
    };
    let (config, diags) = driver::config::load(db, &file);
    if diags.is_empty() {
        return Ok(config);
    }
    let r = human::Renderer::new(db, use_color(color), width());
    emit_err(&diags.iter().map(|d| r.diagnostic(d)).collect::<String>());
    if diags.iter().any(Diagnostic::is_error) {
        Err(ExitStatus::Error)
    } else {
        Ok(config)
    }
}

/// The options of a run as `palisade.toml` sets them, with `extra_policies` added: for the
/// commands that have no flags of their own for rules, inputs and limits.
pub(crate) fn configured_options(
    config: Option<Config>,
    paths: Vec<PathBuf>,
    extra_policies: &[PathBuf],
) -> CheckOptions {
    let mut opts = CheckOptions {
        paths,
        ..CheckOptions::default()
    };
    let Some(c) = config else {
        opts.policies = PolicySources {
            builtin_pack: true,
            builtin_tests: false,
            paths: extra_policies.to_vec(),
        };
        return opts;
    };
    let mut policies = c.policies.clone();
    policies.extend(extra_policies.iter().cloned());
    opts.policies = PolicySources {
        builtin_pack: c.builtin.unwrap_or(true),
        builtin_tests: false,
        paths: policies,
    };
    opts.filters = Filters {
        no_gitignore: c.gitignore == Some(false),
        follow_symlinks: c.follow_symlinks == Some(true),
        ..Filters::default()
    };
    opts.selection.max_level = c.level;
    opts.selection.min_severity = c.severity;
    opts.selection.any_of = c.select.clone();
    opts.selection.none_of = c.ignore.clone();
    let (i, e) = (input::Limits::default(), eval::Limits::default());
    opts.input_limits = input::Limits {
        max_file_size: c.limits.max_file_size.unwrap_or(i.max_file_size),
        max_depth: c.limits.max_depth.unwrap_or(i.max_depth),
        max_documents: c.limits.max_documents.unwrap_or(i.max_documents),
        max_alias_nodes: c.limits.max_alias_nodes.unwrap_or(i.max_alias_nodes),
        max_nodes: c.limits.max_nodes.unwrap_or(i.max_nodes),
    };
    opts.eval_limits = eval::Limits {
        max_steps: c.limits.max_steps.unwrap_or(e.max_steps),
        ..e
    };
    opts.config = Some(c);
    opts
}
