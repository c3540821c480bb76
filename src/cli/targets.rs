//! Which format of `palisade check` goes where: pairing `--format` with `--output`.
//!
//! Each `--output FILE` writes the `--format` given last before it on the command line. A
//! `--format` without an `--output` goes to standard output, and at most one may. With no
//! `--format` at all the output is `human` on standard output.

use std::path::PathBuf;

use super::args::{CheckFormat, CheckOutputArgs};

/// One format and where it goes (`None`: standard output).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Target {
    pub(crate) format: CheckFormat,
    pub(crate) file: Option<PathBuf>,
}

/// The targets in the order their `--format`s were given, or what is wrong with the flags.
pub(crate) fn plan(args: &CheckOutputArgs) -> Result<Vec<Target>, String> {
    let (format_at, output_at) = if args.format_positions.len() == args.format.len()
        && args.output_positions.len() == args.output.len()
    {
        (args.format_positions.clone(), args.output_positions.clone())
    } else {
        // Positions unknown: pair the i-th `--output` with the i-th `--format`.
        (
            (0..args.format.len()).map(|i| 2 * i).collect(),
            (0..args.output.len()).map(|i| 2 * i + 1).collect(),
        )
    };
    if args.format.is_empty() {
        if let Some(file) = args.output.first() {
            return Err(format!(
                "`--output {}` has no `--format` before it",
                file.display()
            ));
        }
        return Ok(vec![Target {
            format: CheckFormat::Human,
            file: None,
        }]);
    }
    let mut targets: Vec<Target> = args
        .format
        .iter()
        .map(|&format| Target { format, file: None })
        .collect();
    for (file, at) in args.output.iter().zip(output_at) {
        let owner = format_at
            .iter()
            .enumerate()
            .filter(|(_, &f)| f < at)
            .max_by_key(|(_, &f)| f)
            .map(|(i, _)| i);
        let Some(target) = owner.and_then(|i| targets.get_mut(i)) else {
            return Err(format!(
                "`--output {}` has no `--format` before it",
                file.display()
            ));
        };
        if let Some(first) = &target.file {
            return Err(format!(
                "one `--format` has two outputs, `{}` and `{}`",
                first.display(),
                file.display()
            ));
        }
        target.file = Some(file.clone());
    }
    let mut files: Vec<&PathBuf> = targets.iter().filter_map(|t| t.file.as_ref()).collect();
    files.sort();
    if let Some(pair) = files.windows(2).find(|w| w.first() == w.last()) {
        let dup = pair
            .first()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        return Err(format!("`--output {dup}` is given twice"));
    }
    if targets.iter().filter(|t| t.file.is_none()).count() > 1 {
        return Err("more than one `--format` would go to standard output".to_string());
    }
    Ok(targets)
}
