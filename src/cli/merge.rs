//! `palisade merge`: combines the JSON or SARIF reports of sharded runs.

use palisade::diag::{Code, Diagnostic};
use palisade::eval::RuleSeverity;
use palisade::report::{human, merge};
use palisade::source::SourceDb;
use serde_json::Value as Json;

use super::args::{MergeArgs, MergeFormat};
use super::output::{emit, emit_err, width, write_atomically};
use super::ExitStatus;

pub(crate) fn run(args: &MergeArgs) -> ExitStatus {
    let fail = |message: String, help: &str| {
        let d = Diagnostic::new(Code::BadReport, message).help(help.to_string());
        emit_err(&human::Renderer::new(&SourceDb::new(), false, width()).diagnostic(&d));
        ExitStatus::Error
    };
    let mut reports = Vec::new();
    for file in &args.reports {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                return fail(
                    format!("cannot read `{}`: {e}", file.display()),
                    "pass the files written by `palisade check --shard K/N --output FILE`",
                )
            }
        };
        match serde_json::from_str::<Json>(&text) {
            Ok(v) => reports.push(v),
            Err(e) => return fail(
                format!("`{}` is not JSON: {e}", file.display()),
                "pass the files written by `palisade check --shard K/N --format json` (or sarif)",
            ),
        }
    }
    let merged = match args.format {
        MergeFormat::Json => merge::json_reports(&reports),
        MergeFormat::Sarif => merge::sarif_logs(&reports),
    };
    let merged = match merged {
        Ok(m) => m,
        Err(e) => {
            return fail(
                e,
                "`--format` must be the format the shards wrote (json or sarif)",
            )
        }
    };
    let text = format!(
        "{}\n",
        serde_json::to_string_pretty(&merged).unwrap_or_default()
    );
    match &args.output {
        None => emit(&text),
        Some(file) => {
            if let Err(e) = write_atomically(file, &text) {
                return fail(
                    format!("cannot write `{}`: {e}", file.display()),
                    "check that the directory exists and is writable",
                );
            }
        }
    }
    let threshold = match args.fail_on.as_deref().map(RuleSeverity::parse) {
        None => RuleSeverity::Low,
        Some(Some(t)) => t,
        Some(None) => {
            return fail(
                "`--fail-on` is not a severity".to_string(),
                "write low, medium, high or critical",
            )
        }
    };
    let failed = match args.format {
        MergeFormat::Json => merged
            .get("findings")
            .and_then(Json::as_array)
            .is_some_and(|fs| {
                fs.iter().any(|f| {
                    f.get("severity")
                        .and_then(Json::as_str)
                        .and_then(RuleSeverity::parse)
                        .is_none_or(|s| s >= threshold)
                })
            }),
        MergeFormat::Sarif => {
            // The severity of a result is its rule's: `security-severity` maps back to it.
            let rules = merged
                .pointer("/runs/0/tool/driver/rules")
                .and_then(Json::as_array)
                .cloned()
                .unwrap_or_default();
            let severity_of = |r: &Json| -> Option<RuleSeverity> {
                let rule = rules.get(usize::try_from(r.get("ruleIndex")?.as_u64()?).ok()?)?;
                let score = rule.pointer("/properties/security-severity")?.as_str()?;
                let score: f64 = score.parse().ok()?;
                Some(if score >= 9.0 {
                    RuleSeverity::Critical
                } else if score >= 7.0 {
                    RuleSeverity::High
                } else if score >= 4.0 {
                    RuleSeverity::Medium
                } else {
                    RuleSeverity::Low
                })
            };
            merged
                .pointer("/runs/0/results")
                .and_then(Json::as_array)
                .is_some_and(|rs| {
                    rs.iter().any(|r| {
                        r.get("suppressions").is_none()
                            && severity_of(r).is_none_or(|s| s >= threshold)
                    })
                })
        }
    };
    let errors = merged
        .pointer("/summary/errors")
        .and_then(Json::as_u64)
        .unwrap_or(0);
    if errors > 0 {
        ExitStatus::Error
    } else if failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}
