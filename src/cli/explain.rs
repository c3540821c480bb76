//! `palisade explain`: the documentation of a rule or a diagnostic code.

use palisade::diag::Code;
use palisade::driver::{self, PolicySources};
use palisade::source::SourceDb;

use super::args::ExplainArgs;
use super::output::{emit, emit_err};
use super::ExitStatus;

pub(crate) fn run(args: &ExplainArgs) -> ExitStatus {
    let joined = args.what.join(" ");
    let what = joined.trim();
    if let Some(id) = palisade::check::normalize_requirement(what)
        .or_else(|| palisade::check::normalize_requirement(&format!("SR {what}")))
    {
        if let Some(r) = palisade::catalogue::catalogue().get(&id) {
            return explain_requirement(r);
        }
    }
    let code_name = what.strip_prefix("palisade::").unwrap_or(what);
    if let Some(code) = Code::ALL
        .iter()
        .find(|c| c.as_str().strip_prefix("palisade::") == Some(code_name))
    {
        emit(&format!(
            "{} ({})\n\n{}",
            code.as_str(),
            code.default_severity().as_str(),
            code.doc().replace("\n ", "\n").trim_start()
        ));
        return ExitStatus::Success;
    }
    let natives: Vec<_> = palisade::natives::all()
        .filter(|n| n.name == what || format!("{}.{}", n.module, n.name) == what)
        .collect();
    if !natives.is_empty() {
        let text: Vec<String> = natives
            .iter()
            .map(|n| {
                format!(
                    "{}.{}\n\n    {}\n\n{}\n",
                    n.module,
                    n.name,
                    n.signature(),
                    n.doc.trim()
                )
            })
            .collect();
        emit(&text.join("\n"));
        return ExitStatus::Success;
    }
    let mut db = SourceDb::new();
    let loaded = driver::load_policies(
        &mut db,
        &PolicySources {
            builtin_pack: true,
            builtin_tests: false,
            paths: args.policies.clone(),
        },
    );
    let program = &loaded.compiled.program;
    if let Some(rule) = program.rules().find(|r| r.id == what || r.name == what) {
        let mut out = format!("{}: {}\n\n", rule.id, rule.title);
        out.push_str(&format!(
            "severity: {}\nsecurity level: SL {}\n",
            rule.severity.as_str(),
            rule.level
        ));
        if let Some(fr) = rule.fr {
            out.push_str(&format!("foundational requirement: FR{fr}\n"));
        }
        if !rule.requirements.is_empty() {
            out.push_str(&format!(
                "requirements: IEC 62443-3-3 {}\n",
                rule.requirements.join(", ")
            ));
        }
        out.push_str(&format!("defined in: {}\n", db.name(rule.file)));
        if let Some(doc) = &rule.doc {
            out.push_str(&format!("\n{doc}\n"));
        }
        if let Some(r) = &rule.rationale {
            out.push_str(&format!("\nWhy: {r}\n"));
        }
        if let Some(r) = &rule.remediation {
            out.push_str(&format!("\nFix: {r}\n"));
        }
        emit(&out);
        return ExitStatus::Success;
    }
    emit_err(&format!(
        "error[palisade::bad-argument]: no rule or diagnostic code named `{what}`\n  help: give a rule id (`privileged_container`), a diagnostic code (`palisade::unknown-name`) or a builtin function (`has_prefix`); docs/stdlib.md lists the functions\n"
    ));
    ExitStatus::Error
}

fn explain_requirement(r: &palisade::catalogue::Requirement) -> ExitStatus {
    let cat = palisade::catalogue::catalogue();
    let mut db = SourceDb::new();
    let loaded = driver::load_policies(
        &mut db,
        &PolicySources {
            builtin_pack: true,
            builtin_tests: false,
            paths: Vec::new(),
        },
    );
    let rules: Vec<String> = loaded
        .compiled
        .program
        .rules()
        .filter(|m| m.requirements.contains(&r.id))
        .map(|m| {
            format!(
                "  {} — {} ({} severity, SL {})",
                m.id,
                m.title,
                m.severity.as_str(),
                m.level
            )
        })
        .collect();
    let coverage = match r.coverage.as_str() {
        "A" => "largely checkable from configurations",
        "P" => "partly checkable from configurations",
        _ => "organisational: configurations cannot show it",
    };
    let mut out = format!(
        "IEC 62443-3-3 {}: {}

foundational requirement: FR{} {}
security level: from SL {}
coverage: {coverage}
",
        r.id,
        r.title,
        r.fr,
        cat.fr_title(r.fr),
        r.level
    );
    if rules.is_empty() {
        out.push_str(
            "
No rule implements it: manual evidence needed.
",
        );
    } else {
        out.push_str(&format!(
            "
Rules:
{}
",
            rules.join("\n")
        ));
    }
    out.push_str(&format!(
        "
Evidence an auditor asks for: {}
",
        r.evidence
    ));
    emit(&out);
    ExitStatus::Success
}
