//! `palisade requirements`: the IEC 62443-3-3 catalogue with the rules implementing each
//! requirement, and which need manual evidence.

use palisade::catalogue::catalogue;
use palisade::driver::{self, PolicySources};
use palisade::source::SourceDb;
use serde_json::json;

use super::args::{Format, RequirementsArgs};
use super::output::emit;
use super::ExitStatus;

pub(crate) fn run(args: &RequirementsArgs) -> ExitStatus {
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
    let cat = catalogue();
    let rows: Vec<(&palisade::catalogue::Requirement, Vec<String>)> = cat
        .requirements
        .iter()
        .map(|r| {
            let mut rules: Vec<String> = program
                .rules()
                .filter(|m| m.requirements.contains(&r.id))
                .map(|m| m.id.clone())
                .collect();
            rules.sort();
            (r, rules)
        })
        .collect();
    let implemented = rows.iter().filter(|(_, rules)| !rules.is_empty()).count();
    match args.format {
        Format::Json => {
            let reqs: Vec<serde_json::Value> = rows
                .iter()
                .map(|(r, rules)| {
                    json!({
                        "id": r.id,
                        "fr": format!("FR{}", r.fr),
                        "level": r.level,
                        "title": r.title,
                        "coverage": r.coverage,
                        "rules": rules,
                        "manual": rules.is_empty(),
                        "evidence": r.evidence,
                    })
                })
                .collect();
            let out = json!({
                "version": 1,
                "summary": {"total": rows.len(), "implemented": implemented, "manual": rows.len() - implemented},
                "requirements": reqs,
            });
            emit(&format!(
                "{}\n",
                serde_json::to_string_pretty(&out).unwrap_or_default()
            ));
        }
        Format::Human => {
            let mut out = String::new();
            let mut fr = 0;
            for (r, rules) in &rows {
                if r.fr != fr {
                    fr = r.fr;
                    out.push_str(&format!("\nFR{fr} {}\n", cat.fr_title(fr)));
                }
                let what = if rules.is_empty() {
                    format!("manual evidence: {}", r.evidence)
                } else {
                    rules.join(", ")
                };
                out.push_str(&format!(
                    "  {:<13} SL{}  {:<60}  {what}\n",
                    r.id,
                    r.level,
                    clip(&r.title, 60)
                ));
            }
            out.push_str(&format!(
                "\n{} requirements: {implemented} implemented by rules, {} need manual evidence\n",
                rows.len(),
                rows.len() - implemented
            ));
            emit(&out);
        }
    }
    ExitStatus::Success
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}
